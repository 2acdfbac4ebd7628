use sea_orm::entity::prelude::*;

/// An elder's booking at one meal point for one date and slot. (`order` is an SQL keyword.)
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "meal_order")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// The account that placed the booking: the elder, a family member or an operator.
    pub account_id: i64,
    pub client_key: String,
    pub placed_by_role: String,
    pub elder_id: i64,
    pub meal_point_id: i64,
    /// The meal point's district (就餐区).
    pub service_district_code: String,
    /// The elder's hukou district (户籍区), which funds district- and street-level subsidy.
    pub funding_district_code: String,
    pub date: Date,
    pub slot: String,
    pub mode: String,
    /// `booked`, `out_for_delivery`, `served`, `cancelled` or `no_show`.
    pub state: String,
    pub pickup_code: String,
    pub gross_fen: i64,
    pub subsidy_fen: i64,
    pub subsidy_city_fen: i64,
    pub subsidy_district_fen: i64,
    pub subsidy_street_fen: i64,
    pub elder_share_fen: i64,
    pub policy_version: Option<String>,
    /// The full price breakdown frozen at booking (rules fired, lines), as JSON.
    #[sea_orm(column_type = "Text")]
    pub quote_json: String,
    /// Beside the state, never mixed into it: `unpaid`, `paid_at_counter`, `paid_wechat`.
    pub payment_state: String,
    pub delivery_address: Option<String>,
    pub delivery_signed_by: Option<String>,
    pub cancel_reason: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub served_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
