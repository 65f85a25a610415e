//! Sign-up, login, logout and the current session (`/api/auth`), and signing in through
//! GitHub or OpenID Connect providers.

mod email;
mod external;
pub(crate) mod http_client;
mod passkey;
mod return_to;
mod two_factor;

pub use external::{LoginProviders, ProviderInfo, auth_check};

use crate::api::v1::schema::{
    Conflict, Forbidden, InvalidInput, NotFound, RateLimited, SessionBody, SessionRef, TooLarge,
    Unauthenticated, UserBody,
};
use crate::http::ApiError;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use edge::Client;
use serde::Deserialize;
use services::two_factor::SignIn;
use services::{Actor, identity, session, user};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// `/api/auth`, documented with the REST API.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(signup))
        .routes(routes!(login))
        .routes(routes!(logout))
        .routes(routes!(current))
        .routes(routes!(sessions))
        .routes(routes!(revoke))
        .routes(routes!(external::start))
        .routes(routes!(external::callback))
        .routes(routes!(accounts))
        .routes(routes!(unlink))
        .routes(routes!(email::verify_email))
        .routes(routes!(email::resend))
        .routes(routes!(email::request_reset))
        .routes(routes!(email::reset))
        .routes(routes!(email::change_password))
        .routes(routes!(email::change_email))
        .routes(routes!(two_factor::setup))
        .routes(routes!(two_factor::enable))
        .routes(routes!(two_factor::disable))
        .routes(routes!(two_factor::second_step))
        .routes(routes!(passkey::registration_options))
        .routes(routes!(passkey::register, passkey::list))
        .routes(routes!(passkey::rename, passkey::delete))
        .routes(routes!(passkey::sign_in_options))
        .routes(routes!(passkey::sign_in))
        .routes(routes!(passkey::second_step_options))
        .routes(routes!(passkey::second_step))
}

/// What a login answers: the account (the cookie is set), or, when the account has a
/// second factor on, a challenge to finish with `POST /api/auth/login/2fa` (no cookie).
#[derive(serde::Serialize, ToSchema)]
#[serde(untagged)]
enum LoginAnswer {
    SignedIn(UserBody),
    SecondFactor(two_factor::ChallengeBody),
}

/// Input for a new account.
#[derive(Deserialize, ToSchema)]
struct SignupBody {
    email: String,
    password: String,
    /// The name others see.
    name: String,
}

/// Input for signing in.
#[derive(Deserialize, ToSchema)]
struct LoginBody {
    email: String,
    password: String,
}

fn with_cookie(status: StatusCode, cookie: HeaderValue, body: UserBody) -> Response {
    (status, [(header::SET_COOKIE, cookie)], Json(body)).into_response()
}

/// Adds the device cookie that marks this client as one `email` signed in on (the
/// sign-in throttle counts its attempts apart). Without it the response stands.
async fn with_device(state: &AppState, email: &str, mut res: Response) -> Response {
    match session::device_token(&state.services, email).await {
        Ok(token) => {
            res.headers_mut()
                .append(header::SET_COOKIE, state.cookies.device(&token));
        }
        Err(e) => tracing::warn!(error = %e, "no device token"),
    }
    res
}

/// Creates an account and signs it in.
///
/// The first account of an instance becomes its site admin. The instance may close sign-up
/// (403).
#[utoipa::path(
    post,
    path = "/api/auth/signup",
    operation_id = "signUp",
    tag = "auth",
    security(()),
    request_body = SignupBody,
    responses(
        (status = 201, description = "The new account; the session cookie is set", body = UserBody,
            headers(("set-cookie" = String, description = "`sayr_session`"))),
        (status = 400, response = InvalidInput),
        (status = 403, response = Forbidden),
        (status = 409, response = Conflict),
        (status = 413, response = TooLarge),
    )
)]
async fn signup(
    State(state): State<AppState>,
    Client(client): Client,
    body: Result<Json<SignupBody>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, ApiError> {
    let Json(body) = body?;
    let input = user::NewUser {
        email: body.email,
        password: body.password,
        name: body.name,
    };
    let (token, user) = session::sign_up(&state.services, input, client).await?;
    let cookie = state.cookies.session(Some(&token));
    let email = user.email.clone();
    let res = with_cookie(StatusCode::CREATED, cookie, UserBody { user });
    Ok(with_device(&state, &email, res).await)
}

/// Signs in with e-mail and password.
///
/// Any mismatch is 401 with the same message, whether or not the e-mail exists. Repeated
/// failures are throttled per account and per address (429). A banned account gets 403
/// with the ban's reason and end, once the password matched. With a second factor on, the
/// answer is `{twoFactorRequired: true, challenge}` and no cookie.
#[utoipa::path(
    post,
    path = "/api/auth/login",
    operation_id = "logIn",
    tag = "auth",
    security(()),
    request_body = LoginBody,
    responses(
        (status = 200, description = "The account, and the session cookie is set; or, with a \
            second factor on, the challenge for `POST /api/auth/login/2fa` and no cookie",
            body = LoginAnswer,
            headers(("set-cookie" = String, description = "`sayr_session`, unless a second factor is required"))),
        (status = 400, response = InvalidInput),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 413, response = TooLarge),
        (status = 429, response = RateLimited),
    )
)]
async fn login(
    State(state): State<AppState>,
    Client(client): Client,
    body: Result<Json<LoginBody>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, ApiError> {
    let Json(body) = body?;
    let outcome = session::sign_in(&state.services, &body.email, &body.password, client).await?;
    Ok(match outcome {
        SignIn::Session { token, user } => {
            let cookie = state.cookies.session(Some(&token));
            let email = user.email.clone();
            let body = LoginAnswer::SignedIn(UserBody { user });
            let res = (StatusCode::OK, [(header::SET_COOKIE, cookie)], Json(body)).into_response();
            with_device(&state, &email, res).await
        }
        SignIn::Challenge { challenge } => {
            Json(LoginAnswer::SecondFactor(two_factor::ChallengeBody {
                two_factor_required: true,
                challenge,
            }))
            .into_response()
        }
    })
}

/// Signs out: ends the session and clears the cookie.
#[utoipa::path(
    post,
    path = "/api/auth/logout",
    operation_id = "logOut",
    tag = "auth",
    security((), ("cookie" = [])),
    responses(
        (status = 204, description = "Signed out",
            headers(("set-cookie" = String, description = "`sayr_session`, expired"))),
    )
)]
async fn logout(
    State(state): State<AppState>,
    token: Option<Extension<crate::http::SessionTokenExt>>,
) -> Result<Response, ApiError> {
    if let Some(Extension(token)) = token {
        session::end(&state.services, &token.0).await?;
    }
    let cookie = state.cookies.session(None);
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, cookie)]).into_response())
}

/// The signed-in account and the session the request came through.
#[utoipa::path(
    get,
    path = "/api/auth/session",
    operation_id = "getSession",
    tag = "auth",
    responses(
        (status = 200, description = "The account and session", body = SessionBody),
        (status = 401, response = Unauthenticated),
    )
)]
async fn current(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
) -> Result<Json<SessionBody>, ApiError> {
    let me = user::me(&state.services, &actor).await?;
    let session_id = match &actor {
        Actor::User(u) => u.session,
        _ => None,
    };
    Ok(Json(SessionBody {
        user: me,
        session: SessionRef { id: session_id },
    }))
}

/// My sessions, most recently used first (`current` marks this one).
#[utoipa::path(
    get,
    path = "/api/auth/sessions",
    operation_id = "listSessions",
    tag = "auth",
    responses(
        (status = 200, description = "My sessions", body = [domain::dto::SessionInfo]),
        (status = 401, response = Unauthenticated),
    )
)]
async fn sessions(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
) -> Result<Json<Vec<domain::dto::SessionInfo>>, ApiError> {
    Ok(Json(session::list(&state.services, &actor).await?))
}

/// Revokes one of my sessions; it stops working at once.
#[utoipa::path(
    delete,
    path = "/api/auth/sessions/{id}",
    operation_id = "revokeSession",
    tag = "auth",
    params(("id" = String, Path, description = "The session's id")),
    responses(
        (status = 204, description = "Revoked"),
        (status = 401, response = Unauthenticated),
        (status = 404, response = NotFound),
    )
)]
async fn revoke(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<domain::SessionId>,
) -> Result<StatusCode, ApiError> {
    session::revoke(&state.services, &actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The external identities (GitHub, OpenID Connect) linked to my account.
#[utoipa::path(
    get,
    path = "/api/auth/accounts",
    operation_id = "listLinkedAccounts",
    tag = "auth",
    responses(
        (status = 200, description = "My linked identities", body = [domain::dto::LinkedAccount]),
        (status = 401, response = Unauthenticated),
    )
)]
async fn accounts(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
) -> Result<Json<Vec<domain::dto::LinkedAccount>>, ApiError> {
    Ok(Json(identity::list(&state.services, &actor).await?))
}

/// Disconnects one of my linked identities. The only way left to sign in cannot be
/// removed (409).
#[utoipa::path(
    delete,
    path = "/api/auth/accounts/{id}",
    operation_id = "unlinkAccount",
    tag = "auth",
    params(("id" = String, Path, description = "The linked identity's id")),
    responses(
        (status = 204, description = "Disconnected"),
        (status = 401, response = Unauthenticated),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    )
)]
async fn unlink(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<uuid::Uuid>,
) -> Result<StatusCode, ApiError> {
    identity::unlink(&state.services, &actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
