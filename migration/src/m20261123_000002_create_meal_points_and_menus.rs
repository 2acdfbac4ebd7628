//! Meal points (助餐点), the operators who run them, their dishes and offerings (the menu).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(MealPoint::Table)
                    .col(big_pk_auto(MealPoint::Id))
                    .col(string_len(MealPoint::Name, 64))
                    // A code such as `community_canteen`; the rules know the list.
                    .col(string_len(MealPoint::Kind, 32))
                    .col(string_len(MealPoint::DistrictCode, 16))
                    .col(big_integer(MealPoint::StreetId))
                    .col(string_len(MealPoint::Address, 200))
                    // GCJ-02 degrees, as WeChat's map returns them.
                    .col(double(MealPoint::Lat))
                    .col(double(MealPoint::Lng))
                    .col(string_len(MealPoint::Phone, 20))
                    .col(boolean(MealPoint::DineIn))
                    .col(boolean(MealPoint::Pickup))
                    .col(boolean(MealPoint::Delivery))
                    .col(integer_null(MealPoint::DeliveryRadiusM))
                    // Bit d-1 set = open on ISO weekday d (1 = Monday), so "open on a date" is
                    // one bitwise AND in SQL.
                    .col(small_integer(MealPoint::OpeningDays))
                    // A slot's times are null when the meal point does not serve that slot.
                    .col(time_null(MealPoint::BreakfastOpens))
                    .col(time_null(MealPoint::BreakfastCloses))
                    .col(time_null(MealPoint::LunchOpens))
                    .col(time_null(MealPoint::LunchCloses))
                    .col(time_null(MealPoint::DinnerOpens))
                    .col(time_null(MealPoint::DinnerCloses))
                    .col(integer(MealPoint::OrderLeadMinutes).default(120))
                    .col(integer(MealPoint::BookingDaysAhead).default(7))
                    .col(string_len(MealPoint::FoodLicenceNo, 16))
                    .col(string_len(MealPoint::Status, 16).default("open"))
                    .col(string_len_null(MealPoint::StatusReason, 400))
                    .col(date_null(MealPoint::StatusFrom))
                    .col(date_null(MealPoint::StatusUntil))
                    .col(boolean(MealPoint::Demonstration).default(false))
                    .col(small_integer_null(MealPoint::StarGrade))
                    .col(text_null(MealPoint::LiveVideoUrl))
                    .col(timestamp_with_time_zone(MealPoint::CreatedAt))
                    .col(timestamp_with_time_zone(MealPoint::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(MealPoint::Table, MealPoint::DistrictCode)
                            .to(District::Table, District::Code),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(MealPoint::Table, MealPoint::StreetId)
                            .to(Street::Table, Street::Id),
                    )
                    .to_owned(),
            )
            .await?;
        // The near search's prefilter: a lat range narrows the index, lng is checked from it.
        manager
            .create_index(
                Index::create()
                    .name("meal_point_lat_lng_idx")
                    .table(MealPoint::Table)
                    .col(MealPoint::Lat)
                    .col(MealPoint::Lng)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("meal_point_district_idx")
                    .table(MealPoint::Table)
                    .col(MealPoint::DistrictCode)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(MealPointOperator::Table)
                    .col(big_integer(MealPointOperator::MealPointId))
                    .col(big_integer(MealPointOperator::AccountId))
                    .col(timestamp_with_time_zone(MealPointOperator::CreatedAt))
                    .primary_key(
                        Index::create()
                            .col(MealPointOperator::MealPointId)
                            .col(MealPointOperator::AccountId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(MealPointOperator::Table, MealPointOperator::MealPointId)
                            .to(MealPoint::Table, MealPoint::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(MealPointOperator::Table, MealPointOperator::AccountId)
                            .to(Account::Table, Account::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // "Which meal points do I run?" is asked by account.
        manager
            .create_index(
                Index::create()
                    .name("meal_point_operator_account_idx")
                    .table(MealPointOperator::Table)
                    .col(MealPointOperator::AccountId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Dish::Table)
                    .col(big_pk_auto(Dish::Id))
                    .col(big_integer(Dish::MealPointId))
                    .col(string_len(Dish::Name, 64))
                    .col(text_null(Dish::PhotoUrl))
                    .col(big_integer(Dish::PriceFen))
                    // Comma-separated codes in canonical order, e.g. `low_salt,soft`.
                    .col(string_len(Dish::Tags, 200).default(""))
                    .col(string_len(Dish::Allergens, 200).default(""))
                    .col(boolean(Dish::Active).default(true))
                    .col(timestamp_with_time_zone(Dish::CreatedAt))
                    .col(timestamp_with_time_zone(Dish::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Dish::Table, Dish::MealPointId)
                            .to(MealPoint::Table, MealPoint::Id),
                    )
                    .to_owned(),
            )
            .await?;
        // Two dishes of one meal point with one name would be indistinguishable on the menu.
        manager
            .create_index(
                Index::create()
                    .name("dish_meal_point_name_key")
                    .table(Dish::Table)
                    .col(Dish::MealPointId)
                    .col(Dish::Name)
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Offering::Table)
                    .col(big_pk_auto(Offering::Id))
                    .col(big_integer(Offering::MealPointId))
                    .col(big_integer(Offering::DishId))
                    .col(date(Offering::Date))
                    .col(string_len(Offering::Slot, 16))
                    .col(integer(Offering::Portions))
                    // Portions held by live orders; booking and cancelling change it in the same
                    // transaction as the order.
                    .col(integer(Offering::Booked).default(0))
                    .col(big_integer(Offering::PriceFen))
                    .col(timestamp_with_time_zone(Offering::CutoffAt))
                    .col(date(Offering::OpensOn))
                    .col(timestamp_with_time_zone(Offering::CreatedAt))
                    .col(timestamp_with_time_zone(Offering::UpdatedAt))
                    // The database's own guard against overselling, whatever the code does.
                    .check((
                        Alias::new("offering_portions_check"),
                        Expr::col(Offering::Booked)
                            .gte(0)
                            .and(Expr::col(Offering::Booked).lte(Expr::col(Offering::Portions))),
                    ))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Offering::Table, Offering::MealPointId)
                            .to(MealPoint::Table, MealPoint::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Offering::Table, Offering::DishId)
                            .to(Dish::Table, Dish::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("offering_dish_date_slot_key")
                    .table(Offering::Table)
                    .col(Offering::DishId)
                    .col(Offering::Date)
                    .col(Offering::Slot)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("offering_meal_point_date_idx")
                    .table(Offering::Table)
                    .col(Offering::MealPointId)
                    .col(Offering::Date)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Offering::Table.into_iden(),
            Dish::Table.into_iden(),
            MealPointOperator::Table.into_iden(),
            MealPoint::Table.into_iden(),
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
enum MealPoint {
    Table,
    Id,
    Name,
    Kind,
    DistrictCode,
    StreetId,
    Address,
    Lat,
    Lng,
    Phone,
    DineIn,
    Pickup,
    Delivery,
    DeliveryRadiusM,
    OpeningDays,
    BreakfastOpens,
    BreakfastCloses,
    LunchOpens,
    LunchCloses,
    DinnerOpens,
    DinnerCloses,
    OrderLeadMinutes,
    BookingDaysAhead,
    FoodLicenceNo,
    Status,
    StatusReason,
    StatusFrom,
    StatusUntil,
    Demonstration,
    StarGrade,
    LiveVideoUrl,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum MealPointOperator {
    Table,
    MealPointId,
    AccountId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Dish {
    Table,
    Id,
    MealPointId,
    Name,
    PhotoUrl,
    PriceFen,
    Tags,
    Allergens,
    Active,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Offering {
    Table,
    Id,
    MealPointId,
    DishId,
    Date,
    Slot,
    Portions,
    Booked,
    PriceFen,
    CutoffAt,
    OpensOn,
    CreatedAt,
    UpdatedAt,
}
