//! Why a day's bill could not be reconciled: one enum, mapped to HTTP once.

use std::borrow::Cow;

use super::rules::ReconciliationRuleError;
use crate::{
    error::{AppError, DomainError, ErrorKind},
    wechat::pay::{PayError, bill::BillError},
};

#[derive(Debug, thiserror::Error)]
pub enum ReconciliationError {
    #[error(transparent)]
    Rule(#[from] ReconciliationRuleError),
    /// Only operators (their meal points) and the city reconcile.
    #[error("this role does not reconcile")]
    NotForRole,
    /// WeChat Pay is still making the day's bill (ready by 10:00 the next day).
    #[error("the bill is not ready")]
    BillNotReady,
    #[error(transparent)]
    WeChatPay(#[from] PayError),
    /// The downloaded bill does not read, or its rows miss its own summary.
    #[error(transparent)]
    BadBill(#[from] BillError),
    #[error(transparent)]
    Database(#[from] sea_orm::DbErr),
    #[error(transparent)]
    Other(#[from] AppError),
}

impl DomainError for ReconciliationError {
    fn kind(&self) -> ErrorKind {
        match self {
            ReconciliationError::Rule(ReconciliationRuleError::DayNotOver)
            | ReconciliationError::BillNotReady => ErrorKind::Conflict,
            ReconciliationError::WeChatPay(_) | ReconciliationError::BadBill(_) => {
                ErrorKind::BadGateway
            }
            ReconciliationError::NotForRole => ErrorKind::Forbidden,
            ReconciliationError::Database(_) => ErrorKind::Internal,
            ReconciliationError::Other(err) => err.kind,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            ReconciliationError::Rule(ReconciliationRuleError::DayNotOver) => "DAY_NOT_OVER",
            ReconciliationError::BillNotReady => "BILL_NOT_READY",
            ReconciliationError::NotForRole => "ROLE_FORBIDDEN",
            ReconciliationError::WeChatPay(PayError::Unreachable(_)) => "WECHATPAY_UNREACHABLE",
            ReconciliationError::WeChatPay(_) => "WECHATPAY_ERROR",
            ReconciliationError::BadBill(_) => "BILL_UNREADABLE",
            ReconciliationError::Database(_) => "INTERNAL",
            ReconciliationError::Other(err) => err.code,
        }
    }

    fn message(&self) -> Cow<'static, str> {
        match self {
            ReconciliationError::Rule(ReconciliationRuleError::DayNotOver) => {
                "只能对已结束的日期对账（微信支付次日生成前一天的账单）".into()
            }
            ReconciliationError::NotForRole => "只有助餐点运营方和市民政局可以查看对账".into(),
            ReconciliationError::BillNotReady => "微信支付账单还在生成中，请 10 点后再试".into(),
            ReconciliationError::WeChatPay(PayError::Unreachable(_)) => {
                "暂时连不上微信支付，请稍后再试".into()
            }
            ReconciliationError::WeChatPay(_) => "微信支付暂时不可用，请稍后再试".into(),
            ReconciliationError::BadBill(_) => {
                "微信支付账单无法读取或合计不符，请稍后重新下载".into()
            }
            ReconciliationError::Database(_) => "服务器开小差了，请稍后再试".into(),
            ReconciliationError::Other(err) => err.message.clone(),
        }
    }

    fn field(&self) -> Option<Cow<'static, str>> {
        match self {
            ReconciliationError::Rule(_) => Some("date".into()),
            _ => None,
        }
    }

    fn into_app_error(self) -> AppError {
        match self {
            ReconciliationError::Other(err) => err,
            ReconciliationError::Database(err) => AppError::internal(err),
            other => {
                let mut error = AppError::new(other.kind(), other.code(), other.message());
                if let Some(field) = other.field() {
                    error = error.with_field(field);
                }
                error.with_source(other)
            }
        }
    }
}
