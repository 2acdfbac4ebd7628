//! Payment of the elder's share through WeChat Pay (partner mode): how each meal point takes the
//! share, one trade per order, its refunds, and every call to and message from WeChat Pay as it
//! was sent or received (so any order's money can be traced).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(MealPointPayment::Table)
                    // A meal point without a row takes the share at the counter, as every meal
                    // point did before online payment.
                    .col(big_integer(MealPointPayment::MealPointId).primary_key())
                    .col(string_len(MealPointPayment::Methods, 16))
                    // 子商户号: where the money goes in partner mode; required for online.
                    .col(string_len_null(MealPointPayment::SubMchid, 32))
                    .col(timestamp_with_time_zone(MealPointPayment::UpdatedAt))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Payment::Table)
                    .col(string_len(Payment::OutTradeNo, 32).primary_key())
                    .col(string_len(Payment::OrderId, 36).unique_key())
                    .col(string_len(Payment::SubMchid, 32))
                    .col(big_integer(Payment::AmountFen))
                    .col(string_len(Payment::PayerOpenid, 64))
                    .col(string_len_null(Payment::PrepayId, 64))
                    .col(string_len_null(Payment::TransactionId, 32))
                    .col(timestamp_with_time_zone(Payment::ExpiresAt))
                    .col(timestamp_with_time_zone_null(Payment::PaidAt))
                    .col(timestamp_with_time_zone(Payment::CreatedAt))
                    .col(timestamp_with_time_zone(Payment::UpdatedAt))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(PaymentRefund::Table)
                    // Derived from the order and the request's key, so a retried request asks
                    // WeChat Pay with the same number (which refunds once).
                    .col(string_len(PaymentRefund::OutRefundNo, 64).primary_key())
                    .col(string_len(PaymentRefund::OrderId, 36))
                    .col(string_len(PaymentRefund::OutTradeNo, 32))
                    .col(big_integer(PaymentRefund::AmountFen))
                    .col(string_len(PaymentRefund::Reason, 80))
                    .col(string_len(PaymentRefund::State, 16))
                    .col(big_integer_null(PaymentRefund::RequestedBy))
                    .col(string_len_null(PaymentRefund::RefundId, 32))
                    .col(timestamp_with_time_zone(PaymentRefund::CreatedAt))
                    .col(timestamp_with_time_zone(PaymentRefund::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("payment_refund_order_idx")
                    .table(PaymentRefund::Table)
                    .col(PaymentRefund::OrderId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(PaymentEvent::Table)
                    .col(big_pk_auto(PaymentEvent::Id))
                    .col(string_len_null(PaymentEvent::OrderId, 36))
                    .col(string_len(PaymentEvent::OutTradeNo, 32))
                    .col(string_len(PaymentEvent::Kind, 16))
                    // A notification's own id (`id` of the envelope): duplicates are kept too.
                    .col(string_len_null(PaymentEvent::NoticeId, 64))
                    .col(integer_null(PaymentEvent::HttpStatus))
                    .col(text_null(PaymentEvent::Request))
                    // The answer as received, or a notification's verified, decrypted resource.
                    .col(text(PaymentEvent::Response))
                    .col(timestamp_with_time_zone(PaymentEvent::At))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("payment_event_trade_idx")
                    .table(PaymentEvent::Table)
                    .col(PaymentEvent::OutTradeNo)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            PaymentEvent::Table.into_iden(),
            PaymentRefund::Table.into_iden(),
            Payment::Table.into_iden(),
            MealPointPayment::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum MealPointPayment {
    Table,
    MealPointId,
    Methods,
    SubMchid,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Payment {
    Table,
    OutTradeNo,
    OrderId,
    SubMchid,
    AmountFen,
    PayerOpenid,
    PrepayId,
    TransactionId,
    ExpiresAt,
    PaidAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum PaymentRefund {
    Table,
    OutRefundNo,
    OrderId,
    OutTradeNo,
    AmountFen,
    Reason,
    State,
    RequestedBy,
    RefundId,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum PaymentEvent {
    Table,
    Id,
    OrderId,
    OutTradeNo,
    Kind,
    NoticeId,
    HttpStatus,
    Request,
    Response,
    At,
}
