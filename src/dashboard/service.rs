//! Each dashboard figure: the scope the caller may see, the database's grouped rows, and the
//! rules that fold them into series.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{Datelike, NaiveDate};
use entity::meal_point_target as target;
use sea_orm::TransactionTrait;

use super::{
    error::DashboardError,
    rules::{self, CITY_SCOPE, CrossDistrict, MonthlySubsidy, TargetInput, TargetPlace},
    store::{self, DeadlineCounts},
};
use crate::{
    auth::{Caller, Role},
    places,
    state::AppState,
};

type Result<T> = std::result::Result<T, DashboardError>;

/// Whose figures: the city admin sees the city, a district clerk their district only.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scope {
    City,
    District(String),
}

impl Scope {
    pub fn of(caller: &Caller) -> Scope {
        match (caller.role, &caller.district_code) {
            (Role::DistrictClerk, Some(code)) => Scope::District(code.clone()),
            // A clerk without a district sees nothing rather than everything.
            (Role::DistrictClerk, None) => Scope::District(String::new()),
            _ => Scope::City,
        }
    }

    fn district(&self) -> Option<&str> {
        match self {
            Scope::City => None,
            Scope::District(code) => Some(code),
        }
    }
}

/// The city's district names by code, to name a scope or a flow.
#[derive(Clone, Debug, Default)]
pub struct DistrictNames(HashMap<String, String>);

impl DistrictNames {
    async fn of_city(state: &AppState) -> Result<Self> {
        Ok(Self(
            places::store::list_districts(&state.db)
                .await?
                .into_iter()
                .map(|d| (d.code, d.name))
                .collect(),
        ))
    }

    /// A district's name, 全市 for the city, the code itself for a code the city does not know.
    pub fn scope_name(&self, scope: &str) -> String {
        if scope == CITY_SCOPE {
            return "全市".to_string();
        }
        self.0
            .get(scope)
            .cloned()
            .unwrap_or_else(|| scope.to_string())
    }
}

/// The districts a scope covers, as `(code, name)`, in the city's order.
pub async fn districts_in(state: &AppState, scope: &Scope) -> Result<Vec<(String, String)>> {
    Ok(places::store::list_districts(&state.db)
        .await?
        .into_iter()
        .filter(|d| scope.district().is_none_or(|code| code == d.code))
        .map(|d| (d.code, d.name))
        .collect())
}

async fn known_districts(state: &AppState) -> Result<HashSet<String>> {
    Ok(places::store::list_districts(&state.db)
        .await?
        .into_iter()
        .map(|d| d.code)
        .collect())
}

/// Targets with the names of their scopes.
pub struct Targets {
    pub rows: Vec<target::Model>,
    pub names: DistrictNames,
}

/// The targets the scope covers: all for the city, the district's own for a clerk.
pub async fn targets(state: &AppState, scope: &Scope) -> Result<Targets> {
    Ok(Targets {
        rows: scoped_targets(state, scope).await?,
        names: DistrictNames::of_city(state).await?,
    })
}

async fn scoped_targets(state: &AppState, scope: &Scope) -> Result<Vec<target::Model>> {
    Ok(store::targets(&state.db)
        .await?
        .into_iter()
        .filter(|t| scope.district().is_none_or(|code| code == t.scope))
        .collect())
}

/// Replaces every target after checking the whole list; `place` names entry `i` in problems.
pub async fn replace_targets(
    state: &AppState,
    caller: &Caller,
    targets: &[TargetInput],
    place: impl Fn(usize) -> TargetPlace,
) -> Result<Targets> {
    let problems = rules::check_targets(targets, &known_districts(state).await?, place);
    if !problems.is_empty() {
        return Err(DashboardError::TargetsInvalid(problems));
    }
    let txn = state.db.begin().await?;
    store::replace_targets(&txn, targets, caller.account_id, state.clock.now()).await?;
    txn.commit().await?;
    Ok(Targets {
        rows: store::targets(&state.db).await?,
        names: DistrictNames::of_city(state).await?,
    })
}

/// Reads a CSV of targets and replaces every target with it; problems name their lines.
pub async fn import_targets_csv(state: &AppState, caller: &Caller, text: &str) -> Result<Targets> {
    let parsed = rules::parse_targets_csv(text).map_err(DashboardError::TargetsInvalid)?;
    let lines: Vec<usize> = parsed.iter().map(|(line, _)| *line).collect();
    let targets: Vec<TargetInput> = parsed.into_iter().map(|(_, t)| t).collect();
    replace_targets(state, caller, &targets, |i| TargetPlace::Line(lines[i])).await
}

pub struct TargetProgress {
    pub target: target::Model,
    /// Meal points of the scope registered in the target's years.
    pub built: i64,
}

pub struct PlanProgress {
    pub years: Vec<i32>,
    pub targets: Vec<TargetProgress>,
    /// Per district in the scope: meal points registered in each of `years`.
    pub built: Vec<(String, String, Vec<i64>)>,
    /// The districts' counts added up per year.
    pub built_by_year: Vec<i64>,
    pub names: DistrictNames,
}

/// The years a plan chart covers: those of the targets and this year, at most twenty.
pub fn plan_years(targets: &[target::Model], this_year: i32) -> Vec<i32> {
    let first = targets
        .iter()
        .map(|t| t.from_year)
        .min()
        .unwrap_or(this_year)
        .min(this_year);
    let last = targets
        .iter()
        .map(|t| t.to_year)
        .max()
        .unwrap_or(this_year)
        .max(this_year);
    (first.max(last - 19)..=last).collect()
}

pub async fn plan_progress(state: &AppState, scope: &Scope) -> Result<PlanProgress> {
    let targets = scoped_targets(state, scope).await?;
    let years = plan_years(&targets, state.clock.today().year());
    let bounds: Vec<_> = years
        .iter()
        .map(|y| {
            let (start, end) = rules::shanghai_year(*y);
            (*y, start, end)
        })
        .collect();
    let counts: BTreeMap<String, Vec<i64>> =
        store::built_by_year(&state.db, &bounds, scope.district())
            .await?
            .into_iter()
            .collect();
    let built_in = |scope: &str, from: i32, to: i32| -> i64 {
        counts
            .iter()
            .filter(|(district, _)| scope == CITY_SCOPE || scope == district.as_str())
            .flat_map(|(_, by_year)| {
                years
                    .iter()
                    .zip(by_year)
                    .filter(|(y, _)| (from..=to).contains(*y))
                    .map(|(_, n)| *n)
            })
            .sum()
    };
    let targets = targets
        .into_iter()
        .map(|t| TargetProgress {
            built: built_in(&t.scope, t.from_year, t.to_year),
            target: t,
        })
        .collect();
    let built = districts_in(state, scope)
        .await?
        .into_iter()
        .map(|(code, name)| {
            let by_year = counts
                .get(&code)
                .cloned()
                .unwrap_or_else(|| vec![0; years.len()]);
            (code, name, by_year)
        })
        .collect::<Vec<_>>();
    Ok(PlanProgress {
        built_by_year: rules::sum_series(years.len(), built.iter().map(|(_, _, n)| n)),
        years,
        targets,
        built,
        names: DistrictNames::of_city(state).await?,
    })
}

pub struct DailyMeals {
    pub dates: Vec<NaiveDate>,
    pub districts: Vec<(String, String)>,
    pub series: Vec<Vec<i64>>,
    /// The districts' series added up per date.
    pub totals: Vec<i64>,
}

pub async fn meals_per_day(
    state: &AppState,
    scope: &Scope,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<DailyMeals> {
    rules::check_days(from, to)?;
    let districts = districts_in(state, scope).await?;
    let rows = store::meals_per_day(&state.db, from, to, scope.district()).await?;
    let dates = rules::days(from, to);
    let codes: Vec<String> = districts.iter().map(|(c, _)| c.clone()).collect();
    let series = rules::daily_series(&dates, &codes, &rows);
    Ok(DailyMeals {
        totals: rules::sum_series(dates.len(), &series),
        dates,
        districts,
        series,
    })
}

pub struct MonthlySubsidies {
    pub months: Vec<NaiveDate>,
    pub districts: Vec<(String, String)>,
    pub by_district: Vec<MonthlySubsidy>,
    /// The districts added up per month.
    pub totals: MonthlySubsidy,
}

pub async fn subsidy_per_month(
    state: &AppState,
    scope: &Scope,
    from_month: NaiveDate,
    to_month: NaiveDate,
) -> Result<MonthlySubsidies> {
    let months = rules::months(from_month, to_month)?;
    let districts = districts_in(state, scope).await?;
    let rows = store::subsidy_per_day(
        &state.db,
        from_month,
        rules::month_end(to_month),
        scope.district(),
    )
    .await?;
    let codes: Vec<String> = districts.iter().map(|(c, _)| c.clone()).collect();
    let by_district = rules::monthly_subsidy(&months, &codes, &rows);
    Ok(MonthlySubsidies {
        totals: MonthlySubsidy::sum(months.len(), &by_district),
        months,
        districts,
        by_district,
    })
}

pub struct CrossDistrictShare {
    pub districts: Vec<(String, CrossDistrict)>,
    /// Off-diagonal flows (funding district, service district, meals), largest first.
    pub flows: Vec<(String, String, i64)>,
    pub meals: i64,
    pub cross_meals: i64,
    pub names: DistrictNames,
}

pub async fn cross_district(
    state: &AppState,
    scope: &Scope,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<CrossDistrictShare> {
    rules::check_days(from, to)?;
    let districts = districts_in(state, scope).await?;
    let pairs = store::meals_by_district_pair(&state.db, from, to, scope.district()).await?;
    let codes: Vec<String> = districts.iter().map(|(c, _)| c.clone()).collect();
    let rows = rules::cross_district(&codes, &pairs);
    let mut flows: Vec<(String, String, i64)> = pairs
        .iter()
        .filter(|(funding, service, _)| funding != service)
        .cloned()
        .collect();
    flows.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| (&a.0, &a.1).cmp(&(&b.0, &b.1))));
    Ok(CrossDistrictShare {
        meals: pairs.iter().map(|p| p.2).sum(),
        cross_meals: flows.iter().map(|f| f.2).sum(),
        districts: districts
            .into_iter()
            .map(|(_, name)| name)
            .zip(rows)
            .collect(),
        flows,
        names: DistrictNames::of_city(state).await?,
    })
}

pub struct DistrictFeedback {
    pub code: String,
    pub name: String,
    pub ratings: i64,
    pub overall_sum: i64,
    pub deadlines: DeadlineCounts,
}

/// Each district's ratings and complaint deadlines, and the row of them all (`city`, 合计).
pub async fn feedback(
    state: &AppState,
    scope: &Scope,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<(Vec<DistrictFeedback>, DistrictFeedback)> {
    rules::check_days(from, to)?;
    let (start, end) = rules::shanghai_span(from, to);
    let district = scope.district();
    let ratings: BTreeMap<String, (i64, i64)> =
        store::ratings_by_district(&state.db, start, end, district)
            .await?
            .into_iter()
            .map(|(code, n, sum)| (code, (n, sum)))
            .collect();
    let deadlines: BTreeMap<String, DeadlineCounts> =
        store::complaint_deadlines(&state.db, start, end, state.clock.now(), district)
            .await?
            .into_iter()
            .collect();
    let rows: Vec<DistrictFeedback> = districts_in(state, scope)
        .await?
        .into_iter()
        .map(|(code, name)| {
            let (ratings, overall_sum) = ratings.get(&code).copied().unwrap_or_default();
            DistrictFeedback {
                deadlines: deadlines.get(&code).cloned().unwrap_or_default(),
                code,
                name,
                ratings,
                overall_sum,
            }
        })
        .collect();
    let mut total = DistrictFeedback {
        code: CITY_SCOPE.to_string(),
        name: "合计".to_string(),
        ratings: 0,
        overall_sum: 0,
        deadlines: DeadlineCounts::default(),
    };
    for row in &rows {
        total.ratings += row.ratings;
        total.overall_sum += row.overall_sum;
        total.deadlines.add(&row.deadlines);
    }
    Ok((rows, total))
}
