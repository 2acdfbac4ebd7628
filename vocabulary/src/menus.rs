//! What a dish is, as elders filter and read it.

use crate::word;

word! {
    /// Nutrition and texture tags an elder filters by. Declared in the order menus list them.
    pub enum DishTag {
        LowSalt = "low_salt" => "低盐",
        LowOil = "low_oil" => "低油",
        Soft = "soft" => "软烂",
        Boneless = "boneless" => "无骨无刺",
        DiabeticFriendly = "diabetic_friendly" => "糖尿病友好",
        Halal = "halal" => "清真",
        Vegetarian = "vegetarian" => "素食",
        LowSugar = "low_sugar" => "低糖",
    }
}

word! {
    /// Allergens a dish contains, after the major food allergens of GB 7718 and Codex.
    pub enum Allergen {
        Peanut = "peanut" => "花生",
        TreeNut = "tree_nut" => "坚果",
        Milk = "milk" => "乳制品",
        Egg = "egg" => "蛋类",
        Fish = "fish" => "鱼类",
        Shellfish = "shellfish" => "甲壳类",
        Soy = "soy" => "大豆",
        Wheat = "wheat" => "小麦/麸质",
        Sesame = "sesame" => "芝麻",
    }
}

word! {
    /// Diets an elder keeps (膳食要求), kept on the elder's profile. Each is met by dishes
    /// carrying the matching [`DishTag`]s (see the diets domain's rules).
    pub enum Diet {
        LowSalt = "low_salt" => "低盐",
        LowSugar = "low_sugar" => "低糖/糖尿病",
        Soft = "soft" => "软烂",
        Halal = "halal" => "清真",
        Vegetarian = "vegetarian" => "素食",
    }
}
