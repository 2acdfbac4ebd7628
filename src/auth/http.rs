//! Sign-in, sign-out and staff accounts over HTTP.

use chrono::{DateTime, Utc};
use poem_openapi::{Object, OpenApi, param::Path, payload::Json};

use super::{BearerAuth, Caller, Role, service};
use crate::{
    error::{AppError, AppResult},
    state::AppState,
    tags::ApiTags,
};

pub struct AuthApi {
    pub state: AppState,
}

#[derive(Object)]
pub struct WeChatLogin {
    /// The code from `wx.login()` in the mini program; single use, valid five minutes.
    #[oai(validator(min_length = 1, max_length = 256))]
    pub code: String,
}

#[derive(Object)]
pub struct PasswordLogin {
    #[oai(validator(min_length = 1, max_length = 128))]
    pub username: String,
    #[oai(validator(min_length = 1, max_length = 1024))]
    pub password: String,
}

#[derive(Object)]
pub struct SessionView {
    /// Send as `Authorization: Bearer <token>`.
    pub token: String,
    pub expires_at: DateTime<Utc>,
    pub account: AccountView,
    /// True when this sign-in created the account.
    pub first_sign_in: bool,
}

#[derive(Object)]
pub struct AccountView {
    pub id: i64,
    pub role: Role,
    pub display_name: String,
    /// A district clerk's district.
    #[oai(skip_serializing_if_is_none)]
    pub district_code: Option<String>,
}

impl From<&Caller> for AccountView {
    fn from(caller: &Caller) -> Self {
        Self {
            id: caller.account_id,
            role: caller.role,
            display_name: caller.display_name.clone(),
            district_code: caller.district_code.clone(),
        }
    }
}

#[derive(Object)]
pub struct NewStaffAccount {
    #[oai(validator(pattern = r"^[A-Za-z0-9._-]{3,64}$"))]
    pub username: String,
    #[oai(validator(min_length = 8, max_length = 128, pattern = r"[^0-9]"))]
    pub password: String,
    /// `operator`, `district_clerk` or `city_admin`.
    pub role: Role,
    #[oai(validator(max_length = 32, pattern = r"\S"))]
    pub display_name: String,
    /// Required for a district clerk: the district they settle for.
    #[oai(validator(pattern = r"^[A-Za-z0-9-]{1,20}$"))]
    pub district_code: Option<String>,
}

#[derive(Object)]
pub struct StaffAccountView {
    pub id: i64,
    pub username: String,
    pub role: Role,
    pub display_name: String,
    #[oai(skip_serializing_if_is_none)]
    pub district_code: Option<String>,
    pub active: bool,
}

#[OpenApi(tag = "ApiTags::Auth")]
impl AuthApi {
    /// Sign in from the mini program with a WeChat login code.
    ///
    /// Public. The service exchanges the code with WeChat (code2Session) and returns a session
    /// token; the WeChat session key never leaves the server.
    #[oai(path = "/auth/wechat", method = "post")]
    async fn wechat_login(&self, body: Json<WeChatLogin>) -> AppResult<Json<SessionView>> {
        let code = body.code.trim();
        if code.is_empty() || code.len() > 128 {
            return Err(AppError::invalid(
                "code",
                "WECHAT_CODE_INVALID",
                "微信登录凭证无效，请重新进入小程序",
            ));
        }
        let session = service::sign_in_with_wechat(&self.state, code).await?;
        Ok(Json(session.into()))
    }

    /// Sign in as staff (operator, district clerk, city admin, inspector) with username and
    /// password.
    ///
    /// Public. Wrong passwords are counted per username and client address: after 5 in a
    /// quarter of an hour that address waits out the quarter hour (429 `LOGIN_THROTTLED`, the
    /// wait in the message), after 10 in an hour the hour, after 20 in a day the day. After 100
    /// wrong passwords in a day from all addresses together the username is paused until
    /// midnight (429 `ACCOUNT_LOCKED`) unless the city admin unlocks it. Unknown usernames are
    /// answered exactly like known ones.
    #[oai(path = "/auth/login", method = "post")]
    async fn password_login(
        &self,
        req: &poem::Request,
        body: Json<PasswordLogin>,
    ) -> AppResult<Json<SessionView>> {
        if body.username.trim().is_empty() {
            return Err(AppError::invalid("username", "REQUIRED", "请输入用户名"));
        }
        if body.password.is_empty() {
            return Err(AppError::invalid("password", "REQUIRED", "请输入密码"));
        }
        let client = super::client_address(req, self.state.config.trusted_proxy_hops);
        let session =
            service::sign_in(&self.state, &body.username, &body.password, &client).await?;
        Ok(Json(session.into()))
    }

    /// Sign out: the token stops working at once.
    ///
    /// Roles: any signed-in account.
    #[oai(path = "/auth/logout", method = "post")]
    async fn logout(&self, auth: BearerAuth, req: &poem::Request) -> AppResult<Json<Done>> {
        auth.any_role();
        // The scheme has accepted this header, so the same parser finds the token in it.
        let token = super::bearer_token(req).unwrap_or_default();
        service::sign_out(&self.state, &token).await?;
        Ok(Json(Done { done: true }))
    }

    /// The signed-in account.
    ///
    /// Roles: any signed-in account.
    #[oai(path = "/me", method = "get")]
    async fn me(&self, auth: BearerAuth) -> Json<AccountView> {
        Json(auth.any_role().into())
    }

    /// Create a staff account (operator, district clerk or city admin).
    ///
    /// Roles: city_admin.
    #[oai(path = "/staff-accounts", method = "post")]
    async fn create_staff(
        &self,
        auth: BearerAuth,
        body: Json<NewStaffAccount>,
    ) -> AppResult<Json<StaffAccountView>> {
        auth.allow(&[Role::CityAdmin])?;
        let body = body.0;
        let new = service::NewStaff {
            username: body.username,
            password: body.password,
            role: body.role,
            display_name: body.display_name,
            district_code: body.district_code,
        };
        let account = service::create_staff(&self.state, new).await?;
        Ok(Json(staff_view(account)))
    }

    /// Lift the sign-in waits and the day's pause from a staff account (after too many wrong
    /// passwords, e.g. someone else guessing at it).
    ///
    /// Roles: city_admin.
    #[oai(path = "/staff-accounts/:id/unlock", method = "post")]
    async fn unlock(&self, auth: BearerAuth, id: Path<i64>) -> AppResult<Json<StaffAccountView>> {
        let caller = auth.allow(&[Role::CityAdmin])?;
        let account = service::unlock(&self.state, caller, *id).await?;
        Ok(Json(staff_view(account)))
    }

    /// All staff accounts.
    ///
    /// Roles: city_admin.
    #[oai(path = "/staff-accounts", method = "get")]
    async fn list_staff(&self, auth: BearerAuth) -> AppResult<Json<Vec<StaffAccountView>>> {
        auth.allow(&[Role::CityAdmin])?;
        let accounts = service::staff_accounts(&self.state).await?;
        Ok(Json(accounts.into_iter().map(staff_view).collect()))
    }
}

impl From<service::OpenedSession> for SessionView {
    fn from(session: service::OpenedSession) -> Self {
        Self {
            token: session.token,
            expires_at: session.expires_at,
            account: (&session.caller).into(),
            first_sign_in: session.first_sign_in,
        }
    }
}

#[derive(Object)]
pub struct Done {
    pub done: bool,
}

fn staff_view(account: entity::account::Model) -> StaffAccountView {
    StaffAccountView {
        id: account.id,
        username: account.username.unwrap_or_default(),
        role: account.role,
        display_name: account.display_name,
        district_code: account.district_code,
        active: account.active,
    }
}
