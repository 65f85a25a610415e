use super::{Body, body};
use crate::http::ApiError;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::{Extension, Json};
use domain::model::{NewOrg, OrgPatch};
use domain::service::{Actor, org};
use serde_json::{Value, json};

/// `POST /api/v1/orgs`
pub async fn create(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    input: Body<NewOrg>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let created = org::create(&state.services, &actor, body(input)?).await?;
    Ok((StatusCode::CREATED, Json(json!({ "org": created }))))
}

/// `GET /api/v1/orgs`: mine.
pub async fn list(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(json!(org::list_mine(&state.services, &actor).await?)))
}

/// `GET /api/v1/orgs/{slug}`
pub async fn get(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(slug): Path<String>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(
        json!({ "org": org::get(&state.services, &actor, &slug).await? }),
    ))
}

/// `PATCH /api/v1/orgs/{slug}`
pub async fn update(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(slug): Path<String>,
    input: Body<OrgPatch>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(
        json!({ "org": org::update(&state.services, &actor, &slug, body(input)?).await? }),
    ))
}

/// `DELETE /api/v1/orgs/{slug}`
pub async fn delete(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(slug): Path<String>,
) -> Result<StatusCode, ApiError> {
    org::delete(&state.services, &actor, &slug).await?;
    Ok(StatusCode::NO_CONTENT)
}
