//! The 留样 use cases: a day's log as the dishes published that day, and writing one dish's entry.

use chrono::NaiveDate;
use entity::{food_sample, meal_point};
use sea_orm::TransactionTrait;

use super::{
    SampleError,
    rules::{self, SampleEntry},
    store::{self, SampleKey},
};
use crate::{
    auth::{Caller, Role},
    meal_points::{access as meal_point_access, store as meal_points},
    menus::store as menus,
    state::AppState,
};
use vocabulary::Slot;

/// One dish of one slot of the day, with its entry if one was written.
pub struct LogLine {
    pub slot: Slot,
    pub dish_id: i64,
    pub dish_name: String,
    pub sample: Option<food_sample::Model>,
}

/// Who reads a meal point's log: those who oversee it, and inspectors (any meal point: they
/// visit unannounced).
async fn require_log_visible(
    state: &AppState,
    caller: &Caller,
    meal_point: &meal_point::Model,
) -> Result<(), SampleError> {
    if caller.role == Role::Inspector
        || meal_points::is_overseen_by(&state.db, caller, meal_point).await?
    {
        Ok(())
    } else {
        Err(SampleError::LogForbidden)
    }
}

/// The day's log: every dish published for each slot of `date`, slot by slot, with its entry.
/// An entry of a dish since taken off the menu is still listed (it was served and kept).
pub async fn day_log(
    state: &AppState,
    caller: &Caller,
    meal_point_id: i64,
    date: NaiveDate,
) -> Result<(meal_point::Model, Vec<LogLine>), SampleError> {
    let db = &state.db;
    let meal_point = meal_point_access::require_meal_point(db, meal_point_id).await?;
    require_log_visible(state, caller, &meal_point).await?;
    let offerings = menus::offerings_between(db, meal_point.id, date, date).await?;
    let samples = store::samples_of_day(db, meal_point.id, date).await?;
    let mut keys: Vec<(Slot, i64)> = offerings.iter().map(|o| (o.slot, o.dish_id)).collect();
    keys.extend(samples.iter().map(|s| (s.slot, s.dish_id)));
    keys.sort();
    keys.dedup();
    let dishes = menus::dishes_by_id(db, keys.iter().map(|(_, d)| *d)).await?;
    let mut lines: Vec<LogLine> = keys
        .into_iter()
        .map(|(slot, dish_id)| LogLine {
            slot,
            dish_id,
            dish_name: dishes
                .get(&dish_id)
                .map(|d| d.name.clone())
                .unwrap_or_default(),
            sample: samples
                .iter()
                .find(|s| s.slot == slot && s.dish_id == dish_id)
                .cloned(),
        })
        .collect();
    lines.sort_by(|a, b| (a.slot, &a.dish_name).cmp(&(b.slot, &b.dish_name)));
    Ok((meal_point, lines))
}

/// Writes one dish's entry of the day. Only the meal point's own operators.
pub async fn write(
    state: &AppState,
    caller: &Caller,
    key: SampleKey,
    entry: SampleEntry,
) -> Result<LogLine, SampleError> {
    let db = &state.db;
    let meal_point = meal_point_access::require_meal_point(db, key.meal_point_id).await?;
    if !meal_points::is_operator_of(db, caller.account_id, meal_point.id).await? {
        return Err(SampleError::NotOperator);
    }
    let now = state.clock.now();
    rules::check_log_date(key.date, now)?;
    let on_menu = menus::offerings_between(db, meal_point.id, key.date, key.date)
        .await?
        .iter()
        .any(|o| o.slot == key.slot && o.dish_id == key.dish_id);
    let txn = db.begin().await?;
    let previous = store::find(&txn, key.meal_point_id, key.date, key.slot, key.dish_id).await?;
    if !on_menu && previous.is_none() {
        return Err(SampleError::DishNotOnMenu);
    }
    let entry = rules::check_entry(
        entry,
        key.date,
        now,
        previous.as_ref().map(store::entry_of).as_ref(),
    )?;
    store::save(&txn, &key, &entry, caller.account_id, now).await?;
    let row = store::find(&txn, key.meal_point_id, key.date, key.slot, key.dish_id).await?;
    txn.commit().await?;
    let dish = menus::dishes_by_id(db, [key.dish_id]).await?;
    Ok(LogLine {
        slot: key.slot,
        dish_id: key.dish_id,
        dish_name: dish
            .get(&key.dish_id)
            .map(|d| d.name.clone())
            .unwrap_or_default(),
        sample: row,
    })
}
