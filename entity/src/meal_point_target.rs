use sea_orm::entity::prelude::*;

/// One of the plan's targets: how many meal points a district (or the whole city) is to build
/// from `from_year` to `to_year`, both included. The city enters or imports these.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "meal_point_target")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// A district code, or `city` for a city-wide target.
    pub scope: String,
    pub from_year: i32,
    pub to_year: i32,
    pub target: i32,
    pub updated_by: i64,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
