//! Why publishing, withdrawing or quoting a subsidy policy was refused, or failed: one enum for
//! the subsidy domain's services and store, mapped to HTTP once through [`DomainError`] (the
//! model is `orders::error`).

use std::borrow::Cow;

use chrono::NaiveDate;

use crate::{
    elders::rules::ElderNotActive,
    error::{AppError, DomainError, ErrorKind, Problem, domain_answer},
};

#[derive(Debug, thiserror::Error)]
pub enum SubsidyError {
    /// The policy file has these problems (each with its place and line); nothing was published.
    #[error("policy invalid ({} problems)", .0.len())]
    PolicyInvalid(Vec<Problem>),
    #[error("policy {version} not found")]
    PolicyNotFound { version: String },
    /// The version name was used before (withdrawn versions included).
    #[error("policy version {version} exists")]
    VersionExists { version: String },
    #[error("policy backdated to {effective_from}")]
    Backdated {
        effective_from: NaiveDate,
        today: NaiveDate,
    },
    /// Another live version takes effect on this date.
    #[error("policy date {date} taken")]
    DateTaken { date: NaiveDate },
    #[error("policy {version} already withdrawn")]
    AlreadyWithdrawn { version: String },
    /// The version has taken effect: it can only be replaced by a new one.
    #[error("policy {version} in effect")]
    InEffect {
        version: String,
        effective_from: NaiveDate,
    },
    /// No live version covers the meal's date.
    #[error("no policy in force on {date}")]
    NoPolicyInForce { date: NaiveDate },
    /// A quote names no offering, and leaves out this part of the meal asked about.
    #[error("meal to quote leaves out {field}")]
    MealUnderspecified { field: &'static str },
    /// A meal price below zero or with fractions of a fen.
    #[error("gross amount invalid")]
    AmountInvalid,
    /// A "what if" meal (counted from 0) names a district this city does not have.
    #[error("what-if meal {index}: unknown district {code}")]
    WhatIfDistrictUnknown {
        index: usize,
        field: &'static str,
        code: String,
    },
    /// The elder's registration is not approved: no subsidy.
    #[error(transparent)]
    ElderNotActive(#[from] ElderNotActive),
    /// A stored policy does not read back: a bug, never a refusal.
    #[error("stored policy {version} does not read back: {reason}")]
    Unreadable { version: String, reason: String },
    /// A database failure: an internal error, never a refusal.
    #[error(transparent)]
    Database(#[from] sea_orm::DbErr),
    /// Another domain's answer (an elder's categories, a district), already HTTP.
    #[error(transparent)]
    Other(#[from] AppError),
}

impl DomainError for SubsidyError {
    fn kind(&self) -> ErrorKind {
        match self {
            Self::PolicyInvalid(_)
            | Self::Backdated { .. }
            | Self::MealUnderspecified { .. }
            | Self::AmountInvalid
            | Self::WhatIfDistrictUnknown { .. } => ErrorKind::BadRequest,
            Self::PolicyNotFound { .. } => ErrorKind::NotFound,
            Self::VersionExists { .. }
            | Self::DateTaken { .. }
            | Self::AlreadyWithdrawn { .. }
            | Self::InEffect { .. }
            | Self::NoPolicyInForce { .. } => ErrorKind::Conflict,
            Self::ElderNotActive(err) => err.kind(),
            Self::Unreadable { .. } | Self::Database(_) => ErrorKind::Internal,
            Self::Other(err) => err.kind,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            Self::PolicyInvalid(_) => "POLICY_INVALID",
            Self::PolicyNotFound { .. } => "POLICY_NOT_FOUND",
            Self::VersionExists { .. } => "POLICY_VERSION_EXISTS",
            Self::Backdated { .. } => "POLICY_BACKDATED",
            Self::DateTaken { .. } => "POLICY_DATE_TAKEN",
            Self::AlreadyWithdrawn { .. } => "POLICY_ALREADY_WITHDRAWN",
            Self::InEffect { .. } => "POLICY_IN_EFFECT",
            Self::NoPolicyInForce { .. } => "NO_POLICY_IN_FORCE",
            Self::MealUnderspecified { .. } => "REQUIRED",
            Self::AmountInvalid => "AMOUNT_INVALID",
            Self::WhatIfDistrictUnknown { .. } => "DISTRICT_UNKNOWN",
            Self::ElderNotActive(err) => err.code(),
            Self::Unreadable { .. } | Self::Database(_) => "INTERNAL",
            Self::Other(err) => err.code,
        }
    }

    fn message(&self) -> Cow<'static, str> {
        match self {
            Self::PolicyInvalid(problems) => format!(
                "补贴政策有 {} 处问题，请逐条修改后重新上传",
                problems.len()
            )
            .into(),
            Self::PolicyNotFound { version } => {
                format!("没有版本为 {version} 的补贴政策").into()
            }
            Self::VersionExists { version } => format!(
                "版本号 {version} 已经用过（包括已撤回的版本），请换一个版本号"
            )
            .into(),
            Self::Backdated {
                effective_from,
                today,
            } => format!("生效日期 {effective_from} 早于今天（{today}），政策不能追溯生效").into(),
            Self::DateTaken { date } => format!(
                "已有一个版本从 {date} 起生效；如要替换，请先撤回那个尚未生效的版本"
            )
            .into(),
            Self::AlreadyWithdrawn { version } => format!("版本 {version} 已经撤回").into(),
            Self::InEffect {
                version,
                effective_from,
            } => format!(
                "版本 {version} 已于 {effective_from} 生效，生效后的政策不能撤回或修改；请发布新版本取代它"
            )
            .into(),
            Self::NoPolicyInForce { date } => {
                format!("{date} 没有生效的助餐补贴政策，暂时无法计算补贴").into()
            }
            Self::MealUnderspecified { .. } => {
                "请提供菜品（offering），或同时提供助餐点所在区、日期、餐次和价格".into()
            }
            Self::AmountInvalid => {
                "餐价需为不小于 0 的金额，最多两位小数（如 15.00）".into()
            }
            Self::WhatIfDistrictUnknown { index, code, .. } => {
                format!("第 {} 餐：本市没有编码为 {code} 的区", index + 1).into()
            }
            Self::ElderNotActive(err) => err.message(),
            Self::Unreadable { .. } | Self::Database(_) => "服务器开小差了，请稍后再试".into(),
            Self::Other(err) => err.message.clone(),
        }
    }

    fn field(&self) -> Option<Cow<'static, str>> {
        match self {
            Self::PolicyInvalid(_) => Some("toml".into()),
            Self::VersionExists { .. } => Some("version".into()),
            Self::Backdated { .. } | Self::DateTaken { .. } => Some("effective_from".into()),
            Self::MealUnderspecified { field } => Some((*field).into()),
            Self::AmountInvalid => Some("gross".into()),
            Self::WhatIfDistrictUnknown { index, field, .. } => {
                Some(format!("what_if[{index}].{field}").into())
            }
            Self::ElderNotActive(err) => err.field(),
            Self::Other(err) => err.field.clone(),
            _ => None,
        }
    }

    fn into_app_error(self) -> AppError {
        let answer = domain_answer(&self);
        match self {
            // Another layer's answer passes through whole (its cause included).
            Self::Other(err) => err,
            Self::Database(err) => AppError::internal(err),
            Self::Unreadable { version, reason } => AppError::internal(std::io::Error::other(
                format!("stored policy {version} does not read back: {reason}"),
            )),
            Self::PolicyInvalid(problems) => answer.with_problems(problems),
            _ => answer,
        }
    }
}
