//! Why an elder or family-link use case was refused, or failed: one enum for the elders
//! domain's services, mapped to HTTP once through [`DomainError`] (the model is
//! `orders::error`).

use std::borrow::Cow;

use super::rules::ElderRuleError;
use crate::error::{AppError, DomainError, ErrorKind};

#[derive(Debug, thiserror::Error)]
pub enum ElderError {
    /// A field of the record or the link is not acceptable.
    #[error(transparent)]
    Rule(#[from] ElderRuleError),
    /// The record would not be in one of the clerk's districts.
    #[error("district forbidden")]
    DistrictForbidden,
    /// Only the city moves the hukou district (who funds the subsidy).
    #[error("hukou change forbidden")]
    HukouChangeForbidden,
    /// No elder with this number, or not one the caller may see (answered alike).
    #[error("elder not found")]
    NotFound,
    /// No registered, active elder with this number and name (whichever is wrong).
    #[error("no family-link match")]
    LinkNoMatch,
    /// Too many link requests for the account or the number; try again after this long.
    #[error("too many link attempts")]
    TooManyLinkAttempts { retry_after: chrono::Duration },
    /// The caller's own record.
    #[error("link to oneself")]
    LinkSelf,
    /// No such link, or the caller is not a party to it.
    #[error("family link not found")]
    LinkNotFound,
    /// Only the elder or a clerk decides a link.
    #[error("link decision forbidden")]
    LinkDecideForbidden,
    /// The link attempts cannot be counted (Redis down): nothing was tried.
    #[error(transparent)]
    ThrottleUnavailable(#[from] crate::throttle::ThrottleUnavailable),
    /// A database failure: an internal error, never a refusal.
    #[error(transparent)]
    Database(#[from] sea_orm::DbErr),
    /// Another layer's answer (a district unknown, a record not visible …), already HTTP.
    #[error(transparent)]
    Other(#[from] AppError),
}

impl DomainError for ElderError {
    fn kind(&self) -> ErrorKind {
        match self {
            Self::Rule(rule) => rule.kind(),
            Self::DistrictForbidden | Self::HukouChangeForbidden | Self::LinkDecideForbidden => {
                ErrorKind::Forbidden
            }
            Self::NotFound | Self::LinkNoMatch | Self::LinkNotFound => ErrorKind::NotFound,
            Self::TooManyLinkAttempts { .. } => ErrorKind::TooManyRequests,
            Self::LinkSelf => ErrorKind::Conflict,
            Self::ThrottleUnavailable(err) => err.kind(),
            Self::Database(_) => ErrorKind::Internal,
            Self::Other(err) => err.kind,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            Self::Rule(rule) => rule.code(),
            Self::DistrictForbidden => "ELDER_DISTRICT_FORBIDDEN",
            Self::HukouChangeForbidden => "HUKOU_CHANGE_FORBIDDEN",
            Self::NotFound => "ELDER_NOT_FOUND",
            Self::LinkNoMatch => "FAMILY_LINK_NO_MATCH",
            Self::TooManyLinkAttempts { .. } => "FAMILY_LINK_TOO_MANY_ATTEMPTS",
            Self::LinkSelf => "FAMILY_LINK_SELF",
            Self::LinkNotFound => "FAMILY_LINK_NOT_FOUND",
            Self::LinkDecideForbidden => "FAMILY_LINK_DECIDE_FORBIDDEN",
            Self::ThrottleUnavailable(err) => err.code(),
            Self::Database(_) => "INTERNAL",
            Self::Other(err) => err.code,
        }
    }

    fn message(&self) -> Cow<'static, str> {
        match self {
            Self::Rule(rule) => rule.message(),
            Self::DistrictForbidden => "只能登记或修改户籍区或居住区属于本区的老人".into(),
            Self::HukouChangeForbidden => {
                "户籍区决定由哪个区出资补贴，只能由市民政局修改；请联系市民政局".into()
            }
            Self::NotFound => "没有找到这位老人的信息".into(),
            Self::LinkNoMatch => {
                "没有找到身份证号与姓名相符的已登记老人，请核对后重试，或请老人先到社区登记".into()
            }
            Self::TooManyLinkAttempts { retry_after } => format!(
                "今天的关联尝试次数已用完，请 {} 后再试，或请社区工作人员协助关联",
                crate::throttle::wait_text(*retry_after)
            )
            .into(),
            Self::LinkSelf => "这是您本人的登记信息，无需关联".into(),
            Self::LinkNotFound => "没有找到这条家属关联".into(),
            Self::LinkDecideForbidden => "关联申请需由老人本人或社区工作人员确认".into(),
            Self::ThrottleUnavailable(err) => err.message(),
            Self::Database(_) => "服务器开小差了，请稍后再试".into(),
            Self::Other(err) => err.message.clone(),
        }
    }

    fn field(&self) -> Option<Cow<'static, str>> {
        match self {
            Self::Rule(rule) => rule.field(),
            Self::HukouChangeForbidden => Some("hukou_district_code".into()),
            Self::Other(err) => err.field.clone(),
            _ => None,
        }
    }

    fn into_app_error(self) -> AppError {
        match self {
            // Another layer's answer passes through whole (its problems and cause included).
            Self::Other(err) => err,
            Self::ThrottleUnavailable(err) => err.into_app_error(),
            Self::Database(err) => AppError::internal(err),
            other => {
                let mut error = AppError::new(other.kind(), other.code(), other.message());
                if let Some(field) = other.field() {
                    error = error.with_field(field);
                }
                error
            }
        }
    }
}
