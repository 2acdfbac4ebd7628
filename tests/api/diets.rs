//! Diets and allergens: who keeps an elder's profile, how a meal point's dishes fit it, and the
//! booking's allergen acknowledgement.

use serde_json::json;
use vocabulary::{Allergen, Diet, DishTag};
use zhucan::{diets::http::DietProfileInput, menus::http::NewDish, orders::http::NewBooking};

use crate::{
    fixtures::{Kitchen, elder, family_of, key, kitchen, lunch},
    helpers::{TestApp, date, day, spawn_app, spawn_demo_city, yuan},
};

fn codes<T: Copy>(
    values: impl IntoIterator<Item = T>,
    as_str: fn(T) -> &'static str,
) -> Vec<&'static str> {
    values.into_iter().map(as_str).collect()
}

fn diets(values: &[zhucan::diets::http::DietLabel]) -> Vec<&'static str> {
    codes(values.iter().map(|d| d.code), Diet::as_str)
}

fn allergens(values: &[zhucan::diets::http::AllergenLabel]) -> Vec<&'static str> {
    codes(values.iter().map(|a| a.code), Allergen::as_str)
}

fn profile(diets: &[Diet], allergens: &[Allergen]) -> DietProfileInput {
    DietProfileInput {
        diets: diets.to_vec(),
        allergens: allergens.to_vec(),
    }
}

/// A dish with these tags and allergens on tomorrow's lunch; returns (dish id, offering id).
async fn dish(
    app: &TestApp,
    kitchen: &Kitchen,
    name: &str,
    tags: &[DishTag],
    allergens: &[Allergen],
) -> (i64, i64) {
    let dish = NewDish {
        name: name.to_owned(),
        photo_url: None,
        price: yuan("12.00"),
        tags: tags.to_vec(),
        allergens: allergens.to_vec(),
        active: None,
    };
    let dish = app
        .add_dish(&kitchen.operator, kitchen.meal_point_id, &dish)
        .await
        .ok();
    let published = app
        .publish(
            &kitchen.operator,
            kitchen.meal_point_id,
            vec![lunch(dish.id, date(1), 10)],
        )
        .await
        .ok();
    (dish.id, published[0].id)
}

#[tokio::test]
async fn family_and_the_elders_clerk_keep_the_profile_and_nobody_else_does() {
    let app = spawn_app().await;
    let (elder_id, number, name) = elder(&app, 1).await;
    let family = family_of(&app, "o-diet-son", &number, &name).await;

    // Nothing kept yet: empty lists, no date.
    let empty = app.diet(&family, elder_id).await.ok();
    assert!(empty.diets.is_empty() && empty.allergens.is_empty());
    assert!(empty.updated_at.is_none());

    // The family member keeps it; a value sent twice is kept once, in the vocabulary's order.
    let kept = app
        .keep_diet(
            &family,
            elder_id,
            &profile(
                &[Diet::Soft, Diet::LowSalt, Diet::Soft],
                &[Allergen::Peanut],
            ),
        )
        .await
        .ok();
    assert_eq!(diets(&kept.diets), ["low_salt", "soft"]);
    assert_eq!(kept.diets[0].label, "低盐");
    assert_eq!(kept.allergens[0].label, "花生");
    assert!(kept.updated_at.is_some());

    // The clerk of the elder's district reads and changes it.
    let clerk = app.staff_token("clerk-zhonglou").await;
    let read = app.diet(&clerk, elder_id).await.ok();
    assert_eq!(allergens(&read.allergens), ["peanut"]);
    let changed = app
        .keep_diet(
            &clerk,
            elder_id,
            &profile(&[Diet::LowSugar], &[Allergen::Peanut, Allergen::Shellfish]),
        )
        .await
        .ok();
    assert_eq!(changed.diets[0].label, "低糖/糖尿病");
    let seen = app.diet(&family, elder_id).await.ok();
    assert_eq!(allergens(&seen.allergens), ["peanut", "shellfish"]);

    // Another district's clerk and an unlinked WeChat user: the record does not exist for them.
    let tianning = app.staff_token("clerk-tianning").await;
    let stranger = app.wechat_token("o-diet-stranger").await;
    for token in [&tianning, &stranger] {
        app.diet(token, elder_id)
            .await
            .error(404, "ELDER_NOT_FOUND");
        app.keep_diet(token, elder_id, &profile(&[], &[]))
            .await
            .error(404, "ELDER_NOT_FOUND");
    }
    // Operators and inspectors' roles never keep diets.
    let operator = app.staff_token("operator-demo").await;
    app.keep_diet(&operator, elder_id, &profile(&[], &[]))
        .await
        .error(403, "ROLE_FORBIDDEN");
    app.diet(&operator, elder_id)
        .await
        .error(403, "ROLE_FORBIDDEN");
    // No session at all.
    assert_eq!(
        app.get(&format!("/api/v1/elders/{elder_id}/diet"), None)
            .await
            .status,
        401
    );

    // An unknown code (no `Diet` holds it, so it is sent as JSON) is refused and nothing changes.
    let refused = app
        .keep_diet(
            &family,
            elder_id,
            &json!({ "diets": ["keto"], "allergens": [] }),
        )
        .await;
    assert_eq!(refused.status, 400, "{}", refused.raw());
    let unchanged = app.diet(&family, elder_id).await.ok();
    assert_eq!(diets(&unchanged.diets), ["low_sugar"]);

    // Empty lists clear it.
    let cleared = app
        .keep_diet(&family, elder_id, &profile(&[], &[]))
        .await
        .ok();
    assert!(cleared.allergens.is_empty());

    // The vocabulary is public, with Chinese labels.
    let labels = app.diet_labels().await.ok();
    assert_eq!(labels.len(), 5);
    assert_eq!(labels[3].label, "清真");
}

#[tokio::test]
async fn suitable_dishes_come_first_and_dishes_with_a_listed_allergen_last() {
    let app = spawn_demo_city().await;
    let kitchen = kitchen(&app).await;
    let (plain, _) = dish(&app, &kitchen, "白米饭配青菜", &[], &[]).await;
    let (peanut, _) = dish(
        &app,
        &kitchen,
        "软烂花生猪蹄",
        &[DishTag::LowSalt, DishTag::Soft],
        &[Allergen::Peanut, Allergen::Soy],
    )
    .await;
    let (fits, _) = dish(
        &app,
        &kitchen,
        "清蒸豆腐羹",
        &[DishTag::LowSalt, DishTag::Soft],
        &[Allergen::Soy],
    )
    .await;
    let (elder_id, number, name) = elder(&app, 2).await;
    let family = family_of(&app, "o-diet-fit", &number, &name).await;
    app.keep_diet(
        &family,
        elder_id,
        &profile(&[Diet::LowSalt, Diet::Soft], &[Allergen::Peanut]),
    )
    .await
    .ok();

    let fit = app
        .dish_fit(&family, elder_id, kitchen.meal_point_id)
        .await
        .ok();
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
    assert_eq!(diets(&ours[0].met), ["low_salt", "soft"]);
    assert!(!ours[1].suitable);
    assert_eq!(diets(&ours[1].unmet), ["low_salt", "soft"]);
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
    app.dish_fit(&stranger, elder_id, kitchen.meal_point_id)
        .await
        .error(404, "ELDER_NOT_FOUND");
    app.dish_fit(&family, elder_id, 999_999)
        .await
        .error(404, "MEAL_POINT_NOT_FOUND");
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
        &[Allergen::Peanut, Allergen::Soy],
    )
    .await;
    let (_, tofu) = dish(&app, &kitchen, "家常豆腐", &[], &[Allergen::Soy]).await;
    let (elder_id, number, name) = elder(&app, 3).await;
    let family = family_of(&app, "o-diet-book", &number, &name).await;
    app.keep_diet(
        &family,
        elder_id,
        &profile(&[], &[Allergen::Peanut, Allergen::Milk]),
    )
    .await
    .ok();

    // Without the acknowledgement: refused, naming dish and allergen, and no portion taken.
    let body = app
        .book(
            &family,
            &kitchen.new_booking(elder_id, &tomorrow, peanut, &key()),
        )
        .await
        .field_error(409, "ALLERGEN_ACK_REQUIRED", "allergen_acknowledged");
    let message = body.message;
    assert!(message.contains("宫保鸡丁含花生"), "{message}");
    assert!(
        !message.contains("大豆"),
        "only the elder's allergens: {message}"
    );
    assert_eq!(kitchen.portions_left(&app, &tomorrow, peanut).await, 10);
    // `false` is the same as leaving it out.
    let unacknowledged = NewBooking {
        allergen_acknowledged: Some(false),
        ..kitchen.new_booking(elder_id, &tomorrow, peanut, &key())
    };
    app.book(&family, &unacknowledged)
        .await
        .error(409, "ALLERGEN_ACK_REQUIRED");

    // A dish without the elder's allergens needs nothing (soy is not on the profile) …
    let tofu_booking = kitchen.new_booking(elder_id, &tomorrow, tofu, &key());
    let tofu_order = app.book(&family, &tofu_booking).await.ok();
    app.cancel(&family, &tofu_order.id, None).await.ok();

    // … and with it, the allergic dish is booked.
    let acknowledged = NewBooking {
        allergen_acknowledged: Some(true),
        ..kitchen.new_booking(elder_id, &tomorrow, peanut, &key())
    };
    let order = app.book(&family, &acknowledged).await.ok();
    assert_eq!(order.items[0].dish_name, "宫保鸡丁");
    assert_eq!(kitchen.portions_left(&app, &tomorrow, peanut).await, 9);
}
