//! The run's workflow: each step reads the run inside a transaction, checks the rules, changes
//! it and writes the audit entry in the same commit.

use chrono::NaiveDate;
use entity::settlement_run as run;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, TransactionTrait};

use super::{
    error::SettlementError,
    rules::{self, AdjustmentKind, Decision, Reconciliation, RunState, Step, Viewer},
    statements::{self, Statements},
    store::{self, Audit},
};
use crate::{auth::Caller, state::AppState};
use vocabulary::RunAction;

pub fn viewer_of(caller: &Caller) -> Viewer {
    match (&caller.role, &caller.district_code) {
        (crate::auth::Role::DistrictClerk, Some(d)) => Viewer::District(d.clone()),
        (crate::auth::Role::DistrictClerk, None) => Viewer::District(String::new()),
        _ => Viewer::City,
    }
}

fn audit_note(text: impl Into<String>) -> Option<String> {
    Some(text.into())
}

/// Every run, newest period first.
pub async fn runs(state: &AppState) -> Result<Vec<run::Model>, SettlementError> {
    store::list_runs(&state.db).await
}

/// A run as its reader sees it: the reconciliation, the statements scoped to the reader, the
/// districts' reviews.
pub struct RunDetails {
    pub run: run::Model,
    pub reconciliation: Reconciliation,
    pub statements: Statements,
    pub reviews: Vec<entity::settlement_review::Model>,
}

/// What a reader sees of a run just read or moved.
pub async fn details(
    state: &AppState,
    caller: &Caller,
    run: run::Model,
) -> Result<RunDetails, SettlementError> {
    let db = &state.db;
    let reconciliation = store::reconciliation_of(db, &run).await?;
    let statements = statements::load(db, run.id, &viewer_of(caller)).await?;
    let reviews = store::reviews_of(db, run.id).await?;
    Ok(RunDetails {
        run,
        reconciliation,
        statements,
        reviews,
    })
}

/// One run (404 `RUN_NOT_FOUND`), as its reader sees it.
pub async fn run_details(
    state: &AppState,
    caller: &Caller,
    run_id: i64,
) -> Result<RunDetails, SettlementError> {
    let run = store::require_run(&state.db, run_id).await?;
    details(state, caller, run).await
}

/// A run's statements, scoped to the reader.
pub async fn statements_of(
    state: &AppState,
    caller: &Caller,
    run_id: i64,
) -> Result<(run::Model, Statements), SettlementError> {
    let run = store::require_run(&state.db, run_id).await?;
    let statements = statements::load(&state.db, run.id, &viewer_of(caller)).await?;
    Ok((run, statements))
}

/// A run's adjustment lines the reader's district funds or serves (all of them for the city).
pub async fn adjustments(
    state: &AppState,
    caller: &Caller,
    run_id: i64,
) -> Result<Vec<entity::settlement_adjustment::Model>, SettlementError> {
    store::require_run(&state.db, run_id).await?;
    let viewer = viewer_of(caller);
    let mut adjustments = store::adjustments_of(&state.db, run_id).await?;
    adjustments.retain(|a| viewer.sees(&a.funding_district_code, &a.service_district_code));
    Ok(adjustments)
}

/// A run's audit trail, oldest first: the steps about the whole run, and those about the
/// reader's district (all of them for the city).
pub async fn audit_trail(
    state: &AppState,
    caller: &Caller,
    run_id: i64,
) -> Result<Vec<entity::settlement_event::Model>, SettlementError> {
    store::require_run(&state.db, run_id).await?;
    let viewer = viewer_of(caller);
    let mut events = store::events_of(&state.db, run_id).await?;
    events.retain(|e| match (&e.district_code, &e.other_district_code) {
        (None, None) => true,
        (Some(a), None) | (None, Some(a)) => viewer.sees_district(a),
        (Some(a), Some(b)) => viewer.sees(a, b),
    });
    Ok(events)
}

/// Creates a draft run for `from..=to` and works its lines out.
pub async fn create_run(
    state: &AppState,
    caller: &Caller,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<run::Model, SettlementError> {
    rules::check_period(from, to)?;
    rules::check_may_create(&viewer_of(caller), to, state.clock.today())?;
    let now = state.clock.now();
    let txn = state.db.begin().await?;
    store::serialise_run_creation(&txn).await?;
    if let Some(other) = store::overlapping_runs(&txn, from, to).await?.first() {
        return Err(SettlementError::PeriodOverlaps {
            id: other.id,
            from: other.period_from,
            to: other.period_to,
        });
    }
    let created = run::ActiveModel {
        period_from: Set(from),
        period_to: Set(to),
        state: Set(RunState::Draft),
        created_by: Set(caller.account_id),
        created_at: Set(now),
        computed_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    store::compute_lines(&txn, &created).await?;
    store::compute_late_served(&txn, &created, caller, now).await?;
    store::audit(
        &txn,
        created.id,
        caller,
        Audit {
            step: RunAction::Created,
            districts: (None, None),
            note: audit_note(format!("结算期间 {from} 至 {to}")),
        },
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(created)
}

/// Works a draft's lines and late-served adjustments out again from the orders as they are now.
pub async fn recompute(
    state: &AppState,
    caller: &Caller,
    run_id: i64,
) -> Result<run::Model, SettlementError> {
    let now = state.clock.now();
    let txn = state.db.begin().await?;
    let (run, _) = store::lock_step(&txn, run_id, Step::Recompute).await?;
    store::compute_lines(&txn, &run).await?;
    store::compute_late_served(&txn, &run, caller, now).await?;
    store::set_state(&txn, run.id, RunState::Draft, RunState::Draft, |u| {
        u.col_expr(
            run::Column::ComputedAt,
            sea_orm::sea_query::Expr::value(now),
        )
    })
    .await?;
    store::audit(
        &txn,
        run.id,
        caller,
        Audit {
            step: RunAction::Recomputed,
            districts: (None, None),
            note: None,
        },
        now,
    )
    .await?;
    txn.commit().await?;
    store::require_run(&state.db, run_id).await
}

/// Submits a draft for the districts' review, only if it reconciles with the orders now. A
/// refusal is recorded in the audit trail too.
pub async fn submit(
    state: &AppState,
    caller: &Caller,
    run_id: i64,
) -> Result<run::Model, SettlementError> {
    let now = state.clock.now();
    let txn = state.db.begin().await?;
    let (run, next) = store::lock_step(&txn, run_id, Step::Submit).await?;
    let author = store::author_of(&txn, run.created_by).await?;
    let involved = rules::districts_involved(&store::flows_of(&txn, run.id).await?);
    rules::check_may_submit(&viewer_of(caller), &author, &involved)?;
    let reconciliation = store::reconcile(&txn, &run).await?;
    if let Err(refused) = rules::check_reconciled(&reconciliation, &viewer_of(caller)) {
        // Every involved clerk reads the audit trail: the note names what differs, without the
        // city-wide figures (the city reads those in the draft's reconciliation).
        let district = rules::Viewer::District(String::new());
        store::audit(
            &txn,
            run.id,
            caller,
            Audit {
                step: RunAction::SubmitRefused,
                districts: (None, None),
                note: audit_note(rules::issue_texts(&reconciliation.issues, &district).join("；")),
            },
            now,
        )
        .await?;
        txn.commit().await?;
        return Err(refused.into());
    }
    let json = serde_json::to_string(&reconciliation)
        .map_err(|e| SettlementError::Internal(e.to_string()))?;
    store::set_state(&txn, run.id, RunState::Draft, next, |u| {
        u.col_expr(
            run::Column::SubmittedAt,
            sea_orm::sea_query::Expr::value(Some(now)),
        )
        .col_expr(
            run::Column::ReconciliationJson,
            sea_orm::sea_query::Expr::value(Some(json)),
        )
    })
    .await?;
    let flows = store::flows_of(&txn, run.id).await?;
    store::open_reviews(&txn, run.id, &rules::districts_involved(&flows)).await?;
    store::audit(
        &txn,
        run.id,
        caller,
        Audit {
            step: RunAction::Submitted,
            districts: (None, None),
            note: None,
        },
        now,
    )
    .await?;
    txn.commit().await?;
    store::require_run(&state.db, run_id).await
}

/// Throws a draft away with its lines and adjustments: the city admin any draft, a clerk the
/// drafts they created. The late-served meals it carried go to the next run that is worked out.
pub async fn delete_draft(
    state: &AppState,
    caller: &Caller,
    run_id: i64,
) -> Result<(), SettlementError> {
    let txn = state.db.begin().await?;
    let (run, _) = store::lock_step(&txn, run_id, Step::Delete).await?;
    rules::check_may_delete(&viewer_of(caller), run.created_by, caller.account_id)?;
    store::delete_draft(&txn, run.id).await?;
    txn.commit().await?;
    tracing::info!(
        run = run.id,
        from = %run.period_from,
        to = %run.period_to,
        by = caller.account_id,
        "settlement draft deleted"
    );
    Ok(())
}

/// A district clerk confirms or disputes the lines their district pays or serves.
pub async fn review(
    state: &AppState,
    caller: &Caller,
    run_id: i64,
    decision: Decision,
    comment: Option<&str>,
) -> Result<run::Model, SettlementError> {
    let action = match decision {
        Decision::Confirmed => RunAction::Confirmed,
        Decision::Disputed => RunAction::Disputed,
        // "Pending" is where a district stands before it reviews; no review decides it.
        Decision::Pending => {
            return Err(SettlementError::Internal(
                "a review confirms or disputes".to_string(),
            ));
        }
    };
    let comment = rules::check_comment(decision, comment)?;
    let now = state.clock.now();
    let txn = state.db.begin().await?;
    let (run, _) = store::lock_step(&txn, run_id, Step::Review).await?;
    let involved: Vec<String> = store::reviews_of(&txn, run.id)
        .await?
        .into_iter()
        .map(|r| r.district_code)
        .collect();
    let district = rules::may_review(caller.district_code.as_deref(), &involved)?;
    store::record_review(
        &txn,
        run.id,
        &district,
        decision,
        comment.clone(),
        caller.account_id,
        now,
    )
    .await?;
    store::audit(
        &txn,
        run.id,
        caller,
        Audit {
            step: action,
            districts: (Some(&district), None),
            note: comment,
        },
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(run)
}

/// The city sends a submitted run back to draft (after a dispute, to recompute or adjust).
pub async fn reopen(
    state: &AppState,
    caller: &Caller,
    run_id: i64,
    comment: Option<&str>,
) -> Result<run::Model, SettlementError> {
    let comment = rules::check_comment(Decision::Pending, comment)?;
    let now = state.clock.now();
    let txn = state.db.begin().await?;
    let (run, next) = store::lock_step(&txn, run_id, Step::Reopen).await?;
    store::set_state(&txn, run.id, RunState::Submitted, next, |u| {
        u.col_expr(
            run::Column::SubmittedAt,
            sea_orm::sea_query::Expr::value(Option::<chrono::DateTime<chrono::Utc>>::None),
        )
        .col_expr(
            run::Column::ReconciliationJson,
            sea_orm::sea_query::Expr::value(Option::<String>::None),
        )
    })
    .await?;
    store::audit(
        &txn,
        run.id,
        caller,
        Audit {
            step: RunAction::Reopened,
            districts: (None, None),
            note: comment,
        },
        now,
    )
    .await?;
    txn.commit().await?;
    store::require_run(&state.db, run_id).await
}

/// The city approves a run every involved district has confirmed, and locks it.
pub async fn approve(
    state: &AppState,
    caller: &Caller,
    run_id: i64,
) -> Result<run::Model, SettlementError> {
    let now = state.clock.now();
    let txn = state.db.begin().await?;
    let (run, next) = store::lock_step(&txn, run_id, Step::Approve).await?;
    let reviews: Vec<(String, Decision)> = store::reviews_of(&txn, run.id)
        .await?
        .into_iter()
        .map(|r| (r.district_code, r.decision))
        .collect();
    rules::check_all_confirmed(&reviews)?;
    store::set_state(&txn, run.id, RunState::Submitted, next, |u| {
        u.col_expr(
            run::Column::LockedBy,
            sea_orm::sea_query::Expr::value(Some(caller.account_id)),
        )
        .col_expr(
            run::Column::LockedAt,
            sea_orm::sea_query::Expr::value(Some(now)),
        )
    })
    .await?;
    store::audit(
        &txn,
        run.id,
        caller,
        Audit {
            step: RunAction::ApprovedAndLocked,
            districts: (None, None),
            note: None,
        },
        now,
    )
    .await?;
    txn.commit().await?;
    store::require_run(&state.db, run_id).await
}

/// Takes back a meal found invalid after it was settled, as an adjustment line of a draft.
pub async fn add_invalid_adjustment(
    state: &AppState,
    caller: &Caller,
    run_id: i64,
    order_id: &str,
    reason: &str,
) -> Result<entity::settlement_adjustment::Model, SettlementError> {
    let reason = rules::check_reason(reason)?;
    let now = state.clock.now();
    let txn = state.db.begin().await?;
    let (run, _) = store::lock_step(&txn, run_id, Step::AddAdjustment).await?;
    let (order, served_at) = store::served_order(&txn, order_id)
        .await?
        .ok_or(SettlementError::OrderNotFound)?;
    if !viewer_of(caller).sees(&order.funding_district_code, &order.service_district_code) {
        return Err(SettlementError::OrderNotFound);
    }
    let earlier = store::adjustments_for_order(&txn, order_id).await?;
    if earlier.iter().any(|a| a.kind == AdjustmentKind::Invalid) {
        return Err(SettlementError::OrderAlreadyAdjusted);
    }
    // Only a meal that is (or is being) settled can be taken back: counted in this run's lines,
    // in a locked run's lines, or carried late by a run.
    let covering = store::run_covering(&txn, order.date).await?;
    let in_lines = covering.as_ref().is_some_and(|c| {
        c.id == run.id
            || (c.state == RunState::Locked && served_at.is_some_and(|at| at <= c.computed_at))
    });
    let carried_late = earlier.iter().any(|a| a.kind == AdjustmentKind::LateServed);
    if !(in_lines || carried_late) {
        return Err(SettlementError::OrderNotSettled);
    }
    let created = store::insert_adjustment(
        &txn,
        run.id,
        &order,
        AdjustmentKind::Invalid,
        &reason,
        caller.account_id,
        now,
    )
    .await?;
    store::audit(
        &txn,
        run.id,
        caller,
        Audit {
            step: RunAction::AdjustmentAdded,
            districts: (
                Some(&order.funding_district_code),
                Some(&order.service_district_code),
            ),
            note: audit_note(format!("订单 {order_id} 冲减：{reason}")),
        },
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(created)
}
