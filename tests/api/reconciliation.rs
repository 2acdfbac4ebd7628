//! The daily reconciliation against the fake WeChat Pay's trade bill: one day with one planted
//! difference of each kind, found once, and found once again after a re-import; and the
//! settlement statement showing what elders paid online beside the subsidy.

use std::collections::BTreeMap;

use chrono::Duration;
use serde_json::json;
use vocabulary::{Discrepancy, PaymentMethods, PaymentState};
use zhucan::{
    demo::DemoScope,
    orders::http::OrderView,
    reconciliation::http::{BillImportRunView, PaymentReconciliationView},
    wechat::pay::fake::FakeWeChatPay,
};

use crate::{
    fixtures::{Kitchen, elder, family_of, key, kitchen},
    helpers::{TestApp, Typed, day, spawn_app_with_settings},
};

const SUB_MCHID: &str = "1900000201";

impl TestApp {
    pub async fn import_bills(&self, token: &str, date: &str) -> Typed<BillImportRunView> {
        Typed::from_reply(
            self.post(
                "/api/v1/reconciliation/imports",
                Some(token),
                json!({ "date": date }),
            )
            .await,
        )
    }

    pub async fn reconciliation(
        &self,
        token: &str,
        query: &str,
    ) -> Typed<PaymentReconciliationView> {
        Typed::from_reply(
            self.get(&format!("/api/v1/reconciliation?{query}"), Some(token))
                .await,
        )
    }
}

/// A kitchen paid online only, with an offering on today's lunch and `elders` elders, each with
/// a family member who books and pays.
struct Day {
    app: TestApp,
    kitchen: Kitchen,
    offering: i64,
    families: Vec<(i64, String)>,
}

impl Day {
    async fn start(elders: u32) -> Self {
        let app = spawn_app_with_settings(DemoScope::CityWithoutHistory, &[]).await;
        let kitchen = kitchen(&app).await;
        let offering = kitchen.offering(&app, &day(0), 20).await;
        let admin = app.staff_token("admin").await;
        app.set_payment_methods(
            &admin,
            kitchen.meal_point_id,
            PaymentMethods::Online,
            Some(SUB_MCHID),
        )
        .await
        .ok();
        let mut families = Vec::new();
        for n in 1..=elders {
            let (elder_id, number, name) = elder(&app, 20 + n).await;
            let family = family_of(&app, &format!("o-rec-{n}"), &number, &name).await;
            families.push((elder_id, family));
        }
        Self {
            app,
            kitchen,
            offering,
            families,
        }
    }

    fn fake(&self) -> &FakeWeChatPay {
        self.app
            .fake_pay
            .as_ref()
            .expect("demo mode starts the fake WeChat Pay")
    }

    /// Elder `n` books today's lunch and pays; answers the order and its trade number.
    async fn paid(&self, n: usize) -> (OrderView, String) {
        let (elder_id, family) = &self.families[n];
        let order = self
            .app
            .book(
                family,
                &self
                    .kitchen
                    .booking(*elder_id, &day(0), self.offering, &key()),
            )
            .await
            .ok();
        let launch = self.app.start_payment(family, &order.id).await.ok();
        self.fake()
            .pay(
                launch
                    .request_payment
                    .package
                    .trim_start_matches("prepay_id="),
            )
            .await
            .expect("the fake takes the payment");
        let trade = self.app.payment(family, &order.id).await.ok();
        assert_eq!(trade.payment_state, PaymentState::PaidOnline);
        (order, trade.out_trade_no.expect("a paid order has a trade"))
    }

    async fn settled(&self, n: usize, order_id: &str, state: PaymentState) {
        for _ in 0..100 {
            if self
                .app
                .order(&self.families[n].1, order_id)
                .await
                .ok()
                .payment_state
                == state
            {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        panic!("payment of {order_id} never became {state:?}");
    }

    async fn serve(&self, order: &OrderView) {
        let code = order
            .pickup_code
            .as_deref()
            .expect("the family sees the code");
        self.app
            .verify_pickup(&self.kitchen.operator, self.kitchen.meal_point_id, code)
            .await
            .ok();
    }
}

#[tokio::test]
async fn a_days_bill_with_one_difference_of_each_kind_is_matched_to_the_fen_and_again_without_duplicates()
 {
    let today = Day::start(6).await;
    let app = &today.app;
    let fake = today.fake();
    let admin = app.staff_token("admin").await;

    // 09:00. Served and paid (the bill agrees); paid and not collected; served and then refunded
    // in full; paid, and the bill says otherwise; cancelled (refunded by the service), and
    // refunded again outside it; paid, and missing from the bill.
    let (agrees, _) = today.paid(0).await;
    let (no_show, _) = today.paid(1).await;
    let (refunded, _) = today.paid(2).await;
    let (misstated, misstated_no) = today.paid(3).await;
    let (cancelled, cancelled_no) = today.paid(4).await;
    let (omitted, omitted_no) = today.paid(5).await;
    let share = misstated.price.elder_share.to_string();
    let share_fen = misstated.price.elder_share.to_fen();
    assert!(
        share_fen > 1,
        "the test kitchen's meal has a share to pay: {share}"
    );

    app.cancel(&today.families[4].1, &cancelled.id, None)
        .await
        .ok();
    today
        .settled(4, &cancelled.id, PaymentState::Refunded)
        .await;
    let now = app.state.clock.now();
    fake.plant_refund(&cancelled_no, share_fen, now)
        .expect("the trade is the fake's");
    fake.plant_payment(SUB_MCHID, "ZCNEVERMADE0001", 800, now);
    fake.misstate_in_bill(&misstated_no, share_fen - 1);
    fake.omit_from_bill(&omitted_no);

    // 11:00, lunch: four are collected; one of them is refunded in full by the operator.
    app.advance_clock(Duration::hours(2));
    for order in [&agrees, &refunded, &misstated, &omitted] {
        today.serve(order).await;
    }
    app.refund(
        &today.kitchen.operator,
        &refunded.id,
        &share,
        "菜品缺货，全额退款",
        &key(),
    )
    .await
    .ok();
    today.settled(2, &refunded.id, PaymentState::Refunded).await;

    // 14:00: lunch is over; the one not collected is a no-show.
    app.advance_clock(Duration::hours(3));
    app.post(
        &format!(
            "/api/v1/meal-points/{}/no-shows",
            today.kitchen.meal_point_id
        ),
        Some(&today.kitchen.operator),
        json!({ "date": day(0), "slot": "lunch" }),
    )
    .await
    .assert_ok();

    // The day is not over: no bill yet.
    app.import_bills(&admin, &day(0))
        .await
        .error(409, "DAY_NOT_OVER");
    // 09:30 the next morning: WeChat Pay is still making it.
    app.advance_clock(Duration::hours(19) + Duration::minutes(30));
    let early = app.import_bills(&admin, &day(0)).await.ok();
    let ours = early
        .meal_points
        .iter()
        .find(|m| m.meal_point_id == today.kitchen.meal_point_id)
        .expect("the kitchen has a sub-merchant number");
    assert_eq!(ours.error_code.as_deref(), Some("BILL_NOT_READY"));
    assert!(ours.bill.is_none());

    // 10:30: imported.
    app.advance_clock(Duration::hours(1));
    let run = app.import_bills(&admin, &day(0)).await.ok();
    let bill = run
        .meal_points
        .iter()
        .find(|m| m.meal_point_id == today.kitchen.meal_point_id)
        .and_then(|m| m.bill.as_ref())
        .expect("the bill is imported");
    // Payments: five of ours (one omitted) and the planted one; refunds: two of ours, one planted.
    assert_eq!(bill.trades, 9);
    assert_eq!(bill.paid.to_fen(), 4 * share_fen + (share_fen - 1) + 800);
    assert_eq!(bill.refunded.to_fen(), 3 * share_fen);
    assert_eq!(bill.findings, 6);

    let expect = |found: &PaymentReconciliationView| {
        let by_kind: BTreeMap<Discrepancy, Vec<_>> =
            found.findings.iter().fold(BTreeMap::new(), |mut map, f| {
                map.entry(f.kind).or_insert_with(Vec::new).push(f);
                map
            });
        assert_eq!(
            by_kind.keys().copied().collect::<Vec<_>>(),
            Discrepancy::ALL.to_vec(),
            "one of each kind: {:?}",
            found.findings
        );
        assert!(
            by_kind.values().all(|v| v.len() == 1),
            "{:?}",
            found.findings
        );
        let one = |kind: Discrepancy| by_kind[&kind][0];
        assert_eq!(
            one(Discrepancy::PaidNotServed).order_id.as_deref(),
            Some(no_show.id.as_str())
        );
        assert_eq!(
            one(Discrepancy::PaidNotServed).ours.map(|y| y.to_fen()),
            Some(share_fen)
        );
        assert_eq!(
            one(Discrepancy::ServedNotPaid).order_id.as_deref(),
            Some(refunded.id.as_str())
        );
        assert_eq!(
            one(Discrepancy::RefundedTwice).order_id.as_deref(),
            Some(cancelled.id.as_str())
        );
        assert_eq!(
            one(Discrepancy::RefundedTwice).billed.map(|y| y.to_fen()),
            Some(2 * share_fen)
        );
        let differs = one(Discrepancy::AmountDiffers);
        assert_eq!(differs.order_id.as_deref(), Some(misstated.id.as_str()));
        assert_eq!(
            (
                differs.ours.map(|y| y.to_fen()),
                differs.billed.map(|y| y.to_fen())
            ),
            (Some(share_fen), Some(share_fen - 1)),
            "to the fen"
        );
        let unknown = one(Discrepancy::UnknownInBill);
        assert_eq!(unknown.out_trade_no.as_deref(), Some("ZCNEVERMADE0001"));
        assert_eq!(unknown.billed.map(|y| y.to_fen()), Some(800));
        assert_eq!(unknown.order_id, None);
        assert_eq!(
            one(Discrepancy::MissingFromBill).order_id.as_deref(),
            Some(omitted.id.as_str())
        );
        assert_eq!(one(Discrepancy::MissingFromBill).kind_label, "系统有账单无");
    };
    let range = format!("from={}&to={}", day(0), day(0));
    let city = app.reconciliation(&admin, &range).await.ok();
    expect(&city);
    assert_eq!(city.bills.len(), 1);

    // Again: the same findings, not twice as many.
    app.import_bills(&admin, &day(0)).await.ok();
    let again = app.reconciliation(&admin, &range).await.ok();
    expect(&again);
    assert_eq!(again.bills.len(), 1);

    // The operator sees their meal point's; a kind can be asked for alone.
    let operator = app
        .reconciliation(&today.kitchen.operator, &range)
        .await
        .ok();
    expect(&operator);
    let twice = app
        .reconciliation(&admin, &format!("{range}&kind=refunded_twice"))
        .await
        .ok();
    assert_eq!(twice.findings.len(), 1);
    // By default, yesterday: the day just imported.
    assert_eq!(app.reconciliation(&admin, "").await.ok().findings.len(), 6);

    app.reconciliation(&admin, &format!("from={}&to={}", day(1), day(0)))
        .await
        .error(400, "PERIOD_INVALID");
    let family = &today.families[0].1;
    app.reconciliation(family, &range)
        .await
        .error(403, "ROLE_FORBIDDEN");
    app.import_bills(family, &day(0))
        .await
        .error(403, "ROLE_FORBIDDEN");
}

#[tokio::test]
async fn the_settlement_statement_shows_what_elders_paid_online_beside_the_subsidy() {
    let today = Day::start(2).await;
    let app = &today.app;
    let (whole, _) = today.paid(0).await;
    let (part, _) = today.paid(1).await;
    let share_fen = whole.price.elder_share.to_fen();
    app.advance_clock(Duration::hours(2));
    today.serve(&whole).await;
    today.serve(&part).await;
    app.refund(
        &today.kitchen.operator,
        &part.id,
        "1.00",
        "少了一个菜",
        &key(),
    )
    .await
    .ok();
    today
        .settled(1, &part.id, PaymentState::PartiallyRefunded)
        .await;

    let admin = app.staff_token("admin").await;
    let month = crate::helpers::month_of(crate::helpers::date(0), 0);
    let created = app
        .post(
            "/api/v1/settlement-runs",
            Some(&admin),
            json!({ "month": month }),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let id = created.body["id"].as_i64().unwrap();
    let statement = app
        .get(
            &format!("/api/v1/settlement-runs/{id}/meal-points"),
            Some(&admin),
        )
        .await
        .assert_ok()
        .clone();
    let line = statement["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["meal_point_id"] == today.kitchen.meal_point_id)
        .expect("the kitchen served two meals")
        .clone();
    assert_eq!(line["figures"]["meals"], 2);
    let yuan = |fen: i64| format!("{}.{:02}", fen / 100, fen % 100);
    assert_eq!(line["figures"]["elder_paid"], yuan(2 * share_fen));
    assert_eq!(line["elder_payments"]["online"], yuan(2 * share_fen - 100));
    assert_eq!(line["elder_payments"]["counter"], "0.00");
    assert_eq!(line["elder_payments"]["not_recorded"], "1.00");
    assert_eq!(
        statement["elder_payments"]["online"],
        yuan(2 * share_fen - 100)
    );

    let text = crate::settlement::export(app, &admin, id, "meal_points", "csv").await;
    assert!(text.contains("自付·线上支付（元）"), "{text}");
    assert!(text.contains(&yuan(2 * share_fen - 100)), "{text}");
}
