//! Members of an org: listing, leaving and removing, effective permissions.

use super::access;
use super::{Actor, DomainError, Result, Services};
use domain::UserId;
use domain::dto::Member;
use domain::permissions::PermissionSet;
use entity::{member, member_team, user};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use std::collections::HashMap;
use uuid::Uuid;

/// The org's members with their teams, for members.
pub async fn list(svc: &Services, actor: &Actor, slug: &str) -> Result<Vec<Member>> {
    let access = access::load_member(svc, actor, slug).await?;
    let rows = member::Entity::find()
        .filter(member::Column::OrgId.eq(access.org.id))
        .find_also_related(user::Entity)
        .order_by_asc(member::Column::CreatedAt)
        .all(&svc.db)
        .await?;
    let ids: Vec<Uuid> = rows.iter().map(|(m, _)| m.id).collect();
    let mut teams: HashMap<Uuid, Vec<domain::TeamId>> = HashMap::new();
    for link in member_team::Entity::find()
        .filter(member_team::Column::MemberId.is_in(ids))
        .all(&svc.db)
        .await?
    {
        teams
            .entry(link.member_id)
            .or_default()
            .push(link.team_id.into());
    }
    let users: Vec<Uuid> = rows.iter().map(|(m, _)| m.user_id).collect();
    let mut avatars = super::file::avatar_urls(&svc.db, &users).await?;
    Ok(rows
        .into_iter()
        .filter_map(|(m, u)| {
            let u = u?;
            Some(Member {
                user_id: u.id.into(),
                name: u.name,
                avatar_url: avatars.remove(&u.id),
                teams: teams.remove(&m.id).unwrap_or_default(),
                joined_at: m.created_at,
            })
        })
        .collect())
}

/// Removes a member (`admin.manageMembers`), or lets a member leave. The creator stays.
#[tracing::instrument(name = "member.remove", skip(svc, actor))]
pub async fn remove(svc: &Services, actor: &Actor, slug: &str, user: UserId) -> Result<()> {
    let access = access::load_member(svc, actor, slug).await?;
    let leaving = actor.user_id() == Some(user);
    if !leaving && !access.permissions.admin.manage_members {
        return Err(DomainError::forbidden(
            "you may not remove members of this organization",
        ));
    }
    if access.org.created_by == Some(user.0) {
        return Err(DomainError::forbidden(
            "the organization's creator cannot be removed",
        ));
    }
    let membership = access::membership(&svc.db, access.org.id, user)
        .await?
        .ok_or(DomainError::NotFound)?;
    if !leaving {
        // Nobody may remove someone who runs more of the org than they do: `manageMembers`
        // alone does not remove an administrator (or whoever manages teams or settings).
        let theirs = access::member_permissions(&svc.db, membership.id, None).await?;
        if !theirs.admin.within(access.permissions.admin) {
            return Err(DomainError::forbidden(
                "you may not remove a member who holds admin permissions you do not hold",
            ));
        }
    }
    member::Entity::delete_by_id(membership.id)
        .exec(&svc.db)
        .await?;
    crate::notify::forget_member(svc, user.0, access.org.id).await?;
    let gone = domain::realtime::AccessEvent::MemberRemoved {
        org_id: access.id(),
        user,
    };
    svc.publish_access(gone);
    svc.publish(domain::realtime::DomainEvent {
        traceparent: None,
        org_id: access.id(),
        origin: None,
        kind: domain::realtime::EventKind::MemberChanged {
            action: if leaving {
                domain::realtime::MemberAction::Left
            } else {
                domain::realtime::MemberAction::Removed
            },
            user_id: user,
        },
    });
    Ok(())
}

/// The actor's effective permissions in the org.
pub async fn permissions(svc: &Services, actor: &Actor, slug: &str) -> Result<PermissionSet> {
    Ok(access::load_member(svc, actor, slug).await?.permissions)
}
