//! The meal point's counter: finding the elder of a phone or walk-in order by the ID card and the
//! name on it (as a counter checks a card, never by picking from a list), and the day's order
//! list, on screen and as an XLSX file for the kitchen and the delivery round.

use chrono::NaiveDate;
use poem_openapi::{
    ApiResponse, Object, OpenApi,
    param::{Path, Query},
    payload::{Binary, Json},
};

use super::{
    rules::OrderState,
    service::{self, CounterOrder},
};
use crate::{
    auth::{BearerAuth, Role},
    elders::{self, http::IdCardText},
    error::AppResult,
    money::Yuan,
    settlement::export::{self, Cell, Table},
    state::AppState,
    tags::ApiTags,
};
use vocabulary::{NoticeReach, PaymentState, ServiceMode, Slot};

pub struct CounterApi {
    pub state: AppState,
}

#[derive(Object)]
pub struct CounterLookup {
    pub id_card: IdCardText,
    /// As on the ID card.
    #[oai(validator(
        max_length = 32,
        pattern = r"^[^\x00-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F][^\x00-\x1F\x7F-\x9F]*$"
    ))]
    pub name: String,
}

/// What the counter needs to book for the elder, and nothing more.
#[derive(Object)]
pub struct CounterElder {
    pub elder_id: i64,
    pub name: String,
    /// e.g. `3204**********1234`.
    pub id_card_masked: String,
    /// In full years today.
    pub age: u32,
}

#[derive(Object)]
pub struct DayOrderItem {
    pub dish_name: String,
    pub quantity: i32,
}

/// One order of the day as the counter and kitchen see it.
#[derive(Object)]
pub struct DayOrder {
    pub id: String,
    pub slot: Slot,
    pub slot_label: String,
    pub mode: ServiceMode,
    pub mode_label: String,
    pub state: OrderState,
    pub state_label: String,
    /// The elder's name, to call out at the counter or write on the delivery bag.
    pub elder_name: String,
    pub items: Vec<DayOrderItem>,
    /// 餐费
    pub gross: Yuan,
    /// 补贴
    pub subsidy: Yuan,
    /// 自付: what the elder pays at the counter.
    pub elder_share: Yuan,
    /// Where the share stands: `unpaid` at a meal point taking the counter is money still to take
    /// (the board's 待收款; `POST /orders/{id}/counter-payment` records it).
    pub payment_state: PaymentState,
    pub payment_state_label: String,
    #[oai(skip_serializing_if_is_none)]
    pub delivery_address: Option<String>,
    #[oai(skip_serializing_if_is_none)]
    pub delivery_signed_by: Option<String>,
    /// Whether the elder (or, for an elder without WeChat, the family) was told of this order
    /// by a WeChat message: `not_reached` is someone to call.
    pub notice: NoticeReach,
    pub notice_label: String,
}

#[derive(Object)]
pub struct DayOrders {
    pub meal_point_id: i64,
    pub date: NaiveDate,
    /// Slot, then booking time.
    pub orders: Vec<DayOrder>,
}

#[derive(ApiResponse)]
enum OrdersFile {
    /// The day's orders as an XLSX workbook.
    #[oai(status = 200)]
    File(
        Binary<Vec<u8>>,
        #[oai(header = "Content-Type")] String,
        #[oai(header = "Content-Disposition")] String,
    ),
}

#[OpenApi(tag = "ApiTags::Orders")]
impl CounterApi {
    /// Find the elder of a phone or walk-in order by ID-card number and name, as the counter
    /// checks a card (the number stays in the body, out of URLs and logs). An active elder whose
    /// number and name both match is returned with only what booking needs; anything else is
    /// 404 `COUNTER_NO_MATCH`, never saying which part was wrong. Ten misses per operator in ten
    /// minutes answer 429 `TOO_MANY_LOOKUPS`.
    ///
    /// Roles: operator (of this meal point).
    #[oai(path = "/meal-points/:id/counter/elder", method = "post")]
    async fn find_elder(
        &self,
        auth: BearerAuth,
        id: Path<i64>,
        body: Json<CounterLookup>,
    ) -> AppResult<Json<CounterElder>> {
        let caller = auth.allow(&[Role::Operator])?;
        let today = self.state.clock.today();
        let id_card = body.0.id_card.parse(today)?;
        let name = elders::rules::check_name("name", &body.0.name)?;
        let elder = service::counter_lookup(&self.state, caller, *id, &id_card, &name).await?;
        Ok(Json(CounterElder {
            elder_id: elder.id,
            age: elders::rules::age_on(elder.birth_date, today),
            name: elder.name,
            id_card_masked: elder.id_card_masked,
        }))
    }

    /// The day's orders of a meal point (default today), by slot and booking time, with the
    /// dishes, the elder's name, the price split and, for deliveries, the address.
    ///
    /// Roles: operator (of this meal point), city_admin.
    #[oai(path = "/meal-points/:id/orders", method = "get")]
    async fn day_orders(
        &self,
        auth: BearerAuth,
        id: Path<i64>,
        date: Query<Option<NaiveDate>>,
    ) -> AppResult<Json<DayOrders>> {
        let date = date.0.unwrap_or_else(|| self.state.clock.today());
        let orders = self.orders_of_day(&auth, *id, date).await?;
        Ok(Json(DayOrders {
            meal_point_id: *id,
            date,
            orders,
        }))
    }

    /// The day's orders as an XLSX workbook (订单明细), with Chinese headers and a 合计 row:
    /// the same orders as `GET /meal-points/{id}/orders`.
    ///
    /// Roles: operator (of this meal point), city_admin.
    #[oai(path = "/meal-points/:id/orders/export", method = "get")]
    async fn export_day(
        &self,
        auth: BearerAuth,
        id: Path<i64>,
        date: Query<Option<NaiveDate>>,
    ) -> AppResult<OrdersFile> {
        let date = date.0.unwrap_or_else(|| self.state.clock.today());
        let orders = self.orders_of_day(&auth, *id, date).await?;
        let bytes = export::to_xlsx(&orders_table(&orders))?;
        Ok(OrdersFile::File(
            Binary(bytes),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
            format!(
                "attachment; filename=\"orders-{}-{}.xlsx\"",
                *id,
                date.format("%Y%m%d")
            ),
        ))
    }
}

impl CounterApi {
    async fn orders_of_day(
        &self,
        auth: &BearerAuth,
        meal_point_id: i64,
        date: NaiveDate,
    ) -> AppResult<Vec<DayOrder>> {
        let caller = auth.allow(&[Role::Operator, Role::CityAdmin])?;
        let orders = service::counter_day(&self.state, caller, meal_point_id, date).await?;
        Ok(orders.into_iter().map(day_order).collect())
    }
}

fn day_order(listed: CounterOrder) -> DayOrder {
    let CounterOrder {
        order: o,
        lines,
        elder_name,
        notice,
    } = listed;
    DayOrder {
        notice,
        notice_label: notice.label_zh().to_string(),
        items: lines
            .into_iter()
            .map(|(dish_name, quantity)| DayOrderItem {
                dish_name,
                quantity,
            })
            .collect(),
        elder_name,
        slot_label: o.slot.label_zh().to_string(),
        mode_label: o.mode.label_zh().to_string(),
        state_label: o.state.label_zh().to_string(),
        gross: Yuan::from_fen(o.gross_fen),
        subsidy: Yuan::from_fen(o.subsidy_fen),
        elder_share: Yuan::from_fen(o.elder_share_fen),
        payment_state_label: o.payment_state.label_zh().to_string(),
        payment_state: o.payment_state,
        id: o.id,
        slot: o.slot,
        mode: o.mode,
        state: o.state,
        delivery_address: o.delivery_address,
        delivery_signed_by: o.delivery_signed_by,
    }
}

fn orders_table(orders: &[DayOrder]) -> Table {
    let live: Vec<&DayOrder> = orders.iter().filter(|o| o.state.is_cooked_for()).collect();
    let rows = orders
        .iter()
        .enumerate()
        .map(|(i, o)| {
            vec![
                Cell::Count(i as i64 + 1),
                Cell::Text(o.slot_label.clone()),
                Cell::Text(o.mode_label.clone()),
                Cell::Text(o.state_label.clone()),
                Cell::Text(o.elder_name.clone()),
                Cell::Text(
                    o.items
                        .iter()
                        .map(|i| format!("{}×{}", i.dish_name, i.quantity))
                        .collect::<Vec<_>>()
                        .join("、"),
                ),
                Cell::Money(o.gross),
                Cell::Money(o.subsidy),
                Cell::Money(o.elder_share),
                Cell::Text(o.delivery_address.clone().unwrap_or_default()),
                Cell::Text(o.delivery_signed_by.clone().unwrap_or_default()),
            ]
        })
        .collect();
    let sum = |f: fn(&DayOrder) -> Yuan| live.iter().map(|o| f(o)).sum::<Yuan>();
    Table {
        title: "订单明细",
        headers: [
            "序号",
            "餐次",
            "方式",
            "状态",
            "老人",
            "菜品",
            "餐费（元）",
            "补贴（元）",
            "自付（元）",
            "送餐地址",
            "签收人",
        ]
        .map(String::from)
        .to_vec(),
        rows,
        // Cancelled orders and no-shows are listed but not counted: nothing is cooked or paid.
        totals: vec![
            Cell::Text("合计".to_string()),
            Cell::Text(String::new()),
            Cell::Text(String::new()),
            Cell::Text(format!("{} 单有效", live.len())),
            Cell::Text(String::new()),
            Cell::Text(String::new()),
            Cell::Money(sum(|o| o.gross)),
            Cell::Money(sum(|o| o.subsidy)),
            Cell::Money(sum(|o| o.elder_share)),
            Cell::Text(String::new()),
            Cell::Text(String::new()),
        ],
    }
}
