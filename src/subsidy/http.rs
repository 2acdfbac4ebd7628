//! Subsidy policies and quotes over HTTP: the city publishes policy versions; the mini program
//! asks what a meal would cost an elder (补贴 / 自付) before booking.

use chrono::{DateTime, NaiveDate, Utc};
use entity::subsidy_policy;
use poem_openapi::{
    ApiRequest, Object, OpenApi,
    param::{Path, Query},
    payload::{Json, PlainText},
};

use super::{
    CrossDistrictStandard, FunderLevel, NotSubsidised, ServiceMode, Slot, service, store,
    versions::{self, PolicyStatus},
};
use crate::{
    auth::{BearerAuth, Role},
    error::AppResult,
    money::Yuan,
    pagination::PageRequest,
    state::AppState,
    tags::ApiTags,
};

pub struct SubsidyApi {
    pub state: AppState,
}

// ---------------------------------------------------------------------------------------------
// DTOs
// ---------------------------------------------------------------------------------------------

#[derive(Object)]
pub struct PolicyText {
    /// The policy file (TOML); the format is described in the project's docs (`src/subsidy/mod.rs`).
    pub toml: String,
}

#[derive(ApiRequest)]
enum PolicyUpload {
    /// `{"toml": "..."}`
    Json(Json<PolicyText>),
    /// The TOML file itself, e.g. `curl --data-binary @policy.toml -H 'Content-Type: text/plain'`.
    Text(PlainText<String>),
}

impl PolicyUpload {
    fn into_text(self) -> String {
        match self {
            PolicyUpload::Json(body) => body.0.toml,
            PolicyUpload::Text(text) => text.0,
        }
    }
}

#[derive(Object)]
pub struct PolicyView {
    pub version: String,
    pub effective_from: NaiveDate,
    pub status: PolicyStatus,
    #[oai(skip_serializing_if_is_none)]
    pub city: Option<String>,
    pub cross_district_standard: CrossDistrictStandard,
    /// No subsidy below this gross price (the default standard's).
    pub min_meal_price: Yuan,
    /// Subsidised meals per elder, date and slot; absent means no cap.
    #[oai(skip_serializing_if_is_none)]
    pub max_subsidised_per_slot: Option<u32>,
    /// Rules of the default standard.
    pub rule_count: u32,
    /// Districts with a standard of their own.
    pub district_sections: Vec<String>,
    pub published_by: i64,
    pub published_at: DateTime<Utc>,
    #[oai(skip_serializing_if_is_none)]
    pub withdrawn_at: Option<DateTime<Utc>>,
    /// The policy file as published (only when one version is asked for).
    #[oai(skip_serializing_if_is_none)]
    pub source: Option<String>,
}

#[derive(Object)]
pub struct PolicyPage {
    pub items: Vec<PolicyView>,
    pub total: u64,
    pub page: u64,
    pub page_size: u64,
}

#[derive(Object)]
pub struct QuoteLineView {
    pub level: FunderLevel,
    /// 市级 / 区级 / 街道级
    pub level_label: String,
    /// The district whose budget pays (the elder's hukou district); absent for the city level.
    #[oai(skip_serializing_if_is_none)]
    pub funding_district_code: Option<String>,
    pub amount: Yuan,
}

#[derive(Object)]
pub struct FiredRuleView {
    /// `rule[3]` or `district 320402 rule[1]`, numbered from 1 in file order.
    pub rule_ref: String,
    pub level: FunderLevel,
    /// Zero for a rule that lost to a larger one of its group.
    pub amount: Yuan,
    /// Why it applied, in Chinese.
    pub note: String,
}

#[derive(Object)]
pub struct LevelCutView {
    pub level: FunderLevel,
    pub amount: Yuan,
}

#[derive(Object)]
pub struct NotSubsidisedView {
    /// `below_minimum_price`, `slot_cap_reached` or `no_rule_applies`.
    pub code: String,
    /// For the screen, e.g. 餐价未达到补贴起点.
    pub label: String,
}

/// What one meal would cost the elder: 补贴 (subsidy) and 自付 (the elder's share).
#[derive(Object)]
pub struct QuoteView {
    pub elder_id: i64,
    pub meal_date: NaiveDate,
    pub slot: Slot,
    pub mode: ServiceMode,
    pub meal_point_district_code: String,
    pub gross: Yuan,
    pub subsidy_total: Yuan,
    /// 自付: gross − subsidy, never below zero.
    pub elder_share: Yuan,
    /// One line per funder level with a non-zero amount (city, district, street).
    pub lines: Vec<QuoteLineView>,
    pub policy_version: String,
    /// The district whose standard was applied.
    pub standard_district: String,
    /// Age in full years on the meal date (age bands use this, not today's age).
    pub age_on_meal_date: u32,
    /// The rules that applied, with notes in Chinese.
    pub fired: Vec<FiredRuleView>,
    /// Amounts taken off so the subsidy does not exceed the gross price.
    pub capped_at_gross: Vec<LevelCutView>,
    #[oai(skip_serializing_if_is_none)]
    pub not_subsidised_reason: Option<NotSubsidisedView>,
}

// ---------------------------------------------------------------------------------------------
// Operations
// ---------------------------------------------------------------------------------------------

#[OpenApi(tag = "ApiTags::Subsidy")]
impl SubsidyApi {
    /// Publish a subsidy policy version.
    ///
    /// The body is the policy file (TOML), either as `text/plain` or as `{"toml": "..."}`.
    /// A file with mistakes is refused with 400 `POLICY_INVALID`, listing every problem in
    /// `problems` (each naming its rule, e.g. `rule[3].amount`, and its `line` in the file). The
    /// effective date must be today or later (never back-dated) and not the date of another live
    /// version; version names are never reused. A version is never edited: publish a new one to supersede it.
    ///
    /// Roles: city_admin.
    #[oai(path = "/subsidy-policies", method = "post")]
    async fn publish(&self, auth: BearerAuth, body: PolicyUpload) -> AppResult<Json<PolicyView>> {
        let caller = auth.allow(&[Role::CityAdmin])?;
        let row = service::publish(&self.state, caller, body.into_text()).await?;
        Ok(Json(self.view(row, false).await?))
    }

    /// Published policy versions, the latest effective date first, each with its status
    /// (scheduled, in force, superseded, withdrawn).
    ///
    /// Roles: operator, district_clerk, city_admin.
    #[oai(path = "/subsidy-policies", method = "get")]
    async fn list(
        &self,
        auth: BearerAuth,
        page: Query<Option<u64>>,
        page_size: Query<Option<u64>>,
    ) -> AppResult<Json<PolicyPage>> {
        auth.allow(&Role::STAFF)?;
        let request = PageRequest::new(page.0, page_size.0)?;
        let (rows, total, in_force_from) = service::policies(&self.state, request).await?;
        let items = rows
            .into_iter()
            .map(|row| self.view_with(row, false, in_force_from))
            .collect::<AppResult<Vec<_>>>()?;
        Ok(Json(PolicyPage {
            items,
            total,
            page: request.page,
            page_size: request.page_size,
        }))
    }

    /// One policy version, with the file as published.
    ///
    /// Roles: operator, district_clerk, city_admin.
    #[oai(path = "/subsidy-policies/:version", method = "get")]
    async fn get(&self, auth: BearerAuth, version: Path<String>) -> AppResult<Json<PolicyView>> {
        auth.allow(&Role::STAFF)?;
        let row = service::policy(&self.state, &version).await?;
        Ok(Json(self.view(row, true).await?))
    }

    /// Withdraw a version that has not taken effect yet (409 `POLICY_IN_EFFECT` from its
    /// effective date on). The version stays listed as withdrawn; its name is not reused.
    ///
    /// Roles: city_admin.
    #[oai(path = "/subsidy-policies/:version", method = "delete")]
    async fn withdraw(
        &self,
        auth: BearerAuth,
        version: Path<String>,
    ) -> AppResult<Json<PolicyView>> {
        let caller = auth.allow(&[Role::CityAdmin])?;
        let row = service::withdraw(&self.state, caller, &version).await?;
        Ok(Json(self.view(row, false).await?))
    }

    /// What a meal would cost this elder: gross, subsidy by funder level and funding district,
    /// the elder's share (自付), the policy version and the rules that fired.
    ///
    /// Give `offering` (a dish on a date and slot, as the menu lists it) and `mode`: the date,
    /// slot, price and the meal point's district come from the offering. Or, to ask "what if",
    /// give `meal_point_district`, `date`, `slot` and `gross` instead of `offering`. Uses the
    /// policy in force on the meal's date (409 `NO_POLICY_IN_FORCE` if none) and the elder's age
    /// on that date.
    ///
    /// Roles: elder, family, district_clerk, city_admin (the elder themselves, an approved
    /// family member, or a clerk of the elder's hukou or residence district).
    #[oai(path = "/elders/:id/quote", method = "get")]
    #[allow(clippy::too_many_arguments, reason = "one parameter per query field")]
    async fn quote(
        &self,
        auth: BearerAuth,
        id: Path<i64>,
        mode: Query<ServiceMode>,
        offering: Query<Option<i64>>,
        meal_point_district: Query<Option<String>>,
        date: Query<Option<NaiveDate>>,
        slot: Query<Option<Slot>>,
        gross: Query<Option<Yuan>>,
    ) -> AppResult<Json<QuoteView>> {
        let caller = auth.allow(&[
            Role::Elder,
            Role::Family,
            Role::DistrictClerk,
            Role::CityAdmin,
        ])?;
        let date = date
            .0
            .map(|d| crate::clock::check_business_date("date", d))
            .transpose()?;
        let ask = match offering.0 {
            Some(offering_id) => service::MealAsk::Offering(offering_id),
            None => service::MealAsk::WhatIf {
                meal_point_district: meal_point_district.0,
                date,
                slot: slot.0,
                gross: gross.0,
            },
        };
        let quoted = service::quote_for(&self.state, caller, id.0, mode.0, ask).await?;
        Ok(Json(quote_view(quoted)))
    }
}

impl SubsidyApi {
    async fn view(&self, row: subsidy_policy::Model, with_source: bool) -> AppResult<PolicyView> {
        let in_force_from = service::in_force_today(&self.state).await?;
        self.view_with(row, with_source, in_force_from)
    }

    fn view_with(
        &self,
        row: subsidy_policy::Model,
        with_source: bool,
        in_force_from: Option<NaiveDate>,
    ) -> AppResult<PolicyView> {
        let today = self.state.clock.today();
        let policy = store::parsed_policy(&row)?;
        Ok(PolicyView {
            status: versions::status(
                row.effective_from,
                row.withdrawn_at.is_some(),
                in_force_from,
                today,
            ),
            version: row.version,
            effective_from: row.effective_from,
            city: policy.city,
            cross_district_standard: policy.cross_district_standard,
            min_meal_price: Yuan::new(policy.min_meal_price),
            max_subsidised_per_slot: policy.max_subsidised_per_slot,
            rule_count: u32::try_from(policy.rules.len()).unwrap_or(u32::MAX),
            district_sections: policy.districts.into_iter().map(|d| d.code).collect(),
            published_by: row.published_by,
            published_at: row.published_at,
            withdrawn_at: row.withdrawn_at,
            source: with_source.then_some(row.source),
        })
    }
}

fn quote_view(quoted: service::QuotedMeal) -> QuoteView {
    let quote = quoted.quote;
    QuoteView {
        elder_id: quoted.elder_id,
        meal_date: quoted.date,
        slot: quoted.slot,
        mode: quoted.mode,
        meal_point_district_code: quoted.meal_point_district,
        gross: Yuan::new(quote.gross),
        subsidy_total: Yuan::new(quote.subsidy_total),
        elder_share: Yuan::new(quote.elder_share),
        lines: quote
            .lines
            .into_iter()
            .map(|line| QuoteLineView {
                level: line.level,
                level_label: line.level.label_zh().to_string(),
                funding_district_code: line.funding_district,
                amount: Yuan::new(line.amount),
            })
            .collect(),
        policy_version: quote.policy_version,
        standard_district: quote.standard_district,
        age_on_meal_date: quote.age_on_meal_date,
        fired: quote
            .fired
            .into_iter()
            .map(|fired| FiredRuleView {
                rule_ref: fired.rule_ref,
                level: fired.level,
                amount: Yuan::new(fired.amount),
                note: fired.note_zh,
            })
            .collect(),
        capped_at_gross: quote
            .capped_at_gross
            .into_iter()
            .map(|cut| LevelCutView {
                level: cut.level,
                amount: Yuan::new(cut.amount),
            })
            .collect(),
        not_subsidised_reason: quote.not_subsidised_reason.map(not_subsidised_view),
    }
}

fn not_subsidised_view(reason: NotSubsidised) -> NotSubsidisedView {
    NotSubsidisedView {
        code: reason.as_str().to_string(),
        label: reason.label_zh().to_string(),
    }
}
