//! Ratings and complaints over HTTP.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::rating;
use poem_openapi::{
    ApiResponse, Object, OpenApi,
    param::{Path, Query},
    payload::Json,
};

use super::{
    rules::{self, RatingSummary},
    store::{self, NewRating},
};
use crate::{
    api::ApiTags,
    auth::{BearerAuth, Caller, Role},
    error::{AppError, AppResult},
    meal_points::store as meal_points,
    orders::{rules::OrderState, service::visible_order},
    pagination::{Page, PageRequest},
    state::AppState,
};

pub struct FeedbackApi {
    pub state: AppState,
}

// ---------------------------------------------------------------------------------------------
// Rating DTOs
// ---------------------------------------------------------------------------------------------

#[derive(Object)]
struct NewRatingBody {
    /// 总体评分 1–5.
    overall: i64,
    /// 口味 1–5.
    taste: i64,
    /// 分量 1–5.
    portion: i64,
    /// 卫生 1–5.
    hygiene: i64,
    /// 服务 1–5.
    service: i64,
    /// At most 500 characters.
    comment: Option<String>,
    /// Up to nine photo URLs (upload first, then send the URLs).
    photos: Option<Vec<String>>,
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
struct ReplyBody {
    /// At most 500 characters.
    text: String,
}

#[derive(Object)]
struct HideBody {
    /// Why the rating breaks the rules; kept with who hid it and when. At most 200 characters.
    reason: String,
}

#[derive(ApiResponse)]
enum RatingCreated {
    /// Rated.
    #[oai(status = 201)]
    Created(Json<RatingView>),
}

/// A meal point's ratings at a glance. Averages have one decimal, null without ratings.
#[derive(Object, Clone, Debug)]
pub struct RatingSummaryView {
    /// Visible ratings.
    pub count: u64,
    pub overall: Option<f64>,
    pub taste: Option<f64>,
    pub portion: Option<f64>,
    pub hygiene: Option<f64>,
    pub service: Option<f64>,
    /// Ratings of the recent window (`ZHUCAN_RATING_RECENT_DAYS`, default 30 days).
    pub recent_count: u64,
    pub recent_overall: Option<f64>,
    /// How many ratings gave overall 1, 2, 3, 4 and 5.
    pub distribution: Vec<u64>,
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

/// The rating summaries of these meal points (every id gets one, empty without ratings).
pub async fn rating_summaries(
    state: &AppState,
    meal_point_ids: &[i64],
) -> AppResult<HashMap<i64, RatingSummaryView>> {
    let since = state.clock.now() - state.config.rating_recent_window;
    let totals = store::rating_totals(&state.db, meal_point_ids, since).await?;
    Ok(totals
        .into_iter()
        .map(|(id, t)| (id, rules::summarize(&t).into()))
        .collect())
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
/// missing, expired or unknown token reads as the public.
async fn optional_caller(state: &AppState, req: &poem::Request) -> Option<Caller> {
    let token = req
        .headers()
        .get(poem::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")?;
    crate::auth::store::caller_for_token(&state.db, token.trim(), state.clock.now())
        .await
        .ok()
}

/// Whether this caller sees a meal point's hidden ratings: its operators, a clerk of its
/// district, the city admin.
async fn sees_hidden_ratings(
    state: &AppState,
    caller: Option<&Caller>,
    meal_point: &entity::meal_point::Model,
) -> AppResult<bool> {
    let Some(caller) = caller else {
        return Ok(false);
    };
    Ok(match caller.role {
        Role::CityAdmin => true,
        Role::DistrictClerk => caller.district_code.as_deref() == Some(&meal_point.district_code),
        Role::Operator => {
            meal_points::is_operator_of(&state.db, caller.account_id, meal_point.id).await?
        }
        _ => false,
    })
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
        let db = &self.state.db;
        let order = visible_order(db, caller, &id).await?;
        let body = body.0;
        let scores = rules::check_scores(
            body.overall,
            body.taste,
            body.portion,
            body.hygiene,
            body.service,
        )?;
        let comment = rules::check_comment(body.comment.as_deref())?;
        let photos = rules::check_photos(body.photos.as_deref().unwrap_or_default())?;
        let now = self.state.clock.now();
        let already = store::rating_of_order(db, &order.id).await?.is_some();
        rules::check_may_rate(
            order.state == OrderState::Served.as_str(),
            order.served_at,
            already,
            self.state.config.rating_window,
            now,
        )?;
        let rating = store::insert_rating(
            db,
            NewRating {
                order: &order,
                account_id: caller.account_id,
                scores,
                comment,
                photos,
                now,
            },
        )
        .await?;
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
        let order = visible_order(&self.state.db, caller, &id).await?;
        let rating = store::rating_of_order(&self.state.db, &order.id)
            .await?
            .ok_or_else(store::rating_not_found)?;
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
        let meal_point = meal_points::require_meal_point(&self.state.db, *id).await?;
        let caller = optional_caller(&self.state, req).await;
        let staff = sees_hidden_ratings(&self.state, caller.as_ref(), &meal_point).await?;
        let (items, total) =
            store::ratings_of_meal_point(&self.state.db, meal_point.id, staff, page).await?;
        let items = items.into_iter().map(|r| rating_view(r, staff)).collect();
        Ok(Json(Page::new(items, total, page)))
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
        let db = &self.state.db;
        let rating = store::require_rating(db, *id).await?;
        meal_points::require_operator_of(db, caller, rating.meal_point_id).await?;
        let text = rules::check_text("text", "REPLY_INVALID", "回复", &body.text, 500)?;
        if !store::set_reply(
            db,
            rating.id,
            &text,
            caller.account_id,
            self.state.clock.now(),
        )
        .await?
        {
            return Err(AppError::conflict(
                "ALREADY_REPLIED",
                "这条评价已经回复过了，每条评价只能回复一次",
            ));
        }
        Ok(Json(rating_view(
            store::require_rating(db, rating.id).await?,
            true,
        )))
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
        let db = &self.state.db;
        let rating = store::require_rating(db, *id).await?;
        let reason = rules::check_text("reason", "REASON_INVALID", "隐藏原因", &body.reason, 200)?;
        if !store::hide_rating(
            db,
            rating.id,
            &reason,
            caller.account_id,
            self.state.clock.now(),
        )
        .await?
        {
            return Err(AppError::conflict("ALREADY_HIDDEN", "这条评价已经隐藏了"));
        }
        tracing::info!(rating = rating.id, by = caller.account_id, %reason, "rating hidden");
        Ok(Json(rating_view(
            store::require_rating(db, rating.id).await?,
            true,
        )))
    }
}
