//! Overload: bookings beyond the running and the queued are shed at once as 503 `BOOKING_BUSY`
//! with `Retry-After`, and a retry with the same client key books once there is room.

use zhucan::demo::DemoScope;

use crate::fixtures::{elder, key, kitchen};
use crate::helpers::{day, spawn_app_with_settings};

#[tokio::test]
async fn beyond_the_gate_a_booking_is_shed_with_retry_after_and_the_retry_books() {
    let app = spawn_app_with_settings(
        DemoScope::CityWithoutHistory,
        &[
            ("ZHUCAN_BOOKING_CONCURRENCY", "1"),
            ("ZHUCAN_BOOKING_QUEUE", "0"),
        ],
    )
    .await;
    let kitchen = kitchen(&app).await;
    let offering = kitchen.offering(&app, &day(1), 10).await;
    let elder = elder(&app, 1).await;
    let body = kitchen.counter(&elder, &day(1), offering, &key());

    // Another booking holds the one turn; nobody may queue.
    let held = app.state.booking_gate.admit().await;
    assert!(held.is_ok());
    let shed = app
        .http
        .post(app.url("/api/v1/orders"))
        .bearer_auth(&kitchen.operator)
        .json(&body)
        .send()
        .await
        .expect("the server answers");
    assert_eq!(shed.status().as_u16(), 503);
    assert_eq!(
        shed.headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok()),
        Some("1")
    );
    let answer: serde_json::Value = shed.json().await.expect("a JSON body");
    assert_eq!(answer["code"], "BOOKING_BUSY");
    assert_eq!(
        kitchen.portions_left(&app, &day(1), offering).await,
        10,
        "a shed booking changed nothing"
    );

    drop(held);
    let first = app.book(&kitchen.operator, &body).await.ok();
    // The same key again answers the same order.
    let again = app.book(&kitchen.operator, &body).await.ok();
    assert_eq!(first.id, again.id);
    assert_eq!(kitchen.portions_left(&app, &day(1), offering).await, 9);
}
