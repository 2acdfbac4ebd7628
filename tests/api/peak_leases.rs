//! Reservations of an instance that crashed between the reservation store and the database come
//! back: the lease sweeper gives back what the database never got, and keeps what it did.

use std::time::Duration;

use zhucan::orders::reservation::{BookedItem, ReserveOutcome, ReserveRequest};
use zhucan::orders::service::sweep_expired_leases;

use crate::fixtures::{elder, key, kitchen};
use crate::helpers::{date, day, spawn_demo_city};

#[tokio::test]
async fn the_sweeper_gives_back_only_reservations_the_database_never_got() {
    let app = spawn_demo_city().await;
    let kitchen = kitchen(&app).await;
    let offering = kitchen.offering(&app, &day(1), 10).await;
    let booked_elder = elder(&app, 1).await;
    let booked = app
        .book(
            &kitchen.operator,
            &kitchen.counter(&booked_elder, &day(1), offering, &key()),
        )
        .await
        .ok();
    let lost_elder = elder(&app, 2).await;
    let store = &app.state.reservations;
    let lease = Duration::from_millis(200);
    let reservation = |elder_id: i64, order_id: String| ReserveRequest {
        meal_point_id: kitchen.meal_point_id,
        date: date(1),
        slot: "lunch".into(),
        elder_id,
        account_id: 1,
        client_key: key(),
        order_id,
        items: vec![BookedItem {
            offering_id: offering,
            quantity: 1,
        }],
        quota_limit: 1,
        lease,
    };
    // An instance reserved and died before its writer ran.
    let lost = reservation(lost_elder.0, uuid::Uuid::now_v7().to_string());
    assert_eq!(store.reserve(&lost).await, Ok(ReserveOutcome::Reserved));
    // Another committed its order but died before confirming (the same order id stands for it).
    let unconfirmed = reservation(booked_elder.0 + 1000, booked.id.clone());
    assert_eq!(
        store.reserve(&unconfirmed).await,
        Ok(ReserveOutcome::Reserved)
    );
    let left = || async {
        store
            .portions_left(kitchen.meal_point_id, offering)
            .await
            .expect("the store answers")
    };
    assert_eq!(left().await, Some(7));

    tokio::time::sleep(lease + Duration::from_millis(100)).await;
    assert_eq!(sweep_expired_leases(&app.state).await.ok(), Some(1));
    assert_eq!(left().await, Some(8), "only the lost reservation came back");
    assert_eq!(sweep_expired_leases(&app.state).await.ok(), Some(0));
    assert_eq!(left().await, Some(8));

    // The lost elder can book again with a fresh request.
    app.book(
        &kitchen.operator,
        &kitchen.counter(&lost_elder, &day(1), offering, &key()),
    )
    .await
    .ok();
    assert_eq!(left().await, Some(7));
}
