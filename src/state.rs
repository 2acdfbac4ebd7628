//! What every request handler can reach.

use std::sync::Arc;

use sea_orm::DatabaseConnection;

use crate::{
    cache::HotCaches,
    clock::Clock,
    config::Config,
    orders::{limiter::AttemptLimiter, reservation::SharedReservations, writer::OrderWriter},
    wechat::WeChatClient,
};

#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    /// `None` without `REDIS_URL`: the in-process implementations serve instead.
    pub redis: Option<redis::aio::ConnectionManager>,
    pub wechat: WeChatClient,
    /// The lunch-peak gate: Redis when configured, in-process otherwise.
    pub reservations: SharedReservations,
    /// Batches new orders into durable commits.
    pub order_writer: OrderWriter,
    /// Counts wrong pickup codes.
    pub attempt_limiter: AttemptLimiter,
    /// Counts sign-in failures, family-link attempts and complaints.
    pub throttle: crate::throttle::Throttle,
    pub clock: Clock,
    pub config: Arc<Config>,
    /// Short-lived copies of what every booking reads (see `cache`).
    pub caches: Arc<HotCaches>,
}
