//! The reservation contract in process memory, for a single-instance install and development.
//!
//! One `std::sync::Mutex` guards every meal point. Each operation takes the lock, decides, applies
//! and lets go without awaiting anything, so holding it is a few microseconds of map work and a
//! contended async lock would only add cost. The lock being global rather than per meal point is
//! deliberate: the Redis store is the one built for the city-wide peak; this one only has to be
//! obviously correct.
//!
//! Nothing here expires, unlike the Redis store's TTLs. A process restart (every deploy) forgets
//! everything and the next booking rebuilds from the database, which loads only the recent window;
//! between restarts a single-instance install gains a few hundred orders' records a day, a few
//! megabytes a year at most. A clock-driven cleanup would be more code that can be wrong, for no
//! gain at that size.

use std::collections::{HashMap, HashSet};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Instant;

use chrono::NaiveDate;

use super::{
    AdjustOutcome, FillOutcome, LoadOutcome, MealPointFence, MealPointSnapshot, ReleaseOutcome,
    ReleaseRequest, ReservationError, ReservationStore, ReserveOutcome, ReserveRequest,
    StoreFuture, validate_adjustment, validate_new_offering,
};

/// (elder, date, slot): the scope of an elder's quota.
type QuotaScope = (i64, NaiveDate, String);

/// (account, client key): the scope of an idempotency key.
type IdempotencyScope = (i64, String);

#[derive(Debug, Default)]
pub struct InProcessReservations {
    /// A meal point is loaded exactly when it has an entry here.
    meal_points: Mutex<HashMap<i64, MealPointState>>,
    /// Fences live apart from the loaded state, because a fence is kept whether or not the meal
    /// point is loaded. Lock order: `meal_points` first, then `fences`.
    fences: Mutex<HashMap<i64, MealPointFence>>,
}

#[derive(Debug, Default)]
struct MealPointState {
    portions_left: HashMap<i64, i64>,
    live_orders: HashMap<QuotaScope, u32>,
    first_order_of_key: HashMap<IdempotencyScope, String>,
    released_orders: HashSet<String>,
    /// Unconfirmed reservations by order id: what gives each back, and when its lease runs out
    /// (process time: a lease is a duration, whatever the service's business clock says).
    pending: HashMap<String, (ReleaseRequest, Instant)>,
}

impl InProcessReservations {
    pub fn new() -> Self {
        Self::default()
    }

    fn meal_points(&self) -> MutexGuard<'_, HashMap<i64, MealPointState>> {
        // Every operation computes all its new values before it writes the first one, and the
        // writes are plain map inserts, so a panic while the lock is held cannot leave a booking
        // half applied. Carrying on past a poisoned lock is therefore safe, and better than
        // refusing every booking until the process restarts.
        self.meal_points
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    fn fences(&self) -> MutexGuard<'_, HashMap<i64, MealPointFence>> {
        // Same reasoning as `meal_points`: a fence is one insert, never half written.
        self.fences.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Keeps the newer of the held fence and `fence` (see `ReservationStore::fence`).
    fn keep_newest_fence(
        fences: &mut HashMap<i64, MealPointFence>,
        meal_point_id: i64,
        fence: MealPointFence,
    ) {
        let held = fences.entry(meal_point_id).or_insert(fence);
        if held.epoch <= fence.epoch {
            *held = fence;
        }
    }

    fn reserve_now(&self, request: &ReserveRequest) -> Result<ReserveOutcome, ReservationError> {
        request.validate()?;
        let mut meal_points = self.meal_points();
        let Some(state) = meal_points.get_mut(&request.meal_point_id) else {
            return Ok(ReserveOutcome::NotLoaded);
        };
        let key_scope = (request.account_id, request.client_key.clone());
        if let Some(first) = state.first_order_of_key.get(&key_scope) {
            return Ok(ReserveOutcome::Duplicate {
                order_id: first.clone(),
            });
        }
        // Checked under the meal-point lock, so a fence set meanwhile is seen by every booking
        // that takes portions after it.
        if self
            .fences()
            .get(&request.meal_point_id)
            .is_some_and(|fence| fence.refuses(request.date))
        {
            return Ok(ReserveOutcome::Closed);
        }
        let quota_scope = (request.elder_id, request.date, request.slot.clone());
        let live = state.live_orders.get(&quota_scope).copied().unwrap_or(0);
        if live >= request.quota_limit {
            return Ok(ReserveOutcome::QuotaExceeded);
        }
        for item in &request.items {
            let Some(&left) = state.portions_left.get(&item.offering_id) else {
                return Ok(ReserveOutcome::CounterMissing {
                    offering_id: item.offering_id,
                });
            };
            if left < item.quantity {
                return Ok(ReserveOutcome::SoldOut {
                    offering_id: item.offering_id,
                    left,
                });
            }
        }
        // Every check passed, so no subtraction below can go negative: apply them all.
        for item in &request.items {
            if let Some(left) = state.portions_left.get_mut(&item.offering_id) {
                *left -= item.quantity;
            }
        }
        state.live_orders.insert(quota_scope, live + 1);
        state
            .first_order_of_key
            .insert(key_scope, request.order_id.clone());
        state.pending.insert(
            request.order_id.clone(),
            (request.abandonment(), Instant::now() + request.lease),
        );
        Ok(ReserveOutcome::Reserved)
    }

    fn release_now(&self, request: &ReleaseRequest) -> Result<ReleaseOutcome, ReservationError> {
        request.validate()?;
        let mut meal_points = self.meal_points();
        let Some(state) = meal_points.get_mut(&request.meal_point_id) else {
            return Ok(ReleaseOutcome::NotLoaded);
        };
        // Whatever the answer, the reservation is no longer pending.
        state.pending.remove(&request.order_id);
        if state.released_orders.contains(&request.order_id) {
            return Ok(ReleaseOutcome::AlreadyReleased);
        }
        // Work out every new count first so that an (absurd) overflow refuses the whole release.
        let mut given_back = Vec::with_capacity(request.items.len());
        for item in &request.items {
            // Only offerings the store knows get portions back; see the module docs of `super`.
            if let Some(&left) = state.portions_left.get(&item.offering_id) {
                let after = left.checked_add(item.quantity).ok_or_else(|| {
                    ReservationError::Corrupt(format!(
                        "portions of offering {} would overflow",
                        item.offering_id
                    ))
                })?;
                given_back.push((item.offering_id, after));
            }
        }
        state.portions_left.extend(given_back);
        let quota_scope = (request.elder_id, request.date, request.slot.clone());
        if let Some(live) = state.live_orders.get_mut(&quota_scope) {
            *live = live.saturating_sub(1);
        }
        state.released_orders.insert(request.order_id.clone());
        if let Some(key_scope) = &request.forget_client_key
            && state.first_order_of_key.get(key_scope) == Some(&request.order_id)
        {
            state.first_order_of_key.remove(key_scope);
        }
        Ok(ReleaseOutcome::Released)
    }

    fn load_now(&self, snapshot: &MealPointSnapshot) -> Result<LoadOutcome, ReservationError> {
        snapshot.validate()?;
        let mut meal_points = self.meal_points();
        Self::keep_newest_fence(&mut self.fences(), snapshot.meal_point_id, snapshot.fence);
        if meal_points.contains_key(&snapshot.meal_point_id) {
            return Ok(LoadOutcome::AlreadyLoaded);
        }
        let state = MealPointState {
            portions_left: snapshot
                .offerings
                .iter()
                .map(|o| (o.offering_id, o.portions_left))
                .collect(),
            live_orders: snapshot
                .quotas
                .iter()
                .map(|q| ((q.elder_id, q.date, q.slot.clone()), q.live_orders))
                .collect(),
            first_order_of_key: snapshot
                .idempotency
                .iter()
                .map(|r| ((r.account_id, r.client_key.clone()), r.order_id.clone()))
                .collect(),
            released_orders: snapshot.released_orders.iter().cloned().collect(),
            pending: HashMap::new(),
        };
        meal_points.insert(snapshot.meal_point_id, state);
        Ok(LoadOutcome::Loaded)
    }

    fn fill_now(&self, snapshot: &MealPointSnapshot) -> Result<FillOutcome, ReservationError> {
        snapshot.validate()?;
        let mut meal_points = self.meal_points();
        Self::keep_newest_fence(&mut self.fences(), snapshot.meal_point_id, snapshot.fence);
        let state = meal_points.entry(snapshot.meal_point_id).or_default();
        let mut counters_filled = 0;
        for offering in &snapshot.offerings {
            if let std::collections::hash_map::Entry::Vacant(vacant) =
                state.portions_left.entry(offering.offering_id)
            {
                vacant.insert(offering.portions_left);
                counters_filled += 1;
            }
        }
        for quota in &snapshot.quotas {
            state
                .live_orders
                .entry((quota.elder_id, quota.date, quota.slot.clone()))
                .or_insert(quota.live_orders);
        }
        for record in &snapshot.idempotency {
            state
                .first_order_of_key
                .entry((record.account_id, record.client_key.clone()))
                .or_insert_with(|| record.order_id.clone());
        }
        state
            .released_orders
            .extend(snapshot.released_orders.iter().cloned());
        Ok(FillOutcome { counters_filled })
    }

    fn add_offering_now(
        &self,
        meal_point_id: i64,
        offering_id: i64,
        portions: i64,
    ) -> Result<AdjustOutcome, ReservationError> {
        validate_new_offering(portions)?;
        let mut meal_points = self.meal_points();
        let Some(state) = meal_points.get_mut(&meal_point_id) else {
            return Ok(AdjustOutcome::NotLoaded);
        };
        let left = *state.portions_left.entry(offering_id).or_insert(portions);
        Ok(AdjustOutcome::Adjusted { left })
    }

    fn adjust_now(
        &self,
        meal_point_id: i64,
        offering_id: i64,
        delta: i64,
    ) -> Result<AdjustOutcome, ReservationError> {
        validate_adjustment(delta)?;
        let mut meal_points = self.meal_points();
        let Some(state) = meal_points.get_mut(&meal_point_id) else {
            return Ok(AdjustOutcome::NotLoaded);
        };
        let Some(&left) = state.portions_left.get(&offering_id) else {
            return Ok(AdjustOutcome::CounterMissing);
        };
        let after = left.checked_add(delta).ok_or_else(|| {
            ReservationError::Corrupt(format!("portions of offering {offering_id} would overflow"))
        })?;
        if after < 0 {
            return Ok(AdjustOutcome::WouldGoNegative { left });
        }
        state.portions_left.insert(offering_id, after);
        Ok(AdjustOutcome::Adjusted { left: after })
    }
}

impl ReservationStore for InProcessReservations {
    fn backend(&self) -> &'static str {
        "in-process"
    }

    fn reserve<'a>(&'a self, request: &'a ReserveRequest) -> StoreFuture<'a, ReserveOutcome> {
        Box::pin(async move { self.reserve_now(request) })
    }

    fn release<'a>(&'a self, request: &'a ReleaseRequest) -> StoreFuture<'a, ReleaseOutcome> {
        Box::pin(async move { self.release_now(request) })
    }

    fn load<'a>(&'a self, snapshot: &'a MealPointSnapshot) -> StoreFuture<'a, LoadOutcome> {
        Box::pin(async move { self.load_now(snapshot) })
    }

    fn fill<'a>(&'a self, snapshot: &'a MealPointSnapshot) -> StoreFuture<'a, FillOutcome> {
        Box::pin(async move { self.fill_now(snapshot) })
    }

    fn add_offering(
        &self,
        meal_point_id: i64,
        offering_id: i64,
        // Only the Redis store needs the date, to expire the counter; nothing expires here.
        _date: NaiveDate,
        portions: i64,
    ) -> StoreFuture<'_, AdjustOutcome> {
        Box::pin(async move { self.add_offering_now(meal_point_id, offering_id, portions) })
    }

    fn adjust_portions(
        &self,
        meal_point_id: i64,
        offering_id: i64,
        // Only the Redis store needs the date, to expire the counter; nothing expires here.
        _date: NaiveDate,
        delta: i64,
    ) -> StoreFuture<'_, AdjustOutcome> {
        Box::pin(async move { self.adjust_now(meal_point_id, offering_id, delta) })
    }

    fn portions_left(&self, meal_point_id: i64, offering_id: i64) -> StoreFuture<'_, Option<i64>> {
        Box::pin(async move {
            Ok(self
                .meal_points()
                .get(&meal_point_id)
                .and_then(|state| state.portions_left.get(&offering_id).copied()))
        })
    }

    fn fence(&self, meal_point_id: i64, fence: MealPointFence) -> StoreFuture<'_, ()> {
        Box::pin(async move {
            let _meal_points = self.meal_points();
            Self::keep_newest_fence(&mut self.fences(), meal_point_id, fence);
            Ok(())
        })
    }

    fn confirm<'a>(&'a self, meal_point_id: i64, order_id: &'a str) -> StoreFuture<'a, bool> {
        Box::pin(async move {
            Ok(self
                .meal_points()
                .get_mut(&meal_point_id)
                .is_some_and(|state| state.pending.remove(order_id).is_some()))
        })
    }

    fn expired_leases(&self) -> StoreFuture<'_, Vec<ReleaseRequest>> {
        Box::pin(async move {
            let now = Instant::now();
            Ok(self
                .meal_points()
                .values()
                .flat_map(|state| state.pending.values())
                .filter(|(_, runs_out)| *runs_out <= now)
                .map(|(release, _)| release.clone())
                .collect())
        })
    }

    fn unload(&self, meal_point_id: i64) -> StoreFuture<'_, ()> {
        Box::pin(async move {
            let mut meal_points = self.meal_points();
            meal_points.remove(&meal_point_id);
            self.fences().remove(&meal_point_id);
            Ok(())
        })
    }

    fn ping(&self) -> StoreFuture<'_, ()> {
        Box::pin(async { Ok(()) })
    }
}
