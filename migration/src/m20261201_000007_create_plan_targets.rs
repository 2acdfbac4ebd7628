//! The plan's meal-point targets (the city enters or imports them), and an index for the
//! dashboard's aggregates over served orders.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(MealPointTarget::Table)
                    .col(big_pk_auto(MealPointTarget::Id))
                    // A district code, or `city` for a city-wide target: a real value rather than
                    // NULL so the unique key below also holds for city rows on PostgreSQL.
                    .col(string_len(MealPointTarget::Scope, 16))
                    .col(integer(MealPointTarget::FromYear))
                    .col(integer(MealPointTarget::ToYear))
                    .col(integer(MealPointTarget::Target))
                    .col(big_integer(MealPointTarget::UpdatedBy))
                    .col(timestamp_with_time_zone(MealPointTarget::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("meal_point_target_scope_years_idx")
                    .table(MealPointTarget::Table)
                    .col(MealPointTarget::Scope)
                    .col(MealPointTarget::FromYear)
                    .col(MealPointTarget::ToYear)
                    .unique()
                    .to_owned(),
            )
            .await?;
        // The dashboard groups a period's served orders by day and district: with the districts
        // in the index PostgreSQL answers the meal counts from the index alone.
        manager
            .create_index(
                Index::create()
                    .name("meal_order_state_date_districts_idx")
                    .table(MealOrder::Table)
                    .col(MealOrder::State)
                    .col(MealOrder::Date)
                    .col(MealOrder::ServiceDistrictCode)
                    .col(MealOrder::FundingDistrictCode)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("meal_order_state_date_districts_idx")
                    .table(MealOrder::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(MealPointTarget::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum MealPointTarget {
    Table,
    Id,
    Scope,
    FromYear,
    ToYear,
    Target,
    UpdatedBy,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum MealOrder {
    Table,
    State,
    Date,
    ServiceDistrictCode,
    FundingDistrictCode,
}
