//! Which meal point a request names and whether the caller may act on it: the answers every
//! domain asks of this one. The store finds rows; the refusals are [`MealPointError`]'s, and
//! reach other domains as their HTTP answer (another domain's answer, already HTTP).

use entity::{meal_point, street};
use sea_orm::ConnectionTrait;

use super::{error::MealPointError, store};
use crate::{
    auth::{Caller, Role},
    error::AppResult,
};

/// The meal point, or 404 `MEAL_POINT_NOT_FOUND`.
pub async fn require_meal_point(
    db: &impl ConnectionTrait,
    id: i64,
) -> AppResult<meal_point::Model> {
    Ok(store::find_meal_point(db, id)
        .await?
        .ok_or(MealPointError::NotFound { id })?)
}

/// The meal point, if `caller` may change it (see [`require_operator_of`]): 404 before 403.
pub async fn require_own_meal_point(
    db: &impl ConnectionTrait,
    caller: &Caller,
    id: i64,
) -> AppResult<meal_point::Model> {
    let model = require_meal_point(db, id).await?;
    require_operator_of(db, caller, model.id).await?;
    Ok(model)
}

/// Whether `caller` may change this meal point: a city admin may change any, an operator only
/// those assigned to them; anyone else gets 403 `NOT_YOUR_MEAL_POINT`.
pub async fn require_operator_of(
    db: &impl ConnectionTrait,
    caller: &Caller,
    meal_point_id: i64,
) -> AppResult<()> {
    let allowed = match caller.role {
        Role::CityAdmin => true,
        Role::Operator => store::is_operator_of(db, caller.account_id, meal_point_id).await?,
        _ => false,
    };
    if allowed {
        Ok(())
    } else {
        Err(MealPointError::NotYours.into())
    }
}

/// The street, which must lie in `district_code`: 404 `STREET_NOT_FOUND` if there is no such
/// street, 400 `STREET_NOT_IN_DISTRICT` if it belongs to another district.
pub async fn require_street_in_district(
    db: &impl ConnectionTrait,
    street_id: i64,
    district_code: &str,
) -> Result<street::Model, MealPointError> {
    let street = store::find_street(db, street_id)
        .await?
        .ok_or(MealPointError::StreetNotFound { street_id })?;
    if street.district_code != district_code {
        return Err(MealPointError::StreetNotInDistrict {
            street: street.name,
        });
    }
    Ok(street)
}
