//! Why an order operation was refused, or failed: one enum for the orders domain, mapped to HTTP
//! once through [`DomainError`]. Code that reacts to a refusal (the no-show sweep, a closure
//! cancelling bookings) matches on these variants.

use std::borrow::Cow;

use super::{
    limiter::LimiterUnavailable,
    reservation::ReservationError,
    rules::{
        DELIVERY_ADDRESS_MAX_CHARS, MAX_LINES, MAX_QUANTITY, OrderRuleError, REASON_MAX_CHARS,
    },
    writer::PersistError,
};
use vocabulary::{ServiceMode, Slot};

use crate::{
    clock::DateOutOfRange,
    error::{AppError, DomainError, ErrorKind, domain_answer},
    menus::rules::BookingWindowError,
};

#[derive(Debug, thiserror::Error)]
pub enum OrderError {
    /// A rule of the order's life refused (state machine, cutoff, window, …).
    #[error(transparent)]
    Rule(#[from] OrderRuleError),
    /// A date of the request lies outside the business years.
    #[error(transparent)]
    Date(#[from] DateOutOfRange),
    /// The offering's booking window is not open now.
    #[error(transparent)]
    BookingWindow(#[from] BookingWindowError),
    /// No such order, or not one the caller may see (the two are answered alike).
    #[error("order not found")]
    NotFound,
    /// The meal point has no hours for the order's slot.
    #[error("slot not served")]
    SlotNotServed,
    /// No live order of this meal point today has this code (or it is not a code at all).
    #[error("pickup code not found")]
    PickupCodeNotFound,
    /// The code was verified before.
    #[error("pickup code already used")]
    PickupAlreadyUsed,
    /// The order with this code was cancelled.
    #[error("order cancelled")]
    PickupOfCancelledOrder,
    /// The order with this code is on its way to the elder.
    #[error("order out for delivery")]
    PickupOfDelivery,
    /// The order with this code was marked a no-show.
    #[error("order was a no-show")]
    PickupOfNoShow,
    /// Too many codes tried in the window.
    #[error("too many pickup attempts")]
    TooManyPickupAttempts,
    /// A delivery step on an order that is not a delivery.
    #[error("not a delivery")]
    NotADelivery,
    /// An elder or family account names no elder; an operator names one by id.
    #[error("elder required")]
    ElderRequired,
    /// An operator names the elder as a counter checks a card, never by id.
    #[error("elder id not for operators")]
    ElderIdNotForOperators,
    /// Only the elder, linked family and the meal point's operators book.
    #[error("role may not book")]
    RoleMayNotBook,
    /// No approved elder with this ID-card number and name (whichever is wrong).
    #[error("elder not identified")]
    ElderNotIdentified,
    /// Too many failed identifications at the counter in the window.
    #[error("too many identification attempts")]
    TooManyIdentifyAttempts,
    /// The meal point does not offer this service mode.
    #[error("mode not offered")]
    ModeNotOffered { mode: ServiceMode },
    /// A booked offering does not exist (or was taken off the menu).
    #[error("offering not found")]
    OfferingNotFound,
    /// A booked offering is not of this meal point, date and slot.
    #[error("offering mismatch")]
    OfferingMismatch,
    /// The elder already holds a live order at this meal point, date and slot.
    #[error("elder already booked")]
    ElderAlreadyBooked { slot: Slot },
    /// Not enough portions left of this dish (`left` of them).
    #[error("sold out")]
    SoldOut { dish: String, left: i64 },
    /// A retry raced the first request, whose commit has not shown yet.
    #[error("booking in progress")]
    BookingInProgress,
    /// The meal point does not take bookings that day (paused, closed).
    #[error("meal point not taking bookings")]
    NotTakingBookings,
    /// The reservation store cannot be reached; nothing was changed.
    #[error("reservation store unavailable")]
    Unavailable(#[source] ReservationError),
    /// The database cannot be reached while booking: answered as the reservation store's
    /// absence is, never 500.
    #[error("database unreachable while booking")]
    DatabaseUnreachable(#[source] AppError),
    /// The order writer is stopping (the instance restarts); nothing was written.
    #[error("order writer stopped")]
    WriterStopped,
    /// The counter of wrong pickup codes cannot be reached: no code is tried uncounted.
    #[error("pickup attempt limiter unavailable")]
    PickupLimiterUnavailable(#[source] LimiterUnavailable),
    /// The counter of wrong identifications at the counter cannot be reached.
    #[error("identification attempt limiter unavailable")]
    IdentifyLimiterUnavailable(#[source] LimiterUnavailable),
    /// A counter's look-up matched no active elder (a wrong number, a wrong name and an elder not
    /// yet approved alike).
    #[error("no elder matches the counter's look-up")]
    CounterNoMatch,
    /// Too many look-ups of this operator missed lately.
    #[error("too many counter look-ups")]
    TooManyCounterLookups,
    /// The counter of missed look-ups cannot be reached: no look-up is tried uncounted.
    #[error("counter look-up limiter unavailable")]
    CounterLookupUnavailable(#[source] LimiterUnavailable),
    /// The order writer failed in a way no refusal explains: a bug.
    #[error(transparent)]
    WriterFailed(PersistError),
    /// A database failure: an internal error, never a refusal.
    #[error(transparent)]
    Database(#[from] sea_orm::DbErr),
    /// Another domain's answer (a meal point not found, an elder not visible …), already HTTP.
    #[error(transparent)]
    Other(#[from] AppError),
}

impl DomainError for OrderError {
    fn kind(&self) -> ErrorKind {
        match self {
            OrderError::Rule(rule) => rule.kind(),
            OrderError::BookingWindow(window) => window.kind(),
            OrderError::Date(date) => date.kind(),
            OrderError::NotFound | OrderError::ElderNotIdentified | OrderError::CounterNoMatch => {
                ErrorKind::NotFound
            }
            OrderError::ElderRequired
            | OrderError::ElderIdNotForOperators
            | OrderError::ModeNotOffered { .. }
            | OrderError::OfferingNotFound
            | OrderError::OfferingMismatch => ErrorKind::BadRequest,
            OrderError::RoleMayNotBook => ErrorKind::Forbidden,
            OrderError::TooManyIdentifyAttempts | OrderError::TooManyCounterLookups => {
                ErrorKind::TooManyRequests
            }
            OrderError::ElderAlreadyBooked { .. }
            | OrderError::SoldOut { .. }
            | OrderError::BookingInProgress => ErrorKind::Conflict,
            OrderError::SlotNotServed
            | OrderError::PickupAlreadyUsed
            | OrderError::PickupOfCancelledOrder
            | OrderError::PickupOfDelivery
            | OrderError::PickupOfNoShow
            | OrderError::NotADelivery
            | OrderError::NotTakingBookings => ErrorKind::Conflict,
            OrderError::PickupCodeNotFound => ErrorKind::NotFound,
            OrderError::TooManyPickupAttempts => ErrorKind::TooManyRequests,
            OrderError::Unavailable(_)
            | OrderError::DatabaseUnreachable(_)
            | OrderError::WriterStopped
            | OrderError::PickupLimiterUnavailable(_)
            | OrderError::IdentifyLimiterUnavailable(_)
            | OrderError::CounterLookupUnavailable(_) => ErrorKind::Unavailable,
            OrderError::Database(_) | OrderError::WriterFailed(_) => ErrorKind::Internal,
            OrderError::Other(err) => err.kind,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            OrderError::Rule(rule) => rule.code(),
            OrderError::BookingWindow(window) => window.code(),
            OrderError::Date(date) => date.code(),
            OrderError::NotFound => "ORDER_NOT_FOUND",
            OrderError::ElderRequired => "ELDER_REQUIRED",
            OrderError::ElderIdNotForOperators => "ELDER_ID_NOT_FOR_OPERATORS",
            OrderError::RoleMayNotBook => "ROLE_FORBIDDEN",
            OrderError::ElderNotIdentified => "ELDER_NOT_IDENTIFIED",
            OrderError::TooManyIdentifyAttempts => "ELDER_IDENTIFY_TOO_MANY_ATTEMPTS",
            OrderError::CounterNoMatch => "COUNTER_NO_MATCH",
            OrderError::TooManyCounterLookups => "TOO_MANY_LOOKUPS",
            OrderError::CounterLookupUnavailable(_) => "COUNTER_UNAVAILABLE",
            OrderError::ModeNotOffered { .. } => "MODE_NOT_OFFERED",
            OrderError::OfferingNotFound => "OFFERING_NOT_FOUND",
            OrderError::OfferingMismatch => "OFFERING_MISMATCH",
            OrderError::ElderAlreadyBooked { .. } => "ELDER_ALREADY_BOOKED",
            OrderError::SoldOut { .. } => "SOLD_OUT",
            OrderError::BookingInProgress => "BOOKING_IN_PROGRESS",
            OrderError::SlotNotServed => "SLOT_NOT_SERVED",
            OrderError::PickupCodeNotFound => "PICKUP_CODE_NOT_FOUND",
            OrderError::PickupAlreadyUsed => "PICKUP_ALREADY_USED",
            OrderError::PickupOfCancelledOrder => "ORDER_CANCELLED",
            OrderError::PickupOfDelivery => "ORDER_OUT_FOR_DELIVERY",
            OrderError::PickupOfNoShow => "ORDER_STATE_CONFLICT",
            OrderError::TooManyPickupAttempts => "PICKUP_TOO_MANY_ATTEMPTS",
            OrderError::NotADelivery => "NOT_A_DELIVERY",
            OrderError::NotTakingBookings => "MEAL_POINT_NOT_TAKING_BOOKINGS",
            OrderError::Unavailable(_)
            | OrderError::DatabaseUnreachable(_)
            | OrderError::WriterStopped
            | OrderError::IdentifyLimiterUnavailable(_) => "BOOKING_UNAVAILABLE",
            OrderError::PickupLimiterUnavailable(_) => "PICKUP_UNAVAILABLE",
            OrderError::Database(_) | OrderError::WriterFailed(_) => "INTERNAL",
            OrderError::Other(err) => err.code,
        }
    }

    fn message(&self) -> Cow<'static, str> {
        match self {
            OrderError::Rule(rule) => rule.message(),
            OrderError::BookingWindow(window) => DomainError::message(window),
            OrderError::Date(date) => date.message(),
            OrderError::NotFound => "没有找到这个订单".into(),
            OrderError::ElderRequired => "请选择为哪位老人订餐".into(),
            OrderError::ElderIdNotForOperators => "请用老人的身份证号和姓名确认身份后订餐".into(),
            OrderError::RoleMayNotBook => "只有老人本人、家属或助餐点运营方可以订餐".into(),
            OrderError::ElderNotIdentified => {
                "身份证号与姓名不符，或这位老人还未完成登记，请核对后重试".into()
            }
            OrderError::TooManyIdentifyAttempts => "身份核对失败次数过多，请 10 分钟后再试".into(),
            OrderError::CounterNoMatch => {
                "没有找到身份证号和姓名都相符、且已登记的老人，请核对证件".into()
            }
            OrderError::TooManyCounterLookups => "查找失败次数过多，请 10 分钟后再试".into(),
            OrderError::ModeNotOffered { mode } => {
                format!("该助餐点不提供{}", mode.label_zh()).into()
            }
            OrderError::OfferingNotFound => "所选菜品不存在或已下架".into(),
            OrderError::OfferingMismatch => "所选菜品不属于这个助餐点、日期或餐次".into(),
            OrderError::ElderAlreadyBooked { slot } => format!(
                "该老人在这个助餐点已预订了{}，请勿重复预订",
                slot.label_zh()
            )
            .into(),
            OrderError::SoldOut { dish, left } if *left > 0 => {
                format!("{dish}只剩 {left} 份了").into()
            }
            OrderError::SoldOut { dish, .. } => format!("{dish}已订完").into(),
            OrderError::BookingInProgress => {
                "上一次预订还在处理中，请稍后在“我的订单”中查看".into()
            }
            OrderError::SlotNotServed => "该助餐点不供应这个餐次".into(),
            OrderError::PickupCodeNotFound => "取餐码不正确，或不是本助餐点今天的订单".into(),
            OrderError::PickupAlreadyUsed => "该取餐码已核销过了".into(),
            OrderError::PickupOfCancelledOrder => "该订单已取消".into(),
            OrderError::PickupOfDelivery => "该订单正在配送，请在送达时签收".into(),
            OrderError::PickupOfNoShow => "该订单不能核销".into(),
            OrderError::TooManyPickupAttempts => "取餐码输错次数过多，请 10 分钟后再试".into(),
            OrderError::NotADelivery => "这不是送餐订单".into(),
            OrderError::NotTakingBookings => "该助餐点当天暂停服务，请选择其他日期或助餐点".into(),
            OrderError::Unavailable(_) | OrderError::DatabaseUnreachable(_) => {
                "订餐人数较多，系统暂时繁忙，请稍后再试".into()
            }
            OrderError::WriterStopped => "系统正在重启，请稍后再试".into(),
            OrderError::PickupLimiterUnavailable(_)
            | OrderError::IdentifyLimiterUnavailable(_)
            | OrderError::CounterLookupUnavailable(_) => "系统暂时繁忙，请稍后再试".into(),
            OrderError::Database(_) | OrderError::WriterFailed(_) => {
                "服务器开小差了，请稍后再试".into()
            }
            OrderError::Other(err) => err.message.clone(),
        }
    }

    fn field(&self) -> Option<Cow<'static, str>> {
        match self {
            OrderError::Rule(rule) => rule.field(),
            OrderError::Date(date) => date.field(),
            OrderError::PickupCodeNotFound => Some("code".into()),
            OrderError::ElderRequired | OrderError::ElderIdNotForOperators => {
                Some("elder_id".into())
            }
            OrderError::ModeNotOffered { .. } => Some("mode".into()),
            OrderError::OfferingNotFound
            | OrderError::OfferingMismatch
            | OrderError::SoldOut { .. } => Some("items".into()),
            OrderError::Other(err) => err.field.clone(),
            _ => None,
        }
    }

    fn into_app_error(self) -> AppError {
        let answer = domain_answer(&self);
        match self {
            OrderError::Other(err) => err,
            OrderError::Database(err) => AppError::internal(err),
            OrderError::WriterFailed(err) => AppError::internal(err),
            // An infrastructure failure keeps its cause, for the log.
            OrderError::Unavailable(err) => answer.with_source(err),
            OrderError::DatabaseUnreachable(err) => answer.with_source(err),
            OrderError::PickupLimiterUnavailable(err)
            | OrderError::IdentifyLimiterUnavailable(err)
            | OrderError::CounterLookupUnavailable(err) => answer.with_source(err),
            _ => answer,
        }
    }
}

impl DomainError for OrderRuleError {
    fn kind(&self) -> ErrorKind {
        match self {
            Self::IllegalTransition { .. }
            | Self::CancelCutoffPassed
            | Self::NotServiceDay
            | Self::SlotNotOpenForPickup
            | Self::SlotNotOver => ErrorKind::Conflict,
            Self::NoItems
            | Self::TooManyItems
            | Self::QuantityOutOfRange { .. }
            | Self::DuplicateOffering { .. }
            | Self::ClientKeyInvalid
            | Self::ReasonRequired
            | Self::SignatureRequired
            | Self::DeliveryAddressTooLong
            | Self::DeliveryAddressRequired
            | Self::ReasonTooLong => ErrorKind::BadRequest,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            Self::NoItems => "ORDER_ITEMS_EMPTY",
            Self::TooManyItems => "ORDER_TOO_MANY_ITEMS",
            Self::QuantityOutOfRange { .. } => "ORDER_QUANTITY_INVALID",
            Self::DuplicateOffering { .. } => "ORDER_DUPLICATE_OFFERING",
            Self::ClientKeyInvalid => "IDEMPOTENCY_KEY_INVALID",
            Self::IllegalTransition { .. } => "ORDER_STATE_CONFLICT",
            Self::CancelCutoffPassed => "ORDER_CUTOFF_PASSED",
            Self::ReasonRequired => "REASON_REQUIRED",
            Self::NotServiceDay => "PICKUP_WRONG_DAY",
            Self::SlotNotOpenForPickup => "PICKUP_TOO_EARLY",
            Self::SlotNotOver => "SLOT_NOT_OVER",
            Self::SignatureRequired => "SIGNATURE_REQUIRED",
            Self::DeliveryAddressTooLong => "DELIVERY_ADDRESS_TOO_LONG",
            Self::DeliveryAddressRequired => "DELIVERY_ADDRESS_REQUIRED",
            Self::ReasonTooLong => "REASON_TOO_LONG",
        }
    }

    fn field(&self) -> Option<Cow<'static, str>> {
        let field = match self {
            Self::NoItems | Self::TooManyItems | Self::DuplicateOffering { .. } => "items",
            Self::QuantityOutOfRange { .. } => "items.quantity",
            Self::ClientKeyInvalid => "client_key",
            Self::ReasonRequired => "reason",
            Self::SignatureRequired => "signed_by",
            Self::DeliveryAddressTooLong | Self::DeliveryAddressRequired => "delivery_address",
            Self::ReasonTooLong => "reason",
            _ => return None,
        };
        Some(field.into())
    }

    fn message(&self) -> Cow<'static, str> {
        Cow::Owned(match self {
            Self::NoItems => "请至少选择一个菜品".into(),
            Self::TooManyItems => format!("一次最多预订 {MAX_LINES} 个菜品"),
            Self::QuantityOutOfRange { .. } => {
                format!("每个菜品的份数需在 1 到 {MAX_QUANTITY} 份之间")
            }
            Self::DuplicateOffering { .. } => "同一个菜品请合并为一行，填写份数".into(),
            Self::ClientKeyInvalid => {
                "请求标识（client_key）需为 8 到 128 位字母、数字或 - _".into()
            }
            Self::IllegalTransition { from, to } => {
                format!("订单{}，不能变为{}", from.label_zh(), to.label_zh())
            }
            Self::CancelCutoffPassed => "已过预订截止时间，不能再取消，请联系助餐点".into(),
            Self::ReasonRequired => "请填写原因".into(),
            Self::NotServiceDay => "该订单不是今天的，不能核销".into(),
            Self::SlotNotOpenForPickup => "还没到取餐时间".into(),
            Self::SlotNotOver => "用餐时段还没结束，不能标记未取餐".into(),
            Self::SignatureRequired => "请填写签收人姓名".into(),
            Self::DeliveryAddressTooLong => {
                format!("送餐地址请不超过 {DELIVERY_ADDRESS_MAX_CHARS} 个字")
            }
            Self::ReasonTooLong => format!("原因请不超过 {REASON_MAX_CHARS} 个字"),
            Self::DeliveryAddressRequired => "请填写送餐地址".into(),
        })
    }
}
