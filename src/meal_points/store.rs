//! Meal points and their operators in the database, and the way back from a row to the rules'
//! types (a row that no longer passes the rules is a bug, reported as an internal error).

use chrono::{DateTime, NaiveDate, Utc};
use entity::{account, dish, district, meal_point, meal_point_operator, offering, street};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
    sea_query::{Expr, Query},
};

use super::{
    MealPointProfile,
    rules::{
        self, BookingPolicy, CityLabels, GeoPoint, MealPointKind, MealPointStatus,
        MealPointStatusKind, OpeningDays, ServiceHours, ServiceModes, SlotHours, StarGrade,
    },
};
use crate::{
    auth::{Caller, Role},
    error::{AppError, AppResult},
    pagination::PageRequest,
};
use vocabulary::{DishTag, ServiceMode, Slot};

// ---------------------------------------------------------------------------------------------
// Lookups and access
// ---------------------------------------------------------------------------------------------

pub async fn find_meal_point(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<Option<meal_point::Model>, DbErr> {
    meal_point::Entity::find_by_id(id).one(db).await
}

/// Whether `caller` keeps watch over this meal point: the city admin, a clerk of its district, its
/// own operators. Inspectors, who visit any meal point, are for each reader to let in or not.
pub async fn is_overseen_by(
    db: &impl ConnectionTrait,
    caller: &Caller,
    meal_point: &meal_point::Model,
) -> Result<bool, DbErr> {
    Ok(match caller.role {
        Role::CityAdmin => true,
        Role::DistrictClerk => caller.district_code.as_deref() == Some(&meal_point.district_code),
        Role::Operator => is_operator_of(db, caller.account_id, meal_point.id).await?,
        _ => false,
    })
}

pub async fn is_operator_of(
    db: &impl ConnectionTrait,
    account_id: i64,
    meal_point_id: i64,
) -> Result<bool, DbErr> {
    Ok(
        meal_point_operator::Entity::find_by_id((meal_point_id, account_id))
            .one(db)
            .await?
            .is_some(),
    )
}

// ---------------------------------------------------------------------------------------------
// From a row back to the rules' types
// ---------------------------------------------------------------------------------------------

fn corrupt(model: &meal_point::Model, what: &str, detail: impl std::fmt::Display) -> AppError {
    AppError::internal(std::io::Error::other(format!(
        "meal point {} has an invalid {what} in the database: {detail}",
        model.id
    )))
}

pub fn location_of(model: &meal_point::Model) -> AppResult<GeoPoint> {
    GeoPoint::new(model.lat, model.lng).map_err(|e| corrupt(model, "location", e))
}

pub fn opening_days_of(model: &meal_point::Model) -> AppResult<OpeningDays> {
    let days: Vec<u8> = (1..=7u8)
        .filter(|d| model.opening_days & (1 << (d - 1)) != 0)
        .collect();
    OpeningDays::from_iso_weekdays(&days).map_err(|e| corrupt(model, "opening_days", e))
}

/// The bitmask stored in `meal_point.opening_days`.
pub fn opening_days_bits(days: OpeningDays) -> i16 {
    days.iso_weekdays()
        .into_iter()
        .fold(0, |bits, day| bits | (1 << (day - 1)))
}

/// The bit of `date`'s weekday in the `opening_days` mask.
fn weekday_bit(date: NaiveDate) -> i16 {
    use chrono::Datelike;
    1 << (date.weekday().number_from_monday() - 1)
}

pub fn service_hours_of(model: &meal_point::Model) -> AppResult<ServiceHours> {
    let slots = [
        (
            Slot::Breakfast,
            model.breakfast_opens,
            model.breakfast_closes,
        ),
        (Slot::Lunch, model.lunch_opens, model.lunch_closes),
        (Slot::Dinner, model.dinner_opens, model.dinner_closes),
    ];
    let hours = slots
        .into_iter()
        .filter_map(|(slot, opens, closes)| {
            Some(SlotHours {
                slot,
                opens: opens?,
                closes: closes?,
            })
        })
        .collect();
    ServiceHours::new(hours).map_err(|e| corrupt(model, "slot hours", e))
}

pub fn service_modes_of(model: &meal_point::Model) -> AppResult<ServiceModes> {
    let modes: Vec<ServiceMode> = [
        (model.dine_in, ServiceMode::DineIn),
        (model.pickup, ServiceMode::Pickup),
        (model.delivery, ServiceMode::Delivery),
    ]
    .into_iter()
    .filter_map(|(offered, mode)| offered.then_some(mode))
    .collect();
    let radius = model
        .delivery_radius_m
        .map(|r| u32::try_from(r).unwrap_or(0));
    ServiceModes::new(&modes, radius).map_err(|e| corrupt(model, "service modes", e))
}

pub fn status_of(model: &meal_point::Model) -> AppResult<MealPointStatus> {
    MealPointStatus::new(
        model.status,
        model.status_reason.as_deref(),
        model.status_from,
        model.status_until,
    )
    .map_err(|e| corrupt(model, "status", e))
}

pub fn labels_of(model: &meal_point::Model) -> CityLabels {
    CityLabels {
        demonstration: model.demonstration,
        star_grade: model
            .star_grade
            .and_then(|s| u8::try_from(s).ok())
            .and_then(|s| StarGrade::new(s).ok()),
    }
}

pub fn booking_policy_of(model: &meal_point::Model) -> BookingPolicy {
    BookingPolicy {
        lead_minutes: u32::try_from(model.order_lead_minutes).unwrap_or(0),
        days_ahead: u32::try_from(model.booking_days_ahead).unwrap_or(0),
    }
}

/// The stored profile as the rules' types, so an edit can change a part and check the whole.
pub fn profile_of(model: &meal_point::Model) -> AppResult<MealPointProfile> {
    Ok(MealPointProfile {
        name: model.name.clone(),
        kind: model.kind,
        district_code: model.district_code.clone(),
        street_id: model.street_id,
        address: model.address.clone(),
        location: location_of(model)?,
        phone: model.phone.clone(),
        service_modes: service_modes_of(model)?,
        opening_days: opening_days_of(model)?,
        service_hours: service_hours_of(model)?,
        booking_policy: booking_policy_of(model),
        food_licence_no: model.food_licence_no.clone(),
        live_video_url: model.live_video_url.clone(),
    })
}

/// Whether the meal point's status lets it take bookings for `date` ([`rules::takes_bookings_on`]):
/// a pause or closure blocks only the days it covers. Opening days and slots are separate
/// questions ([`is_open_on`], [`serves`]).
pub fn takes_bookings_on(model: &meal_point::Model, date: NaiveDate) -> bool {
    match status_of(model) {
        Ok(status) => rules::takes_bookings_on(&status, date),
        Err(err) => {
            // Refusing bookings is the safe answer for a row the rules cannot read.
            tracing::error!(error = %err, "meal point status unreadable");
            false
        }
    }
}

/// Whether `date` is one of the meal point's opening days.
pub fn is_open_on(model: &meal_point::Model, date: NaiveDate) -> bool {
    model.opening_days & weekday_bit(date) != 0
}

/// Whether the meal point serves `slot` at all (has hours for it).
pub fn serves_slot(model: &meal_point::Model, slot: Slot) -> bool {
    match slot {
        Slot::Breakfast => model.breakfast_opens.is_some(),
        Slot::Lunch => model.lunch_opens.is_some(),
        Slot::Dinner => model.dinner_opens.is_some(),
    }
}

/// Whether elders can book `slot` on `date` here as far as the meal point goes: an opening day,
/// a served slot, and no pause or closure covering the date. (Menus and cutoffs come on top.)
pub fn serves(model: &meal_point::Model, date: NaiveDate, slot: Slot) -> bool {
    is_open_on(model, date) && serves_slot(model, slot) && takes_bookings_on(model, date)
}

// ---------------------------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------------------------

fn write_profile(row: &mut meal_point::ActiveModel, profile: &MealPointProfile) {
    let hours = |slot| profile.service_hours.hours_for(slot).copied();
    let (breakfast, lunch, dinner) = (
        hours(Slot::Breakfast),
        hours(Slot::Lunch),
        hours(Slot::Dinner),
    );
    let modes = &profile.service_modes;
    row.name = Set(profile.name.clone());
    row.kind = Set(profile.kind);
    row.district_code = Set(profile.district_code.clone());
    row.street_id = Set(profile.street_id);
    row.address = Set(profile.address.clone());
    row.lat = Set(profile.location.lat());
    row.lng = Set(profile.location.lng());
    row.phone = Set(profile.phone.clone());
    row.dine_in = Set(modes.offers(ServiceMode::DineIn));
    row.pickup = Set(modes.offers(ServiceMode::Pickup));
    row.delivery = Set(modes.offers(ServiceMode::Delivery));
    row.delivery_radius_m = Set(modes
        .delivery_radius_m()
        .map(|r| i32::try_from(r).unwrap_or(i32::MAX)));
    row.opening_days = Set(opening_days_bits(profile.opening_days));
    row.breakfast_opens = Set(breakfast.map(|h| h.opens));
    row.breakfast_closes = Set(breakfast.map(|h| h.closes));
    row.lunch_opens = Set(lunch.map(|h| h.opens));
    row.lunch_closes = Set(lunch.map(|h| h.closes));
    row.dinner_opens = Set(dinner.map(|h| h.opens));
    row.dinner_closes = Set(dinner.map(|h| h.closes));
    row.order_lead_minutes =
        Set(i32::try_from(profile.booking_policy.lead_minutes).unwrap_or(i32::MAX));
    row.booking_days_ahead =
        Set(i32::try_from(profile.booking_policy.days_ahead).unwrap_or(i32::MAX));
    row.food_licence_no = Set(profile.food_licence_no.clone());
    row.live_video_url = Set(profile.live_video_url.clone());
}

fn write_labels(row: &mut meal_point::ActiveModel, labels: CityLabels) {
    row.demonstration = Set(labels.demonstration);
    row.star_grade = Set(labels.star_grade.map(|g| i16::from(g.stars())));
}

fn write_status(row: &mut meal_point::ActiveModel, status: &MealPointStatus) {
    let suspension = status.suspension();
    row.status = Set(status.kind());
    row.status_reason = Set(suspension.map(|s| s.reason().to_owned()));
    row.status_from = Set(suspension.map(|s| s.from_date()));
    row.status_until = Set(suspension.and_then(|s| s.until_date()));
}

fn new_row(
    profile: &MealPointProfile,
    labels: CityLabels,
    now: DateTime<Utc>,
) -> meal_point::ActiveModel {
    let mut row = meal_point::ActiveModel {
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    write_profile(&mut row, profile);
    write_labels(&mut row, labels);
    write_status(&mut row, &MealPointStatus::Open);
    row
}

/// A new meal point, open.
pub async fn insert_meal_point(
    db: &impl ConnectionTrait,
    profile: &MealPointProfile,
    labels: CityLabels,
    now: DateTime<Utc>,
) -> AppResult<meal_point::Model> {
    Ok(new_row(profile, labels, now).insert(db).await?)
}

/// Many new meal points in few statements (demo data, the benchmark). Returns them in order.
pub async fn insert_meal_points(
    db: &impl ConnectionTrait,
    points: &[(MealPointProfile, CityLabels)],
    now: DateTime<Utc>,
) -> AppResult<Vec<meal_point::Model>> {
    // 34 columns a row: 500 rows stay far below SQLite's 32,766 bound variables per statement.
    let mut inserted = Vec::with_capacity(points.len());
    for chunk in points.chunks(500) {
        let rows = chunk
            .iter()
            .map(|(profile, labels)| new_row(profile, *labels, now));
        inserted.extend(
            meal_point::Entity::insert_many(rows)
                .exec_with_returning(db)
                .await?,
        );
    }
    Ok(inserted)
}

pub async fn update_profile(
    db: &impl ConnectionTrait,
    model: meal_point::Model,
    profile: &MealPointProfile,
    now: DateTime<Utc>,
) -> AppResult<meal_point::Model> {
    let mut row = model.into_active_model();
    write_profile(&mut row, profile);
    row.updated_at = Set(now);
    Ok(row.update(db).await?)
}

pub async fn set_labels(
    db: &impl ConnectionTrait,
    model: meal_point::Model,
    labels: CityLabels,
    now: DateTime<Utc>,
) -> AppResult<meal_point::Model> {
    let mut row = model.into_active_model();
    write_labels(&mut row, labels);
    row.updated_at = Set(now);
    Ok(row.update(db).await?)
}

pub async fn set_status(
    db: &impl ConnectionTrait,
    model: meal_point::Model,
    status: &MealPointStatus,
    now: DateTime<Utc>,
) -> AppResult<meal_point::Model> {
    let mut row = model.into_active_model();
    write_status(&mut row, status);
    row.updated_at = Set(now);
    Ok(row.update(db).await?)
}

// ---------------------------------------------------------------------------------------------
// Operators
// ---------------------------------------------------------------------------------------------

/// Assigns an operator; assigning one already assigned changes nothing.
pub async fn assign_operator(
    db: &impl ConnectionTrait,
    meal_point_id: i64,
    account_id: i64,
    now: DateTime<Utc>,
) -> AppResult<()> {
    meal_point_operator::Entity::insert(meal_point_operator::ActiveModel {
        meal_point_id: Set(meal_point_id),
        account_id: Set(account_id),
        created_at: Set(now),
    })
    .on_conflict_do_nothing()
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Many assignments at once (demo data).
pub async fn assign_operators(
    db: &impl ConnectionTrait,
    pairs: &[(i64, i64)],
    now: DateTime<Utc>,
) -> AppResult<()> {
    if pairs.is_empty() {
        return Ok(());
    }
    meal_point_operator::Entity::insert_many(pairs.iter().map(|&(meal_point_id, account_id)| {
        meal_point_operator::ActiveModel {
            meal_point_id: Set(meal_point_id),
            account_id: Set(account_id),
            created_at: Set(now),
        }
    }))
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Removes an operator; removing one not assigned changes nothing.
pub async fn unassign_operator(
    db: &impl ConnectionTrait,
    meal_point_id: i64,
    account_id: i64,
) -> AppResult<()> {
    meal_point_operator::Entity::delete_by_id((meal_point_id, account_id))
        .exec(db)
        .await?;
    Ok(())
}

/// The accounts assigned to run a meal point.
pub async fn operators_of(
    db: &impl ConnectionTrait,
    meal_point_id: i64,
) -> AppResult<Vec<account::Model>> {
    let ids: Vec<i64> = meal_point_operator::Entity::find()
        .filter(meal_point_operator::Column::MealPointId.eq(meal_point_id))
        .all(db)
        .await?
        .into_iter()
        .map(|o| o.account_id)
        .collect();
    Ok(account::Entity::find()
        .filter(account::Column::Id.is_in(ids))
        .order_by_asc(account::Column::Id)
        .all(db)
        .await?)
}

/// The meal points an operator runs.
pub async fn meal_points_of_operator(
    db: &impl ConnectionTrait,
    account_id: i64,
) -> AppResult<Vec<meal_point::Model>> {
    let assigned = Query::select()
        .column(meal_point_operator::Column::MealPointId)
        .from(meal_point_operator::Entity)
        .and_where(meal_point_operator::Column::AccountId.eq(account_id))
        .to_owned();
    Ok(meal_point::Entity::find()
        .filter(meal_point::Column::Id.in_subquery(assigned))
        .order_by_asc(meal_point::Column::Id)
        .all(db)
        .await?)
}

// ---------------------------------------------------------------------------------------------
// The directory: filtered list and near search
// ---------------------------------------------------------------------------------------------

/// The public list's filters; `None` does not restrict.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    pub district_code: Option<String>,
    pub kind: Option<MealPointKind>,
    pub mode: Option<ServiceMode>,
    /// Open that weekday and not paused or closed that day.
    pub open_on: Option<NaiveDate>,
    /// Has hours for this slot.
    pub slot: Option<Slot>,
    pub demonstration: Option<bool>,
    pub min_star: Option<StarGrade>,
    /// Has an active dish with this tag.
    pub dish_tag: Option<DishTag>,
}

/// SQL for [`rules::takes_bookings_on`], so a filtered list can be paginated by the database.
/// Must say what the rule says: a pause or closure blocks exactly the days from `status_from`
/// to `status_until` (inclusive; no end date = for good).
fn takes_bookings_on_sql(date: NaiveDate) -> Condition {
    use meal_point::Column as C;
    Condition::any()
        .add(C::Status.eq(MealPointStatusKind::Open))
        .add(C::StatusFrom.gt(date))
        .add(
            Condition::all()
                .add(C::StatusUntil.is_not_null())
                .add(C::StatusUntil.lt(date)),
        )
}

fn slot_served_sql(slot: Slot) -> Condition {
    use meal_point::Column as C;
    Condition::all().add(match slot {
        Slot::Breakfast => C::BreakfastOpens.is_not_null(),
        Slot::Lunch => C::LunchOpens.is_not_null(),
        Slot::Dinner => C::DinnerOpens.is_not_null(),
    })
}

fn list_condition(filter: &ListFilter) -> Condition {
    use meal_point::Column as C;
    use sea_orm::sea_query::ExprTrait as _;
    let mut condition = Condition::all();
    if let Some(code) = &filter.district_code {
        condition = condition.add(C::DistrictCode.eq(code.as_str()));
    }
    if let Some(kind) = filter.kind {
        condition = condition.add(C::Kind.eq(kind));
    }
    if let Some(mode) = filter.mode {
        condition = condition.add(match mode {
            ServiceMode::DineIn => C::DineIn.eq(true),
            ServiceMode::Pickup => C::Pickup.eq(true),
            ServiceMode::Delivery => C::Delivery.eq(true),
        });
    }
    if let Some(date) = filter.open_on {
        condition = condition
            .add(Expr::col(C::OpeningDays).bit_and(weekday_bit(date)).ne(0))
            .add(takes_bookings_on_sql(date));
    }
    if let Some(slot) = filter.slot {
        condition = condition.add(slot_served_sql(slot));
    }
    if let Some(demonstration) = filter.demonstration {
        condition = condition.add(C::Demonstration.eq(demonstration));
    }
    if let Some(grade) = filter.min_star {
        condition = condition.add(C::StarGrade.gte(i16::from(grade.stars())));
    }
    if let Some(tag) = filter.dish_tag {
        // Tags are stored `a,b,c`; wrapping both sides in commas matches whole codes only.
        let with_tag = Query::select()
            .column(dish::Column::MealPointId)
            .from(dish::Entity)
            .and_where(dish::Column::Active.eq(true))
            .and_where(Expr::cust("(',' || \"tags\" || ',')").like(format!("%,{},%", tag.as_str())))
            .to_owned();
        condition = condition.add(C::Id.in_subquery(with_tag));
    }
    condition
}

/// One page of the filtered directory, by id, and the total.
pub async fn list(
    db: &impl ConnectionTrait,
    filter: &ListFilter,
    page: PageRequest,
) -> AppResult<(Vec<meal_point::Model>, u64)> {
    let query = meal_point::Entity::find().filter(list_condition(filter));
    let total = query.clone().count(db).await?;
    let items = query
        .order_by_asc(meal_point::Column::Id)
        .offset(page.offset())
        .limit(page.page_size)
        .all(db)
        .await?;
    Ok((items, total))
}

/// Every meal point within `radius_m` of `center`, nearest first (ties by id), with its distance
/// in metres. The bounding box narrows the rows in SQL through the `(lat, lng)` index; the exact
/// great-circle distance then decides.
pub async fn near(
    db: &impl ConnectionTrait,
    center: GeoPoint,
    radius_m: u32,
) -> AppResult<Vec<(meal_point::Model, u32)>> {
    use meal_point::Column as C;
    let bbox = rules::bounding_box(center, radius_m);
    let candidates = meal_point::Entity::find()
        .filter(C::Lat.between(bbox.min_lat, bbox.max_lat))
        .filter(C::Lng.between(bbox.min_lng, bbox.max_lng))
        .all(db)
        .await?;
    let mut within: Vec<(meal_point::Model, u32)> = candidates
        .into_iter()
        .filter_map(|model| {
            let location = GeoPoint::new(model.lat, model.lng).ok()?;
            let distance = rules::distance_m(center, location);
            (distance <= radius_m).then_some((model, distance))
        })
        .collect();
    within.sort_by_key(|(model, distance)| (*distance, model.id));
    Ok(within)
}

/// The names of these meal points, by id.
pub async fn names_of(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = i64>,
) -> AppResult<std::collections::HashMap<i64, String>> {
    let mut ids: Vec<i64> = ids.into_iter().collect();
    ids.sort_unstable();
    ids.dedup();
    Ok(meal_point::Entity::find()
        .select_only()
        .column(meal_point::Column::Id)
        .column(meal_point::Column::Name)
        .filter(meal_point::Column::Id.is_in(ids))
        .into_tuple::<(i64, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect())
}

/// Every meal point's id, name and district, of one district or the city.
pub async fn names_in_district(
    db: &impl ConnectionTrait,
    district_code: Option<&str>,
) -> AppResult<Vec<(i64, String, String)>> {
    let mut points = meal_point::Entity::find()
        .select_only()
        .column(meal_point::Column::Id)
        .column(meal_point::Column::Name)
        .column(meal_point::Column::DistrictCode);
    if let Some(code) = district_code {
        points = points.filter(meal_point::Column::DistrictCode.eq(code));
    }
    Ok(points.into_tuple().all(db).await?)
}

/// The names of a district and a street (empty for one not found).
pub async fn place_names(
    db: &impl ConnectionTrait,
    district_code: &str,
    street_id: i64,
) -> AppResult<(String, String)> {
    let district_name = district::Entity::find_by_id(district_code.to_owned())
        .one(db)
        .await?
        .map(|d| d.name)
        .unwrap_or_default();
    let street_name = street::Entity::find_by_id(street_id)
        .one(db)
        .await?
        .map(|s| s.name)
        .unwrap_or_default();
    Ok((district_name, street_name))
}

/// The street with this id, if there is one.
pub async fn find_street(
    db: &impl ConnectionTrait,
    street_id: i64,
) -> Result<Option<street::Model>, DbErr> {
    street::Entity::find_by_id(street_id).one(db).await
}

/// Of `meal_point_ids`, those with at least one offering on `date` that has portions left (the
/// near search's "serves today").
pub async fn with_portions_left_on(
    db: &impl ConnectionTrait,
    meal_point_ids: &[i64],
    date: NaiveDate,
) -> AppResult<std::collections::HashSet<i64>> {
    use sea_orm::sea_query::ExprTrait as _;
    if meal_point_ids.is_empty() {
        return Ok(Default::default());
    }
    let ids: Vec<i64> = offering::Entity::find()
        .select_only()
        .column(offering::Column::MealPointId)
        .distinct()
        .filter(offering::Column::MealPointId.is_in(meal_point_ids.iter().copied()))
        .filter(offering::Column::Date.eq(date))
        .filter(Expr::col(offering::Column::Portions).gt(Expr::col(offering::Column::Booked)))
        .into_tuple()
        .all(db)
        .await?;
    Ok(ids.into_iter().collect())
}
