//! The 留样 rules: what a day's entry for one dish must say, and the 48 hours before a sample
//! may be discarded.

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};

use crate::clock::shanghai_today;

/// How long a kept sample must be kept before it may be discarded (GB 31654 and the food-safety
/// rules for collective dining: at least 48 hours, refrigerated).
pub const RETENTION: TimeDelta = TimeDelta::hours(48);
/// How many days back an operator may still write a day's log (a sample kept on Monday is
/// discarded on Wednesday or later; a week covers a holiday).
pub const WRITABLE_DAYS: i64 = 7;
pub const PHOTO_URL_MAX_CHARS: usize = 500;

/// One dish's entry as the operator writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SampleEntry {
    pub kept: bool,
    pub kept_at: Option<DateTime<Utc>>,
    pub photo_url: Option<String>,
    pub discarded_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SampleRuleError {
    #[error("the log's date is in the future")]
    DateInFuture,
    #[error("the log's date is too long ago")]
    DateTooOld,
    #[error("kept without a time")]
    KeptAtRequired,
    #[error("kept at a time still to come")]
    KeptAtInFuture,
    #[error("kept on another day than the meal's")]
    KeptAtOtherDay,
    #[error("details of a sample that was not kept")]
    NotKeptHasDetails,
    #[error("photo URL not a web address")]
    PhotoUrlInvalid,
    #[error("discarded at a time still to come")]
    DiscardedAtInFuture,
    #[error("discarded before the retention time")]
    DiscardedTooEarly { earliest: DateTime<Utc> },
    #[error("the entry was discarded and is final")]
    AlreadyDiscarded,
}

impl SampleRuleError {
    pub fn code(&self) -> &'static str {
        match self {
            SampleRuleError::DateInFuture => "SAMPLE_DATE_IN_FUTURE",
            SampleRuleError::DateTooOld => "SAMPLE_DATE_TOO_OLD",
            SampleRuleError::KeptAtRequired => "SAMPLE_KEPT_AT_REQUIRED",
            SampleRuleError::KeptAtInFuture => "SAMPLE_KEPT_AT_IN_FUTURE",
            SampleRuleError::KeptAtOtherDay => "SAMPLE_KEPT_AT_OTHER_DAY",
            SampleRuleError::NotKeptHasDetails => "SAMPLE_NOT_KEPT_HAS_DETAILS",
            SampleRuleError::PhotoUrlInvalid => "SAMPLE_PHOTO_URL_INVALID",
            SampleRuleError::DiscardedAtInFuture => "SAMPLE_DISCARDED_AT_IN_FUTURE",
            SampleRuleError::DiscardedTooEarly { .. } => "SAMPLE_DISCARD_TOO_EARLY",
            SampleRuleError::AlreadyDiscarded => "SAMPLE_ALREADY_DISCARDED",
        }
    }

    pub fn message(&self) -> String {
        match self {
            SampleRuleError::DateInFuture => "还没到这一天，不能记录留样".into(),
            SampleRuleError::DateTooOld => {
                format!("只能记录最近 {WRITABLE_DAYS} 天的留样")
            }
            SampleRuleError::KeptAtRequired => "请填写留样时间".into(),
            SampleRuleError::KeptAtInFuture => "留样时间不能晚于现在".into(),
            SampleRuleError::KeptAtOtherDay => "留样时间须在这一餐的当天".into(),
            SampleRuleError::NotKeptHasDetails => {
                "未留样的菜不能填写留样时间、照片或处理时间".into()
            }
            SampleRuleError::PhotoUrlInvalid => format!(
                "照片地址须以 http:// 或 https:// 开头、不含空格，最多 {PHOTO_URL_MAX_CHARS} 个字符"
            ),
            SampleRuleError::DiscardedAtInFuture => "处理时间不能晚于现在".into(),
            SampleRuleError::DiscardedTooEarly { earliest } => format!(
                "留样须保存满 48 小时，最早 {} 可以处理",
                earliest
                    .with_timezone(&crate::clock::SHANGHAI)
                    .format("%m月%d日 %H:%M")
            ),
            SampleRuleError::AlreadyDiscarded => "这份留样已经处理，记录不能再改".into(),
        }
    }

    pub fn field(&self) -> Option<&'static str> {
        match self {
            SampleRuleError::DateInFuture | SampleRuleError::DateTooOld => Some("date"),
            SampleRuleError::KeptAtRequired
            | SampleRuleError::KeptAtInFuture
            | SampleRuleError::KeptAtOtherDay => Some("kept_at"),
            SampleRuleError::NotKeptHasDetails => Some("kept"),
            SampleRuleError::PhotoUrlInvalid => Some("photo_url"),
            SampleRuleError::DiscardedAtInFuture | SampleRuleError::DiscardedTooEarly { .. } => {
                Some("discarded_at")
            }
            SampleRuleError::AlreadyDiscarded => None,
        }
    }

    /// A refusal by the clock or the entry's state (409) rather than a malformed field (400).
    pub fn is_conflict(&self) -> bool {
        matches!(
            self,
            SampleRuleError::DiscardedTooEarly { .. } | SampleRuleError::AlreadyDiscarded
        )
    }
}

/// The earliest instant a sample kept at `kept_at` may be discarded.
pub fn discard_from(kept_at: DateTime<Utc>) -> DateTime<Utc> {
    kept_at + RETENTION
}

/// Whether the operator may write the log of `date` today.
pub fn check_log_date(date: NaiveDate, now: DateTime<Utc>) -> Result<(), SampleRuleError> {
    let today = shanghai_today(now);
    if date > today {
        Err(SampleRuleError::DateInFuture)
    } else if (today - date).num_days() > WRITABLE_DAYS {
        Err(SampleRuleError::DateTooOld)
    } else {
        Ok(())
    }
}

/// Checks one dish's entry for the meal of `date`, against what was recorded before
/// (`previous`), at `now`. Returns the entry with the photo URL trimmed.
pub fn check_entry(
    entry: SampleEntry,
    date: NaiveDate,
    now: DateTime<Utc>,
    previous: Option<&SampleEntry>,
) -> Result<SampleEntry, SampleRuleError> {
    if previous.is_some_and(|p| p.discarded_at.is_some()) {
        return Err(SampleRuleError::AlreadyDiscarded);
    }
    let photo_url = entry
        .photo_url
        .map(|u| u.trim().to_owned())
        .filter(|u| !u.is_empty());
    if !entry.kept {
        if entry.kept_at.is_some() || photo_url.is_some() || entry.discarded_at.is_some() {
            return Err(SampleRuleError::NotKeptHasDetails);
        }
        return Ok(SampleEntry {
            kept: false,
            kept_at: None,
            photo_url: None,
            discarded_at: None,
        });
    }
    let kept_at = entry.kept_at.ok_or(SampleRuleError::KeptAtRequired)?;
    if kept_at > now {
        return Err(SampleRuleError::KeptAtInFuture);
    }
    if shanghai_today(kept_at) != date {
        return Err(SampleRuleError::KeptAtOtherDay);
    }
    if let Some(url) = &photo_url {
        let web = url.starts_with("https://") || url.starts_with("http://");
        if !web || url.chars().any(char::is_whitespace) || url.chars().count() > PHOTO_URL_MAX_CHARS
        {
            return Err(SampleRuleError::PhotoUrlInvalid);
        }
    }
    if let Some(discarded_at) = entry.discarded_at {
        if discarded_at > now {
            return Err(SampleRuleError::DiscardedAtInFuture);
        }
        let earliest = discard_from(kept_at);
        if discarded_at < earliest {
            return Err(SampleRuleError::DiscardedTooEarly { earliest });
        }
    }
    Ok(SampleEntry {
        kept: true,
        kept_at: Some(kept_at),
        photo_url,
        discarded_at: entry.discarded_at,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    /// Shanghai wall-clock time on 2026-11-23 + `day`.
    fn at(day: u32, hour: u32, minute: u32) -> DateTime<Utc> {
        crate::clock::SHANGHAI
            .with_ymd_and_hms(2026, 11, 23 + day, hour, minute, 0)
            .unwrap()
            .with_timezone(&Utc)
    }
    fn monday() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
    }
    fn kept(kept_at: DateTime<Utc>, discarded_at: Option<DateTime<Utc>>) -> SampleEntry {
        SampleEntry {
            kept: true,
            kept_at: Some(kept_at),
            photo_url: Some(" https://img.example.cn/s/1.jpg ".into()),
            discarded_at,
        }
    }

    #[test]
    fn a_sample_is_discarded_no_sooner_than_48_hours_after_it_was_kept() {
        let kept_at = at(0, 11, 20);
        let now = at(3, 9, 0);
        // One minute short of 48 hours: refused, naming the earliest time in Shanghai time.
        let early = check_entry(kept(kept_at, Some(at(2, 11, 19))), monday(), now, None);
        let Err(err @ SampleRuleError::DiscardedTooEarly { earliest }) = early else {
            panic!("{early:?}")
        };
        assert_eq!(earliest, at(2, 11, 20));
        assert!(err.is_conflict());
        assert_eq!(
            err.message(),
            "留样须保存满 48 小时，最早 11月25日 11:20 可以处理"
        );
        // Exactly 48 hours, and later: accepted.
        let on_time = check_entry(kept(kept_at, Some(at(2, 11, 20))), monday(), now, None).unwrap();
        assert_eq!(on_time.discarded_at, Some(at(2, 11, 20)));
        assert_eq!(
            on_time.photo_url.as_deref(),
            Some("https://img.example.cn/s/1.jpg")
        );
        assert!(check_entry(kept(kept_at, Some(at(3, 8, 0))), monday(), now, None).is_ok());
        // Not in the future either.
        assert_eq!(
            check_entry(kept(kept_at, Some(at(3, 9, 1))), monday(), now, None),
            Err(SampleRuleError::DiscardedAtInFuture)
        );
    }

    #[test]
    fn a_discarded_entry_is_final() {
        let previous = kept(at(0, 11, 0), Some(at(2, 12, 0)));
        assert_eq!(
            check_entry(
                kept(at(0, 11, 0), None),
                monday(),
                at(3, 0, 0),
                Some(&previous)
            ),
            Err(SampleRuleError::AlreadyDiscarded)
        );
        let open = kept(at(0, 11, 0), None);
        assert!(
            check_entry(
                kept(at(0, 11, 5), None),
                monday(),
                at(0, 12, 0),
                Some(&open)
            )
            .is_ok()
        );
    }

    #[test]
    fn a_kept_sample_has_a_time_on_the_meals_day_and_not_in_the_future() {
        let now = at(0, 12, 0);
        let mut entry = kept(at(0, 11, 0), None);
        entry.kept_at = None;
        assert_eq!(
            check_entry(entry, monday(), now, None),
            Err(SampleRuleError::KeptAtRequired)
        );
        assert_eq!(
            check_entry(kept(at(0, 12, 1), None), monday(), now, None),
            Err(SampleRuleError::KeptAtInFuture)
        );
        // The meal's day is Shanghai's: Sunday 23:59 is the day before; Monday 00:00 (still
        // Sunday in UTC) is the day.
        assert_eq!(
            check_entry(
                kept(at(0, 0, 0) - TimeDelta::minutes(1), None),
                monday(),
                now,
                None
            ),
            Err(SampleRuleError::KeptAtOtherDay)
        );
        assert!(check_entry(kept(at(0, 0, 0), None), monday(), now, None).is_ok());
    }

    #[test]
    fn not_kept_means_no_details_and_photos_are_web_addresses() {
        let now = at(0, 12, 0);
        let none = SampleEntry {
            kept: false,
            kept_at: None,
            photo_url: Some("  ".into()),
            discarded_at: None,
        };
        assert_eq!(
            check_entry(none.clone(), monday(), now, None)
                .unwrap()
                .photo_url,
            None
        );
        let with_time = SampleEntry {
            kept_at: Some(at(0, 11, 0)),
            ..none
        };
        assert_eq!(
            check_entry(with_time, monday(), now, None),
            Err(SampleRuleError::NotKeptHasDetails)
        );
        for bad in ["ftp://x/1.jpg", "https://x/a b.jpg", "照片"] {
            let mut entry = kept(at(0, 11, 0), None);
            entry.photo_url = Some(bad.into());
            assert_eq!(
                check_entry(entry, monday(), now, None),
                Err(SampleRuleError::PhotoUrlInvalid),
                "{bad}"
            );
        }
        let mut long = kept(at(0, 11, 0), None);
        long.photo_url = Some(format!("https://x/{}", "a".repeat(PHOTO_URL_MAX_CHARS)));
        assert_eq!(
            check_entry(long, monday(), now, None),
            Err(SampleRuleError::PhotoUrlInvalid)
        );
    }

    #[test]
    fn the_log_is_written_for_today_and_the_week_before() {
        let now = at(0, 12, 0);
        assert!(check_log_date(monday(), now).is_ok());
        assert!(check_log_date(monday() - TimeDelta::days(WRITABLE_DAYS), now).is_ok());
        assert_eq!(
            check_log_date(monday() - TimeDelta::days(WRITABLE_DAYS + 1), now),
            Err(SampleRuleError::DateTooOld)
        );
        assert_eq!(
            check_log_date(monday() + TimeDelta::days(1), now),
            Err(SampleRuleError::DateInFuture)
        );
    }
}
