//! The operator's daily 留样 log: written by the meal point's own operators, discarded no sooner
//! than 48 hours after it was kept, read by inspectors, the district and the city.

use chrono::Duration;
use serde_json::{Value, json};
use zhucan::samples::http::{SampleEntryView, SampleLog};

use crate::{
    fixtures::kitchen,
    helpers::{Reply, TestApp, day, shanghai_at, spawn_demo_city},
};

/// The 留样 domain's operations, typed.
impl TestApp {
    async fn sample_log(&self, token: &str, meal_point_id: i64, date: &str) -> Reply {
        self.get(
            &format!("/api/v1/meal-points/{meal_point_id}/samples?date={date}"),
            Some(token),
        )
        .await
    }

    async fn write_sample(&self, token: &str, meal_point_id: i64, body: Value) -> Reply {
        self.put(
            &format!("/api/v1/meal-points/{meal_point_id}/samples"),
            Some(token),
            body,
        )
        .await
    }
}

fn log(reply: &Reply) -> SampleLog {
    serde_json::from_value(reply.assert_ok().clone()).unwrap()
}

fn entry(reply: &Reply) -> SampleEntryView {
    serde_json::from_value(reply.assert_ok().clone()).unwrap()
}

async fn inspector(app: &TestApp) -> String {
    let admin = app.staff_token("admin").await;
    app.post(
        "/api/v1/inspectors",
        Some(&admin),
        json!({
            "username": "inspector-samples", "display_name": "留样督查",
            "organisation": "常州市餐饮行业协会", "password": "visit-them-all",
        }),
    )
    .await
    .assert_ok();
    app.staff_login("inspector-samples", "visit-them-all")
        .await
        .assert_ok()["token"]
        .as_str()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn a_sample_is_kept_logged_and_discarded_no_sooner_than_48_hours_later() {
    let app = spawn_demo_city().await;
    let kitchen = kitchen(&app).await;
    let today = day(0);
    let offering = kitchen.offering(&app, &today, 20).await;
    let mp = kitchen.meal_point_id;

    // Today's dishes are listed from the published menu, nothing recorded yet.
    let before = log(&app.sample_log(&kitchen.operator, mp, &today).await);
    assert_eq!(before.retention_hours, 48);
    let ours = before
        .entries
        .iter()
        .find(|e| e.slot == vocabulary::Slot::Lunch && e.dish_name.starts_with("测试套餐"))
        .expect("the day's new dish is listed");
    assert!(!ours.recorded && ours.kept.is_none());
    let dish_id = ours.dish_id;
    assert_eq!(before.summary.dishes as usize, before.entries.len());
    assert_eq!(before.summary.recorded, 0);
    let _ = offering;

    // Lunch is served; the sample was kept at 11:20.
    app.advance_clock(Duration::hours(3)); // 12:00
    let kept = app
        .write_sample(
            &kitchen.operator,
            mp,
            json!({
                "date": today, "slot": "lunch", "dish_id": dish_id, "kept": true,
                "kept_at": shanghai_at(0, 11, 20), "photo_url": "https://img.example.cn/liuyang/1.jpg",
            }),
        )
        .await;
    let kept = entry(&kept);
    assert_eq!(kept.kept, Some(true));
    assert_eq!(
        kept.discard_from.unwrap().to_rfc3339(),
        shanghai_at(2, 11, 20)
    );

    // Discarding now, or a minute short of 48 hours, is refused and changes nothing.
    let early = app
        .write_sample(
            &kitchen.operator,
            mp,
            json!({
                "date": today, "slot": "lunch", "dish_id": dish_id, "kept": true,
                "kept_at": shanghai_at(0, 11, 20), "discarded_at": shanghai_at(0, 12, 0),
            }),
        )
        .await;
    early.assert_field_error(409, "SAMPLE_DISCARD_TOO_EARLY", "discarded_at");
    assert!(early.body["message"].as_str().unwrap().contains("48 小时"));
    app.advance_clock(Duration::hours(48)); // day 2, 12:00
    app.write_sample(
        &kitchen.operator,
        mp,
        json!({
            "date": today, "slot": "lunch", "dish_id": dish_id, "kept": true,
            "kept_at": shanghai_at(0, 11, 20), "discarded_at": shanghai_at(2, 11, 19),
        }),
    )
    .await
    .assert_error(409, "SAMPLE_DISCARD_TOO_EARLY");
    let after = log(&app.sample_log(&kitchen.operator, mp, &today).await);
    let still = after.entries.iter().find(|e| e.dish_id == dish_id).unwrap();
    assert!(still.discarded_at.is_none());
    assert_eq!(
        still.photo_url.as_deref(),
        Some("https://img.example.cn/liuyang/1.jpg")
    );

    // At 48 hours it is discarded; then the entry is final.
    let discarded = app
        .write_sample(
            &kitchen.operator,
            mp,
            json!({
                "date": today, "slot": "lunch", "dish_id": dish_id, "kept": true,
                "kept_at": shanghai_at(0, 11, 20), "discarded_at": shanghai_at(2, 11, 20),
                "photo_url": "https://img.example.cn/liuyang/1.jpg",
            }),
        )
        .await;
    assert_eq!(
        entry(&discarded).discarded_at.unwrap().to_rfc3339(),
        shanghai_at(2, 11, 20)
    );
    app.write_sample(
        &kitchen.operator,
        mp,
        json!({ "date": today, "slot": "lunch", "dish_id": dish_id, "kept": false }),
    )
    .await
    .assert_error(409, "SAMPLE_ALREADY_DISCARDED");
    let summary = log(&app.sample_log(&kitchen.operator, mp, &today).await).summary;
    assert_eq!(
        (summary.recorded, summary.kept, summary.discarded),
        (1, 1, 1)
    );
}

#[tokio::test]
async fn bad_entries_are_refused_with_their_field() {
    let app = spawn_demo_city().await;
    let kitchen = kitchen(&app).await;
    let today = day(0);
    kitchen.offering(&app, &today, 20).await;
    let mp = kitchen.meal_point_id;
    let dish_id = log(&app.sample_log(&kitchen.operator, mp, &today).await)
        .entries
        .iter()
        .find(|e| e.dish_name.starts_with("测试套餐"))
        .unwrap()
        .dish_id;
    app.advance_clock(Duration::hours(3));
    let write = |body: Value| app.write_sample(&kitchen.operator, mp, body);
    write(json!({ "date": today, "slot": "lunch", "dish_id": dish_id, "kept": true }))
        .await
        .assert_field_error(400, "SAMPLE_KEPT_AT_REQUIRED", "kept_at");
    write(
        json!({ "date": today, "slot": "lunch", "dish_id": dish_id, "kept": true,
        "kept_at": shanghai_at(0, 12, 30) }),
    )
    .await
    .assert_field_error(400, "SAMPLE_KEPT_AT_IN_FUTURE", "kept_at");
    write(
        json!({ "date": today, "slot": "lunch", "dish_id": dish_id, "kept": true,
        "kept_at": shanghai_at(-1, 11, 0) }),
    )
    .await
    .assert_field_error(400, "SAMPLE_KEPT_AT_OTHER_DAY", "kept_at");
    write(
        json!({ "date": today, "slot": "lunch", "dish_id": dish_id, "kept": true,
        "kept_at": shanghai_at(0, 11, 0), "photo_url": "javascript:alert(1)" }),
    )
    .await
    .assert_field_error(400, "SAMPLE_PHOTO_URL_INVALID", "photo_url");
    write(
        json!({ "date": today, "slot": "lunch", "dish_id": dish_id, "kept": false,
        "kept_at": shanghai_at(0, 11, 0) }),
    )
    .await
    .assert_field_error(400, "SAMPLE_NOT_KEPT_HAS_DETAILS", "kept");
    write(json!({ "date": day(1), "slot": "lunch", "dish_id": dish_id, "kept": false }))
        .await
        .assert_field_error(400, "SAMPLE_DATE_IN_FUTURE", "date");
    write(json!({ "date": day(-8), "slot": "lunch", "dish_id": dish_id, "kept": false }))
        .await
        .assert_field_error(400, "SAMPLE_DATE_TOO_OLD", "date");
    // Not on today's breakfast, nor a dish of the day at all.
    write(json!({ "date": today, "slot": "breakfast", "dish_id": dish_id, "kept": false }))
        .await
        .assert_field_error(400, "SAMPLE_DISH_NOT_ON_MENU", "dish_id");
    write(json!({ "date": today, "slot": "lunch", "dish_id": 999_999, "kept": false }))
        .await
        .assert_field_error(400, "SAMPLE_DISH_NOT_ON_MENU", "dish_id");
    // Nothing was recorded by any of these.
    let summary = log(&app.sample_log(&kitchen.operator, mp, &today).await).summary;
    assert_eq!(summary.recorded, 0);
    // Not kept is an entry of its own.
    let none =
        write(json!({ "date": today, "slot": "lunch", "dish_id": dish_id, "kept": false })).await;
    assert_eq!(entry(&none).kept, Some(false));
}

#[tokio::test]
async fn operators_write_their_own_inspectors_the_district_and_the_city_read() {
    let app = spawn_demo_city().await;
    let kitchen = kitchen(&app).await;
    let today = day(0);
    kitchen.offering(&app, &today, 20).await;
    let mp = kitchen.meal_point_id;
    let dish_id = log(&app.sample_log(&kitchen.operator, mp, &today).await)
        .entries
        .iter()
        .find(|e| e.dish_name.starts_with("测试套餐"))
        .unwrap()
        .dish_id;
    app.advance_clock(Duration::hours(3));
    let body = json!({ "date": today, "slot": "lunch", "dish_id": dish_id, "kept": true,
        "kept_at": shanghai_at(0, 11, 20) });
    app.write_sample(&kitchen.operator, mp, body.clone())
        .await
        .assert_ok();

    // Readers: an inspector on their visit, the meal point's district clerk, the city admin.
    let inspector = inspector(&app).await;
    let zhonglou = app.staff_token("clerk-zhonglou").await;
    let admin = app.staff_token("admin").await;
    for token in [&inspector, &zhonglou, &admin] {
        let seen = log(&app.sample_log(token, mp, &today).await);
        assert_eq!(seen.summary.kept, 1);
        // … and none of them writes it.
        app.write_sample(token, mp, body.clone())
            .await
            .assert_error(403, "ROLE_FORBIDDEN");
    }
    // Another district's clerk, and elders, read nothing.
    let tianning = app.staff_token("clerk-tianning").await;
    app.sample_log(&tianning, mp, &today)
        .await
        .assert_error(403, "SAMPLES_FORBIDDEN");
    let elder = app.wechat_token("o-samples-elder").await;
    app.sample_log(&elder, mp, &today)
        .await
        .assert_error(403, "ROLE_FORBIDDEN");

    // Another meal point's log: the operator neither reads nor writes it.
    let points = app.get("/api/v1/meal-points?page_size=100", None).await;
    let mine = app
        .get("/api/v1/me/meal-points", Some(&kitchen.operator))
        .await;
    let my_ids: Vec<i64> = mine.assert_ok()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_i64().unwrap())
        .collect();
    let other = points.assert_ok()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_i64().unwrap())
        .find(|id| !my_ids.contains(id))
        .unwrap();
    app.sample_log(&kitchen.operator, other, &today)
        .await
        .assert_error(403, "SAMPLES_FORBIDDEN");
    app.write_sample(&kitchen.operator, other, body)
        .await
        .assert_error(403, "NOT_YOUR_MEAL_POINT");
    app.sample_log(&kitchen.operator, 999_999, &today)
        .await
        .assert_error(404, "MEAL_POINT_NOT_FOUND");
}
