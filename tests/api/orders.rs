//! Booking at the peak: the concurrency claims, and the order's life (cancel, pickup,
//! no-show), through the real HTTP API on both backends.
//!
//! The clock starts on a Monday at 09:00 in Shanghai (`helpers::test_start`). The demo meal points of
//! `operator-demo` serve lunch 11:00–12:30 with a 90-minute lead, so today's lunch closes for
//! booking at 09:30 and tomorrow's is open.

use chrono::Duration;
use serde_json::json;
use vocabulary::OrderState;

use crate::{
    fixtures::{ZHONGLOU, elder, family_of, key, kitchen},
    helpers::{born, day, id_card_number, spawn_demo_city},
};

#[tokio::test]
async fn a_family_member_books_lunch_and_sees_the_price_split_and_pickup_code() {
    let tomorrow = day(1);
    let app = spawn_demo_city().await;
    let kitchen = kitchen(&app).await;
    let offering = kitchen.offering(&app, &tomorrow, 10).await;
    let (elder_id, number, name) = elder(&app, 1).await;
    let family = family_of(&app, "o-son-1", &number, &name).await;

    let booked = app
        .book(
            &family,
            &kitchen.booking(elder_id, &tomorrow, offering, &key()),
        )
        .await;
    assert_eq!(booked.status, 201, "{:?}", booked.raw());
    let order = booked.ok();
    assert_eq!(order.state, OrderState::Booked);
    assert_eq!(order.state_label, "已预订");
    // 81 on the meal date, 钟楼 hukou, lunch: district 2.00 + street 2.00 on a 15.00 meal.
    assert_eq!(order.price.gross.to_string(), "15.00");
    assert_eq!(order.price.subsidy.to_string(), "4.00");
    assert_eq!(order.price.elder_share.to_string(), "11.00");
    assert_eq!(order.price.funding_district_code, ZHONGLOU);
    let code = order.pickup_code.clone().expect("the family sees the code");
    assert!(code.len() == 6 && code.chars().all(|c| c.is_ascii_digit()));
    assert_eq!(
        order.qr_payload.as_deref(),
        Some(format!("ZC1:{}:{code}", order.id).as_str())
    );
    assert_eq!(kitchen.portions_left(&app, &tomorrow, offering).await, 9);

    // The order reads back with its history; a stranger cannot see it.
    let id = order.id.as_str();
    let read = app.order(&family, id).await.ok();
    assert_eq!(read.history[0].to_state, OrderState::Booked);
    // The code is the elder's: staff who read orders never see it.
    for staff in ["admin", "clerk-zhonglou"] {
        let token = app.staff_token(staff).await;
        let seen = app.order(&token, id).await.ok();
        assert_eq!(seen.id, id, "{staff}");
        assert_eq!(seen.pickup_code, None, "{staff}");
        assert_eq!(seen.qr_payload, None, "{staff}");
    }
    let stranger = app.wechat_token("o-stranger").await;
    app.order(&stranger, id).await.error(404, "ORDER_NOT_FOUND");
    // And nobody books for an elder they are not linked to.
    app.post(
        "/api/v1/orders",
        Some(&stranger),
        kitchen.booking(elder_id, &tomorrow, offering, &key()),
    )
    .await
    .assert_error(404, "ELDER_NOT_FOUND");
}

#[tokio::test]
async fn three_times_oversubscription_sells_exactly_its_portions() {
    let tomorrow = day(1);
    let app = spawn_demo_city().await;
    let kitchen = kitchen(&app).await;
    let portions = 5;
    let offering = kitchen.offering(&app, &tomorrow, portions).await;
    let mut elders = Vec::new();
    for n in 0..(3 * portions as u32) {
        elders.push(elder(&app, n).await);
    }

    let attempts = elders.iter().map(|elder| {
        let body = kitchen.counter(elder, &tomorrow, offering, &key());
        let (app, operator) = (&app, kitchen.operator.clone());
        async move { app.post("/api/v1/orders", Some(&operator), body).await }
    });
    let replies = futures_join_all(attempts).await;
    let booked = replies.iter().filter(|r| r.status == 201).count();
    let sold_out = replies
        .iter()
        .filter(|r| r.status == 409 && r.body["code"] == "SOLD_OUT")
        .count();
    assert_eq!(booked, portions as usize, "{replies:?}");
    assert_eq!(sold_out, 2 * portions as usize);
    assert_eq!(kitchen.portions_left(&app, &tomorrow, offering).await, 0);
}

#[tokio::test]
async fn retries_with_one_key_make_one_order() {
    let tomorrow = day(1);
    let app = spawn_demo_city().await;
    let kitchen = kitchen(&app).await;
    let offering = kitchen.offering(&app, &tomorrow, 10).await;
    let (elder_id, number, name) = elder(&app, 1).await;
    let family = family_of(&app, "o-daughter-1", &number, &name).await;
    let body = kitchen.booking(elder_id, &tomorrow, offering, &key());

    let replies = futures_join_all((0..12).map(|_| {
        let (app, family, body) = (&app, family.clone(), body.clone());
        async move { app.post("/api/v1/orders", Some(&family), body).await }
    }))
    .await;
    let ids: std::collections::HashSet<String> = replies
        .iter()
        .map(|r| {
            assert!(r.status == 201 || r.status == 200, "{r:?}");
            r.body["id"].as_str().unwrap().to_string()
        })
        .collect();
    assert_eq!(ids.len(), 1, "every retry gets the same order");
    assert_eq!(replies.iter().filter(|r| r.status == 201).count(), 1);
    assert_eq!(kitchen.portions_left(&app, &tomorrow, offering).await, 9);
    let orders = app
        .get(&format!("/api/v1/elders/{elder_id}/orders"), Some(&family))
        .await;
    assert_eq!(orders.assert_ok().as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn two_family_members_booking_the_last_portion_for_one_elder_make_one_order() {
    let tomorrow = day(1);
    let app = spawn_demo_city().await;
    let kitchen = kitchen(&app).await;
    let offering = kitchen.offering(&app, &tomorrow, 1).await;
    let (elder_id, number, name) = elder(&app, 1).await;
    let son = family_of(&app, "o-son-2", &number, &name).await;
    let daughter = family_of(&app, "o-daughter-2", &number, &name).await;

    let (a, b) = tokio::join!(
        app.post(
            "/api/v1/orders",
            Some(&son),
            kitchen.booking(elder_id, &tomorrow, offering, &key())
        ),
        app.post(
            "/api/v1/orders",
            Some(&daughter),
            kitchen.booking(elder_id, &tomorrow, offering, &key())
        ),
    );
    let (won, lost) = if a.status == 201 { (a, b) } else { (b, a) };
    assert_eq!(won.status, 201, "{won:?}");
    assert_eq!(lost.status, 409, "{lost:?}");
    assert!(
        ["ELDER_ALREADY_BOOKED", "SOLD_OUT"].contains(&lost.body["code"].as_str().unwrap()),
        "{lost:?}"
    );
    let orders = app
        .get(&format!("/api/v1/elders/{elder_id}/orders"), Some(&son))
        .await;
    assert_eq!(orders.assert_ok().as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn cancelling_before_the_cutoff_gives_the_portion_back_exactly_once() {
    let tomorrow = day(1);
    let app = spawn_demo_city().await;
    let kitchen = kitchen(&app).await;
    let offering = kitchen.offering(&app, &tomorrow, 3).await;
    let (elder_id, number, name) = elder(&app, 1).await;
    let family = family_of(&app, "o-son-3", &number, &name).await;
    let booking = kitchen.booking(elder_id, &tomorrow, offering, &key());
    let order = app.book(&family, &booking).await.ok();
    assert_eq!(kitchen.portions_left(&app, &tomorrow, offering).await, 2);

    let cancelled = app.cancel(&family, &order.id, None).await.ok();
    assert_eq!(cancelled.state, OrderState::Cancelled);
    assert_eq!(kitchen.portions_left(&app, &tomorrow, offering).await, 3);
    app.cancel(&family, &order.id, None)
        .await
        .error(409, "ORDER_STATE_CONFLICT");
    assert_eq!(kitchen.portions_left(&app, &tomorrow, offering).await, 3);

    // The slot is free again for the elder, and the portions really are back.
    let again = app
        .book(
            &family,
            &kitchen.booking(elder_id, &tomorrow, offering, &key()),
        )
        .await;
    assert_eq!(again.status, 201, "{:?}", again.raw());
}

#[tokio::test]
async fn after_the_cutoff_elders_can_neither_book_nor_cancel_but_the_operator_can_cancel_with_a_reason()
 {
    let today = day(0);
    let app = spawn_demo_city().await;
    let kitchen = kitchen(&app).await;
    let offering = kitchen.offering(&app, &today, 5).await;
    let (elder_id, number, name) = elder(&app, 1).await;
    let family = family_of(&app, "o-son-4", &number, &name).await;
    let order = app
        .post(
            "/api/v1/orders",
            Some(&family),
            kitchen.booking(elder_id, &today, offering, &key()),
        )
        .await;
    let id = order.assert_ok()["id"].as_str().unwrap().to_string();

    app.advance_clock(Duration::minutes(45)); // 09:45, past the 09:30 cutoff
    let late_elder = elder(&app, 2).await;
    app.post(
        "/api/v1/orders",
        Some(&kitchen.operator),
        kitchen.counter(&late_elder, &today, offering, &key()),
    )
    .await
    .assert_error(409, "ORDER_CUTOFF_PASSED");
    let cancel = format!("/api/v1/orders/{id}/cancel");
    app.post(&cancel, Some(&family), json!({}))
        .await
        .assert_error(409, "ORDER_CUTOFF_PASSED");
    app.post(&cancel, Some(&kitchen.operator), json!({}))
        .await
        .assert_field_error(400, "REASON_REQUIRED", "reason");
    let cancelled = app
        .post(
            &cancel,
            Some(&kitchen.operator),
            json!({ "reason": "厨房停电" }),
        )
        .await;
    assert_eq!(cancelled.assert_ok()["cancel_reason"], "厨房停电");
}

#[tokio::test]
async fn the_operator_verifies_a_pickup_once_and_wrong_codes_are_limited() {
    let today = day(0);
    let app = spawn_demo_city().await;
    let kitchen = kitchen(&app).await;
    let offering = kitchen.offering(&app, &today, 5).await;
    let (elder_id, number, name) = elder(&app, 1).await;
    let family = family_of(&app, "o-son-5", &number, &name).await;
    let order = app
        .post(
            "/api/v1/orders",
            Some(&family),
            kitchen.booking(elder_id, &today, offering, &key()),
        )
        .await;
    let order = order.assert_ok().clone();
    let pickups = format!("/api/v1/meal-points/{}/pickups", kitchen.meal_point_id);

    // Too early: the kitchen hands out meals from an hour before the slot opens (10:00).
    app.post(
        &pickups,
        Some(&kitchen.operator),
        json!({ "code": order["pickup_code"] }),
    )
    .await
    .assert_error(409, "PICKUP_TOO_EARLY");
    app.advance_clock(Duration::minutes(135)); // 11:15

    // Only this meal point's operators.
    let admin = app.staff_token("admin").await;
    app.post(
        &pickups,
        Some(&admin),
        json!({ "code": order["pickup_code"] }),
    )
    .await
    .assert_error(403, "ROLE_FORBIDDEN");

    // The scanned QR payload works as well as the typed code, and only once.
    let served = app
        .post(
            &pickups,
            Some(&kitchen.operator),
            json!({ "code": order["qr_payload"] }),
        )
        .await;
    assert_eq!(served.assert_ok()["state"], "served");
    app.post(
        &pickups,
        Some(&kitchen.operator),
        json!({ "code": order["pickup_code"] }),
    )
    .await
    .assert_error(409, "PICKUP_ALREADY_USED");

    // Guessing: every try that served no meal counts — the used code above too (the early one
    // fell in an earlier ten-minute window) — ten per operator in ten minutes, then the operator
    // must wait.
    let wrong = if order["pickup_code"] == "000000" {
        "000001"
    } else {
        "000000"
    };
    for _ in 0..9 {
        app.post(&pickups, Some(&kitchen.operator), json!({ "code": wrong }))
            .await
            .assert_field_error(404, "PICKUP_CODE_NOT_FOUND", "code");
    }
    app.post(&pickups, Some(&kitchen.operator), json!({ "code": wrong }))
        .await
        .assert_error(429, "PICKUP_TOO_MANY_ATTEMPTS");
    // Now even a code that exists waits.
    app.post(
        &pickups,
        Some(&kitchen.operator),
        json!({ "code": order["pickup_code"] }),
    )
    .await
    .assert_error(429, "PICKUP_TOO_MANY_ATTEMPTS");
}

#[tokio::test]
async fn two_hundred_parallel_guesses_let_exactly_the_limit_through() {
    let app = spawn_demo_city().await;
    let kitchen = kitchen(&app).await;
    app.advance_clock(Duration::minutes(135)); // 11:15
    let pickups = format!("/api/v1/meal-points/{}/pickups", kitchen.meal_point_id);
    // No order today: every six-digit code is wrong.
    let replies = futures_join_all((0..200).map(|n| {
        let (app, pickups, operator) = (&app, pickups.clone(), kitchen.operator.clone());
        async move {
            app.post(
                &pickups,
                Some(&operator),
                json!({ "code": format!("{:06}", 100_000 + n) }),
            )
            .await
        }
    }))
    .await;
    let checked = replies.iter().filter(|r| r.status == 404).count();
    let refused = replies
        .iter()
        .filter(|r| r.status == 429 && r.body["code"] == "PICKUP_TOO_MANY_ATTEMPTS")
        .count();
    assert_eq!(checked, 10, "exactly the operator's limit is checked");
    assert_eq!(
        refused,
        190,
        "{:?}",
        replies.iter().find(|r| r.status != 404 && r.status != 429)
    );
}

#[tokio::test]
async fn a_correct_code_is_given_back_but_a_used_one_counts() {
    let today = day(0);
    let app = spawn_demo_city().await;
    let kitchen = kitchen(&app).await;
    let offering = kitchen.offering(&app, &today, 20).await;
    let mut codes = Vec::new();
    for n in 0..12 {
        let elder_id = elder(&app, n).await;
        let order = app
            .post(
                "/api/v1/orders",
                Some(&kitchen.operator),
                kitchen.counter(&elder_id, &today, offering, &key()),
            )
            .await;
        codes.push(
            order.assert_ok()["pickup_code"]
                .as_str()
                .unwrap()
                .to_string(),
        );
    }
    app.advance_clock(Duration::minutes(135)); // 11:15
    let pickups = format!("/api/v1/meal-points/{}/pickups", kitchen.meal_point_id);
    // Twelve lunches served in a row: more than the limit, none of them counts.
    for code in &codes {
        let served = app
            .verify_pickup(&kitchen.operator, kitchen.meal_point_id, code)
            .await
            .ok();
        assert_eq!(served.state, OrderState::Served);
        assert_eq!(
            served.pickup_code, None,
            "the counter never reads codes back"
        );
    }
    // A code already used is found in another state: it counts like a wrong one.
    for _ in 0..10 {
        app.post(
            &pickups,
            Some(&kitchen.operator),
            json!({ "code": codes[0] }),
        )
        .await
        .assert_error(409, "PICKUP_ALREADY_USED");
    }
    app.post(
        &pickups,
        Some(&kitchen.operator),
        json!({ "code": codes[0] }),
    )
    .await
    .assert_error(429, "PICKUP_TOO_MANY_ATTEMPTS");
}

#[tokio::test]
async fn a_delivery_leaves_and_is_signed_for_only_on_its_day_and_slot() {
    let tomorrow = day(1);
    let app = spawn_demo_city().await;
    let kitchen = kitchen(&app).await;
    let offering = kitchen.offering(&app, &tomorrow, 5).await;
    // The first demo meal point of operator-demo delivers; find one that does.
    let point = app
        .get(
            &format!("/api/v1/meal-points/{}", kitchen.meal_point_id),
            None,
        )
        .await;
    let delivers = point.assert_ok()["service_modes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m["code"] == "delivery");
    if !delivers {
        app.patch(
            &format!("/api/v1/meal-points/{}", kitchen.meal_point_id),
            Some(&kitchen.operator),
            json!({ "service_modes": ["dine_in", "pickup", "delivery"], "delivery_radius_m": 2000 }),
        )
        .await
        .assert_ok();
    }
    let (elder_id, number, name) = elder(&app, 1).await;
    let family = family_of(&app, "o-son-delivery", &number, &name).await;
    let mut body = kitchen.booking(elder_id, &tomorrow, offering, &key());
    body["mode"] = json!("delivery");
    // An address longer than any real one is refused (it was a database error on PostgreSQL).
    let mut too_long = body.clone();
    too_long["delivery_address"] = json!("南大街".repeat(70));
    app.post("/api/v1/orders", Some(&family), too_long)
        .await
        .assert_field_error(400, "DELIVERY_ADDRESS_INVALID", "delivery_address");
    let order = app.post("/api/v1/orders", Some(&family), body).await;
    let id = order.assert_ok()["id"].as_str().unwrap().to_string();
    let out = format!("/api/v1/orders/{id}/out-for-delivery");
    let delivered = format!("/api/v1/orders/{id}/delivered");

    // Today is not the order's day: it cannot leave, and the elder can still cancel.
    app.post(&out, Some(&kitchen.operator), json!({}))
        .await
        .assert_error(409, "PICKUP_WRONG_DAY");
    app.post(
        &delivered,
        Some(&kitchen.operator),
        json!({ "signed_by": "王小明" }),
    )
    .await
    .assert_error(409, "PICKUP_WRONG_DAY");
    let read = app
        .get(&format!("/api/v1/orders/{id}"), Some(&family))
        .await;
    assert_eq!(read.assert_ok()["state"], "booked");

    // Tomorrow at 10:30, within the lunch's window, it leaves and is signed for.
    app.advance_clock(Duration::hours(25) + Duration::minutes(30));
    app.post(&out, Some(&kitchen.operator), json!({}))
        .await
        .assert_ok();
    let signed = app
        .post(
            &delivered,
            Some(&kitchen.operator),
            json!({ "signed_by": "王小明" }),
        )
        .await;
    assert_eq!(signed.assert_ok()["state"], "served");
}

#[tokio::test]
async fn a_cancel_racing_a_pickup_verification_ends_in_exactly_one_of_the_two() {
    let today = day(0);
    let app = spawn_demo_city().await;
    let kitchen = kitchen(&app).await;
    let offering = kitchen.offering(&app, &today, 10).await;
    let mut orders = Vec::new();
    for n in 0..4 {
        let elder_id = elder(&app, n).await;
        let order = app
            .post(
                "/api/v1/orders",
                Some(&kitchen.operator),
                kitchen.counter(&elder_id, &today, offering, &key()),
            )
            .await;
        orders.push(order.assert_ok().clone());
    }
    app.advance_clock(Duration::minutes(135)); // 11:15: pickup time, past the cutoff
    let pickups = format!("/api/v1/meal-points/{}/pickups", kitchen.meal_point_id);
    for order in orders {
        let cancel = format!("/api/v1/orders/{}/cancel", order["id"].as_str().unwrap());
        let (verified, cancelled) = tokio::join!(
            app.post(
                &pickups,
                Some(&kitchen.operator),
                json!({ "code": order["pickup_code"] })
            ),
            app.post(
                &cancel,
                Some(&kitchen.operator),
                json!({ "reason": "老人临时有事" })
            ),
        );
        assert!(
            verified.status.is_success() != cancelled.status.is_success(),
            "exactly one wins: {verified:?} / {cancelled:?}"
        );
        let read = app
            .get(
                &format!("/api/v1/orders/{}", order["id"].as_str().unwrap()),
                Some(&kitchen.operator),
            )
            .await;
        let state = read.assert_ok()["state"].as_str().unwrap().to_string();
        let expected = if verified.status.is_success() {
            "served"
        } else {
            "cancelled"
        };
        assert_eq!(state, expected);
    }
}

#[tokio::test]
async fn unserved_orders_become_no_shows_after_the_slot_and_the_day_view_counts_them() {
    let today = day(0);
    let app = spawn_demo_city().await;
    let kitchen = kitchen(&app).await;
    let offering = kitchen.offering(&app, &today, 5).await;
    for n in 0..2 {
        let elder_id = elder(&app, n).await;
        app.post(
            "/api/v1/orders",
            Some(&kitchen.operator),
            kitchen.counter(&elder_id, &today, offering, &key()),
        )
        .await
        .assert_ok();
    }
    let no_shows = format!("/api/v1/meal-points/{}/no-shows", kitchen.meal_point_id);
    let slot = json!({ "date": today, "slot": "lunch" });
    app.post(&no_shows, Some(&kitchen.operator), slot.clone())
        .await
        .assert_error(409, "SLOT_NOT_OVER");
    app.advance_clock(Duration::hours(5)); // 14:00: lunch ended 12:30, plus an hour's grace
    let marked = app.post(&no_shows, Some(&kitchen.operator), slot).await;
    assert_eq!(marked.assert_ok()["marked"], 2);

    let day = app
        .get(
            &format!(
                "/api/v1/meal-points/{}/day?date={today}",
                kitchen.meal_point_id
            ),
            Some(&kitchen.operator),
        )
        .await;
    let lunch = day.assert_ok()["slots"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["slot"] == "lunch")
        .cloned()
        .unwrap();
    assert_eq!(lunch["no_show"], 2);
    assert_eq!(lunch["booked"], 0);
}

#[tokio::test]
async fn a_lost_reservation_state_is_rebuilt_from_the_database() {
    let tomorrow = day(1);
    let app = spawn_demo_city().await;
    let kitchen = kitchen(&app).await;
    let offering = kitchen.offering(&app, &tomorrow, 3).await;
    let first = elder(&app, 1).await;
    app.post(
        "/api/v1/orders",
        Some(&kitchen.operator),
        kitchen.counter(&first, &tomorrow, offering, &key()),
    )
    .await
    .assert_ok();

    // As if Redis restarted empty.
    app.state
        .reservations
        .unload(kitchen.meal_point_id)
        .await
        .unwrap();

    // The same elder is still booked for that slot, and only two portions remain.
    app.post(
        "/api/v1/orders",
        Some(&kitchen.operator),
        kitchen.counter(&first, &tomorrow, offering, &key()),
    )
    .await
    .assert_error(409, "ELDER_ALREADY_BOOKED");
    for n in 2..4 {
        let elder_id = elder(&app, n).await;
        app.post(
            "/api/v1/orders",
            Some(&kitchen.operator),
            kitchen.counter(&elder_id, &tomorrow, offering, &key()),
        )
        .await
        .assert_ok();
    }
    let late = elder(&app, 9).await;
    app.post(
        "/api/v1/orders",
        Some(&kitchen.operator),
        kitchen.counter(&late, &tomorrow, offering, &key()),
    )
    .await
    .assert_error(409, "SOLD_OUT");
}

#[tokio::test]
async fn bad_bookings_are_refused_with_the_field_named_and_change_nothing() {
    let tomorrow = day(1);
    let app = spawn_demo_city().await;
    let kitchen = kitchen(&app).await;
    let offering = kitchen.offering(&app, &tomorrow, 3).await;
    let elder_id = elder(&app, 1).await;
    let good = kitchen.counter(&elder_id, &tomorrow, offering, &key());
    for (field, value, code) in [
        ("client_key", json!("x"), "CLIENT_KEY_INVALID"),
        ("items", json!([]), "ITEMS_INVALID"),
        (
            "items",
            json!([{ "offering_id": offering, "quantity": 9 }]),
            "QUANTITY_INVALID",
        ),
        ("mode", json!("teleport"), "UNKNOWN_VALUE"),
        ("slot", json!("supper"), "UNKNOWN_VALUE"),
        (
            "items",
            json!([{ "offering_id": 999_999, "quantity": 1 }]),
            "OFFERING_NOT_FOUND",
        ),
    ] {
        let mut body = good.clone();
        body[field] = value;
        let reply = app
            .post("/api/v1/orders", Some(&kitchen.operator), body)
            .await;
        assert_eq!(reply.status, 400, "{field}: {reply:?}");
        assert_eq!(reply.body["code"], code, "{reply:?}");
    }
    // A date the offering is not on.
    let mut wrong_day = good.clone();
    wrong_day["date"] = json!(day(2));
    app.post("/api/v1/orders", Some(&kitchen.operator), wrong_day)
        .await
        .assert_error(400, "OFFERING_MISMATCH");
    // Clerks do not book.
    let clerk = app.staff_token("clerk-zhonglou").await;
    app.post("/api/v1/orders", Some(&clerk), good)
        .await
        .assert_error(403, "ROLE_FORBIDDEN");
    assert_eq!(kitchen.portions_left(&app, &tomorrow, offering).await, 3);
}

/// Runs the futures concurrently on this task and collects their outputs in order.
async fn futures_join_all<F: std::future::Future>(
    futures: impl IntoIterator<Item = F>,
) -> Vec<F::Output> {
    let handles: Vec<_> = futures.into_iter().map(Box::pin).collect();
    let mut outputs = Vec::with_capacity(handles.len());
    let mut pending: Vec<_> = handles.into_iter().map(Some).collect();
    let mut results: Vec<Option<F::Output>> = (0..pending.len()).map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut all_done = true;
        for (slot, result) in pending.iter_mut().zip(results.iter_mut()) {
            if let Some(future) = slot {
                match future.as_mut().poll(cx) {
                    std::task::Poll::Ready(output) => {
                        *result = Some(output);
                        *slot = None;
                    }
                    std::task::Poll::Pending => all_done = false,
                }
            }
        }
        if all_done {
            std::task::Poll::Ready(())
        } else {
            std::task::Poll::Pending
        }
    })
    .await;
    outputs.extend(results.into_iter().flatten());
    outputs
}

#[tokio::test]
async fn dishes_published_and_portions_raised_after_the_first_booking_are_bookable() {
    let tomorrow = day(1);
    let app = spawn_demo_city().await;
    let kitchen = kitchen(&app).await;
    let first = kitchen.offering(&app, &tomorrow, 1).await;
    let a = elder(&app, 1).await;
    // This booking loads the meal point's reservation state.
    app.post(
        "/api/v1/orders",
        Some(&kitchen.operator),
        kitchen.counter(&a, &tomorrow, first, &key()),
    )
    .await
    .assert_ok();

    // A dish published afterwards sells at once.
    let later = kitchen.offering(&app, &tomorrow, 2).await;
    let b = elder(&app, 2).await;
    let booked = app
        .post(
            "/api/v1/orders",
            Some(&kitchen.operator),
            kitchen.counter(&b, &tomorrow, later, &key()),
        )
        .await;
    assert_eq!(booked.status, 201, "{booked:?}");

    // The first dish is sold out until the operator raises its portions.
    let c = elder(&app, 3).await;
    let body = kitchen.counter(&c, &tomorrow, first, &key());
    app.post("/api/v1/orders", Some(&kitchen.operator), body.clone())
        .await
        .assert_error(409, "SOLD_OUT");
    app.patch(
        &format!("/api/v1/offerings/{first}"),
        Some(&kitchen.operator),
        json!({ "portions": 2 }),
    )
    .await
    .assert_ok();
    let mut retry = body;
    retry["client_key"] = json!(key());
    let raised = app
        .post("/api/v1/orders", Some(&kitchen.operator), retry)
        .await;
    assert_eq!(raised.status, 201, "{raised:?}");
}

#[tokio::test]
async fn closing_a_meal_point_for_a_day_cancels_its_bookings_with_the_reason() {
    let tomorrow = day(1);
    let app = spawn_demo_city().await;
    let kitchen = kitchen(&app).await;
    let offering = kitchen.offering(&app, &tomorrow, 5).await;
    let (elder_id, number, name) = elder(&app, 1).await;
    let family = family_of(&app, "o-son-6", &number, &name).await;
    let order = app
        .post(
            "/api/v1/orders",
            Some(&family),
            kitchen.booking(elder_id, &tomorrow, offering, &key()),
        )
        .await;
    let id = order.assert_ok()["id"].as_str().unwrap().to_string();

    app.put(
        &format!("/api/v1/meal-points/{}/status", kitchen.meal_point_id),
        Some(&kitchen.operator),
        json!({
            "status": "paused",
            "status_reason": "厨房检修",
            "status_from": tomorrow,
            "status_until": tomorrow,
        }),
    )
    .await
    .assert_ok();
    let read = app
        .get(&format!("/api/v1/orders/{id}"), Some(&family))
        .await;
    let read = read.assert_ok();
    assert_eq!(read["state"], "cancelled");
    assert!(read["cancel_reason"].as_str().unwrap().contains("厨房检修"));
    assert_eq!(kitchen.portions_left(&app, &tomorrow, offering).await, 5);
}

#[tokio::test]
async fn the_counter_books_by_id_card_and_name_and_learns_nothing_from_wrong_ones() {
    let tomorrow = day(1);
    let app = spawn_demo_city().await;
    let kitchen = kitchen(&app).await;
    let offering = kitchen.offering(&app, &tomorrow, 5).await;
    let registered = elder(&app, 1).await;

    // By id: refused, whatever the id (no enumeration of elders through the counter).
    for id in [registered.0, 999_999] {
        app.post(
            "/api/v1/orders",
            Some(&kitchen.operator),
            kitchen.booking(id, &tomorrow, offering, &key()),
        )
        .await
        .assert_field_error(400, "ELDER_ID_NOT_FOR_OPERATORS", "elder_id");
    }

    // A wrong name, an unknown number and an elder not yet approved get one and the same answer.
    let wrong_name = (registered.0, registered.1.clone(), "别人".to_string());
    let unknown = (
        0,
        id_card_number(ZHONGLOU, &born(80, 30), "777"),
        registered.2.clone(),
    );
    let pending_number = id_card_number(ZHONGLOU, &born(79, 31), "778");
    let applicant = app.wechat_token("o-applicant-counter").await;
    app.post(
        "/api/v1/elders/self-registration",
        Some(&applicant),
        json!({
            "name": "待审老人",
            "id_card": pending_number,
            "hukou_district_code": ZHONGLOU,
            "residence_district_code": ZHONGLOU,
            "address": "南大街9号",
            "phone": "13900000009",
        }),
    )
    .await
    .assert_ok();
    let pending = (0, pending_number, "待审老人".to_string());
    let mut answers = Vec::new();
    for who in [&wrong_name, &unknown, &pending] {
        let reply = app
            .post(
                "/api/v1/orders",
                Some(&kitchen.operator),
                kitchen.counter(who, &tomorrow, offering, &key()),
            )
            .await;
        reply.assert_error(404, "ELDER_NOT_IDENTIFIED");
        answers.push(reply.body.to_string());
    }
    assert!(answers.windows(2).all(|w| w[0] == w[1]), "{answers:?}");

    // The right number and name book; the slip shows the name and the masked number only.
    let booked = app
        .post(
            "/api/v1/orders",
            Some(&kitchen.operator),
            kitchen.counter(&registered, &tomorrow, offering, &key()),
        )
        .await;
    assert_eq!(booked.status, 201, "{}", booked.body);
    let slip = booked.body;
    assert_eq!(slip["elder_name"], registered.2);
    let masked = slip["elder_id_card_masked"].as_str().unwrap();
    assert!(masked.contains('*') && !masked.contains(&registered.1[6..14]));
    assert!(!slip.to_string().contains(&registered.1));
    assert!(
        slip["price"].get("rules").is_none(),
        "no category names: {slip}"
    );
    assert!(slip.get("delivery_address").is_none());

    // A delivery booked at the counter needs the address typed there.
    let second = elder(&app, 2).await;
    let mut delivery = kitchen.counter(&second, &tomorrow, offering, &key());
    delivery["mode"] = json!("delivery");
    let refused = app
        .post("/api/v1/orders", Some(&kitchen.operator), delivery.clone())
        .await;
    if refused.status != 400 || refused.body["code"] != "DELIVERY_ADDRESS_REQUIRED" {
        // A meal point without delivery refuses the mode first; either way nothing is booked.
        refused.assert_error(400, "MODE_NOT_OFFERED");
    }
}

#[tokio::test]
async fn wrong_identifications_at_the_counter_are_limited() {
    let tomorrow = day(1);
    let app = spawn_demo_city().await;
    let kitchen = kitchen(&app).await;
    let offering = kitchen.offering(&app, &tomorrow, 5).await;
    let registered = elder(&app, 1).await;
    let wrong = (registered.0, registered.1.clone(), "别人".to_string());
    for _ in 0..10 {
        app.post(
            "/api/v1/orders",
            Some(&kitchen.operator),
            kitchen.counter(&wrong, &tomorrow, offering, &key()),
        )
        .await
        .assert_error(404, "ELDER_NOT_IDENTIFIED");
    }
    // Now even the right name waits: guessing names or numbers stops here.
    app.post(
        "/api/v1/orders",
        Some(&kitchen.operator),
        kitchen.counter(&registered, &tomorrow, offering, &key()),
    )
    .await
    .assert_error(429, "ELDER_IDENTIFY_TOO_MANY_ATTEMPTS");
    // Ten minutes on, the counter works again.
    app.advance_clock(Duration::minutes(10));
    let booked = app
        .post(
            "/api/v1/orders",
            Some(&kitchen.operator),
            kitchen.counter(&registered, &tomorrow, offering, &key()),
        )
        .await;
    assert_eq!(booked.status, 201, "{}", booked.body);
}
