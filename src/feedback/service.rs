//! Complaints' use cases: filing one (with its tie to the meal point and the complainant's daily
//! limits), taking a step, and the escalation sweep that sends complaints past their deadline to
//! the district by themselves.

use chrono::Duration;
use sea_orm::{ActiveValue::Set, EntityTrait, TransactionTrait};

use super::{
    rules::{self, ComplaintState},
    store::{self, Actor},
};
use crate::{
    auth::{
        Caller, Role, rules as auth_rules,
        service::{StaffAccount, insert_staff_account},
    },
    error::{AppError, AppResult, ErrorKind},
    meal_points::store as meal_points,
    notices::store::{self as notices, NewNotice},
    orders::{rules::OrderState, service::visible_order},
    state::AppState,
    throttle::Counter,
};
use vocabulary::NoticeKind;

/// An inspector the city invites, as the request gives it.
pub struct NewInspector {
    pub username: String,
    pub password: String,
    pub display_name: String,
    pub organisation: String,
}

/// Creates an inspector's account and their organisation together.
pub async fn invite_inspector(
    state: &AppState,
    caller: &Caller,
    new: NewInspector,
) -> AppResult<(entity::account::Model, entity::inspector::Model)> {
    let username = new.username.trim();
    auth_rules::check_username(username)?;
    auth_rules::check_new_password(&new.password)?;
    let display_name = rules::check_text(rules::FreeText::DisplayName, &new.display_name)?;
    let organisation = rules::check_text(rules::FreeText::Organisation, &new.organisation)?;
    let now = state.clock.now();
    let txn = state.db.begin().await?;
    let account = StaffAccount {
        role: Role::Inspector,
        username,
        password: new.password,
        display_name: &display_name,
        district_code: None,
    };
    let account = insert_staff_account(&txn, account, now).await?;
    let inspector =
        store::insert_inspector(&txn, account.id, &organisation, caller.account_id, now).await?;
    txn.commit().await?;
    Ok((account, inspector))
}

/// A rating as the request gives it, checked here.
pub struct RatingAsk {
    pub overall: i64,
    pub taste: i64,
    pub portion: i64,
    pub hygiene: i64,
    pub service: i64,
    pub comment: Option<String>,
    pub photos: Vec<String>,
}

/// Rates a served order the caller may see, once, within the rating window after the meal.
pub async fn rate(
    state: &AppState,
    caller: &Caller,
    order_id: &str,
    ask: RatingAsk,
) -> AppResult<entity::rating::Model> {
    let db = &state.db;
    let order = visible_order(db, caller, order_id).await?;
    let scores = rules::check_scores(
        ask.overall,
        ask.taste,
        ask.portion,
        ask.hygiene,
        ask.service,
    )?;
    let comment = rules::check_comment(ask.comment.as_deref())?;
    let photos = rules::check_photos(&ask.photos)?;
    let now = state.clock.now();
    let already = store::rating_of_order(db, &order.id).await?.is_some();
    rules::check_may_rate(
        order.state == OrderState::Served,
        order.served_at,
        already,
        state.config.rating_window,
        now,
    )?;
    store::insert_rating(
        db,
        store::NewRating {
            order: &order,
            account_id: caller.account_id,
            scores,
            comment,
            photos,
            now,
        },
    )
    .await
}

/// The meal point's operator answers a rating, once.
pub async fn reply(
    state: &AppState,
    caller: &Caller,
    rating_id: i64,
    text: &str,
) -> AppResult<entity::rating::Model> {
    let db = &state.db;
    let rating = store::require_rating(db, rating_id).await?;
    meal_points::require_operator_of(db, caller, rating.meal_point_id).await?;
    let text = rules::check_text(rules::FreeText::Reply, text)?;
    let now = state.clock.now();
    // The rater hears of the reply: the notice is written with it.
    let txn = db.begin().await?;
    if !store::set_reply(&txn, rating.id, &text, caller.account_id, now).await? {
        return Err(AppError::conflict(
            "ALREADY_REPLIED",
            "这条评价已经回复过了，每条评价只能回复一次",
        ));
    }
    let notice = NewNotice {
        kind: NoticeKind::RatingReply,
        subject: rating.id.to_string(),
        order_id: None,
        detail: None,
        due_at: now,
        account_id: Some(rating.account_id),
    };
    notices::enqueue(&txn, vec![notice], now).await?;
    txn.commit().await?;
    store::require_rating(db, rating.id).await
}

/// The city hides a rating that breaks the rules; it is never edited or deleted.
pub async fn hide(
    state: &AppState,
    caller: &Caller,
    rating_id: i64,
    reason: &str,
) -> AppResult<entity::rating::Model> {
    let db = &state.db;
    let rating = store::require_rating(db, rating_id).await?;
    let reason = rules::check_text(rules::FreeText::HideReason, reason)?;
    if !store::hide_rating(db, rating.id, &reason, caller.account_id, state.clock.now()).await? {
        return Err(AppError::conflict("ALREADY_HIDDEN", "这条评价已经隐藏了"));
    }
    tracing::info!(rating = rating.id, by = caller.account_id, %reason, "rating hidden");
    store::require_rating(db, rating.id).await
}

/// A complaint as asked for, its text and category already checked.
pub struct NewComplaint {
    pub meal_point_id: i64,
    pub order_id: Option<String>,
    pub elder_id: Option<i64>,
    pub category: rules::Category,
    pub text: String,
}

fn elder_not_found() -> AppError {
    AppError::not_found("ELDER_NOT_FOUND", "没有找到这位老人的信息").with_field("elder_id")
}

fn no_tie() -> AppError {
    AppError::forbidden(
        "COMPLAINT_NO_TIE",
        "只能投诉您或您代为订餐的老人近 90 天在此订过餐的助餐点；其他情况请联系所在区民政部门或拨打 12345",
    )
}

/// Files a complaint. An elder or family member needs a tie to the meal point: an order there
/// (of an elder they act for) named, or such an order in the last [`rules::COMPLAINT_TIE_DAYS`]
/// days; and they file at most [`rules::COMPLAINTS_PER_DAY`] a day, two about one meal point.
/// An operator names only elders with an order at their meal point (any other id reads as
/// unknown), a clerk only elders on their books.
pub async fn file_complaint(
    state: &AppState,
    caller: &Caller,
    new: NewComplaint,
) -> AppResult<entity::complaint::Model> {
    let db = &state.db;
    let meal_point = meal_points::require_meal_point(db, new.meal_point_id)
        .await
        .map_err(|e| e.with_field("meal_point_id"))?;
    match caller.role {
        Role::Operator => meal_points::require_operator_of(db, caller, meal_point.id).await?,
        Role::DistrictClerk
            if caller.district_code.as_deref() != Some(&meal_point.district_code) =>
        {
            return Err(AppError::forbidden(
                "NOT_YOUR_DISTRICT",
                "只能代为登记本区助餐点的投诉",
            ));
        }
        _ => {}
    }
    let order = match new
        .order_id
        .as_deref()
        .map(str::trim)
        .filter(|o| !o.is_empty())
    {
        Some(order_id) => {
            let order = visible_order(db, caller, order_id)
                .await
                .map_err(|e| AppError::from(e).with_field("order_id"))?;
            if order.meal_point_id != meal_point.id {
                return Err(AppError::invalid(
                    "order_id",
                    "ORDER_NOT_AT_MEAL_POINT",
                    "这个订单不是在该助餐点下的",
                ));
            }
            Some(order)
        }
        None => None,
    };
    let now = state.clock.now();
    let since = state.clock.today() - Duration::days(rules::COMPLAINT_TIE_DAYS);
    let elder_id = match (&order, new.elder_id) {
        (Some(order), Some(elder_id)) if order.elder_id != elder_id => {
            return Err(AppError::invalid(
                "elder_id",
                "ELDER_NOT_ON_ORDER",
                "这个订单不是这位老人的",
            ));
        }
        (Some(order), _) => Some(order.elder_id),
        (None, named) => match caller.role {
            Role::Elder | Role::Family => {
                let acts_for: Vec<i64> = match named {
                    Some(elder_id) => {
                        crate::elders::store::require_may_act_for(db, caller, elder_id).await?;
                        vec![elder_id]
                    }
                    None => crate::elders::store::elders_of_account(db, caller.account_id)
                        .await?
                        .into_iter()
                        .map(|(elder, _)| elder.id)
                        .collect(),
                };
                let tied = store::elder_with_order_at(db, meal_point.id, &acts_for, since).await?;
                Some(tied.ok_or_else(no_tie)?)
            }
            Role::Operator => match named {
                Some(elder_id) => Some(
                    store::elder_with_order_at(db, meal_point.id, &[elder_id], since)
                        .await?
                        .ok_or_else(elder_not_found)?,
                ),
                None => None,
            },
            Role::DistrictClerk | Role::CityAdmin => match named {
                Some(elder_id) => {
                    crate::elders::store::require_elder_visible(db, caller, elder_id).await?;
                    Some(elder_id)
                }
                None => None,
            },
            Role::Inspector => return Err(elder_not_found()),
        },
    };
    if matches!(caller.role, Role::Elder | Role::Family) {
        let group = format!("complaints:{}", caller.account_id);
        let counters = [
            Counter::new("all", rules::COMPLAINTS_PER_DAY),
            Counter::new(
                format!("mp:{}", meal_point.id),
                rules::COMPLAINTS_PER_MEAL_POINT_PER_DAY,
            ),
        ];
        if let Err(full) = state.throttle.reserve(&group, &counters, now).await? {
            return Err(AppError::new(
                ErrorKind::TooManyRequests,
                "COMPLAINT_LIMIT_REACHED",
                format!(
                    "今天提交的投诉已达上限，请 {} 后再提交；紧急情况请联系所在区民政部门或拨打 12345",
                    crate::throttle::wait_text(full.retry_after)
                ),
            ));
        }
    }
    let (ack_due, resolve_due) = state.config.complaint_deadlines.due(new.category, now);
    let submitted = ComplaintState::Submitted;
    let txn = db.begin().await?;
    let complaint = store::insert_complaint(
        &txn,
        entity::complaint::ActiveModel {
            meal_point_id: Set(meal_point.id),
            district_code: Set(meal_point.district_code.clone()),
            order_id: Set(order.as_ref().map(|o| o.id.clone())),
            elder_id: Set(elder_id),
            complainant_account_id: Set(caller.account_id),
            complainant_role: Set(caller.role),
            category: Set(new.category),
            text: Set(new.text),
            state: Set(submitted),
            ack_due_at: Set(ack_due),
            resolve_due_at: Set(resolve_due),
            acknowledged_at: Set(None),
            escalated_at: Set(None),
            resolved_at: Set(None),
            closed_at: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        },
    )
    .await?;
    let note = if matches!(caller.role, Role::Elder | Role::Family) {
        "提交投诉"
    } else {
        "工作人员代为登记投诉"
    };
    store::insert_step(
        &txn,
        complaint.id,
        None,
        submitted,
        Actor {
            account_id: Some(caller.account_id),
            role: Some(caller.role),
        },
        note,
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(complaint)
}

/// How the caller stands towards a complaint, or `None` if they may not know it exists.
async fn complaint_party(
    db: &sea_orm::DatabaseConnection,
    caller: &Caller,
    complaint: &entity::complaint::Model,
) -> AppResult<Option<rules::Party>> {
    Ok(match caller.role {
        Role::CityAdmin => Some(rules::Party::Supervisor),
        Role::DistrictClerk => (caller.district_code.as_deref()
            == Some(complaint.district_code.as_str()))
        .then_some(rules::Party::Supervisor),
        Role::Operator => {
            meal_points::is_operator_of(db, caller.account_id, complaint.meal_point_id)
                .await?
                .then_some(rules::Party::Operator)
        }
        Role::Elder | Role::Family => {
            let about_their_elder = match complaint.elder_id {
                Some(elder_id) => {
                    match entity::elder::Entity::find_by_id(elder_id).one(db).await? {
                        Some(elder) => {
                            crate::elders::store::may_act_for(db, caller, &elder).await?
                        }
                        None => false,
                    }
                }
                None => false,
            };
            (complaint.complainant_account_id == caller.account_id || about_their_elder)
                .then_some(rules::Party::Complainant)
        }
        Role::Inspector => None,
    })
}

/// The complaint and how the caller stands towards it; 404 `COMPLAINT_NOT_FOUND` for anyone
/// who may not know it exists.
pub async fn visible_complaint(
    state: &AppState,
    caller: &Caller,
    id: i64,
) -> AppResult<(entity::complaint::Model, rules::Party)> {
    let complaint = store::require_complaint(&state.db, id).await?;
    match complaint_party(&state.db, caller, &complaint).await? {
        Some(party) => Ok((complaint, party)),
        None => Err(store::complaint_not_found()),
    }
}

/// Takes one step on a complaint (acknowledge, resolve, escalate, close), guarded on its state.
pub async fn act(
    state: &AppState,
    caller: &Caller,
    id: i64,
    action: rules::Action,
    note: Option<String>,
) -> AppResult<entity::complaint::Model> {
    sweep_escalations(state).await?;
    let (complaint, party) = visible_complaint(state, caller, id).await?;
    if action == rules::Action::Resolve && note.is_none() {
        return Err(AppError::invalid("note", "NOTE_REQUIRED", "请说明处理结果"));
    }
    let from = complaint.state;
    let now = state.clock.now();
    let deadline_missed = rules::is_overdue(
        from,
        complaint.acknowledged_at,
        complaint.ack_due_at,
        complaint.resolve_due_at,
        now,
    );
    let to = rules::next_state(action, party, from)?;
    rules::check_complainant_may_escalate(action, party, deadline_missed)?;
    let note = note.unwrap_or_else(|| action.label_zh().to_string());
    let actor = Actor {
        account_id: Some(caller.account_id),
        role: Some(caller.role),
    };
    let moved = step_telling(state, &complaint, from, to, actor, &note, now).await?;
    let latest = store::require_complaint(&state.db, complaint.id).await?;
    if !moved {
        let current = latest.state;
        return Err(rules::next_state(action, party, current)
            .err()
            .map(AppError::from)
            .unwrap_or_else(|| {
                AppError::conflict("COMPLAINT_STATE_CONFLICT", "投诉状态已变化，请刷新后重试")
            }));
    }
    Ok(latest)
}

/// A guarded step on a complaint and, in the same transaction, the notice that tells the
/// complainant of it (not of a step they took themselves).
async fn step_telling(
    state: &AppState,
    complaint: &entity::complaint::Model,
    from: ComplaintState,
    to: ComplaintState,
    actor: Actor,
    note: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<bool> {
    let by_complainant = actor.account_id == Some(complaint.complainant_account_id);
    let txn = state.db.begin().await?;
    let moved = store::transition(&txn, complaint.id, from, to, actor, note, now).await?;
    if moved && !by_complainant {
        let notice = NewNotice {
            kind: NoticeKind::ComplaintStep,
            subject: complaint.id.to_string(),
            order_id: None,
            detail: Some(note.chars().take(200).collect()),
            due_at: now,
            account_id: Some(complaint.complainant_account_id),
        };
        notices::enqueue(&txn, vec![notice], now).await?;
    }
    txn.commit().await?;
    Ok(moved)
}

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
        let step = step_telling(
            state,
            &complaint,
            from,
            ComplaintState::Escalated,
            system,
            ESCALATION_NOTE,
            now,
        );
        if step.await? {
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
