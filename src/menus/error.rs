//! Why a menus use case was refused, or failed: one enum for the menus domain's services, mapped
//! to HTTP once through [`DomainError`].

use std::borrow::Cow;

use chrono::{Datelike, NaiveDate};
use vocabulary::{Slot, weekday_label_zh};

use super::{MENU_HORIZON_DAYS, MENU_MAX_DAYS, OFFERINGS_PER_REQUEST_MAX, rules::MenuRuleError};
use crate::{
    clock::DateOutOfRange,
    error::{AppError, DomainError, ErrorKind, domain_answer},
};

#[derive(Debug, thiserror::Error)]
pub enum MenuError {
    /// A dish, price, portions or week the rules refuse.
    #[error(transparent)]
    Rule(#[from] MenuRuleError),
    /// One offering of a publish request is refused; the answer names `offerings[index]`.
    #[error("offering {index}: {error}")]
    AtOffering { index: usize, error: Box<MenuError> },
    /// None, or more than [`OFFERINGS_PER_REQUEST_MAX`], offerings in one request.
    #[error("offerings count invalid")]
    OfferingsCount,
    /// Not a dish of this meal point (another's is answered alike, so none leaks).
    #[error("dish not found")]
    DishNotFound,
    /// No dish with this id that the caller keeps (another meal point's is answered alike).
    #[error("dish not kept by the caller")]
    DishNotKept,
    /// No offering with this id that the caller keeps (another meal point's is answered alike).
    #[error("offering not kept by the caller")]
    OfferingNotKept,
    #[error("offering {id} not found")]
    OfferingNotFound { id: i64 },
    /// The meal point has a dish of this name already.
    #[error("dish name taken")]
    DishNameTaken,
    /// Elders booked the offering: its price is promised.
    #[error("price locked")]
    PriceLocked,
    /// Elders booked the offering: it cannot be withdrawn.
    #[error("offering has bookings")]
    OfferingHasBookings,
    #[error("dish inactive")]
    DishInactive { name: String },
    /// The meal point has no hours for the slot.
    #[error("slot not served")]
    SlotNotServed { slot: Slot },
    #[error("date in the past")]
    DateInPast { date: NaiveDate },
    /// Beyond [`MENU_HORIZON_DAYS`].
    #[error("date too far ahead")]
    DateTooFarAhead,
    /// Not an opening day of the meal point.
    #[error("closed that day")]
    ClosedThatDay { date: NaiveDate },
    /// The same dish, date and slot twice in one request.
    #[error("offering listed twice")]
    ListedTwice { dish_name: String },
    /// The dish is published for that date and slot already.
    #[error("offering exists")]
    OfferingExists,
    /// The source week of a copy has no menu.
    #[error("nothing to copy")]
    NothingToCopy,
    #[error("photo URL invalid")]
    PhotoUrlInvalid,
    /// The public menu's end (`to`) is before its start.
    #[error("date range reversed")]
    DateRangeReversed,
    /// More than [`MENU_MAX_DAYS`] days of the public menu at once.
    #[error("date range too long")]
    DateRangeTooLong,
    /// A date outside the calendar the service keeps.
    #[error(transparent)]
    Date(#[from] DateOutOfRange),
    #[error(transparent)]
    Database(#[from] sea_orm::DbErr),
    /// Another domain's answer (a meal point not found, not the caller's …), already HTTP.
    #[error(transparent)]
    Other(#[from] AppError),
}

impl MenuError {
    /// This refusal, about entry `index` of a publish request.
    pub fn at_offering(self, index: usize) -> Self {
        Self::AtOffering {
            index,
            error: Box::new(self),
        }
    }
}

impl DomainError for MenuError {
    fn kind(&self) -> ErrorKind {
        match self {
            Self::Rule(rule) => DomainError::kind(rule),
            Self::AtOffering { error, .. } => error.kind(),
            Self::DishNotFound
            | Self::DishNotKept
            | Self::OfferingNotKept
            | Self::OfferingNotFound { .. } => ErrorKind::NotFound,
            Self::OfferingExists
            | Self::NothingToCopy
            | Self::DishNameTaken
            | Self::PriceLocked
            | Self::OfferingHasBookings => ErrorKind::Conflict,
            Self::OfferingsCount
            | Self::DishInactive { .. }
            | Self::SlotNotServed { .. }
            | Self::DateInPast { .. }
            | Self::DateTooFarAhead
            | Self::ClosedThatDay { .. }
            | Self::ListedTwice { .. }
            | Self::PhotoUrlInvalid
            | Self::DateRangeReversed
            | Self::DateRangeTooLong => ErrorKind::BadRequest,
            Self::Date(date) => date.kind(),
            Self::Database(_) => ErrorKind::Internal,
            Self::Other(err) => err.kind,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            Self::Rule(rule) => rule.code(),
            Self::AtOffering { error, .. } => error.code(),
            Self::OfferingsCount => "OFFERINGS_COUNT_INVALID",
            Self::DishNotFound | Self::DishNotKept => "DISH_NOT_FOUND",
            Self::OfferingNotKept | Self::OfferingNotFound { .. } => "OFFERING_NOT_FOUND",
            Self::DishNameTaken => "DISH_NAME_TAKEN",
            Self::PriceLocked => "PRICE_LOCKED",
            Self::OfferingHasBookings => "OFFERING_HAS_BOOKINGS",
            Self::DishInactive { .. } => "DISH_INACTIVE",
            Self::SlotNotServed { .. } => "SLOT_NOT_SERVED",
            Self::DateInPast { .. } => "DATE_IN_PAST",
            Self::DateTooFarAhead => "DATE_TOO_FAR_AHEAD",
            Self::ClosedThatDay { .. } => "CLOSED_THAT_DAY",
            Self::ListedTwice { .. } => "OFFERING_LISTED_TWICE",
            Self::OfferingExists => "OFFERING_EXISTS",
            Self::NothingToCopy => "NOTHING_TO_COPY",
            Self::PhotoUrlInvalid => "INVALID_PHOTO_URL",
            Self::DateRangeReversed => "DATE_RANGE_INVALID",
            Self::DateRangeTooLong => "DATE_RANGE_TOO_LONG",
            Self::Date(date) => date.code(),
            Self::Database(_) => "INTERNAL",
            Self::Other(err) => err.code,
        }
    }

    fn message(&self) -> Cow<'static, str> {
        match self {
            Self::Rule(rule) => rule.message().into(),
            Self::AtOffering { error, .. } => error.message(),
            Self::OfferingsCount => {
                format!("一次可发布 1 到 {OFFERINGS_PER_REQUEST_MAX} 条供应").into()
            }
            Self::DishNotFound => "本助餐点没有这个菜品".into(),
            Self::DishNotKept => "没有找到这个菜品".into(),
            Self::OfferingNotKept => "没有找到这个供应".into(),
            Self::OfferingNotFound { id } => format!("没有编号为 {id} 的供应").into(),
            Self::DishNameTaken => "本助餐点已有同名菜品".into(),
            Self::PriceLocked => "已有老人预订，不能再修改价格".into(),
            Self::OfferingHasBookings => {
                "已有老人预订，不能删除该供应；可把份数减到已预订的份数".into()
            }
            Self::DishInactive { name } => format!("菜品“{name}”已停用，请先启用").into(),
            Self::SlotNotServed { slot } => format!("本助餐点不供应{}", slot.label_zh()).into(),
            Self::DateInPast { date } => format!("{date} 已经过去，不能再发布供应").into(),
            Self::DateTooFarAhead => format!("最多提前 {MENU_HORIZON_DAYS} 天发布供应").into(),
            Self::ClosedThatDay { date } => format!(
                "{date}（{}）不是本助餐点的营业日",
                weekday_label_zh(date.weekday())
            )
            .into(),
            Self::ListedTwice { dish_name } => {
                format!("菜品“{dish_name}”在同一天同一时段出现了两次").into()
            }
            Self::OfferingExists => "该菜品在这一天的这个时段已有供应，请修改原有供应".into(),
            Self::NothingToCopy => "所选的那一周没有菜单，无可复制".into(),
            Self::PhotoUrlInvalid => "菜品图片地址须为以 https:// 开头的网址".into(),
            Self::DateRangeReversed => "结束日期不能早于开始日期".into(),
            Self::DateRangeTooLong => format!("一次最多查看 {MENU_MAX_DAYS} 天的菜单").into(),
            Self::Date(date) => DomainError::message(date),
            Self::Database(_) => "服务器开小差了，请稍后再试".into(),
            Self::Other(err) => err.message.clone(),
        }
    }

    fn field(&self) -> Option<Cow<'static, str>> {
        let field = match self {
            Self::Rule(rule) => return DomainError::field(rule),
            Self::AtOffering { index, error } => {
                return Some(match error.field() {
                    Some(field) => format!("offerings[{index}].{field}").into(),
                    None => format!("offerings[{index}]").into(),
                });
            }
            Self::OfferingsCount => "offerings",
            Self::DishNotFound | Self::DishInactive { .. } | Self::ListedTwice { .. } => "dish_id",
            Self::SlotNotServed { .. } => "slot",
            Self::DateInPast { .. } | Self::DateTooFarAhead | Self::ClosedThatDay { .. } => "date",
            Self::NothingToCopy => "from_week",
            Self::PhotoUrlInvalid => "photo_url",
            Self::DateRangeReversed | Self::DateRangeTooLong => "to",
            Self::Date(date) => return date.field(),
            Self::DishNameTaken => "name",
            Self::PriceLocked => "price",
            Self::OfferingExists
            | Self::DishNotKept
            | Self::OfferingNotKept
            | Self::OfferingNotFound { .. }
            | Self::OfferingHasBookings
            | Self::Database(_) => return None,
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
