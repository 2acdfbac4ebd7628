//! Why a payment operation was refused, or failed: one enum, mapped to HTTP once.

use std::borrow::Cow;

use super::rules::{PaymentRuleError, REFUND_REASON_MAX_CHARS};
use crate::{
    error::{AppError, DomainError, ErrorKind},
    wechat::pay::PayError,
};

#[derive(Debug, thiserror::Error)]
pub enum PaymentError {
    #[error(transparent)]
    Rule(#[from] PaymentRuleError),
    /// Only the elder or a linked family member pays an order's share.
    #[error("only an elder or family member pays")]
    PayerRoleForbidden,
    /// Only the meal point's operator refunds.
    #[error("only an operator refunds")]
    RefundRoleForbidden,
    /// The order is not booked any more (cancelled, served …): nothing to pay.
    #[error("order is not booked")]
    OrderNotBooked,
    /// Online payment needs the payer's WeChat identity (a staff account has none).
    #[error("payer has no WeChat openid")]
    PayerWithoutWeChat,
    /// The meal point takes no online payment, or has no sub-merchant number yet.
    #[error("meal point takes no online payment")]
    NotOnline,
    /// WeChat Pay refused or could not be reached; nothing changed on our side.
    #[error(transparent)]
    WeChatPay(#[from] PayError),
    #[error(transparent)]
    Database(#[from] sea_orm::DbErr),
    /// Another domain's answer (an order not found …), already HTTP.
    #[error(transparent)]
    Other(#[from] AppError),
}

impl DomainError for PaymentError {
    fn kind(&self) -> ErrorKind {
        match self {
            PaymentError::Rule(PaymentRuleError::RefundReason)
            | PaymentError::Rule(PaymentRuleError::RefundNotPositive)
            | PaymentError::Rule(PaymentRuleError::RefundTooLarge { .. }) => ErrorKind::BadRequest,
            PaymentError::Rule(_)
            | PaymentError::OrderNotBooked
            | PaymentError::PayerWithoutWeChat
            | PaymentError::NotOnline => ErrorKind::Conflict,
            PaymentError::PayerRoleForbidden | PaymentError::RefundRoleForbidden => {
                ErrorKind::Forbidden
            }
            PaymentError::WeChatPay(_) => ErrorKind::BadGateway,
            PaymentError::Database(_) => ErrorKind::Internal,
            PaymentError::Other(err) => err.kind,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            PaymentError::Rule(rule) => match rule {
                PaymentRuleError::NotDue(_) => "PAYMENT_NOT_DUE",
                PaymentRuleError::Expired => "PAYMENT_EXPIRED",
                PaymentRuleError::RefundTooLarge { .. } => "REFUND_TOO_LARGE",
                PaymentRuleError::RefundNotPositive => "REFUND_AMOUNT_INVALID",
                PaymentRuleError::RefundReason => "REFUND_REASON_REQUIRED",
                PaymentRuleError::NothingToRefund(_) => "NOTHING_TO_REFUND",
                PaymentRuleError::RefundInProgress => "REFUND_IN_PROGRESS",
                PaymentRuleError::NotRequired => "PAYMENT_NOT_REQUIRED",
                PaymentRuleError::CounterNotOffered => "COUNTER_PAYMENT_NOT_OFFERED",
                PaymentRuleError::PaidOnline(_) => "ALREADY_PAID_ONLINE",
                PaymentRuleError::PaidAtCounterUnrecorded => "ALREADY_PAID_AT_COUNTER",
                PaymentRuleError::OrderCancelled => "ORDER_CANCELLED",
                PaymentRuleError::NotServed(_) => "ORDER_NOT_SERVED",
            },
            PaymentError::PayerRoleForbidden | PaymentError::RefundRoleForbidden => {
                "ROLE_FORBIDDEN"
            }
            PaymentError::OrderNotBooked => "ORDER_NOT_BOOKED",
            PaymentError::PayerWithoutWeChat => "PAYER_WITHOUT_WECHAT",
            PaymentError::NotOnline => "ONLINE_PAYMENT_NOT_OFFERED",
            PaymentError::WeChatPay(PayError::Unreachable(_)) => "WECHATPAY_UNREACHABLE",
            PaymentError::WeChatPay(_) => "WECHATPAY_ERROR",
            PaymentError::Database(_) => "INTERNAL",
            PaymentError::Other(err) => err.code,
        }
    }

    fn message(&self) -> Cow<'static, str> {
        match self {
            PaymentError::Rule(rule) => match rule {
                PaymentRuleError::NotDue(state) => {
                    format!("该订单无需在线支付（{}）", state.label_zh()).into()
                }
                PaymentRuleError::Expired => "支付时间已过，订单将自动取消".into(),
                PaymentRuleError::RefundTooLarge { refundable, .. } => format!(
                    "退款金额超过可退金额 {}.{:02} 元",
                    refundable / 100,
                    refundable % 100
                )
                .into(),
                PaymentRuleError::RefundNotPositive => "退款金额必须大于 0，最多两位小数".into(),
                PaymentRuleError::RefundReason => {
                    format!("请填写退款原因（不超过 {REFUND_REASON_MAX_CHARS} 字）").into()
                }
                PaymentRuleError::NothingToRefund(state) => {
                    format!("该订单没有可退的在线支付（{}）", state.label_zh()).into()
                }
                PaymentRuleError::RefundInProgress => "上一笔退款还在处理中，请稍后再试".into(),
                PaymentRuleError::NotRequired => "本单自付金额为 0，无需收款".into(),
                PaymentRuleError::CounterNotOffered => {
                    "该助餐点不收到店付款，请老人在小程序中支付".into()
                }
                PaymentRuleError::PaidOnline(state) => {
                    format!("该订单已在线支付（{}），无需到店收款", state.label_zh()).into()
                }
                PaymentRuleError::PaidAtCounterUnrecorded => "该订单已到店付款".into(),
                PaymentRuleError::OrderCancelled => "订单已取消，无需收款".into(),
                PaymentRuleError::NotServed(vocabulary::OrderState::NoShow) => {
                    "老人未取餐，无需收款".into()
                }
                PaymentRuleError::NotServed(_) => {
                    "请先核销取餐（送餐请先签收），再登记到店收款".into()
                }
            },
            PaymentError::PayerRoleForbidden => "只有老人本人或家属可以支付".into(),
            PaymentError::RefundRoleForbidden => "只有助餐点运营方可以退款".into(),
            PaymentError::OrderNotBooked => "订单已不在预订状态，无需支付".into(),
            PaymentError::PayerWithoutWeChat => "请在微信小程序中支付".into(),
            PaymentError::NotOnline => "该助餐点不支持在线支付，请到店付款".into(),
            PaymentError::WeChatPay(PayError::Unreachable(_)) => {
                "暂时连不上微信支付，请稍后再试".into()
            }
            PaymentError::WeChatPay(_) => "微信支付暂时不可用，请稍后再试".into(),
            PaymentError::Database(_) => "服务器开小差了，请稍后再试".into(),
            PaymentError::Other(err) => err.message.clone(),
        }
    }

    fn field(&self) -> Option<Cow<'static, str>> {
        match self {
            PaymentError::Rule(PaymentRuleError::RefundReason) => Some("reason".into()),
            PaymentError::Rule(
                PaymentRuleError::RefundNotPositive | PaymentRuleError::RefundTooLarge { .. },
            ) => Some("amount".into()),
            _ => None,
        }
    }

    fn into_app_error(self) -> AppError {
        match self {
            PaymentError::Other(err) => err,
            PaymentError::Database(err) => AppError::internal(err),
            other => {
                let kind = other.kind();
                let mut error = AppError::new(kind, other.code(), other.message());
                if let Some(field) = other.field() {
                    error = error.with_field(field);
                }
                error.with_source(other)
            }
        }
    }
}
