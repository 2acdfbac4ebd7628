use sea_orm::entity::prelude::*;
use vocabulary::Discrepancy;

/// One difference the daily reconciliation found between a trade bill and the orders.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "reconciliation_item")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub import_id: i64,
    pub bill_date: Date,
    pub meal_point_id: i64,
    pub kind: Discrepancy,
    pub order_id: Option<String>,
    pub out_trade_no: Option<String>,
    pub out_refund_no: Option<String>,
    /// What the service's records say, in fen.
    pub ours_fen: Option<i64>,
    /// What the bill says, in fen.
    pub billed_fen: Option<i64>,
    pub note: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
