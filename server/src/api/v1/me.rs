use super::schema::{
    Conflict, Forbidden, InvalidInput, MeBody, Refusals, TooLarge, Unauthenticated,
};
use super::{Body, body, params::KeyPath};
use crate::http::ApiError;
use crate::state::AppState;
use axum::extract::Path;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use domain::ApiKeyId;
use domain::dto::{ApiKey, CreatedApiKey};
use edge::Caller;
use serde::Deserialize;
use services::{Actor, api_key, org, user};
use utoipa::ToSchema;

/// The signed-in account and its organizations.
#[utoipa::path(
    get,
    path = "/api/v1/me",
    operation_id = "getMe",
    tag = "me",
    responses(
        (status = 200, description = "The account and the orgs it is a member of", body = MeBody),
        (status = 401, response = Unauthenticated),
    )
)]
pub async fn me(cx: Caller) -> Result<Json<MeBody>, ApiError> {
    let user = user::me(&cx.svc, &cx.actor).await?;
    let organizations = org::list_mine(&cx.svc, &cx.actor).await?;
    Ok(Json(MeBody {
        user,
        organizations,
    }))
}

/// Deletes the signed-in account (an extension to the contract).
///
/// Refused with 409 while the account created an org that still exists. Its avatar and
/// the uploads nothing links go with it; files in task descriptions and comments stay
/// there. Every session and API key of the account stops working at once. Only from a
/// signed-in session, not with an API key.
#[utoipa::path(
    delete,
    path = "/api/v1/me",
    operation_id = "deleteMe",
    tag = "me",
    security(("cookie" = [])),
    responses(
        (status = 204, description = "Deleted; the session cookie is cleared"),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 409, response = Conflict),
    )
)]
pub async fn delete_me(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
) -> Result<Response, ApiError> {
    let id = actor
        .user_id()
        .ok_or(ApiError::from(services::DomainError::Unauthenticated))?;
    user::delete(&state.services, &actor, id).await?;
    let mut res = StatusCode::NO_CONTENT.into_response();
    res.headers_mut()
        .insert(header::SET_COOKIE, state.cookies.session(None));
    Ok(res)
}

/// Input for a new API key.
#[derive(Deserialize, ToSchema)]
pub struct NewKey {
    /// What the key is for, to tell keys apart.
    name: String,
}

/// Creates an API key.
///
/// The key is in this response and nowhere else, ever. Keys are managed from a signed-in
/// session only: a request made with a key is forbidden.
#[utoipa::path(
    post,
    path = "/api/v1/me/api-keys",
    operation_id = "createApiKey",
    tag = "me",
    security(("cookie" = [])),
    request_body = NewKey,
    responses(
        (status = 201, description = "The key, shown this once", body = CreatedApiKey),
        (status = 400, response = InvalidInput),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 413, response = TooLarge),
    )
)]
pub async fn create_key(
    cx: Caller,
    input: Body<NewKey>,
) -> Result<(StatusCode, Json<CreatedApiKey>), ApiError> {
    let created = api_key::create(&cx.svc, &cx.actor, &body(input)?.name).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// My API keys (never the keys themselves).
#[utoipa::path(
    get,
    path = "/api/v1/me/api-keys",
    operation_id = "listApiKeys",
    tag = "me",
    security(("cookie" = [])),
    responses(
        (status = 200, description = "The keys, newest first", body = Vec<ApiKey>),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
    )
)]
pub async fn keys(cx: Caller) -> Result<Json<Vec<ApiKey>>, ApiError> {
    Ok(Json(api_key::list(&cx.svc, &cx.actor).await?))
}

/// Revokes one of my API keys.
#[utoipa::path(
    delete,
    path = "/api/v1/me/api-keys/{id}",
    operation_id = "deleteApiKey",
    tag = "me",
    security(("cookie" = [])),
    params(KeyPath),
    responses(
        (status = 204, description = "Revoked"),
        Refusals,
    )
)]
pub async fn delete_key(cx: Caller, Path(id): Path<ApiKeyId>) -> Result<StatusCode, ApiError> {
    api_key::delete(&cx.svc, &cx.actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
