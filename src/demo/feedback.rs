//! Demo feedback: a few days of served lunches at `operator-demo`'s two meal points, most of
//! them rated (one with the operator's reply, one from yesterday still waiting to be rated), and
//! one acknowledged complaint, so the mini program and the console show feedback from the start.
//!
//! The eaters are 吴国平 (`demo-elder-2`, who signs in himself) and 刘志强 and 张桂兰 (rated by
//! their family member `demo-family-2`; 天宁 hukou living in 钟楼, so their meals are
//! cross-district). Prices and subsidies are quoted from the demo policy as a booking would.

use chrono::{Duration, NaiveDate, NaiveTime};
use entity::{account, dish, elder, meal_order, offering, order_event, order_item, rating};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder,
};

use crate::{
    auth::Role,
    clock::shanghai_to_utc,
    error::{AppError, AppResult},
    feedback::{
        rules::{Category, ComplaintState},
        store::{self as feedback_store, Actor},
    },
    meal_points::store as meal_point_store,
    money::Yuan,
    orders::rules::OrderState,
    state::AppState,
    subsidy::{ServiceMode, Slot},
};
use vocabulary::PaymentState;

use super::meal_points::DEMO_OPERATOR_USERNAME;

/// (elder's name, the openid of the account that booked and rated)
const EATERS: [(&str, &str); 3] = [
    ("吴国平", "demo-elder-2"),
    ("刘志强", "demo-family-2"),
    ("张桂兰", "demo-family-2"),
];

/// (overall, taste, portion, hygiene, service, comment); `None` = not rated (yet).
type DemoRating = (i32, i32, i32, i32, i32, Option<&'static str>);
const RATINGS: [Option<DemoRating>; 6] = [
    Some((
        5,
        5,
        4,
        5,
        5,
        Some("红烧肉软烂入味，米饭也软，很适合我们老年人"),
    )),
    Some((4, 4, 5, 4, 4, None)),
    Some((3, 3, 4, 4, 2, Some("味道还行，就是取餐时排队有点久"))),
    Some((4, 5, 3, 4, 4, Some("菜有点少，希望能多一点青菜"))),
    Some((5, 4, 4, 5, 5, Some("工作人员很耐心，帮我把饭菜端到座位上"))),
    None,
];

fn missing(what: &str) -> AppError {
    AppError::internal(std::io::Error::other(format!(
        "demo feedback: {what} missing"
    )))
}

pub async fn seed(state: &AppState, db: &impl ConnectionTrait) -> AppResult<()> {
    let now = state.clock.now();
    let today = state.clock.today();
    let operator = account::Entity::find()
        .filter(account::Column::Username.eq(DEMO_OPERATOR_USERNAME))
        .one(db)
        .await?
        .ok_or_else(|| missing("operator-demo"))?;
    let points = meal_point_store::meal_points_of_operator(db, operator.id).await?;
    if points.is_empty() {
        return Ok(());
    }
    let mut eaters = Vec::new();
    for (name, openid) in EATERS {
        let elder = elder::Entity::find()
            .filter(elder::Column::Name.eq(name))
            .one(db)
            .await?
            .ok_or_else(|| missing(name))?;
        let account = account::Entity::find()
            .filter(account::Column::WechatOpenid.eq(openid))
            .one(db)
            .await?
            .ok_or_else(|| missing(openid))?;
        eaters.push((elder, account));
    }

    // The last days each meal point was open, most recent first, two per meal point.
    let mut meals: Vec<(usize, NaiveDate)> = Vec::new();
    for (index, point) in points.iter().enumerate() {
        let days = (1..=7)
            .map(|d| today - Duration::days(d))
            .filter(|date| meal_point_store::is_open_on(point, *date))
            .take(3);
        meals.extend(days.map(|date| (index, date)));
    }

    let mut n = 0usize;
    let mut first_rating_id = None;
    for (index, date) in meals {
        let point = &points[index];
        let Some((opens, _)) = crate::orders::service::slot_hours(point, Slot::Lunch)? else {
            continue;
        };
        let dish = dish::Entity::find()
            .filter(dish::Column::MealPointId.eq(point.id))
            .filter(dish::Column::Active.eq(true))
            .order_by_asc(dish::Column::Id)
            .one(db)
            .await?
            .ok_or_else(|| missing("a demo dish"))?;
        let modes = meal_point_store::service_modes_of(point)?;
        let mode = [ServiceMode::Pickup, ServiceMode::DineIn]
            .into_iter()
            .find(|m| modes.offers(*m))
            .unwrap_or(ServiceMode::Pickup);
        let eaters_today: Vec<&(elder::Model, account::Model)> =
            eaters.iter().skip(n % 2).take(2).collect();
        let booked_at = shanghai_to_utc((date - Duration::days(1)).and_time(NaiveTime::MIN))
            + Duration::hours(19);
        let offering = offering::ActiveModel {
            meal_point_id: Set(point.id),
            dish_id: Set(dish.id),
            date: Set(date),
            slot: Set(Slot::Lunch),
            portions: Set(40),
            booked: Set(i32::try_from(eaters_today.len()).unwrap_or(0)),
            price_fen: Set(dish.price_fen),
            cutoff_at: Set(shanghai_to_utc(date.and_time(opens)) - Duration::minutes(90)),
            opens_on: Set(date - Duration::days(7)),
            created_at: Set(booked_at - Duration::days(3)),
            updated_at: Set(booked_at),
            ..Default::default()
        }
        .insert(db)
        .await?;
        for (elder, account) in eaters_today {
            let served_at = shanghai_to_utc(date.and_time(opens)) + Duration::minutes(25);
            let quote = crate::subsidy::service::quote_for_elder(
                db,
                &state.caches,
                elder,
                date,
                Slot::Lunch,
                mode,
                &point.district_code,
                Yuan::from_fen(dish.price_fen),
                0,
            )
            .await?;
            let split = crate::subsidy::FrozenSplit::of(&quote);
            let order_id = uuid::Uuid::now_v7().to_string();
            let role = account.role;
            meal_order::ActiveModel {
                id: Set(order_id.clone()),
                account_id: Set(account.id),
                client_key: Set(format!("demo-history-{n}")),
                placed_by_role: Set(role),
                elder_id: Set(elder.id),
                meal_point_id: Set(point.id),
                service_district_code: Set(point.district_code.clone()),
                funding_district_code: Set(elder.hukou_district_code.clone()),
                date: Set(date),
                slot: Set(Slot::Lunch),
                mode: Set(mode),
                state: Set(OrderState::Served),
                pickup_code: Set(format!("{:06}", 400_000 + n)),
                gross_fen: Set(dish.price_fen),
                subsidy_fen: Set(split.subsidy_fen),
                subsidy_city_fen: Set(split.subsidy_city_fen),
                subsidy_district_fen: Set(split.subsidy_district_fen),
                subsidy_street_fen: Set(split.subsidy_street_fen),
                elder_share_fen: Set(split.elder_share_fen),
                policy_version: Set(split.policy_version),
                quote_json: Set(split.quote_json),
                payment_state: Set(PaymentState::PaidAtCounter),
                delivery_address: Set(None),
                delivery_signed_by: Set(None),
                cancel_reason: Set(None),
                created_at: Set(booked_at),
                updated_at: Set(served_at),
                served_at: Set(Some(served_at)),
            }
            .insert(db)
            .await?;
            order_item::ActiveModel {
                order_id: Set(order_id.clone()),
                offering_id: Set(offering.id),
                dish_name: Set(dish.name.clone()),
                quantity: Set(1),
                unit_price_fen: Set(dish.price_fen),
                ..Default::default()
            }
            .insert(db)
            .await?;
            for (from, to, actor, at) in [
                (None, OrderState::Booked, account.id, booked_at),
                (
                    Some(OrderState::Booked),
                    OrderState::Served,
                    operator.id,
                    served_at,
                ),
            ] {
                order_event::ActiveModel {
                    order_id: Set(order_id.clone()),
                    from_state: Set(from),
                    to_state: Set(to),
                    actor_account_id: Set(Some(actor)),
                    note: Set(None),
                    at: Set(at),
                    ..Default::default()
                }
                .insert(db)
                .await?;
            }

            // Yesterday's last meal stays unrated, so the demo can show the rating form.
            let unrated = date == today - Duration::days(1) && n % 2 == 1;
            if let Some((overall, taste, portion, hygiene, service, comment)) =
                RATINGS[n % RATINGS.len()].filter(|_| !unrated)
            {
                let rated_at = (served_at + Duration::hours(3)).min(now);
                let row = rating::ActiveModel {
                    order_id: Set(order_id.clone()),
                    meal_point_id: Set(point.id),
                    elder_id: Set(elder.id),
                    account_id: Set(account.id),
                    overall: Set(overall),
                    taste: Set(taste),
                    portion: Set(portion),
                    hygiene: Set(hygiene),
                    service: Set(service),
                    comment: Set(comment.map(str::to_string)),
                    photos_json: Set("[]".to_string()),
                    created_at: Set(rated_at),
                    reply_text: Set(None),
                    reply_account_id: Set(None),
                    replied_at: Set(None),
                    hidden: Set(false),
                    hidden_reason: Set(None),
                    hidden_by: Set(None),
                    hidden_at: Set(None),
                    ..Default::default()
                }
                .insert(db)
                .await?;
                first_rating_id.get_or_insert((row.id, rated_at));
            }
            n += 1;
        }
    }

    // The operator thanks the first rater.
    if let Some((id, rated_at)) = first_rating_id {
        feedback_store::set_reply(
            db,
            id,
            "谢谢您的肯定！我们会继续做软烂少盐的菜。",
            operator.id,
            (rated_at + Duration::hours(1)).min(now),
        )
        .await?;
    }

    // One complaint, about the second meal point (or the first if there is one), acknowledged.
    let point = points.get(1).unwrap_or(&points[0]);
    let (elder, family) = &eaters[1];
    let created = now - Duration::hours(20);
    let category = Category::ServiceAttitude;
    let (ack_due, resolve_due) = state.config.complaint_deadlines.due(category, created);
    let acknowledged_at = created + Duration::hours(2);
    let complaint = feedback_store::insert_complaint(
        db,
        entity::complaint::ActiveModel {
            meal_point_id: Set(point.id),
            district_code: Set(point.district_code.clone()),
            order_id: Set(None),
            elder_id: Set(Some(elder.id)),
            complainant_account_id: Set(family.id),
            complainant_role: Set(Role::Family),
            category: Set(category),
            text: Set("父亲取餐时，工作人员催他快点，说话不太客气".to_string()),
            state: Set(ComplaintState::Acknowledged),
            ack_due_at: Set(ack_due),
            resolve_due_at: Set(resolve_due),
            acknowledged_at: Set(Some(acknowledged_at)),
            escalated_at: Set(None),
            resolved_at: Set(None),
            closed_at: Set(None),
            created_at: Set(created),
            updated_at: Set(acknowledged_at),
            ..Default::default()
        },
    )
    .await?;
    feedback_store::insert_step(
        db,
        complaint.id,
        None,
        ComplaintState::Submitted,
        Actor {
            account_id: Some(family.id),
            role: Some(Role::Family),
        },
        "提交投诉",
        created,
    )
    .await?;
    feedback_store::insert_step(
        db,
        complaint.id,
        Some(ComplaintState::Submitted),
        ComplaintState::Acknowledged,
        Actor {
            account_id: Some(operator.id),
            role: Some(Role::Operator),
        },
        "已收到，正在向当班员工了解情况，明天给您答复",
        acknowledged_at,
    )
    .await?;
    Ok(())
}
