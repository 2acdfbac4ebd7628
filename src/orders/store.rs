//! Orders in the database: reads, guarded state changes, and the snapshot a reservation store is
//! rebuilt from.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use entity::{meal_order, meal_point, offering, order_event, order_item};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    sea_query::{Expr, ExprTrait},
};

use super::{
    error::OrderError,
    reservation::{
        ClosedDays, ElderQuota, IdempotencyRecord, MealPointFence, MealPointSnapshot,
        OfferingPortions,
    },
    rules::OrderState,
};
use crate::error::AppResult;
use vocabulary::{ServiceMode, Slot};

/// How far back idempotency keys and cancellations are remembered in a rebuilt store; matches
/// the Redis store's record lifetime.
pub const REMEMBER_KEYS_FOR: Duration = Duration::days(3);

/// The meal point's status as the reservation store fences bookings with it; the row's
/// `updated_at` orders its versions.
pub fn fence_of(model: &meal_point::Model) -> MealPointFence {
    let closed = match crate::meal_points::store::status_of(model) {
        Ok(status) => status.suspension().map(|suspension| ClosedDays {
            from: suspension.from_date(),
            until: suspension.until_date(),
        }),
        // A status the rules cannot read refuses bookings, as `takes_bookings_on` does.
        Err(_) => Some(ClosedDays {
            from: NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default(),
            until: None,
        }),
    };
    MealPointFence {
        epoch: model.updated_at.timestamp_micros(),
        closed,
    }
}

pub async fn find_order(
    db: &impl ConnectionTrait,
    order_id: &str,
) -> Result<Option<meal_order::Model>, DbErr> {
    meal_order::Entity::find_by_id(order_id.to_string())
        .one(db)
        .await
}

pub async fn require_order(
    db: &impl ConnectionTrait,
    order_id: &str,
) -> Result<meal_order::Model, OrderError> {
    find_order(db, order_id).await?.ok_or(OrderError::NotFound)
}

/// The order of a meal point on a date with this pickup code (codes are unique there).
pub async fn find_by_pickup_code(
    db: &impl ConnectionTrait,
    meal_point_id: i64,
    date: NaiveDate,
    code: &str,
) -> AppResult<Option<meal_order::Model>> {
    Ok(meal_order::Entity::find()
        .filter(meal_order::Column::MealPointId.eq(meal_point_id))
        .filter(meal_order::Column::Date.eq(date))
        .filter(meal_order::Column::PickupCode.eq(code))
        .one(db)
        .await?)
}

pub async fn find_by_client_key(
    db: &impl ConnectionTrait,
    account_id: i64,
    client_key: &str,
) -> AppResult<Option<meal_order::Model>> {
    Ok(meal_order::Entity::find()
        .filter(meal_order::Column::AccountId.eq(account_id))
        .filter(meal_order::Column::ClientKey.eq(client_key))
        .one(db)
        .await?)
}

pub async fn lines_of(
    db: &impl ConnectionTrait,
    order_id: &str,
) -> AppResult<Vec<order_item::Model>> {
    Ok(order_item::Entity::find()
        .filter(order_item::Column::OrderId.eq(order_id))
        .order_by_asc(order_item::Column::Id)
        .all(db)
        .await?)
}

pub async fn history_of(
    db: &impl ConnectionTrait,
    order_id: &str,
) -> AppResult<Vec<order_event::Model>> {
    Ok(order_event::Entity::find()
        .filter(order_event::Column::OrderId.eq(order_id))
        .order_by_asc(order_event::Column::Id)
        .all(db)
        .await?)
}

/// An elder's orders, newest first; only those on or after `from` when given.
pub async fn orders_of_elder(
    db: &impl ConnectionTrait,
    elder_id: i64,
    from: Option<NaiveDate>,
) -> Result<Vec<meal_order::Model>, DbErr> {
    let mut query = meal_order::Entity::find()
        .filter(meal_order::Column::ElderId.eq(elder_id))
        .order_by_desc(meal_order::Column::Date)
        .order_by_desc(meal_order::Column::CreatedAt);
    if let Some(from) = from {
        query = query.filter(meal_order::Column::Date.gte(from));
    }
    query.all(db).await
}

/// A meal point's orders of a date and slot in a mode, oldest first.
pub async fn orders_in_slot(
    db: &impl ConnectionTrait,
    meal_point_id: i64,
    date: NaiveDate,
    slot: Slot,
    mode: ServiceMode,
) -> Result<Vec<meal_order::Model>, DbErr> {
    meal_order::Entity::find()
        .filter(meal_order::Column::MealPointId.eq(meal_point_id))
        .filter(meal_order::Column::Date.eq(date))
        .filter(meal_order::Column::Slot.eq(slot))
        .filter(meal_order::Column::Mode.eq(mode))
        .order_by_asc(meal_order::Column::CreatedAt)
        .all(db)
        .await
}

/// A meal point's orders of a date, every slot and state, in booking order.
pub async fn orders_on(
    db: &impl ConnectionTrait,
    meal_point_id: i64,
    date: NaiveDate,
) -> Result<Vec<meal_order::Model>, DbErr> {
    meal_order::Entity::find()
        .filter(meal_order::Column::MealPointId.eq(meal_point_id))
        .filter(meal_order::Column::Date.eq(date))
        .order_by_asc(meal_order::Column::CreatedAt)
        .all(db)
        .await
}

/// The lines of these orders, together, in the order they were written.
pub async fn lines_of_orders(
    db: &impl ConnectionTrait,
    order_ids: Vec<String>,
) -> Result<Vec<order_item::Model>, DbErr> {
    order_item::Entity::find()
        .filter(order_item::Column::OrderId.is_in(order_ids))
        .order_by_asc(order_item::Column::Id)
        .all(db)
        .await
}

/// The offerings a booking names, each with its dish's name.
pub async fn offerings_with_dish_names(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> AppResult<Vec<(offering::Model, String)>> {
    let offerings = offering::Entity::find()
        .filter(offering::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?;
    let dishes = entity::dish::Entity::find()
        .filter(entity::dish::Column::Id.is_in(offerings.iter().map(|o| o.dish_id)))
        .all(db)
        .await?;
    Ok(offerings
        .into_iter()
        .map(|offering| {
            let name = dishes
                .iter()
                .find(|d| d.id == offering.dish_id)
                .map(|d| d.name.clone())
                .unwrap_or_default();
            (offering, name)
        })
        .collect())
}

/// One change of an order's state, as the history records it.
pub struct StateChange<'a> {
    pub from: OrderState,
    pub to: OrderState,
    /// `None` when the system made the change.
    pub actor: Option<i64>,
    pub note: Option<&'a str>,
    pub at: DateTime<Utc>,
}

/// Applies `change` only if the order is still in `change.from`, and records it in the order's
/// history. Returns false when the order had already moved (a racing cancel, a second scan):
/// of two racing changes exactly one wins. `extra` adds columns to the same guarded update.
pub async fn transition(
    txn: &impl ConnectionTrait,
    order_id: &str,
    change: StateChange<'_>,
    extra: impl FnOnce(
        sea_orm::UpdateMany<meal_order::Entity>,
    ) -> sea_orm::UpdateMany<meal_order::Entity>,
) -> AppResult<bool> {
    let update = meal_order::Entity::update_many()
        .col_expr(meal_order::Column::State, Expr::value(change.to))
        .col_expr(meal_order::Column::UpdatedAt, Expr::value(change.at))
        .filter(meal_order::Column::Id.eq(order_id))
        .filter(meal_order::Column::State.eq(change.from));
    let moved = extra(update).exec(txn).await?.rows_affected == 1;
    if moved {
        order_event::Entity::insert(order_event::ActiveModel {
            order_id: Set(order_id.to_string()),
            from_state: Set(Some(change.from)),
            to_state: Set(change.to),
            actor_account_id: Set(change.actor),
            note: Set(change.note.map(str::to_string)),
            at: Set(change.at),
            ..Default::default()
        })
        .exec(txn)
        .await?;
    }
    Ok(moved)
}

/// Gives a cancelled order's portions back to its offerings in the database.
pub async fn return_portions(
    txn: &impl ConnectionTrait,
    lines: &[order_item::Model],
    now: DateTime<Utc>,
) -> AppResult<()> {
    for line in lines {
        offering::Entity::update_many()
            .col_expr(
                offering::Column::Booked,
                Expr::col(offering::Column::Booked).sub(line.quantity),
            )
            .col_expr(offering::Column::UpdatedAt, Expr::value(now))
            .filter(offering::Column::Id.eq(line.offering_id))
            .exec(txn)
            .await?;
    }
    Ok(())
}

/// What a reservation store needs to take bookings for a meal point again, read from the
/// database (the truth): portions left of every offering from `today` on, every elder's orders
/// per slot, recent idempotency keys and recent cancellations.
pub async fn reservation_snapshot(
    db: &impl ConnectionTrait,
    meal_point_id: i64,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> AppResult<MealPointSnapshot> {
    let offerings = offering::Entity::find()
        .filter(offering::Column::MealPointId.eq(meal_point_id))
        .filter(offering::Column::Date.gte(today))
        .all(db)
        .await?
        .into_iter()
        .map(|o| OfferingPortions {
            offering_id: o.id,
            date: o.date,
            portions_left: i64::from(std::cmp::max(o.portions - o.booked, 0)),
        })
        .collect();

    let upcoming: Vec<(i64, NaiveDate, Slot, OrderState)> = meal_order::Entity::find()
        .select_only()
        .column(meal_order::Column::ElderId)
        .column(meal_order::Column::Date)
        .column(meal_order::Column::Slot)
        .column(meal_order::Column::State)
        .filter(meal_order::Column::MealPointId.eq(meal_point_id))
        .filter(meal_order::Column::Date.gte(today))
        .into_tuple()
        .all(db)
        .await?;
    let mut counts: std::collections::BTreeMap<(i64, NaiveDate, Slot), u32> = Default::default();
    for (elder_id, date, slot, state) in upcoming {
        // The store counts every order it reserved until it is released by a cancellation.
        if state != OrderState::Cancelled {
            *counts.entry((elder_id, date, slot)).or_default() += 1;
        }
    }
    let quotas = counts
        .into_iter()
        .map(|((elder_id, date, slot), live_orders)| ElderQuota {
            elder_id,
            date,
            slot: slot.as_str().to_string(),
            live_orders,
        })
        .collect();

    let recent: Vec<(String, i64, String, OrderState)> = meal_order::Entity::find()
        .select_only()
        .column(meal_order::Column::Id)
        .column(meal_order::Column::AccountId)
        .column(meal_order::Column::ClientKey)
        .column(meal_order::Column::State)
        .filter(meal_order::Column::MealPointId.eq(meal_point_id))
        .filter(meal_order::Column::CreatedAt.gte(now - REMEMBER_KEYS_FOR))
        .into_tuple()
        .all(db)
        .await?;
    let released_orders = recent
        .iter()
        .filter(|(_, _, _, state)| *state == OrderState::Cancelled)
        .map(|(id, _, _, _)| id.clone())
        .collect();
    let idempotency = recent
        .into_iter()
        .map(|(order_id, account_id, client_key, _)| IdempotencyRecord {
            account_id,
            client_key,
            order_id,
        })
        .collect();

    let fence = meal_point::Entity::find_by_id(meal_point_id)
        .one(db)
        .await?
        .map(|model| fence_of(&model))
        .unwrap_or_default();

    Ok(MealPointSnapshot {
        meal_point_id,
        fence,
        offerings,
        quotas,
        idempotency,
        released_orders,
    })
}
