//! Places (district → street) and the accounts and sessions every other table leans on.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(District::Table)
                    .col(string_len(District::Code, 16).primary_key())
                    .col(string_len(District::Name, 32))
                    .col(string_len(District::Kind, 32))
                    .col(string_len(District::City, 32))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Street::Table)
                    .col(big_pk_auto(Street::Id))
                    .col(string_len(Street::DistrictCode, 16))
                    .col(string_len(Street::Name, 32))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Street::Table, Street::DistrictCode)
                            .to(District::Table, District::Code),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("street_district_name_key")
                    .table(Street::Table)
                    .col(Street::DistrictCode)
                    .col(Street::Name)
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Account::Table)
                    .col(big_pk_auto(Account::Id))
                    .col(string_len(Account::Role, 16))
                    .col(string_len(Account::DisplayName, 64))
                    // Staff sign in with a username and password; mini-program users with WeChat.
                    .col(string_len_null(Account::Username, 64).unique_key())
                    .col(string_null(Account::PasswordHash))
                    .col(string_len_null(Account::WechatOpenid, 64).unique_key())
                    // A district clerk's scope; empty for every other role.
                    .col(string_len_null(Account::DistrictCode, 16))
                    .col(boolean(Account::Active).default(true))
                    .col(integer(Account::FailedLogins).default(0))
                    .col(timestamp_with_time_zone_null(Account::LockedUntil))
                    .col(timestamp_with_time_zone(Account::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Account::Table, Account::DistrictCode)
                            .to(District::Table, District::Code),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Session::Table)
                    // Only a hash of the bearer token is stored, so a leaked table grants nothing.
                    .col(string_len(Session::TokenHash, 64).primary_key())
                    .col(big_integer(Session::AccountId))
                    .col(timestamp_with_time_zone(Session::CreatedAt))
                    .col(timestamp_with_time_zone(Session::ExpiresAt))
                    .col(timestamp_with_time_zone_null(Session::RevokedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Session::Table, Session::AccountId)
                            .to(Account::Table, Account::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("session_account_idx")
                    .table(Session::Table)
                    .col(Session::AccountId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Session::Table.into_iden(),
            Account::Table.into_iden(),
            Street::Table.into_iden(),
            District::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum District {
    Table,
    Code,
    Name,
    Kind,
    City,
}

#[derive(DeriveIden)]
enum Street {
    Table,
    Id,
    DistrictCode,
    Name,
}

#[derive(DeriveIden)]
enum Account {
    Table,
    Id,
    Role,
    DisplayName,
    Username,
    PasswordHash,
    WechatOpenid,
    DistrictCode,
    Active,
    FailedLogins,
    LockedUntil,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Session {
    Table,
    TokenHash,
    AccountId,
    CreatedAt,
    ExpiresAt,
    RevokedAt,
}
