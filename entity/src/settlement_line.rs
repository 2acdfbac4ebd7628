use sea_orm::entity::prelude::*;

/// One meal point's served meals of a run for elders of one funding district, frozen.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "settlement_line")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub run_id: i64,
    pub meal_point_id: i64,
    pub meal_point_name: String,
    pub service_district_code: String,
    pub funding_district_code: String,
    pub meals: i64,
    pub gross_fen: i64,
    pub elder_share_fen: i64,
    pub subsidy_fen: i64,
    pub subsidy_city_fen: i64,
    pub subsidy_district_fen: i64,
    pub subsidy_street_fen: i64,
    /// Of the elders' share: what came in through WeChat Pay (net of refunds).
    pub paid_online_fen: i64,
    /// Of the elders' share: what the operator recorded at the counter.
    pub paid_counter_fen: i64,
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
