//! The client side of WeChat's server APIs.

use std::time::Duration;

use serde::Deserialize;

use crate::{
    config::{Secret, WeChatConfig},
    error::{AppError, DomainError, ErrorKind, domain_answer},
};

#[derive(Clone)]
pub struct WeChatClient {
    http: reqwest::Client,
    api_base: String,
    app_id: String,
    app_secret: Secret,
}

/// What code2Session tells us about the user. The session key is deliberately not kept: the
/// service has no use for it and it must never reach a client.
#[derive(Debug, Clone)]
pub struct WeChatSession {
    pub openid: String,
    pub unionid: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum WeChatError {
    #[error("code2Session: invalid code (40029)")]
    InvalidCode,
    #[error("code2Session: rate limited (45011)")]
    RateLimited,
    #[error("code2Session: high-risk user blocked (40226)")]
    HighRiskBlocked,
    #[error("WeChat busy (-1)")]
    Busy,
    #[error("WeChat refused our credentials ({errcode}: {errmsg})")]
    Misconfigured { errcode: i64, errmsg: String },
    #[error("WeChat error {errcode}: {errmsg}")]
    Other { errcode: i64, errmsg: String },
    /// The transport failed. The error carries no URL: the URL of a WeChat call holds the app
    /// secret and the user's login code in its query, and errors end up in log lines.
    #[error("WeChat unreachable: {0}")]
    Unreachable(reqwest::Error),
    #[error("unexpected WeChat reply: {0}")]
    BadReply(String),
}

impl WeChatError {
    /// A transport error, with the URL (secret, login code) taken out.
    fn unreachable(err: reqwest::Error) -> Self {
        Self::Unreachable(err.without_url())
    }
}

impl WeChatError {
    fn answer(&self) -> (ErrorKind, &'static str, &'static str) {
        match self {
            WeChatError::InvalidCode => (
                ErrorKind::BadRequest,
                "WECHAT_CODE_INVALID",
                "微信登录凭证无效或已使用，请重新进入小程序",
            ),
            WeChatError::RateLimited => (
                ErrorKind::TooManyRequests,
                "WECHAT_RATE_LIMITED",
                "登录太频繁，请稍后再试",
            ),
            WeChatError::HighRiskBlocked => (
                ErrorKind::Forbidden,
                "WECHAT_LOGIN_BLOCKED",
                "微信判定该账号存在风险，暂时无法登录，请联系社区工作人员",
            ),
            WeChatError::Busy => (
                ErrorKind::Unavailable,
                "WECHAT_BUSY",
                "微信服务繁忙，请稍后再试",
            ),
            WeChatError::Misconfigured { .. }
            | WeChatError::Other { .. }
            | WeChatError::BadReply(_) => (
                ErrorKind::BadGateway,
                "WECHAT_ERROR",
                "微信登录暂时不可用，请稍后再试",
            ),
            WeChatError::Unreachable(_) => (
                ErrorKind::BadGateway,
                "WECHAT_UNREACHABLE",
                "暂时连不上微信服务，请稍后再试",
            ),
        }
    }
}

impl DomainError for WeChatError {
    fn kind(&self) -> ErrorKind {
        self.answer().0
    }
    fn code(&self) -> &'static str {
        self.answer().1
    }
    fn message(&self) -> std::borrow::Cow<'static, str> {
        self.answer().2.into()
    }
    /// WeChat's own reply stays the cause, for the log, whatever the answer.
    fn into_app_error(self) -> AppError {
        domain_answer(&self).with_source(self)
    }
}

#[derive(Deserialize)]
struct Code2SessionReply {
    #[serde(default)]
    errcode: i64,
    #[serde(default)]
    errmsg: String,
    openid: Option<String>,
    unionid: Option<String>,
}

/// reqwest is built with `rustls-no-provider` so the binary carries one crypto library (ring,
/// which sqlx already uses) instead of two; the provider must then be installed once per process
/// before any client is built.
pub fn install_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

impl WeChatClient {
    pub fn new(config: &WeChatConfig, api_base: String) -> Result<Self, reqwest::Error> {
        install_crypto_provider();
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(3))
            .timeout(Duration::from_secs(5))
            .build()?;
        Ok(Self {
            http,
            api_base,
            app_id: config.app_id.clone(),
            app_secret: config.app_secret.clone(),
        })
    }

    pub fn api_base(&self) -> &str {
        &self.api_base
    }

    /// Exchanges a `wx.login()` code for the user's openid (`GET /sns/jscode2session`).
    pub async fn code_to_session(&self, js_code: &str) -> Result<WeChatSession, WeChatError> {
        let response = self
            .http
            .get(format!("{}/sns/jscode2session", self.api_base))
            .query(&[
                ("appid", self.app_id.as_str()),
                ("secret", self.app_secret.expose()),
                ("js_code", js_code),
                ("grant_type", "authorization_code"),
            ])
            .send()
            .await
            .map_err(WeChatError::unreachable)?;
        // WeChat answers this call with `Content-Type: text/plain`, so read text and parse it
        // ourselves rather than trusting the header.
        let body = response.text().await.map_err(WeChatError::unreachable)?;
        let reply: Code2SessionReply =
            serde_json::from_str(&body).map_err(|e| WeChatError::BadReply(e.to_string()))?;
        match reply.errcode {
            0 => reply
                .openid
                .filter(|openid| !openid.is_empty())
                .map(|openid| WeChatSession {
                    openid,
                    unionid: reply.unionid,
                })
                .ok_or_else(|| WeChatError::BadReply("no openid".into())),
            40029 | 40163 => Err(WeChatError::InvalidCode),
            45011 => Err(WeChatError::RateLimited),
            40226 => Err(WeChatError::HighRiskBlocked),
            -1 => Err(WeChatError::Busy),
            40013 | 40125 | 41002 | 41004 => Err(WeChatError::Misconfigured {
                errcode: reply.errcode,
                errmsg: reply.errmsg,
            }),
            errcode => Err(WeChatError::Other {
                errcode,
                errmsg: reply.errmsg,
            }),
        }
    }
}

/// An access token of the mini program. It never shows in `Debug` output or errors.
#[derive(Clone, PartialEq, Eq)]
pub struct AccessToken(Secret);

impl AccessToken {
    pub fn new(value: impl Into<String>) -> Self {
        Self(Secret::new(value))
    }
    pub fn expose(&self) -> &str {
        self.0.expose()
    }
}

impl std::fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AccessToken(<redacted>)")
    }
}

/// What `stable_token` handed out: the token and how many seconds it lives.
#[derive(Debug, Clone)]
pub struct FreshToken {
    pub token: AccessToken,
    pub expires_in: i64,
}

#[derive(Deserialize)]
struct StableTokenReply {
    #[serde(default)]
    errcode: i64,
    #[serde(default)]
    errmsg: String,
    access_token: Option<String>,
    expires_in: Option<i64>,
}

/// One subscribe message as `subscribeMessage.send` takes it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SubscribeMessage {
    pub touser: String,
    pub template_id: String,
    pub page: String,
    /// `{"thing1": {"value": "…"}, …}`.
    pub data: serde_json::Value,
    pub miniprogram_state: &'static str,
    pub lang: &'static str,
}

/// Why `subscribeMessage.send` did not deliver.
#[derive(Debug, thiserror::Error)]
pub enum SendError {
    /// 43101: the user refused or has no one-time subscription left. Retrying cannot help.
    #[error("subscribe/send: no subscription (43101)")]
    NoSubscription,
    /// 40001, 40014, 42001: the token is no longer valid; fetch another and send again.
    #[error("subscribe/send: access token rejected ({0})")]
    TokenRejected(i64),
    /// The message itself is wrong (bad openid, template, data or page): retrying cannot help.
    #[error("subscribe/send: refused ({errcode}: {errmsg})")]
    Refused { errcode: i64, errmsg: String },
    /// Busy, a 5xx, a timeout, unreachable: worth a retry later.
    #[error("subscribe/send: {0}")]
    Transient(String),
}

impl WeChatClient {
    /// `POST /cgi-bin/stable_token`: the token WeChat keeps for this app (the same one until it
    /// nears its end, unless `force_refresh`).
    pub async fn stable_token(&self, force_refresh: bool) -> Result<FreshToken, WeChatError> {
        let response = self
            .http
            .post(format!("{}/cgi-bin/stable_token", self.api_base))
            .json(&serde_json::json!({
                "grant_type": "client_credential",
                "appid": self.app_id,
                "secret": self.app_secret.expose(),
                "force_refresh": force_refresh,
            }))
            .send()
            .await
            .map_err(WeChatError::unreachable)?;
        let status = response.status();
        let body = response.text().await.map_err(WeChatError::unreachable)?;
        if !status.is_success() {
            return Err(WeChatError::BadReply(format!("HTTP {status}")));
        }
        let reply: StableTokenReply =
            serde_json::from_str(&body).map_err(|e| WeChatError::BadReply(e.to_string()))?;
        match reply.errcode {
            0 => match (reply.access_token, reply.expires_in) {
                (Some(token), Some(expires_in)) if !token.is_empty() => Ok(FreshToken {
                    token: AccessToken::new(token),
                    expires_in,
                }),
                _ => Err(WeChatError::BadReply("no access_token".into())),
            },
            -1 => Err(WeChatError::Busy),
            40002 | 40013 | 40125 | 41002 | 41004 => Err(WeChatError::Misconfigured {
                errcode: reply.errcode,
                errmsg: reply.errmsg,
            }),
            errcode => Err(WeChatError::Other {
                errcode,
                errmsg: reply.errmsg,
            }),
        }
    }

    /// `POST /cgi-bin/message/subscribe/send`.
    pub async fn send_subscribe(
        &self,
        token: &AccessToken,
        message: &SubscribeMessage,
    ) -> Result<(), SendError> {
        let response = self
            .http
            .post(format!("{}/cgi-bin/message/subscribe/send", self.api_base))
            .query(&[("access_token", token.expose())])
            .json(message)
            .send()
            .await
            // Without the URL: it carries the token.
            .map_err(|e| SendError::Transient(e.without_url().to_string()))?;
        let status = response.status();
        if !status.is_success() {
            return Err(SendError::Transient(format!("HTTP {status}")));
        }
        let body = response
            .text()
            .await
            .map_err(|e| SendError::Transient(e.without_url().to_string()))?;
        let reply: StableTokenReply = serde_json::from_str(&body)
            .map_err(|e| SendError::Transient(format!("unreadable answer: {e}")))?;
        match reply.errcode {
            0 => Ok(()),
            43101 => Err(SendError::NoSubscription),
            40001 | 40014 | 42001 => Err(SendError::TokenRejected(reply.errcode)),
            -1 | 45009 => Err(SendError::Transient(format!(
                "{}: {}",
                reply.errcode, reply.errmsg
            ))),
            errcode => Err(SendError::Refused {
                errcode,
                errmsg: reply.errmsg,
            }),
        }
    }

    pub fn app_id(&self) -> &str {
        &self.app_id
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The query of code2Session carries the app secret and the login code; a transport error
    /// must not repeat them (errors are logged).
    #[tokio::test]
    async fn a_transport_error_names_neither_the_secret_nor_the_code() {
        let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", closed.local_addr().unwrap());
        drop(closed);
        let config = WeChatConfig {
            api_base: Some(base.clone()),
            app_id: "wx-test".into(),
            app_secret: Secret::new("the-app-secret"),
        };
        let client = WeChatClient::new(&config, base).unwrap();
        let err = client.code_to_session("the-login-code").await.unwrap_err();
        assert!(matches!(err, WeChatError::Unreachable(_)), "{err}");
        let app_error = AppError::from(err);
        for text in [app_error.to_string(), format!("{app_error:?}")] {
            for secret in ["the-app-secret", "the-login-code", "secret="] {
                assert!(!text.contains(secret), "{text}");
            }
        }
    }

    /// The access token rides in the query of `subscribe/send`: neither a transport error nor
    /// the token's `Debug` may repeat it.
    #[tokio::test]
    async fn a_send_error_does_not_name_the_access_token() {
        let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", closed.local_addr().unwrap());
        drop(closed);
        let config = WeChatConfig {
            api_base: Some(base.clone()),
            app_id: "wx-test".into(),
            app_secret: Secret::new("the-app-secret"),
        };
        let client = WeChatClient::new(&config, base).unwrap();
        let token = AccessToken::new("the-access-token");
        let message = SubscribeMessage {
            touser: "o-someone".into(),
            template_id: "tmpl".into(),
            page: "pages/index/index".into(),
            data: serde_json::json!({}),
            miniprogram_state: "formal",
            lang: "zh_CN",
        };
        let err = client.send_subscribe(&token, &message).await.unwrap_err();
        assert!(matches!(err, SendError::Transient(_)), "{err}");
        for text in [err.to_string(), format!("{err:?}"), format!("{token:?}")] {
            assert!(!text.contains("the-access-token"), "{text}");
        }
    }
}
