//! The mini program's access token for server calls (`subscribeMessage.send`), from
//! `/cgi-bin/stable_token`: cached, refreshed before it ends, and refreshed by one caller at a
//! time across every instance, so instances never race each other into a burst of refreshes
//! (`force_refresh` is limited to 20 a day).
//!
//! Where the token is shared: Redis when configured (a `SET NX` lock beside the token), else
//! PostgreSQL (the `wechat_token` row, locked `FOR UPDATE` while one instance refreshes), else
//! (SQLite, one instance) only this process. Inside a process a mutex makes one refresh of many
//! concurrent callers.
//!
//! The token is a secret: it is held as [`AccessToken`] (redacted in `Debug`), never logged, and
//! errors of calls that carry it have their URL taken out.

use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, Utc};
use entity::wechat_token;
use redis::aio::ConnectionManager;
use sea_orm::{
    ActiveValue::Set, DatabaseBackend, DatabaseConnection, DbErr, EntityTrait, QuerySelect,
    TransactionTrait, sea_query::OnConflict,
};
use tokio::sync::Mutex;

use super::client::{AccessToken, WeChatClient, WeChatError};
use crate::clock::Clock;

/// A token this close to its end is refreshed (WeChat's own stable token turns over 5 minutes
/// early; asking a little before that never hands out a token in its last minutes).
const REFRESH_MARGIN_SECONDS: i64 = 6 * 60;
/// How long one instance may hold the Redis refresh lock (a refresh takes a few seconds at most).
const REDIS_LOCK: StdDuration = StdDuration::from_secs(10);

#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error(transparent)]
    WeChat(#[from] WeChatError),
    #[error("token store: {0}")]
    Store(String),
}

#[derive(Clone)]
struct Cached {
    token: AccessToken,
    expires_at: DateTime<Utc>,
}

enum Shared {
    Redis {
        conn: ConnectionManager,
        prefix: String,
    },
    Database(DatabaseConnection),
    /// One instance (SQLite): this process's cache is the only one.
    Process,
}

pub struct AccessTokens {
    client: WeChatClient,
    clock: Clock,
    shared: Shared,
    /// Also the single flight inside this process: a refresh holds it.
    cached: Mutex<Option<Cached>>,
}

impl AccessTokens {
    pub fn new(
        client: WeChatClient,
        clock: Clock,
        db: &DatabaseConnection,
        redis: Option<(ConnectionManager, String)>,
    ) -> Self {
        let shared = match redis {
            Some((conn, prefix)) => Shared::Redis { conn, prefix },
            None if db.get_database_backend() == DatabaseBackend::Postgres => {
                Shared::Database(db.clone())
            }
            None => Shared::Process,
        };
        Self {
            client,
            clock,
            shared,
            cached: Mutex::new(None),
        }
    }

    pub fn client(&self) -> &WeChatClient {
        &self.client
    }

    /// A token good for a while yet.
    pub async fn get(&self) -> Result<AccessToken, TokenError> {
        self.get_replacing(None).await
    }

    /// A token other than `rejected`, which WeChat just refused (40001/42001).
    pub async fn replace(&self, rejected: &AccessToken) -> Result<AccessToken, TokenError> {
        self.get_replacing(Some(rejected)).await
    }

    async fn get_replacing(
        &self,
        rejected: Option<&AccessToken>,
    ) -> Result<AccessToken, TokenError> {
        let mut cached = self.cached.lock().await;
        let now = self.clock.now();
        if let Some(c) = cached.as_ref().filter(|c| usable(c, now, rejected)) {
            return Ok(c.token.clone());
        }
        let fresh = match &self.shared {
            Shared::Process => self.fetch(rejected).await?,
            Shared::Database(db) => self.through_database(db, rejected).await?,
            Shared::Redis { conn, prefix } => {
                self.through_redis(conn.clone(), prefix, rejected).await?
            }
        };
        let token = fresh.token.clone();
        *cached = Some(fresh);
        Ok(token)
    }

    /// Asks WeChat; should it hand back the token just rejected, forces a new one.
    async fn fetch(&self, rejected: Option<&AccessToken>) -> Result<Cached, TokenError> {
        let mut fresh = self.client.stable_token(false).await?;
        if rejected.is_some_and(|r| *r == fresh.token) {
            fresh = self.client.stable_token(true).await?;
        }
        Ok(Cached {
            token: fresh.token,
            expires_at: self.clock.now() + Duration::seconds(fresh.expires_in),
        })
    }

    async fn through_database(
        &self,
        db: &DatabaseConnection,
        rejected: Option<&AccessToken>,
    ) -> Result<Cached, TokenError> {
        let store = |e: sea_orm::DbErr| TokenError::Store(e.to_string());
        let app_id = self.client.app_id().to_string();
        let inserted = wechat_token::Entity::insert(wechat_token::ActiveModel {
            app_id: Set(app_id.clone()),
            access_token: Set(None),
            expires_at: Set(None),
        })
        .on_conflict(
            OnConflict::column(wechat_token::Column::AppId)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(db)
        .await;
        match inserted {
            Ok(_) | Err(DbErr::RecordNotInserted) => {}
            Err(err) => return Err(store(err)),
        }
        let txn = db.begin().await.map_err(store)?;
        // Every other instance wanting a refresh waits here, then finds this one's token.
        let row = wechat_token::Entity::find_by_id(app_id)
            .lock_exclusive()
            .one(&txn)
            .await
            .map_err(store)?
            .ok_or_else(|| TokenError::Store("wechat_token row missing".into()))?;
        if let (Some(token), Some(expires_at)) = (row.access_token.clone(), row.expires_at) {
            let stored = Cached {
                token: AccessToken::new(token),
                expires_at,
            };
            if usable(&stored, self.clock.now(), rejected) {
                txn.commit().await.map_err(store)?;
                return Ok(stored);
            }
        }
        let fresh = self.fetch(rejected).await?;
        let mut active: wechat_token::ActiveModel = row.into();
        active.access_token = Set(Some(fresh.token.expose().to_string()));
        active.expires_at = Set(Some(fresh.expires_at));
        wechat_token::Entity::update(active)
            .exec(&txn)
            .await
            .map_err(store)?;
        txn.commit().await.map_err(store)?;
        Ok(fresh)
    }

    async fn through_redis(
        &self,
        mut conn: ConnectionManager,
        prefix: &str,
        rejected: Option<&AccessToken>,
    ) -> Result<Cached, TokenError> {
        let store = |e: redis::RedisError| TokenError::Store(e.to_string());
        let key = format!("{prefix}wechat:token");
        let lock = format!("{key}:lock");
        let holder = uuid::Uuid::new_v4().to_string();
        let waited_until = tokio::time::Instant::now() + REDIS_LOCK * 2;
        loop {
            if let Some(stored) = read_redis(&mut conn, &key).await.map_err(store)?
                && usable(&stored, self.clock.now(), rejected)
            {
                return Ok(stored);
            }
            let taken: Option<String> = redis::cmd("SET")
                .arg(&lock)
                .arg(&holder)
                .arg("NX")
                .arg("PX")
                .arg(REDIS_LOCK.as_millis() as u64)
                .query_async(&mut conn)
                .await
                .map_err(store)?;
            if taken.is_some() {
                let result = self.refresh_in_redis(&mut conn, &key, rejected).await;
                let _: Result<i64, _> = redis::Script::new(
                    "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end",
                )
                .key(&lock)
                .arg(&holder)
                .invoke_async(&mut conn)
                .await;
                return result;
            }
            if tokio::time::Instant::now() > waited_until {
                return Err(TokenError::Store(
                    "another instance holds the token refresh lock".into(),
                ));
            }
            tokio::time::sleep(StdDuration::from_millis(50)).await;
        }
    }

    /// Under the Redis lock: another instance may have refreshed between the read and the lock.
    async fn refresh_in_redis(
        &self,
        conn: &mut ConnectionManager,
        key: &str,
        rejected: Option<&AccessToken>,
    ) -> Result<Cached, TokenError> {
        let store = |e: redis::RedisError| TokenError::Store(e.to_string());
        if let Some(stored) = read_redis(conn, key).await.map_err(store)?
            && usable(&stored, self.clock.now(), rejected)
        {
            return Ok(stored);
        }
        let fresh = self.fetch(rejected).await?;
        let value = format!("{}|{}", fresh.expires_at.timestamp(), fresh.token.expose());
        let _: () = redis::cmd("SET")
            .arg(key)
            .arg(value)
            .arg("EX")
            .arg(7200)
            .query_async(conn)
            .await
            .map_err(store)?;
        Ok(fresh)
    }
}

fn usable(cached: &Cached, now: DateTime<Utc>, rejected: Option<&AccessToken>) -> bool {
    cached.expires_at - Duration::seconds(REFRESH_MARGIN_SECONDS) > now
        && rejected.is_none_or(|r| *r != cached.token)
}

/// The stored `"<expires_at unix seconds>|<token>"`.
async fn read_redis(
    conn: &mut ConnectionManager,
    key: &str,
) -> Result<Option<Cached>, redis::RedisError> {
    let value: Option<String> = redis::cmd("GET").arg(key).query_async(conn).await?;
    Ok(value.and_then(|v| {
        let (at, token) = v.split_once('|')?;
        Some(Cached {
            token: AccessToken::new(token),
            expires_at: DateTime::from_timestamp(at.parse().ok()?, 0)?,
        })
    }))
}
