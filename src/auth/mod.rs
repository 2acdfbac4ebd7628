//! Who is calling: accounts, roles, sessions.
//!
//! Mini-program users (elders and family members) sign in with a WeChat login code; staff
//! (meal-point operators, district clerks, the city's civil-affairs bureau) with a username and an
//! argon2-hashed password. Both get an opaque bearer token; only its SHA-256 is stored, it expires,
//! and logout revokes it. Every operation names the roles that may call it with
//! [`BearerAuth::allow`], so the rule is visible where the endpoint is written.

pub mod http;
pub mod password;
pub mod rules;
pub mod store;

use poem::Request;
use poem_openapi::{SecurityScheme, auth::Bearer};

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
    Ok(caller_for(state, &bearer.token).await?)
}

/// The bearer token of a request, if it carries one.
pub fn bearer_token(req: &Request) -> Option<&str> {
    req.headers()
        .get(poem::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

/// Who a bearer token is: from the session cache while it is fresh, else from the database.
pub async fn caller_for(state: &AppState, token: &str) -> AppResult<Caller> {
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
