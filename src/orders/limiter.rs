//! Counting attempts at something guessable (a pickup code), so nobody can guess their way to
//! someone else's meal.
//!
//! A fixed window per key: at most `limit` counted attempts per `window`. An attempt is counted
//! **before** the guarded check runs, atomically over all its keys (a Lua script on Redis, a mutex
//! in process): of any number of parallel guesses exactly `limit` get through to the check and the
//! rest are refused. An attempt that succeeds (a code that served a meal) is then given back with
//! [`AttemptLimiter::forgive`], so an operator's correct scans never use up the budget; anything
//! else — an unknown code, a code of an order in another state, a code shown too early — stays
//! counted.
//!
//! Windows are numbered by the service's clock on both stores (the Redis key carries the window's
//! number), so the two agree whatever Redis's own clock says; the relative `EXPIRE` only clears
//! away windows that are over.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::Duration,
};

use chrono::{DateTime, Utc};

/// Counted attempts per key: the number of the window they fell in, and how many so far.
type Windows = Arc<Mutex<HashMap<String, (i64, u32)>>>;

#[derive(Clone)]
pub enum AttemptLimiter {
    Redis {
        conn: redis::aio::ConnectionManager,
        prefix: String,
    },
    InProcess(Windows),
}

/// A key and the attempts it allows per window.
#[derive(Clone, Copy, Debug)]
pub struct Limit<'a> {
    pub key: &'a str,
    pub per_window: u32,
}

/// The answer to [`AttemptLimiter::attempt`].
#[derive(Debug, PartialEq, Eq)]
pub enum Attempt {
    /// Counted on every key; go ahead with the check.
    Counted,
    /// A key is at its limit: nothing was counted, the check must not run.
    Refused,
}

/// Redis could not count: the caller refuses rather than lets an uncounted guess through.
#[derive(Debug, thiserror::Error)]
#[error("attempt limiter unavailable: {0}")]
pub struct LimiterUnavailable(#[from] redis::RedisError);

/// Counts one attempt on every key if none is at its limit; all or nothing.
/// KEYS: the window keys. ARGV[1]: seconds to keep a window; ARGV[2..]: each key's limit.
const ATTEMPT_LUA: &str = r#"
for i, key in ipairs(KEYS) do
  local counted = tonumber(redis.call('GET', key) or '0')
  if counted >= tonumber(ARGV[i + 1]) then
    return 0
  end
end
for _, key in ipairs(KEYS) do
  redis.call('INCR', key)
  redis.call('EXPIRE', key, ARGV[1])
end
return 1
"#;

/// Gives one counted attempt back on every key (never below zero).
const FORGIVE_LUA: &str = r#"
for _, key in ipairs(KEYS) do
  local counted = tonumber(redis.call('GET', key) or '0')
  if counted > 0 then
    redis.call('DECR', key)
  end
end
return 1
"#;

impl AttemptLimiter {
    pub fn in_process() -> Self {
        Self::InProcess(Arc::default())
    }

    /// Counts one attempt on every key of `limits` in the current window, unless one of them has
    /// already reached its limit (then nothing is counted). Atomic over all keys: parallel
    /// attempts never overshoot a limit.
    pub async fn attempt(
        &self,
        limits: &[Limit<'_>],
        window: Duration,
        now: DateTime<Utc>,
    ) -> Result<Attempt, LimiterUnavailable> {
        match self {
            Self::Redis { conn, prefix } => {
                let mut conn = conn.clone();
                let attempt = redis::Script::new(ATTEMPT_LUA);
                let mut script = attempt.prepare_invoke();
                for limit in limits {
                    script.key(redis_key(prefix, limit.key, window, now));
                }
                script.arg(keep_for(window));
                for limit in limits {
                    script.arg(limit.per_window);
                }
                let counted: i32 = script.invoke_async(&mut conn).await?;
                Ok(if counted == 1 {
                    Attempt::Counted
                } else {
                    Attempt::Refused
                })
            }
            Self::InProcess(map) => {
                let mut map = map.lock().unwrap_or_else(|e| e.into_inner());
                let number = window_number(window, now);
                let counted = |map: &HashMap<String, (i64, u32)>, key: &str| match map.get(key) {
                    Some((n, count)) if *n == number => *count,
                    _ => 0,
                };
                if limits
                    .iter()
                    .any(|limit| counted(&map, limit.key) >= limit.per_window)
                {
                    return Ok(Attempt::Refused);
                }
                for limit in limits {
                    let entry = map.entry(limit.key.to_string()).or_insert((number, 0));
                    if entry.0 != number {
                        *entry = (number, 0);
                    }
                    entry.1 += 1;
                }
                Ok(Attempt::Counted)
            }
        }
    }

    /// Gives back an attempt that succeeded, on every key. A failure to reach Redis only leaves
    /// the attempt counted (the budget a little smaller), so it is logged, not raised.
    pub async fn forgive(&self, keys: &[&str], window: Duration, now: DateTime<Utc>) {
        match self {
            Self::Redis { conn, prefix } => {
                let mut conn = conn.clone();
                let forgive = redis::Script::new(FORGIVE_LUA);
                let mut script = forgive.prepare_invoke();
                for key in keys {
                    script.key(redis_key(prefix, key, window, now));
                }
                if let Err(err) = script.invoke_async::<i32>(&mut conn).await {
                    tracing::warn!(%err, "a successful attempt was not given back");
                }
            }
            Self::InProcess(map) => {
                let mut map = map.lock().unwrap_or_else(|e| e.into_inner());
                let number = window_number(window, now);
                for key in keys {
                    if let Some((n, count)) = map.get_mut(*key)
                        && *n == number
                    {
                        *count = count.saturating_sub(1);
                    }
                }
            }
        }
    }
}

impl AttemptLimiter {
    /// Whether any key has reached its limit in the current window (nothing is counted). For
    /// checks that many callers make at once for good reasons (a counter identifying elders while
    /// the lunch rush books through it), where counting in-flight tries would refuse honest ones:
    /// only failures are counted, with [`AttemptLimiter::record_failure`].
    pub async fn is_blocked(
        &self,
        limits: &[Limit<'_>],
        window: Duration,
        now: DateTime<Utc>,
    ) -> Result<bool, LimiterUnavailable> {
        match self {
            Self::Redis { conn, prefix } => {
                let mut conn = conn.clone();
                let keys: Vec<String> = limits
                    .iter()
                    .map(|limit| redis_key(prefix, limit.key, window, now))
                    .collect();
                let counted: Vec<Option<u32>> =
                    redis::cmd("MGET").arg(&keys).query_async(&mut conn).await?;
                Ok(limits
                    .iter()
                    .zip(counted)
                    .any(|(limit, counted)| counted.unwrap_or(0) >= limit.per_window))
            }
            Self::InProcess(map) => {
                let map = map.lock().unwrap_or_else(|e| e.into_inner());
                let number = window_number(window, now);
                Ok(limits.iter().any(|limit| match map.get(limit.key) {
                    Some((n, counted)) if *n == number => *counted >= limit.per_window,
                    _ => false,
                }))
            }
        }
    }

    /// Counts one failure on every key, whatever the limits (see [`AttemptLimiter::is_blocked`]).
    pub async fn record_failure(
        &self,
        keys: &[&str],
        window: Duration,
        now: DateTime<Utc>,
    ) -> Result<(), LimiterUnavailable> {
        let unlimited: Vec<Limit<'_>> = keys
            .iter()
            .map(|key| Limit {
                key,
                per_window: u32::MAX,
            })
            .collect();
        self.attempt(&unlimited, window, now).await.map(|_| ())
    }
}

/// How long Redis keeps a window's counter: the window and one more, so it outlives the window
/// whatever the two clocks say.
fn keep_for(window: Duration) -> u64 {
    window.as_secs().max(1).saturating_mul(2)
}

/// Which window `now` (the service's clock) falls in: windows are `window` long, counted from the
/// Unix epoch.
fn window_number(window: Duration, now: DateTime<Utc>) -> i64 {
    let length = i64::try_from(window.as_secs().max(1)).unwrap_or(i64::MAX);
    now.timestamp().div_euclid(length)
}

fn redis_key(prefix: &str, key: &str, window: Duration, now: DateTime<Utc>) -> String {
    format!("{prefix}attempts:{key}:{}", window_number(window, now))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(operator: u32, meal_point: u32) -> [Limit<'static>; 2] {
        [
            Limit {
                key: "{mp:1}:operator:7",
                per_window: operator,
            },
            Limit {
                key: "{mp:1}:all",
                per_window: meal_point,
            },
        ]
    }

    #[tokio::test]
    async fn attempts_count_before_the_check_and_stop_at_the_limit() {
        let limiter = AttemptLimiter::in_process();
        let window = Duration::from_secs(600);
        // The start of a window: 1,800,000,000 is a multiple of 600.
        let t0 = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        for _ in 0..3 {
            assert_eq!(
                limiter.attempt(&limits(3, 30), window, t0).await.unwrap(),
                Attempt::Counted
            );
        }
        assert_eq!(
            limiter.attempt(&limits(3, 30), window, t0).await.unwrap(),
            Attempt::Refused
        );
        // A success given back makes room for one more.
        limiter
            .forgive(&["{mp:1}:operator:7", "{mp:1}:all"], window, t0)
            .await;
        assert_eq!(
            limiter.attempt(&limits(3, 30), window, t0).await.unwrap(),
            Attempt::Counted
        );
        // The next window starts afresh.
        let later = t0 + chrono::Duration::seconds(601);
        assert_eq!(
            limiter
                .attempt(&limits(3, 30), window, later)
                .await
                .unwrap(),
            Attempt::Counted
        );
    }

    #[tokio::test]
    async fn a_refused_attempt_counts_on_no_key() {
        let limiter = AttemptLimiter::in_process();
        let window = Duration::from_secs(600);
        let t0 = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        // The meal point's key is full: the operator's own count must not grow.
        for _ in 0..2 {
            limiter.attempt(&limits(10, 2), window, t0).await.unwrap();
        }
        for _ in 0..5 {
            assert_eq!(
                limiter.attempt(&limits(10, 2), window, t0).await.unwrap(),
                Attempt::Refused
            );
        }
        let operator_alone = [Limit {
            key: "{mp:1}:operator:7",
            per_window: 3,
        }];
        assert_eq!(
            limiter.attempt(&operator_alone, window, t0).await.unwrap(),
            Attempt::Counted,
            "two counted, the five refused ones were not"
        );
    }
}
