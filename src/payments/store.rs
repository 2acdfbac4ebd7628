//! Payment queries: meal points' payment methods, trades, refunds and the kept exchanges.

use chrono::{DateTime, Utc};
use entity::{
    counter_payment, meal_order, meal_point_payment, offering, order_item, payment, payment_event,
    payment_refund,
};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect,
    sea_query::{Expr, OnConflict},
};
use vocabulary::{PayEventKind, PaymentState, RefundState};

use crate::{error::AppResult, wechat::pay::Exchange};

pub async fn methods_of(
    db: &impl ConnectionTrait,
    meal_point_id: i64,
) -> AppResult<Option<meal_point_payment::Model>> {
    Ok(meal_point_payment::Entity::find_by_id(meal_point_id)
        .one(db)
        .await?)
}

pub async fn set_methods(
    db: &impl ConnectionTrait,
    row: meal_point_payment::Model,
) -> AppResult<()> {
    meal_point_payment::Entity::insert(meal_point_payment::ActiveModel {
        meal_point_id: Set(row.meal_point_id),
        methods: Set(row.methods),
        sub_mchid: Set(row.sub_mchid),
        updated_at: Set(row.updated_at),
    })
    .on_conflict(
        OnConflict::column(meal_point_payment::Column::MealPointId)
            .update_columns([
                meal_point_payment::Column::Methods,
                meal_point_payment::Column::SubMchid,
                meal_point_payment::Column::UpdatedAt,
            ])
            .to_owned(),
    )
    .exec(db)
    .await?;
    Ok(())
}

/// The earliest cutoff of the order's offerings: the booking cannot wait for money past it.
pub async fn cutoff_of(
    db: &impl ConnectionTrait,
    order_id: &str,
) -> AppResult<Option<DateTime<Utc>>> {
    let offering_ids: Vec<i64> = order_item::Entity::find()
        .select_only()
        .column(order_item::Column::OfferingId)
        .filter(order_item::Column::OrderId.eq(order_id))
        .into_tuple()
        .all(db)
        .await?;
    let cutoffs: Vec<DateTime<Utc>> = offering::Entity::find()
        .select_only()
        .column(offering::Column::CutoffAt)
        .filter(offering::Column::Id.is_in(offering_ids))
        .into_tuple()
        .all(db)
        .await?;
    Ok(cutoffs.into_iter().min())
}

pub async fn trade_of_order(
    db: &impl ConnectionTrait,
    order_id: &str,
) -> AppResult<Option<payment::Model>> {
    Ok(payment::Entity::find()
        .filter(payment::Column::OrderId.eq(order_id))
        .one(db)
        .await?)
}

pub async fn trade(
    db: &impl ConnectionTrait,
    out_trade_no: &str,
) -> AppResult<Option<payment::Model>> {
    Ok(payment::Entity::find_by_id(out_trade_no).one(db).await?)
}

/// Writes the trade unless the order has one already; either way returns the order's trade.
pub async fn insert_trade(
    db: &impl ConnectionTrait,
    trade: payment::Model,
) -> AppResult<payment::Model> {
    let order_id = trade.order_id.clone();
    payment::Entity::insert(payment::ActiveModel::from(trade))
        .on_conflict_do_nothing()
        .exec(db)
        .await?;
    trade_of_order(db, &order_id)
        .await?
        .ok_or_else(|| crate::error::AppError::internal(std::io::Error::other("trade vanished")))
}

pub async fn set_prepay_id(
    db: &impl ConnectionTrait,
    out_trade_no: &str,
    prepay_id: &str,
    now: DateTime<Utc>,
) -> AppResult<()> {
    payment::Entity::update_many()
        .col_expr(payment::Column::PrepayId, Expr::value(prepay_id))
        .col_expr(payment::Column::UpdatedAt, Expr::value(now))
        .filter(payment::Column::OutTradeNo.eq(out_trade_no))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn set_paid(
    db: &impl ConnectionTrait,
    out_trade_no: &str,
    transaction_id: Option<&str>,
    paid_at: DateTime<Utc>,
) -> AppResult<()> {
    payment::Entity::update_many()
        .col_expr(payment::Column::TransactionId, Expr::value(transaction_id))
        .col_expr(payment::Column::PaidAt, Expr::value(paid_at))
        .col_expr(payment::Column::UpdatedAt, Expr::value(paid_at))
        .filter(payment::Column::OutTradeNo.eq(out_trade_no))
        .filter(payment::Column::PaidAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// Moves the order's payment from any of `from` to `to`; false if it was in none of them (another
/// notification, the sweeper or a cancellation got there first).
pub async fn move_payment(
    db: &impl ConnectionTrait,
    order_id: &str,
    from: &[PaymentState],
    to: PaymentState,
    now: DateTime<Utc>,
) -> AppResult<bool> {
    let result = meal_order::Entity::update_many()
        .col_expr(meal_order::Column::PaymentState, Expr::value(to))
        .col_expr(meal_order::Column::UpdatedAt, Expr::value(now))
        .filter(meal_order::Column::Id.eq(order_id))
        .filter(meal_order::Column::PaymentState.is_in(from.iter().copied()))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Keeps one call to WeChat Pay (or one notification) as it went.
pub async fn record(
    db: &impl ConnectionTrait,
    order_id: Option<&str>,
    out_trade_no: &str,
    kind: PayEventKind,
    notice_id: Option<&str>,
    exchange: &Exchange,
    at: DateTime<Utc>,
) -> AppResult<()> {
    payment_event::Entity::insert(payment_event::ActiveModel {
        order_id: Set(order_id.map(str::to_string)),
        out_trade_no: Set(out_trade_no.chars().take(32).collect()),
        kind: Set(kind),
        notice_id: Set(notice_id.map(|id| id.chars().take(64).collect())),
        http_status: Set(exchange.status.map(i32::from)),
        request: Set(exchange.request.clone()),
        response: Set(exchange.response.clone()),
        at: Set(at),
        ..Default::default()
    })
    .exec(db)
    .await?;
    Ok(())
}

pub async fn events_of(
    db: &impl ConnectionTrait,
    order_id: &str,
) -> AppResult<Vec<payment_event::Model>> {
    use sea_orm::QueryOrder;
    Ok(payment_event::Entity::find()
        .filter(payment_event::Column::OrderId.eq(order_id))
        .order_by_asc(payment_event::Column::Id)
        .all(db)
        .await?)
}

pub async fn refunds_of(
    db: &impl ConnectionTrait,
    order_id: &str,
) -> AppResult<Vec<payment_refund::Model>> {
    use sea_orm::QueryOrder;
    Ok(payment_refund::Entity::find()
        .filter(payment_refund::Column::OrderId.eq(order_id))
        .order_by_asc(payment_refund::Column::CreatedAt)
        .all(db)
        .await?)
}

pub async fn refund(
    db: &impl ConnectionTrait,
    out_refund_no: &str,
) -> AppResult<Option<payment_refund::Model>> {
    Ok(payment_refund::Entity::find_by_id(out_refund_no)
        .one(db)
        .await?)
}

/// Writes the refund; false when a refund with this number exists (a retried request).
pub async fn insert_refund(
    db: &impl ConnectionTrait,
    refund: payment_refund::Model,
) -> AppResult<bool> {
    let inserted = payment_refund::Entity::insert(payment_refund::ActiveModel::from(refund))
        .on_conflict_do_nothing()
        .exec(db)
        .await?;
    Ok(matches!(inserted, sea_orm::TryInsertResult::Inserted(_)))
}

pub async fn set_refund_id(
    db: &impl ConnectionTrait,
    out_refund_no: &str,
    refund_id: &str,
    now: DateTime<Utc>,
) -> AppResult<()> {
    payment_refund::Entity::update_many()
        .col_expr(payment_refund::Column::RefundId, Expr::value(refund_id))
        .col_expr(payment_refund::Column::UpdatedAt, Expr::value(now))
        .filter(payment_refund::Column::OutRefundNo.eq(out_refund_no))
        .exec(db)
        .await?;
    Ok(())
}

/// Settles a refund once: false if it had already left `processing`.
pub async fn settle_refund(
    db: &impl ConnectionTrait,
    out_refund_no: &str,
    to: RefundState,
    refund_id: Option<&str>,
    now: DateTime<Utc>,
) -> AppResult<bool> {
    let mut update = payment_refund::Entity::update_many()
        .col_expr(payment_refund::Column::State, Expr::value(to))
        .col_expr(payment_refund::Column::UpdatedAt, Expr::value(now));
    if let Some(id) = refund_id {
        update = update.col_expr(payment_refund::Column::RefundId, Expr::value(id));
    }
    let result = update
        .filter(payment_refund::Column::OutRefundNo.eq(out_refund_no))
        .filter(payment_refund::Column::State.eq(RefundState::Processing))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Fen refunded (or on the way back) for an order: every refund not failed.
pub async fn refunded_fen(
    db: &impl ConnectionTrait,
    order_id: &str,
    only_succeeded: bool,
) -> AppResult<i64> {
    let refunds = refunds_of(db, order_id).await?;
    Ok(refunds
        .iter()
        .filter(|r| match r.state {
            RefundState::Succeeded => true,
            RefundState::Processing => !only_succeeded,
            RefundState::Failed => false,
        })
        .map(|r| r.amount_fen)
        .sum())
}

/// Booked orders whose online payment is still pending: what the sweep looks at.
pub async fn pending_orders(db: &impl ConnectionTrait) -> AppResult<Vec<meal_order::Model>> {
    Ok(meal_order::Entity::find()
        .filter(meal_order::Column::PaymentState.eq(PaymentState::Pending))
        .filter(meal_order::Column::State.eq(vocabulary::OrderState::Booked))
        .all(db)
        .await?)
}

/// Refunds WeChat Pay never acknowledged (the call failed): asked again with the same number.
pub async fn unacknowledged_refunds(
    db: &impl ConnectionTrait,
    before: DateTime<Utc>,
) -> AppResult<Vec<payment_refund::Model>> {
    Ok(payment_refund::Entity::find()
        .filter(payment_refund::Column::State.eq(RefundState::Processing))
        .filter(payment_refund::Column::RefundId.is_null())
        .filter(payment_refund::Column::CreatedAt.lt(before))
        .all(db)
        .await?)
}

/// The record of an order's share paid at the counter.
pub async fn counter_payment_of(
    db: &impl ConnectionTrait,
    order_id: &str,
) -> AppResult<Option<counter_payment::Model>> {
    Ok(counter_payment::Entity::find_by_id(order_id)
        .one(db)
        .await?)
}

/// Writes the record of a share paid at the counter (the order is its key: never two).
pub async fn insert_counter_payment(
    db: &impl ConnectionTrait,
    row: counter_payment::Model,
) -> AppResult<()> {
    counter_payment::Entity::insert(counter_payment::ActiveModel::from(row))
        .exec_without_returning(db)
        .await?;
    Ok(())
}
