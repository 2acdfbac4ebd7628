//! A run's period: a calendar month or a span of dates, at most a year.

use super::*;
use crate::clock::MonthRefused;

/// The longest period a run may cover.
pub const MAX_PERIOD_DAYS: i64 = 366;

/// A calendar month, `YYYY-MM`, as its first and last day.
pub fn month_period(month: &str) -> Result<(NaiveDate, NaiveDate), SettlementRuleError> {
    let first = crate::clock::parse_month("month", month).map_err(|refused| match refused {
        MonthRefused::Malformed => SettlementRuleError::MonthInvalid,
        MonthRefused::OutOfRange(date) => date.into(),
    })?;
    let last = first
        .checked_add_months(Months::new(1))
        .and_then(|d| d.pred_opt())
        .ok_or(SettlementRuleError::MonthInvalid)?;
    Ok((first, last))
}

/// The calendar month before `today`'s: the default period.
pub fn previous_month(today: NaiveDate) -> (NaiveDate, NaiveDate) {
    let first_of_this = today.with_day(1).unwrap_or(today);
    let last = first_of_this.pred_opt().unwrap_or(first_of_this);
    (last.with_day(1).unwrap_or(last), last)
}

pub fn check_period(from: NaiveDate, to: NaiveDate) -> Result<(), SettlementRuleError> {
    if to < from {
        return Err(SettlementRuleError::PeriodReversed);
    }
    if (to - from).num_days() + 1 > MAX_PERIOD_DAYS {
        return Err(SettlementRuleError::PeriodTooLong);
    }
    Ok(())
}

/// Two periods overlap when each starts before the other ends.
pub fn overlaps(a: (NaiveDate, NaiveDate), b: (NaiveDate, NaiveDate)) -> bool {
    a.0 <= b.1 && b.0 <= a.1
}
