//! `spawn_app()`: a real server on a free port, with its own database, the fake WeChat server,
//! and a clock the test can move.
//!
//! # How tests talk to the API (the pattern to follow)
//!
//! A test drives the real HTTP API and reads answers into **the API's own view types**
//! (`zhucan::orders::http::OrderView` …, which derive `Deserialize` for this), never into
//! `serde_json::Value` picked apart by hand: a field renamed in the API breaks the test at compile
//! time, and `order.price.elder_share` says what it is. Each operation a domain's tests use is one
//! typed method of [`TestApp`] (`app.book(&token, &body)`, `app.order(&token, &id)`,
//! `app.cancel(…)`, `app.verify_pickup(…)`), returning a [`Typed`] reply: `.ok()` is the view (and
//! fails the test, printing the body, on anything else), `.error(status, code)` checks a refusal
//! of the common shape. Fixtures that several files need (the demo operator's kitchen, an elder
//! registered by the city, a family member linked to them) live in [`fixtures`] once, not copied
//! per file. The untyped `get`/`post`/`Reply` stay for tests not converted yet and for probing
//! malformed requests.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, Days, Duration, Months, NaiveDate, Utc, Weekday};
use reqwest::{Method, StatusCode};
use sea_orm::{ConnectionTrait, Database};
use serde_json::{Value, json};
use tokio::sync::OnceCell;
use zhucan::{
    clock::{Clock, shanghai_to_utc, shanghai_today},
    config::Config,
    demo::{DEMO_PASSWORD, DemoScope},
    startup::{Application, BuildOptions},
    state::AppState,
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
    shanghai_to_utc(date(days).and_hms_opt(hour, minute, 0).unwrap()).to_rfc3339()
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
        self.staff_login(username, DEMO_PASSWORD).await.assert_ok()["token"]
            .as_str()
            .unwrap()
            .to_string()
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
        self.post("/api/v1/auth/wechat", None, json!({ "code": code }))
            .await
            .assert_ok()["token"]
            .as_str()
            .unwrap()
            .to_string()
    }

    /// The account id behind a token (`GET /me`).
    pub async fn account_id(&self, token: &str) -> i64 {
        self.get("/api/v1/me", Some(token)).await.assert_ok()["id"]
            .as_i64()
            .unwrap()
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

/// A reply read into the API's view type `T` (or left as the error body it is).
#[derive(Debug)]
pub struct Typed<T> {
    pub status: StatusCode,
    raw: Value,
    _view: std::marker::PhantomData<T>,
}

impl<T: serde::de::DeserializeOwned> Typed<T> {
    pub fn from_reply(reply: Reply) -> Self {
        Self {
            status: reply.status,
            raw: reply.body,
            _view: std::marker::PhantomData,
        }
    }

    /// The view, when the call succeeded; otherwise the test fails with the body.
    #[track_caller]
    pub fn ok(self) -> T {
        assert!(self.status.is_success(), "{} {}", self.status, self.raw);
        serde_json::from_value(self.raw.clone())
            .unwrap_or_else(|e| panic!("the reply is not the view: {e}: {}", self.raw))
    }

    /// Asserts a refusal of the common error shape (status, code, Chinese message).
    #[track_caller]
    pub fn error(&self, status: u16, code: &str) -> &Value {
        Reply {
            status: self.status,
            body: self.raw.clone(),
        }
        .assert_error(status, code);
        &self.raw
    }

    /// The body as sent, for what no view holds (a field that must be absent, say).
    pub fn raw(&self) -> &Value {
        &self.raw
    }
}

/// The orders domain's operations, typed.
impl TestApp {
    pub async fn book(&self, token: &str, body: &Value) -> Typed<zhucan::orders::http::OrderView> {
        Typed::from_reply(self.post("/api/v1/orders", Some(token), body.clone()).await)
    }

    pub async fn order(&self, token: &str, id: &str) -> Typed<zhucan::orders::http::OrderView> {
        Typed::from_reply(self.get(&format!("/api/v1/orders/{id}"), Some(token)).await)
    }

    pub async fn cancel(
        &self,
        token: &str,
        id: &str,
        reason: Option<&str>,
    ) -> Typed<zhucan::orders::http::OrderView> {
        let body = match reason {
            Some(reason) => json!({ "reason": reason }),
            None => json!({}),
        };
        Typed::from_reply(
            self.post(&format!("/api/v1/orders/{id}/cancel"), Some(token), body)
                .await,
        )
    }

    pub async fn verify_pickup(
        &self,
        token: &str,
        meal_point_id: i64,
        code: &str,
    ) -> Typed<zhucan::orders::http::OrderView> {
        Typed::from_reply(
            self.post(
                &format!("/api/v1/meal-points/{meal_point_id}/pickups"),
                Some(token),
                json!({ "code": code }),
            )
            .await,
        )
    }
}

/// The elders domain's operations, typed.
impl TestApp {
    pub async fn register_elder(
        &self,
        token: &str,
        body: &Value,
    ) -> Typed<zhucan::elders::http::ElderView> {
        Typed::from_reply(self.post("/api/v1/elders", Some(token), body.clone()).await)
    }

    pub async fn elder(&self, token: &str, id: i64) -> Typed<zhucan::elders::http::ElderView> {
        Typed::from_reply(self.get(&format!("/api/v1/elders/{id}"), Some(token)).await)
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
