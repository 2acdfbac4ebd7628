//! Feedback: ratings of served orders, complaints with their steps, inspector accounts and their
//! scored visits to meal points.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Rating::Table)
                    .col(big_pk_auto(Rating::Id))
                    // One rating per order: the unique key is the backstop against a double tap.
                    .col(string_len(Rating::OrderId, 36).unique_key())
                    .col(big_integer(Rating::MealPointId))
                    .col(big_integer(Rating::ElderId))
                    .col(big_integer(Rating::AccountId))
                    .col(integer(Rating::Overall))
                    .col(integer(Rating::Taste))
                    .col(integer(Rating::Portion))
                    .col(integer(Rating::Hygiene))
                    .col(integer(Rating::Service))
                    .col(text_null(Rating::Comment))
                    // A JSON array of photo URLs.
                    .col(text(Rating::PhotosJson))
                    .col(timestamp_with_time_zone(Rating::CreatedAt))
                    .col(text_null(Rating::ReplyText))
                    .col(big_integer_null(Rating::ReplyAccountId))
                    .col(timestamp_with_time_zone_null(Rating::RepliedAt))
                    // The city hides a rating that breaks the rules; it is never edited or deleted.
                    .col(boolean(Rating::Hidden).default(false))
                    .col(string_len_null(Rating::HiddenReason, 200))
                    .col(big_integer_null(Rating::HiddenBy))
                    .col(timestamp_with_time_zone_null(Rating::HiddenAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Rating::Table, Rating::OrderId)
                            .to(MealOrder::Table, MealOrder::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("rating_meal_point_created_idx")
                    .table(Rating::Table)
                    .col(Rating::MealPointId)
                    .col(Rating::CreatedAt)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Complaint::Table)
                    .col(big_pk_auto(Complaint::Id))
                    .col(big_integer(Complaint::MealPointId))
                    // The meal point's district when the complaint was made: whose clerk sees it
                    // and where it escalates to.
                    .col(string_len(Complaint::DistrictCode, 16))
                    .col(string_len_null(Complaint::OrderId, 36))
                    .col(big_integer_null(Complaint::ElderId))
                    .col(big_integer(Complaint::ComplainantAccountId))
                    .col(string_len(Complaint::ComplainantRole, 16))
                    .col(string_len(Complaint::Category, 24))
                    .col(text(Complaint::Text))
                    .col(string_len(Complaint::State, 16))
                    .col(timestamp_with_time_zone(Complaint::AckDueAt))
                    .col(timestamp_with_time_zone(Complaint::ResolveDueAt))
                    .col(timestamp_with_time_zone_null(Complaint::AcknowledgedAt))
                    .col(timestamp_with_time_zone_null(Complaint::EscalatedAt))
                    .col(timestamp_with_time_zone_null(Complaint::ResolvedAt))
                    .col(timestamp_with_time_zone_null(Complaint::ClosedAt))
                    .col(timestamp_with_time_zone(Complaint::CreatedAt))
                    .col(timestamp_with_time_zone(Complaint::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        for (name, columns) in [
            (
                "complaint_meal_point_idx",
                vec![Complaint::MealPointId, Complaint::CreatedAt],
            ),
            (
                "complaint_district_idx",
                vec![Complaint::DistrictCode, Complaint::CreatedAt],
            ),
            (
                "complaint_state_due_idx",
                vec![Complaint::State, Complaint::AckDueAt],
            ),
            (
                "complaint_complainant_idx",
                vec![Complaint::ComplainantAccountId],
            ),
            ("complaint_elder_idx", vec![Complaint::ElderId]),
        ] {
            let mut index = Index::create();
            index.name(name).table(Complaint::Table);
            for column in columns {
                index.col(column);
            }
            manager.create_index(index.to_owned()).await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(ComplaintStep::Table)
                    .col(big_pk_auto(ComplaintStep::Id))
                    .col(big_integer(ComplaintStep::ComplaintId))
                    .col(string_len_null(ComplaintStep::FromState, 16))
                    .col(string_len(ComplaintStep::ToState, 16))
                    // None when the service made the step (escalation on a missed deadline).
                    .col(big_integer_null(ComplaintStep::ActorAccountId))
                    .col(string_len_null(ComplaintStep::ActorRole, 16))
                    .col(text(ComplaintStep::Note))
                    .col(timestamp_with_time_zone(ComplaintStep::At))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ComplaintStep::Table, ComplaintStep::ComplaintId)
                            .to(Complaint::Table, Complaint::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("complaint_step_complaint_idx")
                    .table(ComplaintStep::Table)
                    .col(ComplaintStep::ComplaintId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Inspector::Table)
                    .col(big_integer(Inspector::AccountId).primary_key())
                    .col(string_len(Inspector::Organisation, 64))
                    .col(big_integer(Inspector::CreatedBy))
                    .col(timestamp_with_time_zone(Inspector::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Inspector::Table, Inspector::AccountId)
                            .to(Account::Table, Account::Id),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Inspection::Table)
                    .col(big_pk_auto(Inspection::Id))
                    .col(big_integer(Inspection::MealPointId))
                    .col(big_integer(Inspection::InspectorAccountId))
                    .col(date(Inspection::Date))
                    .col(integer(Inspection::FoodSafety))
                    .col(integer(Inspection::Hygiene))
                    .col(integer(Inspection::Service))
                    .col(integer_null(Inspection::Nutrition))
                    .col(text(Inspection::Notes))
                    // 留样: the kitchen kept a sample of each dish, as food-safety rules require.
                    .col(boolean(Inspection::SampleRetained))
                    .col(timestamp_with_time_zone(Inspection::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("inspection_meal_point_date_idx")
                    .table(Inspection::Table)
                    .col(Inspection::MealPointId)
                    .col(Inspection::Date)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Inspection::Table.into_iden(),
            Inspector::Table.into_iden(),
            ComplaintStep::Table.into_iden(),
            Complaint::Table.into_iden(),
            Rating::Table.into_iden(),
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
}

#[derive(DeriveIden)]
enum Account {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Rating {
    Table,
    Id,
    OrderId,
    MealPointId,
    ElderId,
    AccountId,
    Overall,
    Taste,
    Portion,
    Hygiene,
    Service,
    Comment,
    PhotosJson,
    CreatedAt,
    ReplyText,
    ReplyAccountId,
    RepliedAt,
    Hidden,
    HiddenReason,
    HiddenBy,
    HiddenAt,
}

#[derive(DeriveIden)]
enum Complaint {
    Table,
    Id,
    MealPointId,
    DistrictCode,
    OrderId,
    ElderId,
    ComplainantAccountId,
    ComplainantRole,
    Category,
    Text,
    State,
    AckDueAt,
    ResolveDueAt,
    AcknowledgedAt,
    EscalatedAt,
    ResolvedAt,
    ClosedAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ComplaintStep {
    Table,
    Id,
    ComplaintId,
    FromState,
    ToState,
    ActorAccountId,
    ActorRole,
    Note,
    At,
}

#[derive(DeriveIden)]
enum Inspector {
    Table,
    AccountId,
    Organisation,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Inspection {
    Table,
    Id,
    MealPointId,
    InspectorAccountId,
    Date,
    FoodSafety,
    Hygiene,
    Service,
    Nutrition,
    Notes,
    SampleRetained,
    CreatedAt,
}
