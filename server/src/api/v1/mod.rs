//! REST API v1 (`docs/http-api.md`): thin handlers over the domain services, each
//! documented with `#[utoipa::path]`. Routes are added with `routes!`, which reads the path
//! and method from that attribute, so nothing is routed without being documented.

mod comments;
mod constraints;
mod docs;
pub mod files;
pub(crate) mod github;
mod invites;
mod labels;
mod me;
mod members;
pub mod notifications;
mod orgs;
pub mod params;
mod planning;
pub mod schema;
mod tasks;
mod templates;

use crate::http::ApiError;
use crate::state::AppState;
use axum::Router;
use axum::extract::rejection::JsonRejection;
use schema::{
    Conflict, ErrorBody, FileTooLarge, Forbidden, Gone, InvalidInput, NotFound, RateLimited,
    TooLarge, Unauthenticated, Unavailable, UnsupportedMediaType,
};
use utoipa::Modify;
use utoipa::OpenApi;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The document's frame: info, tags, security schemes and the shared error responses; the
/// paths come from the handlers.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Sayr REST API",
        version = "1",
        description = "JSON over HTTP; field names are camelCase, times RFC 3339 UTC, ids \
            UUID strings. A task is addressed by its per-org number.\n\nSign in with the \
            `sayr_session` cookie (set by `/api/auth/login`; state-changing cookie requests \
            must come from the app's own origin) or `Authorization: Bearer sayr_…` with an \
            API key.\n\nEvery error is `{\"error\": {\"code\", \"message\"}}` with its status. \
            Any endpoint may also answer 500 `internal`, with the request id in \
            `x-request-id`."
    ),
    modifiers(&SecuritySchemes),
    security(("bearer" = []), ("cookie" = [])),
    components(
        schemas(ErrorBody),
        responses(
            InvalidInput,
            Unauthenticated,
            Forbidden,
            NotFound,
            Conflict,
            Gone,
            TooLarge,
            RateLimited,
            FileTooLarge,
            UnsupportedMediaType,
            Unavailable
        )
    ),
    tags(
        (name = "auth", description = "Sign-up, login, logout and the current session"),
        (name = "me", description = "The signed-in account and its API keys"),
        (name = "orgs", description = "Organizations"),
        (name = "members", description = "Members of an org and their permissions"),
        (name = "teams", description = "Teams: named permission sets held by members"),
        (name = "invites", description = "Invitations to join an org"),
        (name = "labels", description = "Labels tasks carry"),
        (name = "views", description = "Saved views of the board"),
        (name = "releases", description = "Releases and their public changelog"),
        (name = "categories", description = "Categories: one per task"),
        (name = "templates", description = "Task templates, for members and for visitors"),
        (name = "tasks", description = "Tasks, their list and their timeline"),
        (name = "comments", description = "Comments on tasks and their reactions"),
        (name = "votes", description = "Votes on tasks, by users and anonymous visitors"),
        (name = "relations", description = "Links between tasks of an org"),
        (name = "files", description = "Uploads, org logos and banners, avatars"),
        (name = "notifications", description = "The inbox, and watching tasks"),
        (name = "github", description = "The GitHub App: its webhook, linked repositories, a task's pull requests and commits"),
    )
)]
struct ApiDoc;

/// `bearer`: an API key; `cookie`: the session cookie.
struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        // utoipa fills in the crate's license, which the server crate does not declare.
        openapi.info.license = None;
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("sayr_…")
                    .description(Some(
                        "An API key (`sayr_` and 40+ characters, from `POST /api/v1/me/api-keys`); \
                         it acts as its user. A revoked key answers 401.",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "cookie",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                edge::cookies::SESSION,
                "The session cookie set by sign-up and login. State-changing requests made \
                 with it must come from the app's own origin.",
            ))),
        );
    }
}

/// `/api/auth` and `/api/v1`, each handler routed at the path it documents.
pub fn router() -> OpenApiRouter<AppState> {
    let mut router = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(crate::auth::router())
        .routes(routes!(me::me, me::delete_me))
        .routes(routes!(me::keys, me::create_key))
        .routes(routes!(me::delete_key))
        .routes(routes!(orgs::list, orgs::create))
        .routes(routes!(orgs::get, orgs::update, orgs::delete))
        .routes(routes!(orgs::transfer))
        .routes(routes!(members::list))
        .routes(routes!(members::remove))
        .routes(routes!(members::permissions))
        .routes(routes!(members::teams, members::create_team))
        .routes(routes!(members::update_team, members::delete_team))
        .routes(routes!(members::add_to_team, members::remove_from_team))
        .routes(routes!(invites::create))
        .routes(routes!(invites::accept))
        .routes(routes!(labels::list, labels::create))
        .routes(routes!(labels::update, labels::delete))
        .routes(routes!(labels::categories, labels::create_category))
        .routes(routes!(labels::update_category, labels::delete_category))
        .routes(routes!(tasks::list, tasks::create))
        .routes(routes!(tasks::get, tasks::update, tasks::delete))
        .routes(routes!(tasks::timeline))
        .routes(routes!(planning::views, planning::create_view))
        .routes(routes!(
            planning::get_view,
            planning::update_view,
            planning::delete_view
        ))
        .routes(routes!(planning::releases, planning::create_release))
        .routes(routes!(
            planning::get_release,
            planning::update_release,
            planning::delete_release
        ))
        .routes(routes!(planning::post_update))
        .routes(routes!(templates::list, templates::create))
        .routes(routes!(
            templates::get,
            templates::update,
            templates::delete
        ))
        .routes(routes!(notifications::list))
        .routes(routes!(notifications::update))
        .routes(routes!(notifications::read_all))
        .routes(routes!(notifications::my_tasks))
        .routes(routes!(
            notifications::settings,
            notifications::set_settings
        ))
        .routes(routes!(
            notifications::watching,
            notifications::watch,
            notifications::unwatch
        ))
        .merge(github::router())
        .routes(routes!(github::status))
        .routes(routes!(github::install_start))
        .routes(routes!(github::setup))
        .routes(routes!(github::reachable))
        .routes(routes!(github::repositories, github::link))
        .routes(routes!(github::update, github::unlink))
        .routes(routes!(github::task))
        .merge(comments::router())
        .merge(files::upload_router())
        .routes(routes!(files::delete))
        .routes(routes!(files::task_files))
        .routes(routes!(files::download));
    constraints::add(router.get_openapi_mut());
    schema::add_rate_limits(router.get_openapi_mut());
    router
}

/// The OpenAPI 3.1 document of the REST API, `/api/auth` included.
pub fn openapi() -> utoipa::openapi::OpenApi {
    router().into_openapi()
}

/// The documented routes, the document at `/api/v1/openapi.json` and its viewer at
/// `/api/docs`.
pub fn routes() -> Router<AppState> {
    let (routes, openapi) = router().split_for_parts();
    routes.merge(docs::routes(&openapi))
}

/// A JSON body, or the contract's `invalid_input` / `too_large`.
pub(crate) type Body<T> = Result<axum::Json<T>, JsonRejection>;

pub(crate) fn body<T>(b: Body<T>) -> Result<T, ApiError> {
    Ok(b?.0)
}
