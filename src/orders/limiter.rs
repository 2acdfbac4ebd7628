//! Counting wrong pickup codes, so nobody can guess their way to someone else's meal.
//!
//! A fixed window per key: at most `limit` failures per `window`. With Redis the count is shared
//! by every instance (`INCR` + `EXPIRE`); without it, an in-process map serves a single instance.
//!
//! Windows are numbered by the service's clock on both (the Redis key carries the window's
//! number), so the two agree whatever Redis's own clock says; the relative `EXPIRE` only clears
//! away windows that are over.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::Duration,
};

use chrono::{DateTime, Utc};

/// Failures per key: the number of the window they fell in, and how many so far.
type Windows = Arc<Mutex<HashMap<String, (i64, u32)>>>;

#[derive(Clone)]
pub enum AttemptLimiter {
    Redis {
        conn: redis::aio::ConnectionManager,
        prefix: String,
    },
    InProcess(Windows),
}

impl AttemptLimiter {
    pub fn in_process() -> Self {
        Self::InProcess(Arc::default())
    }

    /// Failures recorded for `key` in the current window.
    pub async fn failures(&self, key: &str, window: Duration, now: DateTime<Utc>) -> u32 {
        match self {
            Self::Redis { conn, prefix } => {
                let mut conn = conn.clone();
                redis::cmd("GET")
                    .arg(redis_key(prefix, key, window, now))
                    .query_async::<Option<u32>>(&mut conn)
                    .await
                    .ok()
                    .flatten()
                    .unwrap_or(0)
            }
            Self::InProcess(map) => {
                let map = map.lock().unwrap_or_else(|e| e.into_inner());
                match map.get(key) {
                    Some((number, count)) if *number == window_number(window, now) => *count,
                    _ => 0,
                }
            }
        }
    }

    /// Records one failure for `key`.
    pub async fn record_failure(&self, key: &str, window: Duration, now: DateTime<Utc>) {
        match self {
            Self::Redis { conn, prefix } => {
                let mut conn = conn.clone();
                let redis_key = redis_key(prefix, key, window, now);
                let result: Result<(u32, i32), _> = redis::pipe()
                    .atomic()
                    .cmd("INCR")
                    .arg(&redis_key)
                    .cmd("EXPIRE")
                    .arg(&redis_key)
                    .arg(window.as_secs().max(1).saturating_mul(2))
                    .query_async(&mut conn)
                    .await;
                if let Err(err) = result {
                    tracing::warn!(%err, "could not record a failed pickup attempt");
                }
            }
            Self::InProcess(map) => {
                let mut map = map.lock().unwrap_or_else(|e| e.into_inner());
                let number = window_number(window, now);
                let entry = map.entry(key.to_string()).or_insert((number, 0));
                if entry.0 != number {
                    *entry = (number, 0);
                }
                entry.1 += 1;
            }
        }
    }
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

    #[tokio::test]
    async fn the_in_process_window_counts_and_resets() {
        let limiter = AttemptLimiter::in_process();
        let window = Duration::from_secs(600);
        // The start of a window: 1,800,000,000 is a multiple of 600.
        let t0 = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        for _ in 0..3 {
            limiter.record_failure("op:1", window, t0).await;
        }
        assert_eq!(limiter.failures("op:1", window, t0).await, 3);
        assert_eq!(limiter.failures("op:2", window, t0).await, 0);
        let same_window = t0 + chrono::Duration::seconds(599);
        assert_eq!(limiter.failures("op:1", window, same_window).await, 3);
        let later = t0 + chrono::Duration::seconds(601);
        assert_eq!(limiter.failures("op:1", window, later).await, 0);
        limiter.record_failure("op:1", window, later).await;
        assert_eq!(limiter.failures("op:1", window, later).await, 1);
    }
}
