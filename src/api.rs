//! The HTTP surface: every domain's API under `/api/v1`, the OpenAPI document, the docs UI,
//! health checks, and the one error shape installed over all of it.

use std::path::PathBuf;

use poem::{
    Endpoint, EndpointExt, IntoEndpoint, IntoResponse, Response, Route,
    endpoint::StaticFilesEndpoint,
    get, handler,
    http::StatusCode,
    middleware::{CatchPanic, Tracing},
    web::{Data, Html, Json, Redirect},
};
use poem_openapi::OpenApiService;
use serde_json::json;

use crate::{
    auth::http::AuthApi,
    dashboard::http::DashboardApi,
    diets::http::DietsApi,
    elders::http::{EldersApi, FamiliesApi},
    error,
    feedback::{
        http::{FeedbackApi, FeedbackComplaintsApi},
        supervision::SupervisionApi,
        visits::VisitsApi,
    },
    meal_points::http::MealPointsApi,
    menus::http::MenusApi,
    notices::http::NoticesApi,
    orders::{counter::CounterApi, http::OrdersApi},
    payments::http::PaymentsApi,
    places::http::PlacesApi,
    reconciliation::http::ReconciliationApi,
    samples::http::SamplesApi,
    settlement::http::SettlementApi,
    state::AppState,
    subsidy::{draft::SubsidyDraftApi, http::SubsidyApi},
};

pub mod contract;

pub const API_PREFIX: &str = "/api/v1";

type Apis = (
    AuthApi,
    PlacesApi,
    MealPointsApi,
    MenusApi,
    EldersApi,
    FamiliesApi,
    SubsidyApi,
    OrdersApi,
    FeedbackApi,
    FeedbackComplaintsApi,
    SupervisionApi,
    SettlementApi,
    (
        SubsidyDraftApi,
        DashboardApi,
        VisitsApi,
        CounterApi,
        PaymentsApi,
    ),
    (DietsApi, SamplesApi, NoticesApi, ReconciliationApi),
);

pub fn openapi_service(state: &AppState) -> OpenApiService<Apis, ()> {
    OpenApiService::new(
        (
            AuthApi {
                state: state.clone(),
            },
            PlacesApi {
                state: state.clone(),
            },
            MealPointsApi {
                state: state.clone(),
            },
            MenusApi {
                state: state.clone(),
            },
            EldersApi {
                state: state.clone(),
            },
            FamiliesApi {
                state: state.clone(),
            },
            SubsidyApi {
                state: state.clone(),
            },
            OrdersApi {
                state: state.clone(),
            },
            FeedbackApi {
                state: state.clone(),
            },
            FeedbackComplaintsApi {
                state: state.clone(),
            },
            SupervisionApi {
                state: state.clone(),
            },
            SettlementApi {
                state: state.clone(),
            },
            (
                SubsidyDraftApi {
                    state: state.clone(),
                },
                DashboardApi {
                    state: state.clone(),
                },
                VisitsApi {
                    state: state.clone(),
                },
                CounterApi {
                    state: state.clone(),
                },
                PaymentsApi {
                    state: state.clone(),
                },
            ),
            (
                DietsApi {
                    state: state.clone(),
                },
                SamplesApi {
                    state: state.clone(),
                },
                NoticesApi {
                    state: state.clone(),
                },
                ReconciliationApi {
                    state: state.clone(),
                },
            ),
        ),
        "zhucan 助餐 API",
        env!("CARGO_PKG_VERSION"),
    )
    .description(
        "老年助餐服务接口。错误统一返回 `{code, message, field?}`：`code` 是稳定的机器码，\
         `message` 是可直接展示的中文说明。需要登录的接口使用 `Authorization: Bearer <token>`。",
    )
    .server(API_PREFIX)
}

pub fn app(state: AppState) -> impl Endpoint {
    let service = openapi_service(&state);
    let derived = service.spec();
    let document = contract::publish(&derived);
    error::learn_enum_fields(&document);
    let methods = std::sync::Arc::new(contract::Methods::from_document(&document));
    let mut route = Route::new()
        .at("/healthz", get(healthz))
        .at("/readyz", get(readyz))
        .at(
            "/api/openapi.json",
            get(serve_document).data(Document(document.clone())),
        )
        // WeChat Pay's notifications: its protocol, not ours (see `payments::notify`).
        .at(
            "/wechatpay/notify",
            poem::post(crate::payments::notify::pay_notice),
        )
        .at(
            "/wechatpay/refund-notify",
            poem::post(crate::payments::notify::refund_notice),
        );
    if state.config.serve_docs {
        // The docs UI embeds the document: the published one, not the derived one.
        let docs = Html(service.swagger_ui_html().replace(&derived, &document));
        route = route.nest(
            "/docs",
            Route::new().at("/", get(poem::endpoint::make_sync(move |_| docs.clone()))),
        );
    }
    route = route
        .at("/", get(to_h5))
        .nest("/h5", h5_page(state.config.h5_dir.clone()))
        .nest(
            "/console",
            crate::console::console_page(state.config.console_dir.clone()),
        );
    let service = service
        .into_endpoint()
        .around(move |ep, req| contract::refuse_unlisted_methods(ep, req, methods.clone()));
    route
        .nest(API_PREFIX, service)
        .around(refuse_large_bodies)
        // A bug that panics answers 500 in the common shape instead of dropping the connection
        // (the tests still fail on any 5xx).
        .with(CatchPanic::new().with_handler(|_| {
            use poem::error::ResponseError;
            error::AppError::internal(std::io::Error::other("a request handler panicked"))
                .as_response()
        }))
        .with(Tracing)
        .data(state)
        .catch_all_error(error::into_error_response)
}

/// The mini program's H5 page, built by `npm run build:h5` in `miniapp/` (or by `build.rs` on
/// `cargo run`). Not part of the API, so not in the OpenAPI document. Until it is built, `/h5/`
/// answers a Chinese page saying how to build it.
fn h5_page(dir: PathBuf) -> impl Endpoint {
    let index = dir.join("index.html");
    StaticFilesEndpoint::new(dir)
        .index_file("index.html")
        .around(move |files, req| {
            let built = index.is_file();
            async move {
                if !built {
                    return Ok(Html(H5_NOT_BUILT)
                        .with_status(StatusCode::SERVICE_UNAVAILABLE)
                        .into_response());
                }
                Ok(files.call(req).await?.into_response())
            }
        })
}

const H5_NOT_BUILT: &str = "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>助餐 H5 尚未构建</title>\
<style>body{font:24px/1.6 sans-serif;margin:24px;color:#1a1a1a;background:#fffaf0}code{background:#eee;padding:2px 6px}</style>\
</head><body><h1>小程序的 H5 页面还没有构建</h1>\
<p>构建需要 Node.js 20 与 npm。在仓库根目录运行：</p>\
<p><code>cd miniapp &amp;&amp; npm ci &amp;&amp; npm run build:h5</code></p>\
<p>然后刷新本页。（<code>cargo run</code> 在找到 npm 时会自动构建。）</p>\
<p>接口文档在 <a href=\"/docs\">/docs</a>。</p></body></html>";

/// The OpenAPI document as published by [`contract::publish`].
#[derive(Clone)]
struct Document(String);

#[handler]
fn serve_document(document: Data<&Document>) -> Response {
    document
        .0
        .0
        .clone()
        .with_content_type("application/json; charset=utf-8")
        .into_response()
}

/// The root shows the mini program's H5 page.
#[handler]
fn to_h5() -> Redirect {
    Redirect::see_other("/h5/")
}

/// The largest request body the API reads: every request is a JSON document of a few
/// kilobytes at most (a policy file is the largest).
pub const BODY_LIMIT: u64 = 1024 * 1024;

/// Bodies over [`BODY_LIMIT`] are refused: with a `Content-Length` before a byte is read; a body
/// without one (`Transfer-Encoding: chunked`) is read up to one byte past the limit and refused
/// there, so neither spelling gets more than 1 MiB into memory. (poem's `SizeLimit` also refuses
/// every request without a `Content-Length`, GETs included, which is not what we want.)
async fn refuse_large_bodies<E: Endpoint>(ep: E, mut req: poem::Request) -> poem::Result<Response> {
    use tokio::io::AsyncReadExt;
    let too_large = || {
        error::AppError::new(
            error::ErrorKind::BadRequest,
            "PAYLOAD_TOO_LARGE",
            "请求内容过大（最多 1 MiB）",
        )
    };
    let declared = req
        .headers()
        .get(poem::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    match declared {
        Some(length) if length > BODY_LIMIT => return Err(too_large().into()),
        // hyper holds a body with a length to exactly that length.
        Some(_) => {}
        None => {
            let mut bytes = Vec::new();
            req.take_body()
                .into_async_read()
                .take(BODY_LIMIT + 1)
                .read_to_end(&mut bytes)
                .await
                .map_err(|_| {
                    error::AppError::new(
                        error::ErrorKind::BadRequest,
                        "BODY_UNREADABLE",
                        "请求内容没有完整收到，请重试",
                    )
                })?;
            if bytes.len() as u64 > BODY_LIMIT {
                return Err(too_large().into());
            }
            req.set_body(bytes);
        }
    }
    Ok(ep.call(req).await?.into_response())
}

/// The process is up.
#[handler]
fn healthz() -> Json<serde_json::Value> {
    Json(json!({ "status": "ok" }))
}

/// The database (and Redis, when configured) answer; a load balancer sends traffic only then.
#[handler]
async fn readyz(state: Data<&AppState>) -> Response {
    let database = match state.db.ping().await {
        Ok(()) => "ok",
        Err(err) => {
            tracing::warn!(%err, "readiness: database down");
            "unreachable"
        }
    };
    let redis = match &state.redis {
        None => "not_configured",
        Some(conn) => {
            let mut conn = conn.clone();
            match redis::cmd("PING").query_async::<String>(&mut conn).await {
                Ok(_) => "ok",
                Err(err) => {
                    tracing::warn!(%err, "readiness: redis down");
                    "unreachable"
                }
            }
        }
    };
    let ready = database == "ok" && redis != "unreachable";
    let body = if ready {
        json!({ "status": "ready", "database": database, "redis": redis })
    } else {
        json!({
            "code": "NOT_READY",
            "message": "服务暂不可用，请稍后再试",
            "database": database,
            "redis": redis,
        })
    };
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    Json(body).with_status(status).into_response()
}

#[cfg(test)]
mod tests {
    use poem::{Route, http::StatusCode, test::TestClient};

    use super::h5_page;

    fn scratch_dir(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("zhucan-h5-{name}-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[tokio::test]
    async fn an_unbuilt_h5_page_says_how_to_build_it() {
        let dir = scratch_dir("missing");
        let cli = TestClient::new(Route::new().nest("/h5", h5_page(dir.join("nothing-here"))));
        let resp = cli.get("/h5/").send().await;
        resp.assert_status(StatusCode::SERVICE_UNAVAILABLE);
        let text = resp.0.into_body().into_string().await.unwrap();
        assert!(text.contains("npm run build:h5"), "{text}");
        assert!(text.contains("还没有构建"), "{text}");
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[tokio::test]
    async fn the_built_h5_page_and_its_assets_are_served() {
        let dir = scratch_dir("built");
        std::fs::write(dir.join("index.html"), "<title>长者助餐</title>").unwrap();
        std::fs::create_dir_all(dir.join("assets")).unwrap();
        std::fs::write(dir.join("assets/app.js"), "console.log(1)").unwrap();
        let cli = TestClient::new(Route::new().nest("/h5", h5_page(dir.clone())));
        let index = cli.get("/h5/").send().await;
        index.assert_status_is_ok();
        index.assert_text("<title>长者助餐</title>").await;
        let asset = cli.get("/h5/assets/app.js").send().await;
        asset.assert_status_is_ok();
        asset.assert_text("console.log(1)").await;
        std::fs::remove_dir_all(dir).unwrap();
    }
}
