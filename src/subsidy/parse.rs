//! Reading and checking a policy file. Every problem is collected, each with its place in
//! the file, a stable code and a Chinese message for the clerk who publishes the policy.

use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use toml::{Table, Value};

use crate::subsidy::policy::{DistrictStandard, Policy, Rule, RuleAmount, rule_ref};
use crate::subsidy::terms::{Category, CrossDistrictStandard, FunderLevel, ServiceMode, Slot};

/// What is wrong with a policy file; [`PolicyErrorKind::code`] is the stable machine code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PolicyErrorKind {
    Syntax,
    UnknownKey,
    MissingField,
    WrongType,
    EmptyValue,
    MoneyNotString,
    AmountInvalid,
    AmountNegative,
    AmountPrecision,
    AmountChoice,
    ConflictingFields,
    UnknownLevel,
    UnknownSlot,
    UnknownMode,
    UnknownCategory,
    UnknownStandard,
    EmptyList,
    AgeInvalid,
    AgeRange,
    BadDate,
    NoRules,
    DuplicateDistrict,
    BadDistrictCode,
    Currency,
    SlotCap,
    NeverBelowZero,
    VersionName,
}

impl PolicyErrorKind {
    pub fn code(self) -> &'static str {
        match self {
            PolicyErrorKind::Syntax => "POLICY_SYNTAX",
            PolicyErrorKind::UnknownKey => "POLICY_UNKNOWN_KEY",
            PolicyErrorKind::MissingField => "POLICY_MISSING_FIELD",
            PolicyErrorKind::WrongType => "POLICY_WRONG_TYPE",
            PolicyErrorKind::EmptyValue => "POLICY_EMPTY_VALUE",
            PolicyErrorKind::MoneyNotString => "POLICY_MONEY_NOT_STRING",
            PolicyErrorKind::AmountInvalid => "POLICY_AMOUNT_INVALID",
            PolicyErrorKind::AmountNegative => "POLICY_AMOUNT_NEGATIVE",
            PolicyErrorKind::AmountPrecision => "POLICY_AMOUNT_PRECISION",
            PolicyErrorKind::AmountChoice => "POLICY_AMOUNT_CHOICE",
            PolicyErrorKind::ConflictingFields => "POLICY_CONFLICTING_FIELDS",
            PolicyErrorKind::UnknownLevel => "POLICY_UNKNOWN_LEVEL",
            PolicyErrorKind::UnknownSlot => "POLICY_UNKNOWN_SLOT",
            PolicyErrorKind::UnknownMode => "POLICY_UNKNOWN_MODE",
            PolicyErrorKind::UnknownCategory => "POLICY_UNKNOWN_CATEGORY",
            PolicyErrorKind::UnknownStandard => "POLICY_UNKNOWN_STANDARD",
            PolicyErrorKind::EmptyList => "POLICY_EMPTY_LIST",
            PolicyErrorKind::AgeInvalid => "POLICY_AGE_INVALID",
            PolicyErrorKind::AgeRange => "POLICY_AGE_RANGE",
            PolicyErrorKind::BadDate => "POLICY_DATE",
            PolicyErrorKind::NoRules => "POLICY_NO_RULES",
            PolicyErrorKind::DuplicateDistrict => "POLICY_DUPLICATE_DISTRICT",
            PolicyErrorKind::BadDistrictCode => "POLICY_DISTRICT_CODE",
            PolicyErrorKind::Currency => "POLICY_CURRENCY",
            PolicyErrorKind::SlotCap => "POLICY_SLOT_CAP",
            PolicyErrorKind::NeverBelowZero => "POLICY_NEVER_BELOW_ZERO",
            PolicyErrorKind::VersionName => "POLICY_VERSION_INVALID",
        }
    }
}

/// One problem found in a policy file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyError {
    pub kind: PolicyErrorKind,
    /// Which part of the file: `policy`, `rule[3]`, `district 320402`, `district 320402 rule[1]`.
    pub location: String,
    /// The key within that part, e.g. `amount` or `amount_by_slot.lunch`; `None` for the whole part.
    pub field: Option<String>,
    /// A complete Chinese sentence for the clerk who edits the policy, naming the place itself.
    pub message: String,
}

impl PolicyError {
    pub fn code(&self) -> &'static str {
        self.kind.code()
    }

    /// `rule[3].amount`, or just the location when no single field is at fault.
    pub fn path(&self) -> String {
        match &self.field {
            Some(field) => format!("{}.{field}", self.location),
            None => self.location.clone(),
        }
    }
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} [{}] {}", self.path(), self.code(), self.message)
    }
}

impl std::error::Error for PolicyError {}

/// Reads and validates a policy file, returning every problem found rather than the first, so
/// the clerk publishing a policy can fix them all in one pass.
pub fn parse_policy(toml_text: &str) -> Result<Policy, Vec<PolicyError>> {
    let mut errors = Vec::new();
    let table = match toml_text.parse::<Table>() {
        Ok(table) => table,
        Err(syntax) => {
            let message = format!("不是有效的 TOML：{syntax}");
            report(
                &mut errors,
                &Place::policy(),
                None,
                PolicyErrorKind::Syntax,
                message,
            );
            return Err(errors);
        }
    };

    let place = Place::policy();
    let mut top = TableReader::new(table, &place, &mut errors);
    let city = top.optional("city", text);
    let version = top.required("version", version_name);
    let effective_from = top.required("effective_from", date);
    let currency = top.optional("currency", currency);
    let standard = top.required("cross_district_standard", named);
    let min_meal_price = top.optional("min_meal_price", money);
    let max_subsidised_per_slot = top.optional("max_subsidised_per_slot", slot_cap);
    let never_below_zero = top.optional("never_below_zero", never_below_zero);
    let rules = top.raw("rule");
    let districts = top.raw("district");
    top.finish();

    let rules = read_rules(rules, &place, None, &mut errors);
    let districts = read_districts(districts, &mut errors);

    match (
        city,
        version,
        effective_from,
        currency,
        standard,
        min_meal_price,
        max_subsidised_per_slot,
        never_below_zero,
        rules,
        districts,
    ) {
        (
            Ok(city),
            Ok(version),
            Ok(effective_from),
            Ok(_),
            Ok(cross_district_standard),
            Ok(min_meal_price),
            Ok(max_subsidised_per_slot),
            Ok(_),
            Ok(rules),
            Ok(districts),
        ) if errors.is_empty() => Ok(Policy {
            city,
            version,
            effective_from,
            cross_district_standard,
            min_meal_price: min_meal_price.unwrap_or(Decimal::new(0, 2)),
            max_subsidised_per_slot,
            rules,
            districts,
        }),
        _ => Err(errors),
    }
}

fn read_rules(
    value: Option<Value>,
    parent: &Place,
    district_code: Option<&str>,
    errors: &mut Vec<PolicyError>,
) -> Result<Vec<Rule>, Reported> {
    let items = match value {
        Some(Value::Array(items)) if !items.is_empty() => items,
        Some(Value::Array(_)) | None => {
            return Err(report(
                errors,
                parent,
                Some("rule"),
                PolicyErrorKind::NoRules,
                "没有任何规则，至少需要一条 [[rule]]".to_string(),
            ));
        }
        Some(_) => {
            return Err(report(
                errors,
                parent,
                Some("rule"),
                PolicyErrorKind::WrongType,
                "规则应写成 [[rule]] 表数组".to_string(),
            ));
        }
    };

    let mut rules = Vec::with_capacity(items.len());
    let mut all_valid = true;
    for (index, item) in items.into_iter().enumerate() {
        let place = Place::rule(parent, district_code, index + 1);
        match item {
            Value::Table(table) => match read_rule(table, &place, errors) {
                Ok(rule) => rules.push(rule),
                Err(Reported) => all_valid = false,
            },
            _ => {
                report(
                    errors,
                    &place,
                    None,
                    PolicyErrorKind::WrongType,
                    "规则应写成 [[rule]] 表".to_string(),
                );
                all_valid = false;
            }
        }
    }
    if all_valid { Ok(rules) } else { Err(Reported) }
}

fn read_rule(table: Table, place: &Place, errors: &mut Vec<PolicyError>) -> Result<Rule, Reported> {
    let mut reader = TableReader::new(table, place, errors);
    let name = reader.optional("name", text);
    let level = reader.required("level", named);
    let group = reader.optional("group", text);
    let age_min = reader.optional("age_min", age);
    let age_max = reader.optional("age_max", age);
    let categories = reader.list("categories");
    let slots = reader.list("slots");
    let modes = reader.list("modes");
    let min_meal_price = reader.optional("min_meal_price", money);
    let amount = reader.optional("amount", money);
    let amount_by_slot = reader.amount_by_slot("amount_by_slot");

    let ages = match (age_min, age_max) {
        (Ok(Some(min)), Ok(Some(max))) if min > max => Err(reader.report(
            "age_max",
            PolicyErrorKind::AgeRange,
            format!("年龄下限 age_min = {min} 大于上限 age_max = {max}（两端都包含在内）"),
        )),
        (Ok(min), Ok(max)) => Ok((min, max)),
        _ => Err(Reported),
    };

    let slots_agree = match (&slots, &amount_by_slot) {
        (Ok(Some(_)), Ok(Some(_))) => Err(reader.report(
            "slots",
            PolicyErrorKind::ConflictingFields,
            "已用 amount_by_slot 按餐次写明金额，不要再写 slots".to_string(),
        )),
        _ => Ok(()),
    };

    let amount = match (amount, amount_by_slot) {
        (Ok(Some(amount)), Ok(None)) => Ok(RuleAmount::Flat(amount)),
        (Ok(None), Ok(Some(by_slot))) => Ok(RuleAmount::BySlot(by_slot)),
        (Ok(Some(_)), Ok(Some(_))) => Err(reader.report(
            "amount",
            PolicyErrorKind::AmountChoice,
            "amount 与 amount_by_slot 只能填写一个".to_string(),
        )),
        (Ok(None), Ok(None)) => Err(reader.report(
            "amount",
            PolicyErrorKind::AmountChoice,
            "缺少补贴金额：请填写 amount，或按餐次填写 amount_by_slot".to_string(),
        )),
        _ => Err(Reported),
    };
    reader.finish();

    let ((age_min, age_max), amount) = (ages?, amount?);
    slots_agree?;
    Ok(Rule {
        name: name?,
        level: level?,
        group: group?,
        age_min,
        age_max,
        categories: categories?,
        slots: slots?,
        modes: modes?,
        min_meal_price: min_meal_price?,
        amount,
    })
}

fn read_districts(
    value: Option<Value>,
    errors: &mut Vec<PolicyError>,
) -> Result<Vec<DistrictStandard>, Reported> {
    let items = match value {
        None => return Ok(Vec::new()),
        Some(Value::Array(items)) => items,
        Some(_) => {
            return Err(report(
                errors,
                &Place::policy(),
                Some("district"),
                PolicyErrorKind::WrongType,
                "区县标准应写成 [[district]] 表数组".to_string(),
            ));
        }
    };

    let mut districts = Vec::with_capacity(items.len());
    let mut seen_codes = HashSet::new();
    let mut all_valid = true;
    for (index, item) in items.into_iter().enumerate() {
        let Value::Table(table) = item else {
            report(
                errors,
                &Place::district_at(index + 1),
                None,
                PolicyErrorKind::WrongType,
                "区县标准应写成 [[district]] 表".to_string(),
            );
            all_valid = false;
            continue;
        };
        // Name the section by its code in later messages when the code is usable.
        let usable_code = table
            .get("code")
            .and_then(Value::as_str)
            .filter(|code| district_code_problem(code).is_none())
            .map(str::to_string);
        let place = match &usable_code {
            Some(code) => Place::district(code),
            None => Place::district_at(index + 1),
        };

        let mut reader = TableReader::new(table, &place, errors);
        let code = reader.required("code", district_code);
        let name = reader.optional("name", text);
        let min_meal_price = reader.optional("min_meal_price", money);
        let rules = reader.raw("rule");
        let code = match code {
            Ok(code) if !seen_codes.insert(code.clone()) => Err(reader.report(
                "code",
                PolicyErrorKind::DuplicateDistrict,
                format!("区县代码 {code} 出现了不止一次，每个区县只能有一个 [[district]] 段"),
            )),
            other => other,
        };
        reader.finish();
        let rules = read_rules(rules, &place, usable_code.as_deref(), errors);

        match (code, name, min_meal_price, rules) {
            (Ok(code), Ok(name), Ok(min_meal_price), Ok(rules)) => {
                districts.push(DistrictStandard {
                    code,
                    name,
                    min_meal_price,
                    rules,
                });
            }
            _ => all_valid = false,
        }
    }
    if all_valid {
        Ok(districts)
    } else {
        Err(Reported)
    }
}

/// Marks a value whose problem has already been added to the error list.
#[derive(Debug)]
struct Reported;

/// A problem with one value, before it is placed in the file.
struct Problem {
    kind: PolicyErrorKind,
    message: String,
}

fn problem(kind: PolicyErrorKind, message: impl Into<String>) -> Problem {
    Problem {
        kind,
        message: message.into(),
    }
}

/// The `location` of problems with the file's top-level keys.
const POLICY_LOCATION: &str = "policy";

/// Where in the file, in the words of the error's `location` and of its Chinese message.
struct Place {
    location: String,
    zh: String,
}

impl Place {
    fn policy() -> Place {
        Place {
            location: POLICY_LOCATION.to_string(),
            zh: "政策文件".to_string(),
        }
    }

    fn district(code: &str) -> Place {
        Place {
            location: format!("district {code}"),
            zh: format!("区县 {code} 的标准"),
        }
    }

    fn district_at(number: usize) -> Place {
        Place {
            location: format!("district[{number}]"),
            zh: format!("第{number}个 [[district]] 段"),
        }
    }

    fn rule(parent: &Place, district_code: Option<&str>, number: usize) -> Place {
        let (location, zh) = match (parent.location.as_str(), district_code) {
            (POLICY_LOCATION, _) => (rule_ref(None, number), format!("第{number}条规则")),
            (_, Some(code)) => (
                rule_ref(Some(code), number),
                format!("{}中第{number}条规则", parent.zh),
            ),
            (parent_location, None) => (
                format!("{parent_location} rule[{number}]"),
                format!("{}中第{number}条规则", parent.zh),
            ),
        };
        Place { location, zh }
    }
}

fn report(
    errors: &mut Vec<PolicyError>,
    place: &Place,
    field: Option<&str>,
    kind: PolicyErrorKind,
    message: String,
) -> Reported {
    let whereabouts = match field {
        Some(field) => format!("{}的 {field}", place.zh),
        None => place.zh.clone(),
    };
    errors.push(PolicyError {
        kind,
        location: place.location.clone(),
        field: field.map(str::to_string),
        message: format!("{whereabouts}：{message}"),
    });
    Reported
}

/// Takes known keys out of one TOML table, checking each value; whatever is left at the end
/// is an unknown key.
///
/// serde's `deny_unknown_fields` would stop at the first problem in the whole file; walking
/// the table by hand lets one pass report every problem, each with its place.
struct TableReader<'a> {
    table: Table,
    place: &'a Place,
    errors: &'a mut Vec<PolicyError>,
    known: Vec<&'static str>,
}

impl<'a> TableReader<'a> {
    fn new(table: Table, place: &'a Place, errors: &'a mut Vec<PolicyError>) -> Self {
        TableReader {
            table,
            place,
            errors,
            known: Vec::new(),
        }
    }

    fn report(&mut self, field: &str, kind: PolicyErrorKind, message: String) -> Reported {
        report(self.errors, self.place, Some(field), kind, message)
    }

    fn raw(&mut self, key: &'static str) -> Option<Value> {
        self.known.push(key);
        self.table.remove(key)
    }

    fn optional<T>(
        &mut self,
        key: &'static str,
        check: impl FnOnce(Value) -> Result<T, Problem>,
    ) -> Result<Option<T>, Reported> {
        match self.raw(key) {
            None => Ok(None),
            Some(value) => check(value)
                .map(Some)
                .map_err(|problem| self.report(key, problem.kind, problem.message)),
        }
    }

    fn required<T>(
        &mut self,
        key: &'static str,
        check: impl FnOnce(Value) -> Result<T, Problem>,
    ) -> Result<T, Reported> {
        match self.optional(key, check)? {
            Some(value) => Ok(value),
            None => Err(self.report(
                key,
                PolicyErrorKind::MissingField,
                format!("缺少必填项 {key}"),
            )),
        }
    }

    /// A list of names such as `categories = ["dibao", "tekun_dispersed"]`; every unknown
    /// name is reported on its own, as `categories[2]`.
    fn list<V: Vocabulary>(&mut self, key: &'static str) -> Result<Option<Vec<V>>, Reported> {
        let items = match self.raw(key) {
            None => return Ok(None),
            Some(Value::Array(items)) if items.is_empty() => {
                return Err(self.report(
                    key,
                    PolicyErrorKind::EmptyList,
                    "列表为空。不限制时请整行删去，不要写空列表".to_string(),
                ));
            }
            Some(Value::Array(items)) => items,
            Some(_) => {
                return Err(self.report(
                    key,
                    PolicyErrorKind::WrongType,
                    format!("应写成列表，如 {key} = [\"{}\"]", V::ALL[0].name()),
                ));
            }
        };
        let mut parsed = Vec::with_capacity(items.len());
        let mut all_valid = true;
        for (index, item) in items.into_iter().enumerate() {
            match named::<V>(item) {
                Ok(value) => parsed.push(value),
                Err(problem) => {
                    let field = format!("{key}[{}]", index + 1);
                    self.report(&field, problem.kind, problem.message);
                    all_valid = false;
                }
            }
        }
        if all_valid {
            Ok(Some(parsed))
        } else {
            Err(Reported)
        }
    }

    /// `amount_by_slot = { breakfast = "1.00", lunch = "2.00" }`; each entry checked on its own.
    fn amount_by_slot(
        &mut self,
        key: &'static str,
    ) -> Result<Option<BTreeMap<Slot, Decimal>>, Reported> {
        let entries = match self.raw(key) {
            None => return Ok(None),
            Some(Value::Table(entries)) if entries.is_empty() => {
                return Err(self.report(
                    key,
                    PolicyErrorKind::EmptyList,
                    "没有写任何餐次的金额".to_string(),
                ));
            }
            Some(Value::Table(entries)) => entries,
            Some(_) => {
                return Err(self.report(
                    key,
                    PolicyErrorKind::WrongType,
                    "应写成 { breakfast = \"1.00\", lunch = \"2.00\" } 的形式".to_string(),
                ));
            }
        };
        let mut amounts = BTreeMap::new();
        let mut all_valid = true;
        for (name, value) in entries {
            let field = format!("{key}.{name}");
            let entry = Slot::parse(&name)
                .ok_or_else(|| unknown_name::<Slot>(&name))
                .and_then(|slot| Ok((slot, money(value)?)));
            match entry {
                Ok((slot, amount)) => {
                    amounts.insert(slot, amount);
                }
                Err(problem) => {
                    self.report(&field, problem.kind, problem.message);
                    all_valid = false;
                }
            }
        }
        if all_valid {
            Ok(Some(amounts))
        } else {
            Err(Reported)
        }
    }

    fn finish(self) {
        for key in self.table.keys() {
            let message = format!(
                "未知的设置项 \"{key}\"，请检查拼写。这里可用的设置项有：{}",
                self.known.join("、")
            );
            report(
                self.errors,
                self.place,
                Some(key),
                PolicyErrorKind::UnknownKey,
                message,
            );
        }
    }
}

/// The closed lists of names a policy file uses, so one checker serves them all and every
/// message can list the accepted names with their Chinese labels.
trait Vocabulary: Copy + 'static {
    /// What the names are, in the clerk's words.
    const WHAT_ZH: &'static str;
    const UNKNOWN: PolicyErrorKind;
    const ALL: &'static [Self];
    fn name(self) -> &'static str;
    fn label(self) -> &'static str;

    fn choices() -> String {
        Self::ALL
            .iter()
            .map(|value| format!("{}（{}）", value.name(), value.label()))
            .collect::<Vec<_>>()
            .join("、")
    }
}

impl Vocabulary for Category {
    const WHAT_ZH: &'static str = "老人类别";
    const UNKNOWN: PolicyErrorKind = PolicyErrorKind::UnknownCategory;
    const ALL: &'static [Self] = Category::ALL;
    fn name(self) -> &'static str {
        self.as_str()
    }
    fn label(self) -> &'static str {
        self.label_zh()
    }
}

impl Vocabulary for Slot {
    const WHAT_ZH: &'static str = "餐次";
    const UNKNOWN: PolicyErrorKind = PolicyErrorKind::UnknownSlot;
    const ALL: &'static [Self] = Slot::ALL;
    fn name(self) -> &'static str {
        self.as_str()
    }
    fn label(self) -> &'static str {
        self.label_zh()
    }
}

impl Vocabulary for ServiceMode {
    const WHAT_ZH: &'static str = "服务方式";
    const UNKNOWN: PolicyErrorKind = PolicyErrorKind::UnknownMode;
    const ALL: &'static [Self] = ServiceMode::ALL;
    fn name(self) -> &'static str {
        self.as_str()
    }
    fn label(self) -> &'static str {
        self.label_zh()
    }
}

impl Vocabulary for FunderLevel {
    const WHAT_ZH: &'static str = "出资层级";
    const UNKNOWN: PolicyErrorKind = PolicyErrorKind::UnknownLevel;
    const ALL: &'static [Self] = FunderLevel::ALL;
    fn name(self) -> &'static str {
        self.as_str()
    }
    fn label(self) -> &'static str {
        self.label_zh()
    }
}

impl Vocabulary for CrossDistrictStandard {
    const WHAT_ZH: &'static str = "跨区补贴标准";
    const UNKNOWN: PolicyErrorKind = PolicyErrorKind::UnknownStandard;
    const ALL: &'static [Self] = CrossDistrictStandard::ALL;
    fn name(self) -> &'static str {
        self.as_str()
    }
    fn label(self) -> &'static str {
        self.label_zh()
    }
}

fn unknown_name<V: Vocabulary>(name: &str) -> Problem {
    problem(
        V::UNKNOWN,
        format!("未知的{} \"{name}\"，可选：{}", V::WHAT_ZH, V::choices()),
    )
}

/// One name out of a vocabulary, e.g. `level = "district"`.
fn named<V: Vocabulary>(value: Value) -> Result<V, Problem> {
    let Value::String(name) = value else {
        return Err(problem(
            PolicyErrorKind::WrongType,
            format!("应为带引号的{}，可选：{}", V::WHAT_ZH, V::choices()),
        ));
    };
    V::ALL
        .iter()
        .copied()
        .find(|value| value.name() == name)
        .ok_or_else(|| unknown_name::<V>(&name))
}

fn text(value: Value) -> Result<String, Problem> {
    match value {
        Value::String(text) if text.trim().is_empty() => {
            Err(problem(PolicyErrorKind::EmptyValue, "不能为空"))
        }
        Value::String(text) => Ok(text.trim().to_string()),
        _ => Err(problem(
            PolicyErrorKind::WrongType,
            "应为带引号的文字，如 \"2026-01\"",
        )),
    }
}

/// The longest version name: enough for `2026-01-revised-2`, short enough for a URL segment, a
/// column and a line of the console.
pub const VERSION_MAX_CHARS: usize = 32;

/// A version name is part of URLs (`/subsidy-policies/{version}`) and is frozen on every order:
/// 1 to 32 letters, digits, `-`, `_` or `.`.
fn version_name(value: Value) -> Result<String, Problem> {
    let name = text(value)?;
    let plain = name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if name.chars().count() > VERSION_MAX_CHARS || !plain {
        return Err(problem(
            PolicyErrorKind::VersionName,
            format!("版本号须为 1 到 {VERSION_MAX_CHARS} 位字母、数字或 - _ .，如 \"2026-01\""),
        ));
    }
    Ok(name)
}

/// Money is written as a quoted string with at most two decimals: a bare TOML number is an
/// integer or a binary float, and a float cannot hold every fen exactly.
fn money(value: Value) -> Result<Decimal, Problem> {
    let text = match value {
        Value::String(text) => text,
        Value::Float(_) | Value::Integer(_) => {
            return Err(problem(
                PolicyErrorKind::MoneyNotString,
                "金额必须写成带引号的字符串，如 \"2.00\"：不带引号的数字在 TOML 里是整数或浮点数，浮点数无法精确表示“分”，所以金额不接受数字写法",
            ));
        }
        _ => {
            return Err(problem(
                PolicyErrorKind::WrongType,
                "金额应写成带引号的字符串，如 \"2.00\"",
            ));
        }
    };
    if let Some(magnitude) = text.strip_prefix('-')
        && is_plain_decimal(magnitude)
    {
        return Err(problem(
            PolicyErrorKind::AmountNegative,
            format!("金额 \"{text}\" 不能为负数"),
        ));
    }
    if !is_plain_decimal(&text) {
        return Err(problem(
            PolicyErrorKind::AmountInvalid,
            format!("\"{text}\" 不是有效金额，应写成如 \"2.00\" 的元金额"),
        ));
    }
    let amount = Decimal::from_str(&text).map_err(|_| {
        problem(
            PolicyErrorKind::AmountInvalid,
            format!("\"{text}\" 不是有效金额，金额过大"),
        )
    })?;
    if amount.normalize().scale() > 2 {
        return Err(problem(
            PolicyErrorKind::AmountPrecision,
            format!("金额 \"{text}\" 最多两位小数（精确到分）"),
        ));
    }
    let mut amount = amount.normalize();
    amount.rescale(2);
    Ok(amount)
}

/// Digits with at most one decimal point and digits on both sides of it: "2", "2.5", "2.00".
fn is_plain_decimal(text: &str) -> bool {
    let (whole, fraction) = match text.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (text, None),
    };
    let all_digits = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
    all_digits(whole) && fraction.is_none_or(all_digits)
}

fn date(value: Value) -> Result<NaiveDate, Problem> {
    let parsed = match &value {
        Value::String(text) => NaiveDate::parse_from_str(text, "%Y-%m-%d").ok(),
        Value::Datetime(datetime) => match (datetime.date, datetime.time, datetime.offset) {
            (Some(day), None, None) => NaiveDate::from_ymd_opt(
                i32::from(day.year),
                u32::from(day.month),
                u32::from(day.day),
            ),
            _ => None,
        },
        _ => None,
    };
    parsed.ok_or_else(|| {
        problem(
            PolicyErrorKind::BadDate,
            format!("{value} 不是有效日期，应写成如 \"2026-01-01\"，只写日期"),
        )
    })
}

fn age(value: Value) -> Result<u32, Problem> {
    match value {
        Value::Integer(years) => u32::try_from(years)
            .ok()
            .filter(|years| *years <= 150)
            .ok_or_else(|| {
                problem(
                    PolicyErrorKind::AgeInvalid,
                    format!("年龄 {years} 不合理，应在 0 到 150 之间"),
                )
            }),
        _ => Err(problem(
            PolicyErrorKind::WrongType,
            "年龄应为不带引号的整数，如 60",
        )),
    }
}

fn slot_cap(value: Value) -> Result<u32, Problem> {
    match value {
        Value::Integer(count) => u32::try_from(count)
            .ok()
            .filter(|count| (1..=100).contains(count))
            .ok_or_else(|| {
                problem(
                    PolicyErrorKind::SlotCap,
                    format!("{count} 不合理：每人每天每餐次补贴次数应在 1 到 100 之间；不设上限时请删去此项"),
                )
            }),
        _ => Err(problem(
            PolicyErrorKind::WrongType,
            "应为不带引号的整数，如 1",
        )),
    }
}

/// Only `true` is accepted: the elder's share can never be negative, so the subsidy is always
/// capped at the meal's gross price. The key exists so a policy can say so explicitly.
fn never_below_zero(value: Value) -> Result<bool, Problem> {
    match value {
        Value::Boolean(true) => Ok(true),
        Value::Boolean(false) => Err(problem(
            PolicyErrorKind::NeverBelowZero,
            "本系统中补贴最多等于餐价，老人自付额不能为负，此项只能为 true（或删去）",
        )),
        _ => Err(problem(PolicyErrorKind::WrongType, "应为 true（不带引号）")),
    }
}

fn currency(value: Value) -> Result<(), Problem> {
    match value {
        Value::String(code) if code == "CNY" => Ok(()),
        _ => Err(problem(
            PolicyErrorKind::Currency,
            "币种只能是 \"CNY\"（人民币元）",
        )),
    }
}

/// `None` when the code is usable, else why not.
fn district_code_problem(code: &str) -> Option<&'static str> {
    let well_formed = !code.is_empty()
        && code.len() <= 20
        && code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    (!well_formed).then_some(
        "区县代码应为 GB/T 2260 六位代码（如 \"320402\"）或本地代码（如 \"CZ-ETDZ\"），只能包含字母、数字和连字符",
    )
}

fn district_code(value: Value) -> Result<String, Problem> {
    let Value::String(code) = value else {
        return Err(problem(
            PolicyErrorKind::WrongType,
            "区县代码应写成带引号的字符串，如 code = \"320402\"",
        ));
    };
    match district_code_problem(&code) {
        None => Ok(code),
        Some(message) => Err(problem(PolicyErrorKind::BadDistrictCode, message)),
    }
}
