//! Counting attempts, so that nobody can guess their way in or flood a channel: staff passwords,
//! the ID-card numbers behind family links, complaints.
//!
//! A [`Limit`] is at most `max` attempts per window of the service's clock. Every subject (a
//! username, an account, an ID-card number's look-up hash) has one *group* of counters, and
//! [`Throttle::reserve`] checks every counter that applies to an attempt and counts the attempt in
//! all of them at once, or in none when one is full. Counting comes *before* the attempt is judged
//! (the password verified, the number looked up), so parallel guesses cannot all slip past a
//! check that has not seen the others yet; the caller gives back what turned out not to be a
//! failure ([`Throttle::give_back`], [`Throttle::forget`]).
//!
//! With Redis, a group is one hash and `reserve` one Lua script, shared by every instance; without
//! it, one map in process under a lock. Both number windows by the service's clock (the field
//! names carry the window's number; windows are aligned to midnight in Shanghai, so a day's window
//! is a calendar day there) and hand Redis only a relative `EXPIRE` to clear away groups whose
//! windows are over: a service clock far from Redis's counts exactly as one in step.
//!
//! A group lives for one window of its longest limit (the key carries that window's number), so
//! [`Throttle::clear`] — the city admin unlocking an account — is one delete.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use chrono::{DateTime, Duration, Utc};

use crate::{
    clock::SHANGHAI,
    error::{AppError, DomainError, ErrorKind, domain_answer},
};

/// At most `max` attempts per `window`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limit {
    pub max: u32,
    pub window: Duration,
}

impl Limit {
    pub const fn per_minutes(max: u32, minutes: i64) -> Self {
        Self {
            max,
            window: Duration::minutes(minutes),
        }
    }

    pub const fn per_day(max: u32) -> Self {
        Self {
            max,
            window: Duration::days(1),
        }
    }

    fn seconds(self) -> i64 {
        self.window.num_seconds().max(1)
    }

    /// Which window `now` falls in, counted from the Unix epoch in Shanghai's local time.
    fn window_number(self, now: DateTime<Utc>) -> i64 {
        local_seconds(now).div_euclid(self.seconds())
    }

    /// How long until the window `now` falls in is over.
    fn remaining(self, now: DateTime<Utc>) -> Duration {
        let end = (self.window_number(now) + 1) * self.seconds();
        Duration::seconds(end - local_seconds(now))
    }
}

fn local_seconds(now: DateTime<Utc>) -> i64 {
    now.timestamp() + i64::from(SHANGHAI.local_minus_utc())
}

/// One counter an attempt is counted in: a name within the group and its limit.
#[derive(Clone, Debug)]
pub struct Counter {
    pub name: String,
    pub limit: Limit,
}

impl Counter {
    pub fn new(name: impl Into<String>, limit: Limit) -> Self {
        Self {
            name: name.into(),
            limit,
        }
    }

    /// The field of this counter's current window.
    fn field(&self, now: DateTime<Utc>) -> String {
        format!("{}@{}", self.name, self.limit.window_number(now))
    }
}

/// The attempt was not counted: the counter at `index` (of those passed) is full until its
/// window ends, `retry_after` from now (of several full ones, the one whose window ends last).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Full {
    pub index: usize,
    pub retry_after: Duration,
}

/// Counters per group: for each group key, the count per field.
type Groups = Arc<Mutex<InProcess>>;

#[derive(Default)]
pub struct InProcess {
    groups: HashMap<String, HashMap<String, u32>>,
    writes: u64,
}

#[derive(Clone)]
pub enum Throttle {
    Redis {
        conn: redis::aio::ConnectionManager,
        prefix: String,
    },
    InProcess(Groups),
}

/// Checks every field against its maximum and counts the attempt in all of them, or in none.
/// Returns the 1-based positions of the full fields: none when the attempt was counted.
const RESERVE_SCRIPT: &str = r"
local full = {}
for i = 2, #ARGV, 2 do
  local used = tonumber(redis.call('HGET', KEYS[1], ARGV[i]) or '0')
  if used >= tonumber(ARGV[i + 1]) then table.insert(full, i / 2) end
end
if #full > 0 then return full end
for i = 2, #ARGV, 2 do redis.call('HINCRBY', KEYS[1], ARGV[i], 1) end
redis.call('EXPIRE', KEYS[1], ARGV[1])
return full
";

/// Takes one back from each field that holds more than zero.
const GIVE_BACK_SCRIPT: &str = r"
for i = 1, #ARGV do
  if tonumber(redis.call('HGET', KEYS[1], ARGV[i]) or '0') > 0 then
    redis.call('HINCRBY', KEYS[1], ARGV[i], -1)
  end
end
return 0
";

static RESERVE: std::sync::LazyLock<redis::Script> =
    std::sync::LazyLock::new(|| redis::Script::new(RESERVE_SCRIPT));
static GIVE_BACK: std::sync::LazyLock<redis::Script> =
    std::sync::LazyLock::new(|| redis::Script::new(GIVE_BACK_SCRIPT));

/// Redis, which holds the counts, cannot be reached: an attempt that cannot be counted is not let
/// through, and nothing was counted (503).
#[derive(Debug, thiserror::Error)]
#[error("throttle store unavailable: {0}")]
pub struct ThrottleUnavailable(#[source] redis::RedisError);

fn unavailable(err: redis::RedisError) -> ThrottleUnavailable {
    ThrottleUnavailable(err)
}

impl DomainError for ThrottleUnavailable {
    fn kind(&self) -> ErrorKind {
        ErrorKind::Unavailable
    }
    fn code(&self) -> &'static str {
        "SERVICE_BUSY"
    }
    fn message(&self) -> std::borrow::Cow<'static, str> {
        "服务暂时繁忙，请稍后再试".into()
    }
    /// The Redis error stays the cause, for the log.
    fn into_app_error(self) -> AppError {
        domain_answer(&self).with_source(self)
    }
}

impl Throttle {
    pub fn in_process() -> Self {
        Self::InProcess(Arc::default())
    }

    /// The key of a group: its name and the number of its longest limit's window.
    fn group_key(&self, group: &str, counters: &[Counter], now: DateTime<Utc>) -> String {
        let longest = longest(counters);
        let key = format!("{group}#{}", longest.window_number(now));
        match self {
            Self::Redis { prefix, .. } => format!("{prefix}throttle:{key}"),
            Self::InProcess(_) => key,
        }
    }

    /// Counts one attempt in every counter, or in none when one of them is full (`Err(Full)`).
    /// Fails (503) only when Redis cannot be reached: an attempt that cannot be counted is not
    /// let through.
    pub async fn reserve(
        &self,
        group: &str,
        counters: &[Counter],
        now: DateTime<Utc>,
    ) -> Result<Result<(), Full>, ThrottleUnavailable> {
        if counters.is_empty() {
            return Ok(Ok(()));
        }
        let key = self.group_key(group, counters, now);
        let full: Vec<usize> = match self {
            Self::Redis { conn, .. } => {
                let mut conn = conn.clone();
                let keep = longest(counters).seconds().saturating_mul(2);
                let mut invocation = RESERVE.key(&key);
                invocation.arg(keep);
                for counter in counters {
                    invocation.arg(counter.field(now)).arg(counter.limit.max);
                }
                let positions: Vec<i64> = invocation
                    .invoke_async(&mut conn)
                    .await
                    .map_err(unavailable)?;
                positions
                    .into_iter()
                    .filter_map(|p| usize::try_from(p - 1).ok())
                    .collect()
            }
            Self::InProcess(groups) => {
                let mut state = groups.lock().unwrap_or_else(|e| e.into_inner());
                state.writes += 1;
                if state.writes % 1024 == 0 {
                    // Drop groups of windows that are over (their key's number is not current).
                    let suffix = |k: &str| k.rsplit('#').next().and_then(|n| n.parse::<i64>().ok());
                    let current = longest(counters).window_number(now);
                    state
                        .groups
                        .retain(|k, _| suffix(k).is_some_and(|n| n >= current - 1));
                }
                let fields = state.groups.entry(key).or_default();
                let full: Vec<usize> = counters
                    .iter()
                    .enumerate()
                    .filter(|(_, c)| fields.get(&c.field(now)).copied().unwrap_or(0) >= c.limit.max)
                    .map(|(i, _)| i)
                    .collect();
                if full.is_empty() {
                    for counter in counters {
                        *fields.entry(counter.field(now)).or_default() += 1;
                    }
                }
                full
            }
        };
        // Of several full counters, the one that keeps the subject waiting longest.
        Ok(
            match full
                .into_iter()
                .filter(|i| *i < counters.len())
                .max_by_key(|i| counters[*i].limit.remaining(now))
            {
                None => Ok(()),
                Some(index) => Err(Full {
                    index,
                    retry_after: counters[index].limit.remaining(now),
                }),
            },
        )
    }

    /// Takes back one attempt from each of these counters (an attempt that turned out not to be
    /// a failure).
    pub async fn give_back(
        &self,
        group: &str,
        group_counters: &[Counter],
        counters: &[&Counter],
        now: DateTime<Utc>,
    ) -> Result<(), ThrottleUnavailable> {
        let key = self.group_key(group, group_counters, now);
        match self {
            Self::Redis { conn, .. } => {
                let mut conn = conn.clone();
                let mut invocation = GIVE_BACK.key(&key);
                for counter in counters {
                    invocation.arg(counter.field(now));
                }
                invocation
                    .invoke_async::<i64>(&mut conn)
                    .await
                    .map_err(unavailable)?;
            }
            Self::InProcess(groups) => {
                let mut state = groups.lock().unwrap_or_else(|e| e.into_inner());
                if let Some(fields) = state.groups.get_mut(&key) {
                    for counter in counters {
                        if let Some(count) = fields.get_mut(&counter.field(now)) {
                            *count = count.saturating_sub(1);
                        }
                    }
                }
            }
        }
        Ok(())
    }

    /// Sets these counters back to zero (a subject that proved itself, e.g. a right password from
    /// that address).
    pub async fn forget(
        &self,
        group: &str,
        group_counters: &[Counter],
        counters: &[&Counter],
        now: DateTime<Utc>,
    ) -> Result<(), ThrottleUnavailable> {
        let key = self.group_key(group, group_counters, now);
        match self {
            Self::Redis { conn, .. } => {
                let mut conn = conn.clone();
                let mut command = redis::cmd("HDEL");
                command.arg(&key);
                for counter in counters {
                    command.arg(counter.field(now));
                }
                command
                    .query_async::<i64>(&mut conn)
                    .await
                    .map_err(unavailable)?;
            }
            Self::InProcess(groups) => {
                let mut state = groups.lock().unwrap_or_else(|e| e.into_inner());
                if let Some(fields) = state.groups.get_mut(&key) {
                    for counter in counters {
                        fields.remove(&counter.field(now));
                    }
                }
            }
        }
        Ok(())
    }

    /// Forgets every counter of the group (the city admin unlocking an account).
    pub async fn clear(
        &self,
        group: &str,
        group_counters: &[Counter],
        now: DateTime<Utc>,
    ) -> Result<(), ThrottleUnavailable> {
        let key = self.group_key(group, group_counters, now);
        match self {
            Self::Redis { conn, .. } => {
                let mut conn = conn.clone();
                redis::cmd("DEL")
                    .arg(&key)
                    .query_async::<i64>(&mut conn)
                    .await
                    .map_err(unavailable)?;
            }
            Self::InProcess(groups) => {
                let mut state = groups.lock().unwrap_or_else(|e| e.into_inner());
                state.groups.remove(&key);
            }
        }
        Ok(())
    }
}

/// The group's longest limit: its window decides how long the group lives.
fn longest(counters: &[Counter]) -> Limit {
    counters
        .iter()
        .map(|c| c.limit)
        .max_by_key(|l| l.seconds())
        .unwrap_or(Limit::per_day(0))
}

/// "5 分钟" / "2 小时": how long to wait, rounded up, for a message.
pub fn wait_text(retry_after: Duration) -> String {
    let minutes = (retry_after.num_seconds() + 59) / 60;
    if minutes < 60 {
        format!("{} 分钟", minutes.max(1))
    } else {
        format!("{} 小时", (minutes + 59) / 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 10:00 in Shanghai on some day.
    fn ten_o_clock() -> DateTime<Utc> {
        crate::clock::shanghai_to_utc(
            chrono::NaiveDate::from_ymd_opt(2027, 3, 8)
                .unwrap()
                .and_hms_opt(10, 0, 0)
                .unwrap(),
        )
    }

    fn counters() -> Vec<Counter> {
        vec![
            Counter::new("a:q", Limit::per_minutes(2, 15)),
            Counter::new("all", Limit::per_day(3)),
        ]
    }

    #[tokio::test]
    async fn attempts_are_counted_in_all_counters_or_in_none() {
        let throttle = Throttle::in_process();
        let now = ten_o_clock();
        let c = counters();
        assert_eq!(throttle.reserve("g", &c, now).await.unwrap(), Ok(()));
        assert_eq!(throttle.reserve("g", &c, now).await.unwrap(), Ok(()));
        let full = throttle.reserve("g", &c, now).await.unwrap().unwrap_err();
        assert_eq!(full.index, 0);
        assert_eq!(full.retry_after, Duration::minutes(15));
        // The refused attempt was not counted in the day's counter: one more fits after the
        // quarter hour, then the day is full until midnight in Shanghai.
        let later = now + Duration::minutes(15);
        assert_eq!(throttle.reserve("g", &c, later).await.unwrap(), Ok(()));
        let full = throttle.reserve("g", &c, later).await.unwrap().unwrap_err();
        assert_eq!(full.index, 1);
        assert_eq!(full.retry_after, Duration::minutes(13 * 60 + 45));
        // Another group is not touched.
        assert_eq!(throttle.reserve("h", &c, later).await.unwrap(), Ok(()));
    }

    #[tokio::test]
    async fn giving_back_forgetting_and_clearing() {
        let throttle = Throttle::in_process();
        let now = ten_o_clock();
        let c = counters();
        throttle.reserve("g", &c, now).await.unwrap().unwrap();
        throttle.reserve("g", &c, now).await.unwrap().unwrap();
        throttle.forget("g", &c, &[&c[0]], now).await.unwrap();
        throttle.reserve("g", &c, now).await.unwrap().unwrap();
        // The day's counter holds 3 now.
        assert_eq!(
            throttle
                .reserve("g", &c, now)
                .await
                .unwrap()
                .unwrap_err()
                .index,
            1
        );
        throttle.give_back("g", &c, &[&c[1]], now).await.unwrap();
        throttle.reserve("g", &c, now).await.unwrap().unwrap();
        throttle.clear("g", &c, now).await.unwrap();
        throttle.reserve("g", &c, now).await.unwrap().unwrap();
    }

    #[tokio::test]
    async fn parallel_attempts_never_pass_the_limit() {
        let throttle = Throttle::in_process();
        let now = ten_o_clock();
        let c = vec![Counter::new("x", Limit::per_minutes(10, 10))];
        let tries = (0..200).map(|_| {
            let throttle = throttle.clone();
            let c = c.clone();
            tokio::spawn(async move { throttle.reserve("g", &c, now).await.unwrap().is_ok() })
        });
        let mut passed = 0;
        for t in tries {
            passed += usize::from(t.await.unwrap());
        }
        assert_eq!(passed, 10);
    }

    #[test]
    fn waits_read_as_minutes_or_hours() {
        assert_eq!(wait_text(Duration::seconds(1)), "1 分钟");
        assert_eq!(wait_text(Duration::seconds(61)), "2 分钟");
        assert_eq!(wait_text(Duration::minutes(60)), "1 小时");
        assert_eq!(wait_text(Duration::minutes(13 * 60 + 45)), "14 小时");
    }
}
