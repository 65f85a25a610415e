use super::{Body, body};
use crate::http::ApiError;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::{Extension, Json};
use domain::service::{Actor, invite};
use serde::Deserialize;
use serde_json::{Value, json};

#[derive(Deserialize)]
pub struct InviteBody {
    email: String,
}

/// `POST /api/v1/orgs/{slug}/invites`
pub async fn create(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(slug): Path<String>,
    input: Body<InviteBody>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let created = invite::create(&state.services, &actor, &slug, &body(input)?.email).await?;
    Ok((StatusCode::CREATED, Json(json!({ "invite": created }))))
}

/// `POST /api/v1/invites/{code}/accept`
pub async fn accept(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(code): Path<String>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(
        json!({ "org": invite::accept(&state.services, &actor, &code).await? }),
    ))
}
