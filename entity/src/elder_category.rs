use sea_orm::entity::prelude::*;
use vocabulary::ElderCategory;

/// One eligibility category recorded on an elder, with who recorded it and, once removed, who
/// removed it. Rows are never deleted, so the history stays.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "elder_category")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub elder_id: i64,
    pub category: ElderCategory,
    pub recorded_by: i64,
    pub recorded_at: DateTimeUtc,
    pub removed_by: Option<i64>,
    pub removed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::elder::Entity",
        from = "Column::ElderId",
        to = "super::elder::Column::Id"
    )]
    Elder,
}

impl Related<super::elder::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Elder.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
