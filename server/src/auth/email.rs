//! Accounts proven by e-mail (`/api/auth/verify-email`, `/password-reset`, `/password`,
//! `/email`): the links the services mail, and the password.

use crate::api::v1::schema::{
    Conflict, Gone, InvalidInput, RateLimited, TooLarge, Unauthenticated, UserBody,
};
use crate::http::ApiError;
use axum::Json;
use axum::http::StatusCode;
use edge::Caller;
use serde::Deserialize;
use services::proof;
use utoipa::ToSchema;

type Body<T> = Result<Json<T>, axum::extract::rejection::JsonRejection>;

/// A token from a mailed link.
#[derive(Deserialize, ToSchema)]
pub(super) struct TokenBody {
    token: String,
}

/// Follows a verification link: the address is proven (or, for a change of address,
/// becomes the account's).
#[utoipa::path(
    post,
    path = "/api/auth/verify-email",
    operation_id = "verifyEmail",
    tag = "auth",
    security(()),
    request_body = TokenBody,
    responses(
        (status = 200, description = "The account, `emailVerified: true`", body = UserBody),
        (status = 400, response = InvalidInput),
        (status = 409, response = Conflict),
        (status = 410, response = Gone),
        (status = 413, response = TooLarge),
    )
)]
pub(super) async fn verify_email(
    cx: Caller,
    body: Body<TokenBody>,
) -> Result<Json<UserBody>, ApiError> {
    let Json(body) = body?;
    let user = proof::verify_email(&cx.svc, &body.token).await?;
    Ok(Json(UserBody { user }))
}

/// Mails me a new verification link (the previous one stops working).
#[utoipa::path(
    post,
    path = "/api/auth/verify-email/resend",
    operation_id = "resendVerification",
    tag = "auth",
    responses(
        (status = 202, description = "A link is on its way (nothing is sent when the address is already proven)"),
        (status = 401, response = Unauthenticated),
        (status = 429, response = RateLimited),
    )
)]
pub(super) async fn resend(cx: Caller) -> Result<StatusCode, ApiError> {
    proof::resend_verification(&cx.svc, &cx.actor, cx.client).await?;
    Ok(StatusCode::ACCEPTED)
}

/// An e-mail address.
#[derive(Deserialize, ToSchema)]
pub(super) struct EmailBody {
    email: String,
}

/// Asks for a password-reset link. 202 whatever the address: whether an account exists is
/// not told.
#[utoipa::path(
    post,
    path = "/api/auth/password-reset/request",
    operation_id = "requestPasswordReset",
    tag = "auth",
    security(()),
    request_body = EmailBody,
    responses(
        (status = 202, description = "A link is mailed if the account exists"),
        (status = 400, response = InvalidInput),
        (status = 429, response = RateLimited),
        (status = 413, response = TooLarge),
    )
)]
pub(super) async fn request_reset(
    cx: Caller,
    body: Body<EmailBody>,
) -> Result<StatusCode, ApiError> {
    let Json(body) = body?;
    proof::request_password_reset(&cx.svc, &body.email, cx.client).await?;
    Ok(StatusCode::ACCEPTED)
}

/// A reset link's token and the new password.
#[derive(Deserialize, ToSchema)]
pub(super) struct ResetBody {
    token: String,
    password: String,
}

/// Sets a new password from a reset link; every session and open socket of the account
/// ends.
#[utoipa::path(
    post,
    path = "/api/auth/password-reset",
    operation_id = "resetPassword",
    tag = "auth",
    security(()),
    request_body = ResetBody,
    responses(
        (status = 204, description = "The password is set; sign in with it"),
        (status = 400, response = InvalidInput),
        (status = 410, response = Gone),
        (status = 413, response = TooLarge),
    )
)]
pub(super) async fn reset(cx: Caller, body: Body<ResetBody>) -> Result<StatusCode, ApiError> {
    let Json(body) = body?;
    proof::reset_password(&cx.svc, &body.token, &body.password).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The current password and a new one.
#[derive(Deserialize, ToSchema)]
pub(super) struct PasswordBody {
    current: String,
    new: String,
}

/// Changes my password; my other sessions end.
#[utoipa::path(
    post,
    path = "/api/auth/password",
    operation_id = "changePassword",
    tag = "auth",
    request_body = PasswordBody,
    responses(
        (status = 204, description = "Changed"),
        (status = 400, response = InvalidInput),
        (status = 401, response = Unauthenticated),
        (status = 429, response = RateLimited),
        (status = 413, response = TooLarge),
    )
)]
pub(super) async fn change_password(
    cx: Caller,
    body: Body<PasswordBody>,
) -> Result<StatusCode, ApiError> {
    let Json(body) = body?;
    proof::change_password(&cx.svc, &cx.actor, &body.current, &body.new).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A new address, with the password.
#[derive(Deserialize, ToSchema)]
pub(super) struct ChangeEmailBody {
    email: String,
    password: String,
}

/// Changes my address once the new one is proven: it gets a verification link; the old one
/// is told.
#[utoipa::path(
    post,
    path = "/api/auth/email",
    operation_id = "changeEmail",
    tag = "auth",
    request_body = ChangeEmailBody,
    responses(
        (status = 202, description = "A link is on its way to the new address"),
        (status = 400, response = InvalidInput),
        (status = 401, response = Unauthenticated),
        (status = 409, response = Conflict),
        (status = 429, response = RateLimited),
        (status = 413, response = TooLarge),
    )
)]
pub(super) async fn change_email(
    cx: Caller,
    body: Body<ChangeEmailBody>,
) -> Result<StatusCode, ApiError> {
    let Json(body) = body?;
    proof::change_email(&cx.svc, &cx.actor, &body.email, &body.password, cx.client).await?;
    Ok(StatusCode::ACCEPTED)
}
