//! Whatever goes wrong, the client gets the one error shape and a 4xx, never a 500.

use reqwest::Method;

use crate::helpers::spawn_app;

#[tokio::test]
async fn an_unknown_route_is_a_404_in_the_common_shape() {
    let app = spawn_app().await;
    app.get("/api/v1/no-such-thing", None)
        .await
        .assert_error(404, "ROUTE_NOT_FOUND");
    app.get("/definitely/not/here", None)
        .await
        .assert_error(404, "ROUTE_NOT_FOUND");
}

#[tokio::test]
async fn a_wrong_method_is_a_405_in_the_common_shape() {
    let app = spawn_app().await;
    app.request(Method::DELETE, "/api/v1/places/districts", None, None)
        .await
        .assert_error(405, "METHOD_NOT_ALLOWED");
}

#[tokio::test]
async fn bad_json_and_wrong_types_are_400s() {
    let app = spawn_app().await;

    let broken = app
        .http
        .post(app.url("/api/v1/auth/login"))
        .header("Content-Type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(broken.status(), 400);
    let body: serde_json::Value = broken.json().await.unwrap();
    assert_eq!(body["code"], "INVALID_BODY");

    let wrong_type = app
        .post(
            "/api/v1/auth/wechat",
            None,
            serde_json::json!({ "code": ["not", "a", "string"] }),
        )
        .await;
    wrong_type.assert_error(400, "INVALID_BODY");

    let missing_field = app
        .post(
            "/api/v1/auth/login",
            None,
            serde_json::json!({ "username": "admin" }),
        )
        .await;
    missing_field.assert_error(400, "INVALID_BODY");
}

#[tokio::test]
async fn a_body_that_is_not_json_gets_a_clear_error() {
    let app = spawn_app().await;
    let response = app
        .http
        .post(app.url("/api/v1/auth/login"))
        .header("Content-Type", "text/plain")
        .body("username=admin")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 415);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["code"], "UNSUPPORTED_CONTENT_TYPE");
}

#[tokio::test]
async fn an_oversized_body_is_refused() {
    let app = spawn_app().await;
    let huge = "x".repeat(2 * 1024 * 1024);
    let response = app
        .http
        .post(app.url("/api/v1/auth/login"))
        .header("Content-Type", "application/json")
        .body(huge)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["code"], "PAYLOAD_TOO_LARGE");
}

/// The same limit holds for a body sent without a length (`Transfer-Encoding: chunked`): a
/// well-formed sign-in whose password is 2 MiB is refused before it is parsed or hashed.
#[tokio::test]
async fn an_oversized_chunked_body_is_refused_too() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = spawn_app().await;
    let body = format!(
        r#"{{"username":"admin","password":"{}"}}"#,
        "x".repeat(2 * 1024 * 1024)
    );
    let address = app.base.trim_start_matches("http://").to_string();
    let stream = tokio::net::TcpStream::connect(&address).await.unwrap();
    let (mut reader, mut writer) = stream.into_split();
    let head = format!(
        "POST /api/v1/auth/login HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\n\
         Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    );
    let sender = tokio::spawn(async move {
        writer.write_all(head.as_bytes()).await?;
        for chunk in body.as_bytes().chunks(64 * 1024) {
            writer
                .write_all(format!("{:x}\r\n", chunk.len()).as_bytes())
                .await?;
            writer.write_all(chunk).await?;
            writer.write_all(b"\r\n").await?;
        }
        writer.write_all(b"0\r\n\r\n").await
    });
    let mut response = Vec::new();
    reader.read_to_end(&mut response).await.unwrap();
    // The server may answer and close before the client has sent everything.
    let _ = sender.await;
    let response = String::from_utf8_lossy(&response);
    assert!(
        response.starts_with("HTTP/1.1 400"),
        "{}",
        &response[..response.len().min(300)]
    );
    assert!(response.contains("PAYLOAD_TOO_LARGE"), "{response}");
}
