//! zhucan (助餐): the service behind a city's elderly meal-assistance programme.
//!
//! One folder per domain, each with its HTTP face (`http.rs`), its rules (plain functions over
//! plain types, `rules.rs`) and its storage (`store.rs`). Cross-cutting pieces sit at the top:
//! configuration, the one HTTP error type, the clock, the database connection and start-up.

pub mod api;
#[cfg(test)]
mod architecture;
pub mod auth;
pub mod cache;
pub mod clock;
pub mod config;
pub mod console;
pub mod dashboard;
pub mod db;
pub mod demo;
pub mod diets;
pub mod elders;
pub mod error;
pub mod feedback;
pub mod meal_points;
pub mod menus;
pub mod money;
pub mod notices;
pub mod orders;
pub mod pagination;
pub mod payments;
pub mod places;
pub mod reconciliation;
pub mod samples;
pub mod settlement;
pub mod startup;
pub mod state;
pub mod subsidy;
pub mod tags;
pub mod telemetry;
pub mod throttle;
pub mod wechat;
