//! Districts and streets in the database.

use entity::{district, street};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder,
};

use super::DistrictRecord;

pub async fn list_districts(db: &impl ConnectionTrait) -> Result<Vec<district::Model>, DbErr> {
    district::Entity::find()
        .order_by_asc(district::Column::Code)
        .all(db)
        .await
}

pub async fn find_district(
    db: &impl ConnectionTrait,
    code: &str,
) -> Result<Option<district::Model>, DbErr> {
    district::Entity::find_by_id(code.to_string()).one(db).await
}

pub async fn list_streets(
    db: &impl ConnectionTrait,
    district_code: &str,
) -> Result<Vec<street::Model>, DbErr> {
    street::Entity::find()
        .filter(street::Column::DistrictCode.eq(district_code))
        .order_by_asc(street::Column::Id)
        .all(db)
        .await
}

pub async fn count_districts(db: &impl ConnectionTrait) -> Result<u64, DbErr> {
    district::Entity::find().count(db).await
}

pub async fn insert_districts(
    db: &impl ConnectionTrait,
    city: &str,
    districts: &[DistrictRecord],
) -> Result<(), DbErr> {
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
pub async fn insert_streets(
    db: &impl ConnectionTrait,
    streets: &[(&str, &str)],
) -> Result<(), DbErr> {
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
