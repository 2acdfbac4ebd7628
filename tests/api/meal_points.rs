//! Meal points: the public directory and near search, what the city admin and operators may
//! change, and pauses and closures.

use chrono::NaiveDate;
use poem_openapi::types::MaybeUndefined;
use serde_json::{Value, json};
use vocabulary::{MealPointKind, MealPointStatusKind, ServiceMode, Slot};
use zhucan::{
    meal_points::{
        http::{
            CodeLabel, LabelsInput, MealPointChanges, MealPointSummary, NearbyMealPoint,
            NewMealPoint, SlotHoursInput, StatusInput,
        },
        rules::{GeoPoint, distance_m},
    },
    menus::http::{DishChanges, DishView, MenuItem, NewDish, OfferingChanges},
    pagination::Page,
};

use crate::{
    fixtures::{
        create_meal_point, lunch, meal_point_body, new_meal_point, new_operator, street_id,
    },
    helpers::{TestApp, date, day, shanghai_at, spawn_app, spawn_demo_city},
};

/// 南大街街道 in 钟楼区, the old town's centre.
pub const NANDAJIE: (f64, f64) = (31.7772, 119.9522);

// ---------------------------------------------------------------------------------------------
// The elder's story: near search and today's menu
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn an_elder_near_nandajie_finds_meal_points_nearest_first_with_todays_menu() {
    let app = spawn_demo_city().await;
    let elder = app.wechat_token("elder-nandajie").await;
    let (lat, lng) = NANDAJIE;

    let near = app
        .get_as::<Page<NearbyMealPoint>>(
            &format!("/api/v1/meal-points/near?lat={lat}&lng={lng}"),
            Some(&elder),
        )
        .await
        .ok();
    let items = &near.items;
    assert!(
        items.len() >= 3,
        "the old town has several meal points within 1 km: {}",
        items.len()
    );
    assert_eq!(near.total as usize, items.len());
    let home = GeoPoint::new(lat, lng).unwrap();
    let mut previous = 0;
    for item in items {
        let distance = item.distance_m;
        assert!(distance <= 1000, "{distance}");
        assert!(distance >= previous, "nearest first");
        previous = distance;
        let at = GeoPoint::new(item.meal_point.lat, item.meal_point.lng);
        assert_eq!(distance_m(home, at.unwrap()), distance);
        assert!(!item.meal_point.kind.label.is_empty());
    }

    // Monday: every demo meal point opens on Mondays and has lunch on today's menu.
    let first = items
        .iter()
        .find(|m| m.serves_today)
        .expect("a meal point nearby serves today");
    let menu = app.menu(first.meal_point.id, date(0), date(0)).await.ok();
    let today = &menu.days[0];
    assert_eq!(today.date, date(0));
    assert_eq!(today.weekday_label, "周一");
    assert!(today.serving);
    let lunch = today
        .slots
        .iter()
        .find(|s| s.slot == Slot::Lunch)
        .expect("lunch today");
    assert_eq!(lunch.slot_label, "午餐");
    assert_eq!(lunch.opens.as_deref(), Some("11:00"));
    let dishes = &lunch.items;
    assert!((3..=5).contains(&dishes.len()), "{}", dishes.len());
    for dish in dishes {
        assert!(dish.portions_left > 0);
        // Demo lunch orders close at 09:30; the test starts at 09:00.
        assert!(dish.bookable_now, "{}", dish.dish_name);
        assert_eq!(dish.cutoff_at.to_rfc3339(), shanghai_at(0, 9, 30));
        // Two decimals on the wire: `ok()` checked the body is exactly what `Yuan` writes.
        let price = dish.price.to_string();
        assert_eq!(price.split('.').nth(1).map(str::len), Some(2), "{price}");
    }
}

/// The near search around 南大街 with `extra` query parameters.
async fn near_nandajie(app: &TestApp, extra: &str) -> crate::helpers::Typed<Page<NearbyMealPoint>> {
    let (lat, lng) = NANDAJIE;
    app.near(&format!("lat={lat}&lng={lng}{extra}")).await
}

fn near_ids(page: &Page<NearbyMealPoint>) -> Vec<i64> {
    page.items.iter().map(|m| m.meal_point.id).collect()
}

#[tokio::test]
async fn near_search_is_paginated() {
    let app = spawn_demo_city().await;
    let all = near_nandajie(&app, "&radius_m=3000&page_size=100")
        .await
        .ok();
    let all_ids = near_ids(&all);
    assert!(all_ids.len() >= 6, "{all_ids:?}");
    let first = near_nandajie(&app, "&radius_m=3000&page_size=3").await.ok();
    let second = near_nandajie(&app, "&radius_m=3000&page_size=3&page=2")
        .await
        .ok();
    assert_eq!(first.total as usize, all_ids.len());
    assert_eq!(first.page, 1);
    assert_eq!(second.page_size, 3);
    assert_eq!([near_ids(&first), near_ids(&second)].concat(), all_ids[..6]);
    let beyond = near_nandajie(&app, "&radius_m=3000&page_size=3&page=99")
        .await
        .ok();
    assert!(beyond.items.is_empty());

    // A wider circle holds the narrower one.
    let narrow = near_nandajie(&app, "&radius_m=500&page_size=100")
        .await
        .ok();
    assert!(near_ids(&narrow).iter().all(|id| all_ids.contains(id)));
    // Far from every meal point: an empty page, not an error.
    let desert = app.near("lat=40.0&lng=90.0").await.ok();
    assert_eq!(desert.total, 0);
}

#[tokio::test]
async fn near_search_checks_its_inputs() {
    let app = spawn_demo_city().await;
    let (lat, lng) = NANDAJIE;
    near_nandajie(&app, "&radius_m=3000&page_size=101")
        .await
        .field_error(400, "PAGE_SIZE_INVALID", "page_size");
    near_nandajie(&app, "&radius_m=3000&page=0")
        .await
        .field_error(400, "PAGE_INVALID", "page");
    near_nandajie(&app, "&radius_m=5001")
        .await
        .field_error(400, "RADIUS_OUT_OF_RANGE", "radius_m");
    // Latitude and longitude swapped: outside China.
    app.near(&format!("lat={lng}&lng={lat}")).await.field_error(
        400,
        "COORDINATE_OUTSIDE_CHINA",
        "lat",
    );
    app.near("lat=31.77")
        .await
        .field_error(400, "INVALID_PARAMETER", "lng");
}

// ---------------------------------------------------------------------------------------------
// The directory
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn the_demo_city_has_its_planned_meal_points_with_a_week_of_menus() {
    let today = day(0);
    let app = spawn_demo_city().await;
    assert_eq!(app.meal_points("page_size=100").await.ok().total, 165);
    for (district, planned) in [
        ("320402", 15),
        ("320404", 10),
        ("320411", 5),
        ("320412", 60),
        ("320413", 25),
        ("320481", 40),
        ("CZ-ETDZ", 10),
    ] {
        let listed = app
            .meal_points(&format!("district_code={district}&page_size=1"))
            .await
            .ok();
        assert_eq!(listed.total, planned, "{district}");
    }

    let operator = app.staff_token("operator-demo").await;
    let mine = app.my_meal_points(&operator).await.ok().items;
    assert_eq!(mine.len(), 2);
    for point in &mine {
        assert_eq!(point.district_code, "320404");
        let dishes = app.dishes(&operator, point.id).await.ok();
        assert!((8..=12).contains(&dishes.total), "{} dishes", dishes.total);
        let menu = app.menu_of(point.id, "").await.ok();
        assert!(menu.days.len() >= 5, "a week of menus from today");
        assert_eq!(menu.days[0].date.to_string(), today);
        assert_eq!(menu.from.to_string(), today);
        assert_eq!(menu.to.to_string(), day(6), "a week by default");
    }
}

/// The directory's first 100 with `query`.
async fn listed(app: &TestApp, query: &str) -> Page<MealPointSummary> {
    app.meal_points(&format!("page_size=100&{query}"))
        .await
        .ok()
}

fn summary_ids(page: &Page<MealPointSummary>) -> Vec<i64> {
    page.items.iter().map(|m| m.id).collect()
}

#[tokio::test]
async fn the_directory_filters_by_district_kind_mode_labels_and_slot_and_paginates() {
    let app = spawn_demo_city().await;
    let zhonglou = listed(&app, "district_code=320404").await;
    assert_eq!(zhonglou.total, 10);
    let page = app
        .meal_points("district_code=320404&page_size=3&page=4")
        .await
        .ok();
    assert_eq!(summary_ids(&page), summary_ids(&zhonglou)[9..]);

    let kitchens = listed(&app, "kind=central_kitchen").await;
    assert!(kitchens.total >= 1);
    for item in &kitchens.items {
        assert_eq!(item.kind, CodeLabel::new("central_kitchen", "中央厨房"));
    }
    let delivering = listed(&app, "mode=delivery").await;
    assert!(delivering.total >= 1);
    for item in &delivering.items {
        assert!(
            item.service_modes.iter().any(|m| m.code == "delivery"),
            "{}",
            item.id
        );
    }
    let shown = listed(&app, "demonstration=true&min_star=4").await;
    assert!(shown.total >= 1);
    for item in &shown.items {
        assert!(item.labels.demonstration);
        assert!(item.labels.star_grade.unwrap() >= 4);
        assert_eq!(item.labels.labels_zh[0], "示范助餐点");
    }
    let breakfast = listed(&app, "slot=breakfast").await;
    assert!((1..165).contains(&breakfast.total));
    for item in &breakfast.items {
        assert_eq!(item.slots[0].code, "breakfast");
    }
}

#[tokio::test]
async fn the_directory_filters_by_opening_day_and_dish_tag_and_checks_its_inputs() {
    let app = spawn_demo_city().await;
    // Sunday: only the meal points that open on Sundays.
    let sunday = listed(&app, &format!("open_on={}", day(6))).await;
    let monday = listed(&app, &format!("open_on={}", day(0))).await;
    assert_eq!(monday.total, 165);
    assert!(sunday.total < 165);

    // The halal filter matches whole tag codes of active dishes.
    let admin = app.staff_token("admin").await;
    let halal_ids = summary_ids(&listed(&app, "dish_tag=halal").await);
    assert!(!halal_ids.is_empty());
    for id in halal_ids.iter().take(3) {
        let dishes = app
            .get_as::<Page<DishView>>(
                &format!("/api/v1/meal-points/{id}/dishes?page_size=100"),
                Some(&admin),
            )
            .await
            .ok();
        let has_halal = dishes
            .items
            .iter()
            .any(|d| d.tags.iter().any(|t| t.code == "halal"));
        assert!(has_halal, "meal point {id}");
    }

    for (query, status, code, field) in [
        ("kind=canteen", 400, "INVALID_PARAMETER", "kind"),
        ("dish_tag=spicy", 400, "INVALID_PARAMETER", "dish_tag"),
        ("mode=takeaway", 400, "INVALID_PARAMETER", "mode"),
        ("min_star=6", 400, "STAR_GRADE_OUT_OF_RANGE", "min_star"),
        (
            "district_code=999999",
            404,
            "DISTRICT_NOT_FOUND",
            "district_code",
        ),
    ] {
        app.meal_points(query)
            .await
            .field_error(status, code, field);
    }
}

#[tokio::test]
async fn the_lists_of_codes_need_no_hard_coding() {
    let app = spawn_app().await;
    let kinds = app
        .get_as::<Vec<CodeLabel>>("/api/v1/meal-point-kinds", None)
        .await
        .ok();
    assert_eq!(kinds.len(), 5);
    assert!(kinds.contains(&CodeLabel::new("rural_mutual_aid", "农村睦邻点")));
}

// ---------------------------------------------------------------------------------------------
// The city admin and operators
// ---------------------------------------------------------------------------------------------

/// The city's new meal point on 南大街, delivering within 1500 m, with live video and three
/// stars.
async fn delivering_canteen(app: &TestApp) -> NewMealPoint {
    NewMealPoint {
        service_modes: vec![ServiceMode::DineIn, ServiceMode::Delivery],
        delivery_radius_m: Some(1500),
        live_video_url: Some("https://mclz.example.com/live/1".into()),
        star_grade: Some(3),
        ..new_meal_point(app).await
    }
}

#[tokio::test]
async fn the_city_creates_a_meal_point_that_anyone_can_read() {
    let app = spawn_app().await;
    let admin = app.staff_token("admin").await;
    let created = create_meal_point(&app, &admin, &delivering_canteen(&app).await).await;
    let id = created.id;
    assert_eq!(
        created.kind,
        CodeLabel::new("community_canteen", "社区食堂")
    );
    assert_eq!(created.district_name, "钟楼区");
    assert_eq!(created.street_name, "南大街街道");
    assert_eq!(created.phone, "0519-88661234");
    assert_eq!(created.food_licence_no, "JY23204040012345");
    assert_eq!(created.opening_days_label, "周一至周五");
    assert_eq!(created.order_lead_minutes, 120);
    assert_eq!(created.booking_days_ahead, 7);
    assert_eq!(created.status.code, MealPointStatusKind::Open);
    assert_eq!(created.labels.labels_zh, ["三星级"]);
    assert_eq!(
        created.service_modes,
        [
            CodeLabel::new("dine_in", "堂食"),
            CodeLabel::new("delivery", "送餐")
        ]
    );
    assert_eq!(created.delivery_radius_m, Some(1500));

    // Anyone can read the profile, as the elder's mini program does.
    let profile = app.meal_point(id).await.ok();
    assert_eq!(
        profile.live_video_url.as_deref(),
        Some("https://mclz.example.com/live/1")
    );
    let hours: Vec<_> = profile
        .slot_hours
        .iter()
        .map(|h| {
            (
                h.slot,
                h.slot_label.as_str(),
                h.opens.as_str(),
                h.closes.as_str(),
            )
        })
        .collect();
    assert_eq!(hours, [(Slot::Lunch, "午餐", "11:00", "12:30")]);
    app.meal_point(999_999)
        .await
        .error(404, "MEAL_POINT_NOT_FOUND");
}

#[tokio::test]
async fn an_operator_keeps_their_meal_point_until_removed_from_it() {
    let app = spawn_app().await;
    let admin = app.staff_token("admin").await;
    let id = create_meal_point(&app, &admin, &delivering_canteen(&app).await)
        .await
        .id;
    let (operator, account_id) = new_operator(&app, &admin, "qingguo-canteen", id).await;
    let mine = app.my_meal_points(&operator).await.ok();
    assert_eq!(mine.items.iter().map(|m| m.id).collect::<Vec<_>>(), [id]);
    let operators = app.operators(&operator, id).await.ok();
    assert_eq!(operators[0].account_id, account_id);

    // The operator adds breakfast, stops delivering and moves ordering closer to the meal.
    let hours = |slot, opens: &str, closes: &str| SlotHoursInput {
        slot,
        opens: opens.into(),
        closes: closes.into(),
    };
    let changes = MealPointChanges {
        slot_hours: Some(vec![
            hours(Slot::Lunch, "11:00", "12:30"),
            hours(Slot::Breakfast, "07:00", "08:30"),
        ]),
        service_modes: Some(vec![ServiceMode::DineIn, ServiceMode::Pickup]),
        order_lead_minutes: Some(60),
        opening_days: Some(vec![1, 2, 3, 4, 5, 6]),
        live_video_url: MaybeUndefined::Null,
        ..MealPointChanges::default()
    };
    let changed = app.change_meal_point(&operator, id, &changes).await;
    let raw = changed.raw().clone();
    let changed = changed.ok();
    assert_eq!(changed.slot_hours[0].slot, Slot::Breakfast);
    assert!(raw.get("delivery_radius_m").is_none(), "{raw}");
    assert!(raw.get("live_video_url").is_none(), "{raw}");
    assert_eq!(changed.order_lead_minutes, 60);
    assert_eq!(changed.opening_days_label, "周一至周六");
    assert_eq!(changed.name, "青果巷长者食堂", "untouched fields stay");

    // Removed from the meal point, the operator can no longer change it.
    app.delete(
        &format!("/api/v1/meal-points/{id}/operators/{account_id}"),
        Some(&admin),
    )
    .await
    .assert_ok();
    let rename = MealPointChanges {
        name: Some("改名".into()),
        ..MealPointChanges::default()
    };
    app.change_meal_point(&operator, id, &rename)
        .await
        .error(403, "NOT_YOUR_MEAL_POINT");
    assert_eq!(app.my_meal_points(&operator).await.ok().total, 0);
}

#[tokio::test]
async fn bad_places_and_hours_are_refused_with_the_field_named_and_nothing_created() {
    let app = spawn_app().await;
    let admin = app.staff_token("admin").await;
    let valid = meal_point_body(&app).await;
    let tianning_street = street_id(&app, "320402", "茶山街道").await;
    let cases: Vec<(&str, Value, u16, &str, &str)> = vec![
        ("lat", json!(200.0), 400, "COORDINATE_OUTSIDE_CHINA", "lat"),
        ("lng", json!(10.5), 400, "COORDINATE_OUTSIDE_CHINA", "lng"),
        (
            "slot_hours",
            json!([{"slot": "lunch", "opens": "12:30", "closes": "11:00"}]),
            400,
            "SLOT_HOURS_INVERTED",
            "slot_hours",
        ),
        (
            "slot_hours",
            json!([{"slot": "lunch", "opens": "25:00", "closes": "26:00"}]),
            400,
            "INVALID_TIME",
            "slot_hours",
        ),
        (
            "slot_hours",
            json!([{"slot": "supper", "opens": "20:00", "closes": "21:00"}]),
            400,
            "UNKNOWN_VALUE",
            "slot_hours.slot",
        ),
        (
            "slot_hours",
            json!([
                {"slot": "lunch", "opens": "11:00", "closes": "13:00"},
                {"slot": "dinner", "opens": "12:30", "closes": "18:00"},
            ]),
            400,
            "SLOT_HOURS_OVERLAP",
            "slot_hours",
        ),
        (
            "slot_hours",
            json!([]),
            400,
            "NO_SERVICE_SLOT",
            "slot_hours",
        ),
        ("kind", json!("canteen"), 400, "UNKNOWN_VALUE", "kind"),
        (
            "street_id",
            json!(tianning_street),
            400,
            "STREET_NOT_IN_DISTRICT",
            "street_id",
        ),
        (
            "street_id",
            json!(999_999),
            404,
            "STREET_NOT_FOUND",
            "street_id",
        ),
        (
            "district_code",
            json!("999999"),
            404,
            "DISTRICT_NOT_FOUND",
            "district_code",
        ),
    ];
    refuse_each(&app, &admin, &valid, cases).await;
}

/// Sends the valid body with each field bent as the case says; each is refused naming the
/// field, and nothing is created.
async fn refuse_each(
    app: &TestApp,
    admin: &str,
    valid: &Value,
    cases: Vec<(&str, Value, u16, &str, &str)>,
) {
    for (field, value, status, code, named) in cases {
        let mut body = valid.clone();
        body[field] = value;
        app.post("/api/v1/meal-points", Some(admin), body)
            .await
            .assert_field_error(status, code, named);
    }
    let listed = app.meal_points("").await.ok();
    assert_eq!(listed.total, 0, "nothing was created");
}

#[tokio::test]
async fn bad_contacts_modes_days_and_labels_are_refused_with_the_field_named() {
    let app = spawn_app().await;
    let admin = app.staff_token("admin").await;
    let valid = meal_point_body(&app).await;
    let cases: Vec<(&str, Value, u16, &str, &str)> = vec![
        ("phone", json!("12345"), 400, "INVALID_PHONE", "phone"),
        (
            "food_licence_no",
            json!("SP123"),
            400,
            "INVALID_FOOD_LICENCE_NO",
            "food_licence_no",
        ),
        (
            "service_modes",
            json!(["delivery"]),
            400,
            "DELIVERY_RADIUS_REQUIRED",
            "delivery_radius_m",
        ),
        (
            "service_modes",
            json!(["takeaway"]),
            400,
            "UNKNOWN_VALUE",
            "service_modes",
        ),
        (
            "service_modes",
            json!([]),
            400,
            "NO_SERVICE_MODE",
            "service_modes",
        ),
        (
            "opening_days",
            json!([1, 8]),
            400,
            "INVALID_WEEKDAY",
            "opening_days",
        ),
        (
            "opening_days",
            json!([]),
            400,
            "NO_OPENING_DAY",
            "opening_days",
        ),
        (
            "live_video_url",
            json!("http://mclz.example.com/live/1"),
            400,
            "LIVE_VIDEO_URL_NOT_HTTPS",
            "live_video_url",
        ),
        ("name", json!("  "), 400, "MEAL_POINT_NAME_INVALID", "name"),
        (
            "star_grade",
            json!(6),
            400,
            "STAR_GRADE_OUT_OF_RANGE",
            "star_grade",
        ),
        (
            "order_lead_minutes",
            json!(-5),
            400,
            "ORDER_LEAD_OUT_OF_RANGE",
            "order_lead_minutes",
        ),
    ];
    refuse_each(&app, &admin, &valid, cases).await;
    // A lead time longer than the booking window leaves no moment to book.
    let mut body = valid.clone();
    body["order_lead_minutes"] = json!(2 * 24 * 60);
    body["booking_days_ahead"] = json!(0);
    app.post("/api/v1/meal-points", Some(&admin), body)
        .await
        .assert_field_error(400, "EMPTY_BOOKING_WINDOW", "order_lead_minutes");
    let listed = app.meal_points("").await.ok();
    assert_eq!(listed.total, 0, "nothing was created");
}

#[tokio::test]
async fn only_the_city_creates_meal_points() {
    let app = spawn_app().await;
    let valid = new_meal_point(&app).await;
    let operator = app.staff_token("operator-demo").await;
    app.create_meal_point(&operator, &valid)
        .await
        .error(403, "ROLE_FORBIDDEN");
    app.post("/api/v1/meal-points", None, crate::helpers::body_of(&valid))
        .await
        .assert_error(401, "UNAUTHENTICATED");
}

fn labels(demonstration: bool, star_grade: Option<i64>) -> LabelsInput {
    LabelsInput {
        demonstration,
        star_grade,
    }
}

#[tokio::test]
async fn labels_kind_and_district_are_the_citys_to_set() {
    let app = spawn_app().await;
    let admin = app.staff_token("admin").await;
    let id = create_meal_point(&app, &admin, &new_meal_point(&app).await)
        .await
        .id;
    let (operator, _) = new_operator(&app, &admin, "canteen-op", id).await;

    let district = MealPointChanges {
        district_code: Some("320402".into()),
        ..MealPointChanges::default()
    };
    app.change_meal_point(&operator, id, &district)
        .await
        .field_error(403, "CITY_ADMIN_ONLY_FIELD", "district_code");
    let kind = MealPointChanges {
        kind: Some(MealPointKind::CentralKitchen),
        ..MealPointChanges::default()
    };
    app.change_meal_point(&operator, id, &kind)
        .await
        .field_error(403, "CITY_ADMIN_ONLY_FIELD", "kind");
    // Labels are not part of the profile: sending them is refused, not ignored (JSON: no
    // `MealPointChanges` holds them).
    let refused = app
        .change_meal_point(&operator, id, &json!({"demonstration": true}))
        .await
        .error(400, "INVALID_BODY");
    assert!(refused.detail.unwrap().contains("demonstration"));
    app.set_labels(&operator, id, &labels(true, Some(5)))
        .await
        .error(403, "ROLE_FORBIDDEN");
    let unchanged = app.meal_point(id).await.ok();
    assert!(unchanged.labels.labels_zh.is_empty());
    assert_eq!(unchanged.district_code, "320404");

    // The city sets labels; a grade outside 1..=5 is refused.
    let labelled = app
        .set_labels(&admin, id, &labels(true, Some(4)))
        .await
        .ok();
    assert_eq!(labelled.labels.labels_zh, ["示范助餐点", "四星级"]);
    app.set_labels(&admin, id, &labels(false, Some(0)))
        .await
        .field_error(400, "STAR_GRADE_INVALID", "star_grade");

    // The city may move a meal point to another district, with a street of that district.
    app.change_meal_point(&admin, id, &district)
        .await
        .field_error(400, "STREET_NOT_IN_DISTRICT", "street_id");
    let chashan = street_id(&app, "320402", "茶山街道").await;
    let move_to_chashan = MealPointChanges {
        district_code: Some("320402".into()),
        street_id: Some(chashan),
        kind: Some(MealPointKind::NeighbourhoodPoint),
        ..MealPointChanges::default()
    };
    let moved = app
        .change_meal_point(&admin, id, &move_to_chashan)
        .await
        .ok();
    assert_eq!(moved.district_name, "天宁区");
    assert_eq!(moved.kind.code, "neighbourhood_point");
    assert_eq!(moved.labels.star_grade, Some(4), "labels survive a move");
}

#[tokio::test]
async fn only_operator_accounts_can_be_assigned() {
    let app = spawn_app().await;
    let admin = app.staff_token("admin").await;
    let id = create_meal_point(&app, &admin, &new_meal_point(&app).await)
        .await
        .id;
    let clerk_id = app
        .staff_accounts(&admin)
        .await
        .ok()
        .into_iter()
        .find(|a| a.username == "clerk-zhonglou")
        .unwrap()
        .id;
    app.assign_operator(&admin, id, clerk_id).await.field_error(
        400,
        "ACCOUNT_NOT_OPERATOR",
        "account_id",
    );
    app.assign_operator(&admin, id, 999_999).await.field_error(
        404,
        "ACCOUNT_NOT_FOUND",
        "account_id",
    );
    app.assign_operator(&admin, 999_999, clerk_id)
        .await
        .error(404, "MEAL_POINT_NOT_FOUND");
    assert!(app.operators(&admin, id).await.ok().is_empty());

    // Assigning twice is the same as once.
    let (_, account_id) = new_operator(&app, &admin, "twice-op", id).await;
    let again = app.assign_operator(&admin, id, account_id).await.ok();
    assert_eq!(again.len(), 1);
}

/// Another meal point than `operator-demo`'s, with a dish and an offering of its own.
struct SomeoneElses {
    /// `operator-demo`'s token and meal points.
    operator: String,
    mine: Vec<i64>,
    theirs: i64,
    dish_id: i64,
    /// Their first offering, as the menu shows it.
    offering: MenuItem,
}

async fn someone_elses(app: &TestApp) -> SomeoneElses {
    let operator = app.staff_token("operator-demo").await;
    let admin = app.staff_token("admin").await;
    let mine: Vec<i64> = app
        .my_meal_points(&operator)
        .await
        .ok()
        .items
        .iter()
        .map(|m| m.id)
        .collect();
    let theirs = (1..).find(|id| !mine.contains(id)).unwrap();

    // Something of theirs to aim at: a dish and an offering.
    let dish_id = app.dishes(&admin, theirs).await.ok().items[0].id;
    let offering = first_offering(app, theirs).await;
    SomeoneElses {
        operator,
        mine,
        theirs,
        dish_id,
        offering,
    }
}

/// The first item of a meal point's menu (this week's, by default).
async fn first_offering(app: &TestApp, meal_point_id: i64) -> MenuItem {
    let menu = app.menu_of(meal_point_id, "").await.ok();
    menu.days
        .into_iter()
        .next()
        .and_then(|d| d.slots.into_iter().next())
        .and_then(|s| s.items.into_iter().next())
        .expect("an offering on the menu")
}

#[tokio::test]
async fn an_operator_cannot_touch_another_meal_point() {
    let app = spawn_demo_city().await;
    let SomeoneElses {
        operator,
        theirs,
        dish_id,
        offering,
        ..
    } = someone_elses(&app).await;
    let rename = MealPointChanges {
        name: Some("被改名".into()),
        ..MealPointChanges::default()
    };
    let close = StatusInput {
        status: MealPointStatusKind::Closed,
        status_reason: Some("恶作剧".into()),
        status_from: Some(date(0)),
        status_until: None,
    };
    let dish = NewDish {
        name: "不该有的菜".into(),
        photo_url: None,
        price: crate::helpers::yuan("5.00"),
        tags: Vec::new(),
        allergens: Vec::new(),
        active: None,
    };
    app.change_meal_point(&operator, theirs, &rename)
        .await
        .error(403, "NOT_YOUR_MEAL_POINT");
    app.set_meal_point_status(&operator, theirs, &close)
        .await
        .error(403, "NOT_YOUR_MEAL_POINT");
    app.operators(&operator, theirs)
        .await
        .error(403, "NOT_YOUR_MEAL_POINT");
    app.dishes(&operator, theirs)
        .await
        .error(403, "NOT_YOUR_MEAL_POINT");
    app.add_dish(&operator, theirs, &dish)
        .await
        .error(403, "NOT_YOUR_MEAL_POINT");
    app.publish(&operator, theirs, vec![lunch(dish_id, date(1), 10)])
        .await
        .error(403, "NOT_YOUR_MEAL_POINT");
    app.copy_week(&operator, theirs, date(7), date(0))
        .await
        .error(403, "NOT_YOUR_MEAL_POINT");
    // Nothing changed.
    let after = app.meal_point(theirs).await.ok();
    assert_ne!(after.name, "被改名");
    assert_eq!(after.status.code, MealPointStatusKind::Open);
    let now = first_offering(&app, theirs).await;
    assert_eq!(
        crate::helpers::body_of(&now),
        crate::helpers::body_of(&offering)
    );
    let next_week = app.menu(theirs, date(7), date(13)).await.ok();
    assert!(next_week.days.is_empty());
}

#[tokio::test]
async fn another_meal_points_dish_or_offering_is_answered_as_one_that_does_not_exist() {
    let app = spawn_demo_city().await;
    let SomeoneElses {
        operator,
        theirs,
        dish_id,
        offering,
        ..
    } = someone_elses(&app).await;
    // Meal points are public, their dishes and offerings are not: another meal point's dish or
    // offering is answered exactly as one that does not exist (no id enumeration).
    app.change_dish(&operator, dish_id, &deactivate())
        .await
        .error(404, "DISH_NOT_FOUND");
    app.change_offering(&operator, offering.offering_id, &portions(0))
        .await
        .error(404, "OFFERING_NOT_FOUND");
    app.withdraw_offering(&operator, offering.offering_id)
        .await
        .error(404, "OFFERING_NOT_FOUND");

    // Nothing changed.
    let now = first_offering(&app, theirs).await;
    assert_eq!(
        crate::helpers::body_of(&now),
        crate::helpers::body_of(&offering)
    );
}

fn deactivate() -> DishChanges {
    DishChanges {
        name: None,
        photo_url: MaybeUndefined::Undefined,
        price: None,
        tags: None,
        allergens: None,
        active: Some(false),
    }
}

fn portions(portions: i64) -> OfferingChanges {
    OfferingChanges {
        portions: Some(portions),
        price: None,
    }
}

#[tokio::test]
async fn an_elder_is_not_staff_and_unknown_ids_are_404s() {
    let app = spawn_demo_city().await;
    let SomeoneElses { operator, mine, .. } = someone_elses(&app).await;
    let rename = MealPointChanges {
        name: Some("x".into()),
        ..MealPointChanges::default()
    };
    // An elder is not staff at all; ids that do not exist are 404s.
    let elder = app.wechat_token("curious-elder").await;
    app.change_meal_point(&elder, mine[0], &rename)
        .await
        .error(403, "ROLE_FORBIDDEN");
    app.change_meal_point(&operator, 999_999, &rename)
        .await
        .error(404, "MEAL_POINT_NOT_FOUND");
    app.change_dish(&operator, 999_999, &deactivate())
        .await
        .error(404, "DISH_NOT_FOUND");
    app.change_offering(&operator, 999_999, &portions(1))
        .await
        .error(404, "OFFERING_NOT_FOUND");
    app.withdraw_offering(&operator, 999_999)
        .await
        .error(404, "OFFERING_NOT_FOUND");
}

// ---------------------------------------------------------------------------------------------
// Pauses and closures
// ---------------------------------------------------------------------------------------------

/// The meal points of 钟楼 open on `date`.
async fn open_on(app: &TestApp, date: NaiveDate) -> Vec<i64> {
    summary_ids(&listed(app, &format!("open_on={date}&district_code=320404")).await)
}

/// A change of status from `from` (to `until`), with a reason.
fn status(
    status: MealPointStatusKind,
    reason: Option<&str>,
    from: Option<NaiveDate>,
    until: Option<NaiveDate>,
) -> StatusInput {
    StatusInput {
        status,
        status_reason: reason.map(str::to_owned),
        status_from: from,
        status_until: until,
    }
}

#[tokio::test]
async fn a_paused_meal_point_does_not_serve_on_the_days_covered() {
    let app = spawn_demo_city().await;
    let operator = app.staff_token("operator-demo").await;
    let id = app.my_meal_points(&operator).await.ok().items[0].id;

    // Kitchen repairs on Tuesday and Wednesday.
    let repairs = status(
        MealPointStatusKind::Paused,
        Some("厨房维修"),
        Some(date(1)),
        Some(date(2)),
    );
    let paused = app
        .set_meal_point_status(&operator, id, &repairs)
        .await
        .ok();
    assert_eq!(paused.status.label, "暂停营业");
    assert_eq!(paused.status.reason.as_deref(), Some("厨房维修"));
    assert!(paused.takes_bookings_today);

    let menu = app.menu(id, date(0), date(3)).await.ok();
    let serving: Vec<(NaiveDate, bool)> = menu.days.iter().map(|d| (d.date, d.serving)).collect();
    assert_eq!(
        serving,
        [
            (date(0), true),
            (date(1), false),
            (date(2), false),
            (date(3), true)
        ]
    );
    for day in &menu.days[1..3] {
        for slot in &day.slots {
            for item in &slot.items {
                assert!(!item.bookable_now, "{}", item.offering_id);
            }
        }
    }
    assert!(open_on(&app, date(0)).await.contains(&id));
    assert!(!open_on(&app, date(1)).await.contains(&id));
    assert!(!open_on(&app, date(2)).await.contains(&id));
    assert!(open_on(&app, date(3)).await.contains(&id));
}

/// `operator-demo`'s first meal point, closed from today with no end: the operator's token and
/// the meal point.
async fn closed_from_today(app: &TestApp) -> (String, MealPointSummary) {
    let operator = app.staff_token("operator-demo").await;
    let point = app.my_meal_points(&operator).await.ok().items.remove(0);
    let closed = status(
        MealPointStatusKind::Closed,
        Some("运营方退出"),
        Some(date(0)),
        None,
    );
    app.set_meal_point_status(&operator, point.id, &closed)
        .await
        .ok();
    (operator, point)
}

#[tokio::test]
async fn a_meal_point_closed_from_today_serves_nothing_any_more() {
    let app = spawn_demo_city().await;
    let (_, point) = closed_from_today(&app).await;
    let id = point.id;
    let near = app
        .near(&format!("lat={}&lng={}&radius_m=50", point.lat, point.lng))
        .await
        .ok();
    let here = near.items.iter().find(|m| m.meal_point.id == id).unwrap();
    assert!(!here.serves_today);
    assert_eq!(here.meal_point.status.code, MealPointStatusKind::Closed);
    assert!(!open_on(&app, date(190)).await.contains(&id));
    assert!(!app.meal_point(id).await.ok().takes_bookings_today);
}

#[tokio::test]
async fn reopening_is_one_tap_and_drops_stale_reasons_and_dates() {
    let app = spawn_demo_city().await;
    let (operator, point) = closed_from_today(&app).await;
    let id = point.id;
    // Reopening is one tap; stale reasons and dates are dropped.
    let open = status(
        MealPointStatusKind::Open,
        Some("运营方退出"),
        Some(date(0)),
        None,
    );
    let reopened = app.set_meal_point_status(&operator, id, &open).await;
    assert_eq!(
        reopened.raw()["status"],
        json!({"code": "open", "label": "正常营业"})
    );
    reopened.ok();
    assert!(open_on(&app, date(1)).await.contains(&id));
}

#[tokio::test]
async fn a_pause_needs_a_reason_and_sensible_dates() {
    let app = spawn_demo_city().await;
    let operator = app.staff_token("operator-demo").await;
    let id = app.my_meal_points(&operator).await.ok().items[0].id;
    let paused = MealPointStatusKind::Paused;
    // A pause needs a reason and sensible dates.
    for (body, code, field) in [
        (
            status(paused, None, Some(date(0)), None),
            "STATUS_REASON_REQUIRED",
            "status_reason",
        ),
        (
            status(paused, Some("放假"), None, None),
            "STATUS_FROM_REQUIRED",
            "status_from",
        ),
        (
            status(paused, Some("放假"), Some(date(1)), Some(date(0))),
            "STATUS_UNTIL_BEFORE_FROM",
            "status_until",
        ),
    ] {
        app.set_meal_point_status(&operator, id, &body)
            .await
            .field_error(400, code, field);
    }
    // A status no `MealPointStatusKind` holds, sent as JSON.
    app.put(
        &format!("/api/v1/meal-points/{id}/status"),
        Some(&operator),
        json!({"status": "holiday"}),
    )
    .await
    .assert_field_error(400, "UNKNOWN_VALUE", "status");
    let still_open = app.meal_point(id).await.ok();
    assert_eq!(still_open.status.code, MealPointStatusKind::Open);
}
