use super::params::OrgPath;
use super::schema::{
    Conflict, InvalidInput, NotFound, OrgBody, Refusals, TooLarge, Unauthenticated, WriteRefusals,
};
use super::{Body, body};
use crate::http::ApiError;
use axum::Json;
use axum::extract::Path;
use axum::http::StatusCode;
use domain::UserId;
use domain::dto::{NewOrg, Org, OrgPatch};
use edge::Caller;
use serde::Deserialize;
use services::org;
use utoipa::ToSchema;

/// Creates an org; its creator becomes its first member, in its "Administrators" team.
///
/// The slug is 2–48 characters of `^[a-z0-9](-?[a-z0-9])*$`, not a reserved word; the short
/// id is `^[A-Z]{1,3}$`.
#[utoipa::path(
    post,
    path = "/api/v1/orgs",
    operation_id = "createOrg",
    tag = "orgs",
    request_body = NewOrg,
    responses(
        (status = 201, description = "The new org", body = OrgBody),
        (status = 400, response = InvalidInput),
        (status = 401, response = Unauthenticated),
        (status = 409, response = Conflict),
        (status = 413, response = TooLarge),
    )
)]
pub async fn create(
    cx: Caller,
    input: Body<NewOrg>,
) -> Result<(StatusCode, Json<OrgBody>), ApiError> {
    let org = org::create(&cx.svc, &cx.actor, body(input)?).await?;
    Ok((StatusCode::CREATED, Json(OrgBody { org })))
}

/// The orgs I am a member of.
#[utoipa::path(
    get,
    path = "/api/v1/orgs",
    operation_id = "listOrgs",
    tag = "orgs",
    responses(
        (status = 200, description = "My orgs, by name", body = Vec<Org>),
        (status = 401, response = Unauthenticated),
    )
)]
pub async fn list(cx: Caller) -> Result<Json<Vec<Org>>, ApiError> {
    Ok(Json(org::list_mine(&cx.svc, &cx.actor).await?))
}

/// One org: for anyone when its public page is on, else for members.
///
/// Non-members get its public fields only.
#[utoipa::path(
    get,
    path = "/api/v1/orgs/{slug}",
    operation_id = "getOrg",
    tag = "orgs",
    params(OrgPath),
    security((), ("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "The org", body = OrgBody),
        (status = 404, response = NotFound),
    )
)]
pub async fn get(cx: Caller, Path(slug): Path<String>) -> Result<Json<OrgBody>, ApiError> {
    let org = org::get(&cx.svc, &cx.actor, &slug).await?;
    Ok(Json(OrgBody { org }))
}

/// Changes an org's name, description or settings (admin.manageSettings).
#[utoipa::path(
    patch,
    path = "/api/v1/orgs/{slug}",
    operation_id = "updateOrg",
    tag = "orgs",
    params(OrgPath),
    request_body = OrgPatch,
    responses(
        (status = 200, description = "The org as changed", body = OrgBody),
        WriteRefusals,
    )
)]
pub async fn update(
    cx: Caller,
    Path(slug): Path<String>,
    input: Body<OrgPatch>,
) -> Result<Json<OrgBody>, ApiError> {
    let org = org::update(&cx.svc, &cx.actor, &slug, body(input)?).await?;
    Ok(Json(OrgBody { org }))
}

/// Deletes an org with everything in it (its creator or a site admin).
#[utoipa::path(
    delete,
    path = "/api/v1/orgs/{slug}",
    operation_id = "deleteOrg",
    tag = "orgs",
    params(OrgPath),
    responses(
        (status = 204, description = "Deleted"),
        Refusals,
    )
)]
pub async fn delete(cx: Caller, Path(slug): Path<String>) -> Result<StatusCode, ApiError> {
    org::delete(&cx.svc, &cx.actor, &slug).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Who takes an org over.
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Transfer {
    /// A member of the org.
    #[schema(value_type = String, format = Uuid)]
    user_id: UserId,
}

/// Hands the org to another of its members (its owner or a site admin). The new owner may
/// do everything, deleting the org included; the old owner stays a member with the rights
/// of their teams. A target who is not a member is refused with 400 naming `userId`.
#[utoipa::path(
    post,
    path = "/api/v1/orgs/{slug}/transfer",
    operation_id = "transferOrg",
    tag = "orgs",
    params(OrgPath),
    request_body = Transfer,
    responses(
        (status = 200, description = "The org with its new owner", body = OrgBody),
        WriteRefusals,
    )
)]
pub async fn transfer(
    cx: Caller,
    Path(slug): Path<String>,
    input: Body<Transfer>,
) -> Result<Json<OrgBody>, ApiError> {
    let to = body(input)?.user_id;
    let org = org::transfer(&cx.svc, &cx.actor, &slug, to).await?;
    Ok(Json(OrgBody { org }))
}
