//! The settlement's rules as plain functions: periods, who owes whom (the matrix, net positions,
//! each district's receivable and payable), the reconciliation check, the run's workflow and who
//! may take each step. No database, no HTTP.
//!
//! Who pays what (DESIGN.md, "Same-city settlement"): every served meal carries a subsidy split
//! by funder level. The city-level part is paid by the city, a funder of its own; the district-
//! and street-level parts are paid by the elder's hukou district (the funding district). The
//! district where the meal was served advanced the whole subsidy to its meal points, so the
//! funding district owes the service district its district + street parts (a matrix cell), and
//! the city owes the service district the city part. The diagonal is a district's own elders.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::{auth::Role, clock::DateOutOfRange};

/// Why a settlement step or a request about a run is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SettlementRuleError {
    #[error("run locked")]
    RunLocked,
    #[error("run not draft")]
    RunNotDraft,
    #[error("run not submitted")]
    RunNotSubmitted,
    #[error("clerk without district")]
    ClerkWithoutDistrict,
    #[error("district not involved")]
    DistrictNotInvolved,
    /// These districts have not confirmed yet.
    #[error("run not confirmed")]
    NotConfirmed { waiting: Vec<String> },
    /// The reconciliation does not hold; the issues as the viewer may read them.
    #[error("run not reconciled")]
    NotReconciled { issues: Vec<String> },
    #[error("run period not closed")]
    PeriodNotClosed,
    #[error("run not yours")]
    NotYours,
    #[error("month invalid")]
    MonthInvalid,
    #[error(transparent)]
    DateOutOfRange(#[from] DateOutOfRange),
    #[error("period reversed")]
    PeriodReversed,
    #[error("period too long")]
    PeriodTooLong,
    #[error("comment too long")]
    CommentTooLong,
    #[error("comment required")]
    CommentRequired,
    #[error("reason required")]
    ReasonRequired,
    #[error("reason too long")]
    ReasonTooLong,
}

/// The longest period a run may cover.
pub const MAX_PERIOD_DAYS: i64 = 366;

pub use vocabulary::{AdjustmentKind, ReviewDecision as Decision, RunState};

/// Meals and money in fen: a line, an order, a cell or a total. Fen, not yuan, so sums are exact
/// integers; callers turn them into `Yuan` at the edge.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Figures {
    pub meals: i64,
    pub gross_fen: i64,
    pub elder_share_fen: i64,
    pub subsidy_fen: i64,
    pub subsidy_city_fen: i64,
    pub subsidy_district_fen: i64,
    pub subsidy_street_fen: i64,
}

impl Figures {
    /// What the funding district pays: its district- and street-level subsidy.
    pub fn owed_by_funding_district_fen(&self) -> i64 {
        self.subsidy_district_fen + self.subsidy_street_fen
    }

    /// The same figures with every sign flipped (a meal taken back).
    pub fn negated(self) -> Figures {
        Figures {
            meals: -self.meals,
            gross_fen: -self.gross_fen,
            elder_share_fen: -self.elder_share_fen,
            subsidy_fen: -self.subsidy_fen,
            subsidy_city_fen: -self.subsidy_city_fen,
            subsidy_district_fen: -self.subsidy_district_fen,
            subsidy_street_fen: -self.subsidy_street_fen,
        }
    }
}

impl std::ops::Add for Figures {
    type Output = Figures;
    fn add(self, rhs: Figures) -> Figures {
        Figures {
            meals: self.meals + rhs.meals,
            gross_fen: self.gross_fen + rhs.gross_fen,
            elder_share_fen: self.elder_share_fen + rhs.elder_share_fen,
            subsidy_fen: self.subsidy_fen + rhs.subsidy_fen,
            subsidy_city_fen: self.subsidy_city_fen + rhs.subsidy_city_fen,
            subsidy_district_fen: self.subsidy_district_fen + rhs.subsidy_district_fen,
            subsidy_street_fen: self.subsidy_street_fen + rhs.subsidy_street_fen,
        }
    }
}

impl std::ops::AddAssign for Figures {
    fn add_assign(&mut self, rhs: Figures) {
        *self = *self + rhs;
    }
}

impl std::iter::Sum for Figures {
    fn sum<I: Iterator<Item = Figures>>(iter: I) -> Figures {
        iter.fold(Figures::default(), |a, b| a + b)
    }
}

/// Meals of elders funded by one district, served in one district (a line or an adjustment,
/// reduced to what the matrix needs).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Flow {
    pub funding_district: String,
    pub service_district: String,
    pub figures: Figures,
}

/// Who is looking: the city sees everything, a district clerk only what their district funds or
/// serves.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Viewer {
    City,
    District(String),
}

impl Viewer {
    pub fn sees(&self, funding_district: &str, service_district: &str) -> bool {
        match self {
            Viewer::City => true,
            Viewer::District(own) => own == funding_district || own == service_district,
        }
    }

    pub fn sees_district(&self, district: &str) -> bool {
        match self {
            Viewer::City => true,
            Viewer::District(own) => own == district,
        }
    }
}

/// The inter-district matrix: (funding district, service district) → figures. Cells that net to
/// nothing (an adjustment undoing a line) stay, so the reader sees why.
pub fn matrix(flows: &[Flow]) -> BTreeMap<(String, String), Figures> {
    let mut cells: BTreeMap<(String, String), Figures> = BTreeMap::new();
    for flow in flows {
        *cells
            .entry((flow.funding_district.clone(), flow.service_district.clone()))
            .or_default() += flow.figures;
    }
    cells
}

/// The districts a set of flows involves, as funder or server, in code order.
pub fn districts_involved(flows: &[Flow]) -> Vec<String> {
    let set: BTreeSet<&str> = flows
        .iter()
        .flat_map(|f| [f.funding_district.as_str(), f.service_district.as_str()])
        .collect();
    set.into_iter().map(str::to_string).collect()
}

/// Between two districts: what `a` owes `b` (b served a's elders), what `b` owes `a`, and the
/// net (positive: `a` pays `b` that much).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NetPosition {
    pub a: String,
    pub b: String,
    pub a_owes_b_fen: i64,
    pub b_owes_a_fen: i64,
    pub a_owes_b_meals: i64,
    pub b_owes_a_meals: i64,
}

impl NetPosition {
    pub fn net_fen(&self) -> i64 {
        self.a_owes_b_fen - self.b_owes_a_fen
    }

    /// The same position seen from `b`.
    pub fn flipped(&self) -> NetPosition {
        NetPosition {
            a: self.b.clone(),
            b: self.a.clone(),
            a_owes_b_fen: self.b_owes_a_fen,
            b_owes_a_fen: self.a_owes_b_fen,
            a_owes_b_meals: self.b_owes_a_meals,
            b_owes_a_meals: self.a_owes_b_meals,
        }
    }
}

/// A net position for every pair of `districts` (each pair once, the lower code first).
pub fn net_positions(
    cells: &BTreeMap<(String, String), Figures>,
    districts: &[String],
) -> Vec<NetPosition> {
    let cell = |f: &str, s: &str| {
        cells
            .get(&(f.to_string(), s.to_string()))
            .copied()
            .unwrap_or_default()
    };
    let mut sorted: Vec<&String> = districts.iter().collect();
    sorted.sort();
    sorted.dedup();
    let mut positions = Vec::new();
    for (i, a) in sorted.iter().enumerate() {
        for b in &sorted[i + 1..] {
            let a_to_b = cell(a, b);
            let b_to_a = cell(b, a);
            positions.push(NetPosition {
                a: a.to_string(),
                b: b.to_string(),
                a_owes_b_fen: a_to_b.owed_by_funding_district_fen(),
                b_owes_a_fen: b_to_a.owed_by_funding_district_fen(),
                a_owes_b_meals: a_to_b.meals,
                b_owes_a_meals: b_to_a.meals,
            });
        }
    }
    positions
}

/// One district's statement: what it served, what its own elders ate, and what it receives and
/// pays.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DistrictPosition {
    pub district: String,
    /// Everything served by meal points in the district (any funder).
    pub served: Figures,
    /// Everything its own elders ate (anywhere).
    pub funded: Figures,
    /// Its own elders in its own meal points (the diagonal).
    pub own: Figures,
    /// Owed to it by other districts for their elders it served.
    pub receivable_fen: i64,
    /// Owed by it to other districts for its elders they served.
    pub payable_fen: i64,
    /// Owed to it by the city: the city-level subsidy of meals served in the district.
    pub receivable_from_city_fen: i64,
}

impl DistrictPosition {
    /// Receivable from districts minus payable to districts.
    pub fn net_fen(&self) -> i64 {
        self.receivable_fen - self.payable_fen
    }
}

pub fn district_positions(
    cells: &BTreeMap<(String, String), Figures>,
    districts: &[String],
) -> Vec<DistrictPosition> {
    let mut positions: BTreeMap<&str, DistrictPosition> = districts
        .iter()
        .map(|d| {
            (
                d.as_str(),
                DistrictPosition {
                    district: d.clone(),
                    ..Default::default()
                },
            )
        })
        .collect();
    for ((funding, service), figures) in cells {
        if let Some(p) = positions.get_mut(service.as_str()) {
            p.served += *figures;
            p.receivable_from_city_fen += figures.subsidy_city_fen;
            if funding != service {
                p.receivable_fen += figures.owed_by_funding_district_fen();
            }
        }
        if let Some(p) = positions.get_mut(funding.as_str()) {
            p.funded += *figures;
            if funding == service {
                p.own += *figures;
            } else {
                p.payable_fen += figures.owed_by_funding_district_fen();
            }
        }
    }
    positions.into_values().collect()
}

/// The reconciliation of a run, checked against the orders themselves.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reconciliation {
    /// The run's lines (its own period).
    pub lines: Figures,
    /// The period's served orders, aggregated afresh.
    pub served_orders: Figures,
    /// Late-served adjustments the run carries.
    pub late_served: Figures,
    /// Late-served adjustments the orders call for now.
    pub late_served_expected: Figures,
    /// Meals taken back as invalid.
    pub invalid: Figures,
    /// What the problems are; empty when it reconciles.
    pub issues: Vec<Issue>,
}

/// One way a run does not reconcile. The figures are city-wide, so [`Issue::text`] shows them to
/// the city only; a district clerk reads which totals differ, not by how much.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Issue {
    /// The lines count other meals than the served orders.
    Meals { lines: i64, orders: i64 },
    /// One amount (餐费, 补贴 …) of the lines differs from the orders'.
    Amount {
        label: String,
        lines_fen: i64,
        orders_fen: i64,
    },
    /// The late-served adjustments carried are not those the orders call for.
    LateServed {
        carried: i64,
        carried_fen: i64,
        expected: i64,
        expected_fen: i64,
    },
    /// A part's gross is not its elder's share plus its subsidy.
    GrossDoesNotAddUp { part: String },
    /// A part's subsidy is not the sum of its three levels.
    LevelsDoNotAddUp { part: String },
}

impl Issue {
    /// The issue as `viewer` may read it.
    pub fn text(&self, viewer: &Viewer) -> String {
        let city = *viewer == Viewer::City;
        match self {
            Issue::Meals { lines, orders } if city => {
                format!("结算行共 {lines} 餐，本期已核销订单共 {orders} 餐")
            }
            Issue::Meals { .. } => "结算行的餐数与本期已核销订单不一致".to_string(),
            Issue::Amount {
                label,
                lines_fen,
                orders_fen,
            } if city => format!(
                "结算行{label}合计 {} 元，本期已核销订单{label}合计 {} 元",
                yuan(*lines_fen),
                yuan(*orders_fen)
            ),
            Issue::Amount { label, .. } => format!("结算行的{label}合计与本期已核销订单不一致"),
            Issue::LateServed {
                carried,
                carried_fen,
                expected,
                expected_fen,
            } if city => format!(
                "补记调整 {carried} 笔（{} 元），按订单应为 {expected} 笔（{} 元）",
                yuan(*carried_fen),
                yuan(*expected_fen)
            ),
            Issue::LateServed { .. } => "补记调整与按订单应补记的不一致".to_string(),
            Issue::GrossDoesNotAddUp { part } => format!("{part}的餐费不等于个人自付加补贴"),
            Issue::LevelsDoNotAddUp { part } => {
                format!("{part}的补贴不等于市、区、街道三级之和")
            }
        }
    }
}

/// Every issue as `viewer` may read it.
pub fn issue_texts(issues: &[Issue], viewer: &Viewer) -> Vec<String> {
    issues.iter().map(|i| i.text(viewer)).collect()
}

impl Reconciliation {
    pub fn reconciled(&self) -> bool {
        self.issues.is_empty()
    }

    /// Lines plus adjustments: what the run settles.
    pub fn total(&self) -> Figures {
        self.lines + self.late_served + self.invalid
    }
}

fn yuan(fen: i64) -> String {
    crate::money::Yuan::from_fen(fen).to_string()
}

/// Compares the run's lines with the period's served orders to the fen, and the late-served
/// adjustments it carries with those the orders call for; also checks that every line adds up
/// (gross = elder's share + subsidy, subsidy = city + district + street).
pub fn reconcile(
    lines: Figures,
    served_orders: Figures,
    late_served: Figures,
    late_served_expected: Figures,
    invalid: Figures,
) -> Reconciliation {
    let mut issues = Vec::new();
    if lines.meals != served_orders.meals {
        issues.push(Issue::Meals {
            lines: lines.meals,
            orders: served_orders.meals,
        });
    }
    let amounts = [
        ("餐费", lines.gross_fen, served_orders.gross_fen),
        (
            "个人自付",
            lines.elder_share_fen,
            served_orders.elder_share_fen,
        ),
        ("补贴", lines.subsidy_fen, served_orders.subsidy_fen),
        (
            "市级补贴",
            lines.subsidy_city_fen,
            served_orders.subsidy_city_fen,
        ),
        (
            "区级补贴",
            lines.subsidy_district_fen,
            served_orders.subsidy_district_fen,
        ),
        (
            "街道补贴",
            lines.subsidy_street_fen,
            served_orders.subsidy_street_fen,
        ),
    ];
    for (label, lines_fen, orders_fen) in amounts {
        if lines_fen != orders_fen {
            issues.push(Issue::Amount {
                label: label.to_string(),
                lines_fen,
                orders_fen,
            });
        }
    }
    if late_served != late_served_expected {
        issues.push(Issue::LateServed {
            carried: late_served.meals,
            carried_fen: late_served.subsidy_fen,
            expected: late_served_expected.meals,
            expected_fen: late_served_expected.subsidy_fen,
        });
    }
    for (label, figures) in [
        ("结算行", lines),
        ("补记调整", late_served),
        ("冲减调整", invalid),
    ] {
        if figures.gross_fen != figures.elder_share_fen + figures.subsidy_fen {
            issues.push(Issue::GrossDoesNotAddUp {
                part: label.to_string(),
            });
        }
        if figures.subsidy_fen
            != figures.subsidy_city_fen + figures.subsidy_district_fen + figures.subsidy_street_fen
        {
            issues.push(Issue::LevelsDoNotAddUp {
                part: label.to_string(),
            });
        }
    }
    Reconciliation {
        lines,
        served_orders,
        late_served,
        late_served_expected,
        invalid,
        issues,
    }
}

/// A step in a run's life.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// Work the lines out again from the orders.
    Recompute,
    AddAdjustment,
    Submit,
    /// A district confirms or disputes.
    Review,
    /// The city sends a submitted run back to draft.
    Reopen,
    /// The city approves and locks.
    Approve,
    /// A draft is thrown away.
    Delete,
}

/// Whether `step` may be taken in `state`, and the state after it.
pub fn next_state(state: RunState, step: Step) -> Result<RunState, SettlementRuleError> {
    use RunState::*;
    match (state, step) {
        (Locked, _) => Err(SettlementRuleError::RunLocked),
        (Draft, Step::Recompute | Step::AddAdjustment | Step::Delete) => Ok(Draft),
        (Draft, Step::Submit) => Ok(Submitted),
        (Submitted, Step::Review) => Ok(Submitted),
        (Submitted, Step::Reopen) => Ok(Draft),
        (Submitted, Step::Approve) => Ok(Locked),
        (Submitted, _) => Err(SettlementRuleError::RunNotDraft),
        (Draft, _) => Err(SettlementRuleError::RunNotSubmitted),
    }
}

/// Which roles may take a step (the district checks come on top, in [`may_review`]).
pub fn roles_for(step: Step) -> &'static [Role] {
    match step {
        Step::Recompute | Step::AddAdjustment | Step::Submit | Step::Delete => {
            &[Role::CityAdmin, Role::DistrictClerk]
        }
        Step::Review => &[Role::DistrictClerk],
        Step::Reopen | Step::Approve => &[Role::CityAdmin],
    }
}

/// A clerk reviews only for their own district, and only if it is involved in the run.
pub fn may_review(
    clerk_district: Option<&str>,
    involved: &[String],
) -> Result<String, SettlementRuleError> {
    let Some(district) = clerk_district else {
        return Err(SettlementRuleError::ClerkWithoutDistrict);
    };
    if !involved.iter().any(|d| d == district) {
        return Err(SettlementRuleError::DistrictNotInvolved);
    }
    Ok(district.to_string())
}

/// Approval needs every involved district to have confirmed; names those that have not.
pub fn check_all_confirmed(reviews: &[(String, Decision)]) -> Result<(), SettlementRuleError> {
    let waiting: Vec<String> = reviews
        .iter()
        .filter(|(_, d)| *d != Decision::Confirmed)
        .map(|(district, _)| district.clone())
        .collect();
    if waiting.is_empty() {
        Ok(())
    } else {
        Err(SettlementRuleError::NotConfirmed { waiting })
    }
}

/// The run's reconciliation must hold to submit it; the refusal names the issues as `viewer`
/// may read them.
pub fn check_reconciled(
    reconciliation: &Reconciliation,
    viewer: &Viewer,
) -> Result<(), SettlementRuleError> {
    if reconciliation.reconciled() {
        Ok(())
    } else {
        Err(SettlementRuleError::NotReconciled {
            issues: issue_texts(&reconciliation.issues, viewer),
        })
    }
}

/// A district clerk creates runs only for periods that are over: months before the current one
/// in Shanghai. A run for the current month or later would block the city's own run of that
/// period and take over the late-served meals of earlier ones; only the city decides that.
pub fn check_may_create(
    viewer: &Viewer,
    to: NaiveDate,
    today: NaiveDate,
) -> Result<(), SettlementRuleError> {
    let first_of_this_month = today.with_day(1).unwrap_or(today);
    match viewer {
        Viewer::District(_) if to >= first_of_this_month => {
            Err(SettlementRuleError::PeriodNotClosed)
        }
        _ => Ok(()),
    }
}

/// Who may delete a draft: the city admin any, a clerk the drafts they created.
pub fn check_may_delete(
    viewer: &Viewer,
    created_by: i64,
    caller_account: i64,
) -> Result<(), SettlementRuleError> {
    match viewer {
        Viewer::District(_) if created_by != caller_account => Err(SettlementRuleError::NotYours),
        _ => Ok(()),
    }
}

/// A calendar month, `YYYY-MM`, as its first and last day.
pub fn month_period(month: &str) -> Result<(NaiveDate, NaiveDate), SettlementRuleError> {
    let bad = || SettlementRuleError::MonthInvalid;
    let (year, month) = month.trim().split_once('-').ok_or_else(bad)?;
    let (year, month): (i32, u32) = (
        year.parse().map_err(|_| bad())?,
        month.parse().map_err(|_| bad())?,
    );
    let first = NaiveDate::from_ymd_opt(year, month, 1).ok_or_else(bad)?;
    let first = crate::clock::check_business_date("month", first)?;
    let last = first
        .checked_add_months(Months::new(1))
        .and_then(|d| d.pred_opt())
        .ok_or_else(bad)?;
    Ok((first, last))
}

/// The calendar month before `today`'s: the default period.
pub fn previous_month(today: NaiveDate) -> (NaiveDate, NaiveDate) {
    let first_of_this = today.with_day(1).unwrap_or(today);
    let last = first_of_this.pred_opt().unwrap_or(first_of_this);
    (last.with_day(1).unwrap_or(last), last)
}

pub fn check_period(from: NaiveDate, to: NaiveDate) -> Result<(), SettlementRuleError> {
    if to < from {
        return Err(SettlementRuleError::PeriodReversed);
    }
    if (to - from).num_days() + 1 > MAX_PERIOD_DAYS {
        return Err(SettlementRuleError::PeriodTooLong);
    }
    Ok(())
}

/// Two periods overlap when each starts before the other ends.
pub fn overlaps(a: (NaiveDate, NaiveDate), b: (NaiveDate, NaiveDate)) -> bool {
    a.0 <= b.1 && b.0 <= a.1
}

/// A review comment: required to dispute, at most 500 characters.
pub fn check_comment(
    decision: Decision,
    comment: Option<&str>,
) -> Result<Option<String>, SettlementRuleError> {
    let comment = comment.map(str::trim).filter(|c| !c.is_empty());
    if comment.is_some_and(|c| c.chars().count() > 500) {
        return Err(SettlementRuleError::CommentTooLong);
    }
    if decision == Decision::Disputed && comment.is_none() {
        return Err(SettlementRuleError::CommentRequired);
    }
    Ok(comment.map(str::to_string))
}

/// An adjustment's reason: required, at most 200 characters.
pub fn check_reason(reason: &str) -> Result<String, SettlementRuleError> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(SettlementRuleError::ReasonRequired);
    }
    if reason.chars().count() > 200 {
        return Err(SettlementRuleError::ReasonTooLong);
    }
    Ok(reason.to_string())
}

#[cfg(test)]
mod tests {
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
}
