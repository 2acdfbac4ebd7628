//! Elders, their eligibility categories and family links; published subsidy policy versions.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Elder::Table)
                    .col(big_pk_auto(Elder::Id))
                    .col(string_len(Elder::Name, 32))
                    // AES-256-GCM of the ID-card number (`v1:` + hex of nonce, ciphertext, tag).
                    .col(string_len(Elder::IdCardSealed, 128))
                    // HMAC-SHA256 of the number under a key kept outside the database: finds an
                    // elder by number and refuses duplicates. NULL once a self-registration is
                    // rejected, so the number can be registered again.
                    .col(string_len_null(Elder::IdCardLookup, 64).unique_key())
                    .col(string_len(Elder::IdCardMasked, 18))
                    .col(date(Elder::BirthDate))
                    .col(string_len(Elder::Sex, 8))
                    .col(string_len(Elder::HukouDistrictCode, 16))
                    .col(string_len(Elder::ResidenceDistrictCode, 16))
                    .col(big_integer_null(Elder::ResidenceStreetId))
                    .col(string_len(Elder::Address, 128))
                    .col(string_len(Elder::Phone, 20))
                    // `active`, `pending_review` (self-registered) or `rejected`.
                    .col(string_len(Elder::Status, 16))
                    .col(string_len_null(Elder::ReviewNote, 200))
                    .col(big_integer_null(Elder::ReviewedBy))
                    .col(timestamp_with_time_zone_null(Elder::ReviewedAt))
                    // The elder's own mini-program account, if they sign in themselves.
                    .col(big_integer_null(Elder::AccountId).unique_key())
                    .col(big_integer(Elder::CreatedBy))
                    .col(timestamp_with_time_zone(Elder::CreatedAt))
                    .col(big_integer_null(Elder::UpdatedBy))
                    .col(timestamp_with_time_zone_null(Elder::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Elder::Table, Elder::HukouDistrictCode)
                            .to(District::Table, District::Code),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Elder::Table, Elder::ResidenceDistrictCode)
                            .to(District::Table, District::Code),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Elder::Table, Elder::ResidenceStreetId)
                            .to(Street::Table, Street::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Elder::Table, Elder::AccountId)
                            .to(Account::Table, Account::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Elder::Table, Elder::CreatedBy)
                            .to(Account::Table, Account::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Elder::Table, Elder::ReviewedBy)
                            .to(Account::Table, Account::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Elder::Table, Elder::UpdatedBy)
                            .to(Account::Table, Account::Id),
                    )
                    .to_owned(),
            )
            .await?;
        // A clerk's lists: elders whose hukou or residence is the clerk's district.
        for (name, column) in [
            ("elder_hukou_district_idx", Elder::HukouDistrictCode),
            ("elder_residence_district_idx", Elder::ResidenceDistrictCode),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(Elder::Table)
                        .col(column)
                        .to_owned(),
                )
                .await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(ElderCategory::Table)
                    .col(big_pk_auto(ElderCategory::Id))
                    .col(big_integer(ElderCategory::ElderId))
                    .col(string_len(ElderCategory::Category, 32))
                    .col(big_integer(ElderCategory::RecordedBy))
                    .col(timestamp_with_time_zone(ElderCategory::RecordedAt))
                    // Removing a category keeps the row: who recorded it, who removed it, when.
                    .col(big_integer_null(ElderCategory::RemovedBy))
                    .col(timestamp_with_time_zone_null(ElderCategory::RemovedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ElderCategory::Table, ElderCategory::ElderId)
                            .to(Elder::Table, Elder::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ElderCategory::Table, ElderCategory::RecordedBy)
                            .to(Account::Table, Account::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ElderCategory::Table, ElderCategory::RemovedBy)
                            .to(Account::Table, Account::Id),
                    )
                    .to_owned(),
            )
            .await?;
        // At most one current (not removed) row per elder and category.
        manager
            .create_index(
                Index::create()
                    .name("elder_category_current_key")
                    .table(ElderCategory::Table)
                    .col(ElderCategory::ElderId)
                    .col(ElderCategory::Category)
                    .unique()
                    .and_where(Expr::col(ElderCategory::RemovedAt).is_null())
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(FamilyLink::Table)
                    .col(big_pk_auto(FamilyLink::Id))
                    .col(big_integer(FamilyLink::ElderId))
                    .col(big_integer(FamilyLink::FamilyAccountId))
                    // `pending`, `approved`, `rejected` or `unlinked`.
                    .col(string_len(FamilyLink::Status, 16))
                    // How the family member is related, as they put it (女儿, 儿子, 侄女 …).
                    .col(string_len_null(FamilyLink::Relationship, 16))
                    .col(timestamp_with_time_zone(FamilyLink::RequestedAt))
                    .col(big_integer_null(FamilyLink::DecidedBy))
                    .col(timestamp_with_time_zone_null(FamilyLink::DecidedAt))
                    .col(string_len_null(FamilyLink::DecisionNote, 200))
                    .col(big_integer_null(FamilyLink::UnlinkedBy))
                    .col(timestamp_with_time_zone_null(FamilyLink::UnlinkedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(FamilyLink::Table, FamilyLink::ElderId)
                            .to(Elder::Table, Elder::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(FamilyLink::Table, FamilyLink::FamilyAccountId)
                            .to(Account::Table, Account::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(FamilyLink::Table, FamilyLink::DecidedBy)
                            .to(Account::Table, Account::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(FamilyLink::Table, FamilyLink::UnlinkedBy)
                            .to(Account::Table, Account::Id),
                    )
                    .to_owned(),
            )
            .await?;
        // One live (pending or approved) link per elder and family member; old ones stay as history.
        manager
            .create_index(
                Index::create()
                    .name("family_link_live_key")
                    .table(FamilyLink::Table)
                    .col(FamilyLink::ElderId)
                    .col(FamilyLink::FamilyAccountId)
                    .unique()
                    .and_where(Expr::col(FamilyLink::Status).is_in(["pending", "approved"]))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("family_link_family_idx")
                    .table(FamilyLink::Table)
                    .col(FamilyLink::FamilyAccountId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(SubsidyPolicy::Table)
                    .col(big_pk_auto(SubsidyPolicy::Id))
                    // Never reused, even after a withdrawal: orders carry it.
                    .col(string_len(SubsidyPolicy::Version, 64).unique_key())
                    .col(date(SubsidyPolicy::EffectiveFrom))
                    // The TOML file as the city published it.
                    .col(text(SubsidyPolicy::Source))
                    // The policy as it was understood when published (JSON); quotes read this,
                    // so a later change to the parser cannot change a published policy.
                    .col(text(SubsidyPolicy::Parsed))
                    .col(big_integer(SubsidyPolicy::PublishedBy))
                    .col(timestamp_with_time_zone(SubsidyPolicy::PublishedAt))
                    // Only a policy not yet in effect can be withdrawn.
                    .col(big_integer_null(SubsidyPolicy::WithdrawnBy))
                    .col(timestamp_with_time_zone_null(SubsidyPolicy::WithdrawnAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(SubsidyPolicy::Table, SubsidyPolicy::PublishedBy)
                            .to(Account::Table, Account::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(SubsidyPolicy::Table, SubsidyPolicy::WithdrawnBy)
                            .to(Account::Table, Account::Id),
                    )
                    .to_owned(),
            )
            .await?;
        // One live policy per effective date, so "the policy in force on a date" is never a tie.
        manager
            .create_index(
                Index::create()
                    .name("subsidy_policy_live_date_key")
                    .table(SubsidyPolicy::Table)
                    .col(SubsidyPolicy::EffectiveFrom)
                    .unique()
                    .and_where(Expr::col(SubsidyPolicy::WithdrawnAt).is_null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            SubsidyPolicy::Table.into_iden(),
            FamilyLink::Table.into_iden(),
            ElderCategory::Table.into_iden(),
            Elder::Table.into_iden(),
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
}

#[derive(DeriveIden)]
enum Street {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Account {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Elder {
    Table,
    Id,
    Name,
    IdCardSealed,
    IdCardLookup,
    IdCardMasked,
    BirthDate,
    Sex,
    HukouDistrictCode,
    ResidenceDistrictCode,
    ResidenceStreetId,
    Address,
    Phone,
    Status,
    ReviewNote,
    ReviewedBy,
    ReviewedAt,
    AccountId,
    CreatedBy,
    CreatedAt,
    UpdatedBy,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ElderCategory {
    Table,
    Id,
    ElderId,
    Category,
    RecordedBy,
    RecordedAt,
    RemovedBy,
    RemovedAt,
}

#[derive(DeriveIden)]
enum FamilyLink {
    Table,
    Id,
    ElderId,
    FamilyAccountId,
    Status,
    Relationship,
    RequestedAt,
    DecidedBy,
    DecidedAt,
    DecisionNote,
    UnlinkedBy,
    UnlinkedAt,
}

#[derive(DeriveIden)]
enum SubsidyPolicy {
    Table,
    Id,
    Version,
    EffectiveFrom,
    Source,
    Parsed,
    PublishedBy,
    PublishedAt,
    WithdrawnBy,
    WithdrawnAt,
}
