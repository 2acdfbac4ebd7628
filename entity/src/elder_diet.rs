use sea_orm::entity::prelude::*;

/// An elder's diets and allergens (膳食与过敏); an elder without a row has neither.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "elder_diet")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub elder_id: i64,
    /// Comma-separated diet codes, e.g. `low_salt,soft`.
    pub diets: String,
    /// Comma-separated allergen codes, e.g. `peanut,shellfish`.
    pub allergens: String,
    /// The account that saved it last (the elder, a family member or a clerk).
    pub updated_by: i64,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
