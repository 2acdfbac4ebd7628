//! The OpenAPI document as it is served, made to say what the service does where the derive
//! cannot, and the answer to a method the document does not list for a path.
//!
//! poem-openapi derives the document from the types, which leaves three things untrue: an
//! `Option` field is written without `nullable` although `null` is sent (and accepted), an
//! operation behind the bearer scheme whose handler cannot fail declares no 401 although the
//! scheme answers one, and an operation with a JSON body does not declare the 415 the framework
//! answers to another content type. [`publish`] adds those to the derived document, once, for
//! every operation and every schema (today's and tomorrow's), so no field or operation has to
//! remember it. Everything else (bounds, lengths, patterns, enums, each operation's answers)
//! is stated on the types and operations themselves.

use std::collections::BTreeSet;

use poem::{Endpoint, IntoResponse, Request, Response};
use serde_json::{Map, Value, json};

use crate::error::{AppError, ErrorKind};

const ERROR_BODY: &str = "#/components/schemas/ErrorBody";

/// The served document: the derived one with `nullable`, 401 and 415 where they are true.
pub fn publish(derived: &str) -> String {
    let mut doc: Value = serde_json::from_str(derived).expect("poem-openapi writes valid JSON");
    if let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    {
        for schema in schemas.values_mut() {
            mark_optional_properties_nullable(schema);
        }
    }
    let requests = request_schemas(&doc);
    if let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    {
        for (name, schema) in schemas.iter_mut() {
            state_dates(schema, requests.contains(name));
            if requests.contains(name) {
                state_request_amounts(schema);
            }
        }
        // Derived with `deny_unknown_fields`, which poem-openapi does not write into the schema.
        if let Some(changes) = schemas
            .get_mut("MealPointChanges")
            .and_then(Value::as_object_mut)
        {
            changes.insert("additionalProperties".into(), Value::Bool(false));
        }
        for (schema, property, rules) in body_rules() {
            let target = schemas
                .get_mut(schema)
                .and_then(|s| s.get_mut("properties"))
                .and_then(|p| p.get_mut(property));
            debug_assert!(target.is_some(), "no property {schema}.{property}");
            if let Some(target) = target {
                merge(target, rules);
            }
        }
    }
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for parameter in paths
            .values_mut()
            .filter_map(Value::as_object_mut)
            .flat_map(|methods| methods.values_mut())
            .filter_map(|operation| operation.get_mut("parameters"))
            .filter_map(Value::as_array_mut)
            .flatten()
        {
            if parameter["in"] == "query" {
                let name = parameter["name"].as_str().unwrap_or_default().to_string();
                if let Some(schema) = parameter.get_mut("schema").and_then(Value::as_object_mut) {
                    state_query_bounds(&name, schema);
                }
            }
            if let Some(schema) = parameter.get_mut("schema") {
                state_dates(schema, true);
                state_request_amounts(schema);
            }
        }
        for (path, operation) in paths
            .iter_mut()
            .filter_map(|(path, methods)| Some((path, methods.as_object_mut()?)))
            .flat_map(|(path, methods)| methods.values_mut().map(move |o| (path, o)))
            .filter_map(|(path, operation)| Some((path, operation.as_object_mut()?)))
        {
            if operation.contains_key("security") {
                declare(
                    operation,
                    "401",
                    "Not signed in, or the session expired or was revoked",
                );
            }
            declare_file_types(path, operation);
            if operation.contains_key("requestBody") {
                declare(
                    operation,
                    "415",
                    "The body is not sent as `application/json`",
                );
            }
        }
    }
    serde_json::to_string(&doc).expect("a JSON value serialises")
}

/// A date in a request or a response: `YYYY-MM-DD` between 2000 and 2199 (the service refuses
/// other years with `DATE_OUT_OF_RANGE`: they are typing mistakes, and they keep every date
/// arithmetic far from chrono's limits), stated as a pattern that only real dates match.
pub const DATE_PATTERN: &str = concat!(
    "^(?:2[01][0-9]{2}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])",
    "|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)|02-(?:0[1-9]|1[0-9]|2[0-8]))",
    "|(?:20(?:[02468][048]|[13579][26])|21(?:[02468][048]|[13579][26]))-02-29)$"
);

/// A month, `YYYY-MM`, in the same years.
pub const MONTH_PATTERN: &str = "^2[01][0-9]{2}-(?:0[1-9]|1[0-2])$";

/// A name, an address or a like text: at least one character that is not a space, and no
/// control characters.
pub const TEXT_PATTERN: &str =
    r"^[^\x00-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F][^\x00-\x1F\x7F-\x9F]*$";

/// A district's code: GB/T 2260's six digits, or a local code such as a management zone's `CZ-ETDZ`
/// (the rule the subsidy policy parser applies).
pub const DISTRICT_CODE_PATTERN: &str = "^[A-Za-z0-9-]{1,20}$";

/// poem-openapi writes chrono's `NaiveDate` as `format: naive-date`, which no client or
/// generator knows: every such schema becomes a `date`, and in what a request carries, a date in
/// the years the service takes (an answer may reach before them: a chart's first week).
fn state_dates(value: &mut Value, in_request: bool) {
    match value {
        Value::Object(object) => {
            if object.get("format").and_then(Value::as_str) == Some("naive-date") {
                object.insert("format".into(), json!("date"));
                if in_request {
                    object.insert("pattern".into(), json!(DATE_PATTERN));
                }
            }
            for child in object.values_mut() {
                state_dates(child, in_request);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| state_dates(v, in_request)),
        _ => {}
    }
}

/// An amount (`format: yuan`) in a request: the shape [`crate::money::Yuan`] reads, without a
/// minus sign or more than two decimals, which the domains refuse with their own codes. A field
/// with a narrower rule states it in [`body_rules`].
fn state_request_amounts(value: &mut Value) {
    match value {
        Value::Object(object) => {
            if object.get("format").and_then(Value::as_str) == Some("yuan") {
                object.insert("pattern".into(), json!(crate::money::REQUEST_YUAN_PATTERN));
            }
            object.values_mut().for_each(state_request_amounts);
        }
        Value::Array(items) => items.iter_mut().for_each(state_request_amounts),
        _ => {}
    }
}

/// Rules on body fields that the domains check with their own codes (`INVALID_PHONE`,
/// `COORDINATE_OUTSIDE_CHINA` …) rather than the framework's `<FIELD>_INVALID`, stated by schema
/// and property from the constants the checks use. Cross-field rules (delivery needs a radius,
/// slots in order, `from` before `to`) cannot be stated; `tests/contract/hooks.py` lists them.
fn body_rules() -> Vec<(&'static str, &'static str, Value)> {
    use crate::meal_points::{
        ADDRESS_MAX_CHARS, BOOKING_DAYS_AHEAD_MAX, NAME_MAX_CHARS, ORDER_LEAD_MINUTES_MAX,
        http::HHMM_PATTERN,
        rules::{
            CHINA_LAT, CHINA_LNG, DELIVERY_RADIUS_M, FOOD_LICENCE_PATTERN, LIVE_VIDEO_URL_MAX_LEN,
            LIVE_VIDEO_URL_PATTERN, PHONE_PATTERN,
        },
    };
    let meal_point = vec![
        (
            "name",
            json!({ "maxLength": NAME_MAX_CHARS, "pattern": TEXT_PATTERN }),
        ),
        (
            "address",
            json!({ "maxLength": ADDRESS_MAX_CHARS, "pattern": TEXT_PATTERN }),
        ),
        ("district_code", json!({ "pattern": DISTRICT_CODE_PATTERN })),
        (
            "lat",
            json!({ "minimum": CHINA_LAT.start(), "maximum": CHINA_LAT.end() }),
        ),
        (
            "lng",
            json!({ "minimum": CHINA_LNG.start(), "maximum": CHINA_LNG.end() }),
        ),
        ("phone", json!({ "pattern": PHONE_PATTERN })),
        ("service_modes", json!({ "minItems": 1 })),
        (
            "delivery_radius_m",
            json!({ "minimum": DELIVERY_RADIUS_M.start(), "maximum": DELIVERY_RADIUS_M.end() }),
        ),
        (
            "opening_days",
            json!({ "minItems": 1, "items": { "minimum": 1, "maximum": 7 } }),
        ),
        ("slot_hours", json!({ "minItems": 1, "maxItems": 3 })),
        (
            "order_lead_minutes",
            json!({ "minimum": 0, "maximum": ORDER_LEAD_MINUTES_MAX }),
        ),
        (
            "booking_days_ahead",
            json!({ "minimum": 0, "maximum": BOOKING_DAYS_AHEAD_MAX }),
        ),
        (
            "food_licence_no",
            json!({ "pattern": FOOD_LICENCE_PATTERN }),
        ),
        (
            "live_video_url",
            json!({ "maxLength": LIVE_VIDEO_URL_MAX_LEN, "pattern": LIVE_VIDEO_URL_PATTERN }),
        ),
    ];
    let mut rules = Vec::new();
    for schema in ["NewMealPoint", "MealPointChanges"] {
        for (property, rule) in &meal_point {
            rules.push((schema, *property, rule.clone()));
        }
    }
    rules.push((
        "NewMealPoint",
        "star_grade",
        json!({ "minimum": 1, "maximum": 5 }),
    ));
    for property in ["opens", "closes"] {
        rules.push((
            "SlotHoursInput",
            property,
            json!({ "pattern": HHMM_PATTERN }),
        ));
    }
    for schema in ["NewDish", "DishChanges", "OfferingInput", "OfferingChanges"] {
        rules.push((
            schema,
            "price",
            json!({ "pattern": crate::menus::rules::PRICE_PATTERN }),
        ));
    }
    {
        use crate::dashboard::rules::{MAX_TARGET, MAX_TARGETS, YEARS};
        let year = json!({ "minimum": YEARS.start(), "maximum": YEARS.end() });
        rules.push(("TargetEntry", "from_year", year.clone()));
        rules.push(("TargetEntry", "to_year", year));
        rules.push((
            "TargetEntry",
            "target",
            json!({ "minimum": 0, "maximum": MAX_TARGET }),
        ));
        rules.push((
            "TargetEntry",
            "scope",
            json!({ "pattern": DISTRICT_CODE_PATTERN }),
        ));
        rules.push(("TargetList", "targets", json!({ "maxItems": MAX_TARGETS })));
    }
    rules.push(("NewRun", "month", json!({ "pattern": MONTH_PATTERN })));
    // A refund is of at least one fen; its reason as WeChat Pay takes it; a retry key as a
    // booking's.
    rules.push((
        "RefundRequest",
        "amount",
        json!({ "pattern": r"^(?:[1-9][0-9]{0,8}(?:\.[0-9]{1,2})?|0\.(?:[1-9][0-9]?|0[1-9]))$" }),
    ));
    rules.push((
        "RefundRequest",
        "reason",
        json!({ "maxLength": crate::payments::rules::REFUND_REASON_MAX_CHARS, "pattern": r"\S" }),
    ));
    rules.push((
        "RefundRequest",
        "client_key",
        json!({ "minLength": 8, "maxLength": 128, "pattern": "^[A-Za-z0-9_-]*$" }),
    ));
    rules
}

/// Adds `rules` to `target`, object by object (`items` of an array included).
fn merge(target: &mut Value, rules: Value) {
    match (target, rules) {
        (Value::Object(target), Value::Object(rules)) => {
            for (key, rule) in rules {
                match target.get_mut(&key) {
                    Some(existing) if existing.is_object() && rule.is_object() => {
                        merge(existing, rule)
                    }
                    _ => {
                        target.insert(key, rule);
                    }
                }
            }
        }
        (target, rules) => *target = rules,
    }
}

/// The names of the schemas a request body reaches.
fn request_schemas(doc: &Value) -> BTreeSet<String> {
    fn references(value: &Value, found: &mut Vec<String>) {
        match value {
            Value::Object(object) => {
                if let Some(reference) = object.get("$ref").and_then(Value::as_str) {
                    found.push(reference.rsplit('/').next().unwrap_or_default().to_string());
                }
                object.values().for_each(|v| references(v, found));
            }
            Value::Array(items) => items.iter().for_each(|v| references(v, found)),
            _ => {}
        }
    }
    let mut pending = Vec::new();
    for operation in doc["paths"]
        .as_object()
        .into_iter()
        .flat_map(|paths| paths.values())
        .filter_map(Value::as_object)
        .flat_map(|methods| methods.values())
    {
        references(&operation["requestBody"], &mut pending);
    }
    let mut reached = BTreeSet::new();
    while let Some(name) = pending.pop() {
        if reached.insert(name.clone()) {
            references(&doc["components"]["schemas"][&name], &mut pending);
        }
    }
    reached
}

/// The bounds the service checks on query parameters with its own codes (`PAGE_INVALID` …),
/// stated in the document by parameter name: the same names mean the same thing everywhere.
fn state_query_bounds(name: &str, schema: &mut Map<String, Value>) {
    use crate::{
        meal_points::http::NEAR_MAX_RADIUS_M,
        pagination::{MAX_PAGE, MAX_PAGE_SIZE},
    };
    let mut set = |key: &str, value: Value| {
        schema.insert(key.into(), value);
    };
    match name {
        "page" => {
            set("minimum", json!(1));
            set("maximum", json!(MAX_PAGE));
        }
        "page_size" => {
            set("minimum", json!(1));
            set("maximum", json!(MAX_PAGE_SIZE));
        }
        "limit" => {
            set("minimum", json!(1));
            set(
                "maximum",
                json!(crate::feedback::supervision::OVERVIEW_MAX_LIMIT),
            );
        }
        "lat" => {
            set(
                "minimum",
                json!(crate::meal_points::rules::CHINA_LAT.start()),
            );
            set("maximum", json!(crate::meal_points::rules::CHINA_LAT.end()));
        }
        "lng" => {
            set(
                "minimum",
                json!(crate::meal_points::rules::CHINA_LNG.start()),
            );
            set("maximum", json!(crate::meal_points::rules::CHINA_LNG.end()));
        }
        "radius_m" => {
            set("minimum", json!(1));
            set("maximum", json!(NEAR_MAX_RADIUS_M));
        }
        "min_star" => {
            set("minimum", json!(1));
            set("maximum", json!(5));
        }
        "district_code" | "meal_point_district" => set("pattern", json!(DISTRICT_CODE_PATTERN)),
        "month" | "from_month" | "to_month" => set("pattern", json!(MONTH_PATTERN)),
        "statement" => set("enum", json!(["meal_points", "districts", "matrix", "net"])),
        "format" => set("enum", json!(["csv", "xlsx"])),
        "state" => set(
            "enum",
            json!([
                "submitted",
                "acknowledged",
                "escalated",
                "resolved",
                "closed"
            ]),
        ),
        _ => {}
    }
}

/// A property that may be left out and has no default is an `Option` (or `MaybeUndefined`):
/// the service writes `null` for it when it is empty and reads `null` as "not given".
fn mark_optional_properties_nullable(schema: &mut Value) {
    let required: BTreeSet<String> = schema
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|name| name.as_str().map(str::to_string))
        .collect();
    let Some(properties) = schema.get_mut("properties").and_then(Value::as_object_mut) else {
        return;
    };
    for (name, property) in properties.iter_mut() {
        if required.contains(name) || property.get("default").is_some() {
            continue;
        }
        let Some(object) = property.as_object_mut() else {
            continue;
        };
        // OpenAPI 3.0 ignores every keyword beside a `$ref`: the reference moves into `allOf`.
        if let Some(reference) = object.remove("$ref") {
            object.insert("allOf".into(), json!([{ "$ref": reference }]));
        }
        object.insert("nullable".into(), Value::Bool(true));
    }
}

/// A file answer (`Binary` with its `Content-Type` set per request) is derived as
/// `application/octet-stream`; the media types actually sent are listed instead, told apart by
/// path.
fn declare_file_types(path: &str, operation: &mut Map<String, Value>) {
    const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    let types: &[&str] = match path {
        "/settlement-runs/{id}/export" => &["text/csv; charset=utf-8", XLSX],
        "/meal-points/{id}/orders/export" => &[XLSX],
        _ => return,
    };
    let Some(content) = operation
        .get_mut("responses")
        .and_then(|r| r.get_mut("200"))
        .and_then(|r| r.get_mut("content"))
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    let Some(binary) = content.remove("application/octet-stream") else {
        return;
    };
    for media_type in types {
        content.insert((*media_type).to_string(), binary.clone());
    }
}

fn declare(operation: &mut Map<String, Value>, status: &str, description: &str) {
    let Some(responses) = operation
        .entry("responses")
        .or_insert_with(|| json!({}))
        .as_object_mut()
    else {
        return;
    };
    responses.entry(status).or_insert_with(|| {
        json!({
            "description": description,
            "content": {
                "application/json; charset=utf-8": { "schema": { "$ref": ERROR_BODY } }
            }
        })
    });
}

/// The methods the document lists for each path template, to answer a method it does not list
/// with 405, the error body and an `Allow` header.
#[derive(Clone, Debug, Default)]
pub struct Methods {
    /// Path templates (`/orders/{id}`) as segments, with their methods in upper case.
    paths: Vec<(Vec<Segment>, BTreeSet<String>)>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Segment {
    Fixed(String),
    Parameter,
}

impl Methods {
    pub fn from_document(document: &str) -> Self {
        let doc: Value = serde_json::from_str(document).unwrap_or_default();
        let paths = doc["paths"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(template, methods)| {
                let segments = template
                    .trim_matches('/')
                    .split('/')
                    .map(|segment| {
                        if segment.starts_with('{') {
                            Segment::Parameter
                        } else {
                            Segment::Fixed(segment.to_string())
                        }
                    })
                    .collect();
                let methods = methods
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|(method, _)| method.to_ascii_uppercase())
                    .collect();
                (segments, methods)
            })
            .collect();
        Self { paths }
    }

    /// The methods of the template the router picks for `path` (below the API prefix): a fixed
    /// segment wins over a parameter, segment by segment, as poem's router does.
    pub fn allowed(&self, path: &str) -> Option<&BTreeSet<String>> {
        let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
        self.paths
            .iter()
            .filter(|(template, _)| {
                template.len() == segments.len()
                    && template.iter().zip(&segments).all(|(t, s)| match t {
                        Segment::Fixed(fixed) => fixed == s,
                        Segment::Parameter => !s.is_empty(),
                    })
            })
            .max_by_key(|(template, _)| {
                template
                    .iter()
                    .map(|t| matches!(t, Segment::Fixed(_)))
                    .collect::<Vec<_>>()
            })
            .map(|(_, methods)| methods)
    }
}

/// Answers a method the document does not list for a path it lists: 405 with the error body and
/// the `Allow` header, whatever the router would have said (poem answers some of them 404, in
/// plain text).
pub async fn refuse_unlisted_methods<E: Endpoint>(
    ep: E,
    req: Request,
    methods: std::sync::Arc<Methods>,
) -> poem::Result<Response> {
    if let Some(allowed) = methods.allowed(req.uri().path()) {
        let method = req.method().as_str();
        let listed = allowed.contains(method) || (method == "HEAD" && allowed.contains("GET"));
        if !listed {
            use poem::error::ResponseError;
            let mut response = AppError::new(
                ErrorKind::MethodNotAllowed,
                "METHOD_NOT_ALLOWED",
                "这个接口不支持该请求方法",
            )
            .as_response();
            let allow = allowed.iter().cloned().collect::<Vec<_>>().join(", ");
            if let Ok(value) = allow.parse() {
                response
                    .headers_mut()
                    .insert(poem::http::header::ALLOW, value);
            }
            return Ok(response);
        }
    }
    Ok(ep.call(req).await?.into_response())
}
