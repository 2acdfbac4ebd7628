//! The run's workflow: which step each state allows, who may take it, and the checks on its
//! inputs (comments, reasons).

use super::*;

/// A step in a run's life.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// Work the lines out again from the orders.
    Recompute,
    AddAdjustment,
    Submit,
    /// A district confirms or disputes.
    Review,
    /// The city sends a submitted run back to draft.
    Reopen,
    /// The city approves and locks.
    Approve,
    /// A draft is thrown away.
    Delete,
}

/// Whether `step` may be taken in `state`, and the state after it.
pub fn next_state(state: RunState, step: Step) -> Result<RunState, SettlementRuleError> {
    use RunState::*;
    match (state, step) {
        (Locked, _) => Err(SettlementRuleError::RunLocked),
        (Draft, Step::Recompute | Step::AddAdjustment | Step::Delete) => Ok(Draft),
        (Draft, Step::Submit) => Ok(Submitted),
        (Submitted, Step::Review) => Ok(Submitted),
        (Submitted, Step::Reopen) => Ok(Draft),
        (Submitted, Step::Approve) => Ok(Locked),
        (Submitted, _) => Err(SettlementRuleError::RunNotDraft),
        (Draft, _) => Err(SettlementRuleError::RunNotSubmitted),
    }
}

/// Which roles may take a step (the district checks come on top, in [`may_review`]).
pub fn roles_for(step: Step) -> &'static [Role] {
    match step {
        Step::Recompute | Step::AddAdjustment | Step::Submit | Step::Delete => {
            &[Role::CityAdmin, Role::DistrictClerk]
        }
        Step::Review => &[Role::DistrictClerk],
        Step::Reopen | Step::Approve => &[Role::CityAdmin],
    }
}

/// A clerk reviews only for their own district, and only if it is involved in the run.
pub fn may_review(
    clerk_district: Option<&str>,
    involved: &[String],
) -> Result<String, SettlementRuleError> {
    let Some(district) = clerk_district else {
        return Err(SettlementRuleError::ClerkWithoutDistrict);
    };
    if !involved.iter().any(|d| d == district) {
        return Err(SettlementRuleError::DistrictNotInvolved);
    }
    Ok(district.to_string())
}

/// Approval needs every involved district to have confirmed; names those that have not.
pub fn check_all_confirmed(reviews: &[(String, Decision)]) -> Result<(), SettlementRuleError> {
    let waiting: Vec<String> = reviews
        .iter()
        .filter(|(_, d)| *d != Decision::Confirmed)
        .map(|(district, _)| district.clone())
        .collect();
    if waiting.is_empty() {
        Ok(())
    } else {
        Err(SettlementRuleError::NotConfirmed { waiting })
    }
}

/// The run's reconciliation must hold to submit it; the refusal names the issues as `viewer`
/// may read them.
pub fn check_reconciled(
    reconciliation: &Reconciliation,
    viewer: &Viewer,
) -> Result<(), SettlementRuleError> {
    if reconciliation.reconciled() {
        Ok(())
    } else {
        Err(SettlementRuleError::NotReconciled {
            issues: issue_texts(&reconciliation.issues, viewer),
        })
    }
}

/// A district clerk creates runs only for periods that are over: months before the current one
/// in Shanghai. A run for the current month or later would block the city's own run of that
/// period and take over the late-served meals of earlier ones; only the city decides that.
pub fn check_may_create(
    viewer: &Viewer,
    to: NaiveDate,
    today: NaiveDate,
) -> Result<(), SettlementRuleError> {
    let first_of_this_month = today.with_day(1).unwrap_or(today);
    match viewer {
        Viewer::District(_) if to >= first_of_this_month => {
            Err(SettlementRuleError::PeriodNotClosed)
        }
        _ => Ok(()),
    }
}

/// Who made a draft: the city, or a clerk of a district.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Author {
    City,
    District(String),
}

/// Who may submit a draft. The city any. A clerk's draft is that district's work in progress:
/// a clerk of another district reads it (their own figures) but does not send it to every
/// district's review. The city's draft goes forward from any clerk whose district it involves.
pub fn check_may_submit(
    viewer: &Viewer,
    author: &Author,
    involved: &[String],
) -> Result<(), SettlementRuleError> {
    match (viewer, author) {
        (Viewer::City, _) => Ok(()),
        (Viewer::District(mine), Author::District(theirs)) if mine == theirs => Ok(()),
        (Viewer::District(mine), Author::City) if involved.contains(mine) => Ok(()),
        _ => Err(SettlementRuleError::SubmitNotYours),
    }
}

/// Who may delete a draft: the city admin any, a clerk the drafts they created.
pub fn check_may_delete(
    viewer: &Viewer,
    created_by: i64,
    caller_account: i64,
) -> Result<(), SettlementRuleError> {
    match viewer {
        Viewer::District(_) if created_by != caller_account => Err(SettlementRuleError::NotYours),
        _ => Ok(()),
    }
}

/// A review comment: required to dispute, at most 500 characters.
pub fn check_comment(
    decision: Decision,
    comment: Option<&str>,
) -> Result<Option<String>, SettlementRuleError> {
    let comment = comment.map(str::trim).filter(|c| !c.is_empty());
    if comment.is_some_and(|c| c.chars().count() > 500) {
        return Err(SettlementRuleError::CommentTooLong);
    }
    if decision == Decision::Disputed && comment.is_none() {
        return Err(SettlementRuleError::CommentRequired);
    }
    Ok(comment.map(str::to_string))
}

/// An adjustment's reason: required, at most 200 characters.
pub fn check_reason(reason: &str) -> Result<String, SettlementRuleError> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(SettlementRuleError::ReasonRequired);
    }
    if reason.chars().count() > 200 {
        return Err(SettlementRuleError::ReasonTooLong);
    }
    Ok(reason.to_string())
}
