//! The supervisor view, inspector accounts and their visits, over HTTP.

use chrono::{DateTime, NaiveDate, Utc};
use poem_openapi::{
    ApiResponse, Object, OpenApi,
    param::{Path, Query},
    payload::Json,
};

use super::{
    http::{ComplaintView, complaint_view},
    service::{self, InspectionRecord},
};
use crate::{
    auth::{BearerAuth, Role},
    error::{AppError, AppResult},
    pagination::{Page, PageRequest},
    state::AppState,
    tags::ApiTags,
};

pub struct SupervisionApi {
    pub state: AppState,
}

pub use super::service::OVERVIEW_MAX_LIMIT;
#[derive(Object)]
pub struct NewInspector {
    #[oai(validator(pattern = r"^[A-Za-z0-9._-]{3,64}$"))]
    pub username: String,
    #[oai(validator(max_length = 32, pattern = r"\S"))]
    pub display_name: String,
    /// The association, university or panel they come from, e.g. 常州市餐饮行业协会.
    #[oai(validator(max_length = 64, pattern = r"\S"))]
    pub organisation: String,
    #[oai(validator(min_length = 8, max_length = 128, pattern = r"[^0-9]"))]
    pub password: String,
}

#[derive(Object)]
pub struct InspectorView {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub organisation: String,
    pub active: bool,
}

#[derive(ApiResponse)]
enum InspectorCreated {
    /// The inspector can sign in with `POST /auth/login`.
    #[oai(status = 201)]
    Created(Json<InspectorView>),
}

/// Scores 1–5.
#[derive(Object)]
pub struct InspectionScoresInput {
    /// 食品安全.
    #[oai(validator(minimum(value = "1"), maximum(value = "5")))]
    pub food_safety: i64,
    /// 环境卫生.
    #[oai(validator(minimum(value = "1"), maximum(value = "5")))]
    pub hygiene: i64,
    /// 服务.
    #[oai(validator(minimum(value = "1"), maximum(value = "5")))]
    pub service: i64,
    /// 膳食营养 (optional).
    #[oai(validator(minimum(value = "1"), maximum(value = "5")))]
    pub nutrition: Option<i64>,
}

#[derive(Object)]
pub struct NewInspection {
    /// The day of the visit; not in the future.
    pub date: NaiveDate,
    pub scores: InspectionScoresInput,
    /// What was seen; at most 2000 characters.
    #[oai(validator(max_length = 2000))]
    pub notes: String,
    /// 留样: a sample of each dish was kept, as food-safety rules require.
    pub sample_retained: bool,
}

#[derive(Object)]
pub struct InspectionScoresView {
    pub food_safety: i32,
    pub hygiene: i32,
    pub service: i32,
    pub nutrition: Option<i32>,
}

#[derive(Object)]
pub struct InspectionView {
    pub id: i64,
    pub meal_point_id: i64,
    pub meal_point_name: String,
    pub inspector_account_id: i64,
    pub inspector_name: String,
    pub organisation: String,
    pub date: NaiveDate,
    pub scores: InspectionScoresView,
    /// The mean of the scores given, one decimal.
    pub average: f64,
    pub notes: String,
    pub sample_retained: bool,
    pub created_at: DateTime<Utc>,
}

#[derive(ApiResponse)]
enum InspectionCreated {
    /// Recorded.
    #[oai(status = 201)]
    Created(Json<InspectionView>),
}

/// Complaints made in the month, by their state now.
#[derive(Object, Default)]
pub struct ComplaintCounts {
    pub submitted: u64,
    pub acknowledged: u64,
    pub escalated: u64,
    pub resolved: u64,
    pub closed: u64,
    pub total: u64,
}

/// A meal point's month.
#[derive(Object)]
pub struct MealPointScore {
    pub meal_point_id: i64,
    pub name: String,
    pub district_code: String,
    /// 0–100, one decimal; null when nobody rated or inspected it this month.
    pub score: Option<f64>,
    pub rating_count: u64,
    /// The month's average overall rating (1–5).
    pub rating_average: Option<f64>,
    pub inspection_count: u64,
    /// The month's average inspection score (1–5).
    pub inspection_average: Option<f64>,
    pub complaint_count: u64,
    pub escalated_count: u64,
}

#[derive(Object)]
pub struct Overview {
    /// `YYYY-MM`.
    pub month: String,
    /// The district covered; null for the whole city.
    pub district_code: Option<String>,
    pub complaints_by_state: ComplaintCounts,
    /// Open complaints now (any month).
    pub open_complaints: u64,
    /// Open complaints that missed a deadline (any month), oldest first, at most 50.
    pub overdue: Vec<ComplaintView>,
    pub overdue_total: u64,
    /// Meal points by the month's score, lowest first; those without a score last.
    pub meal_points: Vec<MealPointScore>,
    /// Inspectors' visits in the month, newest first, at most 20.
    pub recent_inspections: Vec<InspectionView>,
}

/// The first day of a `YYYY-MM` month.
fn parse_month(raw: &str) -> AppResult<NaiveDate> {
    crate::clock::parse_month("month", raw).map_err(|refused| match refused {
        crate::clock::MonthRefused::Malformed => {
            AppError::invalid("month", "MONTH_INVALID", "月份格式应为 YYYY-MM，如 2026-11")
        }
        crate::clock::MonthRefused::OutOfRange(date) => date.into(),
    })
}

pub(crate) fn inspection_view(record: InspectionRecord) -> InspectionView {
    let r = record.inspection;
    InspectionView {
        id: r.id,
        meal_point_id: r.meal_point_id,
        meal_point_name: record.meal_point_name,
        inspector_account_id: r.inspector_account_id,
        inspector_name: record.inspector_name,
        organisation: record.organisation,
        date: r.date,
        scores: InspectionScoresView {
            food_safety: r.food_safety,
            hygiene: r.hygiene,
            service: r.service,
            nutrition: r.nutrition,
        },
        average: record.average,
        notes: r.notes,
        sample_retained: r.sample_retained,
        created_at: r.created_at,
    }
}

#[OpenApi(tag = "ApiTags::Supervision")]
impl SupervisionApi {
    /// Invite an inspector (督查员) from outside: an industry association, an expert, a
    /// citizens' panel. They sign in with the username and password and record scored visits.
    ///
    /// Roles: city_admin.
    #[oai(path = "/inspectors", method = "post")]
    async fn create_inspector(
        &self,
        auth: BearerAuth,
        body: Json<NewInspector>,
    ) -> AppResult<InspectorCreated> {
        let caller = auth.allow(&[Role::CityAdmin])?;
        let body = body.0;
        let new = service::NewInspector {
            username: body.username,
            password: body.password,
            display_name: body.display_name,
            organisation: body.organisation,
        };
        let (account, inspector) = service::invite_inspector(&self.state, caller, new).await?;
        Ok(InspectorCreated::Created(Json(InspectorView {
            id: account.id,
            username: account.username.unwrap_or_default(),
            display_name: account.display_name,
            organisation: inspector.organisation,
            active: account.active,
        })))
    }

    /// The inspectors the city invited.
    ///
    /// Roles: city_admin.
    #[oai(path = "/inspectors", method = "get")]
    async fn inspectors(&self, auth: BearerAuth) -> AppResult<Json<Vec<InspectorView>>> {
        auth.allow(&[Role::CityAdmin])?;
        let inspectors = service::inspectors(&self.state).await?;
        Ok(Json(
            inspectors
                .into_iter()
                .map(|(a, organisation)| InspectorView {
                    organisation,
                    id: a.id,
                    username: a.username.unwrap_or_default(),
                    display_name: a.display_name,
                    active: a.active,
                })
                .collect(),
        ))
    }

    /// Record a scored visit to a meal point: scores 1–5, notes, and whether 留样 (kept samples)
    /// were found.
    ///
    /// Roles: inspector.
    #[oai(path = "/meal-points/:id/inspections", method = "post")]
    async fn inspect(
        &self,
        auth: BearerAuth,
        id: Path<i64>,
        body: Json<NewInspection>,
    ) -> AppResult<InspectionCreated> {
        let caller = auth.allow(&[Role::Inspector])?;
        let body = body.0;
        let new = service::NewInspection {
            date: body.date,
            food_safety: body.scores.food_safety,
            hygiene: body.scores.hygiene,
            service: body.scores.service,
            nutrition: body.scores.nutrition,
            notes: body.notes,
            sample_retained: body.sample_retained,
        };
        let record = service::record_inspection(&self.state, caller, *id, new).await?;
        Ok(InspectionCreated::Created(Json(inspection_view(record))))
    }

    /// A meal point's inspection visits, newest first.
    ///
    /// Roles: operator (their meal points), district_clerk (their district), city_admin,
    /// inspector.
    #[oai(path = "/meal-points/:id/inspections", method = "get")]
    async fn inspections(
        &self,
        auth: BearerAuth,
        id: Path<i64>,
        page: Query<Option<u64>>,
        page_size: Query<Option<u64>>,
    ) -> AppResult<Json<Page<InspectionView>>> {
        let caller = auth.allow(&[
            Role::Operator,
            Role::DistrictClerk,
            Role::CityAdmin,
            Role::Inspector,
        ])?;
        let page = PageRequest::new(page.0, page_size.0)?;
        let (records, total) =
            service::inspections_of_meal_point(&self.state, caller, *id, page).await?;
        let items = records.into_iter().map(inspection_view).collect();
        Ok(Json(Page::new(items, total, page)))
    }

    /// The supervisor's month: complaints by state, the overdue ones, meal points by the month's
    /// score (lowest first) and the inspectors' visits.
    ///
    /// A district clerk sees their district; the city admin the whole city, or one district with
    /// `district_code`. `month` is `YYYY-MM` (default: this month). The score is explained in the
    /// README ("Feedback").
    ///
    /// Roles: district_clerk, city_admin.
    #[oai(path = "/supervision/overview", method = "get")]
    async fn overview(
        &self,
        auth: BearerAuth,
        month: Query<Option<String>>,
        district_code: Query<Option<String>>,
        /// How many meal points to list, lowest score first (default 20, at most 200).
        limit: Query<Option<u64>>,
    ) -> AppResult<Json<Overview>> {
        let caller = auth.allow(&[Role::DistrictClerk, Role::CityAdmin])?;
        let month = month.0.as_deref().map(parse_month).transpose()?;
        let limit = limit.0.unwrap_or(20);
        let overview =
            service::month_overview(&self.state, caller, month, district_code.0, limit).await?;
        let counts = overview.complaints_by_state;
        Ok(Json(Overview {
            month: overview.month.format("%Y-%m").to_string(),
            district_code: overview.district_code,
            complaints_by_state: ComplaintCounts {
                submitted: counts.submitted,
                acknowledged: counts.acknowledged,
                escalated: counts.escalated,
                resolved: counts.resolved,
                closed: counts.closed,
                total: counts.total,
            },
            open_complaints: overview.open_complaints,
            overdue: overview.overdue.into_iter().map(complaint_view).collect(),
            overdue_total: overview.overdue_total,
            meal_points: overview
                .meal_points
                .into_iter()
                .map(|p| MealPointScore {
                    meal_point_id: p.meal_point_id,
                    name: p.name,
                    district_code: p.district_code,
                    score: p.score,
                    rating_count: p.rating_count,
                    rating_average: p.rating_average,
                    inspection_count: p.inspection_count,
                    inspection_average: p.inspection_average,
                    complaint_count: p.complaint_count,
                    escalated_count: p.escalated_count,
                })
                .collect(),
            recent_inspections: overview
                .recent_inspections
                .into_iter()
                .map(inspection_view)
                .collect(),
        }))
    }
}
