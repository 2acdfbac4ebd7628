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
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
