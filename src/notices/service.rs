//! Delivering the outbox: a sender task in every instance claims due notices, works out who gets
//! each (the elder, or linked family for an elder without WeChat), takes one message of that
//! account's subscription quota, and sends through `subscribeMessage.send`, retrying with
//! exponential back-off. And the subscriptions the mini program reports.
//!
//! Once per notice: a notice is claimed under a lease (see `store::claim_due`) and closed by its
//! holder only, so two instances never send it both; a sender that dies mid-way leaves its lease
//! to run out and another sends it. The one gap left is WeChat's: `subscribe/send` takes no
//! idempotency key, so a sender dying between WeChat's "ok" and its own commit (milliseconds)
//! sends that notice again when the lease runs out.

use std::{collections::BTreeMap, sync::Arc, time::Duration as StdDuration};

use chrono::Duration;
use entity::{complaint, elder, meal_order, meal_point, notice, rating};
use sea_orm::{DatabaseConnection, DbErr, EntityTrait};
use vocabulary::{NoticeKind, NoticeReach, NoticeState, OrderState, SubscribeAnswer};

use super::{
    rules,
    store::{self, Outcome},
};
use crate::{
    clock::Clock,
    config::NoticeConfig,
    state::AppState,
    wechat::{
        client::{SendError, SubscribeMessage},
        token::AccessTokens,
    },
};

/// One instance's sender: the token source and the name its leases carry.
pub struct Sender {
    pub tokens: AccessTokens,
    owner: String,
}

impl Sender {
    pub fn new(tokens: AccessTokens) -> Self {
        Self {
            tokens,
            owner: format!("sender-{}", uuid::Uuid::new_v4().simple()),
        }
    }

    pub fn owner(&self) -> &str {
        &self.owner
    }
}

/// What one round of [`deliver_due`] did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Delivered {
    pub sent: u32,
    pub retrying: u32,
    pub closed: u32,
}

/// What a round needs; an `AppState` gives it (see `state`).
pub struct Outbox<'a> {
    pub db: &'a DatabaseConnection,
    pub clock: &'a Clock,
    pub config: &'a NoticeConfig,
    pub sender: &'a Sender,
}

/// Notices claimed per round at most.
const BATCH: u64 = 50;

/// Claims and delivers every notice due now.
pub async fn deliver_due(outbox: &Outbox<'_>) -> Result<Delivered, DbErr> {
    let mut delivered = Delivered::default();
    loop {
        let now = outbox.clock.now();
        let claimed = store::claim_due(
            outbox.db,
            outbox.sender.owner(),
            now,
            Duration::seconds(rules::LEASE_SECONDS),
            BATCH,
        )
        .await?;
        if claimed.is_empty() {
            return Ok(delivered);
        }
        let full = claimed.len() as u64 == BATCH;
        for notice in claimed {
            match deliver_one(outbox, notice).await? {
                Some(Outcome::Sent { .. }) => delivered.sent += 1,
                Some(Outcome::Retry { .. }) => delivered.retrying += 1,
                Some(Outcome::Closed { .. }) => delivered.closed += 1,
                None => {}
            }
        }
        if !full {
            return Ok(delivered);
        }
    }
}

/// Runs [`deliver_due`] every `ZHUCAN_NOTICE_SWEEP_SECONDS` for the life of the process.
pub fn spawn_sender(
    db: DatabaseConnection,
    clock: Clock,
    config: NoticeConfig,
    sender: Arc<Sender>,
) {
    tokio::spawn(async move {
        let every = config.sweep_every.max(StdDuration::from_secs(1));
        // The first round after one period, not at once: start-up has enough to do.
        let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
        loop {
            tick.tick().await;
            let outbox = Outbox {
                db: &db,
                clock: &clock,
                config: &config,
                sender: &sender,
            };
            if let Err(err) = deliver_due(&outbox).await {
                tracing::warn!(%err, "notice delivery round failed");
            }
        }
    });
}

/// Delivers one claimed notice; the outcome recorded, or `None` when the lease was lost.
async fn deliver_one(
    outbox: &Outbox<'_>,
    mut notice: notice::Model,
) -> Result<Option<Outcome>, DbErr> {
    let db = outbox.db;
    let owner = outbox.sender.owner();
    let now = outbox.clock.now();
    let close = |state: NoticeState, error: Option<String>| Outcome::Closed { state, error };

    let account_id = match notice.account_id {
        Some(account_id) => account_id,
        None => {
            let accounts = recipients(db, &notice).await?;
            if accounts.is_empty() {
                let outcome = close(NoticeState::Unreachable, None);
                return record(db, &notice, owner, outcome).await;
            }
            if !store::fan_out(db, &notice, owner, &accounts, now).await? {
                return Ok(None);
            }
            notice.account_id = Some(accounts[0]);
            accounts[0]
        }
    };
    let Some(openid) = store::openid_of(db, account_id).await? else {
        return record(db, &notice, owner, close(NoticeState::Unreachable, None)).await;
    };
    let Some((data, page)) = compose(db, &notice).await? else {
        return record(db, &notice, owner, close(NoticeState::Obsolete, None)).await;
    };
    let template_id = outbox
        .config
        .templates
        .get(&notice.kind)
        .cloned()
        .unwrap_or_default();
    if !notice.quota_held {
        let taken = store::take_quota(db, &notice.id, owner, account_id, &template_id, now).await?;
        if !taken {
            let outcome = close(
                NoticeState::NoQuota,
                Some("no subscription left for the template".into()),
            );
            return record(db, &notice, owner, outcome).await;
        }
    }
    let message = SubscribeMessage {
        touser: openid,
        template_id: template_id.clone(),
        page,
        data,
        miniprogram_state: outbox.config.miniprogram_state,
        lang: "zh_CN",
    };
    let outcome = match send(outbox.sender, &message).await {
        Ok(()) => Outcome::Sent {
            at: outbox.clock.now(),
        },
        Err(SendError::NoSubscription) => {
            store::clear_quota(db, account_id, &template_id, now).await?;
            close(
                NoticeState::NoQuota,
                Some("WeChat: no subscription (43101)".into()),
            )
        }
        Err(err @ SendError::Refused { .. }) => {
            store::give_back_quota(db, account_id, &template_id, now).await?;
            close(NoticeState::Failed, Some(err.to_string()))
        }
        Err(err) => {
            let attempts = notice.attempts + 1;
            if attempts >= outbox.config.max_attempts {
                store::give_back_quota(db, account_id, &template_id, now).await?;
                close(NoticeState::Failed, Some(err.to_string()))
            } else {
                Outcome::Retry {
                    at: outbox.clock.now() + rules::retry_after(outbox.config.retry_base, attempts),
                    error: err.to_string(),
                }
            }
        }
    };
    record(db, &notice, owner, outcome).await
}

/// Sends with a token; a token WeChat rejects is replaced and the message sent once more.
async fn send(sender: &Sender, message: &SubscribeMessage) -> Result<(), SendError> {
    let transient = |e: crate::wechat::token::TokenError| SendError::Transient(e.to_string());
    let token = sender.tokens.get().await.map_err(transient)?;
    let client = sender.tokens.client();
    match client.send_subscribe(&token, message).await {
        Err(SendError::TokenRejected(_)) => {
            let fresh = sender.tokens.replace(&token).await.map_err(transient)?;
            client.send_subscribe(&fresh, message).await
        }
        other => other,
    }
}

async fn record(
    db: &DatabaseConnection,
    notice: &notice::Model,
    owner: &str,
    outcome: Outcome,
) -> Result<Option<Outcome>, DbErr> {
    if let Outcome::Retry { error, .. }
    | Outcome::Closed {
        error: Some(error), ..
    } = &outcome
    {
        tracing::info!(notice = %notice.id, kind = %notice.kind, %error, "notice not delivered");
    }
    Ok(store::finish(db, &notice.id, owner, outcome.clone())
        .await?
        .then_some(outcome))
}

/// Who a notice without a recipient goes to.
async fn recipients(db: &DatabaseConnection, notice: &notice::Model) -> Result<Vec<i64>, DbErr> {
    let Some(order) = order_of(db, notice).await? else {
        return Ok(Vec::new());
    };
    match notice.kind {
        // The family is told the elder did not come: the elder knows.
        NoticeKind::NoShowAlert => store::family_of(db, order.elder_id).await,
        NoticeKind::BookingConfirmed
        | NoticeKind::SlotReminder
        | NoticeKind::ClosureCancelled
        | NoticeKind::RefundMade
        | NoticeKind::ComplaintStep
        | NoticeKind::RatingReply => store::reach_elder(db, order.elder_id).await,
    }
}

async fn order_of(
    db: &DatabaseConnection,
    notice: &notice::Model,
) -> Result<Option<meal_order::Model>, DbErr> {
    match &notice.order_id {
        Some(id) => meal_order::Entity::find_by_id(id.clone()).one(db).await,
        None => Ok(None),
    }
}

/// The template data and the page a tap opens; `None` when the notice is no longer true (a
/// reminder of an order cancelled since).
async fn compose(
    db: &DatabaseConnection,
    notice: &notice::Model,
) -> Result<Option<(serde_json::Value, String)>, DbErr> {
    let data = |pairs: &[(&str, String)]| rules::template_data(pairs);
    match notice.kind {
        NoticeKind::ComplaintStep => {
            let Some(complaint) = find_complaint(db, &notice.subject).await? else {
                return Ok(None);
            };
            let point = meal_point_name(db, complaint.meal_point_id).await?;
            let page = format!("pages/complain/complain?id={}", complaint.id);
            Ok(Some((
                data(&[
                    ("thing1", point),
                    ("phrase2", complaint.state.label_zh().to_string()),
                    ("thing3", notice.detail.clone().unwrap_or_default()),
                ]),
                page,
            )))
        }
        NoticeKind::RatingReply => {
            let Some(rating) = find_rating(db, &notice.subject).await? else {
                return Ok(None);
            };
            let Some(reply) = rating.reply_text.clone() else {
                return Ok(None);
            };
            let point = meal_point_name(db, rating.meal_point_id).await?;
            let page = format!("pages/order/order?id={}", rating.order_id);
            Ok(Some((data(&[("thing1", point), ("thing2", reply)]), page)))
        }
        kind => {
            let Some(order) = order_of(db, notice).await? else {
                return Ok(None);
            };
            let still_true = match kind {
                NoticeKind::BookingConfirmed | NoticeKind::SlotReminder => {
                    order.state == OrderState::Booked
                }
                NoticeKind::NoShowAlert => order.state == OrderState::NoShow,
                _ => true,
            };
            if !still_true {
                return Ok(None);
            }
            let point = meal_point::Entity::find_by_id(order.meal_point_id)
                .one(db)
                .await?;
            let point_name = point.as_ref().map(|p| p.name.clone()).unwrap_or_default();
            let hours = point
                .as_ref()
                .and_then(|p| crate::meal_points::store::service_hours_of(p).ok())
                .and_then(|h| h.hours_for(order.slot).map(|h| (h.opens, h.closes)));
            let when = match hours {
                Some((opens, closes)) => format!(
                    "{} {}-{}",
                    order.slot.label_zh(),
                    opens.format("%H:%M"),
                    closes.format("%H:%M")
                ),
                None => order.slot.label_zh().to_string(),
            };
            let date = rules::date_zh(order.date);
            let page = format!("pages/order/order?id={}", order.id);
            let detail = notice.detail.clone().unwrap_or_default();
            let pairs = match kind {
                NoticeKind::BookingConfirmed | NoticeKind::SlotReminder => vec![
                    ("thing1", point_name),
                    ("character_string2", order.pickup_code.clone()),
                    ("date3", date),
                    ("thing4", when),
                ],
                NoticeKind::ClosureCancelled => vec![
                    ("thing1", point_name),
                    ("date2", date),
                    ("thing3", order.cancel_reason.clone().unwrap_or(detail)),
                ],
                NoticeKind::NoShowAlert => {
                    let name = elder::Entity::find_by_id(order.elder_id)
                        .one(db)
                        .await?
                        .map(|e| e.name)
                        .unwrap_or_default();
                    vec![
                        ("name1", name),
                        ("thing2", point_name),
                        ("date3", date),
                        (
                            "thing4",
                            format!("{}未取餐，请关心老人", order.slot.label_zh()),
                        ),
                    ]
                }
                NoticeKind::RefundMade => {
                    vec![("amount1", detail), ("thing2", point_name), ("date3", date)]
                }
                NoticeKind::ComplaintStep | NoticeKind::RatingReply => unreachable!("above"),
            };
            Ok(Some((rules::template_data(&pairs), page)))
        }
    }
}

async fn meal_point_name(db: &DatabaseConnection, id: i64) -> Result<String, DbErr> {
    Ok(meal_point::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(|p| p.name)
        .unwrap_or_default())
}

async fn find_complaint(
    db: &DatabaseConnection,
    id: &str,
) -> Result<Option<complaint::Model>, DbErr> {
    match id.parse::<i64>() {
        Ok(id) => complaint::Entity::find_by_id(id).one(db).await,
        Err(_) => Ok(None),
    }
}

async fn find_rating(db: &DatabaseConnection, id: &str) -> Result<Option<rating::Model>, DbErr> {
    match id.parse::<i64>() {
        Ok(id) => rating::Entity::find_by_id(id).one(db).await,
        Err(_) => Ok(None),
    }
}

/// The account's remaining messages per template id.
pub async fn quotas(
    state: &AppState,
    account_id: i64,
) -> Result<BTreeMap<String, i32>, super::error::NoticeError> {
    Ok(store::quotas_of(&state.db, account_id).await?)
}

/// The mini program's report of one `wx.requestSubscribeMessage`: each accepted template adds one
/// message to the account's quota. Unknown template ids are refused whole (nothing is counted).
/// The answer is the account's quotas after the report.
pub async fn report(
    state: &AppState,
    account_id: i64,
    answers: &[(String, SubscribeAnswer)],
) -> Result<BTreeMap<String, i32>, super::error::NoticeError> {
    use super::error::NoticeError;
    if answers.is_empty() || answers.len() > 3 {
        return Err(NoticeError::AnswerCount);
    }
    for (template_id, _) in answers {
        if !state
            .config
            .notices
            .templates
            .values()
            .any(|t| t == template_id)
        {
            return Err(NoticeError::UnknownTemplate(template_id.clone()));
        }
    }
    let now = state.clock.now();
    let txn = sea_orm::TransactionTrait::begin(&state.db).await?;
    for (template_id, answer) in answers {
        if *answer == SubscribeAnswer::Accept {
            store::add_accepts(&txn, account_id, template_id, 1, now).await?;
        }
    }
    txn.commit().await?;
    quotas(state, account_id).await
}

/// Whether anyone on an order's elder side was told, from the order's notices.
pub fn reach(notices: &[&notice::Model]) -> NoticeReach {
    if notices.iter().any(|n| n.state == NoticeState::Sent) {
        NoticeReach::Reached
    } else if notices.iter().any(|n| n.state == NoticeState::Pending) {
        NoticeReach::Pending
    } else {
        NoticeReach::NotReached
    }
}
