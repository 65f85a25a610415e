//! Comments, reactions, votes and relations on tasks.

use super::{Body, body};
use crate::http::{ApiError, ws_client_id};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch, post, put};
use axum::{Extension, Json, Router};
use domain::CommentId;
use domain::model::{CommentPatch, NewComment, NewReaction, NewRelation};
use domain::service::{Actor, comment, relation, vote};
use serde_json::{Value, json};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/orgs/{slug}/tasks/{number}/comments",
            get(list).post(create),
        )
        .route("/orgs/{slug}/comments/{id}", patch(update).delete(delete))
        .route("/orgs/{slug}/comments/{id}/reactions", post(react))
        .route(
            "/orgs/{slug}/tasks/{number}/vote",
            put(cast_vote).delete(take_back_vote),
        )
        .route(
            "/orgs/{slug}/tasks/{number}/relations",
            get(relations).post(add_relation).delete(remove_relation),
        )
}

/// `GET /api/v1/orgs/{slug}/tasks/{number}/comments`
pub async fn list(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path((slug, number)): Path<(String, i64)>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(json!(
        comment::list(&state.services, &actor, &slug, number).await?
    )))
}

/// `POST /api/v1/orgs/{slug}/tasks/{number}/comments`
pub async fn create(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path((slug, number)): Path<(String, i64)>,
    headers: HeaderMap,
    input: Body<NewComment>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let created = comment::create(
        &state.services,
        &actor,
        &slug,
        number,
        body(input)?,
        ws_client_id(&headers),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(json!({ "comment": created }))))
}

/// `PATCH /api/v1/orgs/{slug}/comments/{id}`
pub async fn update(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path((slug, id)): Path<(String, CommentId)>,
    headers: HeaderMap,
    input: Body<CommentPatch>,
) -> Result<Json<Value>, ApiError> {
    let updated = comment::update(
        &state.services,
        &actor,
        &slug,
        id,
        body(input)?,
        ws_client_id(&headers),
    )
    .await?;
    Ok(Json(json!({ "comment": updated })))
}

/// `DELETE /api/v1/orgs/{slug}/comments/{id}`
pub async fn delete(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path((slug, id)): Path<(String, CommentId)>,
    headers: HeaderMap,
) -> Result<StatusCode, ApiError> {
    comment::delete(&state.services, &actor, &slug, id, ws_client_id(&headers)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /api/v1/orgs/{slug}/comments/{id}/reactions`
pub async fn react(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path((slug, id)): Path<(String, CommentId)>,
    headers: HeaderMap,
    input: Body<NewReaction>,
) -> Result<Json<Value>, ApiError> {
    let input = body(input)?;
    let updated = comment::react(
        &state.services,
        &actor,
        &slug,
        id,
        &input.emoji,
        ws_client_id(&headers),
    )
    .await?;
    Ok(Json(json!({ "comment": updated })))
}

/// An anonymous actor becomes one known by its vote fingerprint, from the visitor cookie
/// (made now, and returned as a `Set-Cookie` value, when the request has none).
fn with_fingerprint(
    actor: Actor,
    slug: &str,
    headers: &HeaderMap,
    secure: bool,
) -> (Actor, Option<String>) {
    let Actor::Anonymous { .. } = actor else {
        return (actor, None);
    };
    let known = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(vote::visitor_from_cookie_header)
        .map(str::to_string);
    let (visitor, set_cookie) = match known {
        Some(visitor) => (visitor, None),
        None => {
            let visitor = vote::new_visitor();
            let cookie = vote::visitor_cookie(&visitor, secure);
            (visitor, Some(cookie))
        }
    };
    let user_agent = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let fingerprint = vote::fingerprint(slug, &visitor, user_agent);
    (
        Actor::Anonymous {
            fingerprint: Some(fingerprint),
        },
        set_cookie,
    )
}

async fn vote_response(
    state: AppState,
    actor: Actor,
    slug: String,
    number: i64,
    headers: HeaderMap,
    up: bool,
) -> Result<Response, ApiError> {
    let secure = state.services.settings.secure_cookies;
    let (actor, set_cookie) = with_fingerprint(actor, &slug, &headers, secure);
    let origin = ws_client_id(&headers);
    let count = if up {
        vote::vote(&state.services, &actor, &slug, number, origin).await?
    } else {
        vote::unvote(&state.services, &actor, &slug, number, origin).await?
    };
    let mut res = Json(json!({ "voteCount": count, "voted": up })).into_response();
    if let Some(cookie) = set_cookie.and_then(|c| HeaderValue::from_str(&c).ok()) {
        res.headers_mut().append(header::SET_COOKIE, cookie);
    }
    Ok(res)
}

/// `PUT /api/v1/orgs/{slug}/tasks/{number}/vote`
pub async fn cast_vote(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path((slug, number)): Path<(String, i64)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    vote_response(state, actor, slug, number, headers, true).await
}

/// `DELETE /api/v1/orgs/{slug}/tasks/{number}/vote`
pub async fn take_back_vote(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path((slug, number)): Path<(String, i64)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    vote_response(state, actor, slug, number, headers, false).await
}

/// `GET /api/v1/orgs/{slug}/tasks/{number}/relations`
pub async fn relations(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path((slug, number)): Path<(String, i64)>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(json!(
        relation::list(&state.services, &actor, &slug, number).await?
    )))
}

/// `POST /api/v1/orgs/{slug}/tasks/{number}/relations`
pub async fn add_relation(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path((slug, number)): Path<(String, i64)>,
    input: Body<NewRelation>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let added = relation::add(&state.services, &actor, &slug, number, body(input)?).await?;
    Ok((StatusCode::CREATED, Json(json!({ "relation": added }))))
}

/// `DELETE /api/v1/orgs/{slug}/tasks/{number}/relations` with the relation as the body.
pub async fn remove_relation(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path((slug, number)): Path<(String, i64)>,
    input: Body<NewRelation>,
) -> Result<StatusCode, ApiError> {
    relation::remove(&state.services, &actor, &slug, number, body(input)?).await?;
    Ok(StatusCode::NO_CONTENT)
}
