//! A meal point paused or closed while elders book it: no booking stays booked for a closed day,
//! whichever instance took it (the fence in the reservation store, the writer's status check).

use entity::{meal_order, offering};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use vocabulary::OrderState;

use crate::fixtures::{Kitchen, elder, key, kitchen};
use crate::helpers::{TestApp, date, day, spawn_demo_city};

fn closure(from: &str) -> Value {
    json!({ "status": "closed", "status_reason": "燃气检修", "status_from": from })
}

async fn close(app: &TestApp, kitchen: &Kitchen, from: &str) {
    app.put(
        &format!("/api/v1/meal-points/{}/status", kitchen.meal_point_id),
        Some(&kitchen.operator),
        closure(from),
    )
    .await
    .assert_ok();
}

/// Sends each booking on its own task (on `apps` in turn) while `close` runs; returns the
/// answers' (status, body).
async fn book_while_closing(
    apps: &[&TestApp],
    kitchen: &Kitchen,
    bodies: Vec<Value>,
    closing: impl std::future::Future<Output = ()>,
) -> Vec<(u16, Value)> {
    let tasks: Vec<_> = bodies
        .into_iter()
        .enumerate()
        .map(|(n, body)| {
            let app = apps[n % apps.len()];
            let request = app
                .http
                .post(app.url("/api/v1/orders"))
                .bearer_auth(&kitchen.operator)
                .json(&body);
            tokio::spawn(async move {
                let reply = request.send().await.expect("the server answers");
                let status = reply.status().as_u16();
                (status, reply.json::<Value>().await.unwrap_or(Value::Null))
            })
        })
        .collect();
    closing.await;
    let mut answers = Vec::new();
    for task in tasks {
        answers.push(task.await.expect("the booking task"));
    }
    answers
}

/// Every booking was either taken before the closure (and is cancelled by it now) or refused as
/// not taking bookings; nothing is booked for the closed day, and every portion is back.
async fn assert_one_outcome_each(
    app: &TestApp,
    kitchen: &Kitchen,
    offering_id: i64,
    answers: &[(u16, Value)],
) {
    let mut created = Vec::new();
    for (status, body) in answers {
        match status {
            201 => created.push(body["id"].as_str().expect("an order id").to_owned()),
            409 => assert_eq!(body["code"], "MEAL_POINT_NOT_TAKING_BOOKINGS", "{body}"),
            other => panic!("unexpected answer {other}: {body}"),
        }
    }
    let orders = meal_order::Entity::find()
        .filter(meal_order::Column::MealPointId.eq(kitchen.meal_point_id))
        .filter(meal_order::Column::Date.eq(date(1)))
        .all(&app.state.db)
        .await
        .expect("orders");
    assert!(
        orders.iter().all(|o| o.state == OrderState::Cancelled),
        "a booking stayed booked for the closed day: {:?}",
        orders.iter().map(|o| (&o.id, o.state)).collect::<Vec<_>>()
    );
    let mut stored: Vec<String> = orders.into_iter().map(|o| o.id).collect();
    stored.sort();
    created.sort();
    assert_eq!(
        stored, created,
        "every acknowledged booking, and only those"
    );
    let offering = offering::Entity::find_by_id(offering_id)
        .one(&app.state.db)
        .await
        .expect("the offering")
        .expect("it exists");
    assert_eq!(offering.booked, 0);
}

#[tokio::test]
async fn a_closure_racing_bookings_leaves_nothing_booked_for_the_closed_day() {
    let app = spawn_demo_city().await;
    let kitchen = kitchen(&app).await;
    let offering = kitchen.offering(&app, &day(1), 100).await;
    let mut bodies = Vec::new();
    for n in 0..24 {
        let elder = elder(&app, n).await;
        bodies.push(kitchen.counter(&elder, &day(1), offering, &key()));
    }
    // Warm the instance's caches so the bookings pass the cached status check.
    app.get(
        &format!("/api/v1/meal-points/{}", kitchen.meal_point_id),
        None,
    )
    .await
    .assert_ok();

    let answers =
        book_while_closing(&[&app], &kitchen, bodies, close(&app, &kitchen, &day(1))).await;
    assert_one_outcome_each(&app, &kitchen, offering, &answers).await;

    // After the closure every booking is refused at once, even with the meal point cached.
    let late = elder(&app, 99).await;
    app.book(
        &kitchen.operator,
        &kitchen.counter(&late, &day(1), offering, &key()),
    )
    .await
    .error(409, "MEAL_POINT_NOT_TAKING_BOOKINGS");
}

#[tokio::test]
async fn a_closure_on_one_instance_refuses_bookings_on_the_other_at_once() {
    let app = spawn_demo_city().await;
    let Some(peer) = app.spawn_peer().await else {
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED a_closure_on_one_instance_refuses_bookings_on_the_other_at_once: two \
             instances need PostgreSQL (DATABASE_URL=postgres://…)"
        );
        return;
    };
    let kitchen = kitchen(&app).await;
    let offering = kitchen.offering(&app, &day(1), 100).await;
    let first = elder(&app, 1).await;
    // The peer books once, so its caches hold the meal point as open.
    let booked = peer
        .book(
            &kitchen.operator,
            &kitchen.counter(&first, &day(1), offering, &key()),
        )
        .await
        .ok();

    let mut bodies = Vec::new();
    for n in 2..26 {
        let elder = elder(&app, n).await;
        bodies.push(kitchen.counter(&elder, &day(1), offering, &key()));
    }
    let answers = book_while_closing(
        &[&app, &peer],
        &kitchen,
        bodies,
        close(&app, &kitchen, &day(1)),
    )
    .await;
    let mut all = answers.clone();
    all.push((201, json!({ "id": booked.id })));
    assert_one_outcome_each(&app, &kitchen, offering, &all).await;

    // The peer's cache still says open; the store (or, without Redis, the writer) refuses.
    let late = elder(&app, 99).await;
    peer.book(
        &kitchen.operator,
        &kitchen.counter(&late, &day(1), offering, &key()),
    )
    .await
    .error(409, "MEAL_POINT_NOT_TAKING_BOOKINGS");
}
