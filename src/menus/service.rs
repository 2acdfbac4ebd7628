//! The menus' use cases that write: each holds its transaction, drops the hot caches beside the
//! write, and tells whoever sells portions about new capacity through
//! [`crate::state::Reactions::capacity`] (the orders domain; never named here).

use chrono::NaiveDate;
use entity::{dish, offering};
use sea_orm::TransactionTrait;

use super::{
    rules::Offering,
    store::{self, DishRecord},
};
use crate::{
    error::{AppError, AppResult},
    money::Yuan,
    state::AppState,
};

pub async fn update_dish(
    state: &AppState,
    current: dish::Model,
    record: &DishRecord,
) -> AppResult<dish::Model> {
    let dish = store::update_dish(&state.db, current, record, state.clock.now()).await?;
    state.caches.forget_catalogue();
    Ok(dish)
}

/// Publishes offerings all together, or none if any dish, date and slot is published already
/// (409 `OFFERING_EXISTS` naming the draft).
pub async fn publish(
    state: &AppState,
    meal_point_id: i64,
    offerings: &[Offering],
) -> AppResult<Vec<offering::Model>> {
    let today = state.clock.today();
    let (from, to) = date_span(offerings.iter().map(|o| o.date)).unwrap_or((today, today));
    let txn = state.db.begin().await?;
    let published = store::published_between(&txn, meal_point_id, from, to).await?;
    if let Some(i) = offerings
        .iter()
        .position(|o| published.contains(&(o.dish, o.date, o.slot)))
    {
        return Err(AppError::conflict(
            "OFFERING_EXISTS",
            "该菜品在这一天的这个时段已有供应，请修改原有供应",
        )
        .with_field(format!("offerings[{i}]")));
    }
    insert_and_announce(state, txn, meal_point_id, offerings).await
}

/// Publishes what a week copy produced; the caller has left out what is published already.
pub async fn publish_copies(
    state: &AppState,
    meal_point_id: i64,
    offerings: &[Offering],
) -> AppResult<Vec<offering::Model>> {
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
) -> AppResult<Vec<offering::Model>> {
    let created =
        store::insert_offerings(&txn, meal_point_id, offerings, state.clock.now()).await?;
    txn.commit().await?;
    state.caches.forget_catalogue();
    state.reactions.capacity.published(state, &created).await?;
    Ok(created)
}

/// Changes an offering's price (only while nothing is booked) and portions (down to what is
/// booked) together.
pub async fn change_offering(
    state: &AppState,
    current: offering::Model,
    price: Option<Yuan>,
    portions: Option<i32>,
) -> AppResult<offering::Model> {
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

/// Withdraws an offering nobody has booked.
pub async fn delete_offering(state: &AppState, current: &offering::Model) -> AppResult<()> {
    store::delete_offering(&state.db, current).await?;
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
