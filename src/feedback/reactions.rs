//! How feedback serves other domains (wired in `state::Reactions`).

use std::collections::HashMap;

use super::service::rating_summaries;
use crate::{
    meal_points::{RatingGlances, http::RatingSummaryView},
    state::{AppState, Reaction},
};

/// The rating summary shown with every meal point.
pub struct Glances;

impl RatingGlances for Glances {
    fn of<'a>(
        &'a self,
        state: &'a AppState,
        meal_point_ids: &'a [i64],
    ) -> Reaction<'a, HashMap<i64, RatingSummaryView>> {
        Box::pin(async move {
            Ok(rating_summaries(state, meal_point_ids)
                .await?
                .into_iter()
                .map(|(id, summary)| (id, summary.into()))
                .collect())
        })
    }
}
