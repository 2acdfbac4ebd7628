//! Elders (老年人): identity, residence, eligibility categories and their families.
//!
//! An elder record is created by community staff (a district clerk stands in for them) or by the
//! elder's own self-registration, which a clerk reviews. The ID-card number is checked
//! ([`id_card`]), sealed and hashed for storage ([`vault`]) and shown only masked. Family members
//! (家属) link to an elder by ID-card number and name; the elder or a clerk approves, and an
//! approved family member may act for the elder. Who may see, act for or manage a record is one
//! rule, [`rules::standing`], applied by [`access::require_elder_visible`] on every endpoint that
//! takes an elder id.

pub mod access;
pub mod error;
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

impl crate::error::DomainError for rules::ElderRuleError {
    fn kind(&self) -> crate::error::ErrorKind {
        crate::error::ErrorKind::BadRequest
    }
    fn code(&self) -> &'static str {
        match self {
            Self::NameInvalid { .. } => "NAME_INVALID",
            Self::PhoneInvalid => "PHONE_INVALID",
            Self::AddressInvalid => "ADDRESS_INVALID",
            Self::ReasonInvalid => "REASON_INVALID",
            Self::RelationshipInvalid => "RELATIONSHIP_INVALID",
        }
    }
    fn message(&self) -> std::borrow::Cow<'static, str> {
        match self {
            Self::NameInvalid { .. } => "姓名需为 1 到 32 个字，与身份证一致",
            Self::PhoneInvalid => "请填写 11 位手机号，或带区号的固定电话（如 0519-88881234）",
            Self::AddressInvalid => "请填写 2 到 128 个字的居住地址",
            Self::ReasonInvalid => "请写明原因（2 到 200 个字），申请人会看到",
            Self::RelationshipInvalid => "与老人的关系最多 16 个字，如“女儿”",
        }
        .into()
    }
    fn field(&self) -> Option<std::borrow::Cow<'static, str>> {
        Some(
            match self {
                Self::NameInvalid { field } => field,
                Self::PhoneInvalid => "phone",
                Self::AddressInvalid => "address",
                Self::ReasonInvalid => "reason",
                Self::RelationshipInvalid => "relationship",
            }
            .into(),
        )
    }
}
