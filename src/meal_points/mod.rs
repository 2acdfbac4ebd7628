//! Meal points (助餐点): the places elders eat or collect meals, their hours, service modes,
//! status and the labels the city gives them.
//!
//! The city (city_admin) creates meal points, assigns operators and gives labels (示范助餐点,
//! star grade); an operator keeps the profile, hours, modes and status of the meal points they are
//! assigned to, never the labels or the district. Elders and families read the directory without
//! signing in: a filtered list, a `near` search (the 15-minute circle) and each profile.
//!
//! Choices where the issue was silent:
//! - The kind (central kitchen, canteen …) is the city's classification, like the district:
//!   operators change neither (403 `CITY_ADMIN_ONLY_FIELD`). Labels have their own city-only
//!   endpoint, and the profile edit refuses unknown fields, so a label sent there is refused,
//!   never silently dropped.
//! - `near`: radius 1..=5000 m, default 1000. `serves_today` = open that weekday, not paused or
//!   closed today, and at least one offering today with portions left (cutoffs aside).
//! - The list's `open_on` = open that weekday and not paused or closed that day; `slot` = has
//!   hours for that slot; `dish_tag` = has an active dish with that tag.
//! - Changing hours or booking times gives offerings from today on their new cutoff and
//!   booking-opens date; offerings of a slot no longer served keep theirs (the operator
//!   withdraws them).
//! - An operator assigned twice stays assigned once; removing one not assigned is not an error.

pub mod access;
pub mod error;
pub mod http;
pub mod rules;
pub mod service;
pub mod store;

use std::{borrow::Cow, collections::HashMap};

use entity::meal_point;
use sea_orm::DatabaseTransaction;
use vocabulary::ServiceMode;

use crate::{
    error::{DomainError, ErrorKind},
    state::{AppState, Reaction},
};
use error::{MealPointError, ProfileText};
use http::RatingSummaryView;
use rules::{
    BookingPolicy, GeoPoint, MealPointKind, MealPointRuleError, OpeningDays, ServiceHours,
    ServiceModes,
};

// ---------------------------------------------------------------------------------------------
// What this domain asks of others. Each trait is implemented by the domain that reacts and wired
// in `state::Reactions` at start-up, so meal points never name orders, menus or feedback.
// ---------------------------------------------------------------------------------------------

/// A pause or closure now covers some days: the bookings of those days are cancelled.
pub trait BookingsOnSuspension: Send + Sync {
    /// The meal point's status (as just stored) changed: every instance must refuse or take
    /// bookings by it from now on, before any cancellation runs.
    fn status_changed<'a>(
        &'a self,
        state: &'a AppState,
        meal_point: &'a meal_point::Model,
    ) -> Reaction<'a, ()>;

    /// Cancels the live bookings of the days `meal_point` (as just stored) no longer takes,
    /// with `reason`, whatever their cutoff; returns how many.
    fn suspended<'a>(
        &'a self,
        state: &'a AppState,
        actor: i64,
        meal_point: &'a meal_point::Model,
        reason: &'a str,
    ) -> Reaction<'a, u32>;
}

/// New hours or booking times: the offerings already published get their booking windows again,
/// inside the transaction that stores the new profile.
pub trait OfferingsOnScheduleChange: Send + Sync {
    fn schedule_changed<'a>(
        &'a self,
        txn: &'a DatabaseTransaction,
        change: service::ScheduleChange<'a>,
    ) -> Reaction<'a, ()>;
}

/// The elders' ratings at a glance, shown with each meal point.
pub trait RatingGlances: Send + Sync {
    /// One summary per id (an empty one for a meal point without ratings).
    fn of<'a>(
        &'a self,
        state: &'a AppState,
        meal_point_ids: &'a [i64],
    ) -> Reaction<'a, HashMap<i64, RatingSummaryView>>;
}

impl DomainError for MealPointRuleError {
    fn kind(&self) -> ErrorKind {
        ErrorKind::BadRequest
    }
    fn code(&self) -> &'static str {
        MealPointRuleError::code(self)
    }
    fn message(&self) -> Cow<'static, str> {
        MealPointRuleError::message(self).into()
    }
    fn field(&self) -> Option<Cow<'static, str>> {
        MealPointRuleError::field(self).map(Cow::Borrowed)
    }
}

/// A meal point's profile, every part checked by the rules: what create and edit store.
/// Labels and status have their own endpoints and types ([`rules::CityLabels`],
/// [`rules::MealPointStatus`]).
#[derive(Debug, Clone, PartialEq)]
pub struct MealPointProfile {
    pub name: String,
    pub kind: MealPointKind,
    pub district_code: String,
    pub street_id: i64,
    pub address: String,
    pub location: GeoPoint,
    pub phone: String,
    pub service_modes: ServiceModes,
    pub opening_days: OpeningDays,
    pub service_hours: ServiceHours,
    pub booking_policy: BookingPolicy,
    pub food_licence_no: String,
    pub live_video_url: Option<String>,
}

pub const NAME_MAX_CHARS: usize = 64;
pub const ADDRESS_MAX_CHARS: usize = 200;
/// Two days: a kitchen that needs more notice than that plans by the week, not by lead time.
pub const ORDER_LEAD_MINUTES_MAX: u32 = 2 * 24 * 60;
/// Booking can open at most a month ahead; menus are published a week or two ahead.
pub const BOOKING_DAYS_AHEAD_MAX: u32 = 31;
/// A new meal point's lead time when none is given: two hours before the slot opens.
pub const DEFAULT_ORDER_LEAD_MINUTES: u32 = 120;
/// A new meal point's booking window when none is given: a week ahead.
pub const DEFAULT_BOOKING_DAYS_AHEAD: u32 = 7;
/// The near search's radius when none is given: the 15-minute walk (15分钟助餐服务圈).
pub const NEAR_DEFAULT_RADIUS_M: u32 = 1000;
/// The widest near search; beyond this, filter the list by district instead.
pub const NEAR_MAX_RADIUS_M: u32 = 5000;

/// A text that is not blank, has no control characters and at most the text's limit of
/// characters as sent (the document's `TEXT_PATTERN` and `maxLength`), returned trimmed.
pub fn required_text(raw: &str, text: ProfileText) -> Result<String, MealPointError> {
    let trimmed = raw.trim();
    let blank_or_long = trimmed.is_empty() || raw.chars().count() > text.max_chars();
    if blank_or_long || raw.chars().any(char::is_control) {
        return Err(MealPointError::TextInvalid(text));
    }
    Ok(trimmed.to_owned())
}

/// Lead time and booking window, within bounds that catch typos (minutes typed as hours × 60…).
pub fn booking_policy(lead_minutes: i64, days_ahead: i64) -> Result<BookingPolicy, MealPointError> {
    let lead_minutes = u32::try_from(lead_minutes)
        .ok()
        .filter(|m| *m <= ORDER_LEAD_MINUTES_MAX)
        .ok_or(MealPointError::OrderLeadOutOfRange)?;
    let days_ahead = u32::try_from(days_ahead)
        .ok()
        .filter(|d| *d <= BOOKING_DAYS_AHEAD_MAX)
        .ok_or(MealPointError::BookingDaysAheadOutOfRange)?;
    Ok(BookingPolicy {
        lead_minutes,
        days_ahead,
    })
}

/// Service modes from the request, with the delivery radius in whole metres.
pub fn service_modes(
    modes: &[ServiceMode],
    delivery_radius_m: Option<i64>,
) -> Result<ServiceModes, MealPointError> {
    let radius = delivery_radius_m
        .map(|radius| {
            u32::try_from(radius).map_err(|_| MealPointError::DeliveryRadiusOutOfRange { radius })
        })
        .transpose()?;
    Ok(ServiceModes::new(modes, radius)?)
}
