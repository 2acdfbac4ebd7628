use sea_orm::entity::prelude::*;

/// One WeChat Pay trade bill (a sub-merchant's day), as downloaded, and what matching found.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "bill_import")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub sub_mchid: String,
    pub bill_date: Date,
    /// The meal point the sub-merchant number belongs to.
    pub meal_point_id: i64,
    /// 总交易单数, from the bill's summary.
    pub trades: i32,
    /// Payments in the bill, in fen.
    pub paid_fen: i64,
    /// Refunds in the bill, in fen.
    pub refunded_fen: i64,
    pub findings: i32,
    #[sea_orm(column_type = "Text")]
    pub raw: String,
    pub imported_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
