//! Orders: booking a meal, the lunch-peak reservation contract, pickup and delivery.

pub mod reservation;
