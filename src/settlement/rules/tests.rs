use super::*;
use crate::error::DomainError;

const TN: &str = "320402";
const WJ: &str = "320412";
const LY: &str = "320481";

fn figures(meals: i64, district: i64, street: i64, city: i64) -> Figures {
    let subsidy = district + street + city;
    Figures {
        meals,
        gross_fen: meals * 1500,
        elder_share_fen: meals * 1500 - subsidy,
        subsidy_fen: subsidy,
        subsidy_city_fen: city,
        subsidy_district_fen: district,
        subsidy_street_fen: street,
    }
}

fn flow(f: &str, s: &str, fig: Figures) -> Flow {
    Flow {
        funding_district: f.into(),
        service_district: s.into(),
        figures: fig,
    }
}

/// Three districts eating across each other, worked out by hand:
/// 天宁 elders ate 2 meals in 武进 (district 2.00 + street 1.00 each: 天宁 owes 武进 6.00),
/// 武进 elders ate 1 meal in 天宁 (4.00: 武进 owes 天宁 4.00),
/// 溧阳 elders ate 3 meals in 天宁 (1.00 each + 0.50 city each: 溧阳 owes 天宁 3.00),
/// and 天宁 elders 1 meal at home.
fn example() -> Vec<Flow> {
    vec![
        flow(TN, WJ, figures(2, 400, 200, 0)),
        flow(WJ, TN, figures(1, 400, 0, 0)),
        flow(LY, TN, figures(3, 300, 0, 150)),
        flow(TN, TN, figures(1, 200, 100, 0)),
    ]
}

#[test]
fn the_matrix_sums_flows_per_funding_and_service_district() {
    let mut flows = example();
    flows.push(flow(TN, WJ, figures(1, 200, 100, 0)));
    let cells = matrix(&flows);
    assert_eq!(cells[&(TN.into(), WJ.into())].meals, 3);
    assert_eq!(
        cells[&(TN.into(), WJ.into())].owed_by_funding_district_fen(),
        900
    );
    assert_eq!(cells.len(), 4);
    assert_eq!(districts_involved(&flows), vec![TN, WJ, LY]);
}

#[test]
fn net_positions_are_what_a_owes_b_minus_what_b_owes_a_for_every_pair() {
    let flows = example();
    let cells = matrix(&flows);
    let positions = net_positions(&cells, &districts_involved(&flows));
    assert_eq!(positions.len(), 3, "three districts, three pairs");
    let tn_wj = positions.iter().find(|p| p.a == TN && p.b == WJ).unwrap();
    assert_eq!((tn_wj.a_owes_b_fen, tn_wj.b_owes_a_fen), (600, 400));
    assert_eq!(tn_wj.net_fen(), 200, "天宁 pays 武进 2.00 net");
    assert_eq!(tn_wj.flipped().net_fen(), -200);
    let tn_ly = positions.iter().find(|p| p.a == TN && p.b == LY).unwrap();
    assert_eq!(tn_ly.net_fen(), -300, "溧阳 pays 天宁 3.00 net");
    let wj_ly = positions.iter().find(|p| p.a == WJ && p.b == LY).unwrap();
    assert_eq!(wj_ly.net_fen(), 0);
    // Money only moves between districts: the nets add up to nothing.
    let receivable: i64 = district_positions(&cells, &districts_involved(&flows))
        .iter()
        .map(|p| p.net_fen())
        .sum();
    assert_eq!(receivable, 0);
}

#[test]
fn each_district_sees_receivable_payable_and_the_city_part() {
    let flows = example();
    let cells = matrix(&flows);
    let positions = district_positions(&cells, &districts_involved(&flows));
    let tn = positions.iter().find(|p| p.district == TN).unwrap();
    assert_eq!(tn.served.meals, 5);
    assert_eq!(tn.funded.meals, 3);
    assert_eq!(tn.own.meals, 1);
    assert_eq!(tn.receivable_fen, 400 + 300);
    assert_eq!(tn.payable_fen, 600);
    assert_eq!(tn.receivable_from_city_fen, 150);
    assert_eq!(tn.net_fen(), 100);
    let ly = positions.iter().find(|p| p.district == LY).unwrap();
    assert_eq!((ly.receivable_fen, ly.payable_fen), (0, 300));
    assert_eq!(ly.served, Figures::default());
}

#[test]
fn a_clerk_sees_only_flows_their_district_funds_or_serves() {
    let clerk = Viewer::District(TN.into());
    assert!(clerk.sees(TN, WJ));
    assert!(clerk.sees(LY, TN));
    assert!(
        !clerk.sees(WJ, LY),
        "武进 ↔ 溧阳 is none of 天宁's business"
    );
    assert!(!clerk.sees(LY, WJ));
    assert!(Viewer::City.sees(WJ, LY));
}

#[test]
fn reconciliation_holds_only_to_the_fen() {
    let lines = figures(6, 900, 300, 150);
    assert!(
        reconcile(
            lines,
            lines,
            Figures::default(),
            Figures::default(),
            Figures::default()
        )
        .reconciled()
    );
    let mut one_fen_off = lines;
    one_fen_off.subsidy_street_fen += 1;
    one_fen_off.subsidy_fen += 1;
    one_fen_off.elder_share_fen -= 1;
    let r = reconcile(
        lines,
        one_fen_off,
        Figures::default(),
        Figures::default(),
        Figures::default(),
    );
    assert!(!r.reconciled());
    let city = issue_texts(&r.issues, &Viewer::City);
    assert!(city.iter().any(|i| i.contains("街道补贴")), "{city:?}");
    assert!(city.iter().any(|i| i.contains(" 元")), "{city:?}");
    // A clerk reads which totals differ, never the city-wide figures.
    let clerk = Viewer::District("320402".into());
    let district = issue_texts(&r.issues, &clerk);
    assert!(
        district.iter().any(|i| i.contains("街道补贴")),
        "{district:?}"
    );
    assert!(
        district
            .iter()
            .all(|i| !i.chars().any(|c| c.is_ascii_digit())),
        "{district:?}"
    );
    let refusal = check_reconciled(&r, &clerk).unwrap_err();
    assert!(
        !refusal.message().chars().any(|c| c.is_ascii_digit()),
        "{}",
        refusal.message()
    );
    assert!(
        check_reconciled(&r, &Viewer::City)
            .unwrap_err()
            .message()
            .contains("元")
    );

    let late = figures(1, 200, 100, 0);
    let missing = reconcile(lines, lines, Figures::default(), late, Figures::default());
    assert!(!missing.reconciled(), "a late-served order not carried");
    let carried = reconcile(lines, lines, late, late, late.negated());
    assert!(carried.reconciled());
    assert_eq!(carried.total(), lines);

    let mut broken = lines;
    broken.subsidy_city_fen += 5;
    let r = reconcile(
        broken,
        broken,
        Figures::default(),
        Figures::default(),
        Figures::default(),
    );
    assert!(
        issue_texts(&r.issues, &Viewer::City)
            .iter()
            .any(|i| i.contains("三级")),
        "{:?}",
        r.issues
    );
}

#[test]
fn clerks_create_runs_of_closed_months_only_and_delete_their_own_drafts() {
    let today = NaiveDate::from_ymd_opt(2027, 3, 8).unwrap();
    let clerk = Viewer::District("320402".into());
    let feb = NaiveDate::from_ymd_opt(2027, 2, 28).unwrap();
    let march = NaiveDate::from_ymd_opt(2027, 3, 1).unwrap();
    assert!(check_may_create(&clerk, feb, today).is_ok());
    assert_eq!(
        check_may_create(&clerk, march, today).unwrap_err().code(),
        "RUN_PERIOD_NOT_CLOSED"
    );
    assert!(check_may_create(&Viewer::City, march + Months::new(5), today).is_ok());
    assert!(check_may_delete(&clerk, 7, 7).is_ok());
    assert_eq!(
        check_may_delete(&clerk, 7, 8).unwrap_err().code(),
        "RUN_NOT_YOURS"
    );
    assert!(check_may_delete(&Viewer::City, 7, 1).is_ok());
}

#[test]
fn a_clerks_draft_is_submitted_by_that_district_or_the_city_and_the_citys_by_those_involved() {
    let zhonglou = Viewer::District("320404".into());
    let tianning = Viewer::District("320402".into());
    let involved = vec!["320402".to_string(), "320404".to_string()];
    let by_zhonglou = Author::District("320404".into());
    assert!(check_may_submit(&zhonglou, &by_zhonglou, &involved).is_ok());
    assert!(matches!(
        check_may_submit(&tianning, &by_zhonglou, &involved),
        Err(SettlementRuleError::SubmitNotYours)
    ));
    assert!(check_may_submit(&Viewer::City, &by_zhonglou, &involved).is_ok());
    assert!(check_may_submit(&tianning, &Author::City, &involved).is_ok());
    let wujin = Viewer::District("320412".into());
    assert!(matches!(
        check_may_submit(&wujin, &Author::City, &involved),
        Err(SettlementRuleError::SubmitNotYours)
    ));
}

#[test]
fn the_workflow_runs_draft_submitted_locked_and_a_locked_run_refuses_everything() {
    use RunState::*;
    assert_eq!(next_state(Draft, Step::Submit).unwrap(), Submitted);
    assert_eq!(next_state(Submitted, Step::Approve).unwrap(), Locked);
    assert_eq!(next_state(Submitted, Step::Reopen).unwrap(), Draft);
    assert_eq!(next_state(Draft, Step::AddAdjustment).unwrap(), Draft);
    assert_eq!(
        next_state(Submitted, Step::Recompute).unwrap_err().code(),
        "RUN_NOT_DRAFT"
    );
    assert_eq!(
        next_state(Draft, Step::Approve).unwrap_err().code(),
        "RUN_NOT_SUBMITTED"
    );
    for step in [
        Step::Recompute,
        Step::AddAdjustment,
        Step::Submit,
        Step::Review,
        Step::Reopen,
        Step::Approve,
    ] {
        assert_eq!(next_state(Locked, step).unwrap_err().code(), "RUN_LOCKED");
    }
}

#[test]
fn who_may_act() {
    assert_eq!(roles_for(Step::Approve), &[Role::CityAdmin]);
    assert_eq!(roles_for(Step::Review), &[Role::DistrictClerk]);
    let involved = vec![TN.to_string(), WJ.to_string()];
    assert_eq!(may_review(Some(TN), &involved).unwrap(), TN);
    assert_eq!(
        may_review(Some(LY), &involved).unwrap_err().code(),
        "DISTRICT_NOT_INVOLVED"
    );
    assert!(check_all_confirmed(&[(TN.into(), Decision::Confirmed)]).is_ok());
    let err = check_all_confirmed(&[
        (TN.into(), Decision::Confirmed),
        (WJ.into(), Decision::Disputed),
    ])
    .unwrap_err();
    assert!(err.message().contains(WJ));
    assert_eq!(
        check_comment(Decision::Disputed, Some("  "))
            .unwrap_err()
            .code(),
        "COMMENT_REQUIRED"
    );
    assert_eq!(check_comment(Decision::Confirmed, None).unwrap(), None);
}

#[test]
fn periods() {
    let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    assert_eq!(
        month_period("2026-11").unwrap(),
        (d("2026-11-01"), d("2026-11-30"))
    );
    assert_eq!(month_period("2024-02").unwrap().1, d("2024-02-29"));
    assert_eq!(month_period("2026-12").unwrap().1, d("2026-12-31"));
    assert!(month_period("2026-13").is_err());
    assert!(month_period("November").is_err());
    assert_eq!(
        previous_month(d("2026-11-23")),
        (d("2026-10-01"), d("2026-10-31"))
    );
    assert_eq!(
        previous_month(d("2026-01-05")),
        (d("2025-12-01"), d("2025-12-31"))
    );
    assert!(check_period(d("2026-11-02"), d("2026-11-01")).is_err());
    assert!(check_period(d("2026-01-01"), d("2027-06-01")).is_err());
    assert!(overlaps(
        (d("2026-11-01"), d("2026-11-30")),
        (d("2026-11-30"), d("2026-12-31"))
    ));
    assert!(!overlaps(
        (d("2026-11-01"), d("2026-11-30")),
        (d("2026-12-01"), d("2026-12-31"))
    ));
}
