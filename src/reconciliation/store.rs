//! What the reconciliation reads (the sub-merchants, their trades, refunds and meals of a day)
//! and writes (the imported bill and its findings, replaced as a whole on a re-import).

use chrono::{DateTime, NaiveDate, Utc};
use entity::{
    bill_import, meal_order, meal_point_payment, payment, payment_refund, reconciliation_item,
};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    sea_query::{ExprTrait, OnConflict},
};
use vocabulary::{Discrepancy, PaymentMethods, RefundState};

use super::rules::{Finding, MealFacts, RefundFacts, TradeFacts};
use crate::{
    clock::{SHANGHAI, shanghai_to_utc},
    error::AppResult,
};

/// A meal point paid through WeChat Pay, under its sub-merchant number.
#[derive(Debug, Clone)]
pub struct SubMerchant {
    pub meal_point_id: i64,
    pub sub_mchid: String,
    pub methods: PaymentMethods,
}

pub async fn sub_merchants(
    db: &impl ConnectionTrait,
    meal_point_ids: Option<&[i64]>,
) -> AppResult<Vec<SubMerchant>> {
    let mut query = meal_point_payment::Entity::find()
        .filter(meal_point_payment::Column::SubMchid.is_not_null())
        .order_by_asc(meal_point_payment::Column::MealPointId);
    if let Some(ids) = meal_point_ids {
        query = query.filter(meal_point_payment::Column::MealPointId.is_in(ids.iter().copied()));
    }
    Ok(query
        .all(db)
        .await?
        .into_iter()
        .filter_map(|row| {
            Some(SubMerchant {
                meal_point_id: row.meal_point_id,
                sub_mchid: row.sub_mchid?,
                methods: row.methods,
            })
        })
        .collect())
}

/// The instants a Shanghai day starts and ends.
pub fn day_bounds(date: NaiveDate) -> (DateTime<Utc>, DateTime<Utc>) {
    let start = shanghai_to_utc(date.and_hms_opt(0, 0, 0).unwrap_or_default());
    (start, start + chrono::Duration::days(1))
}

fn shanghai_date(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&SHANGHAI).date_naive()
}

/// The trades and refunds a sub-merchant's day touches: those the bill names, those paid on the
/// day, those with a refund confirmed on the day, and every refund of each.
pub async fn money_of_day(
    db: &impl ConnectionTrait,
    sub_mchid: &str,
    date: NaiveDate,
    named: &[String],
) -> AppResult<(Vec<TradeFacts>, Vec<RefundFacts>)> {
    let (start, end) = day_bounds(date);
    let refunded_on_day: Vec<String> = payment_refund::Entity::find()
        .filter(payment_refund::Column::State.eq(RefundState::Succeeded))
        .filter(payment_refund::Column::UpdatedAt.gte(start))
        .filter(payment_refund::Column::UpdatedAt.lt(end))
        .all(db)
        .await?
        .into_iter()
        .map(|r| r.out_trade_no)
        .collect();
    let trades = payment::Entity::find()
        .filter(payment::Column::SubMchid.eq(sub_mchid))
        .filter(
            payment::Column::OutTradeNo
                .is_in(named.iter().cloned().chain(refunded_on_day))
                .or(payment::Column::PaidAt
                    .gte(start)
                    .and(payment::Column::PaidAt.lt(end))),
        )
        .all(db)
        .await?;
    let order_ids: Vec<String> = trades.iter().map(|t| t.order_id.clone()).collect();
    let meal_points: std::collections::HashMap<String, i64> = meal_order::Entity::find()
        .filter(meal_order::Column::Id.is_in(order_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, o.meal_point_id))
        .collect();
    let refunds = payment_refund::Entity::find()
        .filter(
            payment_refund::Column::OutTradeNo.is_in(trades.iter().map(|t| t.out_trade_no.clone())),
        )
        .all(db)
        .await?
        .into_iter()
        .map(|r| RefundFacts {
            succeeded_on: (r.state == RefundState::Succeeded).then(|| shanghai_date(r.updated_at)),
            out_refund_no: r.out_refund_no,
            out_trade_no: r.out_trade_no,
            amount_fen: r.amount_fen,
        })
        .collect();
    let trades = trades
        .into_iter()
        .map(|t| TradeFacts {
            meal_point_id: meal_points.get(&t.order_id).copied().unwrap_or_default(),
            paid_on: t.paid_at.map(shanghai_date),
            out_trade_no: t.out_trade_no,
            order_id: t.order_id,
            amount_fen: t.amount_fen,
        })
        .collect();
    Ok((trades, refunds))
}

/// A meal point's meals of a day with a share to pay, and the online money each kept.
pub async fn meals_of_day(
    db: &impl ConnectionTrait,
    sub: &SubMerchant,
    date: NaiveDate,
) -> AppResult<Vec<MealFacts>> {
    let orders = meal_order::Entity::find()
        .filter(meal_order::Column::MealPointId.eq(sub.meal_point_id))
        .filter(meal_order::Column::Date.eq(date))
        .filter(meal_order::Column::ElderShareFen.gt(0))
        .order_by_asc(meal_order::Column::Id)
        .all(db)
        .await?;
    let ids: Vec<String> = orders.iter().map(|o| o.id.clone()).collect();
    let trades: std::collections::HashMap<String, payment::Model> = payment::Entity::find()
        .filter(payment::Column::OrderId.is_in(ids.clone()))
        .all(db)
        .await?
        .into_iter()
        .map(|t| (t.order_id.clone(), t))
        .collect();
    let refunds = payment_refund::Entity::find()
        .filter(payment_refund::Column::OrderId.is_in(ids))
        .filter(payment_refund::Column::State.ne(RefundState::Failed))
        .all(db)
        .await?;
    Ok(orders
        .into_iter()
        .map(|order| {
            let paid = trades
                .get(&order.id)
                .filter(|t| t.paid_at.is_some())
                .map_or(0, |t| t.amount_fen);
            let back: i64 = refunds
                .iter()
                .filter(|r| r.order_id == order.id)
                .map(|r| r.amount_fen)
                .sum();
            MealFacts {
                order_id: order.id,
                meal_point_id: order.meal_point_id,
                state: order.state,
                payment_state: order.payment_state,
                elder_share_fen: order.elder_share_fen,
                kept_online_fen: std::cmp::max(paid - back, 0),
                online_only: sub.methods.must_pay_online(),
            }
        })
        .collect())
}

/// The imported bill, before its id is known.
pub struct Imported {
    pub sub_mchid: String,
    pub bill_date: NaiveDate,
    pub meal_point_id: i64,
    pub trades: i32,
    pub paid_fen: i64,
    pub refunded_fen: i64,
    pub raw: String,
    pub imported_at: DateTime<Utc>,
}

/// Writes a day's import and its findings, replacing an earlier import of the same day: the
/// upsert comes first, so a second importer waits on its row (PostgreSQL) or on the database
/// (SQLite) and then replaces what the first wrote, never adding to it.
pub async fn replace_import(
    db: &impl ConnectionTrait,
    imported: Imported,
    findings: &[Finding],
) -> AppResult<bill_import::Model> {
    bill_import::Entity::insert(bill_import::ActiveModel {
        sub_mchid: Set(imported.sub_mchid.clone()),
        bill_date: Set(imported.bill_date),
        meal_point_id: Set(imported.meal_point_id),
        trades: Set(imported.trades),
        paid_fen: Set(imported.paid_fen),
        refunded_fen: Set(imported.refunded_fen),
        findings: Set(findings.len() as i32),
        raw: Set(imported.raw),
        imported_at: Set(imported.imported_at),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::columns([bill_import::Column::SubMchid, bill_import::Column::BillDate])
            .update_columns([
                bill_import::Column::MealPointId,
                bill_import::Column::Trades,
                bill_import::Column::PaidFen,
                bill_import::Column::RefundedFen,
                bill_import::Column::Findings,
                bill_import::Column::Raw,
                bill_import::Column::ImportedAt,
            ])
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    let row = bill_import::Entity::find()
        .filter(bill_import::Column::SubMchid.eq(&imported.sub_mchid))
        .filter(bill_import::Column::BillDate.eq(imported.bill_date))
        .one(db)
        .await?
        .ok_or_else(|| {
            crate::error::AppError::internal(std::io::Error::other("import vanished"))
        })?;
    reconciliation_item::Entity::delete_many()
        .filter(reconciliation_item::Column::ImportId.eq(row.id))
        .exec(db)
        .await?;
    if !findings.is_empty() {
        reconciliation_item::Entity::insert_many(findings.iter().map(|f| {
            reconciliation_item::ActiveModel {
                import_id: Set(row.id),
                bill_date: Set(row.bill_date),
                meal_point_id: Set(f.meal_point_id),
                kind: Set(f.kind),
                order_id: Set(f.order_id.clone()),
                out_trade_no: Set(f.out_trade_no.clone()),
                out_refund_no: Set(f.out_refund_no.clone()),
                ours_fen: Set(f.ours_fen),
                billed_fen: Set(f.billed_fen),
                note: Set(f.note.chars().take(200).collect()),
                ..Default::default()
            }
        }))
        .exec_without_returning(db)
        .await?;
    }
    Ok(row)
}

/// Whether a sub-merchant's day has been imported.
pub async fn imported(
    db: &impl ConnectionTrait,
    sub_mchid: &str,
    date: NaiveDate,
) -> AppResult<bool> {
    Ok(bill_import::Entity::find()
        .filter(bill_import::Column::SubMchid.eq(sub_mchid))
        .filter(bill_import::Column::BillDate.eq(date))
        .one(db)
        .await?
        .is_some())
}

/// The imports and findings of days `from` to `to`, of the given meal points (all: `None`).
pub async fn list(
    db: &impl ConnectionTrait,
    meal_point_ids: Option<&[i64]>,
    from: NaiveDate,
    to: NaiveDate,
    kind: Option<Discrepancy>,
) -> AppResult<(Vec<bill_import::Model>, Vec<reconciliation_item::Model>)> {
    let mut imports = bill_import::Entity::find()
        .filter(bill_import::Column::BillDate.gte(from))
        .filter(bill_import::Column::BillDate.lte(to))
        .order_by_desc(bill_import::Column::BillDate)
        .order_by_asc(bill_import::Column::MealPointId);
    let mut items = reconciliation_item::Entity::find()
        .filter(reconciliation_item::Column::BillDate.gte(from))
        .filter(reconciliation_item::Column::BillDate.lte(to))
        .order_by_desc(reconciliation_item::Column::BillDate)
        .order_by_asc(reconciliation_item::Column::MealPointId)
        .order_by_asc(reconciliation_item::Column::Id);
    if let Some(ids) = meal_point_ids {
        imports = imports.filter(bill_import::Column::MealPointId.is_in(ids.iter().copied()));
        items = items.filter(reconciliation_item::Column::MealPointId.is_in(ids.iter().copied()));
    }
    if let Some(kind) = kind {
        items = items.filter(reconciliation_item::Column::Kind.eq(kind));
    }
    Ok((imports.all(db).await?, items.all(db).await?))
}
