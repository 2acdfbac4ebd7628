//! WeChat subscribe messages (订阅消息) against the fake WeChat: the outbox sends each notice
//! once (across rounds, a sender dying mid-way, a second instance), only within the recipient's
//! one-time subscriptions, retries a failing WeChat with back-off, tells the family when the
//! elder did not collect lunch, and fetches the access token once however many ask at once. The
//! demo's accounts come subscribed, so `cargo run` sends its notices to the bundled fake WeChat.

use chrono::Duration;
use serde_json::{Value, json};
use zhucan::{
    demo::DemoScope,
    notices::{
        service::{Delivered, Sender, deliver_due},
        store::claim_due,
    },
    wechat::{fake::SendFailure, token::AccessTokens},
};

use crate::{
    fixtures::{Kitchen, elder, family_of, key, kitchen},
    helpers::{TestApp, day, spawn_app_with_settings},
};

const SON: &str = "o-notice-son";
const BOOKED: &str = "demo-booking-confirmed";
const NO_SHOW: &str = "demo-no-show-alert";
const CLOSURE: &str = "demo-closure-cancelled";

/// A kitchen with lunch on the next `days` days, and an elder registered by the city (no WeChat
/// of his own) whose son is linked. The background sender is left idle (a round at start only):
/// the tests deliver themselves.
struct Setting {
    app: TestApp,
    kitchen: Kitchen,
    /// Lunch offerings, one per day from tomorrow.
    offerings: Vec<(String, i64)>,
    elder_id: i64,
    elder_name: String,
    son: String,
}

impl Setting {
    async fn start(days: i64) -> Self {
        let app = spawn_app_with_settings(
            DemoScope::CityWithoutHistory,
            &[("ZHUCAN_NOTICE_SWEEP_SECONDS", "600")],
        )
        .await;
        let kitchen = kitchen(&app).await;
        let mut offerings = Vec::new();
        for d in 1..=days {
            let date = day(d);
            let offering = kitchen.offering(&app, &date, 10).await;
            offerings.push((date, offering));
        }
        let (elder_id, number, elder_name) = elder(&app, 1).await;
        let son = family_of(&app, SON, &number, &elder_name).await;
        Self {
            app,
            kitchen,
            offerings,
            elder_id,
            elder_name,
            son,
        }
    }

    /// The son books the elder's lunch on the `n`th day; returns the order id.
    async fn book(&self, n: usize) -> String {
        let (date, offering) = &self.offerings[n];
        let body = self.kitchen.booking(self.elder_id, date, *offering, &key());
        self.app.book(&self.son, &body).await.ok().id
    }

    /// The son accepts `template` `times` times in the mini program.
    async fn subscribe(&self, template: &str, times: usize) {
        for _ in 0..times {
            self.app
                .post(
                    "/api/v1/me/notice-subscriptions",
                    Some(&self.son),
                    json!({ "answers": [{ "template_id": template, "answer": "accept" }] }),
                )
                .await
                .assert_ok();
        }
    }

    async fn deliver(&self) -> Delivered {
        deliver_due(&self.app.state.outbox()).await.unwrap()
    }

    /// Messages the fake WeChat took for the son, of one template.
    fn sent(&self, template: &str) -> Vec<zhucan::wechat::fake::SentMessage> {
        self.app
            .fake_wechat
            .sent_messages()
            .into_iter()
            .filter(|m| m.touser == SON && m.template_id == template)
            .collect()
    }

    async fn remaining(&self, template: &str) -> i64 {
        let mine = self
            .app
            .get("/api/v1/me/notice-subscriptions", Some(&self.son))
            .await;
        mine.assert_ok()["templates"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["template_id"] == template)
            .map(|t| t["remaining"].as_i64().unwrap())
            .unwrap()
    }

    /// The operator's board row of an order: its `notice` column.
    async fn board_notice(&self, date: &str, order_id: &str) -> Value {
        let board = self
            .app
            .get(
                &format!(
                    "/api/v1/meal-points/{}/orders?date={date}",
                    self.kitchen.meal_point_id
                ),
                Some(&self.kitchen.operator),
            )
            .await;
        board.assert_ok()["orders"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["id"] == order_id)
            .map(|o| o["notice"].clone())
            .unwrap()
    }
}

#[tokio::test]
async fn a_booking_is_confirmed_once_to_the_family_of_an_elder_without_wechat() {
    let s = Setting::start(1).await;
    s.subscribe(BOOKED, 1).await;
    let order_id = s.book(0).await;
    let order = s.app.order(&s.son, &order_id).await.ok();
    s.deliver().await;
    s.deliver().await;
    let sent = s.sent(BOOKED);
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(
        sent[0].value("character_string2"),
        order.pickup_code.as_deref()
    );
    assert!(
        sent[0].value("thing4").unwrap().starts_with("午餐"),
        "{sent:?}"
    );
    assert_eq!(
        sent[0].page.as_deref(),
        Some(format!("pages/order/order?id={order_id}").as_str())
    );
    assert_eq!(s.remaining(BOOKED).await, 0, "one accept, one message");
    assert_eq!(
        s.board_notice(&s.offerings[0].0, &order_id).await,
        "reached"
    );
}

#[tokio::test]
async fn without_a_subscription_nothing_is_sent_and_the_board_says_so() {
    let s = Setting::start(2).await;
    // One accept covers one message: the second booking's confirmation has none left.
    s.subscribe(BOOKED, 1).await;
    let first = s.book(0).await;
    s.deliver().await;
    let second = s.book(1).await;
    s.deliver().await;
    assert_eq!(s.sent(BOOKED).len(), 1);
    assert_eq!(s.board_notice(&s.offerings[0].0, &first).await, "reached");
    // The reminder is still to come for the second: the board waits for it.
    assert_eq!(s.board_notice(&s.offerings[1].0, &second).await, "pending");
    s.app.advance_clock(Duration::days(2));
    s.deliver().await;
    assert_eq!(
        s.board_notice(&s.offerings[1].0, &second).await,
        "not_reached"
    );
    let states: Vec<String> = notices_of(&s.app, &second)
        .await
        .into_iter()
        .map(|n| n.state.to_string())
        .collect();
    assert_eq!(states, ["no_quota", "no_quota"], "recorded as not sent");
    assert_eq!(s.app.fake_wechat.send_calls(), 1, "WeChat never asked");
}

#[tokio::test]
async fn a_failing_wechat_is_retried_with_back_off_and_the_message_sent_once() {
    let s = Setting::start(1).await;
    s.subscribe(BOOKED, 1).await;
    s.app.fake_wechat.fail_next(SendFailure::ServerError, 2);
    let order_id = s.book(0).await;
    assert_eq!(s.deliver().await.retrying, 1);
    // Not due again before the back-off (60 s, then 120 s).
    assert_eq!(s.deliver().await, Delivered::default());
    s.app.advance_clock(Duration::seconds(61));
    assert_eq!(s.deliver().await.retrying, 1);
    s.app.advance_clock(Duration::seconds(61));
    assert_eq!(s.deliver().await, Delivered::default());
    s.app.advance_clock(Duration::seconds(60));
    assert_eq!(s.deliver().await.sent, 1);
    assert_eq!(s.sent(BOOKED).len(), 1);
    assert_eq!(s.app.fake_wechat.send_calls(), 3);
    // The quota was taken once, for the one message, however many tries it took.
    assert_eq!(s.remaining(BOOKED).await, 0);
    let confirmed = notices_of(&s.app, &order_id)
        .await
        .into_iter()
        .find(|n| n.kind == vocabulary::NoticeKind::BookingConfirmed)
        .unwrap();
    assert_eq!(confirmed.attempts, 3);
}

#[tokio::test]
async fn wechat_refusing_for_want_of_subscription_is_final_and_empties_the_quota() {
    let s = Setting::start(1).await;
    s.subscribe(BOOKED, 2).await;
    s.app.fake_wechat.fail_next(SendFailure::NoQuota, 1);
    let order_id = s.book(0).await;
    s.deliver().await;
    s.app.advance_clock(Duration::hours(1));
    s.deliver().await;
    assert!(s.sent(BOOKED).is_empty());
    assert_eq!(s.remaining(BOOKED).await, 0, "WeChat knows better: 43101");
    let confirmed = notices_of(&s.app, &order_id)
        .await
        .into_iter()
        .find(|n| n.kind == vocabulary::NoticeKind::BookingConfirmed)
        .unwrap();
    assert_eq!(confirmed.state, vocabulary::NoticeState::NoQuota);
}

#[tokio::test]
async fn the_family_is_told_when_the_elder_does_not_collect_lunch() {
    let s = Setting::start(1).await;
    s.subscribe(NO_SHOW, 1).await;
    let order_id = s.book(0).await;
    // Tomorrow 16:00: lunch closed, the grace hour gone.
    s.app.advance_clock(Duration::hours(31));
    // The background sweep may have marked it first: either way it is marked once.
    zhucan::orders::service::sweep_no_shows(&s.app.state)
        .await
        .unwrap();
    let order = s.app.order(&s.son, &order_id).await.ok();
    assert_eq!(order.state, vocabulary::OrderState::NoShow);
    s.deliver().await;
    let sent = s.sent(NO_SHOW);
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0].value("name1"), Some(s.elder_name.as_str()));
    assert_eq!(sent[0].value("thing4"), Some("午餐未取餐，请关心老人"));
    assert!(
        sent[0].page.as_deref().unwrap().ends_with(&order_id),
        "{sent:?}"
    );
}

#[tokio::test]
async fn a_closure_tells_of_the_cancelled_order_with_its_reason() {
    let s = Setting::start(1).await;
    s.subscribe(CLOSURE, 1).await;
    let order_id = s.book(0).await;
    let date = &s.offerings[0].0;
    s.app
        .put(
            &format!("/api/v1/meal-points/{}/status", s.kitchen.meal_point_id),
            Some(&s.kitchen.operator),
            json!({"status": "paused", "status_reason": "厨房设备检修", "status_from": date, "status_until": date}),
        )
        .await
        .assert_ok();
    s.deliver().await;
    let sent = s.sent(CLOSURE);
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(
        sent[0].value("thing3"),
        Some("助餐点暂停服务：厨房设备检修")
    );
    // The reminder of the cancelled order is never sent.
    s.app.advance_clock(Duration::days(1));
    s.deliver().await;
    let reminder = notices_of(&s.app, &order_id)
        .await
        .into_iter()
        .find(|n| n.kind == vocabulary::NoticeKind::SlotReminder)
        .unwrap();
    assert_eq!(reminder.state, vocabulary::NoticeState::Obsolete);
}

#[tokio::test]
async fn a_notice_whose_sender_died_mid_way_is_sent_once_by_another() {
    let s = Setting::start(1).await;
    s.subscribe(BOOKED, 1).await;
    s.book(0).await;
    // A sender claims the confirmation and dies before sending (a restart).
    let state = &s.app.state;
    let held = claim_due(
        &state.db,
        "sender-that-died",
        state.clock.now(),
        Duration::seconds(60),
        50,
    )
    .await
    .unwrap();
    assert_eq!(held.len(), 1);
    assert_eq!(s.deliver().await, Delivered::default(), "its lease holds");
    s.app.advance_clock(Duration::seconds(61));
    assert_eq!(s.deliver().await.sent, 1);
    // Restarted: a fresh instance on the same database sends nothing again.
    let restarted = second_sender(&s.app).await;
    deliver_with(&s.app, &restarted).await;
    s.deliver().await;
    assert_eq!(s.sent(BOOKED).len(), 1);
}

#[tokio::test]
async fn two_instances_delivering_at_once_send_each_notice_once() {
    let s = Setting::start(4).await;
    s.subscribe(BOOKED, 4).await;
    let mut orders = Vec::new();
    for n in 0..4 {
        orders.push(s.book(n).await);
    }
    let other = second_sender(&s.app).await;
    for _ in 0..3 {
        let (a, b) = tokio::join!(s.deliver(), deliver_with(&s.app, &other));
        let _ = (a, b);
    }
    let mut pages: Vec<String> = s
        .sent(BOOKED)
        .into_iter()
        .map(|m| m.page.unwrap())
        .collect();
    pages.sort();
    let mut expected: Vec<String> = orders
        .iter()
        .map(|id| format!("pages/order/order?id={id}"))
        .collect();
    expected.sort();
    assert_eq!(pages, expected);
}

#[tokio::test]
async fn the_access_token_is_fetched_once_however_many_ask_and_again_when_rejected() {
    let s = Setting::start(1).await;
    let fake = &s.app.fake_wechat;
    fake.delay_stable_token(200);
    let peer = s.app.spawn_peer().await;
    let mut asks = tokio::task::JoinSet::new();
    for n in 0..8 {
        let state = match (&peer, n % 2) {
            (Some(peer), 1) => peer.state.clone(),
            _ => s.app.state.clone(),
        };
        asks.spawn(async move { state.notices.tokens.get().await.unwrap() });
    }
    let tokens = asks.join_all().await;
    assert_eq!(fake.stable_token_calls(), 1);
    assert!(tokens.windows(2).all(|w| w[0] == w[1]));

    // WeChat says the token expired: a new one is fetched (once) and the message still goes.
    s.subscribe(BOOKED, 1).await;
    fake.fail_next(SendFailure::TokenExpired, 1);
    s.book(0).await;
    assert_eq!(s.deliver().await.sent, 1);
    assert_eq!(fake.stable_token_calls(), 2);
    assert_eq!(s.sent(BOOKED).len(), 1);

    // Refreshed before it ends (2 hours), not after.
    s.app.advance_clock(Duration::minutes(110));
    s.app.state.notices.tokens.get().await.unwrap();
    assert_eq!(fake.stable_token_calls(), 2);
    s.app.advance_clock(Duration::minutes(5));
    s.app.state.notices.tokens.get().await.unwrap();
    assert_eq!(fake.stable_token_calls(), 3);
}

#[tokio::test]
async fn subscriptions_take_known_templates_from_elders_and_families_only() {
    let s = Setting::start(1).await;
    let mine = s
        .app
        .get("/api/v1/me/notice-subscriptions", Some(&s.son))
        .await;
    let body = mine.assert_ok();
    assert_eq!(
        body["booking_screen"][1], NO_SHOW,
        "a son asks for the no-show alert"
    );
    assert_eq!(body["templates"].as_array().unwrap().len(), 7);
    let report = |answers: Value| {
        s.app.post(
            "/api/v1/me/notice-subscriptions",
            Some(&s.son),
            json!({ "answers": answers }),
        )
    };
    report(json!([
        { "template_id": BOOKED, "answer": "accept" },
        { "template_id": "someone-elses-template", "answer": "accept" },
    ]))
    .await
    .assert_field_error(400, "SUBSCRIBE_TEMPLATE_UNKNOWN", "answers");
    assert_eq!(s.remaining(BOOKED).await, 0, "refused whole");
    report(json!([])).await.assert_error(400, "ANSWERS_INVALID");
    report(json!([
        { "template_id": BOOKED, "answer": "accept" },
        { "template_id": NO_SHOW, "answer": "reject" },
    ]))
    .await
    .assert_ok();
    assert_eq!(s.remaining(BOOKED).await, 1);
    assert_eq!(s.remaining(NO_SHOW).await, 0);
    s.app
        .get("/api/v1/me/notice-subscriptions", Some(&s.kitchen.operator))
        .await
        .assert_error(403, "ROLE_FORBIDDEN");
}

/// Another instance's sender on the same database (its own lease name and token cache).
async fn second_sender(app: &TestApp) -> Sender {
    let state = &app.state;
    Sender::new(AccessTokens::new(
        state.wechat.clone(),
        state.clock.clone(),
        &state.db,
        state
            .redis
            .clone()
            .map(|conn| (conn, state.config.redis_key_prefix.clone())),
    ))
}

async fn deliver_with(app: &TestApp, sender: &Sender) -> Delivered {
    let state = &app.state;
    let outbox = zhucan::notices::service::Outbox {
        db: &state.db,
        clock: &state.clock,
        config: &state.config.notices,
        sender,
    };
    deliver_due(&outbox).await.unwrap()
}

async fn notices_of(app: &TestApp, order_id: &str) -> Vec<entity::notice::Model> {
    zhucan::notices::store::of_orders(&app.state.db, vec![order_id.to_string()])
        .await
        .unwrap()
}

#[tokio::test]
async fn the_demo_accounts_come_subscribed_and_the_demo_sends_confirmation_reminder_and_no_show() {
    let app =
        spawn_app_with_settings(DemoScope::Full, &[("ZHUCAN_NOTICE_SWEEP_SECONDS", "600")]).await;
    let quota = zhucan::demo::notices::DEMO_QUOTA_PER_TEMPLATE;
    for openid in [
        "demo-elder-1",
        "demo-elder-2",
        "demo-family-2",
        "demo-family-4",
    ] {
        let token = app.wechat_token(openid).await;
        let mine = app
            .get("/api/v1/me/notice-subscriptions", Some(&token))
            .await;
        let templates = mine.assert_ok()["templates"].as_array().unwrap().clone();
        assert_eq!(templates.len(), 7);
        for template in templates {
            assert_eq!(template["remaining"], quota, "{openid}: {template}");
        }
    }

    // 刘志强 (天宁 hukou, living in 钟楼) has no WeChat of his own: his son (demo-family-2) books
    // his lunch at the demo kitchen.
    let son = app.wechat_token("demo-family-2").await;
    let elder_id = app
        .my_elders(&son)
        .await
        .ok()
        .into_iter()
        .find(|e| e.elder.name == "刘志强")
        .map(|e| e.elder.id)
        .expect("刘志强 is demo-family-2's");
    let kitchen = kitchen(&app).await;
    let date = day(1);
    let offering = kitchen.offering(&app, &date, 10).await;
    let body = kitchen.booking(elder_id, &date, offering, &key());
    let order = app.book(&son, &body).await.ok();
    let outbox = app.state.outbox();
    deliver_due(&outbox).await.unwrap();
    // 19:00: the evening's reminder is due.
    app.advance_clock(Duration::hours(10));
    deliver_due(&outbox).await.unwrap();
    // Tomorrow 16:00: lunch closed, the grace hour gone, and he never came.
    app.advance_clock(Duration::hours(21));
    zhucan::orders::service::sweep_no_shows(&app.state)
        .await
        .unwrap();
    deliver_due(&outbox).await.unwrap();

    let page = format!("pages/order/order?id={}", order.id);
    let sent: Vec<(String, String)> = app
        .fake_wechat
        .sent_messages()
        .into_iter()
        .filter(|m| m.page.as_deref() == Some(page.as_str()))
        .map(|m| (m.touser, m.template_id))
        .collect();
    let to_son = |template: &str| ("demo-family-2".to_string(), template.to_string());
    assert_eq!(
        sent,
        [
            to_son(BOOKED),
            to_son("demo-slot-reminder"),
            to_son(NO_SHOW)
        ]
    );
    let son_left = app.get("/api/v1/me/notice-subscriptions", Some(&son)).await;
    let booked_left = son_left.assert_ok()["templates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["template_id"] == BOOKED)
        .map(|t| t["remaining"].as_i64().unwrap());
    assert_eq!(booked_left, Some(i64::from(quota) - 1));
}
