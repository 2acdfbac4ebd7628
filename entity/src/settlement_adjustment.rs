use sea_orm::entity::prelude::*;

/// A late correction carried by a later run: an order served after its period's run was worked
/// out (`late_served`, counted now) or a meal found invalid (`invalid`, taken back).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "settlement_adjustment")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub run_id: i64,
    pub order_id: String,
    pub kind: String,
    pub order_date: Date,
    pub meal_point_id: i64,
    pub meal_point_name: String,
    pub service_district_code: String,
    pub funding_district_code: String,
    /// +1 or −1.
    pub meals: i64,
    pub gross_fen: i64,
    pub elder_share_fen: i64,
    pub subsidy_fen: i64,
    pub subsidy_city_fen: i64,
    pub subsidy_district_fen: i64,
    pub subsidy_street_fen: i64,
    pub reason: String,
    pub author_account_id: i64,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
