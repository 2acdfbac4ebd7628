//! The inspector's round: which meal points to visit next (never visited first, then the longest
//! since the last visit) and the inspector's own past visits.

use chrono::NaiveDate;
use poem_openapi::{Object, OpenApi, param::Query, payload::Json};

use super::{
    service,
    supervision::{InspectionView, inspection_view},
};
use crate::{
    auth::{BearerAuth, Role},
    error::AppResult,
    pagination::{Page, PageRequest},
    state::AppState,
    tags::ApiTags,
};

pub struct VisitsApi {
    pub state: AppState,
}

/// A meal point on the inspectors' round.
#[derive(Object)]
pub struct VisitDue {
    pub meal_point_id: i64,
    pub name: String,
    pub district_code: String,
    pub address: String,
    /// `open` or `paused` (closed meal points are not visited).
    pub status: String,
    /// The latest visit's date; absent if never visited.
    #[oai(skip_serializing_if_is_none)]
    pub last_visit: Option<NaiveDate>,
    pub visits: i64,
}

#[OpenApi(tag = "ApiTags::Supervision")]
impl VisitsApi {
    /// The meal points to visit: every meal point not closed, never visited first, then the
    /// longest since its last visit; optionally of one district (`district_code`).
    ///
    /// Roles: inspector, city_admin, district_clerk (their district only).
    #[oai(path = "/inspections/due", method = "get")]
    async fn due(
        &self,
        auth: BearerAuth,
        district_code: Query<Option<String>>,
        page: Query<Option<u64>>,
        page_size: Query<Option<u64>>,
    ) -> AppResult<Json<Page<VisitDue>>> {
        let caller = auth.allow(&[Role::Inspector, Role::CityAdmin, Role::DistrictClerk])?;
        let request = PageRequest::new(page.0, page_size.0)?;
        let (rows, total) =
            service::visits_due(&self.state, caller, district_code.0, request).await?;
        let items = rows
            .into_iter()
            .map(|row| VisitDue {
                meal_point_id: row.meal_point_id,
                name: row.name,
                district_code: row.district_code,
                address: row.address,
                status: row.status,
                last_visit: row.last_visit,
                visits: row.visits,
            })
            .collect();
        Ok(Json(Page::new(items, total, request)))
    }

    /// The signed-in inspector's own visits, newest first.
    ///
    /// Roles: inspector.
    #[oai(path = "/me/inspections", method = "get")]
    async fn mine(
        &self,
        auth: BearerAuth,
        page: Query<Option<u64>>,
        page_size: Query<Option<u64>>,
    ) -> AppResult<Json<Page<InspectionView>>> {
        let caller = auth.allow(&[Role::Inspector])?;
        let request = PageRequest::new(page.0, page_size.0)?;
        let (records, total) =
            service::inspections_of_inspector(&self.state, caller, request).await?;
        let items = records.into_iter().map(inspection_view).collect();
        Ok(Json(Page::new(items, total, request)))
    }
}
