//! The profile's row, and the dishes the fit and the booking check read.

use chrono::{DateTime, Utc};
use entity::{dish, elder_diet, offering};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    sea_query::OnConflict,
};
use vocabulary::{Allergen, Diet};

/// An elder's diets and allergens as the rules use them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Profile {
    pub diets: Vec<Diet>,
    pub allergens: Vec<Allergen>,
    pub updated_at: Option<DateTime<Utc>>,
}

fn codes<T: Copy>(text: &str, parse: fn(&str) -> Option<T>, elder_id: i64) -> Vec<T> {
    text.split(',')
        .filter(|c| !c.is_empty())
        .filter_map(|code| {
            let value = parse(code);
            if value.is_none() {
                tracing::error!(elder = elder_id, code, "unknown diet code in the database");
            }
            value
        })
        .collect()
}

fn join<T: Copy>(values: &[T], as_str: fn(T) -> &'static str) -> String {
    values
        .iter()
        .map(|v| as_str(*v))
        .collect::<Vec<_>>()
        .join(",")
}

/// The elder's profile; empty when nothing was ever saved.
pub async fn profile(db: &impl ConnectionTrait, elder_id: i64) -> Result<Profile, sea_orm::DbErr> {
    Ok(elder_diet::Entity::find_by_id(elder_id)
        .one(db)
        .await?
        .map(|row| Profile {
            diets: codes(&row.diets, Diet::parse, elder_id),
            allergens: codes(&row.allergens, Allergen::parse, elder_id),
            updated_at: Some(row.updated_at),
        })
        .unwrap_or_default())
}

/// Replaces the profile in one statement (insert or update on the elder's key), so two editors
/// saving at once leave one whole profile, the last one's.
pub async fn save(
    db: &impl ConnectionTrait,
    elder_id: i64,
    diets: &[Diet],
    allergens: &[Allergen],
    by: i64,
    at: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    let row = elder_diet::ActiveModel {
        elder_id: Set(elder_id),
        diets: Set(join(diets, Diet::as_str)),
        allergens: Set(join(allergens, Allergen::as_str)),
        updated_by: Set(by),
        updated_at: Set(at),
    };
    elder_diet::Entity::insert(row)
        .on_conflict(
            OnConflict::column(elder_diet::Column::ElderId)
                .update_columns([
                    elder_diet::Column::Diets,
                    elder_diet::Column::Allergens,
                    elder_diet::Column::UpdatedBy,
                    elder_diet::Column::UpdatedAt,
                ])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// A meal point's dishes on sale, oldest first.
pub async fn active_dishes(
    db: &impl ConnectionTrait,
    meal_point_id: i64,
) -> Result<Vec<dish::Model>, sea_orm::DbErr> {
    dish::Entity::find()
        .filter(dish::Column::MealPointId.eq(meal_point_id))
        .filter(dish::Column::Active.eq(true))
        .order_by_asc(dish::Column::Id)
        .all(db)
        .await
}

/// The dishes behind some offerings (one query).
pub async fn dishes_of_offerings(
    db: &impl ConnectionTrait,
    offering_ids: &[i64],
) -> Result<Vec<dish::Model>, sea_orm::DbErr> {
    dish::Entity::find()
        .inner_join(offering::Entity)
        .filter(offering::Column::Id.is_in(offering_ids.iter().copied()))
        .all(db)
        .await
}
