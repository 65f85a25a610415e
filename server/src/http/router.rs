//! The whole router: operations, REST, auth, the socket, server functions and pages.

use crate::config::MetricsAccess;
use crate::http::layers::{self, REQUEST_ID};
use crate::http::security::{CspNonce, SecurityHeaders, security_headers};
use crate::http::site::{self, Site};
use crate::http::{ApiError, resolve_actor};
use crate::state::AppState;
use crate::{api, realtime};
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Router};
use leptos::prelude::{provide_context, use_context};
use leptos_axum::{AxumRouteListing, LeptosRoutes, generate_route_list};
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

/// Request bodies beyond this are refused with 413 (uploads have their own limit).
pub const BODY_LIMIT: usize = 1024 * 1024;

/// The app's routes, worked out once per process. Working them out renders the app with
/// resource loading suppressed through a process-wide flag (leptos_router's
/// `SuppressResourceLoad`): a page that another instance in the same process started
/// rendering at that moment would wait forever for its data (leptos-rs/leptos#4773).
/// Once per process, before any instance serves, nothing can be rendering then.
fn routes() -> Vec<AxumRouteListing> {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(app::App)).clone()
}

pub fn router(state: AppState) -> Router {
    let routes = routes();
    let services = state.services.clone();
    let cookies = state.cookies.clone();
    let leptos_options = state.leptos_options.clone();
    let pkg = state.site.pkg_router();

    let security = Arc::new(SecurityHeaders::new(
        &services.settings.public_url,
        state.config.root_domain.as_deref(),
        state.config.storage.files_public_url.as_deref(),
        &state.config.markdown_image_hosts,
    ));
    let metrics_here = match state.config.metrics() {
        MetricsAccess::Bearer(token) => get(move |state: State<AppState>, headers: HeaderMap| {
            let token = token.clone();
            async move {
                if bearer_is(&headers, token.expose()) {
                    metrics(state).await
                } else {
                    (
                        StatusCode::UNAUTHORIZED,
                        [(header::WWW_AUTHENTICATE, "Bearer")],
                    )
                        .into_response()
                }
            }
        }),
        // On its own listener, or nowhere.
        MetricsAccess::OwnListener | MetricsAccess::Off => {
            get(|| async { StatusCode::NOT_FOUND.into_response() })
        }
    };

    Router::new()
        .route(
            "/healthz",
            get(|| async { (Extension(layers::Probe), "ok") }),
        )
        .route("/readyz", get(readyz))
        .route("/ws", get(realtime::upgrade))
        .route("/login/auth-check", get(crate::auth::auth_check))
        .route(
            "/unsubscribe",
            axum::routing::post(api::v1::notifications::unsubscribe_post),
        )
        .route("/orgs/{slug}/releases.atom", get(super::feed::org_feed))
        .route("/releases.atom", get(super::feed::host_feed))
        .merge(super::docs::routes())
        .merge(api::routes())
        .leptos_routes_with_context(
            &state,
            routes,
            move || {
                provide_context(services.clone());
                provide_context(cookies.clone());
                provide_csp_nonce();
            },
            {
                let options = leptos_options.clone();
                move || app::shell(options.clone())
            },
        )
        .nest("/pkg", pkg)
        .fallback(fallback(state.site.clone()))
        .layer(middleware::from_fn_with_state(state.clone(), super::limit))
        .layer(middleware::from_fn_with_state(state.clone(), resolve_actor))
        // After the actor's layer: a metrics token is no API key.
        .route("/metrics", metrics_here)
        .layer(middleware::from_fn(json_shape))
        .layer(middleware::from_fn(json_too_large))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(middleware::from_fn_with_state(
            state.config.request_timeout,
            layers::time_limit,
        ))
        .layer(middleware::from_fn(layers::catch_panic))
        .layer(middleware::from_fn_with_state(
            state.metrics.clone(),
            layers::measure,
        ))
        .layer(layers::compression())
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(layers::request_span)
                .on_response(layers::log_response)
                .on_failure(layers::log_failure),
        )
        .layer(middleware::from_fn_with_state(
            state.clone(),
            super::client_address,
        ))
        .layer(middleware::from_fn_with_state(security, security_headers))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
        .with_state(state)
}

/// What no route takes: a public file of the site (`/favicon.svg`), or the app's own
/// answer (its not-found page).
fn fallback(
    site: Site,
) -> impl Fn(Uri, State<AppState>, Request) -> Pin<Box<dyn Future<Output = Response> + Send>>
+ Clone
+ Send
+ Sync
+ 'static {
    let leptos = leptos_axum::file_and_error_handler_with_context::<AppState, _>(
        provide_csp_nonce,
        app::shell,
    );
    move |uri: Uri, state: State<AppState>, req: Request| {
        if let Site::Embedded = site
            && let Some(file) = site::embedded_public_file(uri.path(), req.headers())
        {
            return Box::pin(std::future::ready(file));
        }
        leptos(uri, state, req)
    }
}

/// `SAYR_METRICS_ADDR`'s router: `/metrics` and nothing else, for whoever reaches it.
pub fn metrics_router(state: AppState) -> Router {
    Router::new()
        .route("/metrics", get(metrics))
        .with_state(state)
}

/// Whether the request carries `Authorization: Bearer <token>` (compared in constant time).
fn bearer_is(headers: &HeaderMap, token: &str) -> bool {
    let Some(given) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
    else {
        return false;
    };
    let (given, token) = (given.trim().as_bytes(), token.trim().as_bytes());
    given.len() == token.len() && given.iter().zip(token).fold(0u8, |d, (a, b)| d | (a ^ b)) == 0
}

/// Hands the response's CSP nonce (`security::CspNonce`, set by the middleware) to Leptos,
/// whose hydration and data scripts carry it; without one, Leptos' own would not match
/// the header.
fn provide_csp_nonce() {
    let nonce = use_context::<axum::http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<CspNonce>().cloned());
    if let Some(nonce) = nonce {
        provide_context(leptos::nonce::Nonce::from_value(nonce.0));
    }
}

/// `/readyz`: the database and, when configured, Redis answer within 2 s. The body names
/// each dependency's state (`ok`, `unavailable`, `timed out`); any other than `ok` is a 503.
/// From SIGTERM on it is 503 `{"draining": true}`: the instance still serves what comes, but
/// load balancers should send it nothing new.
async fn readyz(State(state): State<AppState>) -> Response {
    const LIMIT: Duration = Duration::from_secs(2);
    if state.draining.load(std::sync::atomic::Ordering::SeqCst) {
        let body = serde_json::json!({ "draining": true });
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            Extension(layers::Probe),
            axum::Json(body),
        )
            .into_response();
    }
    let database = async {
        match tokio::time::timeout(LIMIT, state.services.ping()).await {
            Ok(Ok(())) => "ok",
            Ok(Err(e)) => {
                tracing::warn!(error = %e, "database not ready");
                "unavailable"
            }
            Err(_) => "timed out",
        }
    };
    // A Redis outage is logged once by its connection task, not on every probe.
    let redis = async {
        let redis = state.redis.as_ref()?;
        Some(match redis.ping(LIMIT).await {
            Ok(()) => "ok",
            Err(crate::redis::RedisError::TimedOut(_)) => "timed out",
            Err(_) => "unavailable",
        })
    };
    let (database, redis) = tokio::join!(database, redis);
    let mut body = serde_json::json!({ "database": database });
    if let Some(redis) = redis {
        body["redis"] = redis.into();
    }
    let ready = database == "ok" && redis.is_none_or(|r| r == "ok");
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, Extension(layers::Probe), axum::Json(body)).into_response()
}

/// `/metrics`: this instance's figures (`crate::metrics`), in the Prometheus text format.
async fn metrics(State(state): State<AppState>) -> Response {
    let text = state.metrics.render(&state).await;
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], text).into_response()
}

/// The API's writes whose JSON body is a list; every other one takes an object.
const LIST_BODIES: [&str; 1] = ["/api/v1/me/notification-settings"];

/// A JSON body must have the shape its endpoint documents: an object, or a list where
/// one is documented. Serde would otherwise read a struct from an array (`[null, null]`
/// as a patch that changes nothing, answered 200).
async fn json_shape(req: Request, next: Next) -> Response {
    let path = req.uri().path();
    let json = req
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    let writes = matches!(
        *req.method(),
        axum::http::Method::POST | axum::http::Method::PUT | axum::http::Method::PATCH
    );
    // GitHub's deliveries are read (and refused when too large) by the webhook itself,
    // which checks their signature over the exact bytes.
    if !(json && writes && path.starts_with("/api/"))
        || path == crate::api::v1::github::WEBHOOK_PATH
    {
        return next.run(req).await;
    }
    let list = LIST_BODIES.contains(&path);
    let (parts, body) = req.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, BODY_LIMIT).await else {
        return ApiError::TooLarge.into_response();
    };
    let shape_ok = match bytes.iter().find(|b| !b.is_ascii_whitespace()) {
        // Nothing, or not JSON at all: the endpoint's extractor says what is wrong.
        None => true,
        Some(b'{') => !list,
        Some(b'[') => list,
        Some(b'"' | b'-' | b'0'..=b'9' | b't' | b'f' | b'n') => false,
        Some(_) => true,
    };
    if !shape_ok {
        let want = if list {
            "a JSON array"
        } else {
            "a JSON object"
        };
        return ApiError::BadRequest(format!("the body must be {want}")).into_response();
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

/// Refusals from axum's extractors (body limit, malformed path parameters, bad query
/// strings) come as plain text; answer them in the contract's JSON instead. Body-limit
/// refusals anywhere; the others on the API only (pages keep their own error pages).
async fn json_too_large(req: Request, next: Next) -> Response {
    let api = req.uri().path().starts_with("/api/");
    let res = next.run(req).await;
    let is_json = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if is_json {
        return res;
    }
    match res.status() {
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::TooLarge.into_response(),
        StatusCode::BAD_REQUEST
        | StatusCode::UNPROCESSABLE_ENTITY
        | StatusCode::UNSUPPORTED_MEDIA_TYPE
            if api =>
        {
            let status = res.status();
            let bytes = axum::body::to_bytes(res.into_body(), 4096)
                .await
                .unwrap_or_default();
            let message = String::from_utf8_lossy(&bytes).trim().to_string();
            let mut res = ApiError::BadRequest(message).into_response();
            if status == StatusCode::UNSUPPORTED_MEDIA_TYPE {
                // A body that is not JSON: still bad input, said in the contract's shape.
                *res.status_mut() = StatusCode::BAD_REQUEST;
            }
            res
        }
        _ => res,
    }
}
