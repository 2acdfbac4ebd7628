use sea_orm::entity::prelude::*;
use vocabulary::PaymentMethods;

/// How a meal point takes the elder's share; a meal point without a row takes it at the counter.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "meal_point_payment")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub meal_point_id: i64,
    pub methods: PaymentMethods,
    /// 子商户号 (partner mode): the meal point's own WeChat Pay merchant.
    pub sub_mchid: Option<String>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
