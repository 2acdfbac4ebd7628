//! Short-lived in-process copies of what every booking reads and almost nothing writes: who a
//! bearer token is, meal points, offerings, which operator runs which meal point, and the subsidy
//! policy in force. At the 10:30 peak these reads were most of the database's work per booking,
//! for rows that change a few times a day.
//!
//! Two rules keep them honest. A write made through this instance drops what it changed at once
//! (the service function that wrote calls the `forget_*` method of `state::HotCaches` beside its
//! write), so a client never sees its own change undone. A write made through another instance is seen here at most [`HOT_TTL`] later (a
//! sign-out: [`SESSION_TTL`]). The booking never depends on a cached value for what must not be
//! stale: portions and the elder's quota are decided by the reservation store, and the durable
//! writer's guarded `booked` update refuses to oversell whatever the cache says.
//!
//! This module is the mechanism (a map whose entries expire); which caches exist, holding which
//! domains' rows, is the composition root's business (`state::HotCaches`).

use std::{
    collections::HashMap,
    hash::Hash,
    sync::{Mutex, PoisonError},
    time::{Duration, Instant},
};

/// How long a meal point, an offering, an operator assignment or a policy is trusted.
pub const HOT_TTL: Duration = Duration::from_secs(5);

/// How long a session is trusted before it is read again (a sign-out on another instance takes
/// effect within this time; one on this instance at once).
pub const SESSION_TTL: Duration = Duration::from_secs(30);

/// Entries kept at most per cache; past it the cache is emptied and fills again. A city's active
/// sessions at the peak fit comfortably; the bound only stops a flood of bogus keys growing memory.
const CAPACITY: usize = 200_000;

/// A map whose entries expire `ttl` after they were stored.
pub struct TtlCache<K, V> {
    ttl: Duration,
    entries: Mutex<HashMap<K, (Instant, V)>>,
}

impl<K: Eq + Hash, V: Clone> TtlCache<K, V> {
    pub fn new(ttl: Duration) -> Self {
        Self {
            ttl,
            entries: Mutex::new(HashMap::new()),
        }
    }

    fn entries(&self) -> std::sync::MutexGuard<'_, HashMap<K, (Instant, V)>> {
        // Every operation is a single map call, so a panic cannot leave an entry half written.
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn get(&self, key: &K) -> Option<V> {
        let entries = self.entries();
        let (stored_at, value) = entries.get(key)?;
        (stored_at.elapsed() < self.ttl).then(|| value.clone())
    }

    /// The fresh entry, or what `load` returns (then kept). A failed load keeps nothing.
    pub async fn get_or_load<E, Fut>(&self, key: K, load: impl FnOnce() -> Fut) -> Result<V, E>
    where
        Fut: std::future::Future<Output = Result<V, E>>,
    {
        if let Some(value) = self.get(&key) {
            return Ok(value);
        }
        let value = load().await?;
        self.insert(key, value.clone());
        Ok(value)
    }

    pub fn insert(&self, key: K, value: V) {
        let mut entries = self.entries();
        if entries.len() >= CAPACITY {
            entries.clear();
        }
        entries.insert(key, (Instant::now(), value));
    }

    pub fn remove(&self, key: &K) {
        self.entries().remove(key);
    }

    pub fn clear(&self) {
        self.entries().clear();
    }

    /// Drops every entry whose value fails `keep`.
    pub fn retain(&self, keep: impl Fn(&V) -> bool) {
        self.entries().retain(|_, (_, value)| keep(value));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_is_returned_until_it_expires() {
        let cache = TtlCache::new(Duration::from_millis(30));
        cache.insert(1, "饺子");
        assert_eq!(cache.get(&1), Some("饺子"));
        std::thread::sleep(Duration::from_millis(40));
        assert_eq!(cache.get(&1), None);
    }

    #[tokio::test]
    async fn get_or_load_loads_once_and_keeps_nothing_on_failure() {
        let cache: TtlCache<i64, &str> = TtlCache::new(Duration::from_secs(60));
        let failed: Result<&str, &str> =
            cache.get_or_load(1, || async { Err("数据库不可用") }).await;
        assert_eq!(failed, Err("数据库不可用"));
        assert_eq!(cache.get(&1), None);
        let loaded: Result<_, ()> = cache.get_or_load(1, || async { Ok("饺子") }).await;
        assert_eq!(loaded, Ok("饺子"));
        let cached: Result<_, ()> = cache.get_or_load(1, || async { Ok("面条") }).await;
        assert_eq!(cached, Ok("饺子"));
    }

    #[test]
    fn removed_and_cleared_entries_are_gone() {
        let cache = TtlCache::new(Duration::from_secs(60));
        cache.insert(1, 10);
        cache.insert(2, 20);
        cache.remove(&1);
        assert_eq!(cache.get(&1), None);
        assert_eq!(cache.get(&2), Some(20));
        cache.clear();
        assert_eq!(cache.get(&2), None);
    }
}
