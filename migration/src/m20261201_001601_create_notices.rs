//! WeChat subscribe messages: the transactional outbox of notices, each account's one-time
//! subscriptions per template, and the shared access token.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Notice::Table)
                    // A UUID, made when the notice is written: the key every delivery is
                    // idempotent by.
                    .col(string_len(Notice::Id, 36).primary_key())
                    .col(string_len(Notice::Kind, 32))
                    // The order, complaint or rating the notice is about.
                    .col(string_len(Notice::Subject, 64))
                    .col(string_len_null(Notice::OrderId, 36))
                    // NULL while pending: the recipients are worked out when it is due (the
                    // elder, or linked family for an elder without WeChat).
                    .col(big_integer_null(Notice::AccountId))
                    .col(string_len_null(Notice::Detail, 200))
                    .col(string_len(Notice::State, 16))
                    .col(integer(Notice::Attempts).default(0))
                    .col(timestamp_with_time_zone(Notice::DueAt))
                    // Which sender holds it and until when; an expired lease (its sender died)
                    // lets another take it.
                    .col(string_len_null(Notice::LeaseOwner, 64))
                    .col(timestamp_with_time_zone_null(Notice::LeaseUntil))
                    // The quota taken for this notice: kept across retries, so a retry never
                    // takes a second one.
                    .col(boolean(Notice::QuotaHeld).default(false))
                    .col(string_len_null(Notice::TemplateId, 64))
                    .col(string_len_null(Notice::LastError, 300))
                    .col(timestamp_with_time_zone_null(Notice::SentAt))
                    .col(timestamp_with_time_zone(Notice::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("notice_due_idx")
                    .table(Notice::Table)
                    .col(Notice::State)
                    .col(Notice::DueAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("notice_order_idx")
                    .table(Notice::Table)
                    .col(Notice::OrderId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(NoticeSubscription::Table)
                    .col(big_integer(NoticeSubscription::AccountId))
                    .col(string_len(NoticeSubscription::TemplateId, 64))
                    // One accepted `wx.requestSubscribeMessage` = one message.
                    .col(integer(NoticeSubscription::Remaining))
                    .col(timestamp_with_time_zone(NoticeSubscription::UpdatedAt))
                    .primary_key(
                        Index::create()
                            .col(NoticeSubscription::AccountId)
                            .col(NoticeSubscription::TemplateId),
                    )
                    .check(Expr::cust("remaining >= 0"))
                    .foreign_key(
                        ForeignKey::create()
                            .from(NoticeSubscription::Table, NoticeSubscription::AccountId)
                            .to(Account::Table, Account::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(WechatToken::Table)
                    .col(string_len(WechatToken::AppId, 64).primary_key())
                    // WeChat asks for at least 512 characters.
                    .col(string_len_null(WechatToken::AccessToken, 1024))
                    .col(timestamp_with_time_zone_null(WechatToken::ExpiresAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            WechatToken::Table.into_iden(),
            NoticeSubscription::Table.into_iden(),
            Notice::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Notice {
    Table,
    Id,
    Kind,
    Subject,
    OrderId,
    AccountId,
    Detail,
    State,
    Attempts,
    DueAt,
    LeaseOwner,
    LeaseUntil,
    QuotaHeld,
    TemplateId,
    LastError,
    SentAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum NoticeSubscription {
    Table,
    AccountId,
    TemplateId,
    Remaining,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum WechatToken {
    Table,
    AppId,
    AccessToken,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum Account {
    Table,
    Id,
}
