//! A policy file before it is published: every problem with its line, whether it could be
//! published today, and "what if" quotes of meals under the draft, so the city sees what a new
//! version would pay before any elder is quoted with it.

use chrono::NaiveDate;
use poem_openapi::{Object, OpenApi, payload::Json};

use super::{
    Category, CrossDistrictStandard, FunderLevel, Policy, QuoteInput, ServiceMode, Slot, lines,
    quote,
    service::{self, DraftChecked},
};
use crate::{
    auth::{BearerAuth, Role},
    error::{AppError, AppResult, Problem},
    money::Yuan,
    state::AppState,
    tags::ApiTags,
};

pub struct SubsidyDraftApi {
    pub state: AppState,
}

#[derive(Object)]
pub struct DraftCheck {
    /// The policy file (TOML) as it would be published.
    pub toml: String,
    /// Meals to quote under the draft ("what if"), at most 20.
    #[oai(default)]
    pub what_if: Vec<WhatIfMeal>,
}

/// One meal of one (imagined) elder.
#[derive(Object)]
pub struct WhatIfMeal {
    /// The elder's birth date: age bands use the age on the meal date.
    pub birth_date: NaiveDate,
    #[oai(default)]
    pub categories: Vec<Category>,
    /// 户籍区.
    pub hukou_district_code: String,
    /// The meal point's district.
    pub meal_point_district_code: String,
    /// Defaults to the draft's effective date.
    pub date: Option<NaiveDate>,
    pub slot: Slot,
    pub mode: ServiceMode,
    pub gross: Yuan,
    /// Subsidised meals the elder already has in that slot that day (the per-slot cap); default 0.
    pub subsidised_meals_already_in_slot: Option<u32>,
}

#[derive(Object)]
pub struct DraftSummary {
    pub version: String,
    pub effective_from: NaiveDate,
    pub cross_district_standard: CrossDistrictStandard,
    pub min_meal_price: Yuan,
    #[oai(skip_serializing_if_is_none)]
    pub max_subsidised_per_slot: Option<u32>,
    pub rule_count: u32,
    pub district_sections: Vec<String>,
}

#[derive(Object)]
pub struct DraftQuoteLine {
    pub level: FunderLevel,
    /// 市级 / 区级 / 街道级
    pub level_label: String,
    pub amount: Yuan,
}

#[derive(Object)]
pub struct DraftFiredRule {
    pub rule_ref: String,
    pub level: FunderLevel,
    pub amount: Yuan,
    pub note: String,
    /// The rule's line in the file.
    #[oai(skip_serializing_if_is_none)]
    pub line: Option<u32>,
}

#[derive(Object)]
pub struct DraftQuote {
    pub meal_date: NaiveDate,
    pub gross: Yuan,
    pub subsidy_total: Yuan,
    /// 自付
    pub elder_share: Yuan,
    pub lines: Vec<DraftQuoteLine>,
    pub standard_district: String,
    pub age_on_meal_date: u32,
    pub fired: Vec<DraftFiredRule>,
    /// Why nothing is paid, e.g. 餐价未达到补贴起点.
    #[oai(skip_serializing_if_is_none)]
    pub not_subsidised_reason: Option<String>,
}

#[derive(Object)]
pub struct DraftReport {
    /// The file has no problems and could be published today as it is.
    pub publishable: bool,
    /// Every problem, each with its line in the file where it has one.
    pub problems: Vec<Problem>,
    /// What the file says, once it parses.
    #[oai(skip_serializing_if_is_none)]
    pub summary: Option<DraftSummary>,
    /// One quote per `what_if` meal, in order (empty while the file has mistakes).
    pub quotes: Vec<DraftQuote>,
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
        let body = body.0;
        if body.what_if.len() > MAX_WHAT_IF {
            return Err(AppError::invalid(
                "what_if",
                "WHAT_IF_TOO_MANY",
                format!("一次最多试算 {MAX_WHAT_IF} 餐"),
            ));
        }
        for (i, meal) in body.what_if.iter().enumerate() {
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
        let districts: Vec<[&str; 2]> = body
            .what_if
            .iter()
            .map(|meal| {
                [&meal.hukou_district_code, &meal.meal_point_district_code].map(String::as_str)
            })
            .collect();
        let (policy, problems) =
            match service::check_draft(&self.state, &source, &districts).await? {
                DraftChecked::Invalid(problems) => {
                    return Ok(Json(DraftReport {
                        publishable: false,
                        problems,
                        summary: None,
                        quotes: Vec::new(),
                    }));
                }
                DraftChecked::Valid { policy, problems } => (policy, problems),
            };
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
