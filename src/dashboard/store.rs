//! The dashboard's queries. Every figure is summed in the database with `GROUP BY`; what comes
//! back is at most a row per day (or district, or year) and district, never the orders.

use chrono::{DateTime, NaiveDate, Utc};
use entity::meal_point_target as target;
use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait, QueryOrder, Value};

use super::rules::TargetInput;
use crate::{db::raw_statement, error::AppResult};

/// `AND column = ?` when a district narrows the query.
fn district_filter(column: &str, district: Option<&str>, values: &mut Vec<Value>) -> String {
    match district {
        Some(code) => {
            values.push(code.into());
            format!(" AND {column} = ?")
        }
        None => String::new(),
    }
}

pub async fn targets(db: &impl ConnectionTrait) -> AppResult<Vec<target::Model>> {
    Ok(target::Entity::find()
        .order_by_asc(target::Column::FromYear)
        .order_by_asc(target::Column::Id)
        .all(db)
        .await?)
}

/// Replaces every target with `targets` (call inside a transaction).
pub async fn replace_targets(
    db: &impl ConnectionTrait,
    targets: &[TargetInput],
    by: i64,
    now: DateTime<Utc>,
) -> AppResult<()> {
    target::Entity::delete_many().exec(db).await?;
    if targets.is_empty() {
        return Ok(());
    }
    target::Entity::insert_many(targets.iter().map(|t| target::ActiveModel {
        scope: Set(t.scope.clone()),
        from_year: Set(t.from_year),
        to_year: Set(t.to_year),
        target: Set(t.target),
        updated_by: Set(by),
        updated_at: Set(now),
        ..Default::default()
    }))
    .exec(db)
    .await?;
    Ok(())
}

/// Meal points registered per district in each of `years` (Shanghai calendar years): one row
/// per district, one count per year, counted with `SUM(CASE …)` over the year's instants.
pub async fn built_by_year(
    db: &impl ConnectionTrait,
    years: &[(i32, DateTime<Utc>, DateTime<Utc>)],
    district: Option<&str>,
) -> AppResult<Vec<(String, Vec<i64>)>> {
    if years.is_empty() {
        return Ok(Vec::new());
    }
    let mut values: Vec<Value> = Vec::new();
    let mut columns = Vec::new();
    for (i, (_, start, end)) in years.iter().enumerate() {
        values.push((*start).into());
        values.push((*end).into());
        columns.push(format!(
            "CAST(COALESCE(SUM(CASE WHEN created_at >= ? AND created_at < ? THEN 1 ELSE 0 END), 0) AS BIGINT) AS y{i}"
        ));
    }
    let filter = district_filter("district_code", district, &mut values);
    let sql = format!(
        "SELECT district_code, {} FROM meal_point WHERE 1 = 1{filter} GROUP BY district_code",
        columns.join(", ")
    );
    let rows = db
        .query_all_raw(raw_statement(db.get_database_backend(), &sql, values))
        .await?;
    rows.iter()
        .map(|row| {
            let code: String = row.try_get("", "district_code")?;
            let counts = (0..years.len())
                .map(|i| row.try_get::<i64>("", &format!("y{i}")))
                .collect::<Result<Vec<_>, _>>()?;
            Ok((code, counts))
        })
        .collect()
}

/// Served meals per day and service district.
pub async fn meals_per_day(
    db: &impl ConnectionTrait,
    from: NaiveDate,
    to: NaiveDate,
    district: Option<&str>,
) -> AppResult<Vec<(NaiveDate, String, i64)>> {
    let mut values: Vec<Value> = vec![from.into(), to.into()];
    let filter = district_filter("service_district_code", district, &mut values);
    let sql = format!(
        "SELECT date, service_district_code, COUNT(*) AS meals FROM meal_order \
         WHERE state = 'served' AND date >= ? AND date <= ?{filter} \
         GROUP BY date, service_district_code"
    );
    let rows = db
        .query_all_raw(raw_statement(db.get_database_backend(), &sql, values))
        .await?;
    rows.iter()
        .map(|row| {
            Ok((
                row.try_get("", "date")?,
                row.try_get("", "service_district_code")?,
                row.try_get("", "meals")?,
            ))
        })
        .collect()
}

/// Served meals' subsidy per day and funding district (the elder's hukou district), by level.
pub async fn subsidy_per_day(
    db: &impl ConnectionTrait,
    from: NaiveDate,
    to: NaiveDate,
    district: Option<&str>,
) -> AppResult<Vec<(NaiveDate, String, i64, i64, i64, i64)>> {
    let mut values: Vec<Value> = vec![from.into(), to.into()];
    let filter = district_filter("funding_district_code", district, &mut values);
    let sql = format!(
        "SELECT date, funding_district_code, COUNT(*) AS meals, \
         CAST(COALESCE(SUM(subsidy_city_fen), 0) AS BIGINT) AS city_fen, \
         CAST(COALESCE(SUM(subsidy_district_fen), 0) AS BIGINT) AS district_fen, \
         CAST(COALESCE(SUM(subsidy_street_fen), 0) AS BIGINT) AS street_fen \
         FROM meal_order WHERE state = 'served' AND date >= ? AND date <= ?{filter} \
         GROUP BY date, funding_district_code"
    );
    let rows = db
        .query_all_raw(raw_statement(db.get_database_backend(), &sql, values))
        .await?;
    rows.iter()
        .map(|row| {
            Ok((
                row.try_get("", "date")?,
                row.try_get("", "funding_district_code")?,
                row.try_get("", "meals")?,
                row.try_get("", "city_fen")?,
                row.try_get("", "district_fen")?,
                row.try_get("", "street_fen")?,
            ))
        })
        .collect()
}

/// Served meals per (funding district, service district) pair; with a district, the pairs it
/// is on either side of.
pub async fn meals_by_district_pair(
    db: &impl ConnectionTrait,
    from: NaiveDate,
    to: NaiveDate,
    district: Option<&str>,
) -> AppResult<Vec<(String, String, i64)>> {
    let mut values: Vec<Value> = vec![from.into(), to.into()];
    let filter = match district {
        Some(code) => {
            values.push(code.into());
            values.push(code.into());
            " AND (funding_district_code = ? OR service_district_code = ?)".to_string()
        }
        None => String::new(),
    };
    let sql = format!(
        "SELECT funding_district_code, service_district_code, COUNT(*) AS meals FROM meal_order \
         WHERE state = 'served' AND date >= ? AND date <= ?{filter} \
         GROUP BY funding_district_code, service_district_code"
    );
    let rows = db
        .query_all_raw(raw_statement(db.get_database_backend(), &sql, values))
        .await?;
    rows.iter()
        .map(|row| {
            Ok((
                row.try_get("", "funding_district_code")?,
                row.try_get("", "service_district_code")?,
                row.try_get("", "meals")?,
            ))
        })
        .collect()
}

/// Visible ratings made in `[start, end)` per meal point district: count and sum of the overall
/// scores.
pub async fn ratings_by_district(
    db: &impl ConnectionTrait,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    district: Option<&str>,
) -> AppResult<Vec<(String, i64, i64)>> {
    let mut values: Vec<Value> = vec![start.into(), end.into()];
    let filter = district_filter("mp.district_code", district, &mut values);
    let sql = format!(
        "SELECT mp.district_code AS district_code, COUNT(*) AS ratings, \
         CAST(COALESCE(SUM(r.overall), 0) AS BIGINT) AS overall_sum \
         FROM rating r JOIN meal_point mp ON mp.id = r.meal_point_id \
         WHERE r.hidden = ? AND r.created_at >= ? AND r.created_at < ?{filter} \
         GROUP BY mp.district_code"
    );
    values.insert(0, false.into());
    let rows = db
        .query_all_raw(raw_statement(db.get_database_backend(), &sql, values))
        .await?;
    rows.iter()
        .map(|row| {
            Ok((
                row.try_get("", "district_code")?,
                row.try_get("", "ratings")?,
                row.try_get("", "overall_sum")?,
            ))
        })
        .collect()
}

/// How a district's complaints made in a period kept their deadlines, as of `now`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DeadlineCounts {
    pub complaints: i64,
    pub ack_met: i64,
    pub ack_missed: i64,
    pub resolve_met: i64,
    pub resolve_missed: i64,
    pub escalated: i64,
}

impl DeadlineCounts {
    pub fn add(&mut self, other: &DeadlineCounts) {
        self.complaints += other.complaints;
        self.ack_met += other.ack_met;
        self.ack_missed += other.ack_missed;
        self.resolve_met += other.resolve_met;
        self.resolve_missed += other.resolve_missed;
        self.escalated += other.escalated;
    }
}

/// Complaints made in `[start, end)` per district: acknowledged by the deadline or not (late, or
/// not at all with the deadline past), resolved (or closed) by the deadline or not. One still
/// inside its deadline counts as neither.
pub async fn complaint_deadlines(
    db: &impl ConnectionTrait,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    now: DateTime<Utc>,
    district: Option<&str>,
) -> AppResult<Vec<(String, DeadlineCounts)>> {
    let done = "COALESCE(resolved_at, closed_at)";
    let mut values: Vec<Value> = vec![now.into(), now.into(), start.into(), end.into()];
    let filter = district_filter("district_code", district, &mut values);
    let sql = format!(
        "SELECT district_code, COUNT(*) AS complaints, \
         CAST(COALESCE(SUM(CASE WHEN acknowledged_at IS NOT NULL AND acknowledged_at <= ack_due_at THEN 1 ELSE 0 END), 0) AS BIGINT) AS ack_met, \
         CAST(COALESCE(SUM(CASE WHEN (acknowledged_at IS NOT NULL AND acknowledged_at > ack_due_at) OR (acknowledged_at IS NULL AND ack_due_at <= ?) THEN 1 ELSE 0 END), 0) AS BIGINT) AS ack_missed, \
         CAST(COALESCE(SUM(CASE WHEN {done} IS NOT NULL AND {done} <= resolve_due_at THEN 1 ELSE 0 END), 0) AS BIGINT) AS resolve_met, \
         CAST(COALESCE(SUM(CASE WHEN ({done} IS NOT NULL AND {done} > resolve_due_at) OR ({done} IS NULL AND resolve_due_at <= ?) THEN 1 ELSE 0 END), 0) AS BIGINT) AS resolve_missed, \
         CAST(COALESCE(SUM(CASE WHEN escalated_at IS NOT NULL THEN 1 ELSE 0 END), 0) AS BIGINT) AS escalated \
         FROM complaint WHERE created_at >= ? AND created_at < ?{filter} GROUP BY district_code"
    );
    let rows = db
        .query_all_raw(raw_statement(db.get_database_backend(), &sql, values))
        .await?;
    rows.iter()
        .map(|row| {
            Ok((
                row.try_get("", "district_code")?,
                DeadlineCounts {
                    complaints: row.try_get("", "complaints")?,
                    ack_met: row.try_get("", "ack_met")?,
                    ack_missed: row.try_get("", "ack_missed")?,
                    resolve_met: row.try_get("", "resolve_met")?,
                    resolve_missed: row.try_get("", "resolve_missed")?,
                    escalated: row.try_get("", "escalated")?,
                },
            ))
        })
        .collect()
}
