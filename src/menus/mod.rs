//! Menus: a meal point's dishes and its offerings (a dish on a date and slot with portions).
//!
//! Operators keep the dishes of their meal points and publish offerings, usually a week at a time
//! by copying the week before; every offering gets its order cutoff and booking-opens date from
//! the meal point's hours, lead time and booking window when it is published. Elders read a meal
//! point's menu without signing in, grouped by day and slot, with the portions left.
//!
//! Choices where the issue was silent:
//! - An offering may be published for today up to [`MENU_HORIZON_DAYS`] ahead, on an opening day,
//!   for a slot the meal point serves, with an active dish of its own. A publish request is all
//!   or nothing; a dish, date and slot published already is a 409 naming the draft.
//! - Copying a week skips, and reports with a reason, what cannot be copied: already published,
//!   dish withdrawn, date gone by, too far ahead, not an opening day, slot no longer served.
//!   Copying from an empty week is a 409.
//! - A dish's price is the default for new offerings only; a published offering keeps its price,
//!   which can change only while nothing is booked. An offering with bookings cannot be deleted.
//!   The database refuses `booked > portions` on its own (a CHECK), whatever the code does.
//! - Dish names are unique within a meal point (409 `DISH_NAME_TAKEN`): two dishes with one name
//!   could not be told apart on the menu. Withdrawn dishes stay on offerings already published.
//! - The public menu defaults to today and the six days after, at most 14 days at once.

pub mod error;
pub mod http;
pub mod reactions;
pub mod rules;
pub mod service;
pub mod store;

use std::borrow::Cow;

use entity::offering;

use crate::{
    error::{DomainError, ErrorKind},
    state::{AppState, Reaction},
};
use rules::{BookingWindowError, MenuRuleError};

/// Capacity was published or changed: whoever sells portions must know at once. Implemented by
/// the orders domain (its reservation store) and wired in `state::Reactions`.
pub trait CapacityChanges: Send + Sync {
    /// Offerings just published (committed).
    fn published<'a>(
        &'a self,
        state: &'a AppState,
        offerings: &'a [offering::Model],
    ) -> Reaction<'a, ()>;
    /// An offering's portions changed by `delta` (committed).
    fn portions_changed<'a>(
        &'a self,
        state: &'a AppState,
        offering: &'a offering::Model,
        delta: i32,
    ) -> Reaction<'a, ()>;
}

/// How far ahead offerings may be published: about two months. Menus are planned a week or two
/// ahead; a date beyond this is a typo (the wrong year).
pub const MENU_HORIZON_DAYS: i64 = 62;
/// The longest date range the public menu returns at once.
pub const MENU_MAX_DAYS: i64 = 14;
/// The most offerings one publish request may carry (a busy central kitchen's week).
pub const OFFERINGS_PER_REQUEST_MAX: usize = 500;

impl DomainError for MenuRuleError {
    fn kind(&self) -> ErrorKind {
        ErrorKind::BadRequest
    }
    fn code(&self) -> &'static str {
        MenuRuleError::code(self)
    }
    fn message(&self) -> Cow<'static, str> {
        MenuRuleError::message(self).into()
    }
    fn field(&self) -> Option<Cow<'static, str>> {
        MenuRuleError::field(self).map(Cow::Borrowed)
    }
}

impl DomainError for BookingWindowError {
    fn kind(&self) -> ErrorKind {
        ErrorKind::Conflict
    }
    fn code(&self) -> &'static str {
        BookingWindowError::code(self)
    }
    fn message(&self) -> Cow<'static, str> {
        BookingWindowError::message(self).into()
    }
}
