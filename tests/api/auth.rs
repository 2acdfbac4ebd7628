//! Signing in and out, and who may call what.

use std::collections::HashMap;

use chrono::Duration;
use serde_json::{Value, json};
use zhucan::demo::DEMO_PASSWORD;

use crate::helpers::{TestApp, all_at_once, spawn_app};

#[tokio::test]
async fn staff_sign_in_and_see_themselves() {
    let app = spawn_app().await;
    let token = app.staff_token("clerk-tianning").await;

    let me = app.get("/api/v1/me", Some(&token)).await;
    let me = me.assert_ok();
    assert_eq!(me["role"], "district_clerk");
    assert_eq!(me["district_code"], "320402");
    assert_eq!(me["display_name"], "天宁区结算员");
}

/// A client whose requests come from `127.0.0.<last>`: the whole 127/8 block is the loopback on
/// Linux, so each test can sign in from as many addresses as it needs.
fn client_from(last: u8) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(std::net::IpAddr::from([127, 0, 0, last]))
        .build()
        .unwrap()
}

async fn sign_in_from(
    app: &TestApp,
    client: &reqwest::Client,
    username: &str,
    password: &str,
) -> (u16, Value) {
    let response = client
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({ "username": username, "password": password }))
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn wrong_passwords_make_one_address_wait_longer_and_longer() {
    let app = spawn_app().await;
    let here = client_from(1);
    for _ in 0..5 {
        let (status, body) = sign_in_from(&app, &here, "admin", "wrong-password").await;
        assert_eq!((status, body["code"].as_str()), (401, Some("LOGIN_FAILED")));
    }
    // Even the right password waits now: the attempt is not tried.
    let (status, body) = sign_in_from(&app, &here, "admin", DEMO_PASSWORD).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (429, Some("LOGIN_THROTTLED"))
    );
    assert!(
        body["message"].as_str().unwrap().contains("15 分钟"),
        "{body}"
    );

    // The quarter hour over, five more; then the rest of the hour.
    app.advance_clock(Duration::minutes(15));
    for _ in 0..5 {
        assert_eq!(sign_in_from(&app, &here, "admin", "wrong").await.0, 401);
    }
    let (status, body) = sign_in_from(&app, &here, "admin", DEMO_PASSWORD).await;
    assert_eq!(status, 429);
    assert!(
        body["message"].as_str().unwrap().contains("45 分钟"),
        "{body}"
    );

    app.advance_clock(Duration::minutes(45));
    assert_eq!(
        sign_in_from(&app, &here, "admin", DEMO_PASSWORD).await.0,
        200
    );
}

/// Six wrong passwords from anywhere used to lock the city admin out for everyone.
#[tokio::test]
async fn someone_guessing_from_one_address_does_not_lock_the_admin_out() {
    let app = spawn_app().await;
    let attacker = client_from(66);
    for _ in 0..8 {
        sign_in_from(&app, &attacker, "admin", "guess").await;
    }
    assert_eq!(sign_in_from(&app, &attacker, "admin", "guess").await.0, 429);
    let (status, body) = sign_in_from(&app, &client_from(1), "admin", DEMO_PASSWORD).await;
    assert_eq!(status, 200, "{body}");
}

/// Unknown usernames are counted, refused and answered exactly like real ones.
#[tokio::test]
async fn unknown_and_known_usernames_get_the_same_answers() {
    let app = spawn_app().await;
    let client = client_from(9);
    let mut answers = HashMap::new();
    for username in ["admin", "nobody-here"] {
        let mut seen = Vec::new();
        for _ in 0..7 {
            let (status, body) = sign_in_from(&app, &client, username, "wrong-password").await;
            seen.push((
                status,
                body["code"].clone(),
                body["message"].clone(),
                body["field"].clone(),
            ));
        }
        answers.insert(username, seen);
    }
    assert_eq!(answers["admin"], answers["nobody-here"]);
    assert_eq!(answers["admin"][6].0, 429);
}

/// Parallel guesses are counted before any is checked: five of fifty get a verdict.
#[tokio::test]
async fn parallel_guesses_cannot_outrun_the_count() {
    let app = spawn_app().await;
    let client = client_from(7);
    let guesses = (0..50)
        .map(|i| {
            client
                .post(app.url("/api/v1/auth/login"))
                .json(&json!({ "username": "admin", "password": format!("guess-{i}") }))
        })
        .collect();
    let statuses = all_at_once(guesses).await;
    assert_eq!(statuses.get(&401), Some(&5), "{statuses:?}");
    assert_eq!(statuses.get(&429), Some(&45), "{statuses:?}");
}

/// 100 wrong passwords in a day from many addresses pause the name everywhere; another city
/// admin unlocks it.
#[tokio::test]
async fn many_addresses_reach_the_ceiling_and_the_city_admin_unlocks() {
    let app = spawn_app().await;
    let admin = app.staff_token("admin").await;
    app.post(
        "/api/v1/staff-accounts",
        Some(&admin),
        json!({
            "username": "admin-2", "password": "second-admin-2026", "role": "city_admin",
            "display_name": "市民政局值班",
        }),
    )
    .await
    .assert_ok();
    let second = app
        .staff_login("admin-2", "second-admin-2026")
        .await
        .assert_ok()["token"]
        .as_str()
        .unwrap()
        .to_string();
    let admin_id = app.account_id(&admin).await;
    for address in 0..25u8 {
        let client = client_from(100 + address);
        for _ in 0..4 {
            assert_eq!(sign_in_from(&app, &client, "admin", "botnet").await.0, 401);
        }
    }
    let (status, body) = sign_in_from(&app, &client_from(2), "admin", DEMO_PASSWORD).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (429, Some("ACCOUNT_LOCKED"))
    );

    // Only the city admin unlocks, and only staff accounts.
    let clerk = app.staff_token("clerk-tianning").await;
    app.post(
        &format!("/api/v1/staff-accounts/{admin_id}/unlock"),
        Some(&clerk),
        json!({}),
    )
    .await
    .assert_error(403, "ROLE_FORBIDDEN");
    app.post(
        "/api/v1/staff-accounts/999999/unlock",
        Some(&second),
        json!({}),
    )
    .await
    .assert_error(404, "STAFF_ACCOUNT_NOT_FOUND");
    let family = app.wechat_token("o-not-staff").await;
    let family_id = app.account_id(&family).await;
    app.post(
        &format!("/api/v1/staff-accounts/{family_id}/unlock"),
        Some(&second),
        json!({}),
    )
    .await
    .assert_error(404, "STAFF_ACCOUNT_NOT_FOUND");
    let unlocked = app
        .post(
            &format!("/api/v1/staff-accounts/{admin_id}/unlock"),
            Some(&second),
            json!({}),
        )
        .await;
    assert_eq!(unlocked.assert_ok()["username"], "admin");
    let (status, body) = sign_in_from(&app, &client_from(2), "admin", DEMO_PASSWORD).await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test]
async fn empty_credentials_name_the_field() {
    let app = spawn_app().await;
    let reply = app.staff_login("", "x").await;
    reply.assert_error(400, "USERNAME_INVALID");
    assert_eq!(reply.body["field"], "username");
    let reply = app.staff_login("admin", "").await;
    assert_eq!(reply.body["field"], "password");
}

#[tokio::test]
async fn a_token_expires_and_logout_revokes_it() {
    let app = spawn_app().await;
    let token = app.staff_token("admin").await;
    app.get("/api/v1/me", Some(&token)).await.assert_ok();

    app.advance_clock(Duration::days(7) + Duration::seconds(1));
    app.get("/api/v1/me", Some(&token))
        .await
        .assert_error(401, "TOKEN_EXPIRED");

    let fresh = app.staff_token("admin").await;
    app.post("/api/v1/auth/logout", Some(&fresh), json!({}))
        .await
        .assert_ok();
    app.get("/api/v1/me", Some(&fresh))
        .await
        .assert_error(401, "TOKEN_REVOKED");
}

#[tokio::test]
async fn missing_or_made_up_tokens_are_401s() {
    let app = spawn_app().await;
    app.get("/api/v1/me", None)
        .await
        .assert_error(401, "UNAUTHENTICATED");
    app.get("/api/v1/me", Some("not-a-real-token"))
        .await
        .assert_error(401, "TOKEN_INVALID");
}

#[tokio::test]
async fn a_wechat_user_signs_in_through_the_fake_server() {
    let app = spawn_app().await;

    let first = app
        .post(
            "/api/v1/auth/wechat",
            None,
            json!({ "code": "dev.o-grandma-li.1" }),
        )
        .await;
    let first = first.assert_ok().clone();
    assert_eq!(first["first_sign_in"], true);
    assert_eq!(first["account"]["role"], "family");
    assert!(first.get("session_key").is_none());

    let again = app
        .post(
            "/api/v1/auth/wechat",
            None,
            json!({ "code": "dev.o-grandma-li.2" }),
        )
        .await;
    let again = again.assert_ok();
    assert_eq!(again["first_sign_in"], false);
    assert_eq!(again["account"]["id"], first["account"]["id"]);

    // Codes are single use, like WeChat's.
    app.post(
        "/api/v1/auth/wechat",
        None,
        json!({ "code": "dev.o-grandma-li.2" }),
    )
    .await
    .assert_error(400, "WECHAT_CODE_INVALID");
}

#[tokio::test]
async fn a_code_issued_like_wx_login_works_once() {
    let app = spawn_app().await;
    let issued: serde_json::Value = app
        .http
        .post(format!("{}/fake/js-code", app.state.wechat.api_base()))
        .json(&json!({ "openid": "o-h5-user" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let code = issued["code"].as_str().unwrap();
    app.post("/api/v1/auth/wechat", None, json!({ "code": code }))
        .await
        .assert_ok();
    app.post("/api/v1/auth/wechat", None, json!({ "code": code }))
        .await
        .assert_error(400, "WECHAT_CODE_INVALID");
}

#[tokio::test]
async fn wechat_error_codes_become_clear_errors() {
    let app = spawn_app().await;
    for (code, status, machine_code) in [
        ("err.40029.x", 400, "WECHAT_CODE_INVALID"),
        ("err.45011.x", 429, "WECHAT_RATE_LIMITED"),
        ("err.40226.x", 403, "WECHAT_LOGIN_BLOCKED"),
        ("err.-1.x", 503, "WECHAT_BUSY"),
    ] {
        app.post("/api/v1/auth/wechat", None, json!({ "code": code }))
            .await
            .assert_error(status, machine_code);
    }
}

#[tokio::test]
async fn an_empty_code_never_reaches_wechat() {
    let app = spawn_app().await;
    let calls_before = app.fake_wechat.code2session_calls();
    let reply = app
        .post("/api/v1/auth/wechat", None, json!({ "code": "  " }))
        .await;
    reply.assert_error(400, "WECHAT_CODE_INVALID");
    assert_eq!(reply.body["field"], "code");
    assert_eq!(app.fake_wechat.code2session_calls(), calls_before);
}

#[tokio::test]
async fn roles_calling_another_roles_endpoint_get_403() {
    let app = spawn_app().await;
    let clerk = app.staff_token("clerk-zhonglou").await;
    let operator = app.staff_token("operator-demo").await;
    let family = app.wechat_token("o-some-family").await;

    for token in [&clerk, &operator, &family] {
        app.get("/api/v1/staff-accounts", Some(token))
            .await
            .assert_error(403, "ROLE_FORBIDDEN");
    }
    let admin = app.staff_token("admin").await;
    let staff = app.get("/api/v1/staff-accounts", Some(&admin)).await;
    assert!(staff.assert_ok().as_array().unwrap().len() >= 5);
}

#[tokio::test]
async fn the_city_admin_creates_staff_who_can_then_sign_in() {
    let app = spawn_app().await;
    let admin = app.staff_token("admin").await;

    let created = app
        .post(
            "/api/v1/staff-accounts",
            Some(&admin),
            json!({
                "username": "clerk-liyang",
                "password": "liyang-2026",
                "role": "district_clerk",
                "display_name": "溧阳市结算员",
                "district_code": "320481",
            }),
        )
        .await;
    assert_eq!(created.assert_ok()["district_code"], "320481");
    app.staff_login("clerk-liyang", "liyang-2026")
        .await
        .assert_ok();

    let duplicate = app
        .post(
            "/api/v1/staff-accounts",
            Some(&admin),
            json!({
                "username": "clerk-liyang",
                "password": "liyang-2026",
                "role": "operator",
                "display_name": "重名",
            }),
        )
        .await;
    duplicate.assert_error(409, "USERNAME_TAKEN");
}

#[tokio::test]
async fn bad_staff_accounts_are_refused_with_the_field_named() {
    let app = spawn_app().await;
    let admin = app.staff_token("admin").await;
    let base = json!({
        "username": "new-clerk",
        "password": "a-good-password",
        "role": "district_clerk",
        "display_name": "新结算员",
        "district_code": "320402",
    });
    for (field, value, status, code) in [
        ("password", json!("short"), 400, "PASSWORD_INVALID"),
        ("username", json!("x"), 400, "USERNAME_INVALID"),
        ("role", json!("family"), 400, "ROLE_NOT_STAFF"),
        ("district_code", json!(null), 400, "REQUIRED"),
        ("district_code", json!("999999"), 404, "DISTRICT_NOT_FOUND"),
        ("display_name", json!(""), 400, "DISPLAY_NAME_INVALID"),
    ] {
        let mut body = base.clone();
        body[field] = value;
        let reply = app.post("/api/v1/staff-accounts", Some(&admin), body).await;
        reply.assert_error(status, code);
        assert_eq!(reply.body["field"], field, "{}", reply.body);
    }
    // Nothing was created by any of them.
    app.staff_login("new-clerk", "a-good-password")
        .await
        .assert_error(401, "LOGIN_FAILED");
}

/// Sign-out reads the header with the same parser as every guarded endpoint: `bearer` in lower
/// (or any) case revokes the token, it does not answer 200 and leave it working.
#[tokio::test]
async fn sign_out_accepts_the_bearer_scheme_in_any_case() {
    let app = spawn_app().await;
    for scheme in ["bearer", "BEARER", "BeArEr"] {
        let token = app.staff_token("admin").await;
        let response = app
            .http
            .post(app.url("/api/v1/auth/logout"))
            .header("Authorization", format!("{scheme} {token}"))
            .json(&json!({}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{scheme}");
        app.get("/api/v1/me", Some(&token))
            .await
            .assert_error(401, "TOKEN_REVOKED");
    }
}
