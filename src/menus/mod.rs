//! Menus: a meal point's dishes and its offerings (a dish on a date and slot with portions).
//!
//! Operators keep the dishes of their meal points and publish offerings, usually a week at a time
//! by copying the week before; every offering gets its order cutoff and booking-opens date from
//! the meal point's hours, lead time and booking window when it is published. Elders read a meal
//! point's menu without signing in, grouped by day and slot, with the portions left.

pub mod http;
pub mod rules;
pub mod store;

use crate::error::{AppError, ErrorKind};
use rules::MenuRuleError;

/// How far ahead offerings may be published: about two months. Menus are planned a week or two
/// ahead; a date beyond this is a typo (the wrong year).
pub const MENU_HORIZON_DAYS: i64 = 62;
/// The longest date range the public menu returns at once.
pub const MENU_MAX_DAYS: i64 = 14;
/// The most offerings one publish request may carry (a busy central kitchen's week).
pub const OFFERINGS_PER_REQUEST_MAX: usize = 500;

impl From<MenuRuleError> for AppError {
    fn from(err: MenuRuleError) -> Self {
        let error = AppError::new(ErrorKind::BadRequest, err.code(), err.message());
        match err.field() {
            Some(field) => error.with_field(field),
            None => error,
        }
    }
}
