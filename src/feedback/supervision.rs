//! The supervisor view, inspector accounts and their visits, over HTTP.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use entity::{account, inspection, meal_point};
use poem_openapi::{
    ApiResponse, Object, OpenApi,
    param::{Path, Query},
    payload::Json,
};
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::{
    http::{ComplaintView, complaint_views, staff_scope},
    rules::{self, ComplaintState, MonthFigures, VisitScores},
    service, store,
};
use crate::{
    auth::{BearerAuth, Caller, Role},
    clock::shanghai_to_utc,
    error::{AppError, AppResult},
    meal_points::store as meal_points,
    pagination::{Page, PageRequest},
    state::AppState,
    tags::ApiTags,
};

pub struct SupervisionApi {
    pub state: AppState,
}

/// The most meal points the overview lists.
pub const OVERVIEW_MAX_LIMIT: u64 = 200;
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
    let first =
        NaiveDate::parse_from_str(&format!("{}-01", raw.trim()), "%Y-%m-%d").map_err(|_| {
            AppError::invalid("month", "MONTH_INVALID", "月份格式应为 YYYY-MM，如 2026-11")
        })?;
    Ok(crate::clock::check_business_date("month", first)?)
}

fn next_month(first: NaiveDate) -> NaiveDate {
    let (year, month) = if first.month() == 12 {
        (first.year() + 1, 1)
    } else {
        (first.year(), first.month() + 1)
    };
    NaiveDate::from_ymd_opt(year, month, 1).unwrap_or(first)
}

fn midnight(date: NaiveDate) -> DateTime<Utc> {
    shanghai_to_utc(date.and_time(chrono::NaiveTime::MIN))
}

fn visit_scores(row: &inspection::Model) -> Vec<u8> {
    [
        Some(row.food_safety),
        Some(row.hygiene),
        Some(row.service),
        row.nutrition,
    ]
    .into_iter()
    .flatten()
    .filter_map(|s| u8::try_from(s).ok())
    .collect()
}

fn mean(scores: &[u8]) -> Option<f64> {
    (!scores.is_empty())
        .then(|| scores.iter().map(|s| f64::from(*s)).sum::<f64>() / scores.len() as f64)
}

pub(crate) async fn inspection_views(
    state: &AppState,
    rows: Vec<inspection::Model>,
) -> AppResult<Vec<InspectionView>> {
    let db = &state.db;
    let inspector_ids: Vec<i64> = rows.iter().map(|r| r.inspector_account_id).collect();
    let names = crate::elders::store::account_names(db, inspector_ids.iter().copied()).await?;
    let organisations = store::organisations(db, inspector_ids).await?;
    let point_ids: Vec<i64> = rows.iter().map(|r| r.meal_point_id).collect();
    let point_names: HashMap<i64, String> = meal_point::Entity::find()
        .select_only()
        .column(meal_point::Column::Id)
        .column(meal_point::Column::Name)
        .filter(meal_point::Column::Id.is_in(point_ids))
        .into_tuple::<(i64, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    Ok(rows
        .into_iter()
        .map(|r| {
            let average = mean(&visit_scores(&r))
                .map(rules::round1)
                .unwrap_or_default();
            InspectionView {
                id: r.id,
                meal_point_id: r.meal_point_id,
                meal_point_name: point_names
                    .get(&r.meal_point_id)
                    .cloned()
                    .unwrap_or_default(),
                inspector_account_id: r.inspector_account_id,
                inspector_name: names
                    .get(&r.inspector_account_id)
                    .cloned()
                    .unwrap_or_default(),
                organisation: organisations
                    .get(&r.inspector_account_id)
                    .cloned()
                    .unwrap_or_default(),
                date: r.date,
                scores: InspectionScoresView {
                    food_safety: r.food_safety,
                    hygiene: r.hygiene,
                    service: r.service,
                    nutrition: r.nutrition,
                },
                average,
                notes: r.notes,
                sample_retained: r.sample_retained,
                created_at: r.created_at,
            }
        })
        .collect())
}

/// Whether the caller may read a meal point's inspections: its operators, a clerk of its
/// district, the city admin, inspectors.
async fn require_inspections_visible(
    state: &AppState,
    caller: &Caller,
    meal_point: &meal_point::Model,
) -> AppResult<()> {
    let allowed = match caller.role {
        Role::CityAdmin | Role::Inspector => true,
        Role::DistrictClerk => caller.district_code.as_deref() == Some(&meal_point.district_code),
        Role::Operator => {
            meal_points::is_operator_of(&state.db, caller.account_id, meal_point.id).await?
        }
        Role::Elder | Role::Family => false,
    };
    if allowed {
        Ok(())
    } else {
        Err(AppError::forbidden(
            "INSPECTIONS_FORBIDDEN",
            "只有该助餐点的运营方、所在区和市民政局可以查看督查记录",
        ))
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
        let new = super::service::NewInspector {
            username: body.username,
            password: body.password,
            display_name: body.display_name,
            organisation: body.organisation,
        };
        let (account, inspector) =
            super::service::invite_inspector(&self.state, caller, new).await?;
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
        let db = &self.state.db;
        let rows = account::Entity::find()
            .filter(account::Column::Role.eq(Role::Inspector.as_str()))
            .order_by_asc(account::Column::Id)
            .all(db)
            .await?;
        let organisations = store::organisations(db, rows.iter().map(|a| a.id)).await?;
        Ok(Json(
            rows.into_iter()
                .map(|a| InspectorView {
                    organisation: organisations.get(&a.id).cloned().unwrap_or_default(),
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
        let db = &self.state.db;
        let meal_point = meal_points::require_meal_point(db, *id).await?;
        let body = body.0;
        let score = |field: &'static str, value: i64| rules::check_score(field, value);
        let food_safety = score("scores.food_safety", body.scores.food_safety)?;
        let hygiene = score("scores.hygiene", body.scores.hygiene)?;
        let service = score("scores.service", body.scores.service)?;
        let nutrition = body
            .scores
            .nutrition
            .map(|n| score("scores.nutrition", n))
            .transpose()?;
        rules::check_inspection_date(body.date, self.state.clock.today())?;
        let notes = body.notes.trim().to_string();
        if notes.chars().count() > 2000 {
            return Err(AppError::invalid(
                "notes",
                "NOTES_TOO_LONG",
                "督查记录请不超过 2000 字",
            ));
        }
        let row = store::insert_inspection(
            db,
            inspection::ActiveModel {
                meal_point_id: sea_orm::Set(meal_point.id),
                inspector_account_id: sea_orm::Set(caller.account_id),
                date: sea_orm::Set(body.date),
                food_safety: sea_orm::Set(i32::from(food_safety)),
                hygiene: sea_orm::Set(i32::from(hygiene)),
                service: sea_orm::Set(i32::from(service)),
                nutrition: sea_orm::Set(nutrition.map(i32::from)),
                notes: sea_orm::Set(notes),
                sample_retained: sea_orm::Set(body.sample_retained),
                created_at: sea_orm::Set(self.state.clock.now()),
                ..Default::default()
            },
        )
        .await?;
        let view = inspection_views(&self.state, vec![row])
            .await?
            .pop()
            .ok_or_else(|| AppError::internal(std::io::Error::other("inspection vanished")))?;
        Ok(InspectionCreated::Created(Json(view)))
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
        let meal_point = meal_points::require_meal_point(&self.state.db, *id).await?;
        require_inspections_visible(&self.state, caller, &meal_point).await?;
        let (rows, total) =
            store::inspections_of_meal_point(&self.state.db, meal_point.id, page).await?;
        let items = inspection_views(&self.state, rows).await?;
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
        let db = &self.state.db;
        let today = self.state.clock.today();
        let first = match month.0.as_deref() {
            Some(raw) => parse_month(raw)?,
            None => today.with_day(1).unwrap_or(today),
        };
        let after = next_month(first);
        let (from, to) = (midnight(first), midnight(after));
        let limit = limit.0.unwrap_or(20);
        if !(1..=OVERVIEW_MAX_LIMIT).contains(&limit) {
            return Err(AppError::invalid(
                "limit",
                "LIMIT_INVALID",
                format!("limit 须在 1 到 {OVERVIEW_MAX_LIMIT} 之间"),
            ));
        }
        let district = match (caller.role, district_code.0) {
            (Role::CityAdmin, Some(code)) => Some(
                crate::places::store::require_district(db, code.trim())
                    .await?
                    .code,
            ),
            (Role::CityAdmin, None) => None,
            (_, Some(code)) if Some(code.trim()) != caller.district_code.as_deref() => {
                return Err(AppError::forbidden(
                    "NOT_YOUR_DISTRICT",
                    "区结算员只能查看本区的督查情况",
                ));
            }
            _ => caller.district_code.clone(),
        };
        service::sweep_escalations(&self.state).await?;
        let now = self.state.clock.now();
        let mut scope = staff_scope(&self.state, caller).await?;
        scope.district_code = district.clone();

        // Complaints: the month's by state, the open and overdue ones of any month.
        let made = store::complaints_made_between(db, &scope, from, to).await?;
        let mut counts = ComplaintCounts::default();
        for complaint in &made {
            counts.total += 1;
            match ComplaintState::parse(&complaint.state) {
                Some(ComplaintState::Submitted) => counts.submitted += 1,
                Some(ComplaintState::Acknowledged) => counts.acknowledged += 1,
                Some(ComplaintState::Escalated) => counts.escalated += 1,
                Some(ComplaintState::Resolved) => counts.resolved += 1,
                Some(ComplaintState::Closed) => counts.closed += 1,
                None => {}
            }
        }
        let open: Vec<&str> = ComplaintState::OPEN.iter().map(|s| s.as_str()).collect();
        let open_complaints = entity::complaint::Entity::find()
            .filter(scope.condition())
            .filter(entity::complaint::Column::State.is_in(open))
            .count(db)
            .await?;
        let overdue_condition = Condition::all()
            .add(scope.condition())
            .add(store::overdue_condition(now));
        let overdue_total = entity::complaint::Entity::find()
            .filter(overdue_condition.clone())
            .count(db)
            .await?;
        let overdue_rows = entity::complaint::Entity::find()
            .filter(overdue_condition)
            .order_by_asc(entity::complaint::Column::CreatedAt)
            .order_by_asc(entity::complaint::Column::Id)
            .limit(50)
            .all(db)
            .await?;
        let overdue = complaint_views(&self.state, overdue_rows, false).await?;

        // Meal points by the month's score.
        let mut points = meal_point::Entity::find()
            .select_only()
            .column(meal_point::Column::Id)
            .column(meal_point::Column::Name)
            .column(meal_point::Column::DistrictCode);
        if let Some(code) = &district {
            points = points.filter(meal_point::Column::DistrictCode.eq(code.as_str()));
        }
        let points: Vec<(i64, String, String)> = points.into_tuple().all(db).await?;
        let ids: Vec<i64> = points.iter().map(|p| p.0).collect();
        let ratings = store::rating_month_totals(db, &ids, from, to).await?;
        let last_day = after.pred_opt().unwrap_or(first);
        let visits = store::inspections_between(db, &ids, first, last_day).await?;
        let mut figures: HashMap<i64, MonthFigures> = HashMap::new();
        for (id, (count, sum)) in ratings {
            let f = figures.entry(id).or_default();
            f.rating_count = count;
            f.rating_overall_sum = sum;
        }
        for visit in &visits {
            figures
                .entry(visit.meal_point_id)
                .or_default()
                .visits
                .push(VisitScores {
                    scores: visit_scores(visit),
                    sample_retained: visit.sample_retained,
                });
        }
        // Shown as made; scored once per complainant.
        let mut made_per_point: HashMap<i64, (u64, u64)> = HashMap::new();
        let mut complainants: HashMap<i64, Vec<(rules::Complainant, bool)>> = HashMap::new();
        for complaint in &made {
            let shown = made_per_point.entry(complaint.meal_point_id).or_default();
            shown.0 += 1;
            shown.1 += u64::from(complaint.escalated);
            complainants
                .entry(complaint.meal_point_id)
                .or_default()
                .push((complaint.complainant, complaint.escalated));
        }
        for (id, who) in &complainants {
            let f = figures.entry(*id).or_default();
            (f.complaints, f.escalated) = rules::count_complainants(who);
        }
        let mut scored: Vec<MealPointScore> = points
            .into_iter()
            .map(|(id, name, district_code)| {
                let f = figures.remove(&id).unwrap_or_default();
                let (complaint_count, escalated_count) =
                    made_per_point.get(&id).copied().unwrap_or_default();
                let all_visit_scores: Vec<u8> =
                    f.visits.iter().flat_map(|v| v.scores.clone()).collect();
                MealPointScore {
                    meal_point_id: id,
                    name,
                    district_code,
                    score: rules::monthly_score(&f),
                    rating_count: f.rating_count,
                    rating_average: (f.rating_count > 0).then(|| {
                        rules::round1(f.rating_overall_sum as f64 / f.rating_count as f64)
                    }),
                    inspection_count: f.visits.len() as u64,
                    inspection_average: mean(&all_visit_scores).map(rules::round1),
                    complaint_count,
                    escalated_count,
                }
            })
            .collect();
        // Lowest score first; without a score last; ties by more complaints, then id.
        scored.sort_by(|a, b| {
            let key = |s: &MealPointScore| s.score.unwrap_or(f64::INFINITY);
            key(a)
                .total_cmp(&key(b))
                .then(b.complaint_count.cmp(&a.complaint_count))
                .then(a.meal_point_id.cmp(&b.meal_point_id))
        });
        scored.truncate(usize::try_from(limit).unwrap_or(20));

        let recent = visits.into_iter().take(20).collect();
        let recent_inspections = inspection_views(&self.state, recent).await?;

        Ok(Json(Overview {
            month: first.format("%Y-%m").to_string(),
            district_code: district,
            complaints_by_state: counts,
            open_complaints,
            overdue,
            overdue_total,
            meal_points: scored,
            recent_inspections,
        }))
    }
}
