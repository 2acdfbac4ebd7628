use sea_orm::entity::prelude::*;

/// A settlement run over a period (同城共享结算): draft → submitted → locked.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "settlement_run")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub period_from: Date,
    pub period_to: Date,
    pub state: String,
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
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
