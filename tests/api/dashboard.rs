//! The dashboard, the plan's targets, the counter, the inspectors' round and policy drafts
//! through the HTTP API, on both backends. The served orders counted are the settlement tests'
//! city (`settlement::city`): six lunches served on the Tuesday after the tests' Monday —
//!
//! | elder | hukou (funds) | eats at (serves) | district + street |
//! |---|---|---|---|
//! | T1 | 天宁 | 武进 | 2.00 + 1.00 |
//! | T2 | 天宁 | 天宁 | 2.00 + 2.00 |
//! | W1 | 武进 | 天宁 | 2.00 + 2.00 |
//! | W2 | 武进 | 溧阳 | 2.00 + 2.00 |
//! | L1 | 溧阳 | 天宁 | 2.00 + 2.00 |
//! | L2 | 溧阳 | 武进 | 2.00 + 1.00 |
//!
//! (L3 and W3 are deliveries still on their way: not served, not counted.)

use chrono::{Datelike, Duration};
use serde_json::{Value, json};

use crate::{
    fixtures::{self, ElderForm},
    helpers::{
        TestApp, born, date, day, first_of_month, id_card_number, iso_date, last_of_month,
        month_of, spawn_app, spawn_demo_city, spawn_full_demo, today,
    },
    settlement::{city, clerk},
};

const TIANNING: &str = "320402";
const ZHONGLOU: &str = "320404";
const WUJIN: &str = "320412";
const LIYANG: &str = "320481";

fn series<'a>(body: &'a Value, code: &str) -> &'a Value {
    body["districts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["district_code"] == code)
        .unwrap_or_else(|| panic!("no {code} in {body}"))
}

#[tokio::test]
async fn the_plans_targets_are_seeded() {
    let app = spawn_app().await;
    let admin = app.staff_token("admin").await;
    let seeded = app.get("/api/v1/plan-targets", Some(&admin)).await;
    let seeded = seeded.assert_ok().as_array().unwrap().clone();
    assert_eq!(seeded.len(), 10);
    let by_district: i64 = seeded
        .iter()
        .filter(|t| t["scope"] != "city")
        .map(|t| t["target"].as_i64().unwrap())
        .sum();
    assert_eq!(by_district, 165);
    let liyang = seeded.iter().find(|t| t["scope"] == LIYANG).unwrap();
    assert_eq!(liyang["scope_name"], "溧阳市");
    assert_eq!(
        (liyang["from_year"].as_i64(), liyang["to_year"].as_i64()),
        (Some(2024), Some(2026))
    );
    assert_eq!(liyang["target"], 40);
    let city_years: Vec<(i64, i64)> = seeded
        .iter()
        .filter(|t| t["scope"] == "city")
        .map(|t| {
            (
                t["from_year"].as_i64().unwrap(),
                t["target"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(city_years, [(2024, 83), (2025, 50), (2026, 32)]);
}

#[tokio::test]
async fn targets_are_replaced_only_when_all_are_valid() {
    let app = spawn_app().await;
    let admin = app.staff_token("admin").await;
    // Every mistake is listed, and nothing changes.
    let refused = app
        .put(
            "/api/v1/plan-targets",
            Some(&admin),
            json!({ "targets": [
                { "scope": TIANNING, "from_year": 2027, "to_year": 2029, "target": 12 },
                { "scope": "320499", "from_year": 2027, "to_year": 2029, "target": 3 },
                { "scope": TIANNING, "from_year": 2029, "to_year": 2030, "target": 4 },
                { "scope": "city", "from_year": 2030, "to_year": 2027, "target": -1 },
            ]}),
        )
        .await;
    refused.assert_field_error(400, "TARGETS_INVALID", "targets");
    let paths: Vec<&str> = refused.body["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        paths,
        [
            "targets[1].scope",
            "targets[2].from_year",
            "targets[3].to_year",
            "targets[3].target",
        ]
    );
    assert_eq!(
        app.get("/api/v1/plan-targets", Some(&admin))
            .await
            .assert_ok()
            .as_array()
            .unwrap()
            .len(),
        10
    );

    tianning_and_city_targets(&app, &admin).await;
}

/// The city replaces the targets with 天宁's and one of the city's.
async fn tianning_and_city_targets(app: &TestApp, admin: &str) {
    let replaced = app
        .put(
            "/api/v1/plan-targets",
            Some(admin),
            json!({ "targets": [
                { "scope": TIANNING, "from_year": 2027, "to_year": 2029, "target": 12 },
                { "scope": "city", "from_year": 2027, "to_year": 2027, "target": 40 },
            ]}),
        )
        .await;
    assert_eq!(replaced.assert_ok().as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn a_clerk_reads_their_own_districts_targets_and_only_the_city_changes_them() {
    let app = spawn_app().await;
    let admin = app.staff_token("admin").await;
    tianning_and_city_targets(&app, &admin).await;
    // A clerk reads their own district's targets; only the city changes them.
    let tianning = app.staff_token("clerk-tianning").await;
    let theirs = app.get("/api/v1/plan-targets", Some(&tianning)).await;
    let theirs = theirs.assert_ok().as_array().unwrap();
    assert_eq!(theirs.len(), 1);
    assert_eq!(theirs[0]["scope"], TIANNING);
    let wujin = app.staff_token("clerk-wujin").await;
    assert!(
        app.get("/api/v1/plan-targets", Some(&wujin))
            .await
            .assert_ok()
            .as_array()
            .unwrap()
            .is_empty()
    );
    app.put(
        "/api/v1/plan-targets",
        Some(&tianning),
        json!({ "targets": [] }),
    )
    .await
    .assert_error(403, "ROLE_FORBIDDEN");
    let operator = app.staff_token("operator-demo").await;
    app.get("/api/v1/plan-targets", Some(&operator))
        .await
        .assert_error(403, "ROLE_FORBIDDEN");
}

#[tokio::test]
async fn a_targets_csv_is_refused_with_the_line_of_each_problem_and_imported_when_clean() {
    let app = spawn_app().await;
    let admin = app.staff_token("admin").await;
    let csv = "# a comment line\nscope,name,from_year,to_year,target\n320402,天宁区,2027,2029,12\n320499,?,2027,2029,3\n320404,钟楼区,2027,x,4\n";
    let refused = app
        .post(
            "/api/v1/plan-targets/import",
            Some(&admin),
            json!({ "csv": csv }),
        )
        .await;
    refused.assert_error(400, "TARGETS_INVALID");
    let lines: Vec<(i64, &str)> = refused.body["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["line"].as_i64().unwrap(), p["code"].as_str().unwrap()))
        .collect();
    // The number is read first: a line that is not a number stops before its district is checked.
    assert_eq!(lines, [(5, "CSV_NOT_A_NUMBER")]);
    let csv = csv.replace(",x,", ",2029,");
    let refused = app
        .post(
            "/api/v1/plan-targets/import",
            Some(&admin),
            json!({ "csv": csv }),
        )
        .await;
    refused.assert_error(400, "TARGETS_INVALID");
    assert_eq!(refused.body["problems"][0]["line"], 4);
    assert_eq!(refused.body["problems"][0]["code"], "TARGET_SCOPE_UNKNOWN");
    assert!(
        refused.body["problems"][0]["message"]
            .as_str()
            .unwrap()
            .contains("320499")
    );

    // The file as text/plain, as a browser's upload sends it.
    let clean = csv.replace("320499,?", "320481,溧阳市");
    let response = app
        .http
        .post(app.url("/api/v1/plan-targets/import"))
        .bearer_auth(&admin)
        .header("Content-Type", "text/plain; charset=utf-8")
        .body(clean)
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success(), "{}", response.status());
    let imported: Value = response.json().await.unwrap();
    assert_eq!(imported.as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn plan_progress_counts_the_meal_points_built_per_district_and_year() {
    let app = spawn_demo_city().await;
    let admin = app.staff_token("admin").await;
    let progress = app
        .get("/api/v1/dashboard/plan-progress", Some(&admin))
        .await;
    let progress = progress.assert_ok();
    let this_year = i64::from(today().year());
    let years: Vec<i64> = progress["years"]
        .as_array()
        .unwrap()
        .iter()
        .map(|y| y.as_i64().unwrap())
        .collect();
    assert_eq!(years.first(), Some(&2024));
    assert_eq!(
        years.last(),
        Some(&this_year.max(2026)),
        "the plan's years and this one"
    );
    let year_index = |year: i64| years.iter().position(|y| *y == year).unwrap();
    // The demo's meal points are the plan's, dated over its years: every district has built its
    // target, and each of the city's years counts the districts' meal points of that year.
    for target in progress["targets"].as_array().unwrap() {
        if target["scope"] != "city" {
            assert_eq!(target["built"], target["target"], "{target}");
            assert_eq!(target["percent"], 100.0);
        }
    }
    let by_year: Vec<i64> = progress["city_by_year"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_i64().unwrap())
        .collect();
    assert_eq!(by_year.iter().sum::<i64>(), 165);
    for target in progress["targets"].as_array().unwrap() {
        if target["scope"] == "city" {
            let year = target["from_year"].as_i64().unwrap();
            assert_eq!(target["built"], by_year[year_index(year)], "{target}");
        }
    }
    assert_eq!(series(progress, LIYANG)["total"], 40);

    // A meal point registered now counts in this year for its district.
    let streets = app
        .get(
            &format!("/api/v1/places/districts/{TIANNING}/streets"),
            None,
        )
        .await;
    let street = streets.assert_ok()[0]["id"].as_i64().unwrap();
    app.post(
        "/api/v1/meal-points",
        Some(&admin),
        json!({
            "name": "看板新建食堂", "kind": "community_canteen", "district_code": TIANNING,
            "street_id": street, "address": "常州市看板路1号", "lat": 31.78, "lng": 119.95,
            "phone": "0519-8866 1234", "service_modes": ["dine_in"], "opening_days": [1, 2, 3, 4, 5],
            "slot_hours": [{ "slot": "lunch", "opens": "11:00", "closes": "12:30" }],
            "food_licence_no": "JY23204020009999",
        }),
    )
    .await
    .assert_ok();
    let clerk = app.staff_token("clerk-tianning").await;
    let theirs = app
        .get("/api/v1/dashboard/plan-progress", Some(&clerk))
        .await;
    let theirs = theirs.assert_ok();
    let districts = theirs["districts"].as_array().unwrap();
    assert_eq!(districts.len(), 1, "a clerk sees their own district");
    assert_eq!(districts[0]["total"], 16);
    let now = year_index(this_year);
    assert_eq!(
        districts[0]["by_year"][now],
        series(progress, TIANNING)["by_year"][now].as_i64().unwrap() + 1
    );
    let targets = theirs["targets"].as_array().unwrap();
    assert_eq!(targets.len(), 1);
    // Counted against the 2024–2026 target only while this year is one of the plan's.
    let (built, percent) = if this_year <= 2026 {
        (16, 106.7)
    } else {
        (15, 100.0)
    };
    assert_eq!(targets[0]["built"], built);
    assert_eq!(targets[0]["percent"], percent);
}

#[tokio::test]
async fn meals_per_day_are_counted_from_the_served_orders_for_every_district() {
    let app = spawn_app().await;
    let city = city(&app).await;
    let admin = &city.admin;

    let daily = app
        .get(
            &format!(
                "/api/v1/dashboard/meals-per-day?from={}&to={}",
                day(0),
                day(2)
            ),
            Some(admin),
        )
        .await;
    let daily = daily.assert_ok();
    assert_eq!(daily["dates"], json!([day(0), day(1), day(2)]));
    assert_eq!(
        daily["districts"].as_array().unwrap().len(),
        7,
        "every district, with zeros"
    );
    assert_eq!(series(daily, TIANNING)["meals"], json!([0, 3, 0]));
    assert_eq!(series(daily, WUJIN)["meals"], json!([0, 2, 0]));
    assert_eq!(series(daily, LIYANG)["meals"], json!([0, 1, 0]));
    assert_eq!(series(daily, ZHONGLOU)["meals"], json!([0, 0, 0]));
    assert_eq!(daily["totals"], json!([0, 6, 0]));
    assert_eq!(daily["total_meals"], 6);
}

#[tokio::test]
async fn the_subsidy_per_month_is_summed_by_funder_level_from_the_served_orders() {
    let app = spawn_app().await;
    let city = city(&app).await;
    let admin = &city.admin;

    let monthly = app
        .get(
            &format!(
                "/api/v1/dashboard/subsidy-per-month?from_month={}&to_month={}",
                month_of(date(1), -1),
                month_of(date(1), 0)
            ),
            Some(admin),
        )
        .await;
    let monthly = monthly.assert_ok();
    assert_eq!(
        monthly["months"],
        json!([month_of(date(1), -1), month_of(date(1), 0)])
    );
    let tianning = &series(monthly, TIANNING)["months"];
    assert_eq!(tianning["meals"], json!([0, 2]));
    assert_eq!(tianning["district"], json!(["0.00", "4.00"]));
    assert_eq!(tianning["street"], json!(["0.00", "3.00"]));
    assert_eq!(tianning["city"], json!(["0.00", "0.00"]));
    assert_eq!(tianning["total"], json!(["0.00", "7.00"]));
    assert_eq!(series(monthly, WUJIN)["sum"]["total"], "8.00");
    assert_eq!(series(monthly, LIYANG)["sum"]["total"], "7.00");
    assert_eq!(monthly["totals"]["total"], json!(["0.00", "22.00"]));
    assert_eq!(
        monthly["sum"],
        json!({ "meals": 6, "city": "0.00", "district": "12.00", "street": "10.00", "total": "22.00" })
    );
}

#[tokio::test]
async fn the_cross_district_share_counts_meals_eaten_outside_the_hukou_district() {
    let app = spawn_app().await;
    let city = city(&app).await;
    let admin = &city.admin;

    let cross = app
        .get(
            &format!(
                "/api/v1/dashboard/cross-district?from={}&to={}",
                first_of_month(date(1), 0),
                last_of_month(date(1), 0)
            ),
            Some(admin),
        )
        .await;
    let cross = cross.assert_ok();
    assert_eq!(
        (cross["meals"].as_i64(), cross["cross_meals"].as_i64()),
        (Some(6), Some(5))
    );
    assert_eq!(cross["cross_percent"], 83.3);
    let t = series(cross, TIANNING);
    assert_eq!(
        (t["elders_meals"].as_i64(), t["eaten_elsewhere"].as_i64()),
        (Some(2), Some(1))
    );
    assert_eq!(t["eaten_elsewhere_percent"], 50.0);
    assert_eq!(
        (t["served_meals"].as_i64(), t["served_for_others"].as_i64()),
        (Some(3), Some(2))
    );
    assert_eq!(t["served_for_others_percent"], 66.7);
    assert!(
        series(cross, ZHONGLOU)
            .get("eaten_elsewhere_percent")
            .is_none(),
        "no meals, no share"
    );
    assert_eq!(cross["flows"].as_array().unwrap().len(), 5);
    assert!(
        cross["flows"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["meals"] == 1 && f["funding_district_code"] != f["service_district_code"])
    );
}

#[tokio::test]
async fn a_clerk_sees_their_districts_side_only() {
    let app = spawn_app().await;
    let _city = city(&app).await;
    // A clerk sees their district's side only.
    let clerk = app.staff_token("clerk-tianning").await;
    let theirs = app
        .get(
            &format!("/api/v1/dashboard/meals-per-day?from={0}&to={0}", day(1)),
            Some(&clerk),
        )
        .await;
    let theirs = theirs.assert_ok();
    assert_eq!(theirs["districts"].as_array().unwrap().len(), 1);
    assert_eq!(theirs["total_meals"], 3);
    let theirs = app
        .get(
            &format!(
                "/api/v1/dashboard/cross-district?from={}&to={}",
                first_of_month(date(1), 0),
                last_of_month(date(1), 0)
            ),
            Some(&clerk),
        )
        .await;
    let theirs = theirs.assert_ok();
    // 天宁's pairs only: T1, T2, W1, L1.
    assert_eq!(
        (theirs["meals"].as_i64(), theirs["cross_meals"].as_i64()),
        (Some(4), Some(3))
    );
    assert!(
        theirs["flows"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["funding_district_code"] == TIANNING
                || f["service_district_code"] == TIANNING)
    );
    let theirs = app
        .get(
            &format!(
                "/api/v1/dashboard/subsidy-per-month?from_month={0}&to_month={0}",
                month_of(date(1), 0)
            ),
            Some(&clerk),
        )
        .await;
    assert_eq!(theirs.assert_ok()["sum"]["total"], "7.00");
}

#[tokio::test]
async fn a_delivery_signed_for_is_counted_from_then_on() {
    let app = spawn_app().await;
    let city = city(&app).await;
    let admin = &city.admin;

    // A delivery signed for now is served: counted from then on.
    app.post(
        &format!(
            "/api/v1/orders/{}/delivered",
            city.orders.iter().find(|(l, _)| *l == "L3").unwrap().1
        ),
        Some(&city.operator),
        json!({ "signed_by": "王小明" }),
    )
    .await
    .assert_ok();
    let daily = app
        .get(
            &format!("/api/v1/dashboard/meals-per-day?from={0}&to={0}", day(1)),
            Some(admin),
        )
        .await;
    assert_eq!(series(daily.assert_ok(), TIANNING)["meals"], json!([4]));
}

#[tokio::test]
async fn complaint_deadlines_met_and_missed_per_district() {
    let app = spawn_app().await;
    let city = city(&app).await;
    let complain = |category: &str, text: &str| {
        app.post(
            "/api/v1/complaints",
            Some(&city.admin),
            json!({ "meal_point_id": city.tianning, "category": category, "text": text }),
        )
    };
    let quick = complain("food_safety", "饭菜有异味").await.assert_ok()["id"]
        .as_i64()
        .unwrap();
    complain("other", "排队时间太长").await.assert_ok();
    app.post(
        &format!("/api/v1/complaints/{quick}/acknowledge"),
        Some(&city.admin),
        json!({ "note": "已派人核查" }),
    )
    .await
    .assert_ok();
    // 80 hours on: the food-safety one was acknowledged in time but not resolved in its 72
    // hours; the other was never acknowledged in its 72 hours; its 168 hours to resolve are
    // still running.
    app.advance_clock(Duration::hours(80));
    app.get("/api/v1/complaints", Some(&city.admin))
        .await
        .assert_ok();
    let feedback = app
        .get(
            &format!(
                "/api/v1/dashboard/feedback?from={}&to={}",
                day(-30),
                day(30)
            ),
            Some(&city.admin),
        )
        .await;
    let feedback = feedback.assert_ok();
    let t = series(feedback, TIANNING);
    assert_eq!(t["complaints"], 2);
    assert_eq!(
        (t["ack_met"].as_i64(), t["ack_missed"].as_i64()),
        (Some(1), Some(1))
    );
    assert_eq!(t["ack_met_percent"], 50.0);
    assert_eq!(
        (t["resolve_met"].as_i64(), t["resolve_missed"].as_i64()),
        (Some(0), Some(1))
    );
    assert_eq!(t["resolve_met_percent"], 0.0);
    assert_eq!(t["escalated"], 2, "both escalated by the service");
    assert_eq!(t["ratings"], 0);
    assert!(t.get("average_overall").is_none());
    assert_eq!(feedback["total"]["complaints"], 2);
    assert_eq!(feedback["total"]["district_code"], "city");
    // Complaints made outside the period are not counted.
    let before = app
        .get(
            &format!("/api/v1/dashboard/feedback?from={}&to={}", day(-30), day(0)),
            Some(&city.admin),
        )
        .await;
    assert_eq!(before.assert_ok()["total"]["complaints"], 0);
}

#[tokio::test]
async fn ratings_per_district_agree_with_the_meal_points_summaries() {
    let app = spawn_full_demo().await;
    let operator = app.staff_token("operator-demo").await;
    let mine = app.get("/api/v1/me/meal-points", Some(&operator)).await;
    let rated: i64 = mine.assert_ok()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["rating_summary"]["count"].as_i64().unwrap())
        .sum();
    assert!(rated > 0, "the demo rates the operator's lunches");
    let admin = app.staff_token("admin").await;
    let feedback = app.get("/api/v1/dashboard/feedback", Some(&admin)).await;
    let zhonglou = series(feedback.assert_ok(), ZHONGLOU);
    assert_eq!(zhonglou["ratings"], rated);
    let mean = zhonglou["average_overall"].as_f64().unwrap();
    assert!((1.0..=5.0).contains(&mean), "{mean}");
}

#[tokio::test]
async fn the_dashboard_refuses_other_roles_and_bad_periods() {
    let app = spawn_app().await;
    let operator = app.staff_token("operator-demo").await;
    for path in [
        "/api/v1/dashboard/plan-progress",
        "/api/v1/dashboard/meals-per-day",
        "/api/v1/dashboard/subsidy-per-month",
        "/api/v1/dashboard/cross-district",
        "/api/v1/dashboard/feedback",
    ] {
        app.get(path, Some(&operator))
            .await
            .assert_error(403, "ROLE_FORBIDDEN");
        app.get(path, None)
            .await
            .assert_error(401, "UNAUTHENTICATED");
    }
    let admin = app.staff_token("admin").await;
    app.get(
        "/api/v1/dashboard/meals-per-day?from=2026-11-30&to=2026-11-01",
        Some(&admin),
    )
    .await
    .assert_field_error(400, "PERIOD_INVALID", "to");
    app.get(
        "/api/v1/dashboard/cross-district?from=2024-01-01&to=2026-11-01",
        Some(&admin),
    )
    .await
    .assert_field_error(400, "PERIOD_TOO_LONG", "to");
    app.get(
        "/api/v1/dashboard/subsidy-per-month?from_month=2026-13",
        Some(&admin),
    )
    .await
    .assert_field_error(400, "MONTH_INVALID", "from_month");
    app.get(
        "/api/v1/dashboard/subsidy-per-month?from_month=2020-01&to_month=2026-01",
        Some(&admin),
    )
    .await
    .assert_field_error(400, "PERIOD_TOO_LONG", "to_month");
    app.get(
        "/api/v1/dashboard/meals-per-day?from=yesterday",
        Some(&admin),
    )
    .await
    .assert_field_error(400, "INVALID_PARAMETER", "from");
    // The service's clock is public: the console counts weeks from it.
    let clock = app.get("/api/v1/clock", None).await;
    assert_eq!(clock.assert_ok()["today"], day(0));
}

/// 钱桂芳, 78, registered by the city in 钟楼, and the counter of `operator-demo`'s first meal
/// point: the admin's and the operator's tokens, her number, her id and the counter's path.
async fn walk_in(app: &TestApp) -> (String, String, String, i64, String) {
    let admin = app.staff_token("admin").await;
    let operator = app.staff_token("operator-demo").await;
    let mine = app.get("/api/v1/me/meal-points", Some(&operator)).await;
    let mine = mine.assert_ok()["items"][0]["id"].as_i64().unwrap();
    let birth = born(78, 100);
    let number = id_card_number(ZHONGLOU, &birth, "301");
    let form = ElderForm {
        address: "南大街1号",
        phone: "051988001234",
        ..ElderForm::new("钱桂芳", &number, ZHONGLOU, ZHONGLOU)
    };
    let elder_id = app.register_elder(&admin, &form.body()).await.ok().id;
    let path = format!("/api/v1/meal-points/{mine}/counter/elder");

    (admin, operator, number, elder_id, path)
}

#[tokio::test]
async fn the_counter_finds_a_walk_in_elder_by_card_and_name_and_shows_only_what_it_needs() {
    let app = spawn_demo_city().await;
    let (_, operator, number, elder_id, path) = walk_in(&app).await;
    let found = app
        .post(
            &path,
            Some(&operator),
            json!({ "id_card": number, "name": "钱桂芳" }),
        )
        .await;
    let found = found.assert_ok();
    assert_eq!(found["elder_id"], elder_id);
    assert_eq!(found["age"], 78);
    assert!(
        found["id_card_masked"]
            .as_str()
            .unwrap()
            .contains("**********")
    );
    assert!(
        !found.to_string().contains(&number),
        "the number never comes back"
    );
    assert!(
        found.get("phone").is_none() && found.get("address").is_none(),
        "only what the counter needs"
    );
}

#[tokio::test]
async fn a_wrong_name_or_number_at_the_counter_learns_nothing() {
    let app = spawn_demo_city().await;
    let (_, operator, number, _, path) = walk_in(&app).await;
    let birth = born(78, 100);
    // A wrong name and an unknown number get the same answer.
    app.post(
        &path,
        Some(&operator),
        json!({ "id_card": number, "name": "钱桂英" }),
    )
    .await
    .assert_error(404, "COUNTER_NO_MATCH");
    let unknown = id_card_number(ZHONGLOU, &birth, "302");
    app.post(
        &path,
        Some(&operator),
        json!({ "id_card": unknown, "name": "钱桂芳" }),
    )
    .await
    .assert_error(404, "COUNTER_NO_MATCH");
    // The right number with its last (check) character changed.
    let mut wrong_check = number.clone();
    let last = if wrong_check.ends_with('1') { "2" } else { "1" };
    wrong_check.replace_range(17.., last);
    app.post(
        &path,
        Some(&operator),
        json!({ "id_card": wrong_check, "name": "钱桂芳" }),
    )
    .await
    .assert_field_error(400, "ID_CARD_CHECKSUM", "id_card");
}

#[tokio::test]
async fn another_meal_points_counter_or_another_role_may_not_look() {
    let app = spawn_demo_city().await;
    let (admin, operator, number, _, path) = walk_in(&app).await;
    // Another meal point's counter, or another role, may not look.
    let others = app
        .get("/api/v1/meal-points?district_code=320481&page_size=1", None)
        .await;
    let other = others.assert_ok()["items"][0]["id"].as_i64().unwrap();
    app.post(
        &format!("/api/v1/meal-points/{other}/counter/elder"),
        Some(&operator),
        json!({ "id_card": number, "name": "钱桂芳" }),
    )
    .await
    .assert_error(403, "NOT_YOUR_MEAL_POINT");
    app.post(
        &path,
        Some(&admin),
        json!({ "id_card": number, "name": "钱桂芳" }),
    )
    .await
    .assert_error(403, "ROLE_FORBIDDEN");
}

#[tokio::test]
async fn counter_guessing_stops_after_ten_misses_even_for_a_right_pair() {
    let app = spawn_demo_city().await;
    let (_, operator, number, _, path) = walk_in(&app).await;
    // Guessing stops after ten misses in ten minutes, even for a right pair.
    for _ in 0..10 {
        app.post(
            &path,
            Some(&operator),
            json!({ "id_card": number, "name": "某某" }),
        )
        .await
        .assert_error(404, "COUNTER_NO_MATCH");
    }
    app.post(
        &path,
        Some(&operator),
        json!({ "id_card": number, "name": "钱桂芳" }),
    )
    .await
    .assert_error(429, "TOO_MANY_LOOKUPS");
}

#[tokio::test]
async fn the_days_orders_list_and_export_for_the_counter() {
    let app = spawn_app().await;
    let city = city(&app).await;
    let path = format!(
        "/api/v1/meal-points/{}/orders?date={}",
        city.tianning,
        day(1)
    );
    let listed = app.get(&path, Some(&city.operator)).await;
    let listed = listed.assert_ok();
    let orders = listed["orders"].as_array().unwrap();
    // T2, W1, L1 served by pickup; L3 out for delivery.
    assert_eq!(orders.len(), 4);
    let states: Vec<&str> = orders
        .iter()
        .map(|o| o["state"].as_str().unwrap())
        .collect();
    assert_eq!(states.iter().filter(|s| **s == "served").count(), 3);
    let delivery = orders.iter().find(|o| o["mode"] == "delivery").unwrap();
    assert_eq!(delivery["state_label"], "配送中");
    assert!(delivery["delivery_address"].is_string());
    assert_eq!(orders[0]["items"][0]["dish_name"], "结算套餐");
    assert_eq!(orders[0]["gross"], "15.00");
    assert!(
        orders
            .iter()
            .all(|o| o["elder_name"].as_str().unwrap().starts_with("结算老人"))
    );
    assert!(
        orders.iter().all(|o| o.get("pickup_code").is_none()),
        "codes stay with the elders"
    );

    let response = app
        .http
        .get(app.url(&format!(
            "/api/v1/meal-points/{}/orders/export?date={}",
            city.tianning,
            day(1)
        )))
        .bearer_auth(&city.operator)
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.headers()["content-disposition"],
        format!(
            "attachment; filename=\"orders-{}-{}.xlsx\"",
            city.tianning,
            date(1).format("%Y%m%d")
        )
        .as_str()
    );
    let bytes = response.bytes().await.unwrap();
    assert_eq!(&bytes[..2], b"PK", "an XLSX is a zip");

    // The city sees any meal point's day; a clerk and another meal point's operator do not.
    app.get(&path, Some(&city.admin)).await.assert_ok();
    let clerk = app.staff_token("clerk-tianning").await;
    app.get(&path, Some(&clerk))
        .await
        .assert_error(403, "ROLE_FORBIDDEN");
    let other = operator_elsewhere(&app, &city.admin).await;
    app.get(&path, Some(&other))
        .await
        .assert_error(403, "NOT_YOUR_MEAL_POINT");
}

async fn operator_elsewhere(app: &TestApp, admin: &str) -> String {
    app.post(
        "/api/v1/staff-accounts",
        Some(admin),
        json!({
            "username": "operator-elsewhere", "password": "operator-pass-1",
            "role": "operator", "display_name": "别处运营员",
        }),
    )
    .await
    .assert_ok();
    app.staff_login("operator-elsewhere", "operator-pass-1")
        .await
        .assert_ok()["token"]
        .as_str()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn the_inspectors_round_puts_the_never_visited_first_and_lists_their_own_visits() {
    let app = spawn_demo_city().await;
    let admin = app.staff_token("admin").await;
    let inspector = fixtures::inspector(&app, "inspector-1", "顾敏").await;
    let due = app
        .get("/api/v1/inspections/due?page_size=2", Some(&inspector))
        .await;
    let due = due.assert_ok();
    assert_eq!(due["total"], 165);
    let first = due["items"][0]["meal_point_id"].as_i64().unwrap();
    let second = due["items"][1]["meal_point_id"].as_i64().unwrap();
    assert!(due["items"][0].get("last_visit").is_none());
    for (meal_point, date) in [(first, day(-3)), (second, day(-13))] {
        app.post(
            &format!("/api/v1/meal-points/{meal_point}/inspections"),
            Some(&inspector),
            json!({ "date": date, "scores": { "food_safety": 4, "hygiene": 5, "service": 4 }, "notes": "留样齐全", "sample_retained": true }),
        )
        .await
        .assert_ok();
    }
    let all = app
        .get(
            "/api/v1/inspections/due?page_size=100&page=2",
            Some(&inspector),
        )
        .await;
    let last_page = all.assert_ok()["items"].as_array().unwrap().clone();
    let tail: Vec<i64> = last_page
        .iter()
        .rev()
        .take(2)
        .map(|p| p["meal_point_id"].as_i64().unwrap())
        .collect();
    assert_eq!(
        tail,
        [first, second],
        "the most recently visited last, the longest ago before it"
    );
    assert_eq!(last_page.last().unwrap()["last_visit"], day(-3));
    assert_eq!(last_page.last().unwrap()["visits"], 1);

    let mine = app.get("/api/v1/me/inspections", Some(&inspector)).await;
    let mine = mine.assert_ok();
    assert_eq!(mine["total"], 2);
    assert_eq!(mine["items"][0]["date"], day(-3), "newest first");
    assert_eq!(mine["items"][0]["organisation"], "常州市餐饮行业协会");

    // A clerk's round is their district's; another district is refused.
    let clerk = app.staff_token("clerk-wujin").await;
    let theirs = app.get("/api/v1/inspections/due", Some(&clerk)).await;
    assert_eq!(theirs.assert_ok()["total"], 60);
    app.get("/api/v1/inspections/due?district_code=320402", Some(&clerk))
        .await
        .assert_error(403, "DISTRICT_FORBIDDEN");
    app.get("/api/v1/inspections/due?district_code=999999", Some(&admin))
        .await
        .assert_error(404, "DISTRICT_NOT_FOUND");
    app.get("/api/v1/me/inspections", Some(&admin))
        .await
        .assert_error(403, "ROLE_FORBIDDEN");
}

/// A draft whose effective date is filled in (`EFFECTIVE`): it must be today or later.
const DRAFT: &str = r#"version = "draft-2027"
effective_from = "EFFECTIVE"
cross_district_standard = "hukou"

[[rule]]
level = "district"
age_min = 60
amount = "2.00"

[[rule]]
level = "nation"
amount = 1.50

[[district]]
code = "320499"
[[district.rule]]
level = "street"
amount = "1.00"
"#;

#[tokio::test]
async fn a_policy_draft_is_checked_with_every_problem_on_its_line() {
    let app = spawn_app().await;
    let admin = app.staff_token("admin").await;
    let effective = day(30);
    let draft = DRAFT.replace("EFFECTIVE", &effective);
    let report = app
        .post(
            "/api/v1/subsidy-policies/check",
            Some(&admin),
            json!({ "toml": draft }),
        )
        .await;
    let report = report.assert_ok();
    assert_eq!(report["publishable"], false);
    let lines: Vec<(i64, &str)> = report["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["line"].as_i64().unwrap(), p["code"].as_str().unwrap()))
        .collect();
    assert_eq!(
        lines,
        [
            (11, "POLICY_UNKNOWN_LEVEL"),
            (12, "POLICY_MONEY_NOT_STRING"),
            (15, "POLICY_UNKNOWN_DISTRICT"),
        ]
    );
    // Publishing the same file is refused with the same lines.
    let refused = app
        .post(
            "/api/v1/subsidy-policies",
            Some(&admin),
            json!({ "toml": draft }),
        )
        .await;
    refused.assert_error(400, "POLICY_INVALID");
    assert_eq!(refused.body["problems"], report["problems"]);
    let syntax = app
        .post(
            "/api/v1/subsidy-policies/check",
            Some(&admin),
            json!({ "toml": "version = \"x\"\nrule = [\n" }),
        )
        .await;
    assert_eq!(syntax.assert_ok()["problems"][0]["code"], "POLICY_SYNTAX");
    assert!(syntax.body["problems"][0]["line"].as_i64().unwrap() >= 2);
}

/// [`DRAFT`] effective in 30 days, its problems fixed.
fn fixed_draft() -> String {
    DRAFT
        .replace("EFFECTIVE", &day(30))
        .replace("\"nation\"", "\"street\"")
        .replace("amount = 1.50", "age_min = 80\namount = \"1.50\"")
        .replace("320499", TIANNING)
}

/// A what-if lunch at a 武进 meal point for 15.00, for an elder born on `birth` with hukou in
/// `hukou`.
fn what_if_meal(birth: &str, hukou: &str) -> Value {
    json!({ "birth_date": birth, "hukou_district_code": hukou, "meal_point_district_code": WUJIN,
                "slot": "lunch", "mode": "dine_in", "gross": "15.00" })
}

#[tokio::test]
async fn a_clean_draft_is_quoted_what_if_and_nothing_is_stored() {
    let app = spawn_app().await;
    let admin = app.staff_token("admin").await;
    let effective = day(30);
    let fixed = fixed_draft();
    let meal = what_if_meal;
    // 86 and 66 on the draft's effective date, the what-if meals' default date.
    let (old, younger) = (iso_date(&born(86, 200)), iso_date(&born(66, 200)));
    let report = app
        .post(
            "/api/v1/subsidy-policies/check",
            Some(&admin),
            json!({ "toml": fixed, "what_if": [meal(&old, WUJIN), meal(&younger, WUJIN), meal(&old, TIANNING)] }),
        )
        .await;
    let report = report.assert_ok();
    assert_eq!(report["publishable"], true, "{report}");
    assert_eq!(report["summary"]["version"], "draft-2027");
    assert_eq!(report["summary"]["district_sections"], json!([TIANNING]));
    let quotes = report["quotes"].as_array().unwrap();
    // 86 on the draft's own date (the default), standard of 武进 (no section: the top rules).
    assert_eq!(quotes[0]["meal_date"], effective);
    assert_eq!(quotes[0]["age_on_meal_date"], 86);
    assert_eq!(quotes[0]["subsidy_total"], "3.50");
    assert_eq!(quotes[0]["elder_share"], "11.50");
    assert_eq!(
        quotes[0]["fired"][1]["line"], 10,
        "the rule's line in the file"
    );
    assert_eq!(quotes[1]["subsidy_total"], "2.00");
    // A 天宁 elder gets 天宁's own standard (hukou standard): its street rule only.
    assert_eq!(quotes[2]["standard_district"], TIANNING);
    assert_eq!(quotes[2]["subsidy_total"], "1.00");
    // Nothing was stored.
    let versions = app.get("/api/v1/subsidy-policies", Some(&admin)).await;
    assert!(
        !versions.assert_ok()["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|v| v["version"] == "draft-2027")
    );
}

#[tokio::test]
async fn a_used_version_or_a_past_date_makes_a_clean_draft_unpublishable_on_its_line() {
    let app = spawn_app().await;
    let admin = app.staff_token("admin").await;
    let effective = day(30);
    let fixed = fixed_draft();
    let versions = app.get("/api/v1/subsidy-policies", Some(&admin)).await;
    versions.assert_ok();
    // A version already used, or a past date, makes a clean file unpublishable, on its line.
    let published = versions.body["items"][0]["version"].as_str().unwrap();
    let used = fixed
        .replace("draft-2027", published)
        .replace(&effective, &day(-1));
    let report = app
        .post(
            "/api/v1/subsidy-policies/check",
            Some(&admin),
            json!({ "toml": used }),
        )
        .await;
    let report = report.assert_ok();
    assert_eq!(report["publishable"], false);
    let problems: Vec<(i64, &str)> = report["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["line"].as_i64().unwrap(), p["code"].as_str().unwrap()))
        .collect();
    assert_eq!(
        problems,
        [(1, "POLICY_VERSION_EXISTS"), (2, "POLICY_BACKDATED")]
    );
}

#[tokio::test]
async fn bad_what_if_meals_are_named_and_only_the_city_checks_drafts() {
    let app = spawn_app().await;
    let admin = app.staff_token("admin").await;
    let fixed = fixed_draft();
    let meal = what_if_meal;
    app.post(
        "/api/v1/subsidy-policies/check",
        Some(&admin),
        json!({ "toml": fixed, "what_if": [meal("1940-05-01", "999999")] }),
    )
    .await
    .assert_field_error(400, "DISTRICT_UNKNOWN", "what_if[0].hukou_district_code");
    let mut bad_gross = meal("1940-05-01", WUJIN);
    bad_gross["gross"] = json!("-1.00");
    app.post(
        "/api/v1/subsidy-policies/check",
        Some(&admin),
        json!({ "toml": fixed, "what_if": [bad_gross] }),
    )
    .await
    .assert_field_error(400, "AMOUNT_INVALID", "what_if[0].gross");
    let clerk = app.staff_token("clerk-tianning").await;
    app.post(
        "/api/v1/subsidy-policies/check",
        Some(&clerk),
        json!({ "toml": fixed }),
    )
    .await
    .assert_error(403, "ROLE_FORBIDDEN");
}

#[tokio::test]
async fn clerks_find_elders_by_name_within_their_districts() {
    let app = spawn_app().await;
    let admin = app.staff_token("admin").await;
    let wujin = clerk(&app, &admin, WUJIN).await;
    let found = app.get("/api/v1/elders?name=杨德", Some(&admin)).await;
    let found = found.assert_ok();
    assert_eq!(found["total"], 1);
    assert_eq!(found["items"][0]["name"], "杨德华");
    let tianning = app.staff_token("clerk-tianning").await;
    assert_eq!(
        app.get("/api/v1/elders?name=杨德", Some(&tianning))
            .await
            .assert_ok()["total"],
        1
    );
    assert_eq!(
        app.get("/api/v1/elders?name=杨德", Some(&wujin))
            .await
            .assert_ok()["total"],
        0,
        "another district's elder stays hidden"
    );
    app.get(
        &format!("/api/v1/elders?name={}", "长".repeat(33)),
        Some(&admin),
    )
    .await
    .assert_field_error(400, "NAME_INVALID", "name");
}
