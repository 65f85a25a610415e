use super::{Body, body};
use crate::http::{ApiError, ws_client_id};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::{Extension, Json};
use domain::model::{CategoryPatch, LabelPatch, NewCategory, NewLabel};
use domain::service::{Actor, category, label};
use domain::{CategoryId, LabelId};
use serde_json::{Value, json};

/// `GET /api/v1/orgs/{slug}/labels`
pub async fn list(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(slug): Path<String>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(json!(
        label::list(&state.services, &actor, &slug).await?
    )))
}

/// `POST /api/v1/orgs/{slug}/labels`
pub async fn create(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(slug): Path<String>,
    headers: HeaderMap,
    input: Body<NewLabel>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let created = label::create(
        &state.services,
        &actor,
        &slug,
        body(input)?,
        ws_client_id(&headers),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(json!({ "label": created }))))
}

/// `PATCH /api/v1/orgs/{slug}/labels/{id}`
pub async fn update(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path((slug, id)): Path<(String, LabelId)>,
    headers: HeaderMap,
    input: Body<LabelPatch>,
) -> Result<Json<Value>, ApiError> {
    let updated = label::update(
        &state.services,
        &actor,
        &slug,
        id,
        body(input)?,
        ws_client_id(&headers),
    )
    .await?;
    Ok(Json(json!({ "label": updated })))
}

/// `DELETE /api/v1/orgs/{slug}/labels/{id}`
pub async fn delete(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path((slug, id)): Path<(String, LabelId)>,
    headers: HeaderMap,
) -> Result<StatusCode, ApiError> {
    label::delete(&state.services, &actor, &slug, id, ws_client_id(&headers)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /api/v1/orgs/{slug}/categories`
pub async fn categories(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(slug): Path<String>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(json!(
        category::list(&state.services, &actor, &slug).await?
    )))
}

/// `POST /api/v1/orgs/{slug}/categories`
pub async fn create_category(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(slug): Path<String>,
    headers: HeaderMap,
    input: Body<NewCategory>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let created = category::create(
        &state.services,
        &actor,
        &slug,
        body(input)?,
        ws_client_id(&headers),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(json!({ "category": created }))))
}

/// `PATCH /api/v1/orgs/{slug}/categories/{id}`
pub async fn update_category(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path((slug, id)): Path<(String, CategoryId)>,
    headers: HeaderMap,
    input: Body<CategoryPatch>,
) -> Result<Json<Value>, ApiError> {
    let updated = category::update(
        &state.services,
        &actor,
        &slug,
        id,
        body(input)?,
        ws_client_id(&headers),
    )
    .await?;
    Ok(Json(json!({ "category": updated })))
}

/// `DELETE /api/v1/orgs/{slug}/categories/{id}`
pub async fn delete_category(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path((slug, id)): Path<(String, CategoryId)>,
    headers: HeaderMap,
) -> Result<StatusCode, ApiError> {
    category::delete(&state.services, &actor, &slug, id, ws_client_id(&headers)).await?;
    Ok(StatusCode::NO_CONTENT)
}
