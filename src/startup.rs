//! Building and running the application: connect, migrate, seed, bind, serve.

use std::{net::SocketAddr, sync::Arc, time::Duration};

use poem::{
    Server,
    listener::{Acceptor, Listener, TcpAcceptor, TcpListener},
};

use crate::{
    api,
    clock::Clock,
    config::{Config, ConfigError, Mode},
    db, demo,
    orders::{limiter::AttemptLimiter, writer::OrderWriter},
    state::AppState,
    wechat::{
        WeChatClient,
        fake::FakeWeChat,
        pay::{
            PayClient,
            client::PayClientKeys,
            crypto::{ApiV3Key, PublicKey, SigningIdentity},
            fake::{FakeWeChatPay, demo_keys},
        },
    },
};

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("DATABASE_URL: cannot open the database ({0})")]
    Database(#[source] sea_orm::DbErr),
    #[error("REDIS_URL: cannot reach Redis ({0})")]
    Redis(#[source] redis::RedisError),
    #[error("ZHUCAN_ADDR: cannot listen on {addr} ({source})")]
    Listen {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("cannot start the fake WeChat server ({0})")]
    FakeWeChat(#[source] std::io::Error),
    #[error("cannot build the WeChat client ({0})")]
    WeChatClient(#[source] reqwest::Error),
    #[error("WeChat Pay: {0}")]
    WeChatPay(String),
    #[error("REDIS_URL: cannot set up peak ordering ({0})")]
    Reservations(#[source] crate::orders::reservation::ReservationError),
    #[error("demo data: {0}")]
    Demo(String),
}

/// How tests (and only tests) bend the build: a clock they can move, a PostgreSQL schema of their
/// own, how much demo data to seed.
#[derive(Clone)]
pub struct BuildOptions {
    pub clock: Clock,
    pub db_schema: Option<String>,
    pub demo_scope: demo::DemoScope,
}

impl Default for BuildOptions {
    fn default() -> Self {
        Self {
            clock: Clock::system(),
            db_schema: None,
            demo_scope: demo::DemoScope::WithServedMonth,
        }
    }
}

pub struct Application {
    acceptor: TcpAcceptor,
    local_addr: SocketAddr,
    state: AppState,
    fake_wechat: Option<FakeWeChat>,
    fake_pay: Option<FakeWeChatPay>,
    demo_accounts: Vec<demo::DemoAccount>,
}

impl Application {
    pub async fn build(config: Config) -> Result<Self, StartupError> {
        let mut options = BuildOptions::default();
        // `Config` refuses a clock start in production.
        if let Some(start) = config.clock_start {
            options.clock = Clock::starting_at(start);
        }
        Self::build_with(config, options).await
    }

    pub async fn build_with(config: Config, options: BuildOptions) -> Result<Self, StartupError> {
        let db = db::connect(
            &config.database_url,
            config.database_pool_size,
            options.db_schema.as_deref(),
        )
        .await
        .map_err(StartupError::Database)?;

        let redis = match &config.redis_url {
            Some(url) => Some(connect_redis(url).await.map_err(StartupError::Redis)?),
            None => None,
        };

        let (fake_wechat, api_base) = match (&config.wechat.api_base, config.mode) {
            (Some(base), _) => (None, base.clone()),
            (None, Mode::Demo) => {
                let fake =
                    FakeWeChat::new(&config.wechat.app_id, config.wechat.app_secret.expose());
                let addr = fake
                    .spawn("127.0.0.1:0")
                    .await
                    .map_err(StartupError::FakeWeChat)?;
                (Some(fake), format!("http://{addr}"))
            }
            // `Config` already refuses production without a base URL.
            (None, Mode::Production) => unreachable!("production config names WECHAT_API_BASE"),
        };
        let wechat =
            WeChatClient::new(&config.wechat, api_base).map_err(StartupError::WeChatClient)?;

        let booking_gate = Arc::new(crate::orders::admission::BookingGate::new(
            config.booking_concurrency,
            config.booking_queue,
            std::time::Duration::from_millis(config.booking_queue_wait_ms),
        ));
        // Bound before the state is built: WeChat Pay is told where to send notifications.
        let addr = config.listen_addr;
        let acceptor = TcpListener::bind(addr)
            .into_acceptor()
            .await
            .map_err(|source| StartupError::Listen { addr, source })?;
        let local_addr = acceptor
            .local_addr()
            .first()
            .and_then(|a| a.as_socket_addr().copied())
            .unwrap_or(addr);
        let (pay, fake_pay) = wechat_pay(&config, &options.clock, local_addr).await?;

        let reservations = crate::orders::reservation::connect(
            config.redis_url.as_deref(),
            crate::orders::reservation::RedisReservationsConfig {
                key_prefix: config.redis_key_prefix.clone(),
                ..Default::default()
            },
            options.clock.clone(),
        )
        .await
        .map_err(StartupError::Reservations)?;
        let attempt_limiter = match &redis {
            Some(conn) => AttemptLimiter::Redis {
                conn: conn.clone(),
                prefix: config.redis_key_prefix.clone(),
            },
            None => AttemptLimiter::in_process(),
        };
        let throttle = match &redis {
            Some(conn) => crate::throttle::Throttle::Redis {
                conn: conn.clone(),
                prefix: config.redis_key_prefix.clone(),
            },
            None => crate::throttle::Throttle::in_process(),
        };
        let order_writer = OrderWriter::spawn(db.clone(), config.notices.reminder_lead);

        let tokens = crate::wechat::token::AccessTokens::new(
            wechat.clone(),
            options.clock.clone(),
            &db,
            redis
                .clone()
                .map(|conn| (conn, config.redis_key_prefix.clone())),
        );
        let notices = Arc::new(crate::notices::service::Sender::new(tokens));
        let state = AppState {
            db,
            redis,
            wechat,
            notices,
            pay,
            reservations,
            order_writer,
            attempt_limiter,
            throttle,
            clock: options.clock,
            config: Arc::new(config),
            caches: Arc::new(crate::state::HotCaches::default()),
            booking_gate,
            reactions: crate::state::Reactions {
                bookings: Arc::new(crate::orders::reactions::Bookings),
                offerings: Arc::new(crate::menus::reactions::Reschedule),
                ratings: Arc::new(crate::feedback::reactions::Glances),
                capacity: Arc::new(crate::orders::reactions::Bookings),
                payment_terms: Arc::new(crate::payments::reactions::Payments),
            },
        };

        let demo_accounts = if state.config.seed_demo_data {
            demo::seed_if_empty(&state, options.demo_scope)
                .await
                .map_err(|e| StartupError::Demo(e.to_string()))?;
            demo::DEMO_ACCOUNTS.to_vec()
        } else {
            Vec::new()
        };

        crate::orders::service::spawn_no_show_sweeper(state.clone());
        crate::orders::service::spawn_lease_sweeper(state.clone());
        crate::feedback::service::spawn_escalation_sweeper(state.clone());
        crate::payments::service::spawn_sweeper(state.clone());
        crate::notices::service::spawn_sender(
            state.db.clone(),
            state.clock.clone(),
            state.config.notices.clone(),
            state.notices.clone(),
        );
        crate::reconciliation::service::spawn_importer(state.clone());

        Ok(Self {
            acceptor,
            local_addr,
            state,
            fake_wechat,
            fake_pay,
            demo_accounts,
        })
    }

    /// The bound address (the real port when `ZHUCAN_ADDR` asked for port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// The in-process fake WeChat server, when demo mode started one.
    pub fn fake_wechat(&self) -> Option<&FakeWeChat> {
        self.fake_wechat.as_ref()
    }

    /// The in-process fake WeChat Pay, when demo mode started one.
    pub fn fake_pay(&self) -> Option<&FakeWeChatPay> {
        self.fake_pay.as_ref()
    }

    pub fn demo_accounts(&self) -> &[demo::DemoAccount] {
        &self.demo_accounts
    }

    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        Server::new_with_acceptor(self.acceptor)
            .run_with_graceful_shutdown(
                api::app(self.state),
                async {
                    let _ = tokio::signal::ctrl_c().await;
                },
                Some(Duration::from_secs(10)),
            )
            .await
    }
}

/// The WeChat Pay client: against the real one with the configured keys, or (demo mode without
/// `WECHATPAY_API_BASE`) against a fake started here with key pairs made for this process.
async fn wechat_pay(
    config: &Config,
    clock: &Clock,
    local_addr: SocketAddr,
) -> Result<(PayClient, Option<FakeWeChatPay>), StartupError> {
    let pay = &config.wechat_pay;
    let failed = |what: String| StartupError::WeChatPay(what);
    let apiv3 = ApiV3Key::new(pay.apiv3_key.expose()).map_err(|e| failed(e.to_string()))?;
    let read = |setting: &str, path: &std::path::Path| {
        std::fs::read_to_string(path)
            .map_err(|e| failed(format!("{setting}: cannot read {} ({e})", path.display())))
    };
    let notify_base = pay
        .notify_base
        .clone()
        .unwrap_or_else(|| format!("http://{local_addr}"));
    let (api_base, keys, fake) = match (&pay.api_base, config.mode) {
        (Some(base), _) => {
            let (Some(key_file), Some(platform_file)) =
                (&pay.merchant_key_file, &pay.platform_key_file)
            else {
                return Err(failed(
                    "WECHATPAY_API_BASE needs WECHATPAY_MERCHANT_KEY_FILE and WECHATPAY_PUBLIC_KEY_FILE"
                        .into(),
                ));
            };
            let merchant = SigningIdentity::from_pem(
                &pay.merchant_serial,
                &read("WECHATPAY_MERCHANT_KEY_FILE", key_file)?,
            )
            .map_err(|e| failed(format!("WECHATPAY_MERCHANT_KEY_FILE: {e}")))?;
            let platform = PublicKey::from_pem(
                &pay.platform_key_id,
                &read("WECHATPAY_PUBLIC_KEY_FILE", platform_file)?,
            )
            .map_err(|e| failed(format!("WECHATPAY_PUBLIC_KEY_FILE: {e}")))?;
            let keys = PayClientKeys {
                merchant,
                apiv3,
                platform: vec![platform],
            };
            (base.clone(), keys, None)
        }
        (None, Mode::Demo) => {
            let demo = demo_keys(&pay.merchant_serial, &pay.platform_key_id);
            let fake = FakeWeChatPay::new(
                &pay.sp_mchid,
                &config.wechat.app_id,
                demo.merchant.verifier(),
                demo.platform.clone(),
                apiv3.clone(),
                clock.clone(),
            );
            let addr = fake
                .spawn("127.0.0.1:0")
                .await
                .map_err(|e| failed(format!("cannot start the fake WeChat Pay ({e})")))?;
            let keys = PayClientKeys {
                merchant: demo.merchant.clone(),
                apiv3,
                platform: vec![fake.platform_public_key()],
            };
            (format!("http://{addr}"), keys, Some(fake))
        }
        (None, Mode::Production) => unreachable!("production config names WECHATPAY_API_BASE"),
    };
    let client = PayClient::new(
        api_base,
        pay.sp_mchid.clone(),
        config.wechat.app_id.clone(),
        keys,
        notify_base,
        clock.clone(),
    )
    .map_err(|e| failed(format!("cannot build the client ({e})")))?;
    Ok((client, fake))
}

async fn connect_redis(url: &str) -> Result<redis::aio::ConnectionManager, redis::RedisError> {
    let client = redis::Client::open(url)?;
    let config = redis::aio::ConnectionManagerConfig::new()
        .set_connection_timeout(Some(Duration::from_secs(2)))
        .set_response_timeout(Some(Duration::from_secs(2)));
    redis::aio::ConnectionManager::new_with_config(client, config).await
}
