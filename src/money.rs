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

    pub fn has_at_most_two_decimals(self) -> bool {
        self.0.normalize().scale() <= 2
    }

    pub fn is_negative(self) -> bool {
        self.0.is_sign_negative() && !self.0.is_zero()
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

impl ParseFromJSON for Yuan {
    fn parse_from_json(value: Option<Value>) -> ParseResult<Self> {
        match value.unwrap_or_default() {
            Value::String(text) => text.trim().parse::<Decimal>().map(Yuan).map_err(|_| {
                ParseError::custom(format!("`{text}` is not an amount like \"12.50\""))
            }),
            // Whole numbers are exact in JSON; fractions arrive as binary floats, which money
            // must never pass through.
            Value::Number(n) if n.is_i64() => {
                Ok(Yuan(Decimal::from(n.as_i64().unwrap_or_default())))
            }
            Value::Number(_) => Err(ParseError::custom(
                "amounts with decimals must be strings, e.g. \"12.50\"",
            )),
            other => Err(ParseError::expected_type(other)),
        }
    }
}

impl ParseFromParameter for Yuan {
    fn parse_from_parameter(value: &str) -> ParseResult<Self> {
        value
            .trim()
            .parse::<Decimal>()
            .map(Yuan)
            .map_err(|_| ParseError::custom(format!("`{value}` is not an amount like 12.50")))
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
    fn parsing_refuses_floats_and_counts_decimals() {
        assert!(Yuan::parse_from_json(Some(serde_json::json!(12.5))).is_err());
        assert_eq!(
            Yuan::parse_from_json(Some(serde_json::json!(12))).unwrap(),
            Yuan::from_fen(1200)
        );
        assert!(Yuan::parse_from_json(Some(Value::String("abc".into()))).is_err());
        let three = Yuan::parse_from_json(Some(Value::String("1.005".into()))).unwrap();
        assert!(!three.has_at_most_two_decimals());
        let trailing = Yuan::parse_from_json(Some(Value::String("1.500".into()))).unwrap();
        assert!(trailing.has_at_most_two_decimals());
    }
}
