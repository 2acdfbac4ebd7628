//! A policy file before it is published: every problem with its line, whether it could be
//! published today, and "what if" quotes of meals under the draft, so the city sees what a new
//! version would pay before any elder is quoted with it.

use chrono::NaiveDate;
use poem_openapi::{Object, OpenApi, payload::Json};

use super::{
    Category, CrossDistrictStandard, FunderLevel, Policy, PolicyError, PolicyErrorKind, QuoteInput,
    ServiceMode, Slot,
    error::SubsidyError,
    lines, parse_policy, quote, store,
    versions::{self, PublishRefusal},
};
use crate::{
    auth::{BearerAuth, Role},
    error::{AppError, AppResult, Problem},
    money::Yuan,
    places,
    state::AppState,
    tags::ApiTags,
};

/// Every problem of a policy file, each with its line: the parser's, then district sections
/// naming no district of this city (they would never apply). `Ok` when there are none.
pub async fn checked_policy(
    db: &impl sea_orm::ConnectionTrait,
    source: &str,
) -> Result<Result<Policy, Vec<Problem>>, SubsidyError> {
    let (policy, mut problems) = match parse_policy(source) {
        Ok(policy) => (Some(policy), Vec::new()),
        Err(errors) => (
            None,
            errors
                .iter()
                .map(|e| problem(source, e))
                .collect::<Vec<_>>(),
        ),
    };
    for (number, code) in district_section_codes(source) {
        let location = format!("district {code}");
        let already_reported = problems.iter().any(|p| {
            p.field.as_deref() == Some("code")
                && (p.location == location || p.location == format!("district[{number}]"))
        });
        if already_reported || places::store::find_district(db, &code).await?.is_some() {
            continue;
        }
        problems.push(Problem {
            path: format!("{location}.code"),
            line: lines::locate(source, &location, Some("code")),
            location: location.clone(),
            field: Some("code".to_string()),
            code: "POLICY_UNKNOWN_DISTRICT".to_string(),
            message: format!("{location}：本市没有编码为 {code} 的区，这一节永远不会生效"),
        });
    }
    Ok(match policy {
        Some(policy) if problems.is_empty() => Ok(policy),
        _ => Err(problems),
    })
}

/// What would stop a valid file from being published today: a version name already used, a
/// back-dated or taken effective date.
async fn publish_problems(
    db: &impl sea_orm::ConnectionTrait,
    source: &str,
    policy: &Policy,
    today: NaiveDate,
) -> Result<Vec<Problem>, SubsidyError> {
    let mut problems = Vec::new();
    let at = |field: &str, code: &str, message: String| Problem {
        location: "policy".to_string(),
        field: Some(field.to_string()),
        path: format!("policy.{field}"),
        code: code.to_string(),
        message,
        line: lines::locate(source, "policy", Some(field)),
    };
    if store::find_policy(db, &policy.version).await?.is_some() {
        problems.push(at(
            "version",
            "POLICY_VERSION_EXISTS",
            format!(
                "版本号 {} 已经用过（包括已撤回的版本），请换一个版本号",
                policy.version
            ),
        ));
    }
    let live = store::live_dates(db).await?;
    match versions::check_publish(policy.effective_from, today, &live) {
        Ok(()) => {}
        Err(PublishRefusal::Backdated) => problems.push(at(
            "effective_from",
            "POLICY_BACKDATED",
            format!(
                "生效日期 {} 早于今天（{today}），政策不能追溯生效",
                policy.effective_from
            ),
        )),
        Err(PublishRefusal::DateTaken) => problems.push(at(
            "effective_from",
            "POLICY_DATE_TAKEN",
            format!(
                "已有一个版本从 {} 起生效；如要替换，请先撤回那个尚未生效的版本",
                policy.effective_from
            ),
        )),
    }
    Ok(problems)
}

pub fn problem(source: &str, error: &PolicyError) -> Problem {
    let line = if error.kind == PolicyErrorKind::Syntax {
        lines::syntax_error_line(source)
    } else {
        lines::locate(source, &error.location, error.field.as_deref())
    };
    Problem {
        location: error.location.clone(),
        field: error.field.clone(),
        path: error.path(),
        code: error.code().to_string(),
        message: error.message.clone(),
        line,
    }
}

/// `(section number from 1, code)` of every `[[district]]` section that has a code, read from
/// the raw TOML.
fn district_section_codes(source: &str) -> Vec<(usize, String)> {
    let Ok(table) = source.parse::<toml::Table>() else {
        return Vec::new();
    };
    let Some(toml::Value::Array(sections)) = table.get("district") else {
        return Vec::new();
    };
    sections
        .iter()
        .enumerate()
        .filter_map(|(index, section)| {
            let code = section.get("code")?.as_str()?;
            Some((index + 1, code.to_string()))
        })
        .collect()
}

pub struct SubsidyDraftApi {
    pub state: AppState,
}

#[derive(Object)]
struct DraftCheck {
    /// The policy file (TOML) as it would be published.
    toml: String,
    /// Meals to quote under the draft ("what if"), at most 20.
    #[oai(default)]
    what_if: Vec<WhatIfMeal>,
}

/// One meal of one (imagined) elder.
#[derive(Object)]
struct WhatIfMeal {
    /// The elder's birth date: age bands use the age on the meal date.
    birth_date: NaiveDate,
    #[oai(default)]
    categories: Vec<Category>,
    /// 户籍区.
    hukou_district_code: String,
    /// The meal point's district.
    meal_point_district_code: String,
    /// Defaults to the draft's effective date.
    date: Option<NaiveDate>,
    slot: Slot,
    mode: ServiceMode,
    gross: Yuan,
    /// Subsidised meals the elder already has in that slot that day (the per-slot cap); default 0.
    subsidised_meals_already_in_slot: Option<u32>,
}

#[derive(Object)]
struct DraftSummary {
    version: String,
    effective_from: NaiveDate,
    cross_district_standard: CrossDistrictStandard,
    min_meal_price: Yuan,
    #[oai(skip_serializing_if_is_none)]
    max_subsidised_per_slot: Option<u32>,
    rule_count: u32,
    district_sections: Vec<String>,
}

#[derive(Object)]
struct DraftQuoteLine {
    level: FunderLevel,
    /// 市级 / 区级 / 街道级
    level_label: String,
    amount: Yuan,
}

#[derive(Object)]
struct DraftFiredRule {
    rule_ref: String,
    level: FunderLevel,
    amount: Yuan,
    note: String,
    /// The rule's line in the file.
    #[oai(skip_serializing_if_is_none)]
    line: Option<u32>,
}

#[derive(Object)]
struct DraftQuote {
    meal_date: NaiveDate,
    gross: Yuan,
    subsidy_total: Yuan,
    /// 自付
    elder_share: Yuan,
    lines: Vec<DraftQuoteLine>,
    standard_district: String,
    age_on_meal_date: u32,
    fired: Vec<DraftFiredRule>,
    /// Why nothing is paid, e.g. 餐价未达到补贴起点.
    #[oai(skip_serializing_if_is_none)]
    not_subsidised_reason: Option<String>,
}

#[derive(Object)]
struct DraftReport {
    /// The file has no problems and could be published today as it is.
    publishable: bool,
    /// Every problem, each with its line in the file where it has one.
    problems: Vec<Problem>,
    /// What the file says, once it parses.
    #[oai(skip_serializing_if_is_none)]
    summary: Option<DraftSummary>,
    /// One quote per `what_if` meal, in order (empty while the file has mistakes).
    quotes: Vec<DraftQuote>,
}

/// At most this many what-if meals per check.
const MAX_WHAT_IF: usize = 20;

#[OpenApi(tag = "ApiTags::Subsidy")]
impl SubsidyDraftApi {
    /// Check a policy file without publishing it: every problem with its line, whether it could
    /// be published today (version name unused, effective date today or later and free), and
    /// "what if" quotes of meals under the draft. Nothing is stored. Problems in the file are
    /// the answer here (200), not an error; a malformed `what_if` meal is a 400 naming it.
    ///
    /// Roles: city_admin.
    #[oai(path = "/subsidy-policies/check", method = "post")]
    async fn check(
        &self,
        auth: BearerAuth,
        body: Json<DraftCheck>,
    ) -> AppResult<Json<DraftReport>> {
        auth.allow(&[Role::CityAdmin])?;
        let db = &self.state.db;
        let body = body.0;
        if body.what_if.len() > MAX_WHAT_IF {
            return Err(AppError::invalid(
                "what_if",
                "WHAT_IF_TOO_MANY",
                format!("一次最多试算 {MAX_WHAT_IF} 餐"),
            ));
        }
        for (i, meal) in body.what_if.iter().enumerate() {
            for (field, code) in [
                ("hukou_district_code", &meal.hukou_district_code),
                ("meal_point_district_code", &meal.meal_point_district_code),
            ] {
                if places::store::find_district(db, code).await?.is_none() {
                    return Err(AppError::invalid(
                        format!("what_if[{i}].{field}"),
                        "DISTRICT_UNKNOWN",
                        format!("第 {} 餐：本市没有编码为 {code} 的区", i + 1),
                    ));
                }
            }
            if meal.gross.is_negative() || !meal.gross.has_at_most_two_decimals() {
                return Err(AppError::invalid(
                    format!("what_if[{i}].gross"),
                    "AMOUNT_INVALID",
                    format!(
                        "第 {} 餐：餐价需为不小于 0 的金额，最多两位小数（如 15.00）",
                        i + 1
                    ),
                ));
            }
        }
        let source = body.toml;
        let policy = match checked_policy(db, &source).await? {
            Ok(policy) => policy,
            Err(problems) => {
                return Ok(Json(DraftReport {
                    publishable: false,
                    problems,
                    summary: None,
                    quotes: Vec::new(),
                }));
            }
        };
        let problems = publish_problems(db, &source, &policy, self.state.clock.today()).await?;
        let quotes = body
            .what_if
            .iter()
            .map(|meal| draft_quote(&source, &policy, meal))
            .collect();
        Ok(Json(DraftReport {
            publishable: problems.is_empty(),
            problems,
            summary: Some(DraftSummary {
                version: policy.version.clone(),
                effective_from: policy.effective_from,
                cross_district_standard: policy.cross_district_standard,
                min_meal_price: Yuan::new(policy.min_meal_price),
                max_subsidised_per_slot: policy.max_subsidised_per_slot,
                rule_count: u32::try_from(policy.rules.len()).unwrap_or(u32::MAX),
                district_sections: policy.districts.iter().map(|d| d.code.clone()).collect(),
            }),
            quotes,
        }))
    }
}

fn draft_quote(source: &str, policy: &Policy, meal: &WhatIfMeal) -> DraftQuote {
    let meal_date = meal.date.unwrap_or(policy.effective_from);
    let input = QuoteInput {
        birth_date: meal.birth_date,
        categories: meal.categories.clone(),
        hukou_district: meal.hukou_district_code.clone(),
        service_district: meal.meal_point_district_code.clone(),
        meal_date,
        slot: meal.slot,
        mode: meal.mode,
        gross: meal.gross.decimal(),
        subsidised_meals_already_in_slot: meal.subsidised_meals_already_in_slot.unwrap_or(0),
    };
    let quoted = quote(policy, &input);
    DraftQuote {
        meal_date,
        gross: Yuan::new(quoted.gross),
        subsidy_total: Yuan::new(quoted.subsidy_total),
        elder_share: Yuan::new(quoted.elder_share),
        lines: quoted
            .lines
            .into_iter()
            .map(|line| DraftQuoteLine {
                level: line.level,
                level_label: line.level.label_zh().to_string(),
                amount: Yuan::new(line.amount),
            })
            .collect(),
        standard_district: quoted.standard_district,
        age_on_meal_date: quoted.age_on_meal_date,
        fired: quoted
            .fired
            .into_iter()
            .map(|fired| DraftFiredRule {
                line: lines::locate(source, &fired.rule_ref, None),
                rule_ref: fired.rule_ref,
                level: fired.level,
                amount: Yuan::new(fired.amount),
                note: fired.note_zh,
            })
            .collect(),
        not_subsidised_reason: quoted
            .not_subsidised_reason
            .map(|reason| reason.label_zh().to_string()),
    }
}
