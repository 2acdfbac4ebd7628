//! Complaints' use cases: filing one (with its tie to the meal point and the complainant's daily
//! limits), taking a step, and the escalation sweep that sends complaints past their deadline to
//! the district by themselves.

use std::collections::HashMap;

use chrono::Duration;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use entity::{complaint, complaint_step, inspection, rating};
use sea_orm::{ActiveValue::Set, ColumnTrait, Condition, EntityTrait, TransactionTrait};

use super::{
    error::FeedbackError,
    rules::{self, ComplaintState, MonthFigures, VisitScores},
    store::{self, Actor},
};
use crate::{
    auth::{
        Caller, Role, rules as auth_rules,
        service::{StaffAccount, insert_staff_account},
    },
    clock::shanghai_to_utc,
    error::AppError,
    meal_points::{access as meal_point_access, store as meal_points},
    notices::store::{self as notices, NewNotice},
    orders::{rules::OrderState, service::visible_order},
    pagination::PageRequest,
    state::AppState,
    throttle::Counter,
};
use vocabulary::NoticeKind;

type Result<T> = std::result::Result<T, FeedbackError>;

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
) -> Result<(entity::account::Model, entity::inspector::Model)> {
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
    let account = insert_staff_account(&txn, account, now)
        .await
        .map_err(AppError::from)?;
    let inspector =
        store::insert_inspector(&txn, account.id, &organisation, caller.account_id, now).await?;
    txn.commit().await?;
    Ok((account, inspector))
}

/// The inspectors the city invited, each with their organisation.
pub async fn inspectors(state: &AppState) -> Result<Vec<(entity::account::Model, String)>> {
    let db = &state.db;
    let accounts = store::inspector_accounts(db).await?;
    let mut organisations = store::organisations(db, accounts.iter().map(|a| a.id)).await?;
    Ok(accounts
        .into_iter()
        .map(|a| {
            let organisation = organisations.remove(&a.id).unwrap_or_default();
            (a, organisation)
        })
        .collect())
}

/// An inspection with the names its view shows.
pub struct InspectionRecord {
    pub inspection: inspection::Model,
    /// The mean of the scores given, one decimal.
    pub average: f64,
    pub meal_point_name: String,
    pub inspector_name: String,
    pub organisation: String,
}

/// The records of these inspections.
pub async fn inspection_records(
    state: &AppState,
    rows: Vec<inspection::Model>,
) -> Result<Vec<InspectionRecord>> {
    let db = &state.db;
    let inspector_ids: Vec<i64> = rows.iter().map(|r| r.inspector_account_id).collect();
    let names = crate::elders::store::account_names(db, inspector_ids.iter().copied()).await?;
    let organisations = store::organisations(db, inspector_ids).await?;
    let point_names = meal_points::names_of(db, rows.iter().map(|r| r.meal_point_id)).await?;
    Ok(rows
        .into_iter()
        .map(|inspection| InspectionRecord {
            average: mean(&visit_scores(&inspection))
                .map(rules::round1)
                .unwrap_or_default(),
            meal_point_name: point_names
                .get(&inspection.meal_point_id)
                .cloned()
                .unwrap_or_default(),
            inspector_name: names
                .get(&inspection.inspector_account_id)
                .cloned()
                .unwrap_or_default(),
            organisation: organisations
                .get(&inspection.inspector_account_id)
                .cloned()
                .unwrap_or_default(),
            inspection,
        })
        .collect())
}

/// A visit as the inspector reports it.
pub struct NewInspection {
    pub date: NaiveDate,
    pub food_safety: i64,
    pub hygiene: i64,
    pub service: i64,
    pub nutrition: Option<i64>,
    pub notes: String,
    pub sample_retained: bool,
}

/// The most characters of an inspection's notes.
pub const INSPECTION_NOTES_MAX_CHARS: usize = 2000;

/// Records an inspector's scored visit to a meal point.
pub async fn record_inspection(
    state: &AppState,
    caller: &Caller,
    meal_point_id: i64,
    new: NewInspection,
) -> Result<InspectionRecord> {
    let db = &state.db;
    let meal_point = meal_point_access::require_meal_point(db, meal_point_id).await?;
    let food_safety = rules::check_score("scores.food_safety", new.food_safety)?;
    let hygiene = rules::check_score("scores.hygiene", new.hygiene)?;
    let service = rules::check_score("scores.service", new.service)?;
    let nutrition = new
        .nutrition
        .map(|n| rules::check_score("scores.nutrition", n))
        .transpose()?;
    rules::check_inspection_date(new.date, state.clock.today())?;
    let notes = new.notes.trim().to_string();
    if notes.chars().count() > INSPECTION_NOTES_MAX_CHARS {
        return Err(FeedbackError::NotesTooLong);
    }
    let row = store::insert_inspection(
        db,
        inspection::ActiveModel {
            meal_point_id: Set(meal_point.id),
            inspector_account_id: Set(caller.account_id),
            date: Set(new.date),
            food_safety: Set(i32::from(food_safety)),
            hygiene: Set(i32::from(hygiene)),
            service: Set(i32::from(service)),
            nutrition: Set(nutrition.map(i32::from)),
            notes: Set(notes),
            sample_retained: Set(new.sample_retained),
            created_at: Set(state.clock.now()),
            ..Default::default()
        },
    )
    .await?;
    inspection_records(state, vec![row])
        .await?
        .pop()
        .ok_or_else(|| AppError::internal(std::io::Error::other("inspection vanished")).into())
}

/// A page of a meal point's inspections, newest first, for those who oversee it and inspectors.
pub async fn inspections_of_meal_point(
    state: &AppState,
    caller: &Caller,
    meal_point_id: i64,
    page: PageRequest,
) -> Result<(Vec<InspectionRecord>, u64)> {
    let db = &state.db;
    let meal_point = meal_point_access::require_meal_point(db, meal_point_id).await?;
    if caller.role != Role::Inspector
        && !meal_points::is_overseen_by(db, caller, &meal_point).await?
    {
        return Err(FeedbackError::InspectionsForbidden);
    }
    let (rows, total) = store::inspections_of_meal_point(db, meal_point.id, page).await?;
    Ok((inspection_records(state, rows).await?, total))
}

/// A page of the inspector's own visits, newest first.
pub async fn inspections_of_inspector(
    state: &AppState,
    caller: &Caller,
    page: PageRequest,
) -> Result<(Vec<InspectionRecord>, u64)> {
    let (rows, total) = store::inspections_by(&state.db, caller.account_id, page).await?;
    Ok((inspection_records(state, rows).await?, total))
}

/// A page of the inspectors' round: the meal points not closed, never visited first, then the
/// longest since the last visit; a clerk sees their own district's only.
pub async fn visits_due(
    state: &AppState,
    caller: &Caller,
    district_code: Option<String>,
    page: PageRequest,
) -> Result<(Vec<store::VisitDueRow>, u64)> {
    let district = match (caller.role, district_code) {
        (Role::DistrictClerk, Some(asked)) if Some(&asked) != caller.district_code.as_ref() => {
            return Err(FeedbackError::VisitsDistrictForbidden);
        }
        (Role::DistrictClerk, _) => Some(caller.district_code.clone().unwrap_or_default()),
        (_, Some(code)) => {
            crate::places::service::require_district(&state.db, &code)
                .await
                .map_err(crate::error::AppError::from)?;
            Some(code)
        }
        (_, None) => None,
    };
    Ok(store::visits_due(&state.db, district.as_deref(), page).await?)
}

/// The most meal points the supervisor's month lists.
pub const OVERVIEW_MAX_LIMIT: u64 = 200;
/// The most overdue complaints the supervisor's month lists.
const OVERVIEW_OVERDUE_MAX: u64 = 50;
/// The most recent inspections the supervisor's month lists.
const OVERVIEW_RECENT_INSPECTIONS: usize = 20;

/// Complaints made in the month, by their state now.
#[derive(Default)]
pub struct ComplaintCounts {
    pub submitted: u64,
    pub acknowledged: u64,
    pub escalated: u64,
    pub resolved: u64,
    pub closed: u64,
    pub total: u64,
}

/// A meal point's month.
pub struct PointMonth {
    pub meal_point_id: i64,
    pub name: String,
    pub district_code: String,
    pub score: Option<f64>,
    pub rating_count: u64,
    pub rating_average: Option<f64>,
    pub inspection_count: u64,
    pub inspection_average: Option<f64>,
    pub complaint_count: u64,
    pub escalated_count: u64,
}

/// The supervisor's month.
pub struct MonthOverview {
    /// Its first day.
    pub month: NaiveDate,
    pub district_code: Option<String>,
    pub complaints_by_state: ComplaintCounts,
    pub open_complaints: u64,
    pub overdue: Vec<ComplaintRecord>,
    pub overdue_total: u64,
    /// Lowest score first; without a score last.
    pub meal_points: Vec<PointMonth>,
    pub recent_inspections: Vec<InspectionRecord>,
}

/// The supervisor's month (default: this one): complaints by state, the overdue ones, the
/// `limit` meal points with the lowest score and the inspectors' visits. A clerk sees their
/// district; the city admin the city, or one district.
pub async fn month_overview(
    state: &AppState,
    caller: &Caller,
    month: Option<NaiveDate>,
    district_code: Option<String>,
    limit: u64,
) -> Result<MonthOverview> {
    let db = &state.db;
    let today = state.clock.today();
    let first = month.unwrap_or_else(|| today.with_day(1).unwrap_or(today));
    let after = next_month(first);
    let (from, to) = (midnight(first), midnight(after));
    if !(1..=OVERVIEW_MAX_LIMIT).contains(&limit) {
        return Err(FeedbackError::OverviewLimitInvalid);
    }
    let district = match (caller.role, district_code) {
        (Role::CityAdmin, Some(code)) => Some(
            crate::places::service::require_district(db, code.trim())
                .await
                .map_err(crate::error::AppError::from)?
                .code,
        ),
        (Role::CityAdmin, None) => None,
        (_, Some(code)) if Some(code.trim()) != caller.district_code.as_deref() => {
            return Err(FeedbackError::OverviewDistrictForbidden);
        }
        _ => caller.district_code.clone(),
    };
    sweep_escalations(state).await?;
    let now = state.clock.now();
    let mut scope = staff_scope(state, caller).await?;
    scope.district_code = district.clone();

    // Complaints: the month's by state, the open and overdue ones of any month.
    let made = store::complaints_made_between(db, &scope, from, to).await?;
    let mut counts = ComplaintCounts::default();
    for complaint in &made {
        counts.total += 1;
        match ComplaintState::parse(&complaint.state) {
            Some(ComplaintState::Submitted) => counts.submitted += 1,
            Some(ComplaintState::Acknowledged) => counts.acknowledged += 1,
            Some(ComplaintState::Escalated) => counts.escalated += 1,
            Some(ComplaintState::Resolved) => counts.resolved += 1,
            Some(ComplaintState::Closed) => counts.closed += 1,
            None => {}
        }
    }
    let open_complaints = store::count_open_complaints(db, &scope).await?;
    let (overdue_rows, overdue_total) =
        store::overdue_complaints(db, &scope, now, OVERVIEW_OVERDUE_MAX).await?;
    let overdue = complaint_records(state, overdue_rows, false).await?;

    // Meal points by the month's score.
    let points = meal_points::names_in_district(db, district.as_deref()).await?;
    let ids: Vec<i64> = points.iter().map(|p| p.0).collect();
    let ratings = store::rating_month_totals(db, &ids, from, to).await?;
    let last_day = after.pred_opt().unwrap_or(first);
    let visits = store::inspections_between(db, &ids, first, last_day).await?;
    let mut figures: HashMap<i64, MonthFigures> = HashMap::new();
    for (id, (count, sum)) in ratings {
        let f = figures.entry(id).or_default();
        f.rating_count = count;
        f.rating_overall_sum = sum;
    }
    for visit in &visits {
        figures
            .entry(visit.meal_point_id)
            .or_default()
            .visits
            .push(VisitScores {
                scores: visit_scores(visit),
                sample_retained: visit.sample_retained,
            });
    }
    // Shown as made; scored once per complainant.
    let mut made_per_point: HashMap<i64, (u64, u64)> = HashMap::new();
    let mut complainants: HashMap<i64, Vec<(rules::Complainant, bool)>> = HashMap::new();
    for complaint in &made {
        let shown = made_per_point.entry(complaint.meal_point_id).or_default();
        shown.0 += 1;
        shown.1 += u64::from(complaint.escalated);
        complainants
            .entry(complaint.meal_point_id)
            .or_default()
            .push((complaint.complainant, complaint.escalated));
    }
    for (id, who) in &complainants {
        let f = figures.entry(*id).or_default();
        (f.complaints, f.escalated) = rules::count_complainants(who);
    }
    let mut scored: Vec<PointMonth> = points
        .into_iter()
        .map(|(id, name, district_code)| {
            let f = figures.remove(&id).unwrap_or_default();
            let (complaint_count, escalated_count) =
                made_per_point.get(&id).copied().unwrap_or_default();
            let all_visit_scores: Vec<u8> =
                f.visits.iter().flat_map(|v| v.scores.clone()).collect();
            PointMonth {
                meal_point_id: id,
                name,
                district_code,
                score: rules::monthly_score(&f),
                rating_count: f.rating_count,
                rating_average: (f.rating_count > 0)
                    .then(|| rules::round1(f.rating_overall_sum as f64 / f.rating_count as f64)),
                inspection_count: f.visits.len() as u64,
                inspection_average: mean(&all_visit_scores).map(rules::round1),
                complaint_count,
                escalated_count,
            }
        })
        .collect();
    // Lowest score first; without a score last; ties by more complaints, then id.
    scored.sort_by(|a, b| {
        let key = |s: &PointMonth| s.score.unwrap_or(f64::INFINITY);
        key(a)
            .total_cmp(&key(b))
            .then(b.complaint_count.cmp(&a.complaint_count))
            .then(a.meal_point_id.cmp(&b.meal_point_id))
    });
    scored.truncate(usize::try_from(limit).unwrap_or(20));

    let recent = visits
        .into_iter()
        .take(OVERVIEW_RECENT_INSPECTIONS)
        .collect();
    Ok(MonthOverview {
        month: first,
        district_code: district,
        complaints_by_state: counts,
        open_complaints,
        overdue,
        overdue_total,
        meal_points: scored,
        recent_inspections: inspection_records(state, recent).await?,
    })
}

fn next_month(first: NaiveDate) -> NaiveDate {
    let (year, month) = if first.month() == 12 {
        (first.year() + 1, 1)
    } else {
        (first.year(), first.month() + 1)
    };
    NaiveDate::from_ymd_opt(year, month, 1).unwrap_or(first)
}

fn midnight(date: NaiveDate) -> DateTime<Utc> {
    shanghai_to_utc(date.and_time(chrono::NaiveTime::MIN))
}

/// Every score a visit gave (nutrition only when given).
fn visit_scores(row: &inspection::Model) -> Vec<u8> {
    [
        Some(row.food_safety),
        Some(row.hygiene),
        Some(row.service),
        row.nutrition,
    ]
    .into_iter()
    .flatten()
    .filter_map(|s| u8::try_from(s).ok())
    .collect()
}

fn mean(scores: &[u8]) -> Option<f64> {
    (!scores.is_empty())
        .then(|| scores.iter().map(|s| f64::from(*s)).sum::<f64>() / scores.len() as f64)
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
) -> Result<entity::rating::Model> {
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

/// The rating summaries of these meal points (every id gets one, empty without ratings).
pub async fn rating_summaries(
    state: &AppState,
    meal_point_ids: &[i64],
) -> Result<HashMap<i64, rules::RatingSummary>> {
    let since = state.clock.now() - state.config.rating_recent_window;
    let totals = store::rating_totals(&state.db, meal_point_ids, since).await?;
    Ok(totals
        .into_iter()
        .map(|(id, t)| (id, rules::summarize(&t)))
        .collect())
}

/// The rating of an order the caller may see.
pub async fn rating_of_order(
    state: &AppState,
    caller: &Caller,
    order_id: &str,
) -> Result<rating::Model> {
    let order = visible_order(&state.db, caller, order_id).await?;
    store::rating_of_order(&state.db, &order.id)
        .await?
        .ok_or(FeedbackError::RatingNotFound)
}

/// A page of a meal point's ratings, newest first.
pub struct RatingsPage {
    pub items: Vec<rating::Model>,
    pub total: u64,
    /// Whether hidden ratings are among them (for those who oversee the meal point).
    pub with_hidden: bool,
}

/// A meal point's ratings as `caller` (none: the public) reads them: those who oversee the meal
/// point see the hidden ones too.
pub async fn ratings_of_meal_point(
    state: &AppState,
    caller: Option<&Caller>,
    meal_point_id: i64,
    page: PageRequest,
) -> Result<RatingsPage> {
    let db = &state.db;
    let meal_point = meal_point_access::require_meal_point(db, meal_point_id).await?;
    let with_hidden = match caller {
        Some(caller) => meal_points::is_overseen_by(db, caller, &meal_point).await?,
        None => false,
    };
    let (items, total) = store::ratings_of_meal_point(db, meal_point.id, with_hidden, page).await?;
    Ok(RatingsPage {
        items,
        total,
        with_hidden,
    })
}

/// The meal point's operator answers a rating, once.
pub async fn reply(
    state: &AppState,
    caller: &Caller,
    rating_id: i64,
    text: &str,
) -> Result<entity::rating::Model> {
    let db = &state.db;
    let rating = store::require_rating(db, rating_id).await?;
    meal_point_access::require_operator_of(db, caller, rating.meal_point_id).await?;
    let text = rules::check_text(rules::FreeText::Reply, text)?;
    let now = state.clock.now();
    // The rater hears of the reply: the notice is written with it.
    let txn = db.begin().await?;
    if !store::set_reply(&txn, rating.id, &text, caller.account_id, now).await? {
        return Err(FeedbackError::AlreadyReplied);
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
) -> Result<entity::rating::Model> {
    let db = &state.db;
    let rating = store::require_rating(db, rating_id).await?;
    let reason = rules::check_text(rules::FreeText::HideReason, reason)?;
    if !store::hide_rating(db, rating.id, &reason, caller.account_id, state.clock.now()).await? {
        return Err(FeedbackError::AlreadyHidden);
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

/// Files a complaint. An elder or family member needs a tie to the meal point: an order there
/// (of an elder they act for) named, or such an order in the last [`rules::COMPLAINT_TIE_DAYS`]
/// days; and they file at most [`rules::COMPLAINTS_PER_DAY`] a day, two about one meal point.
/// An operator names only elders with an order at their meal point (any other id reads as
/// unknown), a clerk only elders on their books.
pub async fn file_complaint(
    state: &AppState,
    caller: &Caller,
    new: NewComplaint,
) -> Result<ComplaintRecord> {
    let db = &state.db;
    let meal_point = meal_point_access::require_meal_point(db, new.meal_point_id)
        .await
        .map_err(|e| e.with_field("meal_point_id"))?;
    match caller.role {
        Role::Operator => meal_point_access::require_operator_of(db, caller, meal_point.id).await?,
        Role::DistrictClerk
            if caller.district_code.as_deref() != Some(&meal_point.district_code) =>
        {
            return Err(FeedbackError::NotYourDistrict);
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
                return Err(FeedbackError::OrderNotAtMealPoint);
            }
            Some(order)
        }
        None => None,
    };
    let now = state.clock.now();
    let since = state.clock.today() - Duration::days(rules::COMPLAINT_TIE_DAYS);
    let elder_id = match (&order, new.elder_id) {
        (Some(order), Some(elder_id)) if order.elder_id != elder_id => {
            return Err(FeedbackError::ElderNotOnOrder);
        }
        (Some(order), _) => Some(order.elder_id),
        (None, named) => match caller.role {
            Role::Elder | Role::Family => {
                let acts_for: Vec<i64> = match named {
                    Some(elder_id) => {
                        crate::elders::access::require_may_act_for(db, caller, elder_id).await?;
                        vec![elder_id]
                    }
                    None => crate::elders::store::elders_of_account(db, caller.account_id)
                        .await?
                        .into_iter()
                        .map(|(elder, _)| elder.id)
                        .collect(),
                };
                let tied = store::elder_with_order_at(db, meal_point.id, &acts_for, since).await?;
                Some(tied.ok_or(FeedbackError::NoTie)?)
            }
            Role::Operator => match named {
                Some(elder_id) => Some(
                    store::elder_with_order_at(db, meal_point.id, &[elder_id], since)
                        .await?
                        .ok_or(FeedbackError::ElderNotFound)?,
                ),
                None => None,
            },
            Role::DistrictClerk | Role::CityAdmin => match named {
                Some(elder_id) => {
                    crate::elders::access::require_elder_visible(db, caller, elder_id).await?;
                    Some(elder_id)
                }
                None => None,
            },
            Role::Inspector => return Err(FeedbackError::ElderNotFound),
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
        if let Err(full) = state
            .throttle
            .reserve(&group, &counters, now)
            .await
            .map_err(AppError::from)?
        {
            return Err(FeedbackError::ComplaintLimitReached {
                retry_after: full.retry_after,
            });
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
    complaint_record(state, complaint).await
}

/// A complaint with what its view shows besides its row.
pub struct ComplaintRecord {
    pub complaint: complaint::Model,
    pub meal_point_name: String,
    /// Open with a deadline missed, now.
    pub overdue: bool,
    /// Its steps with their actors' names (系统 for the service's own), when asked for.
    pub steps: Vec<(complaint_step::Model, String)>,
}

/// The records of these complaints, with their steps if asked.
pub async fn complaint_records(
    state: &AppState,
    complaints: Vec<complaint::Model>,
    with_steps: bool,
) -> Result<Vec<ComplaintRecord>> {
    let db = &state.db;
    let now = state.clock.now();
    let names = meal_points::names_of(db, complaints.iter().map(|c| c.meal_point_id)).await?;
    let mut records = Vec::with_capacity(complaints.len());
    for complaint in complaints {
        let steps = if with_steps {
            let steps = store::steps_of(db, complaint.id).await?;
            let actor_names = crate::elders::store::account_names(
                db,
                steps.iter().filter_map(|s| s.actor_account_id),
            )
            .await?;
            steps
                .into_iter()
                .map(|step| {
                    let actor = match step.actor_account_id {
                        Some(id) => actor_names.get(&id).cloned().unwrap_or_default(),
                        None => "系统".to_string(),
                    };
                    (step, actor)
                })
                .collect()
        } else {
            Vec::new()
        };
        records.push(ComplaintRecord {
            meal_point_name: names
                .get(&complaint.meal_point_id)
                .cloned()
                .unwrap_or_default(),
            overdue: rules::is_overdue(
                complaint.state,
                complaint.acknowledged_at,
                complaint.ack_due_at,
                complaint.resolve_due_at,
                now,
            ),
            steps,
            complaint,
        });
    }
    Ok(records)
}

async fn complaint_record(
    state: &AppState,
    complaint: complaint::Model,
) -> Result<ComplaintRecord> {
    complaint_records(state, vec![complaint], true)
        .await?
        .pop()
        .ok_or(FeedbackError::ComplaintNotFound)
}

/// One complaint with every step, for anyone who may know it exists.
pub async fn complaint(state: &AppState, caller: &Caller, id: i64) -> Result<ComplaintRecord> {
    sweep_escalations(state).await?;
    let (complaint, _) = visible_complaint(state, caller, id).await?;
    complaint_record(state, complaint).await
}

/// A page of the complaints an elder or family member made, or that were made for an elder
/// they act for, newest first, with their steps.
pub async fn complaints_of_family(
    state: &AppState,
    caller: &Caller,
    page: PageRequest,
) -> Result<(Vec<ComplaintRecord>, u64)> {
    sweep_escalations(state).await?;
    let elders: Vec<i64> = crate::elders::store::elders_of_account(&state.db, caller.account_id)
        .await?
        .into_iter()
        .map(|(elder, _)| elder.id)
        .collect();
    let condition = Condition::any()
        .add(complaint::Column::ComplainantAccountId.eq(caller.account_id))
        .add(complaint::Column::ElderId.is_in(elders));
    let (items, total) = store::list_complaints(&state.db, condition, page).await?;
    Ok((complaint_records(state, items, true).await?, total))
}

/// Which of the staff's complaints to list.
#[derive(Default)]
pub struct StaffComplaintFilter {
    pub state: Option<ComplaintState>,
    /// Only overdue ones (`true`) or only the others (`false`).
    pub overdue: Option<bool>,
    pub meal_point_id: Option<i64>,
}

/// A page of the complaints a staff member's lists cover, newest first, without their steps.
pub async fn staff_complaints(
    state: &AppState,
    caller: &Caller,
    filter: StaffComplaintFilter,
    page: PageRequest,
) -> Result<(Vec<ComplaintRecord>, u64)> {
    sweep_escalations(state).await?;
    let mut condition = staff_scope(state, caller).await?.condition();
    if let Some(complaint_state) = filter.state {
        condition = condition.add(complaint::Column::State.eq(complaint_state.as_str()));
    }
    if let Some(overdue) = filter.overdue {
        let overdue_condition = store::overdue_condition(state.clock.now());
        condition = condition.add(if overdue {
            overdue_condition
        } else {
            Condition::not(overdue_condition)
        });
    }
    if let Some(meal_point_id) = filter.meal_point_id {
        condition = condition.add(complaint::Column::MealPointId.eq(meal_point_id));
    }
    let (items, total) = store::list_complaints(&state.db, condition, page).await?;
    Ok((complaint_records(state, items, false).await?, total))
}

/// The complaints a staff member's lists cover.
pub async fn staff_scope(state: &AppState, caller: &Caller) -> Result<store::ComplaintScope> {
    Ok(match caller.role {
        Role::Operator => store::ComplaintScope {
            meal_point_ids: Some(
                meal_points::meal_points_of_operator(&state.db, caller.account_id)
                    .await?
                    .into_iter()
                    .map(|m| m.id)
                    .collect(),
            ),
            district_code: None,
        },
        Role::DistrictClerk => store::ComplaintScope {
            meal_point_ids: None,
            district_code: Some(caller.district_code.clone().unwrap_or_default()),
        },
        _ => store::ComplaintScope::default(),
    })
}

/// How the caller stands towards a complaint, or `None` if they may not know it exists.
async fn complaint_party(
    db: &sea_orm::DatabaseConnection,
    caller: &Caller,
    complaint: &entity::complaint::Model,
) -> Result<Option<rules::Party>> {
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
) -> Result<(entity::complaint::Model, rules::Party)> {
    let complaint = store::require_complaint(&state.db, id).await?;
    match complaint_party(&state.db, caller, &complaint).await? {
        Some(party) => Ok((complaint, party)),
        None => Err(FeedbackError::ComplaintNotFound),
    }
}

/// Takes one step on a complaint (acknowledge, resolve, escalate, close), guarded on its state.
pub async fn act(
    state: &AppState,
    caller: &Caller,
    id: i64,
    action: rules::Action,
    note: Option<String>,
) -> Result<ComplaintRecord> {
    sweep_escalations(state).await?;
    let (complaint, party) = visible_complaint(state, caller, id).await?;
    if action == rules::Action::Resolve && note.is_none() {
        return Err(FeedbackError::NoteRequired);
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
            .map_or(FeedbackError::ComplaintStateChanged, FeedbackError::Rule));
    }
    complaint_record(state, latest).await
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
) -> Result<bool> {
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
pub async fn sweep_escalations(state: &AppState) -> Result<u32> {
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
