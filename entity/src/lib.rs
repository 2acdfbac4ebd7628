//! sea-orm entities: the schema as Rust types, nothing else. Rules live in the service's domain
//! folders; these are only the rows they read and write.

pub mod account;
pub mod district;
pub mod meal_order;
pub mod order_event;
pub mod order_item;
pub mod session;
pub mod street;
