//! The REST API.

pub mod v1;

use crate::http::ApiError;
use crate::state::AppState;
use axum::Router;
use axum::routing::any;
use services::DomainError;

/// Everything under `/api`: the documented routes, the document and its viewer; any other
/// `/api` path is the contract's 404.
pub fn routes() -> Router<AppState> {
    let not_found = || async { ApiError::from(DomainError::NotFound) };
    v1::routes()
        .route("/api", any(not_found))
        .route("/api/{*rest}", any(not_found))
}
