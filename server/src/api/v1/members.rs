use super::params::{MemberPath, OrgPath, TeamMemberPath, TeamPath};
use super::schema::{Conflict, Refusals, TeamBody, WriteRefusals};
use super::{Body, body};
use crate::http::ApiError;
use axum::Json;
use axum::extract::Path;
use axum::http::StatusCode;
use domain::dto::{Member, NewTeam, Team, TeamPatch};
use domain::permissions::PermissionSet;
use domain::{TeamId, UserId};
use edge::Caller;
use services::{member, team};

/// The org's members with their teams (members only).
#[utoipa::path(
    get,
    path = "/api/v1/orgs/{slug}/members",
    operation_id = "listMembers",
    tag = "members",
    params(OrgPath),
    responses(
        (status = 200, description = "The members, oldest first", body = Vec<Member>),
        Refusals,
    )
)]
pub async fn list(cx: Caller, Path(slug): Path<String>) -> Result<Json<Vec<Member>>, ApiError> {
    Ok(Json(member::list(&cx.svc, &cx.actor, &slug).await?))
}

/// Removes a member (admin.manageMembers), or leaves the org when it is me.
///
/// The org's creator cannot be removed.
#[utoipa::path(
    delete,
    path = "/api/v1/orgs/{slug}/members/{userId}",
    operation_id = "removeMember",
    tag = "members",
    params(MemberPath),
    responses(
        (status = 204, description = "Removed"),
        Refusals,
    )
)]
pub async fn remove(
    cx: Caller,
    Path((slug, user)): Path<(String, UserId)>,
) -> Result<StatusCode, ApiError> {
    member::remove(&cx.svc, &cx.actor, &slug, user).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// My effective permissions in the org: the union over my teams.
#[utoipa::path(
    get,
    path = "/api/v1/orgs/{slug}/permissions",
    operation_id = "getMyPermissions",
    tag = "members",
    params(OrgPath),
    responses(
        (status = 200, description = "My permissions", body = PermissionSet),
        Refusals,
    )
)]
pub async fn permissions(
    cx: Caller,
    Path(slug): Path<String>,
) -> Result<Json<PermissionSet>, ApiError> {
    Ok(Json(member::permissions(&cx.svc, &cx.actor, &slug).await?))
}

/// The org's teams (members only).
#[utoipa::path(
    get,
    path = "/api/v1/orgs/{slug}/teams",
    operation_id = "listTeams",
    tag = "teams",
    params(OrgPath),
    responses(
        (status = 200, description = "The teams", body = Vec<Team>),
        Refusals,
    )
)]
pub async fn teams(cx: Caller, Path(slug): Path<String>) -> Result<Json<Vec<Team>>, ApiError> {
    Ok(Json(team::list(&cx.svc, &cx.actor, &slug).await?))
}

/// Creates a team (admin.manageTeams); nobody may grant permissions they do not hold.
#[utoipa::path(
    post,
    path = "/api/v1/orgs/{slug}/teams",
    operation_id = "createTeam",
    tag = "teams",
    params(OrgPath),
    request_body = NewTeam,
    responses(
        (status = 201, description = "The new team", body = TeamBody),
        WriteRefusals,
        (status = 409, response = Conflict),
    )
)]
pub async fn create_team(
    cx: Caller,
    Path(slug): Path<String>,
    input: Body<NewTeam>,
) -> Result<(StatusCode, Json<TeamBody>), ApiError> {
    let team = team::create(&cx.svc, &cx.actor, &slug, body(input)?).await?;
    Ok((StatusCode::CREATED, Json(TeamBody { team })))
}

/// Renames a team or changes its permissions (admin.manageTeams).
///
/// The "Administrators" team cannot be changed (409).
#[utoipa::path(
    patch,
    path = "/api/v1/orgs/{slug}/teams/{teamId}",
    operation_id = "updateTeam",
    tag = "teams",
    params(TeamPath),
    request_body = TeamPatch,
    responses(
        (status = 200, description = "The team as changed", body = TeamBody),
        WriteRefusals,
        (status = 409, response = Conflict),
    )
)]
pub async fn update_team(
    cx: Caller,
    Path((slug, id)): Path<(String, TeamId)>,
    input: Body<TeamPatch>,
) -> Result<Json<TeamBody>, ApiError> {
    let team = team::update(&cx.svc, &cx.actor, &slug, id, body(input)?).await?;
    Ok(Json(TeamBody { team }))
}

/// Deletes a team (admin.manageTeams); the "Administrators" team stays (409).
#[utoipa::path(
    delete,
    path = "/api/v1/orgs/{slug}/teams/{teamId}",
    operation_id = "deleteTeam",
    tag = "teams",
    params(TeamPath),
    responses(
        (status = 204, description = "Deleted"),
        Refusals,
        (status = 409, response = Conflict),
    )
)]
pub async fn delete_team(
    cx: Caller,
    Path((slug, id)): Path<(String, TeamId)>,
) -> Result<StatusCode, ApiError> {
    team::delete(&cx.svc, &cx.actor, &slug, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Puts a member in a team (admin.manageTeams).
#[utoipa::path(
    put,
    path = "/api/v1/orgs/{slug}/teams/{teamId}/members/{userId}",
    operation_id = "addTeamMember",
    tag = "teams",
    params(TeamMemberPath),
    responses(
        (status = 200, description = "The team with the member", body = TeamBody),
        Refusals,
    )
)]
pub async fn add_to_team(
    cx: Caller,
    Path((slug, id, user)): Path<(String, TeamId, UserId)>,
) -> Result<Json<TeamBody>, ApiError> {
    let team = team::add_member(&cx.svc, &cx.actor, &slug, id, user).await?;
    Ok(Json(TeamBody { team }))
}

/// Takes a member out of a team (admin.manageTeams); idempotent.
#[utoipa::path(
    delete,
    path = "/api/v1/orgs/{slug}/teams/{teamId}/members/{userId}",
    operation_id = "removeTeamMember",
    tag = "teams",
    params(TeamMemberPath),
    responses(
        (status = 200, description = "The team without the member", body = TeamBody),
        Refusals,
    )
)]
pub async fn remove_from_team(
    cx: Caller,
    Path((slug, id, user)): Path<(String, TeamId, UserId)>,
) -> Result<Json<TeamBody>, ApiError> {
    let team = team::remove_member(&cx.svc, &cx.actor, &slug, id, user).await?;
    Ok(Json(TeamBody { team }))
}
