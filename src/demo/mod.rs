//! Demo data: what `cargo run` puts into an empty database so a newcomer sees a working city.
//!
//! Seeding happens once, on an empty database, in demo mode only (production refuses
//! `ZHUCAN_SEED_DEMO`). Each domain adds its part here, in dependency order.

pub mod changzhou;
pub mod elders;
pub mod feedback;
pub mod meal_points;
pub mod notices;
pub mod payments;
pub mod plan;
pub mod served_month;

use sea_orm::TransactionTrait;

use crate::{
    auth::{Role, password, store as accounts},
    elders::vault::IdCardVault,
    error::{AppError, AppResult},
    places::{self, store as place_store},
    state::AppState,
};

/// A staff account the demo creates, printed at start-up so people can sign in.
#[derive(Clone, Debug)]
pub struct DemoAccount {
    pub username: &'static str,
    pub role: Role,
    pub display_name: &'static str,
    pub district_code: Option<&'static str>,
}

/// Every demo staff account has this password. Demo mode only.
pub const DEMO_PASSWORD: &str = "zhucan-demo";

pub const DEMO_ACCOUNTS: &[DemoAccount] = &[
    DemoAccount {
        username: "admin",
        role: Role::CityAdmin,
        display_name: "常州市民政局",
        district_code: None,
    },
    DemoAccount {
        username: "clerk-tianning",
        role: Role::DistrictClerk,
        display_name: "天宁区结算员",
        district_code: Some("320402"),
    },
    DemoAccount {
        username: "clerk-zhonglou",
        role: Role::DistrictClerk,
        display_name: "钟楼区结算员",
        district_code: Some("320404"),
    },
    DemoAccount {
        username: "clerk-wujin",
        role: Role::DistrictClerk,
        display_name: "武进区结算员",
        district_code: Some("320412"),
    },
    DemoAccount {
        username: "operator-demo",
        role: Role::Operator,
        display_name: "助餐点运营员",
        district_code: None,
    },
];

/// How much of the demo city to seed. `cargo run` seeds all of it. Meal points with a week of
/// menus take a few thousand rows (about 0.4 s on SQLite and 1 s on PostgreSQL in a debug
/// build), so the integration tests seed them only where a test needs them, and never the
/// month of served orders (the settlement tests make their own, through the API).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum DemoScope {
    /// Everything in `Full`, and last month's served lunches of the demo elders, so a settlement
    /// run shows a matrix between districts.
    #[default]
    WithServedMonth,
    /// Places, staff accounts, meal points with dishes and a week of menus, a few days of
    /// served, rated lunches and a complaint at `operator-demo`'s meal points, and the demo
    /// WeChat accounts' subscriptions to every notice.
    Full,
    /// Everything but the served-order history, ratings and complaint: what most tests want,
    /// so that the orders, ratings and complaints they count are their own.
    CityWithoutHistory,
    /// Places and staff accounts only.
    PlacesAndAccounts,
}

/// Seeds the demo city into an empty database; does nothing if districts already exist.
pub async fn seed_if_empty(state: &AppState, scope: DemoScope) -> AppResult<bool> {
    let db = &state.db;
    if place_store::count_districts(db).await? > 0 {
        return Ok(false);
    }
    let districts = places::parse_districts_csv(places::CHANGZHOU_DISTRICTS_CSV)
        .map_err(|e| AppError::internal(std::io::Error::other(e)))?;
    place_store::insert_districts(db, places::CITY, &districts).await?;
    let streets: Vec<(&str, &str)> = changzhou::STREETS
        .iter()
        .map(|s| (s.district_code, s.name))
        .collect();
    place_store::insert_streets(db, &streets).await?;

    // One hash for every demo account: argon2 is deliberately slow, and these share a password.
    let hash = password::hash_blocking(DEMO_PASSWORD.to_string())
        .await
        .map_err(|e| AppError::internal(std::io::Error::other(e.to_string())))?;
    let now = state.clock.now();
    for account in DEMO_ACCOUNTS {
        accounts::new_account(account.role, account.display_name, now)
            .staff(
                account.username,
                hash.clone(),
                account.district_code.map(str::to_string),
            )
            .insert(db)
            .await?;
    }

    // One transaction: a single commit (fsync) for the elders, their families and the policy.
    let txn = db.begin().await?;
    let vault = IdCardVault::new(&state.config.data_key);
    elders::seed(&txn, &vault, now, state.clock.today()).await?;
    txn.commit().await?;

    if scope != DemoScope::PlacesAndAccounts {
        meal_points::seed(state).await?;
    }
    let admin = accounts::find_by_username(db, "admin")
        .await?
        .map(|a| a.id)
        .unwrap_or_default();
    plan::seed(db, admin, state.clock.today()).await?;
    if matches!(scope, DemoScope::Full | DemoScope::WithServedMonth) {
        let txn = db.begin().await?;
        feedback::seed(state, &txn).await?;
        txn.commit().await?;
        notices::seed(state).await?;
    }
    if scope == DemoScope::WithServedMonth {
        let fallback = accounts::find_by_username(db, meal_points::DEMO_OPERATOR_USERNAME)
            .await?
            .map(|a| a.id)
            .unwrap_or_default();
        let txn = db.begin().await?;
        let served = served_month::seed(&txn, state.clock.today(), fallback).await?;
        txn.commit().await?;
        payments::seed(state, fallback).await?;
        tracing::info!(served, "demo: last month's served lunches seeded");
    }
    Ok(true)
}
