//! Teams: named permission sets held by members. Nobody may grant what they do not hold,
//! so `manageTeams` alone cannot make anyone (or oneself) an administrator.

use super::access::{self, OrgAccess, stored_permissions};
use super::{Actor, DomainError, Result, Services, error::Fields};
use chrono::Utc;
use domain::dto::{NewTeam, Team, TeamPatch};
use domain::parse::TeamName;
use domain::permissions::PermissionSet;
use domain::{TeamId, UserId};
use entity::{member, member_team, team};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use std::collections::HashMap;
use uuid::Uuid;

/// The name of the team every org starts with.
pub const ADMINISTRATORS: &str = "Administrators";

fn must_manage(access: &OrgAccess) -> Result<()> {
    if access.permissions.admin.manage_teams {
        Ok(())
    } else {
        Err(DomainError::forbidden(
            "you may not manage teams in this organization",
        ))
    }
}

fn may_grant(access: &OrgAccess, set: &PermissionSet) -> Result<()> {
    if set.is_within(&access.permissions) {
        Ok(())
    } else {
        Err(DomainError::forbidden(
            "you may not grant permissions you do not hold",
        ))
    }
}

/// Leaving a team can raise a member's permissions: one whose only team held less than a
/// member in no team holds gets the members' defaults. Whatever they gain, the actor must
/// hold, as when granting.
async fn may_leave(
    db: &impl ConnectionTrait,
    access: &OrgAccess,
    member_id: Uuid,
    team_id: Uuid,
) -> Result<()> {
    let before = access::member_permissions(db, member_id, None).await?;
    let after = access::member_permissions(db, member_id, Some(team_id)).await?;
    if after.is_within(&before.union(access.permissions)) {
        Ok(())
    } else {
        Err(DomainError::forbidden(
            "without this team the member would gain permissions you do not hold",
        ))
    }
}

/// Creates the "Administrators" team of a new org holding its creator's membership.
pub(crate) async fn bootstrap(
    db: &impl ConnectionTrait,
    org_id: Uuid,
    creator_member: Uuid,
) -> Result<()> {
    let now = Utc::now();
    let id = Uuid::new_v4();
    team::ActiveModel {
        id: Set(id),
        org_id: Set(org_id),
        name: Set(ADMINISTRATORS.to_string()),
        permissions: Set(serde_json::to_string(&PermissionSet::all()).expect("serializes")),
        is_system: Set(true),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await?;
    member_team::ActiveModel {
        member_id: Set(creator_member),
        team_id: Set(id),
    }
    .insert(db)
    .await?;
    Ok(())
}

async fn to_dtos(db: &impl ConnectionTrait, rows: Vec<team::Model>) -> Result<Vec<Team>> {
    let ids: Vec<Uuid> = rows.iter().map(|t| t.id).collect();
    let mut members: HashMap<Uuid, Vec<UserId>> = HashMap::new();
    let links = member_team::Entity::find()
        .filter(member_team::Column::TeamId.is_in(ids))
        .find_also_related(member::Entity)
        .all(db)
        .await?;
    for (link, m) in links {
        if let Some(m) = m {
            members
                .entry(link.team_id)
                .or_default()
                .push(m.user_id.into());
        }
    }
    Ok(rows
        .into_iter()
        .map(|t| Team {
            id: t.id.into(),
            org_id: t.org_id.into(),
            permissions: stored_permissions(&t.permissions),
            system: t.is_system,
            member_ids: members.remove(&t.id).unwrap_or_default(),
            name: t.name,
            created_at: t.created_at,
        })
        .collect())
}

async fn find(db: &impl ConnectionTrait, access: &OrgAccess, id: TeamId) -> Result<team::Model> {
    team::Entity::find_by_id(id.0)
        .filter(team::Column::OrgId.eq(access.org.id))
        .one(db)
        .await?
        .ok_or(DomainError::NotFound)
}

fn name_taken(e: sea_orm::DbErr) -> DomainError {
    match e.sql_err() {
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => {
            DomainError::conflict("a team with this name exists")
        }
        _ => e.into(),
    }
}

/// The org's teams, for its members.
pub async fn list(svc: &Services, actor: &Actor, slug: &str) -> Result<Vec<Team>> {
    let access = access::load_member(svc, actor, slug).await?;
    let rows = team::Entity::find()
        .filter(team::Column::OrgId.eq(access.org.id))
        .order_by_asc(team::Column::Name)
        .all(&svc.db)
        .await?;
    to_dtos(&svc.db, rows).await
}

/// Creates a team (`admin.manageTeams`; only with permissions the actor holds).
#[tracing::instrument(name = "team.create", skip(svc, actor, input))]
pub async fn create(svc: &Services, actor: &Actor, slug: &str, input: NewTeam) -> Result<Team> {
    let access = access::load_member(svc, actor, slug).await?;
    must_manage(&access)?;
    let name = TeamName::parse(&input.name)?;
    may_grant(&access, &input.permissions)?;
    let now = Utc::now();
    let row = team::ActiveModel {
        id: Set(Uuid::new_v4()),
        org_id: Set(access.org.id),
        name: Set(name.as_str().to_string()),
        permissions: Set(serde_json::to_string(&input.permissions).expect("serializes")),
        is_system: Set(false),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&svc.db)
    .await
    .map_err(name_taken)?;
    Ok(to_dtos(&svc.db, vec![row]).await?.remove(0))
}

/// Renames a team or changes its permissions. The Administrators team cannot change.
pub async fn update(
    svc: &Services,
    actor: &Actor,
    slug: &str,
    id: TeamId,
    patch: TeamPatch,
) -> Result<Team> {
    let access = access::load_member(svc, actor, slug).await?;
    must_manage(&access)?;
    let row = find(&svc.db, &access, id).await?;
    if row.is_system {
        return Err(DomainError::conflict(
            "the Administrators team cannot be changed",
        ));
    }
    let mut fields = Fields::default();
    let name = patch.name.as_deref().map(TeamName::parse).transpose();
    let name = fields.check(name);
    fields.finish()?;
    // Taking permissions away also needs them: a team holding more than you is not yours to edit.
    may_grant(&access, &stored_permissions(&row.permissions))?;
    let mut active: team::ActiveModel = row.into();
    if let Some(Some(name)) = name {
        active.name = Set(name.as_str().to_string());
    }
    if let Some(permissions) = patch.permissions {
        may_grant(&access, &permissions)?;
        active.permissions = Set(serde_json::to_string(&permissions).expect("serializes"));
    }
    active.updated_at = Set(Utc::now());
    let row = active.update(&svc.db).await.map_err(name_taken)?;
    access_changed(svc, &access);
    Ok(to_dtos(&svc.db, vec![row]).await?.remove(0))
}

/// Deletes a team; its members keep their membership. Not the Administrators team.
pub async fn delete(svc: &Services, actor: &Actor, slug: &str, id: TeamId) -> Result<()> {
    let access = access::load_member(svc, actor, slug).await?;
    must_manage(&access)?;
    let row = find(&svc.db, &access, id).await?;
    if row.is_system {
        return Err(DomainError::conflict(
            "the Administrators team cannot be deleted",
        ));
    }
    may_grant(&access, &stored_permissions(&row.permissions))?;
    let members = member_team::Entity::find()
        .filter(member_team::Column::TeamId.eq(row.id))
        .all(&svc.db)
        .await?;
    for m in &members {
        may_leave(&svc.db, &access, m.member_id, row.id).await?;
    }
    team::Entity::delete_by_id(row.id).exec(&svc.db).await?;
    access_changed(svc, &access);
    Ok(())
}

/// Puts a member of the org into a team (idempotent).
pub async fn add_member(
    svc: &Services,
    actor: &Actor,
    slug: &str,
    id: TeamId,
    user: UserId,
) -> Result<Team> {
    let access = access::load_member(svc, actor, slug).await?;
    must_manage(&access)?;
    let row = find(&svc.db, &access, id).await?;
    may_grant(&access, &stored_permissions(&row.permissions))?;
    let membership = access::membership(&svc.db, access.org.id, user)
        .await?
        .ok_or(DomainError::NotFound)?;
    let txn = svc.begin().await?;
    let exists = member_team::Entity::find_by_id((membership.id, row.id))
        .one(&txn)
        .await?
        .is_some();
    if !exists {
        member_team::ActiveModel {
            member_id: Set(membership.id),
            team_id: Set(row.id),
        }
        .insert(&txn)
        .await?;
    }
    txn.commit().await?;
    team_changed(svc, &access, user);
    Ok(to_dtos(&svc.db, vec![row]).await?.remove(0))
}

/// Takes a member out of a team (idempotent).
pub async fn remove_member(
    svc: &Services,
    actor: &Actor,
    slug: &str,
    id: TeamId,
    user: UserId,
) -> Result<Team> {
    let access = access::load_member(svc, actor, slug).await?;
    must_manage(&access)?;
    let row = find(&svc.db, &access, id).await?;
    may_grant(&access, &stored_permissions(&row.permissions))?;
    let membership = access::membership(&svc.db, access.org.id, user)
        .await?
        .ok_or(DomainError::NotFound)?;
    may_leave(&svc.db, &access, membership.id, row.id).await?;
    member_team::Entity::delete_by_id((membership.id, row.id))
        .exec(&svc.db)
        .await?;
    team_changed(svc, &access, user);
    Ok(to_dtos(&svc.db, vec![row]).await?.remove(0))
}

/// Sockets in the org's rooms are authorized again: someone may have lost a room.
fn access_changed(svc: &Services, access: &OrgAccess) {
    svc.publish_access(domain::realtime::AccessEvent::AccessChanged {
        org_id: access.id(),
    });
}

/// Tells the org's admins that a member's teams (and so permissions) changed.
fn team_changed(svc: &Services, access: &OrgAccess, user: UserId) {
    access_changed(svc, access);
    svc.publish(domain::realtime::DomainEvent {
        traceparent: None,
        org_id: access.id(),
        origin: None,
        kind: domain::realtime::EventKind::MemberChanged {
            action: domain::realtime::MemberAction::TeamChanged,
            user_id: user,
        },
    });
}
