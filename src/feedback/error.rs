//! Why a feedback use case (a rating, a complaint, an inspector) was refused, or failed: one enum
//! for the feedback domain's services, mapped to HTTP once through [`DomainError`].

use std::borrow::Cow;

use super::rules::FeedbackRuleError;
use crate::{
    auth::rules::AuthRuleError,
    error::{AppError, DomainError, ErrorKind, domain_answer},
    orders::error::OrderError,
};

#[derive(Debug, thiserror::Error)]
pub enum FeedbackError {
    /// A score, text, step or window the rules refuse.
    #[error(transparent)]
    Rule(#[from] FeedbackRuleError),
    /// No such rating.
    #[error("rating not found")]
    RatingNotFound,
    /// The operator has answered this rating before.
    #[error("already replied")]
    AlreadyReplied,
    #[error("already hidden")]
    AlreadyHidden,
    /// No such complaint, or not one the caller may know of (answered alike).
    #[error("complaint not found")]
    ComplaintNotFound,
    /// A clerk files complaints about their own district's meal points only.
    #[error("not the clerk's district")]
    NotYourDistrict,
    /// The order named was not made at the meal point complained about.
    #[error("order not at the meal point")]
    OrderNotAtMealPoint,
    /// The elder named is not the order's.
    #[error("elder not on the order")]
    ElderNotOnOrder,
    /// No elder the caller acts for ordered at the meal point lately.
    #[error("no tie to the meal point")]
    NoTie,
    /// No elder by that id the caller may name.
    #[error("elder not found")]
    ElderNotFound,
    /// Today's complaints of the account are used up; the next is possible after this long.
    #[error("complaint limit reached")]
    ComplaintLimitReached { retry_after: chrono::Duration },
    /// Resolving needs a note saying how.
    #[error("note required")]
    NoteRequired,
    /// Another step moved the complaint first.
    #[error("complaint state changed")]
    ComplaintStateChanged,
    /// The inspector's new account is refused (username, password).
    #[error(transparent)]
    Account(#[from] AuthRuleError),
    /// An inspection's notes are too long.
    #[error("notes too long")]
    NotesTooLong,
    /// Only those who oversee the meal point, and inspectors, read its inspections.
    #[error("inspections not visible")]
    InspectionsForbidden,
    /// A clerk sees the round of their own district only.
    #[error("another district's round")]
    VisitsDistrictForbidden,
    /// The supervisor's month lists 1 to [`super::service::OVERVIEW_MAX_LIMIT`] meal points.
    #[error("overview limit invalid")]
    OverviewLimitInvalid,
    /// A clerk oversees their own district only.
    #[error("another district's overview")]
    OverviewDistrictForbidden,
    /// The order's domain refused (the order not found or not visible).
    #[error(transparent)]
    Order(#[from] OrderError),
    #[error(transparent)]
    Database(#[from] sea_orm::DbErr),
    /// Another domain's answer (a meal point not found, an account name taken …), already HTTP.
    #[error(transparent)]
    Other(#[from] AppError),
}

impl DomainError for FeedbackError {
    fn kind(&self) -> ErrorKind {
        match self {
            Self::Rule(rule) => rule.kind(),
            Self::RatingNotFound | Self::ComplaintNotFound | Self::ElderNotFound => {
                ErrorKind::NotFound
            }
            Self::AlreadyReplied | Self::AlreadyHidden | Self::ComplaintStateChanged => {
                ErrorKind::Conflict
            }
            Self::NotYourDistrict
            | Self::NoTie
            | Self::InspectionsForbidden
            | Self::VisitsDistrictForbidden
            | Self::OverviewDistrictForbidden => ErrorKind::Forbidden,
            Self::OrderNotAtMealPoint
            | Self::ElderNotOnOrder
            | Self::NoteRequired
            | Self::NotesTooLong
            | Self::OverviewLimitInvalid => ErrorKind::BadRequest,
            Self::ComplaintLimitReached { .. } => ErrorKind::TooManyRequests,
            Self::Account(account) => account.kind(),
            Self::Order(order) => order.kind(),
            Self::Database(_) => ErrorKind::Internal,
            Self::Other(err) => err.kind,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            Self::Rule(rule) => rule.code(),
            Self::RatingNotFound => "RATING_NOT_FOUND",
            Self::AlreadyReplied => "ALREADY_REPLIED",
            Self::AlreadyHidden => "ALREADY_HIDDEN",
            Self::ComplaintNotFound => "COMPLAINT_NOT_FOUND",
            Self::NotYourDistrict => "NOT_YOUR_DISTRICT",
            Self::OrderNotAtMealPoint => "ORDER_NOT_AT_MEAL_POINT",
            Self::ElderNotOnOrder => "ELDER_NOT_ON_ORDER",
            Self::NoTie => "COMPLAINT_NO_TIE",
            Self::ElderNotFound => "ELDER_NOT_FOUND",
            Self::ComplaintLimitReached { .. } => "COMPLAINT_LIMIT_REACHED",
            Self::NoteRequired => "NOTE_REQUIRED",
            Self::ComplaintStateChanged => "COMPLAINT_STATE_CONFLICT",
            Self::NotesTooLong => "NOTES_TOO_LONG",
            Self::InspectionsForbidden => "INSPECTIONS_FORBIDDEN",
            Self::VisitsDistrictForbidden => "DISTRICT_FORBIDDEN",
            Self::OverviewLimitInvalid => "LIMIT_INVALID",
            Self::OverviewDistrictForbidden => "NOT_YOUR_DISTRICT",
            Self::Account(account) => account.code(),
            Self::Order(order) => order.code(),
            Self::Database(_) => "INTERNAL",
            Self::Other(err) => err.code,
        }
    }

    fn message(&self) -> Cow<'static, str> {
        match self {
            Self::Rule(rule) => rule.message(),
            Self::RatingNotFound => "没有找到这条评价".into(),
            Self::AlreadyReplied => "这条评价已经回复过了，每条评价只能回复一次".into(),
            Self::AlreadyHidden => "这条评价已经隐藏了".into(),
            Self::ComplaintNotFound => "没有找到这条投诉".into(),
            Self::NotYourDistrict => "只能代为登记本区助餐点的投诉".into(),
            Self::OrderNotAtMealPoint => "这个订单不是在该助餐点下的".into(),
            Self::ElderNotOnOrder => "这个订单不是这位老人的".into(),
            Self::NoTie => "只能投诉您或您代为订餐的老人近 90 天在此订过餐的助餐点；其他情况请联系所在区民政部门或拨打 12345".into(),
            Self::ElderNotFound => "没有找到这位老人的信息".into(),
            Self::ComplaintLimitReached { retry_after } => format!(
                "今天提交的投诉已达上限，请 {} 后再提交；紧急情况请联系所在区民政部门或拨打 12345",
                crate::throttle::wait_text(*retry_after)
            )
            .into(),
            Self::NoteRequired => "请说明处理结果".into(),
            Self::ComplaintStateChanged => "投诉状态已变化，请刷新后重试".into(),
            Self::NotesTooLong => format!(
                "督查记录请不超过 {} 字",
                super::service::INSPECTION_NOTES_MAX_CHARS
            )
            .into(),
            Self::InspectionsForbidden => {
                "只有该助餐点的运营方、所在区和市民政局可以查看督查记录".into()
            }
            Self::VisitsDistrictForbidden => "区结算员只能查看本区的助餐点".into(),
            Self::OverviewLimitInvalid => format!(
                "limit 须在 1 到 {} 之间",
                super::service::OVERVIEW_MAX_LIMIT
            )
            .into(),
            Self::OverviewDistrictForbidden => "区结算员只能查看本区的督查情况".into(),
            Self::Account(account) => account.message(),
            Self::Order(order) => order.message(),
            Self::Database(_) => "服务器开小差了，请稍后再试".into(),
            Self::Other(err) => err.message.clone(),
        }
    }

    fn field(&self) -> Option<Cow<'static, str>> {
        match self {
            Self::Rule(rule) => rule.field(),
            Self::OrderNotAtMealPoint => Some("order_id".into()),
            Self::ElderNotOnOrder | Self::ElderNotFound => Some("elder_id".into()),
            Self::NoteRequired => Some("note".into()),
            Self::NotesTooLong => Some("notes".into()),
            Self::OverviewLimitInvalid => Some("limit".into()),
            Self::Account(account) => account.field(),
            Self::Order(order) => order.field(),
            Self::Other(err) => err.field.clone(),
            _ => None,
        }
    }

    fn into_app_error(self) -> AppError {
        match self {
            Self::Other(err) => err,
            Self::Order(order) => order.into_app_error(),
            Self::Database(err) => AppError::internal(err),
            other => domain_answer(&other),
        }
    }
}
