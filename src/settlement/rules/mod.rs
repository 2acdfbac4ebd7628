//! The settlement's rules as plain functions: periods, who owes whom (the matrix, net positions,
//! each district's receivable and payable), the reconciliation check, the run's workflow and who
//! may take each step. No database, no HTTP.
//!
//! Who pays what (DESIGN.md, "Same-city settlement"): every served meal carries a subsidy split
//! by funder level. The city-level part is paid by the city, a funder of its own; the district-
//! and street-level parts are paid by the elder's hukou district (the funding district). The
//! district where the meal was served advanced the whole subsidy to its meal points, so the
//! funding district owes the service district its district + street parts (a matrix cell), and
//! the city owes the service district the city part. The diagonal is a district's own elders.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::{auth::Role, clock::DateOutOfRange};

/// Why a settlement step or a request about a run is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SettlementRuleError {
    #[error("run locked")]
    RunLocked,
    #[error("run not draft")]
    RunNotDraft,
    #[error("run not submitted")]
    RunNotSubmitted,
    #[error("clerk without district")]
    ClerkWithoutDistrict,
    #[error("district not involved")]
    DistrictNotInvolved,
    /// These districts have not confirmed yet.
    #[error("run not confirmed")]
    NotConfirmed { waiting: Vec<String> },
    /// The reconciliation does not hold; the issues as the viewer may read them.
    #[error("run not reconciled")]
    NotReconciled { issues: Vec<String> },
    #[error("run period not closed")]
    PeriodNotClosed,
    #[error("run not yours")]
    NotYours,
    #[error("run not yours to submit")]
    SubmitNotYours,
    #[error("month invalid")]
    MonthInvalid,
    #[error(transparent)]
    DateOutOfRange(#[from] DateOutOfRange),
    #[error("period reversed")]
    PeriodReversed,
    #[error("period too long")]
    PeriodTooLong,
    #[error("comment too long")]
    CommentTooLong,
    #[error("comment required")]
    CommentRequired,
    #[error("reason required")]
    ReasonRequired,
    #[error("reason too long")]
    ReasonTooLong,
}

pub use vocabulary::{AdjustmentKind, ReviewDecision as Decision, RunState};

mod figures;
mod periods;
mod reconciliation;
#[cfg(test)]
mod tests;
mod workflow;

pub use figures::*;
pub use periods::*;
pub use reconciliation::*;
pub use workflow::*;
