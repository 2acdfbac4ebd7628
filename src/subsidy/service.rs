//! The quote for one elder's meal, from what is stored: the elder's birth date, categories and
//! hukou district, and the policy in force on the meal's date.

use chrono::NaiveDate;
use entity::{elder, subsidy_policy};
use sea_orm::{ConnectionTrait, TransactionTrait};

use super::{Category, Policy, Quote, QuoteInput, ServiceMode, Slot, quote, store};
use crate::{
    auth::Caller,
    elders,
    error::{AppError, AppResult},
    money::Yuan,
    state::{AppState, HotCaches},
};

/// Publishes a policy version from its file: every mistake is listed (400 `POLICY_INVALID`);
/// the cached policies are dropped beside the write.
pub async fn publish(
    state: &AppState,
    caller: &Caller,
    source: String,
) -> AppResult<subsidy_policy::Model> {
    let db = &state.db;
    let policy = match super::draft::checked_policy(db, &source).await? {
        Ok(policy) => policy,
        Err(problems) => {
            return Err(AppError::invalid(
                "toml",
                "POLICY_INVALID",
                format!("补贴政策有 {} 处问题，请逐条修改后重新上传", problems.len()),
            )
            .with_problems(problems));
        }
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
) -> AppResult<subsidy_policy::Model> {
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
) -> AppResult<Quote> {
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
) -> AppResult<Quote> {
    check_gross(gross)?;
    elders::rules::require_active(elder.status)?;
    let categories: Vec<Category> = elders::store::current_categories(db, elder.id)
        .await?
        .iter()
        .map(|row| row.category)
        .collect();
    let policy = policy_in_force(db, caches, meal_date)
        .await?
        .ok_or_else(|| {
            AppError::conflict(
                "NO_POLICY_IN_FORCE",
                format!("{meal_date} 没有生效的助餐补贴政策，暂时无法计算补贴"),
            )
        })?;
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
) -> AppResult<Option<Policy>> {
    caches
        .policy_on
        .get_or_load(date, || store::policy_in_force(db, date))
        .await
}

/// A meal price: not negative, whole fen.
pub fn check_gross(gross: Yuan) -> AppResult<()> {
    if gross.is_negative() || !gross.has_at_most_two_decimals() {
        return Err(AppError::invalid(
            "gross",
            "AMOUNT_INVALID",
            "餐价需为不小于 0 的金额，最多两位小数（如 15.00）",
        ));
    }
    Ok(())
}
