//! How orders react to other domains' changes (wired in `state::Reactions`).

use entity::{meal_point, offering};

use super::service;
use crate::{
    meal_points::{BookingsOnSuspension, store as meal_points},
    menus::CapacityChanges,
    state::{AppState, Reaction},
};

/// A meal point pausing or closing cancels its bookings of the days covered; capacity published
/// or changed reaches the reservation store.
pub struct Bookings;

impl BookingsOnSuspension for Bookings {
    fn status_changed<'a>(
        &'a self,
        state: &'a AppState,
        meal_point: &'a meal_point::Model,
    ) -> Reaction<'a, ()> {
        Box::pin(async move {
            service::status_changed(state, meal_point).await;
            Ok(())
        })
    }

    fn suspended<'a>(
        &'a self,
        state: &'a AppState,
        actor: i64,
        meal_point: &'a meal_point::Model,
        reason: &'a str,
    ) -> Reaction<'a, u32> {
        Box::pin(async move {
            service::cancel_for_closure(
                state,
                actor,
                meal_point.id,
                |date| !meal_points::takes_bookings_on(meal_point, date),
                reason,
            )
            .await
        })
    }
}

impl CapacityChanges for Bookings {
    fn published<'a>(
        &'a self,
        state: &'a AppState,
        offerings: &'a [offering::Model],
    ) -> Reaction<'a, ()> {
        Box::pin(async move {
            service::offerings_published(state, offerings).await;
            Ok(())
        })
    }

    fn portions_changed<'a>(
        &'a self,
        state: &'a AppState,
        offering: &'a offering::Model,
        delta: i32,
    ) -> Reaction<'a, ()> {
        Box::pin(async move {
            service::portions_changed(state, offering, delta).await;
            Ok(())
        })
    }
}
