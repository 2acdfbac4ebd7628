use sea_orm::entity::prelude::*;
use vocabulary::DistrictKind;

/// A district (区/县) of the city: GB/T 2260 code, or a local code for a management zone.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "district")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub code: String,
    pub name: String,
    pub kind: DistrictKind,
    pub city: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::street::Entity")]
    Street,
    #[sea_orm(has_many = "super::meal_point::Entity")]
    MealPoint,
    #[sea_orm(has_many = "super::account::Entity")]
    Account,
}

impl Related<super::street::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Street.def()
    }
}

impl Related<super::meal_point::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::MealPoint.def()
    }
}

impl Related<super::account::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Account.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
