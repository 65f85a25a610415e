//! Comments, reactions, votes and relations on tasks.

use super::params::{OrgItemPath, TaskPath, WsClient};
use super::schema::{
    CommentBody, Conflict, Forbidden, NotFound, Refusals, RelationBody, Unauthenticated, VoteBody,
    WriteRefusals,
};
use super::{Body, body};
use crate::http::{ApiError, ws_client_id};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use domain::CommentId;
use domain::dto::{Comment, CommentPatch, NewComment, NewReaction, NewRelation, TaskRelation};
use edge::Caller;
use services::{Actor, comment, relation, vote};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(update, delete))
        .routes(routes!(react))
        .routes(routes!(cast_vote, take_back_vote))
        .routes(routes!(relations, add_relation, remove_relation))
}

/// A task's comments, oldest first: internal ones for members only.
#[utoipa::path(
    get,
    path = "/api/v1/orgs/{slug}/tasks/{number}/comments",
    operation_id = "listComments",
    tag = "comments",
    params(TaskPath),
    security((), ("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "The comments; replies carry their parent's id", body = Vec<Comment>),
        (status = 404, response = NotFound),
    )
)]
pub async fn list(
    cx: Caller,
    Path((slug, number)): Path<(String, i64)>,
) -> Result<Json<Vec<Comment>>, ApiError> {
    Ok(Json(
        comment::list(&cx.svc, &cx.actor, &slug, number).await?,
    ))
}

/// Comments on a task: members, or signed-in visitors when public actions are on.
///
/// Members' comments are internal unless said otherwise; visitors write public ones.
/// Replies go one level deep.
#[utoipa::path(
    post,
    path = "/api/v1/orgs/{slug}/tasks/{number}/comments",
    operation_id = "createComment",
    tag = "comments",
    params(TaskPath, WsClient),
    request_body = NewComment,
    responses(
        (status = 201, description = "The new comment", body = CommentBody),
        WriteRefusals,
    )
)]
pub async fn create(
    cx: Caller,
    Path((slug, number)): Path<(String, i64)>,
    input: Body<NewComment>,
) -> Result<(StatusCode, Json<CommentBody>), ApiError> {
    let comment =
        comment::create(&cx.svc, &cx.actor, &slug, number, body(input)?, cx.origin).await?;
    Ok((StatusCode::CREATED, Json(CommentBody { comment })))
}

/// Edits a comment (its author, or moderation.manageComments); edits keep history.
#[utoipa::path(
    patch,
    path = "/api/v1/orgs/{slug}/comments/{id}",
    operation_id = "updateComment",
    tag = "comments",
    params(OrgItemPath, WsClient),
    request_body = CommentPatch,
    responses(
        (status = 200, description = "The comment as edited", body = CommentBody),
        WriteRefusals,
    )
)]
pub async fn update(
    cx: Caller,
    Path((slug, id)): Path<(String, CommentId)>,
    input: Body<CommentPatch>,
) -> Result<Json<CommentBody>, ApiError> {
    let comment = comment::update(&cx.svc, &cx.actor, &slug, id, body(input)?, cx.origin).await?;
    Ok(Json(CommentBody { comment }))
}

/// Deletes a comment (its author, or moderation.manageComments).
#[utoipa::path(
    delete,
    path = "/api/v1/orgs/{slug}/comments/{id}",
    operation_id = "deleteComment",
    tag = "comments",
    params(OrgItemPath, WsClient),
    responses(
        (status = 204, description = "Deleted"),
        Refusals,
    )
)]
pub async fn delete(
    cx: Caller,
    Path((slug, id)): Path<(String, CommentId)>,
) -> Result<StatusCode, ApiError> {
    comment::delete(&cx.svc, &cx.actor, &slug, id, cx.origin).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Toggles my reaction with this emoji on a comment I can read.
#[utoipa::path(
    post,
    path = "/api/v1/orgs/{slug}/comments/{id}/reactions",
    operation_id = "toggleReaction",
    tag = "comments",
    params(OrgItemPath, WsClient),
    request_body = NewReaction,
    responses(
        (status = 200, description = "The comment with its reactions", body = CommentBody),
        WriteRefusals,
    )
)]
pub async fn react(
    cx: Caller,
    Path((slug, id)): Path<(String, CommentId)>,
    input: Body<NewReaction>,
) -> Result<Json<CommentBody>, ApiError> {
    let input = body(input)?;
    let comment = comment::react(&cx.svc, &cx.actor, &slug, id, &input.emoji, cx.origin).await?;
    Ok(Json(CommentBody { comment }))
}

async fn vote_response(
    state: AppState,
    actor: Actor,
    slug: String,
    number: i64,
    headers: HeaderMap,
    client: services::ClientInfo,
    up: bool,
) -> Result<Response, ApiError> {
    let (actor, set_cookie) = edge::visitor(actor, &slug, &headers, &state.cookies, true);
    let origin = ws_client_id(&headers);
    let count = if up {
        vote::vote(
            &state.services,
            &actor,
            &slug,
            number,
            origin,
            client.ip.as_deref(),
        )
        .await?
    } else {
        vote::unvote(&state.services, &actor, &slug, number, origin).await?
    };
    let mut res = Json(VoteBody {
        vote_count: count,
        voted: up,
    })
    .into_response();
    if let Some(cookie) = set_cookie {
        res.headers_mut().append(header::SET_COOKIE, cookie);
    }
    Ok(res)
}

/// Votes for a task: signed-in users, and anonymous visitors when public actions are on.
///
/// One vote per user, or per anonymous visitor (known by the `sayr_visitor` cookie, set on
/// their first vote); voting twice changes nothing.
#[utoipa::path(
    put,
    path = "/api/v1/orgs/{slug}/tasks/{number}/vote",
    operation_id = "castVote",
    tag = "votes",
    params(TaskPath, WsClient),
    security((), ("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "The task's votes", body = VoteBody,
            headers(("set-cookie" = String, description = "`sayr_visitor`, for an anonymous visitor's first vote"))),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    )
)]
pub async fn cast_vote(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path((slug, number)): Path<(String, i64)>,
    edge::Client(client): edge::Client,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    vote_response(state, actor, slug, number, headers, client, true).await
}

/// Takes my vote back.
#[utoipa::path(
    delete,
    path = "/api/v1/orgs/{slug}/tasks/{number}/vote",
    operation_id = "takeBackVote",
    tag = "votes",
    params(TaskPath, WsClient),
    security((), ("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "The task's votes", body = VoteBody),
        Refusals,
    )
)]
pub async fn take_back_vote(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path((slug, number)): Path<(String, i64)>,
    edge::Client(client): edge::Client,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    vote_response(state, actor, slug, number, headers, client, false).await
}

/// The relations a task takes part in, from either end, oldest first.
///
/// Members see all; others those between two public tasks.
#[utoipa::path(
    get,
    path = "/api/v1/orgs/{slug}/tasks/{number}/relations",
    operation_id = "listRelations",
    tag = "relations",
    params(TaskPath),
    security((), ("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "The relations", body = Vec<TaskRelation>),
        (status = 404, response = NotFound),
    )
)]
pub async fn relations(
    cx: Caller,
    Path((slug, number)): Path<(String, i64)>,
) -> Result<Json<Vec<TaskRelation>>, ApiError> {
    Ok(Json(
        relation::list(&cx.svc, &cx.actor, &slug, number).await?,
    ))
}

/// Links a task to another (tasks.editAny, or the task's creator or an assignee).
#[utoipa::path(
    post,
    path = "/api/v1/orgs/{slug}/tasks/{number}/relations",
    operation_id = "addRelation",
    tag = "relations",
    params(TaskPath),
    request_body = NewRelation,
    responses(
        (status = 201, description = "The new relation", body = RelationBody),
        WriteRefusals,
        (status = 409, response = Conflict),
    )
)]
pub async fn add_relation(
    cx: Caller,
    Path((slug, number)): Path<(String, i64)>,
    input: Body<NewRelation>,
) -> Result<(StatusCode, Json<RelationBody>), ApiError> {
    let relation = relation::add(&cx.svc, &cx.actor, &slug, number, body(input)?).await?;
    Ok((StatusCode::CREATED, Json(RelationBody { relation })))
}

/// Removes a link, given as the body (as it was added).
#[utoipa::path(
    delete,
    path = "/api/v1/orgs/{slug}/tasks/{number}/relations",
    operation_id = "removeRelation",
    tag = "relations",
    params(TaskPath),
    request_body = NewRelation,
    responses(
        (status = 204, description = "Removed"),
        WriteRefusals,
    )
)]
pub async fn remove_relation(
    cx: Caller,
    Path((slug, number)): Path<(String, i64)>,
    input: Body<NewRelation>,
) -> Result<StatusCode, ApiError> {
    relation::remove(&cx.svc, &cx.actor, &slug, number, body(input)?).await?;
    Ok(StatusCode::NO_CONTENT)
}
