//! The dashboard's queries. Every figure is summed in the database with `GROUP BY`; what comes
//! back is at most a row per day (or district, or year) and district, never the orders.

use chrono::{DateTime, NaiveDate, Utc};
use entity::meal_point_target as target;
use sea_orm::{
    ActiveValue::Set,
    ConnectionTrait, DbErr, EntityTrait, QueryOrder,
    sea_query::{Alias, Asterisk, Expr, ExprTrait, Func, JoinType, Query, SelectStatement},
};
use vocabulary::OrderState;

use super::rules::TargetInput;
use crate::db::{count_where, sum_bigint};

/// `column = district` when a district narrows the query.
fn in_district(column: Expr, district: Option<&str>) -> Option<Expr> {
    district.map(|code| column.eq(code))
}

/// Served orders of `meal_order` dated `from` to `to`.
fn served_between(from: NaiveDate, to: NaiveDate) -> Expr {
    Expr::col("state")
        .eq(OrderState::Served.as_str())
        .and(Expr::col("date").gte(from))
        .and(Expr::col("date").lte(to))
}

fn count_all() -> Expr {
    Func::count(Expr::col(Asterisk)).into()
}

pub async fn targets(db: &impl ConnectionTrait) -> Result<Vec<target::Model>, DbErr> {
    target::Entity::find()
        .order_by_asc(target::Column::FromYear)
        .order_by_asc(target::Column::Id)
        .all(db)
        .await
}

/// Replaces every target with `targets` (call inside a transaction).
pub async fn replace_targets(
    db: &impl ConnectionTrait,
    targets: &[TargetInput],
    by: i64,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
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
) -> Result<Vec<(String, Vec<i64>)>, DbErr> {
    if years.is_empty() {
        return Ok(Vec::new());
    }
    let mut query = Query::select();
    query.column("district_code").from("meal_point");
    for (i, (_, start, end)) in years.iter().enumerate() {
        let in_year = Expr::col("created_at")
            .gte(*start)
            .and(Expr::col("created_at").lt(*end));
        query.expr_as(count_where(in_year), Alias::new(format!("y{i}")));
    }
    query
        .and_where_option(in_district(Expr::col("district_code"), district))
        .group_by_col("district_code");
    let rows = db.query_all(&query).await?;
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
) -> Result<Vec<(NaiveDate, String, i64)>, DbErr> {
    let query = Query::select()
        .columns(["date", "service_district_code"])
        .expr_as(count_all(), "meals")
        .from("meal_order")
        .and_where(served_between(from, to))
        .and_where_option(in_district(Expr::col("service_district_code"), district))
        .group_by_columns(["date", "service_district_code"])
        .to_owned();
    let rows = db.query_all(&query).await?;
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
) -> Result<Vec<(NaiveDate, String, i64, i64, i64, i64)>, DbErr> {
    let query = Query::select()
        .columns(["date", "funding_district_code"])
        .expr_as(count_all(), "meals")
        .expr_as(sum_bigint(Expr::col("subsidy_city_fen")), "city_fen")
        .expr_as(
            sum_bigint(Expr::col("subsidy_district_fen")),
            "district_fen",
        )
        .expr_as(sum_bigint(Expr::col("subsidy_street_fen")), "street_fen")
        .from("meal_order")
        .and_where(served_between(from, to))
        .and_where_option(in_district(Expr::col("funding_district_code"), district))
        .group_by_columns(["date", "funding_district_code"])
        .to_owned();
    let rows = db.query_all(&query).await?;
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
) -> Result<Vec<(String, String, i64)>, DbErr> {
    let either_side = district.map(|code| {
        Expr::col("funding_district_code")
            .eq(code)
            .or(Expr::col("service_district_code").eq(code))
    });
    let query = Query::select()
        .columns(["funding_district_code", "service_district_code"])
        .expr_as(count_all(), "meals")
        .from("meal_order")
        .and_where(served_between(from, to))
        .and_where_option(either_side)
        .group_by_columns(["funding_district_code", "service_district_code"])
        .to_owned();
    let rows = db.query_all(&query).await?;
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
) -> Result<Vec<(String, i64, i64)>, DbErr> {
    let query = Query::select()
        .expr_as(Expr::col(("mp", "district_code")), "district_code")
        .expr_as(count_all(), "ratings")
        .expr_as(sum_bigint(Expr::col(("r", "overall"))), "overall_sum")
        .from_as("rating", "r")
        .join_as(
            JoinType::InnerJoin,
            "meal_point",
            "mp",
            Expr::col(("mp", "id")).equals(("r", "meal_point_id")),
        )
        .and_where(Expr::col(("r", "hidden")).eq(false))
        .and_where(Expr::col(("r", "created_at")).gte(start))
        .and_where(Expr::col(("r", "created_at")).lt(end))
        .and_where_option(in_district(Expr::col(("mp", "district_code")), district))
        .group_by_col(("mp", "district_code"))
        .to_owned();
    let rows = db.query_all(&query).await?;
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
) -> Result<Vec<(String, DeadlineCounts)>, DbErr> {
    let col = |name: &'static str| Expr::col(name);
    let done = || -> Expr { Func::coalesce([col("resolved_at"), col("closed_at")]).into() };
    let ack_met = col("acknowledged_at")
        .is_not_null()
        .and(col("acknowledged_at").lte(col("ack_due_at")));
    let ack_missed = col("acknowledged_at")
        .is_not_null()
        .and(col("acknowledged_at").gt(col("ack_due_at")))
        .or(col("acknowledged_at")
            .is_null()
            .and(col("ack_due_at").lte(now)));
    let resolve_met = done().is_not_null().and(done().lte(col("resolve_due_at")));
    let resolve_missed = done()
        .is_not_null()
        .and(done().gt(col("resolve_due_at")))
        .or(done().is_null().and(col("resolve_due_at").lte(now)));
    let query: SelectStatement = Query::select()
        .column("district_code")
        .expr_as(count_all(), "complaints")
        .expr_as(count_where(ack_met), "ack_met")
        .expr_as(count_where(ack_missed), "ack_missed")
        .expr_as(count_where(resolve_met), "resolve_met")
        .expr_as(count_where(resolve_missed), "resolve_missed")
        .expr_as(count_where(col("escalated_at").is_not_null()), "escalated")
        .from("complaint")
        .and_where(col("created_at").gte(start))
        .and_where(col("created_at").lt(end))
        .and_where_option(in_district(col("district_code"), district))
        .group_by_col("district_code")
        .to_owned();
    let rows = db.query_all(&query).await?;
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
