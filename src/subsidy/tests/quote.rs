use chrono::NaiveDate;

use super::{date, example_policy, yuan};
use crate::subsidy::{
    Category, FunderLevel, LevelCut, NotSubsidised, Policy, Quote, QuoteInput, ServiceMode, Slot,
    SubsidyLine, parse_policy, quote,
};

const TIANNING: &str = "320402";
const ZHONGLOU: &str = "320404";

/// The meal date of most cases, a Monday.
fn meal_day() -> NaiveDate {
    date(2026, 3, 16)
}

/// Birth dates giving these ages on `meal_day()`.
fn aged_72() -> NaiveDate {
    date(1953, 5, 1)
}
fn aged_85() -> NaiveDate {
    date(1940, 6, 1)
}
fn aged_59() -> NaiveDate {
    date(1966, 6, 1)
}

/// A lunch eaten in at a meal point of the elder's own hukou district, gross 15.00.
fn lunch(birth_date: NaiveDate) -> QuoteInput {
    QuoteInput {
        birth_date,
        categories: Vec::new(),
        hukou_district: TIANNING.to_string(),
        service_district: TIANNING.to_string(),
        meal_date: meal_day(),
        slot: Slot::Lunch,
        mode: ServiceMode::DineIn,
        gross: yuan("15.00"),
        subsidised_meals_already_in_slot: 0,
    }
}

/// Expected lines as (level, funding district, amount).
type Lines<'a> = &'a [(FunderLevel, Option<&'a str>, &'a str)];

fn assert_quote(name: &str, quoted: &Quote, subsidy: &str, elder_share: &str, lines: Lines) {
    assert_eq!(
        quoted.subsidy_total.to_string(),
        subsidy,
        "{name}: subsidy {quoted:#?}"
    );
    assert_eq!(
        quoted.elder_share.to_string(),
        elder_share,
        "{name}: elder share {quoted:#?}"
    );
    let expected: Vec<SubsidyLine> = lines
        .iter()
        .map(|(level, funding_district, amount)| SubsidyLine {
            level: *level,
            funding_district: funding_district.map(str::to_string),
            amount: yuan(amount),
        })
        .collect();
    assert_eq!(quoted.lines, expected, "{name}: lines {quoted:#?}");
    for line in &quoted.lines {
        assert_eq!(line.amount.scale(), 2, "{name}: lines are in fen");
    }
    assert_eq!(
        quoted.subsidy_total + quoted.elder_share,
        quoted.gross.max(quoted.subsidy_total),
        "{name}: the split adds up"
    );
}

#[test]
fn example_policy_rule_shapes() {
    use Category::*;
    use FunderLevel::{District, Street};
    let t = Some(TIANNING);

    struct Case<'a> {
        name: &'a str,
        input: QuoteInput,
        subsidy: &'a str,
        elder_share: &'a str,
        lines: Lines<'a>,
        reason: Option<NotSubsidised>,
    }
    let cases = [
        Case {
            name: "60-79 universal: district 2 + street 1",
            input: lunch(aged_72()),
            subsidy: "3.00",
            elder_share: "12.00",
            lines: &[(District, t, "2.00"), (Street, t, "1.00")],
            reason: None,
        },
        Case {
            name: "80+ universal: district 2 + street 2",
            input: lunch(aged_85()),
            subsidy: "4.00",
            elder_share: "11.00",
            lines: &[(District, t, "2.00"), (Street, t, "2.00")],
            reason: None,
        },
        Case {
            name: "universal dinner too",
            input: QuoteInput {
                slot: Slot::Dinner,
                ..lunch(aged_85())
            },
            subsidy: "4.00",
            elder_share: "11.00",
            lines: &[(District, t, "2.00"), (Street, t, "2.00")],
            reason: None,
        },
        Case {
            name: "breakfast gets no universal subsidy",
            input: QuoteInput {
                slot: Slot::Breakfast,
                gross: yuan("6.00"),
                ..lunch(aged_72())
            },
            subsidy: "0.00",
            elder_share: "6.00",
            lines: &[],
            reason: Some(NotSubsidised::NoRuleApplies),
        },
        Case {
            name: "targeted rules have no slot limit, so dibao breakfast gets 3",
            input: QuoteInput {
                slot: Slot::Breakfast,
                gross: yuan("6.00"),
                categories: vec![Dibao],
                ..lunch(aged_72())
            },
            subsidy: "3.00",
            elder_share: "3.00",
            lines: &[(District, t, "3.00")],
            reason: None,
        },
        Case {
            name: "targeted group takes the max: dibao 3 vs special_family 2 gives 3, not 5",
            input: QuoteInput {
                slot: Slot::Breakfast,
                gross: yuan("6.00"),
                categories: vec![SpecialFamily, Dibao],
                ..lunch(aged_72())
            },
            subsidy: "3.00",
            elder_share: "3.00",
            lines: &[(District, t, "3.00")],
            reason: None,
        },
        Case {
            name: "targeted stacks with universal: 72-year-old dibao lunch dine-in",
            input: QuoteInput {
                categories: vec![Dibao],
                ..lunch(aged_72())
            },
            subsidy: "6.00",
            elder_share: "9.00",
            lines: &[(District, t, "5.00"), (Street, t, "1.00")],
            reason: None,
        },
        Case {
            name: "disabled_low_income delivery adds the delivery subsidy",
            input: QuoteInput {
                categories: vec![DisabledLowIncome],
                mode: ServiceMode::Delivery,
                ..lunch(aged_72())
            },
            subsidy: "8.00",
            elder_share: "7.00",
            lines: &[(District, t, "7.00"), (Street, t, "1.00")],
            reason: None,
        },
        Case {
            name: "disabled_low_income eating in gets no delivery subsidy",
            input: QuoteInput {
                categories: vec![DisabledLowIncome],
                ..lunch(aged_72())
            },
            subsidy: "5.00",
            elder_share: "10.00",
            lines: &[(District, t, "4.00"), (Street, t, "1.00")],
            reason: None,
        },
        Case {
            name: "delivery subsidy is only for disabled_low_income",
            input: QuoteInput {
                categories: vec![Dibao],
                mode: ServiceMode::Delivery,
                ..lunch(aged_72())
            },
            subsidy: "6.00",
            elder_share: "9.00",
            lines: &[(District, t, "5.00"), (Street, t, "1.00")],
            reason: None,
        },
        Case {
            name: "under 60 without a category gets nothing",
            input: lunch(aged_59()),
            subsidy: "0.00",
            elder_share: "15.00",
            lines: &[],
            reason: Some(NotSubsidised::NoRuleApplies),
        },
        Case {
            name: "gross below the minimum meal price gets nothing",
            input: QuoteInput {
                gross: yuan("4.99"),
                categories: vec![Dibao],
                ..lunch(aged_85())
            },
            subsidy: "0.00",
            elder_share: "4.99",
            lines: &[],
            reason: Some(NotSubsidised::BelowMinimumPrice),
        },
        Case {
            name: "a zero-price meal needs no subsidy",
            input: QuoteInput {
                gross: yuan("0"),
                ..lunch(aged_85())
            },
            subsidy: "0.00",
            elder_share: "0.00",
            lines: &[],
            reason: Some(NotSubsidised::BelowMinimumPrice),
        },
        Case {
            name: "gross exactly at the minimum is subsidised, capped at gross",
            input: QuoteInput {
                gross: yuan("5.00"),
                ..lunch(aged_72())
            },
            subsidy: "3.00",
            elder_share: "2.00",
            lines: &[(District, t, "2.00"), (Street, t, "1.00")],
            reason: None,
        },
        Case {
            name: "8.00 of rules on a 5.00 meal: capped at gross, street cut first",
            input: QuoteInput {
                gross: yuan("5.00"),
                categories: vec![DisabledLowIncome],
                mode: ServiceMode::Delivery,
                ..lunch(aged_72())
            },
            subsidy: "5.00",
            elder_share: "0.00",
            lines: &[(District, t, "5.00")],
            reason: None,
        },
        Case {
            name: "cap at gross takes only what it must from street",
            input: QuoteInput {
                gross: yuan("6.50"),
                categories: vec![Dibao],
                ..lunch(aged_85())
            },
            subsidy: "6.50",
            elder_share: "0.00",
            lines: &[(District, t, "5.00"), (Street, t, "1.50")],
            reason: None,
        },
        Case {
            name: "per-slot cap reached",
            input: QuoteInput {
                subsidised_meals_already_in_slot: 1,
                categories: vec![Dibao],
                ..lunch(aged_85())
            },
            subsidy: "0.00",
            elder_share: "15.00",
            lines: &[],
            reason: Some(NotSubsidised::SlotCapReached),
        },
        Case {
            name: "gross is rounded to the fen, half away from zero",
            input: QuoteInput {
                gross: yuan("15.005"),
                ..lunch(aged_72())
            },
            subsidy: "3.00",
            elder_share: "12.01",
            lines: &[(District, t, "2.00"), (Street, t, "1.00")],
            reason: None,
        },
    ];

    let policy = example_policy();
    for case in cases {
        let quoted = quote(&policy, &case.input);
        assert_quote(
            case.name,
            &quoted,
            case.subsidy,
            case.elder_share,
            case.lines,
        );
        assert_eq!(quoted.not_subsidised_reason, case.reason, "{}", case.name);
        assert_eq!(quoted.policy_version, "2026-01", "{}", case.name);
        assert_eq!(quoted.standard_district, TIANNING, "{}", case.name);
    }
}

#[test]
fn cap_at_gross_records_each_cut_in_street_district_city_order() {
    let policy = example_policy();
    let quoted = quote(
        &policy,
        &QuoteInput {
            gross: yuan("5.00"),
            categories: vec![Category::DisabledLowIncome],
            mode: ServiceMode::Delivery,
            ..lunch(aged_72())
        },
    );
    assert_eq!(
        quoted.capped_at_gross,
        vec![
            LevelCut {
                level: FunderLevel::Street,
                amount: yuan("1.00"),
            },
            LevelCut {
                level: FunderLevel::District,
                amount: yuan("2.00"),
            },
        ]
    );
    let fired_total: rust_decimal::Decimal = quoted.fired.iter().map(|f| f.amount).sum();
    assert_eq!(
        fired_total,
        yuan("8.00"),
        "fired shows the rules before the cap"
    );

    let uncapped = quote(&policy, &lunch(aged_72()));
    assert!(uncapped.capped_at_gross.is_empty());
}

#[test]
fn cap_at_gross_reaches_the_city_last() {
    let policy = policy_from(
        r#"
[[rule]]
level = "city"
amount = "3.00"

[[rule]]
level = "street"
amount = "1.00"

[[rule]]
level = "district"
amount = "2.00"
"#,
    );
    let quoted = quote(
        &policy,
        &QuoteInput {
            gross: yuan("2.50"),
            ..lunch(aged_72())
        },
    );
    assert_quote(
        "city keeps what is left",
        &quoted,
        "2.50",
        "0.00",
        &[(FunderLevel::City, None, "2.50")],
    );
    let cut: Vec<(FunderLevel, String)> = quoted
        .capped_at_gross
        .iter()
        .map(|c| (c.level, c.amount.to_string()))
        .collect();
    assert_eq!(
        cut,
        [
            (FunderLevel::Street, "1.00".to_string()),
            (FunderLevel::District, "2.00".to_string()),
            (FunderLevel::City, "0.50".to_string()),
        ]
    );
}

#[test]
fn fired_rules_explain_the_group_choice() {
    let quoted = quote(
        &example_policy(),
        &QuoteInput {
            categories: vec![Category::Dibao, Category::SpecialFamily],
            ..lunch(aged_72())
        },
    );
    let fired: Vec<(&str, String)> = quoted
        .fired
        .iter()
        .map(|f| (f.rule_ref.as_str(), f.amount.to_string()))
        .collect();
    assert_eq!(
        fired,
        [
            ("rule[1]", "2.00".to_string()),
            ("rule[2]", "1.00".to_string()),
            ("rule[4]", "3.00".to_string()),
            ("rule[5]", "0.00".to_string()),
        ]
    );
    assert_eq!(quoted.fired[0].note_zh, "区级补贴：60岁及以上，午餐、晚餐");
    assert!(quoted.fired[2].note_zh.contains("“targeted”组只取最高一项"));
    assert!(
        quoted.fired[3]
            .note_zh
            .contains("与 rule[4] 同属“targeted”组"),
        "{}",
        quoted.fired[3].note_zh
    );
    assert_eq!(quoted.subsidy_total, yuan("6.00"));
}

#[test]
fn group_tie_goes_to_the_earliest_rule() {
    let policy = policy_from(
        r#"
[[rule]]
level = "street"
group = "g"
amount = "2.00"

[[rule]]
level = "city"
group = "g"
amount = "2.00"
"#,
    );
    let quoted = quote(&policy, &lunch(aged_72()));
    assert_quote(
        "tie",
        &quoted,
        "2.00",
        "13.00",
        &[(FunderLevel::Street, Some(TIANNING), "2.00")],
    );
}

#[test]
fn separate_groups_stack_with_each_other() {
    let policy = policy_from(
        r#"
[[rule]]
level = "district"
group = "age"
age_min = 60
amount = "1.00"

[[rule]]
level = "district"
group = "age"
age_min = 80
amount = "2.00"

[[rule]]
level = "city"
group = "need"
categories = ["dibao"]
amount = "3.00"

[[rule]]
level = "city"
group = "need"
categories = ["living_alone"]
amount = "1.00"
"#,
    );
    let quoted = quote(
        &policy,
        &QuoteInput {
            categories: vec![Category::Dibao, Category::LivingAlone],
            ..lunch(aged_85())
        },
    );
    assert_quote(
        "age 2 + need 3",
        &quoted,
        "5.00",
        "10.00",
        &[
            (FunderLevel::City, None, "3.00"),
            (FunderLevel::District, Some(TIANNING), "2.00"),
        ],
    );
}

#[test]
fn age_is_counted_on_the_meal_date() {
    // Turns 80 on Friday 2026-03-20; today is Monday 2026-03-16.
    let born = date(1946, 3, 20);
    let policy = example_policy();
    let cases = [
        (date(2026, 3, 16), 79, "3.00"),
        (date(2026, 3, 19), 79, "3.00"),
        (date(2026, 3, 20), 80, "4.00"),
        (date(2026, 3, 23), 80, "4.00"),
    ];
    for (meal_date, age, subsidy) in cases {
        let quoted = quote(
            &policy,
            &QuoteInput {
                meal_date,
                ..lunch(born)
            },
        );
        assert_eq!(quoted.age_on_meal_date, age, "on {meal_date}");
        assert_eq!(quoted.subsidy_total.to_string(), subsidy, "on {meal_date}");
    }
}

#[test]
fn leap_day_birthday_reaches_the_band_on_1_march() {
    let policy = example_policy();
    let born = date(1944, 2, 29); // turns 80 on 2024-02-29
    let cases = [(date(2024, 2, 28), "3.00"), (date(2024, 2, 29), "4.00")];
    for (meal_date, subsidy) in cases {
        let quoted = quote(
            &policy,
            &QuoteInput {
                meal_date,
                ..lunch(born)
            },
        );
        assert_eq!(quoted.subsidy_total.to_string(), subsidy, "on {meal_date}");
    }
    // In a common year the birthday is reached on 1 March.
    let born = date(1940, 2, 29);
    let quote_on = |meal_date| {
        quote(
            &policy,
            &QuoteInput {
                meal_date,
                ..lunch(born)
            },
        )
    };
    assert_eq!(quote_on(date(2021, 2, 28)).age_on_meal_date, 80);
    assert_eq!(quote_on(date(2021, 3, 1)).age_on_meal_date, 81);
}

/// Two district sections with different standards, for the cross-district cases.
fn two_district_policy(standard: &str) -> Policy {
    parse_policy(&format!(
        r#"
version = "cross-test"
effective_from = "2026-01-01"
cross_district_standard = "{standard}"
min_meal_price = "5.00"
max_subsidised_per_slot = 1

[[rule]]
level = "district"
age_min = 60
amount = "1.00"

[[district]]
code = "{TIANNING}"
name = "天宁区"

[[district.rule]]
level = "district"
age_min = 60
slots = ["lunch", "dinner"]
amount = "2.00"

[[district.rule]]
level = "street"
age_min = 80
slots = ["lunch", "dinner"]
amount = "2.00"

[[district]]
code = "{ZHONGLOU}"
name = "钟楼区"
min_meal_price = "8.00"

[[district.rule]]
level = "city"
age_min = 60
amount = "1.00"

[[district.rule]]
level = "district"
age_min = 80
amount = "3.00"

[[district.rule]]
level = "street"
age_min = 80
amount = "0.50"
"#
    ))
    .unwrap_or_else(|errors| panic!("{errors:#?}"))
}

fn tianning_elder_eating_in_zhonglou() -> QuoteInput {
    QuoteInput {
        service_district: ZHONGLOU.to_string(),
        ..lunch(aged_85())
    }
}

#[test]
fn hukou_standard_uses_the_hukou_districts_rules() {
    let quoted = quote(
        &two_district_policy("hukou"),
        &tianning_elder_eating_in_zhonglou(),
    );
    assert_eq!(quoted.standard_district, TIANNING);
    assert_quote(
        "天宁 rules in 钟楼",
        &quoted,
        "4.00",
        "11.00",
        &[
            (FunderLevel::District, Some(TIANNING), "2.00"),
            (FunderLevel::Street, Some(TIANNING), "2.00"),
        ],
    );
    let refs: Vec<&str> = quoted.fired.iter().map(|f| f.rule_ref.as_str()).collect();
    assert_eq!(refs, ["district 320402 rule[1]", "district 320402 rule[2]"]);
}

#[test]
fn service_standard_uses_the_meal_points_rules_but_hukou_still_funds() {
    let quoted = quote(
        &two_district_policy("service"),
        &tianning_elder_eating_in_zhonglou(),
    );
    assert_eq!(quoted.standard_district, ZHONGLOU);
    assert_quote(
        "钟楼 rules, 天宁 pays district and street",
        &quoted,
        "4.50",
        "10.50",
        &[
            (FunderLevel::City, None, "1.00"),
            (FunderLevel::District, Some(TIANNING), "3.00"),
            (FunderLevel::Street, Some(TIANNING), "0.50"),
        ],
    );
    let refs: Vec<&str> = quoted.fired.iter().map(|f| f.rule_ref.as_str()).collect();
    assert_eq!(
        refs,
        [
            "district 320404 rule[1]",
            "district 320404 rule[2]",
            "district 320404 rule[3]"
        ]
    );
}

#[test]
fn the_standard_districts_own_minimum_price_applies() {
    let meal = QuoteInput {
        gross: yuan("7.00"),
        ..tianning_elder_eating_in_zhonglou()
    };
    let under_service = quote(&two_district_policy("service"), &meal);
    assert_eq!(
        under_service.not_subsidised_reason,
        Some(NotSubsidised::BelowMinimumPrice),
        "钟楼's minimum is 8.00"
    );
    let under_hukou = quote(&two_district_policy("hukou"), &meal);
    assert_eq!(
        under_hukou.subsidy_total,
        yuan("4.00"),
        "天宁 uses the 5.00 default"
    );
}

#[test]
fn a_district_without_a_section_uses_the_top_level_rules() {
    let quoted = quote(
        &two_district_policy("hukou"),
        &QuoteInput {
            hukou_district: "320411".to_string(),
            service_district: ZHONGLOU.to_string(),
            slot: Slot::Breakfast,
            ..lunch(aged_85())
        },
    );
    assert_eq!(quoted.standard_district, "320411");
    assert_quote(
        "新北 default",
        &quoted,
        "1.00",
        "14.00",
        &[(FunderLevel::District, Some("320411"), "1.00")],
    );
    assert_eq!(quoted.fired[0].rule_ref, "rule[1]");
}

#[test]
fn amount_by_slot_gives_each_slot_its_amount() {
    // Nanjing Jianye: 扶助对象 1/2/2 per breakfast/lunch/dinner; others 75+ 0.5/1/1.
    let policy = policy_from(
        r#"
[[rule]]
level = "district"
group = "jianye"
categories = ["tekun_dispersed", "dibao", "dibao_edge", "disabled_low_income", "special_family"]
amount_by_slot = { breakfast = "1.00", lunch = "2.00", dinner = "2.00" }

[[rule]]
level = "district"
group = "jianye"
age_min = 75
amount_by_slot = { breakfast = "0.50", lunch = "1.00", dinner = "1.00" }

[[rule]]
level = "district"
categories = ["disabled_low_income"]
modes = ["delivery"]
amount_by_slot = { lunch = "3.00", dinner = "3.00" }
"#,
    );
    let cases = [
        (
            "75+ breakfast",
            Slot::Breakfast,
            vec![],
            ServiceMode::DineIn,
            "0.50",
        ),
        (
            "75+ lunch",
            Slot::Lunch,
            vec![],
            ServiceMode::DineIn,
            "1.00",
        ),
        (
            "dibao breakfast",
            Slot::Breakfast,
            vec![Category::Dibao],
            ServiceMode::DineIn,
            "1.00",
        ),
        (
            "dibao dinner",
            Slot::Dinner,
            vec![Category::Dibao],
            ServiceMode::DineIn,
            "2.00",
        ),
        (
            "disabled breakfast delivery: no delivery amount for breakfast",
            Slot::Breakfast,
            vec![Category::DisabledLowIncome],
            ServiceMode::Delivery,
            "1.00",
        ),
        (
            "disabled lunch delivery",
            Slot::Lunch,
            vec![Category::DisabledLowIncome],
            ServiceMode::Delivery,
            "5.00",
        ),
    ];
    for (name, slot, categories, mode, subsidy) in cases {
        let quoted = quote(
            &policy,
            &QuoteInput {
                slot,
                categories,
                mode,
                ..lunch(aged_85())
            },
        );
        assert_eq!(quoted.subsidy_total.to_string(), subsidy, "{name}");
    }
}

#[test]
fn a_rules_own_minimum_spend_applies_to_that_rule_only() {
    // Shanghai Putuo: 低保 满8元 5元; 80+ 满15元 3元.
    let policy = policy_from(
        r#"
[[rule]]
level = "district"
categories = ["dibao"]
min_meal_price = "8.00"
amount = "5.00"

[[rule]]
level = "district"
age_min = 80
min_meal_price = "15.00"
amount = "3.00"
"#,
    );
    let dibao_85 = |gross: &str| {
        quote(
            &policy,
            &QuoteInput {
                gross: yuan(gross),
                categories: vec![Category::Dibao],
                ..lunch(aged_85())
            },
        )
        .subsidy_total
        .to_string()
    };
    assert_eq!(dibao_85("7.99"), "0.00");
    assert_eq!(dibao_85("8.00"), "5.00");
    assert_eq!(dibao_85("14.99"), "5.00");
    assert_eq!(dibao_85("15.00"), "8.00");
}

#[test]
fn slot_cap_counts_meals_already_subsidised() {
    let policy =
        policy_from("max_subsidised_per_slot = 2\n[[rule]]\nlevel = \"city\"\namount = \"1.00\"\n");
    for (already, reason) in [
        (0, None),
        (1, None),
        (2, Some(NotSubsidised::SlotCapReached)),
        (5, Some(NotSubsidised::SlotCapReached)),
    ] {
        let quoted = quote(
            &policy,
            &QuoteInput {
                subsidised_meals_already_in_slot: already,
                ..lunch(aged_72())
            },
        );
        assert_eq!(quoted.not_subsidised_reason, reason, "{already} already");
    }
    let uncapped = policy_from("[[rule]]\nlevel = \"city\"\namount = \"1.00\"\n");
    let quoted = quote(
        &uncapped,
        &QuoteInput {
            subsidised_meals_already_in_slot: 9,
            ..lunch(aged_72())
        },
    );
    assert_eq!(
        quoted.subsidy_total,
        yuan("1.00"),
        "no cap when the policy sets none"
    );
}

#[test]
fn quote_serialises_money_as_two_decimal_strings() {
    let quoted = quote(
        &example_policy(),
        &QuoteInput {
            gross: yuan("15"),
            categories: vec![Category::Dibao],
            ..lunch(aged_72())
        },
    );
    let json = serde_json::to_value(&quoted).expect("serialises");
    assert_eq!(json["gross"], "15.00");
    assert_eq!(json["subsidy_total"], "6.00");
    assert_eq!(json["elder_share"], "9.00");
    assert_eq!(json["lines"][0]["level"], "district");
    assert_eq!(json["lines"][0]["funding_district"], TIANNING);
    assert_eq!(json["lines"][0]["amount"], "5.00");
    assert_eq!(json["not_subsidised_reason"], serde_json::Value::Null);
    let back: Quote = serde_json::from_value(json).expect("deserialises");
    assert_eq!(back, quoted);
}

#[test]
fn not_subsidised_reasons_have_names_and_labels() {
    for (reason, name) in [
        (NotSubsidised::BelowMinimumPrice, "below_minimum_price"),
        (NotSubsidised::SlotCapReached, "slot_cap_reached"),
        (NotSubsidised::NoRuleApplies, "no_rule_applies"),
    ] {
        assert_eq!(reason.as_str(), name);
        assert_eq!(
            serde_json::to_value(reason).expect("serialises"),
            serde_json::Value::from(name)
        );
        assert!(!reason.label_zh().is_empty());
    }
}

/// A test policy: a valid header, then `body`.
fn policy_from(body: &str) -> Policy {
    let text = format!(
        "version = \"test\"\neffective_from = \"2026-01-01\"\ncross_district_standard = \"hukou\"\n{body}"
    );
    parse_policy(&text).unwrap_or_else(|errors| panic!("{errors:#?}"))
}
