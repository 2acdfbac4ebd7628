//! WeChat's server APIs, reached with reqwest at a configurable base URL, and a fake WeChat server
//! that answers the same way so local runs and tests never need the real one.

pub mod client;
pub mod fake;
pub mod pay;
pub mod token;

pub use client::{WeChatClient, WeChatError, WeChatSession};
