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

use std::{
    collections::{HashMap, HashSet},
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

    fn lock(&self) -> std::sync::MutexGuard<'_, FakeState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn endpoint(&self) -> impl poem::Endpoint + 'static {
        Route::new()
            .at("/sns/jscode2session", poem::get(jscode2session))
            .at("/fake/js-code", post(issue_code))
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
