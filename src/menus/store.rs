//! Dishes and offerings in the database.
//!
//! Portions of an existing offering change only through [`set_portions`]; offerings are created
//! only through [`insert_offerings`]. Those two are where a reservation store (the booking
//! issue's peak-ordering copy of portions left) learns about capacity: a new offering adds its
//! portions, a change adds [`PortionsChange::delta`].

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use entity::{dish, offering};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    IntoActiveModel, QueryFilter, QueryOrder, sea_query::Expr,
};

use super::error::MenuError;
use super::rules::{
    Allergen, BookingPolicy, Dish, DishTag, MenuRuleError, Offering, booking_opens_on,
    check_new_portions, order_cutoff,
};
use crate::{
    auth::Caller,
    db::{UniqueKey, unique_violation},
    error::AppResult,
    meal_points::rules::ServiceHours,
    money::Yuan,
};
use vocabulary::{Role, Slot};

// ---------------------------------------------------------------------------------------------
// Dishes
// ---------------------------------------------------------------------------------------------

/// Codes joined by commas, the storage format of `dish.tags` and `dish.allergens`.
pub fn codes_text<'a>(codes: impl IntoIterator<Item = &'a str>) -> String {
    codes.into_iter().collect::<Vec<_>>().join(",")
}

fn split_codes(text: &str) -> impl Iterator<Item = &str> {
    text.split(',').filter(|c| !c.is_empty())
}

/// A dish's tags. A stored code the rules no longer know is left out (and logged) rather than
/// failing the whole menu.
pub fn tags_of(model: &dish::Model) -> Vec<DishTag> {
    split_codes(&model.tags)
        .filter_map(|code| {
            let tag = DishTag::parse(code);
            if tag.is_none() {
                tracing::error!(dish = model.id, code, "unknown tag in the database");
            }
            tag
        })
        .collect()
}

pub fn allergens_of(model: &dish::Model) -> Vec<Allergen> {
    split_codes(&model.allergens)
        .filter_map(|code| {
            let allergen = Allergen::parse(code);
            if allergen.is_none() {
                tracing::error!(dish = model.id, code, "unknown allergen in the database");
            }
            allergen
        })
        .collect()
}

/// The dish, if the caller keeps it (an operator of its meal point, or the city admin).
/// Another meal point's dish is 404 `DISH_NOT_FOUND`, exactly as one that does not exist: an
/// operator learns nothing about other meal points' dishes by trying ids.
pub async fn require_own_dish(
    db: &impl ConnectionTrait,
    caller: &Caller,
    id: i64,
) -> Result<dish::Model, MenuError> {
    let found = dish::Entity::find_by_id(id).one(db).await?;
    match found {
        Some(dish) if may_keep(db, caller, dish.meal_point_id).await? => Ok(dish),
        _ => Err(MenuError::DishNotKept),
    }
}

/// The offering, if the caller keeps it; another meal point's is 404 like a missing one.
pub async fn require_own_offering(
    db: &impl ConnectionTrait,
    caller: &Caller,
    id: i64,
) -> Result<offering::Model, MenuError> {
    let found = offering::Entity::find_by_id(id).one(db).await?;
    match found {
        Some(offering) if may_keep(db, caller, offering.meal_point_id).await? => Ok(offering),
        _ => Err(MenuError::OfferingNotKept),
    }
}

async fn may_keep(
    db: &impl ConnectionTrait,
    caller: &Caller,
    meal_point_id: i64,
) -> Result<bool, DbErr> {
    Ok(match caller.role {
        Role::CityAdmin => true,
        Role::Operator => {
            crate::meal_points::store::is_operator_of(db, caller.account_id, meal_point_id).await?
        }
        Role::Elder | Role::Family | Role::DistrictClerk | Role::Inspector => false,
    })
}

/// A meal point's dishes, active and inactive, by name.
pub async fn dishes_of(
    db: &impl ConnectionTrait,
    meal_point_id: i64,
) -> AppResult<Vec<dish::Model>> {
    Ok(dish::Entity::find()
        .filter(dish::Column::MealPointId.eq(meal_point_id))
        .order_by_asc(dish::Column::Id)
        .all(db)
        .await?)
}

/// What a dish row holds besides its meal point.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DishRecord {
    pub dish: Dish,
    pub photo_url: Option<String>,
    pub active: bool,
}

fn write_dish(row: &mut dish::ActiveModel, record: &DishRecord) {
    row.name = Set(record.dish.name().to_owned());
    row.photo_url = Set(record.photo_url.clone());
    row.price_fen = Set(Yuan::new(record.dish.price()).to_fen());
    row.tags = Set(codes_text(record.dish.tags().iter().map(|t| t.as_str())));
    row.allergens = Set(codes_text(
        record.dish.allergens().iter().map(|a| a.as_str()),
    ));
    row.active = Set(record.active);
}

fn new_dish_row(meal_point_id: i64, record: &DishRecord, now: DateTime<Utc>) -> dish::ActiveModel {
    let mut row = dish::ActiveModel {
        meal_point_id: Set(meal_point_id),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    write_dish(&mut row, record);
    row
}

fn dish_name_taken(err: sea_orm::DbErr) -> MenuError {
    if unique_violation(&err) == Some(UniqueKey::DishName) {
        MenuError::DishNameTaken
    } else {
        err.into()
    }
}

pub async fn insert_dish(
    db: &impl ConnectionTrait,
    meal_point_id: i64,
    record: &DishRecord,
    now: DateTime<Utc>,
) -> Result<dish::Model, MenuError> {
    new_dish_row(meal_point_id, record, now)
        .insert(db)
        .await
        .map_err(dish_name_taken)
}

/// Many dishes at once (demo data, the benchmark), returned in order.
pub async fn insert_dishes(
    db: &impl ConnectionTrait,
    dishes: &[(i64, DishRecord)],
    now: DateTime<Utc>,
) -> AppResult<Vec<dish::Model>> {
    let mut inserted = Vec::with_capacity(dishes.len());
    for chunk in dishes.chunks(1000) {
        let rows = chunk
            .iter()
            .map(|(meal_point_id, record)| new_dish_row(*meal_point_id, record, now));
        inserted.extend(
            dish::Entity::insert_many(rows)
                .exec_with_returning(db)
                .await?,
        );
    }
    Ok(inserted)
}

/// Rewrites a dish. Offerings already published keep the price they were published with.
pub async fn update_dish(
    db: &impl ConnectionTrait,
    model: dish::Model,
    record: &DishRecord,
    now: DateTime<Utc>,
) -> Result<dish::Model, MenuError> {
    let mut row = model.into_active_model();
    write_dish(&mut row, record);
    row.updated_at = Set(now);
    row.update(db).await.map_err(dish_name_taken)
}

// ---------------------------------------------------------------------------------------------
// Offerings
// ---------------------------------------------------------------------------------------------

pub async fn require_offering(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<offering::Model, MenuError> {
    offering::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(MenuError::OfferingNotFound { id })
}

/// The stored offering as the rules see it, for [`super::rules::can_book`].
pub fn scheduled_of(model: &offering::Model) -> AppResult<Offering> {
    Ok(Offering {
        dish: model.dish_id,
        date: model.date,
        slot: model.slot,
        portions: model.portions,
        price: Yuan::from_fen(model.price_fen).decimal(),
        booking_opens_on: model.opens_on,
        order_cutoff: model.cutoff_at,
    })
}

pub fn portions_left(model: &offering::Model) -> i32 {
    (model.portions - model.booked).max(0)
}

fn new_offering_row(
    meal_point_id: i64,
    offering: &Offering,
    now: DateTime<Utc>,
) -> offering::ActiveModel {
    offering::ActiveModel {
        meal_point_id: Set(meal_point_id),
        dish_id: Set(offering.dish),
        date: Set(offering.date),
        slot: Set(offering.slot),
        portions: Set(offering.portions),
        booked: Set(0),
        price_fen: Set(Yuan::new(offering.price).to_fen()),
        cutoff_at: Set(offering.order_cutoff),
        opens_on: Set(offering.booking_opens_on),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
}

/// Publishes offerings (nothing booked yet), returned in order. One that already exists for its
/// dish, date and slot makes the whole call fail with 409 `OFFERING_EXISTS`; run it in a
/// transaction so nothing is half-published.
pub async fn insert_offerings(
    db: &impl ConnectionTrait,
    meal_point_id: i64,
    offerings: &[Offering],
    now: DateTime<Utc>,
) -> Result<Vec<offering::Model>, MenuError> {
    let mut inserted = Vec::with_capacity(offerings.len());
    // 12 columns a row; 1,000 rows stay far below SQLite's bound-variable limit.
    for chunk in offerings.chunks(1000) {
        let rows = chunk
            .iter()
            .map(|o| new_offering_row(meal_point_id, o, now));
        let models = offering::Entity::insert_many(rows)
            .exec_with_returning(db)
            .await
            .map_err(|err| {
                if unique_violation(&err) == Some(UniqueKey::OfferingDishDateSlot) {
                    MenuError::OfferingExists
                } else {
                    err.into()
                }
            })?;
        inserted.extend(models);
    }
    Ok(inserted)
}

/// Offerings of many meal points at once (demo data, the benchmark).
pub async fn insert_offerings_of_many(
    db: &impl ConnectionTrait,
    offerings: &[(i64, Offering)],
    now: DateTime<Utc>,
) -> AppResult<()> {
    for chunk in offerings.chunks(1000) {
        let rows = chunk
            .iter()
            .map(|(meal_point_id, o)| new_offering_row(*meal_point_id, o, now));
        offering::Entity::insert_many(rows)
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// Which `(dish, date, slot)` a meal point has already published between two dates.
pub async fn published_between(
    db: &impl ConnectionTrait,
    meal_point_id: i64,
    from: NaiveDate,
    to: NaiveDate,
) -> AppResult<HashSet<(i64, NaiveDate, Slot)>> {
    Ok(offerings_between(db, meal_point_id, from, to)
        .await?
        .into_iter()
        .map(|o| (o.dish_id, o.date, o.slot))
        .collect())
}

/// A meal point's offerings from `from` to `to` (inclusive), by date, slot and id.
pub async fn offerings_between(
    db: &impl ConnectionTrait,
    meal_point_id: i64,
    from: NaiveDate,
    to: NaiveDate,
) -> AppResult<Vec<offering::Model>> {
    Ok(offering::Entity::find()
        .filter(offering::Column::MealPointId.eq(meal_point_id))
        .filter(offering::Column::Date.between(from, to))
        .order_by_asc(offering::Column::Date)
        .order_by_asc(offering::Column::Id)
        .all(db)
        .await?)
}

/// The dishes behind some offerings, by id.
pub async fn dishes_by_id(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = i64>,
) -> AppResult<HashMap<i64, dish::Model>> {
    let ids: HashSet<i64> = ids.into_iter().collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(dish::Entity::find()
        .filter(dish::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|d| (d.id, d))
        .collect())
}

/// The result of [`set_portions`]: the offering as stored now, and by how much its capacity
/// moved (what a reservation store must add to its portions left).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortionsChange {
    pub offering: offering::Model,
    pub delta: i32,
}

/// THE way an offering's portions change. Raising is always allowed; lowering stops at what is
/// booked ([`check_new_portions`]). The update itself re-checks `booked <= portions` in SQL, so a
/// booking that lands between the read and the write cannot be oversold.
pub async fn set_portions(
    db: &impl ConnectionTrait,
    current: &offering::Model,
    portions: i32,
    now: DateTime<Utc>,
) -> AppResult<PortionsChange> {
    check_new_portions(portions, current.booked)?;
    let updated = offering::Entity::update_many()
        .col_expr(offering::Column::Portions, Expr::value(portions))
        .col_expr(offering::Column::UpdatedAt, Expr::value(now))
        .filter(offering::Column::Id.eq(current.id))
        .filter(offering::Column::Booked.lte(portions))
        .exec(db)
        .await?;
    let stored = require_offering(db, current.id).await?;
    if updated.rows_affected == 0 {
        return Err(MenuRuleError::PortionsBelowBooked {
            booked: stored.booked,
            requested: portions,
        }
        .into());
    }
    Ok(PortionsChange {
        delta: stored.portions - current.portions,
        offering: stored,
    })
}

/// Changes an offering's price, only while nothing is booked: a booked meal's price (and the
/// subsidy worked out from it) is already promised. 409 `PRICE_LOCKED` otherwise.
pub async fn set_price(
    db: &impl ConnectionTrait,
    current: &offering::Model,
    price: Yuan,
    now: DateTime<Utc>,
) -> Result<offering::Model, MenuError> {
    let updated = offering::Entity::update_many()
        .col_expr(offering::Column::PriceFen, Expr::value(price.to_fen()))
        .col_expr(offering::Column::UpdatedAt, Expr::value(now))
        .filter(offering::Column::Id.eq(current.id))
        .filter(offering::Column::Booked.eq(0))
        .exec(db)
        .await?;
    if updated.rows_affected == 0 {
        return Err(MenuError::PriceLocked);
    }
    require_offering(db, current.id).await
}

/// Withdraws an offering, only while nothing is booked. 409 `OFFERING_HAS_BOOKINGS` otherwise.
pub async fn delete_offering(
    db: &impl ConnectionTrait,
    current: &offering::Model,
) -> Result<(), MenuError> {
    let deleted = offering::Entity::delete_many()
        .filter(offering::Column::Id.eq(current.id))
        .filter(offering::Column::Booked.eq(0))
        .exec(db)
        .await?;
    if deleted.rows_affected == 0 {
        return Err(MenuError::OfferingHasBookings);
    }
    Ok(())
}

/// Gives a meal point's offerings from `from` on the cutoff and booking-opens date its current
/// hours and booking times imply (after an operator changed them). Offerings of a slot no longer
/// served keep theirs: the operator withdraws them, or elders booked them under the old hours.
pub async fn reschedule_from(
    db: &impl ConnectionTrait,
    meal_point_id: i64,
    hours: &ServiceHours,
    policy: BookingPolicy,
    from: NaiveDate,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let upcoming = offering::Entity::find()
        .filter(offering::Column::MealPointId.eq(meal_point_id))
        .filter(offering::Column::Date.gte(from))
        .all(db)
        .await?;
    for current in upcoming {
        let Some(slot_hours) = hours.hours_for(current.slot) else {
            continue;
        };
        let cutoff = order_cutoff(current.date, slot_hours.opens, policy.lead_minutes);
        let opens_on = booking_opens_on(current.date, policy.days_ahead);
        if cutoff == current.cutoff_at && opens_on == current.opens_on {
            continue;
        }
        let mut row = current.into_active_model();
        row.cutoff_at = Set(cutoff);
        row.opens_on = Set(opens_on);
        row.updated_at = Set(now);
        row.update(db).await?;
    }
    Ok(())
}
