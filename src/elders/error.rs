//! Why an elder or family-link use case was refused, or failed: one enum for the elders
//! domain's services, mapped to HTTP once through [`DomainError`] (the model is
//! `orders::error`).

use std::borrow::Cow;

use vocabulary::ElderCategory;

use super::{rules::ElderRuleError, vault::VaultError};
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
    /// The caller may see the record but not edit it (only the elder's districts' clerks).
    #[error("elder manage forbidden")]
    ManageForbidden,
    /// The caller may see the record but not act in the elder's name.
    #[error("elder act-for forbidden")]
    ActForForbidden,
    /// A district named in a request that the city does not have (the answer names the field).
    #[error("district {code} unknown")]
    DistrictUnknown { field: &'static str, code: String },
    /// The residence street is not a street of the residence district.
    #[error("street not in the residence district")]
    StreetNotInResidence,
    /// The ID-card number is registered already.
    #[error("elder already registered")]
    AlreadyRegistered,
    /// The account has a self-registration already (pending or approved).
    #[error("account already registered")]
    AccountAlreadyRegistered,
    /// The registration is not waiting for review.
    #[error("elder not pending")]
    NotPending,
    #[error("category {0:?} already recorded")]
    CategoryAlreadyRecorded(ElderCategory),
    #[error("category {0:?} not recorded")]
    CategoryNotRecorded(ElderCategory),
    /// A pending or approved link between the two exists.
    #[error("family link exists")]
    LinkExists,
    /// The link was decided already.
    #[error("family link not pending")]
    LinkNotPending,
    /// The link is not pending or approved: nothing to end.
    #[error("family link not live")]
    LinkNotLive,
    /// A link just written does not read back: a bug, never a refusal.
    #[error("family link {link_id} vanished")]
    LinkVanished { link_id: i64 },
    /// A stored ID-card number does not open: a bug or a wrong key, never a refusal.
    #[error(transparent)]
    Sealed(#[from] VaultError),
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
            Self::DistrictForbidden
            | Self::HukouChangeForbidden
            | Self::LinkDecideForbidden
            | Self::ManageForbidden
            | Self::ActForForbidden => ErrorKind::Forbidden,
            Self::NotFound
            | Self::LinkNoMatch
            | Self::LinkNotFound
            | Self::CategoryNotRecorded(_) => ErrorKind::NotFound,
            Self::DistrictUnknown { .. } | Self::StreetNotInResidence => ErrorKind::BadRequest,
            Self::AlreadyRegistered
            | Self::AccountAlreadyRegistered
            | Self::NotPending
            | Self::CategoryAlreadyRecorded(_)
            | Self::LinkExists
            | Self::LinkNotPending
            | Self::LinkNotLive => ErrorKind::Conflict,
            Self::LinkVanished { .. } | Self::Sealed(_) => ErrorKind::Internal,
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
            Self::ManageForbidden => "ELDER_MANAGE_FORBIDDEN",
            Self::ActForForbidden => "ELDER_ACT_FOR_FORBIDDEN",
            Self::DistrictUnknown { .. } => "DISTRICT_UNKNOWN",
            Self::StreetNotInResidence => "STREET_NOT_IN_DISTRICT",
            Self::AlreadyRegistered => "ELDER_ALREADY_REGISTERED",
            Self::AccountAlreadyRegistered => "ELDER_ACCOUNT_ALREADY_REGISTERED",
            Self::NotPending => "ELDER_NOT_PENDING",
            Self::CategoryAlreadyRecorded(_) => "CATEGORY_ALREADY_RECORDED",
            Self::CategoryNotRecorded(_) => "CATEGORY_NOT_RECORDED",
            Self::LinkExists => "FAMILY_LINK_EXISTS",
            Self::LinkNotPending => "FAMILY_LINK_NOT_PENDING",
            Self::LinkNotLive => "FAMILY_LINK_NOT_LIVE",
            Self::LinkVanished { .. } | Self::Sealed(_) => "INTERNAL",
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
            Self::ManageForbidden => "只有老人所在区的工作人员可以修改老人信息".into(),
            Self::ActForForbidden => "只有老人本人或已关联的家属可以代为操作".into(),
            Self::DistrictUnknown { code, .. } => format!("没有编码为 {code} 的区").into(),
            Self::StreetNotInResidence => "所选街道/镇不在居住区内".into(),
            Self::AlreadyRegistered => {
                "该身份证号已登记过，请勿重复登记；如需修改信息请联系所在区的工作人员".into()
            }
            Self::AccountAlreadyRegistered => "您已提交过本人登记，请等待审核或查看审核结果".into(),
            Self::NotPending => "这条登记不在待审核状态".into(),
            Self::CategoryAlreadyRecorded(category) => {
                format!("已登记过“{}”", category.label_zh()).into()
            }
            Self::CategoryNotRecorded(category) => {
                format!("这位老人没有登记“{}”", category.label_zh()).into()
            }
            Self::LinkExists => "您已申请或已关联这位老人，无需重复申请".into(),
            Self::LinkNotPending => "这条关联申请已处理过".into(),
            Self::LinkNotLive => "这条关联已经解除或未通过，无需再次解除".into(),
            Self::LinkVanished { .. } | Self::Sealed(_) => "服务器开小差了，请稍后再试".into(),
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
            Self::DistrictUnknown { field, .. } => Some((*field).into()),
            Self::StreetNotInResidence => Some("residence_street_id".into()),
            Self::AlreadyRegistered => Some("id_card".into()),
            Self::CategoryAlreadyRecorded(_) => Some("category".into()),
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
            Self::Sealed(err) => AppError::internal(err),
            Self::LinkVanished { link_id } => AppError::internal(std::io::Error::other(format!(
                "family link {link_id} vanished"
            ))),
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
