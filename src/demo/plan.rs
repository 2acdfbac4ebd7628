//! The plan's meal-point targets, and when the demo's meal points were built.
//!
//! The demo city's 165 meal points are the plan's 165 (each district's share of the targets), so
//! the dashboard's plan-versus-built view would show them all built today. They are dated instead
//! over the plan's years in the city's yearly proportions (83 in 2024, 50 in 2025, 32 in 2026),
//! each district alike, never after today: what the city would see two years into the plan.

use chrono::{NaiveDate, NaiveTime, TimeDelta};
use entity::meal_point;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, sea_query::Expr,
};

use crate::{
    clock::shanghai_to_utc,
    dashboard::{
        CHANGZHOU_TARGETS_CSV,
        rules::{CITY_SCOPE, parse_targets_csv},
        store as dashboard_store,
    },
    error::{AppError, AppResult},
};

/// Seeds the targets from the shipped CSV and dates the demo meal points over the plan's years.
pub async fn seed(db: &impl ConnectionTrait, admin_id: i64, today: NaiveDate) -> AppResult<()> {
    let targets: Vec<_> = parse_targets_csv(CHANGZHOU_TARGETS_CSV)
        .map_err(|problems| {
            AppError::internal(std::io::Error::other(format!(
                "the shipped targets CSV: {problems:?}"
            )))
        })?
        .into_iter()
        .map(|(_, t)| t)
        .collect();
    let now = shanghai_to_utc(today.and_time(NaiveTime::MIN));
    dashboard_store::replace_targets(db, &targets, admin_id, now).await?;

    let yearly: Vec<(i32, i64)> = targets
        .iter()
        .filter(|t| t.scope == CITY_SCOPE && t.from_year == t.to_year)
        .map(|t| (t.from_year, i64::from(t.target)))
        .collect();
    let plan_total: i64 = yearly.iter().map(|(_, n)| n).sum();
    if plan_total == 0 {
        return Ok(());
    }
    let points = meal_point::Entity::find()
        .order_by_asc(meal_point::Column::DistrictCode)
        .order_by_asc(meal_point::Column::Id)
        .all(db)
        .await?;
    let mut by_district: Vec<(String, Vec<i64>)> = Vec::new();
    for point in points {
        match by_district.last_mut() {
            Some((code, ids)) if *code == point.district_code => ids.push(point.id),
            _ => by_district.push((point.district_code, vec![point.id])),
        }
    }
    for (district_index, (_, ids)) in by_district.iter().enumerate() {
        let n = ids.len() as i64;
        let mut start = 0usize;
        let mut cumulative = 0;
        for (year, target) in &yearly {
            cumulative += target;
            let end = usize::try_from((n * cumulative + plan_total / 2) / plan_total)
                .unwrap_or_default()
                .min(ids.len());
            if end <= start {
                continue;
            }
            // Each district's meal points of a year opened on one day of that year, the districts
            // a few weeks apart.
            let opened = NaiveDate::from_ymd_opt(*year, 3, 1)
                .map(|d| d + TimeDelta::days(35 * district_index as i64))
                .unwrap_or(today)
                .min(today);
            let at = shanghai_to_utc(
                opened.and_time(NaiveTime::from_hms_opt(9, 0, 0).unwrap_or_default()),
            );
            meal_point::Entity::update_many()
                .col_expr(meal_point::Column::CreatedAt, Expr::value(at))
                .filter(meal_point::Column::Id.is_in(ids[start..end].to_vec()))
                .exec(db)
                .await?;
            start = end;
        }
    }
    Ok(())
}
