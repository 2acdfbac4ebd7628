//! Whether a meal point takes bookings: open, or paused or closed for a span of days with a reason.

use chrono::NaiveDate;
use vocabulary::MealPointStatusKind;

use super::MealPointRuleError;

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

#[cfg(test)]
mod tests {
    use super::*;

    fn d(ymd: &str) -> NaiveDate {
        NaiveDate::parse_from_str(ymd, "%Y-%m-%d").unwrap()
    }

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
}
