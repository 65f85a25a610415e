//! REST API v1 (`shared/spec/http-api.md`): thin handlers over the domain services.

mod comments;
mod invites;
mod labels;
mod me;
mod members;
mod orgs;
mod tasks;

use crate::http::ApiError;
use crate::state::AppState;
use axum::Router;
use axum::extract::rejection::JsonRejection;
use axum::routing::{get, patch, post, put};

pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(comments::routes())
        .route("/me", get(me::me))
        .route("/me/api-keys", get(me::keys).post(me::create_key))
        .route("/me/api-keys/{id}", axum::routing::delete(me::delete_key))
        .route("/orgs", get(orgs::list).post(orgs::create))
        .route(
            "/orgs/{slug}",
            get(orgs::get).patch(orgs::update).delete(orgs::delete),
        )
        .route("/orgs/{slug}/members", get(members::list))
        .route("/orgs/{slug}/invites", post(invites::create))
        .route("/invites/{code}/accept", post(invites::accept))
        .route(
            "/orgs/{slug}/members/{user_id}",
            axum::routing::delete(members::remove),
        )
        .route("/orgs/{slug}/permissions", get(members::permissions))
        .route(
            "/orgs/{slug}/teams",
            get(members::teams).post(members::create_team),
        )
        .route(
            "/orgs/{slug}/teams/{team_id}",
            patch(members::update_team).delete(members::delete_team),
        )
        .route(
            "/orgs/{slug}/teams/{team_id}/members/{user_id}",
            put(members::add_to_team).delete(members::remove_from_team),
        )
        .route("/orgs/{slug}/tasks", get(tasks::list).post(tasks::create))
        .route(
            "/orgs/{slug}/tasks/{number}",
            get(tasks::get).patch(tasks::update).delete(tasks::delete),
        )
        .route("/orgs/{slug}/tasks/{number}/timeline", get(tasks::timeline))
        .route(
            "/orgs/{slug}/labels",
            get(labels::list).post(labels::create),
        )
        .route(
            "/orgs/{slug}/labels/{id}",
            patch(labels::update).delete(labels::delete),
        )
        .route(
            "/orgs/{slug}/categories",
            get(labels::categories).post(labels::create_category),
        )
        .route(
            "/orgs/{slug}/categories/{id}",
            patch(labels::update_category).delete(labels::delete_category),
        )
}

/// A JSON body, or the contract's `invalid_input` / `too_large`.
pub(crate) type Body<T> = Result<axum::Json<T>, JsonRejection>;

pub(crate) fn body<T>(b: Body<T>) -> Result<T, ApiError> {
    Ok(b?.0)
}
