//! Serves the OpenAPI document and a self-contained page that reads it (no CDN: an
//! instance may be offline).

use crate::http::security::CspNonce;
use crate::state::AppState;
use axum::Extension;
use axum::Router;
use axum::body::Bytes;
use axum::http::header;
use axum::response::Html;
use axum::routing::get;

const VIEWER: &str = include_str!("docs.html");

/// `GET /api/v1/openapi.json` and `GET /api/docs`; the document is serialized once.
pub fn routes(openapi: &utoipa::openapi::OpenApi) -> Router<AppState> {
    let json = Bytes::from(openapi.to_json().expect("the OpenAPI document serializes"));
    Router::new()
        .route(
            "/api/v1/openapi.json",
            get(move || async move { ([(header::CONTENT_TYPE, "application/json")], json) }),
        )
        .route("/api/docs", get(viewer))
}

/// The viewer, its inline style and script carrying this response's CSP nonce.
async fn viewer(Extension(nonce): Extension<CspNonce>) -> Html<String> {
    let nonce = &nonce.0;
    Html(
        VIEWER
            .replacen("<style>", &format!("<style nonce=\"{nonce}\">"), 1)
            .replacen("<script>", &format!("<script nonce=\"{nonce}\">"), 1),
    )
}
