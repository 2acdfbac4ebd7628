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

#[derive(Clone)]
pub struct Clock(Arc<Source>);

enum Source {
    System,
    Manual(Mutex<DateTime<Utc>>),
}

impl Clock {
    pub fn system() -> Self {
        Self(Arc::new(Source::System))
    }

    /// A clock that stands still until moved; for tests.
    pub fn manual(start: DateTime<Utc>) -> Self {
        Self(Arc::new(Source::Manual(Mutex::new(start))))
    }

    pub fn now(&self) -> DateTime<Utc> {
        match &*self.0 {
            Source::System => Utc::now(),
            Source::Manual(at) => *at.lock().unwrap_or_else(|e| e.into_inner()),
        }
    }

    /// Today's business date in Shanghai.
    pub fn today(&self) -> NaiveDate {
        shanghai_today(self.now())
    }

    /// Moves a manual clock; a system clock cannot be moved and ignores this.
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
