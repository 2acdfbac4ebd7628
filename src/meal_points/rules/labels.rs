//! The labels only the city gives: 示范助餐点 and the star grade.

use serde::{Deserialize, Serialize};

use super::MealPointRuleError;

/// The city's star grade (星级) for a meal point, 1..=5. Assigned by the civil-affairs bureau
/// after its evaluation; unrelated to elders' ratings of meals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct StarGrade(u8);

impl StarGrade {
    pub fn new(stars: u8) -> Result<Self, MealPointRuleError> {
        if (1..=5).contains(&stars) {
            Ok(Self(stars))
        } else {
            Err(MealPointRuleError::StarGradeOutOfRange { value: stars })
        }
    }

    pub fn stars(self) -> u8 {
        self.0
    }

    pub fn label_zh(self) -> &'static str {
        ["一星级", "二星级", "三星级", "四星级", "五星级"][usize::from(self.0 - 1)]
    }
}

impl TryFrom<u8> for StarGrade {
    type Error = MealPointRuleError;

    fn try_from(stars: u8) -> Result<Self, Self::Error> {
        Self::new(stars)
    }
}

impl From<StarGrade> for u8 {
    fn from(grade: StarGrade) -> Self {
        grade.0
    }
}

/// Labels only the city assigns; operators can see but not edit them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CityLabels {
    /// 示范助餐点.
    pub demonstration: bool,
    pub star_grade: Option<StarGrade>,
}

impl CityLabels {
    pub const DEMONSTRATION_CODE: &str = "demonstration";
    pub const DEMONSTRATION_LABEL_ZH: &str = "示范助餐点";

    /// The badges to show, most prestigious first.
    pub fn labels_zh(&self) -> Vec<&'static str> {
        let demonstration = self.demonstration.then_some(Self::DEMONSTRATION_LABEL_ZH);
        demonstration
            .into_iter()
            .chain(self.star_grade.map(StarGrade::label_zh))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn city_labels() {
        for bad in [0, 6] {
            assert_eq!(
                StarGrade::new(bad).unwrap_err().code(),
                "STAR_GRADE_OUT_OF_RANGE"
            );
        }
        let labels = CityLabels {
            demonstration: true,
            star_grade: Some(StarGrade::new(4).unwrap()),
        };
        assert_eq!(labels.labels_zh(), ["示范助餐点", "四星级"]);
        assert!(CityLabels::default().labels_zh().is_empty());
    }
}
