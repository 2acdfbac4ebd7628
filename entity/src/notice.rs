use sea_orm::entity::prelude::*;
use vocabulary::{NoticeKind, NoticeState};

/// One WeChat subscribe message in the outbox: written in the transaction of the change it
/// tells about, delivered by the sender task.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "notice")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub kind: NoticeKind,
    pub subject: String,
    pub order_id: Option<String>,
    /// `None` while pending: recipients are worked out when it is due.
    pub account_id: Option<i64>,
    pub detail: Option<String>,
    pub state: NoticeState,
    pub attempts: i32,
    pub due_at: DateTimeUtc,
    pub lease_owner: Option<String>,
    pub lease_until: Option<DateTimeUtc>,
    pub quota_held: bool,
    pub template_id: Option<String>,
    pub last_error: Option<String>,
    pub sent_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
