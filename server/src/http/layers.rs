//! What every request goes through besides the app: a time limit, a panic answered as a 500
//! (not a dropped connection), compression, and the access log.

use crate::http::ApiError;
use axum::body::Body;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{Extensions, HeaderMap, HeaderName, StatusCode, Version, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures::FutureExt;
use std::panic::AssertUnwindSafe;
use std::time::Duration;
use tower_http::classify::ServerErrorsFailureClass;
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::{Predicate, SizeAbove};
use tracing::Span;

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// A request still unanswered after `SAYR_REQUEST_TIMEOUT` gets 503 `unavailable` (its
/// work is dropped where it stands, as if the client had gone). Uploads are exempt: their
/// time is the client's bandwidth. So is a socket once upgraded (its upgrade answers at
/// once).
pub async fn time_limit(State(limit): State<Duration>, req: Request, next: Next) -> Response {
    let upload = req
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"multipart/form-data"));
    if upload || limit.is_zero() {
        return next.run(req).await;
    }
    match tokio::time::timeout(limit, next.run(req)).await {
        Ok(response) => response,
        Err(_) => {
            tracing::warn!(limit_secs = limit.as_secs(), "request timed out");
            ApiError::Unavailable(format!(
                "the request took longer than {} s",
                limit.as_secs()
            ))
            .into_response()
        }
    }
}

/// Each answer's time into the request-duration histogram, by method, route pattern
/// (requests no route took count as `(none)`) and status.
pub async fn measure(
    State(metrics): State<std::sync::Arc<crate::metrics::Metrics>>,
    req: Request,
    next: Next,
) -> Response {
    let started = std::time::Instant::now();
    let method = req.method().clone();
    let route = route_of(&req);
    let response = next.run(req).await;
    metrics.http_request(
        method.as_str(),
        &route,
        response.status().as_u16(),
        started.elapsed(),
    );
    response
}

/// The route pattern a request matched (never its path, which may carry tokens);
/// `(none)` when no route took it.
fn route_of(req: &Request) -> String {
    req.extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "(none)".to_string(), |p| p.as_str().to_string())
}

/// A panic in a handler answers 500 `internal` (with the request id the response carries)
/// instead of dropping the connection; the panic itself goes to the log.
pub async fn catch_panic(req: Request, next: Next) -> Response {
    let id = request_id(req.headers()).to_string();
    match AssertUnwindSafe(next.run(req)).catch_unwind().await {
        Ok(response) => response,
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            tracing::error!(request_id = %id, panic = %what, "a handler panicked");
            ApiError::Domain(services::DomainError::Internal(format!("panic: {what}")))
                .into_response()
        }
    }
}

fn request_id(headers: &HeaderMap) -> &str {
    headers
        .get(&REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

/// Brotli or gzip (the encodings tower-http is built with here), as the client accepts, for text answers (pages, JSON, feeds, the
/// OpenAPI document) over 256 bytes. Files people uploaded, images and precompressed
/// bundle files go out as they are.
pub fn compression() -> CompressionLayer<impl Predicate> {
    let textual = |_: StatusCode, _: Version, headers: &HeaderMap, _: &Extensions| {
        let Some(kind) = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
        else {
            return false;
        };
        let kind = kind.split(';').next().unwrap_or("").trim();
        matches!(
            kind,
            "text/html"
                | "application/json"
                | "text/css"
                | "text/javascript"
                | "application/javascript"
                | "application/atom+xml"
                | "application/xml"
                | "text/plain"
                | "image/svg+xml"
        )
        // A download (`Content-Disposition`) is the file as it was stored.
        && !headers.contains_key(header::CONTENT_DISPOSITION)
    };
    CompressionLayer::new().compress_when(SizeAbove::new(256).and(textual))
}

/// The access log's span: method, route pattern (not the path, which may carry tokens),
/// request id, client; the user is filled in once known ([`record_user`]).
pub fn request_span(req: &Request<Body>) -> Span {
    let route = route_of(req);
    let client = edge::client_ip(req.extensions())
        .map(|ip| ip.to_string())
        .unwrap_or_default();
    let span = tracing::info_span!(
        "request",
        method = %req.method(),
        route = %route,
        request_id = %request_id(req.headers()),
        client = %client,
        user_id = tracing::field::Empty,
        // OpenTelemetry's names for the same (tracing-opentelemetry reads `otel.*`).
        otel.name = %format!("{} {route}", req.method()),
        otel.kind = "server",
        otel.status_code = tracing::field::Empty,
        http.response.status_code = tracing::field::Empty,
    );
    crate::telemetry::continue_trace(&span, req.headers());
    span
}

/// Names the signed-in user on the request's span (the access log line).
pub fn record_user(user_id: uuid::Uuid) {
    Span::current().record("user_id", tracing::field::display(user_id));
}

/// One line per answered request at `info` (health probes at `debug`).
pub fn log_response(res: &Response<Body>, latency: Duration, span: &Span) {
    let status = res.status().as_u16();
    let ms = latency.as_secs_f64() * 1000.0;
    // As i64: the OpenTelemetry layer would write a u64 as text.
    span.record("http.response.status_code", i64::from(status));
    if res.status().is_server_error() {
        span.record("otel.status_code", "ERROR");
    }
    if res.extensions().get::<Probe>().is_some() {
        tracing::debug!(status, ms, "answered");
    } else {
        tracing::info!(status, ms, "answered");
    }
}

/// Marks a health probe's answer, which the access log keeps at `debug`.
#[derive(Clone, Copy)]
pub struct Probe;

/// A failure the classifier saw (a 5xx, or the body failing midway), logged with the span.
pub fn log_failure(class: ServerErrorsFailureClass, latency: Duration, _span: &Span) {
    let ms = latency.as_secs_f64() * 1000.0;
    match class {
        ServerErrorsFailureClass::StatusCode(_) => {} // already in the access line
        ServerErrorsFailureClass::Error(e) => tracing::warn!(error = %e, ms, "response failed"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::Router;
    use axum::middleware::{from_fn, from_fn_with_state};
    use axum::routing::get;
    use tower::ServiceExt;

    async fn call(router: Router, path: &str) -> (StatusCode, serde_json::Value, HeaderMap) {
        let req = Request::builder()
            .uri(path)
            .header(&REQUEST_ID, "req-42")
            .body(Body::empty())
            .unwrap();
        let res = router.oneshot(req).await.unwrap();
        let (status, headers) = (res.status(), res.headers().clone());
        let bytes = axum::body::to_bytes(res.into_body(), 1 << 20)
            .await
            .unwrap();
        let body = serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null);
        (status, body, headers)
    }

    #[tokio::test]
    async fn a_panicking_handler_answers_500_in_the_contracts_shape() {
        let router = Router::new()
            .route(
                "/boom",
                get(|| async {
                    if true {
                        panic!("boom");
                    }
                    "unreached"
                }),
            )
            .route("/fine", get(|| async { "fine" }))
            .layer(from_fn(catch_panic));
        let (status, body, _) = call(router.clone(), "/boom").await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(body["error"]["code"], "internal");
        assert!(
            !body.to_string().contains("boom"),
            "the panic's words stay in the log"
        );
        let (status, _, _) = call(router, "/fine").await;
        assert_eq!(status, StatusCode::OK, "the next request is served");
    }

    #[tokio::test]
    async fn a_request_past_its_time_answers_503() {
        let router = Router::new()
            .route(
                "/slow",
                get(|| async {
                    tokio::time::sleep(Duration::from_secs(5)).await;
                    "late"
                }),
            )
            .route("/quick", get(|| async { "quick" }))
            .layer(from_fn_with_state(Duration::from_millis(300), time_limit));
        let (status, body, _) = call(router.clone(), "/slow").await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(body["error"]["code"], "unavailable");
        let (status, _, _) = call(router, "/quick").await;
        assert_eq!(status, StatusCode::OK);
    }

    #[tokio::test]
    async fn an_upload_is_not_held_to_the_time_limit() {
        let router = Router::new()
            .route(
                "/upload",
                axum::routing::post(|| async {
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    "stored"
                }),
            )
            .layer(from_fn_with_state(Duration::from_millis(300), time_limit));
        let req = Request::builder()
            .method("POST")
            .uri("/upload")
            .header(header::CONTENT_TYPE, "multipart/form-data; boundary=x")
            .body(Body::empty())
            .unwrap();
        let res = router.oneshot(req).await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
    }
}
