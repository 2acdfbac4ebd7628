//! The one error type of the HTTP layer, and the one place it becomes an HTTP response.
//!
//! Every failure reaches a client as `{"code": "...", "message": "...", "field": "..."}`: an HTTP
//! status, a stable machine `code` the mini program can branch on, and a Chinese `message` it can
//! show as is. Domain modules keep their own error enums (rules know nothing of HTTP): each
//! implements [`DomainError`] (kind, code, message, field) and becomes an [`AppError`] through the
//! one blanket `From` below, so code that needs to react to a refusal matches on the enum's
//! variants and never on a code string. The framework's own errors (unknown route, bad JSON, wrong
//! types, a value outside an enum, missing token) are turned into the same shape by
//! [`into_error_response`], installed once on the whole app. Internal details (SQL, Redis, WeChat
//! replies) are logged, never sent.

use std::borrow::Cow;

use poem::{IntoResponse, Response, error::ResponseError, http::StatusCode};
use poem_openapi::{
    ApiResponse, Object,
    registry::{MetaMediaType, MetaResponse, MetaResponses, Registry},
    types::Type,
};

/// What kind of failure, which fixes the HTTP status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// 400: the request is malformed or a field is invalid; nothing was changed.
    BadRequest,
    /// 401: no valid session.
    Unauthenticated,
    /// 403: signed in, but this role or this person may not do it.
    Forbidden,
    /// 404: no such thing, or the caller may not know it exists.
    NotFound,
    /// 405: the path exists, but not with this method.
    MethodNotAllowed,
    /// 409: the request is valid but the current state refuses it (sold out, cutoff passed, …).
    Conflict,
    /// 429: too many attempts; try later.
    TooManyRequests,
    /// 502: WeChat (or another upstream) failed.
    BadGateway,
    /// 503: a dependency is down; nothing was half-done, retry later.
    Unavailable,
    /// 500: a bug or an unexpected failure; logged with its cause.
    Internal,
}

impl ErrorKind {
    pub fn status(self) -> StatusCode {
        match self {
            Self::BadRequest => StatusCode::BAD_REQUEST,
            Self::Unauthenticated => StatusCode::UNAUTHORIZED,
            Self::Forbidden => StatusCode::FORBIDDEN,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::Conflict => StatusCode::CONFLICT,
            Self::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            Self::BadGateway => StatusCode::BAD_GATEWAY,
            Self::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

/// A domain's refusal (or failure), described once: what kind it is (which fixes the HTTP
/// status), its stable machine code, the Chinese message and the request field at fault.
///
/// Implement it on a domain's error enum; `?` then turns the enum into an [`AppError`] at the
/// HTTP edge. A variant that wraps an infrastructure failure (a database error) answers
/// [`ErrorKind::Internal`]: it is logged with its cause and never passes for a domain answer.
pub trait DomainError: std::error::Error + Send + Sync + 'static {
    fn kind(&self) -> ErrorKind;
    fn code(&self) -> &'static str;
    fn message(&self) -> Cow<'static, str>;
    fn field(&self) -> Option<Cow<'static, str>> {
        None
    }
    /// An error that is already an HTTP answer (one another domain gave) passes through whole.
    fn into_app_error(self) -> AppError
    where
        Self: Sized,
    {
        let error = domain_answer(&self);
        if error.kind == ErrorKind::Internal {
            return error.with_source(self);
        }
        error
    }
}

/// The answer a domain error gives (kind, code, message, field), without its cause: what an
/// enum's own `into_app_error` uses for its refusals after taking its infrastructure variants
/// apart.
pub fn domain_answer(err: &impl DomainError) -> AppError {
    let mut error = AppError::new(err.kind(), err.code(), err.message());
    if let Some(field) = err.field() {
        error = error.with_field(field);
    }
    error
}

impl<E: DomainError> From<E> for AppError {
    fn from(err: E) -> Self {
        err.into_app_error()
    }
}

#[derive(Debug)]
pub struct AppError {
    pub kind: ErrorKind,
    pub code: &'static str,
    pub message: Cow<'static, str>,
    pub field: Option<Cow<'static, str>>,
    /// Every problem, when a request has several (e.g. a policy file with many mistakes).
    pub problems: Vec<Problem>,
    /// Seconds the client should wait before retrying (sent as `Retry-After`).
    pub retry_after: Option<u32>,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    pub fn new(kind: ErrorKind, code: &'static str, message: impl Into<Cow<'static, str>>) -> Self {
        Self {
            kind,
            code,
            message: message.into(),
            field: None,
            problems: Vec::new(),
            retry_after: None,
            source: None,
        }
    }

    pub fn with_retry_after(mut self, seconds: u32) -> Self {
        self.retry_after = Some(seconds);
        self
    }

    /// Whether this is a database failure that says "the database cannot be reached now" (no
    /// connection, the pool gave none in time, or the connection dropped), rather than a bug.
    pub fn is_database_unreachable(&self) -> bool {
        use sea_orm::{DbErr, RuntimeErr, sqlx};
        let Some(db) = self
            .source
            .as_deref()
            .and_then(|e| e.downcast_ref::<DbErr>())
        else {
            return false;
        };
        match db {
            DbErr::Conn(_) | DbErr::ConnectionAcquire(_) => true,
            DbErr::Query(RuntimeErr::SqlxError(e)) | DbErr::Exec(RuntimeErr::SqlxError(e)) => {
                matches!(
                    e.as_ref(),
                    sqlx::Error::Io(_)
                        | sqlx::Error::PoolTimedOut
                        | sqlx::Error::PoolClosed
                        | sqlx::Error::WorkerCrashed
                )
            }
            _ => false,
        }
    }

    /// A field of the request is invalid; the response names it.
    pub fn invalid(
        field: impl Into<Cow<'static, str>>,
        code: &'static str,
        message: impl Into<Cow<'static, str>>,
    ) -> Self {
        Self::new(ErrorKind::BadRequest, code, message).with_field(field)
    }

    pub fn with_field(mut self, field: impl Into<Cow<'static, str>>) -> Self {
        self.field = Some(field.into());
        self
    }

    /// Lists every problem found, so the client can fix them all in one pass.
    pub fn with_problems(mut self, problems: Vec<Problem>) -> Self {
        self.problems = problems;
        self
    }

    /// Keeps the cause for the log (never for the client).
    pub fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.source = Some(Box::new(source));
        self
    }

    pub fn not_found(code: &'static str, message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(ErrorKind::NotFound, code, message)
    }

    pub fn forbidden(code: &'static str, message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(ErrorKind::Forbidden, code, message)
    }

    pub fn conflict(code: &'static str, message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(ErrorKind::Conflict, code, message)
    }

    pub fn unauthenticated(code: &'static str, message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(ErrorKind::Unauthenticated, code, message)
    }

    pub fn internal(source: impl std::error::Error + Send + Sync + 'static) -> Self {
        Self::new(
            ErrorKind::Internal,
            "INTERNAL",
            "服务器开小差了，请稍后再试",
        )
        .with_source(source)
    }

    pub fn status(&self) -> StatusCode {
        self.kind.status()
    }

    pub fn body(&self) -> ErrorBody {
        ErrorBody {
            code: self.code.to_string(),
            message: self.message.to_string(),
            field: self.field.as_ref().map(|f| f.to_string()),
            detail: None,
            problems: (!self.problems.is_empty()).then(|| self.problems.clone()),
        }
    }
}

impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)?;
        if let Some(source) = &self.source {
            write!(f, " ({source})")?;
        }
        Ok(())
    }
}

impl std::error::Error for AppError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source.as_deref().map(|e| e as _)
    }
}

impl From<sea_orm::DbErr> for AppError {
    fn from(err: sea_orm::DbErr) -> Self {
        Self::internal(err)
    }
}

impl ResponseError for AppError {
    fn status(&self) -> StatusCode {
        self.kind.status()
    }

    fn as_response(&self) -> Response {
        if self.kind == ErrorKind::Internal {
            tracing::error!(error = %self, "internal error");
        } else if matches!(self.kind, ErrorKind::Unavailable | ErrorKind::BadGateway) {
            tracing::warn!(error = %self, "dependency error");
        }
        let mut response = json_error(self.status(), self.body());
        if let Some(seconds) = self.retry_after {
            response.headers_mut().insert(
                poem::http::header::RETRY_AFTER,
                poem::http::HeaderValue::from(seconds),
            );
        }
        response
    }
}

/// The body of every error response.
#[derive(Clone, Debug, Object, serde::Deserialize)]
pub struct ErrorBody {
    /// Stable machine code, e.g. `ORDER_CUTOFF_PASSED`.
    pub code: String,
    /// What happened, in Chinese, fit to show to an elder or a clerk.
    pub message: String,
    /// The request field at fault, when one is.
    #[oai(skip_serializing_if_is_none)]
    pub field: Option<String>,
    /// Technical detail for developers (parse errors), never needed by people.
    #[oai(skip_serializing_if_is_none)]
    pub detail: Option<String>,
    /// Every problem found, when there are several (a policy file, a batch); each names its place.
    #[oai(skip_serializing_if_is_none)]
    pub problems: Option<Vec<Problem>>,
}

/// One of several problems in a request.
#[derive(Clone, Debug, Object, serde::Serialize, serde::Deserialize)]
pub struct Problem {
    /// Which part of the input, e.g. `rule[3]` or `district 320402 rule[1]`.
    pub location: String,
    /// The key within that part, e.g. `amount`, when one key is at fault.
    #[oai(skip_serializing_if_is_none)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// `location.field`, e.g. `rule[3].amount`.
    pub path: String,
    /// Stable machine code, e.g. `POLICY_UNKNOWN_CATEGORY`.
    pub code: String,
    /// What is wrong, in Chinese, naming the place.
    pub message: String,
    /// The line of the uploaded file at fault (from 1), when the input was a file.
    #[oai(skip_serializing_if_is_none)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
}

fn json_error(status: StatusCode, body: ErrorBody) -> Response {
    let json = serde_json::json!({
        "code": body.code,
        "message": body.message,
        "field": body.field,
        "detail": body.detail,
        "problems": body.problems,
    });
    let json = match json {
        serde_json::Value::Object(mut map) => {
            map.retain(|_, v| !v.is_null());
            serde_json::Value::Object(map)
        }
        other => other,
    };
    poem::web::Json(json).with_status(status).into_response()
}

/// Lets operations declare `Result<Json<T>, AppError>` so the OpenAPI document lists the error
/// responses with their body.
impl ApiResponse for AppError {
    fn meta() -> MetaResponses {
        const STATUSES: [(u16, &str); 9] = [
            (400, "Bad request or an invalid field (`field` names it)"),
            (401, "Not signed in, or the session expired or was revoked"),
            (403, "This role or this person may not do this"),
            (404, "Not found (or not visible to the caller)"),
            (409, "The current state refuses the request"),
            (429, "Too many attempts"),
            (500, "Unexpected failure"),
            (502, "WeChat failed"),
            (503, "A dependency is unavailable; nothing was changed"),
        ];
        MetaResponses {
            responses: STATUSES
                .iter()
                .map(|(status, description)| MetaResponse {
                    description,
                    status: Some(*status),
                    status_range: None,
                    content: vec![MetaMediaType {
                        content_type: "application/json; charset=utf-8",
                        schema: ErrorBody::schema_ref(),
                    }],
                    headers: vec![],
                })
                .collect(),
        }
    }

    fn register(registry: &mut Registry) {
        ErrorBody::register(registry);
    }
}

/// Turns any error that reaches the top of the app into the common JSON shape. Our own
/// [`AppError`]s pass through; the framework's errors get a code and a Chinese message here.
pub async fn into_error_response(err: poem::Error) -> Response {
    if let Some(app) = err.downcast_ref::<AppError>() {
        return app.as_response();
    }
    use poem_openapi::error::{
        AuthorizationError, ContentTypeError, ParseParamError, ParsePathError,
        ParseRequestPayloadError,
    };
    let status = err.status();
    let (code, message, field, detail): (&str, String, Option<String>, Option<String>) =
        if let Some(e) = err.downcast_ref::<ParseParamError>() {
            (
                "INVALID_PARAMETER",
                format!("参数 {} 的格式不正确", e.name),
                Some(e.name.to_string()),
                Some(e.reason.clone()),
            )
        } else if let Some(e) = err.downcast_ref::<ParsePathError>() {
            (
                "INVALID_PARAMETER",
                format!("路径参数 {} 的格式不正确", e.name),
                Some(e.name.to_string()),
                Some(e.reason.clone()),
            )
        } else if let Some(e) = err.downcast_ref::<ParseRequestPayloadError>() {
            if let Some((field, code, message)) = failed_constraint(&e.reason) {
                return json_error(
                    status,
                    ErrorBody {
                        code,
                        message,
                        field: Some(field),
                        detail: Some(e.reason.clone()),
                        problems: None,
                    },
                );
            }
            match unknown_enum_value(&e.reason) {
                Some((field, allowed)) => (
                    "UNKNOWN_VALUE",
                    format!("{field} 的取值须为以下之一：{}", allowed.join("、")),
                    Some(field),
                    Some(e.reason.clone()),
                ),
                None => (
                    "INVALID_BODY",
                    "请求内容格式不正确，请检查各字段的类型".to_string(),
                    None,
                    Some(e.reason.clone()),
                ),
            }
        } else if let Some(e) = err.downcast_ref::<ContentTypeError>() {
            (
                "UNSUPPORTED_CONTENT_TYPE",
                "请以 application/json 格式发送请求内容".to_string(),
                None,
                Some(e.to_string()),
            )
        } else if err.is::<AuthorizationError>() {
            ("UNAUTHENTICATED", "请先登录".to_string(), None, None)
        } else {
            match status {
                StatusCode::NOT_FOUND => {
                    ("ROUTE_NOT_FOUND", "没有这个接口".to_string(), None, None)
                }
                StatusCode::METHOD_NOT_ALLOWED => (
                    "METHOD_NOT_ALLOWED",
                    "这个接口不支持该请求方法".to_string(),
                    None,
                    None,
                ),
                StatusCode::UNAUTHORIZED => ("UNAUTHENTICATED", "请先登录".to_string(), None, None),
                StatusCode::PAYLOAD_TOO_LARGE => {
                    ("PAYLOAD_TOO_LARGE", "请求内容过大".to_string(), None, None)
                }
                s if s.is_client_error() => (
                    "BAD_REQUEST",
                    "请求有误，请检查后重试".to_string(),
                    None,
                    Some(err.to_string()),
                ),
                _ => {
                    tracing::error!(error = %err, "unhandled error");
                    (
                        "INTERNAL",
                        "服务器开小差了，请稍后再试".to_string(),
                        None,
                        None,
                    )
                }
            }
        };
    json_error(
        status,
        ErrorBody {
            code: code.to_string(),
            message,
            field,
            detail,
            problems: None,
        },
    )
}

/// A body field outside a constraint the document states for it (a length, a range, a pattern,
/// a number of items): the framework refuses it before any handler runs, and the answer names the
/// field with the code `<FIELD>_INVALID` (`name` → `NAME_INVALID`, as the domains' own checks
/// spell it) and says the bound in Chinese. The framework writes
/// `failed to parse "NewElderRequest": field `name` verification failed. maxLength(32)`.
fn failed_constraint(reason: &str) -> Option<(String, String, String)> {
    let rest = reason.split("field `").nth(1)?;
    let (field, rest) = rest.split_once('`')?;
    let validator = rest.strip_prefix(" verification failed. ")?;
    let validator = validator
        .split(" (occurred")
        .next()
        .unwrap_or(validator)
        .trim();
    let (name, argument) = validator.split_once('(')?;
    let object = reason
        .strip_prefix("failed to parse \"")
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_default();
    let path = nested_path(reason, object)
        .map_or_else(|| field.to_string(), |outer| format!("{outer}.{field}"));
    let argument = argument.strip_suffix(')').unwrap_or(argument);
    let bound = match name {
        "maxLength" => format!("最多 {argument} 个字符"),
        "minLength" => format!("至少 {argument} 个字符"),
        "maximum" => format!(
            "不能大于 {}",
            argument.split(',').next().unwrap_or(argument)
        ),
        "minimum" => format!(
            "不能小于 {}",
            argument.split(',').next().unwrap_or(argument)
        ),
        "maxItems" => format!("最多 {argument} 项"),
        "minItems" => format!("至少 {argument} 项"),
        _ => "格式不正确（不能为空白，不能含控制字符）".to_string(),
    };
    Some((
        path.clone(),
        format!("{}_INVALID", field.to_ascii_uppercase()),
        format!("{path} {bound}"),
    ))
}

/// The dotted path from the body's top to an object of type `inner` that failed to parse, read
/// from the framework's `(occurred while parsing "Outer")` chain; `None` at the top.
fn nested_path(reason: &str, inner: &str) -> Option<String> {
    let refs = SCHEMA_REFS.get()?;
    let mut path = Vec::new();
    let mut inner = inner.to_string();
    for outer in reason
        .split("(occurred while parsing \"")
        .skip(1)
        .filter_map(|part| part.split('"').next())
    {
        let outer = outer.strip_prefix("list_").unwrap_or(outer);
        if outer == inner {
            continue;
        }
        let property = refs.properties.get(&(outer.to_string(), inner.clone()))?;
        path.push(property.clone());
        inner = outer.to_string();
    }
    path.reverse();
    (!path.is_empty()).then(|| path.join("."))
}

/// What the API document says about its types, learnt once from the document itself
/// ([`learn_enum_fields`]): which property of which object refers to which type, and each enum's
/// values. So a request body carrying a value outside an enum (an unknown slot, mode, state …) is
/// answered with the field at fault (`slot`, `slot_hours.slot`) and what it may be, although the
/// framework's parse error names only the types.
static SCHEMA_REFS: std::sync::OnceLock<SchemaRefs> = std::sync::OnceLock::new();

#[derive(Default)]
struct SchemaRefs {
    /// `(object, referenced type)` → the object's property holding it.
    properties: std::collections::HashMap<(String, String), String>,
    /// An enum's values.
    enums: std::collections::HashMap<String, Vec<String>>,
}

/// Reads the served OpenAPI document (JSON) for [`SCHEMA_REFS`]; the first call wins (every app
/// of a process serves the same document).
pub fn learn_enum_fields(spec_json: &str) {
    let Ok(spec) = serde_json::from_str::<serde_json::Value>(spec_json) else {
        return;
    };
    let Some(schemas) = spec["components"]["schemas"].as_object() else {
        return;
    };
    let referenced = |property: &serde_json::Value| -> Option<String> {
        let reference = property
            .get("$ref")
            .or_else(|| property.get("allOf")?.get(0)?.get("$ref"))
            .or_else(|| property.get("items")?.get("$ref"))?;
        Some(reference.as_str()?.rsplit('/').next()?.to_string())
    };
    let mut refs = SchemaRefs::default();
    for (name, schema) in schemas {
        if let Some(values) = schema.get("enum").and_then(|v| v.as_array()) {
            refs.enums.insert(
                name.clone(),
                values
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect(),
            );
        }
        for (property, definition) in schema
            .get("properties")
            .and_then(|p| p.as_object())
            .into_iter()
            .flatten()
        {
            if let Some(target) = referenced(definition) {
                refs.properties
                    .insert((name.clone(), target), property.clone());
            }
        }
    }
    let _ = SCHEMA_REFS.set(refs);
}

/// The field (a dotted path from the body's top) and its allowed values when a body failed to
/// parse because a value is not one of an enum's. The framework says
/// `Expected input type "Slot", found "supper". (occurred while parsing "SlotHoursInput")
/// (occurred while parsing "list_SlotHoursInput") (occurred while parsing "NewMealPoint")`.
fn unknown_enum_value(reason: &str) -> Option<(String, Vec<String>)> {
    let refs = SCHEMA_REFS.get()?;
    let enum_name = reason
        .strip_prefix("Expected input type \"")
        .or_else(|| reason.strip_prefix("failed to parse \""))?
        .split('"')
        .next()?;
    let allowed = refs.enums.get(enum_name)?;
    let mut path = Vec::new();
    let mut inner = enum_name.to_string();
    for outer in reason
        .split("(occurred while parsing \"")
        .skip(1)
        .filter_map(|part| part.split('"').next())
    {
        // A list (`list_X`) is not an object of its own: its items' field is the list's.
        let outer = outer.strip_prefix("list_").unwrap_or(outer);
        if outer == inner {
            continue;
        }
        let property = refs.properties.get(&(outer.to_string(), inner.clone()))?;
        path.push(property.clone());
        inner = outer.to_string();
    }
    path.reverse();
    (!path.is_empty()).then(|| (path.join("."), allowed.clone()))
}
