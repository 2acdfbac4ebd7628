use sea_orm::entity::prelude::*;

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
    pub complainant_role: String,
    /// `food_safety`, `hygiene`, `service_attitude`, `price`, `delivery` or `other`.
    pub category: String,
    #[sea_orm(column_type = "Text")]
    pub text: String,
    /// `submitted`, `acknowledged`, `escalated`, `resolved` or `closed`.
    pub state: String,
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
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
