//! Menus over HTTP: an operator's dishes and offerings (publishing, copying a week, portions),
//! the public menu of a meal point, and the tag and allergen lists.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use entity::{dish, offering};
use poem_openapi::{
    Object, OpenApi,
    param::{Path, Query},
    payload::Json,
    types::MaybeUndefined,
};

use super::{
    rules::{Allergen, DishTag},
    service, store,
};
use crate::{
    auth::{BearerAuth, Role, http::Done},
    error::AppResult,
    meal_points::http::CodeLabel,
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
pub struct NewDish {
    /// 1..=40 characters, unique within the meal point.
    #[oai(validator(max_length = 40, pattern = r"\S"))]
    pub name: String,
    /// https, shown in the mini program.
    #[oai(validator(max_length = 500))]
    pub photo_url: Option<String>,
    /// Yuan with at most two decimals, e.g. `"12.50"`.
    pub price: Yuan,
    /// Tags, with their Chinese names at `GET /dish-tags`.
    #[oai(default)]
    pub tags: Vec<DishTag>,
    /// Allergens, with their Chinese names at `GET /allergens`.
    #[oai(default)]
    pub allergens: Vec<Allergen>,
    /// Default true.
    pub active: Option<bool>,
}

/// Changes to a dish; a field left out stays as it is. Offerings already published keep their
/// own price.
#[derive(Object)]
pub struct DishChanges {
    #[oai(validator(max_length = 40, pattern = r"\S"))]
    pub name: Option<String>,
    /// `null` removes the photo.
    #[oai(validator(max_length = 500))]
    pub photo_url: MaybeUndefined<String>,
    pub price: Option<Yuan>,
    pub tags: Option<Vec<DishTag>>,
    pub allergens: Option<Vec<Allergen>>,
    /// An inactive dish stays on offerings already published but cannot be put on new ones.
    pub active: Option<bool>,
}

#[derive(Object)]
pub struct DishView {
    pub id: i64,
    pub meal_point_id: i64,
    pub name: String,
    #[oai(skip_serializing_if_is_none)]
    pub photo_url: Option<String>,
    pub price: Yuan,
    pub tags: Vec<CodeLabel>,
    pub allergens: Vec<CodeLabel>,
    pub active: bool,
}

#[derive(Object)]
pub struct OfferingInput {
    /// A dish of this meal point, active.
    pub dish_id: i64,
    /// The meal's date (Shanghai), an opening day of the meal point, today or later.
    pub date: NaiveDate,
    /// A slot the meal point serves.
    pub slot: Slot,
    /// 0..=10000.
    pub portions: i64,
    /// Defaults to the dish's price.
    pub price: Option<Yuan>,
}

#[derive(Object)]
pub struct NewOfferings {
    /// 1..=500 offerings, published together or not at all.
    #[oai(validator(min_items = 1, max_items = 500))]
    pub offerings: Vec<OfferingInput>,
}

#[derive(Object)]
pub struct OfferingChanges {
    /// Raise any time; lower only down to what is booked.
    #[oai(validator(minimum(value = "0"), maximum(value = "10000")))]
    pub portions: Option<i64>,
    /// Only while nothing is booked.
    pub price: Option<Yuan>,
}

/// An offering as its operator sees it.
#[derive(Object)]
pub struct OfferingView {
    pub id: i64,
    pub meal_point_id: i64,
    pub dish_id: i64,
    pub dish_name: String,
    pub date: NaiveDate,
    pub slot: Slot,
    pub slot_label: String,
    pub portions: i32,
    pub booked: i32,
    pub portions_left: i32,
    pub price: Yuan,
    /// Ordering is refused from this instant on.
    pub cutoff_at: DateTime<Utc>,
    /// Booking opens at 00:00 (Shanghai) on this date.
    pub booking_opens_on: NaiveDate,
}

#[derive(Object)]
pub struct SkippedOffering {
    pub dish_id: i64,
    pub dish_name: String,
    /// The date in the target week.
    pub date: NaiveDate,
    pub slot: Slot,
    /// `already_published`, `dish_inactive`, `date_passed`, `too_far_ahead`, `closed_that_day`
    /// or `slot_not_served`.
    pub reason: String,
    pub reason_label: String,
}

#[derive(Object)]
pub struct WeekCopy {
    pub created: Vec<OfferingView>,
    /// Offerings of the source week not copied, and why.
    pub skipped: Vec<SkippedOffering>,
}

/// One dish on the public menu.
#[derive(Object)]
pub struct MenuItem {
    pub offering_id: i64,
    pub dish_id: i64,
    pub dish_name: String,
    #[oai(skip_serializing_if_is_none)]
    pub photo_url: Option<String>,
    pub tags: Vec<CodeLabel>,
    pub allergens: Vec<CodeLabel>,
    pub price: Yuan,
    pub portions: i32,
    pub portions_left: i32,
    pub cutoff_at: DateTime<Utc>,
    pub booking_opens_on: NaiveDate,
    /// Whether an elder could book it at this moment: booking open, cutoff not passed, portions
    /// left, and the meal point serving that day and slot.
    pub bookable_now: bool,
}

#[derive(Object)]
pub struct MenuSlot {
    pub slot: Slot,
    pub slot_label: String,
    /// `HH:MM`; absent if the meal point no longer serves this slot.
    #[oai(skip_serializing_if_is_none)]
    pub opens: Option<String>,
    #[oai(skip_serializing_if_is_none)]
    pub closes: Option<String>,
    pub items: Vec<MenuItem>,
}

#[derive(Object)]
pub struct MenuDay {
    pub date: NaiveDate,
    /// 周一 … 周日.
    pub weekday_label: String,
    /// Open that weekday and not paused or closed that day.
    pub serving: bool,
    pub slots: Vec<MenuSlot>,
}

#[derive(Object)]
pub struct Menu {
    pub meal_point_id: i64,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Days with at least one offering, in date order; slots in serving order.
    pub days: Vec<MenuDay>,
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
        let dishes = service::dishes(&self.state, caller, id.0).await?;
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
        let body = body.0;
        let ask = service::NewDish {
            name: body.name,
            price: body.price,
            tags: body.tags,
            allergens: body.allergens,
            photo_url: body.photo_url,
            active: body.active,
        };
        let dish = service::create_dish(&self.state, caller, id.0, ask).await?;
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
        let body = body.0;
        let patch = service::DishPatch {
            name: body.name,
            price: body.price,
            tags: body.tags,
            allergens: body.allergens,
            photo_url: body.photo_url,
            active: body.active,
        };
        let dish = service::update_dish(&self.state, caller, id.0, patch).await?;
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
        let asks: Vec<service::OfferingAsk> = body
            .0
            .offerings
            .into_iter()
            .map(|input| service::OfferingAsk {
                dish_id: input.dish_id,
                date: input.date,
                slot: input.slot,
                portions: input.portions,
                price: input.price,
            })
            .collect();
        let (created, dishes) =
            service::publish_offerings(&self.state, caller, id.0, &asks).await?;
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
        let (offering, dishes) =
            service::change_offering(&self.state, caller, id.0, body.portions, body.price).await?;
        Ok(Json(offering_view(&offering, &dishes)))
    }

    /// Withdraw an offering nobody has booked.
    ///
    /// Roles: operator (of the offering's meal point), city_admin.
    #[oai(path = "/offerings/:id", method = "delete")]
    async fn delete_offering(&self, auth: BearerAuth, id: Path<i64>) -> AppResult<Json<Done>> {
        let caller = auth.allow(&[Role::Operator, Role::CityAdmin])?;
        service::delete_offering(&self.state, caller, id.0).await?;
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
        let copied = service::copy_week(&self.state, caller, id.0, from_week.0, to_week.0).await?;
        let dishes = &copied.dishes;
        Ok(Json(WeekCopy {
            created: copied
                .created
                .iter()
                .map(|o| offering_view(o, dishes))
                .collect(),
            skipped: copied
                .skipped
                .into_iter()
                .map(|s| skipped_view(s.dish_id, dishes, s.date, s.slot, s.reason))
                .collect(),
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
        let menu = service::public_menu(&self.state, id.0, from.0, to.0).await?;
        let mut by_day: BTreeMap<NaiveDate, BTreeMap<Slot, Vec<MenuItem>>> = BTreeMap::new();
        for (offering, bookable_now) in &menu.offerings {
            let item = menu_item(offering, *bookable_now, &menu.dishes);
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
                serving: menu.serving_on(date),
                slots: slots
                    .into_iter()
                    .map(|(slot, items)| {
                        let slot_hours = menu.hours.hours_for(slot);
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
            meal_point_id: menu.meal_point.id,
            from: menu.from,
            to: menu.to,
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

fn skipped_view(
    dish_id: i64,
    dishes: &HashMap<i64, dish::Model>,
    date: NaiveDate,
    slot: Slot,
    reason: service::Skip,
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
    offering: &offering::Model,
    bookable_now: bool,
    dishes: &HashMap<i64, dish::Model>,
) -> MenuItem {
    let dish = dishes.get(&offering.dish_id);
    MenuItem {
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
        portions_left: store::portions_left(offering),
        cutoff_at: offering.cutoff_at,
        booking_opens_on: offering.opens_on,
        bookable_now,
    }
}
