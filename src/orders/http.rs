//! Booking and the order's life over HTTP: book, read, cancel, verify a pickup, deliver, mark
//! no-shows, and the operator's day view.

use chrono::{DateTime, NaiveDate, Utc};
use entity::meal_order;
use poem_openapi::{
    ApiResponse, Object, OpenApi,
    param::{Path, Query},
    payload::Json,
};

use super::{
    rules::{self, OrderState},
    service::{self, BookingRequest, ElderRef, OrderDetails},
};
use crate::{
    auth::{BearerAuth, Caller, Role},
    elders::http::IdCardText,
    error::{AppError, AppResult},
    money::Yuan,
    state::AppState,
    tags::ApiTags,
};
use vocabulary::{PaymentState, ServiceMode, Slot};

pub struct OrdersApi {
    pub state: AppState,
}

#[derive(Object)]
pub struct NewBooking {
    /// The elder booked for, by id: the elder themselves or a linked family member (`GET
    /// /me/elders`). Operators never name an elder by id.
    pub elder_id: Option<i64>,
    /// An operator's phone or walk-in booking names the elder as a counter checks a card: the
    /// ID-card number (typed, or read from the card) ...
    pub elder_id_card: Option<IdCardText>,
    /// ... and the name on it. A wrong number, a wrong name or an elder not yet approved are
    /// answered alike (404 `ELDER_NOT_IDENTIFIED`), and tries are limited.
    #[oai(validator(
        max_length = 32,
        pattern = r"^[^\x00-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F][^\x00-\x1F\x7F-\x9F]*$"
    ))]
    pub elder_name: Option<String>,
    pub meal_point_id: i64,
    pub date: NaiveDate,
    pub slot: Slot,
    pub mode: ServiceMode,
    #[oai(validator(min_items = 1, max_items = 10))]
    pub items: Vec<BookingLine>,
    /// A key the client makes once per booking (a UUID) and sends again on every retry: a repeat
    /// returns the first order instead of booking twice.
    #[oai(validator(min_length = 8, max_length = 128, pattern = r"^[A-Za-z0-9_-]*$"))]
    pub client_key: String,
    /// For delivery, at most 200 characters. The elder or a family member may leave it out (the
    /// elder's address is used); an operator must type it.
    #[oai(validator(max_length = 200))]
    pub delivery_address: Option<String>,
    /// `true` once the elder (or whoever books) has seen the warning that a chosen dish contains
    /// an allergen on the elder's profile (`GET /elders/{id}/dish-fit`). Without it such a
    /// booking is refused with 409 `ALLERGEN_ACK_REQUIRED`, naming dish and allergen, and nothing
    /// is booked. Absent means `false`.
    pub allergen_acknowledged: Option<bool>,
}

#[derive(Object)]
pub struct BookingLine {
    pub offering_id: i64,
    #[oai(validator(minimum(value = "1"), maximum(value = "5")))]
    pub quantity: i32,
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

// `Deserialize`: typed clients (and the tests) read it back.
#[derive(Object, Debug, serde::Deserialize)]
pub struct OrderView {
    pub id: String,
    pub elder_id: i64,
    /// For the operator who booked at the counter: whom the order is for, as the counter checks
    /// it (the name and the masked ID-card number); nothing else of the elder's record.
    #[oai(skip_serializing_if_is_none)]
    pub elder_name: Option<String>,
    #[oai(skip_serializing_if_is_none)]
    pub elder_id_card_masked: Option<String>,
    pub meal_point_id: i64,
    pub date: NaiveDate,
    pub slot: Slot,
    pub slot_label: String,
    pub mode: ServiceMode,
    pub mode_label: String,
    pub state: OrderState,
    pub state_label: String,
    /// The elder's share, beside the order's state: 待支付, 已支付, 已退款 …
    pub payment_state: PaymentState,
    pub payment_state_label: String,
    /// Six digits to show or read aloud at the counter. Only the elder and linked family see it
    /// (and the operator in the reply to a phone or walk-in booking they placed, to hand to the
    /// elder); staff who check or settle orders never need it.
    #[oai(skip_serializing_if_is_none)]
    pub pickup_code: Option<String>,
    /// What the QR code in the mini program encodes (with the pickup code, so shown alike).
    #[oai(skip_serializing_if_is_none)]
    pub qr_payload: Option<String>,
    pub items: Vec<OrderLineView>,
    pub price: PriceView,
    #[oai(skip_serializing_if_is_none)]
    pub delivery_address: Option<String>,
    #[oai(skip_serializing_if_is_none)]
    pub delivery_signed_by: Option<String>,
    #[oai(skip_serializing_if_is_none)]
    pub cancel_reason: Option<String>,
    pub created_at: DateTime<Utc>,
    #[oai(skip_serializing_if_is_none)]
    pub served_at: Option<DateTime<Utc>>,
    /// Every change of state, oldest first (only on single-order reads).
    #[oai(default, skip_serializing_if_is_empty)]
    #[serde(default)]
    pub history: Vec<OrderEventView>,
}

#[derive(Object, Debug, serde::Deserialize)]
pub struct OrderLineView {
    pub offering_id: i64,
    pub dish_name: String,
    pub quantity: i32,
    pub unit_price: Yuan,
}

/// The price breakdown frozen at booking.
#[derive(Object, Debug, serde::Deserialize)]
pub struct PriceView {
    pub gross: Yuan,
    /// 补贴
    pub subsidy: Yuan,
    /// 自付
    pub elder_share: Yuan,
    pub subsidy_city: Yuan,
    pub subsidy_district: Yuan,
    pub subsidy_street: Yuan,
    /// The elder's hukou district, which funds district and street amounts.
    pub funding_district_code: String,
    #[oai(skip_serializing_if_is_none)]
    pub policy_version: Option<String>,
}

#[derive(Object, Debug, serde::Deserialize)]
pub struct OrderEventView {
    #[oai(skip_serializing_if_is_none)]
    pub from_state: Option<OrderState>,
    pub to_state: OrderState,
    #[oai(skip_serializing_if_is_none)]
    pub actor_account_id: Option<i64>,
    #[oai(skip_serializing_if_is_none)]
    pub note: Option<String>,
    pub at: DateTime<Utc>,
}

#[derive(Object)]
pub struct CancelRequest {
    /// Required when an operator cancels.
    #[oai(validator(max_length = 200))]
    pub reason: Option<String>,
}

#[derive(Object)]
pub struct PickupScan {
    /// The six-digit code, typed, or the QR payload as scanned.
    pub code: String,
}

#[derive(Object)]
pub struct DeliverySignature {
    /// Who received the meal (签收人).
    #[oai(validator(max_length = 32, pattern = r"\S"))]
    pub signed_by: String,
}

#[derive(Object)]
pub struct SlotRef {
    pub date: NaiveDate,
    pub slot: Slot,
}

#[derive(Object)]
pub struct NoShowsMarked {
    pub marked: u32,
}

#[derive(Object)]
pub struct DayView {
    pub meal_point_id: i64,
    pub date: NaiveDate,
    pub slots: Vec<SlotDay>,
}

#[derive(Object)]
pub struct SlotDay {
    pub slot: Slot,
    pub slot_label: String,
    /// Portions to cook per dish (booked, out for delivery and served).
    pub dishes: Vec<DishCount>,
    pub booked: u32,
    pub out_for_delivery: u32,
    pub served: u32,
    pub cancelled: u32,
    pub no_show: u32,
}

#[derive(Object)]
pub struct DishCount {
    pub dish_name: String,
    pub portions: i64,
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
        let elder = match (body.elder_id, body.elder_id_card, body.elder_name) {
            (Some(id), _, _) => ElderRef::Id(id),
            (None, Some(card), Some(name)) => ElderRef::Card {
                number: card
                    .parse(self.state.clock.today())
                    .map_err(|e| e.with_field("elder_id_card"))?,
                name: crate::elders::rules::check_name("elder_name", &name)?,
            },
            (None, Some(_), None) => {
                return Err(AppError::invalid(
                    "elder_name",
                    "ELDER_NAME_REQUIRED",
                    "请填写老人的姓名",
                ));
            }
            (None, None, _) if caller.role == Role::Operator => {
                return Err(AppError::invalid(
                    "elder_id_card",
                    "ELDER_IDENTITY_REQUIRED",
                    "请填写老人的身份证号和姓名",
                ));
            }
            (None, None, _) => {
                return Err(AppError::invalid(
                    "elder_id",
                    "ELDER_REQUIRED",
                    "请选择为哪位老人订餐",
                ));
            }
        };
        let request = BookingRequest {
            elder,
            meal_point_id: body.meal_point_id,
            date: body.date,
            slot: body.slot,
            mode: body.mode,
            lines: body
                .items
                .iter()
                .map(|l| (l.offering_id, l.quantity))
                .collect(),
            client_key: body.client_key,
            delivery_address: body.delivery_address,
            allergen_acknowledged: body.allergen_acknowledged.unwrap_or(false),
        };
        let (created, shown) = service::book_and_show(&self.state, caller, request).await?;
        let view = order_view(shown, true);
        Ok(if created {
            BookingReply::Created(Json(view))
        } else {
            BookingReply::Repeated(Json(view))
        })
    }

    /// One order, with its history.
    ///
    /// Roles: elder, family, operator, district_clerk, city_admin (each only the orders they may see).
    #[oai(path = "/orders/:id", method = "get")]
    async fn order(&self, auth: BearerAuth, id: Path<String>) -> AppResult<Json<OrderView>> {
        let caller = auth.any_role();
        let shown = service::order_for(&self.state, caller, &id).await?;
        Ok(Json(order_view(shown, shows_pickup_code(caller))))
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
        let orders = service::orders_of_elder(&self.state, caller, *id, from.0).await?;
        let show_code = shows_pickup_code(caller);
        Ok(Json(
            orders
                .into_iter()
                .map(|shown| order_view(shown, show_code))
                .collect(),
        ))
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
        let cancelled =
            service::cancel_visible(&self.state, caller, &id, body.reason.as_deref()).await?;
        Ok(Json(order_view(cancelled, shows_pickup_code(caller))))
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
        let served = service::verify_pickup(&self.state, caller, *id, &body.code).await?;
        Ok(Json(self.view(served).await?))
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
        slot: Query<Slot>,
    ) -> AppResult<Json<Vec<OrderView>>> {
        let caller = auth.allow(&[Role::Operator])?;
        let orders = service::deliveries(&self.state, caller, *id, *date, slot.0).await?;
        Ok(Json(
            orders
                .into_iter()
                .map(|shown| order_view(shown, false))
                .collect(),
        ))
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
        let moved = service::out_for_delivery(&self.state, caller, &id).await?;
        Ok(Json(self.view(moved).await?))
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
        let moved = service::delivered(&self.state, caller, &id, &body.signed_by).await?;
        Ok(Json(self.view(moved).await?))
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
        let marked =
            service::mark_no_shows_by(&self.state, caller, *id, body.date, body.slot).await?;
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
        let day = service::day(&self.state, caller, *id, date.0).await?;
        Ok(Json(DayView {
            meal_point_id: *id,
            date: day.date,
            slots: day
                .slots
                .into_iter()
                .map(|slot| SlotDay {
                    slot: slot.slot,
                    slot_label: slot.slot.label_zh().to_string(),
                    booked: slot.count(OrderState::Booked),
                    out_for_delivery: slot.count(OrderState::OutForDelivery),
                    served: slot.count(OrderState::Served),
                    cancelled: slot.count(OrderState::Cancelled),
                    no_show: slot.count(OrderState::NoShow),
                    dishes: slot
                        .dishes
                        .into_iter()
                        .map(|(dish_name, portions)| DishCount {
                            dish_name,
                            portions,
                        })
                        .collect(),
                })
                .collect(),
        }))
    }
}

impl OrdersApi {
    /// An order a staff step just moved, as staff see it (no pickup code, no history).
    async fn view(&self, order: meal_order::Model) -> AppResult<OrderView> {
        Ok(order_view(
            service::details(&self.state, order, false).await?,
            false,
        ))
    }
}

fn order_view(shown: OrderDetails, show_code: bool) -> OrderView {
    let OrderDetails {
        order,
        lines,
        history,
        elder,
    } = shown;
    OrderView {
        qr_payload: show_code.then(|| rules::qr_payload(&order.id, &order.pickup_code)),
        id: order.id,
        elder_id: order.elder_id,
        // The counter's slip: whom it is for, as checked at the counter.
        elder_name: elder.as_ref().map(|e| e.name.clone()),
        elder_id_card_masked: elder.map(|e| e.id_card_masked),
        meal_point_id: order.meal_point_id,
        date: order.date,
        slot_label: order.slot.label_zh().to_string(),
        slot: order.slot,
        mode_label: order.mode.label_zh().to_string(),
        mode: order.mode,
        state_label: order.state.label_zh().to_string(),
        state: order.state,
        payment_state_label: order.payment_state.label_zh().to_string(),
        payment_state: order.payment_state,
        pickup_code: show_code.then_some(order.pickup_code),
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
        history: history
            .into_iter()
            .map(|e| OrderEventView {
                from_state: e.from_state,
                to_state: e.to_state,
                actor_account_id: e.actor_account_id,
                note: e.note,
                at: e.at,
            })
            .collect(),
    }
}

/// The pickup code is the elder's: shown to the elder and linked family, never to staff reading
/// or checking orders (an operator who could read codes could serve any meal without the elder).
fn shows_pickup_code(caller: &Caller) -> bool {
    matches!(caller.role, Role::Elder | Role::Family)
}
