//! How payments react to orders (wired in `state::Reactions`).

use entity::meal_order;
use vocabulary::PaymentState;

use super::service;
use crate::{
    error::AppError,
    orders::payment_terms::PaymentTerms,
    state::{AppState, Reaction},
};

pub struct Payments;

impl PaymentTerms for Payments {
    fn initial_state<'a>(
        &'a self,
        state: &'a AppState,
        meal_point_id: i64,
        elder_share_fen: i64,
    ) -> Reaction<'a, PaymentState> {
        Box::pin(service::initial_state(
            state,
            meal_point_id,
            elder_share_fen,
        ))
    }

    fn cancelled<'a>(
        &'a self,
        state: &'a AppState,
        order: &'a meal_order::Model,
    ) -> Reaction<'a, ()> {
        Box::pin(async move {
            service::order_cancelled(state, order)
                .await
                .map_err(AppError::from)
        })
    }
}
