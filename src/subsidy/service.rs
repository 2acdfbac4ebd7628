//! The quote for one elder's meal, from what is stored: the elder's birth date, categories and
//! hukou district, and the policy in force on the meal's date.

use chrono::NaiveDate;
use entity::{elder, subsidy_policy};
use sea_orm::{ConnectionTrait, TransactionTrait};

use super::{
    Category, Policy, Quote, QuoteInput, ServiceMode, Slot, error::SubsidyError, quote, store,
};
use crate::{
    auth::Caller,
    elders,
    money::Yuan,
    pagination::PageRequest,
    state::{AppState, HotCaches},
};

/// Publishes a policy version from its file: every mistake is listed (400 `POLICY_INVALID`);
/// the cached policies are dropped beside the write.
pub async fn publish(
    state: &AppState,
    caller: &Caller,
    source: String,
) -> Result<subsidy_policy::Model, SubsidyError> {
    let db = &state.db;
    let policy = match super::draft::checked_policy(db, &source).await? {
        Ok(policy) => policy,
        Err(problems) => return Err(SubsidyError::PolicyInvalid(problems)),
    };
    let now = state.clock.now();
    let today = state.clock.today();
    let txn = db.begin().await?;
    let row = store::publish_policy(&txn, &policy, &source, caller.account_id, now, today).await?;
    txn.commit().await?;
    state.caches.forget_policies();
    Ok(row)
}

/// Withdraws a version that has not taken effect yet; the cached policies are dropped beside
/// the write.
pub async fn withdraw(
    state: &AppState,
    caller: &Caller,
    version: &str,
) -> Result<subsidy_policy::Model, SubsidyError> {
    let txn = state.db.begin().await?;
    let row = store::require_policy(&txn, version).await?;
    let row = store::withdraw_policy(
        &txn,
        &row,
        caller.account_id,
        state.clock.now(),
        state.clock.today(),
    )
    .await?;
    txn.commit().await?;
    state.caches.forget_policies();
    Ok(row)
}

/// The effective date of the version in force today, if any.
pub async fn in_force_today(state: &AppState) -> Result<Option<NaiveDate>, SubsidyError> {
    let live = store::live_dates(&state.db).await?;
    Ok(super::versions::in_force_on(&live, state.clock.today()))
}

/// A page of versions, the latest effective date first, with the effective date of the version
/// in force today.
pub async fn policies(
    state: &AppState,
    page: PageRequest,
) -> Result<(Vec<subsidy_policy::Model>, u64, Option<NaiveDate>), SubsidyError> {
    let (rows, total) = store::list_policies(&state.db, page).await?;
    Ok((rows, total, in_force_today(state).await?))
}

/// One version (404 `POLICY_NOT_FOUND`).
pub async fn policy(
    state: &AppState,
    version: &str,
) -> Result<subsidy_policy::Model, SubsidyError> {
    store::require_policy(&state.db, version).await
}

/// The meal a caller asks a quote for: an offering as the menu lists it, or "what if" parts,
/// each required when no offering is named.
pub enum MealAsk {
    Offering(i64),
    WhatIf {
        meal_point_district: Option<String>,
        date: Option<NaiveDate>,
        slot: Option<Slot>,
        gross: Option<Yuan>,
    },
}

/// A quote with the meal it is for.
pub struct QuotedMeal {
    pub elder_id: i64,
    pub meal_point_district: String,
    pub date: NaiveDate,
    pub slot: Slot,
    pub mode: ServiceMode,
    pub quote: Quote,
}

/// What a meal would cost an elder the caller may see (404 `ELDER_NOT_FOUND` otherwise).
pub async fn quote_for(
    state: &AppState,
    caller: &Caller,
    elder_id: i64,
    mode: ServiceMode,
    ask: MealAsk,
) -> Result<QuotedMeal, SubsidyError> {
    let db = &state.db;
    let (elder, _) = elders::store::require_elder_visible(db, caller, elder_id).await?;
    let (meal_point_district, date, slot, gross) = match ask {
        MealAsk::Offering(offering_id) => {
            let offering = crate::menus::store::require_offering(db, offering_id).await?;
            let meal_point =
                crate::meal_points::store::require_meal_point(db, offering.meal_point_id).await?;
            (
                meal_point.district_code,
                offering.date,
                offering.slot,
                Yuan::from_fen(offering.price_fen),
            )
        }
        MealAsk::WhatIf {
            meal_point_district,
            date,
            slot,
            gross,
        } => {
            let required = |field| SubsidyError::MealUnderspecified { field };
            let district = meal_point_district.ok_or_else(|| required("meal_point_district"))?;
            (
                elders::store::check_district(db, "meal_point_district", &district).await?,
                date.ok_or_else(|| required("date"))?,
                slot.ok_or_else(|| required("slot"))?,
                gross.ok_or_else(|| required("gross"))?,
            )
        }
    };
    let meal = Meal {
        date,
        slot,
        mode,
        service_district_code: &meal_point_district,
        gross,
    };
    let quote = quote_meal(db, &state.caches, &elder, meal).await?;
    Ok(QuotedMeal {
        elder_id: elder.id,
        meal_point_district,
        date,
        slot,
        mode,
        quote,
    })
}

/// A meal of an elder to quote: when, which slot and mode, where it is served and its price.
pub struct Meal<'a> {
    pub date: NaiveDate,
    pub slot: Slot,
    pub mode: ServiceMode,
    pub service_district_code: &'a str,
    pub gross: Yuan,
}

/// Quotes a meal of this elder, counting the elder's live subsidised orders already on that
/// date and slot (the per-slot cap; this meal is not counted). The caller has already checked
/// that whoever asks may see the elder.
pub async fn quote_meal(
    db: &impl ConnectionTrait,
    caches: &HotCaches,
    elder: &elder::Model,
    meal: Meal<'_>,
) -> Result<Quote, SubsidyError> {
    let already = store::subsidised_meals_in_slot(db, elder.id, meal.date, meal.slot).await?;
    quote_for_elder(
        db,
        caches,
        elder,
        meal.date,
        meal.slot,
        meal.mode,
        meal.service_district_code,
        meal.gross,
        already,
    )
    .await
}

/// Quotes the subsidy for a meal of this elder. The caller has already checked that whoever
/// asks may see the elder (`elders::store::require_elder_visible`).
///
/// `subsidised_meals_already_in_slot` counts the elder's live subsidised orders on that date and
/// slot (the per-slot cap); this meal is not counted.
#[allow(
    clippy::too_many_arguments,
    reason = "each argument is one fact of the meal the booking code has at hand; a struct would only rename them"
)]
pub async fn quote_for_elder(
    db: &impl ConnectionTrait,
    caches: &HotCaches,
    elder: &elder::Model,
    meal_date: NaiveDate,
    slot: Slot,
    mode: ServiceMode,
    service_district_code: &str,
    gross: Yuan,
    subsidised_meals_already_in_slot: u32,
) -> Result<Quote, SubsidyError> {
    check_gross(gross)?;
    elders::rules::require_active(elder.status)?;
    let categories: Vec<Category> = elders::store::current_categories(db, elder.id)
        .await?
        .iter()
        .map(|row| row.category)
        .collect();
    let policy = policy_in_force(db, caches, meal_date)
        .await?
        .ok_or(SubsidyError::NoPolicyInForce { date: meal_date })?;
    let input = QuoteInput {
        birth_date: elder.birth_date,
        categories,
        hukou_district: elder.hukou_district_code.clone(),
        service_district: service_district_code.to_string(),
        meal_date,
        slot,
        mode,
        gross: gross.decimal(),
        subsidised_meals_already_in_slot,
    };
    Ok(quote(&policy, &input))
}

/// The policy in force on a date, from the hot cache when it is fresh (every booking asks).
pub async fn policy_in_force(
    db: &impl ConnectionTrait,
    caches: &HotCaches,
    date: NaiveDate,
) -> Result<Option<Policy>, SubsidyError> {
    caches
        .policy_on
        .get_or_load(date, || store::policy_in_force(db, date))
        .await
}

/// A meal price: not negative, whole fen.
pub fn check_gross(gross: Yuan) -> Result<(), SubsidyError> {
    if gross.is_negative() || !gross.has_at_most_two_decimals() {
        return Err(SubsidyError::AmountInvalid);
    }
    Ok(())
}
