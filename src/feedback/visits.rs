//! The inspector's round: which meal points to visit next (never visited first, then the longest
//! since the last visit) and the inspector's own past visits.

use chrono::NaiveDate;
use entity::inspection;
use poem_openapi::{Object, OpenApi, param::Query, payload::Json};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    sea_query::{Asterisk, Expr, ExprTrait, Func, JoinType, Order, Query as Sql},
};
use vocabulary::MealPointStatusKind;

use super::supervision::{InspectionView, inspection_views};
use crate::{
    auth::{BearerAuth, Role},
    error::{AppError, AppResult},
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
    let mp = |column: &'static str| Expr::col(("mp", column));
    let open = mp("status").ne(MealPointStatusKind::Closed.as_str());
    let in_district = district.map(|code| mp("district_code").eq(code));
    let count = Sql::select()
        .expr_as(Func::count(Expr::col(Asterisk)), "n")
        .from_as("meal_point", "mp")
        .and_where(open.clone())
        .and_where_option(in_district.clone())
        .to_owned();
    let total: i64 = match db.query_one(&count).await? {
        Some(row) => row.try_get("", "n")?,
        None => 0,
    };
    let last_visit = || -> Expr { Func::max(Expr::col(("i", "date"))).into() };
    let columns = ["id", "name", "district_code", "address", "status"];
    let query = Sql::select()
        .columns(columns.map(|column| ("mp", column)))
        .expr_as(last_visit(), "last_visit")
        .expr_as(Func::count(Expr::col(("i", "id"))), "visits")
        .from_as("meal_point", "mp")
        .join_as(
            JoinType::LeftJoin,
            "inspection",
            "i",
            Expr::col(("i", "meal_point_id")).equals(("mp", "id")),
        )
        .and_where(open)
        .and_where_option(in_district)
        .group_by_columns(columns.map(|column| ("mp", column)))
        // Never visited first, then the longest since the last visit.
        .order_by_expr(
            Expr::case(last_visit().is_null(), Expr::cust("0"))
                .finally(Expr::cust("1"))
                .into(),
            Order::Asc,
        )
        .order_by_expr(last_visit(), Order::Asc)
        .order_by(("mp", "id"), Order::Asc)
        .limit(page.page_size)
        .offset(page.offset())
        .to_owned();
    let rows = db.query_all(&query).await?;
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
