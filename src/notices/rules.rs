//! The notices' plain rules: when to retry, when to remind, and keeping each value within what
//! WeChat accepts for its keyword type.

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};

use crate::clock::shanghai_to_utc;

/// How long a sender holds a claimed notice. Well beyond a send's timeout (5 s), so a live sender
/// finishes before its lease ends; a dead one's notices are taken by another after this.
pub const LEASE_SECONDS: i64 = 60;

/// The wait before the next try after `attempts` failed ones: `base`, then doubled each time
/// (1, 2, 4, 8 … × base), at most a day.
pub fn retry_after(base: Duration, attempts: i32) -> Duration {
    let doublings = attempts.saturating_sub(1).clamp(0, 20) as u32;
    let wait = base * 2i32.saturating_pow(doublings);
    wait.min(Duration::days(1))
}

/// When to remind of a booking: `lead` before the slot opens; `None` if that has passed (the
/// confirmation just sent says the time already).
pub fn reminder_due(
    date: NaiveDate,
    opens: NaiveTime,
    lead: Duration,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    let due = shanghai_to_utc(date.and_time(opens)) - lead;
    (due > now).then_some(due)
}

/// WeChat's limit for a keyword's value, by the keyword's type (its name without the number).
pub fn limit_of(keyword: &str) -> usize {
    let kind = keyword.trim_end_matches(|c: char| c.is_ascii_digit());
    match kind {
        "thing" => 20,
        "phrase" => 5,
        "name" => 10,
        "amount" => 11,
        "phone_number" => 17,
        _ => 32,
    }
}

/// The value cut to its keyword's limit (an ellipsis marks a cut), never empty.
pub fn fit(keyword: &str, value: &str) -> String {
    let limit = limit_of(keyword);
    let value = value.trim();
    if value.is_empty() {
        return "—".to_string();
    }
    if value.chars().count() <= limit {
        return value.to_string();
    }
    let mut cut: String = value.chars().take(limit - 1).collect();
    cut.push('…');
    cut
}

/// `{"thing1": {"value": "…"}, …}` from keyword–value pairs, each value fitted.
pub fn template_data(pairs: &[(&str, String)]) -> serde_json::Value {
    let mut data = serde_json::Map::new();
    for (keyword, value) in pairs {
        data.insert(
            keyword.to_string(),
            serde_json::json!({ "value": fit(keyword, value) }),
        );
    }
    serde_json::Value::Object(data)
}

/// A date as WeChat's `date` keywords take it: `2026年12月02日`.
pub fn date_zh(date: NaiveDate) -> String {
    date.format("%Y年%m月%d日").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_exponentially_up_to_a_day() {
        let base = Duration::seconds(60);
        assert_eq!(retry_after(base, 1), Duration::seconds(60));
        assert_eq!(retry_after(base, 2), Duration::seconds(120));
        assert_eq!(retry_after(base, 4), Duration::seconds(480));
        assert_eq!(retry_after(base, 30), Duration::days(1));
    }

    #[test]
    fn lunch_is_reminded_the_evening_before() {
        let date = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
        let opens = NaiveTime::from_hms_opt(11, 0, 0).unwrap();
        let booked = shanghai_to_utc(date.pred_opt().unwrap().and_hms_opt(9, 0, 0).unwrap());
        let due = reminder_due(date, opens, Duration::hours(17), booked).unwrap();
        assert_eq!(
            due,
            shanghai_to_utc(date.pred_opt().unwrap().and_hms_opt(18, 0, 0).unwrap())
        );
        let late = shanghai_to_utc(date.pred_opt().unwrap().and_hms_opt(19, 0, 0).unwrap());
        assert_eq!(reminder_due(date, opens, Duration::hours(17), late), None);
    }

    #[test]
    fn values_are_cut_to_their_keyword_type() {
        let long = "因设备检修暂停营业，给您带来不便敬请谅解，谢谢理解与支持";
        let cut = fit("thing3", long);
        assert_eq!(cut.chars().count(), 20);
        assert!(cut.ends_with('…'));
        assert_eq!(fit("phrase2", "已受理"), "已受理");
        assert_eq!(fit("thing1", "  "), "—");
        assert_eq!(limit_of("character_string2"), 32);
    }
}
