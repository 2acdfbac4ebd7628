//! Pure rules for meal points (助餐点): where they are, when and how they serve, whether they
//! take bookings on a date, and the format of what operators type in (phone, licence, video).
//!
//! Nothing here touches the database or the clock: callers pass dates in and get validated
//! values or a [`MealPointRuleError`] back. The error's `code()` is the stable contract with the
//! mini program; `message()` is the Chinese text shown to operators.

use std::ops::RangeInclusive;

use chrono::{Datelike, NaiveDate, NaiveTime, Weekday};
use serde::{Deserialize, Serialize};

pub use vocabulary::{MealPointKind, MealPointStatusKind};
use vocabulary::{ServiceMode, Slot, weekday_label_zh};

// ---------------------------------------------------------------------------------------------
// Geography
// ---------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------
// Opening days and meal slots
// ---------------------------------------------------------------------------------------------

/// The hours one meal slot is served, e.g. lunch 11:00–12:30.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlotHours {
    pub slot: Slot,
    pub opens: NaiveTime,
    pub closes: NaiveTime,
}

/// A meal point's daily slots: at least one, each at most once, breakfast before lunch before
/// dinner, none overlapping. Kept sorted in serving order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "Vec<SlotHours>", into = "Vec<SlotHours>")]
pub struct ServiceHours(Vec<SlotHours>);

impl ServiceHours {
    pub fn new(mut hours: Vec<SlotHours>) -> Result<Self, MealPointRuleError> {
        if hours.is_empty() {
            return Err(MealPointRuleError::NoServiceSlot);
        }
        if let Some(h) = hours.iter().find(|h| h.opens >= h.closes) {
            return Err(MealPointRuleError::SlotHoursInverted {
                slot: h.slot,
                opens: h.opens,
                closes: h.closes,
            });
        }
        // `Slot`'s order is the order of the day.
        hours.sort_by_key(|h| h.slot);
        for pair in hours.windows(2) {
            let (earlier, later) = (&pair[0], &pair[1]);
            if earlier.slot == later.slot {
                return Err(MealPointRuleError::SlotListedTwice { slot: later.slot });
            }
            // Slots are half-open: lunch may end at 13:00 and a slot start at 13:00.
            if later.opens >= earlier.closes {
                continue;
            }
            return Err(if later.closes <= earlier.opens {
                MealPointRuleError::SlotsOutOfOrder {
                    earlier: earlier.slot,
                    later: later.slot,
                }
            } else {
                MealPointRuleError::SlotHoursOverlap {
                    earlier: earlier.slot,
                    later: later.slot,
                }
            });
        }
        Ok(Self(hours))
    }

    /// The slots in serving order.
    pub fn slots(&self) -> &[SlotHours] {
        &self.0
    }

    pub fn hours_for(&self, slot: Slot) -> Option<&SlotHours> {
        self.0.iter().find(|h| h.slot == slot)
    }
}

impl TryFrom<Vec<SlotHours>> for ServiceHours {
    type Error = MealPointRuleError;

    fn try_from(hours: Vec<SlotHours>) -> Result<Self, Self::Error> {
        Self::new(hours)
    }
}

impl From<ServiceHours> for Vec<SlotHours> {
    fn from(hours: ServiceHours) -> Self {
        hours.0
    }
}

/// The weekdays a meal point serves, as a set of ISO weekdays (1 = Monday … 7 = Sunday).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "Vec<u8>", into = "Vec<u8>")]
pub struct OpeningDays(u8); // bit d-1 set = open on ISO weekday d

impl OpeningDays {
    pub const MON_TO_FRI: Self = Self(0b001_1111);
    pub const MON_TO_SAT: Self = Self(0b011_1111);
    pub const EVERY_DAY: Self = Self(0b111_1111);

    /// A repeated day is harmless (it is a set); an empty set or a number outside 1..=7 is not.
    pub fn from_iso_weekdays(days: &[u8]) -> Result<Self, MealPointRuleError> {
        let mut bits = 0u8;
        for &day in days {
            if !(1..=7).contains(&day) {
                return Err(MealPointRuleError::InvalidWeekday { value: day });
            }
            bits |= 1 << (day - 1);
        }
        if bits == 0 {
            return Err(MealPointRuleError::NoOpeningDay);
        }
        Ok(Self(bits))
    }

    pub fn is_open_on(self, date: NaiveDate) -> bool {
        let iso = date.weekday().number_from_monday();
        self.0 & (1 << (iso - 1)) != 0
    }

    /// The ISO weekdays, Monday first.
    pub fn iso_weekdays(self) -> Vec<u8> {
        (1..=7).filter(|d| self.0 & (1 << (d - 1)) != 0).collect()
    }

    /// How the mini program shows the days: 每天, 周一至周五, or a list such as 周一、周三、周五.
    pub fn label_zh(self) -> String {
        let name = |iso: u8| Weekday::try_from(iso - 1).map_or("", weekday_label_zh);
        let days = self.iso_weekdays();
        if days.len() == 7 {
            return "每天".to_owned();
        }
        let first = days[0];
        let last = days[days.len() - 1];
        let contiguous = usize::from(last - first) + 1 == days.len();
        if contiguous && days.len() >= 3 {
            format!("{}至{}", name(first), name(last))
        } else {
            let names: Vec<&str> = days.iter().map(|&d| name(d)).collect();
            names.join("、")
        }
    }
}

impl TryFrom<Vec<u8>> for OpeningDays {
    type Error = MealPointRuleError;

    fn try_from(days: Vec<u8>) -> Result<Self, Self::Error> {
        Self::from_iso_weekdays(&days)
    }
}

impl From<OpeningDays> for Vec<u8> {
    fn from(days: OpeningDays) -> Self {
        days.iso_weekdays()
    }
}

// ---------------------------------------------------------------------------------------------
// Service modes
// ---------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------
// Status
// ---------------------------------------------------------------------------------------------

/// The longest reason an operator may give for pausing or closing (characters, not bytes).
pub const STATUS_REASON_MAX_CHARS: usize = 200;

/// Why and from when a meal point stops taking bookings. `until` is the last day of the
/// suspension (inclusive); without it the suspension has no planned end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suspension {
    reason: String,
    from: NaiveDate,
    until: Option<NaiveDate>,
}

impl Suspension {
    /// `kind` is only used to say which status lacks its reason or start date.
    fn new(
        kind: MealPointStatusKind,
        reason: Option<&str>,
        from: Option<NaiveDate>,
        until: Option<NaiveDate>,
    ) -> Result<Self, MealPointRuleError> {
        let reason = reason.map(str::trim).unwrap_or_default();
        if reason.is_empty() {
            return Err(MealPointRuleError::StatusReasonRequired { status: kind });
        }
        let len = reason.chars().count();
        if len > STATUS_REASON_MAX_CHARS {
            return Err(MealPointRuleError::StatusReasonTooLong { len });
        }
        let from = from.ok_or(MealPointRuleError::StatusFromRequired { status: kind })?;
        if let Some(until) = until.filter(|&until| until < from) {
            return Err(MealPointRuleError::StatusUntilBeforeFrom { from, until });
        }
        Ok(Self {
            reason: reason.to_owned(),
            from,
            until,
        })
    }

    pub fn reason(&self) -> &str {
        &self.reason
    }

    /// The first day without bookings.
    pub fn from_date(&self) -> NaiveDate {
        self.from
    }

    /// The last day without bookings, if an end is planned.
    pub fn until_date(&self) -> Option<NaiveDate> {
        self.until
    }

    pub fn covers(&self, date: NaiveDate) -> bool {
        date >= self.from && self.until.is_none_or(|until| date <= until)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MealPointStatus {
    Open,
    Paused(Suspension),
    Closed(Suspension),
}

impl MealPointStatus {
    /// Paused and closed need a reason (elders and the city see it) and a start date. For open,
    /// a stale reason or dates left in the form are dropped rather than refused, so reopening
    /// stays one tap.
    pub fn new(
        kind: MealPointStatusKind,
        reason: Option<&str>,
        from: Option<NaiveDate>,
        until: Option<NaiveDate>,
    ) -> Result<Self, MealPointRuleError> {
        Ok(match kind {
            MealPointStatusKind::Open => Self::Open,
            MealPointStatusKind::Paused => {
                Self::Paused(Suspension::new(kind, reason, from, until)?)
            }
            MealPointStatusKind::Closed => {
                Self::Closed(Suspension::new(kind, reason, from, until)?)
            }
        })
    }

    pub fn kind(&self) -> MealPointStatusKind {
        match self {
            Self::Open => MealPointStatusKind::Open,
            Self::Paused(_) => MealPointStatusKind::Paused,
            Self::Closed(_) => MealPointStatusKind::Closed,
        }
    }

    pub fn suspension(&self) -> Option<&Suspension> {
        match self {
            Self::Open => None,
            Self::Paused(s) | Self::Closed(s) => Some(s),
        }
    }
}

/// Whether meals for `date` can be booked given the status. A pause or closure only blocks the
/// days it covers: one announced for next month leaves this month bookable, and bookings
/// resume the day after `until`.
pub fn takes_bookings_on(status: &MealPointStatus, date: NaiveDate) -> bool {
    status.suspension().is_none_or(|s| !s.covers(date))
}

// ---------------------------------------------------------------------------------------------
// Kinds and city labels
// ---------------------------------------------------------------------------------------------

/// The city's star grade (星级) for a meal point, 1..=5. Assigned by the civil-affairs bureau
/// after its evaluation; unrelated to elders' ratings of meals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct StarGrade(u8);

impl StarGrade {
    pub fn new(stars: u8) -> Result<Self, MealPointRuleError> {
        if (1..=5).contains(&stars) {
            Ok(Self(stars))
        } else {
            Err(MealPointRuleError::StarGradeOutOfRange { value: stars })
        }
    }

    pub fn stars(self) -> u8 {
        self.0
    }

    pub fn label_zh(self) -> &'static str {
        ["一星级", "二星级", "三星级", "四星级", "五星级"][usize::from(self.0 - 1)]
    }
}

impl TryFrom<u8> for StarGrade {
    type Error = MealPointRuleError;

    fn try_from(stars: u8) -> Result<Self, Self::Error> {
        Self::new(stars)
    }
}

impl From<StarGrade> for u8 {
    fn from(grade: StarGrade) -> Self {
        grade.0
    }
}

/// Labels only the city assigns; operators can see but not edit them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CityLabels {
    /// 示范助餐点.
    pub demonstration: bool,
    pub star_grade: Option<StarGrade>,
}

impl CityLabels {
    pub const DEMONSTRATION_CODE: &str = "demonstration";
    pub const DEMONSTRATION_LABEL_ZH: &str = "示范助餐点";

    /// The badges to show, most prestigious first.
    pub fn labels_zh(&self) -> Vec<&'static str> {
        let demonstration = self.demonstration.then_some(Self::DEMONSTRATION_LABEL_ZH);
        demonstration
            .into_iter()
            .chain(self.star_grade.map(StarGrade::label_zh))
            .collect()
    }
}

// ---------------------------------------------------------------------------------------------
// Contact and licence formats
// ---------------------------------------------------------------------------------------------

/// A mainland mobile number (`1[3-9]` + 9 digits) or a landline with its area code, returned in
/// one canonical form: `13812345678` or `0519-88886666`.
///
/// Spaces are ignored (people write 138 1234 5678); a hyphen may only separate the area code.
/// The hyphen is optional because area codes are prefix-free: 010 and 02x have three digits,
/// every other code (03xx–09xx) four.
pub fn normalize_phone(raw: &str) -> Result<String, MealPointRuleError> {
    let compact: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
    let (area_given, rest) = match compact.split_once('-') {
        Some((area, local)) => (Some(area), local),
        None => (None, compact.as_str()),
    };
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(rest) || area_given.is_some_and(|a| !all_digits(a)) {
        return Err(MealPointRuleError::InvalidPhone);
    }

    let digits = format!("{}{rest}", area_given.unwrap_or_default());
    let bytes = digits.as_bytes();
    if area_given.is_none()
        && bytes.len() == 11
        && bytes[0] == b'1'
        && (b'3'..=b'9').contains(&bytes[1])
    {
        return Ok(digits);
    }

    let area_len = match bytes {
        [b'0', b'1', b'0', ..] | [b'0', b'2', ..] => 3,
        [b'0', b'3'..=b'9', ..] => 4,
        _ => return Err(MealPointRuleError::InvalidPhone),
    };
    if area_given.is_some_and(|a| a.len() != area_len) {
        return Err(MealPointRuleError::InvalidPhone);
    }
    let (area, local) = digits.split_at(area_len);
    // Local numbers are 7 or 8 digits and never start with 0 (trunk prefix) or 1 (service codes).
    let local_ok = matches!(local.len(), 7 | 8) && !local.starts_with(['0', '1']);
    if !local_ok {
        return Err(MealPointRuleError::InvalidPhone);
    }
    Ok(format!("{area}-{local}"))
}

/// A 食品经营许可证 number: `JY` and 14 digits (business type, six-digit region code, six-digit
/// serial, check digit), returned uppercased. The check-digit algorithm is not published, so
/// only the shape is checked; the licence itself is verified against the certificate photo.
pub fn normalize_food_licence_no(raw: &str) -> Result<String, MealPointRuleError> {
    let licence = raw.trim().to_ascii_uppercase();
    let well_formed = licence
        .strip_prefix("JY")
        .is_some_and(|digits| digits.len() == 14 && digits.bytes().all(|b| b.is_ascii_digit()));
    if well_formed {
        Ok(licence)
    } else {
        Err(MealPointRuleError::InvalidFoodLicenceNo)
    }
}

/// The longest live-video URL kept; real platform links are far shorter.
pub const LIVE_VIDEO_URL_MAX_LEN: usize = 2048;

/// The optional 明厨亮灶 live-kitchen URL. It must be https because the mini program opens it
/// in a web-view, which loads nothing else. A blank value means "no live video".
pub fn normalize_live_video_url(raw: Option<&str>) -> Result<Option<String>, MealPointRuleError> {
    let Some(url) = raw.map(str::trim).filter(|u| !u.is_empty()) else {
        return Ok(None);
    };
    const SCHEME: &str = "https://";
    let has_https = url
        .get(..SCHEME.len())
        .is_some_and(|s| s.eq_ignore_ascii_case(SCHEME));
    if !has_https {
        return Err(MealPointRuleError::LiveVideoUrlNotHttps);
    }
    let rest = &url[SCHEME.len()..];
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let (host, port) = match authority.split_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (authority, None),
    };
    // Userinfo (`https://real.site@evil.site/`) is refused by the host check: `@` is not a host
    // character. It is a classic way to make a link look like another site.
    let host_ok = !host.is_empty()
        && !host.starts_with(['.', '-'])
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-');
    let port_ok =
        port.is_none_or(|p| !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()));
    let chars_ok = !url.chars().any(|c| c.is_whitespace() || c.is_control());
    if !(host_ok && port_ok && chars_ok) || url.len() > LIVE_VIDEO_URL_MAX_LEN {
        return Err(MealPointRuleError::InvalidLiveVideoUrl);
    }
    Ok(Some(format!("{SCHEME}{rest}")))
}

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

/// Why a meal point's data breaks a rule. `Display` is English for logs; operators see
/// `message()`.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MealPointRuleError {
    #[error("{field} {value} is outside China")]
    OutsideChina { field: &'static str, value: f64 },
    #[error("no meal slot given")]
    NoServiceSlot,
    #[error("{slot:?} opens at {opens}, not before it closes at {closes}")]
    SlotHoursInverted {
        slot: Slot,
        opens: NaiveTime,
        closes: NaiveTime,
    },
    #[error("{slot:?} is listed more than once")]
    SlotListedTwice { slot: Slot },
    #[error("{earlier:?} and {later:?} hours overlap")]
    SlotHoursOverlap { earlier: Slot, later: Slot },
    #[error("{later:?} is served before {earlier:?}")]
    SlotsOutOfOrder { earlier: Slot, later: Slot },
    #[error("no opening day given")]
    NoOpeningDay,
    #[error("{value} is not an ISO weekday (1..=7)")]
    InvalidWeekday { value: u8 },
    #[error("no service mode given")]
    NoServiceMode,
    #[error("delivery is offered without a radius")]
    DeliveryRadiusRequired,
    #[error("a delivery radius is given but delivery is not offered")]
    DeliveryRadiusWithoutDelivery,
    #[error("delivery radius {value} m is outside 1..=10000")]
    DeliveryRadiusOutOfRange { value: u32 },
    #[error("status {status:?} needs a reason")]
    StatusReasonRequired { status: MealPointStatusKind },
    #[error("status reason has {len} characters, more than 200")]
    StatusReasonTooLong { len: usize },
    #[error("status {status:?} needs a start date")]
    StatusFromRequired { status: MealPointStatusKind },
    #[error("status ends on {until}, before it starts on {from}")]
    StatusUntilBeforeFrom { from: NaiveDate, until: NaiveDate },
    #[error("star grade {value} is outside 1..=5")]
    StarGradeOutOfRange { value: u8 },
    #[error("not a mainland mobile or landline number")]
    InvalidPhone,
    #[error("not a food business licence number (JY + 14 digits)")]
    InvalidFoodLicenceNo,
    #[error("live video URL is not https")]
    LiveVideoUrlNotHttps,
    #[error("live video URL is malformed")]
    InvalidLiveVideoUrl,
}

impl MealPointRuleError {
    /// A stable machine code; the mini program keys its handling on it.
    pub fn code(&self) -> &'static str {
        match self {
            Self::OutsideChina { .. } => "COORDINATE_OUTSIDE_CHINA",
            Self::NoServiceSlot => "NO_SERVICE_SLOT",
            Self::SlotHoursInverted { .. } => "SLOT_HOURS_INVERTED",
            Self::SlotListedTwice { .. } => "SLOT_LISTED_TWICE",
            Self::SlotHoursOverlap { .. } => "SLOT_HOURS_OVERLAP",
            Self::SlotsOutOfOrder { .. } => "SLOTS_OUT_OF_ORDER",
            Self::NoOpeningDay => "NO_OPENING_DAY",
            Self::InvalidWeekday { .. } => "INVALID_WEEKDAY",
            Self::NoServiceMode => "NO_SERVICE_MODE",
            Self::DeliveryRadiusRequired => "DELIVERY_RADIUS_REQUIRED",
            Self::DeliveryRadiusWithoutDelivery => "DELIVERY_RADIUS_WITHOUT_DELIVERY",
            Self::DeliveryRadiusOutOfRange { .. } => "DELIVERY_RADIUS_OUT_OF_RANGE",
            Self::StatusReasonRequired { .. } => "STATUS_REASON_REQUIRED",
            Self::StatusReasonTooLong { .. } => "STATUS_REASON_TOO_LONG",
            Self::StatusFromRequired { .. } => "STATUS_FROM_REQUIRED",
            Self::StatusUntilBeforeFrom { .. } => "STATUS_UNTIL_BEFORE_FROM",
            Self::StarGradeOutOfRange { .. } => "STAR_GRADE_OUT_OF_RANGE",
            Self::InvalidPhone => "INVALID_PHONE",
            Self::InvalidFoodLicenceNo => "INVALID_FOOD_LICENCE_NO",
            Self::LiveVideoUrlNotHttps => "LIVE_VIDEO_URL_NOT_HTTPS",
            Self::InvalidLiveVideoUrl => "INVALID_LIVE_VIDEO_URL",
        }
    }

    /// The request field at fault, for highlighting it in the form.
    pub fn field(&self) -> Option<&'static str> {
        Some(match self {
            Self::OutsideChina { field, .. } => field,
            Self::NoServiceSlot
            | Self::SlotHoursInverted { .. }
            | Self::SlotListedTwice { .. }
            | Self::SlotHoursOverlap { .. }
            | Self::SlotsOutOfOrder { .. } => "slot_hours",
            Self::NoOpeningDay | Self::InvalidWeekday { .. } => "opening_days",
            Self::NoServiceMode => "service_modes",
            Self::DeliveryRadiusRequired
            | Self::DeliveryRadiusWithoutDelivery
            | Self::DeliveryRadiusOutOfRange { .. } => "delivery_radius_m",
            Self::StatusReasonRequired { .. } | Self::StatusReasonTooLong { .. } => "status_reason",
            Self::StatusFromRequired { .. } => "status_from",
            Self::StatusUntilBeforeFrom { .. } => "status_until",
            Self::StarGradeOutOfRange { .. } => "star_grade",
            Self::InvalidPhone => "phone",
            Self::InvalidFoodLicenceNo => "food_licence_no",
            Self::LiveVideoUrlNotHttps | Self::InvalidLiveVideoUrl => "live_video_url",
        })
    }

    /// What the operator reads, in Chinese.
    pub fn message(&self) -> String {
        let hm = |t: &NaiveTime| t.format("%H:%M").to_string();
        match self {
            Self::OutsideChina { field, value } => {
                let axis = if *field == "lat" { "纬度" } else { "经度" };
                format!("{axis} {value} 不在中国境内，请在地图上重新选点")
            }
            Self::NoServiceSlot => "请至少设置一个供餐时段".to_owned(),
            Self::SlotHoursInverted {
                slot,
                opens,
                closes,
            } => format!(
                "{}的开始时间 {} 须早于结束时间 {}",
                slot.label_zh(),
                hm(opens),
                hm(closes)
            ),
            Self::SlotListedTwice { slot } => format!("{}只能设置一个供餐时段", slot.label_zh()),
            Self::SlotHoursOverlap { earlier, later } => {
                format!("{}和{}的供餐时间重叠", earlier.label_zh(), later.label_zh())
            }
            Self::SlotsOutOfOrder { earlier, later } => format!(
                "供餐时段须按早餐、午餐、晚餐的顺序：{}不能早于{}",
                later.label_zh(),
                earlier.label_zh()
            ),
            Self::NoOpeningDay => "请至少选择一个营业日".to_owned(),
            Self::InvalidWeekday { value } => {
                format!("营业日须为 1（周一）到 7（周日），收到 {value}")
            }
            Self::NoServiceMode => "请至少选择一种服务方式：堂食、自取或送餐".to_owned(),
            Self::DeliveryRadiusRequired => "提供送餐服务时须填写送餐半径".to_owned(),
            Self::DeliveryRadiusWithoutDelivery => "未提供送餐服务，不应填写送餐半径".to_owned(),
            Self::DeliveryRadiusOutOfRange { value } => {
                format!("送餐半径须在 1 到 10000 米之间，收到 {value} 米")
            }
            Self::StatusReasonRequired { status } => format!("{}须填写原因", status.label_zh()),
            Self::StatusReasonTooLong { len } => {
                format!("原因不能超过 {STATUS_REASON_MAX_CHARS} 个字，当前 {len} 个字")
            }
            Self::StatusFromRequired { status } => {
                format!("{}须填写开始日期", status.label_zh())
            }
            Self::StatusUntilBeforeFrom { from, until } => {
                format!("结束日期 {until} 不能早于开始日期 {from}")
            }
            Self::StarGradeOutOfRange { .. } => "星级须为 1 到 5 星".to_owned(),
            Self::InvalidPhone => {
                "请填写 11 位手机号，或带区号的固定电话（如 0519-88886666）".to_owned()
            }
            Self::InvalidFoodLicenceNo => {
                "食品经营许可证编号应为 JY 加 14 位数字，请对照许可证填写".to_owned()
            }
            Self::LiveVideoUrlNotHttps => "明厨亮灶直播地址须以 https:// 开头".to_owned(),
            Self::InvalidLiveVideoUrl => "明厨亮灶直播地址格式不正确".to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng, rngs::StdRng};

    fn p(lat: f64, lng: f64) -> GeoPoint {
        GeoPoint::new(lat, lng).unwrap()
    }

    fn t(hm: &str) -> NaiveTime {
        NaiveTime::parse_from_str(hm, "%H:%M").unwrap()
    }

    fn d(ymd: &str) -> NaiveDate {
        NaiveDate::parse_from_str(ymd, "%Y-%m-%d").unwrap()
    }

    fn hours(slot: Slot, opens: &str, closes: &str) -> SlotHours {
        SlotHours {
            slot,
            opens: t(opens),
            closes: t(closes),
        }
    }

    // --- geography -----------------------------------------------------------------------

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

    // --- slots and days ------------------------------------------------------------------

    #[test]
    fn service_hours_rules() {
        use Slot::{Breakfast, Dinner, Lunch};
        let cases: Vec<(&str, Vec<SlotHours>, Result<(), &str>)> = vec![
            ("lunch only", vec![hours(Lunch, "11:00", "12:30")], Ok(())),
            (
                "all three, any order",
                vec![
                    hours(Dinner, "17:00", "18:30"),
                    hours(Breakfast, "07:00", "08:30"),
                    hours(Lunch, "11:00", "12:30"),
                ],
                Ok(()),
            ),
            (
                "touching slots",
                vec![
                    hours(Breakfast, "06:30", "11:00"),
                    hours(Lunch, "11:00", "13:00"),
                ],
                Ok(()),
            ),
            ("none", vec![], Err("NO_SERVICE_SLOT")),
            (
                "inverted",
                vec![hours(Lunch, "12:30", "11:00")],
                Err("SLOT_HOURS_INVERTED"),
            ),
            (
                "empty span",
                vec![hours(Lunch, "11:00", "11:00")],
                Err("SLOT_HOURS_INVERTED"),
            ),
            (
                "lunch twice",
                vec![
                    hours(Lunch, "11:00", "12:00"),
                    hours(Lunch, "12:00", "13:00"),
                ],
                Err("SLOT_LISTED_TWICE"),
            ),
            (
                "overlap",
                vec![
                    hours(Lunch, "11:00", "13:30"),
                    hours(Dinner, "13:00", "18:00"),
                ],
                Err("SLOT_HOURS_OVERLAP"),
            ),
            (
                "dinner before lunch",
                vec![
                    hours(Lunch, "11:00", "12:30"),
                    hours(Dinner, "07:00", "08:00"),
                ],
                Err("SLOTS_OUT_OF_ORDER"),
            ),
            (
                "breakfast after lunch",
                vec![
                    hours(Breakfast, "13:00", "14:00"),
                    hours(Lunch, "11:00", "12:30"),
                ],
                Err("SLOTS_OUT_OF_ORDER"),
            ),
        ];
        for (name, input, expected) in cases {
            let got = ServiceHours::new(input).map(|_| ()).map_err(|e| e.code());
            assert_eq!(got, expected, "{name}");
        }
    }

    #[test]
    fn service_hours_are_kept_in_serving_order() {
        let service = ServiceHours::new(vec![
            hours(Slot::Dinner, "17:00", "18:30"),
            hours(Slot::Lunch, "11:00", "12:30"),
        ])
        .unwrap();
        let order: Vec<Slot> = service.slots().iter().map(|h| h.slot).collect();
        assert_eq!(order, [Slot::Lunch, Slot::Dinner]);
        assert_eq!(
            service.hours_for(Slot::Lunch).map(|h| h.opens),
            Some(t("11:00"))
        );
        assert!(service.hours_for(Slot::Breakfast).is_none());
    }

    #[test]
    fn opening_days() {
        assert_eq!(
            OpeningDays::from_iso_weekdays(&[1, 2, 3, 4, 5]),
            Ok(OpeningDays::MON_TO_FRI)
        );
        assert_eq!(
            OpeningDays::from_iso_weekdays(&[7, 1, 1])
                .unwrap()
                .iso_weekdays(),
            [1, 7]
        );
        assert_eq!(
            OpeningDays::from_iso_weekdays(&[]).unwrap_err().code(),
            "NO_OPENING_DAY"
        );
        for bad in [0, 8, 255] {
            let err = OpeningDays::from_iso_weekdays(&[1, bad]).unwrap_err();
            assert_eq!(
                (err.code(), err.field()),
                ("INVALID_WEEKDAY", Some("opening_days"))
            );
        }
        // 2026-01-03 is a Saturday, 2026-01-04 a Sunday.
        assert!(OpeningDays::MON_TO_SAT.is_open_on(d("2026-01-03")));
        assert!(!OpeningDays::MON_TO_FRI.is_open_on(d("2026-01-03")));
        assert!(!OpeningDays::MON_TO_SAT.is_open_on(d("2026-01-04")));
        assert!(OpeningDays::EVERY_DAY.is_open_on(d("2026-01-04")));

        let labels = [
            (OpeningDays::EVERY_DAY, "每天"),
            (OpeningDays::MON_TO_FRI, "周一至周五"),
            (OpeningDays::MON_TO_SAT, "周一至周六"),
            (
                OpeningDays::from_iso_weekdays(&[1, 3, 5]).unwrap(),
                "周一、周三、周五",
            ),
            (
                OpeningDays::from_iso_weekdays(&[6, 7]).unwrap(),
                "周六、周日",
            ),
        ];
        for (days, label) in labels {
            assert_eq!(days.label_zh(), label);
        }
    }

    // --- service modes -------------------------------------------------------------------

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

    // --- status --------------------------------------------------------------------------

    #[test]
    fn status_rules() {
        use MealPointStatusKind::{Closed, Open, Paused};
        let long = "装修".repeat(101);
        let cases = [
            (Open, None, None, None, Ok(Open)),
            (Open, Some("旧原因"), Some("2026-01-01"), None, Ok(Open)),
            (
                Paused,
                Some("春节放假"),
                Some("2026-02-14"),
                Some("2026-02-22"),
                Ok(Paused),
            ),
            (
                Closed,
                Some("运营方退出"),
                Some("2026-03-01"),
                None,
                Ok(Closed),
            ),
            (
                Paused,
                Some("同一天"),
                Some("2026-02-14"),
                Some("2026-02-14"),
                Ok(Paused),
            ),
            (
                Paused,
                None,
                Some("2026-02-14"),
                None,
                Err("STATUS_REASON_REQUIRED"),
            ),
            (
                Closed,
                Some("   "),
                Some("2026-02-14"),
                None,
                Err("STATUS_REASON_REQUIRED"),
            ),
            (
                Paused,
                Some(long.as_str()),
                Some("2026-02-14"),
                None,
                Err("STATUS_REASON_TOO_LONG"),
            ),
            (
                Paused,
                Some("厨房维修"),
                None,
                None,
                Err("STATUS_FROM_REQUIRED"),
            ),
            (
                Paused,
                Some("厨房维修"),
                Some("2026-02-14"),
                Some("2026-02-13"),
                Err("STATUS_UNTIL_BEFORE_FROM"),
            ),
        ];
        for (kind, reason, from, until, expected) in cases {
            let got = MealPointStatus::new(kind, reason, from.map(d), until.map(d));
            assert_eq!(
                got.map(|s| s.kind()).map_err(|e| e.code()),
                expected,
                "{kind:?} {reason:?}"
            );
        }
        // Exactly 200 characters is allowed (counted as characters, not UTF-8 bytes).
        let max = "修".repeat(STATUS_REASON_MAX_CHARS);
        assert!(MealPointStatus::new(Paused, Some(&max), Some(d("2026-01-01")), None).is_ok());
    }

    #[test]
    fn bookings_stop_only_on_the_days_a_suspension_covers() {
        let spring_festival = MealPointStatus::new(
            MealPointStatusKind::Paused,
            Some("春节放假"),
            Some(d("2026-02-14")),
            Some(d("2026-02-22")),
        )
        .unwrap();
        let closing = MealPointStatus::new(
            MealPointStatusKind::Closed,
            Some("运营方退出"),
            Some(d("2026-03-01")),
            None,
        )
        .unwrap();
        let cases = [
            (&MealPointStatus::Open, "2026-02-15", true),
            (&spring_festival, "2026-02-13", true),
            (&spring_festival, "2026-02-14", false),
            (&spring_festival, "2026-02-22", false),
            (&spring_festival, "2026-02-23", true),
            (&closing, "2026-02-28", true),
            (&closing, "2026-03-01", false),
            (&closing, "2027-03-01", false),
        ];
        for (status, date, expected) in cases {
            assert_eq!(
                takes_bookings_on(status, d(date)),
                expected,
                "{status:?} on {date}"
            );
        }
    }

    // --- kinds, labels, formats ----------------------------------------------------------

    #[test]
    fn city_labels() {
        for bad in [0, 6] {
            assert_eq!(
                StarGrade::new(bad).unwrap_err().code(),
                "STAR_GRADE_OUT_OF_RANGE"
            );
        }
        let labels = CityLabels {
            demonstration: true,
            star_grade: Some(StarGrade::new(4).unwrap()),
        };
        assert_eq!(labels.labels_zh(), ["示范助餐点", "四星级"]);
        assert!(CityLabels::default().labels_zh().is_empty());
    }

    #[test]
    fn phone_numbers() {
        let cases = [
            ("13812345678", Ok("13812345678")),
            (" 138 1234 5678 ", Ok("13812345678")),
            ("19912345678", Ok("19912345678")),
            ("0519-88886666", Ok("0519-88886666")),
            ("051988886666", Ok("0519-88886666")),
            ("0519 8888 6666", Ok("0519-88886666")),
            ("010-62345678", Ok("010-62345678")),
            ("025-8123456", Ok("025-8123456")),
            ("12812345678", Err(())),
            ("1381234567", Err(())),
            ("138123456789", Err(())),
            ("138-12345678", Err(())),
            ("05-1988886666", Err(())),
            ("0519-08886666", Err(())),
            ("0519-888866", Err(())),
            ("0519-888866667", Err(())),
            ("0519-8888-6666", Err(())),
            ("00519-88886666", Err(())),
            ("0519-８８８８６６６６", Err(())),
            ("", Err(())),
        ];
        for (raw, expected) in cases {
            let got = normalize_phone(raw);
            assert_eq!(got.as_deref().map_err(|_| ()), expected, "{raw:?}");
            if let Err(e) = got {
                assert_eq!((e.code(), e.field()), ("INVALID_PHONE", Some("phone")));
            }
        }
    }

    #[test]
    fn food_licence_numbers() {
        let cases = [
            ("JY23204020012345", Ok("JY23204020012345")),
            (" jy23204020012345 ", Ok("JY23204020012345")),
            ("JY2320402001234", Err("INVALID_FOOD_LICENCE_NO")),
            ("JY232040200123456", Err("INVALID_FOOD_LICENCE_NO")),
            ("SP23204020012345", Err("INVALID_FOOD_LICENCE_NO")),
            ("JY2320402001234X", Err("INVALID_FOOD_LICENCE_NO")),
            ("23204020012345", Err("INVALID_FOOD_LICENCE_NO")),
        ];
        for (raw, expected) in cases {
            let got = normalize_food_licence_no(raw);
            assert_eq!(got.as_deref().map_err(|e| e.code()), expected, "{raw:?}");
        }
    }

    #[test]
    fn live_video_urls() {
        let cases = [
            (None, Ok(None)),
            (Some("  "), Ok(None)),
            (
                Some("https://mclz.example.cn/live/123"),
                Ok(Some("https://mclz.example.cn/live/123")),
            ),
            (
                Some("HTTPS://live.example.cn:8443/a?b=c"),
                Ok(Some("https://live.example.cn:8443/a?b=c")),
            ),
            (
                Some("https://live.example.cn"),
                Ok(Some("https://live.example.cn")),
            ),
            (
                Some("http://live.example.cn/1"),
                Err("LIVE_VIDEO_URL_NOT_HTTPS"),
            ),
            (
                Some("rtmp://live.example.cn/1"),
                Err("LIVE_VIDEO_URL_NOT_HTTPS"),
            ),
            (Some("live.example.cn/1"), Err("LIVE_VIDEO_URL_NOT_HTTPS")),
            (Some("https://"), Err("INVALID_LIVE_VIDEO_URL")),
            (Some("https:///path"), Err("INVALID_LIVE_VIDEO_URL")),
            (
                Some("https://gov.cn@evil.example/x"),
                Err("INVALID_LIVE_VIDEO_URL"),
            ),
            (
                Some("https://live.example.cn/a b"),
                Err("INVALID_LIVE_VIDEO_URL"),
            ),
            (
                Some("https://live.example.cn:/a"),
                Err("INVALID_LIVE_VIDEO_URL"),
            ),
            (
                Some("https://live.example.cn:80a/a"),
                Err("INVALID_LIVE_VIDEO_URL"),
            ),
        ];
        for (raw, expected) in cases {
            let got = normalize_live_video_url(raw);
            assert_eq!(
                got.as_ref().map(Option::as_deref).map_err(|e| e.code()),
                expected,
                "{raw:?}"
            );
        }
        let too_long = format!(
            "https://live.example.cn/{}",
            "a".repeat(LIVE_VIDEO_URL_MAX_LEN)
        );
        assert!(normalize_live_video_url(Some(&too_long)).is_err());
    }

    #[test]
    fn every_error_has_a_code_a_field_and_a_chinese_message() {
        let errors = [
            MealPointRuleError::OutsideChina {
                field: "lng",
                value: 200.0,
            },
            MealPointRuleError::NoServiceSlot,
            MealPointRuleError::SlotHoursInverted {
                slot: Slot::Lunch,
                opens: t("12:30"),
                closes: t("11:00"),
            },
            MealPointRuleError::SlotListedTwice { slot: Slot::Lunch },
            MealPointRuleError::SlotHoursOverlap {
                earlier: Slot::Lunch,
                later: Slot::Dinner,
            },
            MealPointRuleError::SlotsOutOfOrder {
                earlier: Slot::Lunch,
                later: Slot::Dinner,
            },
            MealPointRuleError::NoOpeningDay,
            MealPointRuleError::InvalidWeekday { value: 8 },
            MealPointRuleError::NoServiceMode,
            MealPointRuleError::DeliveryRadiusRequired,
            MealPointRuleError::DeliveryRadiusWithoutDelivery,
            MealPointRuleError::DeliveryRadiusOutOfRange { value: 0 },
            MealPointRuleError::StatusReasonRequired {
                status: MealPointStatusKind::Paused,
            },
            MealPointRuleError::StatusReasonTooLong { len: 201 },
            MealPointRuleError::StatusFromRequired {
                status: MealPointStatusKind::Closed,
            },
            MealPointRuleError::StatusUntilBeforeFrom {
                from: d("2026-02-02"),
                until: d("2026-02-01"),
            },
            MealPointRuleError::StarGradeOutOfRange { value: 6 },
            MealPointRuleError::InvalidPhone,
            MealPointRuleError::InvalidFoodLicenceNo,
            MealPointRuleError::LiveVideoUrlNotHttps,
            MealPointRuleError::InvalidLiveVideoUrl,
        ];
        let mut codes: Vec<&str> = errors.iter().map(|e| e.code()).collect();
        for e in &errors {
            let code = e.code();
            assert!(
                code.bytes().all(|b| b.is_ascii_uppercase() || b == b'_'),
                "{code}"
            );
            assert!(e.field().is_some(), "{code}");
            assert!(
                e.message()
                    .chars()
                    .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{code}"
            );
        }
        assert!(errors[2].message().contains("午餐的开始时间 12:30"));
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), errors.len(), "codes must be distinct");
    }
}
