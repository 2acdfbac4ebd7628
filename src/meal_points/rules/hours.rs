//! When a meal point serves: its opening days and the hours of each slot.

use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, TimeDelta, Utc, Weekday};
use serde::{Deserialize, Serialize};
use vocabulary::{Slot, weekday_label_zh};

use super::MealPointRuleError;
use crate::clock::shanghai_to_utc;

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
                return Err(MealPointRuleError::InvalidWeekday {
                    value: i64::from(day),
                });
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

/// A meal point's booking settings. Named fields, because two bare `u32`s are easy to swap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BookingPolicy {
    /// Minutes before the slot opens that ordering closes, so the kitchen can shop and cook.
    pub lead_minutes: u32,
    /// How many days before the meal's date booking opens (0 = only on the day).
    pub days_ahead: u32,
}

impl BookingPolicy {
    /// When booking a meal served from `slot_opens` on `date` opens (00:00 Shanghai on the
    /// date returned) and closes (the instant returned), or `None` if it would close before it
    /// opens. The window is as long on every date, so one date tells whether a policy works.
    pub fn window(
        self,
        date: NaiveDate,
        slot_opens: NaiveTime,
    ) -> Option<(NaiveDate, DateTime<Utc>)> {
        let opens_on = booking_opens_on(date, self.days_ahead);
        let cutoff = order_cutoff(date, slot_opens, self.lead_minutes);
        (cutoff > shanghai_to_utc(opens_on.and_time(NaiveTime::MIN))).then_some((opens_on, cutoff))
    }

    /// Refuses booking times that leave no moment to book some slot of `hours`.
    pub fn check_against(self, hours: &ServiceHours) -> Result<(), MealPointRuleError> {
        let any_date = NaiveDate::from_ymd_opt(2026, 1, 5).unwrap_or_default();
        match hours
            .slots()
            .iter()
            .find(|h| self.window(any_date, h.opens).is_none())
        {
            Some(h) => Err(MealPointRuleError::EmptyBookingWindow { slot: h.slot }),
            None => Ok(()),
        }
    }
}

/// The instant ordering closes: the slot's start on `date` in Shanghai, minus the lead time.
/// Breakfast at 07:00 with no lead time closes at 23:00 UTC the day before.
pub fn order_cutoff(date: NaiveDate, slot_opens: NaiveTime, lead_minutes: u32) -> DateTime<Utc> {
    shanghai_to_utc(date.and_time(slot_opens)) - TimeDelta::minutes(i64::from(lead_minutes))
}

/// The Shanghai date on which booking for `date` opens.
pub fn booking_opens_on(date: NaiveDate, days_ahead: u32) -> NaiveDate {
    date - TimeDelta::days(i64::from(days_ahead))
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

    fn hours(slot: Slot, opens: &str, closes: &str) -> SlotHours {
        SlotHours {
            slot,
            opens: t(opens),
            closes: t(closes),
        }
    }

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
}
