//! Who uses zhucan, and where an elder's record and a family link stand.

use crate::word;

word! {
    /// The six kinds of people who use zhucan.
    pub enum Role {
        /// 老年人: books and rates meals for themselves.
        Elder = "elder" => "老年人",
        /// 家属: acts for the elders linked to them.
        Family = "family" => "家属",
        /// 助餐点运营方: keeps the menus of their meal points and verifies pickups.
        Operator = "operator" => "助餐点运营方",
        /// 区结算员: settles subsidies for one district.
        DistrictClerk = "district_clerk" => "区结算员",
        /// 市民政局: sees everything, publishes policy, creates meal points and staff.
        CityAdmin = "city_admin" => "市民政局",
        /// 督查员 (评查员): invited from outside (an industry association, an expert, a
        /// citizens' panel) by the city to record scored visits to meal points.
        Inspector = "inspector" => "督查员",
    }
}

impl Role {
    /// Those who sign in with a password and work in the staff pages.
    pub const STAFF: [Role; 3] = [Role::Operator, Role::DistrictClerk, Role::CityAdmin];
}

word! {
    /// Sex, as read from the ID-card number.
    pub enum Sex {
        Male = "male" => "男",
        Female = "female" => "女",
    }
}

word! {
    /// Where an elder record stands.
    pub enum ElderStatus {
        /// 已登记: in the programme; quotes and bookings work.
        Active = "active" => "已登记",
        /// 待审核: self-registered, waiting for a clerk of the residence (or hukou) district.
        PendingReview = "pending_review" => "待审核",
        /// 未通过: a clerk rejected the self-registration, with a reason.
        Rejected = "rejected" => "未通过",
    }
}

word! {
    /// Where a family link stands.
    pub enum LinkStatus {
        /// 待确认: asked for, waiting for the elder or a clerk.
        Pending = "pending" => "待确认",
        /// 已关联: the family member may act for the elder.
        Approved = "approved" => "已关联",
        /// 已拒绝
        Rejected = "rejected" => "已拒绝",
        /// 已解除: ended by the family member, the elder or a clerk.
        Unlinked = "unlinked" => "已解除",
    }
}

impl LinkStatus {
    /// Pending and approved links are live: at most one per elder and family member.
    pub fn is_live(self) -> bool {
        matches!(self, LinkStatus::Pending | LinkStatus::Approved)
    }
}
