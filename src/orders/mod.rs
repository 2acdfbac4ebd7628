//! Orders: booking a meal at the lunch peak, the reservation contract behind it, the durable
//! batched writer, pickup, delivery and no-shows.

pub mod reservation;
pub mod rules;
pub mod writer;
