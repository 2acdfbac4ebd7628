//! One suite for both stores. Each case is a plain async function over `SharedReservations`;
//! `against_both_stores!` turns it into an `in_process::<case>` test and an `on_redis::<case>`
//! test. The Redis tests need `REDIS_URL` (CI always sets it); without it they say they were
//! skipped instead of passing quietly. Each Redis test gets its own key prefix, so tests run in
//! parallel against one Redis, and deletes its keys afterwards, even when it fails.

use std::collections::HashSet;
use std::future::Future;
use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

use chrono::{Days, NaiveDate, Utc};
use tokio::sync::Barrier;
use uuid::Uuid;

use crate::clock::Clock;

use super::{
    AdjustOutcome, BookedItem, ElderQuota, FillOutcome, IdempotencyRecord, InProcessReservations,
    LoadOutcome, MAX_ITEMS_PER_BOOKING, MealPointSnapshot, OfferingPortions, RedisReservations,
    RedisReservationsConfig, ReleaseOutcome, ReleaseRequest, ReservationError, ReserveOutcome,
    ReserveRequest, SharedReservations,
};

const MEAL_POINT: i64 = 42;

// ---------------------------------------------------------------------------------------------
// Harness

macro_rules! against_both_stores {
    ($($case:ident),* $(,)?) => {
        mod in_process {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $case() {
                    super::$case(super::in_process_store()).await;
                }
            )*
        }

        mod on_redis {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $case() {
                    super::with_redis_store(stringify!($case), |store| super::$case(store as super::SharedReservations)).await;
                }
            )*
        }
    };
}

/// Cases that take the service's clock too: each runs on both stores with the clock `$days`
/// days away from the real one (negative: behind).
macro_rules! against_both_stores_on_a_moved_clock {
    ($($case:ident: $days:expr),* $(,)?) => {
        mod in_process_moved_clock {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $case() {
                    super::$case(super::in_process_store(), super::clock_moved_by($days)).await;
                }
            )*
        }

        mod on_redis_moved_clock {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $case() {
                    let clock = super::clock_moved_by($days);
                    super::with_redis_store_on(stringify!($case), clock.clone(), |store| {
                        super::$case(store as super::SharedReservations, clock)
                    })
                    .await;
                }
            )*
        }
    };
}

macro_rules! on_redis_only {
    ($($case:ident),* $(,)?) => {
        mod redis_only {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $case() {
                    super::with_redis_store(stringify!($case), super::$case).await;
                }
            )*
        }
    };
}

against_both_stores!(
    duplicate_key_returns_the_first_order_and_takes_nothing,
    idempotency_keys_are_scoped_by_account,
    quota_refuses_another_live_order_for_the_same_slot,
    sold_out_is_all_or_nothing,
    a_meal_point_that_is_not_loaded_changes_nothing,
    a_second_load_keeps_the_first_state,
    concurrent_rebuilders_load_exactly_once,
    release_gives_portions_back_exactly_once,
    concurrent_releases_of_one_order_give_back_once,
    duplicate_after_release_still_returns_the_first_order,
    an_abandoned_reservation_frees_its_key_for_a_retry,
    abandoning_keeps_a_key_that_names_another_order,
    adjust_raises_lowers_and_refuses_below_zero,
    publishing_an_offering_counts_its_portions_once,
    a_missing_counter_is_filled_from_the_database_not_sold_out,
    a_rebuild_restores_quotas_keys_and_releases,
    invalid_requests_are_refused,
    ping_answers,
    oversubscribed_three_times_sells_exactly_the_portions,
    concurrent_retries_of_one_key_reserve_once,
    two_family_members_race_for_the_last_portion,
    release_racing_a_reserve_of_the_last_portion_stays_consistent,
);

against_both_stores_on_a_moved_clock!(
    booking_holds_with_the_service_clock_a_month_behind: -30,
    booking_holds_with_the_service_clock_a_month_ahead: 30,
);

on_redis_only!(
    counters_and_records_get_their_expiry,
    a_redis_that_lost_its_data_answers_not_loaded_until_rebuilt,
    a_counter_redis_lost_is_filled_not_sold_out,
    a_corrupt_counter_is_reported_and_nothing_changes,
);

mod redis_only_moved_clock {
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn counters_live_by_the_service_clock_a_month_behind() {
        let clock = super::clock_moved_by(-30);
        super::with_redis_store_on("counters_live_a_month_behind", clock.clone(), |store| {
            super::counters_live_by_the_service_clock(store, clock)
        })
        .await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn counters_live_by_the_service_clock_a_month_ahead() {
        let clock = super::clock_moved_by(30);
        super::with_redis_store_on("counters_live_a_month_ahead", clock.clone(), |store| {
            super::counters_live_by_the_service_clock(store, clock)
        })
        .await;
    }
}

/// A service clock that runs at the real pace, `days` away from the real one.
fn clock_moved_by(days: i64) -> Clock {
    Clock::starting_at(Utc::now() + chrono::Duration::days(days))
}

fn in_process_store() -> SharedReservations {
    Arc::new(InProcessReservations::new())
}

/// Runs `case` against a Redis store with a key prefix of its own, then deletes that prefix's
/// keys. The case runs in its own task so that a failed assertion still gets cleaned up after.
async fn with_redis_store<C, F>(case_name: &str, case: C)
where
    C: FnOnce(Arc<RedisReservations>) -> F,
    F: Future<Output = ()> + Send + 'static,
{
    with_redis_store_on(case_name, Clock::system(), case).await;
}

/// [`with_redis_store`] with the service's clock given.
async fn with_redis_store_on<C, F>(case_name: &str, clock: Clock, case: C)
where
    C: FnOnce(Arc<RedisReservations>) -> F,
    F: Future<Output = ()> + Send + 'static,
{
    let Ok(redis_url) = std::env::var("REDIS_URL") else {
        // Written to the stderr handle itself: libtest captures `eprintln!` of passing tests, and
        // a skip must show in a plain `cargo test` run, not pass as if Redis had been tested.
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED {case_name} on Redis: REDIS_URL is not set, only the in-process store was \
             tested (e.g. REDIS_URL=redis://127.0.0.1:6379 cargo test)"
        );
        return;
    };
    let config = RedisReservationsConfig {
        key_prefix: format!("t:{}:", Uuid::new_v4()),
        // Generous, because 2 cores run the whole suite in parallel next to other builds.
        response_timeout: Duration::from_secs(5),
        ..RedisReservationsConfig::default()
    };
    let store = RedisReservations::connect(&redis_url, config, clock)
        .await
        .unwrap_or_else(|e| panic!("REDIS_URL is set but Redis cannot be used: {e}"));
    let store = Arc::new(store);
    let outcome = tokio::spawn(case(Arc::clone(&store))).await;
    let purged = store.purge_key_prefix().await;
    if let Err(failure) = outcome {
        match failure.try_into_panic() {
            Ok(panic) => std::panic::resume_unwind(panic),
            Err(failure) => panic!("{case_name} did not finish: {failure}"),
        }
    }
    if let Err(e) = purged {
        panic!("could not delete the test's keys: {e}");
    }
}

// ---------------------------------------------------------------------------------------------
// Builders

/// Tomorrow, so Redis expires the test's counters within days even if a run leaves them behind.
fn meal_date() -> NaiveDate {
    Utc::now().date_naive() + Days::new(1)
}

fn new_order_id() -> String {
    Uuid::now_v7().to_string()
}

fn items(lines: &[(i64, i64)]) -> Vec<BookedItem> {
    lines
        .iter()
        .map(|&(offering_id, quantity)| BookedItem {
            offering_id,
            quantity,
        })
        .collect()
}

/// A lunch booking by `account` for `elder`, with a fresh order id and quota 1.
fn booking(
    elder_id: i64,
    account_id: i64,
    client_key: &str,
    lines: &[(i64, i64)],
) -> ReserveRequest {
    ReserveRequest {
        meal_point_id: MEAL_POINT,
        date: meal_date(),
        slot: "lunch".to_owned(),
        elder_id,
        account_id,
        client_key: client_key.to_owned(),
        order_id: new_order_id(),
        items: items(lines),
        quota_limit: 1,
        lease: Duration::from_secs(60),
    }
}

fn release_of(reserved: &ReserveRequest) -> ReleaseRequest {
    ReleaseRequest {
        meal_point_id: reserved.meal_point_id,
        date: reserved.date,
        slot: reserved.slot.clone(),
        elder_id: reserved.elder_id,
        order_id: reserved.order_id.clone(),
        items: reserved.items.clone(),
        forget_client_key: None,
    }
}

/// The release of a reservation that never became an order: its key is dropped too.
fn abandon(reserved: &ReserveRequest) -> ReleaseRequest {
    ReleaseRequest {
        forget_client_key: Some((reserved.account_id, reserved.client_key.clone())),
        ..release_of(reserved)
    }
}

fn snapshot(portions: &[(i64, i64)]) -> MealPointSnapshot {
    MealPointSnapshot {
        meal_point_id: MEAL_POINT,
        offerings: portions
            .iter()
            .map(|&(offering_id, portions_left)| OfferingPortions {
                offering_id,
                date: meal_date(),
                portions_left,
            })
            .collect(),
        ..MealPointSnapshot::default()
    }
}

async fn load(store: &SharedReservations, snapshot: MealPointSnapshot) {
    assert_eq!(store.load(&snapshot).await, Ok(LoadOutcome::Loaded));
}

async fn reserve(store: &SharedReservations, request: &ReserveRequest) -> ReserveOutcome {
    match store.reserve(request).await {
        Ok(outcome) => outcome,
        Err(e) => panic!("reserve failed: {e}"),
    }
}

async fn left(store: &SharedReservations, offering_id: i64) -> Option<i64> {
    match store.portions_left(MEAL_POINT, offering_id).await {
        Ok(left) => left,
        Err(e) => panic!("portions_left failed: {e}"),
    }
}

async fn lefts(store: &SharedReservations, offering_ids: &[i64]) -> Vec<Option<i64>> {
    let mut all = Vec::with_capacity(offering_ids.len());
    for &offering_id in offering_ids {
        all.push(left(store, offering_id).await);
    }
    all
}

// ---------------------------------------------------------------------------------------------
// Cases, sequential

async fn duplicate_key_returns_the_first_order_and_takes_nothing(store: SharedReservations) {
    load(&store, snapshot(&[(101, 10), (102, 10)])).await;
    let first = booking(1, 11, "key-1", &[(101, 2), (102, 1)]);
    assert_eq!(reserve(&store, &first).await, ReserveOutcome::Reserved);
    assert_eq!(lefts(&store, &[101, 102]).await, [Some(8), Some(9)]);

    // A retry carries a new order id (the service makes one per attempt) and may even carry other
    // lines: the key alone decides, and the answer is the first order.
    let retry = booking(1, 11, "key-1", &[(101, 5)]);
    assert_eq!(
        reserve(&store, &retry).await,
        ReserveOutcome::Duplicate {
            order_id: first.order_id.clone()
        }
    );
    assert_eq!(lefts(&store, &[101, 102]).await, [Some(8), Some(9)]);
}

async fn idempotency_keys_are_scoped_by_account(store: SharedReservations) {
    load(&store, snapshot(&[(101, 10)])).await;
    let by_daughter = booking(1, 11, "same-key", &[(101, 1)]);
    let by_son = booking(2, 12, "same-key", &[(101, 1)]);
    assert_eq!(
        reserve(&store, &by_daughter).await,
        ReserveOutcome::Reserved
    );
    assert_eq!(reserve(&store, &by_son).await, ReserveOutcome::Reserved);
    assert_eq!(left(&store, 101).await, Some(8));
}

async fn quota_refuses_another_live_order_for_the_same_slot(store: SharedReservations) {
    load(&store, snapshot(&[(101, 10), (201, 10)])).await;
    assert_eq!(
        reserve(&store, &booking(1, 11, "a", &[(101, 1)])).await,
        ReserveOutcome::Reserved
    );
    // Another key, even from another family member's account, is another order: refused.
    assert_eq!(
        reserve(&store, &booking(1, 11, "b", &[(101, 1)])).await,
        ReserveOutcome::QuotaExceeded
    );
    assert_eq!(
        reserve(&store, &booking(1, 12, "c", &[(101, 1)])).await,
        ReserveOutcome::QuotaExceeded
    );
    assert_eq!(left(&store, 101).await, Some(9));

    // The quota is per date and slot: dinner the same day, and lunch the day after, are free.
    let mut dinner = booking(1, 11, "d", &[(201, 1)]);
    dinner.slot = "dinner".to_owned();
    assert_eq!(reserve(&store, &dinner).await, ReserveOutcome::Reserved);
    let mut next_day = booking(1, 11, "e", &[(101, 1)]);
    next_day.date = meal_date() + Days::new(1);
    assert_eq!(reserve(&store, &next_day).await, ReserveOutcome::Reserved);

    // A limit above one allows that many live orders and no more.
    let mut limit_two = booking(2, 21, "f", &[(101, 1)]);
    limit_two.quota_limit = 2;
    assert_eq!(reserve(&store, &limit_two).await, ReserveOutcome::Reserved);
    limit_two.client_key = "g".to_owned();
    limit_two.order_id = new_order_id();
    assert_eq!(reserve(&store, &limit_two).await, ReserveOutcome::Reserved);
    limit_two.client_key = "h".to_owned();
    limit_two.order_id = new_order_id();
    assert_eq!(
        reserve(&store, &limit_two).await,
        ReserveOutcome::QuotaExceeded
    );
}

async fn sold_out_is_all_or_nothing(store: SharedReservations) {
    load(&store, snapshot(&[(101, 5), (102, 5), (103, 1)])).await;
    let too_much = booking(1, 11, "k", &[(101, 2), (102, 2), (103, 2)]);
    assert_eq!(
        reserve(&store, &too_much).await,
        ReserveOutcome::SoldOut {
            offering_id: 103,
            left: 1
        }
    );
    assert_eq!(
        lefts(&store, &[101, 102, 103]).await,
        [Some(5), Some(5), Some(1)]
    );

    // Neither the quota nor the key was used up: the same elder and key can still book.
    let fits = booking(1, 11, "k", &[(101, 2), (102, 2), (103, 1)]);
    assert_eq!(reserve(&store, &fits).await, ReserveOutcome::Reserved);
    assert_eq!(
        lefts(&store, &[101, 102, 103]).await,
        [Some(3), Some(3), Some(0)]
    );

    // The first failing line is the one reported.
    assert_eq!(
        reserve(&store, &booking(2, 21, "m", &[(101, 4), (103, 1)])).await,
        ReserveOutcome::SoldOut {
            offering_id: 101,
            left: 3
        }
    );
    // An offering the state has no counter for is not sold out: the state is incomplete.
    assert_eq!(
        reserve(&store, &booking(2, 21, "n", &[(101, 1), (999, 1)])).await,
        ReserveOutcome::CounterMissing { offering_id: 999 }
    );
    assert_eq!(
        lefts(&store, &[101, 102, 103, 999]).await,
        [Some(3), Some(3), Some(0), None]
    );
}

async fn a_meal_point_that_is_not_loaded_changes_nothing(store: SharedReservations) {
    let request = booking(1, 11, "k", &[(101, 1)]);
    assert_eq!(reserve(&store, &request).await, ReserveOutcome::NotLoaded);
    assert_eq!(
        store.release(&release_of(&request)).await,
        Ok(ReleaseOutcome::NotLoaded)
    );
    assert_eq!(
        store.adjust_portions(MEAL_POINT, 101, meal_date(), 5).await,
        Ok(AdjustOutcome::NotLoaded)
    );
    assert_eq!(
        store.add_offering(MEAL_POINT, 101, meal_date(), 5).await,
        Ok(AdjustOutcome::NotLoaded)
    );
    assert_eq!(left(&store, 101).await, None);

    // Nothing above left a trace: after loading, the same key books and the release above did
    // not mark the order as released.
    load(&store, snapshot(&[(101, 3)])).await;
    assert_eq!(reserve(&store, &request).await, ReserveOutcome::Reserved);
    assert_eq!(left(&store, 101).await, Some(2));
    assert_eq!(
        store.release(&release_of(&request)).await,
        Ok(ReleaseOutcome::Released)
    );
    assert_eq!(left(&store, 101).await, Some(3));

    // Unloading drops everything; the meal point can be loaded again afresh.
    assert_eq!(store.unload(MEAL_POINT).await, Ok(()));
    assert_eq!(left(&store, 101).await, None);
    assert_eq!(reserve(&store, &request).await, ReserveOutcome::NotLoaded);
    load(&store, snapshot(&[(101, 7)])).await;
    assert_eq!(left(&store, 101).await, Some(7));
}

async fn a_second_load_keeps_the_first_state(store: SharedReservations) {
    load(&store, snapshot(&[(101, 10)])).await;
    assert_eq!(
        reserve(&store, &booking(1, 11, "k", &[(101, 1)])).await,
        ReserveOutcome::Reserved
    );
    assert_eq!(
        store.load(&snapshot(&[(101, 50), (102, 5)])).await,
        Ok(LoadOutcome::AlreadyLoaded)
    );
    assert_eq!(lefts(&store, &[101, 102]).await, [Some(9), None]);
}

async fn concurrent_rebuilders_load_exactly_once(store: SharedReservations) {
    let rebuilders = 10;
    let start = Arc::new(Barrier::new(rebuilders));
    let mut tasks = Vec::new();
    for portions in 1..=rebuilders as i64 {
        let store = Arc::clone(&store);
        let start = Arc::clone(&start);
        tasks.push(tokio::spawn(async move {
            start.wait().await;
            let outcome = store.load(&snapshot(&[(101, portions)])).await;
            (portions, outcome)
        }));
    }
    let mut winners = Vec::new();
    for task in tasks {
        let (portions, outcome) = task.await.unwrap_or_else(|e| panic!("{e}"));
        match outcome {
            Ok(LoadOutcome::Loaded) => winners.push(portions),
            Ok(LoadOutcome::AlreadyLoaded) => {}
            Err(e) => panic!("load failed: {e}"),
        }
    }
    assert_eq!(winners.len(), 1, "{winners:?}");
    assert_eq!(left(&store, 101).await, Some(winners[0]));
}

async fn release_gives_portions_back_exactly_once(store: SharedReservations) {
    load(&store, snapshot(&[(101, 3), (102, 3)])).await;
    let order = booking(1, 11, "k", &[(101, 2), (102, 1)]);
    assert_eq!(reserve(&store, &order).await, ReserveOutcome::Reserved);
    assert_eq!(lefts(&store, &[101, 102]).await, [Some(1), Some(2)]);

    let release = release_of(&order);
    assert_eq!(store.release(&release).await, Ok(ReleaseOutcome::Released));
    assert_eq!(lefts(&store, &[101, 102]).await, [Some(3), Some(3)]);
    assert_eq!(
        store.release(&release).await,
        Ok(ReleaseOutcome::AlreadyReleased)
    );
    assert_eq!(lefts(&store, &[101, 102]).await, [Some(3), Some(3)]);

    // The quota came back too: the elder may book again with a new key.
    assert_eq!(
        reserve(&store, &booking(1, 11, "k2", &[(101, 3)])).await,
        ReserveOutcome::Reserved
    );
    assert_eq!(left(&store, 101).await, Some(0));
}

async fn concurrent_releases_of_one_order_give_back_once(store: SharedReservations) {
    load(&store, snapshot(&[(101, 5)])).await;
    let order = booking(1, 11, "k", &[(101, 2)]);
    assert_eq!(reserve(&store, &order).await, ReserveOutcome::Reserved);

    let attempts = 10;
    let start = Arc::new(Barrier::new(attempts));
    let release = Arc::new(release_of(&order));
    let mut tasks = Vec::new();
    for _ in 0..attempts {
        let (store, start, release) =
            (Arc::clone(&store), Arc::clone(&start), Arc::clone(&release));
        tasks.push(tokio::spawn(async move {
            start.wait().await;
            store.release(&release).await
        }));
    }
    let mut released = 0;
    for task in tasks {
        match task.await.unwrap_or_else(|e| panic!("{e}")) {
            Ok(ReleaseOutcome::Released) => released += 1,
            Ok(ReleaseOutcome::AlreadyReleased) => {}
            other => panic!("unexpected release outcome {other:?}"),
        }
    }
    assert_eq!(released, 1);
    assert_eq!(left(&store, 101).await, Some(5));
}

async fn duplicate_after_release_still_returns_the_first_order(store: SharedReservations) {
    load(&store, snapshot(&[(101, 2)])).await;
    let order = booking(1, 11, "k", &[(101, 1)]);
    assert_eq!(reserve(&store, &order).await, ReserveOutcome::Reserved);
    assert_eq!(
        store.release(&release_of(&order)).await,
        Ok(ReleaseOutcome::Released)
    );
    // A retry that arrives after the cancellation must not quietly book a second order.
    let late_retry = booking(1, 11, "k", &[(101, 1)]);
    assert_eq!(
        reserve(&store, &late_retry).await,
        ReserveOutcome::Duplicate {
            order_id: order.order_id.clone()
        }
    );
    assert_eq!(left(&store, 101).await, Some(2));
}

async fn an_abandoned_reservation_frees_its_key_for_a_retry(store: SharedReservations) {
    load(&store, snapshot(&[(101, 2)])).await;
    let first = booking(1, 11, "k", &[(101, 1)]);
    assert_eq!(reserve(&store, &first).await, ReserveOutcome::Reserved);
    // Pricing or the database refused it after the reservation: no order exists.
    assert_eq!(
        store.release(&abandon(&first)).await,
        Ok(ReleaseOutcome::Released)
    );
    assert_eq!(left(&store, 101).await, Some(2));
    // The retry is booked afresh instead of waiting for an order that will never exist.
    let retry = booking(1, 11, "k", &[(101, 1)]);
    assert_eq!(reserve(&store, &retry).await, ReserveOutcome::Reserved);
    assert_eq!(left(&store, 101).await, Some(1));
    let another = booking(1, 11, "k", &[(101, 1)]);
    assert_eq!(
        reserve(&store, &another).await,
        ReserveOutcome::Duplicate {
            order_id: retry.order_id.clone()
        }
    );
}

async fn abandoning_keeps_a_key_that_names_another_order(store: SharedReservations) {
    load(&store, snapshot(&[(101, 5)])).await;
    let first = booking(1, 11, "k", &[(101, 1)]);
    assert_eq!(reserve(&store, &first).await, ReserveOutcome::Reserved);
    // A stray abandon for an order id the key does not name leaves the key alone.
    let stray = ReleaseRequest {
        order_id: new_order_id(),
        ..abandon(&first)
    };
    assert_eq!(store.release(&stray).await, Ok(ReleaseOutcome::Released));
    assert_eq!(
        reserve(&store, &booking(1, 11, "k", &[(101, 1)])).await,
        ReserveOutcome::Duplicate {
            order_id: first.order_id.clone()
        }
    );
}

async fn adjust_raises_lowers_and_refuses_below_zero(store: SharedReservations) {
    load(&store, snapshot(&[(101, 5)])).await;
    assert_eq!(
        reserve(&store, &booking(1, 11, "k", &[(101, 2)])).await,
        ReserveOutcome::Reserved
    );
    let date = meal_date();
    let adjust = |delta| store.adjust_portions(MEAL_POINT, 101, date, delta);
    assert_eq!(adjust(4).await, Ok(AdjustOutcome::Adjusted { left: 7 }));
    assert_eq!(adjust(0).await, Ok(AdjustOutcome::Adjusted { left: 7 }));
    assert_eq!(adjust(-7).await, Ok(AdjustOutcome::Adjusted { left: 0 }));
    // The two booked portions cannot be taken back.
    assert_eq!(
        adjust(-1).await,
        Ok(AdjustOutcome::WouldGoNegative { left: 0 })
    );
    assert_eq!(left(&store, 101).await, Some(0));

    // An offering without a counter cannot be changed by a delta (the change would be counted
    // from nothing): nothing happens, and its next booking fills it from the database.
    assert_eq!(
        store.adjust_portions(MEAL_POINT, 106, date, 10).await,
        Ok(AdjustOutcome::CounterMissing)
    );
    assert_eq!(
        store.adjust_portions(MEAL_POINT, 106, date, -1).await,
        Ok(AdjustOutcome::CounterMissing)
    );
    assert_eq!(left(&store, 106).await, None);
}

async fn publishing_an_offering_counts_its_portions_once(store: SharedReservations) {
    load(&store, snapshot(&[(101, 5)])).await;
    let date = meal_date();
    assert_eq!(
        store.add_offering(MEAL_POINT, 105, date, 10).await,
        Ok(AdjustOutcome::Adjusted { left: 10 })
    );
    assert_eq!(
        reserve(&store, &booking(2, 21, "k", &[(105, 3)])).await,
        ReserveOutcome::Reserved
    );
    // A rebuild that read the offering from the database before its publication reached the
    // store counted it already; the publication keeps that counter and what bookings did to it.
    assert_eq!(
        store.add_offering(MEAL_POINT, 105, date, 10).await,
        Ok(AdjustOutcome::Adjusted { left: 7 })
    );
    assert_eq!(left(&store, 105).await, Some(7));
    assert!(matches!(
        store.add_offering(MEAL_POINT, 106, date, -1).await,
        Err(ReservationError::Invalid(_))
    ));
    assert_eq!(left(&store, 106).await, None);
}

async fn a_missing_counter_is_filled_from_the_database_not_sold_out(store: SharedReservations) {
    // Offering 102 was published while the store could not be reached: loaded without it.
    load(&store, snapshot(&[(101, 10)])).await;
    let first = booking(1, 11, "k1", &[(101, 1)]);
    assert_eq!(reserve(&store, &first).await, ReserveOutcome::Reserved);

    let wants_102 = booking(2, 21, "k2", &[(101, 1), (102, 1)]);
    assert_eq!(
        reserve(&store, &wants_102).await,
        ReserveOutcome::CounterMissing { offering_id: 102 }
    );
    // Nothing was taken: 101 as it was, elder 2's quota and key unused.
    assert_eq!(lefts(&store, &[101, 102]).await, [Some(9), None]);

    // The database (read before the first booking was written) has 10 of 101 and 4 of 102.
    let mut from_database = snapshot(&[(101, 10), (102, 4)]);
    from_database.idempotency.push(IdempotencyRecord {
        account_id: 99,
        client_key: "older".to_owned(),
        order_id: new_order_id(),
    });
    assert_eq!(
        store.fill(&from_database).await,
        Ok(FillOutcome { counters_filled: 1 })
    );
    // Filled only what was missing; the booking's effect on 101 stays.
    assert_eq!(lefts(&store, &[101, 102]).await, [Some(9), Some(4)]);
    assert_eq!(reserve(&store, &wants_102).await, ReserveOutcome::Reserved);
    assert_eq!(lefts(&store, &[101, 102]).await, [Some(8), Some(3)]);
    // The first booking's key and quota survived the fill; the record it filled answers too.
    assert_eq!(
        reserve(&store, &booking(1, 11, "k1", &[(101, 1)])).await,
        ReserveOutcome::Duplicate {
            order_id: first.order_id.clone()
        }
    );
    assert_eq!(
        reserve(&store, &booking(1, 12, "k3", &[(101, 1)])).await,
        ReserveOutcome::QuotaExceeded
    );
    assert_eq!(
        reserve(&store, &booking(9, 99, "older", &[(101, 1)])).await,
        ReserveOutcome::Duplicate {
            order_id: from_database.idempotency[0].order_id.clone()
        }
    );

    // Filling a meal point that is not loaded at all installs the snapshot and marks it loaded.
    assert_eq!(store.unload(MEAL_POINT).await, Ok(()));
    assert_eq!(
        store.fill(&snapshot(&[(101, 6)])).await,
        Ok(FillOutcome { counters_filled: 1 })
    );
    assert_eq!(
        reserve(&store, &booking(3, 31, "k4", &[(101, 1)])).await,
        ReserveOutcome::Reserved
    );
    assert_eq!(left(&store, 101).await, Some(5));
}

/// Book, cancel, lose the state and rebuild, publish: with the service's clock far from the
/// real one (and so from Redis's), for a meal the day after the service's today.
async fn booking_holds_with_the_service_clock(store: SharedReservations, clock: Clock) {
    let date = clock.today() + Days::new(1);
    let on_date = |mut request: ReserveRequest| {
        request.date = date;
        request
    };
    let mut loaded = snapshot(&[(101, 3)]);
    loaded.offerings[0].date = date;
    load(&store, loaded).await;

    let first = on_date(booking(1, 11, "a", &[(101, 1)]));
    let second = on_date(booking(2, 21, "b", &[(101, 1)]));
    assert_eq!(reserve(&store, &first).await, ReserveOutcome::Reserved);
    assert_eq!(reserve(&store, &second).await, ReserveOutcome::Reserved);
    assert_eq!(left(&store, 101).await, Some(1));
    // The quota written by the first booking is still there a moment later.
    assert_eq!(
        reserve(&store, &on_date(booking(1, 12, "c", &[(101, 1)]))).await,
        ReserveOutcome::QuotaExceeded
    );
    assert_eq!(
        store.release(&release_of(&second)).await,
        Ok(ReleaseOutcome::Released)
    );
    assert_eq!(left(&store, 101).await, Some(2));

    // The state is lost (a Redis restart) and rebuilt from the database.
    assert_eq!(store.unload(MEAL_POINT).await, Ok(()));
    let mut rebuilt = snapshot(&[(101, 2)]);
    rebuilt.offerings[0].date = date;
    rebuilt.quotas.push(ElderQuota {
        elder_id: 1,
        date,
        slot: "lunch".to_owned(),
        live_orders: 1,
    });
    rebuilt.released_orders.push(second.order_id.clone());
    load(&store, rebuilt).await;
    assert_eq!(
        store.release(&release_of(&second)).await,
        Ok(ReleaseOutcome::AlreadyReleased)
    );
    assert_eq!(
        reserve(&store, &on_date(booking(3, 31, "d", &[(101, 2)]))).await,
        ReserveOutcome::Reserved
    );
    assert_eq!(left(&store, 101).await, Some(0));

    // A dish published now sells at once.
    assert_eq!(
        store.add_offering(MEAL_POINT, 102, date, 4).await,
        Ok(AdjustOutcome::Adjusted { left: 4 })
    );
    assert_eq!(
        reserve(&store, &on_date(booking(4, 41, "e", &[(102, 1)]))).await,
        ReserveOutcome::Reserved
    );
    assert_eq!(lefts(&store, &[101, 102]).await, [Some(0), Some(3)]);
}

async fn booking_holds_with_the_service_clock_a_month_behind(
    store: SharedReservations,
    clock: Clock,
) {
    booking_holds_with_the_service_clock(store, clock).await;
}

async fn booking_holds_with_the_service_clock_a_month_ahead(
    store: SharedReservations,
    clock: Clock,
) {
    booking_holds_with_the_service_clock(store, clock).await;
}

async fn a_rebuild_restores_quotas_keys_and_releases(store: SharedReservations) {
    // The database says: elder 1 holds live order X (key "old" of account 11, two portions of
    // 101, already left out of the 8), and order Y was cancelled before the snapshot was read.
    let order_x = new_order_id();
    let order_y = new_order_id();
    let mut rebuilt = snapshot(&[(101, 8)]);
    rebuilt.quotas.push(ElderQuota {
        elder_id: 1,
        date: meal_date(),
        slot: "lunch".to_owned(),
        live_orders: 1,
    });
    rebuilt.idempotency.push(IdempotencyRecord {
        account_id: 11,
        client_key: "old".to_owned(),
        order_id: order_x.clone(),
    });
    rebuilt.released_orders.push(order_y.clone());
    load(&store, rebuilt).await;

    assert_eq!(
        reserve(&store, &booking(1, 11, "new", &[(101, 1)])).await,
        ReserveOutcome::QuotaExceeded
    );
    assert_eq!(
        reserve(&store, &booking(1, 11, "old", &[(101, 1)])).await,
        ReserveOutcome::Duplicate {
            order_id: order_x.clone()
        }
    );

    // Y's portions are already back in the 8: releasing it again must not add them twice.
    let mut release_y = release_of(&booking(2, 21, "y", &[(101, 2)]));
    release_y.order_id = order_y;
    assert_eq!(
        store.release(&release_y).await,
        Ok(ReleaseOutcome::AlreadyReleased)
    );
    assert_eq!(left(&store, 101).await, Some(8));

    // X was live when the snapshot was read, so cancelling it now gives its portions back.
    let mut release_x = release_of(&booking(1, 11, "old", &[(101, 2)]));
    release_x.order_id = order_x;
    assert_eq!(
        store.release(&release_x).await,
        Ok(ReleaseOutcome::Released)
    );
    assert_eq!(left(&store, 101).await, Some(10));
    assert_eq!(
        reserve(&store, &booking(1, 11, "new", &[(101, 1)])).await,
        ReserveOutcome::Reserved
    );
}

async fn invalid_requests_are_refused(store: SharedReservations) {
    load(&store, snapshot(&[(101, 10)])).await;
    let valid = booking(1, 11, "k", &[(101, 1)]);
    let mut broken = Vec::new();
    let mut request = valid.clone();
    request.items.clear();
    broken.push(("no lines", request));
    let mut request = valid.clone();
    request.items = items(
        &(0..=MAX_ITEMS_PER_BOOKING as i64)
            .map(|i| (1000 + i, 1))
            .collect::<Vec<_>>(),
    );
    broken.push(("too many lines", request));
    let mut request = valid.clone();
    request.items = items(&[(101, 0)]);
    broken.push(("zero quantity", request));
    let mut request = valid.clone();
    request.items = items(&[(101, -1)]);
    broken.push(("negative quantity", request));
    let mut request = valid.clone();
    request.items = items(&[(101, 1000)]);
    broken.push(("absurd quantity", request));
    let mut request = valid.clone();
    request.items = items(&[(101, 1), (102, 1), (101, 1)]);
    broken.push(("offering twice", request));
    let mut request = valid.clone();
    request.slot = "brunch".to_owned();
    broken.push(("unknown slot", request));
    let mut request = valid.clone();
    request.client_key.clear();
    broken.push(("empty key", request));
    let mut request = valid.clone();
    request.client_key = "k".repeat(200);
    broken.push(("long key", request));
    let mut request = valid.clone();
    request.order_id.clear();
    broken.push(("empty order id", request));
    let mut request = valid.clone();
    request.quota_limit = 0;
    broken.push(("zero quota", request));
    for (what, request) in &broken {
        assert!(
            matches!(
                store.reserve(request).await,
                Err(ReservationError::Invalid(_))
            ),
            "{what} was not refused"
        );
    }
    let mut release = release_of(&valid);
    release.items = items(&[(101, 1), (101, 1)]);
    assert!(matches!(
        store.release(&release).await,
        Err(ReservationError::Invalid(_))
    ));
    assert!(matches!(
        store
            .adjust_portions(MEAL_POINT, 101, meal_date(), 10_000_000)
            .await,
        Err(ReservationError::Invalid(_))
    ));
    assert!(matches!(
        store
            .adjust_portions(MEAL_POINT, 101, meal_date(), i64::MIN)
            .await,
        Err(ReservationError::Invalid(_))
    ));
    let mut other_meal_point = snapshot(&[(101, -1)]);
    other_meal_point.meal_point_id = MEAL_POINT + 1;
    assert!(matches!(
        store.load(&other_meal_point).await,
        Err(ReservationError::Invalid(_))
    ));

    // None of it touched the state, and the valid request still goes through.
    assert_eq!(left(&store, 101).await, Some(10));
    assert_eq!(reserve(&store, &valid).await, ReserveOutcome::Reserved);
}

async fn ping_answers(store: SharedReservations) {
    assert_eq!(store.ping().await, Ok(()));
    assert!(["redis", "in-process"].contains(&store.backend()));
}

// ---------------------------------------------------------------------------------------------
// Cases, concurrent: every task waits at a barrier so that they really hit the store together.

async fn oversubscribed_three_times_sells_exactly_the_portions(store: SharedReservations) {
    let portions = 50;
    let elders = 150;
    load(&store, snapshot(&[(101, portions)])).await;
    let start = Arc::new(Barrier::new(elders as usize));
    let mut tasks = Vec::new();
    for elder in 1..=elders {
        let (store, start) = (Arc::clone(&store), Arc::clone(&start));
        tasks.push(tokio::spawn(async move {
            let request = booking(elder, elder, &format!("elder-{elder}"), &[(101, 1)]);
            start.wait().await;
            store.reserve(&request).await
        }));
    }
    let mut sold = 0;
    for task in tasks {
        match task.await.unwrap_or_else(|e| panic!("{e}")) {
            Ok(ReserveOutcome::Reserved) => sold += 1,
            Ok(ReserveOutcome::SoldOut {
                offering_id: 101,
                left: 0,
            }) => {}
            other => panic!("unexpected outcome {other:?}"),
        }
    }
    assert_eq!(sold, portions);
    assert_eq!(left(&store, 101).await, Some(0));
}

async fn concurrent_retries_of_one_key_reserve_once(store: SharedReservations) {
    load(&store, snapshot(&[(101, 10)])).await;
    let retries = 20;
    let start = Arc::new(Barrier::new(retries));
    let mut tasks = Vec::new();
    for _ in 0..retries {
        let (store, start) = (Arc::clone(&store), Arc::clone(&start));
        tasks.push(tokio::spawn(async move {
            let request = booking(1, 11, "double-tapped", &[(101, 2)]);
            start.wait().await;
            let outcome = store.reserve(&request).await;
            (request.order_id, outcome)
        }));
    }
    let mut reserved_order = None;
    let mut answered_orders = HashSet::new();
    for task in tasks {
        let (own_order, outcome) = task.await.unwrap_or_else(|e| panic!("{e}"));
        match outcome {
            Ok(ReserveOutcome::Reserved) => {
                assert!(reserved_order.is_none(), "reserved twice");
                reserved_order = Some(own_order.clone());
                answered_orders.insert(own_order);
            }
            Ok(ReserveOutcome::Duplicate { order_id }) => {
                answered_orders.insert(order_id);
            }
            other => panic!("unexpected outcome {other:?}"),
        }
    }
    let Some(reserved_order) = reserved_order else {
        panic!("no attempt reserved");
    };
    assert_eq!(answered_orders, HashSet::from([reserved_order]));
    assert_eq!(left(&store, 101).await, Some(8));
}

async fn two_family_members_race_for_the_last_portion(store: SharedReservations) {
    // Many rounds, each on its own single-portion offering and elder, to give the race many
    // chances to go either way.
    let rounds: i64 = 25;
    load(
        &store,
        snapshot(&(1..=rounds).map(|r| (r, 1)).collect::<Vec<_>>()),
    )
    .await;
    for round in 1..=rounds {
        let start = Arc::new(Barrier::new(2));
        let mut tasks = Vec::new();
        for account in [1000 + round, 2000 + round] {
            let (store, start) = (Arc::clone(&store), Arc::clone(&start));
            tasks.push(tokio::spawn(async move {
                let request = booking(round, account, &format!("from-{account}"), &[(round, 1)]);
                start.wait().await;
                store.reserve(&request).await
            }));
        }
        let mut reserved = 0;
        for task in tasks {
            match task.await.unwrap_or_else(|e| panic!("{e}")) {
                Ok(ReserveOutcome::Reserved) => reserved += 1,
                Ok(ReserveOutcome::QuotaExceeded | ReserveOutcome::SoldOut { left: 0, .. }) => {}
                other => panic!("unexpected outcome {other:?}"),
            }
        }
        assert_eq!(reserved, 1, "round {round}");
        assert_eq!(left(&store, round).await, Some(0), "round {round}");
    }
}

async fn release_racing_a_reserve_of_the_last_portion_stays_consistent(store: SharedReservations) {
    let rounds: i64 = 25;
    load(
        &store,
        snapshot(&(1..=rounds).map(|r| (r, 1)).collect::<Vec<_>>()),
    )
    .await;
    for round in 1..=rounds {
        let holder = booking(round, round, "holder", &[(round, 1)]);
        assert_eq!(reserve(&store, &holder).await, ReserveOutcome::Reserved);

        let start = Arc::new(Barrier::new(2));
        let cancel = {
            let (store, start) = (Arc::clone(&store), Arc::clone(&start));
            let release = release_of(&holder);
            tokio::spawn(async move {
                start.wait().await;
                store.release(&release).await
            })
        };
        let newcomer = {
            let (store, start) = (Arc::clone(&store), Arc::clone(&start));
            let request = booking(1000 + round, 1000 + round, "newcomer", &[(round, 1)]);
            tokio::spawn(async move {
                start.wait().await;
                store.reserve(&request).await
            })
        };
        let cancelled = cancel.await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(cancelled, Ok(ReleaseOutcome::Released));
        let still_reserved = match newcomer.await.unwrap_or_else(|e| panic!("{e}")) {
            Ok(ReserveOutcome::Reserved) => 1,
            Ok(ReserveOutcome::SoldOut { left: 0, .. }) => 0,
            other => panic!("unexpected outcome {other:?}"),
        };
        // Capacity 1 = what is left + what is still booked, whichever came first.
        assert_eq!(
            left(&store, round).await,
            Some(1 - still_reserved),
            "round {round}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Redis only: what the in-process store has no equivalent of.

async fn counters_and_records_get_their_expiry(store: Arc<RedisReservations>) {
    use super::redis::MealPointKeys;

    let shared: SharedReservations = store.clone();
    load(&shared, snapshot(&[(101, 5)])).await;
    let order = booking(1, 11, "k", &[(101, 1)]);
    assert_eq!(reserve(&shared, &order).await, ReserveOutcome::Reserved);
    assert_eq!(
        shared.release(&release_of(&order)).await,
        Ok(ReleaseOutcome::Released)
    );

    let keys = MealPointKeys::new(&store_prefix(&store), MEAL_POINT);
    let mut connection = store.raw_connection();
    let mut ttl_of = async |key: String| -> i64 {
        ::redis::cmd("TTL")
            .arg(&key)
            .query_async(&mut connection)
            .await
            .unwrap_or_else(|e| panic!("TTL {key}: {e}"))
    };
    let day = 24 * 60 * 60;
    let record_ttl = 3 * day;
    // Counters live until the meal day (tomorrow, in Shanghai) ends plus three days: more than
    // three days and at most five from now.
    let counters_live = 3 * day..=5 * day;
    assert_eq!(ttl_of(keys.loaded()).await, -1, "the marker never expires");
    assert!(counters_live.contains(&ttl_of(keys.portions_left(101)).await));
    assert!(counters_live.contains(&ttl_of(keys.quota(1, meal_date(), "lunch")).await));
    let idempotency_ttl = ttl_of(keys.idempotency(11, "k")).await;
    assert!((record_ttl - 60..=record_ttl).contains(&idempotency_ttl));
    let released_ttl = ttl_of(keys.released(&order.order_id)).await;
    assert!((record_ttl - 60..=record_ttl).contains(&released_ttl));

    // A counter first created by a publication gets the same expiry as a loaded one.
    assert_eq!(
        shared.add_offering(MEAL_POINT, 105, meal_date(), 3).await,
        Ok(AdjustOutcome::Adjusted { left: 3 })
    );
    assert!(counters_live.contains(&ttl_of(keys.portions_left(105)).await));
}

/// However far the service's clock is from Redis's, a meal's counters live from the service's
/// now to the end of the meal day plus the retention, and never less than a day.
async fn counters_live_by_the_service_clock(store: Arc<RedisReservations>, clock: Clock) {
    use super::redis::MealPointKeys;

    let shared: SharedReservations = store.clone();
    let date = clock.today() + Days::new(1);
    let mut loaded = snapshot(&[(101, 5)]);
    loaded.offerings[0].date = date;
    load(&shared, loaded).await;
    let mut order = booking(1, 11, "k", &[(101, 1)]);
    order.date = date;
    assert_eq!(reserve(&shared, &order).await, ReserveOutcome::Reserved);
    assert_eq!(
        shared.add_offering(MEAL_POINT, 102, date, 3).await,
        Ok(AdjustOutcome::Adjusted { left: 3 })
    );

    let keys = MealPointKeys::new(&store_prefix(&store), MEAL_POINT);
    let mut connection = store.raw_connection();
    let day = 24 * 60 * 60;
    // From the service's now: more than a day (tomorrow's end) plus three days of retention.
    let counters_live = 4 * day..=5 * day;
    for key in [
        keys.portions_left(101),
        keys.portions_left(102),
        keys.quota(1, date, "lunch"),
    ] {
        let ttl: i64 = ::redis::cmd("TTL")
            .arg(&key)
            .query_async(&mut connection)
            .await
            .unwrap_or_else(|e| panic!("TTL {key}: {e}"));
        assert!(counters_live.contains(&ttl), "{key} lives {ttl} s");
    }
}

async fn a_counter_redis_lost_is_filled_not_sold_out(store: Arc<RedisReservations>) {
    use super::redis::MealPointKeys;

    let shared: SharedReservations = store.clone();
    load(&shared, snapshot(&[(101, 5), (102, 5)])).await;
    let first = booking(1, 11, "k1", &[(101, 1), (102, 1)]);
    assert_eq!(reserve(&shared, &first).await, ReserveOutcome::Reserved);

    // Redis dropped one counter (an eviction, an expiry computed from the wrong clock).
    let keys = MealPointKeys::new(&store_prefix(&store), MEAL_POINT);
    let mut connection = store.raw_connection();
    let () = ::redis::cmd("DEL")
        .arg(keys.portions_left(102))
        .query_async(&mut connection)
        .await
        .unwrap_or_else(|e| panic!("DEL: {e}"));

    let next = booking(2, 21, "k2", &[(102, 1)]);
    assert_eq!(
        reserve(&shared, &next).await,
        ReserveOutcome::CounterMissing { offering_id: 102 }
    );
    // The database says 4 of 102 are left (the first booking is written there).
    assert_eq!(
        shared.fill(&snapshot(&[(101, 4), (102, 4)])).await,
        Ok(FillOutcome { counters_filled: 1 })
    );
    assert_eq!(reserve(&shared, &next).await, ReserveOutcome::Reserved);
    assert_eq!(lefts(&shared, &[101, 102]).await, [Some(4), Some(3)]);
}

async fn a_redis_that_lost_its_data_answers_not_loaded_until_rebuilt(
    store: Arc<RedisReservations>,
) {
    let shared: SharedReservations = store.clone();
    load(&shared, snapshot(&[(101, 5)])).await;
    let order = booking(1, 11, "k", &[(101, 1)]);
    assert_eq!(reserve(&shared, &order).await, ReserveOutcome::Reserved);

    // What a restart without persistence does to this meal point's keys.
    assert_eq!(store.purge_key_prefix().await, Ok(()));
    let next = booking(2, 21, "k", &[(101, 1)]);
    assert_eq!(reserve(&shared, &next).await, ReserveOutcome::NotLoaded);

    // The rebuild reads 4 left, elder 1's live order and its key from the database.
    let mut rebuilt = snapshot(&[(101, 4)]);
    rebuilt.quotas.push(ElderQuota {
        elder_id: 1,
        date: meal_date(),
        slot: "lunch".to_owned(),
        live_orders: 1,
    });
    rebuilt.idempotency.push(IdempotencyRecord {
        account_id: 11,
        client_key: "k".to_owned(),
        order_id: order.order_id.clone(),
    });
    load(&shared, rebuilt).await;
    assert_eq!(reserve(&shared, &next).await, ReserveOutcome::Reserved);
    assert_eq!(
        reserve(&shared, &booking(1, 11, "k", &[(101, 1)])).await,
        ReserveOutcome::Duplicate {
            order_id: order.order_id
        }
    );
    assert_eq!(left(&shared, 101).await, Some(3));
}

async fn a_corrupt_counter_is_reported_and_nothing_changes(store: Arc<RedisReservations>) {
    use super::redis::MealPointKeys;

    let shared: SharedReservations = store.clone();
    load(&shared, snapshot(&[(101, 5), (102, 5)])).await;
    let keys = MealPointKeys::new(&store_prefix(&store), MEAL_POINT);
    let mut connection = store.raw_connection();
    let () = ::redis::cmd("SET")
        .arg(keys.portions_left(102))
        .arg("five")
        .query_async(&mut connection)
        .await
        .unwrap_or_else(|e| panic!("SET: {e}"));

    let order = booking(1, 11, "k", &[(101, 1), (102, 1)]);
    assert!(matches!(
        shared.reserve(&order).await,
        Err(ReservationError::Corrupt(_))
    ));
    // The check failed before any write: 101 untouched, quota and key not used.
    assert_eq!(left(&shared, 101).await, Some(5));
    assert_eq!(
        reserve(&shared, &booking(1, 11, "k", &[(101, 1)])).await,
        ReserveOutcome::Reserved
    );
}

fn store_prefix(store: &RedisReservations) -> String {
    store.key_prefix().to_owned()
}

// The harness's macros are in scope for modules declared after them.
#[path = "conformance_fence.rs"]
mod fence;

#[path = "conformance_lease.rs"]
mod lease;
