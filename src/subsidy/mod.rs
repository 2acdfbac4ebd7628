//! Meal subsidies (助餐补贴): the policy the city publishes, and the quote for one meal.
//!
//! A policy is data, not code. The city clerk writes it as a TOML file, [`parse_policy`] checks
//! it and reports every problem at once, and [`quote`](fn@quote) turns it into the price split of one
//! meal when the meal is booked. The quote is frozen on the order together with the policy
//! version, so a later policy never changes what an old order cost.
//!
//! # The policy file
//!
//! ```toml
//! city = "常州市"                       # optional, for display
//! version = "2026-01"                  # required, frozen on every order quoted with it
//! effective_from = "2026-01-01"        # required; "2026-01-01" or a bare TOML date
//! currency = "CNY"                     # optional; only "CNY"
//! cross_district_standard = "hukou"    # required: "hukou" (户籍地标准) or "service" (就餐地标准)
//! min_meal_price = "5.00"              # optional; no subsidy when gross < this (default "0.00")
//! max_subsidised_per_slot = 1          # optional; subsidised meals per elder, date and slot (default: no cap)
//! never_below_zero = true              # optional; only true: the subsidy never exceeds gross
//!
//! [[rule]]                             # the default standard, for districts without a section
//! level = "district"                   # required: "city", "district" or "street"
//! age_min = 60                         # optional, inclusive
//! age_max = 79                         # optional, inclusive
//! slots = ["lunch", "dinner"]          # optional: breakfast, lunch, dinner
//! modes = ["dine_in", "pickup"]        # optional: dine_in, pickup, delivery
//! categories = ["dibao"]               # optional: the elder needs at least one of these
//! group = "targeted"                   # optional: see stacking below
//! min_meal_price = "15.00"             # optional: this rule's own minimum spend (满15元)
//! amount = "2.00"                      # either amount ...
//! # amount_by_slot = { breakfast = "1.00", lunch = "2.00", dinner = "2.00" }   # ... or this
//! name = "普惠·区级"                    # optional label shown in the quote's explanation
//!
//! [[district]]                         # optional: a district's own standard
//! code = "320402"                      # GB/T 2260 code, or a local one such as "CZ-ETDZ"
//! name = "天宁区"                       # optional
//! min_meal_price = "6.00"              # optional; replaces the top-level one for this district
//! [[district.rule]]                    # replaces ALL top-level rules for this district
//! level = "street"
//! age_min = 80
//! amount = "2.00"
//! ```
//!
//! A condition that is left out does not restrict; an empty list (`slots = []`) is an error
//! rather than "nothing", because it is almost always a mistake. A rule with `amount_by_slot`
//! applies only to the slots it lists, so it must not also have `slots`.
//!
//! **Money** is always a quoted string in yuan with at most two decimals (`"2.00"`, `"2.5"`,
//! `"3"`). Bare numbers are rejected: in TOML `2.00` is a binary float, and money is never a
//! float anywhere in this service.
//!
//! **Rules are named** `rule[N]` and `district CODE rule[N]`, counting from 1 in file order,
//! separately for the top level and each district section. Errors and quotes use these names.
//!
//! # How a quote is worked out
//!
//! 1. **Whose standard.** `cross_district_standard = "hukou"` uses the elder's hukou
//!    district; `"service"` uses the meal point's district. That district's `[[district]]`
//!    section applies if there is one, otherwise the top-level rules. A section replaces the
//!    top-level rules; it does not add to them.
//! 2. **Minimum price.** A meal whose gross is below `min_meal_price` (the section's, else the
//!    policy's) or is zero gets nothing: [`NotSubsidised::BelowMinimumPrice`].
//! 3. **Per-slot cap.** If the elder already has `max_subsidised_per_slot` subsidised meals on
//!    that date and slot, this one gets nothing: [`NotSubsidised::SlotCapReached`].
//! 4. **Conditions.** Age is counted in full years on the **meal date**, not today. Each rule
//!    whose conditions all hold gives its amount (for `amount_by_slot`, the amount of the
//!    meal's slot; an unlisted slot means the rule does not apply).
//! 5. **Stacking.** Rules without a `group` all add up. Rules sharing a `group` are
//!    alternatives: only the largest applicable amount of the group counts (the earliest rule
//!    wins a tie). Groups then add to each other and to the ungrouped rules. A group may mix
//!    funder levels; the winning rule's level pays. The losing rules are still listed in
//!    [`Quote::fired`], with amount zero and a note, so staff can see why amounts did not add.
//!    A city where nothing stacks (Huainan's 补助不可叠加) puts every rule in one group.
//!    If nothing applies: [`NotSubsidised::NoRuleApplies`].
//! 6. **Never above gross.** If the rules add up to more than the gross price, the excess is
//!    taken off street first, then district, then city, and each cut is recorded in
//!    [`Quote::capped_at_gross`]. The elder's share is `gross − subsidy`, never below zero.
//! 7. **Who pays.** Amounts are summed per funder level into [`Quote::lines`]. City-level
//!    amounts are funded by the city (`funding_district = None`); district- and street-level
//!    amounts by the elder's **hukou** district, whichever district's standard applied. That
//!    is what same-city settlement (同城共享) clears between districts.
//!
//! All money in a quote is rounded to the fen (half away from zero) and has two decimals.
//!
//! # Errors
//!
//! [`parse_policy`] returns every problem found, each a [`PolicyError`] with a stable
//! [`code`](PolicyError::code) such as `POLICY_UNKNOWN_CATEGORY`, the place (`rule[3]`,
//! `district 320402 rule[1]`), the field, and a Chinese message for the clerk.

pub mod draft;
pub mod error;
mod frozen;
pub mod http;
mod lines;
mod parse;
mod policy;
mod quote;
pub mod service;
pub mod store;
mod terms;
pub mod versions;

pub use frozen::FrozenSplit;
pub use parse::{PolicyError, PolicyErrorKind, parse_policy};
pub use policy::{DistrictStandard, Policy, Rule, RuleAmount};
pub use quote::{FiredRule, LevelCut, NotSubsidised, Quote, QuoteInput, SubsidyLine, quote};
pub use terms::{Category, CrossDistrictStandard, FunderLevel, ServiceMode, Slot};

/// The example policy (a verbatim copy of `shared/data/subsidy-policy-example.toml`): the unit
/// tests' reference and the demo city's policy.
pub const EXAMPLE_POLICY_TOML: &str = include_str!("example-policy.toml");

#[cfg(test)]
mod tests;
