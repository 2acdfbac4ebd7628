//! Daily reconciliation (对账): each meal point's WeChat Pay trade bill of a day is downloaded
//! after the day closes and matched against the orders to the fen — paid and not served, served
//! and not paid, refunded twice, amounts that differ, in the bill but unknown, known but missing
//! from the bill. Operators see their meal points' findings, the city sees all.

pub mod error;
pub mod http;
pub mod rules;
pub mod service;
pub mod store;
