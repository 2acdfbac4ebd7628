//! Settlement over HTTP: create and list runs, read a run's statements (scoped: a district clerk
//! sees only what their district funds or serves), the review workflow, adjustments, the audit
//! trail and the exports.

use chrono::{DateTime, NaiveDate, Utc};
use poem_openapi::{
    ApiResponse, Object, OpenApi,
    param::{Path, Query},
    payload::{Binary, Json},
};

use super::{
    export::{self, FileFormat, Statement},
    rules::{AdjustmentKind, Decision, Figures, Reconciliation, RunState, Viewer},
    service::{self, viewer_of},
    statements::Statements,
    store,
};
use crate::{
    auth::{BearerAuth, Caller, Role},
    error::{AppError, AppResult},
    money::Yuan,
    state::AppState,
    tags::ApiTags,
};

pub struct SettlementApi {
    pub state: AppState,
}

const READERS: &[Role] = &[Role::CityAdmin, Role::DistrictClerk];

#[derive(Object)]
pub struct NewRun {
    /// A calendar month, `2026-11`. Without `month`, `from` and `to`, the previous month.
    pub month: Option<String>,
    /// Any date range instead of a month (both ends included).
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

/// Meals and money: of a line, a cell, a district or a whole run.
#[derive(Object)]
pub struct FiguresView {
    pub meals: i64,
    /// 餐费
    pub gross: Yuan,
    /// 个人自付
    pub elder_paid: Yuan,
    /// 补贴合计
    pub subsidy: Yuan,
    /// 市级补贴 (paid by the city)
    pub subsidy_city: Yuan,
    /// 区级补贴 (paid by the funding district)
    pub subsidy_district: Yuan,
    /// 街道补贴 (paid by the funding district)
    pub subsidy_street: Yuan,
}

impl From<Figures> for FiguresView {
    fn from(f: Figures) -> Self {
        FiguresView {
            meals: f.meals,
            gross: Yuan::from_fen(f.gross_fen),
            elder_paid: Yuan::from_fen(f.elder_share_fen),
            subsidy: Yuan::from_fen(f.subsidy_fen),
            subsidy_city: Yuan::from_fen(f.subsidy_city_fen),
            subsidy_district: Yuan::from_fen(f.subsidy_district_fen),
            subsidy_street: Yuan::from_fen(f.subsidy_street_fen),
        }
    }
}

/// Whether the run's lines add up to the period's served orders, to the fen. The figures are
/// city-wide, so only the city admin gets them; a clerk gets the verdict and which totals differ,
/// without the amounts.
#[derive(Object)]
pub struct ReconciliationView {
    pub reconciled: bool,
    pub issues: Vec<String>,
    /// Sum of the run's lines.
    #[oai(skip_serializing_if_is_none)]
    pub lines: Option<FiguresView>,
    /// Sum of the period's served orders.
    #[oai(skip_serializing_if_is_none)]
    pub served_orders: Option<FiguresView>,
    /// Late-served adjustments carried, and those the orders call for.
    #[oai(skip_serializing_if_is_none)]
    pub late_served: Option<FiguresView>,
    #[oai(skip_serializing_if_is_none)]
    pub late_served_expected: Option<FiguresView>,
    /// Meals taken back as invalid.
    #[oai(skip_serializing_if_is_none)]
    pub invalid: Option<FiguresView>,
    /// Lines plus adjustments: what the run settles.
    #[oai(skip_serializing_if_is_none)]
    pub total: Option<FiguresView>,
}

impl ReconciliationView {
    fn of(r: Reconciliation, viewer: &Viewer) -> Self {
        let city = *viewer == Viewer::City;
        let show = |f: Figures| city.then(|| f.into());
        ReconciliationView {
            reconciled: r.reconciled(),
            lines: show(r.lines),
            served_orders: show(r.served_orders),
            late_served: show(r.late_served),
            late_served_expected: show(r.late_served_expected),
            invalid: show(r.invalid),
            total: show(r.total()),
            issues: super::rules::issue_texts(&r.issues, viewer),
        }
    }
}

#[derive(Object)]
pub struct ReviewView {
    pub district_code: String,
    pub district_name: String,
    pub decision: Decision,
    pub decision_label: String,
    /// Shown to the city and to the district itself.
    #[oai(skip_serializing_if_is_none)]
    pub comment: Option<String>,
    #[oai(skip_serializing_if_is_none)]
    pub account_id: Option<i64>,
    #[oai(skip_serializing_if_is_none)]
    pub decided_at: Option<DateTime<Utc>>,
}

#[derive(Object)]
pub struct RunView {
    pub id: i64,
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    pub state: RunState,
    pub state_label: String,
    pub created_by: i64,
    pub created_at: DateTime<Utc>,
    /// When the lines were last worked out from the orders.
    pub computed_at: DateTime<Utc>,
    #[oai(skip_serializing_if_is_none)]
    pub submitted_at: Option<DateTime<Utc>>,
    #[oai(skip_serializing_if_is_none)]
    pub locked_by: Option<i64>,
    #[oai(skip_serializing_if_is_none)]
    pub locked_at: Option<DateTime<Utc>>,
    /// Lines plus adjustments, as far as the caller may see them.
    pub totals: FiguresView,
    /// For a draft, checked against the orders now; for a submitted or locked run, as checked
    /// at submission.
    pub reconciliation: ReconciliationView,
    /// Each involved district's review (after submission).
    pub reviews: Vec<ReviewView>,
}

#[derive(Object)]
pub struct RunSummary {
    pub id: i64,
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    pub state: RunState,
    pub state_label: String,
    pub created_at: DateTime<Utc>,
    #[oai(skip_serializing_if_is_none)]
    pub locked_at: Option<DateTime<Utc>>,
}

#[derive(Object)]
pub struct MealPointLine {
    pub meal_point_id: i64,
    pub meal_point_name: String,
    /// 就餐区: the meal point's district.
    pub service_district_code: String,
    pub service_district_name: String,
    /// 户籍区: the elders' hukou district, which funds district and street subsidy.
    pub funding_district_code: String,
    pub funding_district_name: String,
    /// Lines and adjustments together: what is due to the meal point.
    pub figures: FiguresView,
    /// Of which adjustments (late-served meals, meals taken back).
    pub adjustments: FiguresView,
    /// How the elders paid their share (个人自付), beside the subsidy.
    pub elder_payments: ElderPaymentsView,
}

/// The elders' share (个人自付) by how it was paid.
#[derive(Object)]
pub struct ElderPaymentsView {
    /// 线上支付: through WeChat Pay to the meal point, net of refunds.
    pub online: Yuan,
    /// 到店付款: recorded at the counter.
    pub counter: Yuan,
    /// Neither recorded by the service (cash the counter did not record, refunds, adjustments).
    pub not_recorded: Yuan,
}

impl ElderPaymentsView {
    fn of(online: i64, counter: i64, share: i64) -> Self {
        Self {
            online: Yuan::from_fen(online),
            counter: Yuan::from_fen(counter),
            not_recorded: Yuan::from_fen(share - online - counter),
        }
    }
}

#[derive(Object)]
pub struct MealPointStatement {
    pub lines: Vec<MealPointLine>,
    pub totals: FiguresView,
    pub elder_payments: ElderPaymentsView,
}

#[derive(Object)]
pub struct DistrictLine {
    pub district_code: String,
    pub district_name: String,
    /// Meals served by meal points in the district, any funder.
    pub served: FiguresView,
    /// Meals the district's own elders ate, anywhere.
    pub funded: FiguresView,
    /// Its own elders in its own meal points (the matrix's diagonal).
    pub own: FiguresView,
    /// Owed to it by other districts (their elders' district and street subsidy).
    pub receivable: Yuan,
    /// Owed by it to other districts.
    pub payable: Yuan,
    /// receivable − payable.
    pub net: Yuan,
    /// City-level subsidy of the meals served in the district, owed by the city.
    pub receivable_from_city: Yuan,
}

#[derive(Object)]
pub struct DistrictStatement {
    pub districts: Vec<DistrictLine>,
}

#[derive(Object)]
pub struct MatrixCell {
    /// Row: the funding (hukou) district.
    pub funding_district_code: String,
    pub funding_district_name: String,
    /// Column: the service district.
    pub service_district_code: String,
    pub service_district_name: String,
    pub meals: i64,
    /// What the funding district owes the service district: its district + street subsidy.
    pub amount: Yuan,
    /// City-level subsidy of these meals, owed by the city to the service district.
    pub city_amount: Yuan,
    /// All subsidy of these meals.
    pub subsidy: Yuan,
    pub gross: Yuan,
}

#[derive(Object)]
pub struct DistrictName {
    pub code: String,
    pub name: String,
}

#[derive(Object)]
pub struct Matrix {
    /// Every district the run involves (rows and columns).
    pub districts: Vec<DistrictName>,
    /// Non-empty cells the caller may see.
    pub cells: Vec<MatrixCell>,
    pub total_meals: i64,
    pub total_amount: Yuan,
    pub total_city_amount: Yuan,
}

#[derive(Object)]
pub struct NetPositionView {
    pub district_code: String,
    pub district_name: String,
    pub counterpart_code: String,
    pub counterpart_name: String,
    /// What `district` owes the counterpart (the counterpart served its elders).
    pub payable: Yuan,
    pub meals_payable: i64,
    /// What the counterpart owes `district`.
    pub receivable: Yuan,
    pub meals_receivable: i64,
    /// payable − receivable: positive, `district` pays the counterpart that much.
    pub net: Yuan,
}

#[derive(Object)]
pub struct NetPositions {
    /// Every pair of involved districts once; for a clerk, every pair with their district,
    /// their district first.
    pub positions: Vec<NetPositionView>,
}

#[derive(Object)]
pub struct AdjustmentView {
    pub id: i64,
    pub order_id: String,
    /// Counted late, or taken back.
    pub kind: AdjustmentKind,
    pub kind_label: String,
    pub order_date: NaiveDate,
    pub meal_point_id: i64,
    pub meal_point_name: String,
    pub service_district_code: String,
    pub funding_district_code: String,
    /// Signed: negative when taken back.
    pub figures: FiguresView,
    /// What the funding district owes for it (district + street subsidy, signed).
    pub amount: Yuan,
    pub reason: String,
    pub author_account_id: i64,
    pub created_at: DateTime<Utc>,
}

#[derive(Object)]
pub struct NewAdjustment {
    /// A served order already settled (in a locked run, or in this draft).
    pub order_id: String,
    /// Why the meal is invalid (e.g. 重复核销、非本人就餐).
    #[oai(validator(max_length = 200, pattern = r"\S"))]
    pub reason: String,
}

#[derive(Object)]
pub struct ReviewRequest {
    /// Required to dispute.
    #[oai(validator(max_length = 500))]
    pub comment: Option<String>,
}

#[derive(Object)]
pub struct AuditEntry {
    /// `created`, `recomputed`, `submit_refused`, `submitted`, `confirmed`, `disputed`,
    /// `reopened`, `adjustment_added`, `approved_and_locked`.
    pub action: String,
    #[oai(skip_serializing_if_is_none)]
    pub district_code: Option<String>,
    #[oai(skip_serializing_if_is_none)]
    pub note: Option<String>,
    pub actor_account_id: i64,
    pub actor_role: Role,
    pub at: DateTime<Utc>,
}

#[derive(ApiResponse)]
enum DeletedRun {
    /// Deleted.
    #[oai(status = 204)]
    Deleted,
}

#[derive(ApiResponse)]
enum CreatedRun {
    #[oai(status = 201)]
    Created(Json<RunView>),
}

#[derive(ApiResponse)]
enum ExportFile {
    /// The statement as a file.
    #[oai(status = 200)]
    File(
        Binary<Vec<u8>>,
        /// `text/csv; charset=utf-8` or the XLSX media type.
        #[oai(header = "Content-Type")]
        String,
        #[oai(header = "Content-Disposition")] String,
    ),
}

#[OpenApi(tag = "ApiTags::Settlement")]
impl SettlementApi {
    /// Create a settlement run (draft) for a month or any date range, and work its lines out.
    ///
    /// Periods of runs never overlap: corrections to a settled period go into a later run as
    /// adjustments, which the new run picks up by itself for orders served late. A district
    /// clerk creates runs only for periods that ended before this month (403
    /// `RUN_PERIOD_NOT_CLOSED`); the current month and later are the city's.
    ///
    /// Roles: city_admin, district_clerk.
    #[oai(path = "/settlement-runs", method = "post")]
    async fn create(&self, auth: BearerAuth, body: Json<NewRun>) -> AppResult<CreatedRun> {
        let caller = auth.allow(READERS)?;
        let (from, to) = match (&body.month, body.from, body.to) {
            (Some(month), None, None) => super::rules::month_period(month)?,
            (None, Some(from), Some(to)) => (
                crate::clock::check_business_date("from", from)?,
                crate::clock::check_business_date("to", to)?,
            ),
            (None, None, None) => super::rules::previous_month(self.state.clock.today()),
            _ => {
                return Err(AppError::invalid(
                    "month",
                    "PERIOD_REQUIRED",
                    "请给出月份（month），或同时给出开始和结束日期（from、to）",
                ));
            }
        };
        let run = service::create_run(&self.state, caller, from, to).await?;
        Ok(CreatedRun::Created(Json(self.view(caller, run).await?)))
    }

    /// Settlement runs, newest period first.
    ///
    /// Roles: city_admin, district_clerk.
    #[oai(path = "/settlement-runs", method = "get")]
    async fn list(&self, auth: BearerAuth) -> AppResult<Json<Vec<RunSummary>>> {
        auth.allow(READERS)?;
        let runs = service::runs(&self.state).await?;
        Ok(Json(
            runs.into_iter()
                .map(|r| RunSummary {
                    id: r.id,
                    period_from: r.period_from,
                    period_to: r.period_to,
                    state_label: r.state.label_zh().into(),
                    state: r.state,
                    created_at: r.created_at,
                    locked_at: r.locked_at,
                })
                .collect(),
        ))
    }

    /// One run: its state, totals (scoped for clerks), reconciliation and the districts' reviews.
    ///
    /// Roles: city_admin, district_clerk.
    #[oai(path = "/settlement-runs/:id", method = "get")]
    async fn run(&self, auth: BearerAuth, id: Path<i64>) -> AppResult<Json<RunView>> {
        let caller = auth.allow(READERS)?;
        let details = service::run_details(&self.state, caller, *id).await?;
        Ok(Json(run_view(caller, details)))
    }

    /// Per meal point and funding district: meals served, gross, elder-paid (and how: online,
    /// at the counter), subsidy due by funder level (adjustments included and shown apart).
    ///
    /// Roles: city_admin, district_clerk (only lines their district funds or serves).
    #[oai(path = "/settlement-runs/:id/meal-points", method = "get")]
    async fn meal_points(
        &self,
        auth: BearerAuth,
        id: Path<i64>,
    ) -> AppResult<Json<MealPointStatement>> {
        let (_, s) = self.statements(&auth, *id).await?;
        let total = s.meal_point_total();
        let online: i64 = s.meal_points.iter().map(|r| r.paid_online_fen).sum();
        let counter: i64 = s.meal_points.iter().map(|r| r.paid_counter_fen).sum();
        Ok(Json(MealPointStatement {
            elder_payments: ElderPaymentsView::of(online, counter, total.elder_share_fen),
            totals: total.into(),
            lines: s
                .meal_points
                .iter()
                .map(|r| MealPointLine {
                    meal_point_id: r.meal_point_id,
                    meal_point_name: r.meal_point_name.clone(),
                    service_district_name: s.name(&r.service_district),
                    service_district_code: r.service_district.clone(),
                    funding_district_name: s.name(&r.funding_district),
                    funding_district_code: r.funding_district.clone(),
                    figures: r.figures.into(),
                    adjustments: r.adjustments.into(),
                    elder_payments: ElderPaymentsView::of(
                        r.paid_online_fen,
                        r.paid_counter_fen,
                        r.figures.elder_share_fen,
                    ),
                })
                .collect(),
        }))
    }

    /// Per district: what it served, what its elders ate, receivable, payable and net.
    ///
    /// Roles: city_admin, district_clerk (only their own district).
    #[oai(path = "/settlement-runs/:id/districts", method = "get")]
    async fn districts(
        &self,
        auth: BearerAuth,
        id: Path<i64>,
    ) -> AppResult<Json<DistrictStatement>> {
        let (_, s) = self.statements(&auth, *id).await?;
        Ok(Json(DistrictStatement {
            districts: s
                .district_positions
                .iter()
                .map(|p| DistrictLine {
                    district_code: p.district.clone(),
                    district_name: s.name(&p.district),
                    served: p.served.into(),
                    funded: p.funded.into(),
                    own: p.own.into(),
                    receivable: Yuan::from_fen(p.receivable_fen),
                    payable: Yuan::from_fen(p.payable_fen),
                    net: Yuan::from_fen(p.net_fen()),
                    receivable_from_city: Yuan::from_fen(p.receivable_from_city_fen),
                })
                .collect(),
        }))
    }

    /// The inter-district matrix: funding district × service district → meals and subsidy owed.
    ///
    /// Roles: city_admin, district_clerk (only their district's row and column).
    #[oai(path = "/settlement-runs/:id/matrix", method = "get")]
    async fn matrix(&self, auth: BearerAuth, id: Path<i64>) -> AppResult<Json<Matrix>> {
        let (_, s) = self.statements(&auth, *id).await?;
        let total = s.cell_total();
        Ok(Json(Matrix {
            districts: s
                .districts
                .iter()
                .map(|d| DistrictName {
                    code: d.clone(),
                    name: s.name(d),
                })
                .collect(),
            cells: s
                .cells
                .iter()
                .map(|((funding, service), f)| MatrixCell {
                    funding_district_name: s.name(funding),
                    funding_district_code: funding.clone(),
                    service_district_name: s.name(service),
                    service_district_code: service.clone(),
                    meals: f.meals,
                    amount: Yuan::from_fen(f.owed_by_funding_district_fen()),
                    city_amount: Yuan::from_fen(f.subsidy_city_fen),
                    subsidy: Yuan::from_fen(f.subsidy_fen),
                    gross: Yuan::from_fen(f.gross_fen),
                })
                .collect(),
            total_meals: total.meals,
            total_amount: Yuan::from_fen(total.owed_by_funding_district_fen()),
            total_city_amount: Yuan::from_fen(total.subsidy_city_fen),
        }))
    }

    /// Net positions between districts: what A owes B minus what B owes A.
    ///
    /// Roles: city_admin, district_clerk (only pairs with their district).
    #[oai(path = "/settlement-runs/:id/net-positions", method = "get")]
    async fn net_positions(
        &self,
        auth: BearerAuth,
        id: Path<i64>,
    ) -> AppResult<Json<NetPositions>> {
        let (_, s) = self.statements(&auth, *id).await?;
        Ok(Json(NetPositions {
            positions: s
                .net
                .iter()
                .map(|p| NetPositionView {
                    district_code: p.a.clone(),
                    district_name: s.name(&p.a),
                    counterpart_code: p.b.clone(),
                    counterpart_name: s.name(&p.b),
                    payable: Yuan::from_fen(p.a_owes_b_fen),
                    meals_payable: p.a_owes_b_meals,
                    receivable: Yuan::from_fen(p.b_owes_a_fen),
                    meals_receivable: p.b_owes_a_meals,
                    net: Yuan::from_fen(p.net_fen()),
                })
                .collect(),
        }))
    }

    /// The run's adjustment lines (late-served meals counted now, meals taken back).
    ///
    /// Roles: city_admin, district_clerk (only adjustments their district funds or serves).
    #[oai(path = "/settlement-runs/:id/adjustments", method = "get")]
    async fn adjustments(
        &self,
        auth: BearerAuth,
        id: Path<i64>,
    ) -> AppResult<Json<Vec<AdjustmentView>>> {
        let caller = auth.allow(READERS)?;
        let adjustments = service::adjustments(&self.state, caller, *id).await?;
        Ok(Json(adjustments.into_iter().map(adjustment_view).collect()))
    }

    /// Take back a meal found invalid after it was settled: an adjustment line in this draft,
    /// with the order, its amounts, the reason and the author.
    ///
    /// Roles: city_admin, district_clerk (for orders their district funds or serves).
    #[oai(path = "/settlement-runs/:id/adjustments", method = "post")]
    async fn add_adjustment(
        &self,
        auth: BearerAuth,
        id: Path<i64>,
        body: Json<NewAdjustment>,
    ) -> AppResult<Json<AdjustmentView>> {
        let caller = auth.allow(READERS)?;
        let created = service::add_invalid_adjustment(
            &self.state,
            caller,
            *id,
            body.order_id.trim(),
            &body.reason,
        )
        .await?;
        Ok(Json(adjustment_view(created)))
    }

    /// Delete a draft (a run never submitted) with its lines and adjustments; late-served meals
    /// it carried go to the next run worked out. A submitted or locked run is never deleted.
    ///
    /// Roles: city_admin (any draft), district_clerk (drafts they created).
    #[oai(path = "/settlement-runs/:id", method = "delete")]
    async fn delete(&self, auth: BearerAuth, id: Path<i64>) -> AppResult<DeletedRun> {
        let caller = auth.allow(READERS)?;
        service::delete_draft(&self.state, caller, *id).await?;
        Ok(DeletedRun::Deleted)
    }

    /// Work a draft's lines out again from the orders as they are now.
    ///
    /// Roles: city_admin, district_clerk.
    #[oai(path = "/settlement-runs/:id/recompute", method = "post")]
    async fn recompute(&self, auth: BearerAuth, id: Path<i64>) -> AppResult<Json<RunView>> {
        let caller = auth.allow(READERS)?;
        let run = service::recompute(&self.state, caller, *id).await?;
        Ok(Json(self.view(caller, run).await?))
    }

    /// Submit a draft for the districts' review. Refused (`RUN_NOT_RECONCILED`) unless its lines
    /// equal the period's served orders to the fen and it carries every late-served order due.
    ///
    /// Roles: city_admin, district_clerk.
    #[oai(path = "/settlement-runs/:id/submit", method = "post")]
    async fn submit(&self, auth: BearerAuth, id: Path<i64>) -> AppResult<Json<RunView>> {
        let caller = auth.allow(READERS)?;
        let run = service::submit(&self.state, caller, *id).await?;
        Ok(Json(self.view(caller, run).await?))
    }

    /// Confirm the lines your district pays or serves.
    ///
    /// Roles: district_clerk.
    #[oai(path = "/settlement-runs/:id/confirm", method = "post")]
    async fn confirm(
        &self,
        auth: BearerAuth,
        id: Path<i64>,
        body: Json<ReviewRequest>,
    ) -> AppResult<Json<RunView>> {
        let caller = auth.allow(&[Role::DistrictClerk])?;
        let run = service::review(
            &self.state,
            caller,
            *id,
            Decision::Confirmed,
            body.comment.as_deref(),
        )
        .await?;
        Ok(Json(self.view(caller, run).await?))
    }

    /// Dispute the lines your district pays or serves, with a comment.
    ///
    /// Roles: district_clerk.
    #[oai(path = "/settlement-runs/:id/dispute", method = "post")]
    async fn dispute(
        &self,
        auth: BearerAuth,
        id: Path<i64>,
        body: Json<ReviewRequest>,
    ) -> AppResult<Json<RunView>> {
        let caller = auth.allow(&[Role::DistrictClerk])?;
        let run = service::review(
            &self.state,
            caller,
            *id,
            Decision::Disputed,
            body.comment.as_deref(),
        )
        .await?;
        Ok(Json(self.view(caller, run).await?))
    }

    /// Send a submitted run back to draft (e.g. after a dispute), to recompute or adjust it.
    ///
    /// Roles: city_admin.
    #[oai(path = "/settlement-runs/:id/reopen", method = "post")]
    async fn reopen(
        &self,
        auth: BearerAuth,
        id: Path<i64>,
        body: Json<ReviewRequest>,
    ) -> AppResult<Json<RunView>> {
        let caller = auth.allow(&[Role::CityAdmin])?;
        let run = service::reopen(&self.state, caller, *id, body.comment.as_deref()).await?;
        Ok(Json(self.view(caller, run).await?))
    }

    /// Approve a run every involved district has confirmed, and lock it for ever.
    ///
    /// Roles: city_admin.
    #[oai(path = "/settlement-runs/:id/approve", method = "post")]
    async fn approve(&self, auth: BearerAuth, id: Path<i64>) -> AppResult<Json<RunView>> {
        let caller = auth.allow(&[Role::CityAdmin])?;
        let run = service::approve(&self.state, caller, *id).await?;
        Ok(Json(self.view(caller, run).await?))
    }

    /// The run's audit trail: every step, who and when, oldest first.
    ///
    /// Roles: city_admin, district_clerk (steps about the whole run or their district).
    #[oai(path = "/settlement-runs/:id/audit", method = "get")]
    async fn audit(&self, auth: BearerAuth, id: Path<i64>) -> AppResult<Json<Vec<AuditEntry>>> {
        let caller = auth.allow(READERS)?;
        Ok(Json(
            service::audit_trail(&self.state, caller, *id)
                .await?
                .into_iter()
                .map(|e| AuditEntry {
                    action: e.action.as_str().to_string(),
                    district_code: e.district_code,
                    note: e.note,
                    actor_account_id: e.actor_account_id,
                    actor_role: e.actor_role,
                    at: e.at,
                })
                .collect(),
        ))
    }

    /// Export a statement as CSV (UTF-8 with BOM) or XLSX, with Chinese headers and a totals row.
    ///
    /// Roles: city_admin, district_clerk (the same scope as the statement's endpoint).
    #[oai(path = "/settlement-runs/:id/export", method = "get")]
    async fn export(
        &self,
        auth: BearerAuth,
        id: Path<i64>,
        /// `meal_points`, `districts`, `matrix` or `net`.
        statement: Query<String>,
        /// `csv` or `xlsx`.
        format: Query<String>,
    ) -> AppResult<ExportFile> {
        let statement = Statement::parse(&statement).ok_or_else(|| {
            AppError::invalid(
                "statement",
                "STATEMENT_INVALID",
                "报表只能是 meal_points、districts、matrix 或 net",
            )
        })?;
        let format = FileFormat::parse(&format).ok_or_else(|| {
            AppError::invalid("format", "FORMAT_INVALID", "导出格式只能是 csv 或 xlsx")
        })?;
        let (run, s) = self.statements(&auth, *id).await?;
        let table = export::table(statement, &s);
        let bytes = match format {
            FileFormat::Csv => export::to_csv(&table)?,
            FileFormat::Xlsx => export::to_xlsx(&table)?,
        };
        let filename = format!(
            "settlement-{}-{}-{}.{}",
            run.id,
            run.period_from.format("%Y%m%d"),
            statement.as_str(),
            format.extension()
        );
        Ok(ExportFile::File(
            Binary(bytes),
            format.content_type().to_string(),
            format!("attachment; filename=\"{filename}\""),
        ))
    }
}

fn adjustment_view(a: entity::settlement_adjustment::Model) -> AdjustmentView {
    let figures = store::adjustment_figures(&a);
    AdjustmentView {
        id: a.id,
        kind_label: a.kind.label_zh().into(),
        kind: a.kind,
        order_id: a.order_id,
        order_date: a.order_date,
        meal_point_id: a.meal_point_id,
        meal_point_name: a.meal_point_name,
        service_district_code: a.service_district_code,
        funding_district_code: a.funding_district_code,
        amount: Yuan::from_fen(figures.owed_by_funding_district_fen()),
        figures: figures.into(),
        reason: a.reason,
        author_account_id: a.author_account_id,
        created_at: a.created_at,
    }
}

impl SettlementApi {
    async fn statements(
        &self,
        auth: &BearerAuth,
        run_id: i64,
    ) -> AppResult<(entity::settlement_run::Model, Statements)> {
        let caller = auth.allow(READERS)?;
        Ok(service::statements_of(&self.state, caller, run_id).await?)
    }

    /// A run a step just moved, as its reader sees it.
    async fn view(
        &self,
        caller: &Caller,
        run: entity::settlement_run::Model,
    ) -> AppResult<RunView> {
        let details = service::details(&self.state, caller, run).await?;
        Ok(run_view(caller, details))
    }
}

fn run_view(caller: &Caller, details: service::RunDetails) -> RunView {
    let service::RunDetails {
        run,
        reconciliation,
        statements: s,
        reviews,
    } = details;
    let viewer = viewer_of(caller);
    let reviews = reviews
        .into_iter()
        .map(|r| {
            let decision = r.decision;
            ReviewView {
                district_name: s.name(&r.district_code),
                comment: r.comment.filter(|_| viewer.sees_district(&r.district_code)),
                district_code: r.district_code,
                decision,
                decision_label: decision.label_zh().into(),
                account_id: r.account_id,
                decided_at: r.decided_at,
            }
        })
        .collect();
    RunView {
        id: run.id,
        period_from: run.period_from,
        period_to: run.period_to,
        state_label: run.state.label_zh().into(),
        state: run.state,
        created_by: run.created_by,
        created_at: run.created_at,
        computed_at: run.computed_at,
        submitted_at: run.submitted_at,
        locked_by: run.locked_by,
        locked_at: run.locked_at,
        totals: s.meal_point_total().into(),
        reconciliation: ReconciliationView::of(reconciliation, &viewer),
        reviews,
    }
}
