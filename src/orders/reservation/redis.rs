//! The reservation contract on Redis: one Lua script per operation, so each runs alone on the
//! server and is all or nothing even with many service instances.
//!
//! # Keys
//!
//! Every key of a meal point carries the hash tag `{mp:<id>}`, so one meal point lives in one
//! Redis Cluster slot and a script never touches two shards. The configurable prefix (`zc:` in
//! production, `t:<uuid>:` in tests) stays outside the braces so it never changes the slot, and it
//! must not contain braces itself. Scripts receive every key through `KEYS`, as Cluster requires.
//!
//! | key | holds | expires |
//! |---|---|---|
//! | `<prefix>{mp:42}:loaded` | `1` while the meal point's state is installed | never; `unload` drops it |
//! | `<prefix>{mp:42}:left:<offering>` | portions left | end of the meal day (Shanghai) + `meal_state_retention`, as the service's clock counts |
//! | `<prefix>{mp:42}:quota:<elder>:<date>:<slot>` | the elder's live orders there | same |
//! | `<prefix>{mp:42}:idem:<account>:<client key>` | the first order id made with that key | `record_ttl` after it was written |
//! | `<prefix>{mp:42}:released:<order id>` | `1` once the order gave its portions back | `record_ttl` after it was written |
//! | `<prefix>{mp:42}:pending` | hash: order id → what to give back, while its reservation is unconfirmed | never; confirm and release drop entries |
//! | `<prefix>{mp:42}:lease:<order id>` | `1` while the reservation's lease runs | the lease (`PX`, from the request) |
//! | `<prefix>leased` | set of meal point ids that ever had a pending reservation, for the sweeper | never |
//! | `<prefix>{mp:42}:fence` | the meal point's status as bookings see it: `epoch\|from\|until` | never; `unload` drops it |
//!
//! Counters expire by their meal date because nobody books or cancels a meal that is days past,
//! so they can go without a rebuild ever needing them. Redis is only ever given a *relative*
//! lifetime (`EX`, `EXPIRE`), worked out from the service's clock: the meal day's end minus the
//! service's now, plus the retention, and never less than [`MIN_MEAL_STATE_TTL`]. An absolute
//! `EXPIREAT` would be judged by Redis's own clock, and a service whose clock differs (a demo or
//! test clock started elsewhere, a host clock that is off) would see its counters deleted the
//! moment they are written. The `loaded` marker must not expire, or
//! a meal point would go "not loaded" in the middle of a peak and force a rebuild while
//! reservations are in flight. Idempotency and released records expire `record_ttl` (3 days by
//! default) after they were written; past that the database's unique key on `(account_id,
//! client_key)` still stops a very late retry, and nobody cancels an order that old.
//!
//! Redis must run with `maxmemory-policy noeviction`: an evicted counter would read as "sold out"
//! and an evicted quota or idempotency record would let an elder book twice.
//!
//! # Failures
//!
//! Every call has a deadline (`response_timeout`), enforced by the connection and again around the
//! whole call, so a reconnect in progress cannot stall a request either. Missing the deadline, a
//! dropped or refused connection, and a Redis that is loading, read-only or out of memory all
//! become [`ReservationError::Unavailable`]. The scripts read and check everything before their
//! first write, so a script that stops on an error has changed nothing.

use std::future::Future;
use std::time::Duration;

use ::redis::aio::{ConnectionManager, ConnectionManagerConfig};
use ::redis::{ErrorKind, RedisError, RedisResult, Script, ServerErrorKind};
use chrono::{Days, NaiveDate, NaiveTime};

use std::collections::HashSet;
use std::sync::Mutex;

use super::{
    AdjustOutcome, FillOutcome, LoadOutcome, MealPointFence, MealPointSnapshot, ReleaseOutcome,
    ReleaseRequest, ReservationError, ReservationStore, ReserveOutcome, ReserveRequest,
    StoreFuture, decode_pending, encode_pending, validate_adjustment, validate_new_offering,
};
use crate::clock::{Clock, shanghai_to_utc};

const SECONDS_PER_DAY: i64 = 24 * 60 * 60;

/// The shortest lifetime a meal's counters get, whatever the clocks say: a counter written for a
/// meal the service considers over (or nearly) still outlives any booking, cancellation or pickup
/// that is in flight for it.
pub const MIN_MEAL_STATE_TTL: Duration = Duration::from_secs(SECONDS_PER_DAY as u64);

#[derive(Debug, Clone)]
pub struct RedisReservationsConfig {
    /// Put before every key, outside the hash tag: `zc:` in production, `t:<uuid>:` in tests.
    pub key_prefix: String,
    /// How long idempotency and released records are kept.
    pub record_ttl: Duration,
    /// How long portion counters and live-order counts are kept after their meal day ends.
    pub meal_state_retention: Duration,
    /// How long connecting (and reconnecting) may take.
    pub connection_timeout: Duration,
    /// Deadline of every call, reconnects included. Missing it answers `Unavailable`.
    pub response_timeout: Duration,
}

impl Default for RedisReservationsConfig {
    fn default() -> Self {
        Self {
            key_prefix: "zc:".to_owned(),
            record_ttl: Duration::from_secs(3 * SECONDS_PER_DAY as u64),
            meal_state_retention: Duration::from_secs(3 * SECONDS_PER_DAY as u64),
            connection_timeout: Duration::from_secs(1),
            // Booking replies take a few milliseconds even at the peak (p99 under 10 ms measured
            // on this hardware); a second without one means Redis is in trouble, and the elder is
            // better served by a quick "try again" than by a hung spinner.
            response_timeout: Duration::from_secs(1),
        }
    }
}

/// The scripts; `Script` keeps each one's SHA1, so calls go out as EVALSHA and fall back to
/// loading the script when Redis answers NOSCRIPT (after a restart or `SCRIPT FLUSH`).
struct Scripts {
    reserve: Script,
    release: Script,
    load: Script,
    adjust: Script,
    fence: Script,
    confirm: Script,
}

impl Scripts {
    fn new() -> Self {
        Self {
            reserve: Script::new(include_str!("reserve.lua")),
            release: Script::new(include_str!("release.lua")),
            load: Script::new(include_str!("load.lua")),
            adjust: Script::new(include_str!("adjust.lua")),
            fence: Script::new(include_str!("fence.lua")),
            confirm: Script::new(include_str!("confirm.lua")),
        }
    }
}

pub struct RedisReservations {
    /// Reconnects by itself after Redis restarts; cloning it is cheap and shares the connection.
    connection: ConnectionManager,
    config: RedisReservationsConfig,
    scripts: Scripts,
    /// The service's clock: meal dates are judged by it, never by Redis's.
    clock: Clock,
    /// Meal points this process has put in the `leased` index, so it is written once per meal
    /// point, not per booking (forgotten when a meal point turns out not loaded: Redis may have
    /// lost the index with everything else).
    indexed: Mutex<HashSet<i64>>,
}

impl std::fmt::Debug for RedisReservations {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisReservations")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl RedisReservations {
    /// Connects and waits for the first connection, so a wrong `REDIS_URL` fails at start-up
    /// rather than at the first booking.
    pub async fn connect(
        redis_url: &str,
        config: RedisReservationsConfig,
        clock: Clock,
    ) -> Result<Self, ReservationError> {
        if config.key_prefix.contains(['{', '}']) {
            // Redis Cluster hashes the first {...} of a key, so braces in the prefix would move
            // a meal point's keys into different slots.
            return Err(ReservationError::Invalid(
                "the Redis key prefix must not contain braces".to_owned(),
            ));
        }
        let client = ::redis::Client::open(redis_url)
            .map_err(|e| ReservationError::Invalid(format!("REDIS_URL: {e}")))?;
        let manager_config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(config.connection_timeout))
            .set_response_timeout(Some(config.response_timeout))
            // Reconnect quickly and give up soon: requests meanwhile answer `Unavailable` at
            // their deadline anyway, and the next request starts a fresh attempt.
            .set_number_of_retries(2)
            .set_max_delay(config.connection_timeout);
        let deadline = config.connection_timeout * 3;
        let connection = match tokio::time::timeout(
            deadline,
            ConnectionManager::new_with_config(client, manager_config),
        )
        .await
        {
            Ok(Ok(connection)) => connection,
            Ok(Err(e)) => return Err(map_redis_error("connect", e)),
            Err(_) => {
                return Err(ReservationError::Unavailable(format!(
                    "connect: no connection within {deadline:?}"
                )));
            }
        };
        Ok(Self {
            connection,
            config,
            scripts: Scripts::new(),
            clock,
            indexed: Mutex::default(),
        })
    }

    fn keys(&self, meal_point_id: i64) -> MealPointKeys {
        MealPointKeys::new(&self.config.key_prefix, meal_point_id)
    }

    /// How many seconds from now a counter for a meal on `date` must live: until the end of that
    /// day in Shanghai plus the configured retention, as the service's clock counts, and never
    /// less than [`MIN_MEAL_STATE_TTL`].
    fn meal_state_ttl_seconds(&self, date: NaiveDate) -> i64 {
        meal_state_ttl_seconds(date, self.clock.now(), self.config.meal_state_retention)
    }

    fn record_ttl_seconds(&self) -> i64 {
        // `EX 0` is an error in Redis; a record kept for at least a second is the nearest meaning.
        duration_seconds(self.config.record_ttl).max(1)
    }

    /// Runs one Redis call under the deadline and maps its failure to the contract's errors.
    async fn call<T>(
        &self,
        operation: &'static str,
        request: impl Future<Output = RedisResult<T>>,
    ) -> Result<T, ReservationError> {
        match tokio::time::timeout(self.config.response_timeout, request).await {
            Ok(Ok(reply)) => Ok(reply),
            Ok(Err(e)) => Err(map_redis_error(operation, e)),
            Err(_) => Err(ReservationError::Unavailable(format!(
                "{operation}: no answer within {:?}",
                self.config.response_timeout
            ))),
        }
    }

    async fn reserve_in_redis(
        &self,
        request: &ReserveRequest,
    ) -> Result<ReserveOutcome, ReservationError> {
        request.validate()?;
        self.index_leases_of(request.meal_point_id).await?;
        let keys = self.keys(request.meal_point_id);
        let mut invocation = self.scripts.reserve.prepare_invoke();
        invocation
            .key(keys.loaded())
            .key(keys.idempotency(request.account_id, &request.client_key))
            .key(keys.quota(request.elder_id, request.date, &request.slot))
            .key(keys.fence())
            .key(keys.pending())
            .key(keys.lease(&request.order_id))
            .arg(&request.order_id)
            .arg(self.record_ttl_seconds())
            .arg(request.quota_limit)
            .arg(self.meal_state_ttl_seconds(request.date))
            .arg(request.date.format("%Y-%m-%d").to_string())
            .arg(encode_pending(request))
            .arg(u64::try_from(request.lease.as_millis()).unwrap_or(u64::MAX));
        for item in &request.items {
            invocation
                .key(keys.portions_left(item.offering_id))
                .arg(item.offering_id)
                .arg(item.quantity);
        }
        let mut connection = self.connection.clone();
        let reply: Vec<String> = self
            .call("reserve", invocation.invoke_async(&mut connection))
            .await?;
        let reply: Vec<&str> = reply.iter().map(String::as_str).collect();
        match reply.as_slice() {
            ["reserved"] => Ok(ReserveOutcome::Reserved),
            ["duplicate", order_id] => Ok(ReserveOutcome::Duplicate {
                order_id: (*order_id).to_owned(),
            }),
            ["quota_exceeded"] => Ok(ReserveOutcome::QuotaExceeded),
            ["closed"] => Ok(ReserveOutcome::Closed),
            ["sold_out", offering_id, left] => Ok(ReserveOutcome::SoldOut {
                offering_id: parse_count("reserve", offering_id)?,
                left: parse_count("reserve", left)?,
            }),
            ["not_loaded"] => {
                self.indexed_set().remove(&request.meal_point_id);
                Ok(ReserveOutcome::NotLoaded)
            }
            ["counter_missing", offering_id] => Ok(ReserveOutcome::CounterMissing {
                offering_id: parse_count("reserve", offering_id)?,
            }),
            other => Err(unexpected_reply("reserve", other)),
        }
    }

    async fn release_in_redis(
        &self,
        request: &ReleaseRequest,
    ) -> Result<ReleaseOutcome, ReservationError> {
        request.validate()?;
        let keys = self.keys(request.meal_point_id);
        let mut invocation = self.scripts.release.prepare_invoke();
        invocation
            .key(keys.loaded())
            .key(keys.released(&request.order_id))
            .key(keys.quota(request.elder_id, request.date, &request.slot));
        match &request.forget_client_key {
            Some((account_id, client_key)) => invocation
                .key(keys.idempotency(*account_id, client_key))
                .arg(self.record_ttl_seconds())
                .arg(&request.order_id),
            None => invocation
                .key(keys.released(&request.order_id))
                .arg(self.record_ttl_seconds())
                .arg(""),
        };
        invocation
            .key(keys.pending())
            .key(keys.lease(&request.order_id))
            .arg(&request.order_id);
        for item in &request.items {
            invocation
                .key(keys.portions_left(item.offering_id))
                .arg(item.quantity);
        }
        let mut connection = self.connection.clone();
        let reply: Vec<String> = self
            .call("release", invocation.invoke_async(&mut connection))
            .await?;
        let reply: Vec<&str> = reply.iter().map(String::as_str).collect();
        match reply.as_slice() {
            ["released"] => Ok(ReleaseOutcome::Released),
            ["already_released"] => Ok(ReleaseOutcome::AlreadyReleased),
            ["not_loaded"] => Ok(ReleaseOutcome::NotLoaded),
            other => Err(unexpected_reply("release", other)),
        }
    }

    /// The load script's invocation for `snapshot`, in `mode` (`load` or `fill`, see load.lua).
    fn load_invocation(
        &self,
        snapshot: &MealPointSnapshot,
        mode: &str,
    ) -> Result<::redis::ScriptInvocation<'_>, ReservationError> {
        snapshot.validate()?;
        let keys = self.keys(snapshot.meal_point_id);
        let mut invocation = self.scripts.load.prepare_invoke();
        invocation
            .key(keys.loaded())
            .key(keys.fence())
            .arg(snapshot.offerings.len())
            .arg(snapshot.quotas.len())
            .arg(snapshot.idempotency.len())
            .arg(snapshot.released_orders.len())
            .arg(self.record_ttl_seconds())
            .arg(mode)
            .arg(snapshot.fence.epoch)
            .arg(fence_value(&snapshot.fence));
        // Keys and their values go in the order load.lua reads them back.
        for offering in &snapshot.offerings {
            invocation
                .key(keys.portions_left(offering.offering_id))
                .arg(offering.portions_left)
                .arg(self.meal_state_ttl_seconds(offering.date));
        }
        for quota in &snapshot.quotas {
            invocation
                .key(keys.quota(quota.elder_id, quota.date, &quota.slot))
                .arg(quota.live_orders)
                .arg(self.meal_state_ttl_seconds(quota.date));
        }
        for record in &snapshot.idempotency {
            invocation
                .key(keys.idempotency(record.account_id, &record.client_key))
                .arg(&record.order_id);
        }
        for order_id in &snapshot.released_orders {
            invocation.key(keys.released(order_id));
        }
        Ok(invocation)
    }

    async fn load_into_redis(
        &self,
        snapshot: &MealPointSnapshot,
    ) -> Result<LoadOutcome, ReservationError> {
        let invocation = self.load_invocation(snapshot, "load")?;
        let mut connection = self.connection.clone();
        let reply: Vec<String> = self
            .call("load", invocation.invoke_async(&mut connection))
            .await?;
        let reply: Vec<&str> = reply.iter().map(String::as_str).collect();
        match reply.as_slice() {
            ["loaded"] => Ok(LoadOutcome::Loaded),
            ["already_loaded"] => Ok(LoadOutcome::AlreadyLoaded),
            other => Err(unexpected_reply("load", other)),
        }
    }

    async fn fill_into_redis(
        &self,
        snapshot: &MealPointSnapshot,
    ) -> Result<FillOutcome, ReservationError> {
        let invocation = self.load_invocation(snapshot, "fill")?;
        let mut connection = self.connection.clone();
        let reply: Vec<String> = self
            .call("fill", invocation.invoke_async(&mut connection))
            .await?;
        let reply: Vec<&str> = reply.iter().map(String::as_str).collect();
        match reply.as_slice() {
            ["filled", counters] => Ok(FillOutcome {
                counters_filled: u32::try_from(parse_count("fill", counters)?)
                    .map_err(|_| ReservationError::Corrupt(format!("fill: {counters} counters")))?,
            }),
            other => Err(unexpected_reply("fill", other)),
        }
    }

    /// Runs adjust.lua in `mode` (`add` a new offering's counter or `change` it by a delta).
    async fn adjust_in_redis(
        &self,
        meal_point_id: i64,
        offering_id: i64,
        date: NaiveDate,
        mode: &str,
        amount: i64,
    ) -> Result<AdjustOutcome, ReservationError> {
        let keys = self.keys(meal_point_id);
        let mut invocation = self.scripts.adjust.prepare_invoke();
        invocation
            .key(keys.loaded())
            .key(keys.portions_left(offering_id))
            .arg(mode)
            .arg(amount)
            .arg(self.meal_state_ttl_seconds(date));
        let mut connection = self.connection.clone();
        let reply: Vec<String> = self
            .call("adjust portions", invocation.invoke_async(&mut connection))
            .await?;
        let reply: Vec<&str> = reply.iter().map(String::as_str).collect();
        match reply.as_slice() {
            ["adjusted", left] => Ok(AdjustOutcome::Adjusted {
                left: parse_count("adjust portions", left)?,
            }),
            ["would_go_negative", left] => Ok(AdjustOutcome::WouldGoNegative {
                left: parse_count("adjust portions", left)?,
            }),
            ["not_loaded"] => Ok(AdjustOutcome::NotLoaded),
            ["counter_missing"] => Ok(AdjustOutcome::CounterMissing),
            other => Err(unexpected_reply("adjust portions", other)),
        }
    }

    fn indexed_set(&self) -> std::sync::MutexGuard<'_, HashSet<i64>> {
        self.indexed
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Puts the meal point in the sweeper's index before its first reservation from this
    /// process, so a reservation is never pending where the sweeper cannot find it.
    async fn index_leases_of(&self, meal_point_id: i64) -> Result<(), ReservationError> {
        if self.indexed_set().contains(&meal_point_id) {
            return Ok(());
        }
        let mut add = ::redis::cmd("SADD");
        add.arg(self.leased_index()).arg(meal_point_id);
        let mut connection = self.connection.clone();
        self.call("index leases", add.query_async::<()>(&mut connection))
            .await?;
        self.indexed_set().insert(meal_point_id);
        Ok(())
    }

    fn leased_index(&self) -> String {
        format!("{}leased", self.config.key_prefix)
    }

    async fn confirm_in_redis(
        &self,
        meal_point_id: i64,
        order_id: &str,
    ) -> Result<bool, ReservationError> {
        super::validate_order_id(order_id)?;
        let keys = self.keys(meal_point_id);
        let mut invocation = self.scripts.confirm.prepare_invoke();
        invocation
            .key(keys.pending())
            .key(keys.lease(order_id))
            .arg(order_id);
        let mut connection = self.connection.clone();
        let removed: i64 = self
            .call("confirm", invocation.invoke_async(&mut connection))
            .await?;
        Ok(removed == 1)
    }

    async fn expired_leases_in_redis(&self) -> Result<Vec<ReleaseRequest>, ReservationError> {
        let mut connection = self.connection.clone();
        let mut members = ::redis::cmd("SMEMBERS");
        members.arg(self.leased_index());
        let meal_points: Vec<i64> = self
            .call("expired leases", members.query_async(&mut connection))
            .await?;
        let mut expired = Vec::new();
        for meal_point_id in meal_points {
            let keys = self.keys(meal_point_id);
            let mut read = ::redis::cmd("HGETALL");
            read.arg(keys.pending());
            let pending: Vec<(String, String)> = self
                .call("expired leases", read.query_async(&mut connection))
                .await?;
            if pending.is_empty() {
                continue;
            }
            // Read after the hash: a reservation made in between has its lease already, and one
            // confirmed or released in between is settled again harmlessly by the caller.
            let mut leases = ::redis::cmd("MGET");
            for (order_id, _) in &pending {
                leases.arg(keys.lease(order_id));
            }
            let running: Vec<Option<String>> = self
                .call("expired leases", leases.query_async(&mut connection))
                .await?;
            for ((order_id, what), lease) in pending.iter().zip(running) {
                if lease.is_none() {
                    expired.push(decode_pending(meal_point_id, order_id, what)?);
                }
            }
        }
        Ok(expired)
    }

    async fn fence_in_redis(
        &self,
        meal_point_id: i64,
        fence: MealPointFence,
    ) -> Result<(), ReservationError> {
        let keys = self.keys(meal_point_id);
        let mut invocation = self.scripts.fence.prepare_invoke();
        invocation
            .key(keys.fence())
            .arg(fence.epoch)
            .arg(fence_value(&fence));
        let mut connection = self.connection.clone();
        let reply: String = self
            .call("fence", invocation.invoke_async(&mut connection))
            .await?;
        match reply.as_str() {
            "set" | "kept" => Ok(()),
            other => Err(unexpected_reply("fence", &[other])),
        }
    }

    async fn portions_left_in_redis(
        &self,
        meal_point_id: i64,
        offering_id: i64,
    ) -> Result<Option<i64>, ReservationError> {
        let keys = self.keys(meal_point_id);
        // One MGET reads both keys at one instant (they share a slot, so this is Cluster-safe).
        let mut read = ::redis::cmd("MGET");
        read.arg(keys.loaded()).arg(keys.portions_left(offering_id));
        let mut connection = self.connection.clone();
        let reply: Vec<Option<String>> = self
            .call("portions left", read.query_async(&mut connection))
            .await?;
        match reply.as_slice() {
            [None, _] | [Some(_), None] => Ok(None),
            [Some(_), Some(left)] => parse_count("portions left", left).map(Some),
            _ => Err(ReservationError::Corrupt(format!(
                "portions left: MGET of 2 keys answered {} values",
                reply.len()
            ))),
        }
    }

    async fn unload_from_redis(&self, meal_point_id: i64) -> Result<(), ReservationError> {
        let keys = self.keys(meal_point_id);
        // The marker goes first, so bookings answer `NotLoaded` from this moment on instead of
        // seeing a half-deleted state (a missing counter would read as sold out).
        let mut drop_marker = ::redis::cmd("DEL");
        drop_marker.arg(keys.loaded());
        let mut connection = self.connection.clone();
        self.call("unload", drop_marker.query_async::<()>(&mut connection))
            .await?;
        // Scanning the keyspace is slow on a big Redis, but unloading is rare (a meal point
        // closes); keeping an index of every key instead would cost a write on every booking.
        self.delete_matching(format!("{}*", glob_escape(&keys.tag)))
            .await
    }

    async fn delete_matching(&self, pattern: String) -> Result<(), ReservationError> {
        let mut connection = self.connection.clone();
        let mut cursor: u64 = 0;
        loop {
            let mut scan = ::redis::cmd("SCAN");
            scan.arg(cursor)
                .arg("MATCH")
                .arg(&pattern)
                .arg("COUNT")
                .arg(1000);
            let (next, found): (u64, Vec<Vec<u8>>) = self
                .call("unload", scan.query_async(&mut connection))
                .await?;
            if !found.is_empty() {
                let mut delete = ::redis::cmd("UNLINK");
                delete.arg(found);
                self.call("unload", delete.query_async::<()>(&mut connection))
                    .await?;
            }
            if next == 0 {
                return Ok(());
            }
            cursor = next;
        }
    }

    async fn ping_redis(&self) -> Result<(), ReservationError> {
        let mut connection = self.connection.clone();
        let ping = ::redis::cmd("PING");
        let _pong: String = self.call("ping", ping.query_async(&mut connection)).await?;
        Ok(())
    }

    /// Deletes every key under this store's prefix, so a test leaves the shared Redis as it was.
    #[cfg(test)]
    pub(super) async fn purge_key_prefix(&self) -> Result<(), ReservationError> {
        self.delete_matching(format!("{}*", glob_escape(&self.config.key_prefix)))
            .await
    }

    #[cfg(test)]
    pub(super) fn key_prefix(&self) -> &str {
        &self.config.key_prefix
    }

    /// A second handle on the same connection, for tests that inspect keys and TTLs.
    #[cfg(test)]
    pub(super) fn raw_connection(&self) -> ConnectionManager {
        self.connection.clone()
    }
}

impl ReservationStore for RedisReservations {
    fn backend(&self) -> &'static str {
        "redis"
    }

    fn reserve<'a>(&'a self, request: &'a ReserveRequest) -> StoreFuture<'a, ReserveOutcome> {
        Box::pin(self.reserve_in_redis(request))
    }

    fn release<'a>(&'a self, request: &'a ReleaseRequest) -> StoreFuture<'a, ReleaseOutcome> {
        Box::pin(self.release_in_redis(request))
    }

    fn load<'a>(&'a self, snapshot: &'a MealPointSnapshot) -> StoreFuture<'a, LoadOutcome> {
        Box::pin(self.load_into_redis(snapshot))
    }

    fn fill<'a>(&'a self, snapshot: &'a MealPointSnapshot) -> StoreFuture<'a, FillOutcome> {
        Box::pin(self.fill_into_redis(snapshot))
    }

    fn add_offering(
        &self,
        meal_point_id: i64,
        offering_id: i64,
        date: NaiveDate,
        portions: i64,
    ) -> StoreFuture<'_, AdjustOutcome> {
        Box::pin(async move {
            validate_new_offering(portions)?;
            self.adjust_in_redis(meal_point_id, offering_id, date, "add", portions)
                .await
        })
    }

    fn adjust_portions(
        &self,
        meal_point_id: i64,
        offering_id: i64,
        date: NaiveDate,
        delta: i64,
    ) -> StoreFuture<'_, AdjustOutcome> {
        Box::pin(async move {
            validate_adjustment(delta)?;
            self.adjust_in_redis(meal_point_id, offering_id, date, "change", delta)
                .await
        })
    }

    fn portions_left(&self, meal_point_id: i64, offering_id: i64) -> StoreFuture<'_, Option<i64>> {
        Box::pin(self.portions_left_in_redis(meal_point_id, offering_id))
    }

    fn fence(&self, meal_point_id: i64, fence: MealPointFence) -> StoreFuture<'_, ()> {
        Box::pin(self.fence_in_redis(meal_point_id, fence))
    }

    fn confirm<'a>(&'a self, meal_point_id: i64, order_id: &'a str) -> StoreFuture<'a, bool> {
        Box::pin(self.confirm_in_redis(meal_point_id, order_id))
    }

    fn expired_leases(&self) -> StoreFuture<'_, Vec<ReleaseRequest>> {
        Box::pin(self.expired_leases_in_redis())
    }

    fn unload(&self, meal_point_id: i64) -> StoreFuture<'_, ()> {
        Box::pin(self.unload_from_redis(meal_point_id))
    }

    fn ping(&self) -> StoreFuture<'_, ()> {
        Box::pin(self.ping_redis())
    }
}

/// Builds the keys of one meal point. All share `tag`, which ends in the hash tag `{mp:<id>}:`.
pub(super) struct MealPointKeys {
    tag: String,
}

impl MealPointKeys {
    pub(super) fn new(prefix: &str, meal_point_id: i64) -> Self {
        Self {
            tag: format!("{prefix}{{mp:{meal_point_id}}}:"),
        }
    }

    pub(super) fn loaded(&self) -> String {
        format!("{}loaded", self.tag)
    }

    pub(super) fn portions_left(&self, offering_id: i64) -> String {
        format!("{}left:{offering_id}", self.tag)
    }

    pub(super) fn quota(&self, elder_id: i64, date: NaiveDate, slot: &str) -> String {
        format!("{}quota:{elder_id}:{date}:{slot}", self.tag)
    }

    /// The client key comes last, so whatever characters it holds cannot be mistaken for the
    /// account id before it.
    pub(super) fn idempotency(&self, account_id: i64, client_key: &str) -> String {
        format!("{}idem:{account_id}:{client_key}", self.tag)
    }

    pub(super) fn released(&self, order_id: &str) -> String {
        format!("{}released:{order_id}", self.tag)
    }

    pub(super) fn fence(&self) -> String {
        format!("{}fence", self.tag)
    }

    pub(super) fn pending(&self) -> String {
        format!("{}pending", self.tag)
    }

    pub(super) fn lease(&self, order_id: &str) -> String {
        format!("{}lease:{order_id}", self.tag)
    }
}

/// SCAN's MATCH is a glob; a prefix holding `*`, `?`, `[`, `]` or `\` must match only itself.
fn glob_escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '*' | '?' | '[' | ']' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

/// A fence as the scripts read it: `epoch|from|until`, dates as `YYYY-MM-DD` (so the scripts can
/// compare them as text), empty for open and for no planned end.
fn fence_value(fence: &MealPointFence) -> String {
    let day = |date: chrono::NaiveDate| date.format("%Y-%m-%d").to_string();
    match fence.closed {
        None => format!("{}||", fence.epoch),
        Some(closed) => format!(
            "{}|{}|{}",
            fence.epoch,
            day(closed.from),
            closed.until.map(day).unwrap_or_default()
        ),
    }
}

fn duration_seconds(duration: Duration) -> i64 {
    i64::try_from(duration.as_secs()).unwrap_or(i64::MAX)
}

/// See [`RedisReservations::meal_state_ttl_seconds`]; a plain function so tests can call it with
/// any `now`.
fn meal_state_ttl_seconds(
    date: NaiveDate,
    now: chrono::DateTime<chrono::Utc>,
    retention: Duration,
) -> i64 {
    let day_ends = date
        .checked_add_days(Days::new(1))
        .map(|next| shanghai_to_utc(next.and_time(NaiveTime::MIN)));
    // Redis refuses a lifetime whose milliseconds overflow; no meal is booked a decade ahead.
    const LONGEST: i64 = 10 * 366 * SECONDS_PER_DAY;
    let left = match day_ends {
        Some(end) => (end - now)
            .num_seconds()
            .saturating_add(duration_seconds(retention)),
        None => LONGEST,
    };
    left.clamp(duration_seconds(MIN_MEAL_STATE_TTL), LONGEST)
}

fn parse_count(operation: &str, text: &str) -> Result<i64, ReservationError> {
    text.parse().map_err(|_| {
        ReservationError::Corrupt(format!("{operation}: {text:?} is not a whole number"))
    })
}

fn unexpected_reply(operation: &str, reply: &[&str]) -> ReservationError {
    match reply {
        ["corrupt", key] => {
            ReservationError::Corrupt(format!("{operation}: {key} does not hold a number"))
        }
        _ => ReservationError::Corrupt(format!("{operation}: script replied {reply:?}")),
    }
}

/// `Unavailable` for anything that says "Redis cannot serve right now" (retrying later may
/// work); `Corrupt` for a reply or script error, which means a bug or tampered data.
fn map_redis_error(operation: &str, error: RedisError) -> ReservationError {
    let cannot_serve_now = error.is_io_error()
        || error.is_timeout()
        || error.is_connection_dropped()
        || error.is_connection_refusal()
        || error.is_cluster_error()
        || matches!(
            error.kind(),
            ErrorKind::AuthenticationFailed
                | ErrorKind::ClusterConnectionNotFound
                | ErrorKind::Server(
                    ServerErrorKind::BusyLoading
                        | ServerErrorKind::MasterDown
                        | ServerErrorKind::ReadOnly
                )
        )
        || matches!(
            error.code(),
            Some("OOM" | "BUSY" | "MISCONF" | "NOREPLICAS" | "LOADING")
        );
    if cannot_serve_now {
        ReservationError::Unavailable(format!("{operation}: {error}"))
    } else {
        ReservationError::Corrupt(format!("{operation}: {error}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_of_a_meal_point_shares_one_hash_tag_after_the_prefix() {
        let keys = MealPointKeys::new("zc:", 42);
        let date = NaiveDate::from_ymd_opt(2025, 3, 14).unwrap_or_default();
        let all = [
            keys.loaded(),
            keys.portions_left(7),
            keys.quota(9, date, "lunch"),
            keys.idempotency(5, "abc:{x}"),
            keys.released("0195f0c2-0000-7000-8000-000000000000"),
        ];
        for key in &all {
            assert!(key.starts_with("zc:{mp:42}:"), "{key}");
        }
        assert_eq!(all[2], "zc:{mp:42}:quota:9:2025-03-14:lunch");
        assert_eq!(all[3], "zc:{mp:42}:idem:5:abc:{x}");
    }

    #[test]
    fn a_meal_counter_lives_until_its_day_ends_in_shanghai_plus_the_retention() {
        let date = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap_or_default();
        let retention = Duration::from_secs(3 * SECONDS_PER_DAY as u64);
        // 2026-11-24 10:30 in Shanghai; the day ends 13.5 hours later.
        let morning = shanghai_to_utc(date.and_hms_opt(10, 30, 0).unwrap_or_default());
        assert_eq!(
            meal_state_ttl_seconds(date, morning, retention),
            13 * 3600 + 1800 + 3 * SECONDS_PER_DAY
        );
        // A month before the meal: a month and a bit.
        let month_before = morning - chrono::Duration::days(30);
        assert_eq!(
            meal_state_ttl_seconds(date, month_before, retention),
            30 * SECONDS_PER_DAY + 13 * 3600 + 1800 + 3 * SECONDS_PER_DAY
        );
    }

    #[test]
    fn a_meal_counter_never_lives_less_than_a_day_or_more_than_a_decade() {
        let date = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap_or_default();
        let retention = Duration::from_secs(0);
        let month_after = shanghai_to_utc(date.and_hms_opt(12, 0, 0).unwrap_or_default())
            + chrono::Duration::days(30);
        assert_eq!(
            meal_state_ttl_seconds(date, month_after, retention),
            SECONDS_PER_DAY
        );
        assert_eq!(
            meal_state_ttl_seconds(NaiveDate::MAX, month_after, retention),
            10 * 366 * SECONDS_PER_DAY
        );
    }

    #[test]
    fn glob_escape_leaves_only_literal_matches() {
        assert_eq!(glob_escape("t:a*b?[c]\\:"), "t:a\\*b\\?\\[c\\]\\\\:");
        assert_eq!(glob_escape("zc:{mp:1}:"), "zc:{mp:1}:");
    }

    #[tokio::test]
    async fn an_unreachable_redis_is_unavailable_not_a_hang() {
        let config = RedisReservationsConfig {
            connection_timeout: Duration::from_millis(200),
            ..RedisReservationsConfig::default()
        };
        // Port 1 on loopback: nothing listens there, so the connection is refused at once.
        let started = std::time::Instant::now();
        let result =
            RedisReservations::connect("redis://127.0.0.1:1/", config, Clock::system()).await;
        assert!(
            matches!(result, Err(ReservationError::Unavailable(_))),
            "{result:?}"
        );
        assert!(started.elapsed() < Duration::from_secs(3));
    }

    #[tokio::test]
    async fn a_prefix_with_braces_is_refused() {
        let config = RedisReservationsConfig {
            key_prefix: "t:{x}:".to_owned(),
            ..RedisReservationsConfig::default()
        };
        let result =
            RedisReservations::connect("redis://127.0.0.1:1/", config, Clock::system()).await;
        assert!(
            matches!(result, Err(ReservationError::Invalid(_))),
            "{result:?}"
        );
    }
}
