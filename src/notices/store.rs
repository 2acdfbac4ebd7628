//! The outbox and the subscriptions in the database.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use entity::{account, elder, family_link, notice, notice_subscription};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, TransactionTrait,
    sea_query::{Expr, ExprTrait, LockBehavior, LockType, OnConflict},
};
use vocabulary::{LinkStatus, NoticeKind, NoticeState};

/// A notice to write in the transaction of the change it tells about.
#[derive(Clone, Debug)]
pub struct NewNotice {
    pub kind: NoticeKind,
    /// The order, complaint or rating it is about.
    pub subject: String,
    pub order_id: Option<String>,
    /// A reason, an amount, a step: what the subject alone does not say.
    pub detail: Option<String>,
    pub due_at: DateTime<Utc>,
    /// Who gets it, when the writer knows; `None`: worked out when due.
    pub account_id: Option<i64>,
}

impl NewNotice {
    /// About an order, to the elder (or, without WeChat, the linked family), due at once.
    pub fn about_order(kind: NoticeKind, order_id: &str, now: DateTime<Utc>) -> Self {
        Self {
            kind,
            subject: order_id.to_string(),
            order_id: Some(order_id.to_string()),
            detail: None,
            due_at: now,
            account_id: None,
        }
    }

    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        let detail: String = detail.into();
        self.detail = Some(detail.chars().take(200).collect());
        self
    }
}

/// Writes notices; call it with the transaction of the change they tell about.
pub async fn enqueue(
    db: &impl ConnectionTrait,
    notices: Vec<NewNotice>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    if notices.is_empty() {
        return Ok(());
    }
    notice::Entity::insert_many(notices.into_iter().map(|n| notice::ActiveModel {
        id: Set(uuid::Uuid::now_v7().to_string()),
        kind: Set(n.kind),
        subject: Set(n.subject),
        order_id: Set(n.order_id),
        account_id: Set(n.account_id),
        detail: Set(n.detail),
        state: Set(NoticeState::Pending),
        attempts: Set(0),
        due_at: Set(n.due_at),
        lease_owner: Set(None),
        lease_until: Set(None),
        quota_held: Set(false),
        template_id: Set(None),
        last_error: Set(None),
        sent_at: Set(None),
        created_at: Set(now),
    }))
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Claims up to `limit` due notices for `owner` until `now + lease`. The candidates are read
/// `FOR UPDATE SKIP LOCKED` (PostgreSQL: concurrent senders pick different rows), and each is
/// taken by a conditional update on its lease, so a notice is held by one sender at a time on any
/// backend; a lease that ran out (its sender died) is taken over.
pub async fn claim_due(
    db: &DatabaseConnection,
    owner: &str,
    now: DateTime<Utc>,
    lease: Duration,
    limit: u64,
) -> Result<Vec<notice::Model>, DbErr> {
    let free = || {
        Condition::any()
            .add(notice::Column::LeaseUntil.is_null())
            .add(notice::Column::LeaseUntil.lt(now))
    };
    let txn = db.begin().await?;
    let candidates = notice::Entity::find()
        .filter(notice::Column::State.eq(NoticeState::Pending))
        .filter(notice::Column::DueAt.lte(now))
        .filter(free())
        .order_by_asc(notice::Column::DueAt)
        .limit(limit)
        .lock_with_behavior(LockType::Update, LockBehavior::SkipLocked)
        .all(&txn)
        .await?;
    let mut claimed = Vec::with_capacity(candidates.len());
    for mut candidate in candidates {
        let taken = notice::Entity::update_many()
            .col_expr(notice::Column::LeaseOwner, Expr::value(owner))
            .col_expr(notice::Column::LeaseUntil, Expr::value(now + lease))
            .filter(notice::Column::Id.eq(candidate.id.clone()))
            .filter(notice::Column::State.eq(NoticeState::Pending))
            .filter(free())
            .exec(&txn)
            .await?;
        if taken.rows_affected == 1 {
            candidate.lease_owner = Some(owner.to_string());
            candidate.lease_until = Some(now + lease);
            claimed.push(candidate);
        }
    }
    txn.commit().await?;
    Ok(claimed)
}

/// What becomes of a claimed notice.
#[derive(Debug, Clone)]
pub enum Outcome {
    Sent {
        at: DateTime<Utc>,
    },
    Retry {
        at: DateTime<Utc>,
        error: String,
    },
    Closed {
        state: NoticeState,
        error: Option<String>,
    },
}

/// Records the outcome, if `owner` still holds the notice (false: its lease ran out and another
/// sender took it over).
pub async fn finish(
    db: &impl ConnectionTrait,
    id: &str,
    owner: &str,
    outcome: Outcome,
) -> Result<bool, DbErr> {
    let mut update = notice::Entity::update_many()
        .col_expr(
            notice::Column::LeaseOwner,
            Expr::value(Option::<String>::None),
        )
        .col_expr(
            notice::Column::LeaseUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(
            notice::Column::Attempts,
            Expr::col(notice::Column::Attempts).add(1),
        );
    update = match outcome {
        Outcome::Sent { at } => update
            .col_expr(notice::Column::State, Expr::value(NoticeState::Sent))
            .col_expr(notice::Column::SentAt, Expr::value(at))
            .col_expr(
                notice::Column::LastError,
                Expr::value(Option::<String>::None),
            ),
        Outcome::Retry { at, error } => update
            .col_expr(notice::Column::DueAt, Expr::value(at))
            .col_expr(notice::Column::LastError, Expr::value(short(&error))),
        Outcome::Closed { state, error } => update
            .col_expr(notice::Column::State, Expr::value(state))
            .col_expr(
                notice::Column::LastError,
                Expr::value(error.map(|e| short(&e))),
            ),
    };
    let done = update
        .filter(notice::Column::Id.eq(id))
        .filter(notice::Column::LeaseOwner.eq(owner))
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}

fn short(error: &str) -> String {
    error.chars().take(300).collect()
}

/// Gives a claimed notice its recipient (the first of `accounts`) and writes one more notice per
/// further recipient, in one transaction, if `owner` still holds it.
pub async fn fan_out(
    db: &DatabaseConnection,
    claimed: &notice::Model,
    owner: &str,
    accounts: &[i64],
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let Some((&first, rest)) = accounts.split_first() else {
        return Ok(false);
    };
    let txn = db.begin().await?;
    let set = notice::Entity::update_many()
        .col_expr(notice::Column::AccountId, Expr::value(first))
        .filter(notice::Column::Id.eq(claimed.id.clone()))
        .filter(notice::Column::LeaseOwner.eq(owner))
        .filter(notice::Column::AccountId.is_null())
        .exec(&txn)
        .await?;
    if set.rows_affected != 1 {
        txn.rollback().await?;
        return Ok(false);
    }
    let more = rest
        .iter()
        .map(|&account| NewNotice {
            kind: claimed.kind,
            subject: claimed.subject.clone(),
            order_id: claimed.order_id.clone(),
            detail: claimed.detail.clone(),
            due_at: now,
            account_id: Some(account),
        })
        .collect();
    enqueue(&txn, more, now).await?;
    txn.commit().await?;
    Ok(true)
}

/// The accounts an elder is reached through: the elder's own, if it signs in with WeChat;
/// otherwise every approved family member's that does.
pub async fn reach_elder(db: &impl ConnectionTrait, elder_id: i64) -> Result<Vec<i64>, DbErr> {
    let own = elder::Entity::find_by_id(elder_id)
        .one(db)
        .await?
        .and_then(|e| e.account_id);
    if let Some(own) = own
        && with_wechat(db, &[own]).await?.contains(&own)
    {
        return Ok(vec![own]);
    }
    family_of(db, elder_id).await
}

/// The approved family members of an elder who sign in with WeChat.
pub async fn family_of(db: &impl ConnectionTrait, elder_id: i64) -> Result<Vec<i64>, DbErr> {
    let family: Vec<i64> = family_link::Entity::find()
        .filter(family_link::Column::ElderId.eq(elder_id))
        .filter(family_link::Column::Status.eq(LinkStatus::Approved))
        .order_by_asc(family_link::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|l| l.family_account_id)
        .collect();
    with_wechat(db, &family).await
}

/// Those of `accounts` (in order) that are active and have a WeChat openid.
async fn with_wechat(db: &impl ConnectionTrait, accounts: &[i64]) -> Result<Vec<i64>, DbErr> {
    if accounts.is_empty() {
        return Ok(Vec::new());
    }
    let found = account::Entity::find()
        .filter(account::Column::Id.is_in(accounts.to_vec()))
        .filter(account::Column::WechatOpenid.is_not_null())
        .filter(account::Column::Active.eq(true))
        .all(db)
        .await?;
    Ok(accounts
        .iter()
        .copied()
        .filter(|id| found.iter().any(|a| a.id == *id))
        .collect())
}

pub async fn openid_of(
    db: &impl ConnectionTrait,
    account_id: i64,
) -> Result<Option<String>, DbErr> {
    Ok(account::Entity::find_by_id(account_id)
        .one(db)
        .await?
        .filter(|a| a.active)
        .and_then(|a| a.wechat_openid))
}

/// Takes one message of the account's quota for the template for this notice (held by `owner`),
/// in one transaction; false if none is left.
pub async fn take_quota(
    db: &DatabaseConnection,
    notice_id: &str,
    owner: &str,
    account_id: i64,
    template_id: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let txn = db.begin().await?;
    let taken = notice_subscription::Entity::update_many()
        .col_expr(
            notice_subscription::Column::Remaining,
            Expr::col(notice_subscription::Column::Remaining).sub(1),
        )
        .col_expr(notice_subscription::Column::UpdatedAt, Expr::value(now))
        .filter(notice_subscription::Column::AccountId.eq(account_id))
        .filter(notice_subscription::Column::TemplateId.eq(template_id))
        .filter(notice_subscription::Column::Remaining.gt(0))
        .exec(&txn)
        .await?;
    let held = notice::Entity::update_many()
        .col_expr(notice::Column::QuotaHeld, Expr::value(true))
        .col_expr(notice::Column::TemplateId, Expr::value(template_id))
        .filter(notice::Column::Id.eq(notice_id))
        .filter(notice::Column::LeaseOwner.eq(owner))
        .exec(&txn)
        .await?;
    if taken.rows_affected == 1 && held.rows_affected == 1 {
        txn.commit().await?;
        Ok(true)
    } else {
        txn.rollback().await?;
        Ok(false)
    }
}

/// Returns a held message of quota (the message was never delivered).
pub async fn give_back_quota(
    db: &impl ConnectionTrait,
    account_id: i64,
    template_id: &str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    add_accepts(db, account_id, template_id, 1, now).await
}

/// WeChat said the user has no subscription (43101): whatever we counted, nothing is left.
pub async fn clear_quota(
    db: &impl ConnectionTrait,
    account_id: i64,
    template_id: &str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    notice_subscription::Entity::update_many()
        .col_expr(notice_subscription::Column::Remaining, Expr::value(0))
        .col_expr(notice_subscription::Column::UpdatedAt, Expr::value(now))
        .filter(notice_subscription::Column::AccountId.eq(account_id))
        .filter(notice_subscription::Column::TemplateId.eq(template_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Adds `accepts` messages to the account's quota for the template.
pub async fn add_accepts(
    db: &impl ConnectionTrait,
    account_id: i64,
    template_id: &str,
    accepts: i32,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    notice_subscription::Entity::insert(notice_subscription::ActiveModel {
        account_id: Set(account_id),
        template_id: Set(template_id.to_string()),
        remaining: Set(accepts),
        updated_at: Set(now),
    })
    .on_conflict(
        OnConflict::columns([
            notice_subscription::Column::AccountId,
            notice_subscription::Column::TemplateId,
        ])
        .value(
            notice_subscription::Column::Remaining,
            Expr::col((
                notice_subscription::Entity,
                notice_subscription::Column::Remaining,
            ))
            .add(accepts),
        )
        .value(notice_subscription::Column::UpdatedAt, Expr::value(now))
        .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// The account's remaining quota per template id.
pub async fn quotas_of(
    db: &impl ConnectionTrait,
    account_id: i64,
) -> Result<BTreeMap<String, i32>, DbErr> {
    Ok(notice_subscription::Entity::find()
        .filter(notice_subscription::Column::AccountId.eq(account_id))
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.template_id, s.remaining))
        .collect())
}

/// The notices about these orders.
pub async fn of_orders(
    db: &impl ConnectionTrait,
    order_ids: Vec<String>,
) -> Result<Vec<notice::Model>, DbErr> {
    if order_ids.is_empty() {
        return Ok(Vec::new());
    }
    notice::Entity::find()
        .filter(notice::Column::OrderId.is_in(order_ids))
        .order_by_asc(notice::Column::CreatedAt)
        .all(db)
        .await
}
