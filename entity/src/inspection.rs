use sea_orm::entity::prelude::*;

/// An inspector's scored visit to a meal point.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "inspection")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub meal_point_id: i64,
    pub inspector_account_id: i64,
    pub date: Date,
    pub food_safety: i32,
    pub hygiene: i32,
    pub service: i32,
    pub nutrition: Option<i32>,
    #[sea_orm(column_type = "Text")]
    pub notes: String,
    /// 留样: a sample of each dish was kept.
    pub sample_retained: bool,
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
}

impl Related<super::meal_point::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::MealPoint.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
