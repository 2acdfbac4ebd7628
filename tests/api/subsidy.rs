//! Subsidy quotes and policy versions through the API. Expected figures are worked out by hand
//! from `shared/data/subsidy-policy-example.toml` (the demo policy, version 2026-01):
//!
//! | rule | level | who | slots | amount |
//! |---|---|---|---|---|
//! | rule[1] | district | 60+ | lunch, dinner | 2.00 |
//! | rule[2] | street | 60–79 | lunch, dinner | 1.00 |
//! | rule[3] | street | 80+ | lunch, dinner | 2.00 |
//! | rule[4] | district, group targeted | 特困分散 or 低保 | any | 3.00 |
//! | rule[5] | district, group targeted | 失能低收入 or 计生特殊 | any | 2.00 |
//! | rule[6] | district | 失能低收入, delivery | any | 3.00 |
//!
//! Minimum meal price 5.00, one subsidised meal per slot, hukou district's standard.

use chrono::Duration;
use chrono::NaiveDate;
use reqwest::{Method, StatusCode};
use serde_json::json;
use vocabulary::ElderCategory;
use zhucan::subsidy::http::QuoteView;

use crate::{
    fixtures::{ElderForm, kitchen, register_elder},
    helpers::{
        TestApp, Typed, born, date, day, first_of_month, id_card_number, month_of, spawn_app,
        spawn_demo_city, today, wire,
    },
};

const TIANNING: &str = "320402";
const ZHONGLOU: &str = "320404";

/// Registers an elder through the clerk of the hukou district (or the admin) and returns the id.
async fn elder(
    app: &TestApp,
    hukou: &str,
    residence: &str,
    birth: &str,
    categories: &[ElderCategory],
) -> i64 {
    let number = id_card_number(hukou, birth, "035");
    let form = ElderForm {
        address: "测试地址 1 号",
        phone: "13900000000",
        categories: categories.to_vec(),
        ..ElderForm::new("测试老人", &number, hukou, residence)
    };
    register_elder(app, "admin", &form).await.id
}

/// A quote, where `{tomorrow}` in `query` stands for the tests' Tuesday.
async fn quote(app: &TestApp, token: &str, elder_id: i64, query: &str) -> Typed<QuoteView> {
    let query = query.replace("{tomorrow}", &day(1));
    app.quote(token, elder_id, &query).await
}

/// `(level, funding district, amount)` of each line.
fn lines(quote: &QuoteView) -> Vec<(String, Option<String>, String)> {
    quote
        .lines
        .iter()
        .map(|line| {
            (
                wire(&line.level),
                line.funding_district_code.clone(),
                line.amount.to_string(),
            )
        })
        .collect()
}

/// `(rule, amount)` of each fired rule.
fn fired(quote: &QuoteView) -> Vec<(String, String)> {
    quote
        .fired
        .iter()
        .map(|rule| (rule.rule_ref.clone(), rule.amount.to_string()))
        .collect()
}

fn line(level: &str, district: Option<&str>, amount: &str) -> (String, Option<String>, String) {
    (
        level.to_string(),
        district.map(str::to_owned),
        amount.to_string(),
    )
}

fn rule(reference: &str, amount: &str) -> (String, String) {
    (reference.to_string(), amount.to_string())
}

#[tokio::test]
async fn an_85_year_old_tianning_elder_eating_lunch_in_zhonglou() {
    let app = spawn_app().await;
    // 85 on the meal date. Hukou 天宁, lives in 钟楼.
    let id = elder(&app, TIANNING, ZHONGLOU, &born(85, 168), &[]).await;
    let clerk = app.staff_token("clerk-zhonglou").await;
    let reply = quote(
        &app,
        &clerk,
        id,
        "meal_point_district=320404&date={tomorrow}&slot=lunch&mode=dine_in&gross=15.00",
    )
    .await;
    let q = reply.ok();
    assert_eq!(q.gross.to_string(), "15.00");
    // rule[1] district 2.00 + rule[3] street 2.00, both funded by 天宁 (the hukou district).
    assert_eq!(q.subsidy_total.to_string(), "4.00");
    assert_eq!(q.elder_share.to_string(), "11.00");
    assert_eq!(
        lines(&q),
        [
            line("district", Some(TIANNING), "2.00"),
            line("street", Some(TIANNING), "2.00"),
        ]
    );
    assert_eq!(
        fired(&q),
        [rule("rule[1]", "2.00"), rule("rule[3]", "2.00")]
    );
    assert_eq!(q.policy_version, "2026-01");
    assert_eq!(q.standard_district, TIANNING);
    assert_eq!(q.meal_point_district_code, ZHONGLOU);
    assert_eq!(q.age_on_meal_date, 85);
    assert_eq!(q.lines[0].level_label, "区级");
    assert!(q.fired[1].note.contains("80岁及以上"));
    assert!(q.not_subsidised_reason.is_none());
}

#[tokio::test]
async fn a_72_year_old_dibao_elder() {
    let app = spawn_app().await;
    // Born 1954-03-03: 72 on the meal date. 钟楼 hukou and home, 低保.
    let id = elder(
        &app,
        ZHONGLOU,
        ZHONGLOU,
        &born(72, 100),
        &[ElderCategory::Dibao],
    )
    .await;
    let clerk = app.staff_token("clerk-zhonglou").await;
    let lunch = quote(
        &app,
        &clerk,
        id,
        "meal_point_district=320404&date={tomorrow}&slot=lunch&mode=dine_in&gross=15.00",
    )
    .await;
    let q = lunch.ok();
    // district 2.00 (rule[1]) + street 1.00 (rule[2]) + targeted 3.00 (rule[4]) = 6.00.
    assert_eq!(q.subsidy_total.to_string(), "6.00");
    assert_eq!(q.elder_share.to_string(), "9.00");
    assert_eq!(
        lines(&q),
        [
            line("district", Some(ZHONGLOU), "5.00"),
            line("street", Some(ZHONGLOU), "1.00"),
        ]
    );
    assert_eq!(
        fired(&q),
        [
            rule("rule[1]", "2.00"),
            rule("rule[2]", "1.00"),
            rule("rule[4]", "3.00"),
        ]
    );
    assert_eq!(q.age_on_meal_date, 72);

    // Breakfast: the universal rules are lunch and dinner only; the targeted one still applies.
    let breakfast = quote(
        &app,
        &clerk,
        id,
        "meal_point_district=320404&date={tomorrow}&slot=breakfast&mode=pickup&gross=6.50",
    )
    .await;
    let q = breakfast.ok();
    assert_eq!(q.subsidy_total.to_string(), "3.00");
    assert_eq!(q.elder_share.to_string(), "3.50");
    assert_eq!(fired(&q), [rule("rule[4]", "3.00")]);
}

#[tokio::test]
async fn targeted_rules_do_not_stack_but_delivery_does_and_gross_caps_it() {
    let app = spawn_app().await;
    let id = elder(
        &app,
        ZHONGLOU,
        ZHONGLOU,
        &born(72, 100),
        &[ElderCategory::Dibao, ElderCategory::DisabledLowIncome],
    )
    .await;
    let admin = app.staff_token("admin").await;
    let delivered = quote(
        &app,
        &admin,
        id,
        "meal_point_district=320404&date={tomorrow}&slot=dinner&mode=delivery&gross=15.00",
    )
    .await;
    let q = delivered.ok();
    // 2.00 + 1.00 + max(3.00, 2.00) + delivery 3.00 = 9.00; rule[5] is listed with 0.00.
    assert_eq!(q.subsidy_total.to_string(), "9.00");
    assert_eq!(q.elder_share.to_string(), "6.00");
    assert_eq!(
        fired(&q),
        [
            rule("rule[1]", "2.00"),
            rule("rule[2]", "1.00"),
            rule("rule[4]", "3.00"),
            rule("rule[5]", "0.00"),
            rule("rule[6]", "3.00"),
        ]
    );
    assert!(q.fired[3].note.contains("不叠加"));

    // An 8.00 meal: 9.00 of rules is cut to 8.00, the street's 1.00 first; the elder pays 0.00.
    let cheap = quote(
        &app,
        &admin,
        id,
        "meal_point_district=320404&date={tomorrow}&slot=dinner&mode=delivery&gross=8.00",
    )
    .await;
    let q = cheap.ok();
    assert_eq!(q.subsidy_total.to_string(), "8.00");
    assert_eq!(q.elder_share.to_string(), "0.00");
    assert_eq!(lines(&q), [line("district", Some(ZHONGLOU), "8.00")]);
    let capped: Vec<(String, String)> = q
        .capped_at_gross
        .iter()
        .map(|cut| (wire(&cut.level), cut.amount.to_string()))
        .collect();
    assert_eq!(capped, [("street".to_string(), "1.00".to_string())]);

    // Below the 5.00 minimum: nothing, and the reason in Chinese.
    let below = quote(
        &app,
        &admin,
        id,
        "meal_point_district=320404&date={tomorrow}&slot=lunch&mode=dine_in&gross=4.50",
    )
    .await;
    let q = below.ok();
    assert_eq!(q.subsidy_total.to_string(), "0.00");
    assert_eq!(q.elder_share.to_string(), "4.50");
    assert!(q.lines.is_empty());
    let reason = q.not_subsidised_reason.unwrap();
    assert_eq!(
        (reason.code.as_str(), reason.label.as_str()),
        ("below_minimum_price", "餐价未达到补贴起点")
    );
}

#[tokio::test]
async fn age_bands_use_the_age_on_the_meal_date() {
    let app = spawn_app().await;
    // 79 on the tests' Monday, 80 from a week later.
    let id = elder(&app, TIANNING, TIANNING, &born(79, 7), &[]).await;
    let clerk = app.staff_token("clerk-tianning").await;
    let before = quote(
        &app,
        &clerk,
        id,
        &format!(
            "meal_point_district=320402&date={}&slot=lunch&mode=dine_in&gross=12.00",
            day(4)
        ),
    )
    .await;
    let q = before.ok();
    assert_eq!(q.age_on_meal_date, 79);
    assert_eq!(q.subsidy_total.to_string(), "3.00");
    assert_eq!(
        fired(&q),
        [rule("rule[1]", "2.00"), rule("rule[2]", "1.00")]
    );

    let after = quote(
        &app,
        &clerk,
        id,
        &format!(
            "meal_point_district=320402&date={}&slot=lunch&mode=dine_in&gross=12.00",
            day(8)
        ),
    )
    .await;
    let q = after.ok();
    assert_eq!(q.age_on_meal_date, 80);
    assert_eq!(q.subsidy_total.to_string(), "4.00");
    assert_eq!(q.elder_share.to_string(), "8.00");
    assert_eq!(
        fired(&q),
        [rule("rule[1]", "2.00"), rule("rule[3]", "2.00")]
    );

    // Breakfast gets nothing under the example policy for an elder without categories.
    let breakfast = quote(
        &app,
        &clerk,
        id,
        &format!(
            "meal_point_district=320402&date={}&slot=breakfast&mode=dine_in&gross=6.00",
            day(8)
        ),
    )
    .await;
    assert_eq!(
        breakfast.ok().not_subsidised_reason.unwrap().code,
        "no_rule_applies"
    );
}

#[tokio::test]
async fn the_elder_and_a_linked_family_member_get_quotes() {
    let app = spawn_app().await;
    // Demo: 吴国平 (钟楼, born 1953-02-14, 低保) signs in as demo-elder-2.
    let elder_token = app.wechat_token("demo-elder-2").await;
    let id = app.my_elders(&elder_token).await.ok()[0].elder.id;
    let query = "meal_point_district=320404&date={tomorrow}&slot=lunch&mode=dine_in&gross=15.00";
    let own = quote(&app, &elder_token, id, query).await.ok();
    assert_eq!(own.subsidy_total.to_string(), "6.00");
    assert_eq!(own.elder_share.to_string(), "9.00");

    // 钱敏 (demo-family-3) is family of 钱秀珍 (武进, born 1940-01-15, 86).
    let family = app.wechat_token("demo-family-3").await;
    let qian = app
        .my_elders(&family)
        .await
        .ok()
        .into_iter()
        .find(|e| e.elder.name == "钱秀珍")
        .unwrap()
        .elder
        .id;
    let for_mother = quote(
        &app,
        &family,
        qian,
        "meal_point_district=320412&date={tomorrow}&slot=dinner&mode=pickup&gross=12.00",
    )
    .await;
    let q = for_mother.ok();
    assert_eq!(q.subsidy_total.to_string(), "4.00");
    assert_eq!(q.elder_share.to_string(), "8.00");
    // … but not for someone else's elder.
    quote(&app, &family, id, query)
        .await
        .error(404, "ELDER_NOT_FOUND");
}

#[tokio::test]
async fn bad_quote_parameters_are_named() {
    let app = spawn_app().await;
    let id = elder(&app, TIANNING, TIANNING, &born(76, 160), &[]).await;
    let admin = app.staff_token("admin").await;
    let cases = [
        (
            "meal_point_district=320402&date={tomorrow}&slot=brunch&mode=dine_in&gross=15.00",
            "INVALID_PARAMETER",
            "slot",
        ),
        (
            "meal_point_district=320402&date={tomorrow}&slot=lunch&mode=takeaway&gross=15.00",
            "INVALID_PARAMETER",
            "mode",
        ),
        (
            "meal_point_district=320402&date=2026-13-01&slot=lunch&mode=dine_in&gross=15.00",
            "INVALID_PARAMETER",
            "date",
        ),
        (
            "meal_point_district=320402&date={tomorrow}&slot=lunch&mode=dine_in&gross=1.005",
            "AMOUNT_INVALID",
            "gross",
        ),
        (
            "meal_point_district=320402&date={tomorrow}&slot=lunch&mode=dine_in&gross=-1.00",
            "AMOUNT_INVALID",
            "gross",
        ),
        (
            "meal_point_district=999999&date={tomorrow}&slot=lunch&mode=dine_in&gross=15.00",
            "DISTRICT_UNKNOWN",
            "meal_point_district",
        ),
    ];
    for (query, code, field) in cases {
        let refusal = quote(&app, &admin, id, query).await.error(400, code);
        assert_eq!(refusal.field.as_deref(), Some(field), "{query}");
    }
    // Before the first policy: no policy in force.
    quote(
        &app,
        &admin,
        id,
        "meal_point_district=320402&date=2025-12-31&slot=lunch&mode=dine_in&gross=15.00",
    )
    .await
    .error(409, "NO_POLICY_IN_FORCE");
}

/// A later version of the city's policy: 钟楼 applies its own standard to elders eating there.
/// `{version}` and `{from}` are filled in by [`policy`].
const NEXT_POLICY: &str = r#"
version = "{version}"
effective_from = "{from}"
cross_district_standard = "service"
min_meal_price = "5.00"
max_subsidised_per_slot = 1

[[rule]]
level = "district"
age_min = 60
slots = ["lunch", "dinner"]
amount = "3.00"

[[district]]
code = "320404"
name = "钟楼区"

[[district.rule]]
level = "district"
age_min = 80
slots = ["lunch"]
amount = "4.50"

[[district.rule]]
level = "city"
age_min = 60
amount = "1.00"
"#;

/// [`NEXT_POLICY`] as version `version`, effective from `from`.
fn policy(version: &str, from: NaiveDate) -> String {
    NEXT_POLICY
        .replace("{version}", version)
        .replace("{from}", &from.to_string())
}

/// The first day of the month after next: when the next version takes effect.
fn next_version_from() -> NaiveDate {
    first_of_month(today(), 2)
}

fn next_version() -> String {
    month_of(next_version_from(), 0)
}

/// A 天宁 elder living in 钟楼, 85 on the meal dates, the admin's token, and the next version
/// published (scheduled): its effective date and version name.
async fn next_version_published(app: &TestApp) -> (i64, String, NaiveDate, String) {
    let id = elder(app, TIANNING, ZHONGLOU, &born(85, 168), &[]).await;
    let admin = app.staff_token("admin").await;
    let from = next_version_from();
    let version = next_version();
    let published = app
        .publish_policy(&admin, &policy(&version, from))
        .await
        .ok();
    assert_eq!(published.version, version);
    (id, admin, from, version)
}

fn lunch_in_zhonglou(date: NaiveDate) -> String {
    format!("meal_point_district=320404&date={date}&slot=lunch&mode=dine_in&gross=15.00")
}

#[tokio::test]
async fn a_new_version_is_published_scheduled_with_its_district_sections() {
    let app = spawn_app().await;
    let admin = app.staff_token("admin").await;
    let version = next_version();
    let p = app
        .publish_policy(&admin, &policy(&version, next_version_from()))
        .await
        .ok();
    assert_eq!(p.version, version);
    assert_eq!(wire(&p.status), "scheduled");
    assert_eq!(wire(&p.cross_district_standard), "service");
    assert_eq!(p.district_sections, [ZHONGLOU]);

    let statuses: Vec<(String, String)> = app
        .policies(&admin)
        .await
        .ok()
        .items
        .iter()
        .map(|p| (p.version.clone(), wire(&p.status)))
        .collect();
    assert_eq!(
        statuses,
        [
            (version.clone(), "scheduled".to_string()),
            ("2026-01".to_string(), "in_force".to_string()),
        ]
    );
}

#[tokio::test]
async fn a_new_version_applies_from_its_effective_date_with_the_service_districts_standard() {
    let app = spawn_app().await;
    let (id, admin, from, version) = next_version_published(&app).await;

    // The last day of the old version.
    let old = quote(
        &app,
        &admin,
        id,
        &lunch_in_zhonglou(from.pred_opt().unwrap()),
    )
    .await
    .ok();
    assert_eq!(old.policy_version, "2026-01");
    assert_eq!(old.subsidy_total.to_string(), "4.00");

    // From its first day: 钟楼's own standard (就餐地标准) applies to a 天宁 elder eating there;
    // district money still comes from 天宁, the city's from the city.
    let a_few_days_in = from + Duration::days(3);
    let q = quote(&app, &admin, id, &lunch_in_zhonglou(a_few_days_in))
        .await
        .ok();
    assert_eq!(q.policy_version, version);
    assert_eq!(q.standard_district, ZHONGLOU);
    assert_eq!(q.subsidy_total.to_string(), "5.50");
    assert_eq!(q.elder_share.to_string(), "9.50");
    assert_eq!(
        lines(&q),
        [
            line("city", None, "1.00"),
            line("district", Some(TIANNING), "4.50"),
        ]
    );
    assert_eq!(
        fired(&q),
        [
            rule("district 320404 rule[1]", "4.50"),
            rule("district 320404 rule[2]", "1.00"),
        ]
    );
    // Eating in 天宁 the same day: the default standard.
    let at_home = quote(
        &app,
        &admin,
        id,
        &format!(
            "meal_point_district=320402&date={a_few_days_in}&slot=lunch&mode=dine_in&gross=15.00"
        ),
    )
    .await
    .ok();
    assert_eq!(at_home.subsidy_total.to_string(), "3.00");
}

#[tokio::test]
async fn a_version_in_force_supersedes_the_old_and_neither_is_withdrawn_or_edited() {
    let app = spawn_app().await;
    let (_, _, from, version) = next_version_published(&app).await;
    let text = policy(&version, from);

    // Once its day comes, the new version is in force, the old one superseded, and neither can
    // be withdrawn or edited.
    app.advance_clock(Duration::days((from - today()).num_days()));
    let admin = app.staff_token("admin").await;
    let list = app.policies(&admin).await.ok();
    assert_eq!(wire(&list.items[0].status), "in_force");
    assert_eq!(wire(&list.items[1].status), "superseded");
    app.withdraw_policy(&admin, &version)
        .await
        .error(409, "POLICY_IN_EFFECT");
    let path = format!("/api/v1/subsidy-policies/{version}");
    let put = app
        .request(
            Method::PUT,
            &path,
            Some(&admin),
            Some(json!({ "toml": text })),
        )
        .await;
    assert_eq!(put.status, StatusCode::METHOD_NOT_ALLOWED);
    let detail = app.policy(&admin, &version).await.ok();
    assert_eq!(detail.source.as_deref(), Some(text.as_str()));
}

/// Half a year on: a version `later` published as a plain TOML file; returns the elder (天宁, 85),
/// the admin's token, the policy text, its date and a quote query for the day after.
async fn later_version_published(app: &TestApp) -> (i64, String, String, NaiveDate, String) {
    let id = elder(app, TIANNING, TIANNING, &born(85, 168), &[]).await;
    let admin = app.staff_token("admin").await;
    let from = first_of_month(today(), 8);
    let text = policy("later", from);

    // The plain TOML file works as the body too.
    let response = app
        .http
        .post(app.url("/api/v1/subsidy-policies"))
        .bearer_auth(&admin)
        .header("Content-Type", "text/plain; charset=utf-8")
        .body(text.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let then = format!(
        "meal_point_district=320402&date={}&slot=lunch&mode=dine_in&gross=15.00",
        from + Duration::days(1)
    );
    (id, admin, text, from, then)
}

#[tokio::test]
async fn a_scheduled_version_applies_on_its_dates_and_may_be_withdrawn_once() {
    let app = spawn_app().await;
    let (id, admin, _, _, then) = later_version_published(&app).await;
    let q = quote(&app, &admin, id, &then).await.ok();
    assert_eq!(q.policy_version, "later");

    let withdrawn = app.withdraw_policy(&admin, "later").await.ok();
    assert_eq!(wire(&withdrawn.status), "withdrawn");
    let q = quote(&app, &admin, id, &then).await.ok();
    assert_eq!(q.policy_version, "2026-01");
    app.withdraw_policy(&admin, "later")
        .await
        .error(409, "POLICY_ALREADY_WITHDRAWN");
}

#[tokio::test]
async fn a_taken_date_a_reused_name_or_a_past_date_is_refused() {
    let app = spawn_app().await;
    let (_, admin, text, from, _) = later_version_published(&app).await;

    // Another live version on the same date, or a reused version name, is refused.
    app.publish_policy(&admin, &policy("later-b", from))
        .await
        .error(409, "POLICY_DATE_TAKEN");
    app.withdraw_policy(&admin, "later").await.ok();
    app.publish_policy(&admin, &text)
        .await
        .error(409, "POLICY_VERSION_EXISTS");

    // Never back-dated; today is allowed.
    app.publish_policy(&admin, &policy("yesterday", date(-1)))
        .await
        .field_error(400, "POLICY_BACKDATED", "effective_from");
    let today = app
        .publish_policy(&admin, &policy("today", today()))
        .await
        .ok();
    assert_eq!(wire(&today.status), "in_force");
    app.policy(&admin, "nope")
        .await
        .error(404, "POLICY_NOT_FOUND");
}

#[tokio::test]
async fn a_bad_policy_is_refused_with_every_problem_named() {
    let app = spawn_app().await;
    let admin = app.staff_token("admin").await;
    let bad = r#"
version = "bad"
effective_from = "{from}"
cross_district_standard = "hukou"

[[rule]]
level = "district"
amount = "2.00"

[[rule]]
level = "district"
categories = ["dibao", "poor"]
amount = "3.00"

[[rule]]
level = "county"
amount = 2.00

[[district]]
code = "320499"

[[district.rule]]
level = "street"
amount = "1.00"
"#
    .replace("{from}", &next_version_from().to_string());
    let refusal = app
        .publish_policy(&admin, &bad)
        .await
        .error(400, "POLICY_INVALID");
    let problems = refusal.problems.unwrap();
    let found: Vec<(&str, &str)> = problems
        .iter()
        .map(|p| (p.path.as_str(), p.code.as_str()))
        .collect();
    for expected in [
        ("rule[2].categories[2]", "POLICY_UNKNOWN_CATEGORY"),
        ("rule[3].level", "POLICY_UNKNOWN_LEVEL"),
        ("rule[3].amount", "POLICY_MONEY_NOT_STRING"),
        ("district 320499.code", "POLICY_UNKNOWN_DISTRICT"),
    ] {
        assert!(found.contains(&expected), "{expected:?} in {found:?}");
    }
    assert_eq!(problems.len(), 4, "{found:?}");
    let third = problems.iter().find(|p| p.path == "rule[3].level").unwrap();
    assert_eq!(third.location, "rule[3]");
    assert_eq!(third.field.as_deref(), Some("level"));
    assert!(third.message.contains("第3条规则"));
    assert!(refusal.message.contains("4 处问题"));

    // Nothing was stored.
    assert_eq!(app.policies(&admin).await.ok().total, 1);

    let broken = app
        .publish_policy(&admin, "version = ")
        .await
        .error(400, "POLICY_INVALID");
    assert_eq!(broken.problems.unwrap()[0].code, "POLICY_SYNTAX");
}

#[tokio::test]
async fn only_the_city_publishes_and_only_staff_read_policies() {
    let app = spawn_app().await;
    let clerk = app.staff_token("clerk-tianning").await;
    app.publish_policy(&clerk, &policy(&next_version(), next_version_from()))
        .await
        .error(403, "ROLE_FORBIDDEN");
    let list = app.policies(&clerk).await.ok();
    assert_eq!(list.items[0].version, "2026-01");
    assert_eq!(list.items[0].min_meal_price.to_string(), "5.00");
    assert_eq!(list.items[0].rule_count, 6);
    let family = app.wechat_token("demo-family-1").await;
    app.policies(&family).await.error(403, "ROLE_FORBIDDEN");
    app.withdraw_policy(&clerk, "2026-01")
        .await
        .error(403, "ROLE_FORBIDDEN");
}

/// The mini program's form: quote a dish on the menu (`offering`) in a service mode; the date,
/// slot, price and district come from the offering.
#[tokio::test]
async fn a_quote_for_a_dish_on_the_menu_of_a_zhonglou_meal_point() {
    let app = spawn_demo_city().await;
    // Hukou 天宁, 85 on the meal date, eating lunch at a 钟楼 meal point.
    let id = elder(&app, TIANNING, ZHONGLOU, &born(85, 168), &[]).await;
    let meal_point_id = kitchen(&app).await.meal_point_id;
    let menu = app.menu(meal_point_id, date(1), date(1)).await.ok();
    let lunch = menu.days[0]
        .slots
        .iter()
        .find(|slot| slot.slot == vocabulary::Slot::Lunch)
        .expect("the demo menu has lunch tomorrow");
    let dish = &lunch.items[0];
    let price = dish.price.decimal();

    let admin = app.staff_token("admin").await;
    let q = quote(
        &app,
        &admin,
        id,
        &format!("offering={}&mode=pickup", dish.offering_id),
    )
    .await
    .ok();
    assert_eq!(q.gross, dish.price);
    assert_eq!(q.meal_date, date(1));
    assert_eq!(q.slot, vocabulary::Slot::Lunch);
    assert_eq!(q.meal_point_district_code, ZHONGLOU);
    if price >= rust_decimal::Decimal::new(500, 2) {
        // district 2.00 + street (80+) 2.00, funded by 天宁; never more than the price.
        let expected = price.min(rust_decimal::Decimal::new(400, 2));
        assert_eq!(q.subsidy_total.to_string(), format!("{expected:.2}"));
        assert_eq!(
            q.elder_share.to_string(),
            format!("{:.2}", price - expected)
        );
        assert_eq!(q.lines[0].funding_district_code.as_deref(), Some(TIANNING));
    }

    // Neither an offering nor the what-if fields: the missing field is named.
    quote(&app, &admin, id, "mode=pickup")
        .await
        .error(400, "REQUIRED");
    // An offering that does not exist.
    quote(&app, &admin, id, "offering=999999&mode=pickup")
        .await
        .error(404, "OFFERING_NOT_FOUND");
}
