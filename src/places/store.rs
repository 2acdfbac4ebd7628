//! Districts and streets in the database.

use entity::{district, street};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder,
};

use super::DistrictRecord;
use crate::error::{AppError, AppResult};

pub async fn list_districts(db: &impl ConnectionTrait) -> AppResult<Vec<district::Model>> {
    Ok(district::Entity::find()
        .order_by_asc(district::Column::Code)
        .all(db)
        .await?)
}

pub async fn find_district(
    db: &impl ConnectionTrait,
    code: &str,
) -> AppResult<Option<district::Model>> {
    Ok(district::Entity::find_by_id(code.to_string())
        .one(db)
        .await?)
}

/// The district, or a 404 that names the field a caller sent it in.
pub async fn require_district(db: &impl ConnectionTrait, code: &str) -> AppResult<district::Model> {
    find_district(db, code).await?.ok_or_else(|| {
        AppError::not_found("DISTRICT_NOT_FOUND", format!("没有编码为 {code} 的区"))
            .with_field("district_code")
    })
}

pub async fn list_streets(
    db: &impl ConnectionTrait,
    district_code: &str,
) -> AppResult<Vec<street::Model>> {
    Ok(street::Entity::find()
        .filter(street::Column::DistrictCode.eq(district_code))
        .order_by_asc(street::Column::Id)
        .all(db)
        .await?)
}

pub async fn count_districts(db: &impl ConnectionTrait) -> AppResult<u64> {
    Ok(district::Entity::find().count(db).await?)
}

pub async fn insert_districts(
    db: &impl ConnectionTrait,
    city: &str,
    districts: &[DistrictRecord],
) -> AppResult<()> {
    district::Entity::insert_many(districts.iter().map(|d| district::ActiveModel {
        code: Set(d.code.clone()),
        name: Set(d.name.clone()),
        kind: Set(d.kind),
        city: Set(city.to_string()),
    }))
    .exec(db)
    .await?;
    Ok(())
}

/// Inserts `(district code, street name)` pairs.
pub async fn insert_streets(db: &impl ConnectionTrait, streets: &[(&str, &str)]) -> AppResult<()> {
    if streets.is_empty() {
        return Ok(());
    }
    street::Entity::insert_many(streets.iter().map(|(district, name)| street::ActiveModel {
        district_code: Set(district.to_string()),
        name: Set(name.to_string()),
        ..Default::default()
    }))
    .exec(db)
    .await?;
    Ok(())
}
