//! Ratings and complaints over HTTP.

use chrono::{DateTime, Utc};
use entity::rating;
use poem_openapi::{
    ApiResponse, Object, OpenApi,
    param::{Path, Query},
    payload::Json,
};

use super::{
    rules::{self, RatingSummary},
    service::{self, ComplaintRecord},
};
use crate::{
    auth::{BearerAuth, Caller, Role, error::AuthError},
    error::{AppError, AppResult},
    meal_points::http::RatingSummaryView,
    pagination::{Page, PageRequest},
    state::AppState,
    tags::ApiTags,
};

pub struct FeedbackApi {
    pub state: AppState,
}

// ---------------------------------------------------------------------------------------------
// Rating DTOs
// ---------------------------------------------------------------------------------------------

#[derive(Object)]
pub struct NewRatingBody {
    /// 总体评分 1–5.
    #[oai(validator(minimum(value = "1"), maximum(value = "5")))]
    pub overall: i64,
    /// 口味 1–5.
    #[oai(validator(minimum(value = "1"), maximum(value = "5")))]
    pub taste: i64,
    /// 分量 1–5.
    #[oai(validator(minimum(value = "1"), maximum(value = "5")))]
    pub portion: i64,
    /// 卫生 1–5.
    #[oai(validator(minimum(value = "1"), maximum(value = "5")))]
    pub hygiene: i64,
    /// 服务 1–5.
    #[oai(validator(minimum(value = "1"), maximum(value = "5")))]
    pub service: i64,
    /// At most 500 characters.
    #[oai(validator(max_length = 500))]
    pub comment: Option<String>,
    /// Up to nine photo URLs (upload first, then send the URLs).
    #[oai(validator(max_items = 9, max_length = 500))]
    pub photos: Option<Vec<String>>,
}

/// The operator's answer to a rating.
#[derive(Object)]
pub struct RatingReplyView {
    pub text: String,
    pub replied_at: DateTime<Utc>,
}

#[derive(Object)]
pub struct RatingView {
    pub id: i64,
    pub order_id: String,
    pub meal_point_id: i64,
    pub overall: i32,
    pub taste: i32,
    pub portion: i32,
    pub hygiene: i32,
    pub service: i32,
    pub comment: Option<String>,
    pub photos: Vec<String>,
    pub created_at: DateTime<Utc>,
    /// The operator's reply, or null.
    pub reply: Option<RatingReplyView>,
    /// Hidden by the city: left out of the public list and of every average.
    pub hidden: bool,
    /// Why the city hid it (shown to staff only).
    #[oai(skip_serializing_if_is_none)]
    pub hidden_reason: Option<String>,
}

#[derive(Object)]
pub struct ReplyBody {
    /// At most 500 characters.
    #[oai(validator(max_length = 500, pattern = r"\S"))]
    pub text: String,
}

#[derive(Object)]
pub struct HideBody {
    /// Why the rating breaks the rules; kept with who hid it and when. At most 200 characters.
    #[oai(validator(max_length = 200, pattern = r"\S"))]
    pub reason: String,
}

#[derive(ApiResponse)]
enum RatingCreated {
    /// Rated.
    #[oai(status = 201)]
    Created(Json<RatingView>),
}

impl From<RatingSummary> for RatingSummaryView {
    fn from(s: RatingSummary) -> Self {
        Self {
            count: s.count,
            overall: s.overall,
            taste: s.taste,
            portion: s.portion,
            hygiene: s.hygiene,
            service: s.service,
            recent_count: s.recent_count,
            recent_overall: s.recent_overall,
            distribution: s.distribution.to_vec(),
        }
    }
}

pub fn rating_view(model: rating::Model, show_reason: bool) -> RatingView {
    let photos = serde_json::from_str(&model.photos_json).unwrap_or_default();
    let reply = match (model.reply_text, model.replied_at) {
        (Some(text), Some(replied_at)) => Some(RatingReplyView { text, replied_at }),
        _ => None,
    };
    RatingView {
        id: model.id,
        order_id: model.order_id,
        meal_point_id: model.meal_point_id,
        overall: model.overall,
        taste: model.taste,
        portion: model.portion,
        hygiene: model.hygiene,
        service: model.service,
        comment: model.comment,
        photos,
        created_at: model.created_at,
        reply,
        hidden: model.hidden,
        hidden_reason: model.hidden_reason.filter(|_| show_reason),
    }
}

/// The caller behind an optional bearer token, for public endpoints that show staff more. A
/// missing, expired, unknown or disabled token reads as the public; a failure to look it up is
/// an error, never the public's answer.
async fn optional_caller(state: &AppState, req: &poem::Request) -> AppResult<Option<Caller>> {
    let Some(token) = crate::auth::bearer_token(req) else {
        return Ok(None);
    };
    match crate::auth::caller_for(state, &token).await {
        Ok(caller) => Ok(Some(caller)),
        Err(
            AuthError::TokenInvalid
            | AuthError::TokenExpired
            | AuthError::TokenRevoked
            | AuthError::AccountDisabled,
        ) => Ok(None),
        Err(err) => Err(err.into()),
    }
}

#[OpenApi(tag = "ApiTags::Feedback")]
impl FeedbackApi {
    /// Rate a served order: five scores 1–5, an optional comment and photos.
    ///
    /// Once per order, within `ZHUCAN_RATING_WINDOW_DAYS` (default 7) of the meal being served.
    /// Errors: `ORDER_NOT_SERVED`, `ALREADY_RATED`, `RATING_WINDOW_CLOSED` (409), `SCORE_INVALID`
    /// (400, `field` names the score).
    ///
    /// Roles: elder, family (for their own or a linked elder's order).
    #[oai(path = "/orders/:id/rating", method = "post")]
    async fn rate(
        &self,
        auth: BearerAuth,
        id: Path<String>,
        body: Json<NewRatingBody>,
    ) -> AppResult<RatingCreated> {
        let caller = auth.allow(&[Role::Elder, Role::Family])?;
        let body = body.0;
        let ask = service::RatingAsk {
            overall: body.overall,
            taste: body.taste,
            portion: body.portion,
            hygiene: body.hygiene,
            service: body.service,
            comment: body.comment,
            photos: body.photos.unwrap_or_default(),
        };
        let rating = service::rate(&self.state, caller, &id, ask).await?;
        Ok(RatingCreated::Created(Json(rating_view(rating, false))))
    }

    /// The rating of an order, or 404 `RATING_NOT_FOUND` while it has none.
    ///
    /// Roles: elder, family, operator, district_clerk, city_admin (whoever may see the order).
    #[oai(path = "/orders/:id/rating", method = "get")]
    async fn order_rating(
        &self,
        auth: BearerAuth,
        id: Path<String>,
    ) -> AppResult<Json<RatingView>> {
        let caller = auth.any_role();
        let rating = service::rating_of_order(&self.state, caller, &id).await?;
        let staff = Role::STAFF.contains(&caller.role);
        Ok(Json(rating_view(rating, staff)))
    }

    /// A meal point's ratings, newest first.
    ///
    /// Public. Ratings the city hid are left out, except for the meal point's operators, a clerk
    /// of its district and the city admin (send the token), who see them with `hidden: true`.
    #[oai(path = "/meal-points/:id/ratings", method = "get")]
    async fn meal_point_ratings(
        &self,
        req: &poem::Request,
        id: Path<i64>,
        page: Query<Option<u64>>,
        page_size: Query<Option<u64>>,
    ) -> AppResult<Json<Page<RatingView>>> {
        let page = PageRequest::new(page.0, page_size.0)?;
        let caller = optional_caller(&self.state, req).await?;
        let ratings =
            service::ratings_of_meal_point(&self.state, caller.as_ref(), *id, page).await?;
        let staff = ratings.with_hidden;
        let items = ratings
            .items
            .into_iter()
            .map(|r| rating_view(r, staff))
            .collect();
        Ok(Json(Page::new(items, ratings.total, page)))
    }

    /// Reply to a rating, once.
    ///
    /// Roles: operator (of the rated meal point).
    #[oai(path = "/ratings/:id/reply", method = "post")]
    async fn reply(
        &self,
        auth: BearerAuth,
        id: Path<i64>,
        body: Json<ReplyBody>,
    ) -> AppResult<Json<RatingView>> {
        let caller = auth.allow(&[Role::Operator])?;
        let rating = service::reply(&self.state, caller, *id, &body.text).await?;
        Ok(Json(rating_view(rating, true)))
    }

    /// Hide a rating that breaks the rules (abuse, personal data, advertising). It is never
    /// edited or deleted: it leaves the public list and the averages, and who hid it, when and
    /// why are kept.
    ///
    /// Roles: city_admin.
    #[oai(path = "/ratings/:id/hide", method = "post")]
    async fn hide(
        &self,
        auth: BearerAuth,
        id: Path<i64>,
        body: Json<HideBody>,
    ) -> AppResult<Json<RatingView>> {
        let caller = auth.allow(&[Role::CityAdmin])?;
        let rating = service::hide(&self.state, caller, *id, &body.reason).await?;
        Ok(Json(rating_view(rating, true)))
    }
}

// ---------------------------------------------------------------------------------------------
// Complaint DTOs
// ---------------------------------------------------------------------------------------------

#[derive(Object)]
pub struct NewComplaintBody {
    pub meal_point_id: i64,
    /// The order complained about, if one; it must be at that meal point.
    pub order_id: Option<String>,
    /// The elder the complaint is for (staff taking it on someone's behalf, or a family member
    /// for a linked elder). Taken from the order when one is given.
    pub elder_id: Option<i64>,
    pub category: rules::Category,
    /// What happened; at most 1000 characters.
    #[oai(validator(max_length = 1000, pattern = r"\S"))]
    pub text: String,
}

#[derive(Object)]
pub struct NoteBody {
    /// What was done or decided; required to resolve, at most 500 characters.
    #[oai(validator(max_length = 500))]
    pub note: Option<String>,
}

/// One step of a complaint: who, when, what was said.
#[derive(Object)]
pub struct ComplaintStepView {
    #[oai(skip_serializing_if_is_none)]
    pub from_state: Option<rules::ComplaintState>,
    pub to_state: rules::ComplaintState,
    pub to_state_label: String,
    /// None when the service made the step itself (a missed deadline).
    pub actor_account_id: Option<i64>,
    pub actor_role: Option<Role>,
    /// The account's display name, or 系统 for the service.
    pub actor_name: String,
    pub note: String,
    pub at: DateTime<Utc>,
}

#[derive(Object)]
pub struct ComplaintView {
    pub id: i64,
    pub meal_point_id: i64,
    pub meal_point_name: String,
    /// The meal point's district: whose clerk supervises the complaint.
    pub district_code: String,
    pub order_id: Option<String>,
    pub elder_id: Option<i64>,
    pub category: rules::Category,
    pub category_label: String,
    pub text: String,
    pub state: rules::ComplaintState,
    pub state_label: String,
    /// Who made it: `elder`, `family`, or the staff role that took it on someone's behalf.
    pub complainant_role: Role,
    pub created_at: DateTime<Utc>,
    /// Acknowledge by this time (per category, from submission).
    pub ack_due_at: DateTime<Utc>,
    /// Resolve by this time.
    pub resolve_due_at: DateTime<Utc>,
    /// Open and a deadline missed.
    pub overdue: bool,
    #[oai(skip_serializing_if_is_none)]
    pub acknowledged_at: Option<DateTime<Utc>>,
    #[oai(skip_serializing_if_is_none)]
    pub escalated_at: Option<DateTime<Utc>>,
    #[oai(skip_serializing_if_is_none)]
    pub resolved_at: Option<DateTime<Utc>>,
    #[oai(skip_serializing_if_is_none)]
    pub closed_at: Option<DateTime<Utc>>,
    /// Every step, oldest first (on single reads and the complainant's own list).
    #[oai(default, skip_serializing_if_is_empty)]
    pub steps: Vec<ComplaintStepView>,
}

#[derive(ApiResponse)]
enum ComplaintCreated {
    /// Submitted.
    #[oai(status = 201)]
    Created(Json<ComplaintView>),
}

/// The view of a complaint's record.
pub fn complaint_view(record: ComplaintRecord) -> ComplaintView {
    let c = record.complaint;
    let steps = record
        .steps
        .into_iter()
        .map(|(s, actor_name)| ComplaintStepView {
            actor_name,
            from_state: s.from_state,
            to_state_label: s.to_state.label_zh().to_string(),
            to_state: s.to_state,
            actor_account_id: s.actor_account_id,
            actor_role: s.actor_role,
            note: s.note,
            at: s.at,
        })
        .collect();
    ComplaintView {
        id: c.id,
        meal_point_name: record.meal_point_name,
        meal_point_id: c.meal_point_id,
        district_code: c.district_code,
        order_id: c.order_id,
        elder_id: c.elder_id,
        category_label: c.category.label_zh().to_string(),
        category: c.category,
        text: c.text,
        state_label: c.state.label_zh().to_string(),
        overdue: record.overdue,
        state: c.state,
        complainant_role: c.complainant_role,
        created_at: c.created_at,
        ack_due_at: c.ack_due_at,
        resolve_due_at: c.resolve_due_at,
        acknowledged_at: c.acknowledged_at,
        escalated_at: c.escalated_at,
        resolved_at: c.resolved_at,
        closed_at: c.closed_at,
        steps,
    }
}

#[OpenApi(tag = "ApiTags::Feedback")]
impl FeedbackComplaintsApi {
    /// Make a complaint about a meal point (and maybe one of its orders).
    ///
    /// An elder or family member for themselves or a linked elder, tied to the meal point by an
    /// order there in the last 90 days (403 `COMPLAINT_NO_TIE` without), at most 5 a day and 2
    /// about one meal point (429 `COMPLAINT_LIMIT_REACHED`); an operator (about their own meal
    /// point, naming only elders with an order there), a district clerk (about a meal point of
    /// their district) or the city admin on someone's behalf, e.g. taken by phone. The reply carries the deadlines: acknowledge and
    /// resolve by (per category, food safety the shortest); a missed deadline escalates the
    /// complaint to the district by itself.
    ///
    /// Roles: elder, family, operator, district_clerk, city_admin.
    #[oai(path = "/complaints", method = "post")]
    async fn create(
        &self,
        auth: BearerAuth,
        body: Json<NewComplaintBody>,
    ) -> AppResult<ComplaintCreated> {
        let caller = auth.allow(&[
            Role::Elder,
            Role::Family,
            Role::Operator,
            Role::DistrictClerk,
            Role::CityAdmin,
        ])?;
        let body = body.0;
        let new = super::service::NewComplaint {
            meal_point_id: body.meal_point_id,
            order_id: body.order_id,
            elder_id: body.elder_id,
            category: body.category,
            text: rules::check_text(rules::FreeText::ComplaintText, &body.text)?,
        };
        let record = service::file_complaint(&self.state, caller, new).await?;
        Ok(ComplaintCreated::Created(Json(complaint_view(record))))
    }

    /// One complaint with every step.
    ///
    /// Roles: elder, family (their own, or about an elder they act for), operator (their meal
    /// points), district_clerk (their district), city_admin.
    #[oai(path = "/complaints/:id", method = "get")]
    async fn complaint(&self, auth: BearerAuth, id: Path<i64>) -> AppResult<Json<ComplaintView>> {
        let caller = auth.any_role();
        let record = service::complaint(&self.state, caller, *id).await?;
        Ok(Json(complaint_view(record)))
    }

    /// The complaints the signed-in elder or family member made, or that were made for an elder
    /// they act for, newest first, each with its steps (the progress).
    ///
    /// Roles: elder, family.
    #[oai(path = "/me/complaints", method = "get")]
    async fn mine(
        &self,
        auth: BearerAuth,
        page: Query<Option<u64>>,
        page_size: Query<Option<u64>>,
    ) -> AppResult<Json<Page<ComplaintView>>> {
        let caller = auth.allow(&[Role::Elder, Role::Family])?;
        let page = PageRequest::new(page.0, page_size.0)?;
        let (records, total) = service::complaints_of_family(&self.state, caller, page).await?;
        let items = records.into_iter().map(complaint_view).collect();
        Ok(Json(Page::new(items, total, page)))
    }

    /// Complaints for staff, newest first: an operator sees their meal points', a district
    /// clerk their district's, the city admin all.
    ///
    /// Roles: operator, district_clerk, city_admin.
    #[oai(path = "/complaints", method = "get")]
    async fn list(
        &self,
        auth: BearerAuth,
        /// `submitted`, `acknowledged`, `escalated`, `resolved` or `closed`.
        state: Query<Option<String>>,
        /// true: only overdue ones (open, a deadline missed); false: only the others.
        overdue: Query<Option<bool>>,
        meal_point_id: Query<Option<i64>>,
        page: Query<Option<u64>>,
        page_size: Query<Option<u64>>,
    ) -> AppResult<Json<Page<ComplaintView>>> {
        let caller = auth.allow(&[Role::Operator, Role::DistrictClerk, Role::CityAdmin])?;
        let page = PageRequest::new(page.0, page_size.0)?;
        let state = state
            .0
            .as_deref()
            .map(|code| {
                rules::ComplaintState::parse(code.trim()).ok_or_else(|| {
                    AppError::invalid(
                        "state",
                        "COMPLAINT_STATE_INVALID",
                        "状态须为 submitted、acknowledged、escalated、resolved 或 closed",
                    )
                })
            })
            .transpose()?;
        let filter = service::StaffComplaintFilter {
            state,
            overdue: overdue.0,
            meal_point_id: meal_point_id.0,
        };
        let (records, total) = service::staff_complaints(&self.state, caller, filter, page).await?;
        let items = records.into_iter().map(complaint_view).collect();
        Ok(Json(Page::new(items, total, page)))
    }

    /// Acknowledge (受理) a submitted complaint.
    ///
    /// Roles: operator (their meal points), district_clerk (their district), city_admin.
    #[oai(path = "/complaints/:id/acknowledge", method = "post")]
    async fn acknowledge(
        &self,
        auth: BearerAuth,
        id: Path<i64>,
        body: Json<NoteBody>,
    ) -> AppResult<Json<ComplaintView>> {
        self.act(&auth, *id, rules::Action::Acknowledge, body.0)
            .await
    }

    /// Resolve an acknowledged complaint, saying what was done (`note` required). Once escalated,
    /// only the district (clerk or city admin) resolves it.
    ///
    /// Roles: operator (their meal points), district_clerk (their district), city_admin.
    #[oai(path = "/complaints/:id/resolve", method = "post")]
    async fn resolve(
        &self,
        auth: BearerAuth,
        id: Path<i64>,
        body: Json<NoteBody>,
    ) -> AppResult<Json<ComplaintView>> {
        self.act(&auth, *id, rules::Action::Resolve, body.0).await
    }

    /// Escalate an open complaint to the district (the service does this by itself when a
    /// deadline passes). The complainant may escalate once the meal point missed a deadline (409
    /// `ESCALATION_NOT_DUE` before).
    ///
    /// Roles: elder, family (their complaints), operator (their meal points), district_clerk
    /// (their district), city_admin.
    #[oai(path = "/complaints/:id/escalate", method = "post")]
    async fn escalate(
        &self,
        auth: BearerAuth,
        id: Path<i64>,
        body: Json<NoteBody>,
    ) -> AppResult<Json<ComplaintView>> {
        self.act(&auth, *id, rules::Action::Escalate, body.0).await
    }

    /// Close a complaint: the complainant, satisfied with the resolution, or the district
    /// (clerk or city admin) with its conclusion on a resolved or escalated one.
    ///
    /// Roles: elder, family (their complaints), district_clerk (their district), city_admin.
    #[oai(path = "/complaints/:id/close", method = "post")]
    async fn close(
        &self,
        auth: BearerAuth,
        id: Path<i64>,
        body: Json<NoteBody>,
    ) -> AppResult<Json<ComplaintView>> {
        self.act(&auth, *id, rules::Action::Close, body.0).await
    }
}

pub struct FeedbackComplaintsApi {
    pub state: AppState,
}

impl FeedbackComplaintsApi {
    async fn act(
        &self,
        auth: &BearerAuth,
        id: i64,
        action: rules::Action,
        body: NoteBody,
    ) -> AppResult<Json<ComplaintView>> {
        let caller = auth.allow(&[
            Role::Elder,
            Role::Family,
            Role::Operator,
            Role::DistrictClerk,
            Role::CityAdmin,
        ])?;
        let note = body
            .note
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(|note| rules::check_text(rules::FreeText::Note, note))
            .transpose()?;
        let record = service::act(&self.state, caller, id, action, note).await?;
        Ok(Json(complaint_view(record)))
    }
}
