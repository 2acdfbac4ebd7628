use sea_orm::entity::prelude::*;
use vocabulary::{MealPointKind, MealPointStatusKind};

/// A meal point (助餐点): where elders eat or collect meals. Codes and rules live in the service's
/// `meal_points` domain; this is only the row.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "meal_point")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub name: String,
    pub kind: MealPointKind,
    pub district_code: String,
    pub street_id: i64,
    pub address: String,
    /// GCJ-02 latitude.
    pub lat: f64,
    /// GCJ-02 longitude.
    pub lng: f64,
    pub phone: String,
    pub dine_in: bool,
    pub pickup: bool,
    pub delivery: bool,
    /// Set exactly when `delivery` is.
    pub delivery_radius_m: Option<i32>,
    /// Bit d-1 set = open on ISO weekday d (1 = Monday … 7 = Sunday).
    pub opening_days: i16,
    pub breakfast_opens: Option<Time>,
    pub breakfast_closes: Option<Time>,
    pub lunch_opens: Option<Time>,
    pub lunch_closes: Option<Time>,
    pub dinner_opens: Option<Time>,
    pub dinner_closes: Option<Time>,
    /// Ordering closes this many minutes before a slot opens.
    pub order_lead_minutes: i32,
    /// Booking for a date opens this many days before it.
    pub booking_days_ahead: i32,
    pub food_licence_no: String,
    pub status: MealPointStatusKind,
    pub status_reason: Option<String>,
    pub status_from: Option<Date>,
    /// Last day of a pause or closure (inclusive); none = no planned end.
    pub status_until: Option<Date>,
    /// 示范助餐点, assigned by the city.
    pub demonstration: bool,
    /// 1..=5, assigned by the city.
    pub star_grade: Option<i16>,
    /// 明厨亮灶 live kitchen video (https).
    pub live_video_url: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::district::Entity",
        from = "Column::DistrictCode",
        to = "super::district::Column::Code"
    )]
    District,
    #[sea_orm(
        belongs_to = "super::street::Entity",
        from = "Column::StreetId",
        to = "super::street::Column::Id"
    )]
    Street,
    #[sea_orm(has_many = "super::dish::Entity")]
    Dish,
    #[sea_orm(has_many = "super::offering::Entity")]
    Offering,
    #[sea_orm(has_many = "super::meal_point_operator::Entity")]
    MealPointOperator,
    #[sea_orm(has_many = "super::meal_order::Entity")]
    MealOrder,
    #[sea_orm(has_many = "super::rating::Entity")]
    Rating,
    #[sea_orm(has_many = "super::complaint::Entity")]
    Complaint,
    #[sea_orm(has_many = "super::inspection::Entity")]
    Inspection,
}

impl Related<super::district::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::District.def()
    }
}

impl Related<super::street::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Street.def()
    }
}

impl Related<super::dish::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Dish.def()
    }
}

impl Related<super::offering::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Offering.def()
    }
}

impl Related<super::meal_point_operator::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::MealPointOperator.def()
    }
}

impl Related<super::meal_order::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::MealOrder.def()
    }
}

impl Related<super::rating::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Rating.def()
    }
}

impl Related<super::complaint::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Complaint.def()
    }
}

impl Related<super::inspection::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Inspection.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
