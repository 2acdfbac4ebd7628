//! Payment of the elder's share (自付) through WeChat Pay in partner (服务商) mode: each meal
//! point's way of taking it, the trade of each order paid online, refunds, WeChat Pay's
//! notifications, and the sweep that lets unpaid bookings lapse. Every call to and message from
//! WeChat Pay is kept as it was (`payment_event`).

pub mod error;
pub mod http;
pub mod notify;
pub mod reactions;
pub mod rules;
pub mod service;
pub mod store;
