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

pub use vocabulary::{ElderStatus, LinkStatus};

impl crate::error::DomainError for rules::ElderNotActive {
    fn kind(&self) -> crate::error::ErrorKind {
        crate::error::ErrorKind::Conflict
    }
    fn code(&self) -> &'static str {
        "ELDER_NOT_ACTIVE"
    }
    fn message(&self) -> std::borrow::Cow<'static, str> {
        "这位老人的登记还未审核通过，暂不能订餐或享受助餐补贴".into()
    }
}
