//! Signing in and out, and who may call what.

use std::collections::HashMap;

use chrono::Duration;
use serde_json::{Value, json};
use vocabulary::Role;
use zhucan::{
    auth::http::{NewStaffAccount, SessionView, StaffAccountView},
    demo::DEMO_PASSWORD,
};

use crate::helpers::{Reply, TestApp, Typed, all_at_once, spawn_app};

#[tokio::test]
async fn staff_sign_in_and_see_themselves() {
    let app = spawn_app().await;
    let token = app.staff_token("clerk-tianning").await;

    let me = app.me(&token).await.ok();
    assert_eq!(me.role, Role::DistrictClerk);
    assert_eq!(me.district_code.as_deref(), Some("320402"));
    assert_eq!(me.display_name, "天宁区结算员");
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
) -> Typed<SessionView> {
    let response = client
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({ "username": username, "password": password }))
        .send()
        .await
        .unwrap();
    let status = response.status();
    Typed::from_reply(Reply {
        status,
        body: response.json().await.unwrap_or(Value::Null),
    })
}

/// The status of a sign-in's answer.
fn status_of<T>(answer: &Typed<T>) -> u16 {
    answer.status.as_u16()
}

#[tokio::test]
async fn wrong_passwords_make_one_address_wait_longer_and_longer() {
    let app = spawn_app().await;
    let here = client_from(1);
    for _ in 0..5 {
        sign_in_from(&app, &here, "admin", "wrong-password")
            .await
            .error(401, "LOGIN_FAILED");
    }
    // Even the right password waits now: the attempt is not tried.
    let refused = sign_in_from(&app, &here, "admin", DEMO_PASSWORD)
        .await
        .error(429, "LOGIN_THROTTLED");
    assert!(refused.message.contains("15 分钟"), "{}", refused.message);

    // The quarter hour over, five more; then the rest of the hour.
    app.advance_clock(Duration::minutes(15));
    for _ in 0..5 {
        assert_eq!(
            status_of(&sign_in_from(&app, &here, "admin", "wrong").await),
            401
        );
    }
    let waiting = sign_in_from(&app, &here, "admin", DEMO_PASSWORD).await;
    assert_eq!(status_of(&waiting), 429);
    let refused = waiting.refusal().expect("a refusal");
    assert!(refused.message.contains("45 分钟"), "{}", refused.message);

    app.advance_clock(Duration::minutes(45));
    assert_eq!(
        status_of(&sign_in_from(&app, &here, "admin", DEMO_PASSWORD).await),
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
    assert_eq!(
        status_of(&sign_in_from(&app, &attacker, "admin", "guess").await),
        429
    );
    sign_in_from(&app, &client_from(1), "admin", DEMO_PASSWORD)
        .await
        .ok_with(200);
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
            let answer = sign_in_from(&app, &client, username, "wrong-password").await;
            let refused = answer.refusal().expect("a wrong password is refused");
            seen.push((
                status_of(&answer),
                refused.code,
                refused.message,
                refused.field,
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
    let account = NewStaffAccount {
        username: "admin-2".to_string(),
        password: "second-admin-2026".to_string(),
        role: Role::CityAdmin,
        display_name: "市民政局值班".to_string(),
        district_code: None,
    };
    app.create_staff_account(&admin, &account).await.ok();
    let second = app.staff_token_with("admin-2", "second-admin-2026").await;
    let admin_id = app.account_id(&admin).await;
    for address in 0..25u8 {
        let client = client_from(100 + address);
        for _ in 0..4 {
            assert_eq!(
                status_of(&sign_in_from(&app, &client, "admin", "botnet").await),
                401
            );
        }
    }
    sign_in_from(&app, &client_from(2), "admin", DEMO_PASSWORD)
        .await
        .error(429, "ACCOUNT_LOCKED");

    // Only the city admin unlocks, and only staff accounts.
    let clerk = app.staff_token("clerk-tianning").await;
    app.unlock_staff(&clerk, admin_id)
        .await
        .error(403, "ROLE_FORBIDDEN");
    app.unlock_staff(&second, 999_999)
        .await
        .error(404, "STAFF_ACCOUNT_NOT_FOUND");
    let family = app.wechat_token("o-not-staff").await;
    let family_id = app.account_id(&family).await;
    app.unlock_staff(&second, family_id)
        .await
        .error(404, "STAFF_ACCOUNT_NOT_FOUND");
    let unlocked = app.unlock_staff(&second, admin_id).await.ok();
    assert_eq!(unlocked.username, "admin");
    sign_in_from(&app, &client_from(2), "admin", DEMO_PASSWORD)
        .await
        .ok_with(200);
}

#[tokio::test]
async fn empty_credentials_name_the_field() {
    let app = spawn_app().await;
    app.login("", "x")
        .await
        .field_error(400, "USERNAME_INVALID", "username");
    let refused = app.login("admin", "").await.refusal();
    assert_eq!(
        refused.and_then(|body| body.field).as_deref(),
        Some("password")
    );
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

    let first = app.wechat_login("dev.o-grandma-li.1").await;
    assert!(first.raw().get("session_key").is_none());
    let first = first.ok();
    assert!(first.first_sign_in);
    assert_eq!(first.account.role, Role::Family);

    let again = app.wechat_login("dev.o-grandma-li.2").await.ok();
    assert!(!again.first_sign_in);
    assert_eq!(again.account.id, first.account.id);

    // Codes are single use, like WeChat's.
    app.wechat_login("dev.o-grandma-li.2")
        .await
        .error(400, "WECHAT_CODE_INVALID");
}

#[tokio::test]
async fn a_code_issued_like_wx_login_works_once() {
    let app = spawn_app().await;
    /// What the fake WeChat server issues, as `wx.login()` would.
    #[derive(serde::Deserialize)]
    struct Issued {
        code: String,
    }
    let issued: Issued = app
        .http
        .post(format!("{}/fake/js-code", app.state.wechat.api_base()))
        .json(&json!({ "openid": "o-h5-user" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    app.wechat_login(&issued.code).await.ok();
    app.wechat_login(&issued.code)
        .await
        .error(400, "WECHAT_CODE_INVALID");
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
        app.wechat_login(code).await.error(status, machine_code);
    }
}

#[tokio::test]
async fn an_empty_code_never_reaches_wechat() {
    let app = spawn_app().await;
    let calls_before = app.fake_wechat.code2session_calls();
    app.wechat_login("  ")
        .await
        .field_error(400, "WECHAT_CODE_INVALID", "code");
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
    assert!(app.staff_accounts(&admin).await.ok().len() >= 5);
}

#[tokio::test]
async fn the_city_admin_creates_staff_who_can_then_sign_in() {
    let app = spawn_app().await;
    let admin = app.staff_token("admin").await;

    let clerk = NewStaffAccount {
        username: "clerk-liyang".to_string(),
        password: "liyang-2026".to_string(),
        role: Role::DistrictClerk,
        display_name: "溧阳市结算员".to_string(),
        district_code: Some("320481".to_string()),
    };
    let created = app.create_staff_account(&admin, &clerk).await.ok();
    assert_eq!(created.district_code.as_deref(), Some("320481"));
    app.login("clerk-liyang", "liyang-2026").await.ok();

    let duplicate = NewStaffAccount {
        role: Role::Operator,
        display_name: "重名".to_string(),
        district_code: None,
        ..clerk
    };
    app.create_staff_account(&admin, &duplicate)
        .await
        .error(409, "USERNAME_TAKEN");
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
        app.post_as::<StaffAccountView>("/api/v1/staff-accounts", Some(&admin), &body)
            .await
            .field_error(status, code, field);
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
