//! Why a meal-point use case was refused, or failed: one enum for the meal points domain's
//! services, mapped to HTTP once through [`DomainError`].

use std::borrow::Cow;

use super::{
    ADDRESS_MAX_CHARS, BOOKING_DAYS_AHEAD_MAX, NAME_MAX_CHARS, NEAR_MAX_RADIUS_M,
    ORDER_LEAD_MINUTES_MAX, rules::MealPointRuleError,
};
use crate::error::{AppError, DomainError, ErrorKind, domain_answer};

/// A free text of the profile that must be there and not too long.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProfileText {
    Name,
    Address,
}

impl ProfileText {
    pub fn field(self) -> &'static str {
        match self {
            Self::Name => "name",
            Self::Address => "address",
        }
    }

    pub fn max_chars(self) -> usize {
        match self {
            Self::Name => NAME_MAX_CHARS,
            Self::Address => ADDRESS_MAX_CHARS,
        }
    }

    fn code(self) -> &'static str {
        match self {
            Self::Name => "MEAL_POINT_NAME_INVALID",
            Self::Address => "ADDRESS_INVALID",
        }
    }

    fn label_zh(self) -> &'static str {
        match self {
            Self::Name => "助餐点名称",
            Self::Address => "地址",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum MealPointError {
    /// A part of the profile the rules refuse.
    #[error(transparent)]
    Rule(#[from] MealPointRuleError),
    /// Empty, or longer than its limit.
    #[error("{0:?} invalid")]
    TextInvalid(ProfileText),
    /// Beyond [`ORDER_LEAD_MINUTES_MAX`].
    #[error("order lead out of range")]
    OrderLeadOutOfRange,
    /// Beyond [`BOOKING_DAYS_AHEAD_MAX`].
    #[error("booking days ahead out of range")]
    BookingDaysAheadOutOfRange,
    /// Negative, or too large for the rules to look at.
    #[error("delivery radius {radius} out of range")]
    DeliveryRadiusOutOfRange { radius: i64 },
    /// The `near` search's radius outside 1..=[`NEAR_MAX_RADIUS_M`].
    #[error("search radius out of range")]
    SearchRadiusOutOfRange,
    /// Only the city sets the kind and the district.
    #[error("{field} is the city's to change")]
    CityAdminOnlyField { field: &'static str },
    /// No meal point has this id.
    #[error("meal point {id} not found")]
    NotFound { id: i64 },
    /// The caller is neither the city admin nor one of the meal point's operators.
    #[error("not the caller's meal point")]
    NotYours,
    #[error("street {street_id} not found")]
    StreetNotFound { street_id: i64 },
    /// The street lies in another district than the one named.
    #[error("street {street} not in the district")]
    StreetNotInDistrict { street: String },
    #[error("account not found")]
    AccountNotFound,
    /// Only operator accounts run meal points.
    #[error("account not an operator")]
    AccountNotOperator,
    #[error(transparent)]
    Database(#[from] sea_orm::DbErr),
    /// Another domain's answer (a district not found, a reaction refused …), already HTTP.
    #[error(transparent)]
    Other(#[from] AppError),
}

impl DomainError for MealPointError {
    fn kind(&self) -> ErrorKind {
        match self {
            Self::Rule(rule) => DomainError::kind(rule),
            Self::TextInvalid(_)
            | Self::OrderLeadOutOfRange
            | Self::BookingDaysAheadOutOfRange
            | Self::DeliveryRadiusOutOfRange { .. }
            | Self::SearchRadiusOutOfRange
            | Self::AccountNotOperator
            | Self::StreetNotInDistrict { .. } => ErrorKind::BadRequest,
            Self::CityAdminOnlyField { .. } | Self::NotYours => ErrorKind::Forbidden,
            Self::AccountNotFound | Self::NotFound { .. } | Self::StreetNotFound { .. } => {
                ErrorKind::NotFound
            }
            Self::Database(_) => ErrorKind::Internal,
            Self::Other(err) => err.kind,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            Self::Rule(rule) => rule.code(),
            Self::TextInvalid(text) => text.code(),
            Self::OrderLeadOutOfRange => "ORDER_LEAD_OUT_OF_RANGE",
            Self::BookingDaysAheadOutOfRange => "BOOKING_DAYS_AHEAD_OUT_OF_RANGE",
            Self::DeliveryRadiusOutOfRange { .. } => "DELIVERY_RADIUS_OUT_OF_RANGE",
            Self::SearchRadiusOutOfRange => "RADIUS_OUT_OF_RANGE",
            Self::CityAdminOnlyField { .. } => "CITY_ADMIN_ONLY_FIELD",
            Self::NotFound { .. } => "MEAL_POINT_NOT_FOUND",
            Self::NotYours => "NOT_YOUR_MEAL_POINT",
            Self::StreetNotFound { .. } => "STREET_NOT_FOUND",
            Self::StreetNotInDistrict { .. } => "STREET_NOT_IN_DISTRICT",
            Self::AccountNotFound => "ACCOUNT_NOT_FOUND",
            Self::AccountNotOperator => "ACCOUNT_NOT_OPERATOR",
            Self::Database(_) => "INTERNAL",
            Self::Other(err) => err.code,
        }
    }

    fn message(&self) -> Cow<'static, str> {
        match self {
            Self::Rule(rule) => rule.message().into(),
            Self::TextInvalid(text) => format!(
                "{}须为 1 到 {} 个字，不能含控制字符",
                text.label_zh(),
                text.max_chars()
            )
            .into(),
            Self::OrderLeadOutOfRange => {
                format!("预订截止提前量须在 0 到 {ORDER_LEAD_MINUTES_MAX} 分钟之间").into()
            }
            Self::BookingDaysAheadOutOfRange => {
                format!("提前开放预订的天数须在 0 到 {BOOKING_DAYS_AHEAD_MAX} 天之间").into()
            }
            Self::DeliveryRadiusOutOfRange { radius } => {
                format!("送餐半径须在 1 到 10000 米之间，收到 {radius} 米").into()
            }
            Self::SearchRadiusOutOfRange => {
                format!("搜索半径须在 1 到 {NEAR_MAX_RADIUS_M} 米之间").into()
            }
            Self::CityAdminOnlyField { .. } => {
                "助餐点的类型和所属区由市民政局设定，运营方不能修改".into()
            }
            Self::NotFound { id } => format!("没有编号为 {id} 的助餐点").into(),
            Self::NotYours => "您不是该助餐点的运营方，不能查看或修改它".into(),
            Self::StreetNotFound { street_id } => format!("没有编号为 {street_id} 的街道").into(),
            Self::StreetNotInDistrict { street } => format!("{street}不属于所选的区").into(),
            Self::AccountNotFound => "没有这个账号".into(),
            Self::AccountNotOperator => "只能指派助餐点运营方账号".into(),
            Self::Database(_) => "服务器开小差了，请稍后再试".into(),
            Self::Other(err) => err.message.clone(),
        }
    }

    fn field(&self) -> Option<Cow<'static, str>> {
        let field = match self {
            Self::Rule(rule) => return DomainError::field(rule),
            Self::TextInvalid(text) => text.field(),
            Self::OrderLeadOutOfRange => "order_lead_minutes",
            Self::BookingDaysAheadOutOfRange => "booking_days_ahead",
            Self::DeliveryRadiusOutOfRange { .. } => "delivery_radius_m",
            Self::SearchRadiusOutOfRange => "radius_m",
            Self::CityAdminOnlyField { field } => field,
            Self::AccountNotFound | Self::AccountNotOperator => "account_id",
            Self::StreetNotFound { .. } | Self::StreetNotInDistrict { .. } => "street_id",
            Self::NotFound { .. } | Self::NotYours | Self::Database(_) => return None,
            Self::Other(err) => return err.field.clone(),
        };
        Some(field.into())
    }

    fn into_app_error(self) -> AppError {
        match self {
            Self::Other(err) => err,
            Self::Database(err) => AppError::internal(err),
            other => domain_answer(&other),
        }
    }
}
