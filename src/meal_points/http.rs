//! Meal points over HTTP: the public directory (list, near search, profile), what the city
//! admin does (create, labels, operators) and what an operator keeps (profile, hours, status).

use chrono::{NaiveDate, NaiveTime};
use entity::{account, meal_point};
use poem_openapi::{
    Object, OpenApi,
    param::{Path, Query},
    payload::Json,
    types::MaybeUndefined,
};

use super::{
    DEFAULT_BOOKING_DAYS_AHEAD, DEFAULT_ORDER_LEAD_MINUTES, MealPointProfile, booking_policy,
    error::ProfileText,
    required_text,
    rules::{
        CityLabels, GeoPoint, MealPointKind, MealPointRuleError, MealPointStatus,
        MealPointStatusKind, OpeningDays, ServiceHours, ServiceModes, SlotHours, StarGrade,
        normalize_food_licence_no, normalize_live_video_url, normalize_phone,
    },
    service::{self, Listed, MealPointDetails, ProfileChanges},
    service_modes,
    store::{self, ListFilter},
};
use crate::{
    auth::{BearerAuth, Role},
    error::{AppError, AppResult},
    pagination::{Page, PageRequest},
    state::AppState,
    tags::ApiTags,
};
use vocabulary::{DishTag, ServiceMode, Slot};

pub struct MealPointsApi {
    pub state: AppState,
}

/// A slot's opening or closing time as the document states it: `HH:MM`, 00:00 to 23:59.
pub const HHMM_PATTERN: &str = "^(?:[01][0-9]|2[0-3]):[0-5][0-9]$";

pub use super::{NEAR_DEFAULT_RADIUS_M, NEAR_MAX_RADIUS_M};

// ---------------------------------------------------------------------------------------------
// DTOs
// ---------------------------------------------------------------------------------------------

/// A machine code with its Chinese label, so the mini program shows labels without a table of
/// its own.
#[derive(Object, Clone, Debug, PartialEq, Eq)]
pub struct CodeLabel {
    pub code: String,
    pub label: String,
}

impl CodeLabel {
    pub fn new(code: &str, label: &str) -> Self {
        Self {
            code: code.to_owned(),
            label: label.to_owned(),
        }
    }
}

/// The hours of one meal slot, times as `HH:MM` (Shanghai time).
#[derive(Object, Clone, Debug)]
pub struct SlotHoursInput {
    pub slot: Slot,
    /// e.g. `11:00`.
    pub opens: String,
    /// e.g. `12:30`; must be after `opens`.
    pub closes: String,
}

#[derive(Object, Clone, Debug)]
pub struct SlotHoursView {
    pub slot: Slot,
    /// 早餐, 午餐, 晚餐.
    pub slot_label: String,
    /// `HH:MM`, Shanghai time.
    pub opens: String,
    pub closes: String,
}

#[derive(Object)]
pub struct NewMealPoint {
    pub name: String,
    /// See `GET /meal-point-kinds` for the Chinese names.
    pub kind: MealPointKind,
    pub district_code: String,
    /// A street or town of that district (`GET /places/districts/{code}/streets`).
    pub street_id: i64,
    pub address: String,
    /// GCJ-02 latitude, as WeChat's map picker returns it.
    pub lat: f64,
    /// GCJ-02 longitude.
    pub lng: f64,
    /// A mobile number or a landline with its area code (0519-88886666).
    pub phone: String,
    pub service_modes: Vec<ServiceMode>,
    /// Metres; required with `delivery`, refused without it.
    pub delivery_radius_m: Option<i64>,
    /// ISO weekdays the meal point serves: 1 = Monday … 7 = Sunday.
    pub opening_days: Vec<i64>,
    /// One entry per slot served.
    pub slot_hours: Vec<SlotHoursInput>,
    /// Ordering closes this many minutes before a slot opens (default 120).
    pub order_lead_minutes: Option<i64>,
    /// Booking for a date opens this many days before it (default 7).
    pub booking_days_ahead: Option<i64>,
    /// 食品经营许可证编号: JY and 14 digits.
    pub food_licence_no: String,
    /// 明厨亮灶 live kitchen video, https.
    pub live_video_url: Option<String>,
    /// 示范助餐点 (default false).
    pub demonstration: Option<bool>,
    /// 1..=5.
    pub star_grade: Option<i64>,
}

/// Changes to a meal point's profile; a field left out stays as it is. Labels are not here
/// (`PUT /meal-points/{id}/labels`); an unknown field is refused.
// `Default`: a change names only what changes (the tests build them so).
#[derive(Object, Default)]
#[oai(deny_unknown_fields)]
pub struct MealPointChanges {
    pub name: Option<String>,
    /// city_admin only: the city classifies meal points.
    pub kind: Option<MealPointKind>,
    /// city_admin only; `street_id` must then be a street of the new district.
    pub district_code: Option<String>,
    pub street_id: Option<i64>,
    pub address: Option<String>,
    pub lat: Option<f64>,
    pub lng: Option<f64>,
    pub phone: Option<String>,
    pub service_modes: Option<Vec<ServiceMode>>,
    /// `null` removes it (with delivery). Dropping `delivery` from `service_modes` drops it too.
    pub delivery_radius_m: MaybeUndefined<i64>,
    pub opening_days: Option<Vec<i64>>,
    /// Replaces all slots. Offerings already published keep their cutoff only if their slot is
    /// still served; others are rescheduled to the new hours.
    pub slot_hours: Option<Vec<SlotHoursInput>>,
    pub order_lead_minutes: Option<i64>,
    pub booking_days_ahead: Option<i64>,
    pub food_licence_no: Option<String>,
    /// `null` removes the live video link.
    pub live_video_url: MaybeUndefined<String>,
}

#[derive(Object)]
pub struct LabelsInput {
    /// 示范助餐点.
    pub demonstration: bool,
    /// 1..=5, or null for none.
    #[oai(validator(minimum(value = "1"), maximum(value = "5")))]
    pub star_grade: Option<i64>,
}

#[derive(Object)]
pub struct StatusInput {
    pub status: MealPointStatusKind,
    /// Required for paused and closed; shown to elders.
    #[oai(validator(max_length = 200))]
    pub status_reason: Option<String>,
    /// First day without bookings; required for paused and closed.
    pub status_from: Option<NaiveDate>,
    /// Last day without bookings (inclusive); none = until further notice.
    pub status_until: Option<NaiveDate>,
}

#[derive(Object)]
pub struct StatusView {
    pub code: MealPointStatusKind,
    pub label: String,
    #[oai(skip_serializing_if_is_none)]
    pub reason: Option<String>,
    #[oai(skip_serializing_if_is_none)]
    pub from: Option<NaiveDate>,
    #[oai(skip_serializing_if_is_none)]
    pub until: Option<NaiveDate>,
}

#[derive(Object)]
pub struct LabelsView {
    pub demonstration: bool,
    #[oai(skip_serializing_if_is_none)]
    pub star_grade: Option<u8>,
    /// The badges to show, e.g. `["示范助餐点", "四星级"]`.
    pub labels_zh: Vec<String>,
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

/// A meal point as lists show it.
#[derive(Object)]
pub struct MealPointSummary {
    pub id: i64,
    pub name: String,
    pub kind: CodeLabel,
    pub district_code: String,
    pub street_id: i64,
    pub address: String,
    pub lat: f64,
    pub lng: f64,
    pub phone: String,
    pub service_modes: Vec<CodeLabel>,
    /// The slots served, in serving order.
    pub slots: Vec<CodeLabel>,
    pub status: StatusView,
    pub labels: LabelsView,
    /// The elders' ratings at a glance (on the list, the near search and the operator's list).
    #[oai(skip_serializing_if_is_none)]
    pub rating_summary: Option<RatingSummaryView>,
}

#[derive(Object)]
pub struct NearbyMealPoint {
    #[oai(flatten)]
    pub meal_point: MealPointSummary,
    /// Great-circle distance from the searched point, in metres.
    pub distance_m: u32,
    /// Open today, not paused or closed today, and at least one offering today with portions
    /// left.
    pub serves_today: bool,
}

/// A meal point's full public profile.
#[derive(Object)]
pub struct MealPointView {
    pub id: i64,
    pub name: String,
    pub kind: CodeLabel,
    pub district_code: String,
    pub district_name: String,
    pub street_id: i64,
    pub street_name: String,
    pub address: String,
    pub lat: f64,
    pub lng: f64,
    pub phone: String,
    pub service_modes: Vec<CodeLabel>,
    #[oai(skip_serializing_if_is_none)]
    pub delivery_radius_m: Option<u32>,
    /// ISO weekdays, 1 = Monday.
    pub opening_days: Vec<u8>,
    /// 每天, 周一至周五, 周一、周三、周五 …
    pub opening_days_label: String,
    pub slot_hours: Vec<SlotHoursView>,
    pub order_lead_minutes: u32,
    pub booking_days_ahead: u32,
    pub food_licence_no: String,
    pub status: StatusView,
    /// Whether the status lets it take bookings today (opening days aside).
    pub takes_bookings_today: bool,
    pub labels: LabelsView,
    /// 明厨亮灶: open in a web-view.
    #[oai(skip_serializing_if_is_none)]
    pub live_video_url: Option<String>,
    /// The elders' ratings at a glance.
    pub rating_summary: RatingSummaryView,
}

#[derive(Object)]
pub struct OperatorView {
    pub account_id: i64,
    pub display_name: String,
    #[oai(skip_serializing_if_is_none)]
    pub username: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// The API
// ---------------------------------------------------------------------------------------------

#[OpenApi(tag = "ApiTags::MealPoints")]
impl MealPointsApi {
    /// Create a meal point (open, with no operators yet).
    ///
    /// Roles: city_admin.
    #[oai(path = "/meal-points", method = "post")]
    async fn create(
        &self,
        auth: BearerAuth,
        body: Json<NewMealPoint>,
    ) -> AppResult<Json<MealPointView>> {
        auth.allow(&[Role::CityAdmin])?;
        let body = body.0;
        let profile = MealPointProfile {
            name: meal_point_name(&body.name)?,
            kind: body.kind,
            district_code: body.district_code.trim().to_owned(),
            street_id: body.street_id,
            address: address(&body.address)?,
            location: GeoPoint::new(body.lat, body.lng)?,
            phone: normalize_phone(&body.phone)?,
            service_modes: service_modes(&body.service_modes, body.delivery_radius_m)?,
            opening_days: opening_days(&body.opening_days)?,
            service_hours: service_hours(&body.slot_hours)?,
            booking_policy: booking_policy(
                body.order_lead_minutes
                    .unwrap_or(i64::from(DEFAULT_ORDER_LEAD_MINUTES)),
                body.booking_days_ahead
                    .unwrap_or(i64::from(DEFAULT_BOOKING_DAYS_AHEAD)),
            )?,
            food_licence_no: normalize_food_licence_no(&body.food_licence_no)?,
            live_video_url: normalize_live_video_url(body.live_video_url.as_deref())?,
        };
        let labels = CityLabels {
            demonstration: body.demonstration.unwrap_or(false),
            star_grade: body.star_grade.map(star_grade).transpose()?,
        };
        let details = service::create(&self.state, profile, labels).await?;
        Ok(Json(self.view(details)?))
    }

    /// The meal point directory, filtered, by id.
    ///
    /// Public. `open_on` keeps meal points open that weekday and not paused or closed that day;
    /// `slot` keeps those serving that slot; `dish_tag` those with an active dish so tagged.
    #[oai(path = "/meal-points", method = "get")]
    #[allow(clippy::too_many_arguments)]
    async fn list(
        &self,
        district_code: Query<Option<String>>,
        kind: Query<Option<MealPointKind>>,
        mode: Query<Option<ServiceMode>>,
        open_on: Query<Option<NaiveDate>>,
        slot: Query<Option<Slot>>,
        demonstration: Query<Option<bool>>,
        /// At least this star grade (1..=5).
        min_star: Query<Option<i64>>,
        /// Names at `GET /dish-tags`.
        dish_tag: Query<Option<DishTag>>,
        page: Query<Option<u64>>,
        page_size: Query<Option<u64>>,
    ) -> AppResult<Json<Page<MealPointSummary>>> {
        let page = PageRequest::new(page.0, page_size.0)?;
        let filter = ListFilter {
            district_code: district_code.0,
            kind: kind.0,
            mode: mode.0,
            open_on: open_on
                .0
                .map(|d| crate::clock::check_business_date("open_on", d))
                .transpose()?,
            slot: slot.0,
            demonstration: demonstration.0,
            min_star: min_star
                .0
                .map(|s| star_grade(s).map_err(|e| e.with_field("min_star")))
                .transpose()?,
            dish_tag: dish_tag.0,
        };
        let (listed, total) = service::list(&self.state, &filter, page).await?;
        let items = listed
            .into_iter()
            .map(listed_summary)
            .collect::<AppResult<_>>()?;
        Ok(Json(Page::new(items, total, page)))
    }

    /// Meal points within a radius of a point, nearest first.
    ///
    /// Public. `lat`/`lng` in GCJ-02 (what `wx.getLocation({type: 'gcj02'})` returns);
    /// `radius_m` defaults to 1000 (the 15-minute circle), at most 5000.
    #[oai(path = "/meal-points/near", method = "get")]
    async fn near(
        &self,
        lat: Query<f64>,
        lng: Query<f64>,
        radius_m: Query<Option<i64>>,
        page: Query<Option<u64>>,
        page_size: Query<Option<u64>>,
    ) -> AppResult<Json<Page<NearbyMealPoint>>> {
        let page = PageRequest::new(page.0, page_size.0)?;
        let (found, total) = service::near(&self.state, lat.0, lng.0, radius_m.0, page).await?;
        let items = found
            .into_iter()
            .map(|nearby| {
                Ok(NearbyMealPoint {
                    meal_point: listed_summary(nearby.listed)?,
                    distance_m: nearby.distance_m,
                    serves_today: nearby.serves_today,
                })
            })
            .collect::<AppResult<Vec<_>>>()?;
        Ok(Json(Page::new(items, total, page)))
    }

    /// A meal point's public profile.
    ///
    /// Public.
    #[oai(path = "/meal-points/:id", method = "get")]
    async fn get(&self, id: Path<i64>) -> AppResult<Json<MealPointView>> {
        let details = service::get(&self.state, id.0).await?;
        Ok(Json(self.view(details)?))
    }

    /// Change a meal point's profile, hours, service modes or booking times.
    ///
    /// Roles: operator (their own meal points), city_admin. Only a city admin may change
    /// `kind` or `district_code`; labels have their own endpoint. If hours or booking times
    /// change, offerings from today on get their cutoff and booking-opens date again.
    #[oai(path = "/meal-points/:id", method = "patch")]
    async fn update(
        &self,
        auth: BearerAuth,
        id: Path<i64>,
        body: Json<MealPointChanges>,
    ) -> AppResult<Json<MealPointView>> {
        let caller = auth.allow(&[Role::Operator, Role::CityAdmin])?;
        let body = body.0;
        let nullable = |value: MaybeUndefined<_>| match value {
            MaybeUndefined::Value(v) => Some(Some(v)),
            MaybeUndefined::Null => Some(None),
            MaybeUndefined::Undefined => None,
        };
        let changes = ProfileChanges {
            name: body.name.as_deref().map(meal_point_name).transpose()?,
            kind: body.kind,
            district_code: body.district_code,
            street_id: body.street_id,
            address: body.address.as_deref().map(address).transpose()?,
            lat: body.lat,
            lng: body.lng,
            phone: body.phone.as_deref().map(normalize_phone).transpose()?,
            service_modes: body.service_modes,
            delivery_radius_m: nullable(body.delivery_radius_m),
            opening_days: body.opening_days.as_deref().map(opening_days).transpose()?,
            service_hours: body.slot_hours.as_deref().map(service_hours).transpose()?,
            order_lead_minutes: body.order_lead_minutes,
            booking_days_ahead: body.booking_days_ahead,
            food_licence_no: body
                .food_licence_no
                .as_deref()
                .map(normalize_food_licence_no)
                .transpose()?,
            live_video_url: match body.live_video_url {
                MaybeUndefined::Value(url) => Some(normalize_live_video_url(Some(&url))?),
                MaybeUndefined::Null => Some(None),
                MaybeUndefined::Undefined => None,
            },
        };
        let details = service::update_profile(&self.state, caller, id.0, changes).await?;
        Ok(Json(self.view(details)?))
    }

    /// Set the labels only the city gives: 示范助餐点 and the star grade.
    ///
    /// Roles: city_admin.
    #[oai(path = "/meal-points/:id/labels", method = "put")]
    async fn set_labels(
        &self,
        auth: BearerAuth,
        id: Path<i64>,
        body: Json<LabelsInput>,
    ) -> AppResult<Json<MealPointView>> {
        auth.allow(&[Role::CityAdmin])?;
        let labels = CityLabels {
            demonstration: body.demonstration,
            star_grade: body.star_grade.map(star_grade).transpose()?,
        };
        let details = service::set_labels(&self.state, id.0, labels).await?;
        Ok(Json(self.view(details)?))
    }

    /// Open, pause or close a meal point. A pause or closure stops bookings for the days it
    /// covers (from `status_from` to `status_until`, inclusive) and no others.
    ///
    /// Roles: operator (their own meal points), city_admin.
    #[oai(path = "/meal-points/:id/status", method = "put")]
    async fn set_status(
        &self,
        auth: BearerAuth,
        id: Path<i64>,
        body: Json<StatusInput>,
    ) -> AppResult<Json<MealPointView>> {
        let caller = auth.allow(&[Role::Operator, Role::CityAdmin])?;
        let status = MealPointStatus::new(
            body.status,
            body.status_reason.as_deref(),
            body.status_from,
            body.status_until,
        )?;
        let details = service::set_status(&self.state, caller, id.0, status).await?;
        Ok(Json(self.view(details)?))
    }

    /// The operators assigned to a meal point.
    ///
    /// Roles: operator (their own meal points), city_admin.
    #[oai(path = "/meal-points/:id/operators", method = "get")]
    async fn operators(
        &self,
        auth: BearerAuth,
        id: Path<i64>,
    ) -> AppResult<Json<Vec<OperatorView>>> {
        let caller = auth.allow(&[Role::Operator, Role::CityAdmin])?;
        let accounts = service::operators(&self.state, caller, id.0).await?;
        Ok(Json(operator_views(accounts)))
    }

    /// Assign an operator account to a meal point (assigning twice changes nothing). Returns
    /// the meal point's operators.
    ///
    /// Roles: city_admin.
    #[oai(path = "/meal-points/:id/operators/:account_id", method = "post")]
    async fn assign_operator(
        &self,
        auth: BearerAuth,
        id: Path<i64>,
        account_id: Path<i64>,
    ) -> AppResult<Json<Vec<OperatorView>>> {
        auth.allow(&[Role::CityAdmin])?;
        let accounts = service::assign_operator(&self.state, id.0, account_id.0).await?;
        Ok(Json(operator_views(accounts)))
    }

    /// Remove an operator from a meal point (removing one not assigned changes nothing).
    /// Returns the meal point's operators.
    ///
    /// Roles: city_admin.
    #[oai(path = "/meal-points/:id/operators/:account_id", method = "delete")]
    async fn unassign_operator(
        &self,
        auth: BearerAuth,
        id: Path<i64>,
        account_id: Path<i64>,
    ) -> AppResult<Json<Vec<OperatorView>>> {
        auth.allow(&[Role::CityAdmin])?;
        let accounts = service::unassign_operator(&self.state, id.0, account_id.0).await?;
        Ok(Json(operator_views(accounts)))
    }

    /// The meal points the signed-in operator runs.
    ///
    /// Roles: operator.
    #[oai(path = "/me/meal-points", method = "get")]
    async fn mine(
        &self,
        auth: BearerAuth,
        page: Query<Option<u64>>,
        page_size: Query<Option<u64>>,
    ) -> AppResult<Json<Page<MealPointSummary>>> {
        let caller = auth.allow(&[Role::Operator])?;
        let page = PageRequest::new(page.0, page_size.0)?;
        let (listed, total) = service::of_operator(&self.state, caller, page).await?;
        let items = listed
            .into_iter()
            .map(listed_summary)
            .collect::<AppResult<_>>()?;
        Ok(Json(Page::new(items, total, page)))
    }

    /// The kinds of meal point, with their Chinese names.
    ///
    /// Public.
    #[oai(path = "/meal-point-kinds", method = "get")]
    async fn kinds(&self) -> Json<Vec<CodeLabel>> {
        Json(
            MealPointKind::ALL
                .iter()
                .map(|k| CodeLabel::new(k.as_str(), k.label_zh()))
                .collect(),
        )
    }
}

impl MealPointsApi {
    fn view(&self, details: MealPointDetails) -> AppResult<MealPointView> {
        let MealPointDetails {
            model,
            district_name,
            street_name,
            rating_summary,
        } = details;
        let profile = store::profile_of(&model)?;
        let today = self.state.clock.today();
        Ok(MealPointView {
            id: model.id,
            name: profile.name,
            kind: CodeLabel::new(profile.kind.as_str(), profile.kind.label_zh()),
            district_code: profile.district_code,
            district_name,
            street_id: profile.street_id,
            street_name,
            address: profile.address,
            lat: model.lat,
            lng: model.lng,
            phone: profile.phone,
            service_modes: mode_labels(&profile.service_modes),
            delivery_radius_m: profile.service_modes.delivery_radius_m(),
            opening_days: profile.opening_days.iso_weekdays(),
            opening_days_label: profile.opening_days.label_zh(),
            slot_hours: slot_hours_views(&profile.service_hours),
            order_lead_minutes: profile.booking_policy.lead_minutes,
            booking_days_ahead: profile.booking_policy.days_ahead,
            food_licence_no: profile.food_licence_no,
            status: status_view(&store::status_of(&model)?),
            takes_bookings_today: store::takes_bookings_on(&model, today),
            labels: labels_view(store::labels_of(&model)),
            live_video_url: profile.live_video_url,
            rating_summary,
        })
    }
}

fn operator_views(accounts: Vec<account::Model>) -> Vec<OperatorView> {
    accounts
        .into_iter()
        .map(|a| OperatorView {
            account_id: a.id,
            display_name: a.display_name,
            username: a.username,
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// From rows to views
// ---------------------------------------------------------------------------------------------

pub fn summary(model: &meal_point::Model) -> AppResult<MealPointSummary> {
    let kind = model.kind;
    let hours = store::service_hours_of(model)?;
    Ok(MealPointSummary {
        id: model.id,
        name: model.name.clone(),
        kind: CodeLabel::new(kind.as_str(), kind.label_zh()),
        district_code: model.district_code.clone(),
        street_id: model.street_id,
        address: model.address.clone(),
        lat: model.lat,
        lng: model.lng,
        phone: model.phone.clone(),
        service_modes: mode_labels(&store::service_modes_of(model)?),
        slots: hours
            .slots()
            .iter()
            .map(|h| CodeLabel::new(h.slot.as_str(), h.slot.label_zh()))
            .collect(),
        status: status_view(&store::status_of(model)?),
        labels: labels_view(store::labels_of(model)),
        rating_summary: None,
    })
}

fn listed_summary(listed: Listed) -> AppResult<MealPointSummary> {
    let mut summary = summary(&listed.model)?;
    summary.rating_summary = listed.rating_summary;
    Ok(summary)
}

fn mode_labels(modes: &ServiceModes) -> Vec<CodeLabel> {
    modes
        .modes()
        .into_iter()
        .map(|m| CodeLabel::new(m.as_str(), m.label_zh()))
        .collect()
}

fn hh_mm(time: NaiveTime) -> String {
    time.format("%H:%M").to_string()
}

pub fn slot_hours_views(hours: &ServiceHours) -> Vec<SlotHoursView> {
    hours
        .slots()
        .iter()
        .map(|h| SlotHoursView {
            slot: h.slot,
            slot_label: h.slot.label_zh().to_owned(),
            opens: hh_mm(h.opens),
            closes: hh_mm(h.closes),
        })
        .collect()
}

fn status_view(status: &MealPointStatus) -> StatusView {
    let kind = status.kind();
    let suspension = status.suspension();
    StatusView {
        code: kind,
        label: kind.label_zh().to_owned(),
        reason: suspension.map(|s| s.reason().to_owned()),
        from: suspension.map(|s| s.from_date()),
        until: suspension.and_then(|s| s.until_date()),
    }
}

fn labels_view(labels: CityLabels) -> LabelsView {
    LabelsView {
        demonstration: labels.demonstration,
        star_grade: labels.star_grade.map(StarGrade::stars),
        labels_zh: labels.labels_zh().into_iter().map(str::to_owned).collect(),
    }
}

// ---------------------------------------------------------------------------------------------
// From request fields to the rules' types
// ---------------------------------------------------------------------------------------------

fn meal_point_name(raw: &str) -> AppResult<String> {
    Ok(required_text(raw, ProfileText::Name)?)
}

fn address(raw: &str) -> AppResult<String> {
    Ok(required_text(raw, ProfileText::Address)?)
}

fn opening_days(raw: &[i64]) -> AppResult<OpeningDays> {
    let days = raw
        .iter()
        .map(|&d| u8::try_from(d).map_err(|_| MealPointRuleError::InvalidWeekday { value: d }))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(OpeningDays::from_iso_weekdays(&days)?)
}

fn service_hours(raw: &[SlotHoursInput]) -> AppResult<ServiceHours> {
    // Exactly `HH:MM` (the document's pattern): chrono alone would also take `9:00` or ` 9:00`.
    let time = |text: &str| {
        let shaped = text.len() == 5
            && text.as_bytes()[2] == b':'
            && text
                .bytes()
                .enumerate()
                .all(|(i, b)| i == 2 || b.is_ascii_digit());
        shaped
            .then(|| NaiveTime::parse_from_str(text, "%H:%M").ok())
            .flatten()
            .ok_or_else(|| {
                AppError::invalid(
                    "slot_hours",
                    "INVALID_TIME",
                    format!("时间 {text} 格式不正确，应为 时:分，如 11:00"),
                )
            })
    };
    let hours = raw
        .iter()
        .map(|h| {
            Ok(SlotHours {
                slot: h.slot,
                opens: time(&h.opens)?,
                closes: time(&h.closes)?,
            })
        })
        .collect::<AppResult<Vec<_>>>()?;
    Ok(ServiceHours::new(hours)?)
}

fn star_grade(raw: i64) -> AppResult<StarGrade> {
    let stars = u8::try_from(raw).unwrap_or(0);
    Ok(StarGrade::new(stars)?)
}
