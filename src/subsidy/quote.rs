//! Working out the subsidy for one meal. The steps are listed in the module documentation of
//! [`crate::subsidy`]; this file follows them in the same order.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use crate::subsidy::policy::{Policy, Rule, rule_ref};
use crate::subsidy::terms::{Category, CrossDistrictStandard, FunderLevel, ServiceMode, Slot};

/// Everything about one meal booking that the policy can look at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuoteInput {
    pub birth_date: NaiveDate,
    pub categories: Vec<Category>,
    /// The elder's 户籍区: it funds district- and street-level amounts.
    pub hukou_district: String,
    /// The meal point's district.
    pub service_district: String,
    pub meal_date: NaiveDate,
    pub slot: Slot,
    pub mode: ServiceMode,
    /// The meal's full price in yuan; must not be negative.
    pub gross: Decimal,
    /// Subsidised meals this elder already has on `meal_date` in `slot` (booked or served,
    /// not cancelled); this meal is not counted.
    pub subsidised_meals_already_in_slot: u32,
}

/// Why a meal gets no subsidy at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotSubsidised {
    /// The gross price is below the standard's `min_meal_price`, or is zero.
    BelowMinimumPrice,
    /// The elder already has `max_subsidised_per_slot` subsidised meals in this slot that day.
    SlotCapReached,
    /// No rule of the standard applies to this elder and meal.
    NoRuleApplies,
}

impl NotSubsidised {
    pub fn as_str(self) -> &'static str {
        match self {
            NotSubsidised::BelowMinimumPrice => "below_minimum_price",
            NotSubsidised::SlotCapReached => "slot_cap_reached",
            NotSubsidised::NoRuleApplies => "no_rule_applies",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            NotSubsidised::BelowMinimumPrice => "餐价未达到补贴起点",
            NotSubsidised::SlotCapReached => "本餐次今天已享受过补贴",
            NotSubsidised::NoRuleApplies => "不符合本餐的补贴条件",
        }
    }
}

/// The subsidy one funder level pays for this meal, summed over the rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubsidyLine {
    pub level: FunderLevel,
    /// The district whose budget pays: the elder's hukou district for district and street
    /// levels, whichever district's standard applied; `None` for the city.
    pub funding_district: Option<String>,
    pub amount: Decimal,
}

/// A rule that applied to this meal, with what it gave before any cap at the gross price.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FiredRule {
    /// `rule[3]` or `district 320402 rule[1]`, numbered from 1 in file order.
    pub rule_ref: String,
    pub level: FunderLevel,
    /// Zero for a rule that applied but lost to a larger rule of the same group.
    pub amount: Decimal,
    pub note_zh: String,
}

/// How much was taken off one level so that the subsidy does not exceed the gross price.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LevelCut {
    pub level: FunderLevel,
    pub amount: Decimal,
}

/// The price split for one meal, frozen on the order. All money has exactly two decimals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quote {
    pub gross: Decimal,
    pub subsidy_total: Decimal,
    /// What the elder pays: `gross - subsidy_total`, never below zero.
    pub elder_share: Decimal,
    /// One line per funder level with a non-zero amount, in the order city, district, street.
    pub lines: Vec<SubsidyLine>,
    pub policy_version: String,
    /// The district whose standard was used (its own section, or the top-level rules if it has none).
    pub standard_district: String,
    /// The elder's age in full years on the meal date, as the age bands saw it.
    pub age_on_meal_date: u32,
    pub fired: Vec<FiredRule>,
    /// Non-empty when the rules added up to more than the gross price; see [`LevelCut`].
    pub capped_at_gross: Vec<LevelCut>,
    pub not_subsidised_reason: Option<NotSubsidised>,
}

/// Quotes the subsidy for one meal under `policy`. Pure: same inputs, same quote.
pub fn quote(policy: &Policy, input: &QuoteInput) -> Quote {
    let gross = to_fen(input.gross);
    let standard_district = match policy.cross_district_standard {
        CrossDistrictStandard::Hukou => &input.hukou_district,
        CrossDistrictStandard::Service => &input.service_district,
    };
    let section = policy.district_section(standard_district);
    let (rules, min_meal_price, section_code) = match section {
        Some(district) => (
            district.rules.as_slice(),
            district.min_meal_price.unwrap_or(policy.min_meal_price),
            Some(district.code.as_str()),
        ),
        None => (policy.rules.as_slice(), policy.min_meal_price, None),
    };
    let age_on_meal_date = age_on(input.birth_date, input.meal_date);

    let mut quote = Quote {
        gross,
        subsidy_total: to_fen(Decimal::ZERO),
        elder_share: to_fen(gross.max(Decimal::ZERO)),
        lines: Vec::new(),
        policy_version: policy.version.clone(),
        standard_district: standard_district.clone(),
        age_on_meal_date,
        fired: Vec::new(),
        capped_at_gross: Vec::new(),
        not_subsidised_reason: None,
    };

    // A free meal needs no subsidy, whatever the minimum says.
    if gross <= Decimal::ZERO || gross < min_meal_price {
        quote.not_subsidised_reason = Some(NotSubsidised::BelowMinimumPrice);
        return quote;
    }
    if let Some(cap) = policy.max_subsidised_per_slot
        && input.subsidised_meals_already_in_slot >= cap
    {
        quote.not_subsidised_reason = Some(NotSubsidised::SlotCapReached);
        return quote;
    }

    quote.fired = fire_rules(rules, section_code, input, age_on_meal_date, gross);

    let mut by_level: BTreeMap<FunderLevel, Decimal> = BTreeMap::new();
    for fired in &quote.fired {
        *by_level.entry(fired.level).or_default() += fired.amount;
    }
    let rules_total: Decimal = by_level.values().sum();
    if rules_total.is_zero() {
        quote.not_subsidised_reason = Some(NotSubsidised::NoRuleApplies);
        return quote;
    }

    quote.capped_at_gross = cap_at_gross(&mut by_level, rules_total - gross);

    quote.lines = FunderLevel::ALL
        .iter()
        .copied()
        .filter_map(|level| {
            let amount = by_level.get(&level).copied().unwrap_or_default();
            (amount > Decimal::ZERO).then(|| SubsidyLine {
                level,
                funding_district: match level {
                    FunderLevel::City => None,
                    FunderLevel::District | FunderLevel::Street => {
                        Some(input.hukou_district.clone())
                    }
                },
                amount: to_fen(amount),
            })
        })
        .collect();
    let subsidy_total: Decimal = quote.lines.iter().map(|line| line.amount).sum();
    quote.subsidy_total = to_fen(subsidy_total);
    quote.elder_share = to_fen((gross - subsidy_total).max(Decimal::ZERO));
    quote
}

/// Applies each rule on its own, then keeps only the largest of each group (the earliest
/// rule in the file wins a tie, so the funder level of a tie is stable).
fn fire_rules(
    rules: &[Rule],
    section_code: Option<&str>,
    input: &QuoteInput,
    age: u32,
    gross: Decimal,
) -> Vec<FiredRule> {
    let applicable: Vec<(usize, &Rule, Decimal)> = rules
        .iter()
        .enumerate()
        .filter_map(|(index, rule)| {
            rule_amount(rule, input, age, gross).map(|amount| (index + 1, rule, amount))
        })
        .collect();

    let mut group_winners: BTreeMap<&str, (usize, Decimal)> = BTreeMap::new();
    for (number, rule, amount) in &applicable {
        if let Some(group) = &rule.group {
            let winner = group_winners
                .entry(group.as_str())
                .or_insert((*number, *amount));
            if *amount > winner.1 {
                *winner = (*number, *amount);
            }
        }
    }

    applicable
        .into_iter()
        .map(|(number, rule, amount)| {
            let reference = rule_ref(section_code, number);
            let description = describe(rule);
            let (amount, note_zh) = match &rule.group {
                None => (amount, description),
                Some(group) => {
                    let (winner, _) = group_winners[group.as_str()];
                    if winner == number {
                        (amount, format!("{description}（“{group}”组只取最高一项）"))
                    } else {
                        (
                            Decimal::ZERO,
                            format!(
                                "{description}（与 {} 同属“{group}”组，只取组内最高一项，本条不叠加）",
                                rule_ref(section_code, winner)
                            ),
                        )
                    }
                }
            };
            FiredRule {
                rule_ref: reference,
                level: rule.level,
                amount: to_fen(amount),
                note_zh,
            }
        })
        .collect()
}

/// The rule's amount for this meal, or `None` if any of its conditions is not met.
fn rule_amount(rule: &Rule, input: &QuoteInput, age: u32, gross: Decimal) -> Option<Decimal> {
    let in_age_band =
        rule.age_min.is_none_or(|min| age >= min) && rule.age_max.is_none_or(|max| age <= max);
    let in_category = rule.categories.as_ref().is_none_or(|wanted| {
        wanted
            .iter()
            .any(|category| input.categories.contains(category))
    });
    let in_slot = rule
        .slots
        .as_ref()
        .is_none_or(|slots| slots.contains(&input.slot));
    let in_mode = rule
        .modes
        .as_ref()
        .is_none_or(|modes| modes.contains(&input.mode));
    let spends_enough = rule.min_meal_price.is_none_or(|min| gross >= min);
    if in_age_band && in_category && in_slot && in_mode && spends_enough {
        rule.amount.for_slot(input.slot)
    } else {
        None
    }
}

/// Takes `excess` off the levels, street first, then district, then city: the lower the
/// level, the more local its top-up and the first to give way, so the city's standard
/// amount is the last to shrink.
fn cap_at_gross(by_level: &mut BTreeMap<FunderLevel, Decimal>, excess: Decimal) -> Vec<LevelCut> {
    let mut remaining = excess;
    let mut cuts = Vec::new();
    for level in [
        FunderLevel::Street,
        FunderLevel::District,
        FunderLevel::City,
    ] {
        if remaining <= Decimal::ZERO {
            break;
        }
        let Some(amount) = by_level.get_mut(&level) else {
            continue;
        };
        let cut = remaining.min(*amount);
        if cut > Decimal::ZERO {
            *amount -= cut;
            remaining -= cut;
            cuts.push(LevelCut {
                level,
                amount: to_fen(cut),
            });
        }
    }
    cuts
}

/// A line of explanation for staff: the rule's own name, or its conditions spelled out.
fn describe(rule: &Rule) -> String {
    let label = match &rule.name {
        Some(name) => name.clone(),
        None => format!("{}补贴", rule.level.label_zh()),
    };
    let mut conditions = Vec::new();
    match (rule.age_min, rule.age_max) {
        (Some(min), Some(max)) => conditions.push(format!("{min}–{max}岁")),
        (Some(min), None) => conditions.push(format!("{min}岁及以上")),
        (None, Some(max)) => conditions.push(format!("{max}岁及以下")),
        (None, None) => {}
    }
    if let Some(categories) = &rule.categories {
        let labels: Vec<&str> = categories.iter().map(|c| c.label_zh()).collect();
        conditions.push(labels.join("、"));
    }
    if let Some(slots) = &rule.slots {
        let labels: Vec<&str> = slots.iter().map(|s| s.label_zh()).collect();
        conditions.push(labels.join("、"));
    }
    if let Some(modes) = &rule.modes {
        let labels: Vec<&str> = modes.iter().map(|m| m.label_zh()).collect();
        conditions.push(labels.join("、"));
    }
    if let Some(min) = rule.min_meal_price {
        conditions.push(format!("餐价满{min}元"));
    }
    if conditions.is_empty() {
        label
    } else {
        format!("{label}：{}", conditions.join("，"))
    }
}

/// Rounds to the fen, half away from zero (四舍五入), and always shows two decimals.
fn to_fen(amount: Decimal) -> Decimal {
    let mut rounded = amount.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    rounded.rescale(2);
    rounded
}

/// Full years on `on`. Kept here rather than shared with the ID card code so the subsidy rules
/// stand alone; a 29 February birthday is reached on 1 March in common years, as there.
fn age_on(birth_date: NaiveDate, on: NaiveDate) -> u32 {
    let mut years = on.year() - birth_date.year();
    if (on.month(), on.day()) < (birth_date.month(), birth_date.day()) {
        years -= 1;
    }
    u32::try_from(years).unwrap_or(0)
}
