//! Menus over HTTP: an operator's dishes and offerings (publishing, copying a week, portions),
//! the public menu of a meal point, and the tag and allergen lists.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Datelike, NaiveDate, TimeDelta, Utc};
use entity::{dish, meal_point, offering};
use poem_openapi::{
    Object, OpenApi,
    param::{Path, Query},
    payload::Json,
    types::MaybeUndefined,
};

use super::{
    MENU_HORIZON_DAYS, MENU_MAX_DAYS, OFFERINGS_PER_REQUEST_MAX,
    rules::{
        Allergen, Dish, DishTag, OfferingDraft, can_book, copy_week, validate_portions,
        validate_price,
    },
    service,
    store::{self, DishRecord},
};
use crate::{
    auth::{BearerAuth, Role, http::Done},
    error::{AppError, AppResult},
    meal_points::{self, http::CodeLabel, rules::normalize_live_video_url},
    money::Yuan,
    pagination::{Page, PageRequest},
    state::AppState,
    tags::ApiTags,
};
use vocabulary::{Slot, weekday_label_zh};

pub struct MenusApi {
    pub state: AppState,
}

// ---------------------------------------------------------------------------------------------
// DTOs
// ---------------------------------------------------------------------------------------------

#[derive(Object)]
struct NewDish {
    /// 1..=40 characters, unique within the meal point.
    #[oai(validator(max_length = 40, pattern = r"\S"))]
    name: String,
    /// https, shown in the mini program.
    #[oai(validator(max_length = 500))]
    photo_url: Option<String>,
    /// Yuan with at most two decimals, e.g. `"12.50"`.
    price: Yuan,
    /// Tags, with their Chinese names at `GET /dish-tags`.
    #[oai(default)]
    tags: Vec<DishTag>,
    /// Allergens, with their Chinese names at `GET /allergens`.
    #[oai(default)]
    allergens: Vec<Allergen>,
    /// Default true.
    active: Option<bool>,
}

/// Changes to a dish; a field left out stays as it is. Offerings already published keep their
/// own price.
#[derive(Object)]
struct DishChanges {
    #[oai(validator(max_length = 40, pattern = r"\S"))]
    name: Option<String>,
    /// `null` removes the photo.
    #[oai(validator(max_length = 500))]
    photo_url: MaybeUndefined<String>,
    price: Option<Yuan>,
    tags: Option<Vec<DishTag>>,
    allergens: Option<Vec<Allergen>>,
    /// An inactive dish stays on offerings already published but cannot be put on new ones.
    active: Option<bool>,
}

#[derive(Object)]
struct DishView {
    id: i64,
    meal_point_id: i64,
    name: String,
    #[oai(skip_serializing_if_is_none)]
    photo_url: Option<String>,
    price: Yuan,
    tags: Vec<CodeLabel>,
    allergens: Vec<CodeLabel>,
    active: bool,
}

#[derive(Object)]
struct OfferingInput {
    /// A dish of this meal point, active.
    dish_id: i64,
    /// The meal's date (Shanghai), an opening day of the meal point, today or later.
    date: NaiveDate,
    /// A slot the meal point serves.
    slot: Slot,
    /// 0..=10000.
    portions: i64,
    /// Defaults to the dish's price.
    price: Option<Yuan>,
}

#[derive(Object)]
struct NewOfferings {
    /// 1..=500 offerings, published together or not at all.
    #[oai(validator(min_items = 1, max_items = 500))]
    offerings: Vec<OfferingInput>,
}

#[derive(Object)]
struct OfferingChanges {
    /// Raise any time; lower only down to what is booked.
    #[oai(validator(minimum(value = "0"), maximum(value = "10000")))]
    portions: Option<i64>,
    /// Only while nothing is booked.
    price: Option<Yuan>,
}

/// An offering as its operator sees it.
#[derive(Object)]
struct OfferingView {
    id: i64,
    meal_point_id: i64,
    dish_id: i64,
    dish_name: String,
    date: NaiveDate,
    slot: Slot,
    slot_label: String,
    portions: i32,
    booked: i32,
    portions_left: i32,
    price: Yuan,
    /// Ordering is refused from this instant on.
    cutoff_at: DateTime<Utc>,
    /// Booking opens at 00:00 (Shanghai) on this date.
    booking_opens_on: NaiveDate,
}

#[derive(Object)]
struct SkippedOffering {
    dish_id: i64,
    dish_name: String,
    /// The date in the target week.
    date: NaiveDate,
    slot: Slot,
    /// `already_published`, `dish_inactive`, `date_passed`, `too_far_ahead`, `closed_that_day`
    /// or `slot_not_served`.
    reason: String,
    reason_label: String,
}

#[derive(Object)]
struct WeekCopy {
    created: Vec<OfferingView>,
    /// Offerings of the source week not copied, and why.
    skipped: Vec<SkippedOffering>,
}

/// One dish on the public menu.
#[derive(Object)]
struct MenuItem {
    offering_id: i64,
    dish_id: i64,
    dish_name: String,
    #[oai(skip_serializing_if_is_none)]
    photo_url: Option<String>,
    tags: Vec<CodeLabel>,
    allergens: Vec<CodeLabel>,
    price: Yuan,
    portions: i32,
    portions_left: i32,
    cutoff_at: DateTime<Utc>,
    booking_opens_on: NaiveDate,
    /// Whether an elder could book it at this moment: booking open, cutoff not passed, portions
    /// left, and the meal point serving that day and slot.
    bookable_now: bool,
}

#[derive(Object)]
struct MenuSlot {
    slot: Slot,
    slot_label: String,
    /// `HH:MM`; absent if the meal point no longer serves this slot.
    #[oai(skip_serializing_if_is_none)]
    opens: Option<String>,
    #[oai(skip_serializing_if_is_none)]
    closes: Option<String>,
    items: Vec<MenuItem>,
}

#[derive(Object)]
struct MenuDay {
    date: NaiveDate,
    /// 周一 … 周日.
    weekday_label: String,
    /// Open that weekday and not paused or closed that day.
    serving: bool,
    slots: Vec<MenuSlot>,
}

#[derive(Object)]
struct Menu {
    meal_point_id: i64,
    from: NaiveDate,
    to: NaiveDate,
    /// Days with at least one offering, in date order; slots in serving order.
    days: Vec<MenuDay>,
}

// ---------------------------------------------------------------------------------------------
// The API
// ---------------------------------------------------------------------------------------------

#[OpenApi(tag = "ApiTags::Menus")]
impl MenusApi {
    /// A meal point's dishes, inactive ones included, by id.
    ///
    /// Roles: operator (their own meal points), city_admin.
    #[oai(path = "/meal-points/:id/dishes", method = "get")]
    async fn dishes(
        &self,
        auth: BearerAuth,
        id: Path<i64>,
        page: Query<Option<u64>>,
        page_size: Query<Option<u64>>,
    ) -> AppResult<Json<Page<DishView>>> {
        let caller = auth.allow(&[Role::Operator, Role::CityAdmin])?;
        let page = PageRequest::new(page.0, page_size.0)?;
        let db = &self.state.db;
        let model = meal_points::store::require_meal_point(db, id.0).await?;
        meal_points::store::require_operator_of(db, caller, model.id).await?;
        let dishes = store::dishes_of(db, model.id).await?;
        let total = dishes.len() as u64;
        let items = page.slice(dishes).into_iter().map(dish_view).collect();
        Ok(Json(Page::new(items, total, page)))
    }

    /// Add a dish to a meal point.
    ///
    /// Roles: operator (their own meal points), city_admin.
    #[oai(path = "/meal-points/:id/dishes", method = "post")]
    async fn create_dish(
        &self,
        auth: BearerAuth,
        id: Path<i64>,
        body: Json<NewDish>,
    ) -> AppResult<Json<DishView>> {
        let caller = auth.allow(&[Role::Operator, Role::CityAdmin])?;
        let db = &self.state.db;
        let model = meal_points::store::require_meal_point(db, id.0).await?;
        meal_points::store::require_operator_of(db, caller, model.id).await?;
        let body = body.0;
        let record = DishRecord {
            dish: Dish::new(&body.name, body.price.decimal(), body.tags, body.allergens)?,
            photo_url: photo_url(body.photo_url.as_deref())?,
            active: body.active.unwrap_or(true),
        };
        let dish = store::insert_dish(db, model.id, &record, self.state.clock.now()).await?;
        Ok(Json(dish_view(dish)))
    }

    /// Change a dish.
    ///
    /// Roles: operator (of the dish's meal point), city_admin.
    #[oai(path = "/dishes/:id", method = "patch")]
    async fn update_dish(
        &self,
        auth: BearerAuth,
        id: Path<i64>,
        body: Json<DishChanges>,
    ) -> AppResult<Json<DishView>> {
        let caller = auth.allow(&[Role::Operator, Role::CityAdmin])?;
        let db = &self.state.db;
        let current = store::require_own_dish(db, caller, id.0).await?;
        let body = body.0;
        let record = DishRecord {
            dish: Dish::new(
                body.name.as_deref().unwrap_or(&current.name),
                match body.price {
                    Some(price) => price.decimal(),
                    None => Yuan::from_fen(current.price_fen).decimal(),
                },
                match &body.tags {
                    Some(tags) => tags.clone(),
                    None => store::tags_of(&current),
                },
                match &body.allergens {
                    Some(allergens) => allergens.clone(),
                    None => store::allergens_of(&current),
                },
            )?,
            photo_url: match &body.photo_url {
                MaybeUndefined::Value(url) => photo_url(Some(url))?,
                MaybeUndefined::Null => None,
                MaybeUndefined::Undefined => current.photo_url.clone(),
            },
            active: body.active.unwrap_or(current.active),
        };
        let dish = service::update_dish(&self.state, current, &record).await?;
        Ok(Json(dish_view(dish)))
    }

    /// Publish offerings: dishes on dates and slots with portions. All or nothing; the order
    /// cutoff and booking-opens date come from the meal point's hours and booking times.
    ///
    /// Roles: operator (their own meal points), city_admin.
    #[oai(path = "/meal-points/:id/offerings", method = "post")]
    async fn publish(
        &self,
        auth: BearerAuth,
        id: Path<i64>,
        body: Json<NewOfferings>,
    ) -> AppResult<Json<Vec<OfferingView>>> {
        let caller = auth.allow(&[Role::Operator, Role::CityAdmin])?;
        let db = &self.state.db;
        let model = meal_points::store::require_meal_point(db, id.0).await?;
        meal_points::store::require_operator_of(db, caller, model.id).await?;
        let inputs = body.0.offerings;
        if inputs.is_empty() || inputs.len() > OFFERINGS_PER_REQUEST_MAX {
            return Err(AppError::invalid(
                "offerings",
                "OFFERINGS_COUNT_INVALID",
                format!("一次可发布 1 到 {OFFERINGS_PER_REQUEST_MAX} 条供应"),
            ));
        }
        let hours = meal_points::store::service_hours_of(&model)?;
        let policy = meal_points::store::booking_policy_of(&model);
        let dishes = store::dishes_by_id(db, inputs.iter().map(|o| o.dish_id)).await?;
        let today = self.state.clock.today();

        let mut offerings = Vec::with_capacity(inputs.len());
        let mut seen = HashSet::new();
        for (i, input) in inputs.iter().enumerate() {
            let at = |field: &str| format!("offerings[{i}].{field}");
            // Another meal point's dish is answered exactly as one that does not exist, so
            // neither its name nor its existence leaks to an operator guessing ids.
            let dish = dishes
                .get(&input.dish_id)
                .filter(|dish| dish.meal_point_id == model.id)
                .ok_or_else(|| {
                    AppError::not_found("DISH_NOT_FOUND", "本助餐点没有这个菜品")
                        .with_field(at("dish_id"))
                })?;
            if !dish.active {
                return Err(AppError::invalid(
                    at("dish_id"),
                    "DISH_INACTIVE",
                    format!("菜品“{}”已停用，请先启用", dish.name),
                ));
            }
            let slot = input.slot;
            let opens = hours.hours_for(slot).map(|h| h.opens).ok_or_else(|| {
                AppError::invalid(
                    at("slot"),
                    "SLOT_NOT_SERVED",
                    format!("本助餐点不供应{}", slot.label_zh()),
                )
            })?;
            check_menu_date(&model, input.date, today).map_err(|e| e.with_field(at("date")))?;
            if !seen.insert((dish.id, input.date, slot)) {
                return Err(AppError::invalid(
                    at("dish_id"),
                    "OFFERING_LISTED_TWICE",
                    format!("菜品“{}”在同一天同一时段出现了两次", dish.name),
                ));
            }
            let draft = OfferingDraft::new(
                dish.id,
                Yuan::from_fen(dish.price_fen).decimal(),
                input.date,
                slot,
                portions(input.portions).map_err(|e| e.with_field(at("portions")))?,
                input.price.map(Yuan::decimal),
            )
            .and_then(|draft| draft.schedule(opens, policy))
            .map_err(|e| {
                let field = e.field().unwrap_or("offerings");
                AppError::from(e).with_field(at(field))
            })?;
            offerings.push(draft);
        }

        let created = service::publish(&self.state, model.id, &offerings).await?;
        Ok(Json(
            created.iter().map(|o| offering_view(o, &dishes)).collect(),
        ))
    }

    /// Change an offering's portions or price.
    ///
    /// Roles: operator (of the offering's meal point), city_admin. Portions may be raised any
    /// time and lowered only down to what is booked; the price may change only while nothing is
    /// booked.
    #[oai(path = "/offerings/:id", method = "patch")]
    async fn update_offering(
        &self,
        auth: BearerAuth,
        id: Path<i64>,
        body: Json<OfferingChanges>,
    ) -> AppResult<Json<OfferingView>> {
        let caller = auth.allow(&[Role::Operator, Role::CityAdmin])?;
        let db = &self.state.db;
        let current = store::require_own_offering(db, caller, id.0).await?;
        let new_portions = body.portions.map(portions).transpose()?;
        let new_price = body
            .price
            .map(|p| validate_price(p.decimal()).map(Yuan::new))
            .transpose()?;
        let offering =
            service::change_offering(&self.state, current, new_price, new_portions).await?;
        let dishes = store::dishes_by_id(db, [offering.dish_id]).await?;
        Ok(Json(offering_view(&offering, &dishes)))
    }

    /// Withdraw an offering nobody has booked.
    ///
    /// Roles: operator (of the offering's meal point), city_admin.
    #[oai(path = "/offerings/:id", method = "delete")]
    async fn delete_offering(&self, auth: BearerAuth, id: Path<i64>) -> AppResult<Json<Done>> {
        let caller = auth.allow(&[Role::Operator, Role::CityAdmin])?;
        let db = &self.state.db;
        let current = store::require_own_offering(db, caller, id.0).await?;
        service::delete_offering(&self.state, &current).await?;
        Ok(Json(Done { done: true }))
    }

    /// Publish a week by copying another: each offering of the week starting `from_week` is
    /// published on the same weekday of the week starting `to_week` (both Mondays), with the
    /// same dish, slot, portions and price. Offerings that cannot be copied are listed with the
    /// reason; the rest are published together.
    ///
    /// Roles: operator (their own meal points), city_admin.
    #[oai(
        path = "/meal-points/:id/weeks/:to_week/copy-from/:from_week",
        method = "post"
    )]
    async fn copy_week(
        &self,
        auth: BearerAuth,
        id: Path<i64>,
        to_week: Path<NaiveDate>,
        from_week: Path<NaiveDate>,
    ) -> AppResult<Json<WeekCopy>> {
        let caller = auth.allow(&[Role::Operator, Role::CityAdmin])?;
        let db = &self.state.db;
        let model = meal_points::store::require_meal_point(db, id.0).await?;
        meal_points::store::require_operator_of(db, caller, model.id).await?;
        let from_week = crate::clock::check_business_date("from_week", from_week.0)?;
        let to_week = crate::clock::check_business_date("to_week", to_week.0)?;
        let week = TimeDelta::days(6);

        let source = store::offerings_between(db, model.id, from_week, from_week + week).await?;
        let dishes = store::dishes_by_id(db, source.iter().map(|o| o.dish_id)).await?;
        let is_active = |dish: &i64| dishes.get(dish).is_some_and(|d| d.active);
        let drafts = source
            .iter()
            .map(|o| {
                Ok(OfferingDraft {
                    dish: o.dish_id,
                    date: o.date,
                    slot: o.slot,
                    portions: o.portions,
                    price: Yuan::from_fen(o.price_fen).decimal(),
                })
            })
            .collect::<AppResult<Vec<_>>>()?;
        let copies = copy_week(&drafts, from_week, to_week, is_active)?;
        if drafts.is_empty() {
            return Err(
                AppError::conflict("NOTHING_TO_COPY", "所选的那一周没有菜单，无可复制")
                    .with_field("from_week"),
            );
        }

        let shift = to_week - from_week;
        let mut skipped: Vec<SkippedOffering> = drafts
            .iter()
            .filter(|d| !is_active(&d.dish))
            .map(|d| skipped_view(d.dish, &dishes, d.date + shift, d.slot, Skip::DishInactive))
            .collect();
        let hours = meal_points::store::service_hours_of(&model)?;
        let policy = meal_points::store::booking_policy_of(&model);
        let today = self.state.clock.today();
        let published = store::published_between(db, model.id, to_week, to_week + week).await?;
        let mut offerings = Vec::with_capacity(copies.len());
        for copy in copies {
            let why_not = if copy.date < today {
                Some(Skip::DatePassed)
            } else if copy.date > today + TimeDelta::days(MENU_HORIZON_DAYS) {
                Some(Skip::TooFarAhead)
            } else if !meal_points::store::is_open_on(&model, copy.date) {
                Some(Skip::ClosedThatDay)
            } else if hours.hours_for(copy.slot).is_none() {
                Some(Skip::SlotNotServed)
            } else if published.contains(&(copy.dish, copy.date, copy.slot)) {
                Some(Skip::AlreadyPublished)
            } else {
                None
            };
            if let Some(reason) = why_not {
                skipped.push(skipped_view(
                    copy.dish, &dishes, copy.date, copy.slot, reason,
                ));
                continue;
            }
            let opens = hours
                .hours_for(copy.slot)
                .map(|h| h.opens)
                .unwrap_or_default();
            offerings.push(copy.schedule(opens, policy)?);
        }
        let created = service::publish_copies(&self.state, model.id, &offerings).await?;
        skipped.sort_by_key(|s| (s.date, s.slot, s.dish_id));
        Ok(Json(WeekCopy {
            created: created.iter().map(|o| offering_view(o, &dishes)).collect(),
            skipped,
        }))
    }

    /// A meal point's menu from `from` to `to` (inclusive, at most 14 days; default: today and
    /// the six days after), grouped by day and slot, with portions left.
    ///
    /// Public.
    #[oai(path = "/meal-points/:id/menu", method = "get")]
    async fn menu(
        &self,
        id: Path<i64>,
        from: Query<Option<NaiveDate>>,
        to: Query<Option<NaiveDate>>,
    ) -> AppResult<Json<Menu>> {
        let db = &self.state.db;
        let model = meal_points::store::require_meal_point(db, id.0).await?;
        let from = crate::clock::check_business_date(
            "from",
            from.0.unwrap_or_else(|| self.state.clock.today()),
        )?;
        let to = match to.0 {
            Some(to) => crate::clock::check_business_date("to", to)?,
            None => from + TimeDelta::days(6),
        };
        if to < from {
            return Err(AppError::invalid(
                "to",
                "DATE_RANGE_INVALID",
                "结束日期不能早于开始日期",
            ));
        }
        if (to - from).num_days() >= MENU_MAX_DAYS {
            return Err(AppError::invalid(
                "to",
                "DATE_RANGE_TOO_LONG",
                format!("一次最多查看 {MENU_MAX_DAYS} 天的菜单"),
            ));
        }
        let offerings = store::offerings_between(db, model.id, from, to).await?;
        let dishes = store::dishes_by_id(db, offerings.iter().map(|o| o.dish_id)).await?;
        let hours = meal_points::store::service_hours_of(&model)?;
        let now = self.state.clock.now();

        let mut by_day: BTreeMap<NaiveDate, BTreeMap<Slot, Vec<MenuItem>>> = BTreeMap::new();
        for offering in &offerings {
            let item = menu_item(&model, offering, &dishes, now)?;
            by_day
                .entry(offering.date)
                .or_default()
                .entry(offering.slot)
                .or_default()
                .push(item);
        }
        let days = by_day
            .into_iter()
            .map(|(date, slots)| MenuDay {
                date,
                weekday_label: weekday_label_zh(date.weekday()).to_owned(),
                serving: meal_points::store::is_open_on(&model, date)
                    && meal_points::store::takes_bookings_on(&model, date),
                slots: slots
                    .into_iter()
                    .map(|(slot, items)| {
                        let slot_hours = hours.hours_for(slot);
                        MenuSlot {
                            slot,
                            slot_label: slot.label_zh().to_owned(),
                            opens: slot_hours.map(|h| h.opens.format("%H:%M").to_string()),
                            closes: slot_hours.map(|h| h.closes.format("%H:%M").to_string()),
                            items,
                        }
                    })
                    .collect(),
            })
            .collect();
        Ok(Json(Menu {
            meal_point_id: model.id,
            from,
            to,
            days,
        }))
    }

    /// Dish tags (低盐, 软烂, 糖尿病友好 …) with their Chinese labels.
    ///
    /// Public.
    #[oai(path = "/dish-tags", method = "get")]
    async fn dish_tags(&self) -> Json<Vec<CodeLabel>> {
        Json(
            DishTag::ALL
                .iter()
                .map(|t| CodeLabel::new(t.as_str(), t.label_zh()))
                .collect(),
        )
    }

    /// Allergens with their Chinese labels.
    ///
    /// Public.
    #[oai(path = "/allergens", method = "get")]
    async fn allergens(&self) -> Json<Vec<CodeLabel>> {
        Json(
            Allergen::ALL
                .iter()
                .map(|a| CodeLabel::new(a.as_str(), a.label_zh()))
                .collect(),
        )
    }
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// Why an offering of the source week was not copied.
#[derive(Clone, Copy)]
enum Skip {
    AlreadyPublished,
    DishInactive,
    DatePassed,
    TooFarAhead,
    ClosedThatDay,
    SlotNotServed,
}

impl Skip {
    fn code(self) -> &'static str {
        match self {
            Self::AlreadyPublished => "already_published",
            Self::DishInactive => "dish_inactive",
            Self::DatePassed => "date_passed",
            Self::TooFarAhead => "too_far_ahead",
            Self::ClosedThatDay => "closed_that_day",
            Self::SlotNotServed => "slot_not_served",
        }
    }

    fn label_zh(self) -> &'static str {
        match self {
            Self::AlreadyPublished => "已发布过",
            Self::DishInactive => "菜品已停用",
            Self::DatePassed => "日期已过",
            Self::TooFarAhead => "日期太远",
            Self::ClosedThatDay => "当天不营业",
            Self::SlotNotServed => "不再供应该时段",
        }
    }
}

fn skipped_view(
    dish_id: i64,
    dishes: &HashMap<i64, dish::Model>,
    date: NaiveDate,
    slot: Slot,
    reason: Skip,
) -> SkippedOffering {
    SkippedOffering {
        dish_id,
        dish_name: dishes
            .get(&dish_id)
            .map(|d| d.name.clone())
            .unwrap_or_default(),
        date,
        slot,
        reason: reason.code().to_owned(),
        reason_label: reason.label_zh().to_owned(),
    }
}

/// A date an offering may be published for: not past, within the planning horizon, and an
/// opening day of the meal point.
fn check_menu_date(model: &meal_point::Model, date: NaiveDate, today: NaiveDate) -> AppResult<()> {
    if date < today {
        return Err(AppError::invalid(
            "date",
            "DATE_IN_PAST",
            format!("{date} 已经过去，不能再发布供应"),
        ));
    }
    if date > today + TimeDelta::days(MENU_HORIZON_DAYS) {
        return Err(AppError::invalid(
            "date",
            "DATE_TOO_FAR_AHEAD",
            format!("最多提前 {MENU_HORIZON_DAYS} 天发布供应"),
        ));
    }
    if !meal_points::store::is_open_on(model, date) {
        return Err(AppError::invalid(
            "date",
            "CLOSED_THAT_DAY",
            format!(
                "{date}（{}）不是本助餐点的营业日",
                weekday_label_zh(date.weekday())
            ),
        ));
    }
    Ok(())
}

/// Portions from the request; anything outside `i32` is out of range like any other bad count.
fn portions(raw: i64) -> AppResult<i32> {
    let portions = i32::try_from(raw).unwrap_or(if raw < 0 { -1 } else { i32::MAX });
    Ok(validate_portions(portions)?)
}

fn photo_url(raw: Option<&str>) -> AppResult<Option<String>> {
    normalize_live_video_url(raw).map_err(|_| {
        AppError::invalid(
            "photo_url",
            "INVALID_PHOTO_URL",
            "菜品图片地址须为以 https:// 开头的网址",
        )
    })
}

fn tag_labels(tags: &[DishTag]) -> Vec<CodeLabel> {
    tags.iter()
        .map(|t| CodeLabel::new(t.as_str(), t.label_zh()))
        .collect()
}

fn allergen_labels(allergens: &[Allergen]) -> Vec<CodeLabel> {
    allergens
        .iter()
        .map(|a| CodeLabel::new(a.as_str(), a.label_zh()))
        .collect()
}

fn dish_view(dish: dish::Model) -> DishView {
    DishView {
        tags: tag_labels(&store::tags_of(&dish)),
        allergens: allergen_labels(&store::allergens_of(&dish)),
        id: dish.id,
        meal_point_id: dish.meal_point_id,
        name: dish.name,
        photo_url: dish.photo_url,
        price: Yuan::from_fen(dish.price_fen),
        active: dish.active,
    }
}

fn offering_view(offering: &offering::Model, dishes: &HashMap<i64, dish::Model>) -> OfferingView {
    OfferingView {
        id: offering.id,
        meal_point_id: offering.meal_point_id,
        dish_id: offering.dish_id,
        dish_name: dishes
            .get(&offering.dish_id)
            .map(|d| d.name.clone())
            .unwrap_or_default(),
        date: offering.date,
        slot: offering.slot,
        slot_label: offering.slot.label_zh().to_owned(),
        portions: offering.portions,
        booked: offering.booked,
        portions_left: store::portions_left(offering),
        price: Yuan::from_fen(offering.price_fen),
        cutoff_at: offering.cutoff_at,
        booking_opens_on: offering.opens_on,
    }
}

fn menu_item(
    model: &meal_point::Model,
    offering: &offering::Model,
    dishes: &HashMap<i64, dish::Model>,
    now: DateTime<Utc>,
) -> AppResult<MenuItem> {
    let scheduled = store::scheduled_of(offering)?;
    let portions_left = store::portions_left(offering);
    let bookable_now = portions_left > 0
        && meal_points::store::serves(model, offering.date, scheduled.slot)
        && can_book(now, &scheduled).is_ok();
    let dish = dishes.get(&offering.dish_id);
    Ok(MenuItem {
        offering_id: offering.id,
        dish_id: offering.dish_id,
        dish_name: dish.map(|d| d.name.clone()).unwrap_or_default(),
        photo_url: dish.and_then(|d| d.photo_url.clone()),
        tags: dish
            .map(|d| tag_labels(&store::tags_of(d)))
            .unwrap_or_default(),
        allergens: dish
            .map(|d| allergen_labels(&store::allergens_of(d)))
            .unwrap_or_default(),
        price: Yuan::from_fen(offering.price_fen),
        portions: offering.portions,
        portions_left,
        cutoff_at: offering.cutoff_at,
        booking_opens_on: offering.opens_on,
        bookable_now,
    })
}
