//! Why a settlement step was refused, or failed: one enum for the run's workflow and its store,
//! mapped to HTTP once through [`DomainError`] (the model is `orders::error`).

use std::borrow::Cow;

use chrono::NaiveDate;

use super::rules::SettlementRuleError;
use crate::error::{AppError, DomainError, ErrorKind, domain_answer};

#[derive(Debug, thiserror::Error)]
pub enum SettlementError {
    /// A rule of the workflow refused (state, period, review, comment …).
    #[error(transparent)]
    Rule(#[from] SettlementRuleError),
    #[error("run not found")]
    RunNotFound,
    /// Another step moved the run between the read and the write (compare and set).
    #[error("run state changed")]
    RunStateChanged,
    /// The period overlaps an existing run's.
    #[error("period overlaps run {id}")]
    PeriodOverlaps {
        id: i64,
        from: NaiveDate,
        to: NaiveDate,
    },
    /// No served order with this id, or not one the caller may see (answered alike).
    #[error("served order not found")]
    OrderNotFound,
    #[error("order already taken back")]
    OrderAlreadyAdjusted,
    /// The order is in no run's lines nor carried late: nothing to take back.
    #[error("order not settled")]
    OrderNotSettled,
    /// A database failure: an internal error, never a refusal.
    #[error(transparent)]
    Database(#[from] sea_orm::DbErr),
    /// Another domain's answer (the districts' names), already HTTP.
    #[error(transparent)]
    Other(#[from] AppError),
    /// A bug or an unexpected failure (a statement that does not build, a figure that does not
    /// serialise).
    #[error("internal: {0}")]
    Internal(String),
}

impl DomainError for SettlementError {
    fn kind(&self) -> ErrorKind {
        match self {
            Self::Rule(rule) => rule.kind(),
            Self::RunNotFound | Self::OrderNotFound => ErrorKind::NotFound,
            Self::RunStateChanged
            | Self::PeriodOverlaps { .. }
            | Self::OrderAlreadyAdjusted
            | Self::OrderNotSettled => ErrorKind::Conflict,
            Self::Database(_) | Self::Internal(_) => ErrorKind::Internal,
            Self::Other(err) => err.kind,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            Self::Rule(rule) => rule.code(),
            Self::RunNotFound => "RUN_NOT_FOUND",
            Self::RunStateChanged => "RUN_STATE_CHANGED",
            Self::PeriodOverlaps { .. } => "PERIOD_OVERLAPS",
            Self::OrderNotFound => "ORDER_NOT_FOUND",
            Self::OrderAlreadyAdjusted => "ORDER_ALREADY_ADJUSTED",
            Self::OrderNotSettled => "ORDER_NOT_SETTLED",
            Self::Database(_) | Self::Internal(_) => "INTERNAL",
            Self::Other(err) => err.code,
        }
    }

    fn message(&self) -> Cow<'static, str> {
        match self {
            Self::Rule(rule) => rule.message(),
            Self::RunNotFound => "没有找到这期结算".into(),
            Self::RunStateChanged => "这期结算的状态刚刚被他人更改，请刷新后再试".into(),
            Self::PeriodOverlaps { id, from, to } => format!(
                "与第 {id} 期结算（{from} 至 {to}）的期间重叠；迟到的更正会作为调整计入下一期"
            )
            .into(),
            Self::OrderNotFound => "没有找到这个已核销的订单".into(),
            Self::OrderAlreadyAdjusted => "该订单已作为无效餐冲减过".into(),
            Self::OrderNotSettled => "该订单尚未计入任何结算，无需冲减".into(),
            Self::Database(_) | Self::Internal(_) => "服务器开小差了，请稍后再试".into(),
            Self::Other(err) => err.message.clone(),
        }
    }

    fn field(&self) -> Option<Cow<'static, str>> {
        match self {
            Self::Rule(rule) => rule.field(),
            Self::OrderNotFound => Some("order_id".into()),
            Self::Other(err) => err.field.clone(),
            _ => None,
        }
    }

    fn into_app_error(self) -> AppError {
        match self {
            // Another layer's answer passes through whole (its cause included).
            Self::Other(err) => err,
            // The database's own error stays the cause, so "the database is unreachable" is
            // still recognised upstream.
            Self::Database(err) => AppError::internal(err),
            Self::Internal(what) => AppError::internal(std::io::Error::other(what)),
            other => domain_answer(&other),
        }
    }
}
