//! Diets and allergens (膳食与过敏): what an elder keeps to and must not eat, and how menus and
//! booking use it.
//!
//! - The profile is kept by the elder, an approved family member, or a clerk of the elder's
//!   hukou or residence district (and the city admin): everyone who may see the record may keep
//!   it, since a family member often knows the allergies better than the elder remembers them.
//!   Others get 404 for the record, as everywhere else; operators and inspectors 403.
//! - A dish suits an elder when it meets every diet on the profile (by the dish's tags, see
//!   [`rules::meets`]) and contains none of the listed allergens. The mini program lists suitable
//!   dishes first and dishes with a listed allergen last, with the allergen named in large type.
//! - Booking a dish with a listed allergen needs `allergen_acknowledged: true` on the booking;
//!   without it the booking is refused (409 `ALLERGEN_ACK_REQUIRED`, naming dish and allergen)
//!   before any portion is taken, and the mini program asks the elder in a full-width warning.
//!   Diets never refuse a booking: a 低盐 elder may still choose 红烧肉.

pub mod http;
pub mod rules;
pub mod service;
pub mod store;

use std::borrow::Cow;

use crate::error::{AppError, DomainError, ErrorKind, domain_answer};
use rules::AllergenHit;

#[derive(Debug, thiserror::Error)]
pub enum DietError {
    /// A chosen dish contains an allergen on the elder's profile and the booking did not say the
    /// elder knows.
    #[error("allergen not acknowledged")]
    AllergenNotAcknowledged { hits: Vec<AllergenHit> },
    #[error(transparent)]
    Database(#[from] sea_orm::DbErr),
    /// Another domain's answer (the elder not visible …), already HTTP.
    #[error(transparent)]
    Other(#[from] AppError),
}

impl DomainError for DietError {
    fn kind(&self) -> ErrorKind {
        match self {
            DietError::AllergenNotAcknowledged { .. } => ErrorKind::Conflict,
            DietError::Database(_) => ErrorKind::Internal,
            DietError::Other(err) => err.kind,
        }
    }
    fn code(&self) -> &'static str {
        match self {
            DietError::AllergenNotAcknowledged { .. } => "ALLERGEN_ACK_REQUIRED",
            DietError::Database(_) => "INTERNAL",
            DietError::Other(err) => err.code,
        }
    }
    fn message(&self) -> Cow<'static, str> {
        match self {
            DietError::AllergenNotAcknowledged { hits } => rules::allergen_warning(hits).into(),
            DietError::Database(_) => "服务器开小差了，请稍后再试".into(),
            DietError::Other(err) => err.message.clone(),
        }
    }
    fn field(&self) -> Option<Cow<'static, str>> {
        match self {
            DietError::AllergenNotAcknowledged { .. } => {
                Some(Cow::Borrowed("allergen_acknowledged"))
            }
            DietError::Database(_) => None,
            DietError::Other(err) => err.field.clone(),
        }
    }
    fn into_app_error(self) -> AppError {
        match self {
            DietError::Other(err) => err,
            DietError::Database(err) => AppError::internal(err),
            other => domain_answer(&other),
        }
    }
}
