use sea_orm::entity::prelude::*;
use vocabulary::{ComplaintCategory, ComplaintState, Role};

/// A complaint about a meal point (and maybe one order), with its deadlines.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "complaint")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub meal_point_id: i64,
    /// The meal point's district when the complaint was made.
    pub district_code: String,
    pub order_id: Option<String>,
    pub elder_id: Option<i64>,
    pub complainant_account_id: i64,
    pub complainant_role: Role,
    pub category: ComplaintCategory,
    #[sea_orm(column_type = "Text")]
    pub text: String,
    pub state: ComplaintState,
    pub ack_due_at: DateTimeUtc,
    pub resolve_due_at: DateTimeUtc,
    pub acknowledged_at: Option<DateTimeUtc>,
    pub escalated_at: Option<DateTimeUtc>,
    pub resolved_at: Option<DateTimeUtc>,
    pub closed_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::meal_point::Entity",
        from = "Column::MealPointId",
        to = "super::meal_point::Column::Id"
    )]
    MealPoint,
    #[sea_orm(has_many = "super::complaint_step::Entity")]
    ComplaintStep,
}

impl Related<super::meal_point::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::MealPoint.def()
    }
}

impl Related<super::complaint_step::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::ComplaintStep.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
