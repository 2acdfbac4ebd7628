//! Demo payment methods: the demo operator's meal points take the elder's share online (WeChat
//! Pay, through the bundled fake) or at the counter, so a booking made days ahead is never
//! cancelled for want of payment; every other meal point at the counter. Only the `cargo run` demo seeds them, so the tests' booking
//! flows stay at the counter unless a test sets a meal point online itself.

use entity::meal_point_payment;
use vocabulary::PaymentMethods;

use crate::{error::AppResult, meal_points::store as meal_point_store, payments, state::AppState};

/// Made-up sub-merchant numbers the fake WeChat Pay accepts.
pub const DEMO_SUB_MCHIDS: [&str; 2] = ["1900000201", "1900000202"];

pub async fn seed(state: &AppState, operator_account_id: i64) -> AppResult<()> {
    let points = meal_point_store::meal_points_of_operator(&state.db, operator_account_id).await?;
    let now = state.clock.now();
    for (point, (methods, sub_mchid)) in points.iter().zip([
        (PaymentMethods::Both, DEMO_SUB_MCHIDS[0]),
        (PaymentMethods::Both, DEMO_SUB_MCHIDS[1]),
    ]) {
        payments::store::set_methods(
            &state.db,
            meal_point_payment::Model {
                meal_point_id: point.id,
                methods,
                sub_mchid: Some(sub_mchid.to_string()),
                updated_at: now,
            },
        )
        .await?;
    }
    Ok(())
}
