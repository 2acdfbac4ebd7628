//! Conformance cases for the meal point's fence (a pause or closure decided where bookings are):
//! both stores, through the harness of `conformance`.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use chrono::Days;
use tokio::sync::Barrier;

use super::{
    MEAL_POINT, booking, in_process_store, left, load, meal_date, reserve, snapshot,
    with_redis_store,
};
use crate::orders::reservation::{
    ClosedDays, FillOutcome, MealPointFence, ReserveOutcome, SharedReservations,
};

against_both_stores!(
    a_fence_refuses_only_the_days_it_covers,
    an_older_fence_never_replaces_a_newer_one,
    a_rebuild_from_an_older_snapshot_keeps_the_newer_fence,
    a_fence_set_before_the_state_is_loaded_still_refuses,
    a_repeat_of_a_booking_is_answered_even_after_the_fence,
    no_reservation_lands_after_the_fence_is_up,
);

fn closed(epoch: i64, from_days: u64, until_days: Option<u64>) -> MealPointFence {
    MealPointFence {
        epoch,
        closed: Some(ClosedDays {
            from: meal_date() + Days::new(from_days),
            until: until_days.map(|days| meal_date() + Days::new(days)),
        }),
    }
}

fn open(epoch: i64) -> MealPointFence {
    MealPointFence {
        epoch,
        closed: None,
    }
}

async fn fence(store: &SharedReservations, fence: MealPointFence) {
    assert_eq!(store.fence(MEAL_POINT, fence).await, Ok(()));
}

async fn a_fence_refuses_only_the_days_it_covers(store: SharedReservations) {
    load(&store, snapshot(&[(101, 10)])).await;
    fence(&store, closed(10, 0, Some(0))).await;
    let on_the_day = booking(1, 11, "closed-day", &[(101, 1)]);
    assert_eq!(reserve(&store, &on_the_day).await, ReserveOutcome::Closed);
    assert_eq!(left(&store, 101).await, Some(10));

    // The day after the pause's last day takes bookings again.
    let mut next_day = booking(2, 12, "next-day", &[(101, 1)]);
    next_day.date = meal_date() + Days::new(1);
    assert_eq!(reserve(&store, &next_day).await, ReserveOutcome::Reserved);

    // A closure without end covers every day from its first.
    fence(&store, closed(11, 0, None)).await;
    let mut later = booking(3, 13, "later", &[(101, 1)]);
    later.date = meal_date() + Days::new(30);
    assert_eq!(reserve(&store, &later).await, ReserveOutcome::Closed);

    // Reopening lifts it at once.
    fence(&store, open(12)).await;
    assert_eq!(reserve(&store, &later).await, ReserveOutcome::Reserved);
    assert_eq!(left(&store, 101).await, Some(8));
}

async fn an_older_fence_never_replaces_a_newer_one(store: SharedReservations) {
    load(&store, snapshot(&[(101, 10)])).await;
    fence(&store, closed(20, 0, None)).await;
    // A reopening that reaches the store late, after a newer closure, changes nothing.
    fence(&store, open(19)).await;
    let request = booking(1, 11, "late-reopen", &[(101, 1)]);
    assert_eq!(reserve(&store, &request).await, ReserveOutcome::Closed);
    fence(&store, open(21)).await;
    assert_eq!(reserve(&store, &request).await, ReserveOutcome::Reserved);
}

async fn a_rebuild_from_an_older_snapshot_keeps_the_newer_fence(store: SharedReservations) {
    // The pause reached the store while a rebuilder was reading its (older, open) snapshot.
    fence(&store, closed(30, 0, None)).await;
    let mut stale = snapshot(&[(101, 10)]);
    stale.fence = open(29);
    load(&store, stale.clone()).await;
    let request = booking(1, 11, "stale-rebuild", &[(101, 1)]);
    assert_eq!(reserve(&store, &request).await, ReserveOutcome::Closed);
    assert_eq!(
        store.fill(&stale).await,
        Ok(FillOutcome { counters_filled: 0 })
    );
    assert_eq!(reserve(&store, &request).await, ReserveOutcome::Closed);

    // A newer snapshot (read after a reopening whose fence never arrived) heals the store.
    let mut fresh = snapshot(&[(101, 10)]);
    fresh.fence = open(31);
    assert_eq!(
        store.fill(&fresh).await,
        Ok(FillOutcome { counters_filled: 0 })
    );
    assert_eq!(reserve(&store, &request).await, ReserveOutcome::Reserved);
}

async fn a_fence_set_before_the_state_is_loaded_still_refuses(store: SharedReservations) {
    fence(&store, closed(5, 0, None)).await;
    let request = booking(1, 11, "before-load", &[(101, 1)]);
    assert_eq!(reserve(&store, &request).await, ReserveOutcome::NotLoaded);
    let mut from_database = snapshot(&[(101, 10)]);
    from_database.fence = closed(5, 0, None);
    load(&store, from_database).await;
    assert_eq!(reserve(&store, &request).await, ReserveOutcome::Closed);
    // Unloading drops the fence with the rest; the next rebuild reads the status again.
    assert_eq!(store.unload(MEAL_POINT).await, Ok(()));
    load(&store, snapshot(&[(101, 10)])).await;
    assert_eq!(reserve(&store, &request).await, ReserveOutcome::Reserved);
}

async fn a_repeat_of_a_booking_is_answered_even_after_the_fence(store: SharedReservations) {
    load(&store, snapshot(&[(101, 10)])).await;
    let first = booking(1, 11, "booked-before", &[(101, 1)]);
    assert_eq!(reserve(&store, &first).await, ReserveOutcome::Reserved);
    fence(&store, closed(7, 0, None)).await;
    let retry = booking(1, 11, "booked-before", &[(101, 1)]);
    assert_eq!(
        reserve(&store, &retry).await,
        ReserveOutcome::Duplicate {
            order_id: first.order_id.clone()
        }
    );
}

/// 120 elders book while the meal point closes: every booking that started after the fence was
/// up is refused, and the portions taken are exactly those of the bookings reserved.
async fn no_reservation_lands_after_the_fence_is_up(store: SharedReservations) {
    let elders: i64 = 120;
    load(&store, snapshot(&[(101, 1000)])).await;
    let fenced = Arc::new(AtomicBool::new(false));
    let start = Arc::new(Barrier::new(elders as usize + 1));
    let mut tasks = Vec::new();
    for elder in 1..=elders {
        let (store, start, fenced) = (Arc::clone(&store), Arc::clone(&start), Arc::clone(&fenced));
        tasks.push(tokio::spawn(async move {
            let request = booking(elder, elder, &format!("racer-{elder}"), &[(101, 1)]);
            start.wait().await;
            // Spread the bookings over the moment of the closure.
            for _ in 0..(elder % 7) {
                tokio::task::yield_now().await;
            }
            let after_fence = fenced.load(Ordering::SeqCst);
            (after_fence, store.reserve(&request).await)
        }));
    }
    {
        let (store, start, fenced) = (Arc::clone(&store), Arc::clone(&start), Arc::clone(&fenced));
        tasks.push(tokio::spawn(async move {
            start.wait().await;
            for _ in 0..3 {
                tokio::task::yield_now().await;
            }
            let result = store.fence(MEAL_POINT, closed(40, 0, None)).await;
            fenced.store(true, Ordering::SeqCst);
            (false, result.map(|()| ReserveOutcome::NotLoaded))
        }));
    }
    let mut reserved = 0;
    let mut refused = 0;
    for task in tasks {
        let (after_fence, outcome) = task.await.unwrap_or_else(|e| panic!("{e}"));
        match outcome {
            Ok(ReserveOutcome::Reserved) => {
                assert!(!after_fence, "a booking begun after the fence was reserved");
                reserved += 1;
            }
            Ok(ReserveOutcome::Closed) => refused += 1,
            // The fencing task's own answer.
            Ok(ReserveOutcome::NotLoaded) => {}
            other => panic!("unexpected outcome {other:?}"),
        }
    }
    assert_eq!(reserved + refused, elders);
    assert_eq!(left(&store, 101).await, Some(1000 - reserved));
    let late = booking(elders + 1, elders + 1, "after-all", &[(101, 1)]);
    assert_eq!(reserve(&store, &late).await, ReserveOutcome::Closed);
}
