//! The 留样 rows.

use chrono::{DateTime, NaiveDate, Utc};
use entity::food_sample;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    sea_query::OnConflict,
};
use vocabulary::Slot;

use super::rules::SampleEntry;

/// A day's entries at a meal point.
pub async fn samples_of_day(
    db: &impl ConnectionTrait,
    meal_point_id: i64,
    date: NaiveDate,
) -> Result<Vec<food_sample::Model>, sea_orm::DbErr> {
    food_sample::Entity::find()
        .filter(food_sample::Column::MealPointId.eq(meal_point_id))
        .filter(food_sample::Column::Date.eq(date))
        .order_by_asc(food_sample::Column::Id)
        .all(db)
        .await
}

pub async fn find(
    db: &impl ConnectionTrait,
    meal_point_id: i64,
    date: NaiveDate,
    slot: Slot,
    dish_id: i64,
) -> Result<Option<food_sample::Model>, sea_orm::DbErr> {
    food_sample::Entity::find()
        .filter(food_sample::Column::MealPointId.eq(meal_point_id))
        .filter(food_sample::Column::Date.eq(date))
        .filter(food_sample::Column::Slot.eq(slot))
        .filter(food_sample::Column::DishId.eq(dish_id))
        .one(db)
        .await
}

pub fn entry_of(row: &food_sample::Model) -> SampleEntry {
    SampleEntry {
        kept: row.kept,
        kept_at: row.kept_at,
        photo_url: row.photo_url.clone(),
        discarded_at: row.discarded_at,
    }
}

/// Where one dish's entry is kept.
pub struct SampleKey {
    pub meal_point_id: i64,
    pub date: NaiveDate,
    pub slot: Slot,
    pub dish_id: i64,
}

/// Writes one dish's entry (insert, or update on the meal point, date, slot and dish key), so two
/// writes of one entry leave one row.
pub async fn save(
    db: &impl ConnectionTrait,
    key: &SampleKey,
    entry: &SampleEntry,
    by: i64,
    at: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    let row = food_sample::ActiveModel {
        meal_point_id: Set(key.meal_point_id),
        date: Set(key.date),
        slot: Set(key.slot),
        dish_id: Set(key.dish_id),
        kept: Set(entry.kept),
        kept_at: Set(entry.kept_at),
        photo_url: Set(entry.photo_url.clone()),
        discarded_at: Set(entry.discarded_at),
        recorded_by: Set(by),
        updated_at: Set(at),
        ..Default::default()
    };
    food_sample::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([
                food_sample::Column::MealPointId,
                food_sample::Column::Date,
                food_sample::Column::Slot,
                food_sample::Column::DishId,
            ])
            .update_columns([
                food_sample::Column::Kept,
                food_sample::Column::KeptAt,
                food_sample::Column::PhotoUrl,
                food_sample::Column::DiscardedAt,
                food_sample::Column::RecordedBy,
                food_sample::Column::UpdatedAt,
            ])
            .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}
