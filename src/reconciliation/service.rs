//! Importing a day's trade bills and listing what they showed.

use std::time::Duration as StdDuration;

use chrono::{NaiveDate, NaiveTime};
use entity::{bill_import, reconciliation_item};
use sea_orm::TransactionTrait;
use vocabulary::{Discrepancy, Role};

use super::{
    error::ReconciliationError,
    rules::{self, DayFacts},
    store::{self, Imported, SubMerchant},
};
use crate::{
    auth::Caller,
    clock::SHANGHAI,
    error::AppResult,
    meal_points,
    state::AppState,
    wechat::pay::{PayError, bill},
};

/// WeChat Pay has a day's bill ready by 10:00 the next morning (Shanghai); the job waits for it.
pub const BILL_READY_AT: NaiveTime = match NaiveTime::from_hms_opt(10, 0, 0) {
    Some(time) => time,
    None => panic!("10:00 is a time"),
};

/// The meal points a caller reconciles: all for the city (`None`), their own for an operator.
async fn scope_of(
    state: &AppState,
    caller: &Caller,
) -> Result<Option<Vec<i64>>, ReconciliationError> {
    match caller.role {
        Role::CityAdmin => Ok(None),
        Role::Operator => Ok(Some(
            meal_points::store::meal_points_of_operator(&state.db, caller.account_id)
                .await?
                .into_iter()
                .map(|m| m.id)
                .collect(),
        )),
        _ => Err(ReconciliationError::NotForRole),
    }
}

/// One meal point's import of the day: the bill and what it showed, or why it could not be had.
pub struct DayImport {
    pub meal_point_id: i64,
    pub meal_point_name: String,
    pub outcome: Result<bill_import::Model, ReconciliationError>,
}

/// Imports `date`'s bill of every meal point the caller reconciles, replacing any earlier import
/// of that day (a re-import finds the same things once).
pub async fn import_day(
    state: &AppState,
    caller: &Caller,
    date: NaiveDate,
) -> Result<Vec<DayImport>, ReconciliationError> {
    rules::check_day_over(date, state.clock.today())?;
    let scope = scope_of(state, caller).await?;
    let subs = store::sub_merchants(&state.db, scope.as_deref()).await?;
    let mut names =
        meal_points::store::names_of(&state.db, subs.iter().map(|s| s.meal_point_id)).await?;
    let mut imports = Vec::new();
    for sub in subs {
        imports.push(DayImport {
            meal_point_id: sub.meal_point_id,
            meal_point_name: names.remove(&sub.meal_point_id).unwrap_or_default(),
            outcome: import_one(state, &sub, date).await,
        });
    }
    Ok(imports)
}

async fn import_one(
    state: &AppState,
    sub: &SubMerchant,
    date: NaiveDate,
) -> Result<bill_import::Model, ReconciliationError> {
    let (_, outcome) = state.pay.trade_bill(&sub.sub_mchid, date).await;
    let raw = match outcome {
        Ok(text) => text.unwrap_or_default(),
        Err(PayError::Refused { code, .. }) if code == "STATEMENT_CREATING" => {
            return Err(ReconciliationError::BillNotReady);
        }
        Err(err) => return Err(err.into()),
    };
    // No bill: WeChat Pay had no trade that day (`NO_STATEMENT_EXIST`).
    let parsed = if raw.is_empty() {
        bill::Bill::default()
    } else {
        bill::parse(&raw)?
    };
    let named: Vec<String> = parsed.rows.iter().map(|r| r.out_trade_no.clone()).collect();
    let (trades, refunds) = store::money_of_day(&state.db, &sub.sub_mchid, date, &named).await?;
    let meals = store::meals_of_day(&state.db, sub, date).await?;
    let findings = rules::reconcile(&DayFacts {
        date,
        meal_point_id: sub.meal_point_id,
        sub_mchid: &sub.sub_mchid,
        bill: &parsed,
        trades: &trades,
        refunds: &refunds,
        meals: &meals,
    });
    let txn = state.db.begin().await?;
    let row = store::replace_import(
        &txn,
        Imported {
            sub_mchid: sub.sub_mchid.clone(),
            bill_date: date,
            meal_point_id: sub.meal_point_id,
            trades: i32::try_from(parsed.trades).unwrap_or(i32::MAX),
            paid_fen: parsed.paid_fen,
            refunded_fen: parsed.refunded_fen,
            raw,
            imported_at: state.clock.now(),
        },
        &findings,
    )
    .await?;
    txn.commit().await?;
    Ok(row)
}

/// The job: once yesterday's bills are ready, imports each sub-merchant's that is not imported
/// yet. Several instances may run it at once; [`store::replace_import`] makes the second one
/// replace the first's findings, never add to them.
pub async fn import_due(state: &AppState) -> AppResult<u32> {
    let now = state.clock.now().with_timezone(&SHANGHAI);
    if now.time() < BILL_READY_AT {
        return Ok(0);
    }
    let Some(yesterday) = now.date_naive().pred_opt() else {
        return Ok(0);
    };
    let mut imported = 0;
    for sub in store::sub_merchants(&state.db, None).await? {
        if store::imported(&state.db, &sub.sub_mchid, yesterday).await? {
            continue;
        }
        match import_one(state, &sub, yesterday).await {
            Ok(_) => imported += 1,
            Err(err) => {
                tracing::warn!(%err, meal_point = sub.meal_point_id, %yesterday, "bill import failed; the next pass tries again")
            }
        }
    }
    Ok(imported)
}

/// Runs [`import_due`] every ten minutes for the life of the process.
pub fn spawn_importer(state: AppState) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(StdDuration::from_secs(600));
        loop {
            tick.tick().await;
            if let Err(err) = import_due(&state).await {
                tracing::warn!(%err, "bill import pass failed");
            }
        }
    });
}

/// The imported bills and their findings over some days, as the caller may see them.
pub struct Listing {
    pub imports: Vec<bill_import::Model>,
    pub items: Vec<reconciliation_item::Model>,
    pub names: std::collections::HashMap<i64, String>,
}

pub async fn list(
    state: &AppState,
    caller: &Caller,
    from: NaiveDate,
    to: NaiveDate,
    kind: Option<Discrepancy>,
) -> Result<Listing, ReconciliationError> {
    let scope = scope_of(state, caller).await?;
    let (imports, items) = store::list(&state.db, scope.as_deref(), from, to, kind).await?;
    let names = meal_points::store::names_of(
        &state.db,
        imports
            .iter()
            .map(|i| i.meal_point_id)
            .chain(items.iter().map(|i| i.meal_point_id)),
    )
    .await?;
    Ok(Listing {
        imports,
        items,
        names,
    })
}
