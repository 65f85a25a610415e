//! Passkeys over REST (`/api/auth/passkeys…`, `/api/auth/login/2fa/passkey…`): register,
//! list, rename and delete them from a session; sign in with one; answer a sign-in's
//! second step with one. The ceremonies' JSON is WebAuthn's own (base64url), so a page
//! hands the options to `navigator.credentials` and the credential's `toJSON()` back.

use super::with_cookie;
use crate::api::v1::schema::{
    Conflict, Forbidden, Gone, InvalidInput, NotFound, RateLimited, TooLarge, Unauthenticated,
    Unavailable, UserBody,
};
use crate::http::ApiError;
use crate::state::AppState;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::{Extension, Json};
use domain::dto::Passkey;
use edge::Client;
use serde::Deserialize;
use services::Actor;
use services::passkey::{
    self, AssertionCredential, CreationOptions, RegistrationCredential, RequestOptions,
};
use utoipa::ToSchema;
use uuid::Uuid;

/// A new passkey: what `navigator.credentials.create()` made, and its name.
#[derive(Deserialize, ToSchema)]
pub(super) struct RegisterBody {
    /// What to call it; "Passkey" when left out.
    #[serde(default)]
    name: Option<String>,
    credential: RegistrationCredential,
}

/// A passkey's new name.
#[derive(Deserialize, ToSchema)]
pub(super) struct RenameBody {
    /// 1 to 64 characters.
    name: String,
}

/// A sign-in with a passkey: what `navigator.credentials.get()` answered.
#[derive(Deserialize, ToSchema)]
pub(super) struct SignInBody {
    credential: AssertionCredential,
}

/// The sign-in waiting for its second factor.
#[derive(Deserialize, ToSchema)]
pub(super) struct ChallengeOnly {
    /// What the login answered.
    challenge: String,
}

/// The second step of a sign-in, answered with a passkey.
#[derive(Deserialize, ToSchema)]
pub(super) struct PasskeySecondStepBody {
    /// What the login answered.
    challenge: String,
    credential: AssertionCredential,
}

/// Starts registering a passkey: options for `navigator.credentials.create({publicKey})`.
///
/// A discoverable credential with user verification; the account's passkeys are excluded.
/// The challenge is good once, for 5 minutes. Session only (403 with an API key); 503
/// when the instance is reached by an IP address (set `SAYR_PUBLIC_URL` to a host name).
#[utoipa::path(
    post,
    path = "/api/auth/passkeys/register/options",
    operation_id = "passkeyRegistrationOptions",
    tag = "auth",
    security(("cookie" = [])),
    responses(
        (status = 200, description = "Creation options (WebAuthn JSON)", body = CreationOptions),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 409, response = Conflict),
        (status = 503, response = Unavailable),
    )
)]
pub(super) async fn registration_options(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
) -> Result<Json<CreationOptions>, ApiError> {
    Ok(Json(
        passkey::registration_options(&state.services, &actor).await?,
    ))
}

/// Finishes registering a passkey.
///
/// A credential that fails a check is 400 (`fields.credential` says which); an unknown,
/// used or expired challenge is 410; a passkey registered already is 409.
#[utoipa::path(
    post,
    path = "/api/auth/passkeys",
    operation_id = "registerPasskey",
    tag = "auth",
    security(("cookie" = [])),
    request_body = RegisterBody,
    responses(
        (status = 201, description = "The new passkey", body = Passkey),
        (status = 400, response = InvalidInput),
        (status = 413, response = TooLarge),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 409, response = Conflict),
        (status = 410, response = Gone),
        (status = 503, response = Unavailable),
    )
)]
pub(super) async fn register(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    body: Result<Json<RegisterBody>, JsonRejection>,
) -> Result<(StatusCode, Json<Passkey>), ApiError> {
    let Json(body) = body?;
    let made = passkey::register(
        &state.services,
        &actor,
        body.name.as_deref(),
        &body.credential,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(made)))
}

/// My passkeys, oldest first.
#[utoipa::path(
    get,
    path = "/api/auth/passkeys",
    operation_id = "listPasskeys",
    tag = "auth",
    responses(
        (status = 200, description = "My passkeys", body = [Passkey]),
        (status = 401, response = Unauthenticated),
    )
)]
pub(super) async fn list(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
) -> Result<Json<Vec<Passkey>>, ApiError> {
    Ok(Json(passkey::list(&state.services, &actor).await?))
}

/// Renames one of my passkeys (session only).
#[utoipa::path(
    patch,
    path = "/api/auth/passkeys/{id}",
    operation_id = "renamePasskey",
    tag = "auth",
    security(("cookie" = [])),
    params(("id" = String, Path, description = "The passkey's id")),
    request_body = RenameBody,
    responses(
        (status = 200, description = "Renamed", body = Passkey),
        (status = 400, response = InvalidInput),
        (status = 413, response = TooLarge),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    )
)]
pub(super) async fn rename(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<Uuid>,
    body: Result<Json<RenameBody>, JsonRejection>,
) -> Result<Json<Passkey>, ApiError> {
    let Json(body) = body?;
    Ok(Json(
        passkey::rename(&state.services, &actor, id, &body.name).await?,
    ))
}

/// Deletes one of my passkeys (session only); it signs in no more.
#[utoipa::path(
    delete,
    path = "/api/auth/passkeys/{id}",
    operation_id = "deletePasskey",
    tag = "auth",
    security(("cookie" = [])),
    params(("id" = String, Path, description = "The passkey's id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    )
)]
pub(super) async fn delete(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<Uuid>,
) -> Result<StatusCode, ApiError> {
    passkey::delete(&state.services, &actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Starts a sign-in with a passkey: options for `navigator.credentials.get({publicKey})`
/// naming no credential (the browser offers the passkeys it holds for this instance).
#[utoipa::path(
    post,
    path = "/api/auth/passkeys/login/options",
    operation_id = "passkeySignInOptions",
    tag = "auth",
    security(()),
    responses(
        (status = 200, description = "Request options (WebAuthn JSON)", body = RequestOptions),
        (status = 503, response = Unavailable),
    )
)]
pub(super) async fn sign_in_options(
    State(state): State<AppState>,
) -> Result<Json<RequestOptions>, ApiError> {
    Ok(Json(passkey::sign_in_options(&state.services).await?))
}

/// Signs in with a passkey: a whole sign-in, the second factor included (no code is asked
/// after it).
///
/// Any refused passkey is 401 alike; an unknown, used or expired challenge is 410.
/// Throttled like a password sign-in per address (429).
#[utoipa::path(
    post,
    path = "/api/auth/passkeys/login",
    operation_id = "passkeySignIn",
    tag = "auth",
    security(()),
    request_body = SignInBody,
    responses(
        (status = 200, description = "The account; the session cookie is set", body = UserBody,
            headers(("set-cookie" = String, description = "`sayr_session`"))),
        (status = 400, response = InvalidInput),
        (status = 413, response = TooLarge),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 410, response = Gone),
        (status = 429, response = RateLimited),
        (status = 503, response = Unavailable),
    )
)]
pub(super) async fn sign_in(
    State(state): State<AppState>,
    Client(client): Client,
    body: Result<Json<SignInBody>, JsonRejection>,
) -> Result<Response, ApiError> {
    let Json(body) = body?;
    let (token, user) = passkey::sign_in(&state.services, &body.credential, client).await?;
    signed_in(&state, &token, user).await
}

/// Starts answering a sign-in's second step with a passkey: options naming the account's
/// passkeys.
///
/// 409 when the account has none; 410 when the sign-in is unknown or expired.
#[utoipa::path(
    post,
    path = "/api/auth/login/2fa/passkey/options",
    operation_id = "passkeySecondStepOptions",
    tag = "auth",
    security(()),
    request_body = ChallengeOnly,
    responses(
        (status = 200, description = "Request options (WebAuthn JSON)", body = RequestOptions),
        (status = 400, response = InvalidInput),
        (status = 413, response = TooLarge),
        (status = 409, response = Conflict),
        (status = 410, response = Gone),
        (status = 503, response = Unavailable),
    )
)]
pub(super) async fn second_step_options(
    State(state): State<AppState>,
    body: Result<Json<ChallengeOnly>, JsonRejection>,
) -> Result<Json<RequestOptions>, ApiError> {
    let Json(body) = body?;
    Ok(Json(
        passkey::second_step_options(&state.services, &body.challenge).await?,
    ))
}

/// Finishes a sign-in that waits for its second factor with one of the account's
/// passkeys, instead of a code.
///
/// A refused passkey is 401 and the sign-in stays usable until it expires; an unknown,
/// used or expired challenge (of the sign-in or of the passkey request) is 410. Throttled
/// like a code (429).
#[utoipa::path(
    post,
    path = "/api/auth/login/2fa/passkey",
    operation_id = "passkeySecondStep",
    tag = "auth",
    security(()),
    request_body = PasskeySecondStepBody,
    responses(
        (status = 200, description = "The account; the session cookie is set", body = UserBody,
            headers(("set-cookie" = String, description = "`sayr_session`"))),
        (status = 400, response = InvalidInput),
        (status = 413, response = TooLarge),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 410, response = Gone),
        (status = 429, response = RateLimited),
        (status = 503, response = Unavailable),
    )
)]
pub(super) async fn second_step(
    State(state): State<AppState>,
    Client(client): Client,
    body: Result<Json<PasskeySecondStepBody>, JsonRejection>,
) -> Result<Response, ApiError> {
    let Json(body) = body?;
    let (token, user) =
        passkey::complete_sign_in(&state.services, &body.challenge, &body.credential, client)
            .await?;
    signed_in(&state, &token, user).await
}

async fn signed_in(
    state: &AppState,
    token: &str,
    user: domain::dto::User,
) -> Result<Response, ApiError> {
    let cookie = state.cookies.session(Some(token));
    let email = user.email.clone();
    let res = with_cookie(StatusCode::OK, cookie, UserBody { user });
    Ok(super::with_device(state, &email, res).await)
}
