//! Feedback (评价与投诉): elders rate served meals, operators reply, the city hides ratings that
//! break the rules; complaints move through their steps against deadlines and escalate to the
//! district by themselves; inspectors invited by the city record scored visits; supervisors see
//! complaints, overdue ones and the meal points with the lowest monthly score.
//!
//! Choices where the issue was silent (the README's "Feedback" section has them all):
//! - A rating is made within `ZHUCAN_RATING_WINDOW_DAYS` (default 7) of the meal being served,
//!   once per order, by the elder or a linked family member; it is never edited. A hidden rating
//!   drops out of the public list and of every average; its author still sees it, marked hidden.
//! - Deadlines run from submission, per category (`ZHUCAN_COMPLAINT_DEADLINES`); a complaint not
//!   acknowledged, or acknowledged but not resolved, by its deadline is escalated by the service
//!   (a step with no actor). The sweep runs every `ZHUCAN_ESCALATION_SWEEP_SECONDS` and before
//!   every complaint or supervision read, so no reader ever sees a complaint that should have
//!   escalated and has not.
//! - The monthly score is [`rules::monthly_score`].

pub mod http;
pub mod rules;
pub mod service;
pub mod store;
pub mod supervision;
pub mod visits;
