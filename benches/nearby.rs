//! The near search over 10,000 meal points: throughput and latency through the real HTTP API.
//!
//! ```sh
//! cargo bench --bench nearby                                   # SQLite
//! DATABASE_URL=postgres://postgres@127.0.0.1:5432/test cargo bench --bench nearby   # and PostgreSQL
//! ```
//!
//! For each backend it starts the service on a fresh database (a temporary SQLite file; a fresh
//! PostgreSQL schema, dropped afterwards), seeds 10,000 meal points spread over Changzhou's
//! streets and towns with their dishes and today's menu, then lets 8 concurrent clients call
//! `GET /api/v1/meal-points/near` from random points of the city (1 km radius, the default) for
//! 10 seconds and prints requests per second and latency percentiles. It prints figures; it
//! asserts nothing about speed.
//!
//! `cargo test --all-targets` builds and runs bench targets too, without the `--bench` argument
//! `cargo bench` passes: then it makes a smoke run (a few hundred meal points, half a second),
//! which keeps the benchmark working without slowing the test suite down.

use std::{
    collections::HashMap,
    sync::Arc,
    time::{Duration, Instant},
};

use rand::{Rng, SeedableRng, rngs::StdRng};
use sea_orm::{ConnectionTrait, Database};
use zhucan::{
    clock::Clock,
    config::Config,
    demo::{
        DemoScope,
        changzhou::{self, STREETS},
        meal_points as demo_meal_points,
    },
    meal_points::rules::destination,
    startup::{Application, BuildOptions},
};

const CLIENTS: usize = 8;

/// How big a run is: the real one under `cargo bench`, a smoke run under `cargo test`.
#[derive(Clone, Copy)]
struct Scale {
    meal_points: usize,
    warm_up: Duration,
    measure: Duration,
}

const BENCH: Scale = Scale {
    meal_points: 10_000,
    warm_up: Duration::from_secs(1),
    measure: Duration::from_secs(10),
};

const SMOKE: Scale = Scale {
    meal_points: 300,
    warm_up: Duration::from_millis(100),
    measure: Duration::from_millis(500),
};
/// How far from a street or town centre the searched points fall: most of the city's people
/// live within a couple of kilometres of one.
const SEARCH_SPREAD_M: f64 = 2000.0;

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    zhucan::wechat::client::install_crypto_provider();
    let scale = if std::env::args().any(|a| a == "--bench") {
        BENCH
    } else {
        println!("smoke run (cargo bench --bench nearby for the real figures)");
        SMOKE
    };
    let dir = std::env::temp_dir().join("zhucan-bench");
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join(format!("nearby-{}.db", uuid::Uuid::new_v4().simple()));
    let sqlite_url = format!("sqlite://{}?mode=rwc", file.display());
    run(scale, "SQLite", &sqlite_url, None).await;
    let _ = std::fs::remove_file(&file);

    match std::env::var("DATABASE_URL") {
        Ok(url) if url.starts_with("postgres") => {
            let admin = Database::connect(&url).await.expect("PostgreSQL reachable");
            let schema = format!("bench_nearby_{}", uuid::Uuid::new_v4().simple());
            admin
                .execute_unprepared(&format!("CREATE SCHEMA \"{schema}\""))
                .await
                .expect("create schema");
            run(scale, "PostgreSQL", &url, Some(schema.clone())).await;
            let _ = admin
                .execute_unprepared(&format!("DROP SCHEMA \"{schema}\" CASCADE"))
                .await;
        }
        _ => println!("(set DATABASE_URL=postgres://… to measure PostgreSQL too)"),
    }
}

async fn run(scale: Scale, backend: &str, database_url: &str, schema: Option<String>) {
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
            demo_scope: DemoScope::PlacesAndAccounts,
        },
    )
    .await
    .expect("the app starts");
    let state = app.state().clone();
    let base = format!("http://{}/api/v1", app.local_addr());
    tokio::spawn(app.run_until_stopped());

    // 10,000 meal points: the demo generator's city, drawn again with new seeds until there are
    // enough (the same realistic mix of kinds, hours and modes, clustered around streets and
    // towns as real ones are), each with its dishes and today's menu.
    let seeding = Instant::now();
    let mut points = Vec::with_capacity(scale.meal_points);
    let mut seed = 1;
    while points.len() < scale.meal_points {
        points.extend(changzhou::demo_meal_points(seed));
        seed += 1;
    }
    points.truncate(scale.meal_points);
    let now = state.clock.now();
    let stored = demo_meal_points::insert_points(&state.db, &points, now)
        .await
        .expect("insert meal points");
    demo_meal_points::seed_menus(&state.db, &stored, state.clock.today(), 1, 7, now)
        .await
        .expect("insert dishes and today's menu");
    println!(
        "{backend}: seeded {} meal points with dishes and today's menu in {:.1} s",
        stored.len(),
        seeding.elapsed().as_secs_f64()
    );

    let client = reqwest::Client::new();
    // Warm the connection pools and caches; not measured.
    drive(&client, &base, scale.warm_up, 1000).await;
    let started = Instant::now();
    let results = drive(&client, &base, scale.measure, 2000).await;
    let elapsed = started.elapsed();

    let mut latencies: Vec<Duration> = results.iter().map(|r| r.latency).collect();
    latencies.sort_unstable();
    let failures = results.iter().filter(|r| !r.ok).count();
    let found: u64 = results.iter().map(|r| r.total).sum();
    let pct = |p: f64| {
        let index = ((latencies.len() as f64 * p).ceil() as usize).clamp(1, latencies.len()) - 1;
        latencies[index].as_secs_f64() * 1000.0
    };
    println!(
        "{backend}: GET /meal-points/near (1 km), {CLIENTS} concurrent clients, {:.1} s: \
         {} requests, {:.0} req/s, p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms, \
         {:.1} meal points found per search on average, {failures} failed",
        elapsed.as_secs_f64(),
        latencies.len(),
        latencies.len() as f64 / elapsed.as_secs_f64(),
        pct(0.50),
        pct(0.90),
        pct(0.99),
        latencies.last().map_or(0.0, |l| l.as_secs_f64() * 1000.0),
        found as f64 / latencies.len().max(1) as f64,
    );
}

struct Sample {
    latency: Duration,
    ok: bool,
    /// How many meal points the search found (all pages).
    total: u64,
}

/// `CLIENTS` tasks calling the near search back to back for `duration`.
async fn drive(client: &reqwest::Client, base: &str, duration: Duration, seed: u64) -> Vec<Sample> {
    let deadline = Instant::now() + duration;
    let base: Arc<str> = base.into();
    let tasks: Vec<_> = (0..CLIENTS)
        .map(|i| {
            let client = client.clone();
            let base = base.clone();
            tokio::spawn(async move {
                let mut rng = StdRng::seed_from_u64(seed + i as u64);
                let mut samples = Vec::new();
                while Instant::now() < deadline {
                    let street = &STREETS[rng.random_range(0..STREETS.len())];
                    let bearing = rng.random_range(0.0..360.0);
                    let offset = SEARCH_SPREAD_M * rng.random::<f64>().sqrt();
                    let Ok(at) = destination(street.centre(), bearing, offset) else {
                        continue;
                    };
                    let url = format!("{base}/meal-points/near?lat={}&lng={}", at.lat(), at.lng());
                    let sent = Instant::now();
                    let reply = match client.get(&url).send().await {
                        Ok(response) if response.status().is_success() => {
                            response.bytes().await.ok()
                        }
                        _ => None,
                    };
                    let latency = sent.elapsed();
                    let total = reply
                        .as_deref()
                        .and_then(|body| serde_json::from_slice::<serde_json::Value>(body).ok())
                        .and_then(|body| body["total"].as_u64());
                    samples.push(Sample {
                        latency,
                        ok: total.is_some(),
                        total: total.unwrap_or(0),
                    });
                }
                samples
            })
        })
        .collect();
    let mut all = Vec::new();
    for task in tasks {
        all.extend(task.await.unwrap_or_default());
    }
    all
}
