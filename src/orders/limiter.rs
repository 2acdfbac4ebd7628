//! Counting wrong pickup codes, so nobody can guess their way to someone else's meal.
//!
//! A fixed window per key: at most `limit` failures per `window`. With Redis the count is shared
//! by every instance (`INCR` + `EXPIRE`); without it, an in-process map serves a single instance.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::Duration,
};

use chrono::{DateTime, Utc};

/// Failures per key: when the current window started, and how many so far.
type Windows = Arc<Mutex<HashMap<String, (DateTime<Utc>, u32)>>>;

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
                    .arg(format!("{prefix}attempts:{key}"))
                    .query_async::<Option<u32>>(&mut conn)
                    .await
                    .ok()
                    .flatten()
                    .unwrap_or(0)
            }
            Self::InProcess(map) => {
                let map = map.lock().unwrap_or_else(|e| e.into_inner());
                match map.get(key) {
                    Some((start, count)) if now - *start < to_chrono(window) => *count,
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
                let redis_key = format!("{prefix}attempts:{key}");
                let result: Result<(u32, i32), _> = redis::pipe()
                    .atomic()
                    .cmd("INCR")
                    .arg(&redis_key)
                    .cmd("EXPIRE")
                    .arg(&redis_key)
                    .arg(window.as_secs().max(1))
                    .arg("NX")
                    .query_async(&mut conn)
                    .await;
                if let Err(err) = result {
                    tracing::warn!(%err, "could not record a failed pickup attempt");
                }
            }
            Self::InProcess(map) => {
                let mut map = map.lock().unwrap_or_else(|e| e.into_inner());
                let entry = map.entry(key.to_string()).or_insert((now, 0));
                if now - entry.0 >= to_chrono(window) {
                    *entry = (now, 0);
                }
                entry.1 += 1;
            }
        }
    }
}

fn to_chrono(window: Duration) -> chrono::Duration {
    chrono::Duration::from_std(window).unwrap_or(chrono::Duration::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_in_process_window_counts_and_resets() {
        let limiter = AttemptLimiter::in_process();
        let window = Duration::from_secs(600);
        let t0 = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        for _ in 0..3 {
            limiter.record_failure("op:1", window, t0).await;
        }
        assert_eq!(limiter.failures("op:1", window, t0).await, 3);
        assert_eq!(limiter.failures("op:2", window, t0).await, 0);
        let later = t0 + chrono::Duration::seconds(601);
        assert_eq!(limiter.failures("op:1", window, later).await, 0);
        limiter.record_failure("op:1", window, later).await;
        assert_eq!(limiter.failures("op:1", window, later).await, 1);
    }
}
