use sea_orm::entity::prelude::*;

/// The mini program's access token, shared by every instance (the row is also the lock that lets
/// one instance at a time refresh it).
#[derive(Clone, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "wechat_token")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub app_id: String,
    pub access_token: Option<String>,
    pub expires_at: Option<DateTimeUtc>,
}

/// The token never shows in `Debug` output (and so in no log line).
impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("wechat_token::Model")
            .field("app_id", &self.app_id)
            .field("access_token", &"<redacted>")
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
