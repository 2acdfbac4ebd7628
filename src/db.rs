//! Opening the database: SQLite or PostgreSQL, chosen by the URL's scheme, migrated on open.

use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbErr};

/// Connects and brings the schema up to date. `schema` puts every table of this connection in a
/// PostgreSQL schema of its own (the tests give each test one).
pub async fn connect(
    url: &str,
    pool_size: u32,
    schema: Option<&str>,
) -> Result<DatabaseConnection, DbErr> {
    let mut options = ConnectOptions::new(url.to_string());
    options
        .acquire_timeout(Duration::from_secs(10))
        .sqlx_logging(false);
    if url.starts_with("sqlite:") {
        create_sqlite_folder(url);
        // One connection: SQLite has one writer anyway, and a single connection turns a query
        // that wrongly bypasses an open transaction into an immediate, visible failure.
        options.max_connections(1).min_connections(1);
    } else {
        options.max_connections(pool_size).min_connections(1);
        if let Some(schema) = schema {
            options.set_schema_search_path(schema.to_string());
        }
    }
    let db = Database::connect(options).await?;
    Migrator::up(&db, None).await?;
    Ok(db)
}

/// `sqlite://data/zhucan.db?mode=rwc` creates the file but not its folder; do that here so a fresh
/// clone runs without a manual `mkdir`.
fn create_sqlite_folder(url: &str) {
    let path = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:")
        .split('?')
        .next()
        .unwrap_or_default();
    if path.is_empty() || path.starts_with(":memory:") {
        return;
    }
    if let Some(parent) = std::path::Path::new(path).parent()
        && !parent.as_os_str().is_empty()
    {
        let _ = std::fs::create_dir_all(parent);
    }
}

/// The unique keys of the schema that the service turns into an answer ("that name is taken",
/// "already rated" …), each known by the name the migrations give it.
///
/// A violated key is recognised by that name: PostgreSQL reports the constraint (or unique index)
/// by name; SQLite names no index, only `table.column, …`, which identifies exactly one unique
/// index of a table, so each key also says its table and columns. A test checks every key against
/// the migrated schema on both backends, so a renamed index cannot silently stop matching.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UniqueKey {
    AccountUsername,
    AccountWechatOpenid,
    DishName,
    OfferingDishDateSlot,
    ElderIdCard,
    ElderAccount,
    ElderCategoryCurrent,
    FamilyLinkLive,
    PolicyVersion,
    PolicyLiveDate,
    OrderClientKey,
    OrderPickupCode,
    PaymentOrder,
    RatingOrder,
    SettlementReviewDistrict,
    SettlementAdjustmentOrderKind,
    StreetName,
}

impl UniqueKey {
    pub const ALL: [UniqueKey; 17] = [
        UniqueKey::AccountUsername,
        UniqueKey::AccountWechatOpenid,
        UniqueKey::DishName,
        UniqueKey::OfferingDishDateSlot,
        UniqueKey::ElderIdCard,
        UniqueKey::ElderAccount,
        UniqueKey::ElderCategoryCurrent,
        UniqueKey::FamilyLinkLive,
        UniqueKey::PolicyVersion,
        UniqueKey::PolicyLiveDate,
        UniqueKey::OrderClientKey,
        UniqueKey::OrderPickupCode,
        UniqueKey::PaymentOrder,
        UniqueKey::RatingOrder,
        UniqueKey::SettlementReviewDistrict,
        UniqueKey::SettlementAdjustmentOrderKind,
        UniqueKey::StreetName,
    ];

    /// The constraint's (or unique index's) name in the schema. Column-level `UNIQUE`
    /// constraints get PostgreSQL's default name, `<table>_<column>_key`.
    pub const fn name(self) -> &'static str {
        match self {
            UniqueKey::AccountUsername => "account_username_key",
            UniqueKey::AccountWechatOpenid => "account_wechat_openid_key",
            UniqueKey::DishName => "dish_meal_point_name_key",
            UniqueKey::OfferingDishDateSlot => "offering_dish_date_slot_key",
            UniqueKey::ElderIdCard => "elder_id_card_lookup_key",
            UniqueKey::ElderAccount => "elder_account_id_key",
            UniqueKey::ElderCategoryCurrent => "elder_category_current_key",
            UniqueKey::FamilyLinkLive => "family_link_live_key",
            UniqueKey::PolicyVersion => "subsidy_policy_version_key",
            UniqueKey::PolicyLiveDate => "subsidy_policy_live_date_key",
            UniqueKey::OrderClientKey => "meal_order_idempotency_key",
            UniqueKey::OrderPickupCode => "meal_order_pickup_code_key",
            UniqueKey::PaymentOrder => "payment_order_id_key",
            UniqueKey::RatingOrder => "rating_order_id_key",
            UniqueKey::SettlementReviewDistrict => "settlement_review_run_district_key",
            UniqueKey::SettlementAdjustmentOrderKind => "settlement_adjustment_order_kind_key",
            UniqueKey::StreetName => "street_district_name_key",
        }
    }

    /// The table and its columns, in index order: what SQLite says when the key is violated.
    pub const fn table_and_columns(self) -> (&'static str, &'static [&'static str]) {
        match self {
            UniqueKey::AccountUsername => ("account", &["username"]),
            UniqueKey::AccountWechatOpenid => ("account", &["wechat_openid"]),
            UniqueKey::DishName => ("dish", &["meal_point_id", "name"]),
            UniqueKey::OfferingDishDateSlot => ("offering", &["dish_id", "date", "slot"]),
            UniqueKey::ElderIdCard => ("elder", &["id_card_lookup"]),
            UniqueKey::ElderAccount => ("elder", &["account_id"]),
            UniqueKey::ElderCategoryCurrent => ("elder_category", &["elder_id", "category"]),
            UniqueKey::FamilyLinkLive => ("family_link", &["elder_id", "family_account_id"]),
            UniqueKey::PolicyVersion => ("subsidy_policy", &["version"]),
            UniqueKey::PolicyLiveDate => ("subsidy_policy", &["effective_from"]),
            UniqueKey::OrderClientKey => ("meal_order", &["account_id", "client_key"]),
            UniqueKey::OrderPickupCode => ("meal_order", &["meal_point_id", "date", "pickup_code"]),
            UniqueKey::PaymentOrder => ("payment", &["order_id"]),
            UniqueKey::RatingOrder => ("rating", &["order_id"]),
            UniqueKey::SettlementReviewDistrict => {
                ("settlement_review", &["run_id", "district_code"])
            }
            UniqueKey::SettlementAdjustmentOrderKind => {
                ("settlement_adjustment", &["order_id", "kind"])
            }
            UniqueKey::StreetName => ("street", &["district_code", "name"]),
        }
    }

    fn named(name: &str) -> Option<UniqueKey> {
        UniqueKey::ALL.into_iter().find(|key| key.name() == name)
    }

    fn on(table: &str, columns: &[&str]) -> Option<UniqueKey> {
        UniqueKey::ALL
            .into_iter()
            .find(|key| key.table_and_columns() == (table, columns))
    }
}

/// Which unique key `err` violated, if it is a unique violation of one the service knows.
/// Anything else (another database error, a key not listed) is `None`: the caller passes the
/// error on as the failure it is.
pub fn unique_violation(err: &DbErr) -> Option<UniqueKey> {
    use sea_orm::{RuntimeErr, sqlx};
    let (DbErr::Exec(RuntimeErr::SqlxError(sqlx_err))
    | DbErr::Query(RuntimeErr::SqlxError(sqlx_err))) = err
    else {
        return None;
    };
    let sqlx::Error::Database(db_err) = sqlx_err.as_ref() else {
        return None;
    };
    if db_err.kind() != sqlx::error::ErrorKind::UniqueViolation {
        return None;
    }
    if let Some(name) = db_err.constraint() {
        return UniqueKey::named(name);
    }
    // SQLite: "UNIQUE constraint failed: meal_order.account_id, meal_order.client_key".
    let listed = db_err
        .message()
        .strip_prefix("UNIQUE constraint failed: ")?;
    let mut table = None;
    let mut columns = Vec::new();
    for qualified in listed.split(", ") {
        let (t, column) = qualified.split_once('.')?;
        if table.is_some_and(|seen| seen != t) {
            return None;
        }
        table = Some(t);
        columns.push(column);
    }
    UniqueKey::on(table?, &columns)
}

/// `CAST(COALESCE(SUM(expr), 0) AS BIGINT)`: a sum of an aggregate query, 0 over no rows and
/// BIGINT on both backends (PostgreSQL's `SUM(bigint)` is numeric).
pub fn sum_bigint(expr: impl Into<sea_orm::sea_query::Expr>) -> sea_orm::sea_query::Expr {
    use sea_orm::sea_query::{Expr, Func};
    Func::cast_as(
        Func::coalesce([Expr::from(Func::sum(expr)), Expr::cust("0")]),
        "BIGINT",
    )
    .into()
}

/// `CAST(COALESCE(SUM(CASE WHEN cond THEN 1 ELSE 0 END), 0) AS BIGINT)`: how many rows of the
/// group meet `cond`.
pub fn count_where(cond: sea_orm::sea_query::Expr) -> sea_orm::sea_query::Expr {
    use sea_orm::sea_query::Expr;
    sum_bigint(Expr::case(cond, Expr::cust("1")).finally(Expr::cust("0")))
}
