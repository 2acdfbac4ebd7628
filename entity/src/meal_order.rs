use sea_orm::entity::prelude::*;
use vocabulary::{OrderState, PaymentState, Role, ServiceMode, Slot};

/// An elder's booking at one meal point for one date and slot. (`order` is an SQL keyword.)
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "meal_order")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// The account that placed the booking: the elder, a family member or an operator.
    pub account_id: i64,
    pub client_key: String,
    pub placed_by_role: Role,
    pub elder_id: i64,
    pub meal_point_id: i64,
    /// The meal point's district (就餐区).
    pub service_district_code: String,
    /// The elder's hukou district (户籍区), which funds district- and street-level subsidy.
    pub funding_district_code: String,
    pub date: Date,
    pub slot: Slot,
    pub mode: ServiceMode,
    pub state: OrderState,
    pub pickup_code: String,
    pub gross_fen: i64,
    pub subsidy_fen: i64,
    pub subsidy_city_fen: i64,
    pub subsidy_district_fen: i64,
    pub subsidy_street_fen: i64,
    pub elder_share_fen: i64,
    pub policy_version: Option<String>,
    /// The full price breakdown frozen at booking (rules fired, lines), as JSON.
    #[sea_orm(column_type = "Text")]
    pub quote_json: String,
    /// Beside the state, never mixed into it.
    pub payment_state: PaymentState,
    pub delivery_address: Option<String>,
    pub delivery_signed_by: Option<String>,
    pub cancel_reason: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub served_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::meal_point::Entity",
        from = "Column::MealPointId",
        to = "super::meal_point::Column::Id"
    )]
    MealPoint,
    #[sea_orm(
        belongs_to = "super::elder::Entity",
        from = "Column::ElderId",
        to = "super::elder::Column::Id"
    )]
    Elder,
    #[sea_orm(
        belongs_to = "super::account::Entity",
        from = "Column::AccountId",
        to = "super::account::Column::Id"
    )]
    Account,
    #[sea_orm(has_many = "super::order_item::Entity")]
    OrderItem,
    #[sea_orm(has_many = "super::order_event::Entity")]
    OrderEvent,
    #[sea_orm(has_one = "super::rating::Entity")]
    Rating,
}

impl Related<super::meal_point::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::MealPoint.def()
    }
}

impl Related<super::elder::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Elder.def()
    }
}

impl Related<super::account::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Account.def()
    }
}

impl Related<super::order_item::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::OrderItem.def()
    }
}

impl Related<super::order_event::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::OrderEvent.def()
    }
}

impl Related<super::rating::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Rating.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
