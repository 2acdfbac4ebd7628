//! A month of served lunches for the demo elders (the calendar month before the demo's today), so
//! a settlement run in the demo shows a real matrix between districts.
//!
//! Each active demo elder eats lunch on most weekdays: usually at a meal point of their residence
//! district (so elders living outside their hukou district, 人户分离, eat across districts), and
//! about one day in five somewhere else in the city. Prices come from the meal point's own dishes
//! and the split from the subsidy engine's `quote` under the policy in force, exactly as booking
//! freezes it. Deterministic (a fixed seed), so every demo shows the same figures.
//!
//! Past dates have no offering rows, so the orders' dish lines carry `offering_id` 0.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, Duration, NaiveDate, NaiveTime, Weekday};
use entity::{dish, elder, meal_order, meal_point, order_event, order_item};
use rand::{Rng, SeedableRng, rngs::StdRng};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::{
    clock::shanghai_to_utc,
    error::AppResult,
    money::Yuan,
    orders::rules::OrderState,
    settlement::rules::previous_month,
    subsidy::{self, QuoteInput, ServiceMode, Slot},
};
use vocabulary::{PaymentState, Role};

/// How many orders go into one INSERT.
const CHUNK: usize = 200;

/// Seeds the month before `today`; returns how many served orders it wrote.
pub async fn seed(
    db: &impl ConnectionTrait,
    today: NaiveDate,
    fallback_account: i64,
) -> AppResult<usize> {
    let (from, to) = previous_month(today);
    let elders = elder::Entity::find()
        .filter(elder::Column::Status.eq("active"))
        .all(db)
        .await?;
    let categories = crate::elders::store::current_categories_of(
        db,
        &elders.iter().map(|e| e.id).collect::<Vec<_>>(),
    )
    .await?;
    let points = meal_point::Entity::find()
        .filter(meal_point::Column::LunchOpens.is_not_null())
        .all(db)
        .await?;
    let mut by_district: BTreeMap<String, Vec<&meal_point::Model>> = BTreeMap::new();
    for point in &points {
        by_district
            .entry(point.district_code.clone())
            .or_default()
            .push(point);
    }
    let districts: Vec<&String> = by_district.keys().collect();
    if districts.is_empty() {
        return Ok(0);
    }
    let mut dishes: HashMap<i64, Vec<dish::Model>> = HashMap::new();
    for d in dish::Entity::find().all(db).await? {
        dishes.entry(d.meal_point_id).or_default().push(d);
    }

    let mut rng = StdRng::seed_from_u64(20261123);
    let mut orders = Vec::new();
    let mut items = Vec::new();
    let mut events = Vec::new();
    let mut date = from;
    let mut n = 0u32;
    while date <= to {
        if matches!(date.weekday(), Weekday::Sat | Weekday::Sun) {
            date += Duration::days(1);
            continue;
        }
        let Some(policy) = subsidy::store::policy_in_force(db, date).await? else {
            date += Duration::days(1);
            continue;
        };
        for elder in &elders {
            // Most elders eat out most days, not every day.
            if rng.random_range(0..10) < 3 {
                continue;
            }
            let district = if rng.random_range(0..5) == 0 {
                districts[rng.random_range(0..districts.len())]
            } else {
                &elder.residence_district_code
            };
            let Some(candidates) = by_district.get(district.as_str()) else {
                continue;
            };
            // An elder keeps to a few meal points of a district rather than a new one each day.
            let point = candidates[(elder.id as usize + rng.random_range(0..3)) % candidates.len()];
            let menu = dishes.get(&point.id).map(Vec::as_slice).unwrap_or_default();
            let (dish_name, price_fen) = match menu {
                [] => ("套餐".to_string(), 1500),
                menu => {
                    let d = &menu[rng.random_range(0..menu.len())];
                    (d.name.clone(), d.price_fen)
                }
            };
            let mode = if point.delivery && rng.random_range(0..6) == 0 {
                ServiceMode::Delivery
            } else {
                ServiceMode::Pickup
            };
            let quote = subsidy::quote(
                &policy,
                &QuoteInput {
                    birth_date: elder.birth_date,
                    categories: categories
                        .get(&elder.id)
                        .map(|rows| rows.iter().map(|r| r.category).collect())
                        .unwrap_or_default(),
                    hukou_district: elder.hukou_district_code.clone(),
                    service_district: point.district_code.clone(),
                    meal_date: date,
                    slot: Slot::Lunch,
                    mode,
                    gross: Yuan::from_fen(price_fen).decimal(),
                    subsidised_meals_already_in_slot: 0,
                },
            );
            let split = subsidy::FrozenSplit::of(&quote);
            n += 1;
            let at = |h: u32, m: u32| {
                shanghai_to_utc(date.and_time(NaiveTime::from_hms_opt(h, m, 0).unwrap_or_default()))
            };
            let booked_at = at(8, 0) - Duration::days(1);
            let served_at = at(11, 30) + Duration::minutes(rng.random_range(0..40));
            let id = uuid::Uuid::now_v7().to_string();
            let (account_id, role) = match elder.account_id {
                Some(account) => (account, Role::Elder),
                None => (fallback_account, Role::Operator),
            };
            orders.push(meal_order::ActiveModel {
                id: Set(id.clone()),
                account_id: Set(account_id),
                client_key: Set(format!("demo-month-{n}")),
                placed_by_role: Set(role),
                elder_id: Set(elder.id),
                meal_point_id: Set(point.id),
                service_district_code: Set(point.district_code.clone()),
                funding_district_code: Set(elder.hukou_district_code.clone()),
                date: Set(date),
                slot: Set(Slot::Lunch),
                mode: Set(mode),
                state: Set(OrderState::Served),
                // Unique per meal point and date, as the index requires: a running number.
                pickup_code: Set(format!("{:06}", n % 1_000_000)),
                gross_fen: Set(price_fen),
                subsidy_fen: Set(split.subsidy_fen),
                subsidy_city_fen: Set(split.subsidy_city_fen),
                subsidy_district_fen: Set(split.subsidy_district_fen),
                subsidy_street_fen: Set(split.subsidy_street_fen),
                elder_share_fen: Set(split.elder_share_fen),
                policy_version: Set(split.policy_version),
                quote_json: Set(split.quote_json),
                payment_state: Set(PaymentState::PaidAtCounter),
                delivery_address: Set((mode == ServiceMode::Delivery).then(|| elder.address.clone())),
                delivery_signed_by: Set((mode == ServiceMode::Delivery).then(|| elder.name.clone())),
                cancel_reason: Set(None),
                created_at: Set(booked_at),
                updated_at: Set(served_at),
                served_at: Set(Some(served_at)),
            });
            items.push(order_item::ActiveModel {
                order_id: Set(id.clone()),
                offering_id: Set(0),
                dish_name: Set(dish_name),
                quantity: Set(1),
                unit_price_fen: Set(price_fen),
                ..Default::default()
            });
            for (from_state, to_state, at, actor) in [
                (None, OrderState::Booked, booked_at, Some(account_id)),
                (
                    Some(OrderState::Booked),
                    OrderState::Served,
                    served_at,
                    None,
                ),
            ] {
                events.push(order_event::ActiveModel {
                    order_id: Set(id.clone()),
                    from_state: Set(from_state),
                    to_state: Set(to_state),
                    actor_account_id: Set(actor),
                    note: Set(None),
                    at: Set(at),
                    ..Default::default()
                });
            }
        }
        date += Duration::days(1);
    }
    let written = orders.len();
    while !orders.is_empty() {
        let chunk: Vec<_> = orders.drain(..orders.len().min(CHUNK)).collect();
        meal_order::Entity::insert_many(chunk)
            .exec_without_returning(db)
            .await?;
    }
    while !items.is_empty() {
        let chunk: Vec<_> = items.drain(..items.len().min(CHUNK)).collect();
        order_item::Entity::insert_many(chunk)
            .exec_without_returning(db)
            .await?;
    }
    while !events.is_empty() {
        let chunk: Vec<_> = events.drain(..events.len().min(CHUNK)).collect();
        order_event::Entity::insert_many(chunk)
            .exec_without_returning(db)
            .await?;
    }
    Ok(written)
}
