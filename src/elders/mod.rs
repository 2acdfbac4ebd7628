//! Elders (老年人): identity, residence, eligibility categories and their families.
//!
//! An elder record is created by community staff (a district clerk stands in for them) or by the
//! elder's own self-registration, which a clerk reviews. The ID-card number is checked
//! ([`id_card`]), sealed and hashed for storage ([`vault`]) and shown only masked. Family members
//! (家属) link to an elder by ID-card number and name; the elder or a clerk approves, and an
//! approved family member may act for the elder. Who may see, act for or manage a record is one
//! rule, [`rules::standing`], applied by [`store::require_elder_visible`] on every endpoint that
//! takes an elder id.

pub mod http;
pub mod id_card;
pub mod rules;
pub mod service;
pub mod store;
pub mod vault;

use poem_openapi::Enum;

/// Where an elder record stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Enum)]
#[oai(rename_all = "snake_case")]
pub enum ElderStatus {
    /// 已登记: in the programme; quotes and bookings work.
    Active,
    /// 待审核: self-registered, waiting for a clerk of the residence (or hukou) district.
    PendingReview,
    /// 未通过: a clerk rejected the self-registration, with a reason.
    Rejected,
}

impl ElderStatus {
    pub const ALL: [ElderStatus; 3] = [
        ElderStatus::Active,
        ElderStatus::PendingReview,
        ElderStatus::Rejected,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ElderStatus::Active => "active",
            ElderStatus::PendingReview => "pending_review",
            ElderStatus::Rejected => "rejected",
        }
    }

    pub fn parse(text: &str) -> Option<ElderStatus> {
        ElderStatus::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// Where a family link stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Enum)]
#[oai(rename_all = "snake_case")]
pub enum LinkStatus {
    /// 待确认: asked for, waiting for the elder or a clerk.
    Pending,
    /// 已关联: the family member may act for the elder.
    Approved,
    /// 已拒绝
    Rejected,
    /// 已解除: ended by the family member, the elder or a clerk.
    Unlinked,
}

impl LinkStatus {
    pub const ALL: [LinkStatus; 4] = [
        LinkStatus::Pending,
        LinkStatus::Approved,
        LinkStatus::Rejected,
        LinkStatus::Unlinked,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            LinkStatus::Pending => "pending",
            LinkStatus::Approved => "approved",
            LinkStatus::Rejected => "rejected",
            LinkStatus::Unlinked => "unlinked",
        }
    }

    pub fn parse(text: &str) -> Option<LinkStatus> {
        LinkStatus::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// Pending and approved links are live: at most one per elder and family member.
    pub fn is_live(self) -> bool {
        matches!(self, LinkStatus::Pending | LinkStatus::Approved)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_names_round_trip() {
        for status in ElderStatus::ALL {
            assert_eq!(ElderStatus::parse(status.as_str()), Some(status));
        }
        for status in LinkStatus::ALL {
            assert_eq!(LinkStatus::parse(status.as_str()), Some(status));
        }
        assert_eq!(ElderStatus::parse("pending"), None);
        assert_eq!(LinkStatus::parse("active"), None);
    }
}
