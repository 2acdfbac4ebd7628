//! Schema migrations, run by the service at start-up (`Migrator::up`).
//!
//! One file per change, named `mYYYYMMDD_HHMMSS_<verb>_<object>.rs`. Migrations never import the
//! `entity` crate: a migration must keep meaning what it meant when it shipped, whatever the
//! entities become later.

pub use sea_orm_migration::prelude::*;

mod m20261123_000001_create_places_and_accounts;
mod m20261123_000002_create_meal_points_and_menus;
mod m20261123_000003_create_elders_and_policies;
mod m20261123_000004_create_orders;
mod m20261123_000005_create_settlement;
mod m20261123_000006_create_feedback;
mod m20261201_000007_create_plan_targets;
mod m20261201_000008_release_claimed_id_numbers;
mod m20261201_000009_create_payments;
mod m20261201_001601_create_notices;
mod m20261201_001603_create_counter_payments;
mod m20261201_001801_create_elder_diets;
mod m20261201_001802_create_food_samples;
mod m20261201_002001_create_reconciliation;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261123_000001_create_places_and_accounts::Migration),
            Box::new(m20261123_000002_create_meal_points_and_menus::Migration),
            Box::new(m20261123_000003_create_elders_and_policies::Migration),
            Box::new(m20261123_000004_create_orders::Migration),
            Box::new(m20261123_000005_create_settlement::Migration),
            Box::new(m20261123_000006_create_feedback::Migration),
            Box::new(m20261201_000007_create_plan_targets::Migration),
            Box::new(m20261201_000008_release_claimed_id_numbers::Migration),
            Box::new(m20261201_001801_create_elder_diets::Migration),
            Box::new(m20261201_001802_create_food_samples::Migration),
            Box::new(m20261201_000009_create_payments::Migration),
            Box::new(m20261201_001601_create_notices::Migration),
            Box::new(m20261201_002001_create_reconciliation::Migration),
            Box::new(m20261201_001603_create_counter_payments::Migration),
        ]
    }
}
