//! The city's dashboard (监管看板): meal points built against the plan's targets, meals served,
//! subsidy paid by funder level, the 同城共享 share, ratings and complaint deadlines. Every
//! figure is summed in the database; the plan's targets are data the city enters or imports.

pub mod error;
pub mod http;
pub mod rules;
pub mod service;
pub mod store;

/// The plan's targets (from `shared/data/changzhou-meal-point-targets.csv`), in the import
/// format: the demo seeds them.
pub const CHANGZHOU_TARGETS_CSV: &str = include_str!("changzhou-meal-point-targets.csv");
