//! Paying the elder's share online (WeChat Pay, partner mode) against the fake WeChat Pay: pay →
//! served, a payment that lapses, cancel → full refund, an operator's partial refund; and the
//! share taken at the counter, recorded by the operator after the pickup.

use chrono::Duration;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;
use vocabulary::{
    CounterMethod, ElderCategory, OrderState, PaymentMethods, PaymentState, RefundState,
};
use zhucan::{
    demo::DemoScope,
    orders::http::OrderView,
    payments::http::{PaymentLaunchView, PaymentMethodsView, PaymentView, RefundView},
    wechat::pay::fake::FakeWeChatPay,
};

use crate::{
    fixtures::{
        ElderForm, Kitchen, ZHONGLOU, elder, family_of, key, kitchen, new_dish, new_operator,
        other_meal_point, register_elder,
    },
    helpers::{TestApp, Typed, born, day, id_card_number, spawn_app_with_settings, test_start},
};

/// A demo city whose test kitchen takes the share online only (or as `methods` says).
pub struct Online {
    pub app: TestApp,
    pub kitchen: Kitchen,
    pub offering: i64,
    pub date: String,
    pub family: String,
    pub elder_id: i64,
}

impl Online {
    pub async fn start(methods: PaymentMethods) -> Self {
        Self::start_with(methods, &[]).await
    }

    pub async fn start_with(methods: PaymentMethods, settings: &[(&str, &str)]) -> Self {
        let app = spawn_app_with_settings(DemoScope::CityWithoutHistory, settings).await;
        let kitchen = kitchen(&app).await;
        let date = day(1);
        let offering = kitchen.offering(&app, &date, 10).await;
        let admin = app.staff_token("admin").await;
        app.set_payment_methods(&admin, kitchen.meal_point_id, methods, Some("1900000201"))
            .await
            .ok();
        let (elder_id, number, name) = elder(&app, 1).await;
        let family = family_of(&app, "o-pay-son", &number, &name).await;
        Self {
            app,
            kitchen,
            offering,
            date,
            family,
            elder_id,
        }
    }

    pub fn fake(&self) -> &FakeWeChatPay {
        self.app
            .fake_pay
            .as_ref()
            .expect("demo mode starts the fake WeChat Pay")
    }

    pub async fn book(&self) -> OrderView {
        self.app
            .book(
                &self.family,
                &self
                    .kitchen
                    .booking(self.elder_id, &self.date, self.offering, &key()),
            )
            .await
            .ok()
    }

    /// Books and pays at the fake (the notification follows, unless held).
    pub async fn book_and_pay(&self) -> (OrderView, PaymentLaunchView) {
        let order = self.book().await;
        let launch = self.app.start_payment(&self.family, &order.id).await.ok();
        let prepay_id = launch
            .request_payment
            .package
            .trim_start_matches("prepay_id=");
        self.fake()
            .pay(prepay_id)
            .await
            .expect("the fake takes the payment");
        (order, launch)
    }

    /// Another elder (`n`, see [`elder`]) books the same lunch through a son signed in as
    /// `openid`; returns the son's token and the order.
    pub async fn book_another(&self, n: u32, openid: &str) -> (String, OrderView) {
        let (elder_id, number, name) = elder(&self.app, n).await;
        let family = family_of(&self.app, openid, &number, &name).await;
        let booking = self
            .kitchen
            .booking(elder_id, &self.date, self.offering, &key());
        let order = self.app.book(&family, &booking).await.ok();
        (family, order)
    }

    pub async fn payment_state(&self, order_id: &str) -> PaymentState {
        self.app
            .order(&self.family, order_id)
            .await
            .ok()
            .payment_state
    }

    pub async fn portions_left(&self) -> i64 {
        self.kitchen
            .portions_left(&self.app, &self.date, self.offering)
            .await
    }

    /// Waits for the fake's asynchronous refund notification to be answered.
    pub async fn settled(&self, order_id: &str, state: PaymentState) {
        for _ in 0..100 {
            if self.payment_state(order_id).await == state {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        panic!("payment of {order_id} never became {state:?}");
    }
}

/// The payments domain's operations, typed.
impl TestApp {
    pub async fn set_payment_methods(
        &self,
        token: &str,
        meal_point_id: i64,
        methods: PaymentMethods,
        sub_mchid: Option<&str>,
    ) -> Typed<PaymentMethodsView> {
        Typed::from_reply(
            self.put(
                &format!("/api/v1/meal-points/{meal_point_id}/payment-methods"),
                Some(token),
                json!({ "methods": methods, "sub_mchid": sub_mchid }),
            )
            .await,
        )
    }

    pub async fn start_payment(&self, token: &str, order_id: &str) -> Typed<PaymentLaunchView> {
        Typed::from_reply(
            self.post(
                &format!("/api/v1/orders/{order_id}/payment"),
                Some(token),
                json!({}),
            )
            .await,
        )
    }

    /// The operator records the share taken at the counter (`cash` or `scan`).
    pub async fn record_counter_payment(
        &self,
        token: &str,
        order_id: &str,
        method: &str,
    ) -> Typed<PaymentView> {
        Typed::from_reply(
            self.post(
                &format!("/api/v1/orders/{order_id}/counter-payment"),
                Some(token),
                json!({ "method": method }),
            )
            .await,
        )
    }

    pub async fn payment(&self, token: &str, order_id: &str) -> Typed<PaymentView> {
        Typed::from_reply(
            self.get(&format!("/api/v1/orders/{order_id}/payment"), Some(token))
                .await,
        )
    }

    pub async fn refund(
        &self,
        token: &str,
        order_id: &str,
        amount: &str,
        reason: &str,
        client_key: &str,
    ) -> Typed<RefundView> {
        Typed::from_reply(
            self.post(
                &format!("/api/v1/orders/{order_id}/refunds"),
                Some(token),
                json!({ "amount": amount, "reason": reason, "client_key": client_key }),
            )
            .await,
        )
    }
}

#[tokio::test]
async fn an_online_booking_is_paid_through_wechat_pay_and_then_served() {
    let online = Online::start(PaymentMethods::Online).await;
    let app = &online.app;
    let order = online.book().await;
    assert_eq!(order.payment_state, PaymentState::Pending);
    assert_eq!(order.payment_state_label, "待支付");
    assert_eq!(online.portions_left().await, 9);

    let launch = app.start_payment(&online.family, &order.id).await.ok();
    assert_eq!(
        launch.amount.to_string(),
        order.price.elder_share.to_string()
    );
    assert_eq!(launch.request_payment.sign_type, "RSA");
    assert!(launch.request_payment.package.starts_with("prepay_id="));
    // The same order again: the same trade, not a second one.
    let again = app.start_payment(&online.family, &order.id).await.ok();
    assert_eq!(
        again.request_payment.package,
        launch.request_payment.package
    );
    // paySign is RSA-SHA256 by the merchant key over appId\ntimeStamp\nnonceStr\npackage\n.
    let keys = zhucan::wechat::pay::fake::demo_keys("", "");
    let message = zhucan::wechat::pay::crypto::pay_sign_message(
        &launch.request_payment.app_id,
        &launch.request_payment.time_stamp,
        &launch.request_payment.nonce_str,
        &launch.request_payment.package,
    );
    keys.merchant
        .verifier()
        .verify(message.as_bytes(), &launch.request_payment.pay_sign)
        .expect("paySign checks with the merchant's public key");

    let prepay_id = launch
        .request_payment
        .package
        .trim_start_matches("prepay_id=");
    online.fake().pay(prepay_id).await.unwrap();
    assert_eq!(
        online.payment_state(&order.id).await,
        PaymentState::PaidOnline
    );
    let read = app.order(&online.family, &order.id).await.ok();
    assert_eq!(read.payment_state_label, "已支付");
    // Paid: nothing left to pay.
    app.start_payment(&online.family, &order.id)
        .await
        .error(409, "PAYMENT_NOT_DUE");

    // The sweep after the payment time leaves a paid booking alone.
    app.advance_clock(Duration::minutes(30));
    let swept = zhucan::payments::service::sweep(&app.state).await.unwrap();
    assert_eq!(swept.lapsed, 0);

    // Served at the counter next day.
    app.state
        .clock
        .set(crate::helpers::test_start() + Duration::days(1) + Duration::hours(2));
    let code = order.pickup_code.clone().unwrap();
    let served = app
        .verify_pickup(
            &online.kitchen.operator,
            online.kitchen.meal_point_id,
            &code,
        )
        .await
        .ok();
    assert_eq!(served.state, OrderState::Served);
    assert_eq!(served.payment_state, PaymentState::PaidOnline);

    // The operator traces the money: the prepay and the verified notification, raw.
    let trace = app.payment(&online.kitchen.operator, &order.id).await.ok();
    let kinds: Vec<_> = trace.events.iter().map(|e| e.kind).collect();
    use vocabulary::PayEventKind::*;
    assert!(
        kinds.contains(&Prepay) && kinds.contains(&PayNotice),
        "{kinds:?}"
    );
    assert!(trace.transaction_id.is_some());
    // The family sees the state, not the exchanges.
    assert!(
        app.payment(&online.family, &order.id)
            .await
            .ok()
            .events
            .is_empty()
    );
}

#[tokio::test]
async fn an_unpaid_online_booking_lapses_and_gives_its_portion_back_once() {
    let online = Online::start(PaymentMethods::Online).await;
    let app = &online.app;
    let order = online.book().await;
    // Started paying, never finished.
    app.start_payment(&online.family, &order.id).await.ok();
    let (family2, unstarted) = online.book_another(2, "o-pay-daughter").await;
    assert_eq!(online.portions_left().await, 8);

    // Nine minutes in: still waiting.
    app.advance_clock(Duration::minutes(9));
    let swept = zhucan::payments::service::sweep(&app.state).await.unwrap();
    assert_eq!(swept.lapsed, 0);
    assert_eq!(online.portions_left().await, 8);

    app.advance_clock(Duration::minutes(2));
    // Two instances sweeping at once: each booking lapses once, its portion back once.
    let (a, b) = tokio::join!(
        zhucan::payments::service::sweep(&app.state),
        zhucan::payments::service::sweep(&app.state)
    );
    assert_eq!(a.unwrap().lapsed + b.unwrap().lapsed, 2);
    assert_eq!(online.portions_left().await, 10);
    for (token, id) in [(&online.family, &order.id), (&family2, &unstarted.id)] {
        let read = app.order(token, id).await.ok();
        assert_eq!(read.state, OrderState::Cancelled);
        assert_eq!(read.payment_state, PaymentState::Closed);
        assert_eq!(
            read.cancel_reason.as_deref(),
            Some(zhucan::payments::service::LAPSED_REASON)
        );
        assert_eq!(
            read.history
                .iter()
                .filter(|e| e.to_state == OrderState::Cancelled)
                .count(),
            1
        );
    }
    // The trade is closed at WeChat Pay: nobody can pay it any more.
    let trace = app.payment(&online.kitchen.operator, &order.id).await.ok();
    assert!(
        trace
            .events
            .iter()
            .any(|e| e.kind == vocabulary::PayEventKind::Close)
    );
    // The elder's quota came back: the same elder books the slot again.
    let rebooked = online.book().await;
    assert_eq!(rebooked.state, OrderState::Booked);
    // And a late attempt to pay the lapsed order is refused.
    app.start_payment(&online.family, &order.id)
        .await
        .error(409, "ORDER_NOT_BOOKED");
}

#[tokio::test]
async fn a_cancelled_paid_order_is_refunded_in_full_and_the_refund_notification_settles_it() {
    let online = Online::start(PaymentMethods::Online).await;
    let app = &online.app;
    let (order, _) = online.book_and_pay().await;
    assert_eq!(
        online.payment_state(&order.id).await,
        PaymentState::PaidOnline
    );

    let cancelled = app.cancel(&online.family, &order.id, None).await.ok();
    assert_eq!(cancelled.state, OrderState::Cancelled);
    online.settled(&order.id, PaymentState::Refunded).await;
    let read = app.order(&online.family, &order.id).await.ok();
    assert_eq!(read.payment_state_label, "已退款");
    let trace = app.payment(&online.kitchen.operator, &order.id).await.ok();
    assert_eq!(trace.refunds.len(), 1);
    assert_eq!(trace.refunds[0].state, RefundState::Succeeded);
    assert_eq!(
        trace.refunds[0].amount.to_string(),
        order.price.elder_share.to_string()
    );
    assert!(
        trace
            .events
            .iter()
            .any(|e| e.kind == vocabulary::PayEventKind::RefundNotice)
    );
    // Nothing left to refund.
    app.refund(&online.kitchen.operator, &order.id, "1.00", "多退", &key())
        .await
        .error(409, "NOTHING_TO_REFUND");
}

#[tokio::test]
async fn an_operator_refunds_part_of_a_payment_with_a_reason_once_per_request() {
    let online = Online::start(PaymentMethods::Both).await;
    let app = &online.app;
    let order = online.book().await;
    // Online or at the counter: the booking does not wait for the money.
    assert_eq!(order.payment_state, PaymentState::Unpaid);
    let launch = app.start_payment(&online.family, &order.id).await.ok();
    let prepay_id = launch
        .request_payment
        .package
        .trim_start_matches("prepay_id=");
    online.fake().pay(prepay_id).await.unwrap();
    assert_eq!(
        online.payment_state(&order.id).await,
        PaymentState::PaidOnline
    );
    let operator = &online.kitchen.operator;

    // Refusals change nothing.
    app.refund(operator, &order.id, "0.00", "少一个菜", &key())
        .await
        .error(400, "REFUND_AMOUNT_INVALID");
    app.refund(operator, &order.id, "2.00", "", &key())
        .await
        .error(400, "REFUND_REASON_REQUIRED");
    app.refund(operator, &order.id, "99.00", "少一个菜", &key())
        .await
        .error(400, "REFUND_TOO_LARGE");
    app.refund(&online.family, &order.id, "1.00", "少一个菜", &key())
        .await
        .error(403, "ROLE_FORBIDDEN");

    let request = key();
    let refund = app
        .refund(operator, &order.id, "2.00", "少一个菜", &request)
        .await;
    assert_eq!(refund.status, 202);
    let refund = refund.ok();
    assert_eq!(refund.amount.to_string(), "2.00");
    // The same request again: the same refund.
    let again = app
        .refund(operator, &order.id, "2.00", "少一个菜", &request)
        .await
        .ok();
    assert_eq!(again.out_refund_no, refund.out_refund_no);
    online
        .settled(&order.id, PaymentState::PartiallyRefunded)
        .await;
    let trace = app.payment(operator, &order.id).await.ok();
    assert_eq!(trace.refunds.len(), 1);
    assert_eq!(trace.payment_state_label, "部分退款");
}

/// Lunch on the bookings' day (tomorrow), when the counter verifies pickups.
fn to_lunch(app: &TestApp) {
    app.state
        .clock
        .set(test_start() + Duration::days(1) + Duration::hours(2));
}

fn prepay_id(launch: &PaymentLaunchView) -> &str {
    launch
        .request_payment
        .package
        .trim_start_matches("prepay_id=")
}

#[tokio::test]
async fn the_operator_records_the_share_taken_at_the_counter_once_after_the_pickup() {
    let counter = Online::start(PaymentMethods::Counter).await;
    let app = &counter.app;
    let operator = &counter.kitchen.operator;
    let meal_point_id = counter.kitchen.meal_point_id;
    let order = counter.book().await;
    assert_eq!(order.payment_state, PaymentState::Unpaid);
    // Before the pickup there is nothing to take yet.
    app.record_counter_payment(operator, &order.id, "cash")
        .await
        .error(409, "ORDER_NOT_SERVED");

    to_lunch(app);
    let code = order.pickup_code.clone().unwrap();
    let served = app.verify_pickup(operator, meal_point_id, &code).await.ok();
    // The pickup never waits for the money: the board shows it still to take.
    assert_eq!(served.state, OrderState::Served);
    assert_eq!(served.payment_state, PaymentState::Unpaid);
    let board = app
        .get(
            &format!(
                "/api/v1/meal-points/{meal_point_id}/orders?date={}",
                counter.date
            ),
            Some(operator),
        )
        .await;
    let row = board.assert_ok()["orders"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["id"] == order.id.as_str())
        .cloned()
        .unwrap();
    assert_eq!(row["payment_state"], "unpaid", "{row}");

    // Refusals change nothing: the family, another meal point's operator, an unknown method.
    app.record_counter_payment(&counter.family, &order.id, "cash")
        .await
        .error(403, "ROLE_FORBIDDEN");
    let admin = app.staff_token("admin").await;
    let elsewhere = other_meal_point(app).await;
    let (other, _) = new_operator(app, &admin, "op-counter-other", elsewhere).await;
    app.record_counter_payment(&other, &order.id, "cash")
        .await
        .error(404, "ORDER_NOT_FOUND");
    let card = app
        .record_counter_payment(operator, &order.id, "card")
        .await;
    assert_eq!(card.status.as_u16(), 400, "{}", card.raw());
    assert_eq!(counter.payment_state(&order.id).await, PaymentState::Unpaid);

    // Two counters record it at once: one record, and the other is answered with it.
    let (a, b) = tokio::join!(
        app.record_counter_payment(operator, &order.id, "cash"),
        app.record_counter_payment(operator, &order.id, "cash")
    );
    let mut statuses = [a.status.as_u16(), b.status.as_u16()];
    statuses.sort();
    assert_eq!(statuses, [200, 201], "{} {}", a.raw(), b.raw());
    let paid = a.ok();
    assert_eq!(paid.payment_state, PaymentState::PaidAtCounter);
    assert_eq!(paid.payment_state_label, "已到店付款");
    let record = paid.counter_payment.expect("the counter's record");
    assert_eq!(record.method, CounterMethod::Cash);
    assert_eq!(record.method_label, "现金");
    assert_eq!(
        record.amount.to_string(),
        order.price.elder_share.to_string()
    );
    assert_eq!(record.recorded_by, app.account_id(operator).await);
    // Again, as a scan: the first record answers and nothing is written.
    let again = app
        .record_counter_payment(operator, &order.id, "scan")
        .await
        .ok_with(200);
    assert_eq!(again.counter_payment.unwrap().method, CounterMethod::Cash);
    let rows = entity::counter_payment::Entity::find()
        .filter(entity::counter_payment::Column::OrderId.eq(order.id.clone()))
        .count(&app.state.db)
        .await
        .unwrap();
    assert_eq!(rows, 1);
    // The family reads the money like an online payment's.
    let seen = app.payment(&counter.family, &order.id).await.ok();
    assert_eq!(seen.payment_state, PaymentState::PaidAtCounter);
    assert_eq!(
        seen.counter_payment.map(|c| c.method),
        Some(CounterMethod::Cash)
    );
    let read = app.order(&counter.family, &order.id).await.ok();
    assert_eq!(read.payment_state_label, "已到店付款");
}

#[tokio::test]
async fn the_counter_takes_nothing_for_a_share_of_nothing_a_cancelled_order_or_an_online_only_point()
 {
    let counter = Online::start(PaymentMethods::Counter).await;
    let app = &counter.app;
    let operator = &counter.kitchen.operator;
    // A 低保 elder's lunch of 5.00: the subsidy covers all of it.
    let number = id_card_number(ZHONGLOU, &born(81, 120), "301");
    let form = ElderForm {
        categories: vec![ElderCategory::Dibao],
        ..ElderForm::new("低保老人", &number, ZHONGLOU, ZHONGLOU)
    };
    let covered = register_elder(app, "admin", &form).await;
    let cheap = counter
        .kitchen
        .offering_of(app, &new_dish("5.00"), &counter.date, 5)
        .await;
    let elder_ref = (covered.id, number.clone(), "低保老人".to_string());
    let free = app
        .book(
            operator,
            &counter
                .kitchen
                .counter_booking(&elder_ref, &counter.date, cheap, &key()),
        )
        .await
        .ok();
    assert_eq!(free.payment_state, PaymentState::NotRequired);
    app.record_counter_payment(operator, &free.id, "cash")
        .await
        .error(409, "PAYMENT_NOT_REQUIRED");

    let order = counter.book().await;
    app.cancel(operator, &order.id, Some("老人住院")).await.ok();
    app.record_counter_payment(operator, &order.id, "cash")
        .await
        .error(409, "ORDER_CANCELLED");

    // The city moves the meal point to online payment only.
    let admin = app.staff_token("admin").await;
    app.set_payment_methods(
        &admin,
        counter.kitchen.meal_point_id,
        PaymentMethods::Online,
        Some("1900000201"),
    )
    .await
    .ok();
    let (family2, online) = counter.book_another(2, "o-counter-daughter").await;
    assert_eq!(online.payment_state, PaymentState::Pending);
    app.record_counter_payment(operator, &online.id, "scan")
        .await
        .error(409, "COUNTER_PAYMENT_NOT_OFFERED");
    assert_eq!(
        app.order(&family2, &online.id).await.ok().payment_state,
        PaymentState::Pending
    );
}

#[tokio::test]
async fn the_counter_refuses_a_share_paid_online_and_closes_an_online_payment_left_half_way() {
    let both = Online::start(PaymentMethods::Both).await;
    let app = &both.app;
    let operator = &both.kitchen.operator;
    let (order, _) = both.book_and_pay().await;
    assert_eq!(
        both.payment_state(&order.id).await,
        PaymentState::PaidOnline
    );
    // Another elder's daughter starts paying online and leaves it; the elder pays at the counter.
    let (family2, second) = both.book_another(2, "o-counter-daughter").await;
    let launch = app.start_payment(&family2, &second.id).await.ok();
    assert!(!prepay_id(&launch).is_empty());

    to_lunch(app);
    for served in [&order, &second] {
        let code = served.pickup_code.clone().unwrap();
        app.verify_pickup(operator, both.kitchen.meal_point_id, &code)
            .await
            .ok();
    }
    app.record_counter_payment(operator, &order.id, "scan")
        .await
        .error(409, "ALREADY_PAID_ONLINE");
    assert_eq!(
        both.payment_state(&order.id).await,
        PaymentState::PaidOnline
    );
    let paid = app
        .record_counter_payment(operator, &second.id, "scan")
        .await
        .ok_with(201);
    assert_eq!(paid.payment_state, PaymentState::PaidAtCounter);
    assert_eq!(paid.counter_payment.unwrap().method_label, "扫码");
    // The online trade was closed at WeChat Pay first: nobody pays the share twice.
    assert!(
        paid.events
            .iter()
            .any(|e| e.kind == vocabulary::PayEventKind::Close),
        "{:?}",
        paid.events
    );
}
