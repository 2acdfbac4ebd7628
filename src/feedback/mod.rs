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

pub mod error;
pub mod http;
pub mod reactions;
pub mod rules;
pub mod service;
pub mod store;
pub mod supervision;
pub mod visits;

impl crate::error::DomainError for rules::FeedbackRuleError {
    fn kind(&self) -> crate::error::ErrorKind {
        use crate::error::ErrorKind;
        match self {
            Self::ScoreInvalid { .. }
            | Self::CommentTooLong
            | Self::TooManyPhotos
            | Self::PhotoUrlInvalid
            | Self::TextLength(_)
            | Self::InspectionDateInvalid => ErrorKind::BadRequest,
            Self::OrderNotServed
            | Self::AlreadyRated
            | Self::RatingWindowClosed { .. }
            | Self::EscalationNotDue
            | Self::StateConflict { .. } => ErrorKind::Conflict,
            Self::ActionForbidden { .. } => ErrorKind::Forbidden,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            Self::ScoreInvalid { .. } => "SCORE_INVALID",
            Self::CommentTooLong => "COMMENT_TOO_LONG",
            Self::TooManyPhotos => "TOO_MANY_PHOTOS",
            Self::PhotoUrlInvalid => "PHOTO_URL_INVALID",
            Self::OrderNotServed => "ORDER_NOT_SERVED",
            Self::AlreadyRated => "ALREADY_RATED",
            Self::RatingWindowClosed { .. } => "RATING_WINDOW_CLOSED",
            Self::TextLength(kind) => kind.code(),
            Self::EscalationNotDue => "ESCALATION_NOT_DUE",
            Self::ActionForbidden { .. } => "COMPLAINT_ACTION_FORBIDDEN",
            Self::StateConflict { .. } => "COMPLAINT_STATE_CONFLICT",
            Self::InspectionDateInvalid => "INSPECTION_DATE_INVALID",
        }
    }

    fn message(&self) -> std::borrow::Cow<'static, str> {
        use rules::{COMMENT_MAX_CHARS, INSPECTION_BACKDATE_DAYS, PHOTOS_MAX};
        match self {
            Self::ScoreInvalid { field } => format!("评分须为 1 到 5 分（{field}）").into(),
            Self::CommentTooLong => format!("评价内容请不超过 {COMMENT_MAX_CHARS} 字").into(),
            Self::TooManyPhotos => format!("最多上传 {PHOTOS_MAX} 张照片").into(),
            Self::PhotoUrlInvalid => "照片地址须为 http(s) 链接".into(),
            Self::OrderNotServed => "只有已取餐（已送达）的订单才能评价".into(),
            Self::AlreadyRated => "这个订单已经评价过了，每单只能评价一次".into(),
            Self::RatingWindowClosed { days } => {
                format!("已超过评价期限（用餐后 {days} 天内可评价）").into()
            }
            Self::TextLength(kind) => {
                format!("{}须为 1 到 {} 个字", kind.label_zh(), kind.max_chars()).into()
            }
            Self::EscalationNotDue => "助餐点的处理时限还没到，请耐心等待；超过时限仍未受理或办结的投诉，会自动转交区民政部门督办".into(),
            Self::ActionForbidden { action } => {
                format!("您不能对这条投诉进行“{}”", action.label_zh()).into()
            }
            Self::StateConflict { from, action } => format!(
                "投诉当前为“{}”，不能进行“{}”",
                from.label_zh(),
                action.label_zh()
            )
            .into(),
            Self::InspectionDateInvalid => format!(
                "督查日期须在最近 {INSPECTION_BACKDATE_DAYS} 天内，且不能晚于今天"
            )
            .into(),
        }
    }

    fn field(&self) -> Option<std::borrow::Cow<'static, str>> {
        match self {
            Self::ScoreInvalid { field } => Some((*field).into()),
            Self::CommentTooLong => Some("comment".into()),
            Self::TooManyPhotos | Self::PhotoUrlInvalid => Some("photos".into()),
            Self::TextLength(kind) => Some(kind.field().into()),
            Self::InspectionDateInvalid => Some("date".into()),
            _ => None,
        }
    }
}
