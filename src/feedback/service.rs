//! The escalation sweep: complaints past their deadline go to the district by themselves.

use crate::{error::AppResult, state::AppState};

use super::{
    rules::{self, ComplaintState},
    store::{self, Actor},
};

/// What the service writes on a step it makes itself.
pub const ESCALATION_NOTE: &str = "超过处理时限未办理，系统自动转交区民政部门督办";

/// Escalates every complaint whose deadline has passed; returns how many moved. Safe to run from
/// many places at once: each step is guarded on the complaint's old state.
pub async fn sweep_escalations(state: &AppState) -> AppResult<u32> {
    let now = state.clock.now();
    let due = store::escalation_candidates(&state.db, now).await?;
    let mut escalated = 0;
    for complaint in due {
        let from = complaint.state;
        if !rules::escalation_due(from, complaint.ack_due_at, complaint.resolve_due_at, now) {
            continue;
        }
        let system = Actor {
            account_id: None,
            role: None,
        };
        if store::transition(
            &state.db,
            complaint.id,
            from,
            ComplaintState::Escalated,
            system,
            ESCALATION_NOTE,
            now,
        )
        .await?
        {
            escalated += 1;
        }
    }
    if escalated > 0 {
        tracing::info!(escalated, "complaints escalated after their deadline");
    }
    Ok(escalated)
}

/// Runs [`sweep_escalations`] every `ZHUCAN_ESCALATION_SWEEP_SECONDS` for the life of the process.
pub fn spawn_escalation_sweeper(state: AppState) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(state.config.escalation_sweep_every);
        loop {
            tick.tick().await;
            if let Err(err) = sweep_escalations(&state).await {
                tracing::warn!(%err, "escalation sweep failed");
            }
        }
    });
}
