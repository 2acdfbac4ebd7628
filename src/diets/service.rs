//! The diets use cases: read and keep a profile, fit a meal point's dishes to it, and the
//! booking's allergen check.

use entity::dish;

use super::{
    DietError,
    rules::{self, Fit},
    store::{self, Profile},
};
use crate::{
    auth::Caller, elders::access as elders, meal_points::access as meal_points,
    menus::store as menus, state::AppState,
};
use vocabulary::{Allergen, Diet};

/// The profile of an elder the caller may see (404 otherwise).
pub async fn profile(
    state: &AppState,
    caller: &Caller,
    elder_id: i64,
) -> Result<Profile, DietError> {
    elders::require_elder_visible(&state.db, caller, elder_id).await?;
    Ok(store::profile(&state.db, elder_id).await?)
}

/// Replaces the profile. Everyone who may see the record may keep it (see the module's notes).
pub async fn keep(
    state: &AppState,
    caller: &Caller,
    elder_id: i64,
    diets: Vec<Diet>,
    allergens: Vec<Allergen>,
) -> Result<Profile, DietError> {
    elders::require_elder_visible(&state.db, caller, elder_id).await?;
    let diets = rules::as_set(diets);
    let allergens = rules::as_set(allergens);
    store::save(
        &state.db,
        elder_id,
        &diets,
        &allergens,
        caller.account_id,
        state.clock.now(),
    )
    .await?;
    tracing::info!(
        elder = elder_id,
        by = caller.account_id,
        "diet profile kept"
    );
    Ok(store::profile(&state.db, elder_id).await?)
}

/// A meal point's dishes on sale as they fit the elder, suitable first, dishes with a listed
/// allergen last.
pub async fn dish_fit(
    state: &AppState,
    caller: &Caller,
    elder_id: i64,
    meal_point_id: i64,
) -> Result<(Profile, Vec<(dish::Model, Fit)>), DietError> {
    elders::require_elder_visible(&state.db, caller, elder_id).await?;
    meal_points::require_meal_point(&state.db, meal_point_id).await?;
    let profile = store::profile(&state.db, elder_id).await?;
    let dishes = store::active_dishes(&state.db, meal_point_id).await?;
    let mut fitted: Vec<(dish::Model, Fit)> = dishes
        .into_iter()
        .map(|d| {
            let fit = rules::fit(
                &profile.diets,
                &profile.allergens,
                &menus::tags_of(&d),
                &menus::allergens_of(&d),
            );
            (d, fit)
        })
        .collect();
    fitted.sort_by_key(|(d, fit)| (fit.rank(), d.id));
    Ok((profile, fitted))
}

/// The booking's check: a chosen dish with one of the elder's allergens needs `acknowledged`.
/// Costs nothing when acknowledged, one key read when the elder lists no allergen.
pub async fn check_booking(
    db: &impl sea_orm::ConnectionTrait,
    elder_id: i64,
    offering_ids: &[i64],
    acknowledged: bool,
) -> Result<(), DietError> {
    if acknowledged {
        return Ok(());
    }
    let profile = store::profile(db, elder_id).await?;
    if profile.allergens.is_empty() {
        return Ok(());
    }
    let mut dishes = store::dishes_of_offerings(db, offering_ids).await?;
    dishes.sort_by_key(|d| d.id);
    dishes.dedup_by_key(|d| d.id);
    let contains: Vec<(String, Vec<Allergen>)> = dishes
        .iter()
        .map(|d| (d.name.clone(), menus::allergens_of(d)))
        .collect();
    let hits = rules::allergen_hits(
        &profile.allergens,
        contains.iter().map(|(n, a)| (n.as_str(), a.as_slice())),
    );
    if hits.is_empty() {
        Ok(())
    } else {
        Err(DietError::AllergenNotAcknowledged { hits })
    }
}
