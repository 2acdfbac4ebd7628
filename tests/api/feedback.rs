//! Feedback through the real HTTP API: ratings of served orders and the meal point's aggregates,
//! replies and hiding, complaints with deadlines that escalate by themselves, who sees which
//! complaint, inspectors' visits and the supervisor view.
//!
//! Served orders come the way they do in life: the clock starts Monday 09:00, today's lunch at
//! `operator-demo`'s meal point is still open for booking until 09:30; the family books, the clock
//! moves to 11:15 and the operator verifies the pickup code.

use chrono::Duration;
use serde_json::{Value, json};

use crate::{
    fixtures::{self, ElderForm, linked_family, register_elder},
    helpers::{
        TestApp, all_at_once, born, day, id_card_number, month_of, spawn_demo_city,
        spawn_full_demo, today,
    },
};

const ZHONGLOU: &str = "320404";

/// `operator-demo`'s first meal point, with a fresh dish on today's lunch.
struct Kitchen {
    operator: String,
    meal_point_id: i64,
    offering_id: i64,
}

async fn kitchen(app: &TestApp) -> Kitchen {
    let shared = fixtures::kitchen(app).await;
    kitchen_at(app, shared.operator, shared.meal_point_id).await
}

/// Today's lunch published at a meal point by someone who may (its operator, the city admin).
async fn kitchen_at(app: &TestApp, operator: String, meal_point_id: i64) -> Kitchen {
    let shared = fixtures::Kitchen {
        operator,
        meal_point_id,
    };
    let offering_id = shared.offering(app, &day(0), 20).await;
    Kitchen {
        operator: shared.operator,
        meal_point_id,
        offering_id,
    }
}

/// A 钟楼 elder registered by the admin, with a family member linked and approved; returns the
/// elder's id and the family member's token.
async fn elder_with_family(app: &TestApp, n: u32) -> (i64, String) {
    let number = id_card_number(ZHONGLOU, &born(81, 120), &format!("{:03}", 200 + n));
    let name = format!("评价老人{n}");
    let address = format!("南大街{n}号");
    let form = ElderForm {
        address: &address,
        phone: "13900000000",
        ..ElderForm::new(&name, &number, ZHONGLOU, ZHONGLOU)
    };
    let elder = register_elder(app, "admin", &form).await;
    let openid = format!("o-feedback-family-{n}");
    let family = linked_family(app, &openid, (&number, &name), "女儿", "admin").await;
    (elder.id, family)
}

impl Kitchen {
    /// Today's lunch booked by the family (before the 09:30 cutoff); returns the order.
    async fn book(&self, app: &TestApp, elder_id: i64, family: &str) -> Value {
        let booked = app
            .post(
                "/api/v1/orders",
                Some(family),
                json!({
                    "elder_id": elder_id,
                    "meal_point_id": self.meal_point_id,
                    "date": day(0),
                    "slot": "lunch",
                    "mode": "pickup",
                    "items": [{ "offering_id": self.offering_id, "quantity": 1 }],
                    "client_key": uuid::Uuid::now_v7().to_string(),
                }),
            )
            .await;
        assert_eq!(booked.status, 201, "{}", booked.body);
        booked.body
    }

    /// Verifies the pickup (the clock must be within the pickup window).
    async fn serve(&self, app: &TestApp, order: &Value) {
        let served = app
            .post(
                &format!("/api/v1/meal-points/{}/pickups", self.meal_point_id),
                Some(&self.operator),
                json!({ "code": order["pickup_code"] }),
            )
            .await;
        assert_eq!(served.assert_ok()["state"], "served");
    }

    async fn profile(&self, app: &TestApp) -> Value {
        app.get(&format!("/api/v1/meal-points/{}", self.meal_point_id), None)
            .await
            .assert_ok()
            .clone()
    }
}

fn scores(overall: i64) -> Value {
    json!({
        "overall": overall, "taste": 5, "portion": 4, "hygiene": 5, "service": 3,
        "comment": "红烧肉软烂，老人喜欢", "photos": ["https://img.example.cn/lunch.jpg"],
    })
}

fn rating_path(order: &Value) -> String {
    format!("/api/v1/orders/{}/rating", order["id"].as_str().unwrap())
}

/// Moves the clock from 09:00 to 11:15, inside today's lunch pickup window.
fn to_lunch(app: &TestApp) {
    app.advance_clock(Duration::minutes(135));
}

#[tokio::test]
async fn a_served_order_is_rated_once_and_the_meal_points_aggregates_change() {
    let app = spawn_demo_city().await;
    let kitchen = kitchen(&app).await;
    let (elder_id, family) = elder_with_family(&app, 1).await;
    let order = kitchen.book(&app, elder_id, &family).await;

    // Not served yet: refused, and nothing is stored.
    app.post(&rating_path(&order), Some(&family), scores(4))
        .await
        .assert_error(409, "ORDER_NOT_SERVED");
    app.get(&rating_path(&order), Some(&family))
        .await
        .assert_error(404, "RATING_NOT_FOUND");

    let before = kitchen.profile(&app).await["rating_summary"].clone();
    to_lunch(&app);
    kitchen.serve(&app, &order).await;

    // A score out of range names the score.
    let mut bad = scores(4);
    bad["taste"] = json!(6);
    app.post(&rating_path(&order), Some(&family), bad)
        .await
        .assert_field_error(400, "TASTE_INVALID", "taste");
    let mut bad = scores(0);
    bad["hygiene"] = json!(0);
    app.post(&rating_path(&order), Some(&family), bad)
        .await
        .assert_field_error(400, "OVERALL_INVALID", "overall");

    let rated = app
        .post(&rating_path(&order), Some(&family), scores(4))
        .await;
    assert_eq!(rated.status, 201, "{}", rated.body);
    let rating = rated.body.clone();
    assert_eq!(rating["order_id"], order["id"]);
    assert_eq!(rating["meal_point_id"], kitchen.meal_point_id);
    assert_eq!(
        (rating["overall"].as_i64(), rating["taste"].as_i64()),
        (Some(4), Some(5))
    );
    assert_eq!(rating["photos"][0], "https://img.example.cn/lunch.jpg");
    assert_eq!(rating["reply"], Value::Null);
    assert_eq!(rating["hidden"], false);

    // A second rating of the same order is refused.
    app.post(&rating_path(&order), Some(&family), scores(1))
        .await
        .assert_error(409, "ALREADY_RATED");

    // The meal point's aggregates moved by exactly this rating.
    let after = kitchen.profile(&app).await["rating_summary"].clone();
    let count = |s: &Value| s["count"].as_u64().unwrap();
    assert_eq!(count(&after), count(&before) + 1);
    assert_eq!(
        after["recent_count"].as_u64().unwrap(),
        before["recent_count"].as_u64().unwrap() + 1
    );
    let fours = |s: &Value| s["distribution"][3].as_u64().unwrap();
    assert_eq!(fours(&after), fours(&before) + 1);
    assert_eq!(after["distribution"].as_array().unwrap().len(), 5);
    assert!(after["overall"].as_f64().is_some());
    let average = after["overall"].as_f64().unwrap();
    assert_eq!((average * 10.0).round() / 10.0, average, "one decimal");

    // The list items carry the same summary.
    let list = app
        .get(
            &format!("/api/v1/meal-points?district_code={ZHONGLOU}&page_size=100"),
            None,
        )
        .await;
    let item = list.assert_ok()["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == kitchen.meal_point_id)
        .cloned()
        .unwrap();
    assert_eq!(item["rating_summary"], after);

    // The family reads it back; the public list shows it; a stranger cannot reach the order.
    let read = app.get(&rating_path(&order), Some(&family)).await;
    assert_eq!(read.assert_ok()["id"], rating["id"]);
    let public = app
        .get(
            &format!("/api/v1/meal-points/{}/ratings", kitchen.meal_point_id),
            None,
        )
        .await;
    assert_eq!(public.assert_ok()["items"][0]["id"], rating["id"]);
    let stranger = app.wechat_token("o-feedback-stranger").await;
    app.get(&rating_path(&order), Some(&stranger))
        .await
        .assert_error(404, "ORDER_NOT_FOUND");
    app.post(&rating_path(&order), Some(&stranger), scores(1))
        .await
        .assert_error(404, "ORDER_NOT_FOUND");
    // Staff do not rate.
    app.post(&rating_path(&order), Some(&kitchen.operator), scores(5))
        .await
        .assert_error(403, "ROLE_FORBIDDEN");
}

#[tokio::test]
async fn the_rating_window_closes_a_week_after_the_meal() {
    let app = spawn_demo_city().await;
    let kitchen = kitchen(&app).await;
    let (elder_id, family) = elder_with_family(&app, 2).await;
    let order = kitchen.book(&app, elder_id, &family).await;
    to_lunch(&app);
    kitchen.serve(&app, &order).await;
    app.advance_clock(Duration::days(7));
    // A week later the session has expired too: sign in again.
    let family = app.wechat_token("o-feedback-family-2").await;
    app.post(&rating_path(&order), Some(&family), scores(2))
        .await
        .assert_error(409, "RATING_WINDOW_CLOSED");
}

#[tokio::test]
async fn the_operator_replies_once_and_the_city_hides_a_rating_with_a_reason() {
    let app = spawn_demo_city().await;
    let kitchen = kitchen(&app).await;
    let (elder_id, family) = elder_with_family(&app, 3).await;
    let order = kitchen.book(&app, elder_id, &family).await;
    to_lunch(&app);
    kitchen.serve(&app, &order).await;
    let rating = app
        .post(&rating_path(&order), Some(&family), scores(1))
        .await;
    let rating_id = rating.assert_ok()["id"].as_i64().unwrap();
    let reply = format!("/api/v1/ratings/{rating_id}/reply");
    let hide = format!("/api/v1/ratings/{rating_id}/hide");

    // Only an operator of this meal point replies, once.
    let admin = app.staff_token("admin").await;
    app.post(
        "/api/v1/staff-accounts",
        Some(&admin),
        json!({
            "username": "operator-elsewhere", "password": "another-kitchen",
            "role": "operator", "display_name": "别处运营员",
        }),
    )
    .await
    .assert_ok();
    let elsewhere = app
        .staff_login("operator-elsewhere", "another-kitchen")
        .await
        .assert_ok()["token"]
        .as_str()
        .unwrap()
        .to_string();
    app.post(&reply, Some(&elsewhere), json!({ "text": "不是我们家的" }))
        .await
        .assert_error(403, "NOT_YOUR_MEAL_POINT");
    app.post(&reply, Some(&family), json!({ "text": "自己回复自己" }))
        .await
        .assert_error(403, "ROLE_FORBIDDEN");
    app.post(&reply, Some(&kitchen.operator), json!({ "text": "  " }))
        .await
        .assert_field_error(400, "TEXT_INVALID", "text");
    let replied = app
        .post(
            &reply,
            Some(&kitchen.operator),
            json!({ "text": "抱歉，明天起少放盐" }),
        )
        .await;
    assert_eq!(replied.assert_ok()["reply"]["text"], "抱歉，明天起少放盐");
    app.post(
        &reply,
        Some(&kitchen.operator),
        json!({ "text": "再说一句" }),
    )
    .await
    .assert_error(409, "ALREADY_REPLIED");
    let read = app.get(&rating_path(&order), Some(&family)).await;
    assert_eq!(read.assert_ok()["reply"]["text"], "抱歉，明天起少放盐");

    // The city hides it with a reason; a clerk or the operator may not.
    let before = kitchen.profile(&app).await["rating_summary"]["count"]
        .as_u64()
        .unwrap();
    let clerk = app.staff_token("clerk-zhonglou").await;
    for token in [&clerk, &kitchen.operator] {
        app.post(&hide, Some(token), json!({ "reason": "含有辱骂内容" }))
            .await
            .assert_error(403, "ROLE_FORBIDDEN");
    }
    app.post(&hide, Some(&admin), json!({ "reason": "" }))
        .await
        .assert_field_error(400, "REASON_INVALID", "reason");
    let hidden = app
        .post(&hide, Some(&admin), json!({ "reason": "含有辱骂内容" }))
        .await;
    let hidden = hidden.assert_ok();
    assert_eq!(hidden["hidden"], true);
    assert_eq!(hidden["hidden_reason"], "含有辱骂内容");
    // Never edited: the scores and the reply stay as they were.
    assert_eq!(hidden["overall"], 1);
    assert_eq!(hidden["reply"]["text"], "抱歉，明天起少放盐");
    app.post(&hide, Some(&admin), json!({ "reason": "再隐藏一次" }))
        .await
        .assert_error(409, "ALREADY_HIDDEN");

    // Out of the public list and the averages; the operator and the clerk still see it, marked.
    let after = kitchen.profile(&app).await["rating_summary"]["count"]
        .as_u64()
        .unwrap();
    assert_eq!(after, before - 1);
    let ratings = format!("/api/v1/meal-points/{}/ratings", kitchen.meal_point_id);
    let ids = |reply: &crate::helpers::Reply| -> Vec<(i64, bool)> {
        reply.assert_ok()["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| (r["id"].as_i64().unwrap(), r["hidden"].as_bool().unwrap()))
            .collect()
    };
    let public = ids(&app.get(&ratings, None).await);
    assert!(!public.iter().any(|(id, _)| *id == rating_id));
    let family_view = ids(&app.get(&ratings, Some(&family)).await);
    assert!(!family_view.iter().any(|(id, _)| *id == rating_id));
    for token in [&kitchen.operator, &clerk, &admin] {
        let staff = ids(&app.get(&ratings, Some(token)).await);
        assert!(staff.contains(&(rating_id, true)), "{staff:?}");
    }
    // The family still sees their own rating, marked hidden.
    let own = app.get(&rating_path(&order), Some(&family)).await;
    assert_eq!(own.assert_ok()["hidden"], true);
}

// ---------------------------------------------------------------------------------------------
// Complaints
// ---------------------------------------------------------------------------------------------

fn complaint(meal_point_id: i64, elder_id: Option<i64>, category: &str, text: &str) -> Value {
    json!({
        "meal_point_id": meal_point_id,
        "elder_id": elder_id,
        "category": category,
        "text": text,
    })
}

/// A meal point `operator-demo` does not run, in 天宁.
async fn other_meal_point(app: &TestApp) -> i64 {
    let list = app
        .get("/api/v1/meal-points?district_code=320402&page_size=1", None)
        .await;
    list.assert_ok()["items"][0]["id"].as_i64().unwrap()
}

#[tokio::test]
async fn a_food_safety_complaint_escalates_by_itself_when_its_deadline_passes() {
    let app = spawn_demo_city().await;
    let kitchen = kitchen(&app).await;
    let (elder_id, family) = elder_with_family(&app, 4).await;
    // Booked there: what ties the family to the meal point.
    kitchen.book(&app, elder_id, &family).await;
    let made = app
        .post(
            "/api/v1/complaints",
            Some(&family),
            complaint(
                kitchen.meal_point_id,
                Some(elder_id),
                "food_safety",
                "午饭的鱼有异味，老人吃后肚子不舒服",
            ),
        )
        .await;
    assert_eq!(made.status, 201, "{}", made.body);
    let food = made.body.clone();
    assert_eq!(food["state"], "submitted");
    assert_eq!(food["category_label"], "食品安全");
    assert_eq!(food["complainant_role"], "family");
    assert_eq!(food["overdue"], false);
    assert_eq!(food["steps"].as_array().unwrap().len(), 1);
    // Food safety: a day to acknowledge, three to resolve (the defaults).
    let at = |v: &Value| chrono::DateTime::parse_from_rfc3339(v.as_str().unwrap()).unwrap();
    assert_eq!(
        at(&food["ack_due_at"]) - at(&food["created_at"]),
        Duration::hours(24)
    );
    assert_eq!(
        at(&food["resolve_due_at"]) - at(&food["created_at"]),
        Duration::hours(72)
    );
    let other = app
        .post(
            "/api/v1/complaints",
            Some(&family),
            complaint(kitchen.meal_point_id, Some(elder_id), "price", "菜价涨了"),
        )
        .await;
    let other = other.assert_ok().clone();
    assert!(at(&other["ack_due_at"]) > at(&food["ack_due_at"]));

    let food_path = format!("/api/v1/complaints/{}", food["id"]);
    let other_path = format!("/api/v1/complaints/{}", other["id"]);
    app.advance_clock(Duration::hours(23));
    let read = app.get(&food_path, Some(&family)).await;
    assert_eq!(read.assert_ok()["state"], "submitted");

    // Past the deadline, nobody acts: the background sweep escalates it by itself …
    app.advance_clock(Duration::hours(2));
    // (The sweep also runs every minute in the background; whichever gets there first, the
    // complaint moves once.)
    let escalated = zhucan::feedback::service::sweep_escalations(&app.state)
        .await
        .unwrap();
    assert!(escalated <= 1, "only the food-safety complaint is due");
    let stored = {
        use sea_orm::EntityTrait;
        entity::complaint::Entity::find_by_id(food["id"].as_i64().unwrap())
            .one(&app.state.db)
            .await
            .unwrap()
            .unwrap()
    };
    assert_eq!(
        stored.state,
        vocabulary::ComplaintState::Escalated,
        "escalated before anyone read it"
    );
    let read = app.get(&food_path, Some(&family)).await;
    let read = read.assert_ok();
    assert_eq!(read["state"], "escalated");
    assert_eq!(read["overdue"], true);
    let last = read["steps"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["from_state"], "submitted");
    assert_eq!(last["to_state"], "escalated");
    assert_eq!(last["actor_account_id"], Value::Null);
    assert_eq!(last["actor_name"], "系统");
    assert!(last["note"].as_str().unwrap().contains("自动"));
    let read = app.get(&other_path, Some(&family)).await;
    assert_eq!(read.assert_ok()["state"], "submitted");

    // … and so does every read, without the sweep: the price complaint after its three days.
    app.advance_clock(Duration::hours(48));
    let read = app.get(&other_path, Some(&family)).await;
    assert_eq!(read.assert_ok()["state"], "escalated");

    // The district clerk's overdue list has both; the operator may no longer resolve them.
    let clerk = app.staff_token("clerk-zhonglou").await;
    let overdue = app
        .get("/api/v1/complaints?overdue=true", Some(&clerk))
        .await;
    let ids: Vec<i64> = overdue.assert_ok()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_i64().unwrap())
        .collect();
    assert!(ids.contains(&food["id"].as_i64().unwrap()));
    assert!(ids.contains(&other["id"].as_i64().unwrap()));
    let operator = app.staff_token("operator-demo").await;
    app.post(
        &format!("{food_path}/resolve"),
        Some(&operator),
        json!({ "note": "已处理" }),
    )
    .await
    .assert_error(403, "COMPLAINT_ACTION_FORBIDDEN");
    let resolved = app
        .post(
            &format!("{food_path}/resolve"),
            Some(&clerk),
            json!({ "note": "区市场监管所已抽检留样，责令整改" }),
        )
        .await;
    assert_eq!(resolved.assert_ok()["state"], "resolved");
}

#[tokio::test]
async fn each_step_keeps_who_when_and_what_and_the_complainant_sees_progress() {
    let app = spawn_demo_city().await;
    let kitchen = kitchen(&app).await;
    let (elder_id, family) = elder_with_family(&app, 5).await;
    let order = kitchen.book(&app, elder_id, &family).await;

    // Bad input changes nothing.
    app.post(
        "/api/v1/complaints",
        Some(&family),
        complaint(kitchen.meal_point_id, None, "noise", "太吵"),
    )
    .await
    .assert_field_error(400, "UNKNOWN_VALUE", "category");
    app.post(
        "/api/v1/complaints",
        Some(&family),
        complaint(kitchen.meal_point_id, None, "other", "   "),
    )
    .await
    .assert_field_error(400, "TEXT_INVALID", "text");
    let elsewhere = other_meal_point(&app).await;
    let mut wrong_point = complaint(elsewhere, None, "delivery", "送错了");
    wrong_point["order_id"] = order["id"].clone();
    app.post("/api/v1/complaints", Some(&family), wrong_point)
        .await
        .assert_field_error(400, "ORDER_NOT_AT_MEAL_POINT", "order_id");

    let mut body = complaint(
        kitchen.meal_point_id,
        None,
        "service_attitude",
        "取餐时工作人员态度生硬",
    );
    body["order_id"] = order["id"].clone();
    let made = app.post("/api/v1/complaints", Some(&family), body).await;
    assert_eq!(made.status, 201, "{}", made.body);
    let id = made.body["id"].as_i64().unwrap();
    assert_eq!(made.body["elder_id"], elder_id, "taken from the order");
    let path = format!("/api/v1/complaints/{id}");

    // The complainant cannot acknowledge; the operator can, once.
    app.post(&format!("{path}/acknowledge"), Some(&family), json!({}))
        .await
        .assert_error(403, "COMPLAINT_ACTION_FORBIDDEN");
    let ack = app
        .post(
            &format!("{path}/acknowledge"),
            Some(&kitchen.operator),
            json!({ "note": "已联系老人家属，正在核实" }),
        )
        .await;
    assert_eq!(ack.assert_ok()["state"], "acknowledged");
    app.post(
        &format!("{path}/acknowledge"),
        Some(&kitchen.operator),
        json!({}),
    )
    .await
    .assert_error(409, "COMPLAINT_STATE_CONFLICT");
    app.post(
        &format!("{path}/resolve"),
        Some(&kitchen.operator),
        json!({}),
    )
    .await
    .assert_field_error(400, "NOTE_REQUIRED", "note");
    app.advance_clock(Duration::hours(3));
    let resolved = app
        .post(
            &format!("{path}/resolve"),
            Some(&kitchen.operator),
            json!({ "note": "已向老人当面道歉，并对员工进行培训" }),
        )
        .await;
    assert_eq!(resolved.assert_ok()["state"], "resolved");
    // The operator cannot close their own complaint; the complainant, satisfied, does.
    app.post(&format!("{path}/close"), Some(&kitchen.operator), json!({}))
        .await
        .assert_error(403, "COMPLAINT_ACTION_FORBIDDEN");
    let closed = app
        .post(
            &format!("{path}/close"),
            Some(&family),
            json!({ "note": "满意" }),
        )
        .await;
    assert_eq!(closed.assert_ok()["state"], "closed");

    // The complainant's own list shows the progress, step by step.
    let mine = app.get("/api/v1/me/complaints", Some(&family)).await;
    let mine = mine.assert_ok()["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .cloned()
        .expect("the complainant sees their complaint");
    let steps = mine["steps"].as_array().unwrap();
    let summary: Vec<(&str, &str, &str)> = steps
        .iter()
        .map(|s| {
            (
                s["to_state"].as_str().unwrap(),
                s["actor_role"].as_str().unwrap(),
                s["note"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            ("submitted", "family", "提交投诉"),
            ("acknowledged", "operator", "已联系老人家属，正在核实"),
            ("resolved", "operator", "已向老人当面道歉，并对员工进行培训"),
            ("closed", "family", "满意"),
        ]
    );
    assert_eq!(steps[1]["actor_name"], "助餐点运营员");
    assert!(steps[2]["at"].as_str() > steps[1]["at"].as_str());
    assert_eq!(mine["overdue"], false);
}

#[tokio::test]
async fn operators_and_clerks_see_only_the_complaints_of_their_own_meal_points_and_district() {
    let app = spawn_demo_city().await;
    let kitchen = kitchen(&app).await;
    let elsewhere = other_meal_point(&app).await;
    let admin = app.staff_token("admin").await;
    let (elder_id, family) = elder_with_family(&app, 6).await;
    kitchen_at(&app, admin, elsewhere)
        .await
        .book(&app, elder_id, &family)
        .await;
    let theirs = app
        .post(
            "/api/v1/complaints",
            Some(&family),
            complaint(elsewhere, None, "hygiene", "餐桌很脏"),
        )
        .await;
    let theirs = theirs.assert_ok()["id"].as_i64().unwrap();
    let ours = app
        .post(
            "/api/v1/complaints",
            Some(&kitchen.operator),
            complaint(kitchen.meal_point_id, None, "other", "老人电话反映汤太咸"),
        )
        .await;
    assert_eq!(ours.assert_ok()["complainant_role"], "operator");
    let ours = ours.body["id"].as_i64().unwrap();

    // The operator: not the other meal point's complaint, by id, in the list or to act on.
    let path = format!("/api/v1/complaints/{theirs}");
    app.get(&path, Some(&kitchen.operator))
        .await
        .assert_error(404, "COMPLAINT_NOT_FOUND");
    app.post(
        &format!("{path}/acknowledge"),
        Some(&kitchen.operator),
        json!({}),
    )
    .await
    .assert_error(404, "COMPLAINT_NOT_FOUND");
    let listed = |reply: crate::helpers::Reply| -> Vec<i64> {
        reply.assert_ok()["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_i64().unwrap())
            .collect()
    };
    let operator_list = listed(app.get("/api/v1/complaints", Some(&kitchen.operator)).await);
    assert!(operator_list.contains(&ours));
    assert!(!operator_list.contains(&theirs));
    // Nor may an operator file one about a meal point they do not run.
    app.post(
        "/api/v1/complaints",
        Some(&kitchen.operator),
        complaint(elsewhere, None, "other", "替别人登记"),
    )
    .await
    .assert_error(403, "NOT_YOUR_MEAL_POINT");

    // Clerks see their district's; the city admin all; another family member none of these.
    let zhonglou = app.staff_token("clerk-zhonglou").await;
    let tianning = app.staff_token("clerk-tianning").await;
    let admin = app.staff_token("admin").await;
    app.get(&path, Some(&zhonglou))
        .await
        .assert_error(404, "COMPLAINT_NOT_FOUND");
    app.get(&path, Some(&tianning)).await.assert_ok();
    let zhonglou_list = listed(app.get("/api/v1/complaints", Some(&zhonglou)).await);
    assert!(zhonglou_list.contains(&ours) && !zhonglou_list.contains(&theirs));
    let tianning_list = listed(app.get("/api/v1/complaints", Some(&tianning)).await);
    assert!(tianning_list.contains(&theirs) && !tianning_list.contains(&ours));
    let admin_list = listed(app.get("/api/v1/complaints", Some(&admin)).await);
    assert!(admin_list.contains(&theirs) && admin_list.contains(&ours));
    let stranger = app.wechat_token("o-feedback-someone-else").await;
    app.get(&path, Some(&stranger))
        .await
        .assert_error(404, "COMPLAINT_NOT_FOUND");
    app.get("/api/v1/complaints", Some(&family))
        .await
        .assert_error(403, "ROLE_FORBIDDEN");
    assert_eq!(
        listed(app.get("/api/v1/me/complaints", Some(&family)).await),
        vec![theirs]
    );
}

// ---------------------------------------------------------------------------------------------
// Inspectors and the supervisor view
// ---------------------------------------------------------------------------------------------

fn visit(food_safety: i64, hygiene: i64, service: i64, sample_retained: bool) -> Value {
    json!({
        "date": day(0),
        "scores": { "food_safety": food_safety, "hygiene": hygiene, "service": service },
        "notes": "后厨检查，查看留样柜",
        "sample_retained": sample_retained,
    })
}

#[tokio::test]
async fn the_supervisor_view_lists_overdue_complaints_and_the_lowest_scored_meal_points() {
    let app = spawn_demo_city().await;
    let kitchen = kitchen(&app).await;
    let mine = app
        .get("/api/v1/me/meal-points", Some(&kitchen.operator))
        .await;
    let second = mine.assert_ok()["items"][1]["id"].as_i64().unwrap();
    let admin = app.staff_token("admin").await;

    // The city invites an inspector from the catering association.
    let invited = app
        .post(
            "/api/v1/inspectors",
            Some(&admin),
            json!({
                "username": "inspector-assoc", "display_name": "钱督查",
                "organisation": "常州市餐饮行业协会", "password": "visit-them-all",
            }),
        )
        .await;
    assert_eq!(invited.status, 201, "{}", invited.body);
    let clerk = app.staff_token("clerk-zhonglou").await;
    app.post(
        "/api/v1/inspectors",
        Some(&clerk),
        json!({
            "username": "inspector-x", "display_name": "某人",
            "organisation": "某协会", "password": "visit-them-all",
        }),
    )
    .await
    .assert_error(403, "ROLE_FORBIDDEN");
    let inspector = app
        .staff_login("inspector-assoc", "visit-them-all")
        .await
        .assert_ok()["token"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        app.get("/api/v1/me", Some(&inspector)).await.assert_ok()["role"],
        "inspector"
    );

    // Visits: a poor one without 留样 at the first meal point, a good one at the second.
    let inspections = |id: i64| format!("/api/v1/meal-points/{id}/inspections");
    let mut bad = visit(2, 9, 2, false);
    app.post(
        &inspections(kitchen.meal_point_id),
        Some(&inspector),
        bad.clone(),
    )
    .await
    .assert_field_error(400, "HYGIENE_INVALID", "scores.hygiene");
    bad["scores"]["hygiene"] = json!(2);
    for date in [day(7), day(-31), "0001-01-01".to_string()] {
        bad["date"] = json!(date);
        app.post(
            &inspections(kitchen.meal_point_id),
            Some(&inspector),
            bad.clone(),
        )
        .await
        .assert_field_error(400, "INSPECTION_DATE_INVALID", "date");
    }
    app.post(
        &inspections(kitchen.meal_point_id),
        Some(&kitchen.operator),
        visit(5, 5, 5, true),
    )
    .await
    .assert_error(403, "ROLE_FORBIDDEN");
    let poor = app
        .post(
            &inspections(kitchen.meal_point_id),
            Some(&inspector),
            visit(2, 2, 2, false),
        )
        .await;
    assert_eq!(poor.status, 201, "{}", poor.body);
    assert_eq!(poor.body["organisation"], "常州市餐饮行业协会");
    assert_eq!(poor.body["sample_retained"], false);
    app.post(&inspections(second), Some(&inspector), visit(5, 5, 5, true))
        .await
        .assert_ok();
    // The operator reads their own visits; another district's clerk may not.
    let own = app
        .get(&inspections(kitchen.meal_point_id), Some(&kitchen.operator))
        .await;
    assert_eq!(own.assert_ok()["total"], 1);
    let tianning = app.staff_token("clerk-tianning").await;
    app.get(&inspections(kitchen.meal_point_id), Some(&tianning))
        .await
        .assert_error(403, "INSPECTIONS_FORBIDDEN");

    // A food-safety complaint nobody acknowledges, past its deadline.
    let (elder_id, family) = elder_with_family(&app, 7).await;
    kitchen.book(&app, elder_id, &family).await;
    let made = app
        .post(
            "/api/v1/complaints",
            Some(&family),
            complaint(kitchen.meal_point_id, None, "food_safety", "饭菜是馊的"),
        )
        .await;
    let complaint_id = made.assert_ok()["id"].as_i64().unwrap();
    app.advance_clock(Duration::hours(25));

    let this_month = month_of(today(), 0);
    let overview = app
        .get(
            &format!("/api/v1/supervision/overview?month={this_month}"),
            Some(&clerk),
        )
        .await;
    let overview = overview.assert_ok().clone();
    assert_eq!(overview["month"], this_month);
    assert_eq!(overview["district_code"], ZHONGLOU);
    let overdue: Vec<i64> = overview["overdue"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_i64().unwrap())
        .collect();
    assert!(overdue.contains(&complaint_id), "{overview}");
    assert_eq!(overview["overdue"][0]["state"], "escalated");
    assert!(
        overview["complaints_by_state"]["escalated"]
            .as_u64()
            .unwrap()
            >= 1
    );
    // The lowest-scored meal point comes first: the poor visit and the escalated complaint.
    let points = overview["meal_points"].as_array().unwrap();
    assert_eq!(
        points[0]["meal_point_id"], kitchen.meal_point_id,
        "{overview}"
    );
    assert_eq!(points[0]["complaint_count"], 1);
    assert_eq!(points[0]["escalated_count"], 1);
    assert_eq!(points[0]["inspection_count"], 1);
    let score = |id: i64| {
        points.iter().find(|p| p["meal_point_id"] == id).unwrap()["score"]
            .as_f64()
            .unwrap()
    };
    assert!(score(kitchen.meal_point_id) < score(second));
    let scores: Vec<Option<f64>> = points.iter().map(|p| p["score"].as_f64()).collect();
    let known: Vec<f64> = scores.iter().flatten().copied().collect();
    assert!(
        known.windows(2).all(|w| w[0] <= w[1]),
        "lowest first: {scores:?}"
    );
    assert!(
        scores
            .iter()
            .skip_while(|s| s.is_some())
            .all(Option::is_none),
        "unscored last: {scores:?}"
    );
    assert!(points.iter().all(|p| p["district_code"] == ZHONGLOU));
    let visits = overview["recent_inspections"].as_array().unwrap();
    assert_eq!(visits.len(), 2);
    assert_eq!(visits[0]["inspector_name"], "钱督查");

    // Another district's clerk sees neither; the city admin sees all; operators nothing.
    // The month of the visits and the complaint, named: the clock may have crossed into the next.
    let other = app
        .get(
            &format!("/api/v1/supervision/overview?month={this_month}"),
            Some(&tianning),
        )
        .await;
    let other = other.assert_ok();
    assert!(
        !other["overdue"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["id"] == complaint_id)
    );
    assert!(
        other["meal_points"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["district_code"] == "320402")
    );
    app.get(
        "/api/v1/supervision/overview?district_code=320404",
        Some(&tianning),
    )
    .await
    .assert_error(403, "NOT_YOUR_DISTRICT");
    let city = app
        .get(
            &format!("/api/v1/supervision/overview?month={this_month}&limit=200"),
            Some(&admin),
        )
        .await;
    let city = city.assert_ok();
    assert_eq!(city["district_code"], Value::Null);
    assert!(
        city["overdue"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["id"] == complaint_id)
    );
    assert_eq!(
        city["meal_points"][0]["meal_point_id"],
        kitchen.meal_point_id
    );
    app.get("/api/v1/supervision/overview", Some(&kitchen.operator))
        .await
        .assert_error(403, "ROLE_FORBIDDEN");
    app.get("/api/v1/supervision/overview?month=2026-13", Some(&admin))
        .await
        .assert_field_error(400, "MONTH_INVALID", "month");
    // Last month had none of this.
    let last_month = app
        .get(
            &format!(
                "/api/v1/supervision/overview?month={}",
                month_of(today(), -1)
            ),
            Some(&clerk),
        )
        .await;
    let last_month = last_month.assert_ok();
    assert_eq!(
        last_month["recent_inspections"].as_array().unwrap().len(),
        0
    );
    assert_eq!(last_month["complaints_by_state"]["total"], 0);
}

#[tokio::test]
async fn the_demo_city_shows_ratings_a_reply_an_unrated_meal_and_a_complaint() {
    let app = spawn_full_demo().await;
    let operator = app.staff_token("operator-demo").await;
    let mine = app.get("/api/v1/me/meal-points", Some(&operator)).await;
    let items = mine.assert_ok()["items"].as_array().unwrap().clone();
    let rated: u64 = items
        .iter()
        .map(|m| m["rating_summary"]["count"].as_u64().unwrap())
        .sum();
    assert!(rated >= 4, "{items:?}");
    let mut replies = 0;
    for item in &items {
        let ratings = app
            .get(&format!("/api/v1/meal-points/{}/ratings", item["id"]), None)
            .await;
        replies += ratings.assert_ok()["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["reply"]["text"].is_string())
            .count();
    }
    assert_eq!(replies, 1);
    let complaints = app.get("/api/v1/complaints", Some(&operator)).await;
    assert_eq!(complaints.assert_ok()["items"][0]["state"], "acknowledged");

    // The demo family member sees the complaint's progress and has a served meal to rate.
    let family = app.wechat_token("demo-family-2").await;
    let own = app.get("/api/v1/me/complaints", Some(&family)).await;
    assert_eq!(
        own.assert_ok()["items"][0]["steps"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let elders = app.get("/api/v1/me/elders", Some(&family)).await;
    let mut unrated = 0;
    for elder in elders.assert_ok().as_array().unwrap_or(&Vec::new()) {
        let id = elder["id"]
            .as_i64()
            .or(elder["elder"]["id"].as_i64())
            .unwrap();
        let orders = app
            .get(&format!("/api/v1/elders/{id}/orders"), Some(&family))
            .await;
        for order in orders.assert_ok().as_array().unwrap() {
            if order["state"] == "served"
                && app.get(&rating_path(order), Some(&family)).await.status == 404
            {
                unrated += 1;
            }
        }
    }
    assert!(unrated >= 1);
}

// ---------------------------------------------------------------------------------------------
// Complaints cannot be used to sink a meal point
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_complaint_needs_a_tie_to_the_meal_point() {
    let app = spawn_demo_city().await;
    let kitchen = kitchen(&app).await;
    let about = |elder: Option<i64>| complaint(kitchen.meal_point_id, elder, "price", "价格太贵");

    // A new WeChat account with nobody to act for, and a family whose elder never ate there.
    let newcomer = app.wechat_token("o-drive-by").await;
    app.post("/api/v1/complaints", Some(&newcomer), about(None))
        .await
        .assert_error(403, "COMPLAINT_NO_TIE");
    let (elder_id, family) = elder_with_family(&app, 11).await;
    for elder in [None, Some(elder_id)] {
        app.post("/api/v1/complaints", Some(&family), about(elder))
            .await
            .assert_error(403, "COMPLAINT_NO_TIE");
    }
    // The operator may not name an elder who never ordered there: it reads as unknown.
    let untied = app
        .post(
            "/api/v1/complaints",
            Some(&kitchen.operator),
            about(Some(elder_id)),
        )
        .await;
    untied.assert_field_error(404, "ELDER_NOT_FOUND", "elder_id");
    let unknown = app
        .post(
            "/api/v1/complaints",
            Some(&kitchen.operator),
            about(Some(999_999)),
        )
        .await;
    assert_eq!(unknown.body, untied.body);

    // Booked there, both may.
    kitchen.book(&app, elder_id, &family).await;
    let made = app
        .post("/api/v1/complaints", Some(&family), about(None))
        .await;
    assert_eq!(made.status, 201, "{}", made.body);
    assert_eq!(made.body["elder_id"], elder_id);
    let taken = app
        .post(
            "/api/v1/complaints",
            Some(&kitchen.operator),
            about(Some(elder_id)),
        )
        .await;
    assert_eq!(taken.status, 201, "{}", taken.body);
}

#[tokio::test]
async fn one_account_files_two_complaints_a_day_about_a_meal_point_and_moves_its_score_once() {
    let app = spawn_demo_city().await;
    let kitchen = kitchen(&app).await;
    let (elder_id, family) = elder_with_family(&app, 12).await;
    kitchen.book(&app, elder_id, &family).await;

    // Ten at once: two get through.
    let tries = (0..10)
        .map(|i| {
            app.http
                .post(app.url("/api/v1/complaints"))
                .bearer_auth(&family)
                .json(&complaint(
                    kitchen.meal_point_id,
                    None,
                    "other",
                    &format!("第 {i} 次投诉"),
                ))
        })
        .collect();
    let statuses = all_at_once(tries).await;
    assert_eq!(statuses.get(&201), Some(&2), "{statuses:?}");
    assert_eq!(statuses.get(&429), Some(&8), "{statuses:?}");
    app.post(
        "/api/v1/complaints",
        Some(&family),
        complaint(kitchen.meal_point_id, None, "other", "再投诉一次"),
    )
    .await
    .assert_error(429, "COMPLAINT_LIMIT_REACHED");

    // An inspector's perfect visit makes the month's score 100; the account's two complaints
    // take 5 off, once, not 5 each.
    let admin = app.staff_token("admin").await;
    app.post(
        "/api/v1/inspectors",
        Some(&admin),
        json!({
            "username": "inspector-score", "display_name": "孙督查",
            "organisation": "常州市餐饮行业协会", "password": "visit-them-all",
        }),
    )
    .await
    .assert_ok();
    let inspector = app
        .staff_login("inspector-score", "visit-them-all")
        .await
        .assert_ok()["token"]
        .as_str()
        .unwrap()
        .to_string();
    let visited = app
        .post(
            &format!("/api/v1/meal-points/{}/inspections", kitchen.meal_point_id),
            Some(&inspector),
            visit(5, 5, 5, true),
        )
        .await;
    assert_eq!(visited.status, 201, "{}", visited.body);
    let overview = app
        .get(
            &format!(
                "/api/v1/supervision/overview?month={}&district_code={ZHONGLOU}&limit=200",
                month_of(today(), 0)
            ),
            Some(&admin),
        )
        .await;
    let point = overview.assert_ok()["meal_points"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["meal_point_id"] == kitchen.meal_point_id)
        .cloned()
        .unwrap();
    assert_eq!(point["complaint_count"], 2);
    assert_eq!(point["score"], 95.0);
}

#[tokio::test]
async fn the_complainant_escalates_only_once_a_deadline_is_missed() {
    let app = spawn_demo_city().await;
    let kitchen = kitchen(&app).await;
    let (elder_id, family) = elder_with_family(&app, 13).await;
    kitchen.book(&app, elder_id, &family).await;
    let made = app
        .post(
            "/api/v1/complaints",
            Some(&family),
            complaint(kitchen.meal_point_id, None, "hygiene", "餐具有污渍"),
        )
        .await;
    let id = made.assert_ok()["id"].as_i64().unwrap();
    let path = format!("/api/v1/complaints/{id}");
    app.post(&format!("{path}/escalate"), Some(&family), json!({}))
        .await
        .assert_error(409, "ESCALATION_NOT_DUE");
    app.post(
        &format!("{path}/acknowledge"),
        Some(&kitchen.operator),
        json!({}),
    )
    .await
    .assert_ok();
    app.advance_clock(Duration::hours(100));
    app.post(&format!("{path}/escalate"), Some(&family), json!({}))
        .await
        .assert_error(409, "ESCALATION_NOT_DUE");
    // Hygiene is to be resolved within 120 hours: past that, it is the district's.
    app.advance_clock(Duration::hours(21));
    let seen = app.get(&path, Some(&family)).await;
    assert_eq!(seen.assert_ok()["state"], "escalated");
    assert_eq!(seen.body["overdue"], true);
}
