//! Orders: booking a meal at the lunch peak, the reservation contract behind it, the durable
//! batched writer, pickup, delivery and no-shows.

pub mod admission;
pub mod counter;
pub mod error;
pub mod http;
pub mod limiter;
pub mod payment_terms;
pub mod reactions;
pub mod reservation;
pub mod rules;
pub mod service;
pub mod store;
pub mod writer;
