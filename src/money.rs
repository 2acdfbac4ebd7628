//! Money: yuan with two decimals, carried as `rust_decimal`, stored as integer fen, written to
//! the API as a string with exactly two decimals (`"12.50"`).
//!
//! Why each choice: floats cannot hold 0.10 exactly; sea-orm on SQLite reads decimals back through
//! an f64, so columns hold fen (`i64`), as WeChat Pay does; poem-openapi's own Decimal trims
//! `"12.50"` to `"12.5"`, which a price tag must not do.

use std::borrow::Cow;

use poem_openapi::{
    registry::{MetaSchema, MetaSchemaRef},
    types::{ParseError, ParseFromJSON, ParseFromParameter, ParseResult, ToJSON, Type},
};
use rust_decimal::{Decimal, prelude::ToPrimitive};
use serde_json::Value;

/// An amount in yuan. Construct from fen or from a decimal; always two decimals on the wire.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Yuan(Decimal);

impl Yuan {
    pub const ZERO: Yuan = Yuan(Decimal::ZERO);

    pub fn from_fen(fen: i64) -> Self {
        Self(Decimal::new(fen, 2))
    }

    /// The amount in fen. Callers validate two decimals first ([`Yuan::has_at_most_two_decimals`]);
    /// anything finer is rounded half away from zero here.
    pub fn to_fen(self) -> i64 {
        (self.0 * Decimal::ONE_HUNDRED)
            .round_dp_with_strategy(0, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
            .to_i64()
            .unwrap_or(i64::MAX)
    }

    pub fn new(amount: Decimal) -> Self {
        Self(amount)
    }

    pub fn decimal(self) -> Decimal {
        self.0
    }

    /// As written: `1.500` has three decimals. The document states amounts as at most two
    /// decimals, so a request with more is refused, not rounded or read as whole fen.
    pub fn has_at_most_two_decimals(self) -> bool {
        self.0.scale() <= 2
    }

    /// A minus sign, even on zero: the document states request amounts without one.
    pub fn is_negative(self) -> bool {
        self.0.is_sign_negative()
    }
}

impl From<Decimal> for Yuan {
    fn from(amount: Decimal) -> Self {
        Self(amount)
    }
}

/// Read back from the API's two-decimal string (`"12.50"`), as typed clients and the tests do.
impl<'de> serde::Deserialize<'de> for Yuan {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse::<Decimal>()
            .map(Yuan)
            .map_err(|e| serde::de::Error::custom(format!("not an amount: {text} ({e})")))
    }
}

impl std::fmt::Display for Yuan {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut amount = self.0.round_dp(2);
        amount.rescale(2);
        write!(f, "{amount}")
    }
}

impl std::ops::Add for Yuan {
    type Output = Yuan;
    fn add(self, rhs: Yuan) -> Yuan {
        Yuan(self.0 + rhs.0)
    }
}

impl std::ops::Sub for Yuan {
    type Output = Yuan;
    fn sub(self, rhs: Yuan) -> Yuan {
        Yuan(self.0 - rhs.0)
    }
}

impl std::iter::Sum for Yuan {
    fn sum<I: Iterator<Item = Yuan>>(iter: I) -> Yuan {
        iter.fold(Yuan::ZERO, |a, b| a + b)
    }
}

impl serde::Serialize for Yuan {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_string())
    }
}

impl Type for Yuan {
    const IS_REQUIRED: bool = true;
    type RawValueType = Self;
    type RawElementValueType = Self;

    fn name() -> Cow<'static, str> {
        "Yuan".into()
    }

    fn schema_ref() -> MetaSchemaRef {
        let mut schema = MetaSchema::new_with_format("string", "yuan");
        schema.description = Some("Amount in yuan, a string with two decimals, e.g. \"12.50\"");
        schema.example = Some(Value::String("12.50".into()));
        MetaSchemaRef::Inline(Box::new(schema))
    }

    fn as_raw_value(&self) -> Option<&Self::RawValueType> {
        Some(self)
    }

    fn raw_element_iter<'a>(
        &'a self,
    ) -> Box<dyn Iterator<Item = &'a Self::RawElementValueType> + 'a> {
        Box::new(self.as_raw_value().into_iter())
    }
}

/// The widest amount a request may carry: nine digits of yuan, far beyond any meal, price or
/// refund, and far from `Decimal`'s and the fen columns' limits.
pub const REQUEST_MAX_YUAN_DIGITS: usize = 9;

/// The pattern the document states for an amount in a request: not negative, at most two
/// decimals, no leading zeros, at most [`REQUEST_MAX_YUAN_DIGITS`] digits of yuan. Operations
/// with a narrower rule (a price's maximum, a refund above zero) state their own in
/// `api/contract.rs`.
pub const REQUEST_YUAN_PATTERN: &str = r"^(?:0|[1-9][0-9]{0,8})(?:\.[0-9]{1,2})?$";

/// Reads a request amount written as the document says (`12.50`), or as a mistake the domain
/// rules name with their own codes: a minus sign (`*_NEGATIVE`) or more than two decimals
/// (`*_TOO_MANY_DECIMALS`). Anything else (`+5`, `1e3`, `1_000`, ` 5`, `05`, `5.`) is no amount
/// the document allows, and is refused here rather than read leniently.
fn parse_request_amount(text: &str) -> Option<Yuan> {
    let unsigned = text.strip_prefix('-').unwrap_or(text);
    let (whole, fraction) = match unsigned.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (unsigned, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let whole_ok = digits(whole)
        && whole.len() <= REQUEST_MAX_YUAN_DIGITS
        && (whole == "0" || !whole.starts_with('0'));
    // Decimal holds 28 digits: a fraction longer than that is no amount anyone typed.
    let fraction_ok = fraction.is_none_or(|f| digits(f) && f.len() <= 12);
    if !(whole_ok && fraction_ok) {
        return None;
    }
    // Parsing drops the sign of a zero; keep it, so `-0` is refused as negative like `-0.01`.
    let mut amount = unsigned.parse::<Decimal>().ok()?;
    amount.set_sign_negative(text.starts_with('-'));
    Some(Yuan(amount))
}

impl ParseFromJSON for Yuan {
    fn parse_from_json(value: Option<Value>) -> ParseResult<Self> {
        match value.unwrap_or_default() {
            Value::String(text) => parse_request_amount(&text).ok_or_else(|| {
                ParseError::custom(format!("`{text}` is not an amount like \"12.50\""))
            }),
            // Fractions arrive as binary floats, which money must never pass through; the
            // document says a string, so whole numbers are refused too.
            Value::Number(_) => Err(ParseError::custom(
                "amounts are strings with at most two decimals, e.g. \"12.50\"",
            )),
            other => Err(ParseError::expected_type(other)),
        }
    }
}

impl ParseFromParameter for Yuan {
    fn parse_from_parameter(value: &str) -> ParseResult<Self> {
        parse_request_amount(value)
            .ok_or_else(|| ParseError::custom(format!("`{value}` is not an amount like 12.50")))
    }
}

impl ToJSON for Yuan {
    fn to_json(&self) -> Option<Value> {
        Some(Value::String(self.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn always_two_decimals_on_the_wire() {
        assert_eq!(Yuan::from_fen(1250).to_string(), "12.50");
        assert_eq!(Yuan::from_fen(5).to_string(), "0.05");
        assert_eq!(Yuan::from_fen(0).to_string(), "0.00");
        assert_eq!(Yuan::from_fen(-300).to_string(), "-3.00");
        assert_eq!(Yuan::new(Decimal::new(7, 0)).to_string(), "7.00");
        assert_eq!(
            Yuan::from_fen(1250).to_json(),
            Some(Value::String("12.50".into()))
        );
    }

    #[test]
    fn fen_round_trips() {
        for fen in [0, 1, 10, 99, 1250, 123_456_789] {
            assert_eq!(Yuan::from_fen(fen).to_fen(), fen);
        }
        let parsed = Yuan::parse_from_json(Some(Value::String("0.10".into()))).unwrap();
        assert_eq!(parsed.to_fen(), 10);
    }

    #[test]
    fn parsing_refuses_numbers_and_lenient_forms_and_counts_decimals() {
        assert!(Yuan::parse_from_json(Some(serde_json::json!(12.5))).is_err());
        assert!(Yuan::parse_from_json(Some(serde_json::json!(12))).is_err());
        for text in [
            "abc",
            "",
            "+5",
            "1e3",
            "1_000",
            " 5",
            "5 ",
            "05",
            "5.",
            ".5",
            "--1",
            "1234567890",
        ] {
            assert!(
                Yuan::parse_from_json(Some(Value::String(text.into()))).is_err(),
                "{text:?}"
            );
        }
        let parse = |text: &str| Yuan::parse_from_json(Some(Value::String(text.into()))).unwrap();
        assert_eq!(parse("12.5"), Yuan::from_fen(1250));
        assert_eq!(parse("0"), Yuan::ZERO);
        assert_eq!(parse("123456789.99").to_fen(), 12_345_678_999);
        assert!(!parse("1.005").has_at_most_two_decimals());
        assert!(!parse("1.500").has_at_most_two_decimals());
        assert!(parse("1.50").has_at_most_two_decimals());
        assert!(parse("-1.00").is_negative());
        assert!(parse("-0").is_negative());
        assert!(!parse("0.00").is_negative());
    }
}
