//! The GitHub App (`docs/http-api.md` → GitHub): the webhook, the install flow, linked
//! repositories and what a task's page shows.

use super::params::{OrgPath, TaskPath};
use super::schema::{
    Conflict, Forbidden, Gone, InvalidInput, NotFound, TooLarge, Unauthenticated, Unavailable,
};
use super::{Body, body};
use crate::http::ApiError;
use crate::state::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use domain::dto::{
    GithubReachable, GithubRepository, GithubRepositoryPatch, GithubStatus, NewGithubRepository,
    TaskGithub,
};
use edge::Caller;
use services::DomainError;
use services::github::{install, view, webhook};
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

/// `{slug}/github/installations/{installationId}`
#[derive(IntoParams)]
#[into_params(parameter_in = Path, rename_all = "camelCase")]
#[allow(dead_code)]
pub struct InstallationPath {
    /// The org's slug.
    slug: String,
    /// GitHub's installation id.
    installation_id: i64,
}

/// `{slug}/github/repositories/{id}`
#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)]
pub struct RepositoryPath {
    /// The org's slug.
    slug: String,
    /// The linked repository's id (Sayr's).
    id: Uuid,
}

/// `/api/github/setup`'s query.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct SetupQuery {
    installation_id: i64,
    setup_action: Option<String>,
    state: String,
}

/// Where GitHub delivers (the `path` below must say the same): the edge's JSON-shape check
/// and the `write` budget leave it alone, since it proves itself by its signature and
/// takes bodies up to GitHub's cap.
pub(crate) const WEBHOOK_PATH: &str = "/api/github/webhook";

/// The webhook, with GitHub's cap on a delivery; everything else under the server's limit.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(deliver))
        .layer(DefaultBodyLimit::max(webhook::MAX_BODY))
}

/// A delivery from GitHub.
///
/// Verified by `X-Hub-Signature-256` (HMAC-SHA256 of the body with the webhook secret)
/// before anything else is read: 401 otherwise. Recorded by `X-GitHub-Delivery` and
/// answered at once; the work runs as a job, and a delivery seen before is done once.
/// Deliveries for repositories no org linked are acknowledged and ignored. 404 when the
/// instance has no GitHub App.
#[utoipa::path(
    post,
    path = "/api/github/webhook",
    operation_id = "githubWebhook",
    tag = "github",
    security(()),
    request_body(content = serde_json::Value, description = "GitHub's delivery, as it sent it"),
    responses(
        (status = 202, description = "Accepted (or seen before): the work runs as a job"),
        (status = 400, response = InvalidInput),
        (status = 401, response = Unauthenticated),
        (status = 404, response = NotFound),
        (status = 413, response = TooLarge),
    )
)]
pub async fn deliver(
    State(state): State<AppState>,
    headers: HeaderMap,
    payload: Bytes,
) -> Response {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let delivery = webhook::Headers {
        signature: header("x-hub-signature-256"),
        event: header("x-github-event"),
        delivery: header("x-github-delivery"),
    };
    match webhook::accept(&state.services, delivery, &payload).await {
        Ok(_) => StatusCode::ACCEPTED.into_response(),
        Err(e) => ApiError::from(e).into_response(),
    }
}

/// The org's GitHub connection (an extension to the contract): whether the instance has the
/// App, the installations the org claimed and its linked repositories.
#[utoipa::path(
    get,
    path = "/api/v1/orgs/{slug}/github",
    operation_id = "getGithub",
    tag = "github",
    params(OrgPath),
    responses(
        (status = 200, description = "The connection", body = GithubStatus),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    )
)]
pub async fn status(cx: Caller, Path(slug): Path<String>) -> Result<Json<GithubStatus>, ApiError> {
    Ok(Json(install::status(&cx.svc, &cx.actor, &slug).await?))
}

/// Sends an admin to GitHub to install the App for this org (302). The `state` is signed by
/// the instance and names the org, the admin and an expiry (an hour).
#[utoipa::path(
    get,
    path = "/api/v1/orgs/{slug}/github/install",
    operation_id = "installGithub",
    tag = "github",
    params(OrgPath),
    responses(
        (status = 302, description = "To GitHub's install page"),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 503, response = Unavailable),
    )
)]
pub async fn install_start(cx: Caller, Path(slug): Path<String>) -> Result<Response, ApiError> {
    let url = install::install_url(&cx.svc, &cx.actor, &slug).await?;
    Ok(found(&url))
}

/// 302 Found, as the contract says (axum's `Redirect::to` answers 303).
fn found(url: &str) -> Response {
    (
        StatusCode::FOUND,
        [(axum::http::header::LOCATION, url.to_string())],
    )
        .into_response()
}

/// Where GitHub sends the admin back after installing (the App's setup URL).
///
/// The state must be intact, unexpired and the signed-in admin's own; the installation is
/// checked with GitHub (`GET /app/installations/{id}`, as the App) before it is recorded
/// for the state's org. Then 302 to the org's settings. A signed-out browser goes to the
/// login page and comes back here after it (any other caller gets 401).
#[utoipa::path(
    get,
    path = "/api/github/setup",
    operation_id = "githubSetup",
    tag = "github",
    params(SetupQuery),
    responses(
        (status = 302, description = "To the org's GitHub settings (or to sign in first)"),
        (status = 400, response = InvalidInput),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 409, response = Conflict),
        (status = 410, response = Gone),
        (status = 503, response = Unavailable),
    )
)]
pub async fn setup(
    cx: Caller,
    uri: Uri,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    if cx.actor.user_id().is_none() {
        let browser = headers
            .get("accept")
            .and_then(|a| a.to_str().ok())
            .is_some_and(|a| a.contains("text/html"));
        if !browser {
            return Err(DomainError::Unauthenticated.into());
        }
        let back: String = form_urlencoded::byte_serialize(uri.to_string().as_bytes()).collect();
        return Ok(found(&format!("/login?returnTo={back}")));
    }
    let mut installation = None;
    let mut state = None;
    for (key, value) in form_urlencoded::parse(raw.unwrap_or_default().as_bytes()) {
        match key.as_ref() {
            "installation_id" => installation = value.parse::<i64>().ok(),
            "state" => state = Some(value.into_owned()),
            _ => {}
        }
    }
    let bad = |field: &str, m: &str| {
        ApiError::from(DomainError::from(domain::parse::FieldError::new(field, m)))
    };
    let installation = installation.ok_or_else(|| bad("installation_id", "must be a number"))?;
    let state = state.ok_or_else(|| bad("state", "is required"))?;
    let slug = install::setup(&cx.svc, &cx.actor, installation, &state).await?;
    Ok(found(&format!("/orgs/{slug}/settings#github")))
}

/// The repositories an installation of the org can reach, for linking (an extension to the
/// contract; asked of GitHub with an installation token).
#[utoipa::path(
    get,
    path = "/api/v1/orgs/{slug}/github/installations/{installationId}/repositories",
    operation_id = "listReachableGithubRepositories",
    tag = "github",
    params(InstallationPath),
    responses(
        (status = 200, description = "What the installation can reach", body = Vec<GithubReachable>),
        (status = 400, response = InvalidInput),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 503, response = Unavailable),
    )
)]
pub async fn reachable(
    cx: Caller,
    Path((slug, installation)): Path<(String, i64)>,
) -> Result<Json<Vec<GithubReachable>>, ApiError> {
    Ok(Json(
        install::reachable_repositories(&cx.svc, &cx.actor, &slug, installation).await?,
    ))
}

/// The org's linked repositories.
#[utoipa::path(
    get,
    path = "/api/v1/orgs/{slug}/github/repositories",
    operation_id = "listGithubRepositories",
    tag = "github",
    params(OrgPath),
    responses(
        (status = 200, description = "Linked repositories, oldest first", body = Vec<GithubRepository>),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    )
)]
pub async fn repositories(
    cx: Caller,
    Path(slug): Path<String>,
) -> Result<Json<Vec<GithubRepository>>, ApiError> {
    Ok(Json(
        install::repositories(&cx.svc, &cx.actor, &slug).await?,
    ))
}

/// Links a repository the installation can reach (asked of GitHub); 400 for one it cannot,
/// 409 for one already linked here or elsewhere.
#[utoipa::path(
    post,
    path = "/api/v1/orgs/{slug}/github/repositories",
    operation_id = "linkGithubRepository",
    tag = "github",
    params(OrgPath),
    request_body = NewGithubRepository,
    responses(
        (status = 201, description = "Linked", body = GithubRepository),
        (status = 400, response = InvalidInput),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 413, response = TooLarge),
        (status = 503, response = Unavailable),
    )
)]
pub async fn link(
    cx: Caller,
    Path(slug): Path<String>,
    input: Body<NewGithubRepository>,
) -> Result<(StatusCode, Json<GithubRepository>), ApiError> {
    let repo = install::link(&cx.svc, &cx.actor, &slug, body(input)?).await?;
    Ok((StatusCode::CREATED, Json(repo)))
}

/// Changes a linked repository's category or whether tasks open issues there (an extension
/// to the contract).
#[utoipa::path(
    patch,
    path = "/api/v1/orgs/{slug}/github/repositories/{id}",
    operation_id = "updateGithubRepository",
    tag = "github",
    params(RepositoryPath),
    request_body = GithubRepositoryPatch,
    responses(
        (status = 200, description = "As it is now", body = GithubRepository),
        (status = 400, response = InvalidInput),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 413, response = TooLarge),
    )
)]
pub async fn update(
    cx: Caller,
    Path((slug, id)): Path<(String, Uuid)>,
    input: Body<GithubRepositoryPatch>,
) -> Result<Json<GithubRepository>, ApiError> {
    Ok(Json(
        install::update(&cx.svc, &cx.actor, &slug, id, body(input)?).await?,
    ))
}

/// Unlinks a repository (an extension to the contract): its deliveries are ignored from now
/// on and its links to tasks go; the tasks and their timelines stay.
#[utoipa::path(
    delete,
    path = "/api/v1/orgs/{slug}/github/repositories/{id}",
    operation_id = "unlinkGithubRepository",
    tag = "github",
    params(RepositoryPath),
    responses(
        (status = 204, description = "Unlinked"),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    )
)]
pub async fn unlink(
    cx: Caller,
    Path((slug, id)): Path<(String, Uuid)>,
) -> Result<StatusCode, ApiError> {
    install::unlink(&cx.svc, &cx.actor, &slug, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// What GitHub holds about a task: its issue, pull requests and commits. Visitors see a
/// public task's links to public repositories only, without commit messages or authors.
#[utoipa::path(
    get,
    path = "/api/v1/orgs/{slug}/tasks/{number}/github",
    operation_id = "getTaskGithub",
    security((), ("bearer" = []), ("cookie" = [])),
    tag = "github",
    params(TaskPath),
    responses(
        (status = 200, description = "The task's GitHub links", body = TaskGithub),
        (status = 404, response = NotFound),
    )
)]
pub async fn task(
    cx: Caller,
    Path((slug, number)): Path<(String, i64)>,
) -> Result<Json<TaskGithub>, ApiError> {
    Ok(Json(
        view::for_task(&cx.svc, &cx.actor, &slug, number).await?,
    ))
}
