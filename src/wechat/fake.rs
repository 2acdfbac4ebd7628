//! A fake WeChat server: the parts of `api.weixin.qq.com` zhucan calls, answered locally.
//!
//! It is what `cargo run` talks to in demo mode and what the tests and the H5 page sign in
//! through. It behaves like WeChat where the service could tell the difference: codes are single
//! use, the app id and secret are checked, replies are JSON sent as `text/plain`, and errors come
//! as `{errcode, errmsg}` with WeChat's numbers.
//!
//! Codes come from two places:
//! - `POST /fake/js-code {"openid": "..."}` issues a fresh code for a user, as `wx.login()` would
//!   in the mini program (the H5 page and browser tests use this);
//! - a code spelled `dev.<openid>.<anything>` is accepted once for that openid, so tests can make
//!   one without a round trip.
//!
//! A code spelled `err.<errcode>.<anything>` gets that WeChat error (40029 invalid code, 45011
//! rate limited, 40226 high-risk user blocked, -1 busy).
//!
//! Subscribe messages: `POST /cgi-bin/stable_token` issues access tokens (one at a time, the same
//! one until it is expired or a refresh is forced, as WeChat's stable token behaves) and
//! `POST /cgi-bin/message/subscribe/send` records every message it takes. Tests read the record
//! with [`FakeWeChat::sent_messages`] (over HTTP: `GET /fake/subscribe-messages`) and make the
//! next sends fail with [`FakeWeChat::fail_next`] (`POST /fake/subscribe-failures`): 43101 (no
//! subscription), a 5xx, a timeout, or the token expired (42001) or invalid (40001).

use std::{
    collections::{HashMap, HashSet, VecDeque},
    net::SocketAddr,
    sync::{Arc, Mutex},
};

use poem::{
    EndpointExt, IntoResponse, Response, Route, Server, handler,
    http::StatusCode,
    listener::{Acceptor, Listener, TcpListener},
    post,
    web::{Data, Json, Query},
};
use serde::Deserialize;
use serde_json::json;

#[derive(Clone)]
pub struct FakeWeChat {
    app_id: String,
    app_secret: String,
    state: Arc<Mutex<FakeState>>,
}

#[derive(Default)]
struct FakeState {
    issued: HashMap<String, String>,
    used: HashSet<String>,
    code2session_calls: u64,
    /// The access token in force; older ones answer 42001.
    token: Option<String>,
    stable_token_calls: u64,
    stable_token_delay_ms: u64,
    failures: VecDeque<SendFailure>,
    sent: Vec<SentMessage>,
    send_calls: u64,
}

/// A message `subscribe/send` took, as it came.
#[derive(Clone, Debug, serde::Serialize)]
pub struct SentMessage {
    pub touser: String,
    pub template_id: String,
    pub page: Option<String>,
    pub data: serde_json::Value,
}

impl SentMessage {
    /// The value of one keyword (`thing1` …).
    pub fn value(&self, key: &str) -> Option<&str> {
        self.data.get(key)?.get("value")?.as_str()
    }
}

/// How the next `subscribe/send` fails.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SendFailure {
    /// 43101: the user refused or has no subscription left.
    NoQuota,
    /// HTTP 503.
    ServerError,
    /// No answer for longer than any client waits.
    Timeout,
    /// 42001: the access token expired (the fake forgets the token in force).
    TokenExpired,
    /// 40001: the access token is not valid (the fake forgets the token in force).
    TokenInvalid,
}

impl FakeWeChat {
    pub fn new(app_id: &str, app_secret: &str) -> Self {
        Self {
            app_id: app_id.to_string(),
            app_secret: app_secret.to_string(),
            state: Arc::default(),
        }
    }

    /// How many times code2Session was called (tests use this to see that a refused request
    /// never reached WeChat).
    pub fn code2session_calls(&self) -> u64 {
        self.lock().code2session_calls
    }

    /// How many times `stable_token` was called.
    pub fn stable_token_calls(&self) -> u64 {
        self.lock().stable_token_calls
    }

    /// Makes `stable_token` answer this much later (so concurrent refreshes overlap).
    pub fn delay_stable_token(&self, millis: u64) {
        self.lock().stable_token_delay_ms = millis;
    }

    /// The token in force stops working: sends with it get 42001 until a new one is fetched.
    pub fn expire_token(&self) {
        self.lock().token = None;
    }

    /// Every message `subscribe/send` took, in order.
    pub fn sent_messages(&self) -> Vec<SentMessage> {
        self.lock().sent.clone()
    }

    /// How many times `subscribe/send` was called, failures included.
    pub fn send_calls(&self) -> u64 {
        self.lock().send_calls
    }

    /// The next `times` sends fail this way (after any failures already queued).
    pub fn fail_next(&self, failure: SendFailure, times: usize) {
        let mut state = self.lock();
        for _ in 0..times {
            state.failures.push_back(failure);
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, FakeState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn endpoint(&self) -> impl poem::Endpoint + 'static {
        Route::new()
            .at("/sns/jscode2session", poem::get(jscode2session))
            .at("/fake/js-code", post(issue_code))
            .at("/cgi-bin/stable_token", post(stable_token))
            .at("/cgi-bin/message/subscribe/send", post(subscribe_send))
            .at("/fake/subscribe-messages", poem::get(list_messages))
            .at("/fake/subscribe-failures", post(queue_failure))
            .data(self.clone())
    }

    /// Serves on `addr` (port 0 picks a free port) in the background; returns the bound address.
    pub async fn spawn(&self, addr: &str) -> std::io::Result<SocketAddr> {
        let acceptor = TcpListener::bind(addr).into_acceptor().await?;
        let local = acceptor
            .local_addr()
            .first()
            .and_then(|a| a.as_socket_addr().copied())
            .ok_or_else(|| std::io::Error::other("fake WeChat has no local address"))?;
        let endpoint = self.endpoint();
        tokio::spawn(async move {
            if let Err(err) = Server::new_with_acceptor(acceptor).run(endpoint).await {
                tracing::error!(%err, "fake WeChat server stopped");
            }
        });
        Ok(local)
    }
}

#[derive(Deserialize)]
struct Code2SessionQuery {
    appid: Option<String>,
    secret: Option<String>,
    js_code: Option<String>,
    grant_type: Option<String>,
}

fn wechat_reply(body: serde_json::Value) -> Response {
    body.to_string()
        .with_content_type("text/plain")
        .with_status(StatusCode::OK)
        .into_response()
}

fn wechat_error(errcode: i64, errmsg: &str) -> Response {
    wechat_reply(json!({ "errcode": errcode, "errmsg": errmsg }))
}

#[handler]
fn jscode2session(Query(q): Query<Code2SessionQuery>, fake: Data<&FakeWeChat>) -> Response {
    let mut state = fake.lock();
    state.code2session_calls += 1;
    if q.appid.as_deref() != Some(fake.app_id.as_str()) {
        return wechat_error(40013, "invalid appid");
    }
    if q.secret.as_deref() != Some(fake.app_secret.as_str()) {
        return wechat_error(40125, "invalid appsecret");
    }
    if q.grant_type.as_deref() != Some("authorization_code") {
        return wechat_error(40002, "invalid grant_type");
    }
    let Some(code) = q.js_code.filter(|c| !c.is_empty()) else {
        return wechat_error(41008, "missing code");
    };
    if let Some(rest) = code.strip_prefix("err.") {
        let errcode = rest.split('.').next().unwrap_or_default();
        return match errcode {
            "45011" => wechat_error(45011, "api minute-quota reach limit"),
            "40226" => wechat_error(40226, "high risk user"),
            "-1" => wechat_error(-1, "system error"),
            _ => wechat_error(40029, "invalid code"),
        };
    }
    if !state.used.insert(code.clone()) {
        return wechat_error(40029, "code been used");
    }
    let openid = match state.issued.remove(&code) {
        Some(openid) => openid,
        None => match code
            .strip_prefix("dev.")
            .and_then(|rest| rest.split('.').next())
        {
            Some(openid) if !openid.is_empty() => openid.to_string(),
            _ => return wechat_error(40029, "invalid code"),
        },
    };
    wechat_reply(json!({
        "openid": openid,
        "session_key": format!("fake-session-key-{}", uuid::Uuid::new_v4().simple()),
    }))
}

#[derive(Deserialize)]
struct IssueCode {
    openid: String,
}

#[handler]
fn issue_code(Json(body): Json<IssueCode>, fake: Data<&FakeWeChat>) -> Response {
    if body.openid.is_empty() || body.openid.len() > 64 {
        return (StatusCode::BAD_REQUEST, "openid must be 1..=64 characters").into_response();
    }
    let code = format!("fake{}", uuid::Uuid::new_v4().simple());
    fake.lock().issued.insert(code.clone(), body.openid);
    Json(json!({ "code": code })).into_response()
}

#[derive(Deserialize)]
struct StableTokenRequest {
    grant_type: Option<String>,
    appid: Option<String>,
    secret: Option<String>,
    #[serde(default)]
    force_refresh: bool,
}

/// 2 hours, as WeChat's tokens live.
const TOKEN_SECONDS: i64 = 7200;

#[handler]
async fn stable_token(body: Json<StableTokenRequest>, fake: Data<&FakeWeChat>) -> Response {
    let delay = {
        let mut state = fake.lock();
        state.stable_token_calls += 1;
        state.stable_token_delay_ms
    };
    if delay > 0 {
        tokio::time::sleep(std::time::Duration::from_millis(delay)).await;
    }
    if body.grant_type.as_deref() != Some("client_credential") {
        return wechat_error(40002, "invalid grant_type");
    }
    if body.appid.as_deref() != Some(fake.app_id.as_str()) {
        return wechat_error(40013, "invalid appid");
    }
    if body.secret.as_deref() != Some(fake.app_secret.as_str()) {
        return wechat_error(40125, "invalid appsecret");
    }
    let mut state = fake.lock();
    if body.force_refresh || state.token.is_none() {
        state.token = Some(format!("fake-token-{}", uuid::Uuid::new_v4().simple()));
    }
    wechat_reply(json!({
        "access_token": state.token,
        "expires_in": TOKEN_SECONDS,
    }))
}

#[derive(Deserialize)]
struct AccessTokenQuery {
    access_token: Option<String>,
}

#[derive(Deserialize)]
struct SubscribeSend {
    touser: Option<String>,
    template_id: Option<String>,
    page: Option<String>,
    data: Option<serde_json::Value>,
}

#[handler]
async fn subscribe_send(
    Query(q): Query<AccessTokenQuery>,
    body: Json<SubscribeSend>,
    fake: Data<&FakeWeChat>,
) -> Response {
    let failure = {
        let mut state = fake.lock();
        state.send_calls += 1;
        let failure = state.failures.pop_front();
        if matches!(
            failure,
            Some(SendFailure::TokenExpired | SendFailure::TokenInvalid)
        ) {
            state.token = None;
        }
        failure
    };
    match failure {
        Some(SendFailure::NoQuota) => return wechat_error(43101, "user refuse to accept the msg"),
        Some(SendFailure::ServerError) => {
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
        Some(SendFailure::Timeout) => {
            tokio::time::sleep(std::time::Duration::from_secs(30)).await;
            return StatusCode::GATEWAY_TIMEOUT.into_response();
        }
        Some(SendFailure::TokenExpired) => {
            return wechat_error(42001, "access_token expired");
        }
        Some(SendFailure::TokenInvalid) => {
            return wechat_error(40001, "invalid credential, access_token is invalid");
        }
        None => {}
    }
    let mut state = fake.lock();
    match (&q.access_token, &state.token) {
        (Some(given), Some(current)) if given == current => {}
        (Some(given), _) if given.starts_with("fake-token-") => {
            return wechat_error(42001, "access_token expired");
        }
        _ => return wechat_error(40001, "invalid credential, access_token is invalid"),
    }
    let Some(touser) = body.touser.clone().filter(|t| !t.is_empty()) else {
        return wechat_error(40003, "invalid openid");
    };
    let Some(template_id) = body.template_id.clone().filter(|t| !t.is_empty()) else {
        return wechat_error(40037, "invalid template_id");
    };
    let Some(data) = body.data.clone().filter(|d| d.is_object()) else {
        return wechat_error(47003, "argument invalid! data is empty");
    };
    // WeChat's keyword limits the service must keep to (`thing` at most 20 characters …).
    for (key, value) in data.as_object().into_iter().flatten() {
        let Some(text) = value.get("value").and_then(|v| v.as_str()) else {
            return wechat_error(47003, "argument invalid! data.value is empty");
        };
        let limit = if key.starts_with("thing") {
            20
        } else if key.starts_with("phrase") {
            5
        } else {
            32
        };
        if text.is_empty() || text.chars().count() > limit {
            return wechat_error(47003, &format!("argument invalid! {key}.value"));
        }
    }
    state.sent.push(SentMessage {
        touser,
        template_id,
        page: body.page.clone(),
        data,
    });
    wechat_reply(json!({ "errcode": 0, "errmsg": "ok" }))
}

#[handler]
fn list_messages(fake: Data<&FakeWeChat>) -> Json<Vec<SentMessage>> {
    Json(fake.sent_messages())
}

#[derive(Deserialize)]
struct QueueFailure {
    failure: SendFailure,
    #[serde(default = "one")]
    times: usize,
}

fn one() -> usize {
    1
}

#[handler]
fn queue_failure(Json(body): Json<QueueFailure>, fake: Data<&FakeWeChat>) -> StatusCode {
    fake.fail_next(body.failure, body.times.min(100));
    StatusCode::NO_CONTENT
}
