//! The OpenAPI document is a contract with the mini program: it is snapshotted, and every
//! operation says who may call it.
//!
//! The snapshot is a plain JSON file rather than an insta snapshot because it is also the input
//! of the typed-client generators (`npm run gen:api` in miniapp/ and console/), which read an
//! OpenAPI document and not insta's `.snap` format (a header above the content).

use crate::helpers::spawn_app;

const SNAPSHOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/snapshots/openapi.json");

#[tokio::test]
async fn the_openapi_document_matches_the_snapshot() {
    let app = spawn_app().await;
    let spec = app.get("/api/openapi.json", None).await;
    let current = serde_json::to_string_pretty(spec.assert_ok()).unwrap() + "\n";
    if std::env::var("UPDATE_SNAPSHOTS").is_ok() {
        std::fs::write(SNAPSHOT, &current).unwrap();
        return;
    }
    let saved = std::fs::read_to_string(SNAPSHOT).unwrap_or_default();
    if saved != current {
        let line = saved
            .lines()
            .zip(current.lines())
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| saved.lines().count().min(current.lines().count()));
        panic!(
            "the API changed from line {} of tests/snapshots/openapi.json:\n  saved:   {}\n  current: {}\n\
             review it, then run `UPDATE_SNAPSHOTS=1 cargo test --test api openapi`, commit the \
             file and regenerate the typed clients (`npm run gen:api` in miniapp/ and console/)",
            line + 1,
            saved.lines().nth(line).unwrap_or("(end of file)"),
            current.lines().nth(line).unwrap_or("(end of file)"),
        );
    }
}

#[tokio::test]
async fn every_operation_declares_who_may_call_it() {
    let app = spawn_app().await;
    let spec = app.get("/api/openapi.json", None).await;
    let paths = spec.assert_ok()["paths"].as_object().unwrap().clone();
    let mut operations = 0;
    for (path, methods) in paths {
        for (method, operation) in methods.as_object().unwrap() {
            operations += 1;
            let description = operation["description"].as_str().unwrap_or_default();
            let secured = operation.get("security").is_some();
            if secured {
                assert!(
                    description.contains("Roles:"),
                    "{method} {path} needs a token but does not say which roles may call it"
                );
            } else {
                assert!(
                    description.contains("Public."),
                    "{method} {path} takes no token but is not marked Public."
                );
            }
        }
    }
    assert!(operations >= 7);
}
