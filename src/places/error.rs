//! Why a place could not be given: one enum, mapped to HTTP once through [`DomainError`].

use std::borrow::Cow;

use crate::error::{AppError, DomainError, ErrorKind};

#[derive(Debug, thiserror::Error)]
pub enum PlaceError {
    /// No district has this code (the answer names the field a caller sends it in).
    #[error("no district {code}")]
    DistrictNotFound { code: String },
    /// A database failure: an internal error, never a refusal.
    #[error(transparent)]
    Database(#[from] sea_orm::DbErr),
}

impl DomainError for PlaceError {
    fn kind(&self) -> ErrorKind {
        match self {
            Self::DistrictNotFound { .. } => ErrorKind::NotFound,
            Self::Database(_) => ErrorKind::Internal,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            Self::DistrictNotFound { .. } => "DISTRICT_NOT_FOUND",
            Self::Database(_) => "INTERNAL",
        }
    }

    fn message(&self) -> Cow<'static, str> {
        match self {
            Self::DistrictNotFound { code } => format!("没有编码为 {code} 的区").into(),
            Self::Database(_) => "服务器开小差了，请稍后再试".into(),
        }
    }

    fn field(&self) -> Option<Cow<'static, str>> {
        match self {
            Self::DistrictNotFound { .. } => Some("district_code".into()),
            Self::Database(_) => None,
        }
    }

    fn into_app_error(self) -> AppError {
        match self {
            Self::Database(err) => AppError::internal(err),
            refusal => crate::error::domain_answer(&refusal),
        }
    }
}
