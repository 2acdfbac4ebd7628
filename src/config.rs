//! Configuration from environment variables, optionally preceded by a `KEY=VALUE` file named by
//! `ZHUCAN_CONFIG` (real environment variables win over the file).
//!
//! Every setting has a safe default for a developer's machine, so `cargo run` needs none of them.
//! A setting that is present but wrong stops start-up with a message that names it; production mode
//! refuses the defaults that only make sense on a laptop (SQLite, in-process peak ordering, the fake
//! WeChat server).

use std::{collections::HashMap, net::SocketAddr, path::PathBuf};

/// `demo` runs with demo data and the fake WeChat server; `production` insists on the real parts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Demo,
    Production,
}

#[derive(Clone, Debug)]
pub struct Config {
    pub mode: Mode,
    pub listen_addr: SocketAddr,
    pub database_url: String,
    pub database_pool_size: u32,
    pub redis_url: Option<String>,
    /// Prefix of every Redis key this installation writes (tests give each test its own).
    pub redis_key_prefix: String,
    pub wechat: WeChatConfig,
    /// WeChat Pay in partner (服务商) mode, for the elder's share.
    pub wechat_pay: WeChatPayConfig,
    /// WeChat subscribe messages (订阅消息).
    pub notices: NoticeConfig,
    pub session_ttl: chrono::Duration,
    /// How long after a slot closes an unserved order becomes a no-show.
    pub no_show_grace: chrono::Duration,
    /// Bookings running at once (`ZHUCAN_BOOKING_CONCURRENCY`, default 64).
    pub booking_concurrency: usize,
    /// Bookings waiting for a turn at most (`ZHUCAN_BOOKING_QUEUE`, default 256); more are shed.
    pub booking_queue: usize,
    /// How long a booking waits for a turn before it is shed (`ZHUCAN_BOOKING_QUEUE_WAIT_MS`,
    /// default 100).
    pub booking_queue_wait_ms: u64,
    /// Seed demo data into an empty database (demo mode only).
    pub seed_demo_data: bool,
    /// Serve the browsable API docs at `/docs` (the page inlines 1.6 MB of JavaScript).
    pub serve_docs: bool,
    /// Encrypts personal data at rest (ID-card numbers) and keys its look-up hashes.
    pub data_key: DataKey,
    /// The built H5 page of the mini program, served at `/h5/`.
    pub h5_dir: PathBuf,
    /// The built staff console, served at `/console/`.
    pub console_dir: PathBuf,
    /// Demo only: the service's clock starts at this instant and runs on from there, so a
    /// browser test can book tomorrow's lunch and then, restarted, serve it.
    pub clock_start: Option<chrono::DateTime<chrono::Utc>>,
    /// How long after an order is served it may be rated.
    pub rating_window: chrono::Duration,
    /// The rating summary's "recent" average covers this much time.
    pub rating_recent_window: chrono::Duration,
    /// Hours to acknowledge and to resolve a complaint, per category.
    pub complaint_deadlines: crate::feedback::rules::Deadlines,
    /// How often the background sweep escalates complaints past their deadline.
    pub escalation_sweep_every: std::time::Duration,
    /// How many proxies in front of the service (a load balancer: 1) append to
    /// `X-Forwarded-For`; 0 reads the client's address from the connection itself.
    pub trusted_proxy_hops: usize,
}

#[derive(Clone, Debug)]
pub struct WeChatConfig {
    /// `None` in demo mode means: start the bundled fake WeChat server and use it.
    pub api_base: Option<String>,
    pub app_id: String,
    pub app_secret: Secret,
}

/// WeChat Pay API v3, partner mode: the platform is the service provider (服务商, `sp_mchid`) and
/// each meal point a sub-merchant (子商户, `sub_mchid`, kept per meal point), so the money goes to
/// the meal point and the platform holds none.
#[derive(Clone, Debug)]
pub struct WeChatPayConfig {
    /// `WECHATPAY_API_BASE`. `None` in demo mode means: start the bundled fake WeChat Pay.
    pub api_base: Option<String>,
    /// `WECHATPAY_SP_MCHID`: the service provider's merchant number.
    pub sp_mchid: String,
    /// `WECHATPAY_MERCHANT_SERIAL`: the serial of the merchant API certificate whose key signs.
    pub merchant_serial: String,
    /// `WECHATPAY_MERCHANT_KEY_FILE`: the merchant API private key (PKCS#8 PEM, apiclient_key.pem).
    /// Demo mode without it makes a key pair at start and hands the public half to the fake.
    pub merchant_key_file: Option<PathBuf>,
    /// `WECHATPAY_APIV3_KEY`: the 32-character APIv3 key that encrypts notifications.
    pub apiv3_key: Secret,
    /// `WECHATPAY_PUBLIC_KEY_ID` and `WECHATPAY_PUBLIC_KEY_FILE`: the platform's public key
    /// (微信支付公钥, `PUB_KEY_ID_…`) that signs answers and notifications.
    pub platform_key_id: String,
    pub platform_key_file: Option<PathBuf>,
    /// `WECHATPAY_NOTIFY_BASE`: the service's public https address WeChat Pay posts to (the paths
    /// `/wechatpay/notify` and `/wechatpay/refund-notify` are added). Demo: the bound address.
    pub notify_base: Option<String>,
    /// `ZHUCAN_PAYMENT_MINUTES` (default 10): how long an online booking waits for its payment,
    /// never past the cutoff.
    pub payment_window: chrono::Duration,
    /// `ZHUCAN_PAYMENT_SWEEP_SECONDS` (default 30): how often lapsed payments are looked at.
    pub sweep_every: std::time::Duration,
}

/// Subscribe messages: the templates chosen in the mini program's admin (订阅消息 → 我的模板) and
/// how the sender works.
#[derive(Clone, Debug)]
pub struct NoticeConfig {
    /// `WECHAT_TEMPLATE_<KIND>` per notice kind; demo: `demo-<kind>`.
    pub templates: std::collections::BTreeMap<vocabulary::NoticeKind, String>,
    /// `ZHUCAN_REMINDER_HOURS_BEFORE` (default 17: lunch at 11:00 is reminded at 18:00 the
    /// evening before).
    pub reminder_lead: chrono::Duration,
    /// `ZHUCAN_NOTICE_SWEEP_SECONDS` (default 10): how often due notices are looked for.
    pub sweep_every: std::time::Duration,
    /// `ZHUCAN_NOTICE_RETRY_SECONDS` (default 60): the first retry's wait, doubled per attempt.
    pub retry_base: chrono::Duration,
    /// `ZHUCAN_NOTICE_ATTEMPTS` (default 6): tries before a notice is given up as failed.
    pub max_attempts: i32,
    /// `WECHAT_MINIPROGRAM_STATE`: which version a tap on the message opens (`formal` default,
    /// `trial`, `developer`).
    pub miniprogram_state: &'static str,
}

/// The template id of the demo (the fake WeChat takes any).
pub const DEMO_TEMPLATE_PREFIX: &str = "demo-";

fn notice_config<'a>(get: &impl Fn(&str) -> Option<&'a str>) -> Result<NoticeConfig, ConfigError> {
    use vocabulary::NoticeKind;
    let mut templates = std::collections::BTreeMap::new();
    for &kind in NoticeKind::ALL {
        let setting: &'static str = match kind {
            NoticeKind::BookingConfirmed => "WECHAT_TEMPLATE_BOOKING_CONFIRMED",
            NoticeKind::SlotReminder => "WECHAT_TEMPLATE_SLOT_REMINDER",
            NoticeKind::ClosureCancelled => "WECHAT_TEMPLATE_CLOSURE_CANCELLED",
            NoticeKind::NoShowAlert => "WECHAT_TEMPLATE_NO_SHOW_ALERT",
            NoticeKind::RefundMade => "WECHAT_TEMPLATE_REFUND_MADE",
            NoticeKind::ComplaintStep => "WECHAT_TEMPLATE_COMPLAINT_STEP",
            NoticeKind::RatingReply => "WECHAT_TEMPLATE_RATING_REPLY",
        };
        let id = match get(setting) {
            Some(id) if id.len() <= 64 && id.chars().all(|c| c.is_ascii_graphic()) => {
                id.to_string()
            }
            Some(_) => return Err(bad(setting, "must be a template id (ASCII, at most 64)")),
            None => format!("{DEMO_TEMPLATE_PREFIX}{}", kind.as_str().replace('_', "-")),
        };
        if templates.values().any(|other| *other == id) {
            return Err(bad(setting, "each notice needs a template of its own"));
        }
        templates.insert(kind, id);
    }
    let lead_hours = parse_number(
        get("ZHUCAN_REMINDER_HOURS_BEFORE"),
        "ZHUCAN_REMINDER_HOURS_BEFORE",
        17,
        1..=48,
    )?;
    let sweep_seconds = parse_number(
        get("ZHUCAN_NOTICE_SWEEP_SECONDS"),
        "ZHUCAN_NOTICE_SWEEP_SECONDS",
        10u64,
        1..=600,
    )?;
    let retry_seconds = parse_number(
        get("ZHUCAN_NOTICE_RETRY_SECONDS"),
        "ZHUCAN_NOTICE_RETRY_SECONDS",
        60,
        1..=3600,
    )?;
    let max_attempts = parse_number(
        get("ZHUCAN_NOTICE_ATTEMPTS"),
        "ZHUCAN_NOTICE_ATTEMPTS",
        6,
        1..=20,
    )?;
    let miniprogram_state = match get("WECHAT_MINIPROGRAM_STATE").unwrap_or("formal") {
        "formal" => "formal",
        "trial" => "trial",
        "developer" => "developer",
        _ => {
            return Err(bad(
                "WECHAT_MINIPROGRAM_STATE",
                "must be formal, trial or developer",
            ));
        }
    };
    Ok(NoticeConfig {
        templates,
        reminder_lead: chrono::Duration::hours(lead_hours),
        sweep_every: std::time::Duration::from_secs(sweep_seconds),
        retry_base: chrono::Duration::seconds(retry_seconds),
        max_attempts,
        miniprogram_state,
    })
}

/// The settings the bundled fake WeChat Pay accepts (demo and tests).
pub const FAKE_WECHATPAY_SP_MCHID: &str = "1900000109";
pub const FAKE_WECHATPAY_SERIAL: &str = "FAKE-MERCHANT-SERIAL";
pub const FAKE_WECHATPAY_APIV3_KEY: &str = "zhucan-fake-apiv3-key-demo-only!";
pub const FAKE_WECHATPAY_PUBLIC_KEY_ID: &str = "PUB_KEY_ID_FAKE_ZHUCAN";

/// A string that never shows in logs or `Debug` output.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("***")
    }
}

/// The 256-bit key that protects personal data at rest (`ZHUCAN_DATA_KEY`, 64 hex characters).
/// Like [`Secret`], it never shows in logs or `Debug` output.
#[derive(Clone, PartialEq, Eq)]
pub struct DataKey([u8; 32]);

impl DataKey {
    /// Reads 64 hex characters.
    pub fn from_hex(text: &str) -> Option<Self> {
        let mut key = [0u8; 32];
        hex::decode_to_slice(text, &mut key).ok()?;
        Some(Self(key))
    }

    pub fn expose(&self) -> &[u8; 32] {
        &self.0
    }
}

impl std::fmt::Debug for DataKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("***")
    }
}

/// DEMO ONLY, PUBLIC, NOT SECRET: the data key of demo mode when `ZHUCAN_DATA_KEY` is not set, so
/// `cargo run` and the tests work without setup. Production refuses it (and refuses to start
/// without a key of its own), since anything encrypted with a published key is in the clear.
pub const DEMO_DATA_KEY_HEX: &str =
    "64656d6f2d6f6e6c792d6b65792d7a687563616e2d6e6f742d612d7365637265";

/// Where `npm run build:h5` in `miniapp/` puts the H5 page (relative to the working directory,
/// which is the repository's root under `cargo run`).
pub const DEFAULT_H5_DIR: &str = "miniapp/dist/build/h5";

/// Where `npm run build` in `console/` puts the staff console.
pub const DEFAULT_CONSOLE_DIR: &str = "console/dist";

/// The app id and secret the bundled fake WeChat server accepts.
pub const FAKE_WECHAT_APP_ID: &str = "wx-zhucan-demo";
pub const FAKE_WECHAT_APP_SECRET: &str = "fake-wechat-secret-for-demo-only";

fn wechat_pay_config<'a>(
    get: &impl Fn(&str) -> Option<&'a str>,
) -> Result<WeChatPayConfig, ConfigError> {
    let url = |name: &'static str| -> Result<Option<String>, ConfigError> {
        match get(name) {
            Some(base) if base.starts_with("http://") || base.starts_with("https://") => {
                Ok(Some(base.trim_end_matches('/').to_string()))
            }
            Some(_) => Err(bad(name, "must be an http(s) URL")),
            None => Ok(None),
        }
    };
    let apiv3_key = get("WECHATPAY_APIV3_KEY").unwrap_or(FAKE_WECHATPAY_APIV3_KEY);
    if apiv3_key.len() != 32 {
        return Err(bad(
            "WECHATPAY_APIV3_KEY",
            "must be the 32-character APIv3 key set in the merchant platform",
        ));
    }
    let payment_minutes = parse_number(
        get("ZHUCAN_PAYMENT_MINUTES"),
        "ZHUCAN_PAYMENT_MINUTES",
        10,
        1..=120,
    )?;
    let sweep_seconds = parse_number(
        get("ZHUCAN_PAYMENT_SWEEP_SECONDS"),
        "ZHUCAN_PAYMENT_SWEEP_SECONDS",
        30u64,
        1..=600,
    )?;
    Ok(WeChatPayConfig {
        api_base: url("WECHATPAY_API_BASE")?,
        sp_mchid: get("WECHATPAY_SP_MCHID")
            .unwrap_or(FAKE_WECHATPAY_SP_MCHID)
            .to_string(),
        merchant_serial: get("WECHATPAY_MERCHANT_SERIAL")
            .unwrap_or(FAKE_WECHATPAY_SERIAL)
            .to_string(),
        merchant_key_file: get("WECHATPAY_MERCHANT_KEY_FILE").map(PathBuf::from),
        apiv3_key: Secret::new(apiv3_key),
        platform_key_id: get("WECHATPAY_PUBLIC_KEY_ID")
            .unwrap_or(FAKE_WECHATPAY_PUBLIC_KEY_ID)
            .to_string(),
        platform_key_file: get("WECHATPAY_PUBLIC_KEY_FILE").map(PathBuf::from),
        notify_base: url("WECHATPAY_NOTIFY_BASE")?,
        payment_window: chrono::Duration::minutes(payment_minutes),
        sweep_every: std::time::Duration::from_secs(sweep_seconds),
    })
}

/// A setting that could not be used, with the name of the setting.
#[derive(Debug, thiserror::Error)]
#[error("configuration {setting}: {problem}")]
pub struct ConfigError {
    pub setting: &'static str,
    pub problem: String,
}

fn bad(setting: &'static str, problem: impl Into<String>) -> ConfigError {
    ConfigError {
        setting,
        problem: problem.into(),
    }
}

impl Config {
    /// Reads the process environment (and the optional `ZHUCAN_CONFIG` file).
    pub fn from_env() -> Result<Self, ConfigError> {
        let mut vars: HashMap<String, String> = HashMap::new();
        if let Ok(path) = std::env::var("ZHUCAN_CONFIG") {
            let entries = dotenvy::from_path_iter(PathBuf::from(&path))
                .map_err(|e| bad("ZHUCAN_CONFIG", format!("cannot read {path}: {e}")))?;
            for entry in entries {
                let (key, value) =
                    entry.map_err(|e| bad("ZHUCAN_CONFIG", format!("{path}: {e}")))?;
                vars.insert(key, value);
            }
        }
        vars.extend(std::env::vars());
        Self::from_vars(&vars)
    }

    /// Builds a configuration from a map of settings; `from_env` and the tests both use it.
    pub fn from_vars(vars: &HashMap<String, String>) -> Result<Self, ConfigError> {
        let get = |name: &str| vars.get(name).map(|v| v.trim()).filter(|v| !v.is_empty());

        let mode = match get("ZHUCAN_MODE").unwrap_or("demo") {
            "demo" => Mode::Demo,
            "production" => Mode::Production,
            other => {
                return Err(bad(
                    "ZHUCAN_MODE",
                    format!("`{other}` is neither `demo` nor `production`"),
                ));
            }
        };
        let listen_addr = get("ZHUCAN_ADDR")
            .unwrap_or("127.0.0.1:8080")
            .parse()
            .map_err(|e| {
                bad(
                    "ZHUCAN_ADDR",
                    format!("not a socket address like 127.0.0.1:8080 ({e})"),
                )
            })?;

        let database_url = match get("DATABASE_URL") {
            Some(url) => {
                if !(url.starts_with("postgres://")
                    || url.starts_with("postgresql://")
                    || url.starts_with("sqlite:"))
                {
                    return Err(bad(
                        "DATABASE_URL",
                        "must start with postgres:// or sqlite: (e.g. postgres://127.0.0.1/test)",
                    ));
                }
                url.to_string()
            }
            None => "sqlite://data/zhucan.db?mode=rwc".to_string(),
        };
        let database_pool_size =
            parse_number(get("ZHUCAN_DB_POOL"), "ZHUCAN_DB_POOL", 10, 1..=200)?;

        let redis_url = match get("REDIS_URL") {
            Some(url) => {
                redis::Client::open(url)
                    .map_err(|e| bad("REDIS_URL", format!("not a Redis URL ({e})")))?;
                Some(url.to_string())
            }
            None => None,
        };

        let redis_key_prefix = get("ZHUCAN_REDIS_PREFIX").unwrap_or("zc:").to_string();
        if redis_key_prefix.contains(['{', '}', ' ']) {
            return Err(bad(
                "ZHUCAN_REDIS_PREFIX",
                "must not contain braces or spaces (braces would break the per-meal-point hash tag)",
            ));
        }
        let no_show_grace_minutes = parse_number(
            get("ZHUCAN_NO_SHOW_GRACE_MINUTES"),
            "ZHUCAN_NO_SHOW_GRACE_MINUTES",
            60,
            0..=24 * 60,
        )?;

        let booking_concurrency = parse_number(
            get("ZHUCAN_BOOKING_CONCURRENCY"),
            "ZHUCAN_BOOKING_CONCURRENCY",
            64,
            1..=100_000,
        )?;
        let booking_queue = parse_number(
            get("ZHUCAN_BOOKING_QUEUE"),
            "ZHUCAN_BOOKING_QUEUE",
            256,
            0..=1_000_000,
        )?;
        let booking_queue_wait_ms = parse_number(
            get("ZHUCAN_BOOKING_QUEUE_WAIT_MS"),
            "ZHUCAN_BOOKING_QUEUE_WAIT_MS",
            100,
            0..=60_000,
        )?;

        let session_minutes = parse_number(
            get("ZHUCAN_SESSION_TTL_MINUTES"),
            "ZHUCAN_SESSION_TTL_MINUTES",
            7 * 24 * 60,
            1..=90 * 24 * 60,
        )?;

        let api_base = match get("WECHAT_API_BASE") {
            Some(base) => {
                if !(base.starts_with("http://") || base.starts_with("https://")) {
                    return Err(bad("WECHAT_API_BASE", "must be an http(s) URL"));
                }
                Some(base.trim_end_matches('/').to_string())
            }
            None => None,
        };
        let wechat = WeChatConfig {
            api_base,
            app_id: get("WECHAT_APPID")
                .unwrap_or(FAKE_WECHAT_APP_ID)
                .to_string(),
            app_secret: Secret::new(get("WECHAT_SECRET").unwrap_or(FAKE_WECHAT_APP_SECRET)),
        };

        let wechat_pay = wechat_pay_config(&get)?;
        let notices = notice_config(&get)?;

        let seed_demo_data = parse_bool(
            get("ZHUCAN_SEED_DEMO"),
            "ZHUCAN_SEED_DEMO",
            mode == Mode::Demo,
        )?;
        let serve_docs = parse_bool(get("ZHUCAN_DOCS"), "ZHUCAN_DOCS", true)?;

        let data_key = match (get("ZHUCAN_DATA_KEY"), mode) {
            (Some(text), _) => DataKey::from_hex(text).ok_or_else(|| {
                bad(
                    "ZHUCAN_DATA_KEY",
                    "must be 64 hex characters (a 256-bit key), e.g. from `openssl rand -hex 32`",
                )
            })?,
            (None, Mode::Demo) => DataKey::from_hex(DEMO_DATA_KEY_HEX)
                .ok_or_else(|| bad("ZHUCAN_DATA_KEY", "the built-in demo key is malformed"))?,
            (None, Mode::Production) => {
                return Err(bad(
                    "ZHUCAN_DATA_KEY",
                    "production needs its own 256-bit key (64 hex characters) to encrypt ID-card \
                     numbers; keep it outside the database and never change it without re-encrypting",
                ));
            }
        };

        let h5_dir = PathBuf::from(get("ZHUCAN_H5_DIR").unwrap_or(DEFAULT_H5_DIR));
        let console_dir = PathBuf::from(get("ZHUCAN_CONSOLE_DIR").unwrap_or(DEFAULT_CONSOLE_DIR));
        let clock_start = match get("ZHUCAN_CLOCK_START") {
            Some(text) => Some(
                chrono::DateTime::parse_from_rfc3339(text)
                    .map_err(|e| {
                        bad(
                            "ZHUCAN_CLOCK_START",
                            format!(
                                "`{text}` is not an RFC 3339 instant like 2026-11-24T10:30:00+08:00 ({e})"
                            ),
                        )
                    })?
                    .with_timezone(&chrono::Utc),
            ),
            None => None,
        };
        let rating_window_days = parse_number(
            get("ZHUCAN_RATING_WINDOW_DAYS"),
            "ZHUCAN_RATING_WINDOW_DAYS",
            7,
            1..=90,
        )?;
        let rating_recent_days = parse_number(
            get("ZHUCAN_RATING_RECENT_DAYS"),
            "ZHUCAN_RATING_RECENT_DAYS",
            30,
            1..=365,
        )?;
        let complaint_deadlines = crate::feedback::rules::Deadlines::with_overrides(
            get("ZHUCAN_COMPLAINT_DEADLINES").unwrap_or_default(),
        )
        .map_err(|problem| bad("ZHUCAN_COMPLAINT_DEADLINES", problem))?;
        let escalation_sweep_seconds = parse_number(
            get("ZHUCAN_ESCALATION_SWEEP_SECONDS"),
            "ZHUCAN_ESCALATION_SWEEP_SECONDS",
            60u64,
            1..=3600,
        )?;

        let trusted_proxy_hops = parse_number(
            get("ZHUCAN_TRUSTED_PROXY_HOPS"),
            "ZHUCAN_TRUSTED_PROXY_HOPS",
            0usize,
            0..=5,
        )?;

        let config = Config {
            mode,
            listen_addr,
            database_url,
            database_pool_size,
            redis_url,
            redis_key_prefix,
            wechat,
            wechat_pay,
            notices,
            session_ttl: chrono::Duration::minutes(session_minutes),
            no_show_grace: chrono::Duration::minutes(no_show_grace_minutes),
            booking_concurrency,
            booking_queue,
            booking_queue_wait_ms,
            seed_demo_data,
            serve_docs,
            data_key,
            h5_dir,
            console_dir,
            clock_start,
            rating_window: chrono::Duration::days(rating_window_days),
            rating_recent_window: chrono::Duration::days(rating_recent_days),
            complaint_deadlines,
            escalation_sweep_every: std::time::Duration::from_secs(escalation_sweep_seconds),
            trusted_proxy_hops,
        };
        if mode == Mode::Production {
            config.check_production()?;
        }
        Ok(config)
    }

    /// Production pays through the real WeChat Pay with keys of its own, never the fake's.
    fn check_production_pay(&self) -> Result<(), ConfigError> {
        let pay = &self.wechat_pay;
        match pay.api_base.as_deref() {
            Some(base) if base.starts_with("https://") => {}
            _ => {
                return Err(bad(
                    "WECHATPAY_API_BASE",
                    "production needs the real WeChat Pay API base, https://api.mch.weixin.qq.com",
                ));
            }
        }
        let refusals: [(&'static str, bool, &str); 6] = [
            (
                "WECHATPAY_SP_MCHID",
                pay.sp_mchid == FAKE_WECHATPAY_SP_MCHID,
                "production needs the service provider's own merchant number",
            ),
            (
                "WECHATPAY_MERCHANT_SERIAL",
                pay.merchant_serial == FAKE_WECHATPAY_SERIAL,
                "production needs the serial of the merchant API certificate",
            ),
            (
                "WECHATPAY_MERCHANT_KEY_FILE",
                pay.merchant_key_file.is_none(),
                "production needs the merchant API private key (apiclient_key.pem)",
            ),
            (
                "WECHATPAY_APIV3_KEY",
                pay.apiv3_key.expose() == FAKE_WECHATPAY_APIV3_KEY,
                "the demo APIv3 key is public; production needs its own",
            ),
            (
                "WECHATPAY_PUBLIC_KEY_FILE",
                pay.platform_key_file.is_none()
                    || pay.platform_key_id == FAKE_WECHATPAY_PUBLIC_KEY_ID,
                "production needs WeChat Pay's public key and its id (PUB_KEY_ID_…)",
            ),
            (
                "WECHATPAY_NOTIFY_BASE",
                !pay.notify_base
                    .as_deref()
                    .is_some_and(|base| base.starts_with("https://")),
                "production needs the service's public https address for payment notifications",
            ),
        ];
        match refusals.into_iter().find(|(_, refused, _)| *refused) {
            Some((setting, _, problem)) => Err(bad(setting, problem)),
            None => Ok(()),
        }
    }

    /// Production must talk to the real WeChat with a real secret and keep its data in the real
    /// engines; every laptop default is refused here, by name.
    fn check_production(&self) -> Result<(), ConfigError> {
        let base = self.wechat.api_base.as_deref().ok_or_else(|| {
            bad(
                "WECHAT_API_BASE",
                "production needs the real WeChat API base, e.g. https://api.weixin.qq.com",
            )
        })?;
        let host = base
            .split("://")
            .nth(1)
            .unwrap_or_default()
            .split(['/', ':'])
            .next()
            .unwrap_or_default();
        if !base.starts_with("https://")
            || host == "localhost"
            || host.starts_with("127.")
            || host == "[::1]"
        {
            return Err(bad(
                "WECHAT_API_BASE",
                format!(
                    "`{base}` looks like the fake WeChat server; production needs https://api.weixin.qq.com"
                ),
            ));
        }
        if self.wechat.app_id == FAKE_WECHAT_APP_ID {
            return Err(bad(
                "WECHAT_APPID",
                "production needs the mini program's real app id",
            ));
        }
        if let Some((kind, _)) = self
            .notices
            .templates
            .iter()
            .find(|(_, id)| id.starts_with(DEMO_TEMPLATE_PREFIX))
        {
            return Err(bad(
                "WECHAT_TEMPLATE_*",
                format!(
                    "production needs the subscribe template chosen for {kind} (WECHAT_TEMPLATE_{})",
                    kind.as_str().to_uppercase()
                ),
            ));
        }
        if self.wechat.app_secret.expose() == FAKE_WECHAT_APP_SECRET {
            return Err(bad(
                "WECHAT_SECRET",
                "production needs the mini program's real app secret",
            ));
        }
        if !self.database_url.starts_with("postgres") {
            return Err(bad(
                "DATABASE_URL",
                "production keeps its data in PostgreSQL (postgres://…)",
            ));
        }
        if self.redis_url.is_none() {
            return Err(bad(
                "REDIS_URL",
                "production takes the lunch peak through Redis (redis://…)",
            ));
        }
        self.check_production_pay()?;
        if self.seed_demo_data {
            return Err(bad(
                "ZHUCAN_SEED_DEMO",
                "demo data is never seeded in production",
            ));
        }
        if self.clock_start.is_some() {
            return Err(bad(
                "ZHUCAN_CLOCK_START",
                "production runs on the real clock; a moved clock is for demos and tests",
            ));
        }
        if Some(&self.data_key) == DataKey::from_hex(DEMO_DATA_KEY_HEX).as_ref() {
            return Err(bad(
                "ZHUCAN_DATA_KEY",
                "the demo key is public; production needs a key of its own",
            ));
        }
        Ok(())
    }
}

fn parse_number<T: std::str::FromStr + PartialOrd + std::fmt::Display + Copy>(
    raw: Option<&str>,
    setting: &'static str,
    default: T,
    range: std::ops::RangeInclusive<T>,
) -> Result<T, ConfigError> {
    let Some(raw) = raw else { return Ok(default) };
    let value: T = raw
        .parse()
        .map_err(|_| bad(setting, format!("`{raw}` is not a number")))?;
    if !range.contains(&value) {
        return Err(bad(
            setting,
            format!("{value} is outside {}..={}", range.start(), range.end()),
        ));
    }
    Ok(value)
}

fn parse_bool(
    raw: Option<&str>,
    setting: &'static str,
    default: bool,
) -> Result<bool, ConfigError> {
    match raw {
        None => Ok(default),
        Some("1" | "true" | "yes" | "on") => Ok(true),
        Some("0" | "false" | "no" | "off") => Ok(false),
        Some(other) => Err(bad(setting, format!("`{other}` is not true/false"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn defaults_run_on_a_fresh_machine() {
        let config = Config::from_vars(&vars(&[])).unwrap();
        assert_eq!(config.mode, Mode::Demo);
        assert_eq!(config.listen_addr.to_string(), "127.0.0.1:8080");
        assert!(config.database_url.starts_with("sqlite://data/"));
        assert!(config.redis_url.is_none());
        assert!(config.wechat.api_base.is_none());
        assert!(config.seed_demo_data);
        assert_eq!(config.h5_dir, PathBuf::from("miniapp/dist/build/h5"));
        assert_eq!(config.console_dir, PathBuf::from("console/dist"));
        assert!(config.clock_start.is_none());
    }

    #[test]
    fn demo_mode_may_start_the_clock_elsewhere() {
        let config = Config::from_vars(&vars(&[(
            "ZHUCAN_CLOCK_START",
            "2026-11-24T10:30:00+08:00",
        )]))
        .unwrap();
        assert_eq!(
            config.clock_start.unwrap().to_rfc3339(),
            "2026-11-24T02:30:00+00:00"
        );
    }

    #[test]
    fn a_bad_setting_is_named() {
        for (setting, value) in [
            ("ZHUCAN_ADDR", "not-an-address"),
            ("ZHUCAN_MODE", "staging"),
            ("DATABASE_URL", "mysql://x"),
            ("REDIS_URL", "http://not-redis"),
            ("WECHAT_API_BASE", "ftp://x"),
            ("ZHUCAN_SESSION_TTL_MINUTES", "0"),
            ("ZHUCAN_DB_POOL", "many"),
            ("ZHUCAN_SEED_DEMO", "maybe"),
            ("ZHUCAN_REDIS_PREFIX", "{bad}"),
            ("ZHUCAN_NO_SHOW_GRACE_MINUTES", "-5"),
            ("ZHUCAN_DATA_KEY", "not-hex"),
            ("ZHUCAN_DATA_KEY", "abcd"),
            ("ZHUCAN_CLOCK_START", "tomorrow"),
            ("ZHUCAN_RATING_WINDOW_DAYS", "0"),
            ("ZHUCAN_COMPLAINT_DEADLINES", "food_safety=72/24"),
            ("ZHUCAN_ESCALATION_SWEEP_SECONDS", "0"),
        ] {
            let err = Config::from_vars(&vars(&[(setting, value)])).unwrap_err();
            assert_eq!(err.setting, setting, "{value}");
            assert!(err.to_string().contains(setting));
        }
    }

    #[test]
    fn production_refuses_the_fake_wechat_and_laptop_defaults() {
        let real = [
            ("ZHUCAN_MODE", "production"),
            ("WECHAT_API_BASE", "https://api.weixin.qq.com"),
            ("WECHAT_APPID", "wx1234567890"),
            ("WECHAT_SECRET", "real-secret"),
            ("DATABASE_URL", "postgres://db/zhucan"),
            ("REDIS_URL", "redis://cache:6379"),
            (
                "ZHUCAN_DATA_KEY",
                "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
            ),
            ("WECHATPAY_API_BASE", "https://api.mch.weixin.qq.com"),
            ("WECHATPAY_SP_MCHID", "1230000109"),
            (
                "WECHATPAY_MERCHANT_SERIAL",
                "5157F09EFDC096DE15EBE81A47057A72",
            ),
            (
                "WECHATPAY_MERCHANT_KEY_FILE",
                "/etc/zhucan/apiclient_key.pem",
            ),
            ("WECHATPAY_APIV3_KEY", "a-real-apiv3-key-of-32-chars-abc"),
            ("WECHATPAY_PUBLIC_KEY_ID", "PUB_KEY_ID_0112345678"),
            ("WECHATPAY_PUBLIC_KEY_FILE", "/etc/zhucan/pub_key.pem"),
            ("WECHATPAY_NOTIFY_BASE", "https://zhucan.example.cn"),
            ("WECHAT_TEMPLATE_BOOKING_CONFIRMED", "tmpl-real-booked"),
            ("WECHAT_TEMPLATE_SLOT_REMINDER", "tmpl-real-reminder"),
            ("WECHAT_TEMPLATE_CLOSURE_CANCELLED", "tmpl-real-closure"),
            ("WECHAT_TEMPLATE_NO_SHOW_ALERT", "tmpl-real-no-show"),
            ("WECHAT_TEMPLATE_REFUND_MADE", "tmpl-real-refund"),
            ("WECHAT_TEMPLATE_COMPLAINT_STEP", "tmpl-real-complaint"),
            ("WECHAT_TEMPLATE_RATING_REPLY", "tmpl-real-reply"),
        ];
        assert!(Config::from_vars(&vars(&real)).is_ok());

        let with = |setting: &str, value: &str| {
            let mut v = vars(&real);
            v.insert(setting.to_string(), value.to_string());
            Config::from_vars(&v).unwrap_err().setting
        };
        assert_eq!(
            with("WECHAT_API_BASE", "http://127.0.0.1:9000"),
            "WECHAT_API_BASE"
        );
        assert_eq!(
            with("WECHAT_API_BASE", "https://localhost:9000"),
            "WECHAT_API_BASE"
        );
        assert_eq!(
            with("WECHAT_SECRET", FAKE_WECHAT_APP_SECRET),
            "WECHAT_SECRET"
        );
        assert_eq!(with("WECHAT_APPID", FAKE_WECHAT_APP_ID), "WECHAT_APPID");
        assert_eq!(
            with("WECHAT_TEMPLATE_NO_SHOW_ALERT", "demo-no-show-alert"),
            "WECHAT_TEMPLATE_*"
        );
        assert_eq!(
            with("WECHAT_TEMPLATE_RATING_REPLY", "tmpl-real-booked"),
            "WECHAT_TEMPLATE_RATING_REPLY"
        );
        for (setting, fake) in [
            ("WECHATPAY_API_BASE", "http://127.0.0.1:9101"),
            ("WECHATPAY_SP_MCHID", FAKE_WECHATPAY_SP_MCHID),
            ("WECHATPAY_MERCHANT_SERIAL", FAKE_WECHATPAY_SERIAL),
            ("WECHATPAY_APIV3_KEY", FAKE_WECHATPAY_APIV3_KEY),
            ("WECHATPAY_NOTIFY_BASE", "http://10.0.0.5:8080"),
        ] {
            assert_eq!(with(setting, fake), setting);
        }
        for setting in [
            "WECHATPAY_API_BASE",
            "WECHATPAY_MERCHANT_KEY_FILE",
            "WECHATPAY_PUBLIC_KEY_FILE",
        ] {
            let mut missing = vars(&real);
            missing.remove(setting);
            assert_eq!(Config::from_vars(&missing).unwrap_err().setting, setting);
        }
        assert_eq!(with("DATABASE_URL", "sqlite://x.db"), "DATABASE_URL");
        assert_eq!(with("ZHUCAN_SEED_DEMO", "true"), "ZHUCAN_SEED_DEMO");
        assert_eq!(
            with("ZHUCAN_CLOCK_START", "2026-11-24T10:30:00+08:00"),
            "ZHUCAN_CLOCK_START"
        );

        let mut no_base = vars(&real);
        no_base.remove("WECHAT_API_BASE");
        assert_eq!(
            Config::from_vars(&no_base).unwrap_err().setting,
            "WECHAT_API_BASE"
        );
        assert_eq!(
            with("ZHUCAN_DATA_KEY", DEMO_DATA_KEY_HEX),
            "ZHUCAN_DATA_KEY"
        );
        let mut no_key = vars(&real);
        no_key.remove("ZHUCAN_DATA_KEY");
        let err = Config::from_vars(&no_key).unwrap_err();
        assert_eq!(err.setting, "ZHUCAN_DATA_KEY");
        assert!(err.to_string().contains("ZHUCAN_DATA_KEY"));

        let mut no_redis = vars(&real);
        no_redis.remove("REDIS_URL");
        assert_eq!(
            Config::from_vars(&no_redis).unwrap_err().setting,
            "REDIS_URL"
        );
    }

    #[test]
    fn the_secret_never_prints() {
        let key = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
        let config = Config::from_vars(&vars(&[
            ("WECHAT_SECRET", "s3cr3t"),
            ("ZHUCAN_DATA_KEY", key),
        ]))
        .unwrap();
        let shown = format!("{config:?}");
        assert!(!shown.contains("s3cr3t"));
        assert!(!shown.contains("00112233"), "{shown}");
        assert!(!shown.contains("[0, 17, 34"), "{shown}");
    }

    #[test]
    fn demo_mode_has_a_data_key_and_accepts_its_own() {
        let demo = Config::from_vars(&vars(&[])).unwrap();
        assert_eq!(
            Some(&demo.data_key),
            DataKey::from_hex(DEMO_DATA_KEY_HEX).as_ref()
        );
        let key = "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100";
        let own = Config::from_vars(&vars(&[("ZHUCAN_DATA_KEY", key)])).unwrap();
        assert_eq!(own.data_key.expose()[0], 0xff);
        // Upper-case hex is as good as lower-case.
        let upper = Config::from_vars(&vars(&[("ZHUCAN_DATA_KEY", &key.to_uppercase())])).unwrap();
        assert_eq!(upper.data_key, own.data_key);
    }
}
