//! What every request handler can reach: the composition root. It holds each domain's
//! infrastructure and the [`Reactions`] wired between domains, so it names every domain; the
//! module-graph check leaves it out for that reason (see `architecture.rs`).

use std::{future::Future, pin::Pin, sync::Arc};

use sea_orm::DatabaseConnection;

use chrono::NaiveDate;
use entity::{meal_point, offering};

use crate::{
    auth::Caller,
    cache::{HOT_TTL, SESSION_TTL, TtlCache},
    clock::Clock,
    config::Config,
    error::AppResult,
    orders::{limiter::AttemptLimiter, reservation::SharedReservations, writer::OrderWriter},
    subsidy::Policy,
    wechat::WeChatClient,
};

#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    /// `None` without `REDIS_URL`: the in-process implementations serve instead.
    pub redis: Option<redis::aio::ConnectionManager>,
    pub wechat: WeChatClient,
    /// Delivers WeChat subscribe messages; holds the access token.
    pub notices: Arc<crate::notices::service::Sender>,
    /// WeChat Pay API v3 (partner mode), the real one or the bundled fake.
    pub pay: crate::wechat::pay::PayClient,
    /// The lunch-peak gate: Redis when configured, in-process otherwise.
    pub reservations: SharedReservations,
    /// Batches new orders into durable commits.
    pub order_writer: OrderWriter,
    /// Bounded queueing in front of booking (sheds the excess as `BOOKING_BUSY`).
    pub booking_gate: Arc<crate::orders::admission::BookingGate>,
    /// Counts wrong pickup codes.
    pub attempt_limiter: AttemptLimiter,
    /// Counts sign-in failures, family-link attempts and complaints.
    pub throttle: crate::throttle::Throttle,
    pub clock: Clock,
    pub config: Arc<Config>,
    /// Short-lived copies of what every booking reads (see `cache`).
    pub caches: Arc<HotCaches>,
    /// How one domain's change reaches the others.
    pub reactions: Reactions,
}

impl AppState {
    /// What the notice sender needs of the state.
    pub fn outbox(&self) -> crate::notices::service::Outbox<'_> {
        crate::notices::service::Outbox {
            db: &self.db,
            clock: &self.clock,
            config: &self.config.notices,
            sender: &self.notices,
        }
    }
}

/// A reaction's answer, boxed so the traits stay object-safe.
pub type Reaction<'a, T> = Pin<Box<dyn Future<Output = AppResult<T>> + Send + 'a>>;

/// How a change in one domain reaches another without the changing domain naming it (which would
/// make the two depend on each other). Each trait is defined by the domain that changes, saying
/// what it needs done; the reacting domain implements it; start-up wires them here.
///
/// | change | trait (defined by) | done by |
/// |---|---|---|
/// | a meal point's status changes | `meal_points::BookingsOnSuspension` | orders: fences it in the reservation store; a pause or closure cancels the bookings of the days covered |
/// | a meal point's hours or booking times change | `meal_points::OfferingsOnScheduleChange` | menus: offerings get new cutoffs, in the same transaction |
/// | a meal point is shown | `meal_points::RatingGlances` | feedback: the rating summary |
/// | offerings published, portions changed | `menus::CapacityChanges` | orders: the reservation store learns the capacity |
/// | an order is booked or cancelled | `orders::payment_terms::PaymentTerms` | payments: the payment due; a refund or a closed trade |
#[derive(Clone)]
pub struct Reactions {
    pub bookings: Arc<dyn crate::meal_points::BookingsOnSuspension>,
    pub offerings: Arc<dyn crate::meal_points::OfferingsOnScheduleChange>,
    pub ratings: Arc<dyn crate::meal_points::RatingGlances>,
    pub capacity: Arc<dyn crate::menus::CapacityChanges>,
    pub payment_terms: Arc<dyn crate::orders::payment_terms::PaymentTerms>,
}

/// A signed-in caller and when the session ends.
#[derive(Clone)]
pub struct CachedSession {
    pub caller: Caller,
    pub expires_at: chrono::DateTime<chrono::Utc>,
}

/// Every hot cache of one service instance.
pub struct HotCaches {
    /// By the token's SHA-256.
    pub sessions: TtlCache<String, CachedSession>,
    pub meal_points: TtlCache<i64, meal_point::Model>,
    /// An offering with its dish's name.
    pub offerings: TtlCache<i64, (offering::Model, String)>,
    /// (operator account, meal point) pairs known to be assigned; refusals are not cached.
    pub operator_of: TtlCache<(i64, i64), ()>,
    /// The policy in force on a date (`None`: none is).
    pub policy_on: TtlCache<NaiveDate, Option<Policy>>,
    /// How each meal point takes the elder's share (`None`: at the counter), read per booking.
    pub payment_methods: TtlCache<i64, Option<entity::meal_point_payment::Model>>,
}

impl Default for HotCaches {
    fn default() -> Self {
        Self {
            sessions: TtlCache::new(SESSION_TTL),
            meal_points: TtlCache::new(HOT_TTL),
            offerings: TtlCache::new(HOT_TTL),
            operator_of: TtlCache::new(HOT_TTL),
            policy_on: TtlCache::new(HOT_TTL),
            payment_methods: TtlCache::new(HOT_TTL),
        }
    }
}

impl HotCaches {
    /// A meal point's profile, hours or status changed, or a dish or offering did (hours move
    /// offerings' cutoffs, so both go).
    pub fn forget_catalogue(&self) {
        self.meal_points.clear();
        self.offerings.clear();
    }

    /// An account's role changed (a self-registered elder was approved): its sessions are read
    /// again on their next use.
    pub fn forget_sessions_of(&self, account_id: i64) {
        self.sessions
            .retain(|session| session.caller.account_id != account_id);
    }

    /// An operator was assigned to or removed from a meal point.
    pub fn forget_operators(&self) {
        self.operator_of.clear();
    }

    /// A policy was published or withdrawn.
    pub fn forget_policies(&self) {
        self.policy_on.clear();
    }
}
