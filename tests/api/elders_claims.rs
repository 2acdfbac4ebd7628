//! ID-card numbers must not be an oracle: self-registration answers the same whether a number is
//! registered, a claim waiting for review does not keep staff from registering the real person,
//! family-link requests are limited per account and per number (and answered alike), and only
//! the city moves an elder's hukou district.

use chrono::Duration;
use serde_json::{Value, json};

use crate::{
    fixtures::{ElderForm, register_elder},
    helpers::{TestApp, all_at_once, born, id_card_number, spawn_app},
};

const TIANNING: &str = "320402";
const ZHONGLOU: &str = "320404";
const WUJIN: &str = "320412";

fn form<'a>(name: &'a str, id_card: &'a str, hukou: &'a str, residence: &'a str) -> ElderForm<'a> {
    ElderForm {
        address: "钟楼区南大街街道 8 号",
        ..ElderForm::new(name, id_card, hukou, residence)
    }
}

fn elder_body(name: &str, id_card: &str, hukou: &str, residence: &str) -> Value {
    form(name, id_card, hukou, residence).body()
}

async fn registered_by_staff(app: &TestApp, name: &str, number: &str) -> i64 {
    let form = form(name, number, TIANNING, ZHONGLOU);
    register_elder(app, "clerk-tianning", &form).await.id
}

/// The keys and status of a self-registration reply: what could tell one case from another.
fn shape(reply: &Value) -> (Vec<String>, Value) {
    let mut keys: Vec<String> = reply.as_object().unwrap().keys().cloned().collect();
    keys.sort();
    (keys, reply["status"].clone())
}

#[tokio::test]
async fn self_registration_says_nothing_of_registered_numbers_and_squats_none() {
    let app = spawn_app().await;
    let taken = id_card_number(TIANNING, &born(82, 40), "024");
    registered_by_staff(&app, "周秀兰", &taken).await;
    let fresh = id_card_number(TIANNING, &born(79, 90), "036");

    // A registered number and a fresh one get the same answer: a claim waiting for review.
    let prober = app.wechat_token("o-prober").await;
    let on_taken = app
        .post(
            "/api/v1/elders/self-registration",
            Some(&prober),
            elder_body("周秀兰", &taken, TIANNING, ZHONGLOU),
        )
        .await;
    let claimant = app.wechat_token("o-early-claimant").await;
    let on_fresh = app
        .post(
            "/api/v1/elders/self-registration",
            Some(&claimant),
            elder_body("孙德明", &fresh, TIANNING, TIANNING),
        )
        .await;
    assert_eq!(on_taken.status, 200, "{}", on_taken.body);
    assert_eq!(on_fresh.status, 200, "{}", on_fresh.body);
    assert_eq!(shape(&on_taken.body), shape(&on_fresh.body));
    assert_eq!(on_fresh.body["status"], "pending_review");

    // Staff register the real 孙德明 although someone claimed his number first: staff win.
    let real = registered_by_staff(&app, "孙德明", &fresh).await;
    let clerk = app.staff_token("clerk-tianning").await;
    let found = app
        .post(
            "/api/v1/elders/find-by-id-card",
            Some(&clerk),
            json!({ "id_card": fresh }),
        )
        .await;
    assert_eq!(found.assert_ok()["id"], real);

    // The claims go to review: the clerk learns there that the numbers are registered, and
    // rejects them with a reason the claimant sees.
    for claim in [&on_fresh.body, &on_taken.body] {
        let id = claim["id"].as_i64().unwrap();
        app.post(
            &format!("/api/v1/elders/{id}/approve"),
            Some(&clerk),
            json!({}),
        )
        .await
        .assert_error(409, "ELDER_ALREADY_REGISTERED");
        let rejected = app
            .post(
                &format!("/api/v1/elders/{id}/reject"),
                Some(&clerk),
                json!({ "reason": "该身份证号已由社区登记，请到社区核实身份" }),
            )
            .await;
        assert_eq!(rejected.assert_ok()["status"], "rejected");
    }
    // The claimant's account stayed a family account.
    assert_eq!(
        app.get("/api/v1/me", Some(&claimant)).await.assert_ok()["role"],
        "family"
    );
}

#[tokio::test]
async fn a_claim_approved_holds_its_number_from_then_on() {
    let app = spawn_app().await;
    let number = id_card_number(ZHONGLOU, &born(77, 12), "051");
    let applicant = app.wechat_token("o-self-applicant").await;
    let pending = app
        .post(
            "/api/v1/elders/self-registration",
            Some(&applicant),
            elder_body("钱玉珍", &number, ZHONGLOU, ZHONGLOU),
        )
        .await;
    let id = pending.assert_ok()["id"].as_i64().unwrap();
    let zhonglou = app.staff_token("clerk-zhonglou").await;
    app.post(
        &format!("/api/v1/elders/{id}/approve"),
        Some(&zhonglou),
        json!({}),
    )
    .await
    .assert_ok();
    app.post(
        "/api/v1/elders",
        Some(&zhonglou),
        elder_body("钱玉珍", &number, ZHONGLOU, ZHONGLOU),
    )
    .await
    .assert_error(409, "ELDER_ALREADY_REGISTERED");
}

async fn ask_link(app: &TestApp, token: &str, number: &str, name: &str) -> (u16, Value) {
    let reply = app
        .post(
            "/api/v1/family-links",
            Some(token),
            json!({ "id_card": number, "name": name }),
        )
        .await;
    (reply.status.as_u16(), reply.body)
}

#[tokio::test]
async fn family_link_guesses_run_out_per_number_and_look_the_same_for_unknown_numbers() {
    let app = spawn_app().await;
    let number = id_card_number(TIANNING, &born(84, 100), "062");
    registered_by_staff(&app, "吴桂英", &number).await;
    let unknown = id_card_number(TIANNING, &born(84, 100), "064");

    let guesser = app.wechat_token("o-guesser").await;
    let other = app.wechat_token("o-guesser-2").await;
    let mut on_known = Vec::new();
    let mut on_unknown = Vec::new();
    for _ in 0..6 {
        on_known.push(ask_link(&app, &guesser, &number, "吴贵英").await);
        on_unknown.push(ask_link(&app, &other, &unknown, "吴贵英").await);
    }
    // Five answers "no match", then the number's day is used up, identically for both.
    assert_eq!(on_known, on_unknown);
    assert!(
        on_known[..5]
            .iter()
            .all(|(s, b)| *s == 404 && b["code"] == "FAMILY_LINK_NO_MATCH")
    );
    assert_eq!(on_known[5].0, 429);
    assert_eq!(on_known[5].1["code"], "FAMILY_LINK_TOO_MANY_ATTEMPTS");

    // However many accounts join in, and even with the right name, the number waits.
    let daughter = app.wechat_token("o-real-daughter").await;
    let (status, body) = ask_link(&app, &daughter, &number, "吴桂英").await;
    assert_eq!(
        (status, body["code"].as_str()),
        (429, Some("FAMILY_LINK_TOO_MANY_ATTEMPTS"))
    );

    // The next day in Shanghai, the real family member links.
    app.advance_clock(Duration::days(1));
    let (status, body) = ask_link(&app, &daughter, &number, "吴桂英").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "pending");
}

#[tokio::test]
async fn one_account_cannot_walk_through_many_numbers() {
    let app = spawn_app().await;
    let walker = app.wechat_token("o-number-walker").await;
    for order in 0..10 {
        let number = id_card_number(WUJIN, &born(80, 30), &format!("{:03}", 100 + order));
        let (status, body) = ask_link(&app, &walker, &number, "张三").await;
        assert_eq!(
            (status, body["code"].as_str()),
            (404, Some("FAMILY_LINK_NO_MATCH"))
        );
    }
    let number = id_card_number(WUJIN, &born(80, 30), "200");
    let (status, body) = ask_link(&app, &walker, &number, "张三").await;
    assert_eq!(
        (status, body["code"].as_str()),
        (429, Some("FAMILY_LINK_TOO_MANY_ATTEMPTS"))
    );
}

/// Counted before the number is looked up: of 20 accounts asking at once, five get a verdict.
#[tokio::test]
async fn parallel_link_requests_cannot_outrun_the_count() {
    let app = spawn_app().await;
    let number = id_card_number(TIANNING, &born(88, 200), "072");
    registered_by_staff(&app, "陈老太", &number).await;
    let mut tokens = Vec::new();
    for i in 0..20 {
        tokens.push(app.wechat_token(&format!("o-parallel-{i}")).await);
    }
    let asks = tokens
        .into_iter()
        .map(|token| {
            app.http
                .post(app.url("/api/v1/family-links"))
                .bearer_auth(token)
                .json(&json!({ "id_card": number, "name": "陈老大" }))
        })
        .collect();
    let statuses = all_at_once(asks).await;
    assert_eq!(statuses.get(&404), Some(&5), "{statuses:?}");
    assert_eq!(statuses.get(&429), Some(&15), "{statuses:?}");
}

/// The hukou district funds the subsidy: a clerk of either district corrects the record, but
/// only the city admin moves the hukou.
#[tokio::test]
async fn only_the_city_admin_moves_the_hukou_district() {
    let app = spawn_app().await;
    let number = id_card_number(TIANNING, &born(81, 77), "082");
    let id = registered_by_staff(&app, "蒋文华", &number).await;
    let path = format!("/api/v1/elders/{id}");
    // The 钟楼 (residence) clerk would keep the elder in reach and move the funding to 钟楼.
    for clerk in ["clerk-zhonglou", "clerk-tianning"] {
        let token = app.staff_token(clerk).await;
        app.patch(
            &path,
            Some(&token),
            json!({ "hukou_district_code": ZHONGLOU }),
        )
        .await
        .assert_field_error(403, "HUKOU_CHANGE_FORBIDDEN", "hukou_district_code");
        // Sending the same hukou back is no change, and other corrections go through.
        let same = app
            .patch(
                &path,
                Some(&token),
                json!({ "hukou_district_code": TIANNING, "phone": "13700001111" }),
            )
            .await;
        assert_eq!(same.assert_ok()["hukou_district_code"], TIANNING);
    }
    let admin = app.staff_token("admin").await;
    let moved = app
        .patch(
            &path,
            Some(&admin),
            json!({ "hukou_district_code": ZHONGLOU }),
        )
        .await;
    assert_eq!(moved.assert_ok()["hukou_district_code"], ZHONGLOU);
}
