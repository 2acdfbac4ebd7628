//! Policy versions over time: which one is in force, and when a new one may be published or a
//! scheduled one withdrawn. Plain functions of dates.
//!
//! A version takes effect on its `effective_from` date and stays in force until a later live
//! version takes effect. It is never edited. Publishing is allowed for today or a later date —
//! never back-dated, since meals before today were quoted (and frozen on orders) under the
//! version then in force. Two live versions never share a date, so "the version in force on a
//! date" is never a tie. A version whose date has not come yet may be withdrawn.

use chrono::NaiveDate;
use poem_openapi::Enum;

/// Where a published version stands today.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "snake_case", rename = "PolicyStatus")]
pub enum PolicyStatus {
    /// 待生效: its date has not come yet; it may still be withdrawn.
    Scheduled,
    /// 执行中: the version that applies to meals today.
    InForce,
    /// 已被取代: a later version took over; still applies to meals before that date.
    Superseded,
    /// 已撤回: withdrawn before it took effect; never applied.
    Withdrawn,
}

/// `in_force_from` is the date of the version in force today (the latest live date on or
/// before today), if any.
pub fn status(
    effective_from: NaiveDate,
    withdrawn: bool,
    in_force_from: Option<NaiveDate>,
    today: NaiveDate,
) -> PolicyStatus {
    if withdrawn {
        PolicyStatus::Withdrawn
    } else if effective_from > today {
        PolicyStatus::Scheduled
    } else if Some(effective_from) == in_force_from {
        PolicyStatus::InForce
    } else {
        PolicyStatus::Superseded
    }
}

/// The live date in force on `date`: the latest one on or before it.
pub fn in_force_on(live_dates: &[NaiveDate], date: NaiveDate) -> Option<NaiveDate> {
    live_dates.iter().copied().filter(|d| *d <= date).max()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PublishRefusal {
    /// The date is before today.
    Backdated,
    /// A live version already takes effect on that date.
    DateTaken,
}

pub fn check_publish(
    effective_from: NaiveDate,
    today: NaiveDate,
    live_dates: &[NaiveDate],
) -> Result<(), PublishRefusal> {
    if effective_from < today {
        Err(PublishRefusal::Backdated)
    } else if live_dates.contains(&effective_from) {
        Err(PublishRefusal::DateTaken)
    } else {
        Ok(())
    }
}

/// Only a version whose date is still ahead may be withdrawn: from its first day on, meals are
/// quoted with it.
pub fn may_withdraw(effective_from: NaiveDate, today: NaiveDate) -> bool {
    effective_from > today
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, month, day).expect("real date")
    }

    #[test]
    fn the_latest_date_on_or_before_wins() {
        let live = [d(1, 1), d(7, 1), d(12, 1)];
        assert_eq!(in_force_on(&live, d(3, 1)), Some(d(1, 1)));
        assert_eq!(in_force_on(&live, d(7, 1)), Some(d(7, 1)));
        assert_eq!(in_force_on(&live, d(11, 30)), Some(d(7, 1)));
        assert_eq!(in_force_on(&live, d(12, 31)), Some(d(12, 1)));
        assert_eq!(
            in_force_on(&live, NaiveDate::from_ymd_opt(2025, 12, 31).unwrap()),
            None
        );
        assert_eq!(in_force_on(&[], d(1, 1)), None);
    }

    #[test]
    fn statuses_through_the_year() {
        let today = d(8, 1);
        let in_force = Some(d(7, 1));
        assert_eq!(
            status(d(1, 1), false, in_force, today),
            PolicyStatus::Superseded
        );
        assert_eq!(
            status(d(7, 1), false, in_force, today),
            PolicyStatus::InForce
        );
        assert_eq!(
            status(d(12, 1), false, in_force, today),
            PolicyStatus::Scheduled
        );
        assert_eq!(
            status(d(12, 1), true, in_force, today),
            PolicyStatus::Withdrawn
        );
        assert_eq!(
            status(d(8, 1), false, Some(d(8, 1)), today),
            PolicyStatus::InForce,
            "a version takes effect on its own date"
        );
    }

    #[test]
    fn publishing_today_or_later_on_a_free_date() {
        let today = d(8, 1);
        let live = [d(1, 1), d(12, 1)];
        assert_eq!(check_publish(d(8, 1), today, &live), Ok(()));
        assert_eq!(check_publish(d(9, 1), today, &live), Ok(()));
        assert_eq!(
            check_publish(d(7, 31), today, &live),
            Err(PublishRefusal::Backdated)
        );
        assert_eq!(
            check_publish(d(12, 1), today, &live),
            Err(PublishRefusal::DateTaken)
        );
    }

    #[test]
    fn only_a_future_version_may_be_withdrawn() {
        let today = d(8, 1);
        assert!(may_withdraw(d(8, 2), today));
        assert!(!may_withdraw(d(8, 1), today));
        assert!(!may_withdraw(d(1, 1), today));
    }
}
