//! The inspector's round: which meal points to visit next (never visited first, then the longest
//! since the last visit) and the inspector's own past visits.

use chrono::NaiveDate;
use entity::inspection;
use poem_openapi::{Object, OpenApi, param::Query, payload::Json};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Value,
};

use super::supervision::{InspectionView, inspection_views};
use crate::{
    api::ApiTags,
    auth::{BearerAuth, Role},
    db::raw_statement,
    error::{AppError, AppResult},
    pagination::{Page, PageRequest},
    state::AppState,
};

pub struct VisitsApi {
    pub state: AppState,
}

/// A meal point on the inspectors' round.
#[derive(Object)]
pub struct VisitDue {
    meal_point_id: i64,
    name: String,
    district_code: String,
    address: String,
    /// `open` or `paused` (closed meal points are not visited).
    status: String,
    /// The latest visit's date; absent if never visited.
    #[oai(skip_serializing_if_is_none)]
    last_visit: Option<NaiveDate>,
    visits: i64,
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
        let district = match (caller.role, district_code.0) {
            (Role::DistrictClerk, Some(asked)) if Some(&asked) != caller.district_code.as_ref() => {
                return Err(AppError::forbidden(
                    "DISTRICT_FORBIDDEN",
                    "区结算员只能查看本区的助餐点",
                ));
            }
            (Role::DistrictClerk, _) => Some(caller.district_code.clone().unwrap_or_default()),
            (_, Some(code)) => {
                crate::places::store::require_district(&self.state.db, &code).await?;
                Some(code)
            }
            (_, None) => None,
        };
        let (items, total) = due_page(&self.state.db, district.as_deref(), request).await?;
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
        let paginator = inspection::Entity::find()
            .filter(inspection::Column::InspectorAccountId.eq(caller.account_id))
            .order_by_desc(inspection::Column::Date)
            .order_by_desc(inspection::Column::Id)
            .paginate(&self.state.db, request.page_size);
        let total = paginator.num_items().await?;
        let rows = paginator.fetch_page(request.index()).await?;
        let items = inspection_views(&self.state, rows).await?;
        Ok(Json(Page::new(items, total, request)))
    }
}

/// One page of the round, ordered and counted in the database.
async fn due_page(
    db: &impl ConnectionTrait,
    district: Option<&str>,
    page: PageRequest,
) -> AppResult<(Vec<VisitDue>, u64)> {
    let backend = db.get_database_backend();
    let mut values: Vec<Value> = Vec::new();
    let filter = match district {
        Some(code) => {
            values.push(code.into());
            " AND mp.district_code = ?"
        }
        None => "",
    };
    let count_sql =
        format!("SELECT COUNT(*) AS n FROM meal_point mp WHERE mp.status <> 'closed'{filter}");
    let total: i64 = match db
        .query_one_raw(raw_statement(backend, &count_sql, values.clone()))
        .await?
    {
        Some(row) => row.try_get("", "n")?,
        None => 0,
    };
    let sql = format!(
        "SELECT mp.id, mp.name, mp.district_code, mp.address, mp.status, \
         MAX(i.date) AS last_visit, COUNT(i.id) AS visits \
         FROM meal_point mp LEFT JOIN inspection i ON i.meal_point_id = mp.id \
         WHERE mp.status <> 'closed'{filter} \
         GROUP BY mp.id, mp.name, mp.district_code, mp.address, mp.status \
         ORDER BY CASE WHEN MAX(i.date) IS NULL THEN 0 ELSE 1 END, MAX(i.date), mp.id \
         LIMIT ? OFFSET ?"
    );
    values.push(i64::try_from(page.page_size).unwrap_or(i64::MAX).into());
    values.push(i64::try_from(page.offset()).unwrap_or(i64::MAX).into());
    let rows = db
        .query_all_raw(raw_statement(backend, &sql, values))
        .await?;
    let items = rows
        .iter()
        .map(|row| {
            Ok(VisitDue {
                meal_point_id: row.try_get("", "id")?,
                name: row.try_get("", "name")?,
                district_code: row.try_get("", "district_code")?,
                address: row.try_get("", "address")?,
                status: row.try_get("", "status")?,
                last_visit: row.try_get("", "last_visit")?,
                visits: row.try_get("", "visits")?,
            })
        })
        .collect::<AppResult<Vec<_>>>()?;
    Ok((items, u64::try_from(total).unwrap_or_default()))
}
