//! Demo meal points with dishes and a week of menus, and the demo operator's two meal points.
//!
//! Deterministic: the same seed and the same "today" give the same rows. Fast: every table is
//! written with a few multi-row inserts (tests seed this on every `spawn_app()`).

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use entity::{meal_point, street};
use rand::{Rng, SeedableRng, rngs::StdRng, seq::SliceRandom};
use sea_orm::{ConnectionTrait, EntityTrait, TransactionTrait};

use super::changzhou::{self, DEMO_DISHES, DemoMealPoint};
use crate::{
    auth::store as accounts,
    error::{AppError, AppResult},
    meal_points::{
        MealPointProfile,
        rules::{GeoPoint, distance_m},
        store as meal_point_store,
    },
    menus::{
        rules::{BookingPolicy, Dish, OfferingDraft},
        store::{self as menu_store, DishRecord},
    },
    state::AppState,
    subsidy::Slot,
};

/// The seed of the demo city's meal points: the same city on every machine.
pub const DEMO_MEAL_POINT_SEED: u64 = 2026;

/// Demo meal points take lunch orders until 09:30 (90 minutes before 11:00), a common rule in
/// Changzhou's canteens, and open booking a week ahead.
pub const DEMO_BOOKING_POLICY: BookingPolicy = BookingPolicy {
    lead_minutes: 90,
    days_ahead: 7,
};

/// The demo operator account and how many meal points it runs, the ones nearest 南大街.
pub const DEMO_OPERATOR_USERNAME: &str = "operator-demo";
pub const DEMO_OPERATOR_MEAL_POINTS: usize = 2;
const DEMO_OPERATOR_DISTRICT: &str = "320404";
const DEMO_OPERATOR_STREET: &str = "南大街街道";

/// How many days of menus the demo publishes, from today.
pub const DEMO_MENU_DAYS: u32 = 7;

/// The generated meal point as a profile the store accepts (the generator builds it from the
/// same validated types the API does; only the street id comes from the database).
pub fn profile(point: &DemoMealPoint, street_id: i64) -> MealPointProfile {
    MealPointProfile {
        name: point.name.clone(),
        kind: point.kind,
        district_code: point.district_code.to_owned(),
        street_id,
        address: point.address.clone(),
        location: point.location,
        phone: point.phone.clone(),
        service_modes: point.service_modes,
        opening_days: point.opening_days,
        service_hours: point.service_hours.clone(),
        booking_policy: DEMO_BOOKING_POLICY,
        food_licence_no: point.food_licence_no.clone(),
        live_video_url: point.live_video_url.clone(),
    }
}

/// Street ids by (district code, street name).
pub async fn street_ids(db: &impl ConnectionTrait) -> AppResult<HashMap<(String, String), i64>> {
    Ok(street::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|s| ((s.district_code, s.name), s.id))
        .collect())
}

/// Inserts the generated meal points; returns them as stored, in the generator's order.
pub async fn insert_points(
    db: &impl ConnectionTrait,
    points: &[DemoMealPoint],
    now: DateTime<Utc>,
) -> AppResult<Vec<meal_point::Model>> {
    let streets = street_ids(db).await?;
    let rows = points
        .iter()
        .map(|point| {
            let key = (point.district_code.to_owned(), point.street.to_owned());
            let street_id = *streets.get(&key).ok_or_else(|| {
                AppError::internal(std::io::Error::other(format!(
                    "demo street {} is not seeded",
                    point.street
                )))
            })?;
            Ok((profile(point, street_id), point.labels))
        })
        .collect::<AppResult<Vec<_>>>()?;
    meal_point_store::insert_meal_points(db, &rows, now).await
}

/// Gives each meal point 8–12 dishes from the demo list and publishes `days` days of menus from
/// `today` (3–5 dishes per slot served on each opening day, 30–80 portions each).
pub async fn seed_menus(
    db: &impl ConnectionTrait,
    points: &[meal_point::Model],
    today: NaiveDate,
    days: u32,
    seed: u64,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut dishes: Vec<(i64, DishRecord)> = Vec::new();
    for point in points {
        let serves_breakfast = point.breakfast_opens.is_some();
        for demo in pick_dishes(&mut rng, serves_breakfast) {
            let dish = Dish::new(
                demo.name,
                demo.price(),
                demo.tags.to_vec(),
                demo.allergens.to_vec(),
            )
            .map_err(|e| AppError::internal(std::io::Error::other(e.to_string())))?;
            dishes.push((
                point.id,
                DishRecord {
                    dish,
                    photo_url: None,
                    active: true,
                },
            ));
        }
    }
    let stored = menu_store::insert_dishes(db, &dishes, now).await?;

    let mut dishes_of: HashMap<i64, Vec<(i64, &'static changzhou::DemoDish)>> = HashMap::new();
    for dish in &stored {
        if let Some(demo) = DEMO_DISHES.iter().find(|d| d.name == dish.name) {
            dishes_of
                .entry(dish.meal_point_id)
                .or_default()
                .push((dish.id, demo));
        }
    }

    let mut offerings = Vec::new();
    for point in points {
        let hours = meal_point_store::service_hours_of(point)?;
        let policy = meal_point_store::booking_policy_of(point);
        let menu = dishes_of
            .get(&point.id)
            .map(Vec::as_slice)
            .unwrap_or_default();
        for day in 0..days {
            let date = today + TimeDelta::days(i64::from(day));
            if !meal_point_store::is_open_on(point, date) {
                continue;
            }
            for slot_hours in hours.slots() {
                let mut fitting: Vec<&(i64, &changzhou::DemoDish)> = menu
                    .iter()
                    .filter(|(_, demo)| demo.slots.contains(&slot_hours.slot))
                    .collect();
                fitting.shuffle(&mut rng);
                let count = rng.random_range(3..=5).min(fitting.len());
                for (dish_id, demo) in fitting.into_iter().take(count) {
                    let offering = OfferingDraft::new(
                        *dish_id,
                        demo.price(),
                        date,
                        slot_hours.slot,
                        rng.random_range(30..=80),
                        None,
                    )
                    .and_then(|draft| draft.schedule(slot_hours.opens, policy))
                    .map_err(|e| AppError::internal(std::io::Error::other(e.to_string())))?;
                    offerings.push((point.id, offering));
                }
            }
        }
    }
    menu_store::insert_offerings_of_many(db, &offerings, now).await
}

/// 8–12 dishes: main-meal dishes for lunch and dinner, and three breakfast items where
/// breakfast is served.
fn pick_dishes(rng: &mut StdRng, serves_breakfast: bool) -> Vec<&'static changzhou::DemoDish> {
    let mut main: Vec<&changzhou::DemoDish> = DEMO_DISHES
        .iter()
        .filter(|d| d.slots.contains(&Slot::Lunch))
        .collect();
    main.shuffle(rng);
    let main_count = if serves_breakfast {
        rng.random_range(5..=9)
    } else {
        rng.random_range(8..=12)
    };
    let mut picked: Vec<&changzhou::DemoDish> = main.into_iter().take(main_count).collect();
    if serves_breakfast {
        let mut breakfast: Vec<&changzhou::DemoDish> = DEMO_DISHES
            .iter()
            .filter(|d| d.slots.contains(&Slot::Breakfast) && !picked.contains(d))
            .collect();
        breakfast.shuffle(rng);
        picked.extend(breakfast.into_iter().take(3));
    }
    picked
}

/// The meal points the demo operator runs: the ones in 钟楼区 nearest the centre of 南大街.
pub fn demo_operator_meal_points(points: &[meal_point::Model]) -> Vec<i64> {
    let centre = changzhou::STREETS
        .iter()
        .find(|s| s.district_code == DEMO_OPERATOR_DISTRICT && s.name == DEMO_OPERATOR_STREET)
        .map(|s| s.centre());
    let Some(centre) = centre else {
        return Vec::new();
    };
    let mut nearest: Vec<(u32, i64)> = points
        .iter()
        .filter(|p| p.district_code == DEMO_OPERATOR_DISTRICT)
        .filter_map(|p| {
            let location = GeoPoint::new(p.lat, p.lng).ok()?;
            Some((distance_m(centre, location), p.id))
        })
        .collect();
    nearest.sort_unstable();
    nearest
        .into_iter()
        .take(DEMO_OPERATOR_MEAL_POINTS)
        .map(|(_, id)| id)
        .collect()
}

/// Seeds the demo meal points, their dishes, a week of menus from today, and the demo operator's
/// assignments, all in one transaction.
pub async fn seed(state: &AppState) -> AppResult<()> {
    let now = state.clock.now();
    let txn = state.db.begin().await?;
    let points = insert_points(
        &txn,
        &changzhou::demo_meal_points(DEMO_MEAL_POINT_SEED),
        now,
    )
    .await?;
    seed_menus(
        &txn,
        &points,
        state.clock.today(),
        DEMO_MENU_DAYS,
        DEMO_MEAL_POINT_SEED,
        now,
    )
    .await?;
    if let Some(operator) = accounts::find_by_username(&txn, DEMO_OPERATOR_USERNAME).await? {
        let pairs: Vec<(i64, i64)> = demo_operator_meal_points(&points)
            .into_iter()
            .map(|meal_point_id| (meal_point_id, operator.id))
            .collect();
        meal_point_store::assign_operators(&txn, &pairs, now).await?;
    }
    txn.commit().await?;
    Ok(())
}
