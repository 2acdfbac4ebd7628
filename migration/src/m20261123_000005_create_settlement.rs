//! Same-city settlement (同城共享): runs, their frozen lines and adjustments, each district's
//! review, and the audit trail.
//!
//! Lines are copies, not views over `meal_order`: a locked run must read the same for ever, even
//! if an order changes later (a late pickup, a meal found invalid); such changes become
//! adjustment lines in a later run.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(SettlementRun::Table)
                    .col(big_pk_auto(SettlementRun::Id))
                    .col(date(SettlementRun::PeriodFrom))
                    .col(date(SettlementRun::PeriodTo))
                    // `draft`, `submitted` or `locked`.
                    .col(string_len(SettlementRun::State, 16))
                    .col(big_integer(SettlementRun::CreatedBy))
                    .col(timestamp_with_time_zone(SettlementRun::CreatedAt))
                    // When the lines were last worked out: orders of the period served after
                    // this moment are not in them.
                    .col(timestamp_with_time_zone(SettlementRun::ComputedAt))
                    .col(timestamp_with_time_zone_null(SettlementRun::SubmittedAt))
                    .col(big_integer_null(SettlementRun::LockedBy))
                    .col(timestamp_with_time_zone_null(SettlementRun::LockedAt))
                    // The reconciliation as checked at submission, kept with the run.
                    .col(text_null(SettlementRun::ReconciliationJson))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("settlement_run_period_idx")
                    .table(SettlementRun::Table)
                    .col(SettlementRun::PeriodFrom)
                    .col(SettlementRun::PeriodTo)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(SettlementLine::Table)
                    .col(big_pk_auto(SettlementLine::Id))
                    .col(big_integer(SettlementLine::RunId))
                    .col(big_integer(SettlementLine::MealPointId))
                    .col(string_len(SettlementLine::MealPointName, 64))
                    .col(string_len(SettlementLine::ServiceDistrictCode, 16))
                    .col(string_len(SettlementLine::FundingDistrictCode, 16))
                    .col(big_integer(SettlementLine::Meals))
                    .col(big_integer(SettlementLine::GrossFen))
                    .col(big_integer(SettlementLine::ElderShareFen))
                    .col(big_integer(SettlementLine::SubsidyFen))
                    .col(big_integer(SettlementLine::SubsidyCityFen))
                    .col(big_integer(SettlementLine::SubsidyDistrictFen))
                    .col(big_integer(SettlementLine::SubsidyStreetFen))
                    .foreign_key(
                        ForeignKey::create()
                            .from(SettlementLine::Table, SettlementLine::RunId)
                            .to(SettlementRun::Table, SettlementRun::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("settlement_line_run_idx")
                    .table(SettlementLine::Table)
                    .col(SettlementLine::RunId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(SettlementAdjustment::Table)
                    .col(big_pk_auto(SettlementAdjustment::Id))
                    .col(big_integer(SettlementAdjustment::RunId))
                    .col(string_len(SettlementAdjustment::OrderId, 36))
                    // `late_served` (counted late) or `invalid` (taken back).
                    .col(string_len(SettlementAdjustment::Kind, 16))
                    .col(date(SettlementAdjustment::OrderDate))
                    .col(big_integer(SettlementAdjustment::MealPointId))
                    .col(string_len(SettlementAdjustment::MealPointName, 64))
                    .col(string_len(SettlementAdjustment::ServiceDistrictCode, 16))
                    .col(string_len(SettlementAdjustment::FundingDistrictCode, 16))
                    .col(big_integer(SettlementAdjustment::Meals))
                    .col(big_integer(SettlementAdjustment::GrossFen))
                    .col(big_integer(SettlementAdjustment::ElderShareFen))
                    .col(big_integer(SettlementAdjustment::SubsidyFen))
                    .col(big_integer(SettlementAdjustment::SubsidyCityFen))
                    .col(big_integer(SettlementAdjustment::SubsidyDistrictFen))
                    .col(big_integer(SettlementAdjustment::SubsidyStreetFen))
                    .col(string_len(SettlementAdjustment::Reason, 200))
                    .col(big_integer(SettlementAdjustment::AuthorAccountId))
                    .col(timestamp_with_time_zone(SettlementAdjustment::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(SettlementAdjustment::Table, SettlementAdjustment::RunId)
                            .to(SettlementRun::Table, SettlementRun::Id),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, columns, unique) in [
            (
                "settlement_adjustment_run_idx",
                vec![SettlementAdjustment::RunId],
                false,
            ),
            // An order is counted late once, and taken back once, across all runs.
            (
                "settlement_adjustment_order_kind_key",
                vec![SettlementAdjustment::OrderId, SettlementAdjustment::Kind],
                true,
            ),
        ] {
            let mut index = Index::create();
            index.name(name).table(SettlementAdjustment::Table);
            for column in columns {
                index.col(column);
            }
            if unique {
                index.unique();
            }
            manager.create_index(index.to_owned()).await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(SettlementReview::Table)
                    .col(big_pk_auto(SettlementReview::Id))
                    .col(big_integer(SettlementReview::RunId))
                    .col(string_len(SettlementReview::DistrictCode, 16))
                    // `pending`, `confirmed` or `disputed`.
                    .col(string_len(SettlementReview::Decision, 16))
                    .col(string_len_null(SettlementReview::Comment, 500))
                    .col(big_integer_null(SettlementReview::AccountId))
                    .col(timestamp_with_time_zone_null(SettlementReview::DecidedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(SettlementReview::Table, SettlementReview::RunId)
                            .to(SettlementRun::Table, SettlementRun::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("settlement_review_run_district_key")
                    .table(SettlementReview::Table)
                    .col(SettlementReview::RunId)
                    .col(SettlementReview::DistrictCode)
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(SettlementEvent::Table)
                    .col(big_pk_auto(SettlementEvent::Id))
                    .col(big_integer(SettlementEvent::RunId))
                    .col(string_len(SettlementEvent::Action, 24))
                    // The districts the step concerns (a review: one; an adjustment: funder and
                    // server), so a clerk sees only the steps about their district.
                    .col(string_len_null(SettlementEvent::DistrictCode, 16))
                    .col(string_len_null(SettlementEvent::OtherDistrictCode, 16))
                    .col(string_len_null(SettlementEvent::Note, 500))
                    .col(big_integer(SettlementEvent::ActorAccountId))
                    .col(string_len(SettlementEvent::ActorRole, 16))
                    .col(timestamp_with_time_zone(SettlementEvent::At))
                    .foreign_key(
                        ForeignKey::create()
                            .from(SettlementEvent::Table, SettlementEvent::RunId)
                            .to(SettlementRun::Table, SettlementRun::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("settlement_event_run_idx")
                    .table(SettlementEvent::Table)
                    .col(SettlementEvent::RunId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            SettlementEvent::Table.into_iden(),
            SettlementReview::Table.into_iden(),
            SettlementAdjustment::Table.into_iden(),
            SettlementLine::Table.into_iden(),
            SettlementRun::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum SettlementRun {
    Table,
    Id,
    PeriodFrom,
    PeriodTo,
    State,
    CreatedBy,
    CreatedAt,
    ComputedAt,
    SubmittedAt,
    LockedBy,
    LockedAt,
    ReconciliationJson,
}

#[derive(DeriveIden)]
enum SettlementLine {
    Table,
    Id,
    RunId,
    MealPointId,
    MealPointName,
    ServiceDistrictCode,
    FundingDistrictCode,
    Meals,
    GrossFen,
    ElderShareFen,
    SubsidyFen,
    SubsidyCityFen,
    SubsidyDistrictFen,
    SubsidyStreetFen,
}

#[derive(DeriveIden)]
enum SettlementAdjustment {
    Table,
    Id,
    RunId,
    OrderId,
    Kind,
    OrderDate,
    MealPointId,
    MealPointName,
    ServiceDistrictCode,
    FundingDistrictCode,
    Meals,
    GrossFen,
    ElderShareFen,
    SubsidyFen,
    SubsidyCityFen,
    SubsidyDistrictFen,
    SubsidyStreetFen,
    Reason,
    AuthorAccountId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum SettlementReview {
    Table,
    Id,
    RunId,
    DistrictCode,
    Decision,
    Comment,
    AccountId,
    DecidedAt,
}

#[derive(DeriveIden)]
enum SettlementEvent {
    Table,
    Id,
    RunId,
    Action,
    DistrictCode,
    OtherDistrictCode,
    Note,
    ActorAccountId,
    ActorRole,
    At,
}
