use sea_orm::entity::prelude::*;

/// One line of an order: so many portions of one offering, at the price when booked.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "order_item")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub order_id: String,
    pub offering_id: i64,
    /// The dish's name when booked, so the order reads the same after the menu changes.
    pub dish_name: String,
    pub quantity: i32,
    pub unit_price_fen: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::meal_order::Entity",
        from = "Column::OrderId",
        to = "super::meal_order::Column::Id"
    )]
    MealOrder,
    #[sea_orm(
        belongs_to = "super::offering::Entity",
        from = "Column::OfferingId",
        to = "super::offering::Column::Id"
    )]
    Offering,
}

impl Related<super::meal_order::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::MealOrder.def()
    }
}

impl Related<super::offering::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Offering.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
