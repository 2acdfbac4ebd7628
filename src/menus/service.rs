//! The menus' use cases: the operator's dishes and the public menu read; the writes each hold
//! their transaction, drop the hot caches beside the write, and tell whoever sells portions about new capacity through
//! [`crate::state::Reactions::capacity`] (the orders domain; never named here).

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use entity::{dish, meal_point, offering};
use poem_openapi::types::MaybeUndefined;
use sea_orm::TransactionTrait;
use vocabulary::Slot;

use super::{
    MENU_HORIZON_DAYS, MENU_MAX_DAYS, OFFERINGS_PER_REQUEST_MAX,
    error::MenuError,
    rules::{
        Allergen, BookingPolicy, Dish, DishTag, Offering, OfferingDraft, can_book,
        copy_week as copy_drafts, validate_portions, validate_price,
    },
    store::{self, DishRecord},
};
use crate::{
    auth::Caller,
    meal_points::{
        self,
        rules::{ServiceHours, normalize_live_video_url},
    },
    money::Yuan,
    state::AppState,
};

type Result<T> = std::result::Result<T, MenuError>;

/// The dishes of a meal point the caller runs, inactive ones included, by id.
pub async fn dishes(
    state: &AppState,
    caller: &Caller,
    meal_point_id: i64,
) -> Result<Vec<dish::Model>> {
    let db = &state.db;
    let model = meal_points::access::require_own_meal_point(db, caller, meal_point_id).await?;
    Ok(store::dishes_of(db, model.id).await?)
}

/// A meal point's public menu over some days.
pub struct PublicMenu {
    pub meal_point: meal_point::Model,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub hours: ServiceHours,
    /// Each offering, and whether it can be booked now.
    pub offerings: Vec<(offering::Model, bool)>,
    pub dishes: HashMap<i64, dish::Model>,
}

impl PublicMenu {
    /// Whether the meal point serves on `date` (open, neither paused nor closed).
    pub fn serving_on(&self, date: NaiveDate) -> bool {
        meal_points::store::is_open_on(&self.meal_point, date)
            && meal_points::store::takes_bookings_on(&self.meal_point, date)
    }
}

/// A meal point's menu from `from` (default today) to `to` (default six days after), at most
/// [`MENU_MAX_DAYS`] days.
pub async fn public_menu(
    state: &AppState,
    meal_point_id: i64,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> Result<PublicMenu> {
    let db = &state.db;
    let model = meal_points::access::require_meal_point(db, meal_point_id).await?;
    let from =
        crate::clock::check_business_date("from", from.unwrap_or_else(|| state.clock.today()))?;
    let to = match to {
        Some(to) => crate::clock::check_business_date("to", to)?,
        None => from + TimeDelta::days(6),
    };
    if to < from {
        return Err(MenuError::DateRangeReversed);
    }
    if (to - from).num_days() >= MENU_MAX_DAYS {
        return Err(MenuError::DateRangeTooLong);
    }
    let offerings = store::offerings_between(db, model.id, from, to).await?;
    let dishes = store::dishes_by_id(db, offerings.iter().map(|o| o.dish_id)).await?;
    let hours = meal_points::store::service_hours_of(&model)?;
    let now = state.clock.now();
    let mut with_bookable = Vec::with_capacity(offerings.len());
    for offering in offerings {
        let bookable = bookable_now(&model, &offering, now)?;
        with_bookable.push((offering, bookable));
    }
    Ok(PublicMenu {
        meal_point: model,
        from,
        to,
        hours,
        offerings: with_bookable,
        dishes,
    })
}

/// Portions left, the meal point serving that day and slot, and the booking window open.
fn bookable_now(
    model: &meal_point::Model,
    offering: &offering::Model,
    now: DateTime<Utc>,
) -> Result<bool> {
    let scheduled = store::scheduled_of(offering)?;
    Ok(store::portions_left(offering) > 0
        && meal_points::store::serves(model, offering.date, scheduled.slot)
        && can_book(now, &scheduled).is_ok())
}

/// A new dish as the request gives it.
pub struct NewDish {
    pub name: String,
    pub price: Yuan,
    pub tags: Vec<DishTag>,
    pub allergens: Vec<Allergen>,
    pub photo_url: Option<String>,
    pub active: Option<bool>,
}

/// Adds a dish to a meal point the caller runs.
pub async fn create_dish(
    state: &AppState,
    caller: &Caller,
    meal_point_id: i64,
    new: NewDish,
) -> Result<dish::Model> {
    let db = &state.db;
    let model = meal_points::access::require_own_meal_point(db, caller, meal_point_id).await?;
    let record = DishRecord {
        dish: Dish::new(&new.name, new.price.decimal(), new.tags, new.allergens)?,
        photo_url: photo_url(new.photo_url.as_deref())?,
        active: new.active.unwrap_or(true),
    };
    store::insert_dish(db, model.id, &record, state.clock.now()).await
}

/// Changes to a dish; a field left out stays as it is.
pub struct DishPatch {
    pub name: Option<String>,
    pub price: Option<Yuan>,
    pub tags: Option<Vec<DishTag>>,
    pub allergens: Option<Vec<Allergen>>,
    /// `null` removes the photo.
    pub photo_url: MaybeUndefined<String>,
    pub active: Option<bool>,
}

/// Changes a dish of a meal point the caller runs; offerings already published keep their own
/// price.
pub async fn update_dish(
    state: &AppState,
    caller: &Caller,
    dish_id: i64,
    patch: DishPatch,
) -> Result<dish::Model> {
    let current = store::require_own_dish(&state.db, caller, dish_id).await?;
    let record = DishRecord {
        dish: Dish::new(
            patch.name.as_deref().unwrap_or(&current.name),
            match patch.price {
                Some(price) => price.decimal(),
                None => Yuan::from_fen(current.price_fen).decimal(),
            },
            match patch.tags {
                Some(tags) => tags,
                None => store::tags_of(&current),
            },
            match patch.allergens {
                Some(allergens) => allergens,
                None => store::allergens_of(&current),
            },
        )?,
        photo_url: match &patch.photo_url {
            MaybeUndefined::Value(url) => photo_url(Some(url))?,
            MaybeUndefined::Null => None,
            MaybeUndefined::Undefined => current.photo_url.clone(),
        },
        active: patch.active.unwrap_or(current.active),
    };
    let dish = store::update_dish(&state.db, current, &record, state.clock.now()).await?;
    state.caches.forget_catalogue();
    Ok(dish)
}

/// One offering as the request gives it.
pub struct OfferingAsk {
    pub dish_id: i64,
    pub date: NaiveDate,
    pub slot: Slot,
    pub portions: i64,
    pub price: Option<Yuan>,
}

/// Checks and schedules offerings of a meal point the caller runs, then publishes them all
/// together ([`publish`]); each refusal names its `offerings[i].field`. Returns them with their
/// dishes.
pub async fn publish_offerings(
    state: &AppState,
    caller: &Caller,
    meal_point_id: i64,
    inputs: &[OfferingAsk],
) -> Result<(Vec<offering::Model>, HashMap<i64, dish::Model>)> {
    let db = &state.db;
    let model = meal_points::access::require_own_meal_point(db, caller, meal_point_id).await?;
    if inputs.is_empty() || inputs.len() > OFFERINGS_PER_REQUEST_MAX {
        return Err(MenuError::OfferingsCount);
    }
    let hours = meal_points::store::service_hours_of(&model)?;
    let policy = meal_points::store::booking_policy_of(&model);
    let dishes = store::dishes_by_id(db, inputs.iter().map(|o| o.dish_id)).await?;
    let today = state.clock.today();

    let mut offerings = Vec::with_capacity(inputs.len());
    let mut seen = HashSet::new();
    for (i, input) in inputs.iter().enumerate() {
        let draft = offering_draft(&model, &hours, policy, &dishes, &mut seen, input, today)
            .map_err(|e| e.at_offering(i))?;
        offerings.push(draft);
    }
    let created = publish(state, model.id, &offerings).await?;
    Ok((created, dishes))
}

/// Checks and schedules one offering of a publish request; `seen` holds the dish, date and slot
/// of those before it.
fn offering_draft(
    model: &meal_point::Model,
    hours: &ServiceHours,
    policy: BookingPolicy,
    dishes: &HashMap<i64, dish::Model>,
    seen: &mut HashSet<(i64, NaiveDate, Slot)>,
    input: &OfferingAsk,
    today: NaiveDate,
) -> Result<Offering> {
    // Another meal point's dish is answered exactly as one that does not exist, so neither its
    // name nor its existence leaks to an operator guessing ids.
    let dish = dishes
        .get(&input.dish_id)
        .filter(|dish| dish.meal_point_id == model.id)
        .ok_or(MenuError::DishNotFound)?;
    if !dish.active {
        return Err(MenuError::DishInactive {
            name: dish.name.clone(),
        });
    }
    let slot = input.slot;
    let opens = hours
        .hours_for(slot)
        .map(|h| h.opens)
        .ok_or(MenuError::SlotNotServed { slot })?;
    check_menu_date(model, input.date, today)?;
    if !seen.insert((dish.id, input.date, slot)) {
        return Err(MenuError::ListedTwice {
            dish_name: dish.name.clone(),
        });
    }
    Ok(OfferingDraft::new(
        dish.id,
        Yuan::from_fen(dish.price_fen).decimal(),
        input.date,
        slot,
        portions(input.portions)?,
        input.price.map(Yuan::decimal),
    )
    .and_then(|draft| draft.schedule(opens, policy))?)
}

/// Why an offering of the source week was not copied.
#[derive(Clone, Copy)]
pub enum Skip {
    AlreadyPublished,
    DishInactive,
    DatePassed,
    TooFarAhead,
    ClosedThatDay,
    SlotNotServed,
}

impl Skip {
    pub fn code(self) -> &'static str {
        match self {
            Self::AlreadyPublished => "already_published",
            Self::DishInactive => "dish_inactive",
            Self::DatePassed => "date_passed",
            Self::TooFarAhead => "too_far_ahead",
            Self::ClosedThatDay => "closed_that_day",
            Self::SlotNotServed => "slot_not_served",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Self::AlreadyPublished => "已发布过",
            Self::DishInactive => "菜品已停用",
            Self::DatePassed => "日期已过",
            Self::TooFarAhead => "日期太远",
            Self::ClosedThatDay => "当天不营业",
            Self::SlotNotServed => "不再供应该时段",
        }
    }
}

/// An offering of the source week left out of the copy, and why.
pub struct Skipped {
    pub dish_id: i64,
    /// The date in the target week.
    pub date: NaiveDate,
    pub slot: Slot,
    pub reason: Skip,
}

/// What a week copy did: the offerings published, those left out (by date, slot, dish), and the
/// dishes they name.
pub struct WeekCopied {
    pub created: Vec<offering::Model>,
    pub skipped: Vec<Skipped>,
    pub dishes: HashMap<i64, dish::Model>,
}

/// Publishes the week starting `to_week` by copying the week starting `from_week` (both
/// Mondays) of a meal point the caller runs: what cannot be copied is listed with the reason,
/// the rest is published together.
pub async fn copy_week(
    state: &AppState,
    caller: &Caller,
    meal_point_id: i64,
    from_week: NaiveDate,
    to_week: NaiveDate,
) -> Result<WeekCopied> {
    let db = &state.db;
    let model = meal_points::access::require_own_meal_point(db, caller, meal_point_id).await?;
    let from_week = crate::clock::check_business_date("from_week", from_week)?;
    let to_week = crate::clock::check_business_date("to_week", to_week)?;
    let week = TimeDelta::days(6);

    let source = store::offerings_between(db, model.id, from_week, from_week + week).await?;
    let dishes = store::dishes_by_id(db, source.iter().map(|o| o.dish_id)).await?;
    let is_active = |dish: &i64| dishes.get(dish).is_some_and(|d| d.active);
    let drafts: Vec<OfferingDraft> = source
        .iter()
        .map(|o| OfferingDraft {
            dish: o.dish_id,
            date: o.date,
            slot: o.slot,
            portions: o.portions,
            price: Yuan::from_fen(o.price_fen).decimal(),
        })
        .collect();
    let copies = copy_drafts(&drafts, from_week, to_week, is_active)?;
    if drafts.is_empty() {
        return Err(MenuError::NothingToCopy);
    }

    let shift = to_week - from_week;
    let mut skipped: Vec<Skipped> = drafts
        .iter()
        .filter(|d| !is_active(&d.dish))
        .map(|d| Skipped {
            dish_id: d.dish,
            date: d.date + shift,
            slot: d.slot,
            reason: Skip::DishInactive,
        })
        .collect();
    let hours = meal_points::store::service_hours_of(&model)?;
    let policy = meal_points::store::booking_policy_of(&model);
    let today = state.clock.today();
    let published = store::published_between(db, model.id, to_week, to_week + week).await?;
    let mut offerings = Vec::with_capacity(copies.len());
    for copy in copies {
        let why_not = if copy.date < today {
            Some(Skip::DatePassed)
        } else if copy.date > today + TimeDelta::days(MENU_HORIZON_DAYS) {
            Some(Skip::TooFarAhead)
        } else if !meal_points::store::is_open_on(&model, copy.date) {
            Some(Skip::ClosedThatDay)
        } else if hours.hours_for(copy.slot).is_none() {
            Some(Skip::SlotNotServed)
        } else if published.contains(&(copy.dish, copy.date, copy.slot)) {
            Some(Skip::AlreadyPublished)
        } else {
            None
        };
        if let Some(reason) = why_not {
            skipped.push(Skipped {
                dish_id: copy.dish,
                date: copy.date,
                slot: copy.slot,
                reason,
            });
            continue;
        }
        let opens = hours
            .hours_for(copy.slot)
            .map(|h| h.opens)
            .unwrap_or_default();
        offerings.push(copy.schedule(opens, policy)?);
    }
    let created = publish_copies(state, model.id, &offerings).await?;
    skipped.sort_by_key(|s| (s.date, s.slot, s.dish_id));
    Ok(WeekCopied {
        created,
        skipped,
        dishes,
    })
}

/// A date an offering may be published for: not past, within the planning horizon, and an
/// opening day of the meal point.
fn check_menu_date(model: &meal_point::Model, date: NaiveDate, today: NaiveDate) -> Result<()> {
    if date < today {
        return Err(MenuError::DateInPast { date });
    }
    if date > today + TimeDelta::days(MENU_HORIZON_DAYS) {
        return Err(MenuError::DateTooFarAhead);
    }
    if !meal_points::store::is_open_on(model, date) {
        return Err(MenuError::ClosedThatDay { date });
    }
    Ok(())
}

/// Portions from the request; anything outside `i32` is out of range like any other bad count.
fn portions(raw: i64) -> Result<i32> {
    let portions = i32::try_from(raw).unwrap_or(if raw < 0 { -1 } else { i32::MAX });
    Ok(validate_portions(portions)?)
}

fn photo_url(raw: Option<&str>) -> Result<Option<String>> {
    normalize_live_video_url(raw).map_err(|_| MenuError::PhotoUrlInvalid)
}

/// Publishes offerings all together, or none if any dish, date and slot is published already
/// (409 `OFFERING_EXISTS` naming the draft).
async fn publish(
    state: &AppState,
    meal_point_id: i64,
    offerings: &[Offering],
) -> Result<Vec<offering::Model>> {
    let today = state.clock.today();
    let (from, to) = date_span(offerings.iter().map(|o| o.date)).unwrap_or((today, today));
    let txn = state.db.begin().await?;
    let published = store::published_between(&txn, meal_point_id, from, to).await?;
    if let Some(i) = offerings
        .iter()
        .position(|o| published.contains(&(o.dish, o.date, o.slot)))
    {
        return Err(MenuError::OfferingExists.at_offering(i));
    }
    insert_and_announce(state, txn, meal_point_id, offerings).await
}

/// Publishes what a week copy produced; the caller has left out what is published already.
async fn publish_copies(
    state: &AppState,
    meal_point_id: i64,
    offerings: &[Offering],
) -> Result<Vec<offering::Model>> {
    let txn = state.db.begin().await?;
    insert_and_announce(state, txn, meal_point_id, offerings).await
}

/// Inserts the offerings in `txn` and commits, drops the catalogue cache, and tells whoever sells
/// portions (a unique violation is 409 `OFFERING_EXISTS`, see `store::insert_offerings`).
async fn insert_and_announce(
    state: &AppState,
    txn: sea_orm::DatabaseTransaction,
    meal_point_id: i64,
    offerings: &[Offering],
) -> Result<Vec<offering::Model>> {
    let created =
        store::insert_offerings(&txn, meal_point_id, offerings, state.clock.now()).await?;
    txn.commit().await?;
    state.caches.forget_catalogue();
    state.reactions.capacity.published(state, &created).await?;
    Ok(created)
}

/// Changes an offering's price (only while nothing is booked) and portions (down to what is
/// booked) together, for an offering of a meal point the caller runs. Returns it with its dish.
pub async fn change_offering(
    state: &AppState,
    caller: &Caller,
    offering_id: i64,
    portions: Option<i64>,
    price: Option<Yuan>,
) -> Result<(offering::Model, HashMap<i64, dish::Model>)> {
    let current = store::require_own_offering(&state.db, caller, offering_id).await?;
    let new_portions = portions.map(self::portions).transpose()?;
    let new_price = price
        .map(|p| validate_price(p.decimal()).map(Yuan::new))
        .transpose()?;
    let offering = change_offering_to(state, current, new_price, new_portions).await?;
    let dishes = store::dishes_by_id(&state.db, [offering.dish_id]).await?;
    Ok((offering, dishes))
}

async fn change_offering_to(
    state: &AppState,
    current: offering::Model,
    price: Option<Yuan>,
    portions: Option<i32>,
) -> Result<offering::Model> {
    let now = state.clock.now();
    let txn = state.db.begin().await?;
    let mut offering = current;
    if let Some(price) = price {
        offering = store::set_price(&txn, &offering, price, now).await?;
    }
    let mut delta = 0;
    if let Some(portions) = portions {
        let change = store::set_portions(&txn, &offering, portions, now).await?;
        delta = change.delta;
        offering = change.offering;
    }
    txn.commit().await?;
    state.caches.forget_catalogue();
    if delta != 0 {
        state
            .reactions
            .capacity
            .portions_changed(state, &offering, delta)
            .await?;
    }
    Ok(offering)
}

/// Withdraws an offering nobody has booked, of a meal point the caller runs.
pub async fn delete_offering(state: &AppState, caller: &Caller, offering_id: i64) -> Result<()> {
    let current = store::require_own_offering(&state.db, caller, offering_id).await?;
    store::delete_offering(&state.db, &current).await?;
    state.caches.forget_catalogue();
    Ok(())
}

/// The first and last of some dates.
fn date_span(dates: impl Iterator<Item = NaiveDate>) -> Option<(NaiveDate, NaiveDate)> {
    dates.fold(None, |span, date| match span {
        None => Some((date, date)),
        Some((from, to)) => Some((from.min(date), to.max(date))),
    })
}
