//! Meal points: the public directory and near search, what the city admin and operators may
//! change, and pauses and closures.

use serde_json::{Value, json};
use zhucan::meal_points::rules::{GeoPoint, distance_m};

use crate::helpers::{TestApp, day, shanghai_at, spawn_app, spawn_demo_city};

/// 南大街街道 in 钟楼区, the old town's centre.
pub const NANDAJIE: (f64, f64) = (31.7772, 119.9522);

// ---------------------------------------------------------------------------------------------
// Fixtures, shared with the menu tests
// ---------------------------------------------------------------------------------------------

pub async fn street_id(app: &TestApp, district_code: &str, name: &str) -> i64 {
    let streets = app
        .get(
            &format!("/api/v1/places/districts/{district_code}/streets"),
            None,
        )
        .await;
    streets
        .assert_ok()
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == name)
        .unwrap_or_else(|| panic!("no street {name}"))["id"]
        .as_i64()
        .unwrap()
}

/// A valid new meal point on 南大街: lunch 11:00–12:30 Monday to Friday, dine-in and pickup,
/// ordering closes 120 minutes before a slot, booking opens 7 days ahead.
pub async fn meal_point_body(app: &TestApp) -> Value {
    let street = street_id(app, "320404", "南大街街道").await;
    json!({
        "name": "青果巷长者食堂",
        "kind": "community_canteen",
        "district_code": "320404",
        "street_id": street,
        "address": "常州市钟楼区南大街街道青果巷社区8号",
        "lat": 31.7768,
        "lng": 119.9530,
        "phone": "0519-8866 1234",
        "service_modes": ["dine_in", "pickup"],
        "opening_days": [1, 2, 3, 4, 5],
        "slot_hours": [{ "slot": "lunch", "opens": "11:00", "closes": "12:30" }],
        "food_licence_no": "jy23204040012345",
    })
}

pub async fn create_meal_point(app: &TestApp, admin: &str, body: Value) -> Value {
    app.post("/api/v1/meal-points", Some(admin), body)
        .await
        .assert_ok()
        .clone()
}

/// A new operator account, assigned to `meal_point_id`; returns its token and account id.
pub async fn new_operator(
    app: &TestApp,
    admin: &str,
    username: &str,
    meal_point_id: i64,
) -> (String, i64) {
    let account = app
        .post(
            "/api/v1/staff-accounts",
            Some(admin),
            json!({
                "username": username,
                "password": "operator-pass-1",
                "role": "operator",
                "display_name": "食堂负责人",
            }),
        )
        .await;
    let account_id = account.assert_ok()["id"].as_i64().unwrap();
    app.post(
        &format!("/api/v1/meal-points/{meal_point_id}/operators/{account_id}"),
        Some(admin),
        json!({}),
    )
    .await
    .assert_ok();
    let token = app
        .staff_login(username, "operator-pass-1")
        .await
        .assert_ok()["token"]
        .as_str()
        .unwrap()
        .to_string();
    (token, account_id)
}

/// The meal points `operator-demo` runs in the demo city.
pub async fn demo_operator_meal_points(app: &TestApp, token: &str) -> Vec<Value> {
    app.get("/api/v1/me/meal-points", Some(token))
        .await
        .assert_ok()["items"]
        .as_array()
        .unwrap()
        .clone()
}

fn ids(page: &Value) -> Vec<i64> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_i64().unwrap())
        .collect()
}

// ---------------------------------------------------------------------------------------------
// The elder's story: near search and today's menu
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn an_elder_near_nandajie_finds_meal_points_nearest_first_with_todays_menu() {
    let today = day(0);
    let app = spawn_demo_city().await;
    let elder = app.wechat_token("elder-nandajie").await;
    let (lat, lng) = NANDAJIE;

    let near = app
        .get(
            &format!("/api/v1/meal-points/near?lat={lat}&lng={lng}"),
            Some(&elder),
        )
        .await;
    let near = near.assert_ok();
    let items = near["items"].as_array().unwrap();
    assert!(
        items.len() >= 3,
        "the old town has several meal points within 1 km: {near}"
    );
    assert_eq!(near["total"].as_u64().unwrap() as usize, items.len());
    let home = GeoPoint::new(lat, lng).unwrap();
    let mut previous = 0;
    for item in items {
        let distance = item["distance_m"].as_u64().unwrap() as u32;
        assert!(distance <= 1000, "{item}");
        assert!(distance >= previous, "nearest first: {near}");
        previous = distance;
        let at = GeoPoint::new(item["lat"].as_f64().unwrap(), item["lng"].as_f64().unwrap());
        assert_eq!(distance_m(home, at.unwrap()), distance);
        assert!(item["serves_today"].is_boolean());
        assert!(!item["kind"]["label"].as_str().unwrap().is_empty());
    }

    // Monday: every demo meal point opens on Mondays and has lunch on today's menu.
    let first = items
        .iter()
        .find(|m| m["serves_today"] == true)
        .expect("a meal point nearby serves today");
    let menu = app
        .get(
            &format!(
                "/api/v1/meal-points/{}/menu?from={today}&to={today}",
                first["id"]
            ),
            None,
        )
        .await;
    let menu = menu.assert_ok();
    let day = &menu["days"][0];
    assert_eq!(day["date"], today);
    assert_eq!(day["weekday_label"], "周一");
    assert_eq!(day["serving"], true);
    let lunch = day["slots"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["slot"] == "lunch")
        .expect("lunch today");
    assert_eq!(lunch["slot_label"], "午餐");
    assert_eq!(lunch["opens"], "11:00");
    let dishes = lunch["items"].as_array().unwrap();
    assert!((3..=5).contains(&dishes.len()), "{lunch}");
    for dish in dishes {
        assert!(dish["portions_left"].as_i64().unwrap() > 0);
        // Demo lunch orders close at 09:30; the test starts at 09:00.
        assert_eq!(dish["bookable_now"], true, "{dish}");
        assert_eq!(dish["cutoff_at"], shanghai_at(0, 9, 30));
        let price = dish["price"].as_str().unwrap();
        assert_eq!(price.split('.').nth(1).map(str::len), Some(2), "{price}");
    }
}

#[tokio::test]
async fn near_search_is_paginated_and_checks_its_inputs() {
    let app = spawn_demo_city().await;
    let (lat, lng) = NANDAJIE;
    let url =
        |extra: &str| format!("/api/v1/meal-points/near?lat={lat}&lng={lng}&radius_m=3000{extra}");

    let all = app.get(&url("&page_size=100"), None).await;
    let all = ids(all.assert_ok());
    assert!(all.len() >= 6, "{all:?}");
    let first = app.get(&url("&page_size=3"), None).await;
    let second = app.get(&url("&page_size=3&page=2"), None).await;
    assert_eq!(first.body["total"].as_u64().unwrap() as usize, all.len());
    assert_eq!(first.body["page"], 1);
    assert_eq!(second.body["page_size"], 3);
    assert_eq!([ids(&first.body), ids(&second.body)].concat(), all[..6]);
    let beyond = app.get(&url("&page_size=3&page=99"), None).await;
    assert!(ids(&beyond.body).is_empty());

    // A wider circle holds the narrower one.
    let narrow = app
        .get(
            &format!("/api/v1/meal-points/near?lat={lat}&lng={lng}&radius_m=500&page_size=100"),
            None,
        )
        .await;
    assert!(ids(&narrow.body).iter().all(|id| all.contains(id)));

    app.get(&url("&page_size=101"), None)
        .await
        .assert_field_error(400, "PAGE_SIZE_INVALID", "page_size");
    app.get(&url("&page=0"), None)
        .await
        .assert_field_error(400, "PAGE_INVALID", "page");
    app.get(
        &format!("/api/v1/meal-points/near?lat={lat}&lng={lng}&radius_m=5001"),
        None,
    )
    .await
    .assert_field_error(400, "RADIUS_OUT_OF_RANGE", "radius_m");
    // Latitude and longitude swapped: outside China.
    app.get(
        &format!("/api/v1/meal-points/near?lat={lng}&lng={lat}"),
        None,
    )
    .await
    .assert_field_error(400, "COORDINATE_OUTSIDE_CHINA", "lat");
    app.get("/api/v1/meal-points/near?lat=31.77", None)
        .await
        .assert_field_error(400, "INVALID_PARAMETER", "lng");
    // Far from every meal point: an empty page, not an error.
    let desert = app
        .get("/api/v1/meal-points/near?lat=40.0&lng=90.0", None)
        .await;
    assert_eq!(desert.assert_ok()["total"], 0);
}

// ---------------------------------------------------------------------------------------------
// The directory
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn the_demo_city_has_its_planned_meal_points_with_a_week_of_menus() {
    let today = day(0);
    let app = spawn_demo_city().await;
    let all = app.get("/api/v1/meal-points?page_size=100", None).await;
    assert_eq!(all.assert_ok()["total"], 165);
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
            .get(
                &format!("/api/v1/meal-points?district_code={district}&page_size=1"),
                None,
            )
            .await;
        assert_eq!(listed.assert_ok()["total"], planned, "{district}");
    }

    let operator = app.staff_token("operator-demo").await;
    let mine = demo_operator_meal_points(&app, &operator).await;
    assert_eq!(mine.len(), 2);
    for point in &mine {
        assert_eq!(point["district_code"], "320404");
        let dishes = app
            .get(
                &format!("/api/v1/meal-points/{}/dishes?page_size=100", point["id"]),
                Some(&operator),
            )
            .await;
        let count = dishes.assert_ok()["total"].as_u64().unwrap();
        assert!((8..=12).contains(&count), "{count} dishes");
        let menu = app
            .get(&format!("/api/v1/meal-points/{}/menu", point["id"]), None)
            .await;
        let days = menu.assert_ok()["days"].as_array().unwrap().clone();
        assert!(days.len() >= 5, "a week of menus from today: {days:?}");
        assert_eq!(days[0]["date"], today);
        assert_eq!(menu.body["from"], today);
        assert_eq!(menu.body["to"], day(6), "a week by default");
    }
}

#[tokio::test]
async fn the_directory_filters_and_paginates() {
    let today = day(0);
    let app = spawn_demo_city().await;
    let list = |query: String| {
        let app = &app;
        async move {
            let reply = app
                .get(&format!("/api/v1/meal-points?page_size=100&{query}"), None)
                .await;
            reply.assert_ok().clone()
        }
    };

    let zhonglou = list("district_code=320404".into()).await;
    assert_eq!(zhonglou["total"], 10);
    let page = app
        .get(
            "/api/v1/meal-points?district_code=320404&page_size=3&page=4",
            None,
        )
        .await;
    assert_eq!(ids(&page.body), ids(&zhonglou)[9..]);

    let kitchens = list("kind=central_kitchen".into()).await;
    assert!(kitchens["total"].as_u64().unwrap() >= 1);
    for item in kitchens["items"].as_array().unwrap() {
        assert_eq!(item["kind"]["code"], "central_kitchen");
        assert_eq!(item["kind"]["label"], "中央厨房");
    }
    let delivering = list("mode=delivery".into()).await;
    assert!(delivering["total"].as_u64().unwrap() >= 1);
    for item in delivering["items"].as_array().unwrap() {
        let modes: Vec<&str> = item["service_modes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["code"].as_str().unwrap())
            .collect();
        assert!(modes.contains(&"delivery"), "{item}");
    }
    let shown = list("demonstration=true&min_star=4".into()).await;
    assert!(shown["total"].as_u64().unwrap() >= 1);
    for item in shown["items"].as_array().unwrap() {
        assert_eq!(item["labels"]["demonstration"], true);
        assert!(item["labels"]["star_grade"].as_u64().unwrap() >= 4);
        assert_eq!(item["labels"]["labels_zh"][0], "示范助餐点");
    }
    let breakfast = list("slot=breakfast".into()).await;
    let total = breakfast["total"].as_u64().unwrap();
    assert!((1..165).contains(&total));
    for item in breakfast["items"].as_array().unwrap() {
        assert_eq!(item["slots"][0]["code"], "breakfast");
    }

    // Sunday: only the meal points that open on Sundays.
    let sunday = list(format!("open_on={}", day(6))).await;
    let monday = list(format!("open_on={today}")).await;
    assert_eq!(monday["total"], 165);
    assert!(sunday["total"].as_u64().unwrap() < 165);

    // The halal filter matches whole tag codes of active dishes.
    let admin = app.staff_token("admin").await;
    let halal = list("dish_tag=halal".into()).await;
    let halal_ids = ids(&halal);
    assert!(!halal_ids.is_empty());
    for id in halal_ids.iter().take(3) {
        let dishes = app
            .get(
                &format!("/api/v1/meal-points/{id}/dishes?page_size=100"),
                Some(&admin),
            )
            .await;
        let has_halal = dishes.assert_ok()["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| {
                d["tags"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|t| t["code"] == "halal")
            });
        assert!(has_halal, "meal point {id}");
    }

    app.get("/api/v1/meal-points?kind=canteen", None)
        .await
        .assert_field_error(400, "INVALID_PARAMETER", "kind");
    app.get("/api/v1/meal-points?dish_tag=spicy", None)
        .await
        .assert_field_error(400, "INVALID_PARAMETER", "dish_tag");
    app.get("/api/v1/meal-points?mode=takeaway", None)
        .await
        .assert_field_error(400, "INVALID_PARAMETER", "mode");
    app.get("/api/v1/meal-points?min_star=6", None)
        .await
        .assert_field_error(400, "STAR_GRADE_OUT_OF_RANGE", "min_star");
    app.get("/api/v1/meal-points?district_code=999999", None)
        .await
        .assert_field_error(404, "DISTRICT_NOT_FOUND", "district_code");
}

#[tokio::test]
async fn the_lists_of_codes_need_no_hard_coding() {
    let app = spawn_app().await;
    let kinds = app.get("/api/v1/meal-point-kinds", None).await;
    let kinds = kinds.assert_ok().as_array().unwrap().clone();
    assert_eq!(kinds.len(), 5);
    assert!(kinds.contains(&json!({"code": "rural_mutual_aid", "label": "农村睦邻点"})));
}

// ---------------------------------------------------------------------------------------------
// The city admin and operators
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn the_city_creates_a_meal_point_and_an_operator_keeps_it() {
    let app = spawn_app().await;
    let admin = app.staff_token("admin").await;
    let mut body = meal_point_body(&app).await;
    body["service_modes"] = json!(["dine_in", "delivery"]);
    body["delivery_radius_m"] = json!(1500);
    body["live_video_url"] = json!("https://mclz.example.com/live/1");
    body["star_grade"] = json!(3);
    let created = create_meal_point(&app, &admin, body).await;
    let id = created["id"].as_i64().unwrap();
    assert_eq!(
        created["kind"],
        json!({"code": "community_canteen", "label": "社区食堂"})
    );
    assert_eq!(created["district_name"], "钟楼区");
    assert_eq!(created["street_name"], "南大街街道");
    assert_eq!(created["phone"], "0519-88661234");
    assert_eq!(created["food_licence_no"], "JY23204040012345");
    assert_eq!(created["opening_days_label"], "周一至周五");
    assert_eq!(created["order_lead_minutes"], 120);
    assert_eq!(created["booking_days_ahead"], 7);
    assert_eq!(created["status"]["code"], "open");
    assert_eq!(created["labels"]["labels_zh"], json!(["三星级"]));
    assert_eq!(
        created["service_modes"],
        json!([{"code": "dine_in", "label": "堂食"}, {"code": "delivery", "label": "送餐"}])
    );
    assert_eq!(created["delivery_radius_m"], 1500);

    // Anyone can read the profile, as the elder's mini program does.
    let profile = app.get(&format!("/api/v1/meal-points/{id}"), None).await;
    assert_eq!(
        profile.assert_ok()["live_video_url"],
        "https://mclz.example.com/live/1"
    );
    assert_eq!(
        profile.body["slot_hours"],
        json!([{"slot": "lunch", "slot_label": "午餐", "opens": "11:00", "closes": "12:30"}])
    );
    app.get("/api/v1/meal-points/999999", None)
        .await
        .assert_error(404, "MEAL_POINT_NOT_FOUND");

    let (operator, account_id) = new_operator(&app, &admin, "qingguo-canteen", id).await;
    let mine = app.get("/api/v1/me/meal-points", Some(&operator)).await;
    assert_eq!(ids(mine.assert_ok()), [id]);
    let operators = app
        .get(
            &format!("/api/v1/meal-points/{id}/operators"),
            Some(&operator),
        )
        .await;
    assert_eq!(operators.assert_ok()[0]["account_id"], account_id);

    // The operator adds breakfast, stops delivering and moves ordering closer to the meal.
    let changed = app
        .patch(
            &format!("/api/v1/meal-points/{id}"),
            Some(&operator),
            json!({
                "slot_hours": [
                    {"slot": "lunch", "opens": "11:00", "closes": "12:30"},
                    {"slot": "breakfast", "opens": "07:00", "closes": "08:30"},
                ],
                "service_modes": ["dine_in", "pickup"],
                "order_lead_minutes": 60,
                "opening_days": [1, 2, 3, 4, 5, 6],
                "live_video_url": null,
            }),
        )
        .await;
    let changed = changed.assert_ok();
    assert_eq!(changed["slot_hours"][0]["slot"], "breakfast");
    assert!(changed.get("delivery_radius_m").is_none(), "{changed}");
    assert!(changed.get("live_video_url").is_none(), "{changed}");
    assert_eq!(changed["order_lead_minutes"], 60);
    assert_eq!(changed["opening_days_label"], "周一至周六");
    assert_eq!(changed["name"], "青果巷长者食堂", "untouched fields stay");

    // Removed from the meal point, the operator can no longer change it.
    app.delete(
        &format!("/api/v1/meal-points/{id}/operators/{account_id}"),
        Some(&admin),
    )
    .await
    .assert_ok();
    app.patch(
        &format!("/api/v1/meal-points/{id}"),
        Some(&operator),
        json!({"name": "改名"}),
    )
    .await
    .assert_error(403, "NOT_YOUR_MEAL_POINT");
    let mine = app.get("/api/v1/me/meal-points", Some(&operator)).await;
    assert_eq!(mine.assert_ok()["total"], 0);
}

#[tokio::test]
async fn bad_meal_points_are_refused_with_the_field_named_and_nothing_created() {
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
    for (field, value, status, code, named) in cases {
        let mut body = valid.clone();
        body[field] = value;
        app.post("/api/v1/meal-points", Some(&admin), body)
            .await
            .assert_field_error(status, code, named);
    }
    // A lead time longer than the booking window leaves no moment to book.
    let mut body = valid.clone();
    body["order_lead_minutes"] = json!(2 * 24 * 60);
    body["booking_days_ahead"] = json!(0);
    app.post("/api/v1/meal-points", Some(&admin), body)
        .await
        .assert_field_error(400, "EMPTY_BOOKING_WINDOW", "order_lead_minutes");

    let listed = app.get("/api/v1/meal-points", None).await;
    assert_eq!(listed.assert_ok()["total"], 0, "nothing was created");

    // Only the city creates meal points.
    let operator = app.staff_token("operator-demo").await;
    app.post("/api/v1/meal-points", Some(&operator), valid.clone())
        .await
        .assert_error(403, "ROLE_FORBIDDEN");
    app.post("/api/v1/meal-points", None, valid)
        .await
        .assert_error(401, "UNAUTHENTICATED");
}

#[tokio::test]
async fn labels_kind_and_district_are_the_citys_to_set() {
    let app = spawn_app().await;
    let admin = app.staff_token("admin").await;
    let created = create_meal_point(&app, &admin, meal_point_body(&app).await).await;
    let id = created["id"].as_i64().unwrap();
    let (operator, _) = new_operator(&app, &admin, "canteen-op", id).await;
    let path = format!("/api/v1/meal-points/{id}");

    app.patch(&path, Some(&operator), json!({"district_code": "320402"}))
        .await
        .assert_field_error(403, "CITY_ADMIN_ONLY_FIELD", "district_code");
    app.patch(&path, Some(&operator), json!({"kind": "central_kitchen"}))
        .await
        .assert_field_error(403, "CITY_ADMIN_ONLY_FIELD", "kind");
    // Labels are not part of the profile: sending them is refused, not ignored.
    let refused = app
        .patch(&path, Some(&operator), json!({"demonstration": true}))
        .await;
    refused.assert_error(400, "INVALID_BODY");
    assert!(
        refused.body["detail"]
            .as_str()
            .unwrap()
            .contains("demonstration")
    );
    app.put(
        &format!("{path}/labels"),
        Some(&operator),
        json!({"demonstration": true, "star_grade": 5}),
    )
    .await
    .assert_error(403, "ROLE_FORBIDDEN");
    let unchanged = app.get(&path, None).await;
    assert_eq!(unchanged.assert_ok()["labels"]["labels_zh"], json!([]));
    assert_eq!(unchanged.body["district_code"], "320404");

    // The city sets labels; a grade outside 1..=5 is refused.
    let labelled = app
        .put(
            &format!("{path}/labels"),
            Some(&admin),
            json!({"demonstration": true, "star_grade": 4}),
        )
        .await;
    assert_eq!(
        labelled.assert_ok()["labels"]["labels_zh"],
        json!(["示范助餐点", "四星级"])
    );
    app.put(
        &format!("{path}/labels"),
        Some(&admin),
        json!({"demonstration": false, "star_grade": 0}),
    )
    .await
    .assert_field_error(400, "STAR_GRADE_INVALID", "star_grade");

    // The city may move a meal point to another district, with a street of that district.
    app.patch(&path, Some(&admin), json!({"district_code": "320402"}))
        .await
        .assert_field_error(400, "STREET_NOT_IN_DISTRICT", "street_id");
    let chashan = street_id(&app, "320402", "茶山街道").await;
    let moved = app
        .patch(
            &path,
            Some(&admin),
            json!({"district_code": "320402", "street_id": chashan, "kind": "neighbourhood_point"}),
        )
        .await;
    assert_eq!(moved.assert_ok()["district_name"], "天宁区");
    assert_eq!(moved.body["kind"]["code"], "neighbourhood_point");
    assert_eq!(
        moved.body["labels"]["star_grade"], 4,
        "labels survive a move"
    );
}

#[tokio::test]
async fn only_operator_accounts_can_be_assigned() {
    let app = spawn_app().await;
    let admin = app.staff_token("admin").await;
    let created = create_meal_point(&app, &admin, meal_point_body(&app).await).await;
    let id = created["id"].as_i64().unwrap();
    let clerk_id = app
        .get("/api/v1/staff-accounts", Some(&admin))
        .await
        .assert_ok()
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["username"] == "clerk-zhonglou")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    app.post(
        &format!("/api/v1/meal-points/{id}/operators/{clerk_id}"),
        Some(&admin),
        json!({}),
    )
    .await
    .assert_field_error(400, "ACCOUNT_NOT_OPERATOR", "account_id");
    app.post(
        &format!("/api/v1/meal-points/{id}/operators/999999"),
        Some(&admin),
        json!({}),
    )
    .await
    .assert_field_error(404, "ACCOUNT_NOT_FOUND", "account_id");
    app.post(
        &format!("/api/v1/meal-points/999999/operators/{clerk_id}"),
        Some(&admin),
        json!({}),
    )
    .await
    .assert_error(404, "MEAL_POINT_NOT_FOUND");
    let operators = app
        .get(&format!("/api/v1/meal-points/{id}/operators"), Some(&admin))
        .await;
    assert_eq!(operators.assert_ok(), &json!([]));

    // Assigning twice is the same as once.
    let (_, account_id) = new_operator(&app, &admin, "twice-op", id).await;
    let again = app
        .post(
            &format!("/api/v1/meal-points/{id}/operators/{account_id}"),
            Some(&admin),
            json!({}),
        )
        .await;
    assert_eq!(again.assert_ok().as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn an_operator_cannot_touch_another_meal_point() {
    let today = day(0);
    let tomorrow = day(1);
    let app = spawn_demo_city().await;
    let operator = app.staff_token("operator-demo").await;
    let admin = app.staff_token("admin").await;
    let mine: Vec<i64> = demo_operator_meal_points(&app, &operator)
        .await
        .iter()
        .map(|m| m["id"].as_i64().unwrap())
        .collect();
    let theirs = (1..).find(|id| !mine.contains(id)).unwrap();

    // Something of theirs to aim at: a dish and an offering.
    let dish = app
        .get(
            &format!("/api/v1/meal-points/{theirs}/dishes"),
            Some(&admin),
        )
        .await
        .assert_ok()["items"][0]
        .clone();
    let menu = app
        .get(&format!("/api/v1/meal-points/{theirs}/menu"), None)
        .await;
    let offering = menu.assert_ok()["days"][0]["slots"][0]["items"][0].clone();
    let (dish_id, offering_id) = (
        dish["id"].as_i64().unwrap(),
        offering["offering_id"].as_i64().unwrap(),
    );

    let attempts = [
        app.patch(
            &format!("/api/v1/meal-points/{theirs}"),
            Some(&operator),
            json!({"name": "被改名"}),
        )
        .await,
        app.put(
            &format!("/api/v1/meal-points/{theirs}/status"),
            Some(&operator),
            json!({"status": "closed", "status_reason": "恶作剧", "status_from": today}),
        )
        .await,
        app.get(
            &format!("/api/v1/meal-points/{theirs}/operators"),
            Some(&operator),
        )
        .await,
        app.get(
            &format!("/api/v1/meal-points/{theirs}/dishes"),
            Some(&operator),
        )
        .await,
        app.post(
            &format!("/api/v1/meal-points/{theirs}/dishes"),
            Some(&operator),
            json!({"name": "不该有的菜", "price": "5.00"}),
        )
        .await,
        app.post(
            &format!("/api/v1/meal-points/{theirs}/offerings"),
            Some(&operator),
            json!({"offerings": [{"dish_id": dish_id, "date": tomorrow, "slot": "lunch", "portions": 10}]}),
        )
        .await,
        app.post(
            &format!(
                "/api/v1/meal-points/{theirs}/weeks/{}/copy-from/{today}",
                day(7)
            ),
            Some(&operator),
            json!({}),
        )
        .await,
    ];
    for reply in &attempts {
        reply.assert_error(403, "NOT_YOUR_MEAL_POINT");
    }
    // Meal points are public, their dishes and offerings are not: another meal point's dish or
    // offering is answered exactly as one that does not exist (no id enumeration).
    app.patch(
        &format!("/api/v1/dishes/{dish_id}"),
        Some(&operator),
        json!({"active": false}),
    )
    .await
    .assert_error(404, "DISH_NOT_FOUND");
    app.patch(
        &format!("/api/v1/offerings/{offering_id}"),
        Some(&operator),
        json!({"portions": 0}),
    )
    .await
    .assert_error(404, "OFFERING_NOT_FOUND");
    app.delete(&format!("/api/v1/offerings/{offering_id}"), Some(&operator))
        .await
        .assert_error(404, "OFFERING_NOT_FOUND");

    // Nothing changed.
    let after = app
        .get(&format!("/api/v1/meal-points/{theirs}"), None)
        .await;
    assert_ne!(after.assert_ok()["name"], "被改名");
    assert_eq!(after.body["status"]["code"], "open");
    let menu_after = app
        .get(&format!("/api/v1/meal-points/{theirs}/menu"), None)
        .await;
    assert_eq!(
        menu_after.assert_ok()["days"][0]["slots"][0]["items"][0],
        offering
    );
    let next_week = app
        .get(
            &format!(
                "/api/v1/meal-points/{theirs}/menu?from={}&to={}",
                day(7),
                day(13)
            ),
            None,
        )
        .await;
    assert_eq!(next_week.assert_ok()["days"], json!([]));

    // An elder is not staff at all; ids that do not exist are 404s.
    let elder = app.wechat_token("curious-elder").await;
    app.patch(
        &format!("/api/v1/meal-points/{}", mine[0]),
        Some(&elder),
        json!({"name": "x"}),
    )
    .await
    .assert_error(403, "ROLE_FORBIDDEN");
    app.patch(
        "/api/v1/meal-points/999999",
        Some(&operator),
        json!({"name": "x"}),
    )
    .await
    .assert_error(404, "MEAL_POINT_NOT_FOUND");
    app.patch(
        "/api/v1/dishes/999999",
        Some(&operator),
        json!({"active": false}),
    )
    .await
    .assert_error(404, "DISH_NOT_FOUND");
    app.patch(
        "/api/v1/offerings/999999",
        Some(&operator),
        json!({"portions": 1}),
    )
    .await
    .assert_error(404, "OFFERING_NOT_FOUND");
    app.delete("/api/v1/offerings/999999", Some(&operator))
        .await
        .assert_error(404, "OFFERING_NOT_FOUND");
}

// ---------------------------------------------------------------------------------------------
// Pauses and closures
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_paused_or_closed_meal_point_does_not_serve_on_the_days_covered() {
    let today = day(0);
    let tomorrow = day(1);
    let app = spawn_demo_city().await;
    let operator = app.staff_token("operator-demo").await;
    let point = demo_operator_meal_points(&app, &operator).await[0].clone();
    let id = point["id"].as_i64().unwrap();
    let status_path = format!("/api/v1/meal-points/{id}/status");

    // Kitchen repairs on Tuesday and Wednesday.
    let paused = app
        .put(
            &status_path,
            Some(&operator),
            json!({
                "status": "paused",
                "status_reason": "厨房维修",
                "status_from": tomorrow,
                "status_until": day(2),
            }),
        )
        .await;
    let paused = paused.assert_ok();
    assert_eq!(paused["status"]["label"], "暂停营业");
    assert_eq!(paused["status"]["reason"], "厨房维修");
    assert_eq!(paused["takes_bookings_today"], true);

    let menu = app
        .get(
            &format!("/api/v1/meal-points/{id}/menu?from={today}&to={}", day(3)),
            None,
        )
        .await;
    let days = menu.assert_ok()["days"].as_array().unwrap().clone();
    let serving: Vec<(&str, bool)> = days
        .iter()
        .map(|d| (d["date"].as_str().unwrap(), d["serving"].as_bool().unwrap()))
        .collect();
    assert_eq!(
        serving,
        [
            (today.as_str(), true),
            (tomorrow.as_str(), false),
            (day(2).as_str(), false),
            (day(3).as_str(), true)
        ]
    );
    for day in &days[1..3] {
        for slot in day["slots"].as_array().unwrap() {
            for item in slot["items"].as_array().unwrap() {
                assert_eq!(item["bookable_now"], false, "{item}");
            }
        }
    }
    let listed = |date: String| {
        let app = &app;
        async move {
            let reply = app
                .get(
                    &format!(
                        "/api/v1/meal-points?open_on={date}&district_code=320404&page_size=100"
                    ),
                    None,
                )
                .await;
            ids(reply.assert_ok())
        }
    };
    assert!(listed(day(0)).await.contains(&id));
    assert!(!listed(day(1)).await.contains(&id));
    assert!(!listed(day(2)).await.contains(&id));
    assert!(listed(day(3)).await.contains(&id));

    // Closed from today, with no end: nothing is served any more.
    app.put(
        &status_path,
        Some(&operator),
        json!({"status": "closed", "status_reason": "运营方退出", "status_from": today}),
    )
    .await
    .assert_ok();
    let (lat, lng) = (
        point["lat"].as_f64().unwrap(),
        point["lng"].as_f64().unwrap(),
    );
    let near = app
        .get(
            &format!("/api/v1/meal-points/near?lat={lat}&lng={lng}&radius_m=50"),
            None,
        )
        .await;
    let here = near.assert_ok()["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == id)
        .unwrap()
        .clone();
    assert_eq!(here["serves_today"], false);
    assert_eq!(here["status"]["code"], "closed");
    assert!(!listed(day(190)).await.contains(&id));
    let profile = app.get(&format!("/api/v1/meal-points/{id}"), None).await;
    assert_eq!(profile.assert_ok()["takes_bookings_today"], false);

    // Reopening is one tap; stale reasons and dates are dropped.
    let reopened = app
        .put(
            &status_path,
            Some(&operator),
            json!({"status": "open", "status_reason": "运营方退出", "status_from": today}),
        )
        .await;
    assert_eq!(
        reopened.assert_ok()["status"],
        json!({"code": "open", "label": "正常营业"})
    );
    assert!(listed(day(1)).await.contains(&id));

    // A pause needs a reason and sensible dates.
    for (body, code, field) in [
        (
            json!({"status": "paused", "status_from": today}),
            "STATUS_REASON_REQUIRED",
            "status_reason",
        ),
        (
            json!({"status": "paused", "status_reason": "放假"}),
            "STATUS_FROM_REQUIRED",
            "status_from",
        ),
        (
            json!({"status": "paused", "status_reason": "放假", "status_from": tomorrow, "status_until": today}),
            "STATUS_UNTIL_BEFORE_FROM",
            "status_until",
        ),
        (json!({"status": "holiday"}), "UNKNOWN_VALUE", "status"),
    ] {
        app.put(&status_path, Some(&operator), body)
            .await
            .assert_field_error(400, code, field);
    }
    let still_open = app.get(&format!("/api/v1/meal-points/{id}"), None).await;
    assert_eq!(still_open.assert_ok()["status"]["code"], "open");
}
