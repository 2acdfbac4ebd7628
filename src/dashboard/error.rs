//! Why a dashboard use case was refused, or failed: one enum, mapped to HTTP once through
//! [`DomainError`].

use std::borrow::Cow;

use super::rules::{PeriodError, TargetIssue};
use crate::error::{AppError, DomainError, ErrorKind, domain_answer};

#[derive(Debug, thiserror::Error)]
pub enum DashboardError {
    /// A chart's period is refused.
    #[error(transparent)]
    Period(#[from] PeriodError),
    /// The targets (or their CSV file) have problems; every one is listed.
    #[error("targets invalid")]
    TargetsInvalid(Vec<TargetIssue>),
    #[error(transparent)]
    Database(#[from] sea_orm::DbErr),
    /// Another domain's answer (a date outside the calendar …), already HTTP.
    #[error(transparent)]
    Other(#[from] AppError),
}

impl DomainError for DashboardError {
    fn kind(&self) -> ErrorKind {
        match self {
            Self::Period(period) => period.kind(),
            Self::TargetsInvalid(_) => ErrorKind::BadRequest,
            Self::Database(_) => ErrorKind::Internal,
            Self::Other(err) => err.kind,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            Self::Period(period) => period.code(),
            Self::TargetsInvalid(_) => "TARGETS_INVALID",
            Self::Database(_) => "INTERNAL",
            Self::Other(err) => err.code,
        }
    }

    fn message(&self) -> Cow<'static, str> {
        match self {
            Self::Period(period) => DomainError::message(period),
            Self::TargetsInvalid(issues) => {
                format!("规划目标有 {} 处问题，请逐条修改后重新提交", issues.len()).into()
            }
            Self::Database(_) => "服务器开小差了，请稍后再试".into(),
            Self::Other(err) => err.message.clone(),
        }
    }

    fn field(&self) -> Option<Cow<'static, str>> {
        match self {
            Self::Period(period) => period.field(),
            Self::TargetsInvalid(_) => Some("targets".into()),
            Self::Database(_) => None,
            Self::Other(err) => err.field.clone(),
        }
    }

    fn into_app_error(self) -> AppError {
        match self {
            Self::Other(err) => err,
            Self::Database(err) => AppError::internal(err),
            Self::TargetsInvalid(issues) => {
                let problems = issues.iter().map(TargetIssue::to_problem).collect();
                domain_answer(&Self::TargetsInvalid(issues)).with_problems(problems)
            }
            other => domain_answer(&other),
        }
    }
}
