//! The service's notion of "now". Business rules take time as a parameter; the clock lives in the
//! app state so tests can move time (session expiry, cutoffs, no-shows) without sleeping.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, NaiveDateTime, TimeDelta, Utc};

/// China Standard Time (UTC+8), the business time of every date and slot. China has observed no
/// daylight-saving time since 1991, so this fixed offset is exact for every date the service
/// handles; no time-zone database is needed.
pub const SHANGHAI: FixedOffset = match FixedOffset::east_opt(8 * 3600) {
    Some(offset) => offset,
    None => panic!("UTC+8 is a valid offset"),
};

/// The instant a Shanghai wall-clock time happens.
pub fn shanghai_to_utc(local: NaiveDateTime) -> DateTime<Utc> {
    // A fixed offset has no gaps or repeated hours, so subtracting it is the whole conversion.
    let offset = TimeDelta::seconds(i64::from(SHANGHAI.local_minus_utc()));
    (local - offset).and_utc()
}

/// The business date in Changzhou at `now_utc`.
pub fn shanghai_today(now_utc: DateTime<Utc>) -> NaiveDate {
    now_utc.with_timezone(&SHANGHAI).date_naive()
}

/// The years of the dates the service deals in (menus, orders, settlement periods). A date outside
/// them is a typing error or a probe; refusing it at the edge, with the field named, also keeps
/// date arithmetic far from chrono's limits (`+262142-12-31` plus a day does not exist).
pub const BUSINESS_YEARS: std::ops::RangeInclusive<i32> = 2000..=2199;

/// A date from a request outside [`BUSINESS_YEARS`]: 400 `DATE_OUT_OF_RANGE` naming its field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("date out of range")]
pub struct DateOutOfRange {
    pub field: &'static str,
}

impl crate::error::DomainError for DateOutOfRange {
    fn kind(&self) -> crate::error::ErrorKind {
        crate::error::ErrorKind::BadRequest
    }
    fn code(&self) -> &'static str {
        "DATE_OUT_OF_RANGE"
    }
    fn message(&self) -> std::borrow::Cow<'static, str> {
        format!(
            "日期须在 {} 年到 {} 年之间",
            BUSINESS_YEARS.start(),
            BUSINESS_YEARS.end()
        )
        .into()
    }
    fn field(&self) -> Option<std::borrow::Cow<'static, str>> {
        Some(self.field.into())
    }
}

/// A date from a request, if it lies in [`BUSINESS_YEARS`]; else 400 `DATE_OUT_OF_RANGE` naming
/// `field`.
pub fn check_business_date(
    field: &'static str,
    date: NaiveDate,
) -> Result<NaiveDate, DateOutOfRange> {
    use chrono::Datelike;
    if BUSINESS_YEARS.contains(&date.year()) {
        Ok(date)
    } else {
        Err(DateOutOfRange { field })
    }
}

/// Why a `YYYY-MM` month from a request was refused; each domain answers it in its own words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MonthRefused {
    /// Not `YYYY-MM`: four digits, a dash, two digits of a month 01–12.
    Malformed,
    /// A month of a year outside [`BUSINESS_YEARS`] (400 `DATE_OUT_OF_RANGE` naming the field).
    OutOfRange(DateOutOfRange),
}

/// The first day of a `YYYY-MM` month from a request (blanks around it are ignored), sent in
/// `field`. The one reader of a month: settlement periods, the supervision overview and the
/// dashboard's monthly charts all take months through it.
pub fn parse_month(field: &'static str, raw: &str) -> Result<NaiveDate, MonthRefused> {
    let (year, month) = raw.trim().split_once('-').ok_or(MonthRefused::Malformed)?;
    let digits =
        |part: &str, len: usize| part.len() == len && part.bytes().all(|b| b.is_ascii_digit());
    if !digits(year, 4) || !digits(month, 2) {
        return Err(MonthRefused::Malformed);
    }
    let (year, month): (i32, u32) = (
        year.parse().map_err(|_| MonthRefused::Malformed)?,
        month.parse().map_err(|_| MonthRefused::Malformed)?,
    );
    let first = NaiveDate::from_ymd_opt(year, month, 1).ok_or(MonthRefused::Malformed)?;
    check_business_date(field, first).map_err(MonthRefused::OutOfRange)
}

#[derive(Clone)]
pub struct Clock(Arc<Source>);

enum Source {
    System,
    Manual(Mutex<DateTime<Utc>>),
    /// The system clock shifted by a fixed amount: it runs at the real pace from a chosen start.
    Shifted(TimeDelta),
}

impl Clock {
    pub fn system() -> Self {
        Self(Arc::new(Source::System))
    }

    /// A clock that stands still until moved; for tests.
    pub fn manual(start: DateTime<Utc>) -> Self {
        Self(Arc::new(Source::Manual(Mutex::new(start))))
    }

    /// A clock that reads `start` now and runs forward at the real pace (demo mode's
    /// `ZHUCAN_CLOCK_START`, so browser tests can book "tomorrow" and then serve it).
    pub fn starting_at(start: DateTime<Utc>) -> Self {
        Self(Arc::new(Source::Shifted(start - Utc::now())))
    }

    pub fn now(&self) -> DateTime<Utc> {
        match &*self.0 {
            Source::System => Utc::now(),
            Source::Shifted(by) => Utc::now() + *by,
            Source::Manual(at) => *at.lock().unwrap_or_else(|e| e.into_inner()),
        }
    }

    /// Today's business date in Shanghai.
    pub fn today(&self) -> NaiveDate {
        shanghai_today(self.now())
    }

    /// Moves a manual clock; a system (or shifted) clock cannot be moved and ignores this.
    pub fn advance(&self, by: Duration) {
        if let Source::Manual(at) = &*self.0 {
            let mut at = at.lock().unwrap_or_else(|e| e.into_inner());
            *at += by;
        }
    }

    pub fn set(&self, to: DateTime<Utc>) {
        if let Source::Manual(at) = &*self.0 {
            *at.lock().unwrap_or_else(|e| e.into_inner()) = to;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shifted_clock_starts_where_asked_and_runs_on() {
        let start = shanghai_to_utc(
            NaiveDate::from_ymd_opt(2026, 11, 24)
                .unwrap()
                .and_hms_opt(10, 30, 0)
                .unwrap(),
        );
        let clock = Clock::starting_at(start);
        let first = clock.now();
        assert!(
            (first - start).num_seconds().abs() < 5,
            "{first} vs {start}"
        );
        assert_eq!(
            clock.today(),
            NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()
        );
        let later = clock.now();
        assert!(later >= first);
    }

    #[test]
    fn a_month_is_four_digits_a_dash_and_two_digits_within_the_business_years() {
        let first = |y, m| NaiveDate::from_ymd_opt(y, m, 1).unwrap();
        assert_eq!(parse_month("month", "2026-11"), Ok(first(2026, 11)));
        assert_eq!(parse_month("month", " 2024-02 "), Ok(first(2024, 2)));
        for malformed in [
            "",
            "2026",
            "2026-13",
            "2026-00",
            "2026-1",
            "26-11",
            "2026/11",
            "+2026-11",
            "2026-+1",
            "November",
            "2026-11-01",
            "２０２６-11",
        ] {
            assert_eq!(
                parse_month("month", malformed),
                Err(MonthRefused::Malformed),
                "{malformed}"
            );
        }
        for far in ["0001-01", "1999-12", "2200-01", "9999-12"] {
            assert_eq!(
                parse_month("to_month", far),
                Err(MonthRefused::OutOfRange(DateOutOfRange {
                    field: "to_month"
                })),
                "{far}"
            );
        }
    }
}
