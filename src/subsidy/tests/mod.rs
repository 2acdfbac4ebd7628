//! Tests for the subsidy module. `EXAMPLE_POLICY` is a verbatim copy of
//! `shared/data/subsidy-policy-example.toml`, the shapes the format must express.

use std::str::FromStr;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::subsidy::{Policy, parse_policy};

mod parse;
mod quote;

pub(super) const EXAMPLE_POLICY: &str = r#"# An EXAMPLE of what a subsidy policy must be able to express. The file format is the project's to design;
# the rules below must be expressible in it. Figures are taken from published district rules (see
# reference/domain-research.md §1.3, §1.4, §1.11); this is not Changzhou's actual policy.

city = "常州市"
version = "2026-01"
effective_from = "2026-01-01"
currency = "CNY"

# Which district's standard applies when an elder eats outside the hukou district.
# "hukou" = the funding district's rules; "service" = the meal point district's rules.
cross_district_standard = "hukou"

# Who pays: the elder's hukou district funds district- and street-level amounts; the city funds city-level amounts.
min_meal_price = "5.00"        # no subsidy on a meal whose gross price is below this
max_subsidised_per_slot = 1    # per elder, per date, per slot
never_below_zero = true        # the elder's share is max(gross - subsidy, 0); the subsidy is capped at gross

# Universal (普惠) rules, Tianning-style: district 2 yuan for 60+, street 1 yuan for 60-79 and 2 yuan for 80+.
[[rule]]
level = "district"
age_min = 60
slots = ["lunch", "dinner"]
amount = "2.00"

[[rule]]
level = "street"
age_min = 60
age_max = 79
slots = ["lunch", "dinner"]
amount = "1.00"

[[rule]]
level = "street"
age_min = 80
slots = ["lunch", "dinner"]
amount = "2.00"

# Targeted (特惠) rules, on top. Within the "targeted" group only the largest applies (no stacking across categories).
[[rule]]
level = "district"
group = "targeted"
categories = ["tekun_dispersed", "dibao"]
amount = "3.00"

[[rule]]
level = "district"
group = "targeted"
categories = ["disabled_low_income", "special_family"]
amount = "2.00"

# Delivery to a disabled elder adds a delivery subsidy (Nanjing Jianye: 3 yuan).
[[rule]]
level = "district"
categories = ["disabled_low_income"]
modes = ["delivery"]
amount = "3.00"
"#;

pub(super) fn example_policy() -> Policy {
    parse_policy(EXAMPLE_POLICY).unwrap_or_else(|errors| panic!("example must parse: {errors:#?}"))
}

pub(super) fn yuan(text: &str) -> Decimal {
    Decimal::from_str(text).expect("test amounts are valid")
}

pub(super) fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).expect("test dates are real")
}

/// Guards the copy above against drift when the shared example is reachable (it is in CI,
/// beside the project checkout).
#[test]
fn embedded_example_matches_the_shared_file() {
    let shared = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/data/subsidy-policy-example.toml");
    if let Ok(text) = std::fs::read_to_string(&shared) {
        assert_eq!(
            text,
            EXAMPLE_POLICY,
            "update EXAMPLE_POLICY from {}",
            shared.display()
        );
    }
}

/// The example in the module documentation is what readers copy: it must stay valid.
#[test]
fn module_doc_example_parses() {
    let doc_lines: Vec<&str> = include_str!("../mod.rs")
        .lines()
        .filter_map(|line| line.strip_prefix("//!"))
        .map(|line| line.strip_prefix(' ').unwrap_or(line))
        .collect();
    let example = doc_lines
        .iter()
        .skip_while(|line| **line != "```toml")
        .skip(1)
        .take_while(|line| **line != "```")
        .copied()
        .collect::<Vec<_>>()
        .join("\n");
    assert!(example.contains("[[district.rule]]"), "found the example");
    let policy = parse_policy(&example).unwrap_or_else(|errors| panic!("{errors:#?}"));
    assert_eq!(policy.rules.len(), 1);
    assert_eq!(policy.districts[0].code, "320402");
    assert_eq!(policy.max_subsidised_per_slot, Some(1));
}
