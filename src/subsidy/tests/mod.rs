//! Tests for the subsidy module. `EXAMPLE_POLICY` is `src/subsidy/example-policy.toml`, a
//! verbatim copy of `shared/data/subsidy-policy-example.toml`, the shapes the format must express.

use std::str::FromStr;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::subsidy::{Policy, parse_policy};

mod parse;
mod quote;

pub(super) const EXAMPLE_POLICY: &str = super::EXAMPLE_POLICY_TOML;

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
