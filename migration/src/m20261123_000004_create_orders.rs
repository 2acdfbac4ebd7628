//! Orders: a booking of one elder at one meal point for one date and slot, its lines, and the
//! history of its state changes.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(MealOrder::Table)
                    // A UUID v7 chosen before the reservation, so the reservation store can
                    // remember it against the idempotency key in the same atomic step.
                    .col(string_len(MealOrder::Id, 36).primary_key())
                    .col(big_integer(MealOrder::AccountId))
                    .col(string_len(MealOrder::ClientKey, 128))
                    .col(string_len(MealOrder::PlacedByRole, 16))
                    .col(big_integer(MealOrder::ElderId))
                    .col(big_integer(MealOrder::MealPointId))
                    .col(string_len(MealOrder::ServiceDistrictCode, 16))
                    .col(string_len(MealOrder::FundingDistrictCode, 16))
                    .col(date(MealOrder::Date))
                    .col(string_len(MealOrder::Slot, 16))
                    .col(string_len(MealOrder::Mode, 16))
                    .col(string_len(MealOrder::State, 24))
                    .col(string_len(MealOrder::PickupCode, 8))
                    .col(big_integer(MealOrder::GrossFen))
                    .col(big_integer(MealOrder::SubsidyFen))
                    .col(big_integer(MealOrder::SubsidyCityFen))
                    .col(big_integer(MealOrder::SubsidyDistrictFen))
                    .col(big_integer(MealOrder::SubsidyStreetFen))
                    .col(big_integer(MealOrder::ElderShareFen))
                    .col(string_len_null(MealOrder::PolicyVersion, 64))
                    .col(text(MealOrder::QuoteJson))
                    .col(string_len(MealOrder::PaymentState, 24))
                    .col(string_len_null(MealOrder::DeliveryAddress, 200))
                    .col(string_len_null(MealOrder::DeliverySignedBy, 32))
                    .col(string_len_null(MealOrder::CancelReason, 200))
                    .col(timestamp_with_time_zone(MealOrder::CreatedAt))
                    .col(timestamp_with_time_zone(MealOrder::UpdatedAt))
                    .col(timestamp_with_time_zone_null(MealOrder::ServedAt))
                    .to_owned(),
            )
            .await?;
        for (name, columns, unique) in [
            // The global idempotency backstop: one order per key per account, whatever the store.
            (
                "meal_order_idempotency_key",
                vec![MealOrder::AccountId, MealOrder::ClientKey],
                true,
            ),
            // Pickup codes are looked up by meal point and date; they must not repeat there.
            (
                "meal_order_pickup_code_key",
                vec![
                    MealOrder::MealPointId,
                    MealOrder::Date,
                    MealOrder::PickupCode,
                ],
                true,
            ),
            (
                "meal_order_elder_date_idx",
                vec![MealOrder::ElderId, MealOrder::Date, MealOrder::Slot],
                false,
            ),
            (
                "meal_order_meal_point_date_idx",
                vec![MealOrder::MealPointId, MealOrder::Date, MealOrder::Slot],
                false,
            ),
            (
                "meal_order_state_date_idx",
                vec![MealOrder::State, MealOrder::Date],
                false,
            ),
        ] {
            let mut index = Index::create();
            index.name(name).table(MealOrder::Table);
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
                    .table(OrderItem::Table)
                    .col(big_pk_auto(OrderItem::Id))
                    .col(string_len(OrderItem::OrderId, 36))
                    .col(big_integer(OrderItem::OfferingId))
                    .col(string_len(OrderItem::DishName, 64))
                    .col(integer(OrderItem::Quantity))
                    .col(big_integer(OrderItem::UnitPriceFen))
                    .foreign_key(
                        ForeignKey::create()
                            .from(OrderItem::Table, OrderItem::OrderId)
                            .to(MealOrder::Table, MealOrder::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("order_item_order_idx")
                    .table(OrderItem::Table)
                    .col(OrderItem::OrderId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(OrderEvent::Table)
                    .col(big_pk_auto(OrderEvent::Id))
                    .col(string_len(OrderEvent::OrderId, 36))
                    .col(string_len_null(OrderEvent::FromState, 24))
                    .col(string_len(OrderEvent::ToState, 24))
                    // None when the system made the change (e.g. marking a no-show).
                    .col(big_integer_null(OrderEvent::ActorAccountId))
                    .col(string_len_null(OrderEvent::Note, 200))
                    .col(timestamp_with_time_zone(OrderEvent::At))
                    .foreign_key(
                        ForeignKey::create()
                            .from(OrderEvent::Table, OrderEvent::OrderId)
                            .to(MealOrder::Table, MealOrder::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("order_event_order_idx")
                    .table(OrderEvent::Table)
                    .col(OrderEvent::OrderId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            OrderEvent::Table.into_iden(),
            OrderItem::Table.into_iden(),
            MealOrder::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum MealOrder {
    Table,
    Id,
    AccountId,
    ClientKey,
    PlacedByRole,
    ElderId,
    MealPointId,
    ServiceDistrictCode,
    FundingDistrictCode,
    Date,
    Slot,
    Mode,
    State,
    PickupCode,
    GrossFen,
    SubsidyFen,
    SubsidyCityFen,
    SubsidyDistrictFen,
    SubsidyStreetFen,
    ElderShareFen,
    PolicyVersion,
    QuoteJson,
    PaymentState,
    DeliveryAddress,
    DeliverySignedBy,
    CancelReason,
    CreatedAt,
    UpdatedAt,
    ServedAt,
}

#[derive(DeriveIden)]
enum OrderItem {
    Table,
    Id,
    OrderId,
    OfferingId,
    DishName,
    Quantity,
    UnitPriceFen,
}

#[derive(DeriveIden)]
enum OrderEvent {
    Table,
    Id,
    OrderId,
    FromState,
    ToState,
    ActorAccountId,
    Note,
    At,
}
