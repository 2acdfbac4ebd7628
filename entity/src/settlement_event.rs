use sea_orm::entity::prelude::*;
use vocabulary::{Role, RunAction};

/// One step of a run's audit trail: who did what, when.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "settlement_event")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub run_id: i64,
    pub action: RunAction,
    pub district_code: Option<String>,
    pub other_district_code: Option<String>,
    pub note: Option<String>,
    pub actor_account_id: i64,
    pub actor_role: Role,
    pub at: DateTimeUtc,
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
