use sea_orm::entity::prelude::*;
use vocabulary::RunState;

/// A settlement run over a period (同城共享结算): draft → submitted → locked.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "settlement_run")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub period_from: Date,
    pub period_to: Date,
    pub state: RunState,
    pub created_by: i64,
    pub created_at: DateTimeUtc,
    /// When the lines were last worked out from the orders.
    pub computed_at: DateTimeUtc,
    pub submitted_at: Option<DateTimeUtc>,
    pub locked_by: Option<i64>,
    pub locked_at: Option<DateTimeUtc>,
    /// The reconciliation checked at submission, as JSON.
    #[sea_orm(column_type = "Text", nullable)]
    pub reconciliation_json: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::settlement_line::Entity")]
    SettlementLine,
    #[sea_orm(has_many = "super::settlement_adjustment::Entity")]
    SettlementAdjustment,
    #[sea_orm(has_many = "super::settlement_review::Entity")]
    SettlementReview,
    #[sea_orm(has_many = "super::settlement_event::Entity")]
    SettlementEvent,
}

impl Related<super::settlement_line::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::SettlementLine.def()
    }
}

impl Related<super::settlement_adjustment::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::SettlementAdjustment.def()
    }
}

impl Related<super::settlement_review::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::SettlementReview.def()
    }
}

impl Related<super::settlement_event::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::SettlementEvent.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
