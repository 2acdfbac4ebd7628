//! Numbers and dates at their bounds: every integer, number and date parameter of every operation
//! in the OpenAPI document, sent at the edges of what its type can hold, gets an HTTP answer
//! below 500 with a machine code, never a dropped connection or a server error.
//!
//! The parameters are read from the served document, so an operation added later is probed
//! without anyone listing it here.

use reqwest::Method;
use serde_json::Value;

use crate::helpers::{day, spawn_demo_city};

/// What a parameter of this schema is sent as, at its edges.
fn edge_values(name: &str, schema: &Value) -> Vec<String> {
    let kind = schema["type"].as_str().unwrap_or_default();
    let format = schema["format"].as_str().unwrap_or_default();
    match (kind, format) {
        ("integer", _) => [
            "18446744073709551615",
            "18446744073709551616",
            "9223372036854775807",
            "-9223372036854775808",
            "4294967296",
            "-1",
            "0",
            "1e3",
        ]
        .map(String::from)
        .to_vec(),
        ("number", _) => [
            "NaN",
            "inf",
            "-inf",
            "1e308",
            "-1e308",
            "1.7976931348623157e309",
            "18446744073709551615",
        ]
        .map(String::from)
        .to_vec(),
        ("string", _) if name == "month" => ["262142-12", "-262143-01", "0001-01", "9999-12"]
            .map(String::from)
            .to_vec(),
        ("string", "date" | "naive-date") => {
            ["+262142-12-31", "-262143-01-01", "9999-12-31", "0001-01-01"]
                .map(String::from)
                .to_vec()
        }
        _ => Vec::new(),
    }
}

/// A harmless value for a parameter that is not the one probed.
fn plain_value(name: &str, schema: &Value, id: i64) -> String {
    match (
        schema["type"].as_str().unwrap_or_default(),
        schema["format"].as_str().unwrap_or_default(),
    ) {
        ("integer", _) => id.to_string(),
        ("number", _) if name == "lng" => "119.95".into(),
        ("number", _) => "31.78".into(),
        ("string", "date" | "naive-date") => day(0),
        _ if name == "slot" => "lunch".into(),
        _ if name.ends_with("monday") || name.ends_with("week") => day(0),
        _ => "x".into(),
    }
}

/// As the city admin (ids 1) and as an operator (ids of their own meal point), so that the
/// operators' endpoints are reached past their role check.
#[tokio::test]
async fn every_number_and_date_parameter_is_answered_at_its_bounds() {
    let app = spawn_demo_city().await;
    let admin = app.staff_token("admin").await;
    let operator = app.staff_token("operator-demo").await;
    let own = app.get("/api/v1/me/meal-points", Some(&operator)).await;
    let own_id = own.assert_ok()["items"][0]["id"].as_i64().unwrap();
    let document = app.get("/api/openapi.json", None).await.body;
    let mut probes = 0;
    let mut failures = Vec::new();
    for (token, id) in [(&admin, 1), (&operator, own_id)] {
        for (path, operations) in document["paths"].as_object().unwrap() {
            for (method, operation) in operations.as_object().unwrap() {
                let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
                let parameters = operation["parameters"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
                for probed in &parameters {
                    let name = probed["name"].as_str().unwrap_or_default();
                    for edge in edge_values(name, &probed["schema"]) {
                        let mut url_path = path.clone();
                        let mut query = Vec::new();
                        for parameter in &parameters {
                            let name = parameter["name"].as_str().unwrap();
                            let value = if parameter["name"] == probed["name"] {
                                edge.clone()
                            } else if parameter["required"] == true || parameter["in"] == "path" {
                                plain_value(name, &parameter["schema"], id)
                            } else {
                                continue;
                            };
                            match parameter["in"].as_str() {
                                Some("path") => {
                                    url_path = url_path.replace(&format!("{{{name}}}"), &value)
                                }
                                _ => query.push((name.to_string(), value)),
                            }
                        }
                        let request = app
                            .http
                            .request(method.clone(), app.url(&format!("/api/v1{url_path}")))
                            .bearer_auth(token)
                            .query(&query);
                        let request = if method == Method::GET || method == Method::DELETE {
                            request
                        } else {
                            request.json(&serde_json::json!({}))
                        };
                        probes += 1;
                        let what = format!("{method} {url_path} {query:?}");
                        if std::env::var("PROBE_PRINT").is_ok() {
                            eprintln!("{what}");
                        }
                        match request.send().await {
                            Err(err) => failures.push(format!("{what}: no answer ({err})")),
                            Ok(response) => {
                                let status = response.status();
                                let body: Value = response.json().await.unwrap_or(Value::Null);
                                if std::env::var("PROBE_PRINT").is_ok() {
                                    eprintln!("  -> {status} {}", body["code"]);
                                }
                                if status.is_server_error() {
                                    failures.push(format!("{what}: {status} {body}"));
                                } else if !status.is_success() && !body["code"].is_string() {
                                    failures.push(format!("{what}: {status} without a code"));
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    assert!(
        probes > 100,
        "only {probes} probes: the document lost its parameters?"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[tokio::test]
async fn the_largest_page_of_ratings_is_a_400_naming_the_page() {
    let app = spawn_demo_city().await;
    for (page, code) in [
        ("18446744073709551615", "PAGE_INVALID"),
        ("100001", "PAGE_INVALID"),
        ("0", "PAGE_INVALID"),
        ("18446744073709551616", "INVALID_PARAMETER"),
    ] {
        app.get(&format!("/api/v1/meal-points/1/ratings?page={page}"), None)
            .await
            .assert_field_error(400, code, "page");
    }
}
