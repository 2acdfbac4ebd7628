//! WeChat Pay's notifications as they really come: repeated, out of order, late, forged and
//! stale; a notification racing the sweep that lets unpaid bookings lapse; and the subscribe
//! message telling the family that a booking lapsed unpaid.

use chrono::Duration;
use serde_json::json;
use vocabulary::{OrderState, PaymentMethods, PaymentState};
use zhucan::wechat::pay::fake::SentNotice;

use crate::{helpers::TestApp, payments::Online};

/// A notification as WeChat Pay would post it to the service.
fn notice_request(app: &TestApp, notice: &SentNotice) -> reqwest::RequestBuilder {
    let path = notice
        .url
        .split_once("/wechatpay/")
        .map(|(_, p)| p)
        .unwrap();
    let mut request = app
        .http
        .post(app.url(&format!("/wechatpay/{path}")))
        .body(notice.body.clone());
    for (name, value) in &notice.headers {
        request = request.header(name, value);
    }
    request
}

async fn post_notice(app: &TestApp, notice: &SentNotice) -> u16 {
    notice_request(app, notice)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn a_repeated_notification_is_answered_as_taken_and_changes_nothing() {
    let online = Online::start(PaymentMethods::Online).await;
    let (order, _) = online.book_and_pay().await;
    let fake = online.fake();
    assert_eq!(fake.notices()[0].answered, Some(204));
    for _ in 0..3 {
        assert_eq!(fake.deliver(0).await, Some(204));
    }
    assert_eq!(
        online.payment_state(&order.id).await,
        PaymentState::PaidOnline
    );
    // Every delivery is kept, each with its notification id.
    let trace = online
        .app
        .payment(&online.kitchen.operator, &order.id)
        .await
        .ok();
    let notices = trace
        .events
        .iter()
        .filter(|e| e.kind == vocabulary::PayEventKind::PayNotice)
        .count();
    assert_eq!(notices, 4);
}

#[tokio::test]
async fn forged_and_stale_notifications_are_refused_and_change_nothing() {
    let online = Online::start(PaymentMethods::Online).await;
    let app = &online.app;
    let fake = online.fake();
    fake.hold_notices(true);
    let (order, _) = online.book_and_pay().await;
    let genuine = fake.notices()[0].clone();

    // A body changed after signing.
    let mut forged = genuine.clone();
    forged.body = forged
        .body
        .replace("TRANSACTION.SUCCESS", "TRANSACTION.SUCCESS ");
    assert_eq!(post_notice(app, &forged).await, 401);
    // Signed by another key.
    let mut other_key = genuine.clone();
    for (name, value) in other_key.headers.iter_mut() {
        if name == "Wechatpay-Signature" {
            let keys = zhucan::wechat::pay::fake::demo_keys("", "");
            let message = String::from_utf8(zhucan::wechat::pay::crypto::response_message(
                "0",
                "n",
                other_key.body.as_bytes(),
            ))
            .unwrap();
            *value = keys.merchant.sign(&message);
        }
    }
    assert_eq!(post_notice(app, &other_key).await, 401);
    // No signature at all.
    let mut unsigned = genuine.clone();
    unsigned
        .headers
        .retain(|(name, _)| name != "Wechatpay-Signature");
    assert_eq!(post_notice(app, &unsigned).await, 401);
    assert_eq!(online.payment_state(&order.id).await, PaymentState::Pending);

    // Genuine but stale: signed six minutes before the service's clock.
    app.advance_clock(Duration::minutes(6));
    assert_eq!(post_notice(app, &genuine).await, 401);
    // And from the future.
    let now = app.state.clock.now().timestamp();
    let resource: serde_json::Value = json!({});
    let future = fake.notice(
        &genuine.url,
        "TRANSACTION.SUCCESS",
        "transaction",
        &resource,
        now + 600,
    );
    assert_eq!(post_notice(app, &future).await, 401);
    assert_eq!(online.payment_state(&order.id).await, PaymentState::Pending);

    // The money did arrive: the sweep asks WeChat Pay (the notification being late) and takes it,
    // though the payment time is up.
    let swept = zhucan::payments::service::sweep(&app.state).await.unwrap();
    assert_eq!(swept.collected, 1);
    assert_eq!(swept.lapsed, 0);
    let read = app.order(&online.family, &order.id).await.ok();
    assert_eq!(read.state, OrderState::Booked);
    assert_eq!(read.payment_state, PaymentState::PaidOnline);
}

#[tokio::test]
async fn notifications_out_of_order_end_where_the_money_is() {
    let online = Online::start(PaymentMethods::Online).await;
    let app = &online.app;
    let fake = online.fake();
    fake.hold_notices(true);
    let (order, _) = online.book_and_pay().await;
    // Cancelled while the payment notification is still on its way: the cancellation asks WeChat
    // Pay, finds the trade paid and refunds it in full.
    app.cancel(&online.family, &order.id, None).await.ok();
    for _ in 0..100 {
        if fake.notices().len() == 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(fake.notices().len(), 2, "payment and refund notifications");
    // The refund's notification arrives first, then the payment's.
    assert_eq!(fake.deliver(1).await, Some(204));
    assert_eq!(fake.deliver(0).await, Some(204));
    assert_eq!(fake.deliver(1).await, Some(204));
    let read = app.order(&online.family, &order.id).await.ok();
    assert_eq!(read.state, OrderState::Cancelled);
    assert_eq!(read.payment_state, PaymentState::Refunded);
    let trace = app.payment(&online.kitchen.operator, &order.id).await.ok();
    assert_eq!(trace.refunds.len(), 1, "refunded once");
}

#[tokio::test]
async fn notifications_racing_two_sweeps_have_exactly_one_outcome() {
    // A one-minute payment time, so a notification still fresh meets the sweep of a lapsed payment.
    let online =
        Online::start_with(PaymentMethods::Online, &[("ZHUCAN_PAYMENT_MINUTES", "1")]).await;
    let app = &online.app;
    let fake = online.fake();
    fake.hold_notices(true);
    let mut paid = Vec::new();
    for n in 0..3u32 {
        let (elder_id, number, name) = crate::fixtures::elder(app, 10 + n).await;
        let family = crate::fixtures::family_of(app, &format!("o-race-{n}"), &number, &name).await;
        let order = app
            .book(
                &family,
                &online.kitchen.booking(
                    elder_id,
                    &online.date,
                    online.offering,
                    &crate::fixtures::key(),
                ),
            )
            .await
            .ok();
        let launch = app.start_payment(&family, &order.id).await.ok();
        let prepay_id = launch
            .request_payment
            .package
            .trim_start_matches("prepay_id=")
            .to_string();
        fake.pay(&prepay_id).await.unwrap();
        paid.push((family, order.id));
    }
    // And one never paid.
    let unpaid = online.book().await;
    app.advance_clock(Duration::seconds(90));
    let deliveries: Vec<_> = fake
        .notices()
        .iter()
        .map(|n| notice_request(app, n))
        .collect();
    let (statuses, a, b) = tokio::join!(
        crate::helpers::all_at_once(deliveries),
        zhucan::payments::service::sweep(&app.state),
        zhucan::payments::service::sweep(&app.state),
    );
    assert_eq!(statuses.get(&204), Some(&3), "{statuses:?}");
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(
        a.lapsed + b.lapsed,
        1,
        "only the unpaid booking lapses, once"
    );
    for (family, id) in &paid {
        let read = app.order(family, id).await.ok();
        assert_eq!(read.state, OrderState::Booked);
        assert_eq!(read.payment_state, PaymentState::PaidOnline);
        assert!(
            read.history
                .iter()
                .all(|e| e.to_state != OrderState::Cancelled)
        );
    }
    let lapsed = app.order(&online.family, &unpaid.id).await.ok();
    assert_eq!(lapsed.state, OrderState::Cancelled);
    // 10 portions: 3 paid stay sold, the lapsed one came back once.
    assert_eq!(online.portions_left().await, 7);
}

#[tokio::test]
async fn a_booking_lapsed_unpaid_is_told_to_the_family_once_within_its_subscription() {
    // The tests deliver the outbox themselves.
    let online = Online::start_with(
        PaymentMethods::Online,
        &[("ZHUCAN_NOTICE_SWEEP_SECONDS", "600")],
    )
    .await;
    let app = &online.app;
    const CANCELLED: &str = "demo-closure-cancelled";
    // The elder has no WeChat; the son accepted the 订单取消 template once.
    app.post(
        "/api/v1/me/notice-subscriptions",
        Some(&online.family),
        json!({ "answers": [{ "template_id": CANCELLED, "answer": "accept" }] }),
    )
    .await
    .assert_ok();
    let order = online.book().await;
    app.advance_clock(Duration::minutes(11));
    // Two instances sweeping at once: one cancellation, one notice, written with it.
    let (a, b) = tokio::join!(
        zhucan::payments::service::sweep(&app.state),
        zhucan::payments::service::sweep(&app.state)
    );
    a.unwrap();
    b.unwrap();
    let read = app.order(&online.family, &order.id).await.ok();
    assert_eq!(read.state, OrderState::Cancelled);
    let told = cancellation_notices(app, &order.id).await;
    assert_eq!(told.len(), 1, "{told:?}");
    assert_eq!(
        told[0].detail.as_deref(),
        Some(zhucan::payments::service::LAPSED_REASON)
    );

    zhucan::notices::service::deliver_due(&app.state.outbox())
        .await
        .unwrap();
    let sent = sent_of(app, CANCELLED);
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0].touser, "o-pay-son");
    assert_eq!(
        sent[0].value("thing3"),
        Some(zhucan::payments::service::LAPSED_REASON)
    );
    assert_eq!(
        sent[0].page.as_deref(),
        Some(format!("pages/order/order?id={}", order.id).as_str())
    );

    // Booked again and lapsed again: no subscription left, so nothing is sent, and the notice
    // says so.
    let again = online.book().await;
    app.advance_clock(Duration::minutes(11));
    zhucan::payments::service::sweep(&app.state).await.unwrap();
    zhucan::notices::service::deliver_due(&app.state.outbox())
        .await
        .unwrap();
    assert_eq!(sent_of(app, CANCELLED).len(), 1);
    let unsent = cancellation_notices(app, &again.id).await;
    assert_eq!(unsent.len(), 1, "{unsent:?}");
    assert_eq!(unsent[0].state, vocabulary::NoticeState::NoQuota);
}

async fn cancellation_notices(app: &TestApp, order_id: &str) -> Vec<entity::notice::Model> {
    zhucan::notices::store::of_orders(&app.state.db, vec![order_id.to_string()])
        .await
        .unwrap()
        .into_iter()
        .filter(|n| n.kind == vocabulary::NoticeKind::ClosureCancelled)
        .collect()
}

fn sent_of(app: &TestApp, template: &str) -> Vec<zhucan::wechat::fake::SentMessage> {
    app.fake_wechat
        .sent_messages()
        .into_iter()
        .filter(|m| m.template_id == template)
        .collect()
}
