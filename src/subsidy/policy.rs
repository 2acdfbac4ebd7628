//! The policy data model: what a validated policy file means. The file format is described
//! in the module documentation of [`crate::subsidy`]; reading it is in `parse.rs`.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::subsidy::terms::{Category, CrossDistrictStandard, FunderLevel, ServiceMode, Slot};

/// A published, validated subsidy policy version.
///
/// Build it with [`parse_policy`](crate::subsidy::parse_policy). The serde form (JSON) is for storing and showing a policy
/// that has already been validated; deserialising it does not validate again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Policy {
    pub city: Option<String>,
    pub version: String,
    pub effective_from: NaiveDate,
    pub cross_district_standard: CrossDistrictStandard,
    /// No subsidy on a meal whose gross price is below this; `0.00` when the file sets none.
    pub min_meal_price: Decimal,
    /// Subsidised meals per elder, date and slot; `None` means no cap.
    pub max_subsidised_per_slot: Option<u32>,
    /// The default standard: used for every district without its own section.
    pub rules: Vec<Rule>,
    pub districts: Vec<DistrictStandard>,
}

impl Policy {
    /// The district's own section, if the policy has one.
    pub fn district_section(&self, district_code: &str) -> Option<&DistrictStandard> {
        self.districts
            .iter()
            .find(|district| district.code == district_code)
    }
}

/// A district's own standard. Its rules replace the top-level rules entirely (they are not
/// added to them), so a district section reads as a complete standard on its own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DistrictStandard {
    /// GB/T 2260 code such as `320402`, or a local code such as `CZ-ETDZ` for a management zone.
    pub code: String,
    pub name: Option<String>,
    /// Replaces the policy's `min_meal_price` for this district when set.
    pub min_meal_price: Option<Decimal>,
    pub rules: Vec<Rule>,
}

/// One "condition → amount, funder level" line of a policy.
///
/// A condition left out (`None`) does not restrict: no `categories` means every elder, no
/// `slots` every slot, no `modes` every service mode, no `age_min`/`age_max` no bound.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rule {
    /// Optional label shown to staff in the quote's explanation, e.g. "高龄普惠（街道）".
    pub name: Option<String>,
    pub level: FunderLevel,
    /// Rules sharing a group are alternatives: only the largest applicable amount counts.
    pub group: Option<String>,
    pub age_min: Option<u32>,
    pub age_max: Option<u32>,
    /// The elder needs at least one of these categories.
    pub categories: Option<Vec<Category>>,
    pub slots: Option<Vec<Slot>>,
    pub modes: Option<Vec<ServiceMode>>,
    /// Minimum spend for this rule only (e.g. Shanghai Putuo's 满15元).
    pub min_meal_price: Option<Decimal>,
    pub amount: RuleAmount,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleAmount {
    /// The same amount for every slot the rule applies to.
    Flat(Decimal),
    /// An amount per slot; a slot not listed is not subsidised by this rule.
    BySlot(BTreeMap<Slot, Decimal>),
}

impl RuleAmount {
    pub fn for_slot(&self, slot: Slot) -> Option<Decimal> {
        match self {
            RuleAmount::Flat(amount) => Some(*amount),
            RuleAmount::BySlot(amounts) => amounts.get(&slot).copied(),
        }
    }
}

/// How a rule is named in errors and in quotes: 1-based, in file order, counted separately for
/// the top level and for each district section.
pub(crate) fn rule_ref(district_code: Option<&str>, number: usize) -> String {
    match district_code {
        Some(code) => format!("district {code} rule[{number}]"),
        None => format!("rule[{number}]"),
    }
}
