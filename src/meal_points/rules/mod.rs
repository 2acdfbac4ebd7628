//! Pure rules for meal points (助餐点): where they are, when and how they serve, whether they
//! take bookings on a date, and the format of what operators type in (phone, licence, video).
//!
//! Nothing here touches the database or the clock: callers pass dates in and get validated
//! values or a [`MealPointRuleError`] back. The error's `code()` is the stable contract with the
//! mini program; `message()` is the Chinese text shown to operators.

mod contacts;
mod geography;
mod hours;
mod labels;
mod modes;
mod status;

use chrono::{NaiveDate, NaiveTime};
use vocabulary::Slot;

pub use contacts::{
    FOOD_LICENCE_PATTERN, LIVE_VIDEO_URL_MAX_LEN, LIVE_VIDEO_URL_PATTERN, PHONE_PATTERN,
    normalize_food_licence_no, normalize_live_video_url, normalize_phone,
};
pub use geography::{
    BoundingBox, CHINA_LAT, CHINA_LNG, EARTH_MEAN_RADIUS_M, GeoPoint, bounding_box, destination,
    distance_m,
};
pub use hours::{
    BookingPolicy, OpeningDays, ServiceHours, SlotHours, booking_opens_on, order_cutoff,
};
pub use labels::{CityLabels, StarGrade};
pub use modes::{DELIVERY_RADIUS_M, ServiceModes, serves_delivery_to};
pub use status::{MealPointStatus, STATUS_REASON_MAX_CHARS, Suspension, takes_bookings_on};
pub use vocabulary::{MealPointKind, MealPointStatusKind};

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
    InvalidWeekday { value: i64 },
    #[error("no service mode given")]
    NoServiceMode,
    #[error("delivery is offered without a radius")]
    DeliveryRadiusRequired,
    #[error("a delivery radius is given but delivery is not offered")]
    DeliveryRadiusWithoutDelivery,
    #[error("delivery radius {value} m is outside 1..=10000")]
    DeliveryRadiusOutOfRange { value: u32 },
    #[error("booking for {slot:?} would close before it opens")]
    EmptyBookingWindow { slot: Slot },
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
            Self::EmptyBookingWindow { .. } => "EMPTY_BOOKING_WINDOW",
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
            Self::EmptyBookingWindow { .. } => "order_lead_minutes",
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
            Self::EmptyBookingWindow { slot } => format!(
                "{}的预订截止时间早于开放预订时间，请减少截止提前量或增加提前开放天数",
                slot.label_zh()
            ),
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

    fn t(hm: &str) -> NaiveTime {
        NaiveTime::parse_from_str(hm, "%H:%M").unwrap()
    }

    fn d(ymd: &str) -> NaiveDate {
        NaiveDate::parse_from_str(ymd, "%Y-%m-%d").unwrap()
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
            MealPointRuleError::EmptyBookingWindow { slot: Slot::Lunch },
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
