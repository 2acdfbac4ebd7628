//! Same-city subsidy settlement (同城共享结算): a run over a period sums the served orders in
//! the database into lines per meal point and funding district, shows the inter-district matrix
//! and net positions, goes through each involved district's review and the city's approval, and
//! is locked for ever. Late corrections are adjustment lines in a later run.
//!
//! See `rules.rs` for who owes whom and why, and the README's "Settlement" section.

pub mod export;
pub mod http;
pub mod rules;
pub mod service;
pub mod statements;
pub mod store;
