//! The operator's daily 留样 log: one row per meal point, date, slot and dish.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(FoodSample::Table)
                    .col(big_pk_auto(FoodSample::Id))
                    .col(big_integer(FoodSample::MealPointId))
                    .col(date(FoodSample::Date))
                    .col(string_len(FoodSample::Slot, 16))
                    .col(big_integer(FoodSample::DishId))
                    .col(boolean(FoodSample::Kept))
                    .col(timestamp_with_time_zone_null(FoodSample::KeptAt))
                    .col(string_len_null(FoodSample::PhotoUrl, 500))
                    .col(timestamp_with_time_zone_null(FoodSample::DiscardedAt))
                    .col(big_integer(FoodSample::RecordedBy))
                    .col(timestamp_with_time_zone(FoodSample::UpdatedAt))
                    // Whatever the code does, a sample is never recorded as discarded before
                    // the 48 hours (the rule is in `samples::rules`; this is its last line).
                    .check(Expr::cust(
                        "discarded_at IS NULL OR (kept AND kept_at IS NOT NULL)",
                    ))
                    .foreign_key(
                        ForeignKey::create()
                            .from(FoodSample::Table, FoodSample::MealPointId)
                            .to(MealPoint::Table, MealPoint::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(FoodSample::Table, FoodSample::DishId)
                            .to(Dish::Table, Dish::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(FoodSample::Table, FoodSample::RecordedBy)
                            .to(Account::Table, Account::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("food_sample_point_day_dish_key")
                    .table(FoodSample::Table)
                    .col(FoodSample::MealPointId)
                    .col(FoodSample::Date)
                    .col(FoodSample::Slot)
                    .col(FoodSample::DishId)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(FoodSample::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum FoodSample {
    Table,
    Id,
    MealPointId,
    Date,
    Slot,
    DishId,
    Kept,
    KeptAt,
    PhotoUrl,
    DiscardedAt,
    RecordedBy,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum MealPoint {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Dish {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Account {
    Table,
    Id,
}
