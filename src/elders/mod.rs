//! Elders (老年人): identity, residence, eligibility categories and their families.

pub mod id_card;
pub mod vault;
