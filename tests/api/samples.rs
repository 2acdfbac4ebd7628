//! The operator's daily 留样 log: written by the meal point's own operators, discarded no sooner
//! than 48 hours after it was kept, read by inspectors, the district and the city.

use chrono::Duration;
use zhucan::samples::http::SampleInput;

use crate::{
    fixtures::{Kitchen, inspector, kitchen, other_meal_point},
    helpers::{TestApp, date, shanghai_at, shanghai_instant, spawn_demo_city},
};

/// `operator-demo`'s kitchen with a new dish on today's lunch, at 12:00 after lunch was served;
/// returns the kitchen and the dish's id.
async fn after_lunch(app: &TestApp) -> (Kitchen, i64) {
    let kitchen = kitchen(app).await;
    kitchen.offering(app, &date(0).to_string(), 20).await;
    let dish_id = app
        .sample_log(&kitchen.operator, kitchen.meal_point_id, date(0))
        .await
        .ok()
        .entries
        .iter()
        .find(|e| e.dish_name.starts_with("测试套餐"))
        .expect("the day's new dish is listed")
        .dish_id;
    app.advance_clock(Duration::hours(3)); // 12:00
    (kitchen, dish_id)
}

/// Today's lunch entry for the dish: not kept, nothing else.
fn not_kept(dish_id: i64) -> SampleInput {
    SampleInput {
        date: date(0),
        slot: vocabulary::Slot::Lunch,
        dish_id,
        kept: false,
        kept_at: None,
        photo_url: None,
        discarded_at: None,
    }
}

/// Today's lunch entry for the dish: kept at 11:20.
fn kept_at_11_20(dish_id: i64) -> SampleInput {
    SampleInput {
        kept: true,
        kept_at: Some(shanghai_instant(0, 11, 20)),
        ..not_kept(dish_id)
    }
}

const PHOTO: &str = "https://img.example.cn/liuyang/1.jpg";

#[tokio::test]
async fn the_days_dishes_are_listed_from_the_menu_before_anything_is_recorded() {
    let app = spawn_demo_city().await;
    let kitchen = kitchen(&app).await;
    kitchen.offering(&app, &date(0).to_string(), 20).await;

    let before = app
        .sample_log(&kitchen.operator, kitchen.meal_point_id, date(0))
        .await
        .ok();
    assert_eq!(before.retention_hours, 48);
    let ours = before
        .entries
        .iter()
        .find(|e| e.slot == vocabulary::Slot::Lunch && e.dish_name.starts_with("测试套餐"))
        .expect("the day's new dish is listed");
    assert!(!ours.recorded && ours.kept.is_none());
    assert_eq!(before.summary.dishes as usize, before.entries.len());
    assert_eq!(before.summary.recorded, 0);
}

#[tokio::test]
async fn a_kept_sample_may_be_discarded_48_hours_after_it_was_kept() {
    let app = spawn_demo_city().await;
    let (kitchen, dish_id) = after_lunch(&app).await;
    let mp = kitchen.meal_point_id;

    let kept = app
        .write_sample(
            &kitchen.operator,
            mp,
            &SampleInput {
                photo_url: Some(PHOTO.into()),
                ..kept_at_11_20(dish_id)
            },
        )
        .await
        .ok();
    assert_eq!(kept.kept, Some(true));
    assert_eq!(
        kept.discard_from.unwrap().to_rfc3339(),
        shanghai_at(2, 11, 20)
    );
}

#[tokio::test]
async fn discarding_short_of_48_hours_is_refused_and_changes_nothing() {
    let app = spawn_demo_city().await;
    let (kitchen, dish_id) = after_lunch(&app).await;
    let mp = kitchen.meal_point_id;
    app.write_sample(
        &kitchen.operator,
        mp,
        &SampleInput {
            photo_url: Some(PHOTO.into()),
            ..kept_at_11_20(dish_id)
        },
    )
    .await
    .ok();

    // Discarding now, or a minute short of 48 hours, is refused.
    let early = app
        .write_sample(
            &kitchen.operator,
            mp,
            &SampleInput {
                discarded_at: Some(shanghai_instant(0, 12, 0)),
                ..kept_at_11_20(dish_id)
            },
        )
        .await
        .field_error(409, "SAMPLE_DISCARD_TOO_EARLY", "discarded_at");
    assert!(early.message.contains("48 小时"));
    app.advance_clock(Duration::hours(48)); // day 2, 12:00
    app.write_sample(
        &kitchen.operator,
        mp,
        &SampleInput {
            discarded_at: Some(shanghai_instant(2, 11, 19)),
            ..kept_at_11_20(dish_id)
        },
    )
    .await
    .error(409, "SAMPLE_DISCARD_TOO_EARLY");

    let after = app.sample_log(&kitchen.operator, mp, date(0)).await.ok();
    let still = after.entries.iter().find(|e| e.dish_id == dish_id).unwrap();
    assert!(still.discarded_at.is_none());
    assert_eq!(still.photo_url.as_deref(), Some(PHOTO));
}

#[tokio::test]
async fn a_sample_discarded_at_48_hours_is_final() {
    let app = spawn_demo_city().await;
    let (kitchen, dish_id) = after_lunch(&app).await;
    let mp = kitchen.meal_point_id;
    app.write_sample(&kitchen.operator, mp, &kept_at_11_20(dish_id))
        .await
        .ok();
    app.advance_clock(Duration::hours(48)); // day 2, 12:00

    let discarded = app
        .write_sample(
            &kitchen.operator,
            mp,
            &SampleInput {
                discarded_at: Some(shanghai_instant(2, 11, 20)),
                photo_url: Some(PHOTO.into()),
                ..kept_at_11_20(dish_id)
            },
        )
        .await
        .ok();
    assert_eq!(
        discarded.discarded_at.unwrap().to_rfc3339(),
        shanghai_at(2, 11, 20)
    );
    app.write_sample(&kitchen.operator, mp, &not_kept(dish_id))
        .await
        .error(409, "SAMPLE_ALREADY_DISCARDED");
    let summary = app
        .sample_log(&kitchen.operator, mp, date(0))
        .await
        .ok()
        .summary;
    assert_eq!(
        (summary.recorded, summary.kept, summary.discarded),
        (1, 1, 1)
    );
}

#[tokio::test]
async fn bad_entries_are_refused_with_their_field() {
    let app = spawn_demo_city().await;
    let (kitchen, dish_id) = after_lunch(&app).await;
    let mp = kitchen.meal_point_id;
    let (app, kitchen) = (&app, &kitchen);
    let write =
        |body: SampleInput| async move { app.write_sample(&kitchen.operator, mp, &body).await };
    write(SampleInput {
        kept: true,
        ..not_kept(dish_id)
    })
    .await
    .field_error(400, "SAMPLE_KEPT_AT_REQUIRED", "kept_at");
    write(SampleInput {
        kept_at: Some(shanghai_instant(0, 12, 30)),
        ..kept_at_11_20(dish_id)
    })
    .await
    .field_error(400, "SAMPLE_KEPT_AT_IN_FUTURE", "kept_at");
    write(SampleInput {
        kept_at: Some(shanghai_instant(-1, 11, 0)),
        ..kept_at_11_20(dish_id)
    })
    .await
    .field_error(400, "SAMPLE_KEPT_AT_OTHER_DAY", "kept_at");
    write(SampleInput {
        kept_at: Some(shanghai_instant(0, 11, 0)),
        photo_url: Some("javascript:alert(1)".into()),
        ..kept_at_11_20(dish_id)
    })
    .await
    .field_error(400, "SAMPLE_PHOTO_URL_INVALID", "photo_url");
    write(SampleInput {
        kept_at: Some(shanghai_instant(0, 11, 0)),
        ..not_kept(dish_id)
    })
    .await
    .field_error(400, "SAMPLE_NOT_KEPT_HAS_DETAILS", "kept");
    write(SampleInput {
        date: date(1),
        ..not_kept(dish_id)
    })
    .await
    .field_error(400, "SAMPLE_DATE_IN_FUTURE", "date");
    write(SampleInput {
        date: date(-8),
        ..not_kept(dish_id)
    })
    .await
    .field_error(400, "SAMPLE_DATE_TOO_OLD", "date");
    // Not on today's breakfast, nor a dish of the day at all.
    write(SampleInput {
        slot: vocabulary::Slot::Breakfast,
        ..not_kept(dish_id)
    })
    .await
    .field_error(400, "SAMPLE_DISH_NOT_ON_MENU", "dish_id");
    write(not_kept(999_999))
        .await
        .field_error(400, "SAMPLE_DISH_NOT_ON_MENU", "dish_id");
    // Nothing was recorded by any of these.
    let summary = app
        .sample_log(&kitchen.operator, mp, date(0))
        .await
        .ok()
        .summary;
    assert_eq!(summary.recorded, 0);
    // Not kept is an entry of its own.
    let none = write(not_kept(dish_id)).await.ok();
    assert_eq!(none.kept, Some(false));
}

#[tokio::test]
async fn operators_write_their_own_inspectors_the_district_and_the_city_read() {
    let app = spawn_demo_city().await;
    let (kitchen, dish_id) = after_lunch(&app).await;
    let mp = kitchen.meal_point_id;
    let body = kept_at_11_20(dish_id);
    app.write_sample(&kitchen.operator, mp, &body).await.ok();

    // Readers: an inspector on their visit, the meal point's district clerk, the city admin.
    let inspector = inspector(&app, "inspector-samples", "留样督查").await;
    let zhonglou = app.staff_token("clerk-zhonglou").await;
    let admin = app.staff_token("admin").await;
    for token in [&inspector, &zhonglou, &admin] {
        let seen = app.sample_log(token, mp, date(0)).await.ok();
        assert_eq!(seen.summary.kept, 1);
        // … and none of them writes it.
        app.write_sample(token, mp, &body)
            .await
            .error(403, "ROLE_FORBIDDEN");
    }
    // Another district's clerk, and elders, read nothing.
    let tianning = app.staff_token("clerk-tianning").await;
    app.sample_log(&tianning, mp, date(0))
        .await
        .error(403, "SAMPLES_FORBIDDEN");
    let elder = app.wechat_token("o-samples-elder").await;
    app.sample_log(&elder, mp, date(0))
        .await
        .error(403, "ROLE_FORBIDDEN");
}

#[tokio::test]
async fn an_operator_neither_reads_nor_writes_another_meal_points_log() {
    let app = spawn_demo_city().await;
    let (kitchen, dish_id) = after_lunch(&app).await;
    let other = other_meal_point(&app).await;
    app.sample_log(&kitchen.operator, other, date(0))
        .await
        .error(403, "SAMPLES_FORBIDDEN");
    app.write_sample(&kitchen.operator, other, &kept_at_11_20(dish_id))
        .await
        .error(403, "NOT_YOUR_MEAL_POINT");
    app.sample_log(&kitchen.operator, 999_999, date(0))
        .await
        .error(404, "MEAL_POINT_NOT_FOUND");
}
