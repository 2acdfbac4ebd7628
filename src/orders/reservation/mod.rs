//! Peak-booking reservations: the atomic gate every booking passes before its order is written.
//!
//! At the 10:30 lunch peak the whole city books at once, so the check "is this a retry, has this
//! elder already booked this slot, are there portions left" and the taking of portions must be
//! one indivisible step, or two requests that both saw the last portion would both take it.
//! [`ReservationStore`] is that step. It has two implementations that pass one conformance suite:
//!
//! * [`RedisReservations`]: one Lua script per operation, so Redis runs each step alone and
//!   either all of its writes happen or none do. Used whenever `REDIS_URL` is set.
//! * [`InProcessReservations`]: the same rules over `HashMap`s behind a mutex, for a
//!   single-instance install and for development.
//!
//! # What the store is and is not
//!
//! The database is the truth; the store is a fast, rebuildable copy of the part of it that the
//! booking rules need: portions left per offering, live orders per (elder, date, slot), the order
//! each idempotency key produced, and which orders have already given their portions back.
//! A meal point's copy is either loaded completely or not at all. When it is not loaded (first use,
//! or Redis restarted and lost its data) every booking operation answers `NotLoaded` and changes
//! nothing; the caller reads a [`MealPointSnapshot`] from the database, calls
//! [`ReservationStore::load`] (the first rebuilder wins, the others get
//! [`LoadOutcome::AlreadyLoaded`]) and retries.
//!
//! A loaded meal point can still miss a single counter: an offering published while the store
//! could not be reached, or a key Redis dropped. A missing counter is lost state, never "nothing
//! left": `reserve` answers [`ReserveOutcome::CounterMissing`] without changing anything, and the
//! caller fills the gaps from a fresh snapshot with [`ReservationStore::fill`], which installs only
//! the keys the store lacks and leaves every counter that bookings have moved as it is.
//!
//! # Time
//!
//! The store never compares a meal date with a clock of its own. The Redis store works out how long
//! a meal's counters must live from the *service's* clock (the meal day's end in Shanghai, plus a
//! retention, minus the service's now, and never less than a day) and hands Redis that relative
//! TTL, so a service clock that is moved (demo, tests) or a host clock that is off can never make
//! Redis delete a counter whose meal can still be booked, cancelled or served.
//!
//! # Rules the caller relies on
//!
//! * **Order of checks.** Idempotency key, then loaded, then the elder's quota, then each
//!   offering in request order. A refusal changes nothing.
//! * **Idempotency is per meal point.** The key `(account_id, client_key)` is remembered under the
//!   meal point's own state, because that is what lets Redis Cluster keep one booking on one
//!   shard. A client that reuses a key for another meal point is caught by the database's unique
//!   constraint on `(account_id, client_key)`, which stays the global backstop.
//! * **The idempotency record survives a cancellation**, so a late retry of a cancelled booking
//!   still gets the original order id back instead of booking again.
//! * **Releases are idempotent by order id.** [`ReservationStore::release`] gives portions and
//!   quota back once per order id; a repeat answers [`ReleaseOutcome::AlreadyReleased`]. The store
//!   cannot tell an order it reserved itself from one that was live in the database when the state
//!   was rebuilt, and it does not need to: the snapshot counts every live order as taken, so giving
//!   a live order's portions back is right either way. What would be wrong is giving back an order
//!   that was already cancelled when the snapshot was read, because the snapshot already left it
//!   out; that is why [`MealPointSnapshot::released_orders`] lists recently cancelled orders, and a
//!   release of one of them answers `AlreadyReleased`. Portions are only given back to offerings
//!   the store knows, so a release cannot invent portions for an offering the snapshot did not
//!   have, and an elder's live count never drops below zero; a counter missing at release is
//!   filled at the next booking of it from the database, which has counted the cancellation.
//! * **`Unavailable` after a request was sent means "outcome unknown".** A timeout can fire after
//!   Redis ran the script. Retrying with the same idempotency key settles it: the retry answers
//!   `Duplicate` with the order id of the attempt that did get through. If that order id is not in
//!   the database, the earlier attempt reserved and then failed before persisting, and the caller
//!   should persist the order under that id (or release it).
//!
//! * **Reservations carry a lease.** A `Reserved` booking stays *pending* until the caller
//!   confirms it ([`ReservationStore::confirm`], once its order is committed) or releases it. A
//!   pending reservation whose lease ([`ReserveRequest::lease`], a duration the service chooses)
//!   runs out is listed by [`ReservationStore::expired_leases`]: its instance crashed, or lost
//!   the store, between reserving and confirming. The sweeper then asks the database: an order
//!   that is there is confirmed, one that is not is released (key included), so portions taken by
//!   a crashed instance come back exactly once and a confirmed reservation never does. The lease
//!   must outlast the writer's deadline ([`super::writer`] refuses jobs older than that), so an
//!   order cannot be committed after its reservation was given back.
//!
//! # Choice of a dyn-compatible trait
//!
//! The service holds the store as `Arc<dyn ReservationStore>`, chosen once at start-up from
//! `REDIS_URL`. Methods return boxed futures ([`StoreFuture`]) because `async fn` in a trait is not
//! dyn-compatible. The box costs one small allocation per call, which is noise next to a Redis
//! round trip, and in exchange the conformance suite, the HTTP layer and any test double all see
//! one type, and nothing outside this module needs to know which backend runs.

mod memory;
mod redis;

#[cfg(test)]
mod conformance;

use std::collections::HashSet;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDate;

use crate::clock::Clock;

pub use self::memory::InProcessReservations;
pub use self::redis::{RedisReservations, RedisReservationsConfig};

/// The slot codes the store accepts, as the service spells them.
pub const SLOT_CODES: [&str; 3] = ["breakfast", "lunch", "dinner"];

/// At most this many offerings in one booking. A meal is a handful of dishes; the bound keeps one
/// request's script short, because Redis serves nobody else while it runs.
pub const MAX_ITEMS_PER_BOOKING: usize = 20;

/// Upper bound on one line's quantity. Not a business rule (the service enforces its own), only a
/// guard so that a typo cannot wipe out an offering's portions in one request.
pub const MAX_QUANTITY_PER_ITEM: i64 = 100;

/// Upper bound on one operator adjustment, in either direction, to keep counters far from overflow.
pub const MAX_PORTION_ADJUSTMENT: i64 = 1_000_000;

/// Client keys become part of Redis keys; bounded so one request cannot bloat them.
pub const MAX_CLIENT_KEY_BYTES: usize = 128;

/// Order ids are UUID strings (36 bytes); the bound leaves room without letting keys bloat.
pub const MAX_ORDER_ID_BYTES: usize = 64;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReservationError {
    /// The store could not be reached or did not answer in time. The HTTP layer answers 503. If
    /// the request had been sent, its outcome is unknown: retry with the same idempotency key.
    #[error("reservation store unavailable: {0}")]
    Unavailable(String),
    /// The store answered something the contract does not allow (a script reply of the wrong
    /// shape, a counter that is not a number). A bug or tampering, never a client mistake.
    #[error("reservation store gave an unexpected reply: {0}")]
    Corrupt(String),
    /// The request breaks a rule checked before the store is touched (see the `MAX_*` bounds).
    #[error("invalid reservation request: {0}")]
    Invalid(String),
}

/// The future every store method returns; boxed so the trait stays dyn-compatible.
pub type StoreFuture<'a, T> =
    Pin<Box<dyn Future<Output = Result<T, ReservationError>> + Send + 'a>>;

/// How the service holds whichever store it runs with.
pub type SharedReservations = Arc<dyn ReservationStore>;

/// One line of a booking: so many portions of one offering (a dish on a date and slot).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BookedItem {
    pub offering_id: i64,
    pub quantity: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReserveRequest {
    pub meal_point_id: i64,
    pub date: NaiveDate,
    /// One of [`SLOT_CODES`].
    pub slot: String,
    pub elder_id: i64,
    /// The account that places the booking (the elder or a family member); it scopes the
    /// idempotency key, so two family members cannot collide on the same key by chance.
    pub account_id: i64,
    pub client_key: String,
    /// Generated by the caller (a UUID v7 string) before reserving, so the store can remember it
    /// against the idempotency key in the same atomic step.
    pub order_id: String,
    pub items: Vec<BookedItem>,
    /// How many live orders this elder may hold for this meal point, date and slot (normally 1).
    pub quota_limit: u32,
    /// How long the reservation may stay unconfirmed before the sweeper gives it back.
    pub lease: Duration,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReserveOutcome {
    Reserved,
    /// The idempotency key was used before; `order_id` is the order that first use produced.
    Duplicate {
        order_id: String,
    },
    QuotaExceeded,
    /// The first offering (in request order) that has fewer portions left than requested.
    SoldOut {
        offering_id: i64,
        left: i64,
    },
    NotLoaded,
    /// The meal point is paused or closed on the booking's date (its fence, see
    /// [`ReservationStore::fence`]). Nothing changed.
    Closed,
    /// The meal point is loaded but has no counter for this offering (the first such one in
    /// request order): its state is incomplete, not sold out. Nothing changed; fill the gaps from
    /// the database ([`ReservationStore::fill`]) and retry.
    CounterMissing {
        offering_id: i64,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReleaseRequest {
    pub meal_point_id: i64,
    pub date: NaiveDate,
    pub slot: String,
    pub elder_id: i64,
    pub order_id: String,
    /// The order's lines as they were reserved.
    pub items: Vec<BookedItem>,
    /// `Some((account, client key))` when the reservation never became an order (pricing or the
    /// database refused it after the reservation step): the key's record is dropped too, if it
    /// still names this order, so a retry is booked afresh instead of waiting for an order that
    /// will never exist. `None` for a cancelled order, whose key must keep answering with it.
    pub forget_client_key: Option<(i64, String)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReleaseOutcome {
    Released,
    AlreadyReleased,
    /// Nothing changed; the next rebuild reads the cancelled order from the database.
    NotLoaded,
}

/// Portions left of one offering when the snapshot was read (capacity − live orders' portions).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OfferingPortions {
    pub offering_id: i64,
    /// The offering's meal date; the Redis store lets the counter expire a few days after it.
    pub date: NaiveDate,
    pub portions_left: i64,
}

/// Live (not cancelled) orders of one elder for one date and slot at the meal point.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ElderQuota {
    pub elder_id: i64,
    pub date: NaiveDate,
    pub slot: String,
    pub live_orders: u32,
}

/// An order created through an idempotency key, so retries after a rebuild still find it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyRecord {
    pub account_id: i64,
    pub client_key: String,
    pub order_id: String,
}

/// The days a meal point takes no bookings (a pause or closure), from `from` to `until`
/// inclusive, or without end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClosedDays {
    pub from: NaiveDate,
    pub until: Option<NaiveDate>,
}

impl ClosedDays {
    pub fn covers(&self, date: NaiveDate) -> bool {
        date >= self.from && self.until.is_none_or(|until| date <= until)
    }
}

/// A meal point's status as the reservation store fences bookings with it. `epoch` orders
/// versions of the status (the meal point row's `updated_at` in microseconds): the store keeps the
/// newest it was told, so a rebuild from a snapshot read before a pause cannot reopen the meal
/// point, and a status change that reaches the store late cannot undo a newer one.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MealPointFence {
    pub epoch: i64,
    /// `None`: open.
    pub closed: Option<ClosedDays>,
}

impl MealPointFence {
    pub fn refuses(&self, date: NaiveDate) -> bool {
        self.closed.is_some_and(|closed| closed.covers(date))
    }
}

/// A meal point's booking state as read from the database, to rebuild the store from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MealPointSnapshot {
    pub meal_point_id: i64,
    /// The meal point's status when the snapshot was read.
    pub fence: MealPointFence,
    /// Every offering still open for booking.
    pub offerings: Vec<OfferingPortions>,
    /// Elders with at least one live order; anyone missing has none.
    pub quotas: Vec<ElderQuota>,
    /// Orders created within the idempotency window (the Redis store's record TTL).
    pub idempotency: Vec<IdempotencyRecord>,
    /// Orders cancelled within the same window. The snapshot already left their portions out,
    /// so a late or repeated release of one of them must not give them back a second time.
    pub released_orders: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoadOutcome {
    Loaded,
    /// Someone else loaded this meal point first; their state was kept untouched.
    AlreadyLoaded,
}

/// What [`ReservationStore::fill`] installed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FillOutcome {
    /// Portion counters that were missing and now hold the snapshot's count.
    pub counters_filled: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdjustOutcome {
    Adjusted {
        left: i64,
    },
    /// Lowering by that much would take back portions already booked; nothing changed.
    WouldGoNegative {
        left: i64,
    },
    /// Nothing changed; the next rebuild reads the new capacity from the database.
    NotLoaded,
    /// The meal point is loaded but has no counter for the offering, so there is nothing to
    /// change by a delta. Nothing changed; the next booking of it fills the counter from the
    /// database, which already holds the new capacity.
    CounterMissing,
}

/// The peak-booking reservation contract. Every method is atomic: it either does all it
/// describes or nothing.
pub trait ReservationStore: Send + Sync {
    /// "redis" or "in-process", for logs and the health endpoint.
    fn backend(&self) -> &'static str;

    /// Takes the booking's portions and counts it against the elder's quota, or says why not.
    fn reserve<'a>(&'a self, request: &'a ReserveRequest) -> StoreFuture<'a, ReserveOutcome>;

    /// Gives a cancelled order's portions and quota back, once per order id.
    fn release<'a>(&'a self, request: &'a ReleaseRequest) -> StoreFuture<'a, ReleaseOutcome>;

    /// Installs a meal point's state unless it is loaded already.
    fn load<'a>(&'a self, snapshot: &'a MealPointSnapshot) -> StoreFuture<'a, LoadOutcome>;

    /// Installs every part of the snapshot the store lacks (counters, live-order counts,
    /// idempotency and released records) and marks the meal point loaded, leaving everything it
    /// already holds untouched: what bookings have moved since the snapshot was read stays moved.
    fn fill<'a>(&'a self, snapshot: &'a MealPointSnapshot) -> StoreFuture<'a, FillOutcome>;

    /// Tells a loaded meal point about a newly published offering with `portions` to sell. If the
    /// store has a counter for it already (a rebuild read it from the database first), that
    /// counter is kept, so a publication and a rebuild never count the portions twice. `date` is
    /// the offering's meal date, which bounds how long Redis keeps the counter.
    fn add_offering(
        &self,
        meal_point_id: i64,
        offering_id: i64,
        date: NaiveDate,
        portions: i64,
    ) -> StoreFuture<'_, AdjustOutcome>;

    /// Applies an operator's change of an offering's portions (`delta` > 0 adds portions).
    fn adjust_portions(
        &self,
        meal_point_id: i64,
        offering_id: i64,
        date: NaiveDate,
        delta: i64,
    ) -> StoreFuture<'_, AdjustOutcome>;

    /// Portions left, or `None` when the meal point is not loaded or the offering is unknown.
    fn portions_left(&self, meal_point_id: i64, offering_id: i64) -> StoreFuture<'_, Option<i64>>;

    /// Sets the meal point's status where bookings are decided, so a pause or closure refuses
    /// bookings of the days it covers on every instance at once ([`ReserveOutcome::Closed`]).
    /// Kept whether or not the meal point is loaded, and only if `fence.epoch` is not older than
    /// the one the store holds (a snapshot's fence follows the same rule on `load` and `fill`).
    fn fence(&self, meal_point_id: i64, fence: MealPointFence) -> StoreFuture<'_, ()>;

    /// The reservation's order is committed: it is no longer pending. `true` if it was pending,
    /// `false` if it was confirmed or released already (or the store lost it).
    fn confirm<'a>(&'a self, meal_point_id: i64, order_id: &'a str) -> StoreFuture<'a, bool>;

    /// Pending reservations whose lease ran out, as the releases that would give them back (key
    /// included). Listing changes nothing; releasing or confirming each is the caller's choice.
    fn expired_leases(&self) -> StoreFuture<'_, Vec<ReleaseRequest>>;

    /// Drops a meal point's whole state (it closed, or a test is done with it). Not meant to race
    /// with a `load` of the same meal point: the Redis store deletes key by key, and a load that
    /// lands in between could lose part of what it installed.
    fn unload(&self, meal_point_id: i64) -> StoreFuture<'_, ()>;

    fn ping(&self) -> StoreFuture<'_, ()>;
}

/// Picks the backend the design asks for: Redis when `REDIS_URL` is set, otherwise in-process.
/// Production must set `REDIS_URL`: the in-process store is only right for a single instance.
/// `clock` is the service's clock, from which the Redis store works out its keys' lifetimes.
pub async fn connect(
    redis_url: Option<&str>,
    config: RedisReservationsConfig,
    clock: Clock,
) -> Result<SharedReservations, ReservationError> {
    match redis_url {
        Some(url) => Ok(Arc::new(
            RedisReservations::connect(url, config, clock).await?,
        )),
        None => Ok(Arc::new(InProcessReservations::new())),
    }
}

fn invalid(message: impl Into<String>) -> ReservationError {
    ReservationError::Invalid(message.into())
}

fn validate_slot(slot: &str) -> Result<(), ReservationError> {
    if SLOT_CODES.contains(&slot) {
        Ok(())
    } else {
        Err(invalid(format!(
            "slot must be breakfast, lunch or dinner, not {slot:?}"
        )))
    }
}

fn validate_order_id(order_id: &str) -> Result<(), ReservationError> {
    if order_id.is_empty() || order_id.len() > MAX_ORDER_ID_BYTES {
        return Err(invalid(format!(
            "order id must be 1 to {MAX_ORDER_ID_BYTES} bytes"
        )));
    }
    Ok(())
}

/// Duplicate offering ids are refused rather than merged: the caller persists the order's lines
/// as it sent them and releases them later as it sent them, so a merge here would make the store's
/// idea of the order differ from the database's.
fn validate_items(items: &[BookedItem]) -> Result<(), ReservationError> {
    if items.is_empty() {
        return Err(invalid("a booking needs at least one offering"));
    }
    if items.len() > MAX_ITEMS_PER_BOOKING {
        return Err(invalid(format!(
            "a booking may name at most {MAX_ITEMS_PER_BOOKING} offerings"
        )));
    }
    let mut seen = HashSet::with_capacity(items.len());
    for item in items {
        if !(1..=MAX_QUANTITY_PER_ITEM).contains(&item.quantity) {
            return Err(invalid(format!(
                "quantity of offering {} must be 1 to {MAX_QUANTITY_PER_ITEM}",
                item.offering_id
            )));
        }
        if !seen.insert(item.offering_id) {
            return Err(invalid(format!(
                "offering {} appears twice in one booking",
                item.offering_id
            )));
        }
    }
    Ok(())
}

impl ReserveRequest {
    /// The checks both stores run before touching any state; callers may run them earlier to
    /// answer a bad request with 400 before anything else happens.
    pub fn validate(&self) -> Result<(), ReservationError> {
        validate_slot(&self.slot)?;
        validate_items(&self.items)?;
        validate_order_id(&self.order_id)?;
        if self.client_key.is_empty() || self.client_key.len() > MAX_CLIENT_KEY_BYTES {
            return Err(invalid(format!(
                "idempotency key must be 1 to {MAX_CLIENT_KEY_BYTES} bytes"
            )));
        }
        if self.lease.is_zero() || self.lease > MAX_LEASE {
            return Err(invalid(
                "a reservation's lease must be above zero and at most a day",
            ));
        }
        if self.quota_limit == 0 {
            // An elder with no right to book is refused by the service's eligibility check; a
            // zero here is almost certainly a forgotten field, so say so instead of "quota".
            return Err(invalid("quota limit must be at least 1"));
        }
        Ok(())
    }
}

/// The longest lease a reservation may ask for: an order not committed within a day is lost.
pub const MAX_LEASE: Duration = Duration::from_secs(24 * 60 * 60);

impl ReserveRequest {
    /// The release that gives this reservation back when it never became an order.
    pub fn abandonment(&self) -> ReleaseRequest {
        ReleaseRequest {
            meal_point_id: self.meal_point_id,
            date: self.date,
            slot: self.slot.clone(),
            elder_id: self.elder_id,
            order_id: self.order_id.clone(),
            items: self.items.clone(),
            forget_client_key: Some((self.account_id, self.client_key.clone())),
        }
    }
}

/// What a pending reservation keeps so the sweeper can give it back: `elder|date|slot|account|
/// offering:quantity,…|client key` (the client key last, as it may hold any character).
fn encode_pending(request: &ReserveRequest) -> String {
    let items: Vec<String> = request
        .items
        .iter()
        .map(|item| format!("{}:{}", item.offering_id, item.quantity))
        .collect();
    format!(
        "{}|{}|{}|{}|{}|{}",
        request.elder_id,
        request.date.format("%Y-%m-%d"),
        request.slot,
        request.account_id,
        items.join(","),
        request.client_key
    )
}

fn decode_pending(
    meal_point_id: i64,
    order_id: &str,
    text: &str,
) -> Result<ReleaseRequest, ReservationError> {
    let corrupt = || ReservationError::Corrupt(format!("pending reservation {order_id}: {text:?}"));
    let mut parts = text.splitn(6, '|');
    let mut next = || parts.next().ok_or_else(corrupt);
    let elder_id: i64 = next()?.parse().map_err(|_| corrupt())?;
    let date = NaiveDate::parse_from_str(next()?, "%Y-%m-%d").map_err(|_| corrupt())?;
    let slot = next()?.to_owned();
    let account_id: i64 = next()?.parse().map_err(|_| corrupt())?;
    let items = next()?
        .split(',')
        .map(|pair| {
            let (offering, quantity) = pair.split_once(':').ok_or_else(corrupt)?;
            Ok(BookedItem {
                offering_id: offering.parse().map_err(|_| corrupt())?,
                quantity: quantity.parse().map_err(|_| corrupt())?,
            })
        })
        .collect::<Result<Vec<_>, ReservationError>>()?;
    let client_key = next()?.to_owned();
    Ok(ReleaseRequest {
        meal_point_id,
        date,
        slot,
        elder_id,
        order_id: order_id.to_owned(),
        items,
        forget_client_key: Some((account_id, client_key)),
    })
}

impl ReleaseRequest {
    pub fn validate(&self) -> Result<(), ReservationError> {
        validate_slot(&self.slot)?;
        validate_items(&self.items)?;
        validate_order_id(&self.order_id)
    }
}

impl MealPointSnapshot {
    pub fn validate(&self) -> Result<(), ReservationError> {
        if let Some(bad) = self.offerings.iter().find(|o| o.portions_left < 0) {
            return Err(invalid(format!(
                "offering {} has negative portions left in the snapshot",
                bad.offering_id
            )));
        }
        for quota in &self.quotas {
            validate_slot(&quota.slot)?;
        }
        for record in &self.idempotency {
            validate_order_id(&record.order_id)?;
            if record.client_key.is_empty() || record.client_key.len() > MAX_CLIENT_KEY_BYTES {
                return Err(invalid(format!(
                    "idempotency key of order {} must be 1 to {MAX_CLIENT_KEY_BYTES} bytes",
                    record.order_id
                )));
            }
        }
        for order_id in &self.released_orders {
            validate_order_id(order_id)?;
        }
        Ok(())
    }
}

fn validate_adjustment(delta: i64) -> Result<(), ReservationError> {
    if !(-MAX_PORTION_ADJUSTMENT..=MAX_PORTION_ADJUSTMENT).contains(&delta) {
        return Err(invalid(format!(
            "a portion adjustment must be within ±{MAX_PORTION_ADJUSTMENT}"
        )));
    }
    Ok(())
}

fn validate_new_offering(portions: i64) -> Result<(), ReservationError> {
    if !(0..=MAX_PORTION_ADJUSTMENT).contains(&portions) {
        return Err(invalid(format!(
            "a new offering's portions must be 0 to {MAX_PORTION_ADJUSTMENT}"
        )));
    }
    Ok(())
}
