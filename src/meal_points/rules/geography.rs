//! Where a meal point is: GCJ-02 points inside China, great-circle distances, and the bounding
//! box that lets the near search use an index.

use std::ops::RangeInclusive;

use serde::{Deserialize, Serialize};

use super::MealPointRuleError;

/// Latitudes China's territory spans, from 曾母暗沙 to 漠河.
pub const CHINA_LAT: RangeInclusive<f64> = 3.86..=53.55;
/// Longitudes China's territory spans, from 帕米尔 to 黑瞎子岛.
pub const CHINA_LNG: RangeInclusive<f64> = 73.66..=135.05;
/// The IUGG mean Earth radius: the sphere that best fits distances in every direction.
pub const EARTH_MEAN_RADIUS_M: f64 = 6_371_008.8;

/// A position in GCJ-02, the coordinates WeChat's map picker and `wx.getLocation` return.
///
/// GCJ-02 is WGS-84 shifted by an offset that changes slowly across a city, so distances between
/// two GCJ-02 points are right to within metres. Never mix in raw GPS (WGS-84) or Baidu (BD-09)
/// coordinates: those are off by hundreds of metres.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "UncheckedGeoPoint")]
pub struct GeoPoint {
    lat: f64,
    lng: f64,
}

#[derive(Deserialize)]
struct UncheckedGeoPoint {
    lat: f64,
    lng: f64,
}

impl TryFrom<UncheckedGeoPoint> for GeoPoint {
    type Error = MealPointRuleError;

    fn try_from(raw: UncheckedGeoPoint) -> Result<Self, Self::Error> {
        GeoPoint::new(raw.lat, raw.lng)
    }
}

impl GeoPoint {
    /// A point inside China's bounds; a point outside is a swapped lat/lng or a map-picker slip.
    pub fn new(lat: f64, lng: f64) -> Result<Self, MealPointRuleError> {
        // `contains` is false for NaN, so a NaN never gets through.
        if !CHINA_LAT.contains(&lat) {
            return Err(MealPointRuleError::OutsideChina {
                field: "lat",
                value: lat,
            });
        }
        if !CHINA_LNG.contains(&lng) {
            return Err(MealPointRuleError::OutsideChina {
                field: "lng",
                value: lng,
            });
        }
        Ok(Self { lat, lng })
    }

    pub fn lat(self) -> f64 {
        self.lat
    }

    pub fn lng(self) -> f64 {
        self.lng
    }
}

/// Great-circle distance in whole metres (haversine on the mean-radius sphere).
pub fn distance_m(a: GeoPoint, b: GeoPoint) -> u32 {
    let (lat_a, lat_b) = (a.lat.to_radians(), b.lat.to_radians());
    let half_dlat = (lat_b - lat_a) / 2.0;
    let half_dlng = (b.lng - a.lng).to_radians() / 2.0;
    let h = half_dlat.sin().powi(2) + lat_a.cos() * lat_b.cos() * half_dlng.sin().powi(2);
    // Rounding can push h a hair above 1 for near-antipodal points; asin would give NaN.
    let central_angle = 2.0 * h.sqrt().min(1.0).asin();
    (EARTH_MEAN_RADIUS_M * central_angle).round() as u32
}

/// The point reached by walking `distance_m` from `from` along the initial `bearing_deg`
/// (0 = north, 90 = east) on a great circle. Fails if that lands outside China.
pub fn destination(
    from: GeoPoint,
    bearing_deg: f64,
    distance_m: f64,
) -> Result<GeoPoint, MealPointRuleError> {
    let angular = distance_m / EARTH_MEAN_RADIUS_M;
    let bearing = bearing_deg.to_radians();
    let lat1 = from.lat.to_radians();
    let lat2 = (lat1.sin() * angular.cos() + lat1.cos() * angular.sin() * bearing.cos()).asin();
    let dlng =
        (bearing.sin() * angular.sin() * lat1.cos()).atan2(angular.cos() - lat1.sin() * lat2.sin());
    let lng2 = (from.lng.to_radians() + dlng).to_degrees();
    GeoPoint::new(lat2.to_degrees(), (lng2 + 540.0) % 360.0 - 180.0)
}

/// A lat/lng rectangle, for an indexable `WHERE lat BETWEEN … AND lng BETWEEN …` prefilter
/// before the exact [`distance_m`] check.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BoundingBox {
    pub min_lat: f64,
    pub max_lat: f64,
    pub min_lng: f64,
    pub max_lng: f64,
}

impl BoundingBox {
    pub fn contains(&self, point: GeoPoint) -> bool {
        (self.min_lat..=self.max_lat).contains(&point.lat)
            && (self.min_lng..=self.max_lng).contains(&point.lng)
    }
}

/// The smallest lat/lng rectangle that holds every point within `radius_m` of `center`.
pub fn bounding_box(center: GeoPoint, radius_m: u32) -> BoundingBox {
    // distance_m rounds, so a point 1000.4 m away counts as within 1000 m. Widen by half a metre
    // so the prefilter never drops a point the exact check would keep.
    let angular = (f64::from(radius_m) + 0.5) / EARTH_MEAN_RADIUS_M;
    let dlat = angular.to_degrees();
    let lat = center.lat.to_radians();

    // The circle is widest in longitude not at the centre's latitude but poleward of it, where
    // meridians are closer together: the exact half-width is asin(sin δ / cos φ). The common
    // shortcut δ / cos φ is slightly narrower and would drop points near the box's sides.
    let sin_ratio = angular.sin() / lat.cos();
    let (min_lng, max_lng) = if sin_ratio >= 1.0 {
        // The circle reaches a pole: every longitude is in it.
        (-180.0, 180.0)
    } else {
        let dlng = sin_ratio.asin().to_degrees();
        // Clamping instead of wrapping at ±180° is safe: meal points are in China, over 4,000 km
        // from the antimeridian.
        (
            (center.lng - dlng).max(-180.0),
            (center.lng + dlng).min(180.0),
        )
    };

    BoundingBox {
        min_lat: (center.lat - dlat).max(-90.0),
        max_lat: (center.lat + dlat).min(90.0),
        min_lng,
        max_lng,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng, rngs::StdRng};

    fn p(lat: f64, lng: f64) -> GeoPoint {
        GeoPoint::new(lat, lng).unwrap()
    }

    #[test]
    fn distances_match_precomputed_haversine() {
        // Expected values from an independent haversine (Python, R = 6,371,008.8 m).
        let cases = [
            (
                "1 km north in 钟楼",
                p(31.7800, 119.9500),
                p(31.7890, 119.9500),
                1001,
            ),
            (
                "1 km east in 钟楼",
                p(31.7800, 119.9500),
                p(31.7800, 119.9606),
                1002,
            ),
            (
                "南大街 to 荷花池",
                p(31.7772, 119.9522),
                p(31.7825, 119.9515),
                593,
            ),
            (
                "city centre to 溧阳",
                p(31.7800, 119.9500),
                p(31.4200, 119.4800),
                59_865,
            ),
            (
                "北京 to 上海",
                p(39.9087, 116.3975),
                p(31.2304, 121.4737),
                1_068_140,
            ),
        ];
        for (name, a, b, expected) in cases {
            let got = distance_m(a, b);
            assert!(
                got.abs_diff(expected) <= 1,
                "{name}: {got} m, expected {expected} m"
            );
            assert_eq!(got, distance_m(b, a), "{name}: not symmetric");
        }
        assert_eq!(distance_m(p(31.78, 119.95), p(31.78, 119.95)), 0);
    }

    #[test]
    fn geo_point_outside_china_names_the_field() {
        let cases = [
            (3.85, 119.0, Some("lat")),
            (53.56, 119.0, Some("lat")),
            (31.0, 73.65, Some("lng")),
            (31.0, 135.06, Some("lng")),
            (f64::NAN, 119.0, Some("lat")),
            (31.0, f64::INFINITY, Some("lng")),
            // swapped lat/lng, the usual slip
            (119.95, 31.78, Some("lat")),
            (3.86, 73.66, None),
            (53.55, 135.05, None),
        ];
        for (lat, lng, field) in cases {
            let result = GeoPoint::new(lat, lng);
            assert_eq!(
                result.as_ref().err().and_then(|e| e.field()),
                field,
                "{lat},{lng}"
            );
            if let Err(e) = result {
                assert_eq!(e.code(), "COORDINATE_OUTSIDE_CHINA");
            }
        }
    }

    #[test]
    fn destination_walks_the_requested_distance() {
        let start = p(31.78, 119.95);
        for (bearing, metres) in [
            (0.0, 1000.0),
            (90.0, 1500.0),
            (225.0, 2999.0),
            (333.0, 10.0),
        ] {
            let end = destination(start, bearing, metres).unwrap();
            assert_eq!(distance_m(start, end), metres as u32, "bearing {bearing}");
        }
        assert!(
            destination(p(53.5, 120.0), 0.0, 10_000.0).is_err(),
            "walked out of China"
        );
    }

    #[test]
    fn bounding_box_contains_every_point_on_the_circle() {
        let mut rng = StdRng::seed_from_u64(20_260_101);
        for _ in 0..2_000 {
            // Centres across China, from 海南 to 黑龙江, so cos(lat) varies a lot.
            let center = p(rng.random_range(18.0..53.0), rng.random_range(75.0..134.0));
            let radius = rng.random_range(1..=20_000u32);
            let bbox = bounding_box(center, radius);
            for _ in 0..20 {
                let bearing = rng.random_range(0.0..360.0);
                let Ok(edge) = destination(center, bearing, f64::from(radius)) else {
                    continue;
                };
                assert!(
                    bbox.contains(edge),
                    "{center:?} r={radius} bearing={bearing}: {bbox:?}"
                );
            }
        }
    }

    #[test]
    fn bounding_box_keeps_points_that_round_to_the_radius() {
        let center = p(31.78, 119.95);
        for bearing in [0.0, 45.0, 90.0, 180.0, 270.0] {
            let edge = destination(center, bearing, 1000.49).unwrap();
            assert_eq!(distance_m(center, edge), 1000);
            assert!(
                bounding_box(center, 1000).contains(edge),
                "bearing {bearing}"
            );
        }
    }

    #[test]
    fn bounding_box_is_tight_and_wider_in_longitude_up_north() {
        let radius = 1000;
        let changzhou = bounding_box(p(31.78, 119.95), radius);
        let mohe = bounding_box(p(53.0, 122.5), radius);
        let lat_span = |b: &BoundingBox| b.max_lat - b.min_lat;
        let lng_span = |b: &BoundingBox| b.max_lng - b.min_lng;
        // 2 km of latitude is ~0.018° anywhere.
        assert!((lat_span(&changzhou) - 0.018).abs() < 0.0002);
        assert!((lat_span(&mohe) - lat_span(&changzhou)).abs() < 1e-12);
        // ...but a degree of longitude shrinks with cos(lat), so the box widens up north.
        for (bbox, lat) in [(changzhou, 31.78_f64), (mohe, 53.0)] {
            let ratio = lng_span(&bbox) * lat.to_radians().cos() / lat_span(&bbox);
            assert!((ratio - 1.0).abs() < 1e-6, "lat {lat}: {ratio}");
        }
        // A point just outside the circle, due east, is outside the box too.
        let outside = destination(p(31.78, 119.95), 90.0, 1002.0).unwrap();
        assert!(!changzhou.contains(outside));
    }
}
