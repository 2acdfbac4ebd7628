use sea_orm::entity::prelude::*;
use vocabulary::ReviewDecision;

/// A district's review of a submitted run: `pending`, `confirmed` or `disputed`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "settlement_review")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub run_id: i64,
    pub district_code: String,
    pub decision: ReviewDecision,
    pub comment: Option<String>,
    pub account_id: Option<i64>,
    pub decided_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::settlement_run::Entity",
        from = "Column::RunId",
        to = "super::settlement_run::Column::Id"
    )]
    SettlementRun,
}

impl Related<super::settlement_run::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::SettlementRun.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
