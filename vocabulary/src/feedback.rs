//! Complaints about meal points.

use crate::word;

word! {
    /// What a complaint is about. Food safety has the shortest deadlines.
    pub enum ComplaintCategory {
        FoodSafety = "food_safety" => "食品安全",
        Hygiene = "hygiene" => "卫生",
        ServiceAttitude = "service_attitude" => "服务态度",
        Price = "price" => "价格",
        Delivery = "delivery" => "配送",
        Other = "other" => "其他",
    }
}

word! {
    /// Where a complaint stands. Who may take which step is the feedback domain's rule.
    pub enum ComplaintState {
        Submitted = "submitted" => "已提交",
        Acknowledged = "acknowledged" => "已受理",
        Escalated = "escalated" => "已转区民政部门",
        Resolved = "resolved" => "已处理",
        Closed = "closed" => "已办结",
    }
}

impl ComplaintState {
    /// Still waiting for someone to act.
    pub const OPEN: [ComplaintState; 3] = [
        ComplaintState::Submitted,
        ComplaintState::Acknowledged,
        ComplaintState::Escalated,
    ];

    pub const fn is_open(self) -> bool {
        match self {
            ComplaintState::Submitted
            | ComplaintState::Acknowledged
            | ComplaintState::Escalated => true,
            ComplaintState::Resolved | ComplaintState::Closed => false,
        }
    }
}
