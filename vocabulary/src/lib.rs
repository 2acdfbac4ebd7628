//! zhucan's shared words: every concept the domains, the database and the API name with a fixed
//! set of values (a meal slot, a service mode, a role, an order's or a payment's state …) is
//! defined here once.
//!
//! Each word is one Rust enum that is, at the same time:
//! - a database column type (sea-orm's `DeriveActiveEnum`, stored as the same strings the tables
//!   have always held, so no data migration was needed), so an entity's column *is* the enum and a
//!   value the enum does not know is a read error, never a silent default;
//! - an OpenAPI enum (`poem_openapi::Enum`), so the API document lists the values and a request
//!   carrying any other value is refused before a handler runs;
//! - serde's, with the same names, for what is kept as JSON (a frozen quote) or read from files
//!   (a subsidy policy);
//! - labelled in Chinese, here and nowhere else ([`Slot::label_zh`] …).
//!
//! An order's and a payment's states ([`OrderState`], [`PaymentState`]) carry their transitions
//! beside their values, written as exhaustive `match`es (no `_` arm): a new state is one variant
//! plus its transitions, and the compiler then points at every `match` that must decide about it.
//! Complaint and settlement-run steps depend on who acts, so those rules stay in their domains.
//!
//! The crate sits below `entity` (which types its columns with these words) and the service
//! (which re-exports nothing: it says `vocabulary::Slot`).

mod feedback;
mod meal_points;
mod meals;
mod menus;
mod notices;
mod orders;
mod payments;
mod people;
mod places;
mod settlement;
mod subsidy;

pub use feedback::{ComplaintCategory, ComplaintState};
pub use meal_points::{MealPointKind, MealPointStatusKind};
pub use meals::{ServiceMode, Slot, weekday_label_zh};
pub use menus::{Allergen, Diet, DishTag};
pub use notices::{NoticeKind, NoticeReach, NoticeState, SubscribeAnswer};
pub use orders::{OrderState, PaymentState};
pub use payments::{CounterMethod, Discrepancy, PayEventKind, PaymentMethods, RefundState};
pub use people::{ElderStatus, LinkStatus, Role, Sex};
pub use places::DistrictKind;
pub use settlement::{AdjustmentKind, ReviewDecision, RunAction, RunState};
pub use subsidy::{CrossDistrictStandard, ElderCategory, FunderLevel};

/// Declares one word: the enum with its stored/wire value and Chinese label per variant, every
/// derive it needs, and `ALL`, `as_str`, `label_zh`, `parse` and `Display`.
///
/// ```text
/// word! {
///     /// A meal slot of the day.
///     pub enum Slot {
///         Breakfast = "breakfast" => "早餐",
///         …
///     }
/// }
/// ```
macro_rules! word {
    (
        $(#[$enum_meta:meta])*
        pub enum $name:ident {
            $(
                $(#[$variant_meta:meta])*
                $variant:ident = $value:tt => $label:tt,
            )+
        }
    ) => {
        $(#[$enum_meta])*
        #[derive(
            Clone,
            Copy,
            Debug,
            PartialEq,
            Eq,
            Hash,
            PartialOrd,
            Ord,
            sea_orm::EnumIter,
            sea_orm::DeriveActiveEnum,
            poem_openapi::Enum,
            serde::Serialize,
            serde::Deserialize,
        )]
        #[sea_orm(rs_type = "String", db_type = "String(sea_orm::sea_query::StringLen::None)")]
        pub enum $name {
            $(
                $(#[$variant_meta])*
                #[sea_orm(string_value = $value)]
                #[oai(rename = $value)]
                #[serde(rename = $value)]
                $variant,
            )+
        }

        impl $name {
            /// Every value, in the order declared.
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            /// The value as stored in the database and written in the API.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $value,)+
                }
            }

            /// How screens show it, in Chinese.
            pub const fn label_zh(self) -> &'static str {
                match self {
                    $(Self::$variant => $label,)+
                }
            }

            /// The value named exactly `value` (as stored; no trimming, no case folding), or
            /// `None`: callers refuse unknown values, they never fall back to a default.
            pub fn parse(value: &str) -> Option<Self> {
                match value {
                    $($value => Some(Self::$variant),)+
                    _ => None,
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

pub(crate) use word;

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::ActiveEnum;

    /// The stored value, the serde name, the OpenAPI name and `parse` must never drift apart:
    /// the database holds these strings and the mini program sends them.
    fn agree<T>(all: &[T])
    where
        T: Copy
            + PartialEq
            + std::fmt::Debug
            + std::fmt::Display
            + serde::Serialize
            + for<'de> serde::Deserialize<'de>
            + ActiveEnum<Value = String>
            + poem_openapi::types::ToJSON
            + poem_openapi::types::ParseFromJSON,
    {
        for &value in all {
            let name = value.to_string();
            assert_eq!(
                serde_json::to_string(&value).unwrap(),
                format!("\"{name}\"")
            );
            assert_eq!(
                serde_json::from_str::<T>(&format!("\"{name}\"")).unwrap(),
                value
            );
            assert_eq!(value.to_value(), name, "stored as its name");
            assert_eq!(T::try_from_value(&name).unwrap(), value);
            assert_eq!(
                poem_openapi::types::ToJSON::to_json(&value),
                Some(serde_json::Value::String(name.clone()))
            );
            assert_eq!(
                <T as poem_openapi::types::ParseFromJSON>::parse_from_json(Some(
                    serde_json::Value::String(name.clone())
                ))
                .ok(),
                Some(value)
            );
        }
        assert!(T::try_from_value(&"no_such_value".to_string()).is_err());
        assert!(
            <T as poem_openapi::types::ParseFromJSON>::parse_from_json(Some(
                serde_json::Value::String("no_such_value".into())
            ))
            .is_err()
        );
    }

    #[test]
    fn every_word_agrees_on_its_names_everywhere() {
        agree(Slot::ALL);
        agree(ServiceMode::ALL);
        agree(Role::ALL);
        agree(Sex::ALL);
        agree(ElderStatus::ALL);
        agree(LinkStatus::ALL);
        agree(OrderState::ALL);
        agree(PaymentState::ALL);
        agree(MealPointKind::ALL);
        agree(MealPointStatusKind::ALL);
        agree(ComplaintCategory::ALL);
        agree(ComplaintState::ALL);
        agree(RunState::ALL);
        agree(ReviewDecision::ALL);
        agree(AdjustmentKind::ALL);
        agree(NoticeKind::ALL);
        agree(NoticeState::ALL);
        agree(NoticeReach::ALL);
        agree(SubscribeAnswer::ALL);
        agree(SubscribeAnswer::ALL);
        agree(ElderCategory::ALL);
        agree(FunderLevel::ALL);
        agree(CrossDistrictStandard::ALL);
        agree(DistrictKind::ALL);
        agree(DishTag::ALL);
        agree(Allergen::ALL);
        agree(Diet::ALL);
        agree(Discrepancy::ALL);
        agree(PaymentMethods::ALL);
        agree(CounterMethod::ALL);
        agree(PayEventKind::ALL);
        agree(RefundState::ALL);
    }

    #[test]
    fn parse_is_exact() {
        assert_eq!(Slot::parse("lunch"), Some(Slot::Lunch));
        assert_eq!(Slot::parse("Lunch"), None);
        assert_eq!(Slot::parse(" lunch"), None);
        assert_eq!(ServiceMode::parse("dine-in"), None);
        assert_eq!(OrderState::parse(""), None);
    }

    #[test]
    fn every_label_is_chinese() {
        fn chinese(text: &str) -> bool {
            text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
        }
        let labels = [
            Slot::ALL.iter().map(|v| v.label_zh()).collect::<Vec<_>>(),
            ServiceMode::ALL.iter().map(|v| v.label_zh()).collect(),
            Role::ALL.iter().map(|v| v.label_zh()).collect(),
            OrderState::ALL.iter().map(|v| v.label_zh()).collect(),
            PaymentState::ALL.iter().map(|v| v.label_zh()).collect(),
            MealPointKind::ALL.iter().map(|v| v.label_zh()).collect(),
            MealPointStatusKind::ALL
                .iter()
                .map(|v| v.label_zh())
                .collect(),
            ComplaintCategory::ALL
                .iter()
                .map(|v| v.label_zh())
                .collect(),
            ComplaintState::ALL.iter().map(|v| v.label_zh()).collect(),
            RunState::ALL.iter().map(|v| v.label_zh()).collect(),
            ReviewDecision::ALL.iter().map(|v| v.label_zh()).collect(),
            AdjustmentKind::ALL.iter().map(|v| v.label_zh()).collect(),
            ElderCategory::ALL.iter().map(|v| v.label_zh()).collect(),
            FunderLevel::ALL.iter().map(|v| v.label_zh()).collect(),
            ElderStatus::ALL.iter().map(|v| v.label_zh()).collect(),
            LinkStatus::ALL.iter().map(|v| v.label_zh()).collect(),
            Diet::ALL.iter().map(|v| v.label_zh()).collect(),
            Allergen::ALL.iter().map(|v| v.label_zh()).collect(),
            PaymentMethods::ALL.iter().map(|v| v.label_zh()).collect(),
            CounterMethod::ALL.iter().map(|v| v.label_zh()).collect(),
            RefundState::ALL.iter().map(|v| v.label_zh()).collect(),
        ];
        for label in labels.iter().flatten() {
            assert!(chinese(label), "{label}");
        }
    }
}
