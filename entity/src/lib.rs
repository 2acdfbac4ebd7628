//! sea-orm entities: the schema as Rust types, nothing else. Rules live in the service's domain
//! folders; these are only the rows they read and write.

pub mod account;
pub mod complaint;
pub mod complaint_step;
pub mod dish;
pub mod district;
pub mod elder;
pub mod elder_category;
pub mod elder_diet;
pub mod family_link;
pub mod food_sample;
pub mod inspection;
pub mod inspector;
pub mod meal_order;
pub mod meal_point;
pub mod meal_point_operator;
pub mod meal_point_payment;
pub mod meal_point_target;
pub mod notice;
pub mod notice_subscription;
pub mod offering;
pub mod order_event;
pub mod order_item;
pub mod payment;
pub mod payment_event;
pub mod payment_refund;
pub mod rating;
pub mod session;
pub mod settlement_adjustment;
pub mod settlement_event;
pub mod settlement_line;
pub mod settlement_review;
pub mod settlement_run;
pub mod street;
pub mod subsidy_policy;
pub mod wechat_token;
