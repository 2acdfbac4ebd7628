//! Ratings, complaints and their steps, inspectors and their visits, in the database.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use entity::{complaint, complaint_step, inspection, inspector, rating};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
    sea_query::{Asterisk, Expr, ExprTrait, Func, JoinType, Order, Query},
};

use super::{
    error::FeedbackError,
    rules::{ComplaintState, FeedbackRuleError, RatingTotals, Scores},
};
use crate::{
    db::{UniqueKey, unique_violation},
    error::{AppError, AppResult},
    pagination::PageRequest,
};
use vocabulary::{MealPointStatusKind, Role};

// ---------------------------------------------------------------------------------------------
// Ratings
// ---------------------------------------------------------------------------------------------

pub async fn rating_of_order(
    db: &impl ConnectionTrait,
    order_id: &str,
) -> AppResult<Option<rating::Model>> {
    Ok(rating::Entity::find()
        .filter(rating::Column::OrderId.eq(order_id))
        .one(db)
        .await?)
}

pub async fn require_rating(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<rating::Model, FeedbackError> {
    rating::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(FeedbackError::RatingNotFound)
}

pub struct NewRating<'a> {
    pub order: &'a entity::meal_order::Model,
    pub account_id: i64,
    pub scores: Scores,
    pub comment: Option<String>,
    pub photos: Vec<String>,
    pub now: DateTime<Utc>,
}

/// Inserts the rating; a second one for the order (two taps racing) is 409 `ALREADY_RATED`.
pub async fn insert_rating(
    db: &impl ConnectionTrait,
    new: NewRating<'_>,
) -> Result<rating::Model, FeedbackError> {
    let row = rating::ActiveModel {
        order_id: Set(new.order.id.clone()),
        meal_point_id: Set(new.order.meal_point_id),
        elder_id: Set(new.order.elder_id),
        account_id: Set(new.account_id),
        overall: Set(i32::from(new.scores.overall)),
        taste: Set(i32::from(new.scores.taste)),
        portion: Set(i32::from(new.scores.portion)),
        hygiene: Set(i32::from(new.scores.hygiene)),
        service: Set(i32::from(new.scores.service)),
        comment: Set(new.comment),
        photos_json: Set(serde_json::to_string(&new.photos).unwrap_or_else(|_| "[]".into())),
        created_at: Set(new.now),
        reply_text: Set(None),
        reply_account_id: Set(None),
        replied_at: Set(None),
        hidden: Set(false),
        hidden_reason: Set(None),
        hidden_by: Set(None),
        hidden_at: Set(None),
        ..Default::default()
    };
    row.insert(db).await.map_err(|err| {
        if unique_violation(&err) == Some(UniqueKey::RatingOrder) {
            FeedbackRuleError::AlreadyRated.into()
        } else {
            err.into()
        }
    })
}

/// Sets the operator's reply if there is none yet; false if one was there first.
pub async fn set_reply(
    db: &impl ConnectionTrait,
    id: i64,
    text: &str,
    account_id: i64,
    now: DateTime<Utc>,
) -> AppResult<bool> {
    let result = rating::Entity::update_many()
        .col_expr(
            rating::Column::ReplyText,
            Expr::value(Some(text.to_string())),
        )
        .col_expr(
            rating::Column::ReplyAccountId,
            Expr::value(Some(account_id)),
        )
        .col_expr(rating::Column::RepliedAt, Expr::value(Some(now)))
        .filter(rating::Column::Id.eq(id))
        .filter(rating::Column::ReplyText.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Hides the rating, keeping who, when and why; false if it was already hidden.
pub async fn hide_rating(
    db: &impl ConnectionTrait,
    id: i64,
    reason: &str,
    account_id: i64,
    now: DateTime<Utc>,
) -> AppResult<bool> {
    let result = rating::Entity::update_many()
        .col_expr(rating::Column::Hidden, Expr::value(true))
        .col_expr(
            rating::Column::HiddenReason,
            Expr::value(Some(reason.to_string())),
        )
        .col_expr(rating::Column::HiddenBy, Expr::value(Some(account_id)))
        .col_expr(rating::Column::HiddenAt, Expr::value(Some(now)))
        .filter(rating::Column::Id.eq(id))
        .filter(rating::Column::Hidden.eq(false))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// A meal point's ratings, newest first; hidden ones only when asked for.
pub async fn ratings_of_meal_point(
    db: &impl ConnectionTrait,
    meal_point_id: i64,
    include_hidden: bool,
    page: PageRequest,
) -> AppResult<(Vec<rating::Model>, u64)> {
    let mut query = rating::Entity::find().filter(rating::Column::MealPointId.eq(meal_point_id));
    if !include_hidden {
        query = query.filter(rating::Column::Hidden.eq(false));
    }
    let paginator = query
        .order_by_desc(rating::Column::CreatedAt)
        .order_by_desc(rating::Column::Id)
        .paginate(db, page.page_size);
    let total = paginator.num_items().await?;
    let items = paginator.fetch_page(page.index()).await?;
    Ok((items, total))
}

/// The visible ratings of these meal points added up (two grouped queries, whatever the number
/// of ratings): per overall score the count and the sums of the other scores, and the count and
/// overall sum of those made since `recent_since`.
pub async fn rating_totals(
    db: &impl ConnectionTrait,
    meal_point_ids: &[i64],
    recent_since: DateTime<Utc>,
) -> AppResult<HashMap<i64, RatingTotals>> {
    let mut totals: HashMap<i64, RatingTotals> = meal_point_ids
        .iter()
        .map(|id| (*id, RatingTotals::default()))
        .collect();
    if meal_point_ids.is_empty() {
        return Ok(totals);
    }
    use rating::Column as C;
    let rows: Vec<(i64, i32, i64, i64, i64, i64, i64)> = rating::Entity::find()
        .select_only()
        .column(C::MealPointId)
        .column(C::Overall)
        .column_as(Expr::col(C::Id).count(), "n")
        .column_as(Expr::col(C::Taste).sum(), "taste_sum")
        .column_as(Expr::col(C::Portion).sum(), "portion_sum")
        .column_as(Expr::col(C::Hygiene).sum(), "hygiene_sum")
        .column_as(Expr::col(C::Service).sum(), "service_sum")
        .filter(C::MealPointId.is_in(meal_point_ids.iter().copied()))
        .filter(C::Hidden.eq(false))
        .group_by(C::MealPointId)
        .group_by(C::Overall)
        .into_tuple()
        .all(db)
        .await?;
    for (meal_point_id, overall, n, taste, portion, hygiene, service) in rows {
        let Some(entry) = totals.get_mut(&meal_point_id) else {
            continue;
        };
        let Some(slot) = usize::try_from(overall - 1).ok().filter(|i| *i < 5) else {
            continue;
        };
        entry.by_overall[slot] += u64::try_from(n).unwrap_or(0);
        entry.taste_sum += taste;
        entry.portion_sum += portion;
        entry.hygiene_sum += hygiene;
        entry.service_sum += service;
    }
    let recent: Vec<(i64, i64, i64)> = rating::Entity::find()
        .select_only()
        .column(C::MealPointId)
        .column_as(Expr::col(C::Id).count(), "n")
        .column_as(Expr::col(C::Overall).sum(), "overall_sum")
        .filter(C::MealPointId.is_in(meal_point_ids.iter().copied()))
        .filter(C::Hidden.eq(false))
        .filter(C::CreatedAt.gte(recent_since))
        .group_by(C::MealPointId)
        .into_tuple()
        .all(db)
        .await?;
    for (meal_point_id, n, overall_sum) in recent {
        if let Some(entry) = totals.get_mut(&meal_point_id) {
            entry.recent_count = u64::try_from(n).unwrap_or(0);
            entry.recent_overall_sum = overall_sum;
        }
    }
    Ok(totals)
}

/// Per meal point, the count and overall sum of visible ratings made in `[from, to)`.
pub async fn rating_month_totals(
    db: &impl ConnectionTrait,
    meal_point_ids: &[i64],
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> AppResult<HashMap<i64, (u64, i64)>> {
    use rating::Column as C;
    let rows: Vec<(i64, i64, i64)> = rating::Entity::find()
        .select_only()
        .column(C::MealPointId)
        .column_as(Expr::col(C::Id).count(), "n")
        .column_as(Expr::col(C::Overall).sum(), "overall_sum")
        .filter(C::MealPointId.is_in(meal_point_ids.iter().copied()))
        .filter(C::Hidden.eq(false))
        .filter(C::CreatedAt.gte(from))
        .filter(C::CreatedAt.lt(to))
        .group_by(C::MealPointId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, n, sum)| (id, (u64::try_from(n).unwrap_or(0), sum)))
        .collect())
}

// ---------------------------------------------------------------------------------------------
// Complaints
// ---------------------------------------------------------------------------------------------

pub fn complaint_not_found() -> AppError {
    FeedbackError::ComplaintNotFound.into()
}

pub async fn require_complaint(db: &impl ConnectionTrait, id: i64) -> AppResult<complaint::Model> {
    complaint::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(complaint_not_found)
}

/// Who made a step: `None` for the service itself.
#[derive(Clone, Copy, Debug)]
pub struct Actor {
    pub account_id: Option<i64>,
    pub role: Option<Role>,
}

pub async fn insert_step(
    db: &impl ConnectionTrait,
    complaint_id: i64,
    from: Option<ComplaintState>,
    to: ComplaintState,
    actor: Actor,
    note: &str,
    at: DateTime<Utc>,
) -> AppResult<()> {
    complaint_step::Entity::insert(complaint_step::ActiveModel {
        complaint_id: Set(complaint_id),
        from_state: Set(from),
        to_state: Set(to),
        actor_account_id: Set(actor.account_id),
        actor_role: Set(actor.role),
        note: Set(note.to_string()),
        at: Set(at),
        ..Default::default()
    })
    .exec(db)
    .await?;
    Ok(())
}

pub async fn insert_complaint(
    db: &impl ConnectionTrait,
    row: complaint::ActiveModel,
) -> AppResult<complaint::Model> {
    Ok(row.insert(db).await?)
}

pub async fn steps_of(
    db: &impl ConnectionTrait,
    complaint_id: i64,
) -> AppResult<Vec<complaint_step::Model>> {
    Ok(complaint_step::Entity::find()
        .filter(complaint_step::Column::ComplaintId.eq(complaint_id))
        .order_by_asc(complaint_step::Column::Id)
        .all(db)
        .await?)
}

/// Moves the complaint from `from` to `to` only if it is still in `from`, and records the step;
/// false if it had moved meanwhile (of two racing steps exactly one wins).
pub async fn transition(
    db: &impl ConnectionTrait,
    complaint_id: i64,
    from: ComplaintState,
    to: ComplaintState,
    actor: Actor,
    note: &str,
    at: DateTime<Utc>,
) -> AppResult<bool> {
    use complaint::Column as C;
    let mut update = complaint::Entity::update_many()
        .col_expr(C::State, Expr::value(to.as_str()))
        .col_expr(C::UpdatedAt, Expr::value(at))
        .filter(C::Id.eq(complaint_id))
        .filter(C::State.eq(from.as_str()));
    let stamp = match to {
        ComplaintState::Acknowledged => Some(C::AcknowledgedAt),
        ComplaintState::Escalated => Some(C::EscalatedAt),
        ComplaintState::Resolved => Some(C::ResolvedAt),
        ComplaintState::Closed => Some(C::ClosedAt),
        ComplaintState::Submitted => None,
    };
    if let Some(column) = stamp {
        update = update.col_expr(column, Expr::value(Some(at)));
    }
    let moved = update.exec(db).await?.rows_affected == 1;
    if moved {
        insert_step(db, complaint_id, Some(from), to, actor, note, at).await?;
    }
    Ok(moved)
}

/// Which complaints a staff list covers.
#[derive(Clone, Debug, Default)]
pub struct ComplaintScope {
    /// Only these meal points (an operator's); `None` = no restriction.
    pub meal_point_ids: Option<Vec<i64>>,
    /// Only this district (a clerk's).
    pub district_code: Option<String>,
}

impl ComplaintScope {
    pub fn condition(&self) -> Condition {
        let mut condition = Condition::all();
        if let Some(ids) = &self.meal_point_ids {
            condition = condition.add(complaint::Column::MealPointId.is_in(ids.iter().copied()));
        }
        if let Some(district) = &self.district_code {
            condition = condition.add(complaint::Column::DistrictCode.eq(district.as_str()));
        }
        condition
    }
}

/// SQL for [`super::rules::is_overdue`]: open, and the acknowledgement missed (late or not at
/// all) or the resolve deadline passed.
pub fn overdue_condition(now: DateTime<Utc>) -> Condition {
    use complaint::Column as C;
    let open: Vec<&str> = ComplaintState::OPEN.iter().map(|s| s.as_str()).collect();
    Condition::all().add(C::State.is_in(open)).add(
        Condition::any()
            .add(
                Condition::all()
                    .add(C::AcknowledgedAt.is_null())
                    .add(C::AckDueAt.lte(now)),
            )
            .add(Expr::col(C::AcknowledgedAt).gt(Expr::col(C::AckDueAt)))
            .add(C::ResolveDueAt.lte(now)),
    )
}

/// How many complaints of the scope are open now.
pub async fn count_open_complaints(
    db: &impl ConnectionTrait,
    scope: &ComplaintScope,
) -> AppResult<u64> {
    let open: Vec<&str> = ComplaintState::OPEN.iter().map(|s| s.as_str()).collect();
    Ok(complaint::Entity::find()
        .filter(scope.condition())
        .filter(complaint::Column::State.is_in(open))
        .count(db)
        .await?)
}

/// The scope's complaints that missed a deadline, oldest first, at most `limit`, and how many
/// there are.
pub async fn overdue_complaints(
    db: &impl ConnectionTrait,
    scope: &ComplaintScope,
    now: DateTime<Utc>,
    limit: u64,
) -> AppResult<(Vec<complaint::Model>, u64)> {
    let condition = Condition::all()
        .add(scope.condition())
        .add(overdue_condition(now));
    let total = complaint::Entity::find()
        .filter(condition.clone())
        .count(db)
        .await?;
    let rows = complaint::Entity::find()
        .filter(condition)
        .order_by_asc(complaint::Column::CreatedAt)
        .order_by_asc(complaint::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    Ok((rows, total))
}

pub async fn list_complaints(
    db: &impl ConnectionTrait,
    condition: Condition,
    page: PageRequest,
) -> AppResult<(Vec<complaint::Model>, u64)> {
    let paginator = complaint::Entity::find()
        .filter(condition)
        .order_by_desc(complaint::Column::CreatedAt)
        .order_by_desc(complaint::Column::Id)
        .paginate(db, page.page_size);
    let total = paginator.num_items().await?;
    let items = paginator.fetch_page(page.index()).await?;
    Ok((items, total))
}

/// Open complaints whose deadline for the current state has passed: the escalation sweep's work.
pub async fn escalation_candidates(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
) -> AppResult<Vec<complaint::Model>> {
    use complaint::Column as C;
    Ok(complaint::Entity::find()
        .filter(
            Condition::any()
                .add(
                    Condition::all()
                        .add(C::State.eq(ComplaintState::Submitted.as_str()))
                        .add(C::AckDueAt.lte(now)),
                )
                .add(
                    Condition::all()
                        .add(C::State.eq(ComplaintState::Acknowledged.as_str()))
                        .add(C::ResolveDueAt.lte(now)),
                ),
        )
        .order_by_asc(C::Id)
        .all(db)
        .await?)
}

/// A complaint made in a month, as the supervisor's view counts it.
pub struct MadeComplaint {
    pub meal_point_id: i64,
    pub state: String,
    pub escalated: bool,
    pub complainant: super::rules::Complainant,
}

/// Complaints made in `[from, to)` within the scope.
pub async fn complaints_made_between(
    db: &impl ConnectionTrait,
    scope: &ComplaintScope,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> AppResult<Vec<MadeComplaint>> {
    use super::rules::Complainant;
    use complaint::Column as C;
    type Row = (
        i64,
        i64,
        String,
        Option<DateTime<Utc>>,
        i64,
        String,
        Option<i64>,
    );
    let rows: Vec<Row> = complaint::Entity::find()
        .select_only()
        .column(C::Id)
        .column(C::MealPointId)
        .column(C::State)
        .column(C::EscalatedAt)
        .column(C::ComplainantAccountId)
        .column(C::ComplainantRole)
        .column(C::ElderId)
        .filter(scope.condition())
        .filter(C::CreatedAt.gte(from))
        .filter(C::CreatedAt.lt(to))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(
            |(id, meal_point_id, state, escalated_at, account, role, elder_id)| {
                let own = matches!(Role::parse(&role), Some(Role::Elder | Role::Family));
                let complainant = match (own, elder_id) {
                    (true, _) => Complainant::Account(account),
                    (false, Some(elder)) => Complainant::Elder(elder),
                    (false, None) => Complainant::Complaint(id),
                };
                MadeComplaint {
                    meal_point_id,
                    state,
                    escalated: escalated_at.is_some(),
                    complainant,
                }
            },
        )
        .collect())
}

// ---------------------------------------------------------------------------------------------
// Inspectors and inspections
// ---------------------------------------------------------------------------------------------

pub async fn insert_inspector(
    db: &impl ConnectionTrait,
    account_id: i64,
    organisation: &str,
    created_by: i64,
    now: DateTime<Utc>,
) -> AppResult<inspector::Model> {
    Ok(inspector::ActiveModel {
        account_id: Set(account_id),
        organisation: Set(organisation.to_string()),
        created_by: Set(created_by),
        created_at: Set(now),
    }
    .insert(db)
    .await?)
}

pub async fn organisations(
    db: &impl ConnectionTrait,
    account_ids: impl IntoIterator<Item = i64>,
) -> AppResult<HashMap<i64, String>> {
    let ids: Vec<i64> = account_ids.into_iter().collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(inspector::Entity::find()
        .filter(inspector::Column::AccountId.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|i| (i.account_id, i.organisation))
        .collect())
}

/// Every inspector's account, by id.
pub async fn inspector_accounts(
    db: &impl ConnectionTrait,
) -> AppResult<Vec<entity::account::Model>> {
    use entity::account;
    Ok(account::Entity::find()
        .filter(account::Column::Role.eq(Role::Inspector.as_str()))
        .order_by_asc(account::Column::Id)
        .all(db)
        .await?)
}

/// One page of an inspector's visits, newest first, and the total.
pub async fn inspections_by(
    db: &impl ConnectionTrait,
    inspector_account_id: i64,
    page: PageRequest,
) -> AppResult<(Vec<inspection::Model>, u64)> {
    let paginator = inspection::Entity::find()
        .filter(inspection::Column::InspectorAccountId.eq(inspector_account_id))
        .order_by_desc(inspection::Column::Date)
        .order_by_desc(inspection::Column::Id)
        .paginate(db, page.page_size);
    let total = paginator.num_items().await?;
    let rows = paginator.fetch_page(page.index()).await?;
    Ok((rows, total))
}

pub async fn insert_inspection(
    db: &impl ConnectionTrait,
    row: inspection::ActiveModel,
) -> AppResult<inspection::Model> {
    Ok(row.insert(db).await?)
}

pub async fn inspections_of_meal_point(
    db: &impl ConnectionTrait,
    meal_point_id: i64,
    page: PageRequest,
) -> AppResult<(Vec<inspection::Model>, u64)> {
    let paginator = inspection::Entity::find()
        .filter(inspection::Column::MealPointId.eq(meal_point_id))
        .order_by_desc(inspection::Column::Date)
        .order_by_desc(inspection::Column::Id)
        .paginate(db, page.page_size);
    let total = paginator.num_items().await?;
    let items = paginator.fetch_page(page.index()).await?;
    Ok((items, total))
}

/// Visits to these meal points dated within `[from, to]`, newest first.
pub async fn inspections_between(
    db: &impl ConnectionTrait,
    meal_point_ids: &[i64],
    from: NaiveDate,
    to: NaiveDate,
) -> AppResult<Vec<inspection::Model>> {
    Ok(inspection::Entity::find()
        .filter(inspection::Column::MealPointId.is_in(meal_point_ids.iter().copied()))
        .filter(inspection::Column::Date.gte(from))
        .filter(inspection::Column::Date.lte(to))
        .order_by_desc(inspection::Column::Date)
        .order_by_desc(inspection::Column::Id)
        .all(db)
        .await?)
}

// ---------------------------------------------------------------------------------------------
// Ties between an account and a meal point
// ---------------------------------------------------------------------------------------------

/// The elder of the latest order at this meal point, among these elders, dated on or after
/// `since`: what ties a complainant (or the elder staff name) to the meal point.
pub async fn elder_with_order_at(
    db: &impl ConnectionTrait,
    meal_point_id: i64,
    elder_ids: &[i64],
    since: NaiveDate,
) -> AppResult<Option<i64>> {
    use entity::meal_order::{Column as O, Entity as Orders};
    if elder_ids.is_empty() {
        return Ok(None);
    }
    Ok(Orders::find()
        .select_only()
        .column(O::ElderId)
        .filter(O::MealPointId.eq(meal_point_id))
        .filter(O::ElderId.is_in(elder_ids.iter().copied()))
        .filter(O::Date.gte(since))
        .order_by_desc(O::Date)
        .order_by_desc(O::CreatedAt)
        .into_tuple::<i64>()
        .one(db)
        .await?)
}

/// A meal point on the inspectors' round.
pub struct VisitDueRow {
    pub meal_point_id: i64,
    pub name: String,
    pub district_code: String,
    pub address: String,
    pub status: String,
    pub last_visit: Option<NaiveDate>,
    pub visits: i64,
}

/// One page of the round, ordered and counted in the database.
pub async fn visits_due(
    db: &impl ConnectionTrait,
    district: Option<&str>,
    page: PageRequest,
) -> AppResult<(Vec<VisitDueRow>, u64)> {
    let mp = |column: &'static str| Expr::col(("mp", column));
    let open = mp("status").ne(MealPointStatusKind::Closed.as_str());
    let in_district = district.map(|code| mp("district_code").eq(code));
    let count = Query::select()
        .expr_as(Func::count(Expr::col(Asterisk)), "n")
        .from_as("meal_point", "mp")
        .and_where(open.clone())
        .and_where_option(in_district.clone())
        .to_owned();
    let total: i64 = match db.query_one(&count).await? {
        Some(row) => row.try_get("", "n")?,
        None => 0,
    };
    let last_visit = || -> Expr { Func::max(Expr::col(("i", "date"))).into() };
    let columns = ["id", "name", "district_code", "address", "status"];
    let query = Query::select()
        .columns(columns.map(|column| ("mp", column)))
        .expr_as(last_visit(), "last_visit")
        .expr_as(Func::count(Expr::col(("i", "id"))), "visits")
        .from_as("meal_point", "mp")
        .join_as(
            JoinType::LeftJoin,
            "inspection",
            "i",
            Expr::col(("i", "meal_point_id")).equals(("mp", "id")),
        )
        .and_where(open)
        .and_where_option(in_district)
        .group_by_columns(columns.map(|column| ("mp", column)))
        // Never visited first, then the longest since the last visit.
        .order_by_expr(
            Expr::case(last_visit().is_null(), Expr::cust("0"))
                .finally(Expr::cust("1"))
                .into(),
            Order::Asc,
        )
        .order_by_expr(last_visit(), Order::Asc)
        .order_by(("mp", "id"), Order::Asc)
        .limit(page.page_size)
        .offset(page.offset())
        .to_owned();
    let rows = db.query_all(&query).await?;
    let items = rows
        .iter()
        .map(|row| {
            Ok(VisitDueRow {
                meal_point_id: row.try_get("", "id")?,
                name: row.try_get("", "name")?,
                district_code: row.try_get("", "district_code")?,
                address: row.try_get("", "address")?,
                status: row.try_get("", "status")?,
                last_visit: row.try_get("", "last_visit")?,
                visits: row.try_get("", "visits")?,
            })
        })
        .collect::<AppResult<Vec<_>>>()?;
    Ok((items, u64::try_from(total).unwrap_or_default()))
}
