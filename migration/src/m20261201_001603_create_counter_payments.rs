//! The elder's share paid at the counter (到店付款): one row per order, written by the operator who
//! took the cash or saw the scan, so the counter's money is traced like a WeChat Pay trade.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(CounterPayment::Table)
                    // One per order: recording twice can never write a second row.
                    .col(string_len(CounterPayment::OrderId, 36).primary_key())
                    .col(big_integer(CounterPayment::MealPointId))
                    // `cash` (现金) or `scan` (扫码).
                    .col(string_len(CounterPayment::Method, 16))
                    .col(big_integer(CounterPayment::AmountFen))
                    // The operator's account.
                    .col(big_integer(CounterPayment::RecordedBy))
                    .col(timestamp_with_time_zone(CounterPayment::RecordedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("counter_payment_meal_point_idx")
                    .table(CounterPayment::Table)
                    .col(CounterPayment::MealPointId)
                    .col(CounterPayment::RecordedAt)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(CounterPayment::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum CounterPayment {
    Table,
    OrderId,
    MealPointId,
    Method,
    AmountFen,
    RecordedBy,
    RecordedAt,
}
