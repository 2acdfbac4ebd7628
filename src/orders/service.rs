//! Booking, cancelling, verifying and the other order operations, composed from the rules, the
//! reservation store, the durable writer and the other domains' stores.
//!
//! The booking path, in order: validate the request; check the caller may act for the elder;
//! answer a repeated idempotency key from the database; check the meal point, the mode and every
//! offering (same meal point, date and slot; booking window open); price it and freeze the
//! subsidy breakdown; take the reservation (idempotency key, elder quota, portions: all or
//! nothing); write the order durably; only then acknowledge. A refusal at any step changes
//! nothing; a failure after the reservation gives the reservation back.

use std::time::Duration as StdDuration;

use chrono::{DateTime, Utc};
use entity::{meal_order, meal_point, offering};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, TransactionTrait};

use super::{
    reservation::{
        BookedItem, LoadOutcome, ReleaseOutcome, ReleaseRequest, ReservationError, ReserveOutcome,
        ReserveRequest,
    },
    rules::{self, OrderRuleError, OrderState},
    store::{self, StateChange},
    writer::{NewLine, NewOrder, PersistError},
};
use crate::{
    auth::{Caller, Role},
    error::{AppError, AppResult, ErrorKind},
    meal_points::store as meal_points,
    menus::rules::{BookingWindowError, shanghai_today},
    money::Yuan,
    state::AppState,
    subsidy::{FunderLevel, ServiceMode, Slot},
};

impl From<OrderRuleError> for AppError {
    fn from(err: OrderRuleError) -> Self {
        let kind = match err {
            OrderRuleError::IllegalTransition { .. }
            | OrderRuleError::CancelCutoffPassed
            | OrderRuleError::NotServiceDay
            | OrderRuleError::SlotNotOpenForPickup
            | OrderRuleError::SlotNotOver => ErrorKind::Conflict,
            _ => ErrorKind::BadRequest,
        };
        let error = AppError::new(kind, err.code(), err.message());
        match err.field() {
            Some(field) => error.with_field(field),
            None => error,
        }
    }
}

fn unavailable(err: ReservationError) -> AppError {
    AppError::new(
        ErrorKind::Unavailable,
        "BOOKING_UNAVAILABLE",
        "订餐人数较多，系统暂时繁忙，请稍后再试",
    )
    .with_source(err)
}

/// The order, if this caller may see it; otherwise 404 `ORDER_NOT_FOUND` (its existence is not
/// revealed): the elder and linked family, the meal point's operators, a clerk of the service or
/// funding district, the city admin.
pub async fn visible_order(
    db: &impl sea_orm::ConnectionTrait,
    caller: &Caller,
    order_id: &str,
) -> AppResult<meal_order::Model> {
    let not_found = || AppError::not_found("ORDER_NOT_FOUND", "没有找到这个订单");
    let order = store::find_order(db, order_id)
        .await?
        .ok_or_else(not_found)?;
    let visible = match caller.role {
        Role::CityAdmin => true,
        Role::DistrictClerk => caller
            .district_code
            .as_deref()
            .is_some_and(|d| d == order.service_district_code || d == order.funding_district_code),
        Role::Operator => meal_points::require_operator_of(db, caller, order.meal_point_id)
            .await
            .is_ok(),
        Role::Elder | Role::Family => {
            crate::elders::store::require_elder_visible(db, caller, order.elder_id)
                .await
                .is_ok()
        }
        Role::Inspector => false,
    };
    if visible { Ok(order) } else { Err(not_found()) }
}

/// How many live orders an elder may hold per meal point, date and slot.
pub const ORDERS_PER_SLOT: u32 = 1;

#[derive(Debug, Clone)]
pub struct BookingRequest {
    pub elder_id: i64,
    pub meal_point_id: i64,
    pub date: chrono::NaiveDate,
    pub slot: Slot,
    pub mode: ServiceMode,
    pub lines: Vec<(i64, i32)>,
    pub client_key: String,
    pub delivery_address: Option<String>,
}

pub enum Booked {
    /// A new order, durable in the database.
    Created(meal_order::Model),
    /// The idempotency key was used before: the first order, unchanged.
    Repeated(meal_order::Model),
}

pub async fn book(state: &AppState, caller: &Caller, request: BookingRequest) -> AppResult<Booked> {
    rules::validate_client_key(&request.client_key)?;
    rules::validate_lines(&request.lines)?;
    let db = &state.db;
    let elder = acting_for(state, caller, &request).await?;

    let now = state.clock.now();
    let (meal_point, offerings) = match bookable(state, &request, now).await {
        Ok(found) => found,
        // A refusal here may answer a retry of a booking that went through (its cutoff has
        // passed since, or the meal point paused): the first order is the answer then. Only a
        // refusal pays this look-up; a retry that gets this far is caught by the reservation.
        Err(refusal) => {
            return match store::find_by_client_key(db, caller.account_id, &request.client_key)
                .await?
            {
                Some(first) => Ok(Booked::Repeated(first)),
                None => Err(refusal),
            };
        }
    };
    let delivery_address = match request.mode {
        ServiceMode::Delivery => Some(
            request
                .delivery_address
                .clone()
                .filter(|a| !a.trim().is_empty())
                .unwrap_or_else(|| elder.address.clone()),
        ),
        _ => None,
    };
    let gross_fen: i64 = offerings
        .iter()
        .zip(&request.lines)
        .map(|(o, (_, quantity))| o.price_fen * i64::from(*quantity))
        .sum();

    // The reservation comes before pricing: at the peak most requests are refused here (sold
    // out, a repeat, the elder already booked), and a refusal should cost one round trip to the
    // reservation store, not the subsidy engine's reads.
    let order_id = uuid::Uuid::now_v7().to_string();
    let items: Vec<BookedItem> = request
        .lines
        .iter()
        .map(|&(offering_id, quantity)| BookedItem {
            offering_id,
            quantity: i64::from(quantity),
        })
        .collect();
    let reserve = ReserveRequest {
        meal_point_id: meal_point.id,
        date: request.date,
        slot: request.slot.as_str().to_string(),
        elder_id: elder.id,
        account_id: caller.account_id,
        client_key: request.client_key.clone(),
        order_id: order_id.clone(),
        items: items.clone(),
        quota_limit: ORDERS_PER_SLOT,
    };
    match reserve_loaded(state, &reserve).await? {
        ReserveOutcome::Reserved => {}
        ReserveOutcome::Duplicate { order_id } => {
            return Ok(Booked::Repeated(await_first_order(state, &order_id).await?));
        }
        ReserveOutcome::QuotaExceeded => {
            return Err(AppError::conflict(
                "ELDER_ALREADY_BOOKED",
                format!(
                    "该老人在这个助餐点已预订了{}，请勿重复预订",
                    request.slot.label_zh()
                ),
            ));
        }
        ReserveOutcome::SoldOut { offering_id, left } => {
            let name = offerings
                .iter()
                .find(|o| o.id == offering_id)
                .map(|o| o.dish_name.as_str())
                .unwrap_or("所选菜品");
            return Err(AppError::conflict(
                "SOLD_OUT",
                if left > 0 {
                    format!("{name}只剩 {left} 份了")
                } else {
                    format!("{name}已订完")
                },
            )
            .with_field("items"));
        }
        ReserveOutcome::NotLoaded => {
            return Err(unavailable(ReservationError::Unavailable(
                "meal point state could not be rebuilt".into(),
            )));
        }
        ReserveOutcome::CounterMissing { offering_id } => {
            // Filled from the database a moment ago and missing again: the store is losing
            // keys (evictions?), and "sold out" would be a lie. Tell the elder to try again.
            return Err(unavailable(ReservationError::Unavailable(format!(
                "offering {offering_id} has no counter even after filling it from the database"
            ))));
        }
    }
    // From here on every refusal gives the reservation back, key included.
    let priced = async {
        let already =
            store::subsidised_meals_in_slot(db, elder.id, request.date, request.slot.as_str())
                .await?;
        crate::subsidy::service::quote_for_elder(
            db,
            &state.caches,
            &elder,
            request.date,
            request.slot,
            request.mode,
            &meal_point.district_code,
            Yuan::from_fen(gross_fen),
            already,
        )
        .await
    };
    let quote = match priced.await {
        Ok(quote) => quote,
        Err(err) => {
            abandon_reservation(state, &reserve).await;
            return Err(err);
        }
    };

    let mut order = meal_order::Model {
        id: order_id,
        account_id: caller.account_id,
        client_key: request.client_key.clone(),
        placed_by_role: caller.role.as_str().to_string(),
        elder_id: elder.id,
        meal_point_id: meal_point.id,
        service_district_code: meal_point.district_code.clone(),
        funding_district_code: elder.hukou_district_code.clone(),
        date: request.date,
        slot: request.slot.as_str().to_string(),
        mode: request.mode.as_str().to_string(),
        state: OrderState::Booked.as_str().to_string(),
        pickup_code: rules::new_pickup_code(&mut rand::rng()),
        gross_fen,
        subsidy_fen: Yuan::from(quote.subsidy_total).to_fen(),
        subsidy_city_fen: level_fen(&quote, FunderLevel::City),
        subsidy_district_fen: level_fen(&quote, FunderLevel::District),
        subsidy_street_fen: level_fen(&quote, FunderLevel::Street),
        elder_share_fen: Yuan::from(quote.elder_share).to_fen(),
        policy_version: Some(quote.policy_version.clone()).filter(|v| !v.is_empty()),
        quote_json: serde_json::to_string(&quote).unwrap_or_default(),
        payment_state: "unpaid".to_string(),
        delivery_address,
        delivery_signed_by: None,
        cancel_reason: None,
        created_at: now,
        updated_at: now,
        served_at: None,
    };
    let lines: Vec<NewLine> = offerings
        .iter()
        .zip(&request.lines)
        .map(|(o, &(_, quantity))| NewLine {
            offering_id: o.id,
            dish_name: o.dish_name.clone(),
            quantity,
            unit_price_fen: o.price_fen,
        })
        .collect();

    // A pickup code may collide with another order's at this meal point and date; draw again.
    let mut attempts = 0;
    let persisted = loop {
        attempts += 1;
        let result = state
            .order_writer
            .persist(NewOrder {
                order: order.clone(),
                lines: lines.clone(),
            })
            .await;
        match result {
            Err(PersistError::PickupCodeTaken) if attempts < 5 => {
                order.pickup_code = rules::new_pickup_code(&mut rand::rng());
            }
            other => break other,
        }
    };
    let err = match persisted {
        Ok(()) => return Ok(Booked::Created(order)),
        Err(err) => err,
    };
    abandon_reservation(state, &reserve).await;
    match err {
        PersistError::IdempotencyKeyReused => {
            let first = store::find_by_client_key(db, caller.account_id, &request.client_key)
                .await?
                .ok_or_else(|| AppError::internal(err))?;
            Ok(Booked::Repeated(first))
        }
        PersistError::Oversold { .. } => {
            Err(AppError::conflict("SOLD_OUT", "所选菜品已订完").with_field("items"))
        }
        PersistError::WriterStopped => Err(AppError::new(
            ErrorKind::Unavailable,
            "BOOKING_UNAVAILABLE",
            "系统正在重启，请稍后再试",
        )),
        other => Err(AppError::internal(other)),
    }
}

/// The elder the caller books for, if the caller may: the elder themselves, a linked family
/// member, or, for a phone or walk-in order, an operator of the meal point.
async fn acting_for(
    state: &AppState,
    caller: &Caller,
    request: &BookingRequest,
) -> AppResult<entity::elder::Model> {
    let db = &state.db;
    let elder = match caller.role {
        Role::Elder | Role::Family => {
            crate::elders::store::require_may_act_for(db, caller, request.elder_id).await?
        }
        Role::Operator => {
            let assignment = (caller.account_id, request.meal_point_id);
            if state.caches.operator_of.get(&assignment).is_none() {
                meal_points::require_operator_of(db, caller, request.meal_point_id).await?;
                state.caches.operator_of.insert(assignment, ());
            }
            entity::elder::Entity::find_by_id(request.elder_id)
                .one(db)
                .await?
                .ok_or_else(|| AppError::not_found("ELDER_NOT_FOUND", "没有找到这位老人"))?
        }
        _ => {
            return Err(AppError::forbidden(
                "ROLE_FORBIDDEN",
                "只有老人本人、家属或助餐点运营方可以订餐",
            ));
        }
    };
    if elder.status != "active" {
        return Err(AppError::conflict(
            "ELDER_NOT_ACTIVE",
            "老人信息尚未审核通过，暂不能订餐",
        ));
    }
    Ok(elder)
}

/// The meal point and the offerings, if this booking may be taken now: the meal point takes
/// bookings that day in that mode, and every offering is its own, for that date and slot, with
/// its booking window open.
async fn bookable(
    state: &AppState,
    request: &BookingRequest,
    now: DateTime<Utc>,
) -> AppResult<(meal_point::Model, Vec<PricedOffering>)> {
    let meal_point = state
        .caches
        .meal_points
        .get_or_load(request.meal_point_id, || {
            meal_points::require_meal_point(&state.db, request.meal_point_id)
        })
        .await?;
    if !meal_points::takes_bookings_on(&meal_point, request.date) {
        return Err(AppError::conflict(
            "MEAL_POINT_NOT_TAKING_BOOKINGS",
            "该助餐点当天暂停服务，请选择其他日期或助餐点",
        ));
    }
    if !meal_points::service_modes_of(&meal_point)?.offers(request.mode) {
        return Err(AppError::invalid(
            "mode",
            "MODE_NOT_OFFERED",
            format!("该助餐点不提供{}", request.mode.label_zh()),
        ));
    }
    let offerings = load_offerings(state, &meal_point, request, now).await?;
    Ok((meal_point, offerings))
}

pub fn level_fen(quote: &crate::subsidy::Quote, level: FunderLevel) -> i64 {
    quote
        .lines
        .iter()
        .filter(|line| line.level == level)
        .map(|line| Yuan::from(line.amount).to_fen())
        .sum()
}

/// An offering as the booking needs it.
struct PricedOffering {
    id: i64,
    dish_name: String,
    price_fen: i64,
}

async fn load_offerings(
    state: &AppState,
    meal_point: &meal_point::Model,
    request: &BookingRequest,
    now: DateTime<Utc>,
) -> AppResult<Vec<PricedOffering>> {
    let ids: Vec<i64> = request.lines.iter().map(|(id, _)| *id).collect();
    let mut found: Vec<(offering::Model, String)> = ids
        .iter()
        .filter_map(|id| state.caches.offerings.get(id))
        .collect();
    if found.len() < ids.len() {
        found = store::offerings_with_dish_names(&state.db, &ids).await?;
        for entry in &found {
            state.caches.offerings.insert(entry.0.id, entry.clone());
        }
    }
    let mut priced = Vec::with_capacity(ids.len());
    for id in ids {
        let Some((offering, dish_name)) = found.iter().find(|(o, _)| o.id == id) else {
            return Err(AppError::invalid(
                "items",
                "OFFERING_NOT_FOUND",
                "所选菜品不存在或已下架",
            ));
        };
        if offering.meal_point_id != meal_point.id
            || offering.date != request.date
            || offering.slot != request.slot.as_str()
        {
            return Err(AppError::invalid(
                "items",
                "OFFERING_MISMATCH",
                "所选菜品不属于这个助餐点、日期或餐次",
            ));
        }
        check_booking_window(now, offering)?;
        priced.push(PricedOffering {
            id: offering.id,
            dish_name: dish_name.clone(),
            price_fen: offering.price_fen,
        });
    }
    Ok(priced)
}

/// The offering's booking window (opens N days ahead, closes at the order cutoff).
fn check_booking_window(now: DateTime<Utc>, offering: &offering::Model) -> AppResult<()> {
    let refusal = if shanghai_today(now) < offering.opens_on {
        Some(BookingWindowError::NotOpen {
            opens_on: offering.opens_on,
        })
    } else if now >= offering.cutoff_at {
        Some(BookingWindowError::CutoffPassed {
            cutoff: offering.cutoff_at,
        })
    } else {
        None
    };
    match refusal {
        Some(err) => Err(AppError::conflict(err.code(), err.message())),
        None => Ok(()),
    }
}

/// Reserves, rebuilding the meal point's state from the database once if the store lost it
/// (all of it, or the counter of an offering the booking names).
async fn reserve_loaded(state: &AppState, request: &ReserveRequest) -> AppResult<ReserveOutcome> {
    let outcome = state
        .reservations
        .reserve(request)
        .await
        .map_err(unavailable)?;
    match outcome {
        ReserveOutcome::NotLoaded => {
            rebuild(state, request.meal_point_id).await?;
        }
        ReserveOutcome::CounterMissing { offering_id } => {
            tracing::warn!(
                meal_point = request.meal_point_id,
                offering = offering_id,
                "the reservation store had no counter for an offering; filling it from the database"
            );
            fill_gaps(state, request.meal_point_id).await?;
        }
        answered => return Ok(answered),
    }
    state
        .reservations
        .reserve(request)
        .await
        .map_err(unavailable)
}

async fn snapshot_of(
    state: &AppState,
    meal_point_id: i64,
) -> AppResult<super::reservation::MealPointSnapshot> {
    store::reservation_snapshot(
        &state.db,
        meal_point_id,
        state.clock.today(),
        state.clock.now(),
    )
    .await
}

/// Loads a meal point's reservation state from the database (the first rebuilder wins).
pub async fn rebuild(state: &AppState, meal_point_id: i64) -> AppResult<LoadOutcome> {
    let snapshot = snapshot_of(state, meal_point_id).await?;
    state
        .reservations
        .load(&snapshot)
        .await
        .map_err(unavailable)
}

/// Installs what the store lacks of a meal point's state, keeping what it has.
async fn fill_gaps(state: &AppState, meal_point_id: i64) -> AppResult<()> {
    let snapshot = snapshot_of(state, meal_point_id).await?;
    state
        .reservations
        .fill(&snapshot)
        .await
        .map_err(unavailable)?;
    Ok(())
}

/// A retry raced the first request: wait briefly for the first one's commit.
async fn await_first_order(state: &AppState, order_id: &str) -> AppResult<meal_order::Model> {
    for _ in 0..40 {
        if let Some(order) = store::find_order(&state.db, order_id).await? {
            return Ok(order);
        }
        tokio::time::sleep(StdDuration::from_millis(50)).await;
    }
    Err(AppError::conflict(
        "BOOKING_IN_PROGRESS",
        "上一次预订还在处理中，请稍后在“我的订单”中查看",
    ))
}

/// Returns a reservation that did not become an order, idempotency key included.
async fn abandon_reservation(state: &AppState, reserved: &ReserveRequest) {
    let request = ReleaseRequest {
        meal_point_id: reserved.meal_point_id,
        date: reserved.date,
        slot: reserved.slot.clone(),
        elder_id: reserved.elder_id,
        order_id: reserved.order_id.clone(),
        items: reserved.items.clone(),
        forget_client_key: Some((reserved.account_id, reserved.client_key.clone())),
    };
    release_logged(state, &request).await;
}

/// Returns a cancelled order's portions and quota; its key keeps answering with the order.
async fn give_back(state: &AppState, order: &meal_order::Model, items: &[BookedItem]) {
    let request = ReleaseRequest {
        meal_point_id: order.meal_point_id,
        date: order.date,
        slot: order.slot.clone(),
        elder_id: order.elder_id,
        order_id: order.id.clone(),
        items: items.to_vec(),
        forget_client_key: None,
    };
    release_logged(state, &request).await;
}

/// A failed release leaves portions taken in the store (never oversold, only undersold until the
/// next rebuild), so it is logged, not raised.
async fn release_logged(state: &AppState, request: &ReleaseRequest) {
    match state.reservations.release(request).await {
        Ok(
            ReleaseOutcome::Released | ReleaseOutcome::AlreadyReleased | ReleaseOutcome::NotLoaded,
        ) => {}
        Err(err) => {
            tracing::warn!(%err, order = %request.order_id, "reservation not given back; rebuild will correct it")
        }
    }
}

/// Cancels a booked order: the database first (guarded on the old state), then the portions and
/// the quota go back to the reservation store, exactly once.
pub async fn cancel(
    state: &AppState,
    caller: &Caller,
    order: &meal_order::Model,
    reason: Option<&str>,
) -> AppResult<meal_order::Model> {
    let by_operator = caller.role == Role::Operator || caller.role == Role::CityAdmin;
    let current = OrderState::parse(&order.state).unwrap_or(OrderState::Cancelled);
    let lines = store::lines_of(&state.db, &order.id).await?;
    let cutoff = earliest_cutoff(state, &lines).await?;
    let now = state.clock.now();
    rules::check_cancel(current, by_operator, reason, cutoff, now)?;
    cancel_unchecked(
        state,
        Some(caller.account_id),
        order,
        &lines,
        reason.unwrap_or("本人取消"),
        now,
    )
    .await
}

/// The cancellation itself, without the caller's cutoff rule (a meal point closing cancels its
/// bookings whatever the time).
pub async fn cancel_unchecked(
    state: &AppState,
    actor: Option<i64>,
    order: &meal_order::Model,
    lines: &[entity::order_item::Model],
    reason: &str,
    now: DateTime<Utc>,
) -> AppResult<meal_order::Model> {
    let txn = state.db.begin().await?;
    let reason_owned = reason.to_string();
    let moved = store::transition(
        &txn,
        &order.id,
        StateChange {
            from: OrderState::Booked,
            to: OrderState::Cancelled,
            actor,
            note: Some(reason),
            at: now,
        },
        |update| {
            update.col_expr(
                meal_order::Column::CancelReason,
                sea_orm::sea_query::Expr::value(reason_owned),
            )
        },
    )
    .await?;
    if !moved {
        txn.rollback().await?;
        let latest = store::require_order(&state.db, &order.id).await?;
        let latest_state = OrderState::parse(&latest.state).unwrap_or(OrderState::Cancelled);
        return Err(OrderRuleError::IllegalTransition {
            from: latest_state,
            to: OrderState::Cancelled,
        }
        .into());
    }
    store::return_portions(&txn, lines, now).await?;
    txn.commit().await?;

    let items: Vec<BookedItem> = lines
        .iter()
        .map(|l| BookedItem {
            offering_id: l.offering_id,
            quantity: i64::from(l.quantity),
        })
        .collect();
    give_back(state, order, &items).await;
    store::require_order(&state.db, &order.id).await
}

async fn earliest_cutoff(
    state: &AppState,
    lines: &[entity::order_item::Model],
) -> AppResult<DateTime<Utc>> {
    let ids: Vec<i64> = lines.iter().map(|l| l.offering_id).collect();
    let offerings = offering::Entity::find()
        .filter(offering::Column::Id.is_in(ids))
        .all(&state.db)
        .await?;
    offerings
        .iter()
        .map(|o| o.cutoff_at)
        .min()
        .ok_or_else(|| AppError::internal(std::io::Error::other("order without offerings")))
}

/// When a meal point serves a slot: `(opens, closes)`, or `None` if it does not serve it.
pub fn slot_hours(
    meal_point: &meal_point::Model,
    slot: Slot,
) -> AppResult<Option<(chrono::NaiveTime, chrono::NaiveTime)>> {
    Ok(meal_points::service_hours_of(meal_point)?
        .hours_for(slot)
        .map(|hours| (hours.opens, hours.closes)))
}

/// Marks the live orders of an ended slot as no-shows. Their portions stay taken (the meal was
/// cooked) and, not being served, they never count towards subsidy.
pub async fn mark_no_shows(
    state: &AppState,
    actor: Option<i64>,
    meal_point_id: i64,
    date: chrono::NaiveDate,
    slot: Slot,
) -> AppResult<u32> {
    let db = &state.db;
    let meal_point = meal_points::require_meal_point(db, meal_point_id).await?;
    let now = state.clock.now();
    let closes = slot_hours(&meal_point, slot)?
        .map(|(_, closes)| closes)
        .ok_or_else(|| AppError::conflict("SLOT_NOT_SERVED", "该助餐点不供应这个餐次"))?;
    if !rules::no_show_due(date, closes, state.config.no_show_grace, now) {
        return Err(OrderRuleError::SlotNotOver.into());
    }
    let unserved = meal_order::Entity::find()
        .filter(meal_order::Column::MealPointId.eq(meal_point_id))
        .filter(meal_order::Column::Date.eq(date))
        .filter(meal_order::Column::Slot.eq(slot.as_str()))
        .filter(meal_order::Column::State.is_in([
            OrderState::Booked.as_str(),
            OrderState::OutForDelivery.as_str(),
        ]))
        .all(db)
        .await?;
    let mut marked = 0;
    for order in unserved {
        let from = OrderState::parse(&order.state).unwrap_or(OrderState::Booked);
        let change = StateChange {
            from,
            to: OrderState::NoShow,
            actor,
            note: None,
            at: now,
        };
        if store::transition(db, &order.id, change, |u| u).await? {
            marked += 1;
        }
    }
    Ok(marked)
}

/// Every ended slot with live orders, everywhere: what the background sweep marks as no-shows.
pub async fn sweep_no_shows(state: &AppState) -> AppResult<u32> {
    use sea_orm::QuerySelect;
    let slots: Vec<(i64, chrono::NaiveDate, String)> = meal_order::Entity::find()
        .select_only()
        .column(meal_order::Column::MealPointId)
        .column(meal_order::Column::Date)
        .column(meal_order::Column::Slot)
        .distinct()
        .filter(meal_order::Column::Date.lte(state.clock.today()))
        .filter(meal_order::Column::State.is_in([
            OrderState::Booked.as_str(),
            OrderState::OutForDelivery.as_str(),
        ]))
        .into_tuple()
        .all(&state.db)
        .await?;
    let mut marked = 0;
    for (meal_point_id, date, slot) in slots {
        let Some(slot) = Slot::parse(&slot) else {
            continue;
        };
        match mark_no_shows(state, None, meal_point_id, date, slot).await {
            Ok(n) => marked += n,
            Err(err) if err.code == "SLOT_NOT_OVER" => {}
            Err(err) => tracing::warn!(%err, meal_point_id, %date, "no-show sweep failed"),
        }
    }
    Ok(marked)
}

/// Runs [`sweep_no_shows`] every minute for the life of the process.
pub fn spawn_no_show_sweeper(state: AppState) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(StdDuration::from_secs(60));
        loop {
            tick.tick().await;
            if let Err(err) = sweep_no_shows(&state).await {
                tracing::warn!(%err, "no-show sweep failed");
            }
        }
    });
}

/// A meal point closing or pausing cancels its live bookings on the affected dates, with the
/// operator's reason, whatever the cutoff.
pub async fn cancel_for_closure(
    state: &AppState,
    actor: i64,
    meal_point_id: i64,
    affected: impl Fn(chrono::NaiveDate) -> bool,
    reason: &str,
) -> AppResult<u32> {
    let booked = meal_order::Entity::find()
        .filter(meal_order::Column::MealPointId.eq(meal_point_id))
        .filter(meal_order::Column::Date.gte(state.clock.today()))
        .filter(meal_order::Column::State.eq(OrderState::Booked.as_str()))
        .all(&state.db)
        .await?;
    let now = state.clock.now();
    let mut cancelled = 0;
    for order in booked.into_iter().filter(|o| affected(o.date)) {
        let lines = store::lines_of(&state.db, &order.id).await?;
        match cancel_unchecked(state, Some(actor), &order, &lines, reason, now).await {
            Ok(_) => cancelled += 1,
            // Served or cancelled meanwhile: nothing to do for this one.
            Err(err) if err.code == "ORDER_STATE_CONFLICT" => {}
            Err(err) => return Err(err),
        }
    }
    Ok(cancelled)
}

/// Tells the reservation store about offerings just published, so a meal point whose state is
/// already loaded can sell them at once. A store that is not loaded reads them from the database
/// when it is rebuilt. Should this fail, the database's guarded `booked` update still refuses to
/// oversell; the store is only ever wrong towards selling less.
pub async fn offerings_published(state: &AppState, offerings: &[offering::Model]) {
    for offering in offerings {
        let adjusted = state
            .reservations
            .add_offering(
                offering.meal_point_id,
                offering.id,
                offering.date,
                i64::from(offering.portions),
            )
            .await;
        if let Err(err) = adjusted {
            tracing::warn!(%err, offering = offering.id, "new offering not passed to the reservation store");
        }
    }
}

/// Tells the reservation store that an offering's portions changed by `delta`.
pub async fn portions_changed(state: &AppState, offering: &offering::Model, delta: i32) {
    if delta == 0 {
        return;
    }
    let adjusted = state
        .reservations
        .adjust_portions(
            offering.meal_point_id,
            offering.id,
            offering.date,
            i64::from(delta),
        )
        .await;
    if let Err(err) = adjusted {
        tracing::warn!(%err, offering = offering.id, "portion change not passed to the reservation store");
    }
}
