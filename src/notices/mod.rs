//! WeChat subscribe messages (订阅消息): a transactional outbox of notices (booking confirmed, the
//! reminder before the slot, a cancellation by the meal point, the no-show alert to the family, a
//! refund, a complaint step, a reply to a rating), written by the domain that changes in the same
//! transaction as its change, and delivered by a sender task in every instance within each
//! account's one-time subscription quota.

pub mod error;
pub mod http;
pub mod rules;
pub mod service;
pub mod store;
