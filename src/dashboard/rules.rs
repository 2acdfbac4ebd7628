//! The dashboard's rules as plain functions: the plan targets (checking them, reading them from
//! CSV), the periods a chart may cover, and folding the database's grouped rows into the
//! series a chart draws. No database, no HTTP.

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, Datelike, Months, NaiveDate, Utc};

use crate::{clock::shanghai_to_utc, error::Problem};

/// A target for the whole city rather than one district.
pub const CITY_SCOPE: &str = "city";

/// Plan years outside this range are typing mistakes.
pub const YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;
/// A plan longer than this is not a plan of this programme (five-year plans are the longest).
pub const MAX_PLAN_YEARS: i32 = 10;
/// More meal points than this in one target is a typing mistake.
pub const MAX_TARGET: i32 = 100_000;
/// At most this many targets in one list (seven districts over a few plans is a few dozen).
pub const MAX_TARGETS: usize = 500;

/// The longest span a daily chart covers.
pub const MAX_DAYS: i64 = 366;
/// The longest span a monthly chart covers.
pub const MAX_MONTHS: u32 = 60;

/// One target as entered: `scope` is a district code or [`CITY_SCOPE`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TargetInput {
    pub scope: String,
    pub from_year: i32,
    pub to_year: i32,
    pub target: i32,
}

/// Where a problem of the targets is: the list as a whole, an entry of the request, or a line of
/// an imported CSV file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TargetPlace {
    List,
    Entry(usize),
    Line(usize),
}

impl std::fmt::Display for TargetPlace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::List => f.write_str("targets"),
            Self::Entry(index) => write!(f, "targets[{index}]"),
            Self::Line(line) => write!(f, "line {line}"),
        }
    }
}

/// What is wrong with the targets (or their CSV file); its code and Chinese message are said
/// here only.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TargetProblem {
    TooMany,
    ScopeUnknown {
        scope: String,
    },
    YearInvalid {
        field: &'static str,
        year: i32,
    },
    YearsReversed,
    YearsTooLong,
    CountInvalid,
    /// Overlaps the years of an earlier target of the same scope.
    YearsOverlap {
        earlier: TargetPlace,
    },
    CsvEmpty,
    CsvColumnMissing {
        column: &'static str,
    },
    CsvColumnCount {
        expected: usize,
        found: usize,
    },
    CsvNotANumber {
        field: &'static str,
        value: String,
    },
}

impl TargetProblem {
    pub fn code(&self) -> &'static str {
        match self {
            Self::TooMany => "TARGETS_TOO_MANY",
            Self::ScopeUnknown { .. } => "TARGET_SCOPE_UNKNOWN",
            Self::YearInvalid { .. } => "TARGET_YEAR_INVALID",
            Self::YearsReversed => "TARGET_YEARS_REVERSED",
            Self::YearsTooLong => "TARGET_YEARS_TOO_LONG",
            Self::CountInvalid => "TARGET_COUNT_INVALID",
            Self::YearsOverlap { .. } => "TARGET_YEARS_OVERLAP",
            Self::CsvEmpty => "CSV_EMPTY",
            Self::CsvColumnMissing { .. } => "CSV_COLUMN_MISSING",
            Self::CsvColumnCount { .. } => "CSV_COLUMN_COUNT",
            Self::CsvNotANumber { .. } => "CSV_NOT_A_NUMBER",
        }
    }

    /// The key of the entry (or the CSV column) at fault, when one is.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            Self::ScopeUnknown { .. } => Some("scope"),
            Self::YearInvalid { field, .. } => Some(field),
            Self::YearsReversed | Self::YearsTooLong => Some("to_year"),
            Self::CountInvalid => Some("target"),
            Self::YearsOverlap { .. } => Some("from_year"),
            Self::CsvColumnMissing { column } => Some(column),
            Self::CsvNotANumber { field, .. } => Some(field),
            Self::TooMany | Self::CsvEmpty | Self::CsvColumnCount { .. } => None,
        }
    }

    /// The message, naming `place`: a CSV line as 第 N 行, anything else as its location.
    pub fn message(&self, place: TargetPlace) -> String {
        let at = match place {
            TargetPlace::Line(line) if self.is_csv() => format!("第 {line} 行"),
            place => place.to_string(),
        };
        match self {
            Self::TooMany => format!("一次最多 {MAX_TARGETS} 条目标"),
            Self::ScopeUnknown { scope } => {
                format!("{at}：本市没有编码为 {scope} 的区（全市目标请填 {CITY_SCOPE}）")
            }
            Self::YearInvalid { year, .. } => format!(
                "{at}：年份 {year} 不在 {} 到 {} 之间",
                YEARS.start(),
                YEARS.end()
            ),
            Self::YearsReversed => format!("{at}：结束年份不能早于起始年份"),
            Self::YearsTooLong => format!("{at}：一条目标最多覆盖 {MAX_PLAN_YEARS} 年"),
            Self::CountInvalid => format!("{at}：目标数需为 0 到 {MAX_TARGET} 之间的整数"),
            Self::YearsOverlap { earlier } => {
                format!("{at}：与{earlier}的年份重叠，同一范围的目标年份不能重叠")
            }
            Self::CsvEmpty => format!("文件是空的：第一行应为表头 {CSV_HEADER}"),
            Self::CsvColumnMissing { column } => format!("{at}：表头缺少 {column} 列"),
            Self::CsvColumnCount { expected, found } => {
                format!("{at}：应有 {expected} 列，实际 {found} 列")
            }
            Self::CsvNotANumber { field, value } => {
                format!("{at}：{field} 应为整数，而不是“{value}”")
            }
        }
    }

    fn is_csv(&self) -> bool {
        matches!(
            self,
            Self::CsvEmpty
                | Self::CsvColumnMissing { .. }
                | Self::CsvColumnCount { .. }
                | Self::CsvNotANumber { .. }
        )
    }
}

/// A problem and its place.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TargetIssue {
    pub place: TargetPlace,
    pub problem: TargetProblem,
}

impl TargetIssue {
    fn new(place: TargetPlace, problem: TargetProblem) -> Self {
        Self { place, problem }
    }

    /// As the error body lists it; a CSV line's problem carries its line.
    pub fn to_problem(&self) -> Problem {
        let location = self.place.to_string();
        let field = self.problem.field();
        Problem {
            path: match field {
                Some(field) => format!("{location}.{field}"),
                None => location.clone(),
            },
            location,
            field: field.map(str::to_string),
            code: self.problem.code().to_string(),
            message: self.problem.message(self.place),
            line: match self.place {
                TargetPlace::Line(line) => u32::try_from(line).ok(),
                _ => None,
            },
        }
    }
}

/// Checks a whole list of targets, returning every problem, each naming its entry
/// (`targets[3].to_year`) or, for a CSV import, its line (`line 5`).
pub fn check_targets(
    targets: &[TargetInput],
    known_districts: &HashSet<String>,
    place: impl Fn(usize) -> TargetPlace,
) -> Vec<TargetIssue> {
    let mut problems = Vec::new();
    if targets.len() > MAX_TARGETS {
        problems.push(TargetIssue::new(TargetPlace::List, TargetProblem::TooMany));
        return problems;
    }
    for (index, target) in targets.iter().enumerate() {
        let at = place(index);
        let mut push = |problem| problems.push(TargetIssue::new(at, problem));
        if target.scope != CITY_SCOPE && !known_districts.contains(&target.scope) {
            push(TargetProblem::ScopeUnknown {
                scope: target.scope.clone(),
            });
        }
        for (field, year) in [("from_year", target.from_year), ("to_year", target.to_year)] {
            if !YEARS.contains(&year) {
                push(TargetProblem::YearInvalid { field, year });
            }
        }
        if target.from_year > target.to_year {
            push(TargetProblem::YearsReversed);
        } else if i64::from(target.to_year) - i64::from(target.from_year)
            >= i64::from(MAX_PLAN_YEARS)
        {
            push(TargetProblem::YearsTooLong);
        }
        if !(0..=MAX_TARGET).contains(&target.target) {
            push(TargetProblem::CountInvalid);
        }
        // Two targets of one scope over overlapping years would count the same meal points twice.
        if let Some(earlier) = targets[..index].iter().position(|other| {
            other.scope == target.scope
                && other.from_year <= target.to_year
                && target.from_year <= other.to_year
        }) {
            push(TargetProblem::YearsOverlap {
                earlier: place(earlier),
            });
        }
    }
    problems
}

/// The columns of the targets CSV; `name` is optional and only for people reading the file.
pub const CSV_HEADER: &str = "scope,name,from_year,to_year,target";

/// Reads targets from CSV: a header naming `scope`, `from_year`, `to_year` and `target` (any
/// order, other columns such as `name` ignored), then one target per line. Blank lines and lines
/// starting with `#` are skipped. Every problem is returned, each with its line number.
pub fn parse_targets_csv(text: &str) -> Result<Vec<(usize, TargetInput)>, Vec<TargetIssue>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text
        .lines()
        .enumerate()
        .map(|(i, line)| (i + 1, line.trim()))
        .filter(|(_, line)| !line.is_empty() && !line.starts_with('#'));
    let Some((header_line, header)) = lines.next() else {
        return Err(vec![TargetIssue::new(
            TargetPlace::Line(1),
            TargetProblem::CsvEmpty,
        )]);
    };
    let columns: Vec<String> = header
        .split(',')
        .map(|c| c.trim().to_ascii_lowercase())
        .collect();
    let index_of = |name: &str| columns.iter().position(|c| c == name);
    let mut problems = Vec::new();
    let mut wanted = Vec::new();
    for column in ["scope", "from_year", "to_year", "target"] {
        match index_of(column) {
            Some(i) => wanted.push(i),
            None => problems.push(TargetIssue::new(
                TargetPlace::Line(header_line),
                TargetProblem::CsvColumnMissing { column },
            )),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut targets = Vec::new();
    for (line_no, line) in lines {
        let at = TargetPlace::Line(line_no);
        let cells: Vec<&str> = line.split(',').map(str::trim).collect();
        if cells.len() != columns.len() {
            problems.push(TargetIssue::new(
                at,
                TargetProblem::CsvColumnCount {
                    expected: columns.len(),
                    found: cells.len(),
                },
            ));
            continue;
        }
        let number = |field: &'static str, i: usize, problems: &mut Vec<TargetIssue>| {
            cells[i].parse::<i32>().map_err(|_| {
                problems.push(TargetIssue::new(
                    at,
                    TargetProblem::CsvNotANumber {
                        field,
                        value: cells[i].to_string(),
                    },
                ));
            })
        };
        let from_year = number("from_year", wanted[1], &mut problems);
        let to_year = number("to_year", wanted[2], &mut problems);
        let target = number("target", wanted[3], &mut problems);
        if let (Ok(from_year), Ok(to_year), Ok(target)) = (from_year, to_year, target) {
            targets.push((
                line_no,
                TargetInput {
                    scope: cells[wanted[0]].to_string(),
                    from_year,
                    to_year,
                    target,
                },
            ));
        }
    }
    if problems.is_empty() {
        Ok(targets)
    } else {
        Err(problems)
    }
}

/// The instants a Shanghai calendar year starts and ends (the next year's start).
pub fn shanghai_year(year: i32) -> (DateTime<Utc>, DateTime<Utc>) {
    let start = |y: i32| {
        NaiveDate::from_ymd_opt(y, 1, 1)
            .map(|d| shanghai_to_utc(d.and_time(chrono::NaiveTime::MIN)))
            .unwrap_or(DateTime::<Utc>::MIN_UTC)
    };
    (start(year), start(year + 1))
}

/// The instants a span of Shanghai dates starts and ends (midnight after `to`).
pub fn shanghai_span(from: NaiveDate, to: NaiveDate) -> (DateTime<Utc>, DateTime<Utc>) {
    let midnight = |d: NaiveDate| shanghai_to_utc(d.and_time(chrono::NaiveTime::MIN));
    (midnight(from), midnight(to + chrono::TimeDelta::days(1)))
}

/// Why a chart's period is refused; each names the request field at fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PeriodError {
    /// The end (`to`) is before the start.
    #[error("period ends before it starts")]
    DaysReversed,
    /// More than [`MAX_DAYS`] days.
    #[error("period too long")]
    TooManyDays,
    /// Not a `YYYY-MM` month.
    #[error("month invalid")]
    MonthInvalid { field: &'static str },
    /// A month of a year the service does not deal in.
    #[error(transparent)]
    MonthOutOfRange(crate::clock::DateOutOfRange),
    /// The end month (`to_month`) is before the start.
    #[error("months reversed")]
    MonthsReversed,
    /// More than [`MAX_MONTHS`] months.
    #[error("too many months")]
    TooManyMonths,
}

impl crate::error::DomainError for PeriodError {
    fn kind(&self) -> crate::error::ErrorKind {
        crate::error::ErrorKind::BadRequest
    }
    fn code(&self) -> &'static str {
        match self {
            Self::DaysReversed | Self::MonthsReversed => "PERIOD_INVALID",
            Self::TooManyDays | Self::TooManyMonths => "PERIOD_TOO_LONG",
            Self::MonthInvalid { .. } => "MONTH_INVALID",
            Self::MonthOutOfRange(date) => crate::error::DomainError::code(date),
        }
    }
    fn message(&self) -> std::borrow::Cow<'static, str> {
        match self {
            Self::DaysReversed => "结束日期不能早于开始日期".into(),
            Self::TooManyDays => format!("按日统计最多 {MAX_DAYS} 天").into(),
            Self::MonthInvalid { .. } => "月份格式应为 YYYY-MM，例如 2026-11".into(),
            Self::MonthOutOfRange(date) => crate::error::DomainError::message(date),
            Self::MonthsReversed => "结束月份不能早于开始月份".into(),
            Self::TooManyMonths => format!("按月统计最多 {MAX_MONTHS} 个月").into(),
        }
    }
    fn field(&self) -> Option<std::borrow::Cow<'static, str>> {
        Some(
            match self {
                Self::DaysReversed | Self::TooManyDays => "to",
                Self::MonthInvalid { field } => field,
                Self::MonthOutOfRange(date) => date.field,
                Self::MonthsReversed | Self::TooManyMonths => "to_month",
            }
            .into(),
        )
    }
}

/// A span of dates a chart may cover: `to` not before `from`, at most [`MAX_DAYS`] days.
pub fn check_days(from: NaiveDate, to: NaiveDate) -> Result<(), PeriodError> {
    if to < from {
        return Err(PeriodError::DaysReversed);
    }
    if (to - from).num_days() + 1 > MAX_DAYS {
        return Err(PeriodError::TooManyDays);
    }
    Ok(())
}

/// The first day of a `YYYY-MM` month sent in `field`.
pub fn parse_month(raw: &str, field: &'static str) -> Result<NaiveDate, PeriodError> {
    crate::clock::parse_month(field, raw).map_err(|refused| match refused {
        crate::clock::MonthRefused::Malformed => PeriodError::MonthInvalid { field },
        crate::clock::MonthRefused::OutOfRange(date) => PeriodError::MonthOutOfRange(date),
    })
}

/// `YYYY-MM` of a date.
pub fn month_key(date: NaiveDate) -> String {
    format!("{:04}-{:02}", date.year(), date.month())
}

/// Every month from `from` to `to` (first days), both included, at most [`MAX_MONTHS`].
pub fn months(from: NaiveDate, to: NaiveDate) -> Result<Vec<NaiveDate>, PeriodError> {
    if to < from {
        return Err(PeriodError::MonthsReversed);
    }
    let mut out = Vec::new();
    let mut month = from;
    while month <= to {
        out.push(month);
        if out.len() as u32 > MAX_MONTHS {
            return Err(PeriodError::TooManyMonths);
        }
        month = month + Months::new(1);
    }
    Ok(out)
}

/// The last day of a month given by its first day.
pub fn month_end(first: NaiveDate) -> NaiveDate {
    first + Months::new(1) - chrono::TimeDelta::days(1)
}

/// Every date from `from` to `to`, both included.
pub fn days(from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
    from.iter_days().take_while(|d| *d <= to).collect()
}

/// `part / whole` as a percentage with one decimal; none when `whole` is zero.
pub fn percent(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| round1(part as f64 * 100.0 / whole as f64))
}

/// The mean of `count` scores summing to `sum`, one decimal; none without scores.
pub fn mean1(sum: i64, count: i64) -> Option<f64> {
    (count > 0).then(|| round1(sum as f64 / count as f64))
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// Served meals of one day, service district and funding district, with the subsidy by level,
/// as the database groups them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ServedGroup {
    pub date: NaiveDate,
    pub service_district: String,
    pub funding_district: String,
    pub meals: i64,
    pub city_fen: i64,
    pub district_fen: i64,
    pub street_fen: i64,
}

/// Dense daily series: for each district in `districts`, its count on each date of `dates`
/// (zero where the database had no row).
pub fn daily_series(
    dates: &[NaiveDate],
    districts: &[String],
    rows: &[(NaiveDate, String, i64)],
) -> Vec<Vec<i64>> {
    let day_index: BTreeMap<NaiveDate, usize> =
        dates.iter().enumerate().map(|(i, d)| (*d, i)).collect();
    let mut series = vec![vec![0; dates.len()]; districts.len()];
    for (date, district, meals) in rows {
        let (Some(&day), Some(row)) = (
            day_index.get(date),
            districts.iter().position(|d| d == district),
        ) else {
            continue;
        };
        series[row][day] += meals;
    }
    series
}

/// Subsidy of one funding district (or the city's share for that district's elders) by month.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MonthlySubsidy {
    pub meals: Vec<i64>,
    pub city_fen: Vec<i64>,
    pub district_fen: Vec<i64>,
    pub street_fen: Vec<i64>,
}

/// Folds daily rows `(date, funding district, meals, city, district, street)` into months, per
/// funding district in `districts` order.
pub fn monthly_subsidy(
    months: &[NaiveDate],
    districts: &[String],
    rows: &[(NaiveDate, String, i64, i64, i64, i64)],
) -> Vec<MonthlySubsidy> {
    let mut out = vec![MonthlySubsidy::zero(months.len()); districts.len()];
    for (date, district, meals, city, dist, street) in rows {
        let first = date.with_day(1).unwrap_or(*date);
        let (Some(m), Some(d)) = (
            months.iter().position(|x| *x == first),
            districts.iter().position(|x| x == district),
        ) else {
            continue;
        };
        out[d].meals[m] += meals;
        out[d].city_fen[m] += city;
        out[d].district_fen[m] += dist;
        out[d].street_fen[m] += street;
    }
    out
}

impl MonthlySubsidy {
    /// Zero for each of `months` months.
    pub fn zero(months: usize) -> Self {
        Self {
            meals: vec![0; months],
            city_fen: vec![0; months],
            district_fen: vec![0; months],
            street_fen: vec![0; months],
        }
    }

    /// Month by month, the sum of several districts' series.
    pub fn sum<'a>(months: usize, all: impl IntoIterator<Item = &'a MonthlySubsidy>) -> Self {
        let mut total = Self::zero(months);
        for m in all {
            for i in 0..months {
                total.meals[i] += m.meals[i];
                total.city_fen[i] += m.city_fen[i];
                total.district_fen[i] += m.district_fen[i];
                total.street_fen[i] += m.street_fen[i];
            }
        }
        total
    }
}

/// Position by position, the sum of several equally long series.
pub fn sum_series<'a>(len: usize, all: impl IntoIterator<Item = &'a Vec<i64>>) -> Vec<i64> {
    let mut total = vec![0; len];
    for series in all {
        for (sum, n) in total.iter_mut().zip(series) {
            *sum += n;
        }
    }
    total
}

/// One district's side of 同城共享 over a period.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CrossDistrict {
    pub district: String,
    /// Meals of the district's elders (its hukou), wherever eaten.
    pub elders_meals: i64,
    /// Of those, eaten at meal points of other districts.
    pub eaten_elsewhere: i64,
    /// Meals served at the district's meal points.
    pub served_meals: i64,
    /// Of those, to elders of other districts.
    pub served_for_others: i64,
}

/// Folds `(funding district, service district, meals)` pairs into each district's side.
pub fn cross_district(districts: &[String], pairs: &[(String, String, i64)]) -> Vec<CrossDistrict> {
    districts
        .iter()
        .map(|district| {
            let mut row = CrossDistrict {
                district: district.clone(),
                ..Default::default()
            };
            for (funding, service, meals) in pairs {
                if funding == district {
                    row.elders_meals += meals;
                    if service != district {
                        row.eaten_elsewhere += meals;
                    }
                }
                if service == district {
                    row.served_meals += meals;
                    if funding != district {
                        row.served_for_others += meals;
                    }
                }
            }
            row
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// schemathesis sent years at the ends of `i32`: the span was computed in `i32` and
    /// overflowed (a panic, answered 500). Problems, not a panic.
    #[test]
    fn years_at_the_ends_of_their_type_are_problems_not_an_overflow() {
        let targets = [
            t(CITY_SCOPE, -1_192_692_162, i32::MAX, 5),
            t(CITY_SCOPE, i32::MIN, i32::MAX, 5),
        ];
        let problems = check_targets(&targets, &districts(), TargetPlace::Entry);
        assert!(
            problems
                .iter()
                .any(|p| matches!(p.problem, TargetProblem::YearInvalid { .. })),
            "{problems:?}"
        );
    }

    fn t(scope: &str, from: i32, to: i32, target: i32) -> TargetInput {
        TargetInput {
            scope: scope.into(),
            from_year: from,
            to_year: to,
            target,
        }
    }

    fn districts() -> HashSet<String> {
        ["320402", "320481"].into_iter().map(String::from).collect()
    }

    #[test]
    fn the_plans_targets_pass() {
        let targets = [
            t("320481", 2024, 2026, 40),
            t("320402", 2024, 2026, 15),
            t("city", 2024, 2024, 83),
            t("city", 2025, 2025, 50),
            t("city", 2026, 2026, 32),
        ];
        assert!(check_targets(&targets, &districts(), TargetPlace::Entry).is_empty());
    }

    #[test]
    fn every_mistake_is_named() {
        use TargetPlace::Entry;
        let targets = [
            t("320499", 2024, 2026, 40),
            t("320402", 2026, 2024, 15),
            t("320402", 1999, 2001, -1),
            t("city", 2024, 2040, 5),
            t("320481", 2024, 2024, 1),
            t("320481", 2024, 2025, 1),
        ];
        let problems = check_targets(&targets, &districts(), Entry);
        let issue = |i, problem| TargetIssue::new(Entry(i), problem);
        assert_eq!(
            problems,
            [
                issue(
                    0,
                    TargetProblem::ScopeUnknown {
                        scope: "320499".into()
                    }
                ),
                issue(1, TargetProblem::YearsReversed),
                issue(
                    2,
                    TargetProblem::YearInvalid {
                        field: "from_year",
                        year: 1999
                    }
                ),
                issue(2, TargetProblem::CountInvalid),
                issue(3, TargetProblem::YearsTooLong),
                issue(5, TargetProblem::YearsOverlap { earlier: Entry(4) }),
            ]
        );
        let wire: Vec<Problem> = problems.iter().map(TargetIssue::to_problem).collect();
        assert_eq!(
            wire.iter()
                .map(|p| (p.path.as_str(), p.code.as_str()))
                .collect::<Vec<_>>(),
            [
                ("targets[0].scope", "TARGET_SCOPE_UNKNOWN"),
                ("targets[1].to_year", "TARGET_YEARS_REVERSED"),
                ("targets[2].from_year", "TARGET_YEAR_INVALID"),
                ("targets[2].target", "TARGET_COUNT_INVALID"),
                ("targets[3].to_year", "TARGET_YEARS_TOO_LONG"),
                ("targets[5].from_year", "TARGET_YEARS_OVERLAP"),
            ]
        );
        assert!(wire[5].message.contains("targets[4]"), "{wire:?}");
        assert!(wire[0].message.contains("320499"));
    }

    #[test]
    fn csv_reads_the_shipped_file() {
        let parsed = parse_targets_csv(super::super::CHANGZHOU_TARGETS_CSV).unwrap();
        let by_district: i32 = parsed
            .iter()
            .filter(|(_, t)| t.scope != CITY_SCOPE)
            .map(|(_, t)| t.target)
            .sum();
        let by_year: Vec<(i32, i32)> = parsed
            .iter()
            .filter(|(_, t)| t.scope == CITY_SCOPE)
            .map(|(_, t)| (t.from_year, t.target))
            .collect();
        assert_eq!(by_district, 165);
        assert_eq!(by_year, [(2024, 83), (2025, 50), (2026, 32)]);
        let liyang = parsed.iter().find(|(_, t)| t.scope == "320481").unwrap();
        assert_eq!(
            (liyang.1.from_year, liyang.1.to_year, liyang.1.target),
            (2024, 2026, 40)
        );
    }

    #[test]
    fn csv_problems_carry_their_line() {
        use TargetPlace::Line;
        let text = "\u{feff}# a comment\nscope,from_year,to_year,target\n320402,2024,2026,15\n\n320481,2024,x,40\n320404,2024\n";
        let problems = parse_targets_csv(text).unwrap_err();
        assert_eq!(
            problems,
            [
                TargetIssue::new(
                    Line(5),
                    TargetProblem::CsvNotANumber {
                        field: "to_year",
                        value: "x".into()
                    }
                ),
                TargetIssue::new(
                    Line(6),
                    TargetProblem::CsvColumnCount {
                        expected: 4,
                        found: 2
                    }
                ),
            ]
        );
        let wire = problems[0].to_problem();
        assert_eq!(wire.line, Some(5));
        assert!(wire.message.contains("第 5 行"), "{wire:?}");
        let missing = parse_targets_csv("scope,year,target\n").unwrap_err();
        assert_eq!(
            missing.iter().map(|p| &p.problem).collect::<Vec<_>>(),
            [
                &TargetProblem::CsvColumnMissing {
                    column: "from_year"
                },
                &TargetProblem::CsvColumnMissing { column: "to_year" },
            ]
        );
        assert_eq!(
            parse_targets_csv("  \n# only\n").unwrap_err()[0].problem,
            TargetProblem::CsvEmpty
        );
    }

    /// A target checked during a CSV import is named by its line, in the message too.
    #[test]
    fn an_imported_targets_problem_names_its_line() {
        let problems = check_targets(&[t("320499", 2024, 2026, 40)], &districts(), |_| {
            TargetPlace::Line(3)
        });
        let wire = problems[0].to_problem();
        assert_eq!((wire.path.as_str(), wire.line), ("line 3.scope", Some(3)));
        assert!(wire.message.starts_with("line 3："), "{wire:?}");
    }

    #[test]
    fn a_shanghai_year_starts_at_its_midnight() {
        let (start, end) = shanghai_year(2026);
        assert_eq!(start.to_rfc3339(), "2025-12-31T16:00:00+00:00");
        assert_eq!(end.to_rfc3339(), "2026-12-31T16:00:00+00:00");
    }

    #[test]
    fn periods_and_months() {
        use crate::error::DomainError;
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert!(check_days(d("2026-11-01"), d("2026-11-30")).is_ok());
        assert_eq!(
            check_days(d("2026-11-30"), d("2026-11-01"))
                .unwrap_err()
                .code(),
            "PERIOD_INVALID"
        );
        assert_eq!(
            check_days(d("2025-01-01"), d("2026-11-01"))
                .unwrap_err()
                .code(),
            "PERIOD_TOO_LONG"
        );
        assert_eq!(parse_month("2026-11", "m").unwrap(), d("2026-11-01"));
        for bad in ["2026-13", "2026/11", "26-11", "2026-1", ""] {
            assert_eq!(
                parse_month(bad, "m").unwrap_err().code(),
                "MONTH_INVALID",
                "{bad}"
            );
        }
        let m = months(d("2025-12-01"), d("2026-02-01")).unwrap();
        assert_eq!(
            m.iter().map(|x| month_key(*x)).collect::<Vec<_>>(),
            ["2025-12", "2026-01", "2026-02"]
        );
        assert_eq!(month_end(d("2026-02-01")), d("2026-02-28"));
        assert_eq!(
            months(d("2020-01-01"), d("2026-01-01")).unwrap_err().code(),
            "PERIOD_TOO_LONG"
        );
    }

    #[test]
    fn shares_and_means() {
        assert_eq!(percent(1, 3), Some(33.3));
        assert_eq!(percent(2, 3), Some(66.7));
        assert_eq!(percent(0, 0), None);
        assert_eq!(mean1(9, 2), Some(4.5));
        assert_eq!(mean1(0, 0), None);
    }

    #[test]
    fn series_are_dense_and_folded() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let dates = days(d("2026-11-01"), d("2026-11-03"));
        let districts = vec!["A".to_string(), "B".to_string()];
        let rows = vec![
            (d("2026-11-01"), "A".to_string(), 2),
            (d("2026-11-03"), "B".to_string(), 5),
            (d("2026-11-03"), "B".to_string(), 1),
            (d("2026-11-09"), "A".to_string(), 7),
            (d("2026-11-02"), "Z".to_string(), 7),
        ];
        assert_eq!(
            daily_series(&dates, &districts, &rows),
            [vec![2, 0, 0], vec![0, 0, 6]]
        );

        let months = vec![d("2026-10-01"), d("2026-11-01")];
        let rows = vec![
            (d("2026-10-05"), "A".to_string(), 1, 100, 200, 0),
            (d("2026-11-05"), "A".to_string(), 2, 0, 400, 100),
            (d("2026-11-06"), "A".to_string(), 1, 0, 200, 50),
        ];
        let folded = monthly_subsidy(&months, &districts, &rows);
        assert_eq!(folded[0].meals, [1, 3]);
        assert_eq!(folded[0].district_fen, [200, 600]);
        assert_eq!(folded[0].street_fen, [0, 150]);
        assert_eq!(
            folded[1],
            MonthlySubsidy {
                meals: vec![0, 0],
                city_fen: vec![0, 0],
                district_fen: vec![0, 0],
                street_fen: vec![0, 0]
            }
        );
    }

    #[test]
    fn series_add_up_position_by_position() {
        assert_eq!(sum_series(3, [&vec![1, 0, 2], &vec![0, 5, 1]]), [1, 5, 3]);
        assert_eq!(sum_series(2, []), [0, 0]);
        let a = MonthlySubsidy {
            meals: vec![1, 2],
            city_fen: vec![0, 100],
            district_fen: vec![200, 400],
            street_fen: vec![100, 0],
        };
        let total = MonthlySubsidy::sum(2, [&a, &a]);
        assert_eq!(total.meals, [2, 4]);
        assert_eq!(total.city_fen, [0, 200]);
        assert_eq!(total.district_fen, [400, 800]);
    }

    #[test]
    fn cross_district_counts_both_sides() {
        let s = |x: &str| x.to_string();
        let pairs = vec![
            (s("A"), s("A"), 10),
            (s("A"), s("B"), 3),
            (s("B"), s("A"), 4),
            (s("B"), s("B"), 6),
        ];
        let rows = cross_district(&[s("A"), s("B"), s("C")], &pairs);
        assert_eq!(
            (
                rows[0].elders_meals,
                rows[0].eaten_elsewhere,
                rows[0].served_meals,
                rows[0].served_for_others
            ),
            (13, 3, 14, 4)
        );
        assert_eq!((rows[1].elders_meals, rows[1].eaten_elsewhere), (10, 4));
        assert_eq!(
            rows[2],
            CrossDistrict {
                district: s("C"),
                ..Default::default()
            }
        );
    }
}
