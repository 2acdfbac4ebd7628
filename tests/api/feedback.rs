//! Feedback through the real HTTP API: ratings of served orders and the meal point's aggregates,
//! replies and hiding, complaints with deadlines that escalate by themselves, who sees which
//! complaint, inspectors' visits and the supervisor view.
//!
//! Served orders come the way they do in life: the clock starts Monday 09:00, today's lunch at
//! `operator-demo`'s meal point is still open for booking until 09:30; the family books, the clock
//! moves to 11:15 and the operator verifies the pickup code.

use chrono::Duration;
use serde_json::{Value, json};
use vocabulary::{ComplaintCategory, ComplaintState, OrderState, Role};
use zhucan::{
    feedback::{
        http::{NewComplaintBody, NewRatingBody, RatingView},
        supervision::{InspectionScoresInput, NewInspection, NewInspector},
    },
    meal_points::http::RatingSummaryView,
    orders::http::OrderView,
};

use crate::{
    fixtures::{self, ElderForm, key, linked_family, register_elder},
    helpers::{
        TestApp, all_at_once, born, date, day, id_card_number, month_of, spawn_demo_city,
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
    fn shared(&self) -> fixtures::Kitchen {
        fixtures::Kitchen {
            operator: self.operator.clone(),
            meal_point_id: self.meal_point_id,
        }
    }

    /// Today's lunch booked by the family (before the 09:30 cutoff); returns the order.
    async fn book(&self, app: &TestApp, elder_id: i64, family: &str) -> OrderView {
        let booking = self
            .shared()
            .new_booking(elder_id, &day(0), self.offering_id, &key());
        app.book(family, &booking).await.ok_with(201)
    }

    /// Verifies the pickup (the clock must be within the pickup window).
    async fn serve(&self, app: &TestApp, order: &OrderView) {
        let served = app
            .verify_pickup(
                &self.operator,
                self.meal_point_id,
                order.pickup_code.as_deref().unwrap(),
            )
            .await
            .ok();
        assert_eq!(served.state, OrderState::Served);
    }

    async fn rating_summary(&self, app: &TestApp) -> RatingSummaryView {
        app.meal_point(self.meal_point_id).await.ok().rating_summary
    }
}

fn scores(overall: i64) -> NewRatingBody {
    NewRatingBody {
        overall,
        taste: 5,
        portion: 4,
        hygiene: 5,
        service: 3,
        comment: Some("红烧肉软烂，老人喜欢".into()),
        photos: Some(vec!["https://img.example.cn/lunch.jpg".into()]),
    }
}

/// Moves the clock from 09:00 to 11:15, inside today's lunch pickup window.
fn to_lunch(app: &TestApp) {
    app.advance_clock(Duration::minutes(135));
}

/// The family's served lunch of today, at 11:15: the kitchen, the family's token and the order.
async fn served_lunch(app: &TestApp, n: u32) -> (Kitchen, String, OrderView) {
    let kitchen = kitchen(app).await;
    let (elder_id, family) = elder_with_family(app, n).await;
    let order = kitchen.book(app, elder_id, &family).await;
    to_lunch(app);
    kitchen.serve(app, &order).await;
    (kitchen, family, order)
}

#[tokio::test]
async fn an_order_not_served_yet_is_not_rated() {
    let app = spawn_demo_city().await;
    let kitchen = kitchen(&app).await;
    let (elder_id, family) = elder_with_family(&app, 1).await;
    let order = kitchen.book(&app, elder_id, &family).await;

    // Not served yet: refused, and nothing is stored.
    app.rate(&family, &order.id, &scores(4))
        .await
        .error(409, "ORDER_NOT_SERVED");
    app.rating(&family, &order.id)
        .await
        .error(404, "RATING_NOT_FOUND");
}

#[tokio::test]
async fn a_served_order_is_rated_once_with_scores_in_range() {
    let app = spawn_demo_city().await;
    let (kitchen, family, order) = served_lunch(&app, 1).await;

    // A score out of range names the score (sent as the JSON a typed body would never hold).
    let mut bad = crate::helpers::body_of(&scores(4));
    bad["taste"] = json!(6);
    app.rate(&family, &order.id, &bad)
        .await
        .field_error(400, "TASTE_INVALID", "taste");
    let mut bad = crate::helpers::body_of(&scores(0));
    bad["hygiene"] = json!(0);
    app.rate(&family, &order.id, &bad)
        .await
        .field_error(400, "OVERALL_INVALID", "overall");

    let rated = app.rate(&family, &order.id, &scores(4)).await;
    let raw = rated.raw().clone();
    let rating = rated.ok_with(201);
    assert_eq!(rating.order_id, order.id);
    assert_eq!(rating.meal_point_id, kitchen.meal_point_id);
    assert_eq!((rating.overall, rating.taste), (4, 5));
    assert_eq!(rating.photos[0], "https://img.example.cn/lunch.jpg");
    assert_eq!(raw["reply"], Value::Null);
    assert!(!rating.hidden);

    // A second rating of the same order is refused.
    app.rate(&family, &order.id, &scores(1))
        .await
        .error(409, "ALREADY_RATED");
}

#[tokio::test]
async fn a_rating_moves_the_meal_points_aggregates_by_exactly_itself() {
    let app = spawn_demo_city().await;
    let kitchen = kitchen(&app).await;
    let (elder_id, family) = elder_with_family(&app, 1).await;
    let order = kitchen.book(&app, elder_id, &family).await;
    let before = kitchen.rating_summary(&app).await;
    to_lunch(&app);
    kitchen.serve(&app, &order).await;
    app.rate(&family, &order.id, &scores(4)).await.ok_with(201);

    // The meal point's aggregates moved by exactly this rating.
    let after = kitchen.rating_summary(&app).await;
    assert_eq!(after.count, before.count + 1);
    assert_eq!(after.recent_count, before.recent_count + 1);
    assert_eq!(after.distribution[3], before.distribution[3] + 1);
    assert_eq!(after.distribution.len(), 5);
    let average = after.overall.unwrap();
    assert_eq!((average * 10.0).round() / 10.0, average, "one decimal");

    // The list items carry the same summary.
    let list = app
        .meal_points(&format!("district_code={ZHONGLOU}&page_size=100"))
        .await
        .ok();
    let item = list
        .items
        .into_iter()
        .find(|m| m.id == kitchen.meal_point_id)
        .unwrap();
    assert_eq!(
        crate::helpers::body_of(&item.rating_summary.unwrap()),
        crate::helpers::body_of(&after)
    );
}

#[tokio::test]
async fn a_rating_is_read_by_its_family_and_the_public_and_nobody_else() {
    let app = spawn_demo_city().await;
    let (kitchen, family, order) = served_lunch(&app, 1).await;
    let rating = app.rate(&family, &order.id, &scores(4)).await.ok_with(201);

    // The family reads it back; the public list shows it; a stranger cannot reach the order.
    assert_eq!(app.rating(&family, &order.id).await.ok().id, rating.id);
    let public = app.ratings(None, kitchen.meal_point_id).await.ok();
    assert_eq!(public.items[0].id, rating.id);
    let stranger = app.wechat_token("o-feedback-stranger").await;
    app.rating(&stranger, &order.id)
        .await
        .error(404, "ORDER_NOT_FOUND");
    app.rate(&stranger, &order.id, &scores(1))
        .await
        .error(404, "ORDER_NOT_FOUND");
    // Staff do not rate.
    app.rate(&kitchen.operator, &order.id, &scores(5))
        .await
        .error(403, "ROLE_FORBIDDEN");
}

#[tokio::test]
async fn the_rating_window_closes_a_week_after_the_meal() {
    let app = spawn_demo_city().await;
    let (_, _, order) = served_lunch(&app, 2).await;
    app.advance_clock(Duration::days(7));
    // A week later the session has expired too: sign in again.
    let family = app.wechat_token("o-feedback-family-2").await;
    app.rate(&family, &order.id, &scores(2))
        .await
        .error(409, "RATING_WINDOW_CLOSED");
}

/// A served lunch rated 1 by the family: the kitchen, the family's token, the order and the
/// rating's id.
async fn rated_one(app: &TestApp) -> (Kitchen, String, OrderView, i64) {
    let (kitchen, family, order) = served_lunch(app, 3).await;
    let rating = app.rate(&family, &order.id, &scores(1)).await.ok();
    (kitchen, family, order, rating.id)
}

#[tokio::test]
async fn only_an_operator_of_the_meal_point_replies_once() {
    let app = spawn_demo_city().await;
    let (kitchen, family, order, rating_id) = rated_one(&app).await;

    // Only an operator of this meal point replies, once.
    let admin = app.staff_token("admin").await;
    let (elsewhere, _) = fixtures::operator_account(&app, &admin, "operator-elsewhere").await;
    app.reply_to_rating(&elsewhere, rating_id, "不是我们家的")
        .await
        .error(403, "NOT_YOUR_MEAL_POINT");
    app.reply_to_rating(&family, rating_id, "自己回复自己")
        .await
        .error(403, "ROLE_FORBIDDEN");
    app.reply_to_rating(&kitchen.operator, rating_id, "  ")
        .await
        .field_error(400, "TEXT_INVALID", "text");
    let replied = app
        .reply_to_rating(&kitchen.operator, rating_id, "抱歉，明天起少放盐")
        .await
        .ok();
    assert_eq!(replied.reply.unwrap().text, "抱歉，明天起少放盐");
    app.reply_to_rating(&kitchen.operator, rating_id, "再说一句")
        .await
        .error(409, "ALREADY_REPLIED");
    let read = app.rating(&family, &order.id).await.ok();
    assert_eq!(read.reply.unwrap().text, "抱歉，明天起少放盐");
}

#[tokio::test]
async fn the_city_hides_a_rating_with_a_reason_and_never_edits_it() {
    let app = spawn_demo_city().await;
    let (kitchen, _, _, rating_id) = rated_one(&app).await;
    app.reply_to_rating(&kitchen.operator, rating_id, "抱歉，明天起少放盐")
        .await
        .ok();

    // The city hides it with a reason; a clerk or the operator may not.
    let admin = app.staff_token("admin").await;
    let clerk = app.staff_token("clerk-zhonglou").await;
    for token in [&clerk, &kitchen.operator] {
        app.hide_rating(token, rating_id, "含有辱骂内容")
            .await
            .error(403, "ROLE_FORBIDDEN");
    }
    app.hide_rating(&admin, rating_id, "")
        .await
        .field_error(400, "REASON_INVALID", "reason");
    let hidden = app
        .hide_rating(&admin, rating_id, "含有辱骂内容")
        .await
        .ok();
    assert!(hidden.hidden);
    assert_eq!(hidden.hidden_reason.as_deref(), Some("含有辱骂内容"));
    // Never edited: the scores and the reply stay as they were.
    assert_eq!(hidden.overall, 1);
    assert_eq!(hidden.reply.unwrap().text, "抱歉，明天起少放盐");
    app.hide_rating(&admin, rating_id, "再隐藏一次")
        .await
        .error(409, "ALREADY_HIDDEN");
}

#[tokio::test]
async fn a_hidden_rating_leaves_the_public_list_and_the_averages_and_staff_see_it_marked() {
    let app = spawn_demo_city().await;
    let (kitchen, family, order, rating_id) = rated_one(&app).await;
    let admin = app.staff_token("admin").await;
    let clerk = app.staff_token("clerk-zhonglou").await;
    let before = kitchen.rating_summary(&app).await.count;
    app.hide_rating(&admin, rating_id, "含有辱骂内容")
        .await
        .ok();

    // Out of the public list and the averages; the operator and the clerk still see it, marked.
    let after = kitchen.rating_summary(&app).await.count;
    assert_eq!(after, before - 1);
    let ids = |page: Vec<RatingView>| -> Vec<(i64, bool)> {
        page.iter().map(|r| (r.id, r.hidden)).collect()
    };
    let public = ids(app.ratings(None, kitchen.meal_point_id).await.ok().items);
    assert!(!public.iter().any(|(id, _)| *id == rating_id));
    let family_view = ids(app
        .ratings(Some(&family), kitchen.meal_point_id)
        .await
        .ok()
        .items);
    assert!(!family_view.iter().any(|(id, _)| *id == rating_id));
    for token in [&kitchen.operator, &clerk, &admin] {
        let staff = ids(app
            .ratings(Some(token), kitchen.meal_point_id)
            .await
            .ok()
            .items);
        assert!(staff.contains(&(rating_id, true)), "{staff:?}");
    }
    // The family still sees their own rating, marked hidden.
    assert!(app.rating(&family, &order.id).await.ok().hidden);
}

// ---------------------------------------------------------------------------------------------
// Complaints
// ---------------------------------------------------------------------------------------------

fn complaint(
    meal_point_id: i64,
    elder_id: Option<i64>,
    category: ComplaintCategory,
    text: &str,
) -> NewComplaintBody {
    NewComplaintBody {
        meal_point_id,
        order_id: None,
        elder_id,
        category,
        text: text.into(),
    }
}

/// A food-safety complaint and a price complaint by a family whose elder booked today's lunch:
/// the family's token and the two complaints' ids.
async fn food_and_price_complaints(app: &TestApp) -> (String, i64, i64) {
    let kitchen = kitchen(app).await;
    let (elder_id, family) = elder_with_family(app, 4).await;
    // Booked there: what ties the family to the meal point.
    kitchen.book(app, elder_id, &family).await;
    let food = complaint(
        kitchen.meal_point_id,
        Some(elder_id),
        ComplaintCategory::FoodSafety,
        "午饭的鱼有异味，老人吃后肚子不舒服",
    );
    let food = app.complain(&family, &food).await.ok_with(201);
    assert_eq!(food.state, ComplaintState::Submitted);
    assert_eq!(food.category_label, "食品安全");
    assert_eq!(food.complainant_role, Role::Family);
    assert!(!food.overdue);
    assert_eq!(food.steps.len(), 1);
    // Food safety: a day to acknowledge, three to resolve (the defaults).
    assert_eq!(food.ack_due_at - food.created_at, Duration::hours(24));
    assert_eq!(food.resolve_due_at - food.created_at, Duration::hours(72));
    let price = complaint(
        kitchen.meal_point_id,
        Some(elder_id),
        ComplaintCategory::Price,
        "菜价涨了",
    );
    let other = app.complain(&family, &price).await.ok();
    assert!(other.ack_due_at > food.ack_due_at);
    (family, food.id, other.id)
}

#[tokio::test]
async fn a_food_safety_complaint_escalates_by_itself_when_its_deadline_passes() {
    let app = spawn_demo_city().await;
    let (family, food, other) = food_and_price_complaints(&app).await;
    app.advance_clock(Duration::hours(23));
    let read = app.complaint(&family, food).await.ok();
    assert_eq!(read.state, ComplaintState::Submitted);

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
        entity::complaint::Entity::find_by_id(food)
            .one(&app.state.db)
            .await
            .unwrap()
            .unwrap()
    };
    assert_eq!(
        stored.state,
        ComplaintState::Escalated,
        "escalated before anyone read it"
    );
    let reply = app.complaint(&family, food).await;
    let raw = reply.raw().clone();
    let read = reply.ok();
    assert_eq!(read.state, ComplaintState::Escalated);
    assert!(read.overdue);
    let last = read.steps.last().unwrap();
    assert_eq!(last.from_state, Some(ComplaintState::Submitted));
    assert_eq!(last.to_state, ComplaintState::Escalated);
    assert_eq!(raw["steps"][1]["actor_account_id"], Value::Null);
    assert_eq!(last.actor_account_id, None);
    assert_eq!(last.actor_name, "系统");
    assert!(last.note.contains("自动"));
    let read = app.complaint(&family, other).await.ok();
    assert_eq!(read.state, ComplaintState::Submitted);
}

#[tokio::test]
async fn every_read_escalates_a_complaint_past_its_deadline_and_the_district_takes_it_over() {
    let app = spawn_demo_city().await;
    let (family, food, other) = food_and_price_complaints(&app).await;

    // Every read escalates a complaint past its deadline, without the sweep: the food-safety one
    // after its day, the price complaint after its three days.
    app.advance_clock(Duration::hours(25));
    let read = app.complaint(&family, food).await.ok();
    assert_eq!(read.state, ComplaintState::Escalated);
    app.advance_clock(Duration::hours(48));
    let read = app.complaint(&family, other).await.ok();
    assert_eq!(read.state, ComplaintState::Escalated);

    // The district clerk's overdue list has both; the operator may no longer resolve them.
    let clerk = app.staff_token("clerk-zhonglou").await;
    let overdue = app.complaints(&clerk, "overdue=true").await.ok();
    let ids: Vec<i64> = overdue.items.iter().map(|c| c.id).collect();
    assert!(ids.contains(&food));
    assert!(ids.contains(&other));
    let operator = app.staff_token("operator-demo").await;
    app.complaint_step(&operator, food, "resolve", Some("已处理"))
        .await
        .error(403, "COMPLAINT_ACTION_FORBIDDEN");
    let resolved = app
        .complaint_step(
            &clerk,
            food,
            "resolve",
            Some("区市场监管所已抽检留样，责令整改"),
        )
        .await
        .ok();
    assert_eq!(resolved.state, ComplaintState::Resolved);
}

#[tokio::test]
async fn a_bad_complaint_changes_nothing() {
    let app = spawn_demo_city().await;
    let kitchen = kitchen(&app).await;
    let (elder_id, family) = elder_with_family(&app, 5).await;
    let order = kitchen.book(&app, elder_id, &family).await;

    // Bad input changes nothing (an unknown category is sent as the JSON no type can hold).
    let mut noise = crate::helpers::body_of(&complaint(
        kitchen.meal_point_id,
        None,
        ComplaintCategory::Other,
        "太吵",
    ));
    noise["category"] = json!("noise");
    app.complain(&family, &noise)
        .await
        .field_error(400, "UNKNOWN_VALUE", "category");
    let blank = complaint(kitchen.meal_point_id, None, ComplaintCategory::Other, "   ");
    app.complain(&family, &blank)
        .await
        .field_error(400, "TEXT_INVALID", "text");
    let elsewhere = fixtures::other_meal_point(&app).await;
    let wrong_point = NewComplaintBody {
        order_id: Some(order.id.clone()),
        ..complaint(elsewhere, None, ComplaintCategory::Delivery, "送错了")
    };
    app.complain(&family, &wrong_point).await.field_error(
        400,
        "ORDER_NOT_AT_MEAL_POINT",
        "order_id",
    );
    assert!(app.my_complaints(&family).await.ok().items.is_empty());
}

/// A complaint about the service at pickup, tied to the family's order: the kitchen, the
/// family's token and the complaint's id.
async fn complaint_about_an_order(app: &TestApp) -> (Kitchen, String, i64) {
    let kitchen = kitchen(app).await;
    let (elder_id, family) = elder_with_family(app, 5).await;
    let order = kitchen.book(app, elder_id, &family).await;
    let body = NewComplaintBody {
        order_id: Some(order.id.clone()),
        ..complaint(
            kitchen.meal_point_id,
            None,
            ComplaintCategory::ServiceAttitude,
            "取餐时工作人员态度生硬",
        )
    };
    let made = app.complain(&family, &body).await.ok_with(201);
    assert_eq!(made.elder_id, Some(elder_id), "taken from the order");
    (kitchen, family, made.id)
}

#[tokio::test]
async fn the_operator_acknowledges_and_resolves_with_a_note_and_the_complainant_closes() {
    let app = spawn_demo_city().await;
    let (kitchen, family, id) = complaint_about_an_order(&app).await;

    // The complainant cannot acknowledge; the operator can, once.
    app.complaint_step(&family, id, "acknowledge", None)
        .await
        .error(403, "COMPLAINT_ACTION_FORBIDDEN");
    let ack = app
        .complaint_step(
            &kitchen.operator,
            id,
            "acknowledge",
            Some("已联系老人家属，正在核实"),
        )
        .await
        .ok();
    assert_eq!(ack.state, ComplaintState::Acknowledged);
    app.complaint_step(&kitchen.operator, id, "acknowledge", None)
        .await
        .error(409, "COMPLAINT_STATE_CONFLICT");
    app.complaint_step(&kitchen.operator, id, "resolve", None)
        .await
        .field_error(400, "NOTE_REQUIRED", "note");
    app.advance_clock(Duration::hours(3));
    let resolved = app
        .complaint_step(
            &kitchen.operator,
            id,
            "resolve",
            Some("已向老人当面道歉，并对员工进行培训"),
        )
        .await
        .ok();
    assert_eq!(resolved.state, ComplaintState::Resolved);
    // The operator cannot close their own complaint; the complainant, satisfied, does.
    app.complaint_step(&kitchen.operator, id, "close", None)
        .await
        .error(403, "COMPLAINT_ACTION_FORBIDDEN");
    let closed = app
        .complaint_step(&family, id, "close", Some("满意"))
        .await
        .ok();
    assert_eq!(closed.state, ComplaintState::Closed);
}

#[tokio::test]
async fn each_step_keeps_who_when_and_what_and_the_complainant_sees_progress() {
    let app = spawn_demo_city().await;
    let (kitchen, family, id) = complaint_about_an_order(&app).await;
    let operator = &kitchen.operator;
    app.complaint_step(
        operator,
        id,
        "acknowledge",
        Some("已联系老人家属，正在核实"),
    )
    .await
    .ok();
    app.advance_clock(Duration::hours(3));
    app.complaint_step(
        operator,
        id,
        "resolve",
        Some("已向老人当面道歉，并对员工进行培训"),
    )
    .await
    .ok();
    app.complaint_step(&family, id, "close", Some("满意"))
        .await
        .ok();

    // The complainant's own list shows the progress, step by step.
    let mine = app
        .my_complaints(&family)
        .await
        .ok()
        .items
        .into_iter()
        .find(|c| c.id == id)
        .expect("the complainant sees their complaint");
    let steps = &mine.steps;
    let summary: Vec<(ComplaintState, Option<Role>, &str)> = steps
        .iter()
        .map(|s| (s.to_state, s.actor_role, s.note.as_str()))
        .collect();
    assert_eq!(
        summary,
        vec![
            (ComplaintState::Submitted, Some(Role::Family), "提交投诉"),
            (
                ComplaintState::Acknowledged,
                Some(Role::Operator),
                "已联系老人家属，正在核实"
            ),
            (
                ComplaintState::Resolved,
                Some(Role::Operator),
                "已向老人当面道歉，并对员工进行培训"
            ),
            (ComplaintState::Closed, Some(Role::Family), "满意"),
        ]
    );
    assert_eq!(steps[1].actor_name, "助餐点运营员");
    assert!(steps[2].at > steps[1].at);
    assert!(!mine.overdue);
}

#[tokio::test]
async fn operators_and_clerks_see_only_the_complaints_of_their_own_meal_points_and_district() {
    let app = spawn_demo_city().await;
    let kitchen = kitchen(&app).await;
    let elsewhere = fixtures::other_meal_point(&app).await;
    let admin = app.staff_token("admin").await;
    let (elder_id, family) = elder_with_family(&app, 6).await;
    kitchen_at(&app, admin, elsewhere)
        .await
        .book(&app, elder_id, &family)
        .await;
    let theirs = complaint(elsewhere, None, ComplaintCategory::Hygiene, "餐桌很脏");
    let theirs = app.complain(&family, &theirs).await.ok().id;
    let ours = complaint(
        kitchen.meal_point_id,
        None,
        ComplaintCategory::Other,
        "老人电话反映汤太咸",
    );
    let ours = app.complain(&kitchen.operator, &ours).await.ok();
    assert_eq!(ours.complainant_role, Role::Operator);
    let ours = ours.id;

    // The operator: not the other meal point's complaint, by id, in the list or to act on.
    app.complaint(&kitchen.operator, theirs)
        .await
        .error(404, "COMPLAINT_NOT_FOUND");
    app.complaint_step(&kitchen.operator, theirs, "acknowledge", None)
        .await
        .error(404, "COMPLAINT_NOT_FOUND");
    let listed = async |token: &str| -> Vec<i64> {
        let page = app.complaints(token, "").await.ok();
        page.items.iter().map(|c| c.id).collect()
    };
    let operator_list = listed(&kitchen.operator).await;
    assert!(operator_list.contains(&ours));
    assert!(!operator_list.contains(&theirs));
    // Nor may an operator file one about a meal point they do not run.
    let on_behalf = complaint(elsewhere, None, ComplaintCategory::Other, "替别人登记");
    app.complain(&kitchen.operator, &on_behalf)
        .await
        .error(403, "NOT_YOUR_MEAL_POINT");

    // Clerks see their district's; the city admin all; another family member none of these.
    let zhonglou = app.staff_token("clerk-zhonglou").await;
    let tianning = app.staff_token("clerk-tianning").await;
    let admin = app.staff_token("admin").await;
    app.complaint(&zhonglou, theirs)
        .await
        .error(404, "COMPLAINT_NOT_FOUND");
    app.complaint(&tianning, theirs).await.ok();
    let zhonglou_list = listed(&zhonglou).await;
    assert!(zhonglou_list.contains(&ours) && !zhonglou_list.contains(&theirs));
    let tianning_list = listed(&tianning).await;
    assert!(tianning_list.contains(&theirs) && !tianning_list.contains(&ours));
    let admin_list = listed(&admin).await;
    assert!(admin_list.contains(&theirs) && admin_list.contains(&ours));
    let stranger = app.wechat_token("o-feedback-someone-else").await;
    app.complaint(&stranger, theirs)
        .await
        .error(404, "COMPLAINT_NOT_FOUND");
    app.complaints(&family, "")
        .await
        .error(403, "ROLE_FORBIDDEN");
    let own: Vec<i64> = app
        .my_complaints(&family)
        .await
        .ok()
        .items
        .iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(own, vec![theirs]);
}

// ---------------------------------------------------------------------------------------------
// Inspectors and the supervisor view
// ---------------------------------------------------------------------------------------------

fn visit(food_safety: i64, hygiene: i64, service: i64, sample_retained: bool) -> NewInspection {
    NewInspection {
        date: date(0),
        scores: InspectionScoresInput {
            food_safety,
            hygiene,
            service,
            nutrition: None,
        },
        notes: "后厨检查，查看留样柜".into(),
        sample_retained,
    }
}

#[tokio::test]
async fn only_the_city_invites_inspectors() {
    let app = spawn_demo_city().await;
    let admin = app.staff_token("admin").await;
    let invite = |username: &str, display_name: &str, organisation: &str| NewInspector {
        username: username.into(),
        display_name: display_name.into(),
        organisation: organisation.into(),
        password: "visit-them-all".into(),
    };

    // The city invites an inspector from the catering association.
    app.invite_inspector(
        &admin,
        &invite("inspector-assoc", "钱督查", "常州市餐饮行业协会"),
    )
    .await
    .ok_with(201);
    let clerk = app.staff_token("clerk-zhonglou").await;
    app.invite_inspector(&clerk, &invite("inspector-x", "某人", "某协会"))
        .await
        .error(403, "ROLE_FORBIDDEN");
    let inspector = app
        .staff_login("inspector-assoc", "visit-them-all")
        .await
        .assert_ok()["token"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(app.me(&inspector).await.ok().role, Role::Inspector);
}

/// `operator-demo`'s two meal points, an inspector (钱督查, of the catering association), a poor
/// visit without 留样 at the first and a good one at the second: the kitchen (with a dish on
/// today's lunch), the second meal point's id and the inspector's token.
async fn two_visits(app: &TestApp) -> (Kitchen, i64, String) {
    let kitchen = kitchen(app).await;
    let second = app.my_meal_points(&kitchen.operator).await.ok().items[1].id;
    let inspector = fixtures::inspector(app, "inspector-assoc", "钱督查").await;
    let poor = app
        .inspect(&inspector, kitchen.meal_point_id, &visit(2, 2, 2, false))
        .await
        .ok_with(201);
    assert_eq!(poor.organisation, "常州市餐饮行业协会");
    assert!(!poor.sample_retained);
    app.inspect(&inspector, second, &visit(5, 5, 5, true))
        .await
        .ok();
    (kitchen, second, inspector)
}

#[tokio::test]
async fn a_visit_has_scores_in_range_a_date_not_ahead_and_is_an_inspectors() {
    let app = spawn_demo_city().await;
    let kitchen = kitchen(&app).await;
    let inspector = fixtures::inspector(&app, "inspector-assoc", "钱督查").await;
    let mp = kitchen.meal_point_id;

    app.inspect(&inspector, mp, &visit(2, 9, 2, false))
        .await
        .field_error(400, "HYGIENE_INVALID", "scores.hygiene");
    // Dates as JSON: a date no `NaiveDate` holds among them.
    let mut bad = crate::helpers::body_of(&visit(2, 2, 2, false));
    for date in [day(7), day(-31), "0001-01-01".to_string()] {
        bad["date"] = json!(date);
        app.post(
            &format!("/api/v1/meal-points/{mp}/inspections"),
            Some(&inspector),
            bad.clone(),
        )
        .await
        .assert_field_error(400, "INSPECTION_DATE_INVALID", "date");
    }
    app.inspect(&kitchen.operator, mp, &visit(5, 5, 5, true))
        .await
        .error(403, "ROLE_FORBIDDEN");
}

#[tokio::test]
async fn the_operator_reads_their_own_visits_and_another_districts_clerk_none() {
    let app = spawn_demo_city().await;
    let (kitchen, _, _) = two_visits(&app).await;
    // The operator reads their own visits; another district's clerk may not.
    let own = app
        .inspections(&kitchen.operator, kitchen.meal_point_id)
        .await
        .ok();
    assert_eq!(own.total, 1);
    let tianning = app.staff_token("clerk-tianning").await;
    app.inspections(&tianning, kitchen.meal_point_id)
        .await
        .error(403, "INSPECTIONS_FORBIDDEN");
}

/// [`two_visits`], and a food-safety complaint nobody acknowledges, 25 hours on (past its
/// deadline): the kitchen, the second meal point and the complaint's id.
async fn a_month_to_supervise(app: &TestApp) -> (Kitchen, i64, i64) {
    let (kitchen, second, _) = two_visits(app).await;
    let (elder_id, family) = elder_with_family(app, 7).await;
    kitchen.book(app, elder_id, &family).await;
    let spoiled = complaint(
        kitchen.meal_point_id,
        None,
        ComplaintCategory::FoodSafety,
        "饭菜是馊的",
    );
    let complaint_id = app.complain(&family, &spoiled).await.ok().id;
    app.advance_clock(Duration::hours(25));
    (kitchen, second, complaint_id)
}

#[tokio::test]
async fn the_supervisor_view_lists_overdue_complaints_and_the_lowest_scored_meal_points() {
    let app = spawn_demo_city().await;
    let (kitchen, second, complaint_id) = a_month_to_supervise(&app).await;
    let clerk = app.staff_token("clerk-zhonglou").await;

    let this_month = month_of(today(), 0);
    let overview = app
        .overview(&clerk, &format!("month={this_month}"))
        .await
        .ok();
    assert_eq!(overview.month, this_month);
    assert_eq!(overview.district_code.as_deref(), Some(ZHONGLOU));
    let overdue: Vec<i64> = overview.overdue.iter().map(|c| c.id).collect();
    assert!(overdue.contains(&complaint_id), "{overdue:?}");
    assert_eq!(overview.overdue[0].state, ComplaintState::Escalated);
    assert!(overview.complaints_by_state.escalated >= 1);
    // The lowest-scored meal point comes first: the poor visit and the escalated complaint.
    let points = &overview.meal_points;
    assert_eq!(points[0].meal_point_id, kitchen.meal_point_id);
    assert_eq!(points[0].complaint_count, 1);
    assert_eq!(points[0].escalated_count, 1);
    assert_eq!(points[0].inspection_count, 1);
    let score = |id: i64| {
        points
            .iter()
            .find(|p| p.meal_point_id == id)
            .unwrap()
            .score
            .unwrap()
    };
    assert!(score(kitchen.meal_point_id) < score(second));
    let scores: Vec<Option<f64>> = points.iter().map(|p| p.score).collect();
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
    assert!(points.iter().all(|p| p.district_code == ZHONGLOU));
    let visits = &overview.recent_inspections;
    assert_eq!(visits.len(), 2);
    assert_eq!(visits[0].inspector_name, "钱督查");
}

#[tokio::test]
async fn the_supervisor_view_is_the_clerks_districts_or_the_citys_and_names_its_month() {
    let app = spawn_demo_city().await;
    let (kitchen, _, complaint_id) = a_month_to_supervise(&app).await;
    let clerk = app.staff_token("clerk-zhonglou").await;
    let tianning = app.staff_token("clerk-tianning").await;
    let admin = app.staff_token("admin").await;
    let this_month = month_of(today(), 0);

    // Another district's clerk sees neither; the city admin sees all; operators nothing.
    // The month of the visits and the complaint, named: the clock may have crossed into the next.
    let other = app
        .overview(&tianning, &format!("month={this_month}"))
        .await
        .ok();
    assert!(!other.overdue.iter().any(|c| c.id == complaint_id));
    assert!(
        other
            .meal_points
            .iter()
            .all(|p| p.district_code == "320402")
    );
    app.overview(&tianning, "district_code=320404")
        .await
        .error(403, "NOT_YOUR_DISTRICT");
    let city = app
        .overview(&admin, &format!("month={this_month}&limit=200"))
        .await;
    assert_eq!(city.raw()["district_code"], Value::Null);
    let city = city.ok();
    assert!(city.district_code.is_none());
    assert!(city.overdue.iter().any(|c| c.id == complaint_id));
    assert_eq!(city.meal_points[0].meal_point_id, kitchen.meal_point_id);
    app.overview(&kitchen.operator, "")
        .await
        .error(403, "ROLE_FORBIDDEN");
    app.overview(&admin, "month=2026-13")
        .await
        .field_error(400, "MONTH_INVALID", "month");
    // Last month had none of this.
    let last_month = app
        .overview(&clerk, &format!("month={}", month_of(today(), -1)))
        .await
        .ok();
    assert!(last_month.recent_inspections.is_empty());
    assert_eq!(last_month.complaints_by_state.total, 0);
}

#[tokio::test]
async fn the_demo_city_shows_ratings_a_reply_an_unrated_meal_and_a_complaint() {
    let app = spawn_full_demo().await;
    let operator = app.staff_token("operator-demo").await;
    let items = app.my_meal_points(&operator).await.ok().items;
    let rated: u64 = items
        .iter()
        .map(|m| m.rating_summary.as_ref().unwrap().count)
        .sum();
    assert!(rated >= 4, "{rated}");
    let mut replies = 0;
    for item in &items {
        let ratings = app.ratings(None, item.id).await.ok();
        replies += ratings.items.iter().filter(|r| r.reply.is_some()).count();
    }
    assert_eq!(replies, 1);
    let complaints = app.complaints(&operator, "").await.ok();
    assert_eq!(complaints.items[0].state, ComplaintState::Acknowledged);

    // The demo family member sees the complaint's progress and has a served meal to rate.
    let family = app.wechat_token("demo-family-2").await;
    let own = app.my_complaints(&family).await.ok();
    assert_eq!(own.items[0].steps.len(), 2);
    let mut unrated = 0;
    for elder in app.my_elders(&family).await.ok() {
        for order in app.elder_orders(&family, elder.elder.id).await.ok() {
            if order.state == OrderState::Served
                && app.rating(&family, &order.id).await.status == 404
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
    let about = |elder: Option<i64>| {
        complaint(
            kitchen.meal_point_id,
            elder,
            ComplaintCategory::Price,
            "价格太贵",
        )
    };

    // A new WeChat account with nobody to act for, and a family whose elder never ate there.
    let newcomer = app.wechat_token("o-drive-by").await;
    app.complain(&newcomer, &about(None))
        .await
        .error(403, "COMPLAINT_NO_TIE");
    let (elder_id, family) = elder_with_family(&app, 11).await;
    for elder in [None, Some(elder_id)] {
        app.complain(&family, &about(elder))
            .await
            .error(403, "COMPLAINT_NO_TIE");
    }
    // The operator may not name an elder who never ordered there: it reads as unknown.
    let untied = app
        .complain(&kitchen.operator, &about(Some(elder_id)))
        .await;
    untied.field_error(404, "ELDER_NOT_FOUND", "elder_id");
    let unknown = app.complain(&kitchen.operator, &about(Some(999_999))).await;
    assert_eq!(unknown.raw(), untied.raw());

    // Booked there, both may.
    kitchen.book(&app, elder_id, &family).await;
    let made = app.complain(&family, &about(None)).await.ok_with(201);
    assert_eq!(made.elder_id, Some(elder_id));
    app.complain(&kitchen.operator, &about(Some(elder_id)))
        .await
        .ok_with(201);
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
            let body = complaint(
                kitchen.meal_point_id,
                None,
                ComplaintCategory::Other,
                &format!("第 {i} 次投诉"),
            );
            app.http
                .post(app.url("/api/v1/complaints"))
                .bearer_auth(&family)
                .json(&crate::helpers::body_of(&body))
        })
        .collect();
    let statuses = all_at_once(tries).await;
    assert_eq!(statuses.get(&201), Some(&2), "{statuses:?}");
    assert_eq!(statuses.get(&429), Some(&8), "{statuses:?}");
    let again = complaint(
        kitchen.meal_point_id,
        None,
        ComplaintCategory::Other,
        "再投诉一次",
    );
    app.complain(&family, &again)
        .await
        .error(429, "COMPLAINT_LIMIT_REACHED");

    // An inspector's perfect visit makes the month's score 100; the account's two complaints
    // take 5 off, once, not 5 each.
    let admin = app.staff_token("admin").await;
    let inspector = fixtures::inspector(&app, "inspector-score", "孙督查").await;
    app.inspect(&inspector, kitchen.meal_point_id, &visit(5, 5, 5, true))
        .await
        .ok_with(201);
    let overview = app
        .overview(
            &admin,
            &format!(
                "month={}&district_code={ZHONGLOU}&limit=200",
                month_of(today(), 0)
            ),
        )
        .await
        .ok();
    let point = overview
        .meal_points
        .iter()
        .find(|p| p.meal_point_id == kitchen.meal_point_id)
        .unwrap();
    assert_eq!(point.complaint_count, 2);
    assert_eq!(point.score, Some(95.0));
}

#[tokio::test]
async fn the_complainant_escalates_only_once_a_deadline_is_missed() {
    let app = spawn_demo_city().await;
    let kitchen = kitchen(&app).await;
    let (elder_id, family) = elder_with_family(&app, 13).await;
    kitchen.book(&app, elder_id, &family).await;
    let dirty = complaint(
        kitchen.meal_point_id,
        None,
        ComplaintCategory::Hygiene,
        "餐具有污渍",
    );
    let id = app.complain(&family, &dirty).await.ok().id;
    app.complaint_step(&family, id, "escalate", None)
        .await
        .error(409, "ESCALATION_NOT_DUE");
    app.complaint_step(&kitchen.operator, id, "acknowledge", None)
        .await
        .ok();
    app.advance_clock(Duration::hours(100));
    app.complaint_step(&family, id, "escalate", None)
        .await
        .error(409, "ESCALATION_NOT_DUE");
    // Hygiene is to be resolved within 120 hours: past that, it is the district's.
    app.advance_clock(Duration::hours(21));
    let seen = app.complaint(&family, id).await.ok();
    assert_eq!(seen.state, ComplaintState::Escalated);
    assert!(seen.overdue);
}
