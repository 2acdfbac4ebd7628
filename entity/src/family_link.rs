use sea_orm::entity::prelude::*;
use vocabulary::LinkStatus;

/// A family member's (家属) link to an elder: requested by the family member, approved or
/// rejected by the elder or staff, ended by either side. Ended links stay as history.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "family_link")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub elder_id: i64,
    pub family_account_id: i64,
    pub status: LinkStatus,
    pub relationship: Option<String>,
    pub requested_at: DateTimeUtc,
    pub decided_by: Option<i64>,
    pub decided_at: Option<DateTimeUtc>,
    pub decision_note: Option<String>,
    pub unlinked_by: Option<i64>,
    pub unlinked_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::elder::Entity",
        from = "Column::ElderId",
        to = "super::elder::Column::Id"
    )]
    Elder,
    #[sea_orm(
        belongs_to = "super::account::Entity",
        from = "Column::FamilyAccountId",
        to = "super::account::Column::Id"
    )]
    FamilyAccount,
}

impl Related<super::elder::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Elder.def()
    }
}

impl Related<super::account::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::FamilyAccount.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
