use sea_orm::entity::prelude::*;

/// A dish (菜品) of one meal point.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "dish")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub meal_point_id: i64,
    pub name: String,
    pub photo_url: Option<String>,
    pub price_fen: i64,
    /// Comma-separated tag codes, e.g. `low_salt,soft`.
    pub tags: String,
    /// Comma-separated allergen codes, e.g. `egg,soy`.
    pub allergens: String,
    /// An inactive dish is kept for history but can no longer be put on a menu.
    pub active: bool,
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
    #[sea_orm(has_many = "super::offering::Entity")]
    Offering,
}

impl Related<super::meal_point::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::MealPoint.def()
    }
}

impl Related<super::offering::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Offering.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
