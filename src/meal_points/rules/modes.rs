//! How a meal point serves: dine-in, pickup, and delivery within a radius.

use std::ops::RangeInclusive;

use vocabulary::ServiceMode;

use super::{GeoPoint, MealPointRuleError, distance_m};

/// How far a meal point may deliver. 10 km is well beyond the one-hour delivery rule of the
/// service standards on a city's roads; a bigger number is a typo (km typed as m × 1000).
pub const DELIVERY_RADIUS_M: RangeInclusive<u32> = 1..=10_000;

/// Dine-in (堂食), pickup (自取) and delivery (送餐). The radius lives inside the delivery
/// option, so "delivery without a radius" cannot be represented once validated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServiceModes {
    dine_in: bool,
    pickup: bool,
    delivery_radius_m: Option<u32>,
}

impl ServiceModes {
    /// `delivery_radius_m` is required iff `modes` includes delivery.
    pub fn new(
        modes: &[ServiceMode],
        delivery_radius_m: Option<u32>,
    ) -> Result<Self, MealPointRuleError> {
        let has = |wanted: ServiceMode| modes.contains(&wanted);
        let delivery_radius_m = match (has(ServiceMode::Delivery), delivery_radius_m) {
            (true, None) => return Err(MealPointRuleError::DeliveryRadiusRequired),
            (false, Some(_)) => return Err(MealPointRuleError::DeliveryRadiusWithoutDelivery),
            (true, Some(r)) if !DELIVERY_RADIUS_M.contains(&r) => {
                return Err(MealPointRuleError::DeliveryRadiusOutOfRange { value: r });
            }
            (_, radius) => radius,
        };
        let modes = Self {
            dine_in: has(ServiceMode::DineIn),
            pickup: has(ServiceMode::Pickup),
            delivery_radius_m,
        };
        if modes.modes().is_empty() {
            return Err(MealPointRuleError::NoServiceMode);
        }
        Ok(modes)
    }

    pub fn offers(&self, mode: ServiceMode) -> bool {
        match mode {
            ServiceMode::DineIn => self.dine_in,
            ServiceMode::Pickup => self.pickup,
            ServiceMode::Delivery => self.delivery_radius_m.is_some(),
        }
    }

    /// The offered modes in the order the mini program lists them: 堂食, 自取, 送餐.
    pub fn modes(&self) -> Vec<ServiceMode> {
        [
            ServiceMode::DineIn,
            ServiceMode::Pickup,
            ServiceMode::Delivery,
        ]
        .into_iter()
        .filter(|&m| self.offers(m))
        .collect()
    }

    pub fn delivery_radius_m(&self) -> Option<u32> {
        self.delivery_radius_m
    }

    /// Whether this meal point, standing at `meal_point_location`, delivers to `home`.
    pub fn delivers_to(&self, home: GeoPoint, meal_point_location: GeoPoint) -> bool {
        self.delivery_radius_m
            .is_some_and(|radius| serves_delivery_to(home, meal_point_location, radius))
    }
}

/// Whether `point` lies within the delivery radius of a meal point (the edge counts as inside).
pub fn serves_delivery_to(point: GeoPoint, meal_point_location: GeoPoint, radius_m: u32) -> bool {
    distance_m(point, meal_point_location) <= radius_m
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::meal_points::rules::destination;

    fn p(lat: f64, lng: f64) -> GeoPoint {
        GeoPoint::new(lat, lng).unwrap()
    }

    #[test]
    fn service_modes_rules() {
        use ServiceMode::{Delivery, DineIn, Pickup};
        let cases: [(&[ServiceMode], _, Result<(), &str>); 9] = [
            (&[DineIn, Pickup], None, Ok(())),
            (&[Delivery], Some(2000), Ok(())),
            (&[DineIn, Delivery], Some(1), Ok(())),
            (&[DineIn, Delivery], Some(10_000), Ok(())),
            (&[], None, Err("NO_SERVICE_MODE")),
            (&[Delivery], None, Err("DELIVERY_RADIUS_REQUIRED")),
            (
                &[DineIn],
                Some(1500),
                Err("DELIVERY_RADIUS_WITHOUT_DELIVERY"),
            ),
            (&[Delivery], Some(0), Err("DELIVERY_RADIUS_OUT_OF_RANGE")),
            (
                &[Delivery],
                Some(10_001),
                Err("DELIVERY_RADIUS_OUT_OF_RANGE"),
            ),
        ];
        for (modes, radius, expected) in cases {
            let got = ServiceModes::new(modes, radius)
                .map(|_| ())
                .map_err(|e| e.code());
            assert_eq!(got, expected, "{modes:?} {radius:?}");
        }

        let modes = ServiceModes::new(&[Delivery, DineIn, DineIn], Some(1500)).unwrap();
        assert_eq!(modes.modes(), [DineIn, Delivery]);
        assert!(!modes.offers(Pickup));
        assert_eq!(modes.delivery_radius_m(), Some(1500));
    }

    #[test]
    fn delivery_reaches_the_edge_of_the_radius_and_no_further() {
        let kitchen = p(31.70, 119.95);
        let at_edge = destination(kitchen, 60.0, 1500.0).unwrap();
        let beyond = destination(kitchen, 60.0, 1501.0).unwrap();
        assert!(serves_delivery_to(at_edge, kitchen, 1500));
        assert!(!serves_delivery_to(beyond, kitchen, 1500));

        let delivering = ServiceModes::new(&[ServiceMode::Delivery], Some(1500)).unwrap();
        let dine_in_only = ServiceModes::new(&[ServiceMode::DineIn], None).unwrap();
        assert!(delivering.delivers_to(at_edge, kitchen));
        assert!(!dine_in_only.delivers_to(kitchen, kitchen));
    }
}
