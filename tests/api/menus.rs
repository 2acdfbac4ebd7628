//! Menus: dishes, publishing offerings, copying a week, portions, and the public menu.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
use serde_json::{Value, json};

use crate::{
    helpers::{TestApp, day, shanghai_at, spawn_app, spawn_demo_city},
    meal_points::{create_meal_point, demo_operator_meal_points, meal_point_body, new_operator},
};

/// A meal point of our own (lunch 11:00–12:30, Monday to Friday, orders close 120 minutes
/// before, booking opens 7 days ahead) with an operator; returns (meal point id, operator token,
/// admin token).
async fn canteen(app: &TestApp) -> (i64, String, String) {
    let admin = app.staff_token("admin").await;
    let created = create_meal_point(app, &admin, meal_point_body(app).await).await;
    let id = created["id"].as_i64().unwrap();
    let (operator, _) = new_operator(app, &admin, "canteen-operator", id).await;
    (id, operator, admin)
}

async fn add_dish(app: &TestApp, token: &str, meal_point_id: i64, body: Value) -> Value {
    app.post(
        &format!("/api/v1/meal-points/{meal_point_id}/dishes"),
        Some(token),
        body,
    )
    .await
    .assert_ok()
    .clone()
}

async fn publish(app: &TestApp, token: &str, meal_point_id: i64, offerings: Value) -> Value {
    app.post(
        &format!("/api/v1/meal-points/{meal_point_id}/offerings"),
        Some(token),
        json!({ "offerings": offerings }),
    )
    .await
    .assert_ok()
    .clone()
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

fn menu_items(menu: &Value) -> Vec<Value> {
    menu["days"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|d| d["slots"].as_array().unwrap().clone())
        .flat_map(|s| s["items"].as_array().unwrap().clone())
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Copying a week
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn an_operator_publishes_next_week_by_copying_this_week() {
    let today = day(0);
    let app = spawn_demo_city().await;
    let operator = app.staff_token("operator-demo").await;
    let id = demo_operator_meal_points(&app, &operator).await[0]["id"]
        .as_i64()
        .unwrap();
    let menu_of = |from: String, to: String| {
        let app = &app;
        async move {
            let reply = app
                .get(
                    &format!("/api/v1/meal-points/{id}/menu?from={from}&to={to}"),
                    None,
                )
                .await;
            reply.assert_ok().clone()
        }
    };
    let this_week = menu_of(day(0), day(6)).await;
    let next_week = menu_of(day(7), day(13)).await;
    assert_eq!(next_week["days"], json!([]), "nothing published yet");

    let next_monday = day(7);
    let copy_path = format!("/api/v1/meal-points/{id}/weeks/{next_monday}/copy-from/{today}");
    let copied = app.post(&copy_path, Some(&operator), json!({})).await;
    let copied = copied.assert_ok();
    let source = menu_items(&this_week);
    assert_eq!(copied["created"].as_array().unwrap().len(), source.len());
    assert_eq!(copied["skipped"], json!([]));

    // Same dishes, slots, portions and prices on the same weekdays, a week later, with booking
    // times worked out for the new dates.
    let next_week = menu_of(day(7), day(13)).await;
    let shape = |menu: &Value| -> Vec<(String, String, String, i64, String)> {
        menu["days"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|d| {
                let weekday = d["weekday_label"].as_str().unwrap().to_string();
                d["slots"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .flat_map(move |s| {
                        let weekday = weekday.clone();
                        s["items"].as_array().unwrap().iter().map(move |i| {
                            (
                                weekday.clone(),
                                s["slot"].as_str().unwrap().to_string(),
                                i["dish_name"].as_str().unwrap().to_string(),
                                i["portions"].as_i64().unwrap(),
                                i["price"].as_str().unwrap().to_string(),
                            )
                        })
                    })
                    .collect::<Vec<_>>()
            })
            .collect()
    };
    assert_eq!(shape(&next_week), shape(&this_week));
    let monday_next = &next_week["days"][0];
    assert_eq!(monday_next["date"], next_monday);
    let lunch = monday_next["slots"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["slot"] == "lunch")
        .unwrap();
    assert_eq!(lunch["items"][0]["cutoff_at"], shanghai_at(7, 9, 30));
    assert_eq!(lunch["items"][0]["booking_opens_on"], today);
    assert_eq!(
        lunch["items"][0]["portions_left"],
        lunch["items"][0]["portions"]
    );

    // Copying again publishes nothing twice and says why.
    let again = app.post(&copy_path, Some(&operator), json!({})).await;
    let again = again.assert_ok();
    assert_eq!(again["created"], json!([]));
    let skipped = again["skipped"].as_array().unwrap();
    assert_eq!(skipped.len(), source.len());
    assert!(skipped.iter().all(|s| s["reason"] == "already_published"));

    // A dish withdrawn since is left out of the next copy.
    let withdrawn = source[0]["dish_id"].as_i64().unwrap();
    app.patch(
        &format!("/api/v1/dishes/{withdrawn}"),
        Some(&operator),
        json!({"active": false}),
    )
    .await
    .assert_ok();
    let later = app
        .post(
            &format!(
                "/api/v1/meal-points/{id}/weeks/{}/copy-from/{today}",
                day(14)
            ),
            Some(&operator),
            json!({}),
        )
        .await;
    let later = later.assert_ok();
    let inactive: Vec<&Value> = later["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["reason"] == "dish_inactive")
        .collect();
    let withdrawn_count = source.iter().filter(|i| i["dish_id"] == withdrawn).count();
    assert_eq!(inactive.len(), withdrawn_count);
    assert_eq!(inactive[0]["reason_label"], "菜品已停用");
    assert_eq!(
        later["created"].as_array().unwrap().len(),
        source.len() - withdrawn_count
    );
    assert!(
        later["created"]
            .as_array()
            .unwrap()
            .iter()
            .all(|o| o["dish_id"] != withdrawn)
    );

    // Weeks are named by their Monday; a week cannot be copied onto itself or from nothing.
    app.post(
        &format!(
            "/api/v1/meal-points/{id}/weeks/{}/copy-from/{today}",
            day(8)
        ),
        Some(&operator),
        json!({}),
    )
    .await
    .assert_field_error(400, "NOT_A_MONDAY", "to_week");
    app.post(
        &format!("/api/v1/meal-points/{id}/weeks/{today}/copy-from/{today}"),
        Some(&operator),
        json!({}),
    )
    .await
    .assert_field_error(400, "COPY_TO_SAME_WEEK", "to_week");
    app.post(
        &format!(
            "/api/v1/meal-points/{id}/weeks/{}/copy-from/{}",
            day(21),
            day(-7)
        ),
        Some(&operator),
        json!({}),
    )
    .await
    .assert_field_error(409, "NOTHING_TO_COPY", "from_week");
}

#[tokio::test]
async fn copying_into_a_week_under_way_skips_the_days_gone_by() {
    let today = day(0);
    let app = spawn_app().await;
    let (id, operator, _) = canteen(&app).await;
    let dish = add_dish(
        &app,
        &operator,
        id,
        json!({"name": "红烧狮子头", "price": "12.00"}),
    )
    .await;
    let this_week: Vec<Value> = (0..5)
        .map(day)
        .map(|date| json!({"dish_id": dish["id"], "date": date, "slot": "lunch", "portions": 40}))
        .collect();
    publish(&app, &operator, id, json!(this_week)).await;

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
    let copied = app
        .post(
            &format!(
                "/api/v1/meal-points/{id}/weeks/{}/copy-from/{today}",
                day(7)
            ),
            Some(&operator),
            json!({}),
        )
        .await;
    let copied = copied.assert_ok();
    let created: Vec<&str> = copied["created"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["date"].as_str().unwrap())
        .collect();
    assert_eq!(created, [day(9), day(10), day(11)]);
    let skipped: Vec<(&str, &str)> = copied["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["date"].as_str().unwrap(), s["reason"].as_str().unwrap()))
        .collect();
    assert_eq!(
        skipped,
        [
            (day(7).as_str(), "date_passed"),
            (day(8).as_str(), "date_passed")
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// Dishes
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn an_operator_keeps_dishes_and_bad_dishes_are_refused() {
    let app = spawn_app().await;
    let (id, operator, _) = canteen(&app).await;
    let dish = add_dish(
        &app,
        &operator,
        id,
        json!({
            "name": " 清蒸鲈鱼 ",
            "price": "16.5",
            "tags": ["low_salt", "low_oil", "low_salt"],
            "allergens": ["fish"],
            "photo_url": "https://img.example.com/luyu.jpg",
        }),
    )
    .await;
    assert_eq!(dish["name"], "清蒸鲈鱼");
    assert_eq!(dish["price"], "16.50");
    assert_eq!(
        dish["tags"],
        json!([{"code": "low_salt", "label": "低盐"}, {"code": "low_oil", "label": "低油"}])
    );
    assert_eq!(
        dish["allergens"],
        json!([{"code": "fish", "label": "鱼类"}])
    );
    assert_eq!(dish["active"], true);
    let dish_id = dish["id"].as_i64().unwrap();

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
    for (body, status, code, field) in cases {
        app.post(
            &format!("/api/v1/meal-points/{id}/dishes"),
            Some(&operator),
            body,
        )
        .await
        .assert_field_error(status, code, field);
    }
    // A float price would pass through binary floating point: refused outright.
    app.post(
        &format!("/api/v1/meal-points/{id}/dishes"),
        Some(&operator),
        json!({"name": "酸菜鱼", "price": 12.5}),
    )
    .await
    .assert_error(400, "INVALID_BODY");

    // Edits: a bad one changes nothing, a good one changes only what it names.
    app.patch(
        &format!("/api/v1/dishes/{dish_id}"),
        Some(&operator),
        json!({"price": "9.999", "active": false}),
    )
    .await
    .assert_field_error(400, "PRICE_TOO_MANY_DECIMALS", "price");
    let edited = app
        .patch(
            &format!("/api/v1/dishes/{dish_id}"),
            Some(&operator),
            json!({"active": false, "photo_url": null}),
        )
        .await;
    let edited = edited.assert_ok();
    assert_eq!(edited["active"], false);
    assert_eq!(edited["price"], "16.50");
    assert!(edited.get("photo_url").is_none());
    assert_eq!(edited["tags"].as_array().unwrap().len(), 2);

    let listed = app
        .get(&format!("/api/v1/meal-points/{id}/dishes"), Some(&operator))
        .await;
    let listed = listed.assert_ok();
    assert_eq!(
        listed["total"], 1,
        "inactive dishes are listed for their operator"
    );
    assert_eq!(listed["items"][0]["active"], false);
}

#[tokio::test]
async fn the_tag_and_allergen_lists_carry_chinese_labels() {
    let app = spawn_app().await;
    let tags = app.get("/api/v1/dish-tags", None).await;
    let tags = tags.assert_ok().as_array().unwrap().clone();
    assert_eq!(tags.len(), 8);
    for (code, label) in [
        ("low_salt", "低盐"),
        ("soft", "软烂"),
        ("boneless", "无骨无刺"),
        ("diabetic_friendly", "糖尿病友好"),
        ("halal", "清真"),
    ] {
        assert!(
            tags.contains(&json!({"code": code, "label": label})),
            "{code}"
        );
    }
    let allergens = app.get("/api/v1/allergens", None).await;
    let allergens = allergens.assert_ok().as_array().unwrap().clone();
    assert_eq!(allergens.len(), 9);
    assert!(allergens.contains(&json!({"code": "peanut", "label": "花生"})));
}

// ---------------------------------------------------------------------------------------------
// Publishing offerings
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn publishing_works_out_booking_times_and_checks_every_draft() {
    let tomorrow = day(1);
    let app = spawn_app().await;
    let (id, operator, admin) = canteen(&app).await;
    let dish = add_dish(
        &app,
        &operator,
        id,
        json!({"name": "红烧狮子头", "price": "12.00"}),
    )
    .await;
    let dish_id = dish["id"].as_i64().unwrap();
    let retired = add_dish(
        &app,
        &operator,
        id,
        json!({"name": "旧菜", "price": "8.00", "active": false}),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let mut other = meal_point_body(&app).await;
    other["name"] = json!("别家食堂");
    let other = create_meal_point(&app, &admin, other).await["id"]
        .as_i64()
        .unwrap();
    let foreign_dish = add_dish(
        &app,
        &admin,
        other,
        json!({"name": "别家的菜", "price": "5.00"}),
    )
    .await["id"]
        .as_i64()
        .unwrap();

    let good =
        |date: &str| json!({"dish_id": dish_id, "date": date, "slot": "lunch", "portions": 50});
    let with = |field: &str, value: Value| {
        let mut draft = good(&tomorrow);
        draft[field] = value;
        draft
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
        (
            with("dish_id", json!(retired)),
            400,
            "DISH_INACTIVE",
            "offerings[1].dish_id",
        ),
        (
            with("dish_id", json!(foreign_dish)),
            404,
            "DISH_NOT_FOUND",
            "offerings[1].dish_id",
        ),
        (
            with("dish_id", json!(999_999)),
            404,
            "DISH_NOT_FOUND",
            "offerings[1].dish_id",
        ),
        (
            good(&day(2)),
            400,
            "OFFERING_LISTED_TWICE",
            "offerings[1].dish_id",
        ),
    ];
    for (bad, status, code, field) in cases {
        // A good draft first: all or nothing, so it must not be published either.
        app.post(
            &format!("/api/v1/meal-points/{id}/offerings"),
            Some(&operator),
            json!({"offerings": [good(&day(2)), bad]}),
        )
        .await
        .assert_field_error(status, code, field);
    }
    app.post(
        &format!("/api/v1/meal-points/{id}/offerings"),
        Some(&operator),
        json!({"offerings": []}),
    )
    .await
    .assert_field_error(400, "OFFERINGS_INVALID", "offerings");
    let menu = app
        .get(&format!("/api/v1/meal-points/{id}/menu"), None)
        .await;
    assert_eq!(menu.assert_ok()["days"], json!([]), "nothing was published");

    // Published: the price defaults to the dish's; lunch at 11:00 minus 120 minutes closes at
    // 09:00 Shanghai time; booking opens 7 days ahead.
    let mut cheaper = good(&day(2));
    cheaper["price"] = json!("10.50");
    let published = publish(&app, &operator, id, json!([good(&tomorrow), cheaper])).await;
    assert_eq!(published[0]["price"], "12.00");
    assert_eq!(published[0]["dish_name"], "红烧狮子头");
    assert_eq!(published[0]["cutoff_at"], shanghai_at(1, 9, 0));
    assert_eq!(published[0]["booking_opens_on"], day(-6));
    assert_eq!(published[0]["portions_left"], 50);
    assert_eq!(published[1]["price"], "10.50");

    app.post(
        &format!("/api/v1/meal-points/{id}/offerings"),
        Some(&operator),
        json!({"offerings": [good(&day(3)), good(&tomorrow)]}),
    )
    .await
    .assert_field_error(409, "OFFERING_EXISTS", "offerings[1]");
    let menu = app
        .get(&format!("/api/v1/meal-points/{id}/menu"), None)
        .await;
    assert_eq!(menu_items(menu.assert_ok()).len(), 2);
}

// ---------------------------------------------------------------------------------------------
// Portions, price, withdrawal
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn portions_rise_any_time_and_fall_only_to_what_is_booked() {
    let tomorrow = day(1);
    let app = spawn_app().await;
    let (id, operator, _) = canteen(&app).await;
    let dish = add_dish(
        &app,
        &operator,
        id,
        json!({"name": "番茄炒蛋", "price": "6.00"}),
    )
    .await;
    let offering = publish(
        &app,
        &operator,
        id,
        json!([{"dish_id": dish["id"], "date": tomorrow, "slot": "lunch", "portions": 30}]),
    )
    .await[0]
        .clone();
    let offering_id = offering["id"].as_i64().unwrap();
    let path = format!("/api/v1/offerings/{offering_id}");
    set_booked(&app, offering_id, 12).await;

    let refused = app
        .patch(&path, Some(&operator), json!({"portions": 11}))
        .await;
    refused.assert_field_error(400, "PORTIONS_BELOW_BOOKED", "portions");
    assert!(refused.body["message"].as_str().unwrap().contains("12"));
    app.patch(&path, Some(&operator), json!({"portions": -3}))
        .await
        .assert_field_error(400, "PORTIONS_INVALID", "portions");
    // A price change and a bad portion count together: neither happens.
    set_booked(&app, offering_id, 0).await;
    app.patch(
        &path,
        Some(&operator),
        json!({"price": "5.00", "portions": 20_000}),
    )
    .await
    .assert_field_error(400, "PORTIONS_INVALID", "portions");
    set_booked(&app, offering_id, 12).await;

    let url = format!("/api/v1/meal-points/{id}/menu?from={tomorrow}&to={tomorrow}");
    let menu = async |app: &TestApp| menu_items(app.get(&url, None).await.assert_ok())[0].clone();
    let item = menu(&app).await;
    assert_eq!(
        (item["portions"].as_i64(), item["portions_left"].as_i64()),
        (Some(30), Some(18))
    );
    assert_eq!(item["price"], "6.00");

    let lowered = app
        .patch(&path, Some(&operator), json!({"portions": 12}))
        .await;
    assert_eq!(lowered.assert_ok()["portions_left"], 0);
    assert_eq!(menu(&app).await["bookable_now"], false, "sold out");
    let raised = app
        .patch(&path, Some(&operator), json!({"portions": 80}))
        .await;
    assert_eq!(raised.assert_ok()["portions"], 80);
    assert_eq!(raised.body["booked"], 12);
    assert_eq!(raised.body["portions_left"], 68);

    // Booked meals keep their price, and a booked offering cannot be withdrawn.
    app.patch(&path, Some(&operator), json!({"price": "5.00"}))
        .await
        .assert_field_error(409, "PRICE_LOCKED", "price");
    app.delete(&path, Some(&operator))
        .await
        .assert_error(409, "OFFERING_HAS_BOOKINGS");
    app.patch(&path, Some(&operator), json!({"price": "5.001"}))
        .await
        .assert_field_error(400, "PRICE_TOO_MANY_DECIMALS", "price");
    let item = menu(&app).await;
    assert_eq!(item["price"], "6.00");
    assert_eq!(item["portions"], 80);

    // Once nobody holds a portion, both are possible.
    set_booked(&app, offering_id, 0).await;
    let repriced = app
        .patch(&path, Some(&operator), json!({"price": "5.50"}))
        .await;
    assert_eq!(repriced.assert_ok()["price"], "5.50");
    app.delete(&path, Some(&operator)).await.assert_ok();
    app.patch(&path, Some(&operator), json!({"portions": 1}))
        .await
        .assert_error(404, "OFFERING_NOT_FOUND");
}

// ---------------------------------------------------------------------------------------------
// The public menu
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn the_menu_groups_by_day_and_slot_and_says_what_can_be_booked_now() {
    let today = day(0);
    let tomorrow = day(1);
    let app = spawn_app().await;
    let (id, operator, _) = canteen(&app).await;
    // Add breakfast, so slots have an order to keep.
    app.patch(
        &format!("/api/v1/meal-points/{id}"),
        Some(&operator),
        json!({"slot_hours": [
            {"slot": "breakfast", "opens": "07:00", "closes": "08:30"},
            {"slot": "lunch", "opens": "11:00", "closes": "12:30"},
        ]}),
    )
    .await
    .assert_ok();
    let fish = add_dish(
        &app,
        &operator,
        id,
        json!({"name": "清蒸鲈鱼", "price": "16.00", "tags": ["low_salt"], "allergens": ["fish"],
               "photo_url": "https://img.example.com/luyu.jpg"}),
    )
    .await["id"]
        .clone();
    let porridge = add_dish(
        &app,
        &operator,
        id,
        json!({"name": "小米粥", "price": "3.00"}),
    )
    .await["id"]
        .clone();
    publish(
        &app,
        &operator,
        id,
        json!([
            {"dish_id": fish, "date": today, "slot": "lunch", "portions": 20},
            {"dish_id": fish, "date": tomorrow, "slot": "lunch", "portions": 20},
            {"dish_id": porridge, "date": tomorrow, "slot": "breakfast", "portions": 30},
            // Booking for a date 10 days ahead opens in 3 days.
            {"dish_id": fish, "date": day(10), "slot": "lunch", "portions": 20},
        ]),
    )
    .await;

    let menu = app
        .get(
            &format!("/api/v1/meal-points/{id}/menu?from={today}&to={}", day(13)),
            None,
        )
        .await;
    let menu = menu.assert_ok();
    let days = menu["days"].as_array().unwrap();
    assert_eq!(days.len(), 3);
    // Today's lunch closed for orders at 09:00 (11:00 minus 120 minutes); the test starts at 09:00.
    let today_lunch = &days[0]["slots"][0];
    assert_eq!(today_lunch["slot"], "lunch");
    assert_eq!(today_lunch["items"][0]["bookable_now"], false);
    let tuesday = &days[1];
    assert_eq!(tuesday["weekday_label"], "周二");
    let slots: Vec<&str> = tuesday["slots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["slot"].as_str().unwrap())
        .collect();
    assert_eq!(slots, ["breakfast", "lunch"]);
    let lunch = &tuesday["slots"][1];
    assert_eq!(
        (lunch["opens"].as_str(), lunch["closes"].as_str()),
        (Some("11:00"), Some("12:30"))
    );
    let item = &lunch["items"][0];
    assert_eq!(item["dish_name"], "清蒸鲈鱼");
    assert_eq!(item["photo_url"], "https://img.example.com/luyu.jpg");
    assert_eq!(item["tags"], json!([{"code": "low_salt", "label": "低盐"}]));
    assert_eq!(
        item["allergens"],
        json!([{"code": "fish", "label": "鱼类"}])
    );
    assert_eq!(item["price"], "16.00");
    assert_eq!(item["portions_left"], 20);
    assert_eq!(item["bookable_now"], true);
    let far = &days[2]["slots"][0]["items"][0];
    assert_eq!(far["booking_opens_on"], day(3));
    assert_eq!(far["bookable_now"], false);

    // Tomorrow at 09:00 the lunch cutoff has passed; a later lead time would reopen it.
    app.advance_clock(chrono::Duration::days(1));
    let tomorrow_menu = app
        .get(
            &format!("/api/v1/meal-points/{id}/menu?from={tomorrow}&to={tomorrow}"),
            None,
        )
        .await;
    let items = menu_items(tomorrow_menu.assert_ok());
    assert!(items.iter().all(|i| i["bookable_now"] == false));
    let patched = app
        .patch(
            &format!("/api/v1/meal-points/{id}"),
            Some(&operator),
            json!({"order_lead_minutes": 30}),
        )
        .await;
    patched.assert_ok();
    let tomorrow_menu = app
        .get(
            &format!("/api/v1/meal-points/{id}/menu?from={tomorrow}&to={tomorrow}"),
            None,
        )
        .await;
    let lunch = tomorrow_menu.assert_ok()["days"][0]["slots"][1]["items"][0].clone();
    assert_eq!(
        lunch["cutoff_at"],
        shanghai_at(1, 10, 30),
        "rescheduled to 10:30"
    );
    assert_eq!(lunch["bookable_now"], true);

    // Ranges: at most 14 days, and not backwards.
    app.get(
        &format!("/api/v1/meal-points/{id}/menu?from={today}&to={}", day(14)),
        None,
    )
    .await
    .assert_field_error(400, "DATE_RANGE_TOO_LONG", "to");
    app.get(
        &format!("/api/v1/meal-points/{id}/menu?from={tomorrow}&to={today}"),
        None,
    )
    .await
    .assert_field_error(400, "DATE_RANGE_INVALID", "to");
    app.get("/api/v1/meal-points/999999/menu", None)
        .await
        .assert_error(404, "MEAL_POINT_NOT_FOUND");
}

#[tokio::test]
async fn serves_today_needs_portions_left_today() {
    let today = day(0);
    let app = spawn_app().await;
    let (id, operator, _) = canteen(&app).await;
    let dish = add_dish(
        &app,
        &operator,
        id,
        json!({"name": "肉末蒸蛋", "price": "6.00"}),
    )
    .await;
    let near = async |app: &TestApp| {
        let reply = app
            .get("/api/v1/meal-points/near?lat=31.7772&lng=119.9522", None)
            .await;
        reply.assert_ok()["items"][0]["serves_today"]
            .as_bool()
            .unwrap()
    };
    assert!(!near(&app).await, "no menu today");
    let offering = publish(
        &app,
        &operator,
        id,
        json!([{"dish_id": dish["id"], "date": today, "slot": "lunch", "portions": 10}]),
    )
    .await[0]["id"]
        .as_i64()
        .unwrap();
    assert!(near(&app).await);
    set_booked(&app, offering, 10).await;
    assert!(!near(&app).await, "sold out");
}
