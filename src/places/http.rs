//! The public place tree.

use poem_openapi::{Object, OpenApi, param::Path, payload::Json};
use vocabulary::DistrictKind;

use super::service;
use crate::{error::AppResult, state::AppState, tags::ApiTags};

pub struct PlacesApi {
    pub state: AppState,
}

#[derive(Object)]
pub struct DistrictView {
    /// GB/T 2260 code, or a local code for a management zone (e.g. `CZ-ETDZ`).
    pub code: String,
    pub name: String,
    pub kind: DistrictKind,
    pub city: String,
}

#[derive(Object)]
pub struct StreetView {
    pub id: i64,
    pub district_code: String,
    pub name: String,
}

#[OpenApi(tag = "ApiTags::Places")]
impl PlacesApi {
    /// The city's districts.
    ///
    /// Public.
    #[oai(path = "/places/districts", method = "get")]
    async fn districts(&self) -> AppResult<Json<Vec<DistrictView>>> {
        let districts = service::districts(&self.state).await?;
        Ok(Json(
            districts
                .into_iter()
                .map(|d| DistrictView {
                    code: d.code,
                    name: d.name,
                    kind: d.kind,
                    city: d.city,
                })
                .collect(),
        ))
    }

    /// The streets and towns (街道/镇) of one district.
    ///
    /// Public.
    #[oai(path = "/places/districts/:code/streets", method = "get")]
    async fn streets(&self, code: Path<String>) -> AppResult<Json<Vec<StreetView>>> {
        let streets = service::streets(&self.state, &code).await?;
        Ok(Json(
            streets
                .into_iter()
                .map(|s| StreetView {
                    id: s.id,
                    district_code: s.district_code,
                    name: s.name,
                })
                .collect(),
        ))
    }
}
