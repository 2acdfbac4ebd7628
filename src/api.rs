//! The HTTP surface: every domain's API under `/api/v1`, the OpenAPI document, the docs UI,
//! health checks, and the one error shape installed over all of it.

use poem::{
    Endpoint, EndpointExt, IntoResponse, Response, Route, get, handler,
    http::StatusCode,
    middleware::Tracing,
    web::{Data, Json},
};
use poem_openapi::{OpenApiService, Tags};
use serde_json::json;

use crate::{
    auth::http::AuthApi,
    elders::http::{EldersApi, FamiliesApi},
    error,
    feedback::{
        http::{FeedbackApi, FeedbackComplaintsApi},
        supervision::SupervisionApi,
    },
    meal_points::http::MealPointsApi,
    menus::http::MenusApi,
    orders::http::OrdersApi,
    places::http::PlacesApi,
    settlement::http::SettlementApi,
    state::AppState,
    subsidy::http::SubsidyApi,
};

#[derive(Tags)]
pub enum ApiTags {
    /// Sign-in, sign-out, staff accounts
    Auth,
    /// Districts and streets
    Places,
    /// Meal points (助餐点): directory, near search, profiles, operators, status
    MealPoints,
    /// Dishes, offerings and the menu of a meal point
    Menus,
    /// Elders: registration, review, eligibility categories
    Elders,
    /// Family members linked to elders
    Families,
    /// Subsidy policy versions and meal quotes
    Subsidy,
    /// Booking, cancelling, pickup, delivery, no-shows
    Orders,
    /// Ratings of served meals and complaints (评价与投诉)
    Feedback,
    /// The supervisor view, inspectors and their visits (督查)
    Supervision,
    /// Same-city subsidy settlement (同城共享结算): runs, statements, review, exports
    Settlement,
}

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
    let spec = service.spec_endpoint();
    let mut route = Route::new()
        .at("/healthz", get(healthz))
        .at("/readyz", get(readyz))
        .at("/api/openapi.json", spec);
    if state.config.serve_docs {
        route = route.nest("/docs", service.swagger_ui());
    }
    route
        .nest(API_PREFIX, service)
        .around(refuse_large_bodies)
        .with(Tracing)
        .data(state)
        .catch_all_error(error::into_error_response)
}

/// Bodies over 1 MiB are refused before they are read. (poem's `SizeLimit` also refuses every
/// request without a `Content-Length`, GETs included, which is not what we want.)
async fn refuse_large_bodies<E: Endpoint>(ep: E, req: poem::Request) -> poem::Result<Response> {
    const LIMIT: u64 = 1024 * 1024;
    let declared = req
        .headers()
        .get(poem::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|length| length > LIMIT) {
        return Err(error::AppError::new(
            error::ErrorKind::BadRequest,
            "PAYLOAD_TOO_LARGE",
            "请求内容过大",
        )
        .into());
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
