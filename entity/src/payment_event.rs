use sea_orm::entity::prelude::*;
use vocabulary::PayEventKind;

/// A call to WeChat Pay with its answer, or a notification from it (verified and decrypted), kept
/// as it was.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "payment_event")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub order_id: Option<String>,
    pub out_trade_no: String,
    pub kind: PayEventKind,
    pub notice_id: Option<String>,
    pub http_status: Option<i32>,
    pub request: Option<String>,
    pub response: String,
    pub at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
