//! Moderation of an org's public side: who the org has blocked from taking part (blocked
//! people still read), and who may block them.

use super::access::{self, OrgAccess};
use super::{Actor, DomainError, Result, Services};
use chrono::Utc;
use domain::UserId;
use domain::dto::{BlockedUser, UserRef};
use entity::{blocked_user, user};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use std::collections::HashMap;
use uuid::Uuid;

/// Whether the org has blocked `user`.
pub(crate) async fn is_blocked(db: &impl ConnectionTrait, org: Uuid, user: UserId) -> Result<bool> {
    Ok(blocked_user::Entity::find()
        .filter(blocked_user::Column::OrgId.eq(org))
        .filter(blocked_user::Column::UserId.eq(user.0))
        .one(db)
        .await?
        .is_some())
}

/// Refuses a user the org has blocked (they may still read).
pub(crate) async fn ensure_not_blocked(
    db: &impl ConnectionTrait,
    org: Uuid,
    user: UserId,
) -> Result<()> {
    if is_blocked(db, org, user).await? {
        Err(DomainError::forbidden(
            "this organization has blocked you from taking part",
        ))
    } else {
        Ok(())
    }
}

/// Refuses anyone who may not moderate the org's public side.
pub(crate) fn must_moderate(access: &OrgAccess) -> Result<()> {
    if access.permissions.may_moderate() {
        Ok(())
    } else {
        Err(DomainError::forbidden(
            "you may not block people in this organization",
        ))
    }
}

/// The people the org has blocked, newest first (moderators only).
pub async fn blocked(svc: &Services, actor: &Actor, slug: &str) -> Result<Vec<BlockedUser>> {
    let access = access::load_member(svc, actor, slug).await?;
    must_moderate(&access)?;
    let rows = blocked_user::Entity::find()
        .filter(blocked_user::Column::OrgId.eq(access.org.id))
        .order_by_desc(blocked_user::Column::CreatedAt)
        .all(&svc.db)
        .await?;
    let people: Vec<Uuid> = rows
        .iter()
        .flat_map(|r| [Some(r.user_id), r.blocked_by])
        .flatten()
        .collect();
    let names: HashMap<Uuid, UserRef> = user::Entity::find()
        .filter(user::Column::Id.is_in(people))
        .all(&svc.db)
        .await?
        .iter()
        .map(|u| {
            let name = UserRef {
                id: u.id.into(),
                name: u.name.clone(),
            };
            (u.id, name)
        })
        .collect();
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            Some(BlockedUser {
                user: names.get(&r.user_id)?.clone(),
                reason: r.reason,
                blocked_by: r.blocked_by.and_then(|b| names.get(&b).cloned()),
                created_at: r.created_at,
            })
        })
        .collect())
}

/// Blocks `user` from voting, commenting and submitting in the org. Members cannot be
/// blocked (remove them first); blocking twice changes nothing.
#[tracing::instrument(name = "moderation.block", skip(svc, actor, reason))]
pub async fn block(
    svc: &Services,
    actor: &Actor,
    slug: &str,
    user_id: UserId,
    reason: &str,
) -> Result<()> {
    let access = access::load_member(svc, actor, slug).await?;
    must_moderate(&access)?;
    let reason = reason.trim();
    if reason.chars().count() > 500 {
        return Err(
            domain::parse::FieldError::new("reason", "must be at most 500 characters").into(),
        );
    }
    if user::Entity::find_by_id(user_id.0)
        .one(&svc.db)
        .await?
        .is_none()
    {
        return Err(DomainError::NotFound);
    }
    if access.org.created_by == Some(user_id.0)
        || access::membership(&svc.db, access.org.id, user_id)
            .await?
            .is_some()
    {
        return Err(DomainError::conflict(
            "members cannot be blocked: remove them from the organization first",
        ));
    }
    if is_blocked(&svc.db, access.org.id, user_id).await? {
        return Ok(());
    }
    blocked_user::ActiveModel {
        id: Set(Uuid::new_v4()),
        org_id: Set(access.org.id),
        user_id: Set(user_id.0),
        blocked_by: Set(actor.user_id().map(|u| u.0)),
        reason: Set(reason.to_string()),
        created_at: Set(Utc::now()),
    }
    .insert(&svc.db)
    .await?;
    Ok(())
}

/// Lifts a block.
#[tracing::instrument(name = "moderation.unblock", skip(svc, actor))]
pub async fn unblock(svc: &Services, actor: &Actor, slug: &str, user_id: UserId) -> Result<()> {
    let access = access::load_member(svc, actor, slug).await?;
    must_moderate(&access)?;
    blocked_user::Entity::delete_many()
        .filter(blocked_user::Column::OrgId.eq(access.org.id))
        .filter(blocked_user::Column::UserId.eq(user_id.0))
        .exec(&svc.db)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{acme, on_each_database, person};
    use crate::{comment, task};
    use domain::dto::{NewComment, NewTask, OrgSettings, Visibility};

    on_each_database!(
        a_blocked_visitor_still_reads_but_no_longer_comments_until_unblocked,
        |svc| {
            let settings = OrgSettings {
                public_page: true,
                public_actions: true,
                ..Default::default()
            };
            let owner = acme(&svc, settings).await;
            let input = NewTask {
                title: "Public".into(),
                visibility: Some(Visibility::Public),
                ..Default::default()
            };
            task::create(&svc, &owner, "acme", input, None)
                .await
                .unwrap();
            let visitor = person(&svc, "visitor@example.test").await;
            let say = |body: &str| NewComment {
                body: body.into(),
                visibility: None,
                parent_id: None,
            };
            comment::create(&svc, &visitor, "acme", 1, say("first"), None)
                .await
                .unwrap();

            let visitor_id = visitor.user_id().unwrap();
            block(&svc, &owner, "acme", visitor_id, "spam")
                .await
                .unwrap();
            let refused = comment::create(&svc, &visitor, "acme", 1, say("again"), None).await;
            assert!(
                matches!(refused, Err(DomainError::Forbidden(_))),
                "{refused:?}"
            );
            assert!(
                task::get(&svc, &visitor, "acme", 1).await.is_ok(),
                "blocked people still read"
            );
            let listed = blocked(&svc, &owner, "acme").await.unwrap();
            assert_eq!(listed.len(), 1);
            assert_eq!(listed[0].reason, "spam");

            let not_moderator = block(&svc, &visitor, "acme", visitor_id, "").await;
            assert!(not_moderator.is_err(), "outsiders cannot block");
            let member = block(&svc, &owner, "acme", owner.user_id().unwrap(), "").await;
            assert!(
                matches!(member, Err(DomainError::Conflict { .. })),
                "{member:?}"
            );

            unblock(&svc, &owner, "acme", visitor_id).await.unwrap();
            comment::create(&svc, &visitor, "acme", 1, say("back"), None)
                .await
                .unwrap();
        }
    );
}
