//! `spawn_app()`: a real server on a free port, with its own database, the fake WeChat server,
//! and a clock the test can move.
//!
//! # How tests talk to the API (the pattern to follow)
//!
//! A test drives the real HTTP API with **the API's own request types** and reads answers into
//! **its view types** (`zhucan::orders::http::{NewBooking, OrderView}` …), never into
//! `serde_json::Value` picked apart by hand: a field renamed in the API breaks the test at compile
//! time, and `order.price.elder_share` says what it is. Each operation a domain's tests use is one
//! typed method of [`TestApp`] (`app.book(&token, &booking)`, `app.order(&token, &id)`,
//! `app.cancel(…)`, `app.verify_pickup(…)`), returning a [`Typed`] answer that keeps the status:
//! `.ok()` is the view (and fails the test, printing the body, on anything else, or when the body
//! is not exactly what the view writes), `.error(status, code)` checks a refusal of the common
//! shape and returns the typed [`ErrorBody`], `.field_error(…)` also checks the field named.
//! Bodies and answers go through poem-openapi's `ToJSON` / `ParseFromJSON`, the same code the
//! service uses, so no serde derive is needed on its types (see [`Typed`]). A request carrying an
//! ID-card number is sent as a [`Carded`] (the service's `IdCardText` never writes the number).
//! Fixtures that several files need (the demo operator's kitchen, an elder registered by the
//! city, a family member linked to them, a meal point of the test's own, an inspector) live in
//! [`crate::fixtures`] once, not copied per file. What no request type can hold (an unknown enum
//! value, a float price, a score of 9 where the type allows it but the schema does not) is sent
//! as JSON through the same typed method (`&impl ToJSON`: a `Value` is one), and an assertion on
//! something no view holds (a field that must be absent) reads `.raw()`. The untyped
//! `get`/`post`/`Reply` stay for tests not converted yet.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, Days, Duration, Months, NaiveDate, Utc, Weekday};
use poem_openapi::types::{ParseFromJSON, ToJSON};
use reqwest::{Method, StatusCode};
use sea_orm::{ConnectionTrait, Database};
use serde_json::{Value, json};
use tokio::sync::OnceCell;
use vocabulary::{ElderCategory, Slot};
use zhucan::{
    auth::http as auth,
    clock::{Clock, shanghai_to_utc, shanghai_today},
    config::Config,
    dashboard::http as dashboard,
    demo::{DEMO_PASSWORD, DemoScope},
    diets::http as diets,
    elders::http::{self as elders, IdCardText},
    error::ErrorBody,
    feedback::{http as feedback, supervision, visits},
    meal_points::http as meal_points,
    menus::http as menus,
    money::Yuan,
    orders::{counter, http as orders},
    pagination::Page,
    samples::http as samples,
    settlement::http as settlement,
    startup::{Application, BuildOptions},
    state::AppState,
    subsidy::http as subsidy,
    wechat::fake::FakeWeChat,
};

pub struct TestApp {
    pub base: String,
    pub http: reqwest::Client,
    pub state: AppState,
    pub fake_wechat: FakeWeChat,
    /// The in-process fake WeChat Pay (`None` when a test points `WECHATPAY_API_BASE` elsewhere).
    pub fake_pay: Option<zhucan::wechat::pay::fake::FakeWeChatPay>,
    sqlite_file: Option<std::path::PathBuf>,
    /// The PostgreSQL schema, so [`TestApp::spawn_peer`] can share it.
    db_schema: Option<String>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(file) = &self.sqlite_file {
            let _ = std::fs::remove_file(file);
        }
    }
}

/// The moment every test starts at: 09:00 in Shanghai on the Monday on or after the real today
/// (in Shanghai), or on or after `ZHUCAN_TEST_START` (`YYYY-MM-DD`) when that is set, so the
/// suite can be run as if it were any other day (`.ci/run` runs it a year and more ahead too).
/// Every date a test uses is worked out from this one: nothing depends on the day the suite runs.
pub fn test_start() -> DateTime<Utc> {
    static START: std::sync::OnceLock<DateTime<Utc>> = std::sync::OnceLock::new();
    *START.get_or_init(|| {
        let from = match std::env::var("ZHUCAN_TEST_START") {
            Ok(text) => NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
                .unwrap_or_else(|e| panic!("ZHUCAN_TEST_START={text:?} is not YYYY-MM-DD: {e}")),
            Err(_) => shanghai_today(Utc::now()),
        };
        let to_monday = (7 - from.weekday().days_since(Weekday::Mon)) % 7;
        let monday = from + Days::new(u64::from(to_monday));
        shanghai_to_utc(monday.and_hms_opt(9, 0, 0).unwrap())
    })
}

/// The tests' first business date (a Monday): the Shanghai date of [`test_start`].
pub fn today() -> NaiveDate {
    shanghai_today(test_start())
}

/// The date `days` after the tests' Monday (before it when negative).
pub fn date(days: i64) -> NaiveDate {
    today() + chrono::Duration::days(days)
}

/// The instant it is `hour:minute` in Shanghai `days` after the tests' Monday, as the API writes
/// instants (RFC 3339 in UTC, `…T01:30:00+00:00`).
pub fn shanghai_at(days: i64, hour: u32, minute: u32) -> String {
    shanghai_instant(days, hour, minute).to_rfc3339()
}

/// The instant it is `hour:minute` in Shanghai `days` after the tests' Monday.
pub fn shanghai_instant(days: i64, hour: u32, minute: u32) -> DateTime<Utc> {
    shanghai_to_utc(date(days).and_hms_opt(hour, minute, 0).unwrap())
}

/// [`date`] as the API writes it, `YYYY-MM-DD`.
pub fn day(days: i64) -> String {
    date(days).to_string()
}

/// The month (`YYYY-MM`) of `date`, `months` months on (back when negative).
pub fn month_of(date: NaiveDate, months: i32) -> String {
    first_of_month(date, months).format("%Y-%m").to_string()
}

/// The first day of the month of `date`, `months` months on (back when negative).
pub fn first_of_month(date: NaiveDate, months: i32) -> NaiveDate {
    let first = date.with_day(1).unwrap();
    if months >= 0 {
        first + Months::new(months.unsigned_abs())
    } else {
        first - Months::new(months.unsigned_abs())
    }
}

/// The last day of the month of `date`, `months` months on.
pub fn last_of_month(date: NaiveDate, months: i32) -> NaiveDate {
    first_of_month(date, months + 1).pred_opt().unwrap()
}

/// `YYYYMMDD` (an ID-card number's birth date) as the API writes dates, `YYYY-MM-DD`.
pub fn iso_date(digits: &str) -> String {
    format!("{}-{}-{}", &digits[..4], &digits[4..6], &digits[6..8])
}

/// A birth date (`YYYYMMDD`, as in an ID-card number) of someone who is `years` old on the tests'
/// Monday and turns `years + 1` in `days_to_birthday` days (1 ..= 365): ages, and so subsidy
/// bands, stay what the test means whatever day it runs.
pub fn born(years: u32, days_to_birthday: i64) -> String {
    assert!(
        (1..=365).contains(&days_to_birthday),
        "the next birthday is 1 to 365 days away"
    );
    let next_birthday = date(days_to_birthday);
    // A 29 February birthday would not exist in most birth years; the test means "about then".
    let next_birthday = if next_birthday.month() == 2 && next_birthday.day() == 29 {
        next_birthday - chrono::Duration::days(1)
    } else {
        next_birthday
    };
    let birth = next_birthday - Months::new(12 * (years + 1));
    birth.format("%Y%m%d").to_string()
}

pub fn backend() -> &'static str {
    if std::env::var("DATABASE_URL").is_ok_and(|u| u.starts_with("postgres")) {
        "postgres"
    } else {
        "sqlite"
    }
}

/// A server with the demo city's places and staff accounts (no meal points: most tests do not
/// need them, and they are the bulk of the demo data).
pub async fn spawn_app() -> TestApp {
    spawn_app_with(DemoScope::PlacesAndAccounts).await
}

/// A server with the whole demo city: also its 165 meal points, their dishes and a week of menus
/// from the test's start, and `operator-demo` running two meal points near 南大街 in 钟楼区.
/// Without the demo's served-order history, ratings and complaint, so what a test counts is its
/// own.
pub async fn spawn_demo_city() -> TestApp {
    spawn_app_with(DemoScope::CityWithoutHistory).await
}

/// The demo city exactly as `cargo run` seeds it, history (served, rated lunches, a complaint)
/// included.
pub async fn spawn_full_demo() -> TestApp {
    spawn_app_with(DemoScope::Full).await
}

pub async fn spawn_app_with(demo_scope: DemoScope) -> TestApp {
    spawn_app_with_settings(demo_scope, &[]).await
}

/// A server with some settings of its own (`WECHAT_API_BASE`, `WECHAT_SECRET` …) on top of the
/// tests' defaults. Without the fake WeChat (another `WECHAT_API_BASE`), `fake_wechat` is a
/// stand-in that nobody calls.
pub async fn spawn_app_with_settings(demo_scope: DemoScope, settings: &[(&str, &str)]) -> TestApp {
    let mut vars: HashMap<String, String> = HashMap::new();
    vars.insert("ZHUCAN_ADDR".into(), "127.0.0.1:0".into());
    vars.insert("ZHUCAN_SEED_DEMO".into(), "true".into());
    vars.insert("ZHUCAN_DOCS".into(), "true".into());
    let mut options = BuildOptions {
        clock: Clock::manual(test_start()),
        db_schema: None,
        demo_scope,
    };
    let mut sqlite_file = None;
    match std::env::var("DATABASE_URL") {
        Ok(url) if url.starts_with("postgres") => {
            options.db_schema = Some(fresh_pg_schema(&url).await);
            vars.insert("DATABASE_URL".into(), url);
            vars.insert("ZHUCAN_DB_POOL".into(), "5".into());
        }
        _ => {
            let dir = std::env::temp_dir().join("zhucan-tests");
            std::fs::create_dir_all(&dir).unwrap();
            let file = dir.join(format!("{}.db", uuid::Uuid::new_v4().simple()));
            vars.insert(
                "DATABASE_URL".into(),
                format!("sqlite://{}?mode=rwc", file.display()),
            );
            sqlite_file = Some(file);
        }
    }
    if let Ok(url) = std::env::var("REDIS_URL") {
        vars.insert("REDIS_URL".into(), url);
        // Every test gets its own keys, so tests share one Redis and still run in parallel.
        vars.insert(
            "ZHUCAN_REDIS_PREFIX".into(),
            format!("t:{}:", uuid::Uuid::new_v4().simple()),
        );
    }
    for (key, value) in settings {
        vars.insert(key.to_string(), value.to_string());
    }
    let config = Config::from_vars(&vars).expect("test configuration");
    let db_schema = options.db_schema.clone();
    let app = Application::build_with(config, options)
        .await
        .expect("the app starts");
    let base = format!("http://{}", app.local_addr());
    let state = app.state().clone();
    let fake_wechat = app
        .fake_wechat()
        .cloned()
        .unwrap_or_else(|| FakeWeChat::new("not-started", "not-started"));
    let fake_pay = app.fake_pay().cloned();
    tokio::spawn(app.run_until_stopped());
    zhucan::wechat::client::install_crypto_provider();
    TestApp {
        base,
        http: reqwest::Client::new(),
        state,
        fake_wechat,
        fake_pay,
        sqlite_file,
        db_schema,
    }
}

impl TestApp {
    /// A second instance of the service sharing this one's PostgreSQL schema, Redis keys and
    /// clock, as two processes behind a load balancer do; `None` on SQLite, which is a
    /// single-instance install.
    pub async fn spawn_peer(&self) -> Option<TestApp> {
        let db_schema = self.db_schema.clone()?;
        let mut config = (*self.state.config).clone();
        config.listen_addr = "127.0.0.1:0".parse().expect("an address");
        // The same fake WeChat as this instance, as two real instances share the real one.
        config.wechat.api_base = Some(self.state.wechat.api_base().to_string());
        // The first instance seeded the shared database already.
        config.seed_demo_data = false;
        let options = BuildOptions {
            clock: self.state.clock.clone(),
            db_schema: Some(db_schema.clone()),
            demo_scope: DemoScope::PlacesAndAccounts,
        };
        let app = Application::build_with(config, options)
            .await
            .expect("the peer starts");
        let base = format!("http://{}", app.local_addr());
        let state = app.state().clone();
        let fake_pay = app.fake_pay().cloned();
        tokio::spawn(app.run_until_stopped());
        Some(TestApp {
            base,
            http: reqwest::Client::new(),
            state,
            fake_wechat: self.fake_wechat.clone(),
            fake_pay,
            sqlite_file: None,
            db_schema: Some(db_schema),
        })
    }
}

/// A PostgreSQL schema for one test, so tests never see each other's rows. Schemas of runs more
/// than a day old are swept on the first call (a crashed run cannot drop its own).
async fn fresh_pg_schema(url: &str) -> String {
    static SWEPT: OnceCell<()> = OnceCell::const_new();
    let admin = Database::connect(url)
        .await
        .expect("PostgreSQL is reachable");
    let now = Utc::now().timestamp();
    SWEPT
        .get_or_init(|| async {
            let rows = admin
                .query_all_raw(sea_orm::Statement::from_string(
                    admin.get_database_backend(),
                    "SELECT nspname FROM pg_namespace WHERE nspname LIKE 't\\_%'".to_string(),
                ))
                .await
                .unwrap_or_default();
            for row in rows {
                let Ok(name) = row.try_get::<String>("", "nspname") else {
                    continue;
                };
                let created: i64 = name
                    .split('_')
                    .nth(1)
                    .and_then(|t| t.parse().ok())
                    .unwrap_or(i64::MAX);
                if now - created > 24 * 3600 {
                    let _ = admin
                        .execute_unprepared(&format!("DROP SCHEMA IF EXISTS \"{name}\" CASCADE"))
                        .await;
                }
            }
        })
        .await;
    let schema = format!(
        "t_{now}_{}",
        &uuid::Uuid::new_v4().simple().to_string()[..12]
    );
    admin
        .execute_unprepared(&format!("CREATE SCHEMA \"{schema}\""))
        .await
        .expect("create test schema");
    schema
}

/// A response: its status and JSON body (`Value::Null` when the body is not JSON).
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub body: Value,
}

impl Reply {
    /// Asserts an error reply of the common shape and returns it for more checks.
    #[track_caller]
    pub fn assert_error(&self, status: u16, code: &str) -> &Self {
        assert_eq!(self.status.as_u16(), status, "body: {}", self.body);
        assert_eq!(self.body["code"], code, "body: {}", self.body);
        let message = self.body["message"].as_str().unwrap_or_default();
        assert!(
            message
                .chars()
                .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
            "the message is for people, in Chinese: {}",
            self.body
        );
        self
    }

    /// Asserts an error reply that names the request field at fault.
    #[track_caller]
    pub fn assert_field_error(&self, status: u16, code: &str, field: &str) -> &Self {
        self.assert_error(status, code);
        assert_eq!(self.body["field"], field, "body: {}", self.body);
        self
    }

    #[track_caller]
    pub fn assert_ok(&self) -> &Value {
        assert!(self.status.is_success(), "{} {}", self.status, self.body);
        &self.body
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub async fn request(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Reply {
        let mut request = self.http.request(method, self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("the server answers");
        let status = response.status();
        let text = response.text().await.unwrap_or_default();
        Reply {
            status,
            body: serde_json::from_str(&text).unwrap_or(Value::Null),
        }
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Reply {
        self.request(Method::GET, path, token, None).await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> Reply {
        self.request(Method::POST, path, token, Some(body)).await
    }

    pub async fn put(&self, path: &str, token: Option<&str>, body: Value) -> Reply {
        self.request(Method::PUT, path, token, Some(body)).await
    }

    pub async fn patch(&self, path: &str, token: Option<&str>, body: Value) -> Reply {
        self.request(Method::PATCH, path, token, Some(body)).await
    }

    pub async fn delete(&self, path: &str, token: Option<&str>) -> Reply {
        self.request(Method::DELETE, path, token, None).await
    }

    /// Signs in a demo staff account and returns its token.
    pub async fn staff_token(&self, username: &str) -> String {
        self.staff_token_with(username, DEMO_PASSWORD).await
    }

    /// The token of a staff account signed in with its own password.
    pub async fn staff_token_with(&self, username: &str, password: &str) -> String {
        self.login(username, password).await.ok().token
    }

    /// Signs in with a username and password, typed.
    pub async fn login(&self, username: &str, password: &str) -> Typed<auth::SessionView> {
        let body = auth::PasswordLogin {
            username: username.to_owned(),
            password: password.to_owned(),
        };
        self.post_as("/api/v1/auth/login", None, &body).await
    }

    /// Signs in from the mini program with a WeChat login code.
    pub async fn wechat_login(&self, code: &str) -> Typed<auth::SessionView> {
        let body = auth::WeChatLogin {
            code: code.to_owned(),
        };
        self.post_as("/api/v1/auth/wechat", None, &body).await
    }

    pub async fn staff_login(&self, username: &str, password: &str) -> Reply {
        self.post(
            "/api/v1/auth/login",
            None,
            json!({ "username": username, "password": password }),
        )
        .await
    }

    /// Signs in a mini-program user through the fake WeChat server; returns the token.
    pub async fn wechat_token(&self, openid: &str) -> String {
        let code = format!("dev.{openid}.{}", uuid::Uuid::new_v4().simple());
        self.wechat_login(&code).await.ok().token
    }

    /// `GET /me`: who the token signs in.
    pub async fn me(&self, token: &str) -> Typed<auth::AccountView> {
        self.get_as("/api/v1/me", Some(token)).await
    }

    /// The account id behind a token (`GET /me`).
    pub async fn account_id(&self, token: &str) -> i64 {
        self.me(token).await.ok().id
    }

    pub fn advance_clock(&self, by: Duration) {
        self.state.clock.advance(by);
    }
}

/// A valid citizen ID number (GB 11643) from a region code, a birth date `YYYYMMDD` and a 3-digit
/// order code (odd last digit: a man, even: a woman). The check character is computed here
/// independently of the service: weights 2^(17-i) mod 11, check (12 - sum mod 11) mod 11.
pub fn id_card_number(region: &str, birth: &str, order: &str) -> String {
    let first17 = format!("{region}{birth}{order}");
    assert_eq!(first17.len(), 17, "region 6 + birth 8 + order 3");
    format!("{first17}{}", id_card_check_char(&first17))
}

/// Everything the service logs, at every level that matters, from the first call on: for tests
/// that check what the logs must never contain. One capture per test binary (a global
/// subscriber), so it also holds the lines of tests running alongside.
pub fn captured_logs() -> &'static CapturedLogs {
    static LOGS: std::sync::OnceLock<CapturedLogs> = std::sync::OnceLock::new();
    LOGS.get_or_init(|| {
        let buffer = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let sink = buffer.clone();
        let _ = tracing_subscriber::fmt()
            .with_env_filter(
                "info,zhucan=trace,poem=trace,poem_openapi=trace,sea_orm=debug,sqlx=debug",
            )
            .with_ansi(false)
            .with_writer(move || LogSink(sink.clone()))
            .try_init();
        CapturedLogs(buffer)
    })
}

pub struct CapturedLogs(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl CapturedLogs {
    pub fn text(&self) -> String {
        let bytes = self.0.lock().unwrap_or_else(|e| e.into_inner());
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

struct LogSink(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for LogSink {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A reply read into the API's view type `T`, or the typed error body it is.
///
/// The view is parsed with poem-openapi's own `ParseFromJSON` (and request bodies are written
/// with its `ToJSON`), not serde: it reads the wire exactly as the service writes it (field
/// names, enum values, `Yuan` as `"12.50"`), checks the answer against the schema's validators
/// as well, and needs no serde derive on the service's types, which would be a second
/// description of the wire that could disagree with the document.
pub struct Typed<T> {
    pub status: StatusCode,
    raw: Value,
    _view: std::marker::PhantomData<T>,
}

impl<T> std::fmt::Debug for Typed<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.status, self.raw)
    }
}

/// Reads `value` as the API type `T`, failing the test with the body when it is not one.
#[track_caller]
pub fn parse<T: ParseFromJSON>(value: &Value) -> T {
    T::parse_from_json(Some(value.clone())).unwrap_or_else(|e| {
        panic!(
            "the body is not a {}: {}: {value}",
            std::any::type_name::<T>(),
            e.message()
        )
    })
}

/// The JSON a request type sends, as the service's typed clients send it.
pub fn body_of<B: ToJSON>(body: &B) -> Value {
    body.to_json().unwrap_or(Value::Null)
}

/// Reads `value` as the view `T` and checks that `T` writes it back exactly: so an amount the
/// service wrote as `"12.5"` instead of `"12.50"`, a field the view does not know, or a `null`
/// where the field should be left out fails the test, as a string comparison on the body would.
#[track_caller]
pub fn parse_exact<T: ParseFromJSON + ToJSON>(value: &Value) -> T {
    let view: T = parse(value);
    assert_eq!(
        view.to_json().as_ref(),
        Some(value),
        "the body is not exactly what {} writes",
        std::any::type_name::<T>()
    );
    view
}

impl<T: ParseFromJSON + ToJSON> Typed<T> {
    /// The view, when the call succeeded; otherwise the test fails with the body.
    #[track_caller]
    pub fn ok(self) -> T {
        assert!(self.status.is_success(), "{} {}", self.status, self.raw);
        parse_exact(&self.raw)
    }

    /// Asserts this exact success status and returns the view.
    #[track_caller]
    pub fn ok_with(self, status: u16) -> T {
        assert_eq!(self.status.as_u16(), status, "body: {}", self.raw);
        parse_exact(&self.raw)
    }
}

impl<T> Typed<T> {
    pub fn from_reply(reply: Reply) -> Self {
        Self {
            status: reply.status,
            raw: reply.body,
            _view: std::marker::PhantomData,
        }
    }

    /// Asserts a refusal of the common error shape (status, code, Chinese message) and returns
    /// the error body.
    #[track_caller]
    pub fn error(&self, status: u16, code: &str) -> ErrorBody {
        Reply {
            status: self.status,
            body: self.raw.clone(),
        }
        .assert_error(status, code);
        parse(&self.raw)
    }

    /// Asserts a refusal that names the request field at fault.
    #[track_caller]
    pub fn field_error(&self, status: u16, code: &str, field: &str) -> ErrorBody {
        let body = self.error(status, code);
        assert_eq!(body.field.as_deref(), Some(field), "body: {}", self.raw);
        body
    }

    /// The error body, when the call was refused (for tests that count outcomes).
    pub fn refusal(&self) -> Option<ErrorBody> {
        (!self.status.is_success()).then(|| parse(&self.raw))
    }

    /// The code of the refusal, when the call was refused.
    pub fn code(&self) -> Option<String> {
        self.refusal().map(|body| body.code)
    }

    /// The body as sent, for what no view holds (a field that must be absent, say).
    pub fn raw(&self) -> &Value {
        &self.raw
    }
}

/// Typed calls: the body is a request type of the service, the answer its view type.
impl TestApp {
    pub async fn call<T>(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Typed<T> {
        Typed::from_reply(self.request(method, path, token, body).await)
    }

    pub async fn get_as<T>(&self, path: &str, token: Option<&str>) -> Typed<T> {
        self.call(Method::GET, path, token, None).await
    }

    pub async fn post_as<T>(
        &self,
        path: &str,
        token: Option<&str>,
        body: &impl ToJSON,
    ) -> Typed<T> {
        self.call(Method::POST, path, token, Some(body_of(body)))
            .await
    }

    pub async fn put_as<T>(&self, path: &str, token: Option<&str>, body: &impl ToJSON) -> Typed<T> {
        self.call(Method::PUT, path, token, Some(body_of(body)))
            .await
    }

    pub async fn patch_as<T>(
        &self,
        path: &str,
        token: Option<&str>,
        body: &impl ToJSON,
    ) -> Typed<T> {
        self.call(Method::PATCH, path, token, Some(body_of(body)))
            .await
    }

    pub async fn delete_as<T>(&self, path: &str, token: Option<&str>) -> Typed<T> {
        self.call(Method::DELETE, path, token, None).await
    }
}

/// The places domain's operations, typed.
impl TestApp {
    pub async fn districts(&self) -> Typed<Vec<zhucan::places::http::DistrictView>> {
        self.get_as("/api/v1/places/districts", None).await
    }

    pub async fn streets(&self, district: &str) -> Typed<Vec<zhucan::places::http::StreetView>> {
        self.get_as(
            &format!("/api/v1/places/districts/{district}/streets"),
            None,
        )
        .await
    }
}

/// The meal points domain's operations, typed.
impl TestApp {
    /// `GET /meal-points?{query}`: the public directory.
    pub async fn meal_points(&self, query: &str) -> Typed<Page<meal_points::MealPointSummary>> {
        self.get_as(&format!("/api/v1/meal-points?{query}"), None)
            .await
    }

    /// The meal points the caller (an operator) runs.
    pub async fn my_meal_points(&self, token: &str) -> Typed<Page<meal_points::MealPointSummary>> {
        self.get_as("/api/v1/me/meal-points", Some(token)).await
    }

    pub async fn meal_point(&self, id: i64) -> Typed<meal_points::MealPointView> {
        self.get_as(&format!("/api/v1/meal-points/{id}"), None)
            .await
    }

    /// `POST /meal-points` with a [`meal_points::NewMealPoint`] (or its JSON).
    pub async fn create_meal_point(
        &self,
        token: &str,
        body: &impl ToJSON,
    ) -> Typed<meal_points::MealPointView> {
        self.post_as("/api/v1/meal-points", Some(token), body).await
    }

    pub async fn assign_operator(
        &self,
        token: &str,
        meal_point_id: i64,
        account_id: i64,
    ) -> Typed<Vec<meal_points::OperatorView>> {
        self.post_as(
            &format!("/api/v1/meal-points/{meal_point_id}/operators/{account_id}"),
            Some(token),
            &json!({}),
        )
        .await
    }

    pub async fn set_labels(
        &self,
        token: &str,
        id: i64,
        body: &meal_points::LabelsInput,
    ) -> Typed<meal_points::MealPointView> {
        self.put_as(
            &format!("/api/v1/meal-points/{id}/labels"),
            Some(token),
            body,
        )
        .await
    }

    pub async fn operators(
        &self,
        token: &str,
        meal_point_id: i64,
    ) -> Typed<Vec<meal_points::OperatorView>> {
        self.get_as(
            &format!("/api/v1/meal-points/{meal_point_id}/operators"),
            Some(token),
        )
        .await
    }

    /// `GET /meal-points/near?{query}`.
    pub async fn near(&self, query: &str) -> Typed<Page<meal_points::NearbyMealPoint>> {
        self.get_as(&format!("/api/v1/meal-points/near?{query}"), None)
            .await
    }

    /// `PATCH /meal-points/{id}` with a [`meal_points::MealPointChanges`] (or its JSON).
    pub async fn change_meal_point(
        &self,
        token: &str,
        id: i64,
        body: &impl ToJSON,
    ) -> Typed<meal_points::MealPointView> {
        self.patch_as(&format!("/api/v1/meal-points/{id}"), Some(token), body)
            .await
    }

    pub async fn set_meal_point_status(
        &self,
        token: &str,
        id: i64,
        body: &meal_points::StatusInput,
    ) -> Typed<meal_points::MealPointView> {
        self.put_as(
            &format!("/api/v1/meal-points/{id}/status"),
            Some(token),
            body,
        )
        .await
    }
}

/// The 留样 domain's operations, typed.
impl TestApp {
    pub async fn sample_log(
        &self,
        token: &str,
        meal_point_id: i64,
        date: NaiveDate,
    ) -> Typed<samples::SampleLog> {
        self.get_as(
            &format!("/api/v1/meal-points/{meal_point_id}/samples?date={date}"),
            Some(token),
        )
        .await
    }

    pub async fn write_sample(
        &self,
        token: &str,
        meal_point_id: i64,
        body: &samples::SampleInput,
    ) -> Typed<samples::SampleEntryView> {
        self.put_as(
            &format!("/api/v1/meal-points/{meal_point_id}/samples"),
            Some(token),
            body,
        )
        .await
    }
}

/// Ratings' operations, typed.
impl TestApp {
    /// Rates a served order: a [`feedback::NewRatingBody`] (or JSON no request type can hold).
    pub async fn rate(
        &self,
        token: &str,
        order_id: &str,
        body: &impl ToJSON,
    ) -> Typed<feedback::RatingView> {
        self.post_as(
            &format!("/api/v1/orders/{order_id}/rating"),
            Some(token),
            body,
        )
        .await
    }

    pub async fn rating(&self, token: &str, order_id: &str) -> Typed<feedback::RatingView> {
        self.get_as(&format!("/api/v1/orders/{order_id}/rating"), Some(token))
            .await
    }

    /// A meal point's ratings, as the caller (or anyone, without a token) sees them.
    pub async fn ratings(
        &self,
        token: Option<&str>,
        meal_point_id: i64,
    ) -> Typed<Page<feedback::RatingView>> {
        self.get_as(
            &format!("/api/v1/meal-points/{meal_point_id}/ratings"),
            token,
        )
        .await
    }

    pub async fn reply_to_rating(
        &self,
        token: &str,
        rating_id: i64,
        text: &str,
    ) -> Typed<feedback::RatingView> {
        let body = feedback::ReplyBody { text: text.into() };
        self.post_as(
            &format!("/api/v1/ratings/{rating_id}/reply"),
            Some(token),
            &body,
        )
        .await
    }

    pub async fn hide_rating(
        &self,
        token: &str,
        rating_id: i64,
        reason: &str,
    ) -> Typed<feedback::RatingView> {
        let body = feedback::HideBody {
            reason: reason.into(),
        };
        self.post_as(
            &format!("/api/v1/ratings/{rating_id}/hide"),
            Some(token),
            &body,
        )
        .await
    }
}

/// Complaints' operations, typed.
impl TestApp {
    /// Files a complaint: a [`feedback::NewComplaintBody`] (or JSON no request type can hold).
    pub async fn complain(
        &self,
        token: &str,
        body: &impl ToJSON,
    ) -> Typed<feedback::ComplaintView> {
        self.post_as("/api/v1/complaints", Some(token), body).await
    }

    pub async fn complaint(&self, token: &str, id: i64) -> Typed<feedback::ComplaintView> {
        self.get_as(&format!("/api/v1/complaints/{id}"), Some(token))
            .await
    }

    /// `GET /complaints?{query}`: the complaints staff may see.
    pub async fn complaints(
        &self,
        token: &str,
        query: &str,
    ) -> Typed<Page<feedback::ComplaintView>> {
        self.get_as(&format!("/api/v1/complaints?{query}"), Some(token))
            .await
    }

    /// The caller's own complaints.
    pub async fn my_complaints(&self, token: &str) -> Typed<Page<feedback::ComplaintView>> {
        self.get_as("/api/v1/me/complaints", Some(token)).await
    }

    /// A step of a complaint (`acknowledge`, `resolve`, `escalate`, `close`) with its note.
    pub async fn complaint_step(
        &self,
        token: &str,
        id: i64,
        step: &str,
        note: Option<&str>,
    ) -> Typed<feedback::ComplaintView> {
        let body = feedback::NoteBody {
            note: note.map(str::to_owned),
        };
        self.post_as(
            &format!("/api/v1/complaints/{id}/{step}"),
            Some(token),
            &body,
        )
        .await
    }
}

/// Supervision's operations, typed.
impl TestApp {
    pub async fn inspect(
        &self,
        token: &str,
        meal_point_id: i64,
        body: &supervision::NewInspection,
    ) -> Typed<supervision::InspectionView> {
        self.post_as(
            &format!("/api/v1/meal-points/{meal_point_id}/inspections"),
            Some(token),
            body,
        )
        .await
    }

    pub async fn inspections(
        &self,
        token: &str,
        meal_point_id: i64,
    ) -> Typed<Page<supervision::InspectionView>> {
        self.get_as(
            &format!("/api/v1/meal-points/{meal_point_id}/inspections"),
            Some(token),
        )
        .await
    }

    /// The inspector's (or a clerk's) round: `GET /inspections/due?{query}`.
    pub async fn visits_due(&self, token: &str, query: &str) -> Typed<Page<visits::VisitDue>> {
        self.get_as(&format!("/api/v1/inspections/due?{query}"), Some(token))
            .await
    }

    /// The inspector's own visits, newest first.
    pub async fn my_inspections(&self, token: &str) -> Typed<Page<supervision::InspectionView>> {
        self.get_as("/api/v1/me/inspections", Some(token)).await
    }

    /// `GET /supervision/overview?{query}`.
    pub async fn overview(&self, token: &str, query: &str) -> Typed<supervision::Overview> {
        self.get_as(
            &format!("/api/v1/supervision/overview?{query}"),
            Some(token),
        )
        .await
    }

    pub async fn invite_inspector(
        &self,
        token: &str,
        body: &supervision::NewInspector,
    ) -> Typed<supervision::InspectorView> {
        self.post_as("/api/v1/inspectors", Some(token), body).await
    }
}

/// The orders domain's operations, typed.
impl TestApp {
    /// `POST /orders` with a [`orders::NewBooking`] (or, for tests that bend one field out of
    /// shape, its JSON).
    pub async fn book(&self, token: &str, body: &impl ToJSON) -> Typed<orders::OrderView> {
        self.post_as("/api/v1/orders", Some(token), body).await
    }

    pub async fn order(&self, token: &str, id: &str) -> Typed<orders::OrderView> {
        self.get_as(&format!("/api/v1/orders/{id}"), Some(token))
            .await
    }

    /// An elder's orders, as the elder, family or staff see them.
    pub async fn elder_orders(&self, token: &str, elder_id: i64) -> Typed<Vec<orders::OrderView>> {
        self.get_as(&format!("/api/v1/elders/{elder_id}/orders"), Some(token))
            .await
    }

    pub async fn cancel(
        &self,
        token: &str,
        id: &str,
        reason: Option<&str>,
    ) -> Typed<orders::OrderView> {
        let body = orders::CancelRequest {
            reason: reason.map(str::to_owned),
        };
        self.post_as(&format!("/api/v1/orders/{id}/cancel"), Some(token), &body)
            .await
    }

    pub async fn verify_pickup(
        &self,
        token: &str,
        meal_point_id: i64,
        code: &str,
    ) -> Typed<orders::OrderView> {
        let body = orders::PickupScan {
            code: code.to_owned(),
        };
        self.post_as(
            &format!("/api/v1/meal-points/{meal_point_id}/pickups"),
            Some(token),
            &body,
        )
        .await
    }

    pub async fn out_for_delivery(&self, token: &str, id: &str) -> Typed<orders::OrderView> {
        self.post_as(
            &format!("/api/v1/orders/{id}/out-for-delivery"),
            Some(token),
            &json!({}),
        )
        .await
    }

    pub async fn delivered(
        &self,
        token: &str,
        id: &str,
        signed_by: &str,
    ) -> Typed<orders::OrderView> {
        let body = orders::DeliverySignature {
            signed_by: signed_by.to_owned(),
        };
        self.post_as(
            &format!("/api/v1/orders/{id}/delivered"),
            Some(token),
            &body,
        )
        .await
    }

    pub async fn mark_no_shows(
        &self,
        token: &str,
        meal_point_id: i64,
        date: NaiveDate,
        slot: Slot,
    ) -> Typed<orders::NoShowsMarked> {
        self.post_as(
            &format!("/api/v1/meal-points/{meal_point_id}/no-shows"),
            Some(token),
            &orders::SlotRef { date, slot },
        )
        .await
    }

    /// The operator's day view of a meal point.
    pub async fn day_view(
        &self,
        token: &str,
        meal_point_id: i64,
        date: NaiveDate,
    ) -> Typed<orders::DayView> {
        self.get_as(
            &format!("/api/v1/meal-points/{meal_point_id}/day?date={date}"),
            Some(token),
        )
        .await
    }
}

/// The menus domain's operations, typed.
impl TestApp {
    pub async fn add_dish(
        &self,
        token: &str,
        meal_point_id: i64,
        body: &menus::NewDish,
    ) -> Typed<menus::DishView> {
        self.post_as(
            &format!("/api/v1/meal-points/{meal_point_id}/dishes"),
            Some(token),
            body,
        )
        .await
    }

    pub async fn change_dish(
        &self,
        token: &str,
        dish_id: i64,
        body: &menus::DishChanges,
    ) -> Typed<menus::DishView> {
        self.patch_as(&format!("/api/v1/dishes/{dish_id}"), Some(token), body)
            .await
    }

    pub async fn publish(
        &self,
        token: &str,
        meal_point_id: i64,
        offerings: Vec<menus::OfferingInput>,
    ) -> Typed<Vec<menus::OfferingView>> {
        self.post_as(
            &format!("/api/v1/meal-points/{meal_point_id}/offerings"),
            Some(token),
            &menus::NewOfferings { offerings },
        )
        .await
    }

    pub async fn change_offering(
        &self,
        token: &str,
        offering_id: i64,
        body: &menus::OfferingChanges,
    ) -> Typed<menus::OfferingView> {
        self.patch_as(
            &format!("/api/v1/offerings/{offering_id}"),
            Some(token),
            body,
        )
        .await
    }

    /// A meal point's dishes, inactive ones too, as its operator sees them.
    pub async fn dishes(&self, token: &str, meal_point_id: i64) -> Typed<Page<menus::DishView>> {
        self.get_as(
            &format!("/api/v1/meal-points/{meal_point_id}/dishes"),
            Some(token),
        )
        .await
    }

    /// Copies the week of Monday `from` to the week of Monday `to`.
    pub async fn copy_week(
        &self,
        token: &str,
        meal_point_id: i64,
        to: NaiveDate,
        from: NaiveDate,
    ) -> Typed<menus::WeekCopy> {
        self.post_as(
            &format!("/api/v1/meal-points/{meal_point_id}/weeks/{to}/copy-from/{from}"),
            Some(token),
            &json!({}),
        )
        .await
    }

    pub async fn withdraw_offering(
        &self,
        token: &str,
        offering_id: i64,
    ) -> Typed<zhucan::auth::http::Done> {
        self.delete_as(&format!("/api/v1/offerings/{offering_id}"), Some(token))
            .await
    }

    pub async fn dish_tags(&self) -> Typed<Vec<meal_points::CodeLabel>> {
        self.get_as("/api/v1/dish-tags", None).await
    }

    pub async fn allergens(&self) -> Typed<Vec<meal_points::CodeLabel>> {
        self.get_as("/api/v1/allergens", None).await
    }

    /// `GET /meal-points/{id}/menu?{query}` (the query may be empty: the default range).
    pub async fn menu_of(&self, meal_point_id: i64, query: &str) -> Typed<menus::Menu> {
        self.get_as(
            &format!("/api/v1/meal-points/{meal_point_id}/menu?{query}"),
            None,
        )
        .await
    }

    /// The public menu of a meal point from `from` to `to`.
    pub async fn menu(
        &self,
        meal_point_id: i64,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Typed<menus::Menu> {
        self.get_as(
            &format!("/api/v1/meal-points/{meal_point_id}/menu?from={from}&to={to}"),
            None,
        )
        .await
    }
}

/// The diets domain's operations, typed.
impl TestApp {
    pub async fn diet(&self, token: &str, elder_id: i64) -> Typed<diets::DietProfileView> {
        self.get_as(&format!("/api/v1/elders/{elder_id}/diet"), Some(token))
            .await
    }

    /// Keeps the elder's diet profile: a [`diets::DietProfileInput`], or JSON no input type can
    /// hold (an unknown code).
    pub async fn keep_diet(
        &self,
        token: &str,
        elder_id: i64,
        body: &impl ToJSON,
    ) -> Typed<diets::DietProfileView> {
        self.put_as(
            &format!("/api/v1/elders/{elder_id}/diet"),
            Some(token),
            body,
        )
        .await
    }

    pub async fn dish_fit(
        &self,
        token: &str,
        elder_id: i64,
        meal_point_id: i64,
    ) -> Typed<diets::DishFitList> {
        self.get_as(
            &format!("/api/v1/elders/{elder_id}/dish-fit?meal_point_id={meal_point_id}"),
            Some(token),
        )
        .await
    }

    /// The public list of diets, with their Chinese labels.
    pub async fn diet_labels(&self) -> Typed<Vec<diets::DietLabel>> {
        self.get_as("/api/v1/diets", None).await
    }
}

/// The elders domain's operations, typed.
impl TestApp {
    /// `POST /elders` with a [`elders::NewElderRequest`] (or its JSON).
    pub async fn register_elder(
        &self,
        token: &str,
        body: &impl ToJSON,
    ) -> Typed<elders::ElderView> {
        self.post_as("/api/v1/elders", Some(token), body).await
    }

    pub async fn elder(&self, token: &str, id: i64) -> Typed<elders::ElderView> {
        self.get_as(&format!("/api/v1/elders/{id}"), Some(token))
            .await
    }

    /// `GET /elders?{query}`: the elders a clerk or the city may see.
    pub async fn elders(&self, token: &str, query: &str) -> Typed<elders::ElderPage> {
        self.get_as(&format!("/api/v1/elders?{query}"), Some(token))
            .await
    }

    /// `PATCH /elders/{id}` with an [`elders::ElderPatch`] (or its JSON).
    pub async fn change_elder(
        &self,
        token: &str,
        id: i64,
        body: &impl ToJSON,
    ) -> Typed<elders::ElderView> {
        self.patch_as(&format!("/api/v1/elders/{id}"), Some(token), body)
            .await
    }

    pub async fn approve_elder(&self, token: &str, id: i64) -> Typed<elders::ElderView> {
        self.post_as(
            &format!("/api/v1/elders/{id}/approve"),
            Some(token),
            &json!({}),
        )
        .await
    }

    pub async fn reject_elder(
        &self,
        token: &str,
        id: i64,
        reason: &str,
    ) -> Typed<elders::ElderView> {
        let body = elders::Rejection {
            reason: reason.to_owned(),
        };
        self.post_as(&format!("/api/v1/elders/{id}/reject"), Some(token), &body)
            .await
    }

    pub async fn add_category(
        &self,
        token: &str,
        id: i64,
        category: ElderCategory,
    ) -> Typed<elders::ElderView> {
        let body = elders::CategoryRequest { category };
        self.post_as(
            &format!("/api/v1/elders/{id}/categories"),
            Some(token),
            &body,
        )
        .await
    }

    pub async fn remove_category(
        &self,
        token: &str,
        id: i64,
        category: ElderCategory,
    ) -> Typed<elders::ElderView> {
        self.delete_as(
            &format!("/api/v1/elders/{id}/categories/{category}"),
            Some(token),
        )
        .await
    }

    pub async fn category_history(
        &self,
        token: &str,
        id: i64,
    ) -> Typed<Vec<elders::CategoryHistoryView>> {
        self.get_as(
            &format!("/api/v1/elders/{id}/category-history"),
            Some(token),
        )
        .await
    }

    pub async fn find_elder_by_id_card(
        &self,
        token: &str,
        number: &str,
    ) -> Typed<elders::ElderView> {
        let body = elders::IdCardLookup {
            id_card: id_card(number),
        };
        let body = Carded::new(body, "id_card", number);
        self.post_as("/api/v1/elders/find-by-id-card", Some(token), &body)
            .await
    }

    /// A WeChat user registers themselves, to be reviewed by staff.
    pub async fn self_register(&self, token: &str, body: &impl ToJSON) -> Typed<elders::ElderView> {
        self.post_as("/api/v1/elders/self-registration", Some(token), body)
            .await
    }
}

/// Family links' operations, typed.
impl TestApp {
    pub async fn request_link(&self, token: &str, body: &impl ToJSON) -> Typed<elders::LinkView> {
        self.post_as("/api/v1/family-links", Some(token), body)
            .await
    }

    /// `GET /family-links?{query}`: the links the caller is party to or may review.
    pub async fn family_links(&self, token: &str, query: &str) -> Typed<elders::LinkPage> {
        self.get_as(&format!("/api/v1/family-links?{query}"), Some(token))
            .await
    }

    pub async fn reject_link(
        &self,
        token: &str,
        link_id: i64,
        reason: &str,
    ) -> Typed<elders::LinkView> {
        let body = elders::Rejection {
            reason: reason.to_owned(),
        };
        self.post_as(
            &format!("/api/v1/family-links/{link_id}/reject"),
            Some(token),
            &body,
        )
        .await
    }

    pub async fn unlink(&self, token: &str, link_id: i64) -> Typed<elders::LinkView> {
        self.delete_as(&format!("/api/v1/family-links/{link_id}"), Some(token))
            .await
    }

    pub async fn approve_link(&self, token: &str, link_id: i64) -> Typed<elders::LinkView> {
        self.post_as(
            &format!("/api/v1/family-links/{link_id}/approve"),
            Some(token),
            &json!({}),
        )
        .await
    }
}

/// Staff accounts' operations, typed.
impl TestApp {
    pub async fn staff_accounts(
        &self,
        token: &str,
    ) -> Typed<Vec<zhucan::auth::http::StaffAccountView>> {
        self.get_as("/api/v1/staff-accounts", Some(token)).await
    }

    pub async fn create_staff_account(
        &self,
        token: &str,
        body: &zhucan::auth::http::NewStaffAccount,
    ) -> Typed<zhucan::auth::http::StaffAccountView> {
        self.post_as("/api/v1/staff-accounts", Some(token), body)
            .await
    }

    /// Lifts a staff account's sign-in lock (city admin).
    pub async fn unlock_staff(&self, token: &str, id: i64) -> Typed<auth::StaffAccountView> {
        self.post_as(
            &format!("/api/v1/staff-accounts/{id}/unlock"),
            Some(token),
            &json!({}),
        )
        .await
    }
}

/// The subsidy domain's operations, typed.
impl TestApp {
    /// `GET /elders/{id}/quote?{query}`.
    pub async fn quote(
        &self,
        token: &str,
        elder_id: i64,
        query: &str,
    ) -> Typed<subsidy::QuoteView> {
        self.get_as(
            &format!("/api/v1/elders/{elder_id}/quote?{query}"),
            Some(token),
        )
        .await
    }

    /// Publishes a policy version, its TOML in a JSON body.
    pub async fn publish_policy(&self, token: &str, toml: &str) -> Typed<subsidy::PolicyView> {
        let body = subsidy::PolicyText {
            toml: toml.to_owned(),
        };
        self.post_as("/api/v1/subsidy-policies", Some(token), &body)
            .await
    }

    pub async fn policies(&self, token: &str) -> Typed<subsidy::PolicyPage> {
        self.get_as("/api/v1/subsidy-policies", Some(token)).await
    }

    pub async fn policy(&self, token: &str, version: &str) -> Typed<subsidy::PolicyView> {
        self.get_as(&format!("/api/v1/subsidy-policies/{version}"), Some(token))
            .await
    }

    pub async fn withdraw_policy(&self, token: &str, version: &str) -> Typed<subsidy::PolicyView> {
        self.delete_as(&format!("/api/v1/subsidy-policies/{version}"), Some(token))
            .await
    }

    /// Checks a policy draft (`toml`, and `what_if` meals) without publishing it.
    pub async fn check_policy_draft(
        &self,
        token: &str,
        body: &impl ToJSON,
    ) -> Typed<zhucan::subsidy::draft::DraftReport> {
        self.post_as("/api/v1/subsidy-policies/check", Some(token), body)
            .await
    }

    /// The elders the caller (an elder or family member) may act for.
    pub async fn my_elders(&self, token: &str) -> Typed<Vec<elders::MyElderView>> {
        self.get_as("/api/v1/me/elders", Some(token)).await
    }
}

/// The meal point's counter, typed.
impl TestApp {
    /// Finds the elder of a walk-in order by ID-card number and name.
    pub async fn counter_lookup(
        &self,
        token: &str,
        meal_point_id: i64,
        number: &str,
        name: &str,
    ) -> Typed<counter::CounterElder> {
        let lookup = counter::CounterLookup {
            id_card: id_card(number),
            name: name.to_owned(),
        };
        self.post_as(
            &format!("/api/v1/meal-points/{meal_point_id}/counter/elder"),
            Some(token),
            &Carded::new(lookup, "id_card", number),
        )
        .await
    }

    /// A meal point's orders of a day, as the counter and the kitchen list them.
    pub async fn day_orders(
        &self,
        token: &str,
        meal_point_id: i64,
        date: NaiveDate,
    ) -> Typed<counter::DayOrders> {
        self.get_as(
            &format!("/api/v1/meal-points/{meal_point_id}/orders?date={date}"),
            Some(token),
        )
        .await
    }
}

/// Same-city settlement's operations, typed.
impl TestApp {
    /// Creates a run for a month (`2026-11`).
    pub async fn create_run(&self, token: &str, month: &str) -> Typed<settlement::RunView> {
        let body = settlement::NewRun {
            month: Some(month.to_owned()),
            from: None,
            to: None,
        };
        self.post_as("/api/v1/settlement-runs", Some(token), &body)
            .await
    }

    /// Creates a run for any period, both ends included.
    pub async fn create_run_between(
        &self,
        token: &str,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Typed<settlement::RunView> {
        let body = settlement::NewRun {
            month: None,
            from: Some(from),
            to: Some(to),
        };
        self.post_as("/api/v1/settlement-runs", Some(token), &body)
            .await
    }

    pub async fn runs(&self, token: &str) -> Typed<Vec<settlement::RunSummary>> {
        self.get_as("/api/v1/settlement-runs", Some(token)).await
    }

    pub async fn run(&self, token: &str, id: i64) -> Typed<settlement::RunView> {
        self.get_as(&format!("/api/v1/settlement-runs/{id}"), Some(token))
            .await
    }

    /// A step of a run's life that takes no comment: `recompute`, `submit`, `confirm`, `reopen`,
    /// `approve`.
    pub async fn run_step(&self, token: &str, id: i64, step: &str) -> Typed<settlement::RunView> {
        self.post_as(
            &format!("/api/v1/settlement-runs/{id}/{step}"),
            Some(token),
            &json!({}),
        )
        .await
    }

    /// A district's review with a comment: `confirm`, `dispute` or `reopen`.
    pub async fn review_run(
        &self,
        token: &str,
        id: i64,
        step: &str,
        comment: Option<&str>,
    ) -> Typed<settlement::RunView> {
        let body = settlement::ReviewRequest {
            comment: comment.map(str::to_owned),
        };
        self.post_as(
            &format!("/api/v1/settlement-runs/{id}/{step}"),
            Some(token),
            &body,
        )
        .await
    }

    pub async fn run_matrix(&self, token: &str, id: i64) -> Typed<settlement::Matrix> {
        self.get_as(&format!("/api/v1/settlement-runs/{id}/matrix"), Some(token))
            .await
    }

    pub async fn net_positions(&self, token: &str, id: i64) -> Typed<settlement::NetPositions> {
        self.get_as(
            &format!("/api/v1/settlement-runs/{id}/net-positions"),
            Some(token),
        )
        .await
    }

    pub async fn district_statement(
        &self,
        token: &str,
        id: i64,
    ) -> Typed<settlement::DistrictStatement> {
        self.get_as(
            &format!("/api/v1/settlement-runs/{id}/districts"),
            Some(token),
        )
        .await
    }

    pub async fn meal_point_statement(
        &self,
        token: &str,
        id: i64,
    ) -> Typed<settlement::MealPointStatement> {
        self.get_as(
            &format!("/api/v1/settlement-runs/{id}/meal-points"),
            Some(token),
        )
        .await
    }

    pub async fn adjustments(
        &self,
        token: &str,
        id: i64,
    ) -> Typed<Vec<settlement::AdjustmentView>> {
        self.get_as(
            &format!("/api/v1/settlement-runs/{id}/adjustments"),
            Some(token),
        )
        .await
    }

    /// Takes back an order's meal as invalid in a draft run.
    pub async fn add_adjustment(
        &self,
        token: &str,
        id: i64,
        order_id: &str,
        reason: &str,
    ) -> Typed<settlement::AdjustmentView> {
        let body = settlement::NewAdjustment {
            order_id: order_id.to_owned(),
            reason: reason.to_owned(),
        };
        self.post_as(
            &format!("/api/v1/settlement-runs/{id}/adjustments"),
            Some(token),
            &body,
        )
        .await
    }

    pub async fn run_audit(&self, token: &str, id: i64) -> Typed<Vec<settlement::AuditEntry>> {
        self.get_as(&format!("/api/v1/settlement-runs/{id}/audit"), Some(token))
            .await
    }
}

/// The dashboard's operations (and the plan's targets), typed.
impl TestApp {
    pub async fn plan_targets(&self, token: &str) -> Typed<Vec<dashboard::TargetView>> {
        self.get_as("/api/v1/plan-targets", Some(token)).await
    }

    /// Replaces every target with these `(scope, from_year, to_year, target)`.
    pub async fn replace_plan_targets(
        &self,
        token: &str,
        targets: &[(&str, i32, i32, i32)],
    ) -> Typed<Vec<dashboard::TargetView>> {
        let body = dashboard::TargetList {
            targets: targets
                .iter()
                .map(
                    |&(scope, from_year, to_year, target)| dashboard::TargetEntry {
                        scope: scope.to_owned(),
                        from_year,
                        to_year,
                        target,
                    },
                )
                .collect(),
        };
        self.put_as("/api/v1/plan-targets", Some(token), &body)
            .await
    }

    /// Imports targets from a CSV sent in a JSON body.
    pub async fn import_plan_targets(
        &self,
        token: &str,
        csv: &str,
    ) -> Typed<Vec<dashboard::TargetView>> {
        let body = dashboard::CsvText {
            csv: csv.to_owned(),
        };
        self.post_as("/api/v1/plan-targets/import", Some(token), &body)
            .await
    }

    pub async fn plan_progress(&self, token: &str) -> Typed<dashboard::PlanProgressView> {
        self.get_as("/api/v1/dashboard/plan-progress", Some(token))
            .await
    }

    /// `GET /dashboard/meals-per-day?{query}`.
    pub async fn meals_per_day(
        &self,
        token: &str,
        query: &str,
    ) -> Typed<dashboard::MealsPerDayView> {
        self.get_as(
            &format!("/api/v1/dashboard/meals-per-day?{query}"),
            Some(token),
        )
        .await
    }

    /// `GET /dashboard/subsidy-per-month?{query}`.
    pub async fn subsidy_per_month(
        &self,
        token: &str,
        query: &str,
    ) -> Typed<dashboard::SubsidyPerMonthView> {
        self.get_as(
            &format!("/api/v1/dashboard/subsidy-per-month?{query}"),
            Some(token),
        )
        .await
    }

    /// `GET /dashboard/cross-district?{query}`.
    pub async fn cross_district(
        &self,
        token: &str,
        query: &str,
    ) -> Typed<dashboard::CrossDistrictView> {
        self.get_as(
            &format!("/api/v1/dashboard/cross-district?{query}"),
            Some(token),
        )
        .await
    }

    /// `GET /dashboard/feedback?{query}`.
    pub async fn dashboard_feedback(
        &self,
        token: &str,
        query: &str,
    ) -> Typed<dashboard::FeedbackView> {
        self.get_as(&format!("/api/v1/dashboard/feedback?{query}"), Some(token))
            .await
    }

    /// The service's clock (public).
    pub async fn clock(&self) -> Typed<dashboard::ClockView> {
        self.get_as("/api/v1/clock", None).await
    }
}

/// A value of the API's vocabulary (an enum) as the wire writes it.
pub fn wire<T: ToJSON>(value: &T) -> String {
    match value.to_json() {
        Some(Value::String(text)) => text,
        other => panic!("not a word of the vocabulary: {other:?}"),
    }
}

/// A yuan amount as the API writes it (`"12.50"`), read through the API's own parser.
pub fn yuan(text: &str) -> Yuan {
    parse(&json!(text))
}

/// An ID-card number as a request type holds it. It is never written out by the type itself
/// (`IdCardText` writes `***`, so it cannot leak): send the request as a [`Carded`].
pub fn id_card(number: &str) -> IdCardText {
    parse(&json!(number))
}

/// A request that carries an ID-card number in `field`: its body is the request's own JSON with
/// the number put in, as the mini program sends it.
pub struct Carded<T> {
    pub request: T,
    pub field: &'static str,
    pub number: String,
}

impl<T: ToJSON> Carded<T> {
    pub fn new(request: T, field: &'static str, number: &str) -> Self {
        Self {
            request,
            field,
            number: number.to_owned(),
        }
    }
}

impl<T: ToJSON> poem_openapi::types::Type for Carded<T> {
    const IS_REQUIRED: bool = true;
    type RawValueType = Self;
    type RawElementValueType = Self;

    fn name() -> std::borrow::Cow<'static, str> {
        T::name()
    }

    fn schema_ref() -> poem_openapi::registry::MetaSchemaRef {
        T::schema_ref()
    }

    fn as_raw_value(&self) -> Option<&Self::RawValueType> {
        Some(self)
    }

    fn raw_element_iter<'a>(
        &'a self,
    ) -> Box<dyn Iterator<Item = &'a Self::RawElementValueType> + 'a> {
        Box::new(self.as_raw_value().into_iter())
    }
}

impl<T: ToJSON> ToJSON for Carded<T> {
    fn to_json(&self) -> Option<Value> {
        let mut body = self.request.to_json()?;
        body[self.field] = json!(self.number);
        Some(body)
    }
}

/// Sends these requests all at once and counts the answers by status: for tests that check a
/// limit holds under parallel attempts.
pub async fn all_at_once(requests: Vec<reqwest::RequestBuilder>) -> HashMap<u16, usize> {
    let sent: Vec<_> = requests
        .into_iter()
        .map(|request| {
            tokio::spawn(async move { request.send().await.expect("the server answers").status() })
        })
        .collect();
    let mut counts = HashMap::new();
    for answer in sent {
        *counts
            .entry(answer.await.expect("the request task").as_u16())
            .or_default() += 1;
    }
    counts
}

/// The check character of the first 17 characters of an ID-card number (GB 11643): weights
/// 2^(17-i) mod 11, check (12 - sum mod 11) mod 11, 10 written `X`. Computed here independently
/// of the service.
pub fn id_card_check_char(first17: &str) -> char {
    let sum: u32 = first17
        .bytes()
        .enumerate()
        .map(|(i, b)| u32::from(b - b'0') * (2u32.pow(17 - i as u32) % 11))
        .sum();
    let check = (12 - sum % 11) % 11;
    if check == 10 {
        'X'
    } else {
        char::from_digit(check, 10).unwrap()
    }
}
