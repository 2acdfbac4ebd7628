//! What can be done to a meal point, each use case whole: the access check, the rules, the write
//! (in one transaction where it is more than one), the hot caches dropped beside the write, and
//! the other domains told through [`crate::state::Reactions`] (never called directly, so no other
//! domain is named here).

use chrono::{DateTime, Utc};
use entity::{account, meal_point};
use sea_orm::{EntityTrait, TransactionTrait};
use vocabulary::{MealPointKind, Role, ServiceMode};

use super::{
    MealPointProfile, booking_policy,
    rules::{CityLabels, GeoPoint, MealPointStatus, OpeningDays, ServiceHours},
    service_modes, store,
};
use crate::{
    auth::Caller,
    error::{AppError, AppResult},
    state::AppState,
};

/// A new meal point, open, with no operators yet.
pub async fn create(
    state: &AppState,
    profile: MealPointProfile,
    labels: CityLabels,
) -> AppResult<meal_point::Model> {
    let db = &state.db;
    crate::places::store::require_district(db, &profile.district_code).await?;
    store::require_street_in_district(db, profile.street_id, &profile.district_code).await?;
    profile
        .booking_policy
        .check_against(&profile.service_hours)?;
    store::insert_meal_point(db, &profile, labels, state.clock.now()).await
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
) -> AppResult<meal_point::Model> {
    let db = &state.db;
    let model = store::require_meal_point(db, id).await?;
    store::require_operator_of(db, caller, model.id).await?;
    if caller.role != Role::CityAdmin {
        for (field, given) in [
            ("kind", changes.kind.is_some()),
            ("district_code", changes.district_code.is_some()),
        ] {
            if given {
                return Err(AppError::forbidden(
                    "CITY_ADMIN_ONLY_FIELD",
                    "助餐点的类型和所属区由市民政局设定，运营方不能修改",
                )
                .with_field(field));
            }
        }
    }

    let current = store::profile_of(&model)?;
    let district_code = match &changes.district_code {
        Some(code) => {
            crate::places::store::require_district(db, code.trim())
                .await?
                .code
        }
        None => current.district_code.clone(),
    };
    let street_id = changes.street_id.unwrap_or(current.street_id);
    if changes.district_code.is_some() || changes.street_id.is_some() {
        store::require_street_in_district(db, street_id, &district_code).await?;
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
    Ok(model)
}

/// The labels only the city gives.
pub async fn set_labels(
    state: &AppState,
    id: i64,
    labels: CityLabels,
) -> AppResult<meal_point::Model> {
    let model = store::require_meal_point(&state.db, id).await?;
    let model = store::set_labels(&state.db, model, labels, state.clock.now()).await?;
    state.caches.forget_catalogue();
    Ok(model)
}

/// Opens, pauses or closes a meal point. A pause or closure cancels the bookings of the days it
/// covers, with its reason (the orders domain does that, told through `Reactions::bookings`).
pub async fn set_status(
    state: &AppState,
    caller: &Caller,
    id: i64,
    status: MealPointStatus,
) -> AppResult<meal_point::Model> {
    let db = &state.db;
    let model = store::require_meal_point(db, id).await?;
    store::require_operator_of(db, caller, model.id).await?;
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
    Ok(model)
}

/// Assigns an operator account (assigning twice changes nothing).
pub async fn assign_operator(state: &AppState, id: i64, account_id: i64) -> AppResult<()> {
    let db = &state.db;
    let model = store::require_meal_point(db, id).await?;
    let account = account::Entity::find_by_id(account_id)
        .one(db)
        .await?
        .ok_or_else(|| {
            AppError::not_found("ACCOUNT_NOT_FOUND", "没有这个账号").with_field("account_id")
        })?;
    if account.role != Role::Operator {
        return Err(AppError::invalid(
            "account_id",
            "ACCOUNT_NOT_OPERATOR",
            "只能指派助餐点运营方账号",
        ));
    }
    store::assign_operator(db, model.id, account.id, state.clock.now()).await?;
    state.caches.forget_operators();
    Ok(())
}

/// Removes an operator (removing one not assigned changes nothing).
pub async fn unassign_operator(state: &AppState, id: i64, account_id: i64) -> AppResult<()> {
    let model = store::require_meal_point(&state.db, id).await?;
    store::unassign_operator(&state.db, model.id, account_id).await?;
    state.caches.forget_operators();
    Ok(())
}

/// New hours or booking times of a meal point, for the offerings published from `from` on.
pub struct ScheduleChange<'a> {
    pub meal_point_id: i64,
    pub hours: &'a ServiceHours,
    pub policy: super::rules::BookingPolicy,
    pub from: chrono::NaiveDate,
    pub now: DateTime<Utc>,
}
