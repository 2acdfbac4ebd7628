use sea_orm::entity::prelude::*;
use vocabulary::Role;

/// Anyone who signs in: elders and family members through WeChat, staff with a password.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "account")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub role: Role,
    pub display_name: String,
    #[sea_orm(unique)]
    pub username: Option<String>,
    pub password_hash: Option<String>,
    #[sea_orm(unique)]
    pub wechat_openid: Option<String>,
    pub district_code: Option<String>,
    pub active: bool,
    pub failed_logins: i32,
    pub locked_until: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::district::Entity",
        from = "Column::DistrictCode",
        to = "super::district::Column::Code"
    )]
    District,
    #[sea_orm(has_many = "super::session::Entity")]
    Session,
    #[sea_orm(has_one = "super::inspector::Entity")]
    Inspector,
}

impl Related<super::district::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::District.def()
    }
}

impl Related<super::session::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Session.def()
    }
}

impl Related<super::inspector::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Inspector.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
