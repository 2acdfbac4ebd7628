//! Reconciliation over HTTP: run a day's import, list the bills and what they showed.

use chrono::{DateTime, NaiveDate, Utc};
use poem_openapi::{Object, OpenApi, param::Query, payload::Json};
use vocabulary::Discrepancy;

use super::service;
use crate::{
    auth::{BearerAuth, Role},
    error::{AppError, AppResult, DomainError},
    money::Yuan,
    state::AppState,
    tags::ApiTags,
};

pub struct ReconciliationApi {
    pub state: AppState,
}

/// The longest span one listing covers.
const MAX_DAYS: i64 = 62;

#[derive(Object)]
struct BillImportRequest {
    /// The day (Shanghai) whose bills to import; it must have ended.
    date: NaiveDate,
}

/// One meal point's imported bill of a day.
#[derive(Object, Debug, serde::Deserialize)]
pub struct BillImportView {
    pub meal_point_id: i64,
    pub meal_point_name: String,
    pub sub_mchid: String,
    pub bill_date: NaiveDate,
    /// 总交易单数: payment and refund rows.
    pub trades: i32,
    /// 订单总金额: what the bill says was paid.
    pub paid: Yuan,
    /// 退款总金额.
    pub refunded: Yuan,
    /// How many differences the match found.
    pub findings: i32,
    pub imported_at: DateTime<Utc>,
}

/// One meal point's import as the run went: the bill, or why there is none.
#[derive(Object, Debug, serde::Deserialize)]
pub struct BillImportOutcomeView {
    pub meal_point_id: i64,
    #[oai(skip_serializing_if_is_none)]
    pub bill: Option<BillImportView>,
    /// The error code when the bill could not be imported (`BILL_NOT_READY`, `WECHATPAY_ERROR` …).
    #[oai(skip_serializing_if_is_none)]
    pub error_code: Option<String>,
    #[oai(skip_serializing_if_is_none)]
    pub error_message: Option<String>,
}

#[derive(Object, Debug, serde::Deserialize)]
pub struct BillImportRunView {
    pub date: NaiveDate,
    pub meal_points: Vec<BillImportOutcomeView>,
}

/// One difference between a bill and the orders.
#[derive(Object, Debug, serde::Deserialize)]
pub struct BillFindingView {
    pub id: i64,
    pub bill_date: NaiveDate,
    pub meal_point_id: i64,
    pub meal_point_name: String,
    pub kind: Discrepancy,
    pub kind_label: String,
    #[oai(skip_serializing_if_is_none)]
    pub order_id: Option<String>,
    #[oai(skip_serializing_if_is_none)]
    pub out_trade_no: Option<String>,
    #[oai(skip_serializing_if_is_none)]
    pub out_refund_no: Option<String>,
    /// What the service recorded.
    #[oai(skip_serializing_if_is_none)]
    pub ours: Option<Yuan>,
    /// What the bill says.
    #[oai(skip_serializing_if_is_none)]
    pub billed: Option<Yuan>,
    pub note: String,
}

#[derive(Object, Debug, serde::Deserialize)]
pub struct PaymentReconciliationView {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub bills: Vec<BillImportView>,
    pub findings: Vec<BillFindingView>,
}

fn bill_view(row: entity::bill_import::Model, name: String) -> BillImportView {
    BillImportView {
        meal_point_id: row.meal_point_id,
        meal_point_name: name,
        sub_mchid: row.sub_mchid,
        bill_date: row.bill_date,
        trades: row.trades,
        paid: Yuan::from_fen(row.paid_fen),
        refunded: Yuan::from_fen(row.refunded_fen),
        findings: row.findings,
        imported_at: row.imported_at,
    }
}

#[OpenApi(tag = "ApiTags::Payments")]
impl ReconciliationApi {
    /// Import a day's WeChat Pay trade bills and match them against the orders (对账).
    ///
    /// The job does this by itself each morning for the day before; this runs it again (a
    /// re-import replaces the day's findings, never adds to them). Each meal point answers on its
    /// own: its bill, or why none could be had (`BILL_NOT_READY` before 10:00, `WECHATPAY_ERROR`).
    /// 409 `DAY_NOT_OVER` for today or later.
    ///
    /// Roles: operator (their meal points), city_admin (all).
    #[oai(path = "/reconciliation/imports", method = "post")]
    async fn import(
        &self,
        auth: BearerAuth,
        body: Json<BillImportRequest>,
    ) -> AppResult<Json<BillImportRunView>> {
        let caller = auth.allow(&[Role::Operator, Role::CityAdmin])?;
        let date = crate::clock::check_business_date("date", body.0.date)?;
        let imports = service::import_day(&self.state, caller, date)
            .await
            .map_err(AppError::from)?;
        let mut meal_points = Vec::new();
        for import in imports {
            let view = match import.outcome {
                Ok(row) => BillImportOutcomeView {
                    meal_point_id: import.meal_point_id,
                    bill: Some(bill_view(row, import.meal_point_name)),
                    error_code: None,
                    error_message: None,
                },
                Err(err) => {
                    tracing::warn!(%err, meal_point = import.meal_point_id, %date, "bill import failed");
                    BillImportOutcomeView {
                        meal_point_id: import.meal_point_id,
                        bill: None,
                        error_code: Some(err.code().to_string()),
                        error_message: Some(err.message().into_owned()),
                    }
                }
            };
            meal_points.push(view);
        }
        Ok(Json(BillImportRunView { date, meal_points }))
    }

    /// The imported bills and the differences they showed, newest day first: paid and not
    /// served, served and not paid, refunded twice, amounts that differ, in the bill but unknown,
    /// known but missing from the bill. Defaults to yesterday; at most 62 days.
    ///
    /// Roles: operator (their meal points), city_admin (all).
    #[oai(path = "/reconciliation", method = "get")]
    async fn list(
        &self,
        auth: BearerAuth,
        from: Query<Option<NaiveDate>>,
        to: Query<Option<NaiveDate>>,
        kind: Query<Option<Discrepancy>>,
    ) -> AppResult<Json<PaymentReconciliationView>> {
        let caller = auth.allow(&[Role::Operator, Role::CityAdmin])?;
        let yesterday = self
            .state
            .clock
            .today()
            .pred_opt()
            .unwrap_or_else(|| self.state.clock.today());
        let from = crate::clock::check_business_date("from", from.0.unwrap_or(yesterday))?;
        let to = crate::clock::check_business_date("to", to.0.unwrap_or(from.max(yesterday)))?;
        if to < from {
            return Err(AppError::invalid(
                "to",
                "PERIOD_INVALID",
                "结束日期不能早于开始日期",
            ));
        }
        if (to - from).num_days() >= MAX_DAYS {
            return Err(AppError::invalid(
                "to",
                "PERIOD_TOO_LONG",
                "一次最多查看 62 天",
            ));
        }
        let listing = service::list(&self.state, caller, from, to, kind.0).await?;
        let name = |id: i64| listing.names.get(&id).cloned().unwrap_or_default();
        Ok(Json(PaymentReconciliationView {
            from,
            to,
            bills: listing
                .imports
                .into_iter()
                .map(|row| {
                    let n = name(row.meal_point_id);
                    bill_view(row, n)
                })
                .collect(),
            findings: listing
                .items
                .into_iter()
                .map(|item| BillFindingView {
                    id: item.id,
                    bill_date: item.bill_date,
                    meal_point_id: item.meal_point_id,
                    meal_point_name: name(item.meal_point_id),
                    kind_label: item.kind.label_zh().to_string(),
                    kind: item.kind,
                    order_id: item.order_id,
                    out_trade_no: item.out_trade_no,
                    out_refund_no: item.out_refund_no,
                    ours: item.ours_fen.map(Yuan::from_fen),
                    billed: item.billed_fen.map(Yuan::from_fen),
                    note: item.note,
                })
                .collect(),
        }))
    }
}
