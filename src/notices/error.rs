//! Why a subscription report was refused: one enum, mapped to HTTP once.

use std::borrow::Cow;

use crate::error::{DomainError, ErrorKind};

#[derive(Debug, thiserror::Error)]
pub enum NoticeError {
    /// `wx.requestSubscribeMessage` asks for one to three templates at a time.
    #[error("one to three answers")]
    AnswerCount,
    #[error("unknown template {0}")]
    UnknownTemplate(String),
    #[error(transparent)]
    Database(#[from] sea_orm::DbErr),
}

impl DomainError for NoticeError {
    fn kind(&self) -> ErrorKind {
        match self {
            NoticeError::AnswerCount | NoticeError::UnknownTemplate(_) => ErrorKind::BadRequest,
            NoticeError::Database(_) => ErrorKind::Internal,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            NoticeError::AnswerCount => "SUBSCRIBE_ANSWERS_INVALID",
            NoticeError::UnknownTemplate(_) => "SUBSCRIBE_TEMPLATE_UNKNOWN",
            NoticeError::Database(_) => "INTERNAL",
        }
    }

    fn message(&self) -> Cow<'static, str> {
        match self {
            NoticeError::AnswerCount => "一次订阅需包含1到3个消息模板的结果".into(),
            NoticeError::UnknownTemplate(id) => format!("没有这个消息模板：{id}").into(),
            NoticeError::Database(_) => "服务器内部错误，请稍后再试".into(),
        }
    }

    fn field(&self) -> Option<Cow<'static, str>> {
        match self {
            NoticeError::AnswerCount | NoticeError::UnknownTemplate(_) => Some("answers".into()),
            NoticeError::Database(_) => None,
        }
    }
}
