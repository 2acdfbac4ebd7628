//! Same-city subsidy settlement (同城共享结算): a run over a period sums the served orders in
//! the database into lines per meal point and funding district, shows the inter-district matrix
//! and net positions, goes through each involved district's review and the city's approval, and
//! is locked for ever. Late corrections are adjustment lines in a later run.
//!
//! See `rules.rs` for who owes whom and why, and the README's "Settlement" section.

pub mod error;
pub mod export;
pub mod http;
pub mod rules;
pub mod service;
pub mod statements;
pub mod store;

impl crate::error::DomainError for rules::SettlementRuleError {
    fn kind(&self) -> crate::error::ErrorKind {
        use crate::error::ErrorKind;
        match self {
            Self::RunLocked
            | Self::RunNotDraft
            | Self::RunNotSubmitted
            | Self::NotConfirmed { .. }
            | Self::NotReconciled { .. } => ErrorKind::Conflict,
            Self::ClerkWithoutDistrict
            | Self::DistrictNotInvolved
            | Self::PeriodNotClosed
            | Self::NotYours
            | Self::SubmitNotYours => ErrorKind::Forbidden,
            Self::DateOutOfRange(inner) => inner.kind(),
            Self::MonthInvalid
            | Self::PeriodReversed
            | Self::PeriodTooLong
            | Self::CommentTooLong
            | Self::CommentRequired
            | Self::ReasonRequired
            | Self::ReasonTooLong => ErrorKind::BadRequest,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            Self::RunLocked => "RUN_LOCKED",
            Self::RunNotDraft => "RUN_NOT_DRAFT",
            Self::RunNotSubmitted => "RUN_NOT_SUBMITTED",
            Self::ClerkWithoutDistrict => "CLERK_WITHOUT_DISTRICT",
            Self::DistrictNotInvolved => "DISTRICT_NOT_INVOLVED",
            Self::NotConfirmed { .. } => "RUN_NOT_CONFIRMED",
            Self::NotReconciled { .. } => "RUN_NOT_RECONCILED",
            Self::PeriodNotClosed => "RUN_PERIOD_NOT_CLOSED",
            Self::NotYours | Self::SubmitNotYours => "RUN_NOT_YOURS",
            Self::MonthInvalid => "MONTH_INVALID",
            Self::DateOutOfRange(inner) => inner.code(),
            Self::PeriodReversed => "PERIOD_INVALID",
            Self::PeriodTooLong => "PERIOD_TOO_LONG",
            Self::CommentTooLong => "COMMENT_TOO_LONG",
            Self::CommentRequired => "COMMENT_REQUIRED",
            Self::ReasonRequired => "REASON_REQUIRED",
            Self::ReasonTooLong => "REASON_TOO_LONG",
        }
    }

    fn message(&self) -> std::borrow::Cow<'static, str> {
        match self {
            Self::RunLocked => "该结算已审批锁定，不能再修改；更正请在下一期结算中做调整".into(),
            Self::RunNotDraft => "该结算已提交，需退回草稿后才能修改".into(),
            Self::RunNotSubmitted => "该结算还是草稿，需先提交".into(),
            Self::ClerkWithoutDistrict => "该账号没有所属区，不能确认结算".into(),
            Self::DistrictNotInvolved => "本期结算与本区无关，无需确认".into(),
            Self::NotConfirmed { waiting } => {
                format!("还有区未确认本期结算：{}", waiting.join("、")).into()
            }
            Self::NotReconciled { issues } => format!(
                "结算对账不平，不能提交：{}。请重新计算后再提交",
                issues.join("；")
            )
            .into(),
            Self::PeriodNotClosed => {
                "区结算员只能为已结束的月份创建结算；本月及以后的期间由市民政局创建".into()
            }
            Self::NotYours => "只能删除本人创建的结算草稿".into(),
            Self::SubmitNotYours => {
                "区结算员创建的草稿由该区或市民政局提交，市民政局创建的草稿由涉及的区提交".into()
            }
            Self::MonthInvalid => "月份格式应为 2026-11".into(),
            Self::DateOutOfRange(inner) => inner.message(),
            Self::PeriodReversed => "结束日期不能早于开始日期".into(),
            Self::PeriodTooLong => "一期结算最长一年".into(),
            Self::CommentTooLong => "意见请不超过 500 字".into(),
            Self::CommentRequired => "提出异议时请写明原因".into(),
            Self::ReasonRequired => "请写明调整原因".into(),
            Self::ReasonTooLong => "原因请不超过 200 字".into(),
        }
    }

    fn field(&self) -> Option<std::borrow::Cow<'static, str>> {
        match self {
            Self::PeriodNotClosed | Self::PeriodReversed | Self::PeriodTooLong => Some("to".into()),
            Self::MonthInvalid => Some("month".into()),
            Self::DateOutOfRange(inner) => inner.field(),
            Self::CommentTooLong | Self::CommentRequired => Some("comment".into()),
            Self::ReasonRequired | Self::ReasonTooLong => Some("reason".into()),
            _ => None,
        }
    }
}
