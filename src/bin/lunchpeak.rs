//! `lunchpeak`: the 10:30 stampede, measured and checked.
//!
//! One run, one process: it starts the real service on a fresh PostgreSQL schema and a fresh
//! Redis key prefix, seeds meal points, dishes and portions through the service's own API (with
//! demand above supply), measures two anchors on the same machine in the same sitting (the raw
//! Redis reservation script, and the usual PostgreSQL row-lock booking), then drives the real
//! HTTP booking endpoint with an open-loop lunch-peak ramp that includes same-key retries, and
//! finally verifies: nothing oversold, one order per idempotency key, every acknowledged order
//! in PostgreSQL. Any correctness failure exits non-zero.
//!
//! `cargo run --release --bin lunchpeak -- --help`

use std::{
    collections::{HashMap, HashSet},
    sync::{
        Arc, Mutex,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use chrono::{Duration as ChronoDuration, Utc};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, Statement};
use serde_json::{Value, json};
use tokio::sync::Semaphore;
use zhucan::{
    clock::Clock,
    config::Config,
    demo::DEMO_PASSWORD,
    orders::reservation::{
        BookedItem, MealPointSnapshot, OfferingPortions, RedisReservations,
        RedisReservationsConfig, ReservationStore, ReserveOutcome, ReserveRequest,
    },
    startup::{Application, BuildOptions},
};

/// lunchpeak: drive the booking endpoint at a lunch-peak ramp and check it never oversells,
/// never takes an order twice and never loses an acknowledged one.
#[derive(clap::Parser, Clone, Debug)]
#[command(name = "lunchpeak")]
struct Options {
    /// Small profile for CI (finishes well under two minutes); sets the sizes, rate and ramp.
    #[arg(long)]
    ci: bool,
    /// Meal points.
    #[arg(long, default_value_t = 40)]
    meal_points: usize,
    /// Dishes per meal point.
    #[arg(long, default_value_t = 4)]
    dishes: usize,
    /// Portions per dish.
    #[arg(long, default_value_t = 100)]
    portions: usize,
    /// Requests per portion.
    #[arg(long, default_value_t = 3.0)]
    demand: f64,
    /// Peak arrivals per second.
    #[arg(long, default_value_t = 3000.0)]
    rate: f64,
    /// Seconds to ramp from 0 to the rate.
    #[arg(long, default_value_t = 5.0)]
    ramp_secs: f64,
    /// Share of bookings re-sent with the same key, in percent.
    #[arg(long, default_value_t = 10.0)]
    retry_pct: f64,
    /// Requests in flight at most.
    #[arg(long, default_value_t = 256)]
    concurrency: usize,
    /// Tries per booking while the service sheds it with 503 BOOKING_BUSY (the first included);
    /// between tries the client waits the Retry-After, doubled each time, as the mini program does.
    #[arg(long, default_value_t = 8)]
    busy_tries: u32,
    /// Seconds per anchor measurement.
    #[arg(long, default_value_t = 5.0)]
    anchor_secs: f64,
    /// PostgreSQL.
    #[arg(long, default_value = "postgres://postgres@127.0.0.1:5432/test")]
    database_url: String,
    /// Redis.
    #[arg(long, default_value = "redis://127.0.0.1:6379")]
    redis_url: String,
    /// Also write the figures as JSON to this file.
    #[arg(long)]
    json: Option<String>,
}

impl Options {
    fn parse() -> Result<Options, String> {
        let mut o = <Options as clap::Parser>::parse();
        if o.ci {
            o.meal_points = 12;
            o.dishes = 3;
            o.portions = 40;
            o.rate = 1500.0;
            o.ramp_secs = 3.0;
            o.concurrency = 128;
            o.anchor_secs = 3.0;
        }
        if o.meal_points == 0 || o.dishes == 0 || o.portions == 0 || o.rate <= 0.0 {
            return Err("meal points, dishes, portions and rate must be positive".into());
        }
        Ok(o)
    }
}

#[tokio::main]
async fn main() {
    let options = match Options::parse() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("lunchpeak: {e}");
            std::process::exit(2);
        }
    };
    match run(options).await {
        Ok(true) => {}
        Ok(false) => std::process::exit(1),
        Err(e) => {
            eprintln!("lunchpeak: {e}");
            std::process::exit(2);
        }
    }
}

type BoxError = Box<dyn std::error::Error + Send + Sync>;

async fn run(o: Options) -> Result<bool, BoxError> {
    zhucan::wechat::client::install_crypto_provider();
    let stamp = Utc::now().format("%Y%m%d%H%M%S").to_string();
    let schema = format!("lunchpeak_{stamp}");
    let prefix = format!("lp:{stamp}:");
    let admin_db = Database::connect(&o.database_url).await?;
    admin_db
        .execute_unprepared(&format!("CREATE SCHEMA \"{schema}\""))
        .await?;
    println!("lunchpeak: schema {schema}, Redis prefix {prefix}");

    // The service, in this process, on a free port: demo seeding gives districts, accounts and the
    // subsidy policy; the benchmark's own meal points come next, through the API.
    let mut vars = HashMap::new();
    for (k, v) in [
        ("ZHUCAN_ADDR", "127.0.0.1:0".to_string()),
        ("DATABASE_URL", o.database_url.clone()),
        ("REDIS_URL", o.redis_url.clone()),
        ("ZHUCAN_REDIS_PREFIX", prefix.clone()),
        ("ZHUCAN_DB_POOL", "16".to_string()),
        ("ZHUCAN_SEED_DEMO", "true".to_string()),
        ("ZHUCAN_DOCS", "false".to_string()),
        // The admission gate keeps its production bounds: what it sheds (503 BOOKING_BUSY with
        // Retry-After) the client tries again, as the mini program does, and the report counts.
    ] {
        vars.insert(k.to_string(), v);
    }
    let config = Config::from_vars(&vars)?;
    // The peak books tomorrow's lunch, which is open for booking today.
    let app = Application::build_with(
        config,
        BuildOptions {
            clock: Clock::system(),
            db_schema: Some(schema.clone()),
            // Districts, accounts and the subsidy policy; the benchmark makes its own meal points.
            demo_scope: zhucan::demo::DemoScope::PlacesAndAccounts,
        },
    )
    .await?;
    let base = format!("http://{}", app.local_addr());
    let db = app.state().db.clone();
    tokio::spawn(app.run_until_stopped());
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(o.concurrency)
        .timeout(Duration::from_secs(30))
        .build()?;

    let seed = seed::seed(&http, &base, &o).await?;
    println!(
        "seeded {} meal points × {} dishes × {} portions = {} portions; {} elders; {} bookings planned",
        o.meal_points,
        o.dishes,
        o.portions,
        seed.supply(),
        seed.elders.len(),
        seed.planned_bookings(&o)
    );

    let redis_anchor = anchor_redis_script(&o, &format!("{prefix}anchor:")).await?;
    println!("anchor: Redis reservation script {redis_anchor:.0} ops/s");
    let pg_anchor = anchor_pg_rowlock(&o, &schema).await?;
    println!("anchor: PostgreSQL row-lock booking {pg_anchor:.0} tps");

    let peak = peak::drive(&http, &base, &seed, &o).await;
    let verdict = verify::verify(&db, &seed, &peak).await?;

    let accepted_per_s = peak.accepted_per_s();
    let report = json!({
        "meal_points": o.meal_points,
        "dishes": o.dishes,
        "portions_per_dish": o.portions,
        "supply": seed.supply(),
        "requests": peak.requests(),
        "accepted": peak.accepted(),
        "duplicate_replies": peak.count(200),
        "sold_out": peak.count(409),
        "shed_busy": peak.shed.load(Ordering::Relaxed),
        "gave_up_busy": peak.gave_up.load(Ordering::Relaxed),
        "errors_5xx": peak.count_5xx(),
        "timeouts": peak.timeouts.load(Ordering::Relaxed),
        "accepted_per_s": round1(accepted_per_s),
        "p50_ms": round1(peak.percentile(50.0)),
        "p99_ms": round1(peak.percentile(99.0)),
        "redis_script_ops_per_s": round1(redis_anchor),
        "pg_rowlock_per_s": round1(pg_anchor),
        "ratio_vs_redis_script": round3(accepted_per_s / redis_anchor.max(1.0)),
        "ratio_vs_pg_rowlock": round3(accepted_per_s / pg_anchor.max(1.0)),
        "oversold": verdict.oversold,
        "duplicate_orders": verdict.duplicate_orders,
        "lost_acknowledged": verdict.lost_acknowledged,
    });
    print_table(&report);
    if let Some(path) = &o.json {
        std::fs::write(path, serde_json::to_string_pretty(&report)? + "\n")?;
        println!("wrote {path}");
    }
    let _ = admin_db
        .execute_unprepared(&format!("DROP SCHEMA \"{schema}\" CASCADE"))
        .await;
    let checks = [
        ("no portion oversold", verdict.oversold == 0),
        (
            "one order per idempotency key",
            verdict.duplicate_orders == 0,
        ),
        (
            "every acknowledged order in the database",
            verdict.lost_acknowledged == 0,
        ),
        ("bookings were accepted", peak.accepted() > 0),
        ("no server errors", peak.count_5xx() == 0),
        (
            "every shed booking got through on a retry",
            peak.gave_up.load(Ordering::Relaxed) == 0,
        ),
    ];
    for (check, ok) in &checks {
        println!("lunchpeak: {} {check}", if *ok { "ok  " } else { "FAIL" });
    }
    let failed = checks.iter().filter(|(_, ok)| !ok).count();
    println!("{} passed, {failed} failed", checks.len() - failed);
    Ok(failed == 0)
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

fn print_table(report: &Value) {
    println!("\n| figure | value |\n|---|---|");
    if let Some(map) = report.as_object() {
        for (key, value) in map {
            println!("| {key} | {value} |");
        }
    }
    println!();
}

/// The Redis reservation script alone: the ceiling any booking path through it can reach.
async fn anchor_redis_script(o: &Options, prefix: &str) -> Result<f64, BoxError> {
    let store = RedisReservations::connect(
        &o.redis_url,
        RedisReservationsConfig {
            key_prefix: prefix.to_string(),
            ..Default::default()
        },
        zhucan::clock::Clock::system(),
    )
    .await?;
    let date = Utc::now().date_naive() + ChronoDuration::days(1);
    store
        .load(&MealPointSnapshot {
            meal_point_id: 1,
            offerings: vec![OfferingPortions {
                offering_id: 1,
                date,
                portions_left: 1_000_000_000,
            }],
            ..Default::default()
        })
        .await?;
    let store = Arc::new(store);
    let done = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + Duration::from_secs_f64(o.anchor_secs);
    let mut tasks = Vec::new();
    for worker in 0..64i64 {
        let (store, done) = (store.clone(), done.clone());
        tasks.push(tokio::spawn(async move {
            let mut n = 0i64;
            while Instant::now() < deadline {
                n += 1;
                let request = ReserveRequest {
                    meal_point_id: 1,
                    date,
                    slot: "lunch".into(),
                    elder_id: worker * 10_000_000 + n,
                    account_id: 1,
                    client_key: format!("a{worker}-{n}"),
                    order_id: format!("o{worker}-{n}"),
                    items: vec![BookedItem {
                        offering_id: 1,
                        quantity: 1,
                    }],
                    quota_limit: 1,
                    lease: zhucan::orders::service::RESERVATION_LEASE,
                };
                if let Ok(ReserveOutcome::Reserved) = store.reserve(&request).await {
                    done.fetch_add(1, Ordering::Relaxed);
                }
            }
        }));
    }
    let started = Instant::now();
    for task in tasks {
        let _ = task.await;
    }
    let ops = done.load(Ordering::Relaxed) as f64 / started.elapsed().as_secs_f64();
    store.unload(1).await?;
    Ok(ops)
}

/// The usual relational booking: one transaction per order, `UPDATE … WHERE remaining >= 1` on
/// the dish's row and an insert, 50 clients on one hot row.
async fn anchor_pg_rowlock(o: &Options, schema: &str) -> Result<f64, BoxError> {
    let mut options = sea_orm::ConnectOptions::new(o.database_url.clone());
    options
        .max_connections(50)
        .set_schema_search_path(schema.to_string())
        .sqlx_logging(false);
    let db: DatabaseConnection = Database::connect(options).await?;
    db.execute_unprepared(
        "CREATE TABLE lp_stock (id int PRIMARY KEY, remaining int NOT NULL CHECK (remaining >= 0));
         CREATE TABLE lp_order (id bigserial PRIMARY KEY, client_key text UNIQUE NOT NULL,
                                stock_id int NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
         INSERT INTO lp_stock VALUES (1, 1000000000);",
    )
    .await?;
    let done = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + Duration::from_secs_f64(o.anchor_secs);
    let mut tasks = Vec::new();
    for worker in 0..50u64 {
        let (db, done) = (db.clone(), done.clone());
        tasks.push(tokio::spawn(async move {
            let mut n = 0u64;
            while Instant::now() < deadline {
                n += 1;
                let key = format!("k{worker}-{n}");
                let booked = async {
                    use sea_orm::TransactionTrait;
                    let txn = db.begin().await?;
                    let taken = txn
                        .execute_raw(Statement::from_string(
                            sea_orm::DbBackend::Postgres,
                            "UPDATE lp_stock SET remaining = remaining - 1 WHERE id = 1 AND remaining >= 1",
                        ))
                        .await?
                        .rows_affected();
                    if taken == 1 {
                        txn.execute_raw(Statement::from_sql_and_values(
                            sea_orm::DbBackend::Postgres,
                            "INSERT INTO lp_order (client_key, stock_id) VALUES ($1, 1)",
                            [key.into()],
                        ))
                        .await?;
                    }
                    txn.commit().await?;
                    Ok::<bool, sea_orm::DbErr>(taken == 1)
                };
                if let Ok(true) = booked.await {
                    done.fetch_add(1, Ordering::Relaxed);
                }
            }
        }));
    }
    let started = Instant::now();
    for task in tasks {
        let _ = task.await;
    }
    Ok(done.load(Ordering::Relaxed) as f64 / started.elapsed().as_secs_f64())
}

mod seed {
    //! Meal points, dishes, offerings, elders and one operator, created through the API.
    use super::*;

    pub struct Seed {
        pub operator_token: String,
        /// (meal point id, its offering ids for the peak lunch)
        pub meal_points: Vec<(i64, Vec<i64>)>,
        pub elders: Vec<i64>,
        pub date: chrono::NaiveDate,
        pub portions: usize,
    }

    impl Seed {
        pub fn supply(&self) -> usize {
            self.meal_points.iter().map(|(_, o)| o.len()).sum::<usize>() * self.portions
        }

        pub fn planned_bookings(&self, o: &Options) -> usize {
            (self.supply() as f64 * o.demand).round() as usize
        }
    }

    pub async fn post(
        http: &reqwest::Client,
        url: String,
        token: Option<&str>,
        body: Value,
    ) -> Result<Value, BoxError> {
        let mut request = http.post(&url).json(&body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await?;
        let status = response.status();
        let body: Value = response.json().await.unwrap_or(Value::Null);
        if !status.is_success() {
            return Err(format!("POST {url}: {status} {body}").into());
        }
        Ok(body)
    }

    async fn login(http: &reqwest::Client, base: &str, username: &str) -> Result<String, BoxError> {
        let reply = post(
            http,
            format!("{base}/api/v1/auth/login"),
            None,
            json!({ "username": username, "password": DEMO_PASSWORD }),
        )
        .await?;
        Ok(reply["token"].as_str().unwrap_or_default().to_string())
    }

    pub async fn seed(http: &reqwest::Client, base: &str, o: &Options) -> Result<Seed, BoxError> {
        let admin = login(http, base, "admin").await?;
        let operator = login(http, base, "operator-demo").await?;
        let clerk = login(http, base, "clerk-zhonglou").await?;
        let me: Value = http
            .get(format!("{base}/api/v1/me"))
            .bearer_auth(&operator)
            .send()
            .await?
            .json()
            .await?;
        let operator_id = me["id"].as_i64().unwrap_or_default();
        let streets: Value = http
            .get(format!("{base}/api/v1/places/districts/320404/streets"))
            .send()
            .await?
            .json()
            .await?;
        let street_id = streets[0]["id"].as_i64().unwrap_or_default();
        let date = zhucan::clock::shanghai_today(Utc::now()) + ChronoDuration::days(1);

        let mut meal_points = Vec::new();
        for i in 0..o.meal_points {
            let created = post(
                http,
                format!("{base}/api/v1/meal-points"),
                Some(&admin),
                json!({
                    "name": format!("压测助餐点{i:03}"),
                    "kind": "community_canteen",
                    "district_code": "320404",
                    "street_id": street_id,
                    "address": format!("南大街{i}号"),
                    "lat": 31.775 + (i as f64) * 0.0005,
                    "lng": 119.950 + (i as f64) * 0.0005,
                    "phone": "0519-88886666",
                    "service_modes": ["dine_in", "pickup"],
                    "opening_days": [1, 2, 3, 4, 5, 6, 7],
                    "slot_hours": [{ "slot": "lunch", "opens": "11:00", "closes": "12:30" }],
                    "order_lead_minutes": 30,
                    "booking_days_ahead": 7,
                    "food_licence_no": format!("JY132040{:08}", 100_000 + i),
                }),
            )
            .await?;
            let meal_point_id = created["id"].as_i64().ok_or("meal point without id")?;
            post(
                http,
                format!("{base}/api/v1/meal-points/{meal_point_id}/operators/{operator_id}"),
                Some(&admin),
                json!({}),
            )
            .await?;
            let mut offering_ids = Vec::new();
            let mut drafts = Vec::new();
            for d in 0..o.dishes {
                let dish = post(
                    http,
                    format!("{base}/api/v1/meal-points/{meal_point_id}/dishes"),
                    Some(&operator),
                    json!({ "name": format!("套餐{d}"), "price": "12.00", "tags": ["soft"] }),
                )
                .await?;
                drafts.push(json!({
                    "dish_id": dish["id"],
                    "date": date,
                    "slot": "lunch",
                    "portions": o.portions,
                }));
            }
            let published = post(
                http,
                format!("{base}/api/v1/meal-points/{meal_point_id}/offerings"),
                Some(&operator),
                json!({ "offerings": drafts }),
            )
            .await?;
            for offering in published["offerings"]
                .as_array()
                .or_else(|| published.as_array())
                .into_iter()
                .flatten()
            {
                offering_ids.push(offering["id"].as_i64().ok_or("offering without id")?);
            }
            meal_points.push((meal_point_id, offering_ids));
        }

        // Each elder books once at each meal point; demand per meal point = elders.
        let per_meal_point = ((o.dishes * o.portions) as f64 * o.demand).round().max(1.0) as usize;
        let mut elders = Vec::with_capacity(per_meal_point);
        for n in 0..per_meal_point {
            let created = post(
                http,
                format!("{base}/api/v1/elders"),
                Some(&clerk),
                json!({
                    "name": format!("压测老人{n:05}"),
                    "id_card": id_card_number(n),
                    "hukou_district_code": "320404",
                    "residence_district_code": "320404",
                    "address": format!("南大街{n}号"),
                    "phone": "13800000000",
                }),
            )
            .await?;
            elders.push(created["id"].as_i64().ok_or("elder without id")?);
        }
        Ok(Seed {
            operator_token: operator,
            meal_points,
            elders,
            date,
            portions: o.portions,
        })
    }

    /// A valid GB 11643 number for a 钟楼 elder born in 1950, distinct for each `n`.
    pub fn id_card_number(n: usize) -> String {
        let body = format!("320404{}{:03}", 19500101 + (n / 1000) as u32 % 28, n % 1000);
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
        let sum: u32 = body
            .chars()
            .zip(weights)
            .map(|(c, w)| c.to_digit(10).unwrap_or(0) * w)
            .sum();
        let check = b"10X98765432"[(sum % 11) as usize] as char;
        format!("{body}{check}")
    }
}

mod peak {
    //! The open-loop ramp against `POST /api/v1/orders`.
    use super::*;

    /// What happened to one idempotency key.
    #[derive(Default, Clone)]
    pub struct KeyOutcome {
        pub statuses: Vec<u16>,
        pub order_ids: HashSet<String>,
    }

    #[derive(Default)]
    pub struct Peak {
        pub latencies_ms: Mutex<Vec<f64>>,
        pub statuses: Mutex<HashMap<u16, u64>>,
        pub timeouts: AtomicU64,
        /// Answers 503 BOOKING_BUSY: the gate shed the booking and asked to come back.
        pub shed: AtomicU64,
        /// Bookings still shed after every try.
        pub gave_up: AtomicU64,
        pub keys: Mutex<HashMap<String, KeyOutcome>>,
        pub first_accept: Mutex<Option<Instant>>,
        pub last_accept: Mutex<Option<Instant>>,
    }

    impl Peak {
        pub fn requests(&self) -> u64 {
            self.statuses.lock().unwrap().values().sum::<u64>()
                + self.timeouts.load(Ordering::Relaxed)
        }
        pub fn count(&self, status: u16) -> u64 {
            *self.statuses.lock().unwrap().get(&status).unwrap_or(&0)
        }
        /// Server errors: 5xx answers other than the gate's sheds.
        pub fn count_5xx(&self) -> u64 {
            let all: u64 = self
                .statuses
                .lock()
                .unwrap()
                .iter()
                .filter(|(s, _)| **s >= 500)
                .map(|(_, n)| n)
                .sum();
            all - self.shed.load(Ordering::Relaxed)
        }
        pub fn accepted(&self) -> u64 {
            self.count(201)
        }
        pub fn accepted_per_s(&self) -> f64 {
            let first = *self.first_accept.lock().unwrap();
            let last = *self.last_accept.lock().unwrap();
            match (first, last) {
                (Some(a), Some(b)) if b > a => self.accepted() as f64 / (b - a).as_secs_f64(),
                _ => 0.0,
            }
        }
        pub fn percentile(&self, p: f64) -> f64 {
            let mut all = self.latencies_ms.lock().unwrap().clone();
            if all.is_empty() {
                return 0.0;
            }
            all.sort_by(|a, b| a.total_cmp(b));
            let rank = ((p / 100.0) * (all.len() - 1) as f64).round() as usize;
            all[rank.min(all.len() - 1)]
        }
    }

    pub async fn drive(
        http: &reqwest::Client,
        base: &str,
        seed: &seed::Seed,
        o: &Options,
    ) -> Arc<Peak> {
        let peak = Arc::new(Peak::default());
        let limit = Arc::new(Semaphore::new(o.concurrency));
        // Every (elder, meal point) pair once, shuffled deterministically so meal points are
        // hit in an interleaved order, as a city's elders would.
        let mut plan: Vec<(usize, usize)> = Vec::new();
        for e in 0..seed.elders.len() {
            for m in 0..seed.meal_points.len() {
                plan.push((e, m));
            }
        }
        let mut state = 0x9e3779b97f4a7c15u64;
        for i in (1..plan.len()).rev() {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            plan.swap(i, (state % (i as u64 + 1)) as usize);
        }
        let started = Instant::now();
        let mut tasks = Vec::with_capacity(plan.len());
        for (n, (e, m)) in plan.into_iter().enumerate() {
            // Open loop: arrival n is due when the ramp (then the plateau) has produced n arrivals.
            let due = arrival_time(n as f64, o.rate, o.ramp_secs);
            let wait = due.saturating_sub(started.elapsed());
            if !wait.is_zero() {
                tokio::time::sleep(wait).await;
            }
            let (meal_point_id, offerings) = &seed.meal_points[m];
            let offering_id = offerings[(n / 7) % offerings.len()];
            // The operator books at the counter: by ID-card number and name, never by id.
            let body = json!({
                "elder_id_card": seed::id_card_number(e),
                "elder_name": format!("压测老人{e:05}"),
                "meal_point_id": meal_point_id,
                "date": seed.date,
                "slot": "lunch",
                "mode": "pickup",
                "items": [{ "offering_id": offering_id, "quantity": 1 }],
                "client_key": format!("lp-{n:08}-{}", uuid::Uuid::new_v4().simple()),
            });
            let retry = (n as f64 * 7919.0) % 100.0 < o.retry_pct;
            let busy_tries = o.busy_tries.max(1);
            let scheduled = started + due;
            for attempt in 0..(if retry { 2 } else { 1 }) {
                let (http, url, token, body, peak, limit) = (
                    http.clone(),
                    format!("{base}/api/v1/orders"),
                    seed.operator_token.clone(),
                    body.clone(),
                    peak.clone(),
                    limit.clone(),
                );
                // Half the retries go out at once, half after a one-second client timeout.
                let delay = if attempt == 1 && n % 2 == 0 {
                    Duration::from_secs(1)
                } else {
                    Duration::ZERO
                };
                tasks.push(tokio::spawn(async move {
                    if !delay.is_zero() {
                        tokio::time::sleep(delay).await;
                    }
                    let key = body["client_key"].as_str().unwrap_or_default().to_string();
                    let mut busy_retry = 0;
                    loop {
                        let permit = limit.acquire().await;
                        let response = http.post(&url).bearer_auth(&token).json(&body).send().await;
                        drop(permit);
                        let latency = (Instant::now() - scheduled - delay).as_secs_f64() * 1000.0;
                        match response {
                            Ok(response) => {
                                let status = response.status().as_u16();
                                let retry_after = response
                                    .headers()
                                    .get(reqwest::header::RETRY_AFTER)
                                    .and_then(|v| v.to_str().ok())
                                    .and_then(|v| v.parse::<u64>().ok());
                                let reply: Value = response.json().await.unwrap_or(Value::Null);
                                let now = Instant::now();
                                *peak.statuses.lock().unwrap().entry(status).or_default() += 1;
                                if status == 503 && reply["code"] == "BOOKING_BUSY" {
                                    peak.shed.fetch_add(1, Ordering::Relaxed);
                                    busy_retry += 1;
                                    if busy_retry >= busy_tries {
                                        peak.gave_up.fetch_add(1, Ordering::Relaxed);
                                        break;
                                    }
                                    // As the mini program: the asked wait, doubled per retry, capped
                                    // at 10 s, spread by up to half again (deterministic per key).
                                    let asked = retry_after.unwrap_or(1).max(1) * 1000;
                                    let base = (asked << (busy_retry - 1).min(4)).min(10_000);
                                    let spread = (n as u64 * 2_654_435_761
                                        + busy_retry as u64 * 97)
                                        % (base / 2 + 1);
                                    tokio::time::sleep(Duration::from_millis(
                                        (base + spread).min(10_000),
                                    ))
                                    .await;
                                    continue;
                                }
                                if status == 201 {
                                    peak.first_accept.lock().unwrap().get_or_insert(now);
                                    *peak.last_accept.lock().unwrap() = Some(now);
                                }
                                peak.latencies_ms.lock().unwrap().push(latency);
                                let mut keys = peak.keys.lock().unwrap();
                                let outcome = keys.entry(key.clone()).or_default();
                                outcome.statuses.push(status);
                                if let Some(id) = reply["id"].as_str() {
                                    outcome.order_ids.insert(id.to_string());
                                }
                            }
                            Err(_) => {
                                peak.timeouts.fetch_add(1, Ordering::Relaxed);
                            }
                        }
                        break;
                    }
                }));
            }
        }
        for task in tasks {
            let _ = task.await;
        }
        println!(
            "peak: {} requests in {:.1} s",
            peak.requests(),
            started.elapsed().as_secs_f64()
        );
        peak
    }

    /// When arrival `n` is due: a linear ramp from 0 to `rate` over `ramp` seconds, then `rate`.
    fn arrival_time(n: f64, rate: f64, ramp: f64) -> Duration {
        let ramp_arrivals = rate * ramp / 2.0;
        let secs = if ramp > 0.0 && n < ramp_arrivals {
            (2.0 * n * ramp / rate).sqrt()
        } else {
            ramp + (n - ramp_arrivals) / rate
        };
        Duration::from_secs_f64(secs.max(0.0))
    }
}

mod verify {
    //! After the peak: the database is the truth.
    use super::*;

    pub struct Verdict {
        pub oversold: u64,
        pub duplicate_orders: u64,
        pub lost_acknowledged: u64,
    }

    pub async fn verify(
        db: &DatabaseConnection,
        seed: &seed::Seed,
        peak: &peak::Peak,
    ) -> Result<Verdict, BoxError> {
        let backend = db.get_database_backend();
        let offering_ids: Vec<String> = seed
            .meal_points
            .iter()
            .flat_map(|(_, o)| o.iter().map(|id| id.to_string()))
            .collect();
        let list = offering_ids.join(",");
        // Oversold: an offering whose live order lines exceed its portions, or whose booked
        // counter disagrees with its lines.
        let rows = db
            .query_all_raw(Statement::from_string(
                backend,
                format!(
                    "SELECT o.id, o.portions, o.booked, COALESCE(SUM(i.quantity), 0) AS sold
                     FROM offering o
                     LEFT JOIN order_item i ON i.offering_id = o.id
                     LEFT JOIN meal_order m ON m.id = i.order_id AND m.state <> 'cancelled'
                     WHERE o.id IN ({list}) AND (i.id IS NULL OR m.id IS NOT NULL)
                     GROUP BY o.id, o.portions, o.booked"
                ),
            ))
            .await?;
        let mut oversold = 0;
        for row in rows {
            let portions: i32 = row.try_get("", "portions")?;
            let booked: i32 = row.try_get("", "booked")?;
            let sold: i64 = row.try_get("", "sold")?;
            if sold > i64::from(portions) || i64::from(booked) != sold {
                oversold += 1;
            }
        }
        // One order per key: the database's count against its distinct keys, and every key that
        // was answered with more than one order id.
        let row = db
            .query_one_raw(Statement::from_string(
                backend,
                "SELECT COUNT(*) AS n, COUNT(DISTINCT (account_id, client_key)) AS keys FROM meal_order".to_string(),
            ))
            .await?
            .ok_or("no count")?;
        let n: i64 = row.try_get("", "n")?;
        let distinct: i64 = row.try_get("", "keys")?;
        let keys = peak.keys.lock().unwrap().clone();
        let split_keys = keys.values().filter(|k| k.order_ids.len() > 1).count() as i64;
        let duplicate_orders = (n - distinct + split_keys).max(0) as u64;
        // Durability: every order id we were given (201 or 200) exists.
        let acknowledged: Vec<String> = keys
            .values()
            .filter(|k| k.statuses.iter().any(|s| *s == 201 || *s == 200))
            .flat_map(|k| k.order_ids.iter().cloned())
            .collect();
        let mut lost = 0u64;
        for chunk in acknowledged.chunks(500) {
            let ids = chunk
                .iter()
                .map(|id| format!("'{}'", id.replace('\'', "")))
                .collect::<Vec<_>>()
                .join(",");
            let row = db
                .query_one_raw(Statement::from_string(
                    backend,
                    format!("SELECT COUNT(*) AS n FROM meal_order WHERE id IN ({ids})"),
                ))
                .await?
                .ok_or("no count")?;
            let found: i64 = row.try_get("", "n")?;
            lost += (chunk.len() as i64 - found).max(0) as u64;
        }
        Ok(Verdict {
            oversold,
            duplicate_orders,
            lost_acknowledged: lost,
        })
    }
}
