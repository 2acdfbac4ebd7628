//! Booking at the peak: the concurrency claims, and the order's life (cancel, pickup,
//! no-show), through the real HTTP API on both backends.
//!
//! The clock starts on a Monday at 09:00 in Shanghai (`helpers::test_start`). The demo meal points of
//! `operator-demo` serve lunch 11:00–12:30 with a 90-minute lead, so today's lunch closes for
//! booking at 09:30 and tomorrow's is open.

use chrono::Duration;
use serde_json::json;
use vocabulary::{MealPointStatusKind, OrderState, ServiceMode, Slot};
use zhucan::{
    meal_points::http::{MealPointChanges, StatusInput},
    menus::http::OfferingChanges,
    orders::http::NewBooking,
};

use crate::{
    fixtures::{ElderForm, ZHONGLOU, elder, family_of, key, kitchen},
    helpers::{born, date, day, id_card_number, spawn_demo_city},
};

#[tokio::test]
async fn a_family_member_books_lunch_and_sees_the_price_split_and_pickup_code() {
    let tomorrow = day(1);
    let app = spawn_demo_city().await;
    let kitchen = kitchen(&app).await;
    let offering = kitchen.offering(&app, &tomorrow, 10).await;
    let (elder_id, number, name) = elder(&app, 1).await;
    let family = family_of(&app, "o-son-1", &number, &name).await;

    let order = app
        .book(
            &family,
            &kitchen.new_booking(elder_id, &tomorrow, offering, &key()),
        )
        .await
        .ok_with(201);
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
    app.book(
        &stranger,
        &kitchen.new_booking(elder_id, &tomorrow, offering, &key()),
    )
    .await
    .error(404, "ELDER_NOT_FOUND");
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
        let body = kitchen.counter_booking(elder, &tomorrow, offering, &key());
        let (app, operator) = (&app, kitchen.operator.clone());
        async move { app.book(&operator, &body).await }
    });
    let replies = futures_join_all(attempts).await;
    let booked = replies.iter().filter(|r| r.status == 201).count();
    let sold_out = replies
        .iter()
        .filter(|r| r.status == 409 && r.code().as_deref() == Some("SOLD_OUT"))
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
    let body = kitchen.new_booking(elder_id, &tomorrow, offering, &key());

    let replies = futures_join_all((0..12).map(|_| {
        let (app, family, body) = (&app, family.clone(), &body);
        async move { app.book(&family, body).await }
    }))
    .await;
    assert_eq!(replies.iter().filter(|r| r.status == 201).count(), 1);
    let ids: std::collections::HashSet<String> = replies
        .into_iter()
        .map(|r| {
            assert!(r.status == 201 || r.status == 200, "{r:?}");
            r.ok().id
        })
        .collect();
    assert_eq!(ids.len(), 1, "every retry gets the same order");
    assert_eq!(kitchen.portions_left(&app, &tomorrow, offering).await, 9);
    let orders = app.elder_orders(&family, elder_id).await.ok();
    assert_eq!(orders.len(), 1);
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

    let (for_son, for_daughter) = (
        kitchen.new_booking(elder_id, &tomorrow, offering, &key()),
        kitchen.new_booking(elder_id, &tomorrow, offering, &key()),
    );
    let (a, b) = tokio::join!(app.book(&son, &for_son), app.book(&daughter, &for_daughter));
    let (won, lost) = if a.status == 201 { (a, b) } else { (b, a) };
    assert_eq!(won.status, 201, "{won:?}");
    assert_eq!(lost.status, 409, "{lost:?}");
    assert!(
        ["ELDER_ALREADY_BOOKED", "SOLD_OUT"].contains(&lost.code().unwrap().as_str()),
        "{lost:?}"
    );
    let orders = app.elder_orders(&son, elder_id).await.ok();
    assert_eq!(orders.len(), 1);
}

#[tokio::test]
async fn cancelling_before_the_cutoff_gives_the_portion_back_exactly_once() {
    let tomorrow = day(1);
    let app = spawn_demo_city().await;
    let kitchen = kitchen(&app).await;
    let offering = kitchen.offering(&app, &tomorrow, 3).await;
    let (elder_id, number, name) = elder(&app, 1).await;
    let family = family_of(&app, "o-son-3", &number, &name).await;
    let booking = kitchen.new_booking(elder_id, &tomorrow, offering, &key());
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
    app.book(
        &family,
        &kitchen.new_booking(elder_id, &tomorrow, offering, &key()),
    )
    .await
    .ok_with(201);
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
        .book(
            &family,
            &kitchen.new_booking(elder_id, &today, offering, &key()),
        )
        .await
        .ok();

    app.advance_clock(Duration::minutes(45)); // 09:45, past the 09:30 cutoff
    let late_elder = elder(&app, 2).await;
    app.book(
        &kitchen.operator,
        &kitchen.counter_booking(&late_elder, &today, offering, &key()),
    )
    .await
    .error(409, "ORDER_CUTOFF_PASSED");
    app.cancel(&family, &order.id, None)
        .await
        .error(409, "ORDER_CUTOFF_PASSED");
    app.cancel(&kitchen.operator, &order.id, None)
        .await
        .field_error(400, "REASON_REQUIRED", "reason");
    let cancelled = app
        .cancel(&kitchen.operator, &order.id, Some("厨房停电"))
        .await
        .ok();
    assert_eq!(cancelled.cancel_reason.as_deref(), Some("厨房停电"));
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
        .book(
            &family,
            &kitchen.new_booking(elder_id, &today, offering, &key()),
        )
        .await
        .ok();
    let code = order.pickup_code.as_deref().unwrap();
    let mp = kitchen.meal_point_id;

    // Too early: the kitchen hands out meals from an hour before the slot opens (10:00).
    app.verify_pickup(&kitchen.operator, mp, code)
        .await
        .error(409, "PICKUP_TOO_EARLY");
    app.advance_clock(Duration::minutes(135)); // 11:15

    // Only this meal point's operators.
    let admin = app.staff_token("admin").await;
    app.verify_pickup(&admin, mp, code)
        .await
        .error(403, "ROLE_FORBIDDEN");

    // The scanned QR payload works as well as the typed code, and only once.
    let served = app
        .verify_pickup(&kitchen.operator, mp, order.qr_payload.as_deref().unwrap())
        .await
        .ok();
    assert_eq!(served.state, OrderState::Served);
    app.verify_pickup(&kitchen.operator, mp, code)
        .await
        .error(409, "PICKUP_ALREADY_USED");

    // Guessing: every try that served no meal counts — the used code above too (the early one
    // fell in an earlier ten-minute window) — ten per operator in ten minutes, then the operator
    // must wait.
    let wrong = if code == "000000" { "000001" } else { "000000" };
    for _ in 0..9 {
        app.verify_pickup(&kitchen.operator, mp, wrong)
            .await
            .field_error(404, "PICKUP_CODE_NOT_FOUND", "code");
    }
    app.verify_pickup(&kitchen.operator, mp, wrong)
        .await
        .error(429, "PICKUP_TOO_MANY_ATTEMPTS");
    // Now even a code that exists waits.
    app.verify_pickup(&kitchen.operator, mp, code)
        .await
        .error(429, "PICKUP_TOO_MANY_ATTEMPTS");
}

#[tokio::test]
async fn two_hundred_parallel_guesses_let_exactly_the_limit_through() {
    let app = spawn_demo_city().await;
    let kitchen = kitchen(&app).await;
    app.advance_clock(Duration::minutes(135)); // 11:15
    // No order today: every six-digit code is wrong.
    let replies = futures_join_all((0..200).map(|n| {
        let (app, kitchen) = (&app, &kitchen);
        async move {
            app.verify_pickup(
                &kitchen.operator,
                kitchen.meal_point_id,
                &format!("{:06}", 100_000 + n),
            )
            .await
        }
    }))
    .await;
    let checked = replies.iter().filter(|r| r.status == 404).count();
    let refused = replies
        .iter()
        .filter(|r| r.status == 429 && r.code().as_deref() == Some("PICKUP_TOO_MANY_ATTEMPTS"))
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
    let codes: Vec<String> = kitchen
        .counter_orders(&app, &today, offering, 12)
        .await
        .into_iter()
        .map(|order| order.pickup_code.unwrap())
        .collect();
    app.advance_clock(Duration::minutes(135)); // 11:15
    let mp = kitchen.meal_point_id;
    // Twelve lunches served in a row: more than the limit, none of them counts.
    for code in &codes {
        let served = app.verify_pickup(&kitchen.operator, mp, code).await.ok();
        assert_eq!(served.state, OrderState::Served);
        assert_eq!(
            served.pickup_code, None,
            "the counter never reads codes back"
        );
    }
    // A code already used is found in another state: it counts like a wrong one.
    for _ in 0..10 {
        app.verify_pickup(&kitchen.operator, mp, &codes[0])
            .await
            .error(409, "PICKUP_ALREADY_USED");
    }
    app.verify_pickup(&kitchen.operator, mp, &codes[0])
        .await
        .error(429, "PICKUP_TOO_MANY_ATTEMPTS");
}

#[tokio::test]
async fn a_delivery_leaves_and_is_signed_for_only_on_its_day_and_slot() {
    let tomorrow = day(1);
    let app = spawn_demo_city().await;
    let kitchen = kitchen(&app).await;
    let offering = kitchen.offering(&app, &tomorrow, 5).await;
    // The first demo meal point of operator-demo delivers; find one that does.
    let point = app.meal_point(kitchen.meal_point_id).await.ok();
    let delivers = point.service_modes.iter().any(|m| m.code == "delivery");
    if !delivers {
        let changes = MealPointChanges {
            service_modes: Some(vec![
                ServiceMode::DineIn,
                ServiceMode::Pickup,
                ServiceMode::Delivery,
            ]),
            delivery_radius_m: poem_openapi::types::MaybeUndefined::Value(2000),
            ..MealPointChanges::default()
        };
        app.change_meal_point(&kitchen.operator, kitchen.meal_point_id, &changes)
            .await
            .ok();
    }
    let (elder_id, number, name) = elder(&app, 1).await;
    let family = family_of(&app, "o-son-delivery", &number, &name).await;
    let key = key();
    let delivery = |address: Option<String>| NewBooking {
        mode: ServiceMode::Delivery,
        delivery_address: address,
        ..kitchen.new_booking(elder_id, &tomorrow, offering, &key)
    };
    // An address longer than any real one is refused (it was a database error on PostgreSQL).
    app.book(&family, &delivery(Some("南大街".repeat(70))))
        .await
        .field_error(400, "DELIVERY_ADDRESS_INVALID", "delivery_address");
    let order = app.book(&family, &delivery(None)).await.ok();
    let id = order.id.as_str();

    // Today is not the order's day: it cannot leave, and the elder can still cancel.
    app.out_for_delivery(&kitchen.operator, id)
        .await
        .error(409, "PICKUP_WRONG_DAY");
    app.delivered(&kitchen.operator, id, "王小明")
        .await
        .error(409, "PICKUP_WRONG_DAY");
    let read = app.order(&family, id).await.ok();
    assert_eq!(read.state, OrderState::Booked);

    // Tomorrow at 10:30, within the lunch's window, it leaves and is signed for.
    app.advance_clock(Duration::hours(25) + Duration::minutes(30));
    app.out_for_delivery(&kitchen.operator, id).await.ok();
    let signed = app.delivered(&kitchen.operator, id, "王小明").await.ok();
    assert_eq!(signed.state, OrderState::Served);
}

#[tokio::test]
async fn a_cancel_racing_a_pickup_verification_ends_in_exactly_one_of_the_two() {
    let today = day(0);
    let app = spawn_demo_city().await;
    let kitchen = kitchen(&app).await;
    let offering = kitchen.offering(&app, &today, 10).await;
    let orders = kitchen.counter_orders(&app, &today, offering, 4).await;
    app.advance_clock(Duration::minutes(135)); // 11:15: pickup time, past the cutoff
    for order in orders {
        let (verified, cancelled) = tokio::join!(
            app.verify_pickup(
                &kitchen.operator,
                kitchen.meal_point_id,
                order.pickup_code.as_deref().unwrap()
            ),
            app.cancel(&kitchen.operator, &order.id, Some("老人临时有事")),
        );
        assert!(
            verified.status.is_success() != cancelled.status.is_success(),
            "exactly one wins: {verified:?} / {cancelled:?}"
        );
        let read = app.order(&kitchen.operator, &order.id).await.ok();
        let expected = if verified.status.is_success() {
            OrderState::Served
        } else {
            OrderState::Cancelled
        };
        assert_eq!(read.state, expected);
    }
}

#[tokio::test]
async fn unserved_orders_become_no_shows_after_the_slot_and_the_day_view_counts_them() {
    let today = day(0);
    let app = spawn_demo_city().await;
    let kitchen = kitchen(&app).await;
    let offering = kitchen.offering(&app, &today, 5).await;
    kitchen.counter_orders(&app, &today, offering, 2).await;
    let mp = kitchen.meal_point_id;
    app.mark_no_shows(&kitchen.operator, mp, date(0), Slot::Lunch)
        .await
        .error(409, "SLOT_NOT_OVER");
    app.advance_clock(Duration::hours(5)); // 14:00: lunch ended 12:30, plus an hour's grace
    let marked = app
        .mark_no_shows(&kitchen.operator, mp, date(0), Slot::Lunch)
        .await
        .ok();
    assert_eq!(marked.marked, 2);

    let day = app.day_view(&kitchen.operator, mp, date(0)).await.ok();
    let lunch = day.slots.iter().find(|s| s.slot == Slot::Lunch).unwrap();
    assert_eq!(lunch.no_show, 2);
    assert_eq!(lunch.booked, 0);
}

#[tokio::test]
async fn a_lost_reservation_state_is_rebuilt_from_the_database() {
    let tomorrow = day(1);
    let app = spawn_demo_city().await;
    let kitchen = kitchen(&app).await;
    let offering = kitchen.offering(&app, &tomorrow, 3).await;
    let first = elder(&app, 1).await;
    app.book(
        &kitchen.operator,
        &kitchen.counter_booking(&first, &tomorrow, offering, &key()),
    )
    .await
    .ok();

    // As if Redis restarted empty.
    app.state
        .reservations
        .unload(kitchen.meal_point_id)
        .await
        .unwrap();

    // The same elder is still booked for that slot, and only two portions remain.
    app.book(
        &kitchen.operator,
        &kitchen.counter_booking(&first, &tomorrow, offering, &key()),
    )
    .await
    .error(409, "ELDER_ALREADY_BOOKED");
    for n in 2..4 {
        let elder = elder(&app, n).await;
        app.book(
            &kitchen.operator,
            &kitchen.counter_booking(&elder, &tomorrow, offering, &key()),
        )
        .await
        .ok();
    }
    let late = elder(&app, 9).await;
    app.book(
        &kitchen.operator,
        &kitchen.counter_booking(&late, &tomorrow, offering, &key()),
    )
    .await
    .error(409, "SOLD_OUT");
}

#[tokio::test]
async fn bad_bookings_are_refused_with_the_field_named_and_change_nothing() {
    let tomorrow = day(1);
    let app = spawn_demo_city().await;
    let kitchen = kitchen(&app).await;
    let offering = kitchen.offering(&app, &tomorrow, 3).await;
    let elder_id = elder(&app, 1).await;
    // Values no `NewBooking` can hold, so the booking is bent as JSON.
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
        let reply = app.book(&kitchen.operator, &body).await;
        assert_eq!(reply.status, 400, "{field}: {reply:?}");
        assert_eq!(reply.code().as_deref(), Some(code), "{reply:?}");
    }
    // A date the offering is not on.
    let mut wrong_day = kitchen.counter_booking(&elder_id, &tomorrow, offering, &key());
    wrong_day.request.date = date(2);
    app.book(&kitchen.operator, &wrong_day)
        .await
        .error(400, "OFFERING_MISMATCH");
    // Clerks do not book.
    let clerk = app.staff_token("clerk-zhonglou").await;
    app.book(&clerk, &good).await.error(403, "ROLE_FORBIDDEN");
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
    app.book(
        &kitchen.operator,
        &kitchen.counter_booking(&a, &tomorrow, first, &key()),
    )
    .await
    .ok();

    // A dish published afterwards sells at once.
    let later = kitchen.offering(&app, &tomorrow, 2).await;
    let b = elder(&app, 2).await;
    app.book(
        &kitchen.operator,
        &kitchen.counter_booking(&b, &tomorrow, later, &key()),
    )
    .await
    .ok_with(201);

    // The first dish is sold out until the operator raises its portions.
    let c = elder(&app, 3).await;
    let body = kitchen.counter_booking(&c, &tomorrow, first, &key());
    app.book(&kitchen.operator, &body)
        .await
        .error(409, "SOLD_OUT");
    let raise = OfferingChanges {
        portions: Some(2),
        price: None,
    };
    app.change_offering(&kitchen.operator, first, &raise)
        .await
        .ok();
    let mut retry = body;
    retry.request.client_key = key();
    app.book(&kitchen.operator, &retry).await.ok_with(201);
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
        .book(
            &family,
            &kitchen.new_booking(elder_id, &tomorrow, offering, &key()),
        )
        .await
        .ok();

    let pause = StatusInput {
        status: MealPointStatusKind::Paused,
        status_reason: Some("厨房检修".into()),
        status_from: Some(date(1)),
        status_until: Some(date(1)),
    };
    app.set_meal_point_status(&kitchen.operator, kitchen.meal_point_id, &pause)
        .await
        .ok();
    let read = app.order(&family, &order.id).await.ok();
    assert_eq!(read.state, OrderState::Cancelled);
    assert!(read.cancel_reason.unwrap().contains("厨房检修"));
    assert_eq!(kitchen.portions_left(&app, &tomorrow, offering).await, 5);
}

#[tokio::test]
async fn the_counter_refuses_to_book_by_elder_id() {
    let tomorrow = day(1);
    let app = spawn_demo_city().await;
    let kitchen = kitchen(&app).await;
    let offering = kitchen.offering(&app, &tomorrow, 5).await;
    let registered = elder(&app, 1).await;

    // By id: refused, whatever the id (no enumeration of elders through the counter).
    for id in [registered.0, 999_999] {
        app.book(
            &kitchen.operator,
            &kitchen.new_booking(id, &tomorrow, offering, &key()),
        )
        .await
        .field_error(400, "ELDER_ID_NOT_FOR_OPERATORS", "elder_id");
    }
}

#[tokio::test]
async fn the_counter_learns_nothing_from_a_wrong_name_an_unknown_number_or_a_pending_elder() {
    let tomorrow = day(1);
    let app = spawn_demo_city().await;
    let kitchen = kitchen(&app).await;
    let offering = kitchen.offering(&app, &tomorrow, 5).await;
    let registered = elder(&app, 1).await;

    // A wrong name, an unknown number and an elder not yet approved get one and the same answer.
    let wrong_name = (registered.0, registered.1.clone(), "别人".to_string());
    let unknown = (
        0,
        id_card_number(ZHONGLOU, &born(80, 30), "777"),
        registered.2.clone(),
    );
    let pending_number = id_card_number(ZHONGLOU, &born(79, 31), "778");
    let applicant = app.wechat_token("o-applicant-counter").await;
    let form = ElderForm {
        address: "南大街9号",
        phone: "13900000009",
        ..ElderForm::new("待审老人", &pending_number, ZHONGLOU, ZHONGLOU)
    };
    app.self_register(&applicant, &form.self_registration())
        .await
        .ok();
    let pending = (0, pending_number.clone(), "待审老人".to_string());
    let mut answers = Vec::new();
    for who in [&wrong_name, &unknown, &pending] {
        let reply = app
            .book(
                &kitchen.operator,
                &kitchen.counter_booking(who, &tomorrow, offering, &key()),
            )
            .await;
        reply.error(404, "ELDER_NOT_IDENTIFIED");
        answers.push(reply.raw().to_string());
    }
    assert!(answers.windows(2).all(|w| w[0] == w[1]), "{answers:?}");
}

#[tokio::test]
async fn the_counter_books_by_id_card_and_name_and_the_slip_shows_only_what_the_counter_needs() {
    let tomorrow = day(1);
    let app = spawn_demo_city().await;
    let kitchen = kitchen(&app).await;
    let offering = kitchen.offering(&app, &tomorrow, 5).await;
    let registered = elder(&app, 1).await;

    // The right number and name book; the slip shows the name and the masked number only.
    let booked = app
        .book(
            &kitchen.operator,
            &kitchen.counter_booking(&registered, &tomorrow, offering, &key()),
        )
        .await;
    assert_eq!(booked.status, 201, "{}", booked.raw());
    let raw = booked.raw().clone();
    let slip = booked.ok();
    assert_eq!(slip.elder_name.as_deref(), Some(registered.2.as_str()));
    let masked = slip.elder_id_card_masked.as_deref().unwrap();
    assert!(masked.contains('*') && !masked.contains(&registered.1[6..14]));
    assert!(!raw.to_string().contains(&registered.1));
    // No view field for these: they must not be sent at all.
    assert!(
        raw["price"].get("rules").is_none(),
        "no category names: {raw}"
    );
    assert!(raw.get("delivery_address").is_none());

    // A delivery booked at the counter needs the address typed there.
    let second = elder(&app, 2).await;
    let mut delivery = kitchen.counter_booking(&second, &tomorrow, offering, &key());
    delivery.request.mode = ServiceMode::Delivery;
    let refused = app.book(&kitchen.operator, &delivery).await;
    if refused.status != 400 || refused.code().as_deref() != Some("DELIVERY_ADDRESS_REQUIRED") {
        // A meal point without delivery refuses the mode first; either way nothing is booked.
        refused.error(400, "MODE_NOT_OFFERED");
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
        app.book(
            &kitchen.operator,
            &kitchen.counter_booking(&wrong, &tomorrow, offering, &key()),
        )
        .await
        .error(404, "ELDER_NOT_IDENTIFIED");
    }
    // Now even the right name waits: guessing names or numbers stops here.
    app.book(
        &kitchen.operator,
        &kitchen.counter_booking(&registered, &tomorrow, offering, &key()),
    )
    .await
    .error(429, "ELDER_IDENTIFY_TOO_MANY_ATTEMPTS");
    // Ten minutes on, the counter works again.
    app.advance_clock(Duration::minutes(10));
    app.book(
        &kitchen.operator,
        &kitchen.counter_booking(&registered, &tomorrow, offering, &key()),
    )
    .await
    .ok_with(201);
}
