use sea_orm::entity::prelude::*;
use vocabulary::CounterMethod;

/// The elder's share of one order paid at the counter, as the operator recorded it. Where the
/// payment stands is the order's `payment_state` (`paid_at_counter`); this says how, how much,
/// who took it and when.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "counter_payment")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub order_id: String,
    pub meal_point_id: i64,
    pub method: CounterMethod,
    pub amount_fen: i64,
    /// The operator's account.
    pub recorded_by: i64,
    pub recorded_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
