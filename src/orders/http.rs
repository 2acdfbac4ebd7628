//! Booking and the order's life over HTTP: book, read, cancel, verify a pickup, deliver, mark
//! no-shows, and the operator's day view.

use std::{collections::BTreeMap, time::Duration as StdDuration};

use chrono::{DateTime, NaiveDate, Utc};
use entity::meal_order;
use poem_openapi::{
    ApiResponse, Object, OpenApi,
    param::{Path, Query},
    payload::Json,
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use super::{
    rules::{self, OrderState},
    service::{self, Booked, BookingRequest},
    store::{self, StateChange},
};
use crate::{
    api::ApiTags,
    auth::{BearerAuth, Caller, Role},
    error::{AppError, AppResult, ErrorKind},
    meal_points::store as meal_points,
    money::Yuan,
    state::AppState,
    subsidy::{ServiceMode, Slot},
};

pub struct OrdersApi {
    pub state: AppState,
}

#[derive(Object)]
struct NewBooking {
    elder_id: i64,
    meal_point_id: i64,
    date: NaiveDate,
    /// `breakfast`, `lunch` or `dinner`.
    slot: String,
    /// `dine_in`, `pickup` or `delivery`.
    mode: String,
    items: Vec<BookingLine>,
    /// A key the client makes once per booking (a UUID) and sends again on every retry: a repeat
    /// returns the first order instead of booking twice.
    client_key: String,
    /// For delivery; defaults to the elder's address.
    delivery_address: Option<String>,
}

#[derive(Object)]
struct BookingLine {
    offering_id: i64,
    quantity: i32,
}

#[derive(ApiResponse)]
enum BookingReply {
    /// Booked: the order is durable.
    #[oai(status = 201)]
    Created(Json<OrderView>),
    /// This client key was used before: the first order, unchanged.
    #[oai(status = 200)]
    Repeated(Json<OrderView>),
}

#[derive(Object)]
pub struct OrderView {
    id: String,
    elder_id: i64,
    meal_point_id: i64,
    date: NaiveDate,
    slot: String,
    slot_label: String,
    mode: String,
    mode_label: String,
    state: String,
    state_label: String,
    /// Six digits to show or read aloud at the counter.
    pickup_code: String,
    /// What the QR code in the mini program encodes.
    qr_payload: String,
    items: Vec<OrderLineView>,
    price: PriceView,
    #[oai(skip_serializing_if_is_none)]
    delivery_address: Option<String>,
    #[oai(skip_serializing_if_is_none)]
    delivery_signed_by: Option<String>,
    #[oai(skip_serializing_if_is_none)]
    cancel_reason: Option<String>,
    created_at: DateTime<Utc>,
    #[oai(skip_serializing_if_is_none)]
    served_at: Option<DateTime<Utc>>,
    /// Every change of state, oldest first (only on single-order reads).
    #[oai(skip_serializing_if_is_empty)]
    history: Vec<OrderEventView>,
}

#[derive(Object)]
struct OrderLineView {
    offering_id: i64,
    dish_name: String,
    quantity: i32,
    unit_price: Yuan,
}

/// The price breakdown frozen at booking.
#[derive(Object)]
struct PriceView {
    gross: Yuan,
    /// 补贴
    subsidy: Yuan,
    /// 自付
    elder_share: Yuan,
    subsidy_city: Yuan,
    subsidy_district: Yuan,
    subsidy_street: Yuan,
    /// The elder's hukou district, which funds district and street amounts.
    funding_district_code: String,
    #[oai(skip_serializing_if_is_none)]
    policy_version: Option<String>,
}

#[derive(Object)]
struct OrderEventView {
    #[oai(skip_serializing_if_is_none)]
    from_state: Option<String>,
    to_state: String,
    #[oai(skip_serializing_if_is_none)]
    actor_account_id: Option<i64>,
    #[oai(skip_serializing_if_is_none)]
    note: Option<String>,
    at: DateTime<Utc>,
}

#[derive(Object)]
struct CancelRequest {
    /// Required when an operator cancels.
    reason: Option<String>,
}

#[derive(Object)]
struct PickupScan {
    /// The six-digit code, typed, or the QR payload as scanned.
    code: String,
}

#[derive(Object)]
struct DeliverySignature {
    /// Who received the meal (签收人).
    signed_by: String,
}

#[derive(Object)]
struct SlotRef {
    date: NaiveDate,
    slot: String,
}

#[derive(Object)]
struct NoShowsMarked {
    marked: u32,
}

#[derive(Object)]
struct DayView {
    meal_point_id: i64,
    date: NaiveDate,
    slots: Vec<SlotDay>,
}

#[derive(Object)]
struct SlotDay {
    slot: String,
    slot_label: String,
    /// Portions to cook per dish (booked, out for delivery and served).
    dishes: Vec<DishCount>,
    booked: u32,
    out_for_delivery: u32,
    served: u32,
    cancelled: u32,
    no_show: u32,
}

#[derive(Object)]
struct DishCount {
    dish_name: String,
    portions: i64,
}

/// Wrong pickup codes allowed per operator, and per meal point, in [`GUESS_WINDOW`].
const GUESSES_PER_OPERATOR: u32 = 10;
const GUESSES_PER_MEAL_POINT: u32 = 30;
const GUESS_WINDOW: StdDuration = StdDuration::from_secs(10 * 60);

fn parse_slot(slot: &str) -> AppResult<Slot> {
    Slot::parse(slot)
        .ok_or_else(|| AppError::invalid("slot", "SLOT_INVALID", "餐次只能是早餐、午餐或晚餐"))
}

#[OpenApi(tag = "ApiTags::Orders")]
impl OrdersApi {
    /// Book a meal for an elder.
    ///
    /// The elder books for themselves, a linked family member for the elder, or an operator for
    /// an elder without a phone (phone or walk-in order at their own meal point). Send a
    /// `client_key` and resend the same one on every retry. The reply carries the price split
    /// frozen from the subsidy policy and the pickup code.
    ///
    /// Roles: elder, family, operator.
    #[oai(path = "/orders", method = "post")]
    async fn book(&self, auth: BearerAuth, body: Json<NewBooking>) -> AppResult<BookingReply> {
        let caller = auth.allow(&[Role::Elder, Role::Family, Role::Operator])?;
        let body = body.0;
        let mode = ServiceMode::parse(&body.mode).ok_or_else(|| {
            AppError::invalid("mode", "MODE_INVALID", "就餐方式只能是堂食、自取或送餐")
        })?;
        let request = BookingRequest {
            elder_id: body.elder_id,
            meal_point_id: body.meal_point_id,
            date: body.date,
            slot: parse_slot(&body.slot)?,
            mode,
            lines: body
                .items
                .iter()
                .map(|l| (l.offering_id, l.quantity))
                .collect(),
            client_key: body.client_key,
            delivery_address: body.delivery_address,
        };
        match service::book(&self.state, caller, request).await? {
            Booked::Created(order) => {
                Ok(BookingReply::Created(Json(self.view(order, false).await?)))
            }
            Booked::Repeated(order) => {
                Ok(BookingReply::Repeated(Json(self.view(order, false).await?)))
            }
        }
    }

    /// One order, with its history.
    ///
    /// Roles: elder, family, operator, district_clerk, city_admin (each only the orders they may see).
    #[oai(path = "/orders/:id", method = "get")]
    async fn order(&self, auth: BearerAuth, id: Path<String>) -> AppResult<Json<OrderView>> {
        let caller = auth.any_role();
        let order = self.visible_order(caller, &id).await?;
        Ok(Json(self.view(order, true).await?))
    }

    /// An elder's orders, newest first.
    ///
    /// Roles: elder, family, district_clerk, city_admin (only elders they may see).
    #[oai(path = "/elders/:id/orders", method = "get")]
    async fn elder_orders(
        &self,
        auth: BearerAuth,
        id: Path<i64>,
        /// Only orders on or after this date.
        from: Query<Option<NaiveDate>>,
    ) -> AppResult<Json<Vec<OrderView>>> {
        let caller = auth.allow(&[
            Role::Elder,
            Role::Family,
            Role::DistrictClerk,
            Role::CityAdmin,
        ])?;
        crate::elders::store::require_elder_visible(&self.state.db, caller, *id).await?;
        let mut query = meal_order::Entity::find()
            .filter(meal_order::Column::ElderId.eq(*id))
            .order_by_desc(meal_order::Column::Date)
            .order_by_desc(meal_order::Column::CreatedAt);
        if let Some(from) = from.0 {
            let from = crate::clock::check_business_date("from", from)?;
            query = query.filter(meal_order::Column::Date.gte(from));
        }
        let orders = query.all(&self.state.db).await?;
        let mut views = Vec::with_capacity(orders.len());
        for order in orders {
            views.push(self.view(order, false).await?);
        }
        Ok(Json(views))
    }

    /// Cancel a booked order.
    ///
    /// The elder or a linked family member may cancel until the order cutoff; the meal point's
    /// operator may cancel later, with a reason. Portions and the elder's slot go back exactly once.
    ///
    /// Roles: elder, family, operator.
    #[oai(path = "/orders/:id/cancel", method = "post")]
    async fn cancel(
        &self,
        auth: BearerAuth,
        id: Path<String>,
        body: Json<CancelRequest>,
    ) -> AppResult<Json<OrderView>> {
        let caller = auth.allow(&[Role::Elder, Role::Family, Role::Operator])?;
        let order = self.visible_order(caller, &id).await?;
        let reason = body
            .reason
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty());
        if reason.is_some_and(|r| r.chars().count() > 200) {
            return Err(AppError::invalid(
                "reason",
                "REASON_TOO_LONG",
                "原因请不超过 200 字",
            ));
        }
        let cancelled = service::cancel(&self.state, caller, &order, reason).await?;
        Ok(Json(self.view(cancelled, false).await?))
    }

    /// Verify a pickup (or dine-in) by its code: scanned from the QR code or typed.
    ///
    /// Only the meal point's own operators, only on the order's date and slot, only once. Wrong
    /// codes are limited per operator and per meal point.
    ///
    /// Roles: operator.
    #[oai(path = "/meal-points/:id/pickups", method = "post")]
    async fn verify_pickup(
        &self,
        auth: BearerAuth,
        id: Path<i64>,
        body: Json<PickupScan>,
    ) -> AppResult<Json<OrderView>> {
        let caller = auth.allow(&[Role::Operator])?;
        let db = &self.state.db;
        meal_points::require_operator_of(db, caller, *id).await?;
        let now = self.state.clock.now();
        let operator_key = format!("pickup:operator:{}", caller.account_id);
        let meal_point_key = format!("pickup:meal_point:{}", *id);
        let limiter = &self.state.attempt_limiter;
        if limiter.failures(&operator_key, GUESS_WINDOW, now).await >= GUESSES_PER_OPERATOR
            || limiter.failures(&meal_point_key, GUESS_WINDOW, now).await >= GUESSES_PER_MEAL_POINT
        {
            return Err(AppError::new(
                ErrorKind::TooManyRequests,
                "PICKUP_TOO_MANY_ATTEMPTS",
                "取餐码输错次数过多，请 10 分钟后再试",
            ));
        }
        let code = rules::pickup_code_from_scan(&body.code);
        let found = if rules::is_pickup_code(code) {
            meal_order::Entity::find()
                .filter(meal_order::Column::MealPointId.eq(*id))
                .filter(meal_order::Column::Date.eq(self.state.clock.today()))
                .filter(meal_order::Column::PickupCode.eq(code))
                .one(db)
                .await?
        } else {
            None
        };
        let Some(order) = found else {
            limiter
                .record_failure(&operator_key, GUESS_WINDOW, now)
                .await;
            limiter
                .record_failure(&meal_point_key, GUESS_WINDOW, now)
                .await;
            return Err(AppError::not_found(
                "PICKUP_CODE_NOT_FOUND",
                "取餐码不正确，或不是本助餐点今天的订单",
            )
            .with_field("code"));
        };
        match OrderState::parse(&order.state) {
            Some(OrderState::Booked) => {}
            Some(OrderState::Served) => {
                return Err(AppError::conflict(
                    "PICKUP_ALREADY_USED",
                    "该取餐码已核销过了",
                ));
            }
            Some(OrderState::Cancelled) => {
                return Err(AppError::conflict("ORDER_CANCELLED", "该订单已取消"));
            }
            Some(OrderState::OutForDelivery) => {
                return Err(AppError::conflict(
                    "ORDER_OUT_FOR_DELIVERY",
                    "该订单正在配送，请在送达时签收",
                ));
            }
            _ => return Err(AppError::conflict("ORDER_STATE_CONFLICT", "该订单不能核销")),
        }
        let meal_point = meal_points::require_meal_point(db, *id).await?;
        let slot = parse_slot(&order.slot)?;
        let (opens, closes) = service::slot_hours(&meal_point, slot)?
            .ok_or_else(|| AppError::conflict("SLOT_NOT_SERVED", "该助餐点不供应这个餐次"))?;
        rules::check_pickup_window(
            order.date,
            opens,
            closes,
            self.state.config.no_show_grace,
            now,
        )?;
        let served = self
            .move_order(
                caller,
                &order,
                OrderState::Booked,
                OrderState::Served,
                None,
                |u| {
                    u.col_expr(
                        meal_order::Column::ServedAt,
                        sea_orm::sea_query::Expr::value(Some(now)),
                    )
                },
            )
            .await?;
        Ok(Json(self.view(served, false).await?))
    }

    /// The delivery orders of a slot, with addresses.
    ///
    /// Roles: operator.
    #[oai(path = "/meal-points/:id/deliveries", method = "get")]
    async fn deliveries(
        &self,
        auth: BearerAuth,
        id: Path<i64>,
        date: Query<NaiveDate>,
        slot: Query<String>,
    ) -> AppResult<Json<Vec<OrderView>>> {
        let caller = auth.allow(&[Role::Operator])?;
        meal_points::require_operator_of(&self.state.db, caller, *id).await?;
        let slot = parse_slot(&slot)?;
        let date = crate::clock::check_business_date("date", *date)?;
        let orders = meal_order::Entity::find()
            .filter(meal_order::Column::MealPointId.eq(*id))
            .filter(meal_order::Column::Date.eq(date))
            .filter(meal_order::Column::Slot.eq(slot.as_str()))
            .filter(meal_order::Column::Mode.eq(ServiceMode::Delivery.as_str()))
            .order_by_asc(meal_order::Column::CreatedAt)
            .all(&self.state.db)
            .await?;
        let mut views = Vec::with_capacity(orders.len());
        for order in orders {
            views.push(self.view(order, false).await?);
        }
        Ok(Json(views))
    }

    /// Mark a delivery order as out for delivery.
    ///
    /// Roles: operator.
    #[oai(path = "/orders/:id/out-for-delivery", method = "post")]
    async fn out_for_delivery(
        &self,
        auth: BearerAuth,
        id: Path<String>,
    ) -> AppResult<Json<OrderView>> {
        let caller = auth.allow(&[Role::Operator])?;
        let order = self.visible_order(caller, &id).await?;
        if order.mode != ServiceMode::Delivery.as_str() {
            return Err(AppError::conflict("NOT_A_DELIVERY", "这不是送餐订单"));
        }
        let moved = self
            .move_order(
                caller,
                &order,
                OrderState::Booked,
                OrderState::OutForDelivery,
                None,
                |u| u,
            )
            .await?;
        Ok(Json(self.view(moved, false).await?))
    }

    /// Mark a delivery as delivered, signed for by name.
    ///
    /// Roles: operator.
    #[oai(path = "/orders/:id/delivered", method = "post")]
    async fn delivered(
        &self,
        auth: BearerAuth,
        id: Path<String>,
        body: Json<DeliverySignature>,
    ) -> AppResult<Json<OrderView>> {
        let caller = auth.allow(&[Role::Operator])?;
        let order = self.visible_order(caller, &id).await?;
        let signed_by = rules::check_signature(&body.signed_by)?.to_string();
        let now = self.state.clock.now();
        let note = format!("签收人：{signed_by}");
        let moved = self
            .move_order(
                caller,
                &order,
                OrderState::OutForDelivery,
                OrderState::Served,
                Some(&note),
                |u| {
                    u.col_expr(
                        meal_order::Column::DeliverySignedBy,
                        sea_orm::sea_query::Expr::value(Some(signed_by)),
                    )
                    .col_expr(
                        meal_order::Column::ServedAt,
                        sea_orm::sea_query::Expr::value(Some(now)),
                    )
                },
            )
            .await?;
        Ok(Json(self.view(moved, false).await?))
    }

    /// Mark every unserved order of an ended slot as a no-show (no subsidy is counted for them).
    ///
    /// The service also does this by itself once the slot has ended plus the grace period.
    ///
    /// Roles: operator.
    #[oai(path = "/meal-points/:id/no-shows", method = "post")]
    async fn mark_no_shows(
        &self,
        auth: BearerAuth,
        id: Path<i64>,
        body: Json<SlotRef>,
    ) -> AppResult<Json<NoShowsMarked>> {
        let caller = auth.allow(&[Role::Operator])?;
        meal_points::require_operator_of(&self.state.db, caller, *id).await?;
        let slot = parse_slot(&body.slot)?;
        let marked =
            service::mark_no_shows(&self.state, Some(caller.account_id), *id, body.date, slot)
                .await?;
        Ok(Json(NoShowsMarked { marked }))
    }

    /// The operator's day: per slot, portions to cook per dish and orders by state.
    ///
    /// Roles: operator, city_admin.
    #[oai(path = "/meal-points/:id/day", method = "get")]
    async fn day(
        &self,
        auth: BearerAuth,
        id: Path<i64>,
        /// Defaults to today.
        date: Query<Option<NaiveDate>>,
    ) -> AppResult<Json<DayView>> {
        let caller = auth.allow(&[Role::Operator, Role::CityAdmin])?;
        meal_points::require_operator_of(&self.state.db, caller, *id).await?;
        let date = crate::clock::check_business_date(
            "date",
            date.0.unwrap_or_else(|| self.state.clock.today()),
        )?;
        let meal_point = meal_points::require_meal_point(&self.state.db, *id).await?;
        let orders = meal_order::Entity::find()
            .filter(meal_order::Column::MealPointId.eq(*id))
            .filter(meal_order::Column::Date.eq(date))
            .all(&self.state.db)
            .await?;
        let order_ids: Vec<String> = orders.iter().map(|o| o.id.clone()).collect();
        let lines = entity::order_item::Entity::find()
            .filter(entity::order_item::Column::OrderId.is_in(order_ids))
            .all(&self.state.db)
            .await?;
        let mut slots = Vec::new();
        for slot in Slot::ALL {
            let in_slot: Vec<&meal_order::Model> =
                orders.iter().filter(|o| o.slot == slot.as_str()).collect();
            let count = |state: OrderState| {
                in_slot.iter().filter(|o| o.state == state.as_str()).count() as u32
            };
            let mut dishes: BTreeMap<String, i64> = BTreeMap::new();
            for order in in_slot.iter().filter(|o| {
                OrderState::parse(&o.state).is_some_and(|s| s.is_live() || s == OrderState::Served)
            }) {
                for line in lines.iter().filter(|l| l.order_id == order.id) {
                    *dishes.entry(line.dish_name.clone()).or_default() += i64::from(line.quantity);
                }
            }
            if in_slot.is_empty() && service::slot_hours(&meal_point, slot)?.is_none() {
                continue;
            }
            slots.push(SlotDay {
                slot: slot.as_str().to_string(),
                slot_label: slot.label_zh().to_string(),
                dishes: dishes
                    .into_iter()
                    .map(|(dish_name, portions)| DishCount {
                        dish_name,
                        portions,
                    })
                    .collect(),
                booked: count(OrderState::Booked),
                out_for_delivery: count(OrderState::OutForDelivery),
                served: count(OrderState::Served),
                cancelled: count(OrderState::Cancelled),
                no_show: count(OrderState::NoShow),
            });
        }
        Ok(Json(DayView {
            meal_point_id: *id,
            date,
            slots,
        }))
    }
}

impl OrdersApi {
    /// The order, if this caller may see it; otherwise 404 (its existence is not revealed).
    async fn visible_order(&self, caller: &Caller, order_id: &str) -> AppResult<meal_order::Model> {
        service::visible_order(&self.state.db, caller, order_id).await
    }

    async fn move_order(
        &self,
        caller: &Caller,
        order: &meal_order::Model,
        from: OrderState,
        to: OrderState,
        note: Option<&str>,
        extra: impl FnOnce(
            sea_orm::UpdateMany<meal_order::Entity>,
        ) -> sea_orm::UpdateMany<meal_order::Entity>,
    ) -> AppResult<meal_order::Model> {
        let now = self.state.clock.now();
        let change = StateChange {
            from,
            to,
            actor: Some(caller.account_id),
            note,
            at: now,
        };
        let moved = store::transition(&self.state.db, &order.id, change, extra).await?;
        let latest = store::require_order(&self.state.db, &order.id).await?;
        if !moved {
            let current = OrderState::parse(&latest.state).unwrap_or(OrderState::Cancelled);
            return Err(rules::OrderRuleError::IllegalTransition { from: current, to }.into());
        }
        Ok(latest)
    }

    async fn view(&self, order: meal_order::Model, with_history: bool) -> AppResult<OrderView> {
        let lines = store::lines_of(&self.state.db, &order.id).await?;
        let history = if with_history {
            store::history_of(&self.state.db, &order.id)
                .await?
                .into_iter()
                .map(|e| OrderEventView {
                    from_state: e.from_state,
                    to_state: e.to_state,
                    actor_account_id: e.actor_account_id,
                    note: e.note,
                    at: e.at,
                })
                .collect()
        } else {
            Vec::new()
        };
        let slot = Slot::parse(&order.slot);
        let mode = ServiceMode::parse(&order.mode);
        let state = OrderState::parse(&order.state);
        Ok(OrderView {
            qr_payload: rules::qr_payload(&order.id, &order.pickup_code),
            id: order.id,
            elder_id: order.elder_id,
            meal_point_id: order.meal_point_id,
            date: order.date,
            slot_label: slot.map(|s| s.label_zh()).unwrap_or_default().to_string(),
            slot: order.slot,
            mode_label: mode.map(|m| m.label_zh()).unwrap_or_default().to_string(),
            mode: order.mode,
            state_label: state.map(|s| s.label_zh()).unwrap_or_default().to_string(),
            state: order.state,
            pickup_code: order.pickup_code,
            items: lines
                .into_iter()
                .map(|l| OrderLineView {
                    offering_id: l.offering_id,
                    dish_name: l.dish_name,
                    quantity: l.quantity,
                    unit_price: Yuan::from_fen(l.unit_price_fen),
                })
                .collect(),
            price: PriceView {
                gross: Yuan::from_fen(order.gross_fen),
                subsidy: Yuan::from_fen(order.subsidy_fen),
                elder_share: Yuan::from_fen(order.elder_share_fen),
                subsidy_city: Yuan::from_fen(order.subsidy_city_fen),
                subsidy_district: Yuan::from_fen(order.subsidy_district_fen),
                subsidy_street: Yuan::from_fen(order.subsidy_street_fen),
                funding_district_code: order.funding_district_code,
                policy_version: order.policy_version,
            },
            delivery_address: order.delivery_address,
            delivery_signed_by: order.delivery_signed_by,
            cancel_reason: order.cancel_reason,
            created_at: order.created_at,
            served_at: order.served_at,
            history,
        })
    }
}
