//! No secret, token, ID-card number or full phone number ever reaches a log line.
//!
//! One test drives the flows that carry them — staff and WeChat sign-in, WeChat unreachable (a
//! transport error names the URL it called, which carried the app secret and the login code),
//! elder registration, family links, find-by-number, sign-out — while every log line of the test
//! binary is captured at debug level and above (`captured_logs`), then greps the capture.

use serde_json::json;
use zhucan::{config::FAKE_WECHAT_APP_SECRET, demo::DemoScope};

use crate::{
    fixtures::ElderForm,
    helpers::{
        born, captured_logs, id_card_check_char, id_card_number, spawn_app, spawn_app_with_settings,
    },
};

const SECRET: &str = "wechat-secret-that-must-never-be-logged";

#[tokio::test]
async fn no_log_line_carries_a_secret_a_token_an_id_number_or_a_phone() {
    let logs = captured_logs();
    let app = spawn_app().await;
    let mut tokens = Vec::new();

    // Staff and WeChat sign-in; a wrong password too.
    let admin = app.staff_token("admin").await;
    tokens.push(admin.clone());
    app.staff_login("admin", "wrong-but-secret-password").await;
    let family = app.wechat_token("o-log-family").await;
    tokens.push(family.clone());

    // An elder with a mobile number, found by ID number, linked to a family member.
    let number = id_card_number("320402", &born(83, 50), "091");
    let phone = "13987654321";
    let form = ElderForm {
        address: "天宁区青龙街道 5 号",
        phone,
        ..ElderForm::new("郑秀珍", &number, "320402", "320402")
    };
    app.register_elder(&admin, &form.body()).await.ok();
    app.post(
        "/api/v1/elders/find-by-id-card",
        Some(&admin),
        json!({ "id_card": number }),
    )
    .await
    .assert_ok();
    app.post(
        "/api/v1/family-links",
        Some(&family),
        json!({ "id_card": number, "name": "郑秀珍" }),
    )
    .await
    .assert_ok();
    app.post(
        "/api/v1/family-links",
        Some(&family),
        json!({ "id_card": number, "name": "郑秀" }),
    )
    .await;

    // WeChat out of reach: the sign-in fails with 502 and the failure is logged.
    // Port 1 (tcpmux) has no listener on a test machine; a port freed by a dropped listener
    // could be taken by another test's server in the meantime.
    let dead_base = "http://127.0.0.1:1".to_string();
    let cut_off = spawn_app_with_settings(
        DemoScope::PlacesAndAccounts,
        &[("WECHAT_API_BASE", &dead_base), ("WECHAT_SECRET", SECRET)],
    )
    .await;
    let js_code = "js-code-that-must-never-be-logged";
    cut_off
        .post("/api/v1/auth/wechat", None, json!({ "code": js_code }))
        .await
        .assert_error(502, "WECHAT_UNREACHABLE");

    // Sign-out.
    app.post("/api/v1/auth/logout", Some(&family), json!({}))
        .await
        .assert_ok();

    let logged = logs.text();
    assert!(
        logged.contains("WeChat unreachable"),
        "the WeChat failure was not logged, so the capture proves nothing"
    );
    let mut forbidden: Vec<(&str, String)> = vec![
        ("the WeChat app secret", SECRET.to_string()),
        ("the demo WeChat secret", FAKE_WECHAT_APP_SECRET.to_string()),
        ("a query naming the secret", "secret=".to_string()),
        ("a WeChat login code", js_code.to_string()),
        ("a staff password", "wrong-but-secret-password".to_string()),
        ("the demo password", zhucan::demo::DEMO_PASSWORD.to_string()),
        ("an ID-card number", number.clone()),
        ("an ID-card number", number.to_lowercase()),
        ("a phone number", phone.to_string()),
    ];
    for token in &tokens {
        forbidden.push(("a bearer token", token.clone()));
    }
    for (what, text) in forbidden {
        if let Some(line) = logged.lines().find(|l| l.contains(&text)) {
            panic!("{what} reached a log line: {line}");
        }
    }
    // And whatever the other tests of this binary logged meanwhile: no mobile number, no valid
    // ID-card number, no bearer header anywhere in the capture.
    for line in logged.lines() {
        for word in line.split(|c: char| !c.is_ascii_alphanumeric()) {
            assert!(
                !is_mobile(word),
                "a phone number reached a log line: {line}"
            );
            assert!(
                !is_id_number(word),
                "an ID-card number reached a log line: {line}"
            );
        }
        assert!(!line.to_lowercase().contains("bearer "), "{line}");
    }
}

/// A mainland mobile number: 11 digits starting 13–19.
fn is_mobile(word: &str) -> bool {
    word.len() == 11
        && word.bytes().all(|b| b.is_ascii_digit())
        && word.starts_with('1')
        && (b'3'..=b'9').contains(&word.as_bytes()[1])
}

/// 17 digits and a check character that fits them (GB 11643).
fn is_id_number(word: &str) -> bool {
    let bytes = word.as_bytes();
    if bytes.len() != 18 || !bytes[..17].iter().all(u8::is_ascii_digit) {
        return false;
    }
    let expected = id_card_check_char(&word[..17]) as u8;
    bytes[17].to_ascii_uppercase() == expected
}
