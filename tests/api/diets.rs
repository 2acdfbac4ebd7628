//! Diets and allergens: who keeps an elder's profile, how a meal point's dishes fit it, and the
//! booking's allergen acknowledgement.

use serde_json::{Value, json};
use zhucan::diets::http::{DietProfileView, DishFitList};

use crate::{
    fixtures::{Kitchen, elder, family_of, key, kitchen},
    helpers::{TestApp, day, spawn_app, spawn_demo_city},
};

/// The diets domain's operations, typed.
impl TestApp {
    async fn diet(&self, token: &str, elder_id: i64) -> crate::helpers::Reply {
        self.get(&format!("/api/v1/elders/{elder_id}/diet"), Some(token))
            .await
    }

    async fn keep_diet(&self, token: &str, elder_id: i64, body: Value) -> crate::helpers::Reply {
        self.put(
            &format!("/api/v1/elders/{elder_id}/diet"),
            Some(token),
            body,
        )
        .await
    }

    async fn dish_fit(&self, token: &str, elder_id: i64, meal_point_id: i64) -> DishFitList {
        let reply = self
            .get(
                &format!("/api/v1/elders/{elder_id}/dish-fit?meal_point_id={meal_point_id}"),
                Some(token),
            )
            .await;
        serde_json::from_value(reply.assert_ok().clone()).unwrap()
    }
}

fn profile(reply: &crate::helpers::Reply) -> DietProfileView {
    serde_json::from_value(reply.assert_ok().clone()).unwrap()
}

fn codes<T: serde::Serialize>(values: impl IntoIterator<Item = T>) -> Vec<String> {
    values
        .into_iter()
        .map(|v| {
            serde_json::to_value(v)
                .unwrap()
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect()
}

/// A dish with these tags and allergens on `date`'s lunch; returns (dish id, offering id).
async fn dish(
    app: &TestApp,
    kitchen: &Kitchen,
    name: &str,
    tags: &[&str],
    allergens: &[&str],
    date: &str,
) -> (i64, i64) {
    let dish = app
        .post(
            &format!("/api/v1/meal-points/{}/dishes", kitchen.meal_point_id),
            Some(&kitchen.operator),
            json!({ "name": name, "price": "12.00", "tags": tags, "allergens": allergens }),
        )
        .await;
    let dish_id = dish.assert_ok()["id"].as_i64().unwrap();
    let published = app
        .post(
            &format!("/api/v1/meal-points/{}/offerings", kitchen.meal_point_id),
            Some(&kitchen.operator),
            json!({ "offerings": [{
                "dish_id": dish_id, "date": date, "slot": "lunch", "portions": 10,
            }]}),
        )
        .await;
    let body = published.assert_ok();
    let offerings = body["offerings"].as_array().or(body.as_array()).unwrap();
    (dish_id, offerings[0]["id"].as_i64().unwrap())
}

#[tokio::test]
async fn family_and_the_elders_clerk_keep_the_profile_and_nobody_else_does() {
    let app = spawn_app().await;
    let (elder_id, number, name) = elder(&app, 1).await;
    let family = family_of(&app, "o-diet-son", &number, &name).await;

    // Nothing kept yet: empty lists, no date.
    let empty = profile(&app.diet(&family, elder_id).await);
    assert!(empty.diets.is_empty() && empty.allergens.is_empty());
    assert!(empty.updated_at.is_none());

    // The family member keeps it; a value sent twice is kept once, in the vocabulary's order.
    let kept = app
        .keep_diet(
            &family,
            elder_id,
            json!({ "diets": ["soft", "low_salt", "soft"], "allergens": ["peanut"] }),
        )
        .await;
    let kept = profile(&kept);
    assert_eq!(
        codes(kept.diets.iter().map(|d| d.code)),
        ["low_salt", "soft"]
    );
    assert_eq!(kept.diets[0].label, "低盐");
    assert_eq!(kept.allergens[0].label, "花生");
    assert!(kept.updated_at.is_some());

    // The clerk of the elder's district reads and changes it.
    let clerk = app.staff_token("clerk-zhonglou").await;
    let read = profile(&app.diet(&clerk, elder_id).await);
    assert_eq!(codes(read.allergens.iter().map(|a| a.code)), ["peanut"]);
    let changed = app
        .keep_diet(
            &clerk,
            elder_id,
            json!({ "diets": ["low_sugar"], "allergens": ["peanut", "shellfish"] }),
        )
        .await;
    assert_eq!(profile(&changed).diets[0].label, "低糖/糖尿病");
    let seen = profile(&app.diet(&family, elder_id).await);
    assert_eq!(
        codes(seen.allergens.iter().map(|a| a.code)),
        ["peanut", "shellfish"]
    );

    // Another district's clerk and an unlinked WeChat user: the record does not exist for them.
    let tianning = app.staff_token("clerk-tianning").await;
    let stranger = app.wechat_token("o-diet-stranger").await;
    for token in [&tianning, &stranger] {
        app.diet(token, elder_id)
            .await
            .assert_error(404, "ELDER_NOT_FOUND");
        app.keep_diet(token, elder_id, json!({ "diets": [], "allergens": [] }))
            .await
            .assert_error(404, "ELDER_NOT_FOUND");
    }
    // Operators and inspectors' roles never keep diets.
    let operator = app.staff_token("operator-demo").await;
    app.keep_diet(&operator, elder_id, json!({ "diets": [], "allergens": [] }))
        .await
        .assert_error(403, "ROLE_FORBIDDEN");
    app.diet(&operator, elder_id)
        .await
        .assert_error(403, "ROLE_FORBIDDEN");
    // No session at all.
    assert_eq!(
        app.get(&format!("/api/v1/elders/{elder_id}/diet"), None)
            .await
            .status,
        401
    );

    // An unknown code is refused and nothing changes.
    let refused = app
        .keep_diet(
            &family,
            elder_id,
            json!({ "diets": ["keto"], "allergens": [] }),
        )
        .await;
    assert_eq!(refused.status, 400, "{}", refused.body);
    let unchanged = profile(&app.diet(&family, elder_id).await);
    assert_eq!(codes(unchanged.diets.iter().map(|d| d.code)), ["low_sugar"]);

    // Empty lists clear it.
    let cleared = app
        .keep_diet(&family, elder_id, json!({ "diets": [], "allergens": [] }))
        .await;
    assert!(profile(&cleared).allergens.is_empty());

    // The vocabulary is public, with Chinese labels.
    let diets = app.get("/api/v1/diets", None).await;
    assert_eq!(diets.assert_ok().as_array().unwrap().len(), 5);
    assert_eq!(diets.body[3]["label"], "清真");
}

#[tokio::test]
async fn suitable_dishes_come_first_and_dishes_with_a_listed_allergen_last() {
    let app = spawn_demo_city().await;
    let kitchen = kitchen(&app).await;
    let tomorrow = day(1);
    let (plain, _) = dish(&app, &kitchen, "白米饭配青菜", &[], &[], &tomorrow).await;
    let (peanut, _) = dish(
        &app,
        &kitchen,
        "软烂花生猪蹄",
        &["low_salt", "soft"],
        &["peanut", "soy"],
        &tomorrow,
    )
    .await;
    let (fits, _) = dish(
        &app,
        &kitchen,
        "清蒸豆腐羹",
        &["low_salt", "soft"],
        &["soy"],
        &tomorrow,
    )
    .await;
    let (elder_id, number, name) = elder(&app, 2).await;
    let family = family_of(&app, "o-diet-fit", &number, &name).await;
    app.keep_diet(
        &family,
        elder_id,
        json!({ "diets": ["low_salt", "soft"], "allergens": ["peanut"] }),
    )
    .await
    .assert_ok();

    let fit = app.dish_fit(&family, elder_id, kitchen.meal_point_id).await;
    let ours: Vec<_> = fit
        .dishes
        .iter()
        .filter(|d| [plain, peanut, fits].contains(&d.dish_id))
        .collect();
    assert_eq!(
        ours.iter().map(|d| d.dish_id).collect::<Vec<_>>(),
        [fits, plain, peanut]
    );
    assert!(ours[0].suitable);
    assert_eq!(
        codes(ours[0].met.iter().map(|d| d.code)),
        ["low_salt", "soft"]
    );
    assert!(!ours[1].suitable);
    assert_eq!(
        codes(ours[1].unmet.iter().map(|d| d.code)),
        ["low_salt", "soft"]
    );
    assert!(!ours[2].suitable);
    assert_eq!(ours[2].allergens[0].label, "花生");
    // Every dish with a listed allergen is after every dish without one.
    let first_allergic = fit
        .dishes
        .iter()
        .position(|d| !d.allergens.is_empty())
        .unwrap();
    assert!(
        fit.dishes[first_allergic..]
            .iter()
            .all(|d| !d.allergens.is_empty())
    );

    // Someone else's elder: 404; an unknown meal point: 404.
    let stranger = app.wechat_token("o-diet-fit-stranger").await;
    app.get(
        &format!(
            "/api/v1/elders/{elder_id}/dish-fit?meal_point_id={}",
            kitchen.meal_point_id
        ),
        Some(&stranger),
    )
    .await
    .assert_error(404, "ELDER_NOT_FOUND");
    app.get(
        &format!("/api/v1/elders/{elder_id}/dish-fit?meal_point_id=999999"),
        Some(&family),
    )
    .await
    .assert_error(404, "MEAL_POINT_NOT_FOUND");
}

#[tokio::test]
async fn a_dish_with_a_listed_allergen_is_booked_only_when_acknowledged() {
    let app = spawn_demo_city().await;
    let kitchen = kitchen(&app).await;
    let tomorrow = day(1);
    let (_, peanut) = dish(
        &app,
        &kitchen,
        "宫保鸡丁",
        &[],
        &["peanut", "soy"],
        &tomorrow,
    )
    .await;
    let (_, tofu) = dish(&app, &kitchen, "家常豆腐", &[], &["soy"], &tomorrow).await;
    let (elder_id, number, name) = elder(&app, 3).await;
    let family = family_of(&app, "o-diet-book", &number, &name).await;
    app.keep_diet(
        &family,
        elder_id,
        json!({ "diets": [], "allergens": ["peanut", "milk"] }),
    )
    .await
    .assert_ok();

    // Without the acknowledgement: refused, naming dish and allergen, and no portion taken.
    let refusal = app
        .book(
            &family,
            &kitchen.booking(elder_id, &tomorrow, peanut, &key()),
        )
        .await;
    let body = refusal.error(409, "ALLERGEN_ACK_REQUIRED").clone();
    assert_eq!(body["field"], "allergen_acknowledged");
    let message = body["message"].as_str().unwrap();
    assert!(message.contains("宫保鸡丁含花生"), "{message}");
    assert!(
        !message.contains("大豆"),
        "only the elder's allergens: {message}"
    );
    assert_eq!(kitchen.portions_left(&app, &tomorrow, peanut).await, 10);
    // `false` is the same as leaving it out.
    let mut unacknowledged = kitchen.booking(elder_id, &tomorrow, peanut, &key());
    unacknowledged["allergen_acknowledged"] = json!(false);
    app.book(&family, &unacknowledged)
        .await
        .error(409, "ALLERGEN_ACK_REQUIRED");

    // A dish without the elder's allergens needs nothing (soy is not on the profile) …
    let tofu_booking = kitchen.booking(elder_id, &tomorrow, tofu, &key());
    let tofu_order = app.book(&family, &tofu_booking).await.ok();
    app.cancel(&family, &tofu_order.id, None).await.ok();

    // … and with it, the allergic dish is booked.
    let mut acknowledged = kitchen.booking(elder_id, &tomorrow, peanut, &key());
    acknowledged["allergen_acknowledged"] = json!(true);
    let order = app.book(&family, &acknowledged).await.ok();
    assert_eq!(order.items[0].dish_name, "宫保鸡丁");
    assert_eq!(kitchen.portions_left(&app, &tomorrow, peanut).await, 9);
}
