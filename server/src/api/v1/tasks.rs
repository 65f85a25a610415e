use super::{Body, body};
use crate::http::{ApiError, ws_client_id};
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::{Extension, Json};
use domain::model::NewTask;
use domain::service::{Actor, task};
use serde::Deserialize;
use serde_json::{Value, json};

#[derive(Deserialize)]
pub struct ListQuery {
    limit: Option<u64>,
}

/// `GET /api/v1/orgs/{slug}/tasks`
pub async fn list(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(slug): Path<String>,
    Query(q): Query<ListQuery>,
) -> Result<Json<Value>, ApiError> {
    let list = task::list(&state.services, &actor, &slug, q.limit.unwrap_or(50)).await?;
    Ok(Json(json!({ "items": list.tasks, "nextCursor": null })))
}

/// `POST /api/v1/orgs/{slug}/tasks`
pub async fn create(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(slug): Path<String>,
    headers: HeaderMap,
    input: Body<NewTask>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let created = task::create(
        &state.services,
        &actor,
        &slug,
        body(input)?,
        ws_client_id(&headers),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(json!({ "task": created }))))
}

/// `GET /api/v1/orgs/{slug}/tasks/{number}`
pub async fn get(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path((slug, number)): Path<(String, i64)>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(
        json!({ "task": task::get(&state.services, &actor, &slug, number).await? }),
    ))
}
