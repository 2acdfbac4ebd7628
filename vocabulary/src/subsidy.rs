//! The words of subsidy policies.

use crate::word;

word! {
    /// An eligibility category recorded on an elder by community staff. An elder may have
    /// several; policies grant subsidy by them.
    pub enum ElderCategory {
        /// 特困人员，分散供养
        TekunDispersed = "tekun_dispersed" => "特困分散供养",
        /// 特困人员，集中供养
        TekunCentralized = "tekun_centralized" => "特困集中供养",
        /// 低保
        Dibao = "dibao" => "低保",
        /// 低保边缘 / 低收入
        DibaoEdge = "dibao_edge" => "低保边缘/低收入",
        /// 经济困难的失能、半失能、失智老人
        DisabledLowIncome = "disabled_low_income" => "经济困难失能/半失能/失智",
        /// 计划生育特殊家庭
        SpecialFamily = "special_family" => "计划生育特殊家庭",
        /// 重点优抚对象
        KeyEntitled = "key_entitled" => "重点优抚",
        /// 重度残疾（一、二级）
        SevereDisability = "severe_disability" => "重度残疾",
        /// 独居 / 空巢
        LivingAlone = "living_alone" => "独居/空巢",
    }
}

word! {
    /// The level of government that funds a subsidy amount.
    ///
    /// The order (city < district < street) is the order lines are listed in; when a subsidy
    /// must be cut down to the meal's gross price, levels are cut in the reverse order.
    pub enum FunderLevel {
        City = "city" => "市级",
        District = "district" => "区级",
        Street = "street" => "街道级",
    }
}

word! {
    /// Whose rules apply when an elder eats at a meal point outside the hukou district.
    pub enum CrossDistrictStandard {
        /// 户籍地标准: the elder's hukou district's rules, wherever the elder eats.
        Hukou = "hukou" => "户籍地标准",
        /// 就餐地标准: the rules of the district the meal point is in.
        Service = "service" => "就餐地标准",
    }
}
