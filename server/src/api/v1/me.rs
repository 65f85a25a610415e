use super::{Body, body};
use crate::http::ApiError;
use crate::state::AppState;
use axum::extract::Path;
use axum::extract::State;
use axum::http::StatusCode;
use axum::{Extension, Json};
use domain::ApiKeyId;
use domain::service::{Actor, api_key, org, user};
use serde::Deserialize;
use serde_json::{Value, json};

/// `GET /api/v1/me`: the account and its organizations.
pub async fn me(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
) -> Result<Json<Value>, ApiError> {
    let user = user::me(&state.services, &actor).await?;
    let organizations = org::list_mine(&state.services, &actor).await?;
    Ok(Json(
        json!({ "user": user, "organizations": organizations }),
    ))
}

#[derive(Deserialize)]
pub struct NewKey {
    name: String,
}

/// `POST /api/v1/me/api-keys`: the key is in this response and nowhere else, ever.
pub async fn create_key(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    input: Body<NewKey>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let created = api_key::create(&state.services, &actor, &body(input)?.name).await?;
    Ok((StatusCode::CREATED, Json(json!(created))))
}

/// `GET /api/v1/me/api-keys`
pub async fn keys(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(json!(api_key::list(&state.services, &actor).await?)))
}

/// `DELETE /api/v1/me/api-keys/{id}`
pub async fn delete_key(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<ApiKeyId>,
) -> Result<StatusCode, ApiError> {
    api_key::delete(&state.services, &actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
