use sea_orm::entity::prelude::*;
use vocabulary::OrderState;

/// One change of an order's state: from what, to what, by whom, when and why.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "order_event")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub order_id: String,
    pub from_state: Option<OrderState>,
    pub to_state: OrderState,
    pub actor_account_id: Option<i64>,
    pub note: Option<String>,
    pub at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::meal_order::Entity",
        from = "Column::OrderId",
        to = "super::meal_order::Column::Id"
    )]
    MealOrder,
}

impl Related<super::meal_order::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::MealOrder.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
