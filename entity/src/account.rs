use sea_orm::entity::prelude::*;

/// Anyone who signs in: elders and family members through WeChat, staff with a password.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "account")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// `elder`, `family`, `operator`, `district_clerk` or `city_admin`.
    pub role: String,
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
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
