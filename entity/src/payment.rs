use sea_orm::entity::prelude::*;

/// One WeChat Pay trade: the elder's share of one order, paid to the meal point's sub-merchant.
/// Where the payment stands is the order's `payment_state`; this is what WeChat Pay knows it by.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "payment")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub out_trade_no: String,
    pub order_id: String,
    pub sub_mchid: String,
    pub amount_fen: i64,
    pub payer_openid: String,
    pub prepay_id: Option<String>,
    /// WeChat Pay's own number, from the notification or a query.
    pub transaction_id: Option<String>,
    /// After this the trade is closed and the booking lapses.
    pub expires_at: DateTimeUtc,
    pub paid_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
