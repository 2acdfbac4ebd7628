//! A settlement run over a month of 1,000,000 served orders, through the real HTTP API.
//!
//! ```sh
//! cargo bench --bench settlement                                   # SQLite
//! DATABASE_URL=postgres://postgres@127.0.0.1:5432/test cargo bench --bench settlement   # and PostgreSQL
//! ```
//!
//! For each backend it starts the service on a fresh database (a temporary SQLite file; a fresh
//! PostgreSQL schema, dropped afterwards) with the demo's 165 meal points, then writes the month's
//! orders with one `INSERT … SELECT` from a generated series inside the database (1,000,000
//! served lunches in October 2026 at those meal points, 70 % of the elders eating in their own
//! district, plus 50,000 no-shows the run must leave out). Then it times, through HTTP: creating
//! the run (the `GROUP BY` that writes its lines), reading the matrix, the net positions and the
//! per-meal-point statement, exporting the matrix as XLSX, and submitting (the reconciliation
//! aggregates the month again). Then the dashboard's aggregates over the same month: served meals
//! per day and district, the subsidy per month by funder level and district, and the 同城共享
//! share (each a `GROUP BY` in the database). It prints the figures and the process's peak
//! memory, which stays small because the orders never leave the database. It asserts nothing
//! about speed, only that the run and every aggregate count every served order.
//!
//! `cargo test --all-targets` also runs this target, without `--bench`: then it makes a smoke
//! run of 20,000 orders.

use std::{collections::HashMap, time::Instant};

use sea_orm::{ConnectionTrait, Database, DbBackend};
use serde_json::{Value, json};
use zhucan::{
    clock::Clock,
    config::Config,
    demo::{DEMO_PASSWORD, DemoScope},
    startup::{Application, BuildOptions},
};

const BENCH_ORDERS: u64 = 1_000_000;
const SMOKE_ORDERS: u64 = 20_000;

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    zhucan::wechat::client::install_crypto_provider();
    let orders = if std::env::args().any(|a| a == "--bench") {
        BENCH_ORDERS
    } else {
        println!("smoke run (cargo bench --bench settlement for the real figures)");
        SMOKE_ORDERS
    };
    let dir = std::env::temp_dir().join("zhucan-bench");
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join(format!("settlement-{}.db", uuid::Uuid::new_v4().simple()));
    let sqlite_url = format!("sqlite://{}?mode=rwc", file.display());
    run(orders, "SQLite", &sqlite_url, None).await;
    let _ = std::fs::remove_file(&file);

    match std::env::var("DATABASE_URL") {
        Ok(url) if url.starts_with("postgres") => {
            let admin = Database::connect(&url).await.expect("PostgreSQL reachable");
            let schema = format!("bench_settlement_{}", uuid::Uuid::new_v4().simple());
            admin
                .execute_unprepared(&format!("CREATE SCHEMA \"{schema}\""))
                .await
                .expect("create schema");
            run(orders, "PostgreSQL", &url, Some(schema.clone())).await;
            let _ = admin
                .execute_unprepared(&format!("DROP SCHEMA \"{schema}\" CASCADE"))
                .await;
        }
        _ => println!("(set DATABASE_URL=postgres://… to measure PostgreSQL too)"),
    }
}

/// The month's orders as one statement over a generated series `g(n)`: meal point `1 + n % 165`
/// (its district is the service district), the funding district the same for 70 % of orders and
/// one of the seven otherwise, a 13.00–17.00 meal with district 2.00, street 1.00 or 2.00 and,
/// for every third meal, city 1.00 of subsidy.
fn insert_sql(backend: DbBackend, first: u64, count: u64, state: &str) -> String {
    let series = match backend {
        DbBackend::Postgres => format!("generate_series({first}, {}) AS g(n)", first + count - 1),
        _ => "g".to_string(),
    };
    let with = match backend {
        DbBackend::Postgres => String::new(),
        _ => format!(
            "WITH RECURSIVE g(n) AS (SELECT {first} UNION ALL SELECT n + 1 FROM g WHERE n < {}) ",
            first + count - 1
        ),
    };
    let date = match backend {
        DbBackend::Postgres => "(DATE '2026-10-01' + (n % 31)::int)".to_string(),
        _ => "date('2026-10-01', '+' || (n % 31) || ' days')".to_string(),
    };
    let now = match backend {
        DbBackend::Postgres => "NOW()",
        _ => "'2026-11-01 00:00:00+00:00'",
    };
    let funding = "CASE WHEN n % 10 < 7 THEN p.district_code ELSE CASE (n / 10) % 7 \
         WHEN 0 THEN '320402' WHEN 1 THEN '320404' WHEN 2 THEN '320411' WHEN 3 THEN '320412' \
         WHEN 4 THEN '320413' WHEN 5 THEN '320481' ELSE 'CZ-ETDZ' END END";
    let district = "200";
    let street = "(100 + 100 * (n % 2))";
    let city = "(CASE WHEN n % 3 = 0 THEN 100 ELSE 0 END)";
    let gross = "(1300 + 100 * (n % 5))";
    format!(
        "{with}INSERT INTO meal_order (id, account_id, client_key, placed_by_role, elder_id, \
             meal_point_id, service_district_code, funding_district_code, date, slot, mode, \
             state, pickup_code, gross_fen, subsidy_fen, subsidy_city_fen, subsidy_district_fen, \
             subsidy_street_fen, elder_share_fen, policy_version, quote_json, payment_state, \
             created_at, updated_at, served_at) \
         SELECT 'bench-' || {n}, 1, 'bench-' || {n}, 'elder', 1 + n % 5000, \
             p.id, p.district_code, {funding}, {date}, 'lunch', 'pickup', \
             '{state}', {n}, {gross}, {district} + {street} + {city}, {city}, {district}, \
             {street}, {gross} - ({district} + {street} + {city}), '2026-01', '{{}}', 'unpaid', \
             {now}, {now}, {served} \
         FROM {series} JOIN meal_point p ON p.id = 1 + n % 165",
        n = "CAST(n AS TEXT)",
        served = if state == "served" { now } else { "NULL" },
    )
}

async fn run(orders: u64, backend: &str, database_url: &str, schema: Option<String>) {
    let mut vars: HashMap<String, String> = HashMap::new();
    vars.insert("ZHUCAN_ADDR".into(), "127.0.0.1:0".into());
    vars.insert("ZHUCAN_SEED_DEMO".into(), "true".into());
    vars.insert("ZHUCAN_DOCS".into(), "false".into());
    vars.insert("DATABASE_URL".into(), database_url.into());
    let config = Config::from_vars(&vars).expect("bench configuration");
    let app = Application::build_with(
        config,
        BuildOptions {
            clock: Clock::system(),
            db_schema: schema,
            demo_scope: DemoScope::CityWithoutHistory,
        },
    )
    .await
    .expect("the app starts");
    let state = app.state().clone();
    let base = format!("http://{}/api/v1", app.local_addr());
    tokio::spawn(app.run_until_stopped());
    let db = &state.db;
    let db_backend = db.get_database_backend();

    let seeding = Instant::now();
    db.execute_unprepared(&insert_sql(db_backend, 1, orders, "served"))
        .await
        .expect("insert served orders");
    db.execute_unprepared(&insert_sql(db_backend, orders + 1, orders / 20, "no_show"))
        .await
        .expect("insert no-shows");
    if db_backend == DbBackend::Postgres {
        db.execute_unprepared("ANALYZE meal_order")
            .await
            .expect("analyze");
    }
    println!(
        "{backend}: seeded {orders} served orders and {} no-shows over October 2026 in {:.1} s",
        orders / 20,
        seeding.elapsed().as_secs_f64()
    );

    let client = reqwest::Client::new();
    let login: Value = client
        .post(format!("{base}/auth/login"))
        .json(&json!({ "username": "admin", "password": DEMO_PASSWORD }))
        .send()
        .await
        .expect("login")
        .json()
        .await
        .expect("login body");
    let token = login["token"].as_str().expect("a token").to_string();

    let started = Instant::now();
    let run: Value = client
        .post(format!("{base}/settlement-runs"))
        .bearer_auth(&token)
        .json(&json!({ "month": "2026-10" }))
        .send()
        .await
        .expect("create run")
        .json()
        .await
        .expect("run body");
    let create = started.elapsed();
    assert_eq!(
        run["totals"]["meals"].as_u64(),
        Some(orders),
        "the run counts every served order: {run}"
    );
    let id = run["id"].as_i64().expect("run id");

    let mut timings = vec![("create the run (aggregate into lines)", create)];
    for (label, path) in [
        (
            "read the matrix",
            format!("{base}/settlement-runs/{id}/matrix"),
        ),
        (
            "read the net positions",
            format!("{base}/settlement-runs/{id}/net-positions"),
        ),
        (
            "read the per-meal-point statement",
            format!("{base}/settlement-runs/{id}/meal-points"),
        ),
        (
            "export the matrix as XLSX",
            format!("{base}/settlement-runs/{id}/export?statement=matrix&format=xlsx"),
        ),
    ] {
        let started = Instant::now();
        let response = client
            .get(&path)
            .bearer_auth(&token)
            .send()
            .await
            .expect("read");
        assert!(
            response.status().is_success(),
            "{path}: {}",
            response.status()
        );
        response.bytes().await.expect("body");
        timings.push((label, started.elapsed()));
    }
    let started = Instant::now();
    let submitted: Value = client
        .post(format!("{base}/settlement-runs/{id}/submit"))
        .bearer_auth(&token)
        .json(&json!({}))
        .send()
        .await
        .expect("submit")
        .json()
        .await
        .expect("submit body");
    timings.push(("submit (reconcile against the orders)", started.elapsed()));
    assert_eq!(submitted["state"], "submitted", "{submitted}");

    for (label, path, meals) in [
        (
            "dashboard: meals per day and district",
            format!("{base}/dashboard/meals-per-day?from=2026-10-01&to=2026-10-31"),
            "/total_meals",
        ),
        (
            "dashboard: subsidy per month and level",
            format!("{base}/dashboard/subsidy-per-month?from_month=2026-10&to_month=2026-10"),
            "/sum/meals",
        ),
        (
            "dashboard: 同城共享 share",
            format!("{base}/dashboard/cross-district?from=2026-10-01&to=2026-10-31"),
            "/meals",
        ),
    ] {
        let started = Instant::now();
        let body: Value = client
            .get(&path)
            .bearer_auth(&token)
            .send()
            .await
            .expect("dashboard")
            .json()
            .await
            .expect("dashboard body");
        timings.push((label, started.elapsed()));
        assert_eq!(
            body.pointer(meals).and_then(Value::as_u64),
            Some(orders),
            "{label} counts every served order: {body}"
        );
    }

    let lines = db
        .query_one_raw(sea_orm::Statement::from_string(
            db_backend,
            format!("SELECT COUNT(*) AS n FROM settlement_line WHERE run_id = {id}"),
        ))
        .await
        .ok()
        .flatten()
        .and_then(|row| row.try_get::<i64>("", "n").ok())
        .unwrap_or_default();
    println!("{backend}: the run has {lines} lines (meal point × funding district)");
    for (label, took) in timings {
        println!(
            "{backend}: {label:<40} {:>8.1} ms",
            took.as_secs_f64() * 1000.0
        );
    }
    if let Some(peak) = peak_memory_mib() {
        println!("{backend}: peak resident memory of the process so far: {peak:.0} MiB");
    }
}

/// VmHWM from /proc (Linux only).
fn peak_memory_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}
