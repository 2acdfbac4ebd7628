//! Who is calling: accounts, roles, sessions.
//!
//! Mini-program users (elders and family members) sign in with a WeChat login code; staff
//! (meal-point operators, district clerks, the city's civil-affairs bureau) with a username and an
//! argon2-hashed password. Both get an opaque bearer token; only its SHA-256 is stored, it expires,
//! and logout revokes it. Every operation names the roles that may call it with
//! [`BearerAuth::allow`], so the rule is visible where the endpoint is written.

pub mod error;
pub mod http;
pub mod password;
pub mod rules;
pub mod service;
pub mod store;

use poem::Request;
use poem_openapi::{SecurityScheme, auth::Bearer};

use self::error::AuthError;
use crate::{
    error::{AppError, AppResult},
    state::AppState,
    state::CachedSession,
};

pub use vocabulary::Role;

/// The signed-in account behind a request.
#[derive(Clone, Debug)]
pub struct Caller {
    pub account_id: i64,
    pub role: Role,
    pub display_name: String,
    /// The district a clerk works for; `None` for other roles.
    pub district_code: Option<String>,
}

/// A bearer token from `POST /auth/wechat` or `POST /auth/login`.
#[derive(SecurityScheme)]
#[oai(ty = "bearer", checker = "check_session")]
pub struct BearerAuth(pub Caller);

async fn check_session(req: &Request, bearer: Bearer) -> poem::Result<Caller> {
    let state = req
        .data::<AppState>()
        .ok_or_else(|| AppError::internal(std::io::Error::other("app state missing")))?;
    Ok(caller_for(state, &bearer.token)
        .await
        .map_err(AppError::from)?)
}

/// The bearer token of a request, if it carries one: `Authorization: Bearer <token>`, the scheme
/// in any case (RFC 7235). The one parser of the header: it is the `headers` crate's, which
/// poem-openapi's [`BearerAuth`] scheme also uses, so sign-out, the optional token of public
/// endpoints and every guarded endpoint read the same token from the same header.
pub fn bearer_token(req: &Request) -> Option<String> {
    use poem::web::headers::{Authorization, HeaderMapExt, authorization::Bearer};
    req.headers()
        .typed_get::<Authorization<Bearer>>()
        .map(|auth| auth.token().to_string())
}

/// The address a request came from, for counting sign-in attempts per address. With
/// `trusted_proxy_hops` = 0 it is the connection's peer; behind `n` proxies that each append to
/// `X-Forwarded-For` (a load balancer: 1), it is the `n`-th entry from the right, the one the
/// nearest trusted proxy saw, which a client cannot forge by sending the header itself.
pub fn client_address(req: &Request, trusted_proxy_hops: usize) -> String {
    let peer = || {
        req.remote_addr()
            .as_socket_addr()
            .map(|a| a.ip().to_string())
            .unwrap_or_else(|| req.remote_addr().to_string())
    };
    if trusted_proxy_hops == 0 {
        return peer();
    }
    let forwarded: Vec<String> = req
        .headers()
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|a| a.trim().to_string())
        .filter(|a| !a.is_empty())
        .collect();
    forwarded
        .len()
        .checked_sub(trusted_proxy_hops)
        .and_then(|i| forwarded.get(i).cloned())
        .unwrap_or_else(peer)
}

/// Who a bearer token is: from the session cache while it is fresh, else from the database.
pub async fn caller_for(state: &AppState, token: &str) -> Result<Caller, AuthError> {
    let now = state.clock.now();
    let token_hash = rules::token_hash(token);
    if let Some(cached) = state.caches.sessions.get(&token_hash)
        && now < cached.expires_at
    {
        return Ok(cached.caller);
    }
    let (caller, expires_at) = store::caller_for_token(&state.db, token, now).await?;
    state.caches.sessions.insert(
        token_hash,
        CachedSession {
            caller: caller.clone(),
            expires_at,
        },
    );
    Ok(caller)
}

impl BearerAuth {
    /// The roles that may call this endpoint; anyone else gets 403 `ROLE_FORBIDDEN`.
    pub fn allow(&self, roles: &[Role]) -> AppResult<&Caller> {
        if roles.contains(&self.0.role) {
            Ok(&self.0)
        } else {
            Err(AppError::forbidden(
                "ROLE_FORBIDDEN",
                format!("{}账号无权进行此操作", self.0.role.label_zh()),
            ))
        }
    }

    /// Any signed-in account may call this endpoint.
    pub fn any_role(&self) -> &Caller {
        &self.0
    }
}

impl crate::error::DomainError for rules::AuthRuleError {
    fn kind(&self) -> crate::error::ErrorKind {
        use crate::error::ErrorKind;
        match self {
            Self::SignInThrottled { .. } | Self::AccountLocked => ErrorKind::TooManyRequests,
            Self::PasswordLength | Self::PasswordAllDigits | Self::UsernameInvalid => {
                ErrorKind::BadRequest
            }
        }
    }
    fn code(&self) -> &'static str {
        match self {
            Self::SignInThrottled { .. } => "LOGIN_THROTTLED",
            Self::AccountLocked => "ACCOUNT_LOCKED",
            Self::PasswordLength | Self::PasswordAllDigits => "PASSWORD_TOO_WEAK",
            Self::UsernameInvalid => "USERNAME_INVALID",
        }
    }
    fn message(&self) -> std::borrow::Cow<'static, str> {
        match self {
            Self::SignInThrottled { retry_after } => format!(
                "密码错误次数过多，请 {} 后再试",
                crate::throttle::wait_text(*retry_after)
            )
            .into(),
            Self::AccountLocked => {
                "该账号今天登录失败次数过多，已暂停登录；请明天再试，或请市民政局解锁".into()
            }
            Self::PasswordLength => "密码长度需为 8 到 128 个字符".into(),
            Self::PasswordAllDigits => "密码不能全是数字".into(),
            Self::UsernameInvalid => "用户名需为 3 到 64 位字母、数字或 - _ .".into(),
        }
    }
    fn field(&self) -> Option<std::borrow::Cow<'static, str>> {
        match self {
            Self::PasswordLength | Self::PasswordAllDigits => Some("password".into()),
            Self::UsernameInvalid => Some("username".into()),
            Self::SignInThrottled { .. } | Self::AccountLocked => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_client_address_is_the_one_the_nearest_trusted_proxy_saw() {
        let req = |xff: &str| Request::builder().header("x-forwarded-for", xff).finish();
        // No trusted proxy: the header is the client's to write, so it is ignored.
        let spoofed = req("1.2.3.4");
        assert_ne!(client_address(&spoofed, 0), "1.2.3.4");
        // One load balancer appends the address it saw; what the client sent before is ignored.
        assert_eq!(
            client_address(&req("6.6.6.6, 203.0.113.7"), 1),
            "203.0.113.7"
        );
        assert_eq!(
            client_address(&req("6.6.6.6, 203.0.113.7, 10.0.0.2"), 2),
            "203.0.113.7"
        );
        // Fewer entries than proxies: the connection's own peer.
        assert_eq!(
            client_address(&req("203.0.113.7"), 2),
            client_address(&Request::default(), 0)
        );
    }
}
