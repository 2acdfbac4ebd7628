//! The quote for one elder's meal, from what is stored: the elder's birth date, categories and
//! hukou district, and the policy in force on the meal's date.

use chrono::NaiveDate;
use entity::{elder, subsidy_policy};
use sea_orm::{ConnectionTrait, TransactionTrait};

use super::{
    Category, Policy, PolicyError, PolicyErrorKind, Quote, QuoteInput, ServiceMode, Slot,
    error::SubsidyError,
    lines, parse_policy, quote, store,
    versions::{self, PublishRefusal},
};
use crate::{
    auth::Caller,
    elders,
    error::Problem,
    money::Yuan,
    pagination::PageRequest,
    places,
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
    let policy = match checked_policy(db, &source).await? {
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
    let (elder, _) = elders::access::require_elder_visible(db, caller, elder_id).await?;
    let (meal_point_district, date, slot, gross) = match ask {
        MealAsk::Offering(offering_id) => {
            let offering = crate::menus::store::require_offering(db, offering_id)
                .await
                .map_err(crate::error::AppError::from)?;
            let meal_point =
                crate::meal_points::access::require_meal_point(db, offering.meal_point_id).await?;
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
                elders::store::check_district(db, "meal_point_district", &district)
                    .await
                    .map_err(crate::error::AppError::from)?,
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
/// asks may see the elder (`elders::access::require_elder_visible`).
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

/// What checking a draft policy file found.
pub enum DraftChecked {
    /// The file has these problems (each with its line): it does not read as a policy.
    Invalid(Vec<Problem>),
    /// The file reads as this policy; `problems` are what would stop it being published today.
    Valid {
        policy: Policy,
        problems: Vec<Problem>,
    },
}

/// Checks a draft policy file without publishing it, after checking that every "what if" meal's
/// two districts (`[hukou, meal point]`) are districts of this city.
pub async fn check_draft(
    state: &AppState,
    source: &str,
    what_if_districts: &[[&str; 2]],
) -> Result<DraftChecked, SubsidyError> {
    let db = &state.db;
    for (index, districts) in what_if_districts.iter().enumerate() {
        for (field, code) in ["hukou_district_code", "meal_point_district_code"]
            .into_iter()
            .zip(districts)
        {
            if places::store::find_district(db, code).await?.is_none() {
                return Err(SubsidyError::WhatIfDistrictUnknown {
                    index,
                    field,
                    code: code.to_string(),
                });
            }
        }
    }
    let policy = match checked_policy(db, source).await? {
        Ok(policy) => policy,
        Err(problems) => return Ok(DraftChecked::Invalid(problems)),
    };
    let problems = publish_problems(db, source, &policy, state.clock.today()).await?;
    Ok(DraftChecked::Valid { policy, problems })
}

/// Every problem of a policy file, each with its line: the parser's, then district sections
/// naming no district of this city (they would never apply). `Ok` when there are none.
pub(super) async fn checked_policy(
    db: &impl sea_orm::ConnectionTrait,
    source: &str,
) -> Result<Result<Policy, Vec<Problem>>, SubsidyError> {
    let (policy, mut problems) = match parse_policy(source) {
        Ok(policy) => (Some(policy), Vec::new()),
        Err(errors) => (
            None,
            errors
                .iter()
                .map(|e| problem(source, e))
                .collect::<Vec<_>>(),
        ),
    };
    for (number, code) in district_section_codes(source) {
        let location = format!("district {code}");
        let already_reported = problems.iter().any(|p| {
            p.field.as_deref() == Some("code")
                && (p.location == location || p.location == format!("district[{number}]"))
        });
        if already_reported || places::store::find_district(db, &code).await?.is_some() {
            continue;
        }
        problems.push(Problem {
            path: format!("{location}.code"),
            line: lines::locate(source, &location, Some("code")),
            location: location.clone(),
            field: Some("code".to_string()),
            code: "POLICY_UNKNOWN_DISTRICT".to_string(),
            message: format!("{location}：本市没有编码为 {code} 的区，这一节永远不会生效"),
        });
    }
    Ok(match policy {
        Some(policy) if problems.is_empty() => Ok(policy),
        _ => Err(problems),
    })
}

/// What would stop a valid file from being published today: a version name already used, a
/// back-dated or taken effective date.
async fn publish_problems(
    db: &impl sea_orm::ConnectionTrait,
    source: &str,
    policy: &Policy,
    today: NaiveDate,
) -> Result<Vec<Problem>, SubsidyError> {
    let mut problems = Vec::new();
    let at = |field: &str, code: &str, message: String| Problem {
        location: "policy".to_string(),
        field: Some(field.to_string()),
        path: format!("policy.{field}"),
        code: code.to_string(),
        message,
        line: lines::locate(source, "policy", Some(field)),
    };
    if store::find_policy(db, &policy.version).await?.is_some() {
        problems.push(at(
            "version",
            "POLICY_VERSION_EXISTS",
            format!(
                "版本号 {} 已经用过（包括已撤回的版本），请换一个版本号",
                policy.version
            ),
        ));
    }
    let live = store::live_dates(db).await?;
    match versions::check_publish(policy.effective_from, today, &live) {
        Ok(()) => {}
        Err(PublishRefusal::Backdated) => problems.push(at(
            "effective_from",
            "POLICY_BACKDATED",
            format!(
                "生效日期 {} 早于今天（{today}），政策不能追溯生效",
                policy.effective_from
            ),
        )),
        Err(PublishRefusal::DateTaken) => problems.push(at(
            "effective_from",
            "POLICY_DATE_TAKEN",
            format!(
                "已有一个版本从 {} 起生效；如要替换，请先撤回那个尚未生效的版本",
                policy.effective_from
            ),
        )),
    }
    Ok(problems)
}

pub fn problem(source: &str, error: &PolicyError) -> Problem {
    let line = if error.kind == PolicyErrorKind::Syntax {
        lines::syntax_error_line(source)
    } else {
        lines::locate(source, &error.location, error.field.as_deref())
    };
    Problem {
        location: error.location.clone(),
        field: error.field.clone(),
        path: error.path(),
        code: error.code().to_string(),
        message: error.message.clone(),
        line,
    }
}

/// `(section number from 1, code)` of every `[[district]]` section that has a code, read from
/// the raw TOML.
fn district_section_codes(source: &str) -> Vec<(usize, String)> {
    let Ok(table) = source.parse::<toml::Table>() else {
        return Vec::new();
    };
    let Some(toml::Value::Array(sections)) = table.get("district") else {
        return Vec::new();
    };
    sections
        .iter()
        .enumerate()
        .filter_map(|(index, section)| {
            let code = section.get("code")?.as_str()?;
            Some((index + 1, code.to_string()))
        })
        .collect()
}
