//! Why a sign-in, a session or a staff account was refused, or failed: one enum for the auth
//! domain's services and store, mapped to HTTP once through [`DomainError`] (the model is
//! `orders::error`).

use std::borrow::Cow;

use super::rules::AuthRuleError;
use crate::{
    error::{AppError, DomainError, ErrorKind, domain_answer},
    throttle::ThrottleUnavailable,
    wechat::WeChatError,
};

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// A sign-in rule refused (throttled, locked) or a username or password is not acceptable.
    #[error(transparent)]
    Rule(#[from] AuthRuleError),
    /// A wrong password, or a username that does not exist (answered alike).
    #[error("login failed")]
    LoginFailed,
    #[error("account disabled")]
    AccountDisabled,
    /// No session has this token (or its account is gone).
    #[error("token invalid")]
    TokenInvalid,
    #[error("token expired")]
    TokenExpired,
    #[error("token revoked")]
    TokenRevoked,
    /// A staff account must have a staff role.
    #[error("role is not a staff role")]
    RoleNotStaff,
    #[error("display name invalid")]
    DisplayNameInvalid,
    /// A district clerk's account names no district.
    #[error("district required")]
    DistrictRequired,
    /// Only a district clerk's account belongs to a district.
    #[error("district not allowed")]
    DistrictNotAllowed,
    #[error("username taken")]
    UsernameTaken,
    #[error("staff account not found")]
    StaffAccountNotFound,
    /// WeChat refused the login code or could not be reached.
    #[error(transparent)]
    WeChat(#[from] WeChatError),
    /// The sign-in attempts cannot be counted (Redis down): nothing was tried.
    #[error(transparent)]
    ThrottleUnavailable(#[from] ThrottleUnavailable),
    /// Hashing a password failed: a bug, never a refusal.
    #[error("password hashing failed: {0}")]
    PasswordHash(String),
    /// A database failure: an internal error, never a refusal.
    #[error(transparent)]
    Database(#[from] sea_orm::DbErr),
    /// Another domain's answer (a district unknown), already HTTP.
    #[error(transparent)]
    Other(#[from] AppError),
}

impl DomainError for AuthError {
    fn kind(&self) -> ErrorKind {
        match self {
            Self::Rule(rule) => rule.kind(),
            Self::LoginFailed | Self::TokenInvalid | Self::TokenExpired | Self::TokenRevoked => {
                ErrorKind::Unauthenticated
            }
            Self::AccountDisabled => ErrorKind::Forbidden,
            Self::RoleNotStaff
            | Self::DisplayNameInvalid
            | Self::DistrictRequired
            | Self::DistrictNotAllowed => ErrorKind::BadRequest,
            Self::UsernameTaken => ErrorKind::Conflict,
            Self::StaffAccountNotFound => ErrorKind::NotFound,
            Self::WeChat(err) => err.kind(),
            Self::ThrottleUnavailable(err) => err.kind(),
            Self::PasswordHash(_) | Self::Database(_) => ErrorKind::Internal,
            Self::Other(err) => err.kind,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            Self::Rule(rule) => rule.code(),
            Self::LoginFailed => "LOGIN_FAILED",
            Self::AccountDisabled => "ACCOUNT_DISABLED",
            Self::TokenInvalid => "TOKEN_INVALID",
            Self::TokenExpired => "TOKEN_EXPIRED",
            Self::TokenRevoked => "TOKEN_REVOKED",
            Self::RoleNotStaff => "ROLE_NOT_STAFF",
            Self::DisplayNameInvalid => "DISPLAY_NAME_INVALID",
            Self::DistrictRequired => "REQUIRED",
            Self::DistrictNotAllowed => "DISTRICT_NOT_ALLOWED",
            Self::UsernameTaken => "USERNAME_TAKEN",
            Self::StaffAccountNotFound => "STAFF_ACCOUNT_NOT_FOUND",
            Self::WeChat(err) => err.code(),
            Self::ThrottleUnavailable(err) => err.code(),
            Self::PasswordHash(_) | Self::Database(_) => "INTERNAL",
            Self::Other(err) => err.code,
        }
    }

    fn message(&self) -> Cow<'static, str> {
        match self {
            Self::Rule(rule) => rule.message(),
            Self::LoginFailed => "用户名或密码不正确".into(),
            Self::AccountDisabled => "该账号已停用".into(),
            Self::TokenInvalid => "登录信息无效，请重新登录".into(),
            Self::TokenExpired => "登录已过期，请重新登录".into(),
            Self::TokenRevoked => "您已退出登录，请重新登录".into(),
            Self::RoleNotStaff => "员工账号的角色只能是助餐点运营方、区结算员或市民政局".into(),
            Self::DisplayNameInvalid => "姓名需为 1 到 32 个字".into(),
            Self::DistrictRequired => "区结算员账号需要指定所属区".into(),
            Self::DistrictNotAllowed => "只有区结算员账号属于某个区".into(),
            Self::UsernameTaken => "该用户名已被使用".into(),
            Self::StaffAccountNotFound => "没有找到这个员工账号".into(),
            Self::WeChat(err) => err.message(),
            Self::ThrottleUnavailable(err) => err.message(),
            Self::PasswordHash(_) | Self::Database(_) => "服务器开小差了，请稍后再试".into(),
            Self::Other(err) => err.message.clone(),
        }
    }

    fn field(&self) -> Option<Cow<'static, str>> {
        match self {
            Self::Rule(rule) => rule.field(),
            Self::RoleNotStaff => Some("role".into()),
            Self::DisplayNameInvalid => Some("display_name".into()),
            Self::DistrictRequired | Self::DistrictNotAllowed => Some("district_code".into()),
            Self::UsernameTaken => Some("username".into()),
            Self::Other(err) => err.field.clone(),
            _ => None,
        }
    }

    fn into_app_error(self) -> AppError {
        match self {
            // Another layer's answer passes through whole (its cause included).
            Self::Other(err) => err,
            Self::WeChat(err) => err.into_app_error(),
            Self::ThrottleUnavailable(err) => err.into_app_error(),
            Self::Database(err) => AppError::internal(err),
            Self::PasswordHash(what) => AppError::internal(std::io::Error::other(what)),
            other => domain_answer(&other),
        }
    }
}
