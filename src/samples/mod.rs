//! The operator's daily 留样 log (kept food samples): for each dish of each slot of a day, whether
//! a sample was kept, when, a photo, and when it was discarded — not before 48 hours
//! ([`rules::RETENTION`]).
//!
//! - The day's dishes are listed from the published offerings, so the operator ticks what was
//!   kept rather than typing dish names; a dish not on that day's menu for that slot is refused.
//! - Only the meal point's own operators write it (today and the seven days before, see
//!   [`rules::WRITABLE_DAYS`]); inspectors (any meal point, on their visit), the meal point's
//!   district clerk and the city admin read it; others are refused.
//! - A discarded entry is final; before that an entry may be corrected (the last write stands).

pub mod http;
pub mod rules;
pub mod service;
pub mod store;

use std::borrow::Cow;

use crate::error::{AppError, DomainError, ErrorKind, domain_answer};
use rules::SampleRuleError;

#[derive(Debug, thiserror::Error)]
pub enum SampleError {
    #[error(transparent)]
    Rule(#[from] SampleRuleError),
    /// Not one who oversees the meal point, nor an inspector.
    #[error("log not visible")]
    LogForbidden,
    /// Only the meal point's own operators write its log.
    #[error("not an operator of the meal point")]
    NotOperator,
    /// The dish is not on the meal point's menu for that date and slot.
    #[error("dish not on the day's menu")]
    DishNotOnMenu,
    #[error(transparent)]
    Database(#[from] sea_orm::DbErr),
    /// Another domain's answer (the meal point not found, not the caller's …), already HTTP.
    #[error(transparent)]
    Other(#[from] AppError),
}

impl DomainError for SampleError {
    fn kind(&self) -> ErrorKind {
        match self {
            SampleError::Rule(rule) if rule.is_conflict() => ErrorKind::Conflict,
            SampleError::Rule(_) | SampleError::DishNotOnMenu => ErrorKind::BadRequest,
            SampleError::LogForbidden | SampleError::NotOperator => ErrorKind::Forbidden,
            SampleError::Database(_) => ErrorKind::Internal,
            SampleError::Other(err) => err.kind,
        }
    }
    fn code(&self) -> &'static str {
        match self {
            SampleError::Rule(rule) => rule.code(),
            SampleError::DishNotOnMenu => "SAMPLE_DISH_NOT_ON_MENU",
            SampleError::LogForbidden => "SAMPLES_FORBIDDEN",
            SampleError::NotOperator => "NOT_YOUR_MEAL_POINT",
            SampleError::Database(_) => "INTERNAL",
            SampleError::Other(err) => err.code,
        }
    }
    fn message(&self) -> Cow<'static, str> {
        match self {
            SampleError::Rule(rule) => rule.message().into(),
            SampleError::DishNotOnMenu => "这道菜当天这一餐没有供应，不能记录留样".into(),
            SampleError::LogForbidden => {
                "只有该助餐点的运营方、督查员、所在区和市民政局可以查看留样记录".into()
            }
            SampleError::NotOperator => "只有该助餐点的运营方可以记录留样".into(),
            SampleError::Database(_) => "服务器开小差了，请稍后再试".into(),
            SampleError::Other(err) => err.message.clone(),
        }
    }
    fn field(&self) -> Option<Cow<'static, str>> {
        match self {
            SampleError::Rule(rule) => rule.field().map(Cow::Borrowed),
            SampleError::DishNotOnMenu => Some(Cow::Borrowed("dish_id")),
            SampleError::LogForbidden | SampleError::NotOperator | SampleError::Database(_) => None,
            SampleError::Other(err) => err.field.clone(),
        }
    }
    fn into_app_error(self) -> AppError {
        match self {
            SampleError::Other(err) => err,
            SampleError::Database(err) => AppError::internal(err),
            other => domain_answer(&other),
        }
    }
}
