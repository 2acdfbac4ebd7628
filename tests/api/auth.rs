//! Signing in and out, and who may call what.

use chrono::Duration;
use serde_json::json;

use crate::helpers::spawn_app;

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

#[tokio::test]
async fn a_wrong_password_is_refused_and_five_lock_the_account() {
    let app = spawn_app().await;

    for _ in 0..4 {
        app.staff_login("admin", "wrong-password")
            .await
            .assert_error(401, "LOGIN_FAILED");
    }
    // An unknown username gets exactly the same answer as a wrong password.
    app.staff_login("nobody-here", "wrong-password")
        .await
        .assert_error(401, "LOGIN_FAILED");

    app.staff_login("admin", "wrong-password")
        .await
        .assert_error(401, "LOGIN_FAILED");
    // Locked now: even the right password waits.
    app.staff_login("admin", zhucan::demo::DEMO_PASSWORD)
        .await
        .assert_error(429, "ACCOUNT_LOCKED");

    app.advance_clock(Duration::minutes(16));
    app.staff_login("admin", zhucan::demo::DEMO_PASSWORD)
        .await
        .assert_ok();
}

#[tokio::test]
async fn empty_credentials_name_the_field() {
    let app = spawn_app().await;
    let reply = app.staff_login("", "x").await;
    reply.assert_error(400, "REQUIRED");
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
        ("password", json!("short"), 400, "PASSWORD_TOO_WEAK"),
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
