//! Which dishes suit an elder's diets, which carry their allergens, and the warning's words.

use vocabulary::{Allergen, Diet, DishTag};

/// Whether a dish with these tags meets a diet. 低糖/糖尿病 is met by a dish tagged 低糖 or
/// 糖尿病友好 (kitchens use both words); every other diet by its own tag.
pub fn meets(diet: Diet, tags: &[DishTag]) -> bool {
    let wanted: &[DishTag] = match diet {
        Diet::LowSalt => &[DishTag::LowSalt],
        Diet::LowSugar => &[DishTag::LowSugar, DishTag::DiabeticFriendly],
        Diet::Soft => &[DishTag::Soft],
        Diet::Halal => &[DishTag::Halal],
        Diet::Vegetarian => &[DishTag::Vegetarian],
    };
    wanted.iter().any(|w| tags.contains(w))
}

/// How one dish fits one elder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fit {
    /// The elder's diets the dish meets, and those it does not.
    pub met: Vec<Diet>,
    pub unmet: Vec<Diet>,
    /// The elder's allergens the dish contains.
    pub allergens: Vec<Allergen>,
}

impl Fit {
    /// Meets every diet the elder keeps (at least one) and contains none of their allergens.
    pub fn suitable(&self) -> bool {
        !self.met.is_empty() && self.unmet.is_empty() && self.allergens.is_empty()
    }

    /// Where the dish goes in the elder's list: suitable first, dishes with a listed allergen
    /// last, the rest between.
    pub fn rank(&self) -> u8 {
        if !self.allergens.is_empty() {
            2
        } else if self.suitable() {
            0
        } else {
            1
        }
    }
}

pub fn fit(
    diets: &[Diet],
    allergens: &[Allergen],
    dish_tags: &[DishTag],
    dish_allergens: &[Allergen],
) -> Fit {
    let (met, unmet) = diets.iter().partition(|&&d| meets(d, dish_tags));
    Fit {
        met,
        unmet,
        allergens: allergens
            .iter()
            .copied()
            .filter(|a| dish_allergens.contains(a))
            .collect(),
    }
}

/// A chosen dish with the elder's allergens it contains.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllergenHit {
    pub dish_name: String,
    pub allergens: Vec<Allergen>,
}

/// The dishes among `dishes` (name, allergens) that contain any of `listed`.
pub fn allergen_hits<'a>(
    listed: &[Allergen],
    dishes: impl IntoIterator<Item = (&'a str, &'a [Allergen])>,
) -> Vec<AllergenHit> {
    dishes
        .into_iter()
        .filter_map(|(name, contains)| {
            let hit: Vec<Allergen> = listed
                .iter()
                .copied()
                .filter(|a| contains.contains(a))
                .collect();
            (!hit.is_empty()).then(|| AllergenHit {
                dish_name: name.to_owned(),
                allergens: hit,
            })
        })
        .collect()
}

/// The refusal's message: every dish with what it contains, and what to do.
pub fn allergen_warning(hits: &[AllergenHit]) -> String {
    let named: Vec<String> = hits
        .iter()
        .map(|h| {
            let allergens: Vec<&str> = h.allergens.iter().map(|a| a.label_zh()).collect();
            format!("{}含{}", h.dish_name, allergens.join("、"))
        })
        .collect();
    format!(
        "注意：{}，是老人登记过的过敏食物。确定仍要预订，请再确认一次",
        named.join("；")
    )
}

/// A list as a set in declared order: the profile keeps each value once.
pub fn as_set<T: Ord + Copy>(mut values: Vec<T>) -> Vec<T> {
    values.sort_unstable();
    values.dedup();
    values
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn low_sugar_is_met_by_either_kitchen_word() {
        assert!(meets(Diet::LowSugar, &[DishTag::LowSugar]));
        assert!(meets(Diet::LowSugar, &[DishTag::DiabeticFriendly]));
        assert!(!meets(Diet::LowSugar, &[DishTag::LowSalt, DishTag::Soft]));
        assert!(meets(Diet::Soft, &[DishTag::Boneless, DishTag::Soft]));
        assert!(!meets(Diet::Halal, &[]));
    }

    #[test]
    fn suitable_needs_every_diet_and_no_allergen() {
        let diets = [Diet::LowSalt, Diet::Soft];
        let both = fit(&diets, &[], &[DishTag::LowSalt, DishTag::Soft], &[]);
        assert!(both.suitable());
        assert_eq!(both.rank(), 0);
        let one = fit(&diets, &[], &[DishTag::LowSalt], &[]);
        assert!(!one.suitable());
        assert_eq!(one.unmet, vec![Diet::Soft]);
        assert_eq!(one.rank(), 1);
        let allergic = fit(
            &diets,
            &[Allergen::Peanut],
            &[DishTag::LowSalt, DishTag::Soft],
            &[Allergen::Peanut, Allergen::Soy],
        );
        assert!(!allergic.suitable());
        assert_eq!(allergic.allergens, vec![Allergen::Peanut]);
        assert_eq!(allergic.rank(), 2);
    }

    #[test]
    fn without_diets_nothing_is_marked_suitable() {
        let plain = fit(&[], &[Allergen::Egg], &[DishTag::LowSalt], &[Allergen::Soy]);
        assert!(!plain.suitable());
        assert_eq!(plain.rank(), 1);
    }

    #[test]
    fn hits_name_only_listed_allergens_of_dishes_that_have_them() {
        let peanut_soy = [Allergen::Peanut, Allergen::Soy];
        let egg = [Allergen::Egg];
        let hits = allergen_hits(
            &[Allergen::Peanut, Allergen::Milk],
            [("宫保鸡丁", &peanut_soy[..]), ("番茄炒蛋", &egg[..])],
        );
        assert_eq!(
            hits,
            vec![AllergenHit {
                dish_name: "宫保鸡丁".into(),
                allergens: vec![Allergen::Peanut],
            }]
        );
        assert_eq!(
            allergen_warning(&hits),
            "注意：宫保鸡丁含花生，是老人登记过的过敏食物。确定仍要预订，请再确认一次"
        );
        assert!(allergen_hits(&[], [("宫保鸡丁", &peanut_soy[..])]).is_empty());
    }

    #[test]
    fn a_profile_keeps_each_value_once() {
        assert_eq!(
            as_set(vec![Diet::Soft, Diet::LowSalt, Diet::Soft]),
            vec![Diet::LowSalt, Diet::Soft]
        );
    }
}
