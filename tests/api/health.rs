use crate::helpers::{backend, spawn_app};

#[tokio::test]
async fn healthz_and_readyz_answer() {
    let app = spawn_app().await;

    let health = app.get("/healthz", None).await;
    assert_eq!(health.assert_ok()["status"], "ok");

    let ready = app.get("/readyz", None).await;
    let body = ready.assert_ok();
    assert_eq!(body["status"], "ready");
    assert_eq!(body["database"], "ok");
    let expected_redis = if std::env::var("REDIS_URL").is_ok() {
        "ok"
    } else {
        "not_configured"
    };
    assert_eq!(body["redis"], expected_redis, "backend {}", backend());
}

#[tokio::test]
async fn the_docs_and_the_openapi_document_are_served() {
    let app = spawn_app().await;

    let spec = app.get("/api/openapi.json", None).await;
    let spec = spec.assert_ok();
    assert!(spec["openapi"].as_str().unwrap().starts_with("3."));
    assert!(spec["paths"]["/auth/wechat"]["post"].is_object());
    assert_eq!(spec["servers"][0]["url"], "/api/v1");

    let docs = app.http.get(app.url("/docs")).send().await.unwrap();
    assert_eq!(docs.status(), 200);
    assert!(docs.text().await.unwrap().contains("swagger"));
}

/// What `cargo run` seeds on a fresh database: everything, with last month's served lunches
/// (a settlement matrix between districts), the rated lunches at `operator-demo`'s points and the
/// demo accounts' notice subscriptions.
#[tokio::test]
async fn the_whole_demo_seeds_a_fresh_database() {
    let app = crate::helpers::spawn_app_with(zhucan::demo::DemoScope::WithServedMonth).await;
    let admin = app.staff_token("admin").await;

    let run = app
        .post(
            "/api/v1/settlement-runs",
            Some(&admin),
            serde_json::json!({ "month": crate::helpers::month_of(crate::helpers::today(), -1) }),
        )
        .await;
    assert_eq!(run.status, 201, "{}", run.body);
    assert!(
        run.body["totals"]["meals"].as_i64().unwrap() > 100,
        "{}",
        run.body
    );
    assert_eq!(
        run.body["reconciliation"]["reconciled"], true,
        "{}",
        run.body
    );
    let id = run.body["id"].as_i64().unwrap();
    let matrix = app
        .get(
            &format!("/api/v1/settlement-runs/{id}/matrix"),
            Some(&admin),
        )
        .await;
    assert!(matrix.assert_ok()["cells"].as_array().unwrap().len() > 7);

    let operator = app.staff_token("operator-demo").await;
    let mine = app.get("/api/v1/me/meal-points", Some(&operator)).await;
    let summary = &mine.assert_ok()["items"][0]["rating_summary"];
    assert!(summary["count"].as_i64().unwrap() > 0, "{summary}");

    // The demo's WeChat accounts come subscribed to every notice (see `notices.rs`).
    let family = app.wechat_token("demo-family-1").await;
    let subscriptions = app
        .get("/api/v1/me/notice-subscriptions", Some(&family))
        .await;
    let templates = subscriptions.assert_ok()["templates"].as_array().unwrap();
    assert!(
        templates
            .iter()
            .all(|t| t["remaining"] == zhucan::demo::notices::DEMO_QUOTA_PER_TEMPLATE),
        "{templates:?}"
    );
}

#[tokio::test]
async fn the_root_leads_to_the_h5_page_which_stays_out_of_the_api_document() {
    let app = spawn_app().await;
    let no_redirects = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let root = no_redirects.get(app.url("/")).send().await.unwrap();
    assert_eq!(root.status(), 303);
    assert_eq!(root.headers()["location"], "/h5/");

    // Built or not (the "how to build it" page), /h5/ answers HTML, not the API's error shape.
    let page = app.http.get(app.url("/h5/")).send().await.unwrap();
    assert!(
        page.status() == 200 || page.status() == 503,
        "{}",
        page.status()
    );
    let content_type = page.headers()["content-type"].to_str().unwrap().to_string();
    assert!(content_type.starts_with("text/html"), "{content_type}");

    let spec = app.get("/api/openapi.json", None).await;
    let paths = spec.assert_ok()["paths"].as_object().unwrap();
    assert!(paths.keys().all(|p| !p.starts_with("/h5")));
}
