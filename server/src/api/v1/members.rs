use super::{Body, body};
use crate::http::ApiError;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::{Extension, Json};
use domain::model::{NewTeam, TeamPatch};
use domain::service::{Actor, member, team};
use domain::{TeamId, UserId};
use serde_json::{Value, json};

/// `GET /api/v1/orgs/{slug}/members`
pub async fn list(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(slug): Path<String>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(json!(
        member::list(&state.services, &actor, &slug).await?
    )))
}

/// `DELETE /api/v1/orgs/{slug}/members/{userId}`
pub async fn remove(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path((slug, user)): Path<(String, UserId)>,
) -> Result<StatusCode, ApiError> {
    member::remove(&state.services, &actor, &slug, user).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /api/v1/orgs/{slug}/permissions`
pub async fn permissions(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(slug): Path<String>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(json!(
        member::permissions(&state.services, &actor, &slug).await?
    )))
}

/// `GET /api/v1/orgs/{slug}/teams`
pub async fn teams(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(slug): Path<String>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(json!(
        team::list(&state.services, &actor, &slug).await?
    )))
}

/// `POST /api/v1/orgs/{slug}/teams`
pub async fn create_team(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(slug): Path<String>,
    input: Body<NewTeam>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let created = team::create(&state.services, &actor, &slug, body(input)?).await?;
    Ok((StatusCode::CREATED, Json(json!({ "team": created }))))
}

/// `PATCH /api/v1/orgs/{slug}/teams/{teamId}`
pub async fn update_team(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path((slug, id)): Path<(String, TeamId)>,
    input: Body<TeamPatch>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(
        json!({ "team": team::update(&state.services, &actor, &slug, id, body(input)?).await? }),
    ))
}

/// `DELETE /api/v1/orgs/{slug}/teams/{teamId}`
pub async fn delete_team(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path((slug, id)): Path<(String, TeamId)>,
) -> Result<StatusCode, ApiError> {
    team::delete(&state.services, &actor, &slug, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `PUT /api/v1/orgs/{slug}/teams/{teamId}/members/{userId}`
pub async fn add_to_team(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path((slug, id, user)): Path<(String, TeamId, UserId)>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(
        json!({ "team": team::add_member(&state.services, &actor, &slug, id, user).await? }),
    ))
}

/// `DELETE /api/v1/orgs/{slug}/teams/{teamId}/members/{userId}`
pub async fn remove_from_team(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path((slug, id, user)): Path<(String, TeamId, UserId)>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(
        json!({ "team": team::remove_member(&state.services, &actor, &slug, id, user).await? }),
    ))
}
