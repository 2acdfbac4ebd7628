use sea_orm::entity::prelude::*;
use vocabulary::RefundState;

/// One refund of (part of) an order's online payment.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "payment_refund")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub out_refund_no: String,
    pub order_id: String,
    pub out_trade_no: String,
    pub amount_fen: i64,
    pub reason: String,
    pub state: RefundState,
    /// `None` when the service refunded by itself (a cancelled order).
    pub requested_by: Option<i64>,
    pub refund_id: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
