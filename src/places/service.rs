//! Reading the place tree: the city's districts and a district's streets.

use entity::{district, street};
use sea_orm::ConnectionTrait;

use super::{error::PlaceError, store};
use crate::state::AppState;

/// The district with this code, or [`PlaceError::DistrictNotFound`] (which names the field a
/// caller sends a district in).
pub async fn require_district(
    db: &impl ConnectionTrait,
    code: &str,
) -> Result<district::Model, PlaceError> {
    store::find_district(db, code)
        .await?
        .ok_or_else(|| PlaceError::DistrictNotFound {
            code: code.to_string(),
        })
}

/// The city's districts, by code.
pub async fn districts(state: &AppState) -> Result<Vec<district::Model>, PlaceError> {
    Ok(store::list_districts(&state.db).await?)
}

/// The streets of a district that exists.
pub async fn streets(state: &AppState, code: &str) -> Result<Vec<street::Model>, PlaceError> {
    require_district(&state.db, code).await?;
    Ok(store::list_streets(&state.db, code).await?)
}
