//! Feedback rules as plain functions: scores, who may rate when, the rating summary, complaint
//! categories, states, steps and deadlines, and the monthly score of a meal point.

use chrono::{DateTime, Duration, NaiveDate, Utc};

use crate::throttle::Limit;

/// Why a rating, a complaint step, a visit or a piece of free text is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum FeedbackRuleError {
    /// A score outside 1..=5; `field` names it.
    #[error("score invalid")]
    ScoreInvalid { field: &'static str },
    #[error("comment too long")]
    CommentTooLong,
    #[error("too many photos")]
    TooManyPhotos,
    #[error("photo url invalid")]
    PhotoUrlInvalid,
    #[error("order not served")]
    OrderNotServed,
    #[error("already rated")]
    AlreadyRated,
    /// Past the rating window (`days` after the meal).
    #[error("rating window closed")]
    RatingWindowClosed { days: i64 },
    /// A free text is empty or longer than its kind allows.
    #[error("text length out of range")]
    TextLength(FreeText),
    #[error("escalation not due")]
    EscalationNotDue,
    /// This party may not take this action.
    #[error("complaint action forbidden")]
    ActionForbidden { action: Action },
    /// The complaint's state does not allow the action.
    #[error("complaint state conflict")]
    StateConflict {
        from: ComplaintState,
        action: Action,
    },
    #[error("inspection date invalid")]
    InspectionDateInvalid,
}

/// The free texts of feedback, each with its field, its code, its name and its longest length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FreeText {
    /// An operator's reply to a rating.
    Reply,
    /// Why the city hid a rating.
    HideReason,
    /// What a complaint is about.
    ComplaintText,
    /// The note of a complaint step.
    Note,
    /// An inspector's name.
    DisplayName,
    /// An inspector's organisation.
    Organisation,
}

impl FreeText {
    pub fn field(self) -> &'static str {
        match self {
            Self::Reply | Self::ComplaintText => "text",
            Self::HideReason => "reason",
            Self::Note => "note",
            Self::DisplayName => "display_name",
            Self::Organisation => "organisation",
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::Reply => "REPLY_INVALID",
            Self::HideReason => "REASON_INVALID",
            Self::ComplaintText => "COMPLAINT_TEXT_INVALID",
            Self::Note => "NOTE_INVALID",
            Self::DisplayName => "DISPLAY_NAME_INVALID",
            Self::Organisation => "ORGANISATION_INVALID",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Reply => "回复",
            Self::HideReason => "隐藏原因",
            Self::ComplaintText => "投诉内容",
            Self::Note => "说明",
            Self::DisplayName => "姓名",
            Self::Organisation => "所在单位",
        }
    }

    pub fn max_chars(self) -> usize {
        match self {
            Self::Reply => 500,
            Self::HideReason => 200,
            Self::ComplaintText => COMPLAINT_TEXT_MAX_CHARS,
            Self::Note => NOTE_MAX_CHARS,
            Self::DisplayName => 32,
            Self::Organisation => 64,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Ratings
// ---------------------------------------------------------------------------------------------

/// The five scores of a rating, each 1..=5.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Scores {
    pub overall: u8,
    pub taste: u8,
    pub portion: u8,
    pub hygiene: u8,
    pub service: u8,
}

/// One score, 1..=5, or 400 `SCORE_INVALID` naming the score.
pub fn check_score(field: &'static str, value: i64) -> Result<u8, FeedbackRuleError> {
    match u8::try_from(value) {
        Ok(score @ 1..=5) => Ok(score),
        _ => Err(FeedbackRuleError::ScoreInvalid { field }),
    }
}

pub fn check_scores(
    overall: i64,
    taste: i64,
    portion: i64,
    hygiene: i64,
    service: i64,
) -> Result<Scores, FeedbackRuleError> {
    Ok(Scores {
        overall: check_score("overall", overall)?,
        taste: check_score("taste", taste)?,
        portion: check_score("portion", portion)?,
        hygiene: check_score("hygiene", hygiene)?,
        service: check_score("service", service)?,
    })
}

pub const COMMENT_MAX_CHARS: usize = 500;
pub const PHOTOS_MAX: usize = 9;
pub const PHOTO_URL_MAX: usize = 500;

/// A trimmed comment (empty = none), at most [`COMMENT_MAX_CHARS`].
pub fn check_comment(comment: Option<&str>) -> Result<Option<String>, FeedbackRuleError> {
    let Some(text) = comment.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    if text.chars().count() > COMMENT_MAX_CHARS {
        return Err(FeedbackRuleError::CommentTooLong);
    }
    Ok(Some(text.to_string()))
}

/// At most nine photos, each an http(s) URL (the mini program uploads first, then sends URLs).
pub fn check_photos(photos: &[String]) -> Result<Vec<String>, FeedbackRuleError> {
    if photos.len() > PHOTOS_MAX {
        return Err(FeedbackRuleError::TooManyPhotos);
    }
    photos
        .iter()
        .map(|url| {
            let url = url.trim();
            let ok = (url.starts_with("https://") || url.starts_with("http://"))
                && url.len() <= PHOTO_URL_MAX
                && url.len() > "https://".len()
                && !url.chars().any(|c| c.is_whitespace() || c.is_control());
            if ok {
                Ok(url.to_string())
            } else {
                Err(FeedbackRuleError::PhotoUrlInvalid)
            }
        })
        .collect()
}

/// Whether an order may be rated now: served, not yet rated, and within the window after it was
/// served. Checked in that order, so the reply names the first reason.
pub fn check_may_rate(
    served: bool,
    served_at: Option<DateTime<Utc>>,
    already_rated: bool,
    window: Duration,
    now: DateTime<Utc>,
) -> Result<(), FeedbackRuleError> {
    if !served {
        return Err(FeedbackRuleError::OrderNotServed);
    }
    if already_rated {
        return Err(FeedbackRuleError::AlreadyRated);
    }
    let closes = served_at.map(|at| at + window);
    if closes.is_none_or(|closes| now >= closes) {
        return Err(FeedbackRuleError::RatingWindowClosed {
            days: window.num_days(),
        });
    }
    Ok(())
}

/// A free text of its kind: trimmed, 1 to the kind's longest length in characters.
pub fn check_text(kind: FreeText, raw: &str) -> Result<String, FeedbackRuleError> {
    let text = raw.trim();
    let length = text.chars().count();
    if length == 0 || length > kind.max_chars() {
        return Err(FeedbackRuleError::TextLength(kind));
    }
    Ok(text.to_string())
}

/// What the database adds up for one meal point's visible ratings: per overall score (1..=5)
/// the count and the sums of the other scores, and the count and overall sum of the recent ones.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RatingTotals {
    /// `by_overall[k]` = ratings with overall score k + 1.
    pub by_overall: [u64; 5],
    pub taste_sum: i64,
    pub portion_sum: i64,
    pub hygiene_sum: i64,
    pub service_sum: i64,
    pub recent_count: u64,
    pub recent_overall_sum: i64,
}

/// The public summary of a meal point's ratings. Averages have one decimal, `None` without
/// ratings.
#[derive(Clone, Debug, PartialEq)]
pub struct RatingSummary {
    pub count: u64,
    pub overall: Option<f64>,
    pub taste: Option<f64>,
    pub portion: Option<f64>,
    pub hygiene: Option<f64>,
    pub service: Option<f64>,
    pub recent_count: u64,
    pub recent_overall: Option<f64>,
    /// Ratings with overall 1, 2, 3, 4, 5.
    pub distribution: [u64; 5],
}

/// Rounds to one decimal (averages are shown as 4.3, not money: a float is fine).
pub fn round1(value: f64) -> f64 {
    (value * 10.0).round() / 10.0
}

fn average(sum: i64, count: u64) -> Option<f64> {
    (count > 0).then(|| round1(sum as f64 / count as f64))
}

pub fn summarize(totals: &RatingTotals) -> RatingSummary {
    let count: u64 = totals.by_overall.iter().sum();
    let overall_sum: i64 = totals
        .by_overall
        .iter()
        .zip(1i64..)
        .map(|(n, score)| *n as i64 * score)
        .sum();
    RatingSummary {
        count,
        overall: average(overall_sum, count),
        taste: average(totals.taste_sum, count),
        portion: average(totals.portion_sum, count),
        hygiene: average(totals.hygiene_sum, count),
        service: average(totals.service_sum, count),
        recent_count: totals.recent_count,
        recent_overall: average(totals.recent_overall_sum, totals.recent_count),
        distribution: totals.by_overall,
    }
}

// ---------------------------------------------------------------------------------------------
// Complaints
// ---------------------------------------------------------------------------------------------

pub use vocabulary::{ComplaintCategory as Category, ComplaintState};

/// What someone does to a complaint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    Acknowledge,
    Resolve,
    Escalate,
    Close,
}

impl Action {
    pub fn label_zh(self) -> &'static str {
        match self {
            Action::Acknowledge => "受理",
            Action::Resolve => "处理完毕",
            Action::Escalate => "转交区民政部门",
            Action::Close => "办结",
        }
    }
}

/// How the actor stands towards the complaint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Party {
    /// Who made it, or the elder (or family) it was made for.
    Complainant,
    /// An operator of the meal point complained about.
    Operator,
    /// A clerk of the meal point's district, or the city admin: the supervisors.
    Supervisor,
}

/// The complainant takes a complaint to the district only when the meal point missed a deadline
/// (to acknowledge or to resolve): before that, the meal point has the time the category gives
/// it. (The service escalates by itself at a missed deadline; this covers the minute between
/// two sweeps.) Otherwise one account could escalate at will, and each escalation costs the
/// meal point's monthly score three times a complaint.
pub fn check_complainant_may_escalate(
    action: Action,
    party: Party,
    deadline_missed: bool,
) -> Result<(), FeedbackRuleError> {
    if action == Action::Escalate && party == Party::Complainant && !deadline_missed {
        return Err(FeedbackRuleError::EscalationNotDue);
    }
    Ok(())
}

/// The step an action makes from `from`, if this party may take it:
/// - acknowledge: submitted → acknowledged (operator, supervisor);
/// - resolve: acknowledged → resolved (operator, supervisor), escalated → resolved (supervisor:
///   once escalated the district owns it);
/// - escalate: submitted or acknowledged → escalated (operator, supervisor, and the complainant
///   once a deadline was missed: see [`check_complainant_may_escalate`]);
/// - close: resolved → closed (complainant, satisfied; supervisor), escalated → closed
///   (supervisor, with the district's conclusion).
pub fn next_state(
    action: Action,
    party: Party,
    from: ComplaintState,
) -> Result<ComplaintState, FeedbackRuleError> {
    use ComplaintState::*;
    let step = match (action, from) {
        (Action::Acknowledge, Submitted) => Some((Acknowledged, party != Party::Complainant)),
        (Action::Resolve, Acknowledged) => Some((Resolved, party != Party::Complainant)),
        (Action::Resolve, Escalated) => Some((Resolved, party == Party::Supervisor)),
        (Action::Escalate, Submitted | Acknowledged) => Some((Escalated, true)),
        (Action::Close, Resolved) => Some((Closed, party != Party::Operator)),
        (Action::Close, Escalated) => Some((Closed, party == Party::Supervisor)),
        _ => None,
    };
    match step {
        Some((to, true)) => Ok(to),
        Some((_, false)) => Err(FeedbackRuleError::ActionForbidden { action }),
        None => Err(FeedbackRuleError::StateConflict { from, action }),
    }
}

/// Hours to acknowledge and hours to resolve (both counted from submission), per category.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Deadlines {
    hours: [(u32, u32); 6],
}

impl Default for Deadlines {
    /// Food safety the shortest: a day to acknowledge, three to resolve. Hygiene and delivery
    /// (a missed meal) two days and five; the rest three days and a week.
    fn default() -> Self {
        Self {
            hours: [
                (24, 72),
                (48, 120),
                (72, 168),
                (72, 168),
                (48, 120),
                (72, 168),
            ],
        }
    }
}

impl Deadlines {
    fn index(category: Category) -> usize {
        Category::ALL
            .iter()
            .position(|c| *c == category)
            .unwrap_or(5)
    }

    pub fn hours(&self, category: Category) -> (u32, u32) {
        self.hours[Self::index(category)]
    }

    /// `(acknowledge by, resolve by)` for a complaint made at `created_at`.
    pub fn due(
        &self,
        category: Category,
        created_at: DateTime<Utc>,
    ) -> (DateTime<Utc>, DateTime<Utc>) {
        let (ack, resolve) = self.hours(category);
        (
            created_at + Duration::hours(i64::from(ack)),
            created_at + Duration::hours(i64::from(resolve)),
        )
    }

    /// The defaults with overrides like `food_safety=12/48,hygiene=24/96` (hours to acknowledge /
    /// hours to resolve). Each must be 1..=720 hours and acknowledging no later than resolving.
    pub fn with_overrides(spec: &str) -> Result<Self, String> {
        let mut deadlines = Self::default();
        for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (code, hours) = part
                .split_once('=')
                .ok_or_else(|| format!("`{part}` is not category=ack_hours/resolve_hours"))?;
            let category = Category::parse(code.trim())
                .ok_or_else(|| format!("`{}` is not a complaint category", code.trim()))?;
            let (ack, resolve) = hours
                .split_once('/')
                .ok_or_else(|| format!("`{part}` is not category=ack_hours/resolve_hours"))?;
            let number = |text: &str| {
                text.trim()
                    .parse::<u32>()
                    .ok()
                    .filter(|h| (1..=720).contains(h))
                    .ok_or_else(|| format!("`{part}`: hours must be 1..=720"))
            };
            let (ack, resolve) = (number(ack)?, number(resolve)?);
            if ack > resolve {
                return Err(format!(
                    "`{part}`: acknowledging cannot be due after resolving"
                ));
            }
            deadlines.hours[Self::index(category)] = (ack, resolve);
        }
        Ok(deadlines)
    }
}

/// Whether the service escalates the complaint by itself now: not acknowledged in time, or
/// acknowledged but not resolved in time.
pub fn escalation_due(
    state: ComplaintState,
    ack_due: DateTime<Utc>,
    resolve_due: DateTime<Utc>,
    now: DateTime<Utc>,
) -> bool {
    match state {
        ComplaintState::Submitted => now >= ack_due,
        ComplaintState::Acknowledged => now >= resolve_due,
        _ => false,
    }
}

/// Overdue: still open and a deadline was missed (acknowledged late or not at all, or not
/// resolved by the resolve deadline).
pub fn is_overdue(
    state: ComplaintState,
    acknowledged_at: Option<DateTime<Utc>>,
    ack_due: DateTime<Utc>,
    resolve_due: DateTime<Utc>,
    now: DateTime<Utc>,
) -> bool {
    if !state.is_open() {
        return false;
    }
    let ack_missed = match acknowledged_at {
        Some(at) => at > ack_due,
        None => now >= ack_due,
    };
    ack_missed || now >= resolve_due
}

/// How far back a visit may be recorded. A month's score is read by the district soon after the
/// month ends; a visit entered later than this would rewrite a month already reported, and a
/// date years back is a typing error.
pub const INSPECTION_BACKDATE_DAYS: i64 = 30;

/// A visit's date: today or up to [`INSPECTION_BACKDATE_DAYS`] days back.
pub fn check_inspection_date(date: NaiveDate, today: NaiveDate) -> Result<(), FeedbackRuleError> {
    let earliest = today - Duration::days(INSPECTION_BACKDATE_DAYS);
    if date > today || date < earliest {
        return Err(FeedbackRuleError::InspectionDateInvalid);
    }
    Ok(())
}

/// How far back an order ties someone to a meal point for a complaint: a quarter of a year of
/// meals there, booked, eaten or missed.
pub const COMPLAINT_TIE_DAYS: i64 = 90;

/// Complaints an elder or family member may make in a Shanghai day: in all, and about one meal
/// point. Enough for someone with several elders and a bad week; a flood is not a complaint
/// channel. Staff taking complaints on someone's behalf are not limited.
pub const COMPLAINTS_PER_DAY: Limit = Limit::per_day(5);
pub const COMPLAINTS_PER_MEAL_POINT_PER_DAY: Limit = Limit::per_day(2);

pub const COMPLAINT_TEXT_MAX_CHARS: usize = 1000;
pub const NOTE_MAX_CHARS: usize = 500;

// ---------------------------------------------------------------------------------------------
// Inspections and the monthly score
// ---------------------------------------------------------------------------------------------

/// One inspector's visit, as the monthly score reads it.
#[derive(Clone, Debug, PartialEq)]
pub struct VisitScores {
    /// Every score given (food safety, hygiene, service, nutrition if given), each 1..=5.
    pub scores: Vec<u8>,
    pub sample_retained: bool,
}

/// What a meal point did in one month.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MonthFigures {
    /// Visible ratings made in the month, and the sum of their overall scores.
    pub rating_count: u64,
    pub rating_overall_sum: i64,
    pub visits: Vec<VisitScores>,
    /// Who complained in the month (each complainant once, see [`count_complainants`]), and
    /// how many of them had a complaint escalated.
    pub complaints: u64,
    pub escalated: u64,
}

/// Whom a complaint counts as in a meal point's month.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Complainant {
    /// An elder or family member, by their own account.
    Account(i64),
    /// Taken by staff on an elder's behalf.
    Elder(i64),
    /// Taken by staff for someone not on the books: each such complaint stands alone.
    Complaint(i64),
}

/// The month's complaints as the score counts them: each complainant once, and once more as
/// escalated if any of theirs was. One account filing seven complaints used to sink a meal point
/// to 0; now one complainant moves its month by 5 points, 15 if the meal point let a deadline
/// pass. Returns `(complainants, complainants with an escalated complaint)`.
pub fn count_complainants(made: &[(Complainant, bool)]) -> (u64, u64) {
    let mut by_complainant: std::collections::BTreeMap<Complainant, bool> = Default::default();
    for (who, escalated) in made {
        *by_complainant.entry(*who).or_default() |= *escalated;
    }
    let escalated = by_complainant.values().filter(|e| **e).count() as u64;
    (by_complainant.len() as u64, escalated)
}

/// Points off per complaint made in the month, and more if it had to be escalated.
pub const COMPLAINT_PENALTY: f64 = 5.0;
pub const ESCALATION_PENALTY: f64 = 10.0;
/// Points off a visit that found no 留样 (kept samples): a food-safety rule, not a matter of taste.
pub const NO_SAMPLE_PENALTY: f64 = 20.0;
/// How much the inspectors' visits weigh against the elders' ratings when there are both.
pub const VISIT_WEIGHT: f64 = 0.4;

/// A 1..=5 average on a 0..=100 scale.
fn to_hundred(average: f64) -> f64 {
    (average - 1.0) / 4.0 * 100.0
}

/// The month's score of a meal point, 0..=100 with one decimal, or `None` when nobody rated or
/// inspected it that month (nothing to score; complaints alone do not make a score).
///
/// - ratings: the average overall score, 1..=5 mapped to 0..=100;
/// - visits: each visit's average score mapped the same way, minus [`NO_SAMPLE_PENALTY`] without
///   留样, then averaged over the visits;
/// - both: ratings weigh 0.6, visits 0.4; one of them: that one alone;
/// - minus [`COMPLAINT_PENALTY`] per complaint made in the month and [`ESCALATION_PENALTY`] more
///   per escalated one; never below 0.
pub fn monthly_score(figures: &MonthFigures) -> Option<f64> {
    let ratings = (figures.rating_count > 0)
        .then(|| to_hundred(figures.rating_overall_sum as f64 / figures.rating_count as f64));
    let visit_scores: Vec<f64> = figures
        .visits
        .iter()
        .filter(|v| !v.scores.is_empty())
        .map(|v| {
            let mean = v.scores.iter().map(|s| f64::from(*s)).sum::<f64>() / v.scores.len() as f64;
            let penalty = if v.sample_retained {
                0.0
            } else {
                NO_SAMPLE_PENALTY
            };
            (to_hundred(mean) - penalty).max(0.0)
        })
        .collect();
    let visits = (!visit_scores.is_empty())
        .then(|| visit_scores.iter().sum::<f64>() / visit_scores.len() as f64);
    let base = match (ratings, visits) {
        (Some(r), Some(v)) => r * (1.0 - VISIT_WEIGHT) + v * VISIT_WEIGHT,
        (Some(r), None) => r,
        (None, Some(v)) => v,
        (None, None) => return None,
    };
    let penalty = figures.complaints as f64 * COMPLAINT_PENALTY
        + figures.escalated as f64 * ESCALATION_PENALTY;
    Some(round1((base - penalty).clamp(0.0, 100.0)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::DomainError;

    fn at(hours: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000, 0).unwrap() + Duration::hours(hours)
    }

    #[test]
    fn scores_are_one_to_five_and_the_bad_one_is_named() {
        assert_eq!(check_scores(5, 4, 3, 2, 1).unwrap().portion, 3);
        for (scores, field) in [
            ((0, 3, 3, 3, 3), "overall"),
            ((3, 6, 3, 3, 3), "taste"),
            ((3, 3, -1, 3, 3), "portion"),
            ((3, 3, 3, 300, 3), "hygiene"),
            ((3, 3, 3, 3, 0), "service"),
        ] {
            let err = check_scores(scores.0, scores.1, scores.2, scores.3, scores.4).unwrap_err();
            assert_eq!(err.code(), "SCORE_INVALID");
            assert_eq!(err.field().as_deref(), Some(field));
        }
    }

    #[test]
    fn only_served_orders_once_within_the_window() {
        let week = Duration::days(7);
        assert!(check_may_rate(true, Some(at(0)), false, week, at(24)).is_ok());
        let code = |r: Result<(), FeedbackRuleError>| r.unwrap_err().code();
        assert_eq!(
            code(check_may_rate(false, None, false, week, at(1))),
            "ORDER_NOT_SERVED"
        );
        assert_eq!(
            code(check_may_rate(true, Some(at(0)), true, week, at(1))),
            "ALREADY_RATED"
        );
        assert_eq!(
            code(check_may_rate(true, Some(at(0)), false, week, at(7 * 24))),
            "RATING_WINDOW_CLOSED"
        );
        assert!(check_may_rate(true, Some(at(0)), false, week, at(7 * 24 - 1)).is_ok());
    }

    #[test]
    fn comments_and_photos() {
        assert_eq!(check_comment(Some("  ")).unwrap(), None);
        assert_eq!(
            check_comment(Some(" 好吃 ")).unwrap().as_deref(),
            Some("好吃")
        );
        assert!(check_comment(Some(&"字".repeat(501))).is_err());
        assert!(check_photos(&["https://img.example.cn/a.jpg".into()]).is_ok());
        assert_eq!(
            check_photos(&["javascript:alert(1)".into()])
                .unwrap_err()
                .code(),
            "PHOTO_URL_INVALID"
        );
        assert_eq!(
            check_photos(&vec!["https://x.cn/a.jpg".to_string(); 10])
                .unwrap_err()
                .code(),
            "TOO_MANY_PHOTOS"
        );
    }

    #[test]
    fn the_summary_averages_with_one_decimal_and_is_null_when_empty() {
        let empty = summarize(&RatingTotals::default());
        assert_eq!(empty.count, 0);
        assert_eq!(empty.overall, None);
        assert_eq!(empty.recent_overall, None);
        // Three ratings: overall 5, 4, 4; taste 5+5+3.
        let totals = RatingTotals {
            by_overall: [0, 0, 0, 2, 1],
            taste_sum: 13,
            portion_sum: 12,
            hygiene_sum: 15,
            service_sum: 10,
            recent_count: 1,
            recent_overall_sum: 4,
        };
        let summary = summarize(&totals);
        assert_eq!(summary.count, 3);
        assert_eq!(summary.overall, Some(4.3));
        assert_eq!(summary.taste, Some(4.3));
        assert_eq!(summary.portion, Some(4.0));
        assert_eq!(summary.hygiene, Some(5.0));
        assert_eq!(summary.service, Some(3.3));
        assert_eq!(summary.recent_overall, Some(4.0));
        assert_eq!(summary.distribution, [0, 0, 0, 2, 1]);
    }

    #[test]
    fn each_complainant_counts_once_in_a_month() {
        use Complainant::*;
        let made = [
            (Account(7), false),
            (Account(7), true),
            (Account(7), false),
            (Elder(3), false),
            (Complaint(11), false),
            (Complaint(12), true),
        ];
        assert_eq!(count_complainants(&made), (4, 2));
        assert_eq!(count_complainants(&[]), (0, 0));
        // Seven complaints of one account against a meal point rated 5.0 all month.
        let (complaints, escalated) = count_complainants(&[(Account(9), true); 7]);
        let figures = MonthFigures {
            rating_count: 10,
            rating_overall_sum: 50,
            complaints,
            escalated,
            ..Default::default()
        };
        assert_eq!(monthly_score(&figures), Some(85.0));
    }

    #[test]
    fn the_complainant_escalates_only_past_a_deadline() {
        let code = |r: Result<(), FeedbackRuleError>| r.unwrap_err().code();
        assert_eq!(
            code(check_complainant_may_escalate(
                Action::Escalate,
                Party::Complainant,
                false
            )),
            "ESCALATION_NOT_DUE"
        );
        assert!(check_complainant_may_escalate(Action::Escalate, Party::Complainant, true).is_ok());
        assert!(check_complainant_may_escalate(Action::Escalate, Party::Operator, false).is_ok());
        assert!(check_complainant_may_escalate(Action::Close, Party::Complainant, false).is_ok());
    }

    #[test]
    fn complaint_steps_follow_the_states_and_the_parties() {
        use ComplaintState::*;
        assert_eq!(
            next_state(Action::Acknowledge, Party::Operator, Submitted).unwrap(),
            Acknowledged
        );
        assert_eq!(
            next_state(Action::Resolve, Party::Operator, Acknowledged).unwrap(),
            Resolved
        );
        assert_eq!(
            next_state(Action::Close, Party::Complainant, Resolved).unwrap(),
            Closed
        );
        assert_eq!(
            next_state(Action::Escalate, Party::Complainant, Acknowledged).unwrap(),
            Escalated
        );
        assert_eq!(
            next_state(Action::Resolve, Party::Supervisor, Escalated).unwrap(),
            Resolved
        );
        assert_eq!(
            next_state(Action::Close, Party::Supervisor, Escalated).unwrap(),
            Closed
        );
        let code = |r: Result<ComplaintState, FeedbackRuleError>| r.unwrap_err().code();
        assert_eq!(
            code(next_state(
                Action::Acknowledge,
                Party::Complainant,
                Submitted
            )),
            "COMPLAINT_ACTION_FORBIDDEN"
        );
        assert_eq!(
            code(next_state(Action::Resolve, Party::Operator, Escalated)),
            "COMPLAINT_ACTION_FORBIDDEN"
        );
        assert_eq!(
            code(next_state(Action::Close, Party::Operator, Resolved)),
            "COMPLAINT_ACTION_FORBIDDEN"
        );
        assert_eq!(
            code(next_state(Action::Resolve, Party::Operator, Submitted)),
            "COMPLAINT_STATE_CONFLICT"
        );
        assert_eq!(
            code(next_state(Action::Acknowledge, Party::Supervisor, Closed)),
            "COMPLAINT_STATE_CONFLICT"
        );
        assert_eq!(
            code(next_state(Action::Escalate, Party::Supervisor, Escalated)),
            "COMPLAINT_STATE_CONFLICT"
        );
    }

    #[test]
    fn food_safety_has_the_shortest_deadlines_and_overrides_are_checked() {
        let defaults = Deadlines::default();
        for &category in Category::ALL {
            let (ack, resolve) = defaults.hours(category);
            assert!(ack <= resolve);
            assert!(defaults.hours(Category::FoodSafety).0 <= ack);
            assert!(defaults.hours(Category::FoodSafety).1 <= resolve);
        }
        assert_eq!(defaults.due(Category::FoodSafety, at(0)), (at(24), at(72)));
        let custom = Deadlines::with_overrides("food_safety=12/48, price=24/240").unwrap();
        assert_eq!(custom.hours(Category::FoodSafety), (12, 48));
        assert_eq!(custom.hours(Category::Price), (24, 240));
        assert_eq!(
            custom.hours(Category::Hygiene),
            defaults.hours(Category::Hygiene)
        );
        for bad in [
            "food_safety=48/12",
            "soup=1/2",
            "hygiene=0/5",
            "hygiene",
            "hygiene=1-2",
        ] {
            assert!(Deadlines::with_overrides(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn escalation_and_overdue() {
        use ComplaintState::*;
        let (ack, resolve) = (at(24), at(72));
        assert!(!escalation_due(Submitted, ack, resolve, at(23)));
        assert!(escalation_due(Submitted, ack, resolve, at(24)));
        assert!(!escalation_due(Acknowledged, ack, resolve, at(30)));
        assert!(escalation_due(Acknowledged, ack, resolve, at(72)));
        assert!(!escalation_due(Escalated, ack, resolve, at(100)));
        assert!(!escalation_due(Resolved, ack, resolve, at(100)));

        assert!(!is_overdue(Submitted, None, ack, resolve, at(1)));
        assert!(is_overdue(Escalated, None, ack, resolve, at(25)));
        assert!(!is_overdue(Acknowledged, Some(at(2)), ack, resolve, at(30)));
        assert!(is_overdue(Acknowledged, Some(at(30)), ack, resolve, at(31)));
        assert!(!is_overdue(Resolved, None, ack, resolve, at(100)));
    }

    #[test]
    fn the_monthly_score() {
        assert_eq!(monthly_score(&MonthFigures::default()), None);
        let complaints_only = MonthFigures {
            complaints: 2,
            ..Default::default()
        };
        assert_eq!(monthly_score(&complaints_only), None);
        // All fives: 100; all ones: 0; a 4.0 average: 75.
        let ratings = |count, sum| MonthFigures {
            rating_count: count,
            rating_overall_sum: sum,
            ..Default::default()
        };
        assert_eq!(monthly_score(&ratings(3, 15)), Some(100.0));
        assert_eq!(monthly_score(&ratings(2, 2)), Some(0.0));
        assert_eq!(monthly_score(&ratings(2, 8)), Some(75.0));
        // A visit of all fours without 留样: 75 − 20 = 55; with ratings at 75: 0.6·75 + 0.4·55 = 67.
        let mut figures = ratings(2, 8);
        figures.visits.push(VisitScores {
            scores: vec![4, 4, 4],
            sample_retained: false,
        });
        assert_eq!(monthly_score(&figures), Some(67.0));
        // One complaint, escalated: 67 − 5 − 10 = 52.
        figures.complaints = 1;
        figures.escalated = 1;
        assert_eq!(monthly_score(&figures), Some(52.0));
        // Never below zero.
        figures.complaints = 30;
        assert_eq!(monthly_score(&figures), Some(0.0));
        // Visits alone.
        let visits = MonthFigures {
            visits: vec![VisitScores {
                scores: vec![5, 5, 5, 5],
                sample_retained: true,
            }],
            ..Default::default()
        };
        assert_eq!(monthly_score(&visits), Some(100.0));
    }
}
