use sea_orm::entity::prelude::*;

/// A published subsidy policy version. Never edited: a new version supersedes it from its own
/// effective date; one not yet in effect may be withdrawn.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "subsidy_policy")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub version: String,
    pub effective_from: Date,
    /// The TOML text as published.
    #[sea_orm(column_type = "Text")]
    pub source: String,
    /// The validated policy as JSON (`crate::subsidy::Policy`'s serde form).
    #[sea_orm(column_type = "Text")]
    pub parsed: String,
    pub published_by: i64,
    pub published_at: DateTimeUtc,
    pub withdrawn_by: Option<i64>,
    pub withdrawn_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::account::Entity",
        from = "Column::PublishedBy",
        to = "super::account::Column::Id"
    )]
    PublishedBy,
}

impl Related<super::account::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::PublishedBy.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
