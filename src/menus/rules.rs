//! Pure rules for a meal point's dishes (菜品) and offerings (供应: a dish on a date and slot,
//! with a number of portions): what a valid dish is, when booking an offering opens and closes,
//! how far portions may be lowered, and copying one week's menu to another.
//!
//! Business dates are Shanghai dates: "today" for an elder in Changzhou at 07:30 is the local
//! date, though it is still yesterday in UTC. Callers pass `now` in UTC and these rules convert.

use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, TimeDelta, Utc};
use rust_decimal::Decimal;
use serde::Serialize;

use vocabulary::Slot;

use crate::clock::{SHANGHAI, shanghai_today};
pub use crate::meal_points::rules::{BookingPolicy, booking_opens_on, order_cutoff};

// ---------------------------------------------------------------------------------------------
// Business time (the Shanghai business day itself lives in `crate::clock`)
// ---------------------------------------------------------------------------------------------

/// The Monday of `date`'s week; menus are planned Monday to Sunday.
pub fn week_monday(date: NaiveDate) -> NaiveDate {
    date - TimeDelta::days(i64::from(date.weekday().num_days_from_monday()))
}

// ---------------------------------------------------------------------------------------------
// Dishes
// ---------------------------------------------------------------------------------------------

pub const DISH_NAME_MAX_CHARS: usize = 40;

/// The highest price a dish or offering may carry, 999.99 yuan. An elder's meal costs a few
/// yuan; anything near this is a typo, and the cap keeps amounts far inside the `i64` fen
/// columns money is stored in.
pub const PRICE_MAX: Decimal = Decimal::from_parts(99_999, 0, 0, false, 2);

/// [`validate_price`]'s rule as the document states it: 0 to [`PRICE_MAX`], at most two
/// decimals, no sign.
pub const PRICE_PATTERN: &str = r"^(?:0|[1-9][0-9]{0,2})(?:\.[0-9]{1,2})?$";

pub use vocabulary::{Allergen, DishTag};

/// Tag codes as a set, in canonical order; an unknown code is refused.
pub fn parse_tags<S: AsRef<str>>(
    codes: impl IntoIterator<Item = S>,
) -> Result<Vec<DishTag>, MenuRuleError> {
    let tags = codes
        .into_iter()
        .map(|c| {
            DishTag::parse(c.as_ref()).ok_or_else(|| MenuRuleError::UnknownTag {
                value: c.as_ref().to_owned(),
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(sorted_set(tags))
}

/// Allergen codes as a set, in canonical order; an unknown code is refused.
pub fn parse_allergens<S: AsRef<str>>(
    codes: impl IntoIterator<Item = S>,
) -> Result<Vec<Allergen>, MenuRuleError> {
    let allergens = codes
        .into_iter()
        .map(|c| {
            Allergen::parse(c.as_ref()).ok_or_else(|| MenuRuleError::UnknownAllergen {
                value: c.as_ref().to_owned(),
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(sorted_set(allergens))
}

fn sorted_set<T: Ord>(mut items: Vec<T>) -> Vec<T> {
    items.sort_unstable();
    items.dedup();
    items
}

/// A dish name, trimmed, 1..=40 characters (characters, not UTF-8 bytes: 红烧狮子头 is 5).
pub fn validate_dish_name(raw: &str) -> Result<String, MenuRuleError> {
    let name = raw.trim();
    let len = name.chars().count();
    if len == 0 {
        return Err(MenuRuleError::DishNameRequired);
    }
    if len > DISH_NAME_MAX_CHARS {
        return Err(MenuRuleError::DishNameTooLong { len });
    }
    Ok(name.to_owned())
}

/// A price in yuan as the document states it: no minus sign, at most two decimals as written
/// (`12.500` too is refused), at most [`PRICE_MAX`]. Returned with exactly two decimals (`12.5`
/// becomes `12.50`).
pub fn validate_price(price: Decimal) -> Result<Decimal, MenuRuleError> {
    if price.is_sign_negative() {
        return Err(MenuRuleError::PriceNegative);
    }
    if price.scale() > 2 {
        return Err(MenuRuleError::PriceTooManyDecimals);
    }
    if price > PRICE_MAX {
        return Err(MenuRuleError::PriceTooHigh);
    }
    let mut yuan = price;
    yuan.rescale(2);
    Ok(yuan)
}

/// A validated dish. Tags and allergens are sets in canonical order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Dish {
    name: String,
    price: Decimal,
    tags: Vec<DishTag>,
    allergens: Vec<Allergen>,
}

impl Dish {
    pub fn new(
        name: &str,
        price: Decimal,
        tags: Vec<DishTag>,
        allergens: Vec<Allergen>,
    ) -> Result<Self, MenuRuleError> {
        Ok(Self {
            name: validate_dish_name(name)?,
            price: validate_price(price)?,
            tags: sorted_set(tags),
            allergens: sorted_set(allergens),
        })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn price(&self) -> Decimal {
        self.price
    }

    pub fn tags(&self) -> &[DishTag] {
        &self.tags
    }

    pub fn allergens(&self) -> &[Allergen] {
        &self.allergens
    }
}

// ---------------------------------------------------------------------------------------------
// Offerings: portions, cutoff, booking window
// ---------------------------------------------------------------------------------------------

/// Portions one offering may have. 10,000 is above the busiest central kitchen's day (茶山's
/// serves about 2,300 meals); more is a typo.
pub const PORTIONS_MAX: i32 = 10_000;

pub fn validate_portions(portions: i32) -> Result<i32, MenuRuleError> {
    if (0..=PORTIONS_MAX).contains(&portions) {
        Ok(portions)
    } else {
        Err(MenuRuleError::PortionsOutOfRange { value: portions })
    }
}

/// Whether an operator may change an offering's portions to `new` while `booked` are taken.
/// Raising is always fine; lowering stops at what elders have already booked, because those
/// meals are promised and portions are never oversold.
pub fn check_new_portions(new: i32, booked: i32) -> Result<(), MenuRuleError> {
    validate_portions(new)?;
    if new < booked {
        return Err(MenuRuleError::PortionsBelowBooked {
            booked,
            requested: new,
        });
    }
    Ok(())
}

/// A dish planned for a date and slot, before booking times are attached. `DishId` is whatever
/// identifies a dish in the caller's storage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfferingDraft<DishId = i64> {
    pub dish: DishId,
    pub date: NaiveDate,
    pub slot: Slot,
    pub portions: i32,
    pub price: Decimal,
}

impl<DishId> OfferingDraft<DishId> {
    /// `price` overrides the dish's own price for this one offering (e.g. a holiday special);
    /// without it the offering costs what the dish does.
    pub fn new(
        dish: DishId,
        dish_price: Decimal,
        date: NaiveDate,
        slot: Slot,
        portions: i32,
        price: Option<Decimal>,
    ) -> Result<Self, MenuRuleError> {
        Ok(Self {
            dish,
            date,
            slot,
            portions: validate_portions(portions)?,
            price: validate_price(price.unwrap_or(dish_price))?,
        })
    }

    /// Attaches the booking window: opens `days_ahead` days before the date at 00:00, closes
    /// `lead_minutes` before the slot opens. Refused if that leaves no time to book at all.
    pub fn schedule(
        self,
        slot_opens: NaiveTime,
        policy: BookingPolicy,
    ) -> Result<Offering<DishId>, MenuRuleError> {
        let Some((booking_opens_on, order_cutoff)) = policy.window(self.date, slot_opens) else {
            return Err(MenuRuleError::EmptyBookingWindow {
                date: self.date,
                slot: self.slot,
            });
        };
        Ok(Offering {
            dish: self.dish,
            date: self.date,
            slot: self.slot,
            portions: self.portions,
            price: self.price,
            booking_opens_on,
            order_cutoff,
        })
    }
}

/// An offering with its booking window, as booking and cancelling see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offering<DishId = i64> {
    pub dish: DishId,
    pub date: NaiveDate,
    pub slot: Slot,
    pub portions: i32,
    pub price: Decimal,
    /// Booking opens at 00:00 Shanghai time on this date.
    pub booking_opens_on: NaiveDate,
    /// Booking is refused from this instant on.
    pub order_cutoff: DateTime<Utc>,
}

/// Whether an offering can be booked at `now_utc`.
pub fn can_book<DishId>(
    now_utc: DateTime<Utc>,
    offering: &Offering<DishId>,
) -> Result<(), BookingWindowError> {
    if shanghai_today(now_utc) < offering.booking_opens_on {
        return Err(BookingWindowError::NotOpen {
            opens_on: offering.booking_opens_on,
        });
    }
    if now_utc >= offering.order_cutoff {
        return Err(BookingWindowError::CutoffPassed {
            cutoff: offering.order_cutoff,
        });
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Copying a week's menu
// ---------------------------------------------------------------------------------------------

/// Copies the offerings of the week starting `from_week_monday` to the week starting
/// `to_week_monday`, same weekday, slot, dish, portions and price. Drafts outside the source
/// week are left out, and so are dishes `is_active` rejects (withdrawn since), which only the
/// caller can know.
pub fn copy_week<DishId: Clone>(
    source: &[OfferingDraft<DishId>],
    from_week_monday: NaiveDate,
    to_week_monday: NaiveDate,
    is_active: impl Fn(&DishId) -> bool,
) -> Result<Vec<OfferingDraft<DishId>>, MenuRuleError> {
    for (field, date) in [("from_week", from_week_monday), ("to_week", to_week_monday)] {
        if week_monday(date) != date {
            return Err(MenuRuleError::NotAMonday { field, date });
        }
    }
    if from_week_monday == to_week_monday {
        return Err(MenuRuleError::CopyToSameWeek);
    }
    let shift = to_week_monday - from_week_monday;
    let week_end = from_week_monday + TimeDelta::days(6);
    Ok(source
        .iter()
        .filter(|o| (from_week_monday..=week_end).contains(&o.date) && is_active(&o.dish))
        .map(|o| OfferingDraft {
            date: o.date + shift,
            ..o.clone()
        })
        .collect())
}

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

/// Why a dish or offering breaks a rule. `Display` is English for logs; operators see
/// `message()`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MenuRuleError {
    #[error("dish name is empty")]
    DishNameRequired,
    #[error("dish name has {len} characters, more than 40")]
    DishNameTooLong { len: usize },
    #[error("price is negative")]
    PriceNegative,
    #[error("price has fractions of a fen")]
    PriceTooManyDecimals,
    #[error("price is above 999.99")]
    PriceTooHigh,
    #[error("unknown dish tag {value:?}")]
    UnknownTag { value: String },
    #[error("unknown allergen {value:?}")]
    UnknownAllergen { value: String },
    #[error("portions {value} outside 0..=10000")]
    PortionsOutOfRange { value: i32 },
    #[error("portions {requested} below the {booked} already booked")]
    PortionsBelowBooked { booked: i32, requested: i32 },
    #[error("{field} {date} is not a Monday")]
    NotAMonday {
        field: &'static str,
        date: NaiveDate,
    },
    #[error("source and target week are the same")]
    CopyToSameWeek,
    #[error("booking for {date} {slot:?} would close before it opens")]
    EmptyBookingWindow { date: NaiveDate, slot: Slot },
}

impl MenuRuleError {
    /// A stable machine code; the mini program keys its handling on it.
    pub fn code(&self) -> &'static str {
        match self {
            Self::DishNameRequired => "DISH_NAME_REQUIRED",
            Self::DishNameTooLong { .. } => "DISH_NAME_TOO_LONG",
            Self::PriceNegative => "PRICE_NEGATIVE",
            Self::PriceTooManyDecimals => "PRICE_TOO_MANY_DECIMALS",
            Self::PriceTooHigh => "PRICE_TOO_HIGH",
            Self::UnknownTag { .. } => "UNKNOWN_DISH_TAG",
            Self::UnknownAllergen { .. } => "UNKNOWN_ALLERGEN",
            Self::PortionsOutOfRange { .. } => "PORTIONS_OUT_OF_RANGE",
            Self::PortionsBelowBooked { .. } => "PORTIONS_BELOW_BOOKED",
            Self::NotAMonday { .. } => "NOT_A_MONDAY",
            Self::CopyToSameWeek => "COPY_TO_SAME_WEEK",
            Self::EmptyBookingWindow { .. } => "EMPTY_BOOKING_WINDOW",
        }
    }

    /// The request field at fault, for highlighting it in the form.
    pub fn field(&self) -> Option<&'static str> {
        Some(match self {
            Self::DishNameRequired | Self::DishNameTooLong { .. } => "name",
            Self::PriceNegative | Self::PriceTooManyDecimals | Self::PriceTooHigh => "price",
            Self::UnknownTag { .. } => "tags",
            Self::UnknownAllergen { .. } => "allergens",
            Self::PortionsOutOfRange { .. } | Self::PortionsBelowBooked { .. } => "portions",
            Self::NotAMonday { field, .. } => field,
            Self::CopyToSameWeek => "to_week",
            Self::EmptyBookingWindow { .. } => "lead_minutes",
        })
    }

    /// What the operator reads, in Chinese.
    pub fn message(&self) -> String {
        match self {
            Self::DishNameRequired => "请填写菜品名称".to_owned(),
            Self::DishNameTooLong { len } => {
                format!("菜品名称不能超过 {DISH_NAME_MAX_CHARS} 个字，当前 {len} 个字")
            }
            Self::PriceNegative => "价格不能为负数".to_owned(),
            Self::PriceTooManyDecimals => "价格最多保留两位小数（精确到分）".to_owned(),
            Self::PriceTooHigh => format!("价格不能超过 {PRICE_MAX} 元，请检查是否多输了数字"),
            Self::UnknownTag { value } => format!("未知的菜品标签：{value}"),
            Self::UnknownAllergen { value } => format!("未知的过敏原：{value}"),
            Self::PortionsOutOfRange { .. } => {
                format!("供应份数须在 0 到 {PORTIONS_MAX} 之间")
            }
            Self::PortionsBelowBooked { booked, .. } => {
                format!("已有 {booked} 份被预订，供应份数不能少于 {booked} 份")
            }
            Self::NotAMonday { date, .. } => format!("{date} 不是周一，请选择一周的周一"),
            Self::CopyToSameWeek => "不能复制到同一周，请选择另一周".to_owned(),
            // The meal point's own refusal, on the date at hand.
            Self::EmptyBookingWindow { date, slot } => format!(
                "{date} {}",
                crate::meal_points::rules::MealPointRuleError::EmptyBookingWindow { slot: *slot }
                    .message()
            ),
        }
    }
}

/// Why an offering cannot be booked right now. Separate from [`MenuRuleError`] because it is
/// about the moment, not about anything the operator typed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BookingWindowError {
    #[error("booking opens on {opens_on}")]
    NotOpen { opens_on: NaiveDate },
    #[error("order cutoff {cutoff} has passed")]
    CutoffPassed { cutoff: DateTime<Utc> },
}

impl BookingWindowError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotOpen { .. } => "BOOKING_NOT_OPEN",
            Self::CutoffPassed { .. } => "ORDER_CUTOFF_PASSED",
        }
    }

    /// What the elder reads, with times in Changzhou's local time.
    pub fn message(&self) -> String {
        match self {
            Self::NotOpen { opens_on } => {
                format!("还未开放预订，{} 起可预订", opens_on.format("%-m月%-d日"))
            }
            Self::CutoffPassed { cutoff } => format!(
                "已过预订截止时间（{}）",
                cutoff.with_timezone(&SHANGHAI).format("%-m月%-d日 %H:%M")
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    fn d(ymd: &str) -> NaiveDate {
        NaiveDate::parse_from_str(ymd, "%Y-%m-%d").unwrap()
    }

    fn t(hm: &str) -> NaiveTime {
        NaiveTime::parse_from_str(hm, "%H:%M").unwrap()
    }

    fn utc(rfc3339: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(rfc3339).unwrap().to_utc()
    }

    /// As a request carries it (a plain `Decimal::from_str` drops the sign of `-0.00`).
    fn yuan(s: &str) -> Decimal {
        use poem_openapi::types::ParseFromParameter;
        crate::money::Yuan::parse_from_parameter(s)
            .unwrap()
            .decimal()
    }

    #[test]
    fn order_cutoff_is_slot_start_in_shanghai_minus_lead() {
        let cases = [
            (
                "breakfast, no lead: previous day in UTC",
                "2026-01-05",
                "07:00",
                0,
                "2026-01-04T23:00:00Z",
            ),
            (
                "breakfast, 1 h lead",
                "2026-01-05",
                "07:00",
                60,
                "2026-01-04T22:00:00Z",
            ),
            (
                "lunch, 2 h lead",
                "2026-01-05",
                "11:00",
                120,
                "2026-01-05T01:00:00Z",
            ),
            (
                "lunch, a day ahead",
                "2026-01-05",
                "11:00",
                1440,
                "2026-01-04T03:00:00Z",
            ),
            (
                "dinner, 30 min lead",
                "2026-01-05",
                "17:00",
                30,
                "2026-01-05T08:30:00Z",
            ),
            (
                "08:00 is midnight UTC",
                "2026-01-05",
                "08:00",
                0,
                "2026-01-05T00:00:00Z",
            ),
            (
                "across a year end",
                "2026-01-01",
                "07:00",
                0,
                "2025-12-31T23:00:00Z",
            ),
            (
                "across Feb 29",
                "2028-03-01",
                "07:30",
                90,
                "2028-02-29T22:00:00Z",
            ),
        ];
        for (name, date, opens, lead, expected) in cases {
            assert_eq!(
                order_cutoff(d(date), t(opens), lead),
                utc(expected),
                "{name}"
            );
        }
    }

    #[test]
    fn booking_opens_days_ahead() {
        let cases = [
            ("2026-01-05", 0, "2026-01-05"),
            ("2026-01-05", 1, "2026-01-04"),
            ("2026-01-05", 7, "2025-12-29"),
            ("2026-03-01", 1, "2026-02-28"),
        ];
        for (date, days, expected) in cases {
            assert_eq!(
                booking_opens_on(d(date), days),
                d(expected),
                "{date} -{days}"
            );
        }
    }

    #[test]
    fn business_today_and_week() {
        let cases = [
            ("2026-01-04T15:59:59Z", "2026-01-04"),
            ("2026-01-04T16:00:00Z", "2026-01-05"),
            ("2026-01-05T07:30:00+08:00", "2026-01-05"),
        ];
        for (now, expected) in cases {
            assert_eq!(shanghai_today(utc(now)), d(expected), "{now}");
        }
        let weeks = [
            ("2026-01-05", "2026-01-05"),
            ("2026-01-07", "2026-01-05"),
            ("2026-01-11", "2026-01-05"),
            ("2026-01-01", "2025-12-29"),
        ];
        for (date, monday) in weeks {
            assert_eq!(week_monday(d(date)), d(monday), "{date}");
        }
    }

    fn lunch_on_5_jan() -> Offering {
        OfferingDraft::new(1, yuan("12"), d("2026-01-05"), Slot::Lunch, 80, None)
            .unwrap()
            .schedule(
                t("11:00"),
                BookingPolicy {
                    lead_minutes: 120,
                    days_ahead: 7,
                },
            )
            .unwrap()
    }

    #[test]
    fn scheduling_attaches_the_booking_window() {
        let offering = lunch_on_5_jan();
        assert_eq!(offering.booking_opens_on, d("2025-12-29"));
        assert_eq!(offering.order_cutoff, utc("2026-01-05T09:00:00+08:00"));
        assert_eq!(offering.price.to_string(), "12.00");
    }

    #[test]
    fn can_book_within_the_window_only() {
        let offering = lunch_on_5_jan();
        let cases = [
            (
                "23:59:59 the night before opening",
                "2025-12-28T23:59:59+08:00",
                Err("BOOKING_NOT_OPEN"),
            ),
            (
                "midnight on the opening day",
                "2025-12-29T00:00:00+08:00",
                Ok(()),
            ),
            (
                "the morning of the meal",
                "2026-01-05T08:59:59+08:00",
                Ok(()),
            ),
            (
                "exactly at the cutoff",
                "2026-01-05T09:00:00+08:00",
                Err("ORDER_CUTOFF_PASSED"),
            ),
            (
                "the day after",
                "2026-01-06T10:00:00+08:00",
                Err("ORDER_CUTOFF_PASSED"),
            ),
        ];
        for (name, now, expected) in cases {
            assert_eq!(
                can_book(utc(now), &offering).map_err(|e| e.code()),
                expected,
                "{name}"
            );
        }
    }

    #[test]
    fn booking_window_messages_use_local_time() {
        let offering = lunch_on_5_jan();
        let late = can_book(utc("2026-01-05T12:00:00+08:00"), &offering).unwrap_err();
        assert_eq!(late.message(), "已过预订截止时间（1月5日 09:00）");
        let early = can_book(utc("2025-12-01T12:00:00+08:00"), &offering).unwrap_err();
        assert_eq!(early.message(), "还未开放预订，12月29日 起可预订");
    }

    #[test]
    fn a_booking_window_that_closes_before_it_opens_is_refused() {
        let draft =
            OfferingDraft::new(1, yuan("6"), d("2026-01-05"), Slot::Breakfast, 10, None).unwrap();
        let cases = [
            (
                BookingPolicy {
                    lead_minutes: 0,
                    days_ahead: 0,
                },
                Ok(()),
            ),
            (
                BookingPolicy {
                    lead_minutes: 419,
                    days_ahead: 0,
                },
                Ok(()),
            ),
            (
                BookingPolicy {
                    lead_minutes: 420,
                    days_ahead: 0,
                },
                Err("EMPTY_BOOKING_WINDOW"),
            ),
            (
                BookingPolicy {
                    lead_minutes: 1440,
                    days_ahead: 1,
                },
                Ok(()),
            ),
            (
                BookingPolicy {
                    lead_minutes: 2000,
                    days_ahead: 1,
                },
                Err("EMPTY_BOOKING_WINDOW"),
            ),
        ];
        for (policy, expected) in cases {
            let got = draft
                .clone()
                .schedule(t("07:00"), policy)
                .map(|_| ())
                .map_err(|e| e.code());
            assert_eq!(got, expected, "{policy:?}");
        }
    }

    #[test]
    fn prices() {
        let cases = [
            ("12", Ok("12.00")),
            ("12.5", Ok("12.50")),
            ("12.500", Err("PRICE_TOO_MANY_DECIMALS")),
            ("0", Ok("0.00")),
            ("-0.00", Err("PRICE_NEGATIVE")),
            ("999.99", Ok("999.99")),
            ("12.345", Err("PRICE_TOO_MANY_DECIMALS")),
            ("0.001", Err("PRICE_TOO_MANY_DECIMALS")),
            ("-0.01", Err("PRICE_NEGATIVE")),
            ("1000.00", Err("PRICE_TOO_HIGH")),
        ];
        for (raw, expected) in cases {
            let got = validate_price(yuan(raw));
            assert_eq!(
                got.map(|p| p.to_string()).as_deref().map_err(|e| e.code()),
                expected,
                "{raw}"
            );
        }
        let err = validate_price(yuan("8.888")).unwrap_err();
        assert_eq!(err.field(), Some("price"));
    }

    #[test]
    fn dish_names() {
        let forty = "菜".repeat(DISH_NAME_MAX_CHARS);
        let forty_one = "菜".repeat(DISH_NAME_MAX_CHARS + 1);
        let cases = [
            ("  红烧狮子头 ", Ok("红烧狮子头")),
            (forty.as_str(), Ok(forty.as_str())),
            ("", Err("DISH_NAME_REQUIRED")),
            ("   ", Err("DISH_NAME_REQUIRED")),
            (forty_one.as_str(), Err("DISH_NAME_TOO_LONG")),
        ];
        for (raw, expected) in cases {
            assert_eq!(
                validate_dish_name(raw).as_deref().map_err(|e| e.code()),
                expected,
                "{raw:?}"
            );
        }
    }

    #[test]
    fn tags_and_allergens() {
        assert_eq!(
            parse_tags(["soft", "low_salt", "soft"]),
            Ok(vec![DishTag::LowSalt, DishTag::Soft])
        );
        let err = parse_tags(vec!["soft".to_owned(), "spicy".to_owned()]).unwrap_err();
        assert_eq!(
            (err.code(), err.field()),
            ("UNKNOWN_DISH_TAG", Some("tags"))
        );
        assert!(err.message().contains("spicy"));

        assert_eq!(
            parse_allergens(["wheat", "egg"]),
            Ok(vec![Allergen::Egg, Allergen::Wheat])
        );
        let err = parse_allergens(["gluten"]).unwrap_err();
        assert_eq!(
            (err.code(), err.field()),
            ("UNKNOWN_ALLERGEN", Some("allergens"))
        );

        assert_eq!(DishTag::Boneless.label_zh(), "无骨无刺");
        assert_eq!(Allergen::Wheat.label_zh(), "小麦/麸质");
    }

    #[test]
    fn a_dish_keeps_tags_as_a_sorted_set() {
        let dish = Dish::new(
            "肉末蒸蛋",
            yuan("6"),
            vec![DishTag::Soft, DishTag::Boneless, DishTag::Soft],
            vec![Allergen::Egg],
        )
        .unwrap();
        assert_eq!(dish.tags(), [DishTag::Soft, DishTag::Boneless]);
        assert_eq!(dish.price().to_string(), "6.00");
        assert_eq!(
            Dish::new("肉末蒸蛋", yuan("6.005"), vec![], vec![])
                .unwrap_err()
                .field(),
            Some("price")
        );
    }

    #[test]
    fn offering_price_defaults_to_the_dish() {
        let on = d("2026-01-05");
        let cases = [
            (None, 50, Ok("12.00")),
            (Some("9.9"), 50, Ok("9.90")),
            (Some("0"), 0, Ok("0.00")),
            (Some("9.999"), 50, Err("PRICE_TOO_MANY_DECIMALS")),
            (None, 10_001, Err("PORTIONS_OUT_OF_RANGE")),
            (None, -1, Err("PORTIONS_OUT_OF_RANGE")),
        ];
        for (price, portions, expected) in cases {
            let got = OfferingDraft::new(7, yuan("12"), on, Slot::Lunch, portions, price.map(yuan));
            assert_eq!(
                got.map(|o| o.price.to_string())
                    .as_deref()
                    .map_err(|e| e.code()),
                expected,
                "{price:?} {portions}"
            );
        }
    }

    #[test]
    fn portions_can_be_lowered_only_to_what_is_booked() {
        let cases = [
            (50, 0, Ok(())),
            (80, 30, Ok(())),
            (30, 30, Ok(())),
            (0, 0, Ok(())),
            (10_000, 9_000, Ok(())),
            (29, 30, Err("PORTIONS_BELOW_BOOKED")),
            (0, 1, Err("PORTIONS_BELOW_BOOKED")),
            (10_001, 0, Err("PORTIONS_OUT_OF_RANGE")),
            (-1, 0, Err("PORTIONS_OUT_OF_RANGE")),
        ];
        for (new, booked, expected) in cases {
            assert_eq!(
                check_new_portions(new, booked).map_err(|e| e.code()),
                expected,
                "{new}/{booked}"
            );
        }
        let err = check_new_portions(20, 35).unwrap_err();
        assert_eq!(err.message(), "已有 35 份被预订，供应份数不能少于 35 份");
        assert_eq!(err.field(), Some("portions"));
    }

    fn draft(dish: i64, date: &str, slot: Slot, portions: i32, price: &str) -> OfferingDraft {
        OfferingDraft {
            dish,
            date: d(date),
            slot,
            portions,
            price: yuan(price),
        }
    }

    #[test]
    fn copy_week_shifts_whole_weeks_and_skips_inactive_dishes() {
        let source = [
            draft(1, "2026-01-05", Slot::Lunch, 80, "12.00"),
            draft(2, "2026-01-07", Slot::Dinner, 40, "10.00"),
            draft(3, "2026-01-11", Slot::Breakfast, 30, "3.50"),
            draft(1, "2026-01-12", Slot::Lunch, 99, "12.00"), // next week: not part of the copy
        ];
        let active: HashSet<i64> = [1, 3].into();
        let copied = copy_week(&source, d("2026-01-05"), d("2026-01-19"), |dish| {
            active.contains(dish)
        })
        .unwrap();
        assert_eq!(
            copied,
            [
                draft(1, "2026-01-19", Slot::Lunch, 80, "12.00"),
                draft(3, "2026-01-25", Slot::Breakfast, 30, "3.50"),
            ]
        );

        let back = copy_week(&source, d("2026-01-05"), d("2025-12-29"), |_| true).unwrap();
        let dates: Vec<NaiveDate> = back.iter().map(|o| o.date).collect();
        assert_eq!(dates, [d("2025-12-29"), d("2025-12-31"), d("2026-01-04")]);
    }

    #[test]
    fn copy_week_needs_two_different_mondays() {
        let cases = [
            (
                "2026-01-06",
                "2026-01-12",
                Err(("NOT_A_MONDAY", Some("from_week"))),
            ),
            (
                "2026-01-05",
                "2026-01-18",
                Err(("NOT_A_MONDAY", Some("to_week"))),
            ),
            (
                "2026-01-05",
                "2026-01-05",
                Err(("COPY_TO_SAME_WEEK", Some("to_week"))),
            ),
            ("2026-01-05", "2026-01-12", Ok(())),
        ];
        for (from, to, expected) in cases {
            let got = copy_week::<i64>(&[], d(from), d(to), |_| true);
            assert_eq!(
                got.map(|_| ()).map_err(|e| (e.code(), e.field())),
                expected,
                "{from} -> {to}"
            );
        }
    }

    #[test]
    fn every_error_has_a_code_a_field_and_a_chinese_message() {
        let errors = [
            MenuRuleError::DishNameRequired,
            MenuRuleError::DishNameTooLong { len: 41 },
            MenuRuleError::PriceNegative,
            MenuRuleError::PriceTooManyDecimals,
            MenuRuleError::PriceTooHigh,
            MenuRuleError::UnknownTag { value: "x".into() },
            MenuRuleError::UnknownAllergen { value: "x".into() },
            MenuRuleError::PortionsOutOfRange { value: -1 },
            MenuRuleError::PortionsBelowBooked {
                booked: 3,
                requested: 2,
            },
            MenuRuleError::NotAMonday {
                field: "to_week",
                date: d("2026-01-06"),
            },
            MenuRuleError::CopyToSameWeek,
            MenuRuleError::EmptyBookingWindow {
                date: d("2026-01-06"),
                slot: Slot::Lunch,
            },
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
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), errors.len(), "codes must be distinct");
        assert_eq!(
            MenuRuleError::PriceTooHigh.message(),
            "价格不能超过 999.99 元，请检查是否多输了数字"
        );
    }
}
