//! The daily reconciliation of WeChat Pay's trade bills: each imported bill (one per
//! sub-merchant and day, kept as downloaded) and what matching it against the orders found.
//! Settlement lines also learn how the elders' share was paid (online, at the counter).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(BillImport::Table)
                    .col(big_pk_auto(BillImport::Id))
                    .col(string_len(BillImport::SubMchid, 32))
                    .col(date(BillImport::BillDate))
                    .col(big_integer(BillImport::MealPointId))
                    .col(integer(BillImport::Trades))
                    .col(big_integer(BillImport::PaidFen))
                    .col(big_integer(BillImport::RefundedFen))
                    .col(integer(BillImport::Findings))
                    // The bill as downloaded (its SHA1 checked): what the findings were read from.
                    .col(text(BillImport::Raw))
                    .col(timestamp_with_time_zone(BillImport::ImportedAt))
                    .to_owned(),
            )
            .await?;
        // One bill per sub-merchant and day: a second import takes this row (and its lock on
        // PostgreSQL) and replaces the first one's findings instead of adding to them.
        manager
            .create_index(
                Index::create()
                    .name("bill_import_day_key")
                    .table(BillImport::Table)
                    .col(BillImport::SubMchid)
                    .col(BillImport::BillDate)
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ReconciliationItem::Table)
                    .col(big_pk_auto(ReconciliationItem::Id))
                    .col(big_integer(ReconciliationItem::ImportId))
                    .col(date(ReconciliationItem::BillDate))
                    .col(big_integer(ReconciliationItem::MealPointId))
                    .col(string_len(ReconciliationItem::Kind, 24))
                    .col(string_len_null(ReconciliationItem::OrderId, 36))
                    .col(string_len_null(ReconciliationItem::OutTradeNo, 32))
                    .col(string_len_null(ReconciliationItem::OutRefundNo, 64))
                    .col(big_integer_null(ReconciliationItem::OursFen))
                    .col(big_integer_null(ReconciliationItem::BilledFen))
                    .col(string_len(ReconciliationItem::Note, 200))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ReconciliationItem::Table, ReconciliationItem::ImportId)
                            .to(BillImport::Table, BillImport::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("reconciliation_item_day_idx")
                    .table(ReconciliationItem::Table)
                    .col(ReconciliationItem::BillDate)
                    .col(ReconciliationItem::MealPointId)
                    .to_owned(),
            )
            .await?;

        // SQLite adds one column per ALTER TABLE.
        for column in [
            SettlementLine::PaidOnlineFen,
            SettlementLine::PaidCounterFen,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(SettlementLine::Table)
                        .add_column(big_integer(column).default(0))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            SettlementLine::PaidOnlineFen,
            SettlementLine::PaidCounterFen,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(SettlementLine::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        for table in [
            ReconciliationItem::Table.into_iden(),
            BillImport::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum BillImport {
    Table,
    Id,
    SubMchid,
    BillDate,
    MealPointId,
    Trades,
    PaidFen,
    RefundedFen,
    Findings,
    Raw,
    ImportedAt,
}

#[derive(DeriveIden)]
enum ReconciliationItem {
    Table,
    Id,
    ImportId,
    BillDate,
    MealPointId,
    Kind,
    OrderId,
    OutTradeNo,
    OutRefundNo,
    OursFen,
    BilledFen,
    Note,
}

#[derive(DeriveIden)]
enum SettlementLine {
    Table,
    PaidOnlineFen,
    PaidCounterFen,
}
