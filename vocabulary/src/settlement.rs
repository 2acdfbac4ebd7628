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
