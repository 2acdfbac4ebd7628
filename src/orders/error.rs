//! Why an order operation was refused, or failed: one enum for the orders domain, mapped to HTTP
//! once through [`DomainError`]. Code that reacts to a refusal (the no-show sweep, a closure
//! cancelling bookings) matches on these variants.

use std::borrow::Cow;

use super::{
    reservation::ReservationError,
    rules::{MAX_LINES, MAX_QUANTITY, OrderRuleError},
};
use crate::{
    error::{AppError, DomainError, ErrorKind},
    menus::rules::BookingWindowError,
};

#[derive(Debug, thiserror::Error)]
pub enum OrderError {
    /// A rule of the order's life refused (state machine, cutoff, window, …).
    #[error(transparent)]
    Rule(#[from] OrderRuleError),
    /// The offering's booking window is not open now.
    #[error(transparent)]
    BookingWindow(#[from] BookingWindowError),
    /// No such order, or not one the caller may see (the two are answered alike).
    #[error("order not found")]
    NotFound,
    /// The meal point has no hours for the order's slot.
    #[error("slot not served")]
    SlotNotServed,
    /// The reservation store cannot be reached; nothing was changed.
    #[error("reservation store unavailable")]
    Unavailable(#[source] ReservationError),
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
            OrderError::NotFound => ErrorKind::NotFound,
            OrderError::SlotNotServed => ErrorKind::Conflict,
            OrderError::Unavailable(_) => ErrorKind::Unavailable,
            OrderError::Database(_) => ErrorKind::Internal,
            OrderError::Other(err) => err.kind,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            OrderError::Rule(rule) => rule.code(),
            OrderError::BookingWindow(window) => window.code(),
            OrderError::NotFound => "ORDER_NOT_FOUND",
            OrderError::SlotNotServed => "SLOT_NOT_SERVED",
            OrderError::Unavailable(_) => "BOOKING_UNAVAILABLE",
            OrderError::Database(_) => "INTERNAL",
            OrderError::Other(err) => err.code,
        }
    }

    fn message(&self) -> Cow<'static, str> {
        match self {
            OrderError::Rule(rule) => rule.message(),
            OrderError::BookingWindow(window) => DomainError::message(window),
            OrderError::NotFound => "没有找到这个订单".into(),
            OrderError::SlotNotServed => "该助餐点不供应这个餐次".into(),
            OrderError::Unavailable(_) => "订餐人数较多，系统暂时繁忙，请稍后再试".into(),
            OrderError::Database(_) => "服务器开小差了，请稍后再试".into(),
            OrderError::Other(err) => err.message.clone(),
        }
    }

    fn field(&self) -> Option<Cow<'static, str>> {
        match self {
            OrderError::Rule(rule) => rule.field(),
            _ => None,
        }
    }

    fn into_app_error(self) -> AppError {
        match self {
            OrderError::Other(err) => err,
            OrderError::Database(err) => AppError::internal(err),
            OrderError::Unavailable(err) => AppError::new(
                ErrorKind::Unavailable,
                "BOOKING_UNAVAILABLE",
                "订餐人数较多，系统暂时繁忙，请稍后再试",
            )
            .with_source(err),
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
            | Self::SignatureRequired => ErrorKind::BadRequest,
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
        }
    }

    fn field(&self) -> Option<Cow<'static, str>> {
        let field = match self {
            Self::NoItems | Self::TooManyItems | Self::DuplicateOffering { .. } => "items",
            Self::QuantityOutOfRange { .. } => "items.quantity",
            Self::ClientKeyInvalid => "client_key",
            Self::ReasonRequired => "reason",
            Self::SignatureRequired => "signed_by",
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
        })
    }
}
