//! Booking, cancelling, verifying and the other order operations, composed from the rules, the
//! reservation store, the durable writer and the other domains' stores.
//!
//! The booking path, in order: validate the request; check the caller may act for the elder;
//! answer a repeated idempotency key from the database; check the meal point, the mode and every
//! offering (same meal point, date and slot; booking window open); price it and freeze the
//! subsidy breakdown; take the reservation (idempotency key, elder quota, portions: all or
//! nothing); write the order durably; only then acknowledge. A refusal at any step changes
//! nothing; a failure after the reservation gives the reservation back.

use std::{collections::HashMap, time::Duration as StdDuration};

use chrono::{DateTime, Utc};
use entity::{meal_order, meal_point, offering};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, TransactionTrait};

use super::{
    error::OrderError,
    limiter::{Attempt, Limit},
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
    clock::shanghai_today,
    elders::id_card::IdCardNumber,
    error::{AppError, AppResult},
    meal_points::{access as meal_point_access, store as meal_points},
    menus::rules::BookingWindowError,
    money::Yuan,
    notices::store::{self as notices, NewNotice},
    state::AppState,
};
use vocabulary::{NoticeKind, NoticeReach, ServiceMode, Slot};

/// The order, if this caller may see it; otherwise 404 `ORDER_NOT_FOUND` (its existence is not
/// revealed): the elder and linked family, the meal point's operators, a clerk of the service or
/// funding district, the city admin.
pub async fn visible_order(
    db: &impl sea_orm::ConnectionTrait,
    caller: &Caller,
    order_id: &str,
) -> Result<meal_order::Model, OrderError> {
    let order = store::find_order(db, order_id)
        .await?
        .ok_or(OrderError::NotFound)?;
    // Each role's test reads the database; a failure there is an error, never a "no".
    let visible = match caller.role {
        Role::CityAdmin => true,
        Role::DistrictClerk => caller
            .district_code
            .as_deref()
            .is_some_and(|d| d == order.service_district_code || d == order.funding_district_code),
        Role::Operator => {
            meal_points::is_operator_of(db, caller.account_id, order.meal_point_id).await?
        }
        Role::Elder | Role::Family => {
            match entity::elder::Entity::find_by_id(order.elder_id)
                .one(db)
                .await?
            {
                Some(elder) => crate::elders::store::standing_of(db, caller, &elder)
                    .await?
                    .may_see(),
                None => false,
            }
        }
        Role::Inspector => false,
    };
    if visible {
        Ok(order)
    } else {
        Err(OrderError::NotFound)
    }
}

/// An order with what its view shows besides the row.
pub struct OrderDetails {
    pub order: meal_order::Model,
    pub lines: Vec<entity::order_item::Model>,
    /// Its state changes, oldest first; empty unless asked for.
    pub history: Vec<entity::order_event::Model>,
    /// The elder it is for, on an operator's counter booking (the slip says whom it is for).
    pub elder: Option<entity::elder::Model>,
}

/// The order's lines, and its history when asked for.
pub async fn details(
    state: &AppState,
    order: meal_order::Model,
    with_history: bool,
) -> Result<OrderDetails, OrderError> {
    let lines = store::lines_of(&state.db, &order.id).await?;
    let history = if with_history {
        store::history_of(&state.db, &order.id).await?
    } else {
        Vec::new()
    };
    Ok(OrderDetails {
        order,
        lines,
        history,
        elder: None,
    })
}

/// One order the caller may see (404 `ORDER_NOT_FOUND` otherwise), with its history.
pub async fn order_for(
    state: &AppState,
    caller: &Caller,
    order_id: &str,
) -> Result<OrderDetails, OrderError> {
    let order = visible_order(&state.db, caller, order_id).await?;
    details(state, order, true).await
}

/// An elder's orders the caller may see (only an elder the caller may see), newest first; only
/// those on or after `from` when given.
pub async fn orders_of_elder(
    state: &AppState,
    caller: &Caller,
    elder_id: i64,
    from: Option<chrono::NaiveDate>,
) -> Result<Vec<OrderDetails>, OrderError> {
    crate::elders::access::require_elder_visible(&state.db, caller, elder_id).await?;
    let from = from
        .map(|from| crate::clock::check_business_date("from", from))
        .transpose()?;
    let orders = store::orders_of_elder(&state.db, elder_id, from).await?;
    let mut shown = Vec::with_capacity(orders.len());
    for order in orders {
        shown.push(details(state, order, false).await?);
    }
    Ok(shown)
}

/// The delivery orders of a slot at one of the operator's meal points, oldest first.
pub async fn deliveries(
    state: &AppState,
    caller: &Caller,
    meal_point_id: i64,
    date: chrono::NaiveDate,
    slot: Slot,
) -> Result<Vec<OrderDetails>, OrderError> {
    meal_point_access::require_operator_of(&state.db, caller, meal_point_id).await?;
    let date = crate::clock::check_business_date("date", date)?;
    let orders =
        store::orders_in_slot(&state.db, meal_point_id, date, slot, ServiceMode::Delivery).await?;
    let mut shown = Vec::with_capacity(orders.len());
    for order in orders {
        shown.push(details(state, order, false).await?);
    }
    Ok(shown)
}

/// A meal point's day for its operator: per slot, portions to cook per dish and orders by state.
pub struct Day {
    pub date: chrono::NaiveDate,
    pub slots: Vec<rules::SlotDay>,
}

/// The operator's day at one of their meal points (`date` defaults to today).
pub async fn day(
    state: &AppState,
    caller: &Caller,
    meal_point_id: i64,
    date: Option<chrono::NaiveDate>,
) -> Result<Day, OrderError> {
    let db = &state.db;
    meal_point_access::require_operator_of(db, caller, meal_point_id).await?;
    let date =
        crate::clock::check_business_date("date", date.unwrap_or_else(|| state.clock.today()))?;
    let meal_point = meal_point_access::require_meal_point(db, meal_point_id).await?;
    let orders = store::orders_on(db, meal_point_id, date).await?;
    let lines = store::lines_of_orders(db, orders.iter().map(|o| o.id.clone()).collect()).await?;
    let mut served = Vec::new();
    for &slot in Slot::ALL {
        if slot_hours(&meal_point, slot)?.is_some() {
            served.push(slot);
        }
    }
    let orders: Vec<rules::DayOrder<'_>> = orders
        .iter()
        .map(|o| rules::DayOrder {
            id: &o.id,
            slot: o.slot,
            state: o.state,
        })
        .collect();
    let lines: Vec<rules::DayLine<'_>> = lines
        .iter()
        .map(|l| rules::DayLine {
            order_id: &l.order_id,
            dish_name: &l.dish_name,
            quantity: l.quantity,
        })
        .collect();
    Ok(Day {
        date,
        slots: rules::day_slots(&orders, &lines, &served),
    })
}

/// Failed counter look-ups allowed per operator in [`LOOKUP_WINDOW`]: a counter mistypes now
/// and then, a script trying numbers does not get far.
const LOOKUPS_PER_OPERATOR: u32 = 10;
const LOOKUP_WINDOW: StdDuration = StdDuration::from_secs(10 * 60);

/// The elder of a phone or walk-in order at one of the operator's meal points, found by the
/// ID-card number and the name on it: an active elder whose number and name both match, or
/// [`OrderError::CounterNoMatch`] whichever part was wrong. Misses are counted per operator, and
/// ten in ten minutes stop the look-ups ([`OrderError::TooManyCounterLookups`]).
pub async fn counter_lookup(
    state: &AppState,
    caller: &Caller,
    meal_point_id: i64,
    id_card: &IdCardNumber,
    name: &str,
) -> Result<entity::elder::Model, OrderError> {
    meal_point_access::require_operator_of(&state.db, caller, meal_point_id).await?;
    let key = format!("{{mp:{meal_point_id}}}:counter:{}", caller.account_id);
    let limits = [Limit {
        key: &key,
        per_window: LOOKUPS_PER_OPERATOR,
    }];
    let now = state.clock.now();
    let limiter = &state.attempt_limiter;
    if limiter
        .is_blocked(&limits, LOOKUP_WINDOW, now)
        .await
        .map_err(OrderError::CounterLookupUnavailable)?
    {
        return Err(OrderError::TooManyCounterLookups);
    }
    match crate::elders::service::identify(state, id_card, name)
        .await
        .map_err(AppError::from)?
    {
        Some(elder) => Ok(elder),
        None => {
            limiter
                .record_failure(&[&key], LOOKUP_WINDOW, now)
                .await
                .map_err(OrderError::CounterLookupUnavailable)?;
            Err(OrderError::CounterNoMatch)
        }
    }
}

/// One order of a meal point's day as the counter and the kitchen list it.
pub struct CounterOrder {
    pub order: meal_order::Model,
    /// `(dish name, quantity)`, in the order they were booked.
    pub lines: Vec<(String, i32)>,
    pub elder_name: String,
    /// Whether the elder's side was told of the order by a WeChat message.
    pub notice: NoticeReach,
}

/// A meal point's orders of a date for its operator (or the city admin), by slot and then
/// booking time.
pub async fn counter_day(
    state: &AppState,
    caller: &Caller,
    meal_point_id: i64,
    date: chrono::NaiveDate,
) -> Result<Vec<CounterOrder>, OrderError> {
    let date = crate::clock::check_business_date("date", date)?;
    let db = &state.db;
    meal_point_access::require_meal_point(db, meal_point_id).await?;
    meal_point_access::require_operator_of(db, caller, meal_point_id).await?;
    let orders = store::orders_on(db, meal_point_id, date).await?;
    let ids: Vec<String> = orders.iter().map(|o| o.id.clone()).collect();
    let mut lines: HashMap<String, Vec<(String, i32)>> = HashMap::new();
    for line in store::lines_of_orders(db, ids.clone()).await? {
        lines
            .entry(line.order_id)
            .or_default()
            .push((line.dish_name, line.quantity));
    }
    let elders = crate::elders::store::elders_by_id(db, orders.iter().map(|o| o.elder_id)).await?;
    let order_notices = notices::of_orders(db, ids).await?;
    let mut listed: Vec<CounterOrder> = orders
        .into_iter()
        .map(|order| {
            let of_order: Vec<&entity::notice::Model> = order_notices
                .iter()
                .filter(|n| n.order_id.as_deref() == Some(order.id.as_str()))
                .collect();
            CounterOrder {
                notice: crate::notices::service::reach(&of_order),
                lines: lines.remove(&order.id).unwrap_or_default(),
                elder_name: elders
                    .get(&order.elder_id)
                    .map(|e| e.name.clone())
                    .unwrap_or_default(),
                order,
            }
        })
        .collect();
    // `Slot`'s order is the order of the day; the sort is stable, so booking time follows.
    listed.sort_by_key(|o| o.order.slot);
    Ok(listed)
}

/// Books, and answers with the order as the booker's view shows it: for an operator's counter
/// booking, with the elder it is for. `true` when this request created the order.
pub async fn book_and_show(
    state: &AppState,
    caller: &Caller,
    request: BookingRequest,
) -> AppResult<(bool, OrderDetails)> {
    let (created, order) = match book(state, caller, request).await? {
        Booked::Created(order) => (true, order),
        Booked::Repeated(order) => (false, order),
    };
    let elder_id = order.elder_id;
    let mut shown = details(state, order, false).await?;
    if caller.role == Role::Operator {
        shown.elder = crate::elders::store::elders_by_id(&state.db, [elder_id])
            .await?
            .remove(&elder_id);
    }
    Ok((created, shown))
}

/// Cancels an order the caller may see (404 otherwise), with the reason when one is required.
pub async fn cancel_visible(
    state: &AppState,
    caller: &Caller,
    order_id: &str,
    reason: Option<&str>,
) -> AppResult<OrderDetails> {
    let order = visible_order(&state.db, caller, order_id).await?;
    let reason = rules::check_reason(reason)?;
    let cancelled = cancel(state, caller, &order, reason).await?;
    Ok(details(state, cancelled, false).await?)
}

/// How many live orders an elder may hold per meal point, date and slot.
pub const ORDERS_PER_SLOT: u32 = 1;

/// How long a reservation may stay unconfirmed before the lease sweeper asks the database about
/// it: three times the writer's deadline, so a slow commit is never overtaken.
pub const RESERVATION_LEASE: StdDuration = StdDuration::from_secs(60);

/// How often each instance looks for reservations whose lease ran out.
pub const LEASE_SWEEP_EVERY: StdDuration = StdDuration::from_secs(5);

#[derive(Debug, Clone)]
pub struct BookingRequest {
    pub elder: ElderRef,
    pub meal_point_id: i64,
    pub date: chrono::NaiveDate,
    pub slot: Slot,
    pub mode: ServiceMode,
    pub lines: Vec<(i64, i32)>,
    pub client_key: String,
    pub delivery_address: Option<String>,
    /// The booker has seen that a chosen dish contains one of the elder's allergens.
    pub allergen_acknowledged: bool,
}

/// How a booking names its elder.
#[derive(Clone)]
pub enum ElderRef {
    /// By id: the elder themselves, or a linked family member (from `GET /me/elders`).
    Id(i64),
    /// As a counter checks a card (an operator's phone or walk-in booking): the ID-card number
    /// and the name on it. Never by id, so an operator cannot try ids.
    Card { number: IdCardNumber, name: String },
}

impl std::fmt::Debug for ElderRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ElderRef::Id(id) => write!(f, "Id({id})"),
            ElderRef::Card { .. } => f.write_str("Card(***)"),
        }
    }
}

pub enum Booked {
    /// A new order, durable in the database.
    Created(meal_order::Model),
    /// The idempotency key was used before: the first order, unchanged.
    Repeated(meal_order::Model),
}

/// Books within the gate's bounds (503 `BOOKING_BUSY` beyond them); while the database cannot
/// be reached the answer is 503 `BOOKING_UNAVAILABLE`, as for the reservation store, never 500.
pub async fn book(state: &AppState, caller: &Caller, request: BookingRequest) -> AppResult<Booked> {
    let _turn = state.booking_gate.admit().await?;
    book_admitted(state, caller, request).await.map_err(|err| {
        if err.is_database_unreachable() {
            OrderError::DatabaseUnreachable(err).into()
        } else {
            err
        }
    })
}

async fn book_admitted(
    state: &AppState,
    caller: &Caller,
    request: BookingRequest,
) -> AppResult<Booked> {
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
    // Before any portion is taken: an unacknowledged allergen changes nothing.
    let offering_ids: Vec<i64> = request.lines.iter().map(|(id, _)| *id).collect();
    crate::diets::service::check_booking(
        db,
        elder.id,
        &offering_ids,
        request.allergen_acknowledged,
    )
    .await?;
    let delivery_address = match request.mode {
        ServiceMode::Delivery => Some(
            rules::check_delivery_address(request.delivery_address.as_deref())?
                .unwrap_or_else(|| elder.address.clone()),
        ),
        ServiceMode::DineIn | ServiceMode::Pickup => None,
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
        lease: RESERVATION_LEASE,
    };
    match reserve_loaded(state, &reserve).await? {
        ReserveOutcome::Reserved => {}
        ReserveOutcome::Duplicate { order_id } => {
            return Ok(Booked::Repeated(await_first_order(state, &order_id).await?));
        }
        ReserveOutcome::QuotaExceeded => {
            return Err(OrderError::ElderAlreadyBooked { slot: request.slot }.into());
        }
        ReserveOutcome::SoldOut { offering_id, left } => {
            let name = offerings
                .iter()
                .find(|o| o.id == offering_id)
                .map(|o| o.dish_name.as_str())
                .unwrap_or("所选菜品");
            return Err(OrderError::SoldOut {
                dish: name.to_string(),
                left,
            }
            .into());
        }
        ReserveOutcome::Closed => return Err(OrderError::NotTakingBookings.into()),
        ReserveOutcome::NotLoaded => {
            return Err(OrderError::Unavailable(ReservationError::Unavailable(
                "meal point state could not be rebuilt".into(),
            ))
            .into());
        }
        ReserveOutcome::CounterMissing { offering_id } => {
            // Filled from the database a moment ago and missing again: the store is losing
            // keys (evictions?), and "sold out" would be a lie. Tell the elder to try again.
            return Err(
                OrderError::Unavailable(ReservationError::Unavailable(format!(
                    "offering {offering_id} has no counter even after filling it from the database"
                )))
                .into(),
            );
        }
    }
    // From here on every refusal gives the reservation back, key included.
    let meal = crate::subsidy::service::Meal {
        date: request.date,
        slot: request.slot,
        mode: request.mode,
        service_district_code: &meal_point.district_code,
        gross: Yuan::from_fen(gross_fen),
    };
    let priced = crate::subsidy::service::quote_meal(db, &state.caches, &elder, meal);
    let quote = match priced.await {
        Ok(quote) => quote,
        Err(err) => {
            abandon_reservation(state, &reserve).await;
            return Err(err.into());
        }
    };

    let split = crate::subsidy::FrozenSplit::of(&quote);
    // Online-only meal points hold the booking while its payment is pending (see `payments`).
    let payment_state = match state
        .reactions
        .payment_terms
        .initial_state(state, meal_point.id, split.elder_share_fen)
        .await
    {
        Ok(payment_state) => payment_state,
        Err(err) => {
            abandon_reservation(state, &reserve).await;
            return Err(err);
        }
    };
    let mut order = meal_order::Model {
        id: order_id,
        account_id: caller.account_id,
        client_key: request.client_key.clone(),
        placed_by_role: caller.role,
        elder_id: elder.id,
        meal_point_id: meal_point.id,
        service_district_code: meal_point.district_code.clone(),
        funding_district_code: elder.hukou_district_code.clone(),
        date: request.date,
        slot: request.slot,
        mode: request.mode,
        state: OrderState::Booked,
        pickup_code: rules::new_pickup_code(&mut rand::rng()),
        gross_fen,
        subsidy_fen: split.subsidy_fen,
        subsidy_city_fen: split.subsidy_city_fen,
        subsidy_district_fen: split.subsidy_district_fen,
        subsidy_street_fen: split.subsidy_street_fen,
        elder_share_fen: split.elder_share_fen,
        policy_version: split.policy_version,
        quote_json: split.quote_json,
        payment_state,
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
        Ok(()) => {
            confirm_logged(state, order.meal_point_id, &order.id).await;
            return Ok(Booked::Created(order));
        }
        Err(err) => err,
    };
    abandon_reservation(state, &reserve).await;
    match err {
        PersistError::IdempotencyKeyReused => {
            let first = store::find_by_client_key(db, caller.account_id, &request.client_key)
                .await?
                .ok_or(OrderError::WriterFailed(err))?;
            Ok(Booked::Repeated(first))
        }
        PersistError::MealPointClosed => Err(OrderError::NotTakingBookings.into()),
        PersistError::Oversold { .. } => Err(OrderError::SoldOut {
            dish: "所选菜品".to_string(),
            left: 0,
        }
        .into()),
        PersistError::DeadlinePassed => Err(OrderError::Unavailable(
            ReservationError::Unavailable("the order writer fell behind".into()),
        )
        .into()),
        PersistError::WriterStopped => Err(OrderError::WriterStopped.into()),
        other => Err(OrderError::WriterFailed(other).into()),
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
    let elder = match (caller.role, &request.elder) {
        (Role::Elder | Role::Family, ElderRef::Id(elder_id)) => {
            crate::elders::access::require_may_act_for(db, caller, *elder_id).await?
        }
        (Role::Operator, ElderRef::Card { number, name }) => {
            let assignment = (caller.account_id, request.meal_point_id);
            if state.caches.operator_of.get(&assignment).is_none() {
                meal_point_access::require_operator_of(db, caller, request.meal_point_id).await?;
                state.caches.operator_of.insert(assignment, ());
            }
            if request.mode == ServiceMode::Delivery
                && rules::check_delivery_address(request.delivery_address.as_deref())?.is_none()
            {
                // The counter types where to deliver; it never reads the elder's home address.
                return Err(OrderRuleError::DeliveryAddressRequired.into());
            }
            identify_at_counter(state, caller, request.meal_point_id, number, name).await?
        }
        (Role::Operator, ElderRef::Id(_)) => {
            return Err(OrderError::ElderIdNotForOperators.into());
        }
        (Role::Elder | Role::Family, ElderRef::Card { .. }) => {
            return Err(OrderError::ElderRequired.into());
        }
        _ => {
            return Err(OrderError::RoleMayNotBook.into());
        }
    };
    crate::elders::rules::require_active(elder.status)?;
    Ok(elder)
}

/// Identifications a counter may get wrong per operator, and per meal point, in
/// [`GUESS_WINDOW`]; a right one is given back.
pub const IDENTIFY_TRIES_PER_OPERATOR: u32 = 10;
pub const IDENTIFY_TRIES_PER_MEAL_POINT: u32 = 30;

/// The elder an operator books for at the counter: the ID-card number and the name must both
/// match an approved elder. A wrong number, a wrong name and an elder not yet approved get one
/// answer (404 `ELDER_NOT_IDENTIFIED`), so the counter learns nothing about who is registered;
/// wrong tries are limited per operator and per meal point.
async fn identify_at_counter(
    state: &AppState,
    caller: &Caller,
    meal_point_id: i64,
    number: &IdCardNumber,
    name: &str,
) -> AppResult<entity::elder::Model> {
    let now = state.clock.now();
    let operator_key = format!(
        "{{mp:{meal_point_id}}}:identify:operator:{}",
        caller.account_id
    );
    let meal_point_key = format!("{{mp:{meal_point_id}}}:identify:all");
    let limits = [
        Limit {
            key: &operator_key,
            per_window: IDENTIFY_TRIES_PER_OPERATOR,
        },
        Limit {
            key: &meal_point_key,
            per_window: IDENTIFY_TRIES_PER_MEAL_POINT,
        },
    ];
    // Only failures count here: a counter booking the lunch rush identifies many elders at once,
    // and counting those in flight would refuse honest ones.
    if state
        .attempt_limiter
        .is_blocked(&limits, GUESS_WINDOW, now)
        .await
        .map_err(OrderError::IdentifyLimiterUnavailable)?
    {
        return Err(OrderError::TooManyIdentifyAttempts.into());
    }
    match crate::elders::service::identify(state, number, name).await? {
        Some(elder) => Ok(elder),
        None => {
            state
                .attempt_limiter
                .record_failure(&[&operator_key, &meal_point_key], GUESS_WINDOW, now)
                .await
                .map_err(OrderError::IdentifyLimiterUnavailable)?;
            Err(OrderError::ElderNotIdentified.into())
        }
    }
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
            meal_point_access::require_meal_point(&state.db, request.meal_point_id)
        })
        .await?;
    if !meal_points::takes_bookings_on(&meal_point, request.date) {
        return Err(OrderError::NotTakingBookings.into());
    }
    if !meal_points::service_modes_of(&meal_point)?.offers(request.mode) {
        return Err(OrderError::ModeNotOffered { mode: request.mode }.into());
    }
    let offerings = load_offerings(state, &meal_point, request, now).await?;
    Ok((meal_point, offerings))
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
            return Err(OrderError::OfferingNotFound.into());
        };
        if offering.meal_point_id != meal_point.id
            || offering.date != request.date
            || offering.slot != request.slot
        {
            return Err(OrderError::OfferingMismatch.into());
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
        Some(err) => Err(err.into()),
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
        .map_err(OrderError::Unavailable)?;
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
        .map_err(|err| OrderError::Unavailable(err).into())
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
        .map_err(|err| OrderError::Unavailable(err).into())
}

/// Installs what the store lacks of a meal point's state, keeping what it has.
async fn fill_gaps(state: &AppState, meal_point_id: i64) -> AppResult<()> {
    let snapshot = snapshot_of(state, meal_point_id).await?;
    state
        .reservations
        .fill(&snapshot)
        .await
        .map_err(OrderError::Unavailable)?;
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
    Err(OrderError::BookingInProgress.into())
}

/// Returns a reservation that did not become an order, idempotency key included.
async fn abandon_reservation(state: &AppState, reserved: &ReserveRequest) {
    release_logged(state, &reserved.abandonment()).await;
}

/// The order is committed: its reservation's lease is no longer needed. Should the store not
/// hear it, the lease runs out and the sweeper finds the order in the database and confirms it.
async fn confirm_logged(state: &AppState, meal_point_id: i64, order_id: &str) {
    if let Err(err) = state.reservations.confirm(meal_point_id, order_id).await {
        tracing::warn!(%err, order = %order_id, "reservation not confirmed; the lease sweeper will");
    }
}

/// Settles every reservation whose lease ran out: confirmed if its order is in the database,
/// given back (key included) if not. Returns how many were given back.
pub async fn sweep_expired_leases(state: &AppState) -> AppResult<u32> {
    let expired = state
        .reservations
        .expired_leases()
        .await
        .map_err(OrderError::Unavailable)?;
    let mut given_back = 0;
    for release in expired {
        if store::find_order(&state.db, &release.order_id)
            .await?
            .is_some()
        {
            confirm_logged(state, release.meal_point_id, &release.order_id).await;
            continue;
        }
        match state.reservations.release(&release).await {
            Ok(ReleaseOutcome::Released) => {
                given_back += 1;
                tracing::warn!(order = %release.order_id, meal_point = release.meal_point_id, "gave back a reservation whose order was never written");
            }
            Ok(ReleaseOutcome::AlreadyReleased | ReleaseOutcome::NotLoaded) => {}
            Err(err) => return Err(OrderError::Unavailable(err).into()),
        }
    }
    Ok(given_back)
}

/// Runs [`sweep_expired_leases`] every [`LEASE_SWEEP_EVERY`] on every instance (a sweep racing
/// another instance's is harmless: releases are once per order id).
pub fn spawn_lease_sweeper(state: AppState) {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(LEASE_SWEEP_EVERY);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            if let Err(err) = sweep_expired_leases(&state).await {
                tracing::warn!(error = %err, "lease sweep failed; trying again");
            }
        }
    });
}

/// Returns a cancelled order's portions and quota; its key keeps answering with the order.
async fn give_back(state: &AppState, order: &meal_order::Model, items: &[BookedItem]) {
    let request = ReleaseRequest {
        meal_point_id: order.meal_point_id,
        date: order.date,
        slot: order.slot.as_str().to_string(),
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
    let current = order.state;
    let lines = store::lines_of(&state.db, &order.id).await?;
    // Orders of the demo's served history name no offering row; their day's start is a cutoff
    // long past, so such an order is refused as too late rather than failing.
    let cutoff = earliest_cutoff(state, &lines).await?.unwrap_or_else(|| {
        crate::clock::shanghai_to_utc(order.date.and_time(chrono::NaiveTime::MIN))
    });
    let now = state.clock.now();
    rules::check_cancel(current, by_operator, reason, cutoff, now)?;
    Ok(cancel_unchecked(
        state,
        Some(caller.account_id),
        order,
        &lines,
        reason.unwrap_or("本人取消"),
        now,
    )
    .await?)
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
) -> Result<meal_order::Model, OrderError> {
    cancel_guarded(state, actor, order, lines, reason, now, None, |update| {
        update
    })
    .await
}

/// A cancellation that writes the notice telling of it (in its transaction).
async fn cancel_telling(
    state: &AppState,
    actor: Option<i64>,
    order: &meal_order::Model,
    lines: &[entity::order_item::Model],
    reason: &str,
    now: DateTime<Utc>,
    tell: NoticeKind,
) -> Result<meal_order::Model, OrderError> {
    cancel_inner(
        state,
        actor,
        order,
        lines,
        reason,
        now,
        |update| update,
        Some(tell),
    )
    .await
}

/// A cancellation with more conditions on (and columns set by) the same guarded update: a booking
/// whose payment lapsed is cancelled only while its payment is still pending, so a payment
/// confirmed at the same moment either wins whole or loses whole. Portions and quota go back
/// exactly once (only the update that moved the order gives them back), then the payment hears
/// of it (a refund, a closed trade). `tell` writes a notice of the cancellation, with the reason,
/// in the same transaction (only when this update moved the order).
#[allow(clippy::too_many_arguments)]
pub async fn cancel_guarded(
    state: &AppState,
    actor: Option<i64>,
    order: &meal_order::Model,
    lines: &[entity::order_item::Model],
    reason: &str,
    now: DateTime<Utc>,
    tell: Option<NoticeKind>,
    guard: impl FnOnce(
        sea_orm::UpdateMany<meal_order::Entity>,
    ) -> sea_orm::UpdateMany<meal_order::Entity>,
) -> Result<meal_order::Model, OrderError> {
    cancel_inner(state, actor, order, lines, reason, now, guard, tell).await
}

#[allow(clippy::too_many_arguments)]
async fn cancel_inner(
    state: &AppState,
    actor: Option<i64>,
    order: &meal_order::Model,
    lines: &[entity::order_item::Model],
    reason: &str,
    now: DateTime<Utc>,
    guard: impl FnOnce(
        sea_orm::UpdateMany<meal_order::Entity>,
    ) -> sea_orm::UpdateMany<meal_order::Entity>,
    tell: Option<NoticeKind>,
) -> Result<meal_order::Model, OrderError> {
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
            guard(update.col_expr(
                meal_order::Column::CancelReason,
                sea_orm::sea_query::Expr::value(reason_owned),
            ))
        },
    )
    .await?;
    if moved {
        store::return_portions(&txn, lines, now).await?;
        if let Some(kind) = tell {
            let notice = NewNotice::about_order(kind, &order.id, now).with_detail(reason);
            notices::enqueue(&txn, vec![notice], now).await?;
        }
    }
    txn.commit().await?;
    let cancelled = settled(state, &order.id, moved, OrderState::Cancelled).await?;

    let items: Vec<BookedItem> = lines
        .iter()
        .map(|l| BookedItem {
            offering_id: l.offering_id,
            quantity: i64::from(l.quantity),
        })
        .collect();
    give_back(state, order, &items).await;
    // The cancellation stands whatever WeChat Pay says; a refund that fails here is retried by
    // the payments sweep.
    if let Err(err) = state
        .reactions
        .payment_terms
        .cancelled(state, &cancelled)
        .await
    {
        tracing::warn!(%err, order = %cancelled.id, "payment not settled after cancelling");
    }
    Ok(cancelled)
}

/// Moves an order from `change.from` to `change.to` if it is still in `change.from`, with its
/// history entry, in one transaction; `extra` sets more columns in the same guarded update. Of two
/// racing changes exactly one wins; the other gets the state the order is in now.
pub async fn transition(
    state: &AppState,
    order_id: &str,
    change: StateChange<'_>,
    extra: impl FnOnce(
        sea_orm::UpdateMany<meal_order::Entity>,
    ) -> sea_orm::UpdateMany<meal_order::Entity>,
) -> Result<meal_order::Model, OrderError> {
    transition_telling(state, order_id, change, extra, None).await
}

/// A guarded state change that also writes a notice about it, in the same transaction: the
/// notice exists if and only if the change was made.
async fn transition_telling(
    state: &AppState,
    order_id: &str,
    change: StateChange<'_>,
    extra: impl FnOnce(
        sea_orm::UpdateMany<meal_order::Entity>,
    ) -> sea_orm::UpdateMany<meal_order::Entity>,
    tell: Option<NoticeKind>,
) -> Result<meal_order::Model, OrderError> {
    let to = change.to;
    let at = change.at;
    let txn = state.db.begin().await?;
    let moved = store::transition(&txn, order_id, change, extra).await?;
    if moved && let Some(kind) = tell {
        notices::enqueue(&txn, vec![NewNotice::about_order(kind, order_id, at)], at).await?;
    }
    txn.commit().await?;
    settled(state, order_id, moved, to).await
}

/// The order after a guarded change: as it is now if the change was made, else the refusal
/// naming the state that won.
async fn settled(
    state: &AppState,
    order_id: &str,
    moved: bool,
    to: OrderState,
) -> Result<meal_order::Model, OrderError> {
    let latest = store::require_order(&state.db, order_id).await?;
    if moved {
        Ok(latest)
    } else {
        Err(OrderRuleError::IllegalTransition {
            from: latest.state,
            to,
        }
        .into())
    }
}

/// Wrong pickup codes allowed per operator of a meal point, and per meal point, in
/// [`GUESS_WINDOW`]. Correct codes are given back, so a busy counter never reaches them.
pub const GUESSES_PER_OPERATOR: u32 = 10;
pub const GUESSES_PER_MEAL_POINT: u32 = 30;
pub const GUESS_WINDOW: StdDuration = StdDuration::from_secs(10 * 60);

/// Verifies a pickup (or dine-in) by its code, scanned or typed: only the meal point's own
/// operators, only for an order booked there today, from an hour before its slot opens. Every
/// try is counted before the code is looked up; only a try that serves a meal is given back.
pub async fn verify_pickup(
    state: &AppState,
    caller: &Caller,
    meal_point_id: i64,
    scanned: &str,
) -> Result<meal_order::Model, OrderError> {
    let db = &state.db;
    meal_point_access::require_operator_of(db, caller, meal_point_id).await?;
    let now = state.clock.now();
    // Both counters of a meal point share its hash tag, so one Redis script counts them.
    let operator_key = format!(
        "{{mp:{meal_point_id}}}:pickup:operator:{}",
        caller.account_id
    );
    let meal_point_key = format!("{{mp:{meal_point_id}}}:pickup:all");
    let limits = [
        Limit {
            key: &operator_key,
            per_window: GUESSES_PER_OPERATOR,
        },
        Limit {
            key: &meal_point_key,
            per_window: GUESSES_PER_MEAL_POINT,
        },
    ];
    match state
        .attempt_limiter
        .attempt(&limits, GUESS_WINDOW, now)
        .await
        .map_err(OrderError::PickupLimiterUnavailable)?
    {
        Attempt::Counted => {}
        Attempt::Refused => return Err(OrderError::TooManyPickupAttempts),
    }
    let code = rules::pickup_code_from_scan(scanned);
    let found = if rules::is_pickup_code(code) {
        store::find_by_pickup_code(db, meal_point_id, state.clock.today(), code).await?
    } else {
        None
    };
    let order = found.ok_or(OrderError::PickupCodeNotFound)?;
    match order.state {
        OrderState::Booked => {}
        OrderState::Served => return Err(OrderError::PickupAlreadyUsed),
        OrderState::Cancelled => return Err(OrderError::PickupOfCancelledOrder),
        OrderState::OutForDelivery => return Err(OrderError::PickupOfDelivery),
        OrderState::NoShow => return Err(OrderError::PickupOfNoShow),
    }
    check_service_window(state, &order, now).await?;
    let served = transition(
        state,
        &order.id,
        StateChange {
            from: OrderState::Booked,
            to: OrderState::Served,
            actor: Some(caller.account_id),
            note: None,
            at: now,
        },
        |u| {
            u.col_expr(
                meal_order::Column::ServedAt,
                sea_orm::sea_query::Expr::value(Some(now)),
            )
        },
    )
    .await?;
    state
        .attempt_limiter
        .forgive(&[&operator_key, &meal_point_key], GUESS_WINDOW, now)
        .await;
    Ok(served)
}

/// A delivery leaves the kitchen: only on the order's date, within its slot's service window
/// (from an hour before the slot opens until it closes plus the grace), so a meal can never be
/// sent out days early, blocking the elder's cancellation and counting as served early.
pub async fn out_for_delivery(
    state: &AppState,
    caller: &Caller,
    order_id: &str,
) -> Result<meal_order::Model, OrderError> {
    let order = visible_order(&state.db, caller, order_id).await?;
    if order.mode != ServiceMode::Delivery {
        return Err(OrderError::NotADelivery);
    }
    let now = state.clock.now();
    check_service_window(state, &order, now).await?;
    transition(
        state,
        &order.id,
        StateChange {
            from: OrderState::Booked,
            to: OrderState::OutForDelivery,
            actor: Some(caller.account_id),
            note: None,
            at: now,
        },
        |u| u,
    )
    .await
}

/// A delivery is signed for by name, within the same window as it left.
pub async fn delivered(
    state: &AppState,
    caller: &Caller,
    order_id: &str,
    signed_by: &str,
) -> Result<meal_order::Model, OrderError> {
    let order = visible_order(&state.db, caller, order_id).await?;
    if order.mode != ServiceMode::Delivery {
        return Err(OrderError::NotADelivery);
    }
    let signed_by = rules::check_signature(signed_by)?.to_string();
    let now = state.clock.now();
    check_service_window(state, &order, now).await?;
    let note = format!("签收人：{signed_by}");
    transition(
        state,
        &order.id,
        StateChange {
            from: OrderState::OutForDelivery,
            to: OrderState::Served,
            actor: Some(caller.account_id),
            note: Some(&note),
            at: now,
        },
        |u| {
            u.col_expr(
                meal_order::Column::DeliverySignedBy,
                sea_orm::sea_query::Expr::value(Some(signed_by)),
            )
            .col_expr(
                meal_order::Column::ServedAt,
                sea_orm::sea_query::Expr::value(Some(now)),
            )
        },
    )
    .await
}

/// The order's date and its slot's service window at its meal point (see
/// [`rules::check_pickup_window`]).
async fn check_service_window(
    state: &AppState,
    order: &meal_order::Model,
    now: DateTime<Utc>,
) -> Result<(), OrderError> {
    let meal_point = meal_point_access::require_meal_point(&state.db, order.meal_point_id).await?;
    let (opens, closes) = slot_hours(&meal_point, order.slot)?.ok_or(OrderError::SlotNotServed)?;
    rules::check_pickup_window(order.date, opens, closes, state.config.no_show_grace, now)?;
    Ok(())
}

async fn earliest_cutoff(
    state: &AppState,
    lines: &[entity::order_item::Model],
) -> AppResult<Option<DateTime<Utc>>> {
    let ids: Vec<i64> = lines.iter().map(|l| l.offering_id).collect();
    let offerings = offering::Entity::find()
        .filter(offering::Column::Id.is_in(ids))
        .all(&state.db)
        .await?;
    Ok(offerings.iter().map(|o| o.cutoff_at).min())
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

/// An operator marks the unserved orders of an ended slot at one of their meal points.
pub async fn mark_no_shows_by(
    state: &AppState,
    caller: &Caller,
    meal_point_id: i64,
    date: chrono::NaiveDate,
    slot: Slot,
) -> Result<u32, OrderError> {
    meal_point_access::require_operator_of(&state.db, caller, meal_point_id).await?;
    mark_no_shows(state, Some(caller.account_id), meal_point_id, date, slot).await
}

/// Marks the live orders of an ended slot as no-shows. Their portions stay taken (the meal was
/// cooked) and, not being served, they never count towards subsidy.
pub async fn mark_no_shows(
    state: &AppState,
    actor: Option<i64>,
    meal_point_id: i64,
    date: chrono::NaiveDate,
    slot: Slot,
) -> Result<u32, OrderError> {
    let db = &state.db;
    let meal_point = meal_point_access::require_meal_point(db, meal_point_id).await?;
    let now = state.clock.now();
    let closes = slot_hours(&meal_point, slot)?
        .map(|(_, closes)| closes)
        .ok_or(OrderError::SlotNotServed)?;
    if !rules::no_show_due(date, closes, state.config.no_show_grace, now) {
        return Err(OrderRuleError::SlotNotOver.into());
    }
    let unserved = meal_order::Entity::find()
        .filter(meal_order::Column::MealPointId.eq(meal_point_id))
        .filter(meal_order::Column::Date.eq(date))
        .filter(meal_order::Column::Slot.eq(slot))
        .filter(meal_order::Column::State.is_in(OrderState::LIVE))
        .all(db)
        .await?;
    let mut marked = 0;
    for order in unserved {
        let change = StateChange {
            from: order.state,
            to: OrderState::NoShow,
            actor,
            note: None,
            at: now,
        };
        // The family hears the elder did not come (an elder without family: the board shows it).
        let told = transition_telling(
            state,
            &order.id,
            change,
            |u| u,
            Some(NoticeKind::NoShowAlert),
        );
        match told.await {
            Ok(_) => marked += 1,
            // Served or cancelled meanwhile: nothing to mark.
            Err(OrderError::Rule(OrderRuleError::IllegalTransition { .. })) => {}
            Err(err) => return Err(err),
        }
    }
    Ok(marked)
}

/// Every ended slot with live orders, everywhere: what the background sweep marks as no-shows.
pub async fn sweep_no_shows(state: &AppState) -> AppResult<u32> {
    use sea_orm::QuerySelect;
    let slots: Vec<(i64, chrono::NaiveDate, Slot)> = meal_order::Entity::find()
        .select_only()
        .column(meal_order::Column::MealPointId)
        .column(meal_order::Column::Date)
        .column(meal_order::Column::Slot)
        .distinct()
        .filter(meal_order::Column::Date.lte(state.clock.today()))
        .filter(meal_order::Column::State.is_in(OrderState::LIVE))
        .into_tuple()
        .all(&state.db)
        .await?;
    let mut marked = 0;
    for (meal_point_id, date, slot) in slots {
        match mark_no_shows(state, None, meal_point_id, date, slot).await {
            Ok(n) => marked += n,
            Err(OrderError::Rule(OrderRuleError::SlotNotOver)) => {}
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

/// Fences the meal point's new status in the reservation store, where every instance decides
/// bookings. Should the store be unreachable, the writer still refuses orders for covered days
/// (it reads the status under a row lock in its transaction), and the next rebuild installs the
/// newer fence; so this logs rather than fails the status change already stored.
pub async fn status_changed(state: &AppState, meal_point: &meal_point::Model) {
    let fence = store::fence_of(meal_point);
    if let Err(err) = state.reservations.fence(meal_point.id, fence).await {
        tracing::warn!(%err, meal_point = meal_point.id, "meal point status not fenced in the reservation store");
    }
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
        .filter(meal_order::Column::State.eq(OrderState::Booked))
        .all(&state.db)
        .await?;
    let now = state.clock.now();
    let mut cancelled = 0;
    for order in booked.into_iter().filter(|o| affected(o.date)) {
        let lines = store::lines_of(&state.db, &order.id).await?;
        let cancelled_now = cancel_telling(
            state,
            Some(actor),
            &order,
            &lines,
            reason,
            now,
            NoticeKind::ClosureCancelled,
        );
        match cancelled_now.await {
            Ok(_) => cancelled += 1,
            // Served or cancelled meanwhile: nothing to do for this one.
            Err(OrderError::Rule(OrderRuleError::IllegalTransition { .. })) => {}
            Err(err) => return Err(err.into()),
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
