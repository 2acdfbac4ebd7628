use super::{date, example_policy, yuan};
use crate::subsidy::{
    Category, CrossDistrictStandard, FunderLevel, PolicyError, RuleAmount, ServiceMode, Slot,
    parse_policy,
};

const HEADER: &str = r#"
version = "test"
effective_from = "2026-01-01"
cross_district_standard = "hukou"
"#;

/// A valid header followed by the given text (rules, districts, extra keys).
fn policy(body: &str) -> String {
    format!("{HEADER}\n{body}")
}

fn errors_of(text: &str) -> Vec<PolicyError> {
    match parse_policy(text) {
        Ok(policy) => panic!("expected errors, parsed {policy:#?}\nfrom:\n{text}"),
        Err(errors) => errors,
    }
}

fn assert_has_error(errors: &[PolicyError], code: &str, path: &str) {
    assert!(
        errors.iter().any(|e| e.code() == code && e.path() == path),
        "expected {code} at {path}, got:\n{}",
        errors
            .iter()
            .map(|e| e.to_string())
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn example_file_means_what_its_comments_say() {
    let policy = example_policy();
    assert_eq!(policy.city.as_deref(), Some("常州市"));
    assert_eq!(policy.version, "2026-01");
    assert_eq!(policy.effective_from, date(2026, 1, 1));
    assert_eq!(policy.cross_district_standard, CrossDistrictStandard::Hukou);
    assert_eq!(policy.min_meal_price, yuan("5.00"));
    assert_eq!(policy.max_subsidised_per_slot, Some(1));
    assert!(policy.districts.is_empty());
    assert_eq!(policy.rules.len(), 6);

    let universal = &policy.rules[0];
    assert_eq!(universal.level, FunderLevel::District);
    assert_eq!((universal.age_min, universal.age_max), (Some(60), None));
    assert_eq!(universal.slots, Some(vec![Slot::Lunch, Slot::Dinner]));
    assert_eq!(universal.categories, None);
    assert_eq!(universal.group, None);
    assert_eq!(universal.amount, RuleAmount::Flat(yuan("2.00")));

    let street_young_old = &policy.rules[1];
    assert_eq!(street_young_old.level, FunderLevel::Street);
    assert_eq!(
        (street_young_old.age_min, street_young_old.age_max),
        (Some(60), Some(79))
    );

    let targeted = &policy.rules[3];
    assert_eq!(targeted.group.as_deref(), Some("targeted"));
    assert_eq!(
        targeted.categories,
        Some(vec![Category::TekunDispersed, Category::Dibao])
    );
    assert_eq!(targeted.slots, None, "targeted rules apply to every slot");
    assert_eq!(targeted.age_min, None);

    let delivery = &policy.rules[5];
    assert_eq!(delivery.group, None, "the delivery subsidy stacks");
    assert_eq!(delivery.modes, Some(vec![ServiceMode::Delivery]));
    assert_eq!(delivery.categories, Some(vec![Category::DisabledLowIncome]));
}

#[test]
fn optional_settings_have_safe_defaults() {
    let policy = parse_policy(&policy("[[rule]]\nlevel = \"city\"\namount = \"1\"\n"))
        .expect("minimal policy parses");
    assert_eq!(policy.min_meal_price, yuan("0.00"));
    assert_eq!(policy.max_subsidised_per_slot, None);
    assert_eq!(policy.city, None);
    assert_eq!(
        policy.rules[0].amount,
        RuleAmount::Flat(yuan("1.00")),
        "amounts are kept in fen"
    );
    if let RuleAmount::Flat(amount) = policy.rules[0].amount {
        assert_eq!(amount.to_string(), "1.00");
    }
}

#[test]
fn bare_toml_date_and_short_amounts_are_accepted() {
    let text = r#"
version = "2026-07"
effective_from = 2026-07-01
cross_district_standard = "service"

[[rule]]
level = "district"
amount_by_slot = { breakfast = "0.5", lunch = "1", dinner = "1.00" }
"#;
    let policy = parse_policy(text).expect("valid");
    assert_eq!(policy.effective_from, date(2026, 7, 1));
    assert_eq!(
        policy.cross_district_standard,
        CrossDistrictStandard::Service
    );
    let RuleAmount::BySlot(amounts) = &policy.rules[0].amount else {
        panic!("amount_by_slot expected");
    };
    assert_eq!(amounts[&Slot::Breakfast].to_string(), "0.50");
    assert_eq!(amounts[&Slot::Lunch].to_string(), "1.00");
}

#[test]
fn district_sections_parse_with_their_own_rules() {
    let text = policy(
        r#"
[[rule]]
level = "district"
amount = "1.00"

[[district]]
code = "320402"
name = "天宁区"
min_meal_price = "6.00"

[[district.rule]]
level = "street"
age_min = 80
amount = "2.00"

[[district]]
code = "CZ-ETDZ"

[[district.rule]]
level = "city"
amount = "1.50"
"#,
    );
    let policy = parse_policy(&text).expect("valid");
    assert_eq!(policy.districts.len(), 2);
    let tianning = policy.district_section("320402").expect("section");
    assert_eq!(tianning.name.as_deref(), Some("天宁区"));
    assert_eq!(tianning.min_meal_price, Some(yuan("6.00")));
    assert_eq!(tianning.rules[0].level, FunderLevel::Street);
    assert!(policy.district_section("CZ-ETDZ").is_some());
    assert!(policy.district_section("320404").is_none());
}

#[test]
fn policy_round_trips_through_json_with_money_as_strings() {
    let policy = example_policy();
    let json = serde_json::to_string(&policy).expect("serialises");
    assert!(json.contains(r#""min_meal_price":"5.00""#), "{json}");
    assert!(json.contains(r#""flat":"3.00""#), "{json}");
    assert!(
        json.contains(r#""cross_district_standard":"hukou""#),
        "{json}"
    );
    let back: crate::subsidy::Policy = serde_json::from_str(&json).expect("deserialises");
    assert_eq!(back, policy);
}

#[test]
fn each_rule_problem_is_reported_with_its_rule_and_field() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "level = \"province\"\namount = \"1.00\"",
            "POLICY_UNKNOWN_LEVEL",
            "rule[1].level",
        ),
        ("amount = \"1.00\"", "POLICY_MISSING_FIELD", "rule[1].level"),
        (
            "level = \"city\"\nslots = [\"lunch\", \"supper\"]\namount = \"1.00\"",
            "POLICY_UNKNOWN_SLOT",
            "rule[1].slots[2]",
        ),
        (
            "level = \"city\"\nmodes = [\"takeaway\"]\namount = \"1.00\"",
            "POLICY_UNKNOWN_MODE",
            "rule[1].modes[1]",
        ),
        (
            "level = \"city\"\ncategories = [\"dibao\", \"poor\"]\namount = \"1.00\"",
            "POLICY_UNKNOWN_CATEGORY",
            "rule[1].categories[2]",
        ),
        (
            "level = \"city\"\ncategories = []\namount = \"1.00\"",
            "POLICY_EMPTY_LIST",
            "rule[1].categories",
        ),
        (
            "level = \"city\"\nslots = \"lunch\"\namount = \"1.00\"",
            "POLICY_WRONG_TYPE",
            "rule[1].slots",
        ),
        (
            "level = \"city\"\nage_min = 80\nage_max = 60\namount = \"1.00\"",
            "POLICY_AGE_RANGE",
            "rule[1].age_max",
        ),
        (
            "level = \"city\"\nage_min = -1\namount = \"1.00\"",
            "POLICY_AGE_INVALID",
            "rule[1].age_min",
        ),
        (
            "level = \"city\"\nage_min = \"60\"\namount = \"1.00\"",
            "POLICY_WRONG_TYPE",
            "rule[1].age_min",
        ),
        (
            "level = \"city\"\namount = \"-1.00\"",
            "POLICY_AMOUNT_NEGATIVE",
            "rule[1].amount",
        ),
        (
            "level = \"city\"\namount = \"1.005\"",
            "POLICY_AMOUNT_PRECISION",
            "rule[1].amount",
        ),
        (
            "level = \"city\"\namount = \"2,00\"",
            "POLICY_AMOUNT_INVALID",
            "rule[1].amount",
        ),
        (
            "level = \"city\"\namount = \"1e2\"",
            "POLICY_AMOUNT_INVALID",
            "rule[1].amount",
        ),
        (
            "level = \"city\"\namount = \"\"",
            "POLICY_AMOUNT_INVALID",
            "rule[1].amount",
        ),
        (
            "level = \"city\"\namount = 2.00",
            "POLICY_MONEY_NOT_STRING",
            "rule[1].amount",
        ),
        (
            "level = \"city\"\namount = 2",
            "POLICY_MONEY_NOT_STRING",
            "rule[1].amount",
        ),
        (
            "level = \"city\"\namount = \"1.00\"\nmin_meal_price = 15.0",
            "POLICY_MONEY_NOT_STRING",
            "rule[1].min_meal_price",
        ),
        ("level = \"city\"", "POLICY_AMOUNT_CHOICE", "rule[1].amount"),
        (
            "level = \"city\"\namount = \"1.00\"\namount_by_slot = { lunch = \"2.00\" }",
            "POLICY_AMOUNT_CHOICE",
            "rule[1].amount",
        ),
        (
            "level = \"city\"\namount_by_slot = { lunch = \"2.00\", supper = \"1.00\" }",
            "POLICY_UNKNOWN_SLOT",
            "rule[1].amount_by_slot.supper",
        ),
        (
            "level = \"city\"\namount_by_slot = { lunch = 2.0 }",
            "POLICY_MONEY_NOT_STRING",
            "rule[1].amount_by_slot.lunch",
        ),
        (
            "level = \"city\"\namount_by_slot = {}",
            "POLICY_EMPTY_LIST",
            "rule[1].amount_by_slot",
        ),
        (
            "level = \"city\"\nslots = [\"lunch\"]\namount_by_slot = { lunch = \"2.00\" }",
            "POLICY_CONFLICTING_FIELDS",
            "rule[1].slots",
        ),
        (
            "level = \"city\"\ngroup = \" \"\namount = \"1.00\"",
            "POLICY_EMPTY_VALUE",
            "rule[1].group",
        ),
        (
            "level = \"city\"\namout = \"1.00\"",
            "POLICY_UNKNOWN_KEY",
            "rule[1].amout",
        ),
    ];
    for (rule_body, code, path) in cases {
        let text = policy(&format!("[[rule]]\n{rule_body}\n"));
        assert_has_error(&errors_of(&text), code, path);
    }
}

#[test]
fn rules_are_counted_from_one_in_file_order() {
    let text = policy(
        r#"
[[rule]]
level = "city"
amount = "1.00"

[[rule]]
level = "city"
amount = "1.00"

[[rule]]
level = "city"
amount = 1.5
"#,
    );
    let errors = errors_of(&text);
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert_has_error(&errors, "POLICY_MONEY_NOT_STRING", "rule[3].amount");
    assert!(
        errors[0].message.starts_with("第3条规则的 amount："),
        "{}",
        errors[0].message
    );
    assert!(
        errors[0].message.contains("浮点"),
        "explains why: {}",
        errors[0].message
    );
}

#[test]
fn each_policy_level_problem_is_reported() {
    let rule = "[[rule]]\nlevel = \"city\"\namount = \"1.00\"\n";
    let cases: Vec<(String, &str, &str)> = vec![
        (
            format!("effective_from = \"2026-01-01\"\ncross_district_standard = \"hukou\"\n{rule}"),
            "POLICY_MISSING_FIELD",
            "policy.version",
        ),
        (
            format!("version = \"v\"\ncross_district_standard = \"hukou\"\n{rule}"),
            "POLICY_MISSING_FIELD",
            "policy.effective_from",
        ),
        (
            format!("version = \"v\"\neffective_from = \"2026-01-01\"\n{rule}"),
            "POLICY_MISSING_FIELD",
            "policy.cross_district_standard",
        ),
        (
            format!(
                "version = \"\"\neffective_from = \"2026-01-01\"\ncross_district_standard = \"hukou\"\n{rule}"
            ),
            "POLICY_EMPTY_VALUE",
            "policy.version",
        ),
        (
            format!(
                "version = \"{}\"\neffective_from = \"2026-01-01\"\ncross_district_standard = \"hukou\"\n{rule}",
                "v".repeat(33)
            ),
            "POLICY_VERSION_INVALID",
            "policy.version",
        ),
        (
            format!(
                "version = \"2026/01 修订\"\neffective_from = \"2026-01-01\"\ncross_district_standard = \"hukou\"\n{rule}"
            ),
            "POLICY_VERSION_INVALID",
            "policy.version",
        ),
        (
            format!(
                "version = \"v\"\neffective_from = \"2026-02-30\"\ncross_district_standard = \"hukou\"\n{rule}"
            ),
            "POLICY_DATE",
            "policy.effective_from",
        ),
        (
            format!(
                "version = \"v\"\neffective_from = 2026-01-01T08:00:00\ncross_district_standard = \"hukou\"\n{rule}"
            ),
            "POLICY_DATE",
            "policy.effective_from",
        ),
        (
            format!(
                "version = \"v\"\neffective_from = \"2026-01-01\"\ncross_district_standard = \"residence\"\n{rule}"
            ),
            "POLICY_UNKNOWN_STANDARD",
            "policy.cross_district_standard",
        ),
        (
            policy(&format!("currency = \"USD\"\n{rule}")),
            "POLICY_CURRENCY",
            "policy.currency",
        ),
        (
            policy(&format!("min_meal_price = 5.0\n{rule}")),
            "POLICY_MONEY_NOT_STRING",
            "policy.min_meal_price",
        ),
        (
            policy(&format!("max_subsidised_per_slot = 0\n{rule}")),
            "POLICY_SLOT_CAP",
            "policy.max_subsidised_per_slot",
        ),
        (
            policy(&format!("never_below_zero = false\n{rule}")),
            "POLICY_NEVER_BELOW_ZERO",
            "policy.never_below_zero",
        ),
        (
            policy(&format!("stacking = \"sum\"\n{rule}")),
            "POLICY_UNKNOWN_KEY",
            "policy.stacking",
        ),
        (policy(""), "POLICY_NO_RULES", "policy.rule"),
        (policy("rule = []"), "POLICY_NO_RULES", "policy.rule"),
        (
            policy("rule = \"none\""),
            "POLICY_WRONG_TYPE",
            "policy.rule",
        ),
        (policy("[[rule"), "POLICY_SYNTAX", "policy"),
    ];
    for (text, code, path) in &cases {
        assert_has_error(&errors_of(text), code, path);
    }
}

#[test]
fn each_district_problem_names_the_district() {
    let rule = "[[rule]]\nlevel = \"city\"\namount = \"1.00\"\n";
    let cases: Vec<(String, &str, &str)> = vec![
        (
            format!(
                "{rule}[[district]]\ncode = \"320402\"\n[[district.rule]]\nlevel = \"town\"\namount = \"1.00\"\n"
            ),
            "POLICY_UNKNOWN_LEVEL",
            "district 320402 rule[1].level",
        ),
        (
            format!(
                "{rule}[[district]]\ncode = \"320402\"\n[[district.rule]]\nlevel = \"city\"\namount = \"1.00\"\n[[district.rule]]\nlevel = \"city\"\namount = \"1.001\"\n"
            ),
            "POLICY_AMOUNT_PRECISION",
            "district 320402 rule[2].amount",
        ),
        (
            format!("{rule}[[district]]\ncode = \"320402\"\n"),
            "POLICY_NO_RULES",
            "district 320402.rule",
        ),
        (
            format!(
                "{rule}[[district]]\ncode = \"320402\"\n[[district.rule]]\nlevel = \"city\"\namount = \"1.00\"\n[[district]]\ncode = \"320402\"\n[[district.rule]]\nlevel = \"city\"\namount = \"2.00\"\n"
            ),
            "POLICY_DUPLICATE_DISTRICT",
            "district 320402.code",
        ),
        (
            format!(
                "{rule}[[district]]\ncode = \"32 04\"\n[[district.rule]]\nlevel = \"city\"\namount = \"1.00\"\n"
            ),
            "POLICY_DISTRICT_CODE",
            "district[1].code",
        ),
        (
            format!(
                "{rule}[[district]]\ncode = 320402\n[[district.rule]]\nlevel = \"city\"\namount = \"1.00\"\n"
            ),
            "POLICY_WRONG_TYPE",
            "district[1].code",
        ),
        (
            format!("{rule}[[district]]\n[[district.rule]]\nlevel = \"city\"\namount = \"1.00\"\n"),
            "POLICY_MISSING_FIELD",
            "district[1].code",
        ),
        (
            format!(
                "{rule}[[district]]\ncode = \"320402\"\nmin_meal_price = \"-5\"\n[[district.rule]]\nlevel = \"city\"\namount = \"1.00\"\n"
            ),
            "POLICY_AMOUNT_NEGATIVE",
            "district 320402.min_meal_price",
        ),
        (
            format!(
                "{rule}[[district]]\ncode = \"320402\"\ncross_district_standard = \"service\"\n[[district.rule]]\nlevel = \"city\"\namount = \"1.00\"\n"
            ),
            "POLICY_UNKNOWN_KEY",
            "district 320402.cross_district_standard",
        ),
    ];
    for (body, code, path) in &cases {
        assert_has_error(&errors_of(&policy(body)), code, path);
    }
}

#[test]
fn all_problems_are_returned_at_once() {
    let text = r#"
effective_from = "2026-13-01"
cross_district_standard = "hukou"
stacking = "max"

[[rule]]
level = "city"
amount = 1.5

[[rule]]
level = "district"
categories = ["dibao", "rich"]
amount = "2.00"

[[rule]]
level = "street"
age_min = 90
age_max = 80
amount = "1.00"
colour = "red"

[[district]]
code = "320404"

[[district.rule]]
level = "province"
amount = "1.00"
"#;
    let errors = errors_of(text);
    let found: Vec<(String, &str)> = errors.iter().map(|e| (e.path(), e.code())).collect();
    let expected = [
        ("policy.version", "POLICY_MISSING_FIELD"),
        ("policy.effective_from", "POLICY_DATE"),
        ("policy.stacking", "POLICY_UNKNOWN_KEY"),
        ("rule[1].amount", "POLICY_MONEY_NOT_STRING"),
        ("rule[2].categories[2]", "POLICY_UNKNOWN_CATEGORY"),
        ("rule[3].age_max", "POLICY_AGE_RANGE"),
        ("rule[3].colour", "POLICY_UNKNOWN_KEY"),
        ("district 320404 rule[1].level", "POLICY_UNKNOWN_LEVEL"),
    ];
    for (path, code) in expected {
        assert!(
            found.iter().any(|(p, c)| p == path && *c == code),
            "missing {code} at {path} in {found:#?}"
        );
    }
    assert_eq!(found.len(), expected.len(), "{found:#?}");
}

#[test]
fn messages_are_chinese_and_say_where() {
    let text = policy(
        "[[rule]]\nlevel = \"city\"\namount = \"1.00\"\n[[district]]\ncode = \"320402\"\n[[district.rule]]\nlevel = \"city\"\ncategories = [\"poor\"]\namount = \"1.00\"\n",
    );
    let errors = errors_of(&text);
    assert_eq!(errors.len(), 1, "{errors:#?}");
    let message = &errors[0].message;
    assert!(message.contains("区县 320402"), "{message}");
    assert!(message.contains("第1条规则"), "{message}");
    assert!(message.contains("未知的老人类别 \"poor\""), "{message}");
    assert!(
        message.contains("dibao（低保）"),
        "lists the choices: {message}"
    );
    assert_eq!(errors[0].location, "district 320402 rule[1]");
    assert_eq!(errors[0].field.as_deref(), Some("categories[1]"));
    assert_eq!(
        errors[0].to_string(),
        format!("district 320402 rule[1].categories[1] [POLICY_UNKNOWN_CATEGORY] {message}")
    );
}

#[test]
fn unknown_key_message_lists_the_keys_that_exist_there() {
    let errors = errors_of(&policy("[[rule]]\nlevel = \"city\"\namout = \"1.00\"\n"));
    let unknown = errors
        .iter()
        .find(|e| e.code() == "POLICY_UNKNOWN_KEY")
        .expect("unknown key reported");
    assert!(unknown.message.contains("\"amout\""), "{}", unknown.message);
    assert!(
        unknown.message.contains("amount_by_slot"),
        "{}",
        unknown.message
    );
}
