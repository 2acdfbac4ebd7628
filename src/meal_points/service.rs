//! What can be done to a meal point, each use case whole: the access check, the rules, the write
//! (in one transaction where it is more than one), the hot caches dropped beside the write, and
//! the other domains told through [`crate::state::Reactions`] (never called directly, so no other
//! domain is named here).

use chrono::{DateTime, Utc};
use entity::{account, meal_point};
use sea_orm::{EntityTrait, TransactionTrait};
use vocabulary::{MealPointKind, Role, ServiceMode};

use super::{
    MealPointProfile, NEAR_DEFAULT_RADIUS_M, NEAR_MAX_RADIUS_M, access, booking_policy,
    error::MealPointError,
    http::RatingSummaryView,
    rules::{CityLabels, GeoPoint, MealPointStatus, OpeningDays, ServiceHours},
    service_modes,
    store::{self, ListFilter},
};
use crate::{auth::Caller, error::AppError, pagination::PageRequest, state::AppState};

type Result<T> = std::result::Result<T, MealPointError>;

/// A meal point with what its profile shows besides its own row.
pub struct MealPointDetails {
    pub model: meal_point::Model,
    pub district_name: String,
    pub street_name: String,
    pub rating_summary: RatingSummaryView,
}

/// A meal point of a directory page, with its ratings at a glance.
pub struct Listed {
    pub model: meal_point::Model,
    pub rating_summary: Option<RatingSummaryView>,
}

/// A meal point found near a place.
pub struct Nearby {
    pub listed: Listed,
    pub distance_m: u32,
    /// Open today, neither paused nor closed, with an offering that has portions left.
    pub serves_today: bool,
}

/// A meal point's public profile.
pub async fn get(state: &AppState, id: i64) -> Result<MealPointDetails> {
    let model = access::require_meal_point(&state.db, id).await?;
    details(state, model).await
}

async fn details(state: &AppState, model: meal_point::Model) -> Result<MealPointDetails> {
    let (district_name, street_name) =
        store::place_names(&state.db, &model.district_code, model.street_id).await?;
    let rating_summary = state
        .reactions
        .ratings
        .of(state, &[model.id])
        .await?
        .remove(&model.id)
        .ok_or_else(|| {
            AppError::internal(std::io::Error::other("no rating summary for a meal point"))
        })?;
    Ok(MealPointDetails {
        model,
        district_name,
        street_name,
        rating_summary,
    })
}

/// One page of the filtered directory, and the total.
pub async fn list(
    state: &AppState,
    filter: &ListFilter,
    page: PageRequest,
) -> Result<(Vec<Listed>, u64)> {
    if let Some(code) = &filter.district_code {
        crate::places::service::require_district(&state.db, code)
            .await
            .map_err(crate::error::AppError::from)?;
    }
    let (models, total) = store::list(&state.db, filter, page).await?;
    Ok((with_ratings(state, models).await?, total))
}

/// One page of the meal points within `radius_m` (default [`NEAR_DEFAULT_RADIUS_M`]) of a
/// place, nearest first, and the total.
pub async fn near(
    state: &AppState,
    lat: f64,
    lng: f64,
    radius_m: Option<i64>,
    page: PageRequest,
) -> Result<(Vec<Nearby>, u64)> {
    let center = GeoPoint::new(lat, lng)?;
    let radius = u32::try_from(radius_m.unwrap_or(i64::from(NEAR_DEFAULT_RADIUS_M)))
        .ok()
        .filter(|r| (1..=NEAR_MAX_RADIUS_M).contains(r))
        .ok_or(MealPointError::SearchRadiusOutOfRange)?;
    let db = &state.db;
    let found = store::near(db, center, radius).await?;
    let total = found.len() as u64;
    let (models, distances): (Vec<_>, Vec<_>) = page.slice(found).into_iter().unzip();
    let today = state.clock.today();
    let ids: Vec<i64> = models.iter().map(|m| m.id).collect();
    let with_portions = store::with_portions_left_on(db, &ids, today).await?;
    let items = with_ratings(state, models)
        .await?
        .into_iter()
        .zip(distances)
        .map(|(listed, distance_m)| Nearby {
            serves_today: with_portions.contains(&listed.model.id)
                && store::is_open_on(&listed.model, today)
                && store::takes_bookings_on(&listed.model, today),
            listed,
            distance_m,
        })
        .collect();
    Ok((items, total))
}

/// One page of the meal points the operator runs, and the total.
pub async fn of_operator(
    state: &AppState,
    caller: &Caller,
    page: PageRequest,
) -> Result<(Vec<Listed>, u64)> {
    let models = store::meal_points_of_operator(&state.db, caller.account_id).await?;
    let total = models.len() as u64;
    Ok((with_ratings(state, page.slice(models)).await?, total))
}

/// Adds the ratings at a glance to a page of meal points (two grouped queries for the page).
async fn with_ratings(state: &AppState, models: Vec<meal_point::Model>) -> Result<Vec<Listed>> {
    let ids: Vec<i64> = models.iter().map(|m| m.id).collect();
    let mut summaries = state.reactions.ratings.of(state, &ids).await?;
    Ok(models
        .into_iter()
        .map(|model| Listed {
            rating_summary: summaries.remove(&model.id),
            model,
        })
        .collect())
}

/// The operators of a meal point the caller runs (or any, for the city).
pub async fn operators(state: &AppState, caller: &Caller, id: i64) -> Result<Vec<account::Model>> {
    let db = &state.db;
    let model = access::require_own_meal_point(db, caller, id).await?;
    Ok(store::operators_of(db, model.id).await?)
}

/// A new meal point, open, with no operators yet.
pub async fn create(
    state: &AppState,
    profile: MealPointProfile,
    labels: CityLabels,
) -> Result<MealPointDetails> {
    let db = &state.db;
    crate::places::service::require_district(db, &profile.district_code)
        .await
        .map_err(crate::error::AppError::from)?;
    access::require_street_in_district(db, profile.street_id, &profile.district_code).await?;
    profile
        .booking_policy
        .check_against(&profile.service_hours)?;
    let model = store::insert_meal_point(db, &profile, labels, state.clock.now()).await?;
    details(state, model).await
}

/// What a profile edit changes; `None` keeps the current value. Every present value has been
/// checked by the rules already, except what only makes sense with the current profile (the
/// street of the district, the delivery radius with the modes, booking times with the hours).
#[derive(Debug, Default)]
pub struct ProfileChanges {
    pub name: Option<String>,
    pub kind: Option<MealPointKind>,
    pub district_code: Option<String>,
    pub street_id: Option<i64>,
    pub address: Option<String>,
    pub lat: Option<f64>,
    pub lng: Option<f64>,
    pub phone: Option<String>,
    pub service_modes: Option<Vec<ServiceMode>>,
    /// `Some(None)` removes the radius (and with it delivery).
    pub delivery_radius_m: Option<Option<i64>>,
    pub opening_days: Option<OpeningDays>,
    pub service_hours: Option<ServiceHours>,
    pub order_lead_minutes: Option<i64>,
    pub booking_days_ahead: Option<i64>,
    pub food_licence_no: Option<String>,
    /// `Some(None)` removes the link.
    pub live_video_url: Option<Option<String>>,
}

/// Changes a meal point's profile. Only the city changes its kind or district. If hours or
/// booking times change, the offerings from today on get their booking windows again in the same
/// transaction (the menus domain does that, told through `Reactions::offerings`).
pub async fn update_profile(
    state: &AppState,
    caller: &Caller,
    id: i64,
    changes: ProfileChanges,
) -> Result<MealPointDetails> {
    let db = &state.db;
    let model = access::require_own_meal_point(db, caller, id).await?;
    if caller.role != Role::CityAdmin {
        for (field, given) in [
            ("kind", changes.kind.is_some()),
            ("district_code", changes.district_code.is_some()),
        ] {
            if given {
                return Err(MealPointError::CityAdminOnlyField { field });
            }
        }
    }

    let current = store::profile_of(&model)?;
    let district_code = match &changes.district_code {
        Some(code) => {
            crate::places::service::require_district(db, code.trim())
                .await
                .map_err(crate::error::AppError::from)?
                .code
        }
        None => current.district_code.clone(),
    };
    let street_id = changes.street_id.unwrap_or(current.street_id);
    if changes.district_code.is_some() || changes.street_id.is_some() {
        access::require_street_in_district(db, street_id, &district_code).await?;
    }
    let current_radius = current.service_modes.delivery_radius_m().map(i64::from);
    let service_modes = match &changes.service_modes {
        Some(modes) => {
            let radius = match changes.delivery_radius_m {
                Some(radius) => radius,
                // Switching delivery off takes its radius with it.
                None => current_radius.filter(|_| modes.contains(&ServiceMode::Delivery)),
            };
            service_modes(modes, radius)?
        }
        None => service_modes(
            &current.service_modes.modes(),
            changes.delivery_radius_m.unwrap_or(current_radius),
        )?,
    };
    let profile = MealPointProfile {
        name: changes.name.unwrap_or_else(|| current.name.clone()),
        kind: changes.kind.unwrap_or(current.kind),
        district_code,
        street_id,
        address: changes.address.unwrap_or_else(|| current.address.clone()),
        location: GeoPoint::new(
            changes.lat.unwrap_or(current.location.lat()),
            changes.lng.unwrap_or(current.location.lng()),
        )?,
        phone: changes.phone.unwrap_or_else(|| current.phone.clone()),
        service_modes,
        opening_days: changes.opening_days.unwrap_or(current.opening_days),
        service_hours: changes
            .service_hours
            .unwrap_or_else(|| current.service_hours.clone()),
        booking_policy: booking_policy(
            changes
                .order_lead_minutes
                .unwrap_or(i64::from(current.booking_policy.lead_minutes)),
            changes
                .booking_days_ahead
                .unwrap_or(i64::from(current.booking_policy.days_ahead)),
        )?,
        food_licence_no: changes
            .food_licence_no
            .unwrap_or_else(|| current.food_licence_no.clone()),
        live_video_url: changes
            .live_video_url
            .unwrap_or_else(|| current.live_video_url.clone()),
    };
    profile
        .booking_policy
        .check_against(&profile.service_hours)?;

    let reschedule = profile.service_hours != current.service_hours
        || profile.booking_policy != current.booking_policy;
    let now = state.clock.now();
    let txn = db.begin().await?;
    let model = store::update_profile(&txn, model, &profile, now).await?;
    if reschedule {
        state
            .reactions
            .offerings
            .schedule_changed(
                &txn,
                ScheduleChange {
                    meal_point_id: model.id,
                    hours: &profile.service_hours,
                    policy: profile.booking_policy,
                    from: state.clock.today(),
                    now,
                },
            )
            .await?;
    }
    txn.commit().await?;
    state.caches.forget_catalogue();
    details(state, model).await
}

/// The labels only the city gives.
pub async fn set_labels(state: &AppState, id: i64, labels: CityLabels) -> Result<MealPointDetails> {
    let model = access::require_meal_point(&state.db, id).await?;
    let model = store::set_labels(&state.db, model, labels, state.clock.now()).await?;
    state.caches.forget_catalogue();
    details(state, model).await
}

/// Opens, pauses or closes a meal point. A pause or closure cancels the bookings of the days it
/// covers, with its reason (the orders domain does that, told through `Reactions::bookings`).
pub async fn set_status(
    state: &AppState,
    caller: &Caller,
    id: i64,
    status: MealPointStatus,
) -> Result<MealPointDetails> {
    let db = &state.db;
    let model = access::require_own_meal_point(db, caller, id).await?;
    let model = store::set_status(db, model, &status, state.clock.now()).await?;
    state.caches.forget_catalogue();
    // The fence goes up before the cancellation reads the bookings to cancel, so no instance
    // reserves for a covered day once that read has begun.
    state
        .reactions
        .bookings
        .status_changed(state, &model)
        .await?;
    if let Some(suspension) = status.suspension() {
        let reason = format!("助餐点暂停服务：{}", suspension.reason());
        state
            .reactions
            .bookings
            .suspended(state, caller.account_id, &model, &reason)
            .await?;
    }
    details(state, model).await
}

/// Assigns an operator account (assigning twice changes nothing); returns the operators.
pub async fn assign_operator(
    state: &AppState,
    id: i64,
    account_id: i64,
) -> Result<Vec<account::Model>> {
    let db = &state.db;
    let model = access::require_meal_point(db, id).await?;
    let account = account::Entity::find_by_id(account_id)
        .one(db)
        .await?
        .ok_or(MealPointError::AccountNotFound)?;
    if account.role != Role::Operator {
        return Err(MealPointError::AccountNotOperator);
    }
    store::assign_operator(db, model.id, account.id, state.clock.now()).await?;
    state.caches.forget_operators();
    Ok(store::operators_of(db, model.id).await?)
}

/// Removes an operator (removing one not assigned changes nothing); returns the operators.
pub async fn unassign_operator(
    state: &AppState,
    id: i64,
    account_id: i64,
) -> Result<Vec<account::Model>> {
    let model = access::require_meal_point(&state.db, id).await?;
    store::unassign_operator(&state.db, model.id, account_id).await?;
    state.caches.forget_operators();
    Ok(store::operators_of(&state.db, model.id).await?)
}

/// New hours or booking times of a meal point, for the offerings published from `from` on.
pub struct ScheduleChange<'a> {
    pub meal_point_id: i64,
    pub hours: &'a ServiceHours,
    pub policy: super::rules::BookingPolicy,
    pub from: chrono::NaiveDate,
    pub now: DateTime<Utc>,
}
