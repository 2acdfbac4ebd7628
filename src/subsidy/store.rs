//! Published subsidy policy versions in the database.

use chrono::{DateTime, NaiveDate, Utc};
use entity::{meal_order, subsidy_policy};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, sea_query::Expr,
};

use super::{
    Policy,
    error::SubsidyError,
    versions::{self, PublishRefusal},
};
use vocabulary::{OrderState, Slot};

use crate::{
    db::{UniqueKey, unique_violation},
    pagination::PageRequest,
};

type StoreResult<T> = Result<T, SubsidyError>;

/// The policy that applies to meals on `date`: the live version with the latest effective date
/// on or before it. `None` before the first version.
pub async fn policy_in_force(
    db: &impl ConnectionTrait,
    date: NaiveDate,
) -> StoreResult<Option<Policy>> {
    let row = subsidy_policy::Entity::find()
        .filter(subsidy_policy::Column::WithdrawnAt.is_null())
        .filter(subsidy_policy::Column::EffectiveFrom.lte(date))
        .order_by_desc(subsidy_policy::Column::EffectiveFrom)
        .one(db)
        .await?;
    row.map(|row| parsed_policy(&row)).transpose()
}

/// The policy as it was understood when published.
pub fn parsed_policy(row: &subsidy_policy::Model) -> StoreResult<Policy> {
    serde_json::from_str(&row.parsed).map_err(|err| SubsidyError::Unreadable {
        version: row.version.clone(),
        reason: err.to_string(),
    })
}

pub async fn find_policy(
    db: &impl ConnectionTrait,
    version: &str,
) -> StoreResult<Option<subsidy_policy::Model>> {
    Ok(subsidy_policy::Entity::find()
        .filter(subsidy_policy::Column::Version.eq(version))
        .one(db)
        .await?)
}

pub async fn require_policy(
    db: &impl ConnectionTrait,
    version: &str,
) -> StoreResult<subsidy_policy::Model> {
    find_policy(db, version)
        .await?
        .ok_or_else(|| SubsidyError::PolicyNotFound {
            version: version.to_string(),
        })
}

/// Effective dates of the versions not withdrawn.
pub async fn live_dates(db: &impl ConnectionTrait) -> StoreResult<Vec<NaiveDate>> {
    Ok(subsidy_policy::Entity::find()
        .select_only()
        .column(subsidy_policy::Column::EffectiveFrom)
        .filter(subsidy_policy::Column::WithdrawnAt.is_null())
        .into_tuple()
        .all(db)
        .await?)
}

/// Every version, the latest effective date first.
pub async fn list_policies(
    db: &impl ConnectionTrait,
    page: PageRequest,
) -> StoreResult<(Vec<subsidy_policy::Model>, u64)> {
    let paginator = subsidy_policy::Entity::find()
        .order_by_desc(subsidy_policy::Column::EffectiveFrom)
        .order_by_desc(subsidy_policy::Column::Id)
        .paginate(db, page.page_size);
    let total = paginator.num_items().await?;
    let items = paginator.fetch_page(page.index()).await?;
    Ok((items, total))
}

fn version_exists(version: &str) -> SubsidyError {
    SubsidyError::VersionExists {
        version: version.to_string(),
    }
}

/// Publishes a validated policy: the version must be new, and the date today or later and not
/// taken by another live version. Run it in a transaction with the checks.
pub async fn publish_policy(
    db: &impl ConnectionTrait,
    policy: &Policy,
    source: &str,
    by: i64,
    now: DateTime<Utc>,
    today: NaiveDate,
) -> StoreResult<subsidy_policy::Model> {
    if find_policy(db, &policy.version).await?.is_some() {
        return Err(version_exists(&policy.version));
    }
    let live = live_dates(db).await?;
    match versions::check_publish(policy.effective_from, today, &live) {
        Ok(()) => {}
        Err(PublishRefusal::Backdated) => {
            return Err(SubsidyError::Backdated {
                effective_from: policy.effective_from,
                today,
            });
        }
        Err(PublishRefusal::DateTaken) => {
            return Err(SubsidyError::DateTaken {
                date: policy.effective_from,
            });
        }
    }
    insert_policy(db, policy, source, by, now)
        .await
        .map_err(|err| match unique_violation(&err) {
            Some(UniqueKey::PolicyVersion) => version_exists(&policy.version),
            Some(UniqueKey::PolicyLiveDate) => SubsidyError::DateTaken {
                date: policy.effective_from,
            },
            _ => err.into(),
        })
}

/// Stores a policy without the publishing checks (demo seeding; `publish_policy` checks first).
pub async fn insert_policy(
    db: &impl ConnectionTrait,
    policy: &Policy,
    source: &str,
    by: i64,
    now: DateTime<Utc>,
) -> Result<subsidy_policy::Model, sea_orm::DbErr> {
    let parsed = serde_json::to_string(policy)
        .map_err(|err| sea_orm::DbErr::Custom(format!("policy does not serialise: {err}")))?;
    subsidy_policy::ActiveModel {
        version: Set(policy.version.clone()),
        effective_from: Set(policy.effective_from),
        source: Set(source.to_string()),
        parsed: Set(parsed),
        published_by: Set(by),
        published_at: Set(now),
        withdrawn_by: Set(None),
        withdrawn_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// Withdraws a version whose date has not come; the row stays, marked, and its version name is
/// never used again.
pub async fn withdraw_policy(
    db: &impl ConnectionTrait,
    row: &subsidy_policy::Model,
    by: i64,
    now: DateTime<Utc>,
    today: NaiveDate,
) -> StoreResult<subsidy_policy::Model> {
    if row.withdrawn_at.is_some() {
        return Err(SubsidyError::AlreadyWithdrawn {
            version: row.version.clone(),
        });
    }
    if !versions::may_withdraw(row.effective_from, today) {
        return Err(SubsidyError::InEffect {
            version: row.version.clone(),
            effective_from: row.effective_from,
        });
    }
    subsidy_policy::Entity::update_many()
        .col_expr(subsidy_policy::Column::WithdrawnBy, Expr::value(by))
        .col_expr(subsidy_policy::Column::WithdrawnAt, Expr::value(now))
        .filter(subsidy_policy::Column::Id.eq(row.id))
        .filter(subsidy_policy::Column::WithdrawnAt.is_null())
        .exec(db)
        .await?;
    require_policy(db, &row.version).await
}

/// How many meals this elder already has subsidised in a slot (any meal point), live or served:
/// the policy's per-slot cap counts them. Read from the orders' table, which holds the frozen
/// subsidy of every meal.
pub async fn subsidised_meals_in_slot(
    db: &impl ConnectionTrait,
    elder_id: i64,
    date: NaiveDate,
    slot: Slot,
) -> StoreResult<u32> {
    let orders = meal_order::Entity::find()
        .filter(meal_order::Column::ElderId.eq(elder_id))
        .filter(meal_order::Column::Date.eq(date))
        .filter(meal_order::Column::Slot.eq(slot))
        .filter(meal_order::Column::SubsidyFen.gt(0))
        .filter(
            meal_order::Column::State.is_in(
                OrderState::ALL
                    .iter()
                    .copied()
                    .filter(|s| s.is_cooked_for()),
            ),
        )
        .count(db)
        .await?;
    Ok(u32::try_from(orders).unwrap_or(u32::MAX))
}
