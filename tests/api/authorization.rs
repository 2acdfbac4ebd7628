//! Who may do what to someone else's things, for every operation the served OpenAPI document
//! lists: each operation is called by every role against resources that belong to someone else —
//! the elder 吴国平 (钟楼) and his family member's link, his served order at `operator-demo`'s meal
//! point, its rating, his complaint about it, that meal point's dishes and offerings, a 钟楼
//! clerk's settlement run — with a request body generated from the operation's schema (the
//! victim's ids, ID-card number and name where a body names an elder, a meal point or an order).
//!
//! [`MATRIX`] states each cell's answer, once. The test fails when a cell answers otherwise, when
//! the document lists an operation without a row (so a new endpoint cannot slip in untested) or a
//! row names an operation the document no longer lists, when a refused answer is anything but the
//! common error body, and when any answer to anyone but the city admin carries the victim's data
//! (his name, ID-card number, address, phone, his complaint's text) that the request itself did
//! not send.
//!
//! Run with `MATRIX_PRINT=1` to print the observed table in the table's own syntax.

use std::collections::{BTreeMap, BTreeSet};

use reqwest::Method;
use serde_json::{Value, json};
use zhucan::demo::elders::{DEMO_ELDERS, demo_id_number};

use crate::helpers::{TestApp, day, month_of, spawn_full_demo, today};

/// The callers, in the order of each row of [`MATRIX`].
const ROLES: [&str; 8] = [
    "anonymous",
    "elder (another)",
    "family (linked to others)",
    "family (no approved link)",
    "operator (another meal point)",
    "clerk (another district)",
    "inspector",
    "city admin",
];
const ADMIN: usize = 7;

/// Each operation's answer per role, in [`ROLES`] order, against someone else's resource.
/// 401 no token; 403 the role may never do it; 404 the resource is not the caller's to know
/// (or, for the admin, state: gone after its own earlier call); 400/409/429 the request passed
/// the caller check and was refused for its content or the resource's state.
#[rustfmt::skip]
const MATRIX: &[(&str, [u16; 8])] = &[
    ("DELETE /elders/{id}/categories/{category}",                 [401, 403, 403, 403, 403, 404, 403, 200]),
    ("DELETE /family-links/{id}",                                 [401, 404, 404, 404, 403, 404, 403, 200]),
    ("DELETE /meal-points/{id}/operators/{account_id}",           [401, 403, 403, 403, 403, 403, 403, 200]),
    ("DELETE /offerings/{id}",                                    [401, 403, 403, 403, 404, 403, 403, 200]),
    ("DELETE /settlement-runs/{id}",                              [401, 403, 403, 403, 403, 403, 403, 409]),
    ("DELETE /subsidy-policies/{version}",                        [401, 403, 403, 403, 403, 403, 403, 409]),
    ("GET /allergens",                                            [200, 200, 200, 200, 200, 200, 200, 200]),
    ("GET /clock",                                                [200, 200, 200, 200, 200, 200, 200, 200]),
    ("GET /complaints",                                           [401, 403, 403, 403, 200, 200, 403, 200]),
    ("GET /complaints/{id}",                                      [401, 404, 404, 404, 404, 404, 404, 200]),
    ("GET /dashboard/cross-district",                             [401, 403, 403, 403, 403, 200, 403, 200]),
    ("GET /dashboard/feedback",                                   [401, 403, 403, 403, 403, 200, 403, 200]),
    ("GET /dashboard/meals-per-day",                              [401, 403, 403, 403, 403, 200, 403, 200]),
    ("GET /dashboard/plan-progress",                              [401, 403, 403, 403, 403, 200, 403, 200]),
    ("GET /dashboard/subsidy-per-month",                          [401, 403, 403, 403, 403, 200, 403, 200]),
    ("GET /diets",                                                 [200, 200, 200, 200, 200, 200, 200, 200]),
    ("GET /dish-tags",                                            [200, 200, 200, 200, 200, 200, 200, 200]),
    ("GET /elders",                                               [401, 403, 403, 403, 403, 200, 403, 200]),
    ("GET /elders/{id}",                                          [401, 404, 404, 404, 403, 404, 403, 200]),
    ("GET /elders/{id}/category-history",                         [401, 403, 403, 403, 403, 404, 403, 200]),
    ("GET /elders/{id}/diet",                                      [401, 404, 404, 404, 403, 404, 403, 200]),
    ("GET /elders/{id}/dish-fit",                                  [401, 404, 404, 404, 403, 404, 403, 200]),
    ("GET /elders/{id}/orders",                                   [401, 404, 404, 404, 403, 404, 403, 200]),
    ("GET /elders/{id}/quote",                                    [401, 404, 404, 404, 403, 404, 403, 400]),
    ("GET /family-links",                                         [401, 200, 200, 200, 403, 200, 403, 200]),
    ("GET /inspections/due",                                      [401, 403, 403, 403, 403, 200, 200, 200]),
    ("GET /inspectors",                                           [401, 403, 403, 403, 403, 403, 403, 200]),
    ("GET /me",                                                   [401, 200, 200, 200, 200, 200, 200, 200]),
    ("GET /me/complaints",                                        [401, 200, 200, 200, 403, 403, 403, 403]),
    ("GET /me/elders",                                            [401, 200, 200, 200, 403, 403, 403, 403]),
    ("GET /me/inspections",                                       [401, 403, 403, 403, 403, 403, 200, 403]),
    ("GET /me/meal-points",                                       [401, 403, 403, 403, 200, 403, 403, 403]),
    ("GET /me/notice-subscriptions",                              [401, 200, 200, 200, 403, 403, 403, 403]),
    ("GET /meal-point-kinds",                                     [200, 200, 200, 200, 200, 200, 200, 200]),
    ("GET /meal-points",                                          [200, 200, 200, 200, 200, 200, 200, 200]),
    ("GET /meal-points/near",                                     [200, 200, 200, 200, 200, 200, 200, 200]),
    ("GET /meal-points/{id}",                                     [200, 200, 200, 200, 200, 200, 200, 200]),
    ("GET /meal-points/{id}/day",                                 [401, 403, 403, 403, 403, 403, 403, 200]),
    ("GET /meal-points/{id}/deliveries",                          [401, 403, 403, 403, 403, 403, 403, 403]),
    ("GET /meal-points/{id}/dishes",                              [401, 403, 403, 403, 403, 403, 403, 200]),
    ("GET /meal-points/{id}/inspections",                         [401, 403, 403, 403, 403, 403, 200, 200]),
    ("GET /meal-points/{id}/menu",                                [200, 200, 200, 200, 200, 200, 200, 200]),
    ("GET /meal-points/{id}/operators",                           [401, 403, 403, 403, 403, 403, 403, 200]),
    ("GET /meal-points/{id}/orders",                              [401, 403, 403, 403, 403, 403, 403, 200]),
    ("GET /meal-points/{id}/orders/export",                       [401, 403, 403, 403, 403, 403, 403, 200]),
    ("GET /meal-points/{id}/payment-methods",                      [401, 200, 200, 200, 200, 200, 200, 200]),
    ("GET /meal-points/{id}/ratings",                             [200, 200, 200, 200, 200, 200, 200, 200]),
    ("GET /meal-points/{id}/samples",                              [401, 403, 403, 403, 403, 403, 200, 200]),
    ("GET /orders/{id}",                                          [401, 404, 404, 404, 404, 404, 404, 200]),
    ("GET /orders/{id}/payment",                                   [401, 404, 404, 404, 404, 404, 404, 200]),
    ("GET /orders/{id}/rating",                                   [401, 404, 404, 404, 404, 404, 404, 200]),
    ("GET /places/districts",                                     [200, 200, 200, 200, 200, 200, 200, 200]),
    ("GET /places/districts/{code}/streets",                      [200, 200, 200, 200, 200, 200, 200, 200]),
    ("GET /plan-targets",                                         [401, 403, 403, 403, 403, 200, 403, 200]),
    ("GET /reconciliation",                                        [401, 403, 403, 403, 200, 403, 403, 200]),
    ("GET /settlement-runs",                                      [401, 403, 403, 403, 403, 200, 403, 200]),
    ("GET /settlement-runs/{id}",                                 [401, 403, 403, 403, 403, 200, 403, 200]),
    ("GET /settlement-runs/{id}/adjustments",                     [401, 403, 403, 403, 403, 200, 403, 200]),
    ("GET /settlement-runs/{id}/audit",                           [401, 403, 403, 403, 403, 200, 403, 200]),
    ("GET /settlement-runs/{id}/districts",                       [401, 403, 403, 403, 403, 200, 403, 200]),
    ("GET /settlement-runs/{id}/export",                          [401, 403, 403, 403, 403, 200, 403, 200]),
    ("GET /settlement-runs/{id}/matrix",                          [401, 403, 403, 403, 403, 200, 403, 200]),
    ("GET /settlement-runs/{id}/meal-points",                     [401, 403, 403, 403, 403, 200, 403, 200]),
    ("GET /settlement-runs/{id}/net-positions",                   [401, 403, 403, 403, 403, 200, 403, 200]),
    ("GET /staff-accounts",                                       [401, 403, 403, 403, 403, 403, 403, 200]),
    ("GET /subsidy-policies",                                     [401, 403, 403, 403, 200, 200, 403, 200]),
    ("GET /subsidy-policies/{version}",                           [401, 403, 403, 403, 200, 200, 403, 200]),
    ("GET /supervision/overview",                                 [401, 403, 403, 403, 403, 200, 403, 200]),
    ("PATCH /dishes/{id}",                                        [401, 403, 403, 403, 404, 403, 403, 200]),
    ("PATCH /elders/{id}",                                        [401, 403, 403, 403, 403, 404, 403, 200]),
    ("PATCH /meal-points/{id}",                                   [401, 403, 403, 403, 403, 403, 403, 200]),
    ("PATCH /offerings/{id}",                                     [401, 403, 403, 403, 404, 403, 403, 200]),
    ("POST /auth/login",                                          [401, 401, 401, 401, 401, 401, 401, 401]),
    ("POST /auth/logout",                                         [401, 200, 200, 200, 200, 200, 200, 200]),
    ("POST /auth/wechat",                                         [400, 400, 400, 400, 400, 400, 400, 400]),
    ("POST /complaints",                                          [401, 404, 404, 404, 403, 403, 403, 201]),
    ("POST /complaints/{id}/acknowledge",                         [401, 404, 404, 404, 404, 404, 403, 200]),
    ("POST /complaints/{id}/close",                               [401, 404, 404, 404, 404, 404, 403, 409]),
    ("POST /complaints/{id}/escalate",                            [401, 404, 404, 404, 404, 404, 403, 200]),
    ("POST /complaints/{id}/resolve",                             [401, 404, 404, 404, 404, 404, 403, 400]),
    ("POST /elders",                                              [401, 403, 403, 403, 403, 403, 403, 409]),
    ("POST /elders/find-by-id-card",                              [401, 403, 403, 403, 403, 404, 403, 200]),
    ("POST /elders/self-registration",                            [401, 403, 200, 200, 403, 403, 403, 403]),
    ("POST /elders/{id}/approve",                                 [401, 403, 403, 403, 403, 404, 403, 409]),
    ("POST /elders/{id}/categories",                              [401, 403, 403, 403, 403, 404, 403, 200]),
    ("POST /elders/{id}/reject",                                  [401, 403, 403, 403, 403, 404, 403, 409]),
    ("POST /family-links",                                        [401, 200, 200, 200, 403, 403, 403, 403]),
    ("POST /family-links/{id}/approve",                           [401, 404, 403, 403, 403, 404, 403, 409]),
    ("POST /family-links/{id}/reject",                            [401, 404, 403, 403, 403, 404, 403, 409]),
    ("POST /inspectors",                                          [401, 403, 403, 403, 403, 403, 403, 201]),
    ("POST /me/notice-subscriptions",                             [401, 400, 400, 400, 403, 403, 403, 403]),
    ("POST /meal-points",                                         [401, 403, 403, 403, 403, 403, 403, 400]),
    ("POST /meal-points/{id}/counter/elder",                      [401, 403, 403, 403, 403, 403, 403, 403]),
    ("POST /meal-points/{id}/dishes",                             [401, 403, 403, 403, 403, 403, 403, 200]),
    ("POST /meal-points/{id}/inspections",                        [401, 403, 403, 403, 403, 403, 400, 403]),
    ("POST /meal-points/{id}/no-shows",                           [401, 403, 403, 403, 403, 403, 403, 403]),
    ("POST /meal-points/{id}/offerings",                          [401, 403, 403, 403, 403, 403, 403, 400]),
    ("POST /meal-points/{id}/operators/{account_id}",             [401, 403, 403, 403, 403, 403, 403, 200]),
    ("POST /meal-points/{id}/pickups",                            [401, 403, 403, 403, 403, 403, 403, 403]),
    ("POST /meal-points/{id}/weeks/{to_week}/copy-from/{from_week}", [401, 403, 403, 403, 403, 403, 403, 200]),
    ("POST /orders",                                              [401, 404, 404, 404, 400, 403, 403, 403]),
    ("POST /orders/{id}/cancel",                                  [401, 404, 404, 404, 404, 403, 403, 403]),
    ("POST /orders/{id}/counter-payment",                          [401, 403, 403, 403, 404, 403, 403, 403]),
    ("POST /orders/{id}/delivered",                               [401, 403, 403, 403, 404, 403, 403, 403]),
    ("POST /orders/{id}/out-for-delivery",                        [401, 403, 403, 403, 404, 403, 403, 403]),
    ("POST /orders/{id}/payment",                                  [401, 404, 404, 404, 403, 403, 403, 403]),
    ("POST /orders/{id}/rating",                                  [401, 404, 404, 404, 403, 403, 403, 403]),
    ("POST /orders/{id}/refunds",                                  [401, 403, 403, 403, 404, 403, 403, 403]),
    ("POST /plan-targets/import",                                 [401, 403, 403, 403, 403, 403, 403, 400]),
    ("POST /ratings/{id}/hide",                                   [401, 403, 403, 403, 403, 403, 403, 200]),
    ("POST /ratings/{id}/reply",                                  [401, 403, 403, 403, 403, 403, 403, 403]),
    ("POST /reconciliation/imports",                               [401, 403, 403, 403, 409, 403, 403, 409]),
    ("POST /settlement-runs",                                     [401, 403, 403, 403, 403, 409, 403, 409]),
    ("POST /settlement-runs/{id}/adjustments",                    [401, 403, 403, 403, 403, 404, 403, 409]),
    ("POST /settlement-runs/{id}/approve",                        [401, 403, 403, 403, 403, 403, 403, 409]),
    ("POST /settlement-runs/{id}/confirm",                        [401, 403, 403, 403, 403, 409, 403, 403]),
    ("POST /settlement-runs/{id}/dispute",                        [401, 403, 403, 403, 403, 400, 403, 403]),
    ("POST /settlement-runs/{id}/recompute",                      [401, 403, 403, 403, 403, 200, 403, 200]),
    ("POST /settlement-runs/{id}/reopen",                         [401, 403, 403, 403, 403, 403, 403, 409]),
    ("POST /settlement-runs/{id}/submit",                         [401, 403, 403, 403, 403, 403, 403, 200]),
    ("POST /staff-accounts",                                      [401, 403, 403, 403, 403, 403, 403, 400]),
    ("POST /staff-accounts/{id}/unlock",                          [401, 403, 403, 403, 403, 403, 403, 200]),
    ("POST /subsidy-policies",                                    [401, 403, 403, 403, 403, 403, 403, 400]),
    ("POST /subsidy-policies/check",                              [401, 403, 403, 403, 403, 403, 403, 200]),
    ("PUT /elders/{id}/diet",                                      [401, 404, 404, 404, 403, 404, 403, 200]),
    ("PUT /meal-points/{id}/labels",                              [401, 403, 403, 403, 403, 403, 403, 200]),
    ("PUT /meal-points/{id}/payment-methods",                      [401, 403, 403, 403, 403, 403, 403, 409]),
    ("PUT /meal-points/{id}/samples",                              [401, 403, 403, 403, 403, 403, 403, 403]),
    ("PUT /meal-points/{id}/status",                              [401, 403, 403, 403, 403, 403, 403, 200]),
    ("PUT /plan-targets",                                         [401, 403, 403, 403, 403, 403, 403, 400]),
];

/// Someone else's world, seen by the city admin before the roles call.
struct World {
    tokens: Vec<Option<String>>,
    elder_id: i64,
    order_id: String,
    rating_id: i64,
    complaint_id: i64,
    meal_point_id: i64,
    dish_id: i64,
    offering_id: i64,
    link_id: i64,
    run_id: i64,
    operator_account_id: i64,
    policy_version: String,
    id_card: String,
    name: String,
    /// Strings no one but the city admin (and the victim's own) may read.
    secrets: Vec<String>,
}

async fn world(app: &TestApp) -> World {
    let admin = app.staff_token("admin").await;
    let (index, victim) = DEMO_ELDERS
        .iter()
        .enumerate()
        .find(|(_, e)| e.name == "吴国平")
        .expect("the demo's 吴国平");
    let id_card = demo_id_number(index, victim, today());
    let name = victim.name.to_string();
    let found = app
        .post(
            "/api/v1/elders/find-by-id-card",
            Some(&admin),
            json!({ "id_card": id_card }),
        )
        .await;
    let elder = found.assert_ok().clone();
    let elder_id = elder["id"].as_i64().expect("the elder's id");
    let mut secrets = vec![id_card.clone(), name.clone()];
    for field in ["address", "phone"] {
        if let Some(text) = elder[field].as_str().filter(|t| t.len() > 4) {
            secrets.push(text.to_string());
        }
    }

    // His served, rated order at operator-demo's meal point.
    let orders = app
        .get(
            &format!("/api/v1/elders/{elder_id}/orders?page_size=100"),
            Some(&admin),
        )
        .await;
    let (order_id, rating_id, meal_point_id) = {
        let mut found = None;
        let body = orders.assert_ok();
        let list = body["items"].as_array().or(body.as_array());
        for order in list.unwrap_or_else(|| panic!("{body}")) {
            let id = order["id"].as_str().unwrap().to_string();
            let rating = app
                .get(&format!("/api/v1/orders/{id}/rating"), Some(&admin))
                .await;
            if rating.status.is_success() && rating.body["id"].is_i64() {
                found = Some((
                    id,
                    rating.body["id"].as_i64().unwrap(),
                    order["meal_point_id"].as_i64().unwrap(),
                ));
                break;
            }
        }
        found.expect("the demo rated one of 吴国平's lunches")
    };

    // His complaint about it, filed from his own account.
    let own = app.wechat_token("demo-elder-2").await;
    let complaint_text = "取餐时被多收了钱（授权矩阵测试的投诉）".to_string();
    let complaint = app
        .post(
            "/api/v1/complaints",
            Some(&own),
            json!({
                "meal_point_id": meal_point_id, "order_id": order_id,
                "category": "service_attitude", "text": complaint_text,
            }),
        )
        .await;
    let complaint_id = complaint.assert_ok()["id"].as_i64().unwrap();
    secrets.push(complaint_text);

    // His family member's approved link.
    let relative = app.wechat_token("matrix-relative").await;
    let link = app
        .post(
            "/api/v1/family-links",
            Some(&relative),
            json!({ "id_card": id_card, "name": name, "relationship": "女儿" }),
        )
        .await;
    let link_id = link.assert_ok()["id"].as_i64().unwrap();
    app.post(
        &format!("/api/v1/family-links/{link_id}/approve"),
        Some(&admin),
        json!({}),
    )
    .await
    .assert_ok();

    let dishes = app
        .get(
            &format!("/api/v1/meal-points/{meal_point_id}/dishes"),
            Some(&admin),
        )
        .await;
    let dish_id = dishes.assert_ok()["items"][0]["id"]
        .as_i64()
        .or_else(|| dishes.body[0]["id"].as_i64())
        .expect("a dish");
    let menu = app
        .get(
            &format!(
                "/api/v1/meal-points/{meal_point_id}/menu?from={}&to={}",
                day(0),
                day(6)
            ),
            None,
        )
        .await;
    let offering_id = menu.assert_ok()["days"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|d| d["slots"].as_array().unwrap().clone())
        .flat_map(|s| s["items"].as_array().unwrap().clone())
        .find_map(|item| item["offering_id"].as_i64())
        .expect("an offering this week");

    let clerk_zhonglou = app.staff_token("clerk-zhonglou").await;
    let run = app
        .post("/api/v1/settlement-runs", Some(&clerk_zhonglou), json!({}))
        .await;
    let run_id = run.assert_ok()["id"].as_i64().unwrap();

    let operator_demo = app.staff_token("operator-demo").await;
    let operator_account_id = app.account_id(&operator_demo).await;
    let policies = app.get("/api/v1/subsidy-policies", Some(&admin)).await;
    let policy_version = policies.assert_ok()["items"][0]["version"]
        .as_str()
        .or_else(|| policies.body[0]["version"].as_str())
        .expect("a policy version")
        .to_string();

    // The callers.
    let operator = "matrix-operator";
    app.post(
        "/api/v1/staff-accounts",
        Some(&admin),
        json!({
            "username": operator, "password": "matrix-operator-2026", "role": "operator",
            "display_name": "另一家助餐点",
        }),
    )
    .await
    .assert_ok();
    let operator_token = app
        .staff_login(operator, "matrix-operator-2026")
        .await
        .assert_ok()["token"]
        .as_str()
        .unwrap()
        .to_string();
    let other_point = app
        .get("/api/v1/meal-points?district_code=320402&page_size=1", None)
        .await;
    let other_point = other_point.assert_ok()["items"][0]["id"].as_i64().unwrap();
    assert_ne!(other_point, meal_point_id);
    app.post(
        &format!(
            "/api/v1/meal-points/{other_point}/operators/{}",
            app.account_id(&operator_token).await
        ),
        Some(&admin),
        json!({}),
    )
    .await
    .assert_ok();
    app.post(
        "/api/v1/inspectors",
        Some(&admin),
        json!({
            "username": "matrix-inspector", "display_name": "督查员",
            "organisation": "常州市餐饮行业协会", "password": "matrix-inspector-2026",
        }),
    )
    .await
    .assert_ok();
    let inspector = app
        .staff_login("matrix-inspector", "matrix-inspector-2026")
        .await
        .assert_ok()["token"]
        .as_str()
        .unwrap()
        .to_string();

    let tokens = vec![
        None,
        Some(app.wechat_token("demo-elder-1").await),
        Some(app.wechat_token("demo-family-1").await),
        Some(app.wechat_token("demo-family-5").await),
        Some(operator_token),
        Some(app.staff_token("clerk-tianning").await),
        Some(inspector),
        Some(admin),
    ];
    World {
        tokens,
        elder_id,
        order_id,
        rating_id,
        complaint_id,
        meal_point_id,
        dish_id,
        offering_id,
        link_id,
        run_id,
        operator_account_id,
        policy_version,
        id_card,
        name,
        secrets,
    }
}

impl World {
    /// The path with someone else's resource in each parameter.
    fn path(&self, template: &str) -> String {
        let resource = template.split('/').nth(1).unwrap_or_default();
        let id = match resource {
            "orders" => self.order_id.clone(),
            "elders" => self.elder_id.to_string(),
            "meal-points" => self.meal_point_id.to_string(),
            "complaints" => self.complaint_id.to_string(),
            "ratings" => self.rating_id.to_string(),
            "dishes" => self.dish_id.to_string(),
            "offerings" => self.offering_id.to_string(),
            "family-links" => self.link_id.to_string(),
            "settlement-runs" => self.run_id.to_string(),
            "staff-accounts" => self.operator_account_id.to_string(),
            other => format!("<no resource for {other}>"),
        };
        template
            .replace("{id}", &id)
            .replace("{account_id}", &self.operator_account_id.to_string())
            .replace("{version}", &self.policy_version)
            .replace("{code}", "320404")
            .replace("{category}", "dibao")
            .replace("{to_week}", &day(7))
            .replace("{from_week}", &day(0))
    }

    /// A value for a field or parameter: someone else's where the name says whose, else a
    /// schema-valid sample.
    fn sample(&self, doc: &Value, name: &str, schema: &Value) -> Value {
        let schema = resolve(doc, schema);
        match name {
            "elder_id" => return json!(self.elder_id),
            "meal_point_id" => return json!(self.meal_point_id),
            "order_id" => return json!(self.order_id),
            "dish_id" => return json!(self.dish_id),
            "offering_id" => return json!(self.offering_id),
            "id_card" => return json!(self.id_card),
            "name" => return json!(self.name),
            "client_key" => return json!(uuid::Uuid::now_v7().to_string()),
            "username" => {
                return json!(format!(
                    "matrix-{}",
                    &uuid::Uuid::new_v4().simple().to_string()[..8]
                ));
            }
            "password" => return json!("matrix-password-2026"),
            "phone" => return json!("13900000000"),
            "month" => return json!(month_of(today(), -1)),
            "code" if schema["type"] == "string" && schema.get("enum").is_none() => {
                return json!("123456");
            }
            n if n.ends_with("district_code") => return json!("320404"),
            _ => {}
        }
        if let Some(first) = schema["enum"].as_array().and_then(|e| e.first()) {
            return first.clone();
        }
        if let Some(parts) = schema["allOf"].as_array() {
            return parts
                .iter()
                .map(|part| self.sample(doc, name, part))
                .find(|v| !v.is_null())
                .unwrap_or(Value::Null);
        }
        match schema["type"].as_str().unwrap_or_default() {
            "object" => {
                let required: BTreeSet<&str> = schema["required"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .collect();
                let mut object = serde_json::Map::new();
                for (property, definition) in schema["properties"].as_object().into_iter().flatten()
                {
                    // Optional fields that name someone else's things are sent too.
                    let names_a_resource = matches!(
                        property.as_str(),
                        "elder_id" | "order_id" | "meal_point_id" | "dish_id" | "offering_id"
                    );
                    if required.contains(property.as_str()) || names_a_resource {
                        object.insert(property.clone(), self.sample(doc, property, definition));
                    }
                }
                Value::Object(object)
            }
            "array" => json!([self.sample(doc, name, &schema["items"])]),
            "integer" => json!(schema["minimum"].as_i64().unwrap_or(1).max(1)),
            "number" => json!(schema["minimum"].as_f64().unwrap_or(1.0).max(1.0)),
            "boolean" => json!(false),
            "string" => match schema["format"].as_str().unwrap_or_default() {
                "date" | "naive-date" => json!(day(1)),
                "date-time" => json!(crate::helpers::shanghai_at(1, 12, 0)),
                "decimal" | "yuan" => json!("10.00"),
                _ if name == "slot" => json!("lunch"),
                _ => json!("授权矩阵"),
            },
            _ => Value::Null,
        }
    }

    async fn call(
        &self,
        app: &TestApp,
        doc: &Value,
        method: &str,
        template: &str,
        operation: &Value,
        token: Option<&str>,
    ) -> (u16, String, Value, String) {
        let path = self.path(template);
        let mut query = Vec::new();
        for parameter in operation["parameters"].as_array().into_iter().flatten() {
            if parameter["in"] == "query" && parameter["required"] == true {
                let name = parameter["name"].as_str().unwrap();
                let value = match name {
                    "lat" => json!(31.78),
                    "lng" => json!(119.95),
                    "date" => json!(day(0)),
                    "statement" => json!("districts"),
                    "format" => json!("csv"),
                    _ => self.sample(doc, name, &parameter["schema"]),
                };
                let value = value
                    .as_str()
                    .map(str::to_string)
                    .unwrap_or(value.to_string());
                query.push((name.to_string(), value));
            }
        }
        let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
        let mut request = app
            .http
            .request(method, app.url(&format!("/api/v1{path}")))
            .query(&query);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let mut sent = String::new();
        if let Some(content) = operation["requestBody"]["content"].as_object() {
            let (content_type, media) = content.iter().next().unwrap();
            if content_type.starts_with("application/json") {
                let body = self.sample(doc, "", &media["schema"]);
                sent = body.to_string();
                request = request.json(&body);
            } else {
                sent = "x".into();
                request = request
                    .header("Content-Type", content_type.as_str())
                    .body("x");
            }
        }
        let response = request.send().await.expect("the server answers");
        let status = response.status().as_u16();
        let text = response.text().await.unwrap_or_default();
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        (status, text, body, format!("{path} {query:?} {sent}"))
    }
}

fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema["$ref"].as_str() {
        Some(reference) => doc
            .pointer(&reference.replace("#/", "/"))
            .unwrap_or(&Value::Null),
        None => schema,
    }
}

#[tokio::test]
async fn every_operation_answers_every_role_as_the_matrix_says() {
    let app = spawn_full_demo().await;
    let world = world(&app).await;
    let doc = app.get("/api/openapi.json", None).await.body;

    let mut operations = Vec::new();
    for (template, methods) in doc["paths"].as_object().unwrap() {
        for (method, operation) in methods.as_object().unwrap() {
            operations.push((
                format!("{} {template}", method.to_uppercase()),
                method.clone(),
                template.clone(),
                operation.clone(),
            ));
        }
    }
    // Sign-out last (it ends the caller's session), deletions just before it, so the calls
    // before them meet the resources whole.
    let rank = |key: &str| match key {
        "POST /auth/logout" => 2,
        k if k.starts_with("DELETE ") => 1,
        _ => 0,
    };
    operations.sort_by_key(|(key, ..)| rank(key));

    let table: BTreeMap<&str, [u16; 8]> = MATRIX.iter().copied().collect();
    assert_eq!(table.len(), MATRIX.len(), "an operation has two rows");
    let listed: BTreeSet<&str> = operations.iter().map(|(key, ..)| key.as_str()).collect();
    let mut failures = Vec::new();
    for key in table.keys() {
        if !listed.contains(key) {
            failures.push(format!(
                "{key}: a row for an operation the document does not list"
            ));
        }
    }

    let mut observed: BTreeMap<String, [u16; 8]> = BTreeMap::new();
    let mut sent: Vec<BTreeSet<String>> = vec![BTreeSet::new(); ROLES.len()];
    // Every role but the admin first, then the admin, whose calls may change the resources.
    for roles in [0..ADMIN, ADMIN..ADMIN + 1] {
        for (key, method, template, operation) in &operations {
            for role in roles.clone() {
                let token = world.tokens[role].as_deref();
                let (status, text, body, request) = world
                    .call(&app, &doc, method, template, operation, token)
                    .await;
                observed.entry(key.clone()).or_insert([0; 8])[role] = status;
                let cell = format!("{key} as {} ({request})", ROLES[role]);
                if status >= 500 {
                    failures.push(format!("{cell}: {status} {text}"));
                }
                if !(200..300).contains(&status) {
                    let keys: BTreeSet<&str> = body
                        .as_object()
                        .map(|o| o.keys().map(String::as_str).collect())
                        .unwrap_or_default();
                    let allowed: BTreeSet<&str> =
                        ["code", "message", "field", "detail", "problems"].into();
                    if !body["code"].is_string() || !keys.is_subset(&allowed) {
                        failures.push(format!("{cell}: a refusal not in the error shape: {text}"));
                    }
                }
                // What a caller sent once (a name and number typed into a self-registration)
                // is theirs to read back later.
                for secret in &world.secrets {
                    if request.contains(secret.as_str()) {
                        sent[role].insert(secret.clone());
                    }
                }
                if role != ADMIN {
                    for secret in &world.secrets {
                        if text.contains(secret.as_str()) && !sent[role].contains(secret) {
                            failures.push(format!("{cell}: {status} reveals {secret:?}: {text}"));
                        }
                    }
                }
            }
        }
    }

    if std::env::var("MATRIX_PRINT").is_ok() {
        for (key, statuses) in &observed {
            let cells: Vec<String> = statuses.iter().map(u16::to_string).collect();
            eprintln!(
                "    ({:<60} [{}]),",
                format!("\"{key}\","),
                cells.join(", ")
            );
        }
    }
    for (key, statuses) in &observed {
        match table.get(key.as_str()) {
            None => failures.push(format!(
                "{key}: the document lists it but the matrix has no row (observed {statuses:?})"
            )),
            Some(expected) => {
                for role in 0..ROLES.len() {
                    if expected[role] != statuses[role] {
                        failures.push(format!(
                            "{key} as {}: expected {}, answered {}",
                            ROLES[role], expected[role], statuses[role]
                        ));
                    }
                }
            }
        }
    }
    assert!(
        observed.len() > 100,
        "only {} operations: the document lost its paths?",
        observed.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
