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
use vocabulary::{OrderState, Role, ServiceMode};
use zhucan::{dashboard::http as dashboard, feedback::supervision};

use crate::{
    fixtures::{self, ElderForm},
    helpers::{
        TestApp, born, date, day, first_of_month, id_card_number, iso_date, last_of_month,
        month_of, parse, parse_exact, spawn_app, spawn_demo_city, spawn_full_demo, today, yuan,
    },
    settlement::{city, clerk},
};

const TIANNING: &str = "320402";
const ZHONGLOU: &str = "320404";
const WUJIN: &str = "320412";
const LIYANG: &str = "320481";

/// A chart's row of one district.
trait DistrictRow {
    fn district_code(&self) -> &str;
}

macro_rules! district_row {
    ($($row:ty),*) => {
        $(impl DistrictRow for $row {
            fn district_code(&self) -> &str {
                &self.district_code
            }
        })*
    };
}

district_row!(
    dashboard::DistrictBuilt,
    dashboard::DistrictSeries,
    dashboard::DistrictSubsidy,
    dashboard::CrossDistrictRow,
    dashboard::FeedbackRow
);

/// The row of district `code` among a chart's rows.
#[track_caller]
fn series<'a, T: DistrictRow>(rows: &'a [T], code: &str) -> &'a T {
    rows.iter()
        .find(|row| row.district_code() == code)
        .unwrap_or_else(|| panic!("no {code} among the districts"))
}

#[tokio::test]
async fn the_plans_targets_are_seeded() {
    let app = spawn_app().await;
    let admin = app.staff_token("admin").await;
    let seeded = app.plan_targets(&admin).await.ok();
    assert_eq!(seeded.len(), 10);
    let by_district: i32 = seeded
        .iter()
        .filter(|t| t.scope != "city")
        .map(|t| t.target)
        .sum();
    assert_eq!(by_district, 165);
    let liyang = seeded.iter().find(|t| t.scope == LIYANG).unwrap();
    assert_eq!(liyang.scope_name, "溧阳市");
    assert_eq!((liyang.from_year, liyang.to_year), (2024, 2026));
    assert_eq!(liyang.target, 40);
    let city_years: Vec<(i32, i32)> = seeded
        .iter()
        .filter(|t| t.scope == "city")
        .map(|t| (t.from_year, t.target))
        .collect();
    assert_eq!(city_years, [(2024, 83), (2025, 50), (2026, 32)]);
}

#[tokio::test]
async fn targets_are_replaced_only_when_all_are_valid() {
    let app = spawn_app().await;
    let admin = app.staff_token("admin").await;
    // Every mistake is listed, and nothing changes.
    let refused = app
        .replace_plan_targets(
            &admin,
            &[
                (TIANNING, 2027, 2029, 12),
                ("320499", 2027, 2029, 3),
                (TIANNING, 2029, 2030, 4),
                ("city", 2030, 2027, -1),
            ],
        )
        .await
        .field_error(400, "TARGETS_INVALID", "targets");
    let paths: Vec<String> = refused
        .problems
        .expect("the problems are listed")
        .into_iter()
        .map(|p| p.path)
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
    assert_eq!(app.plan_targets(&admin).await.ok().len(), 10);

    tianning_and_city_targets(&app, &admin).await;
}

/// The city replaces the targets with 天宁's and one of the city's.
async fn tianning_and_city_targets(app: &TestApp, admin: &str) {
    let replaced = app
        .replace_plan_targets(
            admin,
            &[(TIANNING, 2027, 2029, 12), ("city", 2027, 2027, 40)],
        )
        .await
        .ok();
    assert_eq!(replaced.len(), 2);
}

#[tokio::test]
async fn a_clerk_reads_their_own_districts_targets_and_only_the_city_changes_them() {
    let app = spawn_app().await;
    let admin = app.staff_token("admin").await;
    tianning_and_city_targets(&app, &admin).await;
    // A clerk reads their own district's targets; only the city changes them.
    let tianning = app.staff_token("clerk-tianning").await;
    let theirs = app.plan_targets(&tianning).await.ok();
    assert_eq!(theirs.len(), 1);
    assert_eq!(theirs[0].scope, TIANNING);
    let wujin = app.staff_token("clerk-wujin").await;
    assert!(app.plan_targets(&wujin).await.ok().is_empty());
    app.replace_plan_targets(&tianning, &[])
        .await
        .error(403, "ROLE_FORBIDDEN");
    let operator = app.staff_token("operator-demo").await;
    app.plan_targets(&operator)
        .await
        .error(403, "ROLE_FORBIDDEN");
}

#[tokio::test]
async fn a_targets_csv_is_refused_with_the_line_of_each_problem_and_imported_when_clean() {
    let app = spawn_app().await;
    let admin = app.staff_token("admin").await;
    let csv = "# a comment line\nscope,name,from_year,to_year,target\n320402,天宁区,2027,2029,12\n320499,?,2027,2029,3\n320404,钟楼区,2027,x,4\n";
    let refused = app
        .import_plan_targets(&admin, csv)
        .await
        .error(400, "TARGETS_INVALID");
    let lines: Vec<(Option<u32>, String)> = refused
        .problems
        .expect("the problems are listed")
        .into_iter()
        .map(|p| (p.line, p.code))
        .collect();
    // The number is read first: a line that is not a number stops before its district is checked.
    assert_eq!(lines, [(Some(5), "CSV_NOT_A_NUMBER".to_string())]);
    let csv = csv.replace(",x,", ",2029,");
    let refused = app
        .import_plan_targets(&admin, &csv)
        .await
        .error(400, "TARGETS_INVALID");
    let problems = refused.problems.expect("the problems are listed");
    assert_eq!(problems[0].line, Some(4));
    assert_eq!(problems[0].code, "TARGET_SCOPE_UNKNOWN");
    assert!(problems[0].message.contains("320499"));

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
    let imported: Vec<dashboard::TargetView> =
        parse_exact(&response.json::<Value>().await.unwrap());
    assert_eq!(imported.len(), 3);
}

#[tokio::test]
async fn plan_progress_counts_the_meal_points_built_per_district_and_year() {
    let app = spawn_demo_city().await;
    let admin = app.staff_token("admin").await;
    let progress = app.plan_progress(&admin).await.ok();
    let this_year = today().year();
    let years = &progress.years;
    assert_eq!(years.first(), Some(&2024));
    assert_eq!(
        years.last(),
        Some(&this_year.max(2026)),
        "the plan's years and this one"
    );
    let year_index = |year: i32| years.iter().position(|y| *y == year).unwrap();
    // The demo's meal points are the plan's, dated over its years: every district has built its
    // target, and each of the city's years counts the districts' meal points of that year.
    for target in &progress.targets {
        if target.scope != "city" {
            assert_eq!(target.built, i64::from(target.target), "{}", target.scope);
            assert_eq!(target.percent, Some(100.0), "{}", target.scope);
        }
    }
    let by_year = &progress.city_by_year;
    assert_eq!(by_year.iter().sum::<i64>(), 165);
    for target in &progress.targets {
        if target.scope == "city" {
            assert_eq!(
                target.built,
                by_year[year_index(target.from_year)],
                "the city's {}",
                target.from_year
            );
        }
    }
    assert_eq!(series(&progress.districts, LIYANG).total, 40);

    // A meal point registered now counts in this year for its district.
    let street = app.streets(TIANNING).await.ok()[0].id;
    app.create_meal_point(
        &admin,
        &json!({
            "name": "看板新建食堂", "kind": "community_canteen", "district_code": TIANNING,
            "street_id": street, "address": "常州市看板路1号", "lat": 31.78, "lng": 119.95,
            "phone": "0519-8866 1234", "service_modes": ["dine_in"], "opening_days": [1, 2, 3, 4, 5],
            "slot_hours": [{ "slot": "lunch", "opens": "11:00", "closes": "12:30" }],
            "food_licence_no": "JY23204020009999",
        }),
    )
    .await
    .ok();
    let clerk = app.staff_token("clerk-tianning").await;
    let theirs = app.plan_progress(&clerk).await.ok();
    let districts = &theirs.districts;
    assert_eq!(districts.len(), 1, "a clerk sees their own district");
    assert_eq!(districts[0].total, 16);
    let now = year_index(this_year);
    assert_eq!(
        districts[0].by_year[now],
        series(&progress.districts, TIANNING).by_year[now] + 1
    );
    let targets = &theirs.targets;
    assert_eq!(targets.len(), 1);
    // Counted against the 2024–2026 target only while this year is one of the plan's.
    let (built, percent) = if this_year <= 2026 {
        (16, 106.7)
    } else {
        (15, 100.0)
    };
    assert_eq!(targets[0].built, built);
    assert_eq!(targets[0].percent, Some(percent));
}

#[tokio::test]
async fn meals_per_day_are_counted_from_the_served_orders_for_every_district() {
    let app = spawn_app().await;
    let city = city(&app).await;
    let admin = &city.admin;

    let daily = app
        .meals_per_day(admin, &format!("from={}&to={}", day(0), day(2)))
        .await
        .ok();
    assert_eq!(daily.dates, [date(0), date(1), date(2)]);
    assert_eq!(daily.districts.len(), 7, "every district, with zeros");
    assert_eq!(series(&daily.districts, TIANNING).meals, [0, 3, 0]);
    assert_eq!(series(&daily.districts, WUJIN).meals, [0, 2, 0]);
    assert_eq!(series(&daily.districts, LIYANG).meals, [0, 1, 0]);
    assert_eq!(series(&daily.districts, ZHONGLOU).meals, [0, 0, 0]);
    assert_eq!(daily.totals, [0, 6, 0]);
    assert_eq!(daily.total_meals, 6);
}

#[tokio::test]
async fn the_subsidy_per_month_is_summed_by_funder_level_from_the_served_orders() {
    let app = spawn_app().await;
    let city = city(&app).await;
    let admin = &city.admin;

    let monthly = app
        .subsidy_per_month(
            admin,
            &format!(
                "from_month={}&to_month={}",
                month_of(date(1), -1),
                month_of(date(1), 0)
            ),
        )
        .await
        .ok();
    assert_eq!(
        monthly.months,
        [month_of(date(1), -1), month_of(date(1), 0)]
    );
    let tianning = &series(&monthly.districts, TIANNING).months;
    assert_eq!(tianning.meals, [0, 2]);
    assert_eq!(tianning.district, [yuan("0.00"), yuan("4.00")]);
    assert_eq!(tianning.street, [yuan("0.00"), yuan("3.00")]);
    assert_eq!(tianning.city, [yuan("0.00"), yuan("0.00")]);
    assert_eq!(tianning.total, [yuan("0.00"), yuan("7.00")]);
    assert_eq!(series(&monthly.districts, WUJIN).sum.total, yuan("8.00"));
    assert_eq!(series(&monthly.districts, LIYANG).sum.total, yuan("7.00"));
    assert_eq!(monthly.totals.total, [yuan("0.00"), yuan("22.00")]);
    let sum = &monthly.sum;
    assert_eq!(
        (sum.meals, sum.city, sum.district, sum.street, sum.total),
        (6, yuan("0.00"), yuan("12.00"), yuan("10.00"), yuan("22.00"))
    );
}

#[tokio::test]
async fn the_cross_district_share_counts_meals_eaten_outside_the_hukou_district() {
    let app = spawn_app().await;
    let city = city(&app).await;
    let admin = &city.admin;

    let cross = app
        .cross_district(
            admin,
            &format!(
                "from={}&to={}",
                first_of_month(date(1), 0),
                last_of_month(date(1), 0)
            ),
        )
        .await
        .ok();
    assert_eq!((cross.meals, cross.cross_meals), (6, 5));
    assert_eq!(cross.cross_percent, Some(83.3));
    let t = series(&cross.districts, TIANNING);
    assert_eq!((t.elders_meals, t.eaten_elsewhere), (2, 1));
    assert_eq!(t.eaten_elsewhere_percent, Some(50.0));
    assert_eq!((t.served_meals, t.served_for_others), (3, 2));
    assert_eq!(t.served_for_others_percent, Some(66.7));
    assert!(
        series(&cross.districts, ZHONGLOU)
            .eaten_elsewhere_percent
            .is_none(),
        "no meals, no share"
    );
    assert_eq!(cross.flows.len(), 5);
    assert!(
        cross
            .flows
            .iter()
            .all(|f| f.meals == 1 && f.funding_district_code != f.service_district_code)
    );
}

#[tokio::test]
async fn a_clerk_sees_their_districts_side_only() {
    let app = spawn_app().await;
    let _city = city(&app).await;
    // A clerk sees their district's side only.
    let clerk = app.staff_token("clerk-tianning").await;
    let theirs = app
        .meals_per_day(&clerk, &format!("from={0}&to={0}", day(1)))
        .await
        .ok();
    assert_eq!(theirs.districts.len(), 1);
    assert_eq!(theirs.total_meals, 3);
    let theirs = app
        .cross_district(
            &clerk,
            &format!(
                "from={}&to={}",
                first_of_month(date(1), 0),
                last_of_month(date(1), 0)
            ),
        )
        .await
        .ok();
    // 天宁's pairs only: T1, T2, W1, L1.
    assert_eq!((theirs.meals, theirs.cross_meals), (4, 3));
    assert!(
        theirs
            .flows
            .iter()
            .all(|f| f.funding_district_code == TIANNING || f.service_district_code == TIANNING)
    );
    let theirs = app
        .subsidy_per_month(
            &clerk,
            &format!("from_month={0}&to_month={0}", month_of(date(1), 0)),
        )
        .await
        .ok();
    assert_eq!(theirs.sum.total, yuan("7.00"));
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
        .meals_per_day(admin, &format!("from={0}&to={0}", day(1)))
        .await
        .ok();
    assert_eq!(series(&daily.districts, TIANNING).meals, [4]);
}

#[tokio::test]
async fn complaint_deadlines_met_and_missed_per_district() {
    let app = spawn_app().await;
    let city = city(&app).await;
    let (app, city) = (&app, &city);
    let complain = move |category: &str, text: &str| {
        let body = json!({ "meal_point_id": city.tianning, "category": category, "text": text });
        async move { app.complain(&city.admin, &body).await.ok() }
    };
    let quick = complain("food_safety", "饭菜有异味").await.id;
    complain("other", "排队时间太长").await;
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
        .dashboard_feedback(&city.admin, &format!("from={}&to={}", day(-30), day(30)))
        .await
        .ok();
    let t = series(&feedback.districts, TIANNING);
    assert_eq!(t.complaints, 2);
    assert_eq!((t.ack_met, t.ack_missed), (1, 1));
    assert_eq!(t.ack_met_percent, Some(50.0));
    assert_eq!((t.resolve_met, t.resolve_missed), (0, 1));
    assert_eq!(t.resolve_met_percent, Some(0.0));
    assert_eq!(t.escalated, 2, "both escalated by the service");
    assert_eq!(t.ratings, 0);
    assert!(t.average_overall.is_none());
    assert_eq!(feedback.total.complaints, 2);
    assert_eq!(feedback.total.district_code, "city");
    // Complaints made outside the period are not counted.
    let before = app
        .dashboard_feedback(&city.admin, &format!("from={}&to={}", day(-30), day(0)))
        .await
        .ok();
    assert_eq!(before.total.complaints, 0);
}

#[tokio::test]
async fn ratings_per_district_agree_with_the_meal_points_summaries() {
    let app = spawn_full_demo().await;
    let operator = app.staff_token("operator-demo").await;
    let rated: u64 = app
        .my_meal_points(&operator)
        .await
        .ok()
        .items
        .iter()
        .map(|p| p.rating_summary.as_ref().expect("a rating summary").count)
        .sum();
    assert!(rated > 0, "the demo rates the operator's lunches");
    let admin = app.staff_token("admin").await;
    let feedback = app.dashboard_feedback(&admin, "").await.ok();
    let zhonglou = series(&feedback.districts, ZHONGLOU);
    assert_eq!(zhonglou.ratings, i64::try_from(rated).unwrap());
    let mean = zhonglou.average_overall.expect("a mean of the ratings");
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
    app.meals_per_day(&admin, "from=2026-11-30&to=2026-11-01")
        .await
        .field_error(400, "PERIOD_INVALID", "to");
    app.cross_district(&admin, "from=2024-01-01&to=2026-11-01")
        .await
        .field_error(400, "PERIOD_TOO_LONG", "to");
    app.subsidy_per_month(&admin, "from_month=2026-13")
        .await
        .field_error(400, "MONTH_INVALID", "from_month");
    app.subsidy_per_month(&admin, "from_month=2020-01&to_month=2026-01")
        .await
        .field_error(400, "PERIOD_TOO_LONG", "to_month");
    app.subsidy_per_month(&admin, "to_month=1999-12")
        .await
        .field_error(400, "DATE_OUT_OF_RANGE", "to_month");
    app.meals_per_day(&admin, "from=yesterday")
        .await
        .field_error(400, "INVALID_PARAMETER", "from");
    // The service's clock is public: the console counts weeks from it.
    assert_eq!(app.clock().await.ok().today, date(0));
}

/// 钱桂芳, 78, registered by the city in 钟楼, and the counter of `operator-demo`'s first meal
/// point: the admin's and the operator's tokens, her number, her id and the meal point.
async fn walk_in(app: &TestApp) -> (String, String, String, i64, i64) {
    let admin = app.staff_token("admin").await;
    let operator = app.staff_token("operator-demo").await;
    let mine = app.my_meal_points(&operator).await.ok().items[0].id;
    let birth = born(78, 100);
    let number = id_card_number(ZHONGLOU, &birth, "301");
    let form = ElderForm {
        address: "南大街1号",
        phone: "051988001234",
        ..ElderForm::new("钱桂芳", &number, ZHONGLOU, ZHONGLOU)
    };
    let elder_id = app.register_elder(&admin, &form.body()).await.ok().id;

    (admin, operator, number, elder_id, mine)
}

#[tokio::test]
async fn the_counter_finds_a_walk_in_elder_by_card_and_name_and_shows_only_what_it_needs() {
    let app = spawn_demo_city().await;
    let (_, operator, number, elder_id, mine) = walk_in(&app).await;
    let found = app.counter_lookup(&operator, mine, &number, "钱桂芳").await;
    assert!(
        !found.raw().to_string().contains(&number),
        "the number never comes back"
    );
    assert!(
        found.raw().get("phone").is_none() && found.raw().get("address").is_none(),
        "only what the counter needs"
    );
    let found = found.ok();
    assert_eq!(found.elder_id, elder_id);
    assert_eq!(found.age, 78);
    assert!(found.id_card_masked.contains("**********"));
}

#[tokio::test]
async fn a_wrong_name_or_number_at_the_counter_learns_nothing() {
    let app = spawn_demo_city().await;
    let (_, operator, number, _, mine) = walk_in(&app).await;
    let birth = born(78, 100);
    // A wrong name and an unknown number get the same answer.
    app.counter_lookup(&operator, mine, &number, "钱桂英")
        .await
        .error(404, "COUNTER_NO_MATCH");
    let unknown = id_card_number(ZHONGLOU, &birth, "302");
    app.counter_lookup(&operator, mine, &unknown, "钱桂芳")
        .await
        .error(404, "COUNTER_NO_MATCH");
    // The right number with its last (check) character changed.
    let mut wrong_check = number.clone();
    let last = if wrong_check.ends_with('1') { "2" } else { "1" };
    wrong_check.replace_range(17.., last);
    app.counter_lookup(&operator, mine, &wrong_check, "钱桂芳")
        .await
        .field_error(400, "ID_CARD_CHECKSUM", "id_card");
}

#[tokio::test]
async fn another_meal_points_counter_or_another_role_may_not_look() {
    let app = spawn_demo_city().await;
    let (admin, operator, number, _, mine) = walk_in(&app).await;
    // Another meal point's counter, or another role, may not look.
    let other = app
        .meal_points("district_code=320481&page_size=1")
        .await
        .ok()
        .items[0]
        .id;
    app.counter_lookup(&operator, other, &number, "钱桂芳")
        .await
        .error(403, "NOT_YOUR_MEAL_POINT");
    app.counter_lookup(&admin, mine, &number, "钱桂芳")
        .await
        .error(403, "ROLE_FORBIDDEN");
}

#[tokio::test]
async fn counter_guessing_stops_after_ten_misses_even_for_a_right_pair() {
    let app = spawn_demo_city().await;
    let (_, operator, number, _, mine) = walk_in(&app).await;
    // Guessing stops after ten misses in ten minutes, even for a right pair.
    for _ in 0..10 {
        app.counter_lookup(&operator, mine, &number, "某某")
            .await
            .error(404, "COUNTER_NO_MATCH");
    }
    app.counter_lookup(&operator, mine, &number, "钱桂芳")
        .await
        .error(429, "TOO_MANY_LOOKUPS");
}

#[tokio::test]
async fn the_days_orders_list_and_export_for_the_counter() {
    let app = spawn_app().await;
    let city = city(&app).await;
    let listed = app.day_orders(&city.operator, city.tianning, date(1)).await;
    assert!(
        listed
            .raw()
            .get("orders")
            .and_then(Value::as_array)
            .is_some_and(|orders| orders.iter().all(|o| o.get("pickup_code").is_none())),
        "codes stay with the elders"
    );
    let orders = listed.ok().orders;
    // T2, W1, L1 served by pickup; L3 out for delivery.
    assert_eq!(orders.len(), 4);
    assert_eq!(
        orders
            .iter()
            .filter(|o| o.state == OrderState::Served)
            .count(),
        3
    );
    let delivery = orders
        .iter()
        .find(|o| o.mode == ServiceMode::Delivery)
        .unwrap();
    assert_eq!(delivery.state_label, "配送中");
    assert!(delivery.delivery_address.is_some());
    assert_eq!(orders[0].items[0].dish_name, "结算套餐");
    assert_eq!(orders[0].gross, yuan("15.00"));
    assert!(orders.iter().all(|o| o.elder_name.starts_with("结算老人")));

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
    app.day_orders(&city.admin, city.tianning, date(1))
        .await
        .ok();
    let clerk = app.staff_token("clerk-tianning").await;
    app.day_orders(&clerk, city.tianning, date(1))
        .await
        .error(403, "ROLE_FORBIDDEN");
    let other = operator_elsewhere(&app, &city.admin).await;
    app.day_orders(&other, city.tianning, date(1))
        .await
        .error(403, "NOT_YOUR_MEAL_POINT");
}

async fn operator_elsewhere(app: &TestApp, admin: &str) -> String {
    let account = zhucan::auth::http::NewStaffAccount {
        username: "operator-elsewhere".to_string(),
        password: "operator-pass-1".to_string(),
        role: Role::Operator,
        display_name: "别处运营员".to_string(),
        district_code: None,
    };
    app.create_staff_account(admin, &account).await.ok();
    app.staff_token_with("operator-elsewhere", "operator-pass-1")
        .await
}

#[tokio::test]
async fn the_inspectors_round_puts_the_never_visited_first_and_lists_their_own_visits() {
    let app = spawn_demo_city().await;
    let admin = app.staff_token("admin").await;
    let inspector = fixtures::inspector(&app, "inspector-1", "顾敏").await;
    let due = app.visits_due(&inspector, "page_size=2").await.ok();
    assert_eq!(due.total, 165);
    let first = due.items[0].meal_point_id;
    let second = due.items[1].meal_point_id;
    assert!(due.items[0].last_visit.is_none());
    for (meal_point, date) in [(first, day(-3)), (second, day(-13))] {
        let visit: supervision::NewInspection = parse(
            &json!({ "date": date, "scores": { "food_safety": 4, "hygiene": 5, "service": 4 }, "notes": "留样齐全", "sample_retained": true }),
        );
        app.inspect(&inspector, meal_point, &visit).await.ok();
    }
    let last_page = app
        .visits_due(&inspector, "page_size=100&page=2")
        .await
        .ok()
        .items;
    let tail: Vec<i64> = last_page
        .iter()
        .rev()
        .take(2)
        .map(|p| p.meal_point_id)
        .collect();
    assert_eq!(
        tail,
        [first, second],
        "the most recently visited last, the longest ago before it"
    );
    assert_eq!(last_page.last().unwrap().last_visit, Some(date(-3)));
    assert_eq!(last_page.last().unwrap().visits, 1);

    let mine = app.my_inspections(&inspector).await.ok();
    assert_eq!(mine.total, 2);
    assert_eq!(mine.items[0].date, date(-3), "newest first");
    assert_eq!(mine.items[0].organisation, "常州市餐饮行业协会");

    // A clerk's round is their district's; another district is refused.
    let clerk = app.staff_token("clerk-wujin").await;
    assert_eq!(app.visits_due(&clerk, "").await.ok().total, 60);
    app.visits_due(&clerk, "district_code=320402")
        .await
        .error(403, "DISTRICT_FORBIDDEN");
    app.visits_due(&admin, "district_code=999999")
        .await
        .error(404, "DISTRICT_NOT_FOUND");
    app.my_inspections(&admin)
        .await
        .error(403, "ROLE_FORBIDDEN");
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
        .check_policy_draft(&admin, &json!({ "toml": draft }))
        .await
        .ok();
    assert!(!report.publishable);
    let lines: Vec<(Option<u32>, &str)> = report
        .problems
        .iter()
        .map(|p| (p.line, p.code.as_str()))
        .collect();
    assert_eq!(
        lines,
        [
            (Some(11), "POLICY_UNKNOWN_LEVEL"),
            (Some(12), "POLICY_MONEY_NOT_STRING"),
            (Some(15), "POLICY_UNKNOWN_DISTRICT"),
        ]
    );
    // Publishing the same file is refused with the same lines.
    let refused = app
        .publish_policy(&admin, &draft)
        .await
        .error(400, "POLICY_INVALID");
    let same = |problems: &[zhucan::error::Problem]| {
        problems
            .iter()
            .map(|p| {
                (
                    p.location.clone(),
                    p.field.clone(),
                    p.path.clone(),
                    p.code.clone(),
                    p.message.clone(),
                    p.line,
                )
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(
        same(&refused.problems.expect("the problems are listed")),
        same(&report.problems)
    );
    let syntax = app
        .check_policy_draft(&admin, &json!({ "toml": "version = \"x\"\nrule = [\n" }))
        .await
        .ok();
    assert_eq!(syntax.problems[0].code, "POLICY_SYNTAX");
    assert!(syntax.problems[0].line.expect("the line of the mistake") >= 2);
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
    let effective = date(30);
    let fixed = fixed_draft();
    let meal = what_if_meal;
    // 86 and 66 on the draft's effective date, the what-if meals' default date.
    let (old, younger) = (iso_date(&born(86, 200)), iso_date(&born(66, 200)));
    let report = app
        .check_policy_draft(
            &admin,
            &json!({ "toml": fixed, "what_if": [meal(&old, WUJIN), meal(&younger, WUJIN), meal(&old, TIANNING)] }),
        )
        .await;
    let report_text = report.raw().to_string();
    let report = report.ok();
    assert!(report.publishable, "{report_text}");
    let summary = report.summary.expect("a summary of the file");
    assert_eq!(summary.version, "draft-2027");
    assert_eq!(summary.district_sections, [TIANNING]);
    let quotes = &report.quotes;
    // 86 on the draft's own date (the default), standard of 武进 (no section: the top rules).
    assert_eq!(quotes[0].meal_date, effective);
    assert_eq!(quotes[0].age_on_meal_date, 86);
    assert_eq!(quotes[0].subsidy_total, yuan("3.50"));
    assert_eq!(quotes[0].elder_share, yuan("11.50"));
    assert_eq!(
        quotes[0].fired[1].line,
        Some(10),
        "the rule's line in the file"
    );
    assert_eq!(quotes[1].subsidy_total, yuan("2.00"));
    // A 天宁 elder gets 天宁's own standard (hukou standard): its street rule only.
    assert_eq!(quotes[2].standard_district, TIANNING);
    assert_eq!(quotes[2].subsidy_total, yuan("1.00"));
    // Nothing was stored.
    let versions = app.policies(&admin).await.ok();
    assert!(!versions.items.iter().any(|v| v.version == "draft-2027"));
}

#[tokio::test]
async fn a_used_version_or_a_past_date_makes_a_clean_draft_unpublishable_on_its_line() {
    let app = spawn_app().await;
    let admin = app.staff_token("admin").await;
    let effective = day(30);
    let fixed = fixed_draft();
    let versions = app.policies(&admin).await.ok();
    // A version already used, or a past date, makes a clean file unpublishable, on its line.
    let published = &versions.items[0].version;
    let used = fixed
        .replace("draft-2027", published)
        .replace(&effective, &day(-1));
    let report = app
        .check_policy_draft(&admin, &json!({ "toml": used }))
        .await
        .ok();
    assert!(!report.publishable);
    let problems: Vec<(Option<u32>, &str)> = report
        .problems
        .iter()
        .map(|p| (p.line, p.code.as_str()))
        .collect();
    assert_eq!(
        problems,
        [
            (Some(1), "POLICY_VERSION_EXISTS"),
            (Some(2), "POLICY_BACKDATED")
        ]
    );
}

#[tokio::test]
async fn bad_what_if_meals_are_named_and_only_the_city_checks_drafts() {
    let app = spawn_app().await;
    let admin = app.staff_token("admin").await;
    let fixed = fixed_draft();
    let meal = what_if_meal;
    app.check_policy_draft(
        &admin,
        &json!({ "toml": fixed, "what_if": [meal("1940-05-01", "999999")] }),
    )
    .await
    .field_error(400, "DISTRICT_UNKNOWN", "what_if[0].hukou_district_code");
    let mut bad_gross = meal("1940-05-01", WUJIN);
    bad_gross["gross"] = json!("-1.00");
    app.check_policy_draft(&admin, &json!({ "toml": fixed, "what_if": [bad_gross] }))
        .await
        .field_error(400, "AMOUNT_INVALID", "what_if[0].gross");
    let clerk = app.staff_token("clerk-tianning").await;
    app.check_policy_draft(&clerk, &json!({ "toml": fixed }))
        .await
        .error(403, "ROLE_FORBIDDEN");
}

#[tokio::test]
async fn clerks_find_elders_by_name_within_their_districts() {
    let app = spawn_app().await;
    let admin = app.staff_token("admin").await;
    let wujin = clerk(&app, &admin, WUJIN).await;
    let found = app.elders(&admin, "name=杨德").await.ok();
    assert_eq!(found.total, 1);
    assert_eq!(found.items[0].name, "杨德华");
    let tianning = app.staff_token("clerk-tianning").await;
    assert_eq!(app.elders(&tianning, "name=杨德").await.ok().total, 1);
    assert_eq!(
        app.elders(&wujin, "name=杨德").await.ok().total,
        0,
        "another district's elder stays hidden"
    );
    app.elders(&admin, &format!("name={}", "长".repeat(33)))
        .await
        .field_error(400, "NAME_INVALID", "name");
}
