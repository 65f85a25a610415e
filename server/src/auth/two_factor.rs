//! The second factor over REST: TOTP setup, turning it on and off, and the second step of
//! a sign-in (`/api/auth/2fa/…`, `/api/auth/login/2fa`).

use super::with_cookie;
use crate::api::v1::schema::{
    Conflict, Forbidden, Gone, InvalidInput, RateLimited, TooLarge, Unauthenticated, UserBody,
};
use crate::http::ApiError;
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::{Extension, Json};
use domain::dto::{BackupCodes, TotpSetup};
use edge::Client;
use serde::{Deserialize, Serialize};
use services::{Actor, two_factor};
use utoipa::ToSchema;

/// A code: six digits from the authenticator app, or a backup code (`xxxxx-xxxxx`).
#[derive(Deserialize, ToSchema)]
pub(super) struct CodeBody {
    code: String,
}

/// The second step of a sign-in.
#[derive(Deserialize, ToSchema)]
pub(super) struct SecondStepBody {
    /// What the login answered.
    challenge: String,
    /// A current code of the app, or an unused backup code.
    code: String,
}

/// A sign-in that waits for its second factor: no cookie yet.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(super) struct ChallengeBody {
    /// Always true.
    pub(super) two_factor_required: bool,
    /// Send it with a code to `POST /api/auth/login/2fa` within 5 minutes.
    pub(super) challenge: String,
}

/// Starts setting up TOTP: a new secret and its `otpauth://` URL for the app.
///
/// Nothing is asked at sign-in until `POST /api/auth/2fa/totp/enable` confirms the secret
/// with a code. Starting again replaces a secret not yet confirmed. Session only (403 with
/// an API key); 409 when a second factor is already on.
#[utoipa::path(
    post,
    path = "/api/auth/2fa/totp/setup",
    operation_id = "setUpTotp",
    tag = "auth",
    security(("cookie" = [])),
    responses(
        (status = 200, description = "The secret (RFC 6238: SHA-1, 6 digits, 30 s)", body = TotpSetup),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 409, response = Conflict),
    )
)]
pub(super) async fn setup(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
) -> Result<Json<TotpSetup>, ApiError> {
    Ok(Json(two_factor::setup(&state.services, &actor).await?))
}

/// Turns TOTP on with a current code of the app; answers the ten backup codes, shown this
/// once (each works once, stored hashed).
#[utoipa::path(
    post,
    path = "/api/auth/2fa/totp/enable",
    operation_id = "enableTotp",
    tag = "auth",
    security(("cookie" = [])),
    request_body = CodeBody,
    responses(
        (status = 200, description = "On; the backup codes", body = BackupCodes),
        (status = 400, response = InvalidInput),
        (status = 413, response = TooLarge),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 409, response = Conflict),
    )
)]
pub(super) async fn enable(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    body: Result<Json<CodeBody>, axum::extract::rejection::JsonRejection>,
) -> Result<Json<BackupCodes>, ApiError> {
    let Json(body) = body?;
    let backup_codes = two_factor::enable(&state.services, &actor, &body.code).await?;
    Ok(Json(BackupCodes { backup_codes }))
}

/// Turns the second factor off with a current code or an unused backup code.
///
/// A wrong code is 400 (`fields.code`) and counts as a failed sign-in of the account
/// (429 after too many).
#[utoipa::path(
    delete,
    path = "/api/auth/2fa/totp",
    operation_id = "disableTotp",
    tag = "auth",
    security(("cookie" = [])),
    request_body = CodeBody,
    responses(
        (status = 204, description = "Off"),
        (status = 400, response = InvalidInput),
        (status = 413, response = TooLarge),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 409, response = Conflict),
        (status = 429, response = RateLimited),
    )
)]
pub(super) async fn disable(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Client(client): Client,
    body: Result<Json<CodeBody>, axum::extract::rejection::JsonRejection>,
) -> Result<StatusCode, ApiError> {
    let Json(body) = body?;
    two_factor::disable(&state.services, &actor, &body.code, client).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Finishes a sign-in that waits for its second factor.
///
/// A wrong code is 400 (`fields.code`); the challenge stays usable until it expires
/// (5 minutes) and failures are throttled like logins, per account and address (429). An
/// unknown, used or expired challenge is 410: sign in again.
#[utoipa::path(
    post,
    path = "/api/auth/login/2fa",
    operation_id = "logInSecondFactor",
    tag = "auth",
    security(()),
    request_body = SecondStepBody,
    responses(
        (status = 200, description = "The account; the session cookie is set", body = UserBody,
            headers(("set-cookie" = String, description = "`sayr_session`"))),
        (status = 400, response = InvalidInput),
        (status = 413, response = TooLarge),
        (status = 403, response = Forbidden),
        (status = 410, response = Gone),
        (status = 429, response = RateLimited),
    )
)]
pub(super) async fn second_step(
    State(state): State<AppState>,
    Client(client): Client,
    body: Result<Json<SecondStepBody>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, ApiError> {
    let Json(body) = body?;
    let (token, user) =
        two_factor::complete_sign_in(&state.services, &body.challenge, &body.code, client).await?;
    let cookie = state.cookies.session(Some(&token));
    let email = user.email.clone();
    let res = with_cookie(StatusCode::OK, cookie, UserBody { user });
    Ok(super::with_device(&state, &email, res).await)
}
