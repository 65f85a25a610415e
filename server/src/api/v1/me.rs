use crate::http::ApiError;
use crate::state::AppState;
use axum::extract::State;
use axum::{Extension, Json};
use domain::service::{Actor, org, user};
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
