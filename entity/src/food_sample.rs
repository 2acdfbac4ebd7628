use sea_orm::entity::prelude::*;
use vocabulary::Slot;

/// One dish's 留样 (kept sample) of one meal: whether a sample was kept, when, its photo, and
/// when it was discarded (not before 48 hours).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "food_sample")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub meal_point_id: i64,
    /// The meal's business date (Asia/Shanghai).
    pub date: Date,
    pub slot: Slot,
    pub dish_id: i64,
    pub kept: bool,
    pub kept_at: Option<DateTimeUtc>,
    pub photo_url: Option<String>,
    pub discarded_at: Option<DateTimeUtc>,
    /// The operator's account that wrote it last.
    pub recorded_by: i64,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
