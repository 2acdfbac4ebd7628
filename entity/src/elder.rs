use sea_orm::entity::prelude::*;

/// An elder (老年人) in the meal-assistance programme. The ID-card number is never stored in the
/// clear: `id_card_sealed` is its AES-256-GCM encryption, `id_card_lookup` a keyed hash to find
/// it by, `id_card_masked` the form for screens (`3204**********1234`).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "elder")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub name: String,
    pub id_card_sealed: String,
    #[sea_orm(unique)]
    pub id_card_lookup: Option<String>,
    pub id_card_masked: String,
    pub birth_date: Date,
    /// `male` or `female`, read from the ID-card number.
    pub sex: String,
    pub hukou_district_code: String,
    pub residence_district_code: String,
    pub residence_street_id: Option<i64>,
    pub address: String,
    pub phone: String,
    /// `active`, `pending_review` or `rejected`.
    pub status: String,
    pub review_note: Option<String>,
    pub reviewed_by: Option<i64>,
    pub reviewed_at: Option<DateTimeUtc>,
    #[sea_orm(unique)]
    pub account_id: Option<i64>,
    pub created_by: i64,
    pub created_at: DateTimeUtc,
    pub updated_by: Option<i64>,
    pub updated_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
