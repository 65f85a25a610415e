//! Saved views and releases (`docs/http-api.md` → Views, releases, templates).

use super::params::{OrgItemPath, OrgPath, ReleasePath, WsClient};
use super::schema::{Conflict, NotFound, Refusals, ReleasePage, WriteRefusals};
use super::{Body, body};
use crate::http::ApiError;
use axum::Json;
use axum::extract::Path;
use axum::http::StatusCode;
use domain::ViewId;
use domain::dto::{
    NewRelease, NewReleaseUpdate, NewView, Release, ReleasePatch, ReleaseUpdate, View, ViewPatch,
};
use edge::Caller;
use services::{release, view};

/// The views the caller sees in the org: the shared ones and their own (members only).
#[utoipa::path(
    get,
    path = "/api/v1/orgs/{slug}/views",
    operation_id = "listViews",
    tag = "views",
    params(OrgPath),
    responses(
        (status = 200, description = "The views, the default first", body = Vec<View>),
        Refusals,
    )
)]
pub async fn views(cx: Caller, Path(slug): Path<String>) -> Result<Json<Vec<View>>, ApiError> {
    Ok(Json(view::list(&cx.svc, &cx.actor, &slug).await?))
}

/// Saves a view; a shared one (or the default) needs content.manageViews.
#[utoipa::path(
    post,
    path = "/api/v1/orgs/{slug}/views",
    operation_id = "createView",
    tag = "views",
    params(OrgPath, WsClient),
    request_body = NewView,
    responses(
        (status = 201, description = "The view", body = View),
        WriteRefusals,
        (status = 409, response = Conflict),
    )
)]
pub async fn create_view(
    cx: Caller,
    Path(slug): Path<String>,
    input: Body<NewView>,
) -> Result<(StatusCode, Json<View>), ApiError> {
    let view = view::create(&cx.svc, &cx.actor, &slug, body(input)?, cx.origin).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// One view: the caller's own or a shared one.
#[utoipa::path(
    get,
    path = "/api/v1/orgs/{slug}/views/{id}",
    operation_id = "getView",
    tag = "views",
    params(OrgItemPath),
    responses(
        (status = 200, description = "The view", body = View),
        Refusals,
    )
)]
pub async fn get_view(
    cx: Caller,
    Path((slug, id)): Path<(String, ViewId)>,
) -> Result<Json<View>, ApiError> {
    Ok(Json(view::get(&cx.svc, &cx.actor, &slug, id).await?))
}

/// Changes a view: its owner a personal one, content.manageViews a shared one.
#[utoipa::path(
    patch,
    path = "/api/v1/orgs/{slug}/views/{id}",
    operation_id = "updateView",
    tag = "views",
    params(OrgItemPath, WsClient),
    request_body = ViewPatch,
    responses(
        (status = 200, description = "The view as changed", body = View),
        WriteRefusals,
    )
)]
pub async fn update_view(
    cx: Caller,
    Path((slug, id)): Path<(String, ViewId)>,
    input: Body<ViewPatch>,
) -> Result<Json<View>, ApiError> {
    let view = view::update(&cx.svc, &cx.actor, &slug, id, body(input)?, cx.origin).await?;
    Ok(Json(view))
}

/// Deletes a view: its owner a personal one, content.manageViews a shared one.
#[utoipa::path(
    delete,
    path = "/api/v1/orgs/{slug}/views/{id}",
    operation_id = "deleteView",
    tag = "views",
    params(OrgItemPath, WsClient),
    responses(
        (status = 204, description = "Deleted"),
        Refusals,
    )
)]
pub async fn delete_view(
    cx: Caller,
    Path((slug, id)): Path<(String, ViewId)>,
) -> Result<StatusCode, ApiError> {
    view::delete(&cx.svc, &cx.actor, &slug, id, cx.origin).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The org's releases: all for members; released ones for public viewers.
#[utoipa::path(
    get,
    path = "/api/v1/orgs/{slug}/releases",
    operation_id = "listReleases",
    tag = "releases",
    params(OrgPath),
    security((), ("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "In progress, planned, released, archived", body = Vec<Release>),
        (status = 404, response = NotFound),
    )
)]
pub async fn releases(
    cx: Caller,
    Path(slug): Path<String>,
) -> Result<Json<Vec<Release>>, ApiError> {
    Ok(Json(release::list(&cx.svc, &cx.actor, &slug).await?))
}

/// Makes a release (content.manageReleases); the slug comes from the name when left out.
#[utoipa::path(
    post,
    path = "/api/v1/orgs/{slug}/releases",
    operation_id = "createRelease",
    tag = "releases",
    params(OrgPath, WsClient),
    request_body = NewRelease,
    responses(
        (status = 201, description = "The release", body = Release),
        WriteRefusals,
        (status = 409, response = Conflict),
    )
)]
pub async fn create_release(
    cx: Caller,
    Path(slug): Path<String>,
    input: Body<NewRelease>,
) -> Result<(StatusCode, Json<Release>), ApiError> {
    let made = release::create(&cx.svc, &cx.actor, &slug, body(input)?, cx.origin).await?;
    Ok((StatusCode::CREATED, Json(made)))
}

/// A release with its tasks (those the caller sees, up to 500) and, for members, its health
/// updates.
#[utoipa::path(
    get,
    path = "/api/v1/orgs/{slug}/releases/{release}",
    operation_id = "getRelease",
    tag = "releases",
    params(ReleasePath),
    security((), ("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "The release", body = ReleasePage),
        (status = 404, response = NotFound),
    )
)]
pub async fn get_release(
    cx: Caller,
    Path((slug, name)): Path<(String, String)>,
) -> Result<Json<ReleasePage>, ApiError> {
    let detail = release::get(&cx.svc, &cx.actor, &slug, &name).await?;
    Ok(Json(ReleasePage {
        release: detail.release,
        tasks: detail.tasks,
        updates: detail.updates,
    }))
}

/// Changes a release (content.manageReleases). `status: released` records when.
#[utoipa::path(
    patch,
    path = "/api/v1/orgs/{slug}/releases/{release}",
    operation_id = "updateRelease",
    tag = "releases",
    params(ReleasePath, WsClient),
    request_body = ReleasePatch,
    responses(
        (status = 200, description = "The release as changed", body = Release),
        WriteRefusals,
        (status = 409, response = Conflict),
    )
)]
pub async fn update_release(
    cx: Caller,
    Path((slug, name)): Path<(String, String)>,
    input: Body<ReleasePatch>,
) -> Result<Json<Release>, ApiError> {
    let changed =
        release::update(&cx.svc, &cx.actor, &slug, &name, body(input)?, cx.origin).await?;
    Ok(Json(changed))
}

/// Deletes a release (content.manageReleases); its tasks stay, in no release.
#[utoipa::path(
    delete,
    path = "/api/v1/orgs/{slug}/releases/{release}",
    operation_id = "deleteRelease",
    tag = "releases",
    params(ReleasePath, WsClient),
    responses(
        (status = 204, description = "Deleted"),
        Refusals,
    )
)]
pub async fn delete_release(
    cx: Caller,
    Path((slug, name)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    release::delete(&cx.svc, &cx.actor, &slug, &name, cx.origin).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Posts a health update on a release (content.manageReleases).
#[utoipa::path(
    post,
    path = "/api/v1/orgs/{slug}/releases/{release}/updates",
    operation_id = "postReleaseUpdate",
    tag = "releases",
    params(ReleasePath, WsClient),
    request_body = NewReleaseUpdate,
    responses(
        (status = 201, description = "The update", body = ReleaseUpdate),
        WriteRefusals,
    )
)]
pub async fn post_update(
    cx: Caller,
    Path((slug, name)): Path<(String, String)>,
    input: Body<NewReleaseUpdate>,
) -> Result<(StatusCode, Json<ReleaseUpdate>), ApiError> {
    let update =
        release::post_update(&cx.svc, &cx.actor, &slug, &name, body(input)?, cx.origin).await?;
    Ok((StatusCode::CREATED, Json(update)))
}
