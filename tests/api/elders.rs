//! Elders and families through the API: registration by staff and by the elder, review, family
//! links, who may read a record, categories with their history, and the masked ID-card number.

use serde_json::{Value, json};

use vocabulary::{ElderCategory, ElderStatus, Sex};

use crate::{
    fixtures::{ElderForm, linked_family, register_elder},
    helpers::{
        Reply, TestApp, born, captured_logs, date, day, id_card_number, iso_date, spawn_app,
    },
};

const TIANNING: &str = "320402";
const ZHONGLOU: &str = "320404";

/// A request body for `POST /elders`.
fn new_elder(name: &str, id_card: &str, hukou: &str, residence: &str) -> Value {
    ElderForm::new(name, id_card, hukou, residence).body()
}

/// A valid number whose check character is `X` (a woman's: even order code).
fn number_ending_in_x(region: &str, birth: &str) -> String {
    (0..500)
        .map(|n| id_card_number(region, birth, &format!("{:03}", n * 2)))
        .find(|n| n.ends_with('X'))
        .unwrap()
}

/// A 天宁 elder (hukou) living in 钟楼, registered by the 天宁 clerk: (elder id, raw number).
async fn tianning_elder_in_zhonglou(app: &TestApp) -> (i64, String) {
    let number = id_card_number(TIANNING, &born(85, 168), "022");
    let form = ElderForm::new("王桂香", &number, TIANNING, ZHONGLOU);
    let elder = register_elder(app, "clerk-tianning", &form).await;
    (elder.id, number)
}

/// A family member links to the elder and the 钟楼 clerk approves; returns the family token.
async fn approved_family(app: &TestApp, openid: &str, number: &str, name: &str) -> String {
    linked_family(app, openid, (number, name), "女儿", "clerk-zhonglou").await
}

#[tokio::test]
async fn staff_register_an_elder_with_the_number_masked_and_facts_read_from_it() {
    let app = spawn_app().await;
    let number = id_card_number(TIANNING, &born(85, 168), "022");
    let form = ElderForm {
        categories: json!(["dibao", "living_alone"]),
        ..ElderForm::new("王桂香", &number, TIANNING, ZHONGLOU)
    };
    let clerk = app.staff_token("clerk-tianning").await;
    let reply = app.register_elder(&clerk, &form.body()).await;
    // The birth year, not the date: beside the masked number a full date left too little to guess.
    assert!(reply.raw().get("birth_date").is_none(), "{}", reply.raw());
    let elder = reply.ok();

    assert_eq!(elder.name, "王桂香");
    assert_eq!(
        elder.id_card_masked,
        format!("3204************{}", &number[16..])
    );
    assert_eq!(
        elder.birth_year,
        iso_date(&born(85, 168))[..4].parse::<i32>().unwrap()
    );
    assert_eq!(elder.sex, Sex::Female);
    assert_eq!(elder.age, 85);
    assert_eq!(elder.status, ElderStatus::Active);
    assert_eq!(elder.hukou_district_code, TIANNING);
    assert_eq!(elder.residence_district_code, ZHONGLOU);
    assert!(!elder.has_own_account);
    let categories: Vec<ElderCategory> = elder.categories.iter().map(|c| c.category).collect();
    assert_eq!(
        categories,
        [ElderCategory::Dibao, ElderCategory::LivingAlone]
    );
    let clerk_id = app.account_id(&clerk).await;
    assert_eq!(elder.categories[0].recorded_by, clerk_id);
    assert_eq!(elder.categories[0].label, "低保");

    // The residence district's clerk reaches the record too (人户分离).
    let zhonglou = app.staff_token("clerk-zhonglou").await;
    assert_eq!(app.elder(&zhonglou, elder.id).await.ok().name, "王桂香");
}

#[tokio::test]
async fn a_bad_id_card_is_refused_naming_the_field() {
    let app = spawn_app().await;
    let clerk = app.staff_token("clerk-tianning").await;
    let valid = id_card_number(TIANNING, "19500101", "013");
    let wrong_check = format!(
        "{}{}",
        &valid[..17],
        if valid.ends_with('0') { "1" } else { "0" }
    );
    let cases = [
        (wrong_check, "ID_CARD_CHECKSUM"),
        (valid[..16].to_string(), "ID_CARD_FORMAT"),
        (id_card_number(TIANNING, "19500230", "013"), "ID_CARD_DATE"),
        (
            id_card_number(TIANNING, &date(40).format("%Y%m%d").to_string(), "013"),
            "ID_CARD_DATE_RANGE",
        ),
    ];
    for (number, code) in cases {
        let reply = app
            .post(
                "/api/v1/elders",
                Some(&clerk),
                new_elder("李明", &number, TIANNING, TIANNING),
            )
            .await;
        reply.assert_error(400, code);
        assert_eq!(reply.body["field"], "id_card", "{number}");
        assert!(!reply.body.to_string().contains(&number), "{}", reply.body);
    }

    // A number sent as a JSON number is refused without being repeated back.
    let digits: u64 = valid[..17].parse::<u64>().unwrap() * 10;
    let mut body = new_elder("李明", "", TIANNING, TIANNING);
    body["id_card"] = json!(digits);
    let reply = app.post("/api/v1/elders", Some(&clerk), body).await;
    reply.assert_error(400, "INVALID_BODY");
    assert!(!reply.body.to_string().contains(&digits.to_string()));

    // Other fields are named as well.
    let mut body = new_elder("李明", &valid, "999999", TIANNING);
    let reply = app.post("/api/v1/elders", Some(&clerk), body.clone()).await;
    reply.assert_error(400, "DISTRICT_UNKNOWN");
    assert_eq!(reply.body["field"], "hukou_district_code");
    body["hukou_district_code"] = json!(TIANNING);
    body["phone"] = json!("12345");
    let reply = app.post("/api/v1/elders", Some(&clerk), body).await;
    reply.assert_error(400, "PHONE_INVALID");
    assert_eq!(reply.body["field"], "phone");
}

#[tokio::test]
async fn a_duplicate_id_card_is_refused() {
    let app = spawn_app().await;
    let number = number_ending_in_x(TIANNING, "19440229");
    let form = ElderForm::new("赵大妈", &number, TIANNING, TIANNING);
    register_elder(&app, "clerk-tianning", &form).await;

    // Again from the residence side, by another clerk, and with a lower-case x if it has one.
    let zhonglou = app.staff_token("clerk-zhonglou").await;
    let again = app
        .post(
            "/api/v1/elders",
            Some(&zhonglou),
            new_elder("赵大妈", &number.to_lowercase(), TIANNING, ZHONGLOU),
        )
        .await;
    again.assert_error(409, "ELDER_ALREADY_REGISTERED");
    assert_eq!(again.body["field"], "id_card");
}

#[tokio::test]
async fn a_clerk_registers_and_edits_only_elders_of_their_districts() {
    let app = spawn_app().await;
    let wujin = app.staff_token("clerk-wujin").await;
    let number = id_card_number(TIANNING, "19520303", "031");
    app.post(
        "/api/v1/elders",
        Some(&wujin),
        new_elder("钱老伯", &number, TIANNING, ZHONGLOU),
    )
    .await
    .assert_error(403, "ELDER_DISTRICT_FORBIDDEN");

    let (id, _) = tianning_elder_in_zhonglou(&app).await;
    let tianning = app.staff_token("clerk-tianning").await;
    let path = format!("/api/v1/elders/{id}");

    let edited = app
        .patch(&path, Some(&tianning), json!({ "phone": "0519-88881234" }))
        .await;
    assert_eq!(edited.assert_ok()["phone"], "0519-88881234");
    assert_eq!(edited.body["residence_district_code"], ZHONGLOU);

    // Moving the elder wholly out of 天宁 is not the 天宁 clerk's call; the city's it is.
    app.patch(
        &path,
        Some(&tianning),
        json!({ "residence_district_code": "320412", "hukou_district_code": "320412" }),
    )
    .await
    .assert_error(403, "HUKOU_CHANGE_FORBIDDEN");
    app.patch(
        &path,
        Some(&tianning),
        json!({ "residence_district_code": "320412" }),
    )
    .await
    .assert_ok();
    app.patch(
        &path,
        Some(&tianning),
        json!({ "residence_district_code": ZHONGLOU }),
    )
    .await
    .assert_ok();
    let admin = app.staff_token("admin").await;
    let moved = app
        .patch(
            &path,
            Some(&admin),
            json!({ "hukou_district_code": "320412" }),
        )
        .await;
    assert_eq!(moved.assert_ok()["hukou_district_code"], "320412");
    app.get(&path, Some(&tianning))
        .await
        .assert_error(404, "ELDER_NOT_FOUND");

    // A street must lie in the residence district (钟楼 here).
    let tianning_streets = app
        .get(
            &format!("/api/v1/places/districts/{TIANNING}/streets"),
            None,
        )
        .await;
    let tianning_street = tianning_streets.assert_ok()[0]["id"].as_i64().unwrap();
    let reply = app
        .patch(
            &path,
            Some(&admin),
            json!({ "residence_street_id": tianning_street }),
        )
        .await;
    reply.assert_error(400, "STREET_NOT_IN_DISTRICT");
    assert_eq!(reply.body["field"], "residence_street_id");
    let streets = app
        .get(
            &format!("/api/v1/places/districts/{ZHONGLOU}/streets"),
            None,
        )
        .await;
    let street_id = streets.assert_ok()[0]["id"].as_i64().unwrap();
    let placed = app
        .patch(
            &path,
            Some(&admin),
            json!({ "residence_street_id": street_id }),
        )
        .await;
    assert_eq!(placed.assert_ok()["residence_street_id"], street_id);
}

#[tokio::test]
async fn a_clerk_lists_the_elders_of_their_district() {
    let app = spawn_app().await;
    let tianning = app.staff_token("clerk-tianning").await;
    let page = app
        .get("/api/v1/elders?page_size=100", Some(&tianning))
        .await;
    let page = page.assert_ok();
    let items = page["items"].as_array().unwrap();
    assert!(items.len() >= 10, "{page}");
    assert_eq!(page["total"].as_u64().unwrap() as usize, items.len());
    for elder in items {
        assert!(
            elder["hukou_district_code"] == TIANNING
                || elder["residence_district_code"] == TIANNING,
            "{elder}"
        );
    }
    // People living in 天宁 with hukou elsewhere are on the list too.
    assert!(items.iter().any(|e| e["hukou_district_code"] != TIANNING));

    let queue = app
        .get("/api/v1/elders?status=pending_review", Some(&tianning))
        .await;
    let queue = queue.assert_ok();
    assert_eq!(queue["total"], 1, "the demo applicant waits: {queue}");
    assert_eq!(queue["items"][0]["name"], "顾建英");

    let admin = app.staff_token("admin").await;
    let all = app
        .get("/api/v1/elders?page_size=5&page=2", Some(&admin))
        .await;
    let all = all.assert_ok();
    assert!(all["total"].as_u64().unwrap() >= 36);
    assert_eq!(all["page"], 2);
    assert_eq!(all["items"].as_array().unwrap().len(), 5);
    app.get("/api/v1/elders?page_size=500", Some(&admin))
        .await
        .assert_error(400, "PAGE_SIZE_INVALID");
}

#[tokio::test]
async fn a_family_member_links_by_id_card_and_name_and_the_clerk_approves() {
    let app = spawn_app().await;
    let (id, number) = tianning_elder_in_zhonglou(&app).await;
    let family = app.wechat_token("o-daughter").await;
    let elder_path = format!("/api/v1/elders/{id}");

    // The wrong name and an unknown number get the same answer.
    let wrong_name = app
        .post(
            "/api/v1/family-links",
            Some(&family),
            json!({ "id_card": number, "name": "王桂" }),
        )
        .await;
    wrong_name.assert_error(404, "FAMILY_LINK_NO_MATCH");
    let unknown = app
        .post(
            "/api/v1/family-links",
            Some(&family),
            json!({ "id_card": id_card_number(TIANNING, &born(85, 168), "042"), "name": "王桂香" }),
        )
        .await;
    assert_eq!(unknown.status, wrong_name.status);
    assert_eq!(unknown.body, wrong_name.body);

    let link = app
        .post(
            "/api/v1/family-links",
            Some(&family),
            json!({ "id_card": number, "name": " 王桂香 ", "relationship": "女儿" }),
        )
        .await;
    let link = link.assert_ok().clone();
    assert_eq!(link["status"], "pending");
    assert_eq!(link["elder_name"], "王桂香");
    assert_eq!(link["relationship"], "女儿");
    let link_id = link["id"].as_i64().unwrap();

    // Asking twice is refused; pending is not yet access; the asker cannot approve.
    app.post(
        "/api/v1/family-links",
        Some(&family),
        json!({ "id_card": number, "name": "王桂香" }),
    )
    .await
    .assert_error(409, "FAMILY_LINK_EXISTS");
    app.get(&elder_path, Some(&family))
        .await
        .assert_error(404, "ELDER_NOT_FOUND");
    app.post(
        &format!("/api/v1/family-links/{link_id}/approve"),
        Some(&family),
        json!({}),
    )
    .await
    .assert_error(403, "ROLE_FORBIDDEN");

    // The clerk of an unrelated district does not see the request; the residence clerk does.
    let wujin = app.staff_token("clerk-wujin").await;
    app.post(
        &format!("/api/v1/family-links/{link_id}/approve"),
        Some(&wujin),
        json!({}),
    )
    .await
    .assert_error(404, "FAMILY_LINK_NOT_FOUND");
    let zhonglou = app.staff_token("clerk-zhonglou").await;
    let queue = app
        .get("/api/v1/family-links?status=pending", Some(&zhonglou))
        .await;
    assert!(
        queue.assert_ok()["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["id"] == link_id)
    );
    let approved = app
        .post(
            &format!("/api/v1/family-links/{link_id}/approve"),
            Some(&zhonglou),
            json!({}),
        )
        .await;
    assert_eq!(approved.assert_ok()["status"], "approved");
    app.post(
        &format!("/api/v1/family-links/{link_id}/approve"),
        Some(&zhonglou),
        json!({}),
    )
    .await
    .assert_error(409, "FAMILY_LINK_NOT_PENDING");

    // Now the family member reads the record and sees the elder among theirs.
    let read = app.get(&elder_path, Some(&family)).await;
    assert_eq!(read.assert_ok()["name"], "王桂香");
    let mine = app.get("/api/v1/me/elders", Some(&family)).await;
    let mine = mine.assert_ok();
    assert_eq!(mine[0]["relation"], "family");
    assert_eq!(mine[0]["elder"]["id"], id);
    assert_eq!(mine[0]["link_id"], link_id);
    // … but may not change it.
    app.patch(
        &elder_path,
        Some(&family),
        json!({ "phone": "13800000000" }),
    )
    .await
    .assert_error(403, "ROLE_FORBIDDEN");
}

#[tokio::test]
async fn an_elder_registers_themselves_is_approved_and_approves_their_family() {
    let app = spawn_app().await;
    let elder_token = app.wechat_token("o-grandpa-xu").await;
    let number = id_card_number(ZHONGLOU, "19480808", "057");
    let mut body = new_elder("许大爷", &number, ZHONGLOU, ZHONGLOU);
    body.as_object_mut().unwrap().remove("categories");
    let pending = app
        .post(
            "/api/v1/elders/self-registration",
            Some(&elder_token),
            body.clone(),
        )
        .await;
    let pending = pending.assert_ok().clone();
    assert_eq!(pending["status"], "pending_review");
    assert_eq!(pending["has_own_account"], true);
    let id = pending["id"].as_i64().unwrap();

    // The registrant sees their own pending record; registering twice is refused.
    let mine = app.get("/api/v1/me/elders", Some(&elder_token)).await;
    assert_eq!(mine.assert_ok()[0]["relation"], "own");
    assert_eq!(mine.body[0]["elder"]["status"], "pending_review");
    app.post("/api/v1/elders/self-registration", Some(&elder_token), body)
        .await
        .assert_error(409, "ELDER_ACCOUNT_ALREADY_REGISTERED");

    // Not the 天宁 clerk's to approve; the 钟楼 clerk approves and the account becomes an elder's.
    let tianning = app.staff_token("clerk-tianning").await;
    app.post(
        &format!("/api/v1/elders/{id}/approve"),
        Some(&tianning),
        json!({}),
    )
    .await
    .assert_error(404, "ELDER_NOT_FOUND");
    let zhonglou = app.staff_token("clerk-zhonglou").await;
    let active = app
        .post(
            &format!("/api/v1/elders/{id}/approve"),
            Some(&zhonglou),
            json!({}),
        )
        .await;
    assert_eq!(active.assert_ok()["status"], "active");
    let me = app.get("/api/v1/me", Some(&elder_token)).await;
    assert_eq!(me.assert_ok()["role"], "elder");

    // A family member asks; the elder approves from their own account.
    let son = app.wechat_token("o-son-xu").await;
    let link = app
        .post(
            "/api/v1/family-links",
            Some(&son),
            json!({ "id_card": number, "name": "许大爷", "relationship": "儿子" }),
        )
        .await;
    let link_id = link.assert_ok()["id"].as_i64().unwrap();
    let to_approve = app
        .get("/api/v1/family-links?status=pending", Some(&elder_token))
        .await;
    assert_eq!(to_approve.assert_ok()["items"][0]["id"], link_id);
    let approved = app
        .post(
            &format!("/api/v1/family-links/{link_id}/approve"),
            Some(&elder_token),
            json!({}),
        )
        .await;
    assert_eq!(approved.assert_ok()["status"], "approved");
    app.get(&format!("/api/v1/elders/{id}"), Some(&son))
        .await
        .assert_ok();

    // Another request is rejected by the elder, with a reason the asker sees.
    let stranger = app.wechat_token("o-not-family").await;
    let link = app
        .post(
            "/api/v1/family-links",
            Some(&stranger),
            json!({ "id_card": number, "name": "许大爷" }),
        )
        .await;
    let other_id = link.assert_ok()["id"].as_i64().unwrap();
    let rejected = app
        .post(
            &format!("/api/v1/family-links/{other_id}/reject"),
            Some(&elder_token),
            json!({ "reason": "不认识此人" }),
        )
        .await;
    assert_eq!(rejected.assert_ok()["status"], "rejected");
    let seen = app.get("/api/v1/family-links", Some(&stranger)).await;
    assert_eq!(seen.assert_ok()["items"][0]["decision_note"], "不认识此人");
    app.get(&format!("/api/v1/elders/{id}"), Some(&stranger))
        .await
        .assert_error(404, "ELDER_NOT_FOUND");

    // An elder linking to themselves is told so.
    app.post(
        "/api/v1/family-links",
        Some(&elder_token),
        json!({ "id_card": number, "name": "许大爷" }),
    )
    .await
    .assert_error(409, "FAMILY_LINK_SELF");
}

#[tokio::test]
async fn a_rejected_self_registration_shows_the_reason_and_can_be_corrected() {
    let app = spawn_app().await;
    let token = app.wechat_token("o-auntie-gu").await;
    let number = id_card_number(TIANNING, "19600606", "068");
    let body = new_elder("顾阿姨", &number, TIANNING, TIANNING);
    let first = app
        .post(
            "/api/v1/elders/self-registration",
            Some(&token),
            body.clone(),
        )
        .await;
    let id = first.assert_ok()["id"].as_i64().unwrap();

    let clerk = app.staff_token("clerk-tianning").await;
    app.post(
        &format!("/api/v1/elders/{id}/reject"),
        Some(&clerk),
        json!({ "reason": "x" }),
    )
    .await
    .assert_error(400, "REASON_INVALID");
    let rejected = app
        .post(
            &format!("/api/v1/elders/{id}/reject"),
            Some(&clerk),
            json!({ "reason": "居住地址不在本区，请核对" }),
        )
        .await;
    assert_eq!(rejected.assert_ok()["status"], "rejected");
    let mine = app.get("/api/v1/me/elders", Some(&token)).await;
    assert_eq!(
        mine.assert_ok()[0]["elder"]["review_note"],
        "居住地址不在本区，请核对"
    );
    // A rejected record gets no quote.
    let tomorrow = day(1);
    app.get(
        &format!(
            "/api/v1/elders/{id}/quote?meal_point_district={TIANNING}&date={tomorrow}&slot=lunch&mode=dine_in&gross=15.00"
        ),
        Some(&token),
    )
    .await
    .assert_error(409, "ELDER_NOT_ACTIVE");

    // Corrected and sent again: the same record, pending once more.
    let again = app
        .post("/api/v1/elders/self-registration", Some(&token), body)
        .await;
    let again = again.assert_ok();
    assert_eq!(again["id"], id);
    assert_eq!(again["status"], "pending_review");
    assert!(again.get("review_note").is_none());
}

#[tokio::test]
async fn unlinking_works_from_either_side() {
    let app = spawn_app().await;
    let (id, number) = tianning_elder_in_zhonglou(&app).await;
    let family = approved_family(&app, "o-niece", &number, "王桂香").await;
    let elder_path = format!("/api/v1/elders/{id}");
    app.get(&elder_path, Some(&family)).await.assert_ok();

    // The family member ends it.
    let links = app.get("/api/v1/family-links", Some(&family)).await;
    let link_id = links.assert_ok()["items"][0]["id"].as_i64().unwrap();
    let ended = app
        .delete(&format!("/api/v1/family-links/{link_id}"), Some(&family))
        .await;
    assert_eq!(ended.assert_ok()["status"], "unlinked");
    app.get(&elder_path, Some(&family))
        .await
        .assert_error(404, "ELDER_NOT_FOUND");
    app.delete(&format!("/api/v1/family-links/{link_id}"), Some(&family))
        .await
        .assert_error(409, "FAMILY_LINK_NOT_LIVE");

    // Linked again, then the elder's side (a clerk of the elder's district) ends it.
    let family = approved_family(&app, "o-niece", &number, "王桂香").await;
    app.get(&elder_path, Some(&family)).await.assert_ok();
    let clerk = app.staff_token("clerk-tianning").await;
    let links = app
        .get(
            &format!("/api/v1/family-links?elder_id={id}&status=approved"),
            Some(&clerk),
        )
        .await;
    let link_id = links.assert_ok()["items"][0]["id"].as_i64().unwrap();
    // Someone who is no party to the link cannot end it, nor learn it exists.
    let outsider = app.wechat_token("o-outsider").await;
    app.delete(&format!("/api/v1/family-links/{link_id}"), Some(&outsider))
        .await
        .assert_error(404, "FAMILY_LINK_NOT_FOUND");
    app.delete(&format!("/api/v1/family-links/{link_id}"), Some(&clerk))
        .await
        .assert_ok();
    app.get(&elder_path, Some(&family))
        .await
        .assert_error(404, "ELDER_NOT_FOUND");
    let history = app
        .get(&format!("/api/v1/family-links?elder_id={id}"), Some(&clerk))
        .await;
    assert_eq!(
        history.assert_ok()["total"],
        2,
        "both links stay as history"
    );
}

#[tokio::test]
async fn an_elder_who_signs_in_unlinks_a_family_member() {
    let app = spawn_app().await;
    // Demo: 杨德华 signs in as demo-elder-1; 杨帆 (demo-family-4) is linked to him.
    let elder = app.wechat_token("demo-elder-1").await;
    let son = app.wechat_token("demo-family-4").await;
    let mine = app.get("/api/v1/me/elders", Some(&son)).await;
    let elder_id = mine.assert_ok()[0]["elder"]["id"].as_i64().unwrap();
    assert_eq!(mine.body[0]["elder"]["name"], "杨德华");

    let links = app.get("/api/v1/family-links", Some(&elder)).await;
    let link = links.assert_ok()["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["elder_id"] == elder_id)
        .unwrap()
        .clone();
    app.delete(
        &format!("/api/v1/family-links/{}", link["id"]),
        Some(&elder),
    )
    .await
    .assert_ok();
    app.get(&format!("/api/v1/elders/{elder_id}"), Some(&son))
        .await
        .assert_error(404, "ELDER_NOT_FOUND");
    assert_eq!(
        app.get("/api/v1/me/elders", Some(&son)).await.assert_ok(),
        &json!([])
    );
}

#[tokio::test]
async fn nobody_else_can_read_an_elder() {
    let app = spawn_app().await;
    let (id, number) = tianning_elder_in_zhonglou(&app).await;
    approved_family(&app, "o-real-daughter", &number, "王桂香").await;
    let elder_path = format!("/api/v1/elders/{id}");
    let tomorrow = day(1);
    let quote_path = format!(
        "/api/v1/elders/{id}/quote?meal_point_district={ZHONGLOU}&date={tomorrow}&slot=lunch&mode=dine_in&gross=15.00"
    );

    // Another family member (linked to other elders), one with only a pending request, a clerk
    // of an unrelated district: 404, exactly as for an elder that does not exist.
    let other_family = app.wechat_token("demo-family-1").await;
    let pending_family = app.wechat_token("o-pending").await;
    app.post(
        "/api/v1/family-links",
        Some(&pending_family),
        json!({ "id_card": number, "name": "王桂香" }),
    )
    .await
    .assert_ok();
    let wujin = app.staff_token("clerk-wujin").await;
    let missing = app.get("/api/v1/elders/999999", Some(&wujin)).await;
    missing.assert_error(404, "ELDER_NOT_FOUND");
    for token in [&other_family, &pending_family, &wujin] {
        for path in [&elder_path, &quote_path] {
            let reply = app.get(path, Some(token)).await;
            reply.assert_error(404, "ELDER_NOT_FOUND");
            assert_eq!(reply.body, missing.body, "{path}");
        }
    }
    // An operator has no business with elder records at all.
    let operator = app.staff_token("operator-demo").await;
    app.get(&elder_path, Some(&operator))
        .await
        .assert_error(403, "ROLE_FORBIDDEN");
    app.get(&quote_path, Some(&operator))
        .await
        .assert_error(403, "ROLE_FORBIDDEN");
    // Nor may a stranger change anything.
    app.get(
        &format!("/api/v1/elders/{id}/category-history"),
        Some(&wujin),
    )
    .await
    .assert_error(404, "ELDER_NOT_FOUND");
    app.post(
        &format!("/api/v1/elders/{id}/categories"),
        Some(&wujin),
        json!({ "category": "dibao" }),
    )
    .await
    .assert_error(404, "ELDER_NOT_FOUND");
    app.get(&elder_path, None)
        .await
        .assert_error(401, "UNAUTHENTICATED");
}

#[tokio::test]
async fn categories_are_added_and_removed_with_their_history() {
    let app = spawn_app().await;
    let (id, _) = tianning_elder_in_zhonglou(&app).await;
    let tianning = app.staff_token("clerk-tianning").await;
    let zhonglou = app.staff_token("clerk-zhonglou").await;
    let path = format!("/api/v1/elders/{id}/categories");

    let added = app
        .post(&path, Some(&tianning), json!({ "category": "dibao" }))
        .await;
    assert_eq!(added.assert_ok()["categories"][0]["category"], "dibao");
    app.post(&path, Some(&zhonglou), json!({ "category": "dibao" }))
        .await
        .assert_error(409, "CATEGORY_ALREADY_RECORDED");
    app.post(&path, Some(&tianning), json!({ "category": "rich" }))
        .await
        .assert_field_error(400, "UNKNOWN_VALUE", "category");

    let removed = app.delete(&format!("{path}/dibao"), Some(&zhonglou)).await;
    assert_eq!(removed.assert_ok()["categories"], json!([]));
    app.delete(&format!("{path}/dibao"), Some(&zhonglou))
        .await
        .assert_error(404, "CATEGORY_NOT_RECORDED");
    app.post(&path, Some(&tianning), json!({ "category": "dibao" }))
        .await
        .assert_ok();

    let history = app
        .get(
            &format!("/api/v1/elders/{id}/category-history"),
            Some(&tianning),
        )
        .await;
    let history = history.assert_ok().as_array().unwrap().clone();
    assert_eq!(history.len(), 2);
    let tianning_id = app.account_id(&tianning).await;
    let zhonglou_id = app.account_id(&zhonglou).await;
    assert_eq!(history[0]["recorded_by"], tianning_id);
    assert_eq!(history[0]["removed_by"], zhonglou_id);
    assert!(history[0]["removed_at"].is_string());
    assert!(history[1].get("removed_at").is_none());
}

#[tokio::test]
async fn the_demo_families_see_their_elders() {
    let app = spawn_app().await;
    let family = app.wechat_token("demo-family-1").await;
    let mine = app.get("/api/v1/me/elders", Some(&family)).await;
    let names: Vec<&str> = mine
        .assert_ok()
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["elder"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["王秀英", "李建国"]);

    let elder = app.wechat_token("demo-elder-2").await;
    let me = app.get("/api/v1/me", Some(&elder)).await;
    assert_eq!(me.assert_ok()["role"], "elder");
    let mine = app.get("/api/v1/me/elders", Some(&elder)).await;
    assert_eq!(mine.assert_ok()[0]["relation"], "own");
    assert_eq!(mine.body[0]["elder"]["name"], "吴国平");
}

/// Drives every elder-related endpoint and checks that no response body and no log line contains
/// the raw number.
#[tokio::test]
async fn no_response_or_log_line_contains_an_unmasked_id_number() {
    let logs = captured_logs();
    let app = spawn_app().await;
    let mut replies: Vec<Reply> = Vec::new();
    let clerk = app.staff_token("clerk-tianning").await;
    let admin = app.staff_token("admin").await;
    // A number ending in X, so the lower-case spelling is checked too.
    let number = number_ending_in_x(TIANNING, "19470707");

    let mut body = new_elder("林奶奶", &number, TIANNING, ZHONGLOU);
    body["categories"] = json!(["dibao"]);
    let created = app.post("/api/v1/elders", Some(&clerk), body.clone()).await;
    let id = created.assert_ok()["id"].as_i64().unwrap();
    replies.push(created);
    replies.push(app.post("/api/v1/elders", Some(&clerk), body).await);
    replies.push(app.get(&format!("/api/v1/elders/{id}"), Some(&clerk)).await);
    replies.push(app.get("/api/v1/elders?page_size=100", Some(&clerk)).await);
    replies.push(app.get("/api/v1/elders?page_size=100", Some(&admin)).await);
    replies.push(
        app.post(
            "/api/v1/elders/find-by-id-card",
            Some(&clerk),
            json!({ "id_card": number.to_lowercase() }),
        )
        .await,
    );
    replies.push(
        app.patch(
            &format!("/api/v1/elders/{id}"),
            Some(&clerk),
            json!({ "address": "钟楼区荷花池街道 3 号" }),
        )
        .await,
    );
    replies.push(
        app.post(
            &format!("/api/v1/elders/{id}/categories"),
            Some(&clerk),
            json!({ "category": "living_alone" }),
        )
        .await,
    );
    replies.push(
        app.get(
            &format!("/api/v1/elders/{id}/category-history"),
            Some(&clerk),
        )
        .await,
    );

    let family = app.wechat_token("o-lin-family").await;
    let wrong = app
        .post(
            "/api/v1/family-links",
            Some(&family),
            json!({ "id_card": number, "name": "林" }),
        )
        .await;
    replies.push(wrong);
    let link = app
        .post(
            "/api/v1/family-links",
            Some(&family),
            json!({ "id_card": number, "name": "林奶奶" }),
        )
        .await;
    let link_id = link.assert_ok()["id"].as_i64().unwrap();
    replies.push(link);
    replies.push(
        app.post(
            &format!("/api/v1/family-links/{link_id}/approve"),
            Some(&clerk),
            json!({}),
        )
        .await,
    );
    replies.push(app.get("/api/v1/family-links", Some(&family)).await);
    replies.push(app.get("/api/v1/family-links", Some(&clerk)).await);
    replies.push(app.get("/api/v1/me/elders", Some(&family)).await);
    let tomorrow = day(1);
    replies.push(
        app.get(
            &format!(
                "/api/v1/elders/{id}/quote?meal_point_district={ZHONGLOU}&date={tomorrow}&slot=lunch&mode=dine_in&gross=15.00"
            ),
            Some(&family),
        )
        .await,
    );

    // Self-registration, with a number that is already taken and with a fresh one.
    let claimant = app.wechat_token("o-lin-claim").await;
    let self_body = new_elder("林奶奶", &number, TIANNING, ZHONGLOU);
    replies.push(
        app.post(
            "/api/v1/elders/self-registration",
            Some(&claimant),
            self_body,
        )
        .await,
    );
    let applicant = app.wechat_token("o-lin-self").await;
    let own_number = id_card_number(TIANNING, "19490909", "024");
    let own = app
        .post(
            "/api/v1/elders/self-registration",
            Some(&applicant),
            new_elder("林大姐", &own_number, TIANNING, TIANNING),
        )
        .await;
    let own_id = own.assert_ok()["id"].as_i64().unwrap();
    replies.push(own);
    replies.push(
        app.post(
            &format!("/api/v1/elders/{own_id}/approve"),
            Some(&clerk),
            json!({}),
        )
        .await,
    );
    replies.push(app.get("/api/v1/me/elders", Some(&applicant)).await);

    assert!(replies.len() >= 20);
    for raw in [&number, &own_number] {
        for spelling in [raw.to_string(), raw.to_lowercase()] {
            for reply in &replies {
                assert!(
                    !reply.body.to_string().contains(&spelling),
                    "a response leaked the ID number: {}",
                    reply.body
                );
            }
        }
    }
    // And what is shown is the masked form.
    assert_eq!(
        replies[0].body["id_card_masked"],
        format!("3204************{}", &number[16..])
    );

    // The service did log this test's requests (so the capture works) but never the number.
    let logged = logs.text();
    assert!(logged.contains("/api/v1/family-links"), "nothing captured");
    for raw in [&number, &own_number] {
        assert!(
            !logged.contains(raw.as_str()),
            "a log line leaked the ID number"
        );
        assert!(
            !logged.contains(&raw.to_lowercase()),
            "a log line leaked the ID number"
        );
    }
}
