//! The meal point's counter: finding the elder of a phone or walk-in order by the ID card and the
//! name on it (as a counter checks a card, never by picking from a list), and the day's order
//! list, on screen and as an XLSX file for the kitchen and the delivery round.

use std::{collections::HashMap, time::Duration as StdDuration};

use chrono::NaiveDate;
use entity::{elder, meal_order, order_item};
use poem_openapi::{
    ApiResponse, Object, OpenApi,
    param::{Path, Query},
    payload::{Binary, Json},
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use super::{limiter::Limit, rules::OrderState};
use crate::{
    auth::{BearerAuth, Role},
    elders::{self, http::IdCardText},
    error::{AppError, AppResult, ErrorKind},
    meal_points::store as meal_points,
    money::Yuan,
    settlement::export::{self, Cell, Table},
    state::AppState,
    tags::ApiTags,
};
use vocabulary::{NoticeReach, PaymentState, ServiceMode, Slot};

pub struct CounterApi {
    pub state: AppState,
}

/// Failed look-ups allowed per operator in [`LOOKUP_WINDOW`]: a counter mistypes now and then,
/// a script trying numbers does not get far.
const LOOKUPS_PER_OPERATOR: u32 = 10;
const LOOKUP_WINDOW: StdDuration = StdDuration::from_secs(10 * 60);

#[derive(Object)]
struct CounterLookup {
    id_card: IdCardText,
    /// As on the ID card.
    #[oai(validator(
        max_length = 32,
        pattern = r"^[^\x00-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F][^\x00-\x1F\x7F-\x9F]*$"
    ))]
    name: String,
}

/// What the counter needs to book for the elder, and nothing more.
#[derive(Object)]
struct CounterElder {
    elder_id: i64,
    name: String,
    /// e.g. `3204**********1234`.
    id_card_masked: String,
    /// In full years today.
    age: u32,
}

#[derive(Object)]
struct DayOrderItem {
    dish_name: String,
    quantity: i32,
}

/// One order of the day as the counter and kitchen see it.
#[derive(Object)]
struct DayOrder {
    id: String,
    slot: Slot,
    slot_label: String,
    mode: ServiceMode,
    mode_label: String,
    state: OrderState,
    state_label: String,
    /// The elder's name, to call out at the counter or write on the delivery bag.
    elder_name: String,
    items: Vec<DayOrderItem>,
    /// 餐费
    gross: Yuan,
    /// 补贴
    subsidy: Yuan,
    /// 自付: what the elder pays at the counter.
    elder_share: Yuan,
    /// Where the share stands: `unpaid` at a meal point taking the counter is money still to take
    /// (the board's 待收款; `POST /orders/{id}/counter-payment` records it).
    payment_state: PaymentState,
    payment_state_label: String,
    #[oai(skip_serializing_if_is_none)]
    delivery_address: Option<String>,
    #[oai(skip_serializing_if_is_none)]
    delivery_signed_by: Option<String>,
    /// Whether the elder (or, for an elder without WeChat, the family) was told of this order
    /// by a WeChat message: `not_reached` is someone to call.
    notice: NoticeReach,
    notice_label: String,
}

#[derive(Object)]
struct DayOrders {
    meal_point_id: i64,
    date: NaiveDate,
    /// Slot, then booking time.
    orders: Vec<DayOrder>,
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
        let db = &self.state.db;
        meal_points::require_operator_of(db, caller, *id).await?;
        let key = format!("{{mp:{}}}:counter:{}", *id, caller.account_id);
        let limits = [Limit {
            key: &key,
            per_window: LOOKUPS_PER_OPERATOR,
        }];
        let now = self.state.clock.now();
        let limiter = &self.state.attempt_limiter;
        let unavailable = |err| {
            AppError::new(
                ErrorKind::Unavailable,
                "COUNTER_UNAVAILABLE",
                "系统暂时繁忙，请稍后再试",
            )
            .with_source(err)
        };
        if limiter
            .is_blocked(&limits, LOOKUP_WINDOW, now)
            .await
            .map_err(unavailable)?
        {
            return Err(AppError::new(
                ErrorKind::TooManyRequests,
                "TOO_MANY_LOOKUPS",
                "查找失败次数过多，请 10 分钟后再试",
            ));
        }
        let today = self.state.clock.today();
        let id_card = body.0.id_card.parse(today)?;
        let name = elders::rules::check_name("name", &body.0.name)?;
        match elders::service::identify(&self.state, &id_card, &name).await? {
            Some(elder) => Ok(Json(CounterElder {
                elder_id: elder.id,
                age: elders::rules::age_on(elder.birth_date, today),
                name: elder.name,
                id_card_masked: elder.id_card_masked,
            })),
            None => {
                limiter
                    .record_failure(&[&key], LOOKUP_WINDOW, now)
                    .await
                    .map_err(unavailable)?;
                Err(AppError::not_found(
                    "COUNTER_NO_MATCH",
                    "没有找到身份证号和姓名都相符、且已登记的老人，请核对证件",
                ))
            }
        }
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
        let date = crate::clock::check_business_date("date", date)?;
        let db = &self.state.db;
        meal_points::require_meal_point(db, meal_point_id).await?;
        meal_points::require_operator_of(db, caller, meal_point_id).await?;
        let orders = meal_order::Entity::find()
            .filter(meal_order::Column::MealPointId.eq(meal_point_id))
            .filter(meal_order::Column::Date.eq(date))
            .order_by_asc(meal_order::Column::CreatedAt)
            .all(db)
            .await?;
        let ids: Vec<String> = orders.iter().map(|o| o.id.clone()).collect();
        let ids_for_notices = ids.clone();
        let mut items: HashMap<String, Vec<DayOrderItem>> = HashMap::new();
        for line in order_item::Entity::find()
            .filter(order_item::Column::OrderId.is_in(ids))
            .order_by_asc(order_item::Column::Id)
            .all(db)
            .await?
        {
            items.entry(line.order_id).or_default().push(DayOrderItem {
                dish_name: line.dish_name,
                quantity: line.quantity,
            });
        }
        let names: HashMap<i64, String> = elder::Entity::find()
            .filter(elder::Column::Id.is_in(orders.iter().map(|o| o.elder_id)))
            .all(db)
            .await?
            .into_iter()
            .map(|e| (e.id, e.name))
            .collect();
        let notices = crate::notices::store::of_orders(db, ids_for_notices).await?;
        let reach_of = |order_id: &str| {
            let of_order: Vec<&entity::notice::Model> = notices
                .iter()
                .filter(|n| n.order_id.as_deref() == Some(order_id))
                .collect();
            crate::notices::service::reach(&of_order)
        };
        let mut views: Vec<DayOrder> = orders
            .into_iter()
            .map(|o| DayOrder {
                notice: reach_of(&o.id),
                notice_label: reach_of(&o.id).label_zh().to_string(),
                items: items.remove(&o.id).unwrap_or_default(),
                elder_name: names.get(&o.elder_id).cloned().unwrap_or_default(),
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
            })
            .collect();
        // `Slot`'s order is the order of the day.
        views.sort_by_key(|o| o.slot);
        Ok(views)
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
