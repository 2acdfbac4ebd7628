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

/// A raw statement written with `?` placeholders, numbered `$1, $2, …` for PostgreSQL, for the
/// aggregate queries that sea-query does not express (`SUM(CASE …)`, grouping by joined columns).
pub fn raw_statement(
    backend: sea_orm::DbBackend,
    sql: &str,
    values: Vec<sea_orm::Value>,
) -> sea_orm::Statement {
    let sql = if backend == sea_orm::DbBackend::Postgres {
        let mut numbered = String::with_capacity(sql.len() + 8);
        let mut n = 0;
        for c in sql.chars() {
            if c == '?' {
                n += 1;
                numbered.push_str(&format!("${n}"));
            } else {
                numbered.push(c);
            }
        }
        numbered
    } else {
        sql.to_string()
    };
    sea_orm::Statement::from_sql_and_values(backend, sql, values)
}
