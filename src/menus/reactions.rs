//! How menus react to other domains' changes (wired in `state::Reactions`).

use sea_orm::DatabaseTransaction;

use super::store;
use crate::{
    meal_points::{OfferingsOnScheduleChange, service::ScheduleChange},
    state::Reaction,
};

/// New hours or booking times of a meal point move its offerings' booking windows.
pub struct Reschedule;

impl OfferingsOnScheduleChange for Reschedule {
    fn schedule_changed<'a>(
        &'a self,
        txn: &'a DatabaseTransaction,
        change: ScheduleChange<'a>,
    ) -> Reaction<'a, ()> {
        Box::pin(async move {
            store::reschedule_from(
                txn,
                change.meal_point_id,
                change.hours,
                change.policy,
                change.from,
                change.now,
            )
            .await
        })
    }
}
