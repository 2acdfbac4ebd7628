//! WeChat Pay's notifications (`/wechatpay/notify`, `/wechatpay/refund-notify`). Not part of the
//! OpenAPI document: their shape, signature headers and answers are WeChat Pay's, and the
//! signature covers the body's raw bytes, which must be read before any parsing.
//!
//! Answers as WeChat Pay expects: 204 when taken (a repeat too), 4xx/5xx with
//! `{"code":"FAIL","message":…}` when not, which makes WeChat Pay send it again later.

use poem::{
    Body, IntoResponse, Request, Response, handler,
    http::StatusCode,
    web::{Data, Json},
};
use serde_json::json;

use super::service::{self, NoticeRejection};
use crate::state::AppState;

/// A notification is a few kilobytes; anything larger is not one.
const NOTICE_LIMIT: usize = 64 * 1024;

#[handler]
pub async fn pay_notice(req: &Request, body: Body, state: Data<&AppState>) -> Response {
    let Ok(bytes) = body.into_bytes_limit(NOTICE_LIMIT).await else {
        return fail(StatusCode::BAD_REQUEST, "通知过大或读取失败");
    };
    answer(service::pay_notice(&state, |name| header(req, name), &bytes).await)
}

#[handler]
pub async fn refund_notice(req: &Request, body: Body, state: Data<&AppState>) -> Response {
    let Ok(bytes) = body.into_bytes_limit(NOTICE_LIMIT).await else {
        return fail(StatusCode::BAD_REQUEST, "通知过大或读取失败");
    };
    answer(service::refund_notice(&state, |name| header(req, name), &bytes).await)
}

fn header(req: &Request, name: &str) -> Option<String> {
    req.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

fn answer(outcome: Result<(), NoticeRejection>) -> Response {
    match outcome {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(NoticeRejection::Unverified(err)) => {
            tracing::warn!(%err, "WeChat Pay notification refused");
            fail(StatusCode::UNAUTHORIZED, "签名验证失败")
        }
        Err(NoticeRejection::Unreadable(err)) => {
            tracing::warn!(%err, "WeChat Pay notification unreadable");
            fail(StatusCode::BAD_REQUEST, "通知内容无法解析")
        }
        Err(NoticeRejection::Failed(err)) => {
            tracing::error!(%err, "WeChat Pay notification not applied; WeChat Pay will resend it");
            fail(StatusCode::INTERNAL_SERVER_ERROR, "处理失败，请稍后重试")
        }
    }
}

fn fail(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({ "code": "FAIL", "message": message }))).into_response()
}
