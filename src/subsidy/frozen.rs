//! A quote as an order keeps it: the split in fen, frozen at booking. One place turns a [`Quote`]
//! into the order's columns, for the booking and for the demo's history alike.

use super::{FunderLevel, Quote};
use crate::money::Yuan;

/// The subsidy split of one meal in fen, and the policy it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FrozenSplit {
    pub subsidy_fen: i64,
    pub subsidy_city_fen: i64,
    pub subsidy_district_fen: i64,
    pub subsidy_street_fen: i64,
    pub elder_share_fen: i64,
    /// `None` when no policy applied (an empty version).
    pub policy_version: Option<String>,
    /// The whole breakdown (rules fired, lines) as JSON, for the order's record.
    pub quote_json: String,
}

impl FrozenSplit {
    pub fn of(quote: &Quote) -> Self {
        let level = |level: FunderLevel| -> i64 {
            quote
                .lines
                .iter()
                .filter(|line| line.level == level)
                .map(|line| Yuan::from(line.amount).to_fen())
                .sum()
        };
        Self {
            subsidy_fen: Yuan::from(quote.subsidy_total).to_fen(),
            subsidy_city_fen: level(FunderLevel::City),
            subsidy_district_fen: level(FunderLevel::District),
            subsidy_street_fen: level(FunderLevel::Street),
            elder_share_fen: Yuan::from(quote.elder_share).to_fen(),
            policy_version: Some(quote.policy_version.clone()).filter(|v| !v.is_empty()),
            quote_json: serde_json::to_string(quote).unwrap_or_default(),
        }
    }
}
