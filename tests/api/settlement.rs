//! Same-city settlement through the HTTP API, on both backends: elders of three districts eat
//! across districts, a run yields the matrix and net positions worked out by hand below, a run
//! that does not reconcile cannot be submitted, a locked run refuses every change, late
//! corrections appear as adjustments in the next run, a 天宁 clerk never sees 武进 ↔ 溧阳, and
//! both export formats carry Chinese headers and totals equal to the API's.
//!
//! The city (all meals 15.00, lunch on the tests' Tuesday; example policy, hukou standard):
//! an elder of 70 gets district 2.00 + street 1.00 = 3.00, an elder of 81 gets 2.00 + 2.00 = 4.00,
//! all of it owed by the elder's hukou district (no city-level rules in the example policy).
//!
//! | elder | hukou | age | eats at | owes |
//! |---|---|---|---|---|
//! | T1 | 天宁 | 70 | 武进 | 天宁 → 武进 3.00 |
//! | T2 | 天宁 | 81 | 天宁 | diagonal 4.00 |
//! | W1 | 武进 | 81 | 天宁 | 武进 → 天宁 4.00 |
//! | W2 | 武进 | 81 | 溧阳 | 武进 → 溧阳 4.00 |
//! | L1 | 溧阳 | 81 | 天宁 | 溧阳 → 天宁 4.00 |
//! | L2 | 溧阳 | 70 | 武进 | 溧阳 → 武进 3.00 |
//! | L3 | 溧阳 | 81 | 天宁, delivered | 溧阳 → 天宁 4.00 (signed after the draft) |
//! | W3 | 武进 | 81 | 溧阳, delivered | 武进 → 溧阳 4.00 (signed after the lock) |
//!
//! Net positions with all but W3: 天宁–武进 3.00 − 4.00 = −1.00 (武进 pays 天宁 1.00);
//! 天宁–溧阳 0 − 8.00 = −8.00; 武进–溧阳 4.00 − 3.00 = 1.00.

use std::io::Read;

use chrono::Duration;
use serde_json::json;
use vocabulary::{AdjustmentKind, Role, RunState, Slot};
use zhucan::{menus::http as menus, settlement::http as settlement};

use crate::{
    fixtures::ElderForm,
    helpers::{
        TestApp, born, date, day, first_of_month, id_card_number, last_of_month, month_of, parse,
        spawn_app, yuan,
    },
};

const TIANNING: &str = "320402";
const ZHONGLOU: &str = "320404";
const WUJIN: &str = "320412";
const LIYANG: &str = "320481";

/// The meals' month, `months` on: the run that covers the meals is `meal_month(0)`.
fn meal_month(months: i32) -> String {
    month_of(date(1), months)
}

pub(crate) struct City {
    pub(crate) admin: String,
    pub(crate) operator: String,
    /// Meal point per district.
    pub(crate) tianning: i64,
    pub(crate) wujin: i64,
    pub(crate) liyang: i64,
    /// Orders by elder label, with their ids.
    pub(crate) orders: Vec<(&'static str, String)>,
}

impl City {
    fn order(&self, label: &str) -> &str {
        &self.orders.iter().find(|(l, _)| *l == label).unwrap().1
    }
}

async fn meal_point(app: &TestApp, admin: &str, district: &str, n: u32) -> i64 {
    let street = app.streets(district).await.ok()[0].id;
    let body = json!({
        "name": format!("结算测试食堂{n}"),
        "kind": "community_canteen",
        "district_code": district,
        "street_id": street,
        "address": format!("常州市结算路{n}号"),
        "lat": 31.7768,
        "lng": 119.9530,
        "phone": "0519-8866 1234",
        "service_modes": ["dine_in", "pickup", "delivery"],
        "delivery_radius_m": 3000,
        "opening_days": [1, 2, 3, 4, 5, 6, 7],
        "slot_hours": [{ "slot": "lunch", "opens": "11:00", "closes": "12:30" }],
        "food_licence_no": format!("JY2320{district}{n:04}"),
    });
    app.create_meal_point(admin, &body).await.ok().id
}

async fn elder(app: &TestApp, admin: &str, hukou: &str, birth: &str, n: u32) -> i64 {
    let name = format!("结算老人{n}");
    let number = id_card_number(hukou, birth, &format!("{:03}", 200 + n));
    let address = format!("结算路{n}号");
    let form = ElderForm {
        address: &address,
        phone: "13900000000",
        ..ElderForm::new(&name, &number, hukou, hukou)
    };
    app.register_elder(admin, &form.body()).await.ok().id
}

async fn offering(app: &TestApp, operator: &str, meal_point_id: i64) -> i64 {
    let dish: menus::NewDish =
        parse(&json!({ "name": "结算套餐", "price": "15.00", "tags": ["soft"] }));
    let dish_id = app.add_dish(operator, meal_point_id, &dish).await.ok().id;
    let offering = menus::OfferingInput {
        dish_id,
        date: date(1),
        slot: Slot::Lunch,
        portions: 20,
        price: None,
    };
    app.publish(operator, meal_point_id, vec![offering])
        .await
        .ok()[0]
        .id
}

/// Three meal points (天宁, 武进, 溧阳) run by `operator-demo`, eight elders booked for
/// tomorrow's lunch as in the table above; the clock is then at tomorrow 11:15, the six pickups
/// are verified and the two deliveries are on their way. (The dashboard's tests count them too.)
pub(crate) async fn city(app: &TestApp) -> City {
    let admin = app.staff_token("admin").await;
    let operator = app.staff_token("operator-demo").await;
    let operator_id = app.account_id(&operator).await;
    let tianning = meal_point(app, &admin, TIANNING, 1).await;
    let wujin = meal_point(app, &admin, WUJIN, 2).await;
    let liyang = meal_point(app, &admin, LIYANG, 3).await;
    let mut offerings = std::collections::HashMap::new();
    for mp in [tianning, wujin, liyang] {
        app.assign_operator(&admin, mp, operator_id).await.ok();
        offerings.insert(mp, offering(app, &operator, mp).await);
    }
    let plan: [(&str, &str, String, i64, &str); 8] = [
        ("T1", TIANNING, born(70, 100), wujin, "pickup"),
        ("T2", TIANNING, born(81, 100), tianning, "pickup"),
        ("W1", WUJIN, born(81, 101), tianning, "pickup"),
        ("W2", WUJIN, born(81, 102), liyang, "pickup"),
        ("L1", LIYANG, born(81, 103), tianning, "pickup"),
        ("L2", LIYANG, born(70, 104), wujin, "pickup"),
        ("L3", LIYANG, born(81, 105), tianning, "delivery"),
        ("W3", WUJIN, born(81, 106), liyang, "delivery"),
    ];
    let mut orders = Vec::new();
    let mut codes = Vec::new();
    for (n, (label, hukou, birth, mp, mode)) in plan.into_iter().enumerate() {
        elder(app, &admin, hukou, &birth, n as u32).await;
        // Booked at the counter: the operator names the elder by ID-card number and name.
        let order = app
            .book(
                &operator,
                &json!({
                    "elder_id_card": id_card_number(hukou, &birth, &format!("{:03}", 200 + n)),
                    "elder_name": format!("结算老人{n}"),
                    "delivery_address": format!("结算路{n}号"),
                    "meal_point_id": mp,
                    "date": day(1),
                    "slot": "lunch",
                    "mode": mode,
                    "items": [{ "offering_id": offerings[&mp], "quantity": 1 }],
                    "client_key": uuid::Uuid::now_v7().to_string(),
                }),
            )
            .await
            .ok();
        orders.push((label, order.id));
        codes.push((mp, mode, order.pickup_code.expect("a pickup code")));
    }
    app.advance_clock(Duration::hours(26) + Duration::minutes(15)); // Tuesday 11:15
    for ((_, id), (mp, mode, code)) in orders.iter().zip(&codes) {
        if *mode == "pickup" {
            app.verify_pickup(&operator, *mp, code).await.ok();
        } else {
            app.out_for_delivery(&operator, id).await.ok();
        }
    }
    City {
        admin,
        operator,
        tianning,
        wujin,
        liyang,
        orders,
    }
}

async fn deliver(app: &TestApp, city: &City, label: &str) {
    app.delivered(&city.operator, city.order(label), "王小明")
        .await
        .ok();
}

pub(crate) async fn clerk(app: &TestApp, admin: &str, district: &str) -> String {
    let username = format!("clerk-{district}");
    let account = zhucan::auth::http::NewStaffAccount {
        username: username.clone(),
        password: "clerk-pass-1".to_string(),
        role: Role::DistrictClerk,
        display_name: "结算员".to_string(),
        district_code: Some(district.to_string()),
    };
    app.create_staff_account(admin, &account).await.ok();
    app.staff_token_with(&username, "clerk-pass-1").await
}

fn cell<'a>(
    matrix: &'a settlement::Matrix,
    funding: &str,
    service: &str,
) -> Option<&'a settlement::MatrixCell> {
    matrix
        .cells
        .iter()
        .find(|c| c.funding_district_code == funding && c.service_district_code == service)
}

#[track_caller]
fn net<'a>(
    positions: &'a settlement::NetPositions,
    a: &str,
    b: &str,
) -> &'a settlement::NetPositionView {
    positions
        .positions
        .iter()
        .find(|p| p.district_code == a && p.counterpart_code == b)
        .unwrap_or_else(|| panic!("no position {a}–{b}"))
}

async fn create_month(app: &TestApp, token: &str, month: &str) -> settlement::RunView {
    app.create_run(token, month).await.ok_with(201)
}

#[tokio::test]
async fn the_matrix_and_net_positions_of_three_districts_check_by_hand_and_clerks_see_their_part() {
    let app = spawn_app().await;
    let city = city(&app).await;
    let run = create_month(&app, &city.admin, &meal_month(0)).await;
    let id = run.id;
    assert_eq!(run.state, RunState::Draft);
    assert_eq!(run.period_from, first_of_month(date(1), 0));
    assert_eq!(run.period_to, last_of_month(date(1), 0));
    assert_eq!(
        run.totals.meals, 6,
        "six pickups served; deliveries not yet"
    );
    assert_eq!(run.totals.gross, yuan("90.00"));
    assert_eq!(run.totals.subsidy, yuan("22.00"));
    assert_eq!(run.totals.elder_paid, yuan("68.00"));
    assert!(
        run.reconciliation.reconciled,
        "{:?}",
        run.reconciliation.issues
    );
    assert_eq!(
        run.reconciliation
            .served_orders
            .as_ref()
            .expect("the city reads the figures")
            .meals,
        6
    );

    let matrix = app.run_matrix(&city.admin, id).await.ok();
    assert_eq!(matrix.cells.len(), 6);
    for (funding, service, meals, amount) in [
        (TIANNING, WUJIN, 1, "3.00"),
        (TIANNING, TIANNING, 1, "4.00"),
        (WUJIN, TIANNING, 1, "4.00"),
        (WUJIN, LIYANG, 1, "4.00"),
        (LIYANG, TIANNING, 1, "4.00"),
        (LIYANG, WUJIN, 1, "3.00"),
    ] {
        let c = cell(&matrix, funding, service).unwrap();
        assert_eq!(c.meals, meals, "{funding} → {service}");
        assert_eq!(c.amount, yuan(amount), "{funding} → {service}");
        assert_eq!(c.city_amount, yuan("0.00"));
    }
    assert_eq!(matrix.total_meals, 6);
    assert_eq!(matrix.total_amount, yuan("22.00"));

    let positions = app.net_positions(&city.admin, id).await.ok();
    assert_eq!(positions.positions.len(), 3);
    let tn_wj = net(&positions, TIANNING, WUJIN);
    assert_eq!(tn_wj.payable, yuan("3.00"));
    assert_eq!(tn_wj.receivable, yuan("4.00"));
    assert_eq!(tn_wj.net, yuan("-1.00"), "武进 pays 天宁 1.00");
    assert_eq!(net(&positions, TIANNING, LIYANG).net, yuan("-4.00"));
    assert_eq!(net(&positions, WUJIN, LIYANG).net, yuan("1.00"));

    let districts = app.district_statement(&city.admin, id).await.ok();
    let tianning = districts
        .districts
        .iter()
        .find(|d| d.district_code == TIANNING)
        .unwrap();
    assert_eq!(tianning.district_name, "天宁区");
    assert_eq!(tianning.served.meals, 3);
    assert_eq!(tianning.own.meals, 1);
    assert_eq!(tianning.receivable, yuan("8.00"));
    assert_eq!(tianning.payable, yuan("3.00"));
    assert_eq!(tianning.net, yuan("5.00"));

    let lines = app.meal_point_statement(&city.admin, id).await.ok();
    assert_eq!(lines.lines.len(), 6);
    assert_eq!(lines.totals.subsidy, yuan("22.00"));
    let at_tianning: Vec<&settlement::MealPointLine> = lines
        .lines
        .iter()
        .filter(|l| l.meal_point_id == city.tianning)
        .collect();
    assert_eq!(
        at_tianning.len(),
        3,
        "天宁's meal point served three districts"
    );
    assert_eq!(at_tianning[0].meal_point_name, "结算测试食堂1");

    // The 天宁 clerk: only their row and column, never 武进 ↔ 溧阳.
    let clerk = app.staff_token("clerk-tianning").await;
    let theirs = app.run_matrix(&clerk, id).await.ok();
    assert_eq!(theirs.cells.len(), 4);
    assert!(cell(&theirs, WUJIN, LIYANG).is_none());
    assert!(cell(&theirs, LIYANG, WUJIN).is_none());
    assert_eq!(theirs.total_amount, yuan("15.00"));
    let their_lines = app.meal_point_statement(&clerk, id).await.ok();
    assert_eq!(their_lines.lines.len(), 4);
    assert!(
        their_lines
            .lines
            .iter()
            .all(|l| l.funding_district_code == TIANNING || l.service_district_code == TIANNING)
    );
    assert!(
        !their_lines
            .lines
            .iter()
            .any(|l| l.meal_point_id == city.liyang),
        "溧阳's meal point served only 武进's elder"
    );
    let their_net = app.net_positions(&clerk, id).await.ok();
    assert_eq!(their_net.positions.len(), 2);
    assert_eq!(net(&their_net, TIANNING, WUJIN).net, yuan("-1.00"));
    assert_eq!(net(&their_net, TIANNING, LIYANG).net, yuan("-4.00"));
    let their_districts = app.district_statement(&clerk, id).await.ok();
    assert_eq!(their_districts.districts.len(), 1);
    let their_run = app.run(&clerk, id).await.ok();
    assert_eq!(their_run.totals.meals, 4);
    assert!(
        their_run.reconciliation.lines.is_none(),
        "city-wide figures are the city's"
    );
    // Seen from 武进, the same pair turns round.
    let wujin_clerk = app.staff_token("clerk-wujin").await;
    let from_wujin = app.net_positions(&wujin_clerk, id).await.ok();
    assert_eq!(net(&from_wujin, WUJIN, TIANNING).net, yuan("1.00"));
    // Exports read the same scope: no 武进 ↔ 溧阳 row in the 天宁 clerk's file.
    let csv = export(&app, &clerk, id, "meal_points", "csv").await;
    assert!(!csv.contains("结算测试食堂3"), "{csv}");
    // Operators and elders see no settlement.
    app.run(&city.operator, id)
        .await
        .error(403, "ROLE_FORBIDDEN");
    app.run(&city.admin, 9999).await.error(404, "RUN_NOT_FOUND");
    let _ = city.wujin;
}

pub(crate) async fn export(
    app: &TestApp,
    token: &str,
    id: i64,
    statement: &str,
    format: &str,
) -> String {
    let (content_type, disposition, bytes) = export_bytes(app, token, id, statement, format).await;
    assert_eq!(content_type, "text/csv; charset=utf-8");
    assert!(disposition.contains(".csv"), "{disposition}");
    assert_eq!(&bytes[..3], b"\xEF\xBB\xBF", "UTF-8 BOM for Excel");
    String::from_utf8(bytes[3..].to_vec()).unwrap()
}

async fn export_bytes(
    app: &TestApp,
    token: &str,
    id: i64,
    statement: &str,
    format: &str,
) -> (String, String, Vec<u8>) {
    let response = app
        .http
        .get(app.url(&format!(
            "/api/v1/settlement-runs/{id}/export?statement={statement}&format={format}"
        )))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default()
    };
    let content_type = header("content-type");
    let disposition = header("content-disposition");
    let bytes = response.bytes().await.unwrap().to_vec();
    (content_type, disposition, bytes)
}

/// The text of one part of an XLSX file (a zip of XML parts).
fn xlsx_part(bytes: &[u8], name: &str) -> String {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut part = archive.by_name(name).unwrap();
    let mut text = String::new();
    part.read_to_string(&mut text).unwrap();
    text
}

#[tokio::test]
async fn a_run_that_does_not_reconcile_cannot_be_submitted_and_a_locked_run_refuses_every_change() {
    let app = spawn_app().await;
    let city = city(&app).await;
    let run = create_month(&app, &city.admin, &meal_month(0)).await;
    let id = run.id;
    let base = format!("/api/v1/settlement-runs/{id}");

    // L3's meal is signed for after the draft was worked out: the lines miss a served order.
    app.advance_clock(Duration::minutes(5));
    deliver(&app, &city, "L3").await;
    let stale = app.run(&city.admin, id).await.ok();
    assert!(!stale.reconciliation.reconciled);
    let figures =
        |f: &Option<settlement::FiguresView>| f.as_ref().expect("the city reads the figures").meals;
    assert_eq!(figures(&stale.reconciliation.lines), 6);
    assert_eq!(figures(&stale.reconciliation.served_orders), 7);
    let refused = app
        .run_step(&city.admin, id, "submit")
        .await
        .error(409, "RUN_NOT_RECONCILED");
    assert!(refused.message.contains("6 餐"), "{}", refused.message);
    assert_eq!(app.run(&city.admin, id).await.ok().state, RunState::Draft);
    // Worked out again, it reconciles and goes to the districts.
    let recomputed = app.run_step(&city.admin, id, "recompute").await.ok();
    assert_eq!(recomputed.totals.meals, 7);
    assert!(recomputed.reconciliation.reconciled);
    let tianning = app.staff_token("clerk-tianning").await;
    let submitted = app.run_step(&tianning, id, "submit").await.ok();
    assert_eq!(submitted.state, RunState::Submitted);
    let reviewing: Vec<&str> = submitted
        .reviews
        .iter()
        .map(|r| r.district_code.as_str())
        .collect();
    assert_eq!(reviewing, [TIANNING, WUJIN, LIYANG]);
    let net_now = app.net_positions(&city.admin, id).await.ok();
    assert_eq!(net(&net_now, TIANNING, LIYANG).net, yuan("-8.00"));

    // Review: every involved district, and only those, must confirm before the city approves.
    let wujin = app.staff_token("clerk-wujin").await;
    let liyang = clerk(&app, &city.admin, LIYANG).await;
    let zhonglou = app.staff_token("clerk-zhonglou").await;
    app.run_step(&city.admin, id, "approve")
        .await
        .error(409, "RUN_NOT_CONFIRMED");
    app.run_step(&zhonglou, id, "confirm")
        .await
        .error(403, "DISTRICT_NOT_INVOLVED");
    app.run_step(&tianning, id, "approve")
        .await
        .error(403, "ROLE_FORBIDDEN");
    app.review_run(&wujin, id, "dispute", None)
        .await
        .field_error(400, "COMMENT_REQUIRED", "comment");
    app.run_step(&tianning, id, "confirm").await.ok();
    app.review_run(&wujin, id, "dispute", Some("W2 在溧阳用餐是否属实？"))
        .await
        .ok();
    app.run_step(&liyang, id, "confirm").await.ok();
    let waiting = app
        .run_step(&city.admin, id, "approve")
        .await
        .error(409, "RUN_NOT_CONFIRMED");
    assert!(waiting.message.contains(WUJIN), "{}", waiting.message);
    // Adjusting needs a draft.
    app.run_step(&city.admin, id, "recompute")
        .await
        .error(409, "RUN_NOT_DRAFT");
    app.review_run(&wujin, id, "confirm", Some("已核实"))
        .await
        .ok();
    let locked = app.run_step(&city.admin, id, "approve").await.ok();
    assert_eq!(locked.state, RunState::Locked);
    assert!(locked.locked_at.is_some());

    // Locked: every change is refused, and nothing moves.
    for (path, token, body) in [
        ("recompute", &city.admin, json!({})),
        ("submit", &city.admin, json!({})),
        ("reopen", &city.admin, json!({})),
        ("approve", &city.admin, json!({})),
        ("confirm", &tianning, json!({})),
        ("dispute", &wujin, json!({ "comment": "再看看" })),
        (
            "adjustments",
            &city.admin,
            json!({ "order_id": city.order("T1"), "reason": "非本人就餐" }),
        ),
    ] {
        app.post(&format!("{base}/{path}"), Some(token), body)
            .await
            .assert_error(409, "RUN_LOCKED");
    }
    app.create_run_between(&city.admin, date(-3), date(12))
        .await
        .error(409, "PERIOD_OVERLAPS");
    app.advance_clock(Duration::minutes(10));
    deliver(&app, &city, "W3").await; // served after the lock
    let after = app.run(&city.admin, id).await.ok();
    let same = |f: &settlement::FiguresView| {
        (
            f.meals,
            f.gross,
            f.elder_paid,
            f.subsidy,
            f.subsidy_city,
            f.subsidy_district,
            f.subsidy_street,
        )
    };
    assert_eq!(same(&after.totals), same(&locked.totals));
    assert!(after.reconciliation.reconciled);
    assert_eq!(after.state, RunState::Locked);

    // Every step is in the audit trail, with who and when.
    let trail = app.run_audit(&city.admin, id).await.ok();
    let actions: Vec<&str> = trail.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "created",
            "submit_refused",
            "recomputed",
            "submitted",
            "confirmed",
            "disputed",
            "confirmed",
            "confirmed",
            "approved_and_locked"
        ]
    );
    let dispute = &trail[5];
    assert_eq!(dispute.district_code.as_deref(), Some(WUJIN));
    assert_eq!(dispute.actor_role, Role::DistrictClerk);
    assert_eq!(dispute.note.as_deref(), Some("W2 在溧阳用餐是否属实？"));
    // The 天宁 clerk sees whole-run steps and their own, not 武进's dispute.
    let theirs = app.run_audit(&tianning, id).await.ok();
    assert!(
        theirs
            .iter()
            .all(|e| e.district_code.is_none() || e.district_code.as_deref() == Some(TIANNING))
    );
}

#[tokio::test]
async fn late_corrections_appear_as_adjustments_in_the_next_run_and_exports_match_the_api() {
    let app = spawn_app().await;
    let city = city(&app).await;
    deliver(&app, &city, "L3").await;
    let run = create_month(&app, &city.admin, &meal_month(0)).await;
    let id = run.id;
    app.run_step(&city.admin, id, "submit").await.ok();
    for district in ["clerk-tianning", "clerk-wujin"] {
        let token = app.staff_token(district).await;
        app.run_step(&token, id, "confirm").await.ok();
    }
    let liyang = clerk(&app, &city.admin, LIYANG).await;
    app.run_step(&liyang, id, "confirm").await.ok();
    app.run_step(&city.admin, id, "approve").await.ok();

    // W3 is signed for after the meals' month was locked; T1's meal is then found invalid.
    app.advance_clock(Duration::minutes(10));
    deliver(&app, &city, "W3").await;
    let next = create_month(&app, &city.admin, &meal_month(1)).await;
    let next_id = next.id;
    assert_eq!(
        next.totals.meals, 1,
        "the late meal, nothing of the next month yet"
    );
    assert!(
        next.reconciliation.reconciled,
        "{:?}",
        next.reconciliation.issues
    );
    let clerk_tianning = app.staff_token("clerk-tianning").await;
    let added = app
        .add_adjustment(
            &clerk_tianning,
            next_id,
            city.order("T1"),
            "非本人就餐，代领",
        )
        .await
        .ok();
    assert_eq!(added.kind, AdjustmentKind::Invalid);
    assert_eq!(added.amount, yuan("-3.00"));
    assert_eq!(added.figures.meals, -1);
    assert_eq!(added.reason, "非本人就餐，代领");
    assert_eq!(
        added.author_account_id,
        app.account_id(&clerk_tianning).await
    );
    // Once only; and never an order nobody settled, nor one the clerk may not see.
    app.add_adjustment(&city.admin, next_id, city.order("T1"), "重复")
        .await
        .error(409, "ORDER_ALREADY_ADJUSTED");
    app.add_adjustment(&clerk_tianning, next_id, city.order("W2"), "非本区")
        .await
        .error(404, "ORDER_NOT_FOUND");
    app.add_adjustment(&city.admin, next_id, city.order("T2"), "  ")
        .await
        .field_error(400, "REASON_INVALID", "reason");

    let adjustments = app.adjustments(&city.admin, next_id).await.ok();
    assert_eq!(adjustments.len(), 2);
    let late = adjustments
        .iter()
        .find(|a| a.kind == AdjustmentKind::LateServed)
        .unwrap();
    assert_eq!(late.order_id, city.order("W3"));
    assert_eq!(late.order_date, date(1));
    assert_eq!(late.amount, yuan("4.00"));
    assert_eq!(late.funding_district_code, WUJIN);
    assert_eq!(late.service_district_code, LIYANG);
    assert!(late.reason.contains("补记"), "{}", late.reason);
    // The 天宁 clerk sees the invalid meal (天宁 funds it), not 武进 ↔ 溧阳's late one.
    let theirs = app.adjustments(&clerk_tianning, next_id).await.ok();
    assert_eq!(theirs.len(), 1);
    assert_eq!(theirs[0].kind, AdjustmentKind::Invalid);

    // The adjustments move the next run's matrix; the locked run stays as it was.
    let matrix = app.run_matrix(&city.admin, next_id).await.ok();
    assert_eq!(cell(&matrix, WUJIN, LIYANG).unwrap().amount, yuan("4.00"));
    assert_eq!(
        cell(&matrix, TIANNING, WUJIN).unwrap().amount,
        yuan("-3.00")
    );
    assert_eq!(matrix.total_amount, yuan("1.00"));
    let old = app.run_matrix(&city.admin, id).await.ok();
    assert_eq!(cell(&old, WUJIN, LIYANG).unwrap().meals, 1, "W2 only");
    assert_eq!(old.total_amount, yuan("26.00"));
    let submitted = app.run_step(&city.admin, next_id, "submit").await.ok();
    assert_eq!(submitted.state, RunState::Submitted);

    // Exports: Chinese headers, a totals row equal to the API's figures, in both formats.
    let csv = export(&app, &city.admin, id, "matrix", "csv").await;
    let rows: Vec<&str> = csv.lines().collect();
    assert!(
        rows[0].starts_with("户籍区（出资区）＼就餐区,天宁区 餐数"),
        "{csv}"
    );
    let totals = rows.last().unwrap();
    assert!(totals.starts_with("合计,"), "{csv}");
    assert!(totals.ends_with(",7,26.00"), "{csv}");
    let csv = export(&app, &city.admin, id, "net", "csv").await;
    assert!(csv.starts_with("本区,对方区,本区应付对方（元）"), "{csv}");
    assert!(csv.contains("天宁区,溧阳市,0.00,8.00,-8.00"), "{csv}");
    let csv = export(&app, &city.admin, id, "districts", "csv").await;
    assert!(
        csv.contains("天宁区,4,16.00,2,1,12.00,3.00,9.00,0.00"),
        "{csv}"
    );
    let csv = export(&app, &city.admin, id, "meal_points", "csv").await;
    assert!(
        csv.lines()
            .last()
            .unwrap()
            .starts_with("合计,,,,7,105.00,79.00,26.00,0.00"),
        "{csv}"
    );

    let (content_type, disposition, bytes) =
        export_bytes(&app, &city.admin, id, "matrix", "xlsx").await;
    assert_eq!(
        content_type,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    assert!(
        disposition.starts_with("attachment; filename=\"settlement-")
            && disposition.ends_with(".xlsx\""),
        "{disposition}"
    );
    let strings = xlsx_part(&bytes, "xl/sharedStrings.xml");
    assert!(strings.contains("户籍区（出资区）＼就餐区"), "{strings}");
    assert!(strings.contains("合计"));
    let sheet = xlsx_part(&bytes, "xl/worksheets/sheet1.xml");
    assert!(
        sheet.contains("<v>26</v>"),
        "the total owed, 26.00: {sheet}"
    );
    let workbook = xlsx_part(&bytes, "xl/workbook.xml");
    assert!(workbook.contains("区际结算矩阵"));

    app.get(
        &format!("/api/v1/settlement-runs/{id}/export?statement=everything&format=csv"),
        Some(&city.admin),
    )
    .await
    .assert_field_error(400, "STATEMENT_INVALID", "statement");
    let list = app.runs(&clerk_tianning).await.ok();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0].id, next_id, "newest period first");
    let _ = (city.wujin, ZHONGLOU);
}

/// A clerk reads which totals differ, never the city-wide figures: not in the run's
/// reconciliation, not in the refusal of a submission, not in the audit note of that refusal.
#[tokio::test]
async fn a_refused_submission_shows_a_clerk_no_city_wide_figures() {
    let app = spawn_app().await;
    let city = city(&app).await;
    let id = create_month(&app, &city.admin, &meal_month(0)).await.id;
    app.advance_clock(Duration::minutes(5));
    deliver(&app, &city, "L3").await;
    let has_digits = |text: &str| text.chars().any(|c| c.is_ascii_digit());

    let tianning = app.staff_token("clerk-tianning").await;
    let seen = app.run(&tianning, id).await.ok();
    assert!(!seen.reconciliation.reconciled);
    let issues = &seen.reconciliation.issues;
    assert!(!issues.is_empty());
    for issue in issues {
        assert!(!has_digits(issue), "{issue}");
    }
    let refused = app
        .run_step(&tianning, id, "submit")
        .await
        .error(409, "RUN_NOT_RECONCILED");
    assert!(!has_digits(&refused.message), "{}", refused.message);
    let trail = app.run_audit(&tianning, id).await.ok();
    let note = trail
        .iter()
        .find(|e| e.action == "submit_refused")
        .expect("the refusal is in the trail")
        .note
        .clone()
        .expect("the refusal says why");
    assert!(note.contains("餐数"), "{note}");
    assert!(!has_digits(&note), "{note}");

    // The city reads the figures.
    let city_view = app.run(&city.admin, id).await.ok();
    let issues = city_view.reconciliation.issues.join("\n");
    assert!(
        issues.contains("6 餐") && issues.contains("7 餐"),
        "{issues}"
    );
}

/// A clerk's draft is that district's work in progress: another district's clerk reads it but
/// cannot send it to every district's review; its own district or the city can.
#[tokio::test]
async fn a_clerk_cannot_submit_another_districts_clerks_draft() {
    let app = spawn_app().await;
    let tianning = app.staff_token("clerk-tianning").await;
    let zhonglou = app.staff_token("clerk-zhonglou").await;
    let id = create_month(&app, &zhonglou, &month_of(date(0), -1))
        .await
        .id;
    app.run(&tianning, id).await.ok();
    app.run_step(&tianning, id, "submit")
        .await
        .error(403, "RUN_NOT_YOURS");
    assert_eq!(app.run(&zhonglou, id).await.ok().state, RunState::Draft);
    let submitted = app.run_step(&zhonglou, id, "submit").await.ok();
    assert_eq!(submitted.state, RunState::Submitted);
}

/// A clerk's run for the current month or later would block the city's own run and take over
/// the late-served meals of earlier periods: those are the city's. Drafts can be thrown away.
#[tokio::test]
async fn only_the_city_creates_runs_for_open_periods_and_drafts_can_be_deleted() {
    let app = spawn_app().await;
    let admin = app.staff_token("admin").await;
    let tianning = app.staff_token("clerk-tianning").await;
    let zhonglou = app.staff_token("clerk-zhonglou").await;
    for month in [month_of(date(0), 0), month_of(date(0), 3)] {
        app.create_run(&tianning, &month)
            .await
            .field_error(403, "RUN_PERIOD_NOT_CLOSED", "to");
    }
    for (from, to) in [(date(-1), date(1)), (date(400), date(410))] {
        app.create_run_between(&tianning, from, to)
            .await
            .field_error(403, "RUN_PERIOD_NOT_CLOSED", "to");
    }
    // A month that is over is the clerk's to run.
    let last_month = create_month(&app, &tianning, &month_of(date(0), -1)).await;
    let path = format!("/api/v1/settlement-runs/{}", last_month.id);
    app.delete(&path, Some(&zhonglou))
        .await
        .assert_error(403, "RUN_NOT_YOURS");
    let deleted = app.delete(&path, Some(&tianning)).await;
    assert_eq!(deleted.status, 204, "{}", deleted.body);
    app.run(&admin, last_month.id)
        .await
        .error(404, "RUN_NOT_FOUND");
    // The period is free again: the city runs it, and the city may delete anyone's draft.
    let again = create_month(&app, &tianning, &month_of(date(0), -1)).await;
    let path = format!("/api/v1/settlement-runs/{}", again.id);
    assert_eq!(app.delete(&path, Some(&admin)).await.status, 204);

    // The city runs the current month; once submitted it is never deleted.
    let current = create_month(&app, &admin, &month_of(date(0), 0)).await;
    app.run_step(&admin, current.id, "submit").await.ok();
    let path = format!("/api/v1/settlement-runs/{}", current.id);
    app.delete(&path, Some(&admin))
        .await
        .assert_error(409, "RUN_NOT_DRAFT");
}
