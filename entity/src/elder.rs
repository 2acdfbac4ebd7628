use sea_orm::entity::prelude::*;
use vocabulary::{ElderStatus, Sex};

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
    /// Read from the ID-card number.
    pub sex: Sex,
    pub hukou_district_code: String,
    pub residence_district_code: String,
    pub residence_street_id: Option<i64>,
    pub address: String,
    pub phone: String,
    pub status: ElderStatus,
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
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::account::Entity",
        from = "Column::AccountId",
        to = "super::account::Column::Id"
    )]
    Account,
    #[sea_orm(
        belongs_to = "super::district::Entity",
        from = "Column::HukouDistrictCode",
        to = "super::district::Column::Code"
    )]
    HukouDistrict,
    #[sea_orm(
        belongs_to = "super::district::Entity",
        from = "Column::ResidenceDistrictCode",
        to = "super::district::Column::Code"
    )]
    ResidenceDistrict,
    #[sea_orm(
        belongs_to = "super::street::Entity",
        from = "Column::ResidenceStreetId",
        to = "super::street::Column::Id"
    )]
    ResidenceStreet,
    #[sea_orm(has_many = "super::elder_category::Entity")]
    ElderCategory,
    #[sea_orm(has_many = "super::family_link::Entity")]
    FamilyLink,
    #[sea_orm(has_many = "super::meal_order::Entity")]
    MealOrder,
}

impl Related<super::account::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Account.def()
    }
}

impl Related<super::district::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::HukouDistrict.def()
    }
}

impl Related<super::street::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::ResidenceStreet.def()
    }
}

impl Related<super::elder_category::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::ElderCategory.def()
    }
}

impl Related<super::family_link::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::FamilyLink.def()
    }
}

impl Related<super::meal_order::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::MealOrder.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
