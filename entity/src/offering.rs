use sea_orm::entity::prelude::*;
use vocabulary::Slot;

/// An offering (供应): a dish on a date and slot, with a number of portions. The menu.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "offering")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub meal_point_id: i64,
    pub dish_id: i64,
    /// The meal's business date (Asia/Shanghai).
    pub date: Date,
    pub slot: Slot,
    /// Capacity.
    pub portions: i32,
    /// Portions held by live orders; portions left = `portions - booked`.
    pub booked: i32,
    pub price_fen: i64,
    /// Ordering is refused from this instant on.
    pub cutoff_at: DateTimeUtc,
    /// Booking opens at 00:00 Shanghai time on this date.
    pub opens_on: Date,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
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
        belongs_to = "super::dish::Entity",
        from = "Column::DishId",
        to = "super::dish::Column::Id"
    )]
    Dish,
    #[sea_orm(has_many = "super::order_item::Entity")]
    OrderItem,
}

impl Related<super::meal_point::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::MealPoint.def()
    }
}

impl Related<super::dish::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Dish.def()
    }
}

impl Related<super::order_item::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::OrderItem.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
