use sea_orm::entity::prelude::*;

/// An elder's (or a family member's) rating of one served order; once per order, never edited.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "rating")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub order_id: String,
    pub meal_point_id: i64,
    pub elder_id: i64,
    /// Who rated: the elder's own account or a linked family member.
    pub account_id: i64,
    pub overall: i32,
    pub taste: i32,
    pub portion: i32,
    pub hygiene: i32,
    pub service: i32,
    #[sea_orm(column_type = "Text", nullable)]
    pub comment: Option<String>,
    /// A JSON array of photo URLs.
    #[sea_orm(column_type = "Text")]
    pub photos_json: String,
    pub created_at: DateTimeUtc,
    #[sea_orm(column_type = "Text", nullable)]
    pub reply_text: Option<String>,
    pub reply_account_id: Option<i64>,
    pub replied_at: Option<DateTimeUtc>,
    pub hidden: bool,
    pub hidden_reason: Option<String>,
    pub hidden_by: Option<i64>,
    pub hidden_at: Option<DateTimeUtc>,
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
        belongs_to = "super::meal_point::Entity",
        from = "Column::MealPointId",
        to = "super::meal_point::Column::Id"
    )]
    MealPoint,
}

impl Related<super::meal_order::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::MealOrder.def()
    }
}

impl Related<super::meal_point::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::MealPoint.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
