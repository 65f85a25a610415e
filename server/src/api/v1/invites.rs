use super::params::{InvitePath, OrgPath};
use super::schema::{Gone, InviteBody, NotFound, OrgBody, Unauthenticated, WriteRefusals};
use super::{Body, body};
use crate::http::ApiError;
use axum::Json;
use axum::extract::Path;
use axum::http::StatusCode;
use edge::Caller;
use serde::Deserialize;
use services::invite;
use utoipa::ToSchema;

/// Input for an invitation.
#[derive(Deserialize, ToSchema)]
pub struct NewInvite {
    /// Who may accept it: the account with this e-mail address.
    email: String,
}

/// Invites an e-mail address to the org (admin.manageMembers).
#[utoipa::path(
    post,
    path = "/api/v1/orgs/{slug}/invites",
    operation_id = "createInvite",
    tag = "invites",
    params(OrgPath),
    request_body = NewInvite,
    responses(
        (status = 201, description = "The invitation and its code", body = InviteBody),
        WriteRefusals,
    )
)]
pub async fn create(
    cx: Caller,
    Path(slug): Path<String>,
    input: Body<NewInvite>,
) -> Result<(StatusCode, Json<InviteBody>), ApiError> {
    let invite = invite::create(&cx.svc, &cx.actor, &slug, &body(input)?.email).await?;
    Ok((StatusCode::CREATED, Json(InviteBody { invite })))
}

/// Accepts an invitation: only the account it was sent to.
///
/// Someone else's code is not found; a used or expired one is gone.
#[utoipa::path(
    post,
    path = "/api/v1/invites/{code}/accept",
    operation_id = "acceptInvite",
    tag = "invites",
    params(InvitePath),
    responses(
        (status = 200, description = "The org just joined", body = OrgBody),
        (status = 401, response = Unauthenticated),
        (status = 404, response = NotFound),
        (status = 410, response = Gone),
    )
)]
pub async fn accept(cx: Caller, Path(code): Path<String>) -> Result<Json<OrgBody>, ApiError> {
    let org = invite::accept(&cx.svc, &cx.actor, &code).await?;
    Ok(Json(OrgBody { org }))
}
