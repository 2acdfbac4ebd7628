use sea_orm::entity::prelude::*;

/// An operator account assigned to a meal point; operators may only change the meal points
/// they are assigned to.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "meal_point_operator")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub meal_point_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub account_id: i64,
    pub created_at: DateTimeUtc,
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
        belongs_to = "super::account::Entity",
        from = "Column::AccountId",
        to = "super::account::Column::Id"
    )]
    Account,
}

impl Related<super::meal_point::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::MealPoint.def()
    }
}

impl Related<super::account::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Account.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
