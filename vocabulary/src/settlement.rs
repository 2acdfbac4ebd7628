//! Same-city settlement runs.

use crate::word;

word! {
    /// Where a settlement run stands: draft → submitted → locked (approved and locked are one
    /// step). Which step moves it is the settlement domain's rule.
    pub enum RunState {
        Draft = "draft" => "草稿",
        Submitted = "submitted" => "已提交，待各区确认",
        Locked = "locked" => "已审批锁定",
    }
}

word! {
    /// What a settlement run's audit trail records as done to the run.
    pub enum RunAction {
        Created = "created" => "创建",
        Recomputed = "recomputed" => "重新计算",
        AdjustmentAdded = "adjustment_added" => "添加调整",
        /// Submission refused because the run did not reconcile with the orders.
        SubmitRefused = "submit_refused" => "提交未通过对账",
        Submitted = "submitted" => "提交",
        Confirmed = "confirmed" => "确认",
        Disputed = "disputed" => "提出异议",
        Reopened = "reopened" => "退回草稿",
        ApprovedAndLocked = "approved_and_locked" => "审批锁定",
    }
}

word! {
    /// A district's review of a submitted run.
    pub enum ReviewDecision {
        Pending = "pending" => "待确认",
        Confirmed = "confirmed" => "已确认",
        Disputed = "disputed" => "有异议",
    }
}

word! {
    /// The kinds of adjustment line.
    pub enum AdjustmentKind {
        /// Served after its period's run was worked out: counted now, +1 meal.
        LateServed = "late_served" => "补记（迟录核销）",
        /// A meal found invalid after it was settled: taken back, −1 meal.
        Invalid = "invalid" => "冲减（无效餐）",
    }
}

impl AdjustmentKind {
    /// +1 for a meal counted late, −1 for a meal taken back.
    pub const fn sign(self) -> i64 {
        match self {
            AdjustmentKind::LateServed => 1,
            AdjustmentKind::Invalid => -1,
        }
    }
}
