//! Conformance cases for leases: a reservation never confirmed comes back exactly once, a
//! confirmed one never does; both stores, through the harness of `conformance`.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Barrier;

use super::{
    MEAL_POINT, booking, in_process_store, left, load, reserve, snapshot, with_redis_store,
};
use crate::orders::reservation::{ReleaseOutcome, ReserveOutcome, SharedReservations};

against_both_stores!(
    a_reservation_never_confirmed_is_released_exactly_once,
    a_running_lease_is_not_listed,
    a_cancelled_order_leaves_nothing_pending,
    sweepers_racing_give_an_expired_reservation_back_once,
);

/// Long enough to confirm within, short enough that the test waits it out in milliseconds.
const SHORT_LEASE: Duration = Duration::from_millis(200);

async fn wait_out(lease: Duration) {
    tokio::time::sleep(lease + Duration::from_millis(100)).await;
}

async fn expired(store: &SharedReservations) -> Vec<String> {
    let mut orders: Vec<String> = store
        .expired_leases()
        .await
        .unwrap_or_else(|e| panic!("expired_leases failed: {e}"))
        .into_iter()
        .map(|release| release.order_id)
        .collect();
    orders.sort();
    orders
}

async fn a_reservation_never_confirmed_is_released_exactly_once(store: SharedReservations) {
    load(&store, snapshot(&[(101, 10)])).await;
    let mut crashed = booking(1, 11, "crashed", &[(101, 2)]);
    crashed.lease = SHORT_LEASE;
    let mut written = booking(2, 12, "written", &[(101, 3)]);
    written.lease = SHORT_LEASE;
    assert_eq!(reserve(&store, &crashed).await, ReserveOutcome::Reserved);
    assert_eq!(reserve(&store, &written).await, ReserveOutcome::Reserved);
    assert_eq!(store.confirm(MEAL_POINT, &written.order_id).await, Ok(true));
    assert_eq!(
        store.confirm(MEAL_POINT, &written.order_id).await,
        Ok(false)
    );
    wait_out(SHORT_LEASE).await;

    let found = store.expired_leases().await.unwrap_or_default();
    assert_eq!(
        found,
        vec![crashed.abandonment()],
        "only the unconfirmed one"
    );
    assert_eq!(store.release(&found[0]).await, Ok(ReleaseOutcome::Released));
    assert_eq!(left(&store, 101).await, Some(7));
    assert_eq!(expired(&store).await, Vec::<String>::new());
    assert_eq!(
        store.release(&found[0]).await,
        Ok(ReleaseOutcome::AlreadyReleased)
    );
    assert_eq!(left(&store, 101).await, Some(7));
    // The key was given back with the portions: a retry books afresh, and the elder's quota is
    // free again.
    let retry = booking(1, 11, "crashed", &[(101, 2)]);
    assert_eq!(reserve(&store, &retry).await, ReserveOutcome::Reserved);
    assert_eq!(left(&store, 101).await, Some(5));
}

async fn a_running_lease_is_not_listed(store: SharedReservations) {
    load(&store, snapshot(&[(101, 10)])).await;
    let in_flight = booking(1, 11, "in-flight", &[(101, 1)]);
    assert_eq!(reserve(&store, &in_flight).await, ReserveOutcome::Reserved);
    assert_eq!(expired(&store).await, Vec::<String>::new());
}

async fn a_cancelled_order_leaves_nothing_pending(store: SharedReservations) {
    load(&store, snapshot(&[(101, 10)])).await;
    let mut refused = booking(1, 11, "priced-out", &[(101, 1)]);
    refused.lease = SHORT_LEASE;
    assert_eq!(reserve(&store, &refused).await, ReserveOutcome::Reserved);
    // Pricing refused it: the service gives it back at once, before the lease runs out.
    assert_eq!(
        store.release(&refused.abandonment()).await,
        Ok(ReleaseOutcome::Released)
    );
    wait_out(SHORT_LEASE).await;
    assert_eq!(expired(&store).await, Vec::<String>::new());
    assert_eq!(left(&store, 101).await, Some(10));
}

/// Every instance sweeps: ten sweepers that all found the same 20 expired reservations give each
/// back once.
async fn sweepers_racing_give_an_expired_reservation_back_once(store: SharedReservations) {
    load(&store, snapshot(&[(101, 100)])).await;
    let mut orders = HashSet::new();
    for elder in 1..=20 {
        let mut request = booking(elder, elder, &format!("lost-{elder}"), &[(101, 1)]);
        request.lease = SHORT_LEASE;
        assert_eq!(reserve(&store, &request).await, ReserveOutcome::Reserved);
        orders.insert(request.order_id);
    }
    assert_eq!(left(&store, 101).await, Some(80));
    wait_out(SHORT_LEASE).await;
    let sweepers = 10;
    let start = Arc::new(Barrier::new(sweepers));
    let mut tasks = Vec::new();
    for _ in 0..sweepers {
        let (store, start) = (Arc::clone(&store), Arc::clone(&start));
        tasks.push(tokio::spawn(async move {
            let found = store.expired_leases().await.unwrap_or_default();
            start.wait().await;
            let mut released = Vec::new();
            for release in found {
                if store.release(&release).await == Ok(ReleaseOutcome::Released) {
                    released.push(release.order_id);
                }
            }
            released
        }));
    }
    let mut released = Vec::new();
    for task in tasks {
        released.extend(task.await.unwrap_or_else(|e| panic!("{e}")));
    }
    assert_eq!(released.len(), 20, "each given back once");
    assert_eq!(released.into_iter().collect::<HashSet<_>>(), orders);
    assert_eq!(left(&store, 101).await, Some(100));
}
