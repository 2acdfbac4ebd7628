//! The integration suite: one binary that drives the real HTTP API of a spawned server.
//!
//! It runs on SQLite and the in-process implementations by default, and on PostgreSQL and Redis
//! when `DATABASE_URL` / `REDIS_URL` are set; every test gets a database (or schema) of its own,
//! so the tests run in parallel.

mod auth;
mod authorization;
mod bounds;
mod dashboard;
mod diets;
mod elders;
mod elders_claims;
mod errors;
mod feedback;
mod fixtures;
mod health;
mod helpers;
mod logs;
mod meal_points;
mod menus;
mod notices;
mod openapi;
mod orders;
mod payments;
mod payments_notices;
mod peak_fencing;
mod peak_leases;
mod peak_overload;
mod places;
mod reconciliation;
mod samples;
mod schema;
mod settlement;
mod subsidy;
