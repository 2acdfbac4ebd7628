//! What every request handler can reach.

use std::sync::Arc;

use sea_orm::DatabaseConnection;

use crate::{clock::Clock, config::Config, wechat::WeChatClient};

#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    /// `None` without `REDIS_URL`: the in-process implementations serve instead.
    pub redis: Option<redis::aio::ConnectionManager>,
    pub wechat: WeChatClient,
    pub clock: Clock,
    pub config: Arc<Config>,
}
