//! WeChat Pay API v3 in partner (服务商) mode: the client the service pays and refunds with, the
//! cryptography both sides share, and a fake WeChat Pay that speaks the same protocol.

pub mod bill;
pub mod client;
pub mod crypto;
pub mod fake;

pub use client::{
    Exchange, JsapiOrder, Notice, NoticeError, PayClient, PayError, RefundAnswer, RefundOrder,
    RequestPayment, Transaction,
};
