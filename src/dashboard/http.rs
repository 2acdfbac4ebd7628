//! The dashboard over HTTP: the plan's targets (entered or imported by the city) against the
//! meal points built, meals served per day, subsidy per month by funder level, the 同城共享
//! share, and ratings and complaint deadlines per district. The city admin sees the city, a
//! district clerk their own district.

use chrono::{DateTime, Datelike, Months, NaiveDate, TimeDelta, Utc};
use poem_openapi::{
    ApiRequest, Object, OpenApi,
    param::Query,
    payload::{Json, PlainText},
};

use super::{
    rules::{self, TargetInput, TargetPlace},
    service::{self, Scope},
};
use crate::{
    auth::{BearerAuth, Role},
    error::AppResult,
    money::Yuan,
    state::AppState,
    tags::ApiTags,
};

pub struct DashboardApi {
    pub state: AppState,
}

const READERS: &[Role] = &[Role::CityAdmin, Role::DistrictClerk];

/// A target as entered.
#[derive(Object)]
pub struct TargetEntry {
    /// A district code, or `city` for a city-wide target.
    pub scope: String,
    pub from_year: i32,
    /// Inclusive; the same as `from_year` for a one-year target.
    pub to_year: i32,
    /// Meal points to build (new or upgraded) in those years.
    pub target: i32,
}

#[derive(Object)]
pub struct TargetList {
    /// Replaces every target; at most 500.
    pub targets: Vec<TargetEntry>,
}

#[derive(Object)]
pub struct CsvText {
    /// The CSV: a header `scope,name,from_year,to_year,target` (`name` optional), then one
    /// target per line; `#` lines are comments.
    pub csv: String,
}

#[derive(ApiRequest)]
enum TargetsCsv {
    /// `{"csv": "..."}`
    Json(Json<CsvText>),
    /// The CSV file itself (`text/plain`, UTF-8).
    Text(PlainText<String>),
}

#[derive(Object)]
pub struct TargetView {
    pub id: i64,
    pub scope: String,
    /// 全市 or the district's name.
    pub scope_name: String,
    pub from_year: i32,
    pub to_year: i32,
    pub target: i32,
    pub updated_at: DateTime<Utc>,
}

#[derive(Object)]
pub struct TargetProgressView {
    pub scope: String,
    pub scope_name: String,
    pub from_year: i32,
    pub to_year: i32,
    pub target: i32,
    /// Meal points of the scope registered (created) in those years, Shanghai time.
    pub built: i64,
    /// built / target, in percent with one decimal; absent for a target of zero.
    #[oai(skip_serializing_if_is_none)]
    pub percent: Option<f64>,
}

#[derive(Object)]
pub struct DistrictBuilt {
    pub district_code: String,
    pub district_name: String,
    /// Meal points registered in each of `years`.
    pub by_year: Vec<i64>,
    pub total: i64,
}

#[derive(Object)]
pub struct PlanProgressView {
    /// The years the targets cover, and this year.
    pub years: Vec<i32>,
    pub targets: Vec<TargetProgressView>,
    pub districts: Vec<DistrictBuilt>,
    /// The districts' counts added up per year.
    pub city_by_year: Vec<i64>,
}

#[derive(Object)]
pub struct DistrictSeries {
    pub district_code: String,
    pub district_name: String,
    /// Served meals on each of `dates`.
    pub meals: Vec<i64>,
    pub total: i64,
}

#[derive(Object)]
pub struct MealsPerDayView {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Every date from `from` to `to`.
    pub dates: Vec<NaiveDate>,
    /// By the meal point's district (就餐区).
    pub districts: Vec<DistrictSeries>,
    /// All districts shown, per date.
    pub totals: Vec<i64>,
    pub total_meals: i64,
}

#[derive(Object)]
pub struct LevelSeries {
    /// Served meals per month.
    pub meals: Vec<i64>,
    /// 市级 per month.
    pub city: Vec<Yuan>,
    /// 区级 per month.
    pub district: Vec<Yuan>,
    /// 街道级 per month.
    pub street: Vec<Yuan>,
    /// All levels per month.
    pub total: Vec<Yuan>,
}

#[derive(Object)]
pub struct LevelAmounts {
    pub meals: i64,
    pub city: Yuan,
    pub district: Yuan,
    pub street: Yuan,
    pub total: Yuan,
}

#[derive(Object)]
pub struct DistrictSubsidy {
    pub district_code: String,
    pub district_name: String,
    pub months: LevelSeries,
    pub sum: LevelAmounts,
}

#[derive(Object)]
pub struct SubsidyPerMonthView {
    /// `YYYY-MM`, from the first month to the last.
    pub months: Vec<String>,
    /// By the elders' hukou district (户籍区, which funds the district and street levels; the
    /// city level is the city's money for that district's elders).
    pub districts: Vec<DistrictSubsidy>,
    /// The districts shown, added up per month.
    pub totals: LevelSeries,
    pub sum: LevelAmounts,
}

#[derive(Object)]
pub struct CrossDistrictRow {
    pub district_code: String,
    pub district_name: String,
    /// Served meals of the district's elders (its hukou), wherever eaten.
    pub elders_meals: i64,
    /// Of those, eaten at meal points of other districts.
    pub eaten_elsewhere: i64,
    #[oai(skip_serializing_if_is_none)]
    pub eaten_elsewhere_percent: Option<f64>,
    /// Meals served at the district's meal points.
    pub served_meals: i64,
    /// Of those, to elders of other districts.
    pub served_for_others: i64,
    #[oai(skip_serializing_if_is_none)]
    pub served_for_others_percent: Option<f64>,
}

#[derive(Object)]
pub struct FlowView {
    pub funding_district_code: String,
    pub funding_district_name: String,
    pub service_district_code: String,
    pub service_district_name: String,
    pub meals: i64,
}

#[derive(Object)]
pub struct CrossDistrictView {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Served meals counted (for a clerk: those their district funds or serves).
    pub meals: i64,
    /// Of those, eaten outside the elder's hukou district (同城共享).
    pub cross_meals: i64,
    #[oai(skip_serializing_if_is_none)]
    pub cross_percent: Option<f64>,
    pub districts: Vec<CrossDistrictRow>,
    /// Meals eaten outside the hukou district, by (hukou district, meal point district),
    /// largest first.
    pub flows: Vec<FlowView>,
}

#[derive(Object)]
pub struct FeedbackRow {
    /// A district code, or `city` for the row of every district shown.
    pub district_code: String,
    pub district_name: String,
    /// Visible ratings made in the period at the district's meal points.
    pub ratings: i64,
    /// Their mean overall score (1–5), one decimal.
    #[oai(skip_serializing_if_is_none)]
    pub average_overall: Option<f64>,
    /// Complaints made in the period.
    pub complaints: i64,
    /// Acknowledged (受理) by the deadline.
    pub ack_met: i64,
    /// Acknowledged late, or not yet with the deadline past.
    pub ack_missed: i64,
    #[oai(skip_serializing_if_is_none)]
    pub ack_met_percent: Option<f64>,
    /// Resolved or closed by the deadline.
    pub resolve_met: i64,
    pub resolve_missed: i64,
    #[oai(skip_serializing_if_is_none)]
    pub resolve_met_percent: Option<f64>,
    /// Escalated to the district (by the service or anyone).
    pub escalated: i64,
}

#[derive(Object)]
pub struct FeedbackView {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub districts: Vec<FeedbackRow>,
    pub total: FeedbackRow,
}

/// The service's clock.
#[derive(Object)]
pub struct ClockView {
    pub now: DateTime<Utc>,
    /// The business date in Shanghai.
    pub today: NaiveDate,
}

#[OpenApi(tag = "ApiTags::Dashboard")]
impl DashboardApi {
    /// The service's date and time. The console counts "today" and "this week" from it rather
    /// than from the browser's clock (a demo's clock may be started elsewhere).
    ///
    /// Public.
    #[oai(path = "/clock", method = "get")]
    async fn clock(&self) -> Json<ClockView> {
        Json(ClockView {
            now: self.state.clock.now(),
            today: self.state.clock.today(),
        })
    }

    /// The plan's meal-point targets: per district or city-wide (`scope` = `city`), each over a
    /// span of years.
    ///
    /// Roles: city_admin, district_clerk (their district's targets).
    #[oai(path = "/plan-targets", method = "get")]
    async fn targets(&self, auth: BearerAuth) -> AppResult<Json<Vec<TargetView>>> {
        let caller = auth.allow(READERS)?;
        let scope = Scope::of(caller);
        Ok(Json(target_views(
            service::targets(&self.state, &scope).await?,
        )))
    }

    /// Replace every target with this list. Every problem is listed (`problems`, each naming
    /// `targets[i].field`): an unknown district, a year outside 2000–2100 or reversed, a span
    /// over ten years, a count outside 0–100000, two targets of one scope with overlapping years.
    /// Nothing changes unless all are valid.
    ///
    /// Roles: city_admin.
    #[oai(path = "/plan-targets", method = "put")]
    async fn replace(
        &self,
        auth: BearerAuth,
        body: Json<TargetList>,
    ) -> AppResult<Json<Vec<TargetView>>> {
        let caller = auth.allow(&[Role::CityAdmin])?;
        let targets: Vec<TargetInput> = body
            .0
            .targets
            .into_iter()
            .map(|t| TargetInput {
                scope: t.scope.trim().to_string(),
                from_year: t.from_year,
                to_year: t.to_year,
                target: t.target,
            })
            .collect();
        let saved =
            service::replace_targets(&self.state, caller, &targets, TargetPlace::Entry).await?;
        Ok(Json(target_views(saved)))
    }

    /// Import the targets from CSV, replacing every target (the format of
    /// `changzhou-meal-point-targets.csv`: `scope,name,from_year,to_year,target`). Problems
    /// carry the `line` of the file they are on; nothing changes unless all lines are valid.
    ///
    /// Roles: city_admin.
    #[oai(path = "/plan-targets/import", method = "post")]
    async fn import(&self, auth: BearerAuth, body: TargetsCsv) -> AppResult<Json<Vec<TargetView>>> {
        let caller = auth.allow(&[Role::CityAdmin])?;
        let text = match body {
            TargetsCsv::Json(json) => json.0.csv,
            TargetsCsv::Text(text) => text.0,
        };
        let saved = service::import_targets_csv(&self.state, caller, &text).await?;
        Ok(Json(target_views(saved)))
    }

    /// Meal points built against the plan: each target with the meal points of its scope
    /// registered in its years, and every district's meal points per year. A meal point counts
    /// as built in the year it was registered (Shanghai time).
    ///
    /// Roles: city_admin, district_clerk (their district).
    #[oai(path = "/dashboard/plan-progress", method = "get")]
    async fn plan_progress(&self, auth: BearerAuth) -> AppResult<Json<PlanProgressView>> {
        let caller = auth.allow(READERS)?;
        let progress = service::plan_progress(&self.state, &Scope::of(caller)).await?;
        let names = progress.names;
        Ok(Json(PlanProgressView {
            years: progress.years,
            targets: progress
                .targets
                .into_iter()
                .map(|p| TargetProgressView {
                    scope_name: names.scope_name(&p.target.scope),
                    scope: p.target.scope,
                    from_year: p.target.from_year,
                    to_year: p.target.to_year,
                    target: p.target.target,
                    built: p.built,
                    percent: rules::percent(p.built, i64::from(p.target.target)),
                })
                .collect(),
            districts: progress
                .built
                .into_iter()
                .map(|(code, name, by_year)| DistrictBuilt {
                    district_code: code,
                    district_name: name,
                    total: by_year.iter().sum(),
                    by_year,
                })
                .collect(),
            city_by_year: progress.built_by_year,
        }))
    }

    /// Served meals per day and meal point district (就餐区), from `from` to `to` (default: the
    /// last 30 days to today; at most 366 days). Every date is listed, with zeros.
    ///
    /// Roles: city_admin, district_clerk (meals served in their district).
    #[oai(path = "/dashboard/meals-per-day", method = "get")]
    async fn meals_per_day(
        &self,
        auth: BearerAuth,
        from: Query<Option<NaiveDate>>,
        to: Query<Option<NaiveDate>>,
    ) -> AppResult<Json<MealsPerDayView>> {
        let caller = auth.allow(READERS)?;
        let (from, to) = business_dates(from.0, to.0)?;
        let to = to.unwrap_or_else(|| self.state.clock.today());
        let from = from.unwrap_or(to - TimeDelta::days(29));
        let daily = service::meals_per_day(&self.state, &Scope::of(caller), from, to).await?;
        Ok(Json(MealsPerDayView {
            from,
            to,
            total_meals: daily.totals.iter().sum(),
            totals: daily.totals,
            dates: daily.dates,
            districts: daily
                .districts
                .into_iter()
                .zip(daily.series)
                .map(|((code, name), meals)| DistrictSeries {
                    district_code: code,
                    district_name: name,
                    total: meals.iter().sum(),
                    meals,
                })
                .collect(),
        }))
    }

    /// The subsidy of served meals per month, by funder level (市级 / 区级 / 街道级) and the
    /// elders' hukou district, from `from_month` to `to_month` (`YYYY-MM`; default: the last
    /// twelve months to this one; at most 60 months). Counted by the meal's date.
    ///
    /// Roles: city_admin, district_clerk (their district's elders).
    #[oai(path = "/dashboard/subsidy-per-month", method = "get")]
    async fn subsidy_per_month(
        &self,
        auth: BearerAuth,
        from_month: Query<Option<String>>,
        to_month: Query<Option<String>>,
    ) -> AppResult<Json<SubsidyPerMonthView>> {
        let caller = auth.allow(READERS)?;
        let this_month = first_of_month(self.state.clock.today());
        let to = match to_month.0 {
            Some(raw) => rules::parse_month(&raw, "to_month")?,
            None => this_month,
        };
        let from = match from_month.0 {
            Some(raw) => rules::parse_month(&raw, "from_month")?,
            None => to - Months::new(11),
        };
        let monthly = service::subsidy_per_month(&self.state, &Scope::of(caller), from, to).await?;
        let districts = monthly
            .districts
            .into_iter()
            .zip(monthly.by_district)
            .map(|((code, name), m)| DistrictSubsidy {
                district_code: code,
                district_name: name,
                sum: level_amounts(&m),
                months: level_series(&m),
            })
            .collect();
        Ok(Json(SubsidyPerMonthView {
            months: monthly
                .months
                .iter()
                .map(|m| rules::month_key(*m))
                .collect(),
            districts,
            sum: level_amounts(&monthly.totals),
            totals: level_series(&monthly.totals),
        }))
    }

    /// 同城共享: the share of served meals eaten outside the elder's hukou district, from `from`
    /// to `to` (default: the last twelve months to today; at most 366 days). Per district both
    /// sides: its elders eating elsewhere, and its meal points serving elders of other districts;
    /// and the flows between districts.
    ///
    /// Roles: city_admin, district_clerk (meals their district funds or serves).
    #[oai(path = "/dashboard/cross-district", method = "get")]
    async fn cross_district(
        &self,
        auth: BearerAuth,
        from: Query<Option<NaiveDate>>,
        to: Query<Option<NaiveDate>>,
    ) -> AppResult<Json<CrossDistrictView>> {
        let caller = auth.allow(READERS)?;
        let (from, to) = self.year_span(from.0, to.0)?;
        let share = service::cross_district(&self.state, &Scope::of(caller), from, to).await?;
        let names = share.names;
        Ok(Json(CrossDistrictView {
            from,
            to,
            meals: share.meals,
            cross_meals: share.cross_meals,
            cross_percent: rules::percent(share.cross_meals, share.meals),
            districts: share
                .districts
                .into_iter()
                .map(|(name, row)| CrossDistrictRow {
                    district_code: row.district.clone(),
                    district_name: name,
                    elders_meals: row.elders_meals,
                    eaten_elsewhere: row.eaten_elsewhere,
                    eaten_elsewhere_percent: rules::percent(row.eaten_elsewhere, row.elders_meals),
                    served_meals: row.served_meals,
                    served_for_others: row.served_for_others,
                    served_for_others_percent: rules::percent(
                        row.served_for_others,
                        row.served_meals,
                    ),
                })
                .collect(),
            flows: share
                .flows
                .into_iter()
                .map(|(funding, service, meals)| FlowView {
                    funding_district_name: names.scope_name(&funding),
                    funding_district_code: funding,
                    service_district_name: names.scope_name(&service),
                    service_district_code: service,
                    meals,
                })
                .collect(),
        }))
    }

    /// Ratings and complaint deadlines per meal point district, for ratings and complaints made
    /// from `from` to `to` (default: the last twelve months to today; at most 366 days): the
    /// mean overall score, and how many complaints were acknowledged and resolved within their
    /// deadlines (a complaint still inside a deadline counts as neither met nor missed).
    ///
    /// Roles: city_admin, district_clerk (their district).
    #[oai(path = "/dashboard/feedback", method = "get")]
    async fn feedback(
        &self,
        auth: BearerAuth,
        from: Query<Option<NaiveDate>>,
        to: Query<Option<NaiveDate>>,
    ) -> AppResult<Json<FeedbackView>> {
        let caller = auth.allow(READERS)?;
        let (from, to) = self.year_span(from.0, to.0)?;
        let (rows, total) = service::feedback(&self.state, &Scope::of(caller), from, to).await?;
        Ok(Json(FeedbackView {
            from,
            to,
            districts: rows.into_iter().map(feedback_row).collect(),
            total: feedback_row(total),
        }))
    }
}

fn target_views(targets: service::Targets) -> Vec<TargetView> {
    let names = targets.names;
    targets
        .rows
        .into_iter()
        .map(|t| TargetView {
            scope_name: names.scope_name(&t.scope),
            id: t.id,
            scope: t.scope,
            from_year: t.from_year,
            to_year: t.to_year,
            target: t.target,
            updated_at: t.updated_at,
        })
        .collect()
}

impl DashboardApi {
    /// `from`..`to` with defaults: to today, from the first day of the month eleven months back.
    fn year_span(
        &self,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> AppResult<(NaiveDate, NaiveDate)> {
        let (from, to) = business_dates(from, to)?;
        let to = to.unwrap_or_else(|| self.state.clock.today());
        let from = from.unwrap_or_else(|| first_of_month(to) - Months::new(11));
        Ok((from, to))
    }
}

fn first_of_month(date: NaiveDate) -> NaiveDate {
    date.with_day(1).unwrap_or(date)
}

fn level_series(m: &rules::MonthlySubsidy) -> LevelSeries {
    let yuan = |v: &[i64]| v.iter().map(|f| Yuan::from_fen(*f)).collect();
    let total: Vec<i64> = (0..m.meals.len())
        .map(|i| m.city_fen[i] + m.district_fen[i] + m.street_fen[i])
        .collect();
    LevelSeries {
        meals: m.meals.clone(),
        city: yuan(&m.city_fen),
        district: yuan(&m.district_fen),
        street: yuan(&m.street_fen),
        total: yuan(&total),
    }
}

fn level_amounts(m: &rules::MonthlySubsidy) -> LevelAmounts {
    let city: i64 = m.city_fen.iter().sum();
    let district: i64 = m.district_fen.iter().sum();
    let street: i64 = m.street_fen.iter().sum();
    LevelAmounts {
        meals: m.meals.iter().sum(),
        city: Yuan::from_fen(city),
        district: Yuan::from_fen(district),
        street: Yuan::from_fen(street),
        total: Yuan::from_fen(city + district + street),
    }
}

fn feedback_row(row: service::DistrictFeedback) -> FeedbackRow {
    let d = row.deadlines;
    FeedbackRow {
        district_code: row.code,
        district_name: row.name,
        ratings: row.ratings,
        average_overall: rules::mean1(row.overall_sum, row.ratings),
        complaints: d.complaints,
        ack_met: d.ack_met,
        ack_missed: d.ack_missed,
        ack_met_percent: rules::percent(d.ack_met, d.ack_met + d.ack_missed),
        resolve_met: d.resolve_met,
        resolve_missed: d.resolve_missed,
        resolve_met_percent: rules::percent(d.resolve_met, d.resolve_met + d.resolve_missed),
        escalated: d.escalated,
    }
}

/// `from` and `to` of a request, each in the business years (400 `DATE_OUT_OF_RANGE` naming it).
fn business_dates(
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> AppResult<(Option<NaiveDate>, Option<NaiveDate>)> {
    let check = |field, date: Option<NaiveDate>| {
        date.map(|d| crate::clock::check_business_date(field, d))
            .transpose()
    };
    Ok((check("from", from)?, check("to", to)?))
}
