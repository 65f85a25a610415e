//! REST API v1 (`shared/spec/http-api.md`): thin handlers over the domain services.

mod me;
mod orgs;
mod tasks;

use crate::http::ApiError;
use crate::state::AppState;
use axum::Router;
use axum::extract::rejection::JsonRejection;
use axum::routing::get;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/me", get(me::me))
        .route("/orgs", get(orgs::list).post(orgs::create))
        .route("/orgs/{slug}", get(orgs::get))
        .route("/orgs/{slug}/tasks", get(tasks::list).post(tasks::create))
        .route("/orgs/{slug}/tasks/{number}", get(tasks::get))
}

/// A JSON body, or the contract's `invalid_input` / `too_large`.
pub(crate) type Body<T> = Result<axum::Json<T>, JsonRejection>;

pub(crate) fn body<T>(b: Body<T>) -> Result<T, ApiError> {
    Ok(b?.0)
}
