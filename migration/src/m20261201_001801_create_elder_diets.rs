//! An elder's diets and allergens (膳食与过敏), one row per elder who has any.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ElderDiet::Table)
                    // One profile per elder: the elder's id is the key, so two editors saving at
                    // once update one row instead of creating two.
                    .col(big_integer(ElderDiet::ElderId).primary_key())
                    // Comma-separated codes, as dishes keep their tags and allergens.
                    .col(string_len(ElderDiet::Diets, 200).default(""))
                    .col(string_len(ElderDiet::Allergens, 200).default(""))
                    .col(big_integer(ElderDiet::UpdatedBy))
                    .col(timestamp_with_time_zone(ElderDiet::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ElderDiet::Table, ElderDiet::ElderId)
                            .to(Elder::Table, Elder::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ElderDiet::Table, ElderDiet::UpdatedBy)
                            .to(Account::Table, Account::Id),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ElderDiet::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum ElderDiet {
    Table,
    ElderId,
    Diets,
    Allergens,
    UpdatedBy,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Elder {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Account {
    Table,
    Id,
}
