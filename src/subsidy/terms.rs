//! The small vocabulary shared by subsidy policies, elders, menus and orders.
//!
//! Every type has one machine name (`as_str`/`code`, the same string serde and the policy file
//! use) and one Chinese label for screens. `parse` accepts exactly the machine name.

use serde::{Deserialize, Serialize};

/// A meal slot of the day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Slot {
    Breakfast,
    Lunch,
    Dinner,
}

impl Slot {
    pub const ALL: [Slot; 3] = [Slot::Breakfast, Slot::Lunch, Slot::Dinner];

    pub fn as_str(self) -> &'static str {
        match self {
            Slot::Breakfast => "breakfast",
            Slot::Lunch => "lunch",
            Slot::Dinner => "dinner",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Slot::Breakfast => "早餐",
            Slot::Lunch => "午餐",
            Slot::Dinner => "晚餐",
        }
    }

    pub fn parse(name: &str) -> Option<Slot> {
        Slot::ALL.into_iter().find(|slot| slot.as_str() == name)
    }
}

/// How the elder receives the meal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ServiceMode {
    DineIn,
    Pickup,
    Delivery,
}

impl ServiceMode {
    pub const ALL: [ServiceMode; 3] = [
        ServiceMode::DineIn,
        ServiceMode::Pickup,
        ServiceMode::Delivery,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ServiceMode::DineIn => "dine_in",
            ServiceMode::Pickup => "pickup",
            ServiceMode::Delivery => "delivery",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            ServiceMode::DineIn => "堂食",
            ServiceMode::Pickup => "自取",
            ServiceMode::Delivery => "送餐",
        }
    }

    pub fn parse(name: &str) -> Option<ServiceMode> {
        ServiceMode::ALL
            .into_iter()
            .find(|mode| mode.as_str() == name)
    }
}

/// An eligibility category recorded on an elder by community staff. An elder may have several.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// 特困人员，分散供养
    TekunDispersed,
    /// 特困人员，集中供养
    TekunCentralized,
    /// 低保
    Dibao,
    /// 低保边缘 / 低收入
    DibaoEdge,
    /// 经济困难的失能、半失能、失智老人
    DisabledLowIncome,
    /// 计划生育特殊家庭
    SpecialFamily,
    /// 重点优抚对象
    KeyEntitled,
    /// 重度残疾（一、二级）
    SevereDisability,
    /// 独居 / 空巢
    LivingAlone,
}

impl Category {
    pub const ALL: [Category; 9] = [
        Category::TekunDispersed,
        Category::TekunCentralized,
        Category::Dibao,
        Category::DibaoEdge,
        Category::DisabledLowIncome,
        Category::SpecialFamily,
        Category::KeyEntitled,
        Category::SevereDisability,
        Category::LivingAlone,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Category::TekunDispersed => "tekun_dispersed",
            Category::TekunCentralized => "tekun_centralized",
            Category::Dibao => "dibao",
            Category::DibaoEdge => "dibao_edge",
            Category::DisabledLowIncome => "disabled_low_income",
            Category::SpecialFamily => "special_family",
            Category::KeyEntitled => "key_entitled",
            Category::SevereDisability => "severe_disability",
            Category::LivingAlone => "living_alone",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Category::TekunDispersed => "特困分散供养",
            Category::TekunCentralized => "特困集中供养",
            Category::Dibao => "低保",
            Category::DibaoEdge => "低保边缘/低收入",
            Category::DisabledLowIncome => "经济困难失能/半失能/失智",
            Category::SpecialFamily => "计划生育特殊家庭",
            Category::KeyEntitled => "重点优抚",
            Category::SevereDisability => "重度残疾",
            Category::LivingAlone => "独居/空巢",
        }
    }

    pub fn parse(code: &str) -> Option<Category> {
        Category::ALL
            .into_iter()
            .find(|category| category.code() == code)
    }
}

/// The level of government that funds a subsidy amount.
///
/// The order (city < district < street) is the order lines are listed in; when a subsidy must
/// be cut down to the meal's gross price, levels are cut in the reverse order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FunderLevel {
    City,
    District,
    Street,
}

impl FunderLevel {
    pub const ALL: [FunderLevel; 3] = [
        FunderLevel::City,
        FunderLevel::District,
        FunderLevel::Street,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FunderLevel::City => "city",
            FunderLevel::District => "district",
            FunderLevel::Street => "street",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            FunderLevel::City => "市级",
            FunderLevel::District => "区级",
            FunderLevel::Street => "街道级",
        }
    }

    pub fn parse(name: &str) -> Option<FunderLevel> {
        FunderLevel::ALL
            .into_iter()
            .find(|level| level.as_str() == name)
    }
}

/// Whose rules apply when an elder eats at a meal point outside the hukou district.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CrossDistrictStandard {
    /// 户籍地标准: the elder's hukou district's rules, wherever the elder eats.
    Hukou,
    /// 就餐地标准: the rules of the district the meal point is in.
    Service,
}

impl CrossDistrictStandard {
    pub const ALL: [CrossDistrictStandard; 2] =
        [CrossDistrictStandard::Hukou, CrossDistrictStandard::Service];

    pub fn as_str(self) -> &'static str {
        match self {
            CrossDistrictStandard::Hukou => "hukou",
            CrossDistrictStandard::Service => "service",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            CrossDistrictStandard::Hukou => "户籍地标准",
            CrossDistrictStandard::Service => "就餐地标准",
        }
    }

    pub fn parse(name: &str) -> Option<CrossDistrictStandard> {
        CrossDistrictStandard::ALL
            .into_iter()
            .find(|standard| standard.as_str() == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The machine name, the serde name and `parse` must never drift apart: orders store them.
    fn assert_names_agree<T>(all: &[T], name: fn(&T) -> &'static str, parse: fn(&str) -> Option<T>)
    where
        T: Serialize + for<'de> Deserialize<'de> + PartialEq + std::fmt::Debug,
    {
        for value in all {
            let json = serde_json::to_string(value).expect("serialises");
            assert_eq!(json, format!("\"{}\"", name(value)));
            let back: T = serde_json::from_str(&json).expect("deserialises");
            assert_eq!(&back, value);
            assert_eq!(parse(name(value)).as_ref(), Some(value));
        }
        assert_eq!(parse("no_such_name"), None);
        assert_eq!(parse(""), None);
    }

    #[test]
    fn names_serde_and_parse_agree() {
        assert_names_agree(&Slot::ALL, |s| s.as_str(), Slot::parse);
        assert_names_agree(&ServiceMode::ALL, |m| m.as_str(), ServiceMode::parse);
        assert_names_agree(&Category::ALL, |c| c.code(), Category::parse);
        assert_names_agree(&FunderLevel::ALL, |l| l.as_str(), FunderLevel::parse);
        assert_names_agree(
            &CrossDistrictStandard::ALL,
            |s| s.as_str(),
            CrossDistrictStandard::parse,
        );
    }

    #[test]
    fn codes_are_the_published_ones() {
        let codes: Vec<&str> = Category::ALL.iter().map(|c| c.code()).collect();
        assert_eq!(
            codes,
            [
                "tekun_dispersed",
                "tekun_centralized",
                "dibao",
                "dibao_edge",
                "disabled_low_income",
                "special_family",
                "key_entitled",
                "severe_disability",
                "living_alone",
            ]
        );
        assert_eq!(ServiceMode::DineIn.as_str(), "dine_in");
        assert_eq!(Slot::Breakfast.label_zh(), "早餐");
        assert_eq!(ServiceMode::Delivery.label_zh(), "送餐");
        assert_eq!(Category::Dibao.label_zh(), "低保");
    }

    #[test]
    fn parse_is_exact() {
        assert_eq!(Slot::parse("Lunch"), None);
        assert_eq!(Slot::parse(" lunch"), None);
        assert_eq!(ServiceMode::parse("dine-in"), None);
    }
}
