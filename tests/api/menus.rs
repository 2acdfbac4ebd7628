//! Menus: dishes, publishing offerings, copying a week, portions, and the public menu.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
use serde_json::{Value, json};
use vocabulary::{Allergen, DishTag, Slot};
use zhucan::{
    meal_points::http::{CodeLabel, MealPointChanges, SlotHoursInput},
    menus::http::{DishChanges, Menu, MenuItem, NewDish, OfferingChanges, OfferingInput},
};

use crate::{
    fixtures::{create_meal_point, kitchen, new_meal_point, new_operator},
    helpers::{TestApp, date, day, shanghai_at, spawn_app, spawn_demo_city, yuan},
};

/// A meal point of our own (lunch 11:00–12:30, Monday to Friday, orders close 120 minutes
/// before, booking opens 7 days ahead) with an operator; returns (meal point id, operator token,
/// admin token).
async fn canteen(app: &TestApp) -> (i64, String, String) {
    let admin = app.staff_token("admin").await;
    let id = create_meal_point(app, &admin, &new_meal_point(app).await)
        .await
        .id;
    let (operator, _) = new_operator(app, &admin, "canteen-operator", id).await;
    (id, operator, admin)
}

/// A dish named `name` at `price`: no tags, no allergens, no photo.
fn dish(name: &str, price: &str) -> NewDish {
    NewDish {
        name: name.into(),
        photo_url: None,
        price: yuan(price),
        tags: Vec::new(),
        allergens: Vec::new(),
        active: None,
    }
}

/// Adds the dish (the operator must be allowed to); returns its id.
async fn add_dish(app: &TestApp, token: &str, meal_point_id: i64, body: &NewDish) -> i64 {
    app.add_dish(token, meal_point_id, body).await.ok().id
}

/// `portions` of the dish on `date` at `slot`, at the dish's price.
fn offering(dish_id: i64, date: chrono::NaiveDate, slot: Slot, portions: i64) -> OfferingInput {
    OfferingInput {
        dish_id,
        date,
        slot,
        portions,
        price: None,
    }
}

/// A change of an offering's portions only.
fn portions(portions: i64) -> OfferingChanges {
    OfferingChanges {
        portions: Some(portions),
        price: None,
    }
}

/// A change of an offering's price only.
fn price(price: &str) -> OfferingChanges {
    OfferingChanges {
        portions: None,
        price: Some(yuan(price)),
    }
}

/// Pretends elders booked `booked` portions (the booking issue will do this for real).
async fn set_booked(app: &TestApp, offering_id: i64, booked: i32) {
    entity::offering::Entity::update_many()
        .col_expr(entity::offering::Column::Booked, Expr::value(booked))
        .filter(entity::offering::Column::Id.eq(offering_id))
        .exec(&app.state.db)
        .await
        .unwrap();
}

fn menu_items(menu: &Menu) -> Vec<&MenuItem> {
    menu.days
        .iter()
        .flat_map(|d| &d.slots)
        .flat_map(|s| &s.items)
        .collect()
}

fn code_label(code: &str, label: &str) -> CodeLabel {
    CodeLabel::new(code, label)
}

// ---------------------------------------------------------------------------------------------
// Copying a week
// ---------------------------------------------------------------------------------------------

/// (weekday, slot, dish, portions, price) of every item, in the menu's order.
fn shape(menu: &Menu) -> Vec<(String, Slot, String, i32, String)> {
    menu.days
        .iter()
        .flat_map(|d| {
            d.slots.iter().flat_map(move |s| {
                s.items.iter().map(move |i| {
                    (
                        d.weekday_label.clone(),
                        s.slot,
                        i.dish_name.clone(),
                        i.portions,
                        i.price.to_string(),
                    )
                })
            })
        })
        .collect()
}

#[tokio::test]
async fn an_operator_publishes_next_week_by_copying_this_week() {
    let app = spawn_demo_city().await;
    let kitchen = kitchen(&app).await;
    let (id, operator) = (kitchen.meal_point_id, &kitchen.operator);
    let this_week = app.menu(id, date(0), date(6)).await.ok();
    let next_week = app.menu(id, date(7), date(13)).await.ok();
    assert!(next_week.days.is_empty(), "nothing published yet");

    let copied = app.copy_week(operator, id, date(7), date(0)).await.ok();
    let source = menu_items(&this_week);
    assert_eq!(copied.created.len(), source.len());
    assert!(copied.skipped.is_empty());

    // Same dishes, slots, portions and prices on the same weekdays, a week later, with booking
    // times worked out for the new dates.
    let next_week = app.menu(id, date(7), date(13)).await.ok();
    assert_eq!(shape(&next_week), shape(&this_week));
    let monday_next = &next_week.days[0];
    assert_eq!(monday_next.date, date(7));
    let lunch = monday_next
        .slots
        .iter()
        .find(|s| s.slot == Slot::Lunch)
        .unwrap();
    assert_eq!(lunch.items[0].cutoff_at.to_rfc3339(), shanghai_at(7, 9, 30));
    assert_eq!(lunch.items[0].booking_opens_on, date(0));
    assert_eq!(lunch.items[0].portions_left, lunch.items[0].portions);
}

#[tokio::test]
async fn copying_a_week_again_publishes_nothing_twice_and_says_why() {
    let app = spawn_demo_city().await;
    let kitchen = kitchen(&app).await;
    let (id, operator) = (kitchen.meal_point_id, &kitchen.operator);
    let this_week = app.menu(id, date(0), date(6)).await.ok();
    app.copy_week(operator, id, date(7), date(0)).await.ok();

    let again = app.copy_week(operator, id, date(7), date(0)).await.ok();
    assert!(again.created.is_empty());
    assert_eq!(again.skipped.len(), menu_items(&this_week).len());
    assert!(
        again
            .skipped
            .iter()
            .all(|s| s.reason == "already_published")
    );
}

#[tokio::test]
async fn a_dish_withdrawn_since_is_left_out_of_the_next_copy() {
    let app = spawn_demo_city().await;
    let kitchen = kitchen(&app).await;
    let (id, operator) = (kitchen.meal_point_id, &kitchen.operator);
    let this_week = app.menu(id, date(0), date(6)).await.ok();
    let source = menu_items(&this_week);

    let withdrawn = source[0].dish_id;
    let inactive = DishChanges {
        name: None,
        photo_url: poem_openapi::types::MaybeUndefined::Undefined,
        price: None,
        tags: None,
        allergens: None,
        active: Some(false),
    };
    app.change_dish(operator, withdrawn, &inactive).await.ok();
    let later = app.copy_week(operator, id, date(14), date(0)).await.ok();
    let skipped: Vec<_> = later
        .skipped
        .iter()
        .filter(|s| s.reason == "dish_inactive")
        .collect();
    let withdrawn_count = source.iter().filter(|i| i.dish_id == withdrawn).count();
    assert_eq!(skipped.len(), withdrawn_count);
    assert_eq!(skipped[0].reason_label, "菜品已停用");
    assert_eq!(later.created.len(), source.len() - withdrawn_count);
    assert!(later.created.iter().all(|o| o.dish_id != withdrawn));
}

#[tokio::test]
async fn weeks_are_named_by_their_monday_and_copied_from_something_else() {
    let app = spawn_demo_city().await;
    let kitchen = kitchen(&app).await;
    let (id, operator) = (kitchen.meal_point_id, &kitchen.operator);

    // Weeks are named by their Monday; a week cannot be copied onto itself or from nothing.
    app.copy_week(operator, id, date(8), date(0))
        .await
        .field_error(400, "NOT_A_MONDAY", "to_week");
    app.copy_week(operator, id, date(0), date(0))
        .await
        .field_error(400, "COPY_TO_SAME_WEEK", "to_week");
    app.copy_week(operator, id, date(21), date(-7))
        .await
        .field_error(409, "NOTHING_TO_COPY", "from_week");
}

#[tokio::test]
async fn copying_into_a_week_under_way_skips_the_days_gone_by() {
    let app = spawn_app().await;
    let (id, operator, _) = canteen(&app).await;
    let dish_id = add_dish(&app, &operator, id, &dish("红烧狮子头", "12.00")).await;
    let this_week = (0..5)
        .map(|n| offering(dish_id, date(n), Slot::Lunch, 40))
        .collect();
    app.publish(&operator, id, this_week).await.ok();

    // Wednesday of next week: Monday and Tuesday are gone, the rest is copied. (A week is
    // longer than a session: sign in again.)
    app.advance_clock(chrono::Duration::days(9));
    let operator = app
        .staff_login("canteen-operator", "operator-pass-1")
        .await
        .assert_ok()["token"]
        .as_str()
        .unwrap()
        .to_string();
    let copied = app.copy_week(&operator, id, date(7), date(0)).await.ok();
    let created: Vec<_> = copied.created.iter().map(|o| o.date).collect();
    assert_eq!(created, [date(9), date(10), date(11)]);
    let skipped: Vec<_> = copied
        .skipped
        .iter()
        .map(|s| (s.date, s.reason.as_str()))
        .collect();
    assert_eq!(
        skipped,
        [(date(7), "date_passed"), (date(8), "date_passed")]
    );
}

// ---------------------------------------------------------------------------------------------
// Dishes
// ---------------------------------------------------------------------------------------------

/// 清蒸鲈鱼 as its operator sends it: the name with spaces around, a price with one decimal, a
/// tag twice.
fn untidy_fish() -> NewDish {
    NewDish {
        tags: vec![DishTag::LowSalt, DishTag::LowOil, DishTag::LowSalt],
        allergens: vec![Allergen::Fish],
        photo_url: Some("https://img.example.com/luyu.jpg".into()),
        ..dish(" 清蒸鲈鱼 ", "16.5")
    }
}

/// The canteen with [`untidy_fish`] added; returns its id, its operator and the dish's id.
async fn canteen_with_a_fish(app: &TestApp) -> (i64, String, i64) {
    let (id, operator, _) = canteen(app).await;
    let dish_id = add_dish(app, &operator, id, &untidy_fish()).await;
    (id, operator, dish_id)
}

#[tokio::test]
async fn an_operator_adds_a_dish_tidied_with_its_labels() {
    let app = spawn_app().await;
    let (id, operator, _) = canteen(&app).await;
    let dish = app.add_dish(&operator, id, &untidy_fish()).await.ok();
    assert_eq!(dish.name, "清蒸鲈鱼");
    assert_eq!(dish.price.to_string(), "16.50");
    assert_eq!(
        dish.tags,
        [
            code_label("low_salt", "低盐"),
            code_label("low_oil", "低油")
        ]
    );
    assert_eq!(dish.allergens, [code_label("fish", "鱼类")]);
    assert!(dish.active);
}

#[tokio::test]
async fn bad_dishes_are_refused_naming_the_field() {
    let app = spawn_app().await;
    let (id, operator, _) = canteen_with_a_fish(&app).await;

    // Some of these no `NewDish` can hold (an unknown tag, a price that is not an amount), so
    // they are sent as JSON.
    let cases: Vec<(Value, u16, &str, &str)> = vec![
        (
            json!({"name": "酸菜鱼", "price": "12.345"}),
            400,
            "PRICE_TOO_MANY_DECIMALS",
            "price",
        ),
        (
            json!({"name": "酸菜鱼", "price": "-1.00"}),
            400,
            "PRICE_NEGATIVE",
            "price",
        ),
        (
            json!({"name": "酸菜鱼", "price": "1000.00"}),
            400,
            "PRICE_TOO_HIGH",
            "price",
        ),
        (
            json!({"name": "  ", "price": "12.00"}),
            400,
            "NAME_INVALID",
            "name",
        ),
        (
            json!({"name": "酸菜鱼", "price": "12.00", "tags": ["spicy"]}),
            400,
            "UNKNOWN_VALUE",
            "tags",
        ),
        (
            json!({"name": "酸菜鱼", "price": "12.00", "allergens": ["gluten"]}),
            400,
            "UNKNOWN_VALUE",
            "allergens",
        ),
        (
            json!({"name": "酸菜鱼", "price": "12.00", "photo_url": "http://img.example.com/a.jpg"}),
            400,
            "INVALID_PHOTO_URL",
            "photo_url",
        ),
        (
            json!({"name": "清蒸鲈鱼", "price": "12.00"}),
            409,
            "DISH_NAME_TAKEN",
            "name",
        ),
    ];
    let dishes = format!("/api/v1/meal-points/{id}/dishes");
    for (body, status, code, field) in cases {
        app.post(&dishes, Some(&operator), body)
            .await
            .assert_field_error(status, code, field);
    }
    // A float price would pass through binary floating point: refused outright.
    app.post(
        &dishes,
        Some(&operator),
        json!({"name": "酸菜鱼", "price": 12.5}),
    )
    .await
    .assert_error(400, "INVALID_BODY");
}

#[tokio::test]
async fn a_bad_dish_edit_changes_nothing_and_a_good_one_only_what_it_names() {
    let app = spawn_app().await;
    let (id, operator, dish_id) = canteen_with_a_fish(&app).await;

    // Edits: a bad one changes nothing, a good one changes only what it names.
    app.patch(
        &format!("/api/v1/dishes/{dish_id}"),
        Some(&operator),
        json!({"price": "9.999", "active": false}),
    )
    .await
    .assert_field_error(400, "PRICE_TOO_MANY_DECIMALS", "price");
    let changes = DishChanges {
        name: None,
        photo_url: poem_openapi::types::MaybeUndefined::Null,
        price: None,
        tags: None,
        allergens: None,
        active: Some(false),
    };
    let edited = app.change_dish(&operator, dish_id, &changes).await;
    assert!(edited.raw().get("photo_url").is_none());
    let edited = edited.ok();
    assert!(!edited.active);
    assert_eq!(edited.price.to_string(), "16.50");
    assert_eq!(edited.tags.len(), 2);

    let listed = app.dishes(&operator, id).await.ok();
    assert_eq!(
        listed.total, 1,
        "inactive dishes are listed for their operator"
    );
    assert!(!listed.items[0].active);
}

#[tokio::test]
async fn the_tag_and_allergen_lists_carry_chinese_labels() {
    let app = spawn_app().await;
    let tags = app.dish_tags().await.ok();
    assert_eq!(tags.len(), 8);
    for (code, label) in [
        ("low_salt", "低盐"),
        ("soft", "软烂"),
        ("boneless", "无骨无刺"),
        ("diabetic_friendly", "糖尿病友好"),
        ("halal", "清真"),
    ] {
        assert!(tags.contains(&code_label(code, label)), "{code}");
    }
    let allergens = app.allergens().await.ok();
    assert_eq!(allergens.len(), 9);
    assert!(allergens.contains(&code_label("peanut", "花生")));
}

// ---------------------------------------------------------------------------------------------
// Publishing offerings
// ---------------------------------------------------------------------------------------------

/// A draft of 红烧狮子头 (the canteen's dish) on `date`'s lunch, as JSON to bend.
fn draft(dish_id: i64, date: chrono::NaiveDate) -> Value {
    crate::helpers::body_of(&offering(dish_id, date, Slot::Lunch, 50))
}

/// Publishes a good draft with each bad one: all or nothing, so the good one must not be
/// published either; each is refused naming the bad field.
async fn publish_each_refused(
    app: &TestApp,
    id: i64,
    operator: &str,
    good: Value,
    cases: Vec<(Value, u16, &str, &str)>,
) {
    let offerings = format!("/api/v1/meal-points/{id}/offerings");
    for (bad, status, code, field) in cases {
        app.post(
            &offerings,
            Some(operator),
            json!({"offerings": [good.clone(), bad]}),
        )
        .await
        .assert_field_error(status, code, field);
    }
    let menu = app.menu_of(id, "").await.ok();
    assert!(menu.days.is_empty(), "nothing was published");
}

#[tokio::test]
async fn a_draft_with_a_value_out_of_bounds_is_refused_naming_it_and_publishes_none() {
    let app = spawn_app().await;
    let (id, operator, _) = canteen(&app).await;
    let dish_id = add_dish(&app, &operator, id, &dish("红烧狮子头", "12.00")).await;

    // Drafts bent as JSON: some of these values no `OfferingInput` can hold.
    let with = |field: &str, value: Value| {
        let mut bent = draft(dish_id, date(1));
        bent[field] = value;
        bent
    };
    let cases: Vec<(Value, u16, &str, &str)> = vec![
        (
            with("portions", json!(-1)),
            400,
            "PORTIONS_OUT_OF_RANGE",
            "offerings[1].portions",
        ),
        (
            with("portions", json!(10_001)),
            400,
            "PORTIONS_OUT_OF_RANGE",
            "offerings[1].portions",
        ),
        (
            with("price", json!("12.345")),
            400,
            "PRICE_TOO_MANY_DECIMALS",
            "offerings[1].price",
        ),
        (
            with("price", json!("-2.00")),
            400,
            "PRICE_NEGATIVE",
            "offerings[1].price",
        ),
        (
            with("date", json!(day(-3))),
            400,
            "DATE_IN_PAST",
            "offerings[1].date",
        ),
        (
            with("date", json!(day(366))),
            400,
            "DATE_TOO_FAR_AHEAD",
            "offerings[1].date",
        ),
        // Saturday; this canteen opens Monday to Friday.
        (
            with("date", json!(day(5))),
            400,
            "CLOSED_THAT_DAY",
            "offerings[1].date",
        ),
        (
            with("slot", json!("dinner")),
            400,
            "SLOT_NOT_SERVED",
            "offerings[1].slot",
        ),
        (
            with("slot", json!("brunch")),
            400,
            "UNKNOWN_VALUE",
            "offerings.slot",
        ),
    ];
    publish_each_refused(&app, id, &operator, draft(dish_id, date(2)), cases).await;
    app.publish(&operator, id, Vec::new())
        .await
        .field_error(400, "OFFERINGS_INVALID", "offerings");
}

#[tokio::test]
async fn a_draft_of_a_dish_retired_elsewhere_unknown_or_listed_twice_publishes_none() {
    let app = spawn_app().await;
    let (id, operator, admin) = canteen(&app).await;
    let dish_id = add_dish(&app, &operator, id, &dish("红烧狮子头", "12.00")).await;
    let retired = NewDish {
        active: Some(false),
        ..dish("旧菜", "8.00")
    };
    let retired = add_dish(&app, &operator, id, &retired).await;
    let other = zhucan::meal_points::http::NewMealPoint {
        name: "别家食堂".into(),
        ..new_meal_point(&app).await
    };
    let other = create_meal_point(&app, &admin, &other).await.id;
    let foreign_dish = add_dish(&app, &admin, other, &dish("别家的菜", "5.00")).await;

    let of = |dish: i64| draft(dish, date(1));
    let cases: Vec<(Value, u16, &str, &str)> = vec![
        (of(retired), 400, "DISH_INACTIVE", "offerings[1].dish_id"),
        (
            of(foreign_dish),
            404,
            "DISH_NOT_FOUND",
            "offerings[1].dish_id",
        ),
        (of(999_999), 404, "DISH_NOT_FOUND", "offerings[1].dish_id"),
        (
            draft(dish_id, date(2)),
            400,
            "OFFERING_LISTED_TWICE",
            "offerings[1].dish_id",
        ),
    ];
    publish_each_refused(&app, id, &operator, draft(dish_id, date(2)), cases).await;
}

#[tokio::test]
async fn publishing_works_out_booking_times_and_each_dish_day_and_slot_once() {
    let app = spawn_app().await;
    let (id, operator, _) = canteen(&app).await;
    let dish_id = add_dish(&app, &operator, id, &dish("红烧狮子头", "12.00")).await;
    let good = |date: chrono::NaiveDate| offering(dish_id, date, Slot::Lunch, 50);

    // Published: the price defaults to the dish's; lunch at 11:00 minus 120 minutes closes at
    // 09:00 Shanghai time; booking opens 7 days ahead.
    let cheaper = OfferingInput {
        price: Some(yuan("10.50")),
        ..good(date(2))
    };
    let published = app
        .publish(&operator, id, vec![good(date(1)), cheaper])
        .await
        .ok();
    assert_eq!(published[0].price.to_string(), "12.00");
    assert_eq!(published[0].dish_name, "红烧狮子头");
    assert_eq!(published[0].cutoff_at.to_rfc3339(), shanghai_at(1, 9, 0));
    assert_eq!(published[0].booking_opens_on, date(-6));
    assert_eq!(published[0].portions_left, 50);
    assert_eq!(published[1].price.to_string(), "10.50");

    app.publish(&operator, id, vec![good(date(3)), good(date(1))])
        .await
        .field_error(409, "OFFERING_EXISTS", "offerings[1]");
    let menu = app.menu_of(id, "").await.ok();
    assert_eq!(menu_items(&menu).len(), 2);
}

// ---------------------------------------------------------------------------------------------
// Portions, price, withdrawal
// ---------------------------------------------------------------------------------------------

/// 番茄炒蛋 at 6.00, 30 portions on tomorrow's lunch; returns the canteen's id, its operator and
/// the offering's id.
async fn tomatoes_tomorrow(app: &TestApp) -> (i64, String, i64) {
    let (id, operator, _) = canteen(app).await;
    let dish_id = add_dish(app, &operator, id, &dish("番茄炒蛋", "6.00")).await;
    let published = app
        .publish(
            &operator,
            id,
            vec![offering(dish_id, date(1), Slot::Lunch, 30)],
        )
        .await
        .ok();
    (id, operator, published[0].id)
}

/// Tomorrow's one item on the canteen's menu.
async fn tomorrows_item(app: &TestApp, id: i64) -> MenuItem {
    let menu = app.menu(id, date(1), date(1)).await.ok();
    menu.days
        .into_iter()
        .flat_map(|d| d.slots)
        .flat_map(|s| s.items)
        .next()
        .unwrap()
}

#[tokio::test]
async fn portions_never_fall_below_what_is_booked_and_a_bad_change_changes_nothing() {
    let app = spawn_app().await;
    let (id, operator, offering_id) = tomatoes_tomorrow(&app).await;
    set_booked(&app, offering_id, 12).await;

    let refused = app
        .change_offering(&operator, offering_id, &portions(11))
        .await
        .field_error(400, "PORTIONS_BELOW_BOOKED", "portions");
    assert!(refused.message.contains("12"));
    app.change_offering(&operator, offering_id, &portions(-3))
        .await
        .field_error(400, "PORTIONS_INVALID", "portions");
    // A price change and a bad portion count together: neither happens.
    set_booked(&app, offering_id, 0).await;
    let both = OfferingChanges {
        portions: Some(20_000),
        ..price("5.00")
    };
    app.change_offering(&operator, offering_id, &both)
        .await
        .field_error(400, "PORTIONS_INVALID", "portions");
    set_booked(&app, offering_id, 12).await;

    let item = tomorrows_item(&app, id).await;
    assert_eq!((item.portions, item.portions_left), (30, 18));
    assert_eq!(item.price.to_string(), "6.00");
}

#[tokio::test]
async fn portions_rise_any_time_and_fall_to_what_is_booked() {
    let app = spawn_app().await;
    let (id, operator, offering_id) = tomatoes_tomorrow(&app).await;
    set_booked(&app, offering_id, 12).await;

    let lowered = app
        .change_offering(&operator, offering_id, &portions(12))
        .await
        .ok();
    assert_eq!(lowered.portions_left, 0);
    assert!(!tomorrows_item(&app, id).await.bookable_now, "sold out");
    let raised = app
        .change_offering(&operator, offering_id, &portions(80))
        .await
        .ok();
    assert_eq!(raised.portions, 80);
    assert_eq!(raised.booked, 12);
    assert_eq!(raised.portions_left, 68);
}

#[tokio::test]
async fn booked_meals_keep_their_price_and_their_offering() {
    let app = spawn_app().await;
    let (id, operator, offering_id) = tomatoes_tomorrow(&app).await;
    set_booked(&app, offering_id, 12).await;
    app.change_offering(&operator, offering_id, &portions(80))
        .await
        .ok();

    // Booked meals keep their price, and a booked offering cannot be withdrawn.
    app.change_offering(&operator, offering_id, &price("5.00"))
        .await
        .field_error(409, "PRICE_LOCKED", "price");
    app.withdraw_offering(&operator, offering_id)
        .await
        .error(409, "OFFERING_HAS_BOOKINGS");
    app.patch(
        &format!("/api/v1/offerings/{offering_id}"),
        Some(&operator),
        json!({"price": "5.001"}),
    )
    .await
    .assert_field_error(400, "PRICE_TOO_MANY_DECIMALS", "price");
    let item = tomorrows_item(&app, id).await;
    assert_eq!(item.price.to_string(), "6.00");
    assert_eq!(item.portions, 80);

    // Once nobody holds a portion, both are possible.
    set_booked(&app, offering_id, 0).await;
    let repriced = app
        .change_offering(&operator, offering_id, &price("5.50"))
        .await
        .ok();
    assert_eq!(repriced.price.to_string(), "5.50");
    app.withdraw_offering(&operator, offering_id).await.ok();
    app.change_offering(&operator, offering_id, &portions(1))
        .await
        .error(404, "OFFERING_NOT_FOUND");
}

// ---------------------------------------------------------------------------------------------
// The public menu
// ---------------------------------------------------------------------------------------------

/// The canteen with breakfast added, 清蒸鲈鱼 on today's and tomorrow's lunch and in ten days,
/// 小米粥 on tomorrow's breakfast; returns its id and operator.
async fn canteen_with_a_menu(app: &TestApp) -> (i64, String) {
    let (id, operator, _) = canteen(app).await;
    // Add breakfast, so slots have an order to keep.
    let hours = |slot, opens: &str, closes: &str| SlotHoursInput {
        slot,
        opens: opens.into(),
        closes: closes.into(),
    };
    let breakfast = MealPointChanges {
        slot_hours: Some(vec![
            hours(Slot::Breakfast, "07:00", "08:30"),
            hours(Slot::Lunch, "11:00", "12:30"),
        ]),
        ..MealPointChanges::default()
    };
    app.change_meal_point(&operator, id, &breakfast).await.ok();
    let fish = NewDish {
        tags: vec![DishTag::LowSalt],
        allergens: vec![Allergen::Fish],
        photo_url: Some("https://img.example.com/luyu.jpg".into()),
        ..dish("清蒸鲈鱼", "16.00")
    };
    let fish = add_dish(app, &operator, id, &fish).await;
    let porridge = add_dish(app, &operator, id, &dish("小米粥", "3.00")).await;
    let offerings = vec![
        offering(fish, date(0), Slot::Lunch, 20),
        offering(fish, date(1), Slot::Lunch, 20),
        offering(porridge, date(1), Slot::Breakfast, 30),
        // Booking for a date 10 days ahead opens in 3 days.
        offering(fish, date(10), Slot::Lunch, 20),
    ];
    app.publish(&operator, id, offerings).await.ok();
    (id, operator)
}

#[tokio::test]
async fn the_menu_groups_by_day_and_slot_and_says_what_can_be_booked_now() {
    let app = spawn_app().await;
    let (id, _) = canteen_with_a_menu(&app).await;

    let menu = app.menu(id, date(0), date(13)).await.ok();
    let days = &menu.days;
    assert_eq!(days.len(), 3);
    // Today's lunch closed for orders at 09:00 (11:00 minus 120 minutes); the test starts at 09:00.
    let today_lunch = &days[0].slots[0];
    assert_eq!(today_lunch.slot, Slot::Lunch);
    assert!(!today_lunch.items[0].bookable_now);
    let tuesday = &days[1];
    assert_eq!(tuesday.weekday_label, "周二");
    let slots: Vec<Slot> = tuesday.slots.iter().map(|s| s.slot).collect();
    assert_eq!(slots, [Slot::Breakfast, Slot::Lunch]);
    let lunch = &tuesday.slots[1];
    assert_eq!(
        (lunch.opens.as_deref(), lunch.closes.as_deref()),
        (Some("11:00"), Some("12:30"))
    );
    let item = &lunch.items[0];
    assert_eq!(item.dish_name, "清蒸鲈鱼");
    assert_eq!(
        item.photo_url.as_deref(),
        Some("https://img.example.com/luyu.jpg")
    );
    assert_eq!(item.tags, [code_label("low_salt", "低盐")]);
    assert_eq!(item.allergens, [code_label("fish", "鱼类")]);
    assert_eq!(item.price.to_string(), "16.00");
    assert_eq!(item.portions_left, 20);
    assert!(item.bookable_now);
    let far = &days[2].slots[0].items[0];
    assert_eq!(far.booking_opens_on, date(3));
    assert!(!far.bookable_now);
}

#[tokio::test]
async fn a_shorter_lead_time_reopens_a_slot_whose_cutoff_has_passed() {
    let app = spawn_app().await;
    let (id, operator) = canteen_with_a_menu(&app).await;

    // Tomorrow at 09:00 the lunch cutoff has passed; a later lead time would reopen it.
    app.advance_clock(chrono::Duration::days(1));
    let menu = app.menu(id, date(1), date(1)).await.ok();
    assert!(menu_items(&menu).iter().all(|i| !i.bookable_now));
    let later = MealPointChanges {
        order_lead_minutes: Some(30),
        ..MealPointChanges::default()
    };
    app.change_meal_point(&operator, id, &later).await.ok();
    let menu = app.menu(id, date(1), date(1)).await.ok();
    let lunch = &menu.days[0].slots[1].items[0];
    assert_eq!(
        lunch.cutoff_at.to_rfc3339(),
        shanghai_at(1, 10, 30),
        "rescheduled to 10:30"
    );
    assert!(lunch.bookable_now);
}

#[tokio::test]
async fn a_menu_covers_at_most_14_days_forwards() {
    let app = spawn_app().await;
    let (id, _) = canteen_with_a_menu(&app).await;

    // Ranges: at most 14 days, and not backwards.
    app.menu(id, date(0), date(14))
        .await
        .field_error(400, "DATE_RANGE_TOO_LONG", "to");
    app.menu(id, date(1), date(0))
        .await
        .field_error(400, "DATE_RANGE_INVALID", "to");
    app.menu_of(999_999, "")
        .await
        .error(404, "MEAL_POINT_NOT_FOUND");
}

#[tokio::test]
async fn serves_today_needs_portions_left_today() {
    let app = spawn_app().await;
    let (id, operator, _) = canteen(&app).await;
    let dish_id = add_dish(&app, &operator, id, &dish("肉末蒸蛋", "6.00")).await;
    let near = async |app: &TestApp| {
        let page = app.near("lat=31.7772&lng=119.9522").await.ok();
        page.items[0].serves_today
    };
    assert!(!near(&app).await, "no menu today");
    let published = app
        .publish(
            &operator,
            id,
            vec![offering(dish_id, date(0), Slot::Lunch, 10)],
        )
        .await
        .ok();
    assert!(near(&app).await);
    set_booked(&app, published[0].id, 10).await;
    assert!(!near(&app).await, "sold out");
}
