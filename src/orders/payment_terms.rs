//! What orders need from the payment of the elder's share, as a narrow trait: the payments domain
//! implements it (it reads orders, so orders must not name it), start-up wires it in
//! `state::Reactions`.

use entity::meal_order;
use vocabulary::PaymentState;

use crate::state::{AppState, Reaction};

pub trait PaymentTerms: Send + Sync {
    /// The payment state a new order at this meal point starts in: nothing to pay, at the
    /// counter, or pending online (the booking then lapses unpaid).
    fn initial_state<'a>(
        &'a self,
        state: &'a AppState,
        meal_point_id: i64,
        elder_share_fen: i64,
    ) -> Reaction<'a, PaymentState>;

    /// An order was cancelled (committed): its money goes back, or its open trade is closed.
    fn cancelled<'a>(
        &'a self,
        state: &'a AppState,
        order: &'a meal_order::Model,
    ) -> Reaction<'a, ()>;
}
