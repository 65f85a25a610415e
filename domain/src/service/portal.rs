//! The public portal: an org's public board as the public sees it, whoever is looking
//! (members see what visitors see: it is their preview), and who may block whom.

use super::org::{self, OrgAccess};
use super::task::{self, TaskQuery, TaskSort};
use super::{Actor, DomainError, Result, Services, category, label};
use crate::CategoryId;
use crate::model::{BlockedUser, PortalPage, UserRef, Viewer};
use crate::permissions::PermissionSet;
use crate::{TaskId, UserId};
use chrono::Utc;
use entity::{blocked_user, task_vote, user};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use std::collections::HashMap;
use uuid::Uuid;

/// What a visitor can ask of the public board.
#[derive(Clone, Debug, Default)]
pub struct PortalQuery {
    /// Votes ("Most popular"), Newest or Trending; other sorts are refused.
    pub sort: TaskSort,
    pub category: Option<CategoryId>,
    pub q: Option<String>,
    pub cursor: Option<String>,
}

/// The same org seen from outside: not a member, no permissions.
fn public_lens(access: &OrgAccess) -> OrgAccess {
    OrgAccess {
        org: access.org.clone(),
        member: false,
        permissions: PermissionSet::default(),
    }
}

pub(crate) async fn is_blocked(db: &impl ConnectionTrait, org: Uuid, user: UserId) -> Result<bool> {
    Ok(blocked_user::Entity::find()
        .filter(blocked_user::Column::OrgId.eq(org))
        .filter(blocked_user::Column::UserId.eq(user.0))
        .one(db)
        .await?
        .is_some())
}

/// What the actor is on the org's public pages, and may do there.
pub async fn viewer(
    db: &impl ConnectionTrait,
    actor: &Actor,
    access: &OrgAccess,
) -> Result<Viewer> {
    let public_actions = access.org.public_actions;
    Ok(match actor {
        Actor::Anonymous { .. } => Viewer {
            can_vote: public_actions,
            ..Viewer::default()
        },
        Actor::System => Viewer {
            signed_in: true,
            member: true,
            ..Viewer::default()
        },
        Actor::User(u) => {
            let blocked = !access.member && is_blocked(db, access.org.id, u.id).await?;
            let visitor_may = public_actions && !blocked;
            Viewer {
                signed_in: true,
                member: access.member,
                blocked,
                can_vote: access.member || !blocked,
                can_comment: access.member || visitor_may,
                can_submit: (access.member && access.permissions.tasks.create) || visitor_may,
            }
        }
    })
}

/// The tasks among `ids` the actor has voted for (by user, or by anonymous fingerprint).
pub async fn voted(
    db: &impl ConnectionTrait,
    actor: &Actor,
    ids: &[TaskId],
) -> Result<Vec<TaskId>> {
    let query =
        task_vote::Entity::find().filter(task_vote::Column::TaskId.is_in(ids.iter().map(|t| t.0)));
    let query = match actor {
        Actor::User(u) => query.filter(task_vote::Column::UserId.eq(u.id.0)),
        Actor::Anonymous {
            fingerprint: Some(f),
        } => query
            .filter(task_vote::Column::Fingerprint.eq(f.as_str()))
            .filter(task_vote::Column::UserId.is_null()),
        _ => return Ok(Vec::new()),
    };
    Ok(query
        .all(db)
        .await?
        .into_iter()
        .map(|v| v.task_id.into())
        .collect())
}

/// The org's public board: public tasks as public DTOs, its categories and public labels,
/// and what the viewer may do. Members get here even while the public page is off (a
/// preview); everyone else then gets NotFound.
#[tracing::instrument(skip(svc, actor))]
pub async fn page(
    svc: &Services,
    actor: &Actor,
    slug: &str,
    query: PortalQuery,
) -> Result<PortalPage> {
    let access = org::load(svc, actor, slug).await?;
    if !matches!(
        query.sort,
        TaskSort::Votes | TaskSort::Newest | TaskSort::Trending
    ) {
        return Err(crate::parse::FieldError::new(
            "sort",
            "must be one of: votes, newest, trending",
        )
        .into());
    }
    let lens = public_lens(&access);
    let list = task::list_for(
        svc,
        &lens,
        TaskQuery {
            sort: query.sort,
            category: query.category,
            q: query.q,
            cursor: query.cursor,
            ..TaskQuery::default()
        },
    )
    .await?;
    let ids: Vec<TaskId> = list.tasks.iter().map(|t| t.id).collect();
    let voted_ids = voted(&svc.db, actor, &ids).await?;
    let voted = list
        .tasks
        .iter()
        .filter(|t| voted_ids.contains(&t.id))
        .map(|t| t.number)
        .collect();
    Ok(PortalPage {
        org: org::with_images(svc, lens.dto()).await?,
        categories: category::all(&svc.db, access.org.id).await?,
        labels: label::visible(&svc.db, &lens).await?,
        voted,
        viewer: viewer(&svc.db, actor, &access).await?,
        preview: !access.org.public_page,
        tasks: list.tasks,
        next_cursor: list.next_cursor,
    })
}

/// What the viewer is and may do on one public task, and whether they voted for it.
pub async fn task_viewer(
    svc: &Services,
    actor: &Actor,
    slug: &str,
    number: i64,
) -> Result<(Viewer, bool)> {
    let access = org::load(svc, actor, slug).await?;
    let row = task::find_visible(&svc.db, &access, number).await?;
    let voted = !voted(&svc.db, actor, &[row.id.into()]).await?.is_empty();
    Ok((viewer(&svc.db, actor, &access).await?, voted))
}

fn must_moderate(access: &OrgAccess) -> Result<()> {
    let p = &access.permissions;
    if p.admin.manage_members || p.moderation.manage_comments {
        Ok(())
    } else {
        Err(DomainError::forbidden(
            "you may not block people in this organization",
        ))
    }
}

/// The people the org has blocked, newest first (moderators only).
pub async fn blocked(svc: &Services, actor: &Actor, slug: &str) -> Result<Vec<BlockedUser>> {
    let access = org::load_member(svc, actor, slug).await?;
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
#[tracing::instrument(skip(svc, actor, reason))]
pub async fn block(
    svc: &Services,
    actor: &Actor,
    slug: &str,
    user_id: UserId,
    reason: &str,
) -> Result<()> {
    let access = org::load_member(svc, actor, slug).await?;
    must_moderate(&access)?;
    let reason = reason.trim();
    if reason.chars().count() > 500 {
        return Err(
            crate::parse::FieldError::new("reason", "must be at most 500 characters").into(),
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
        || org::membership(&svc.db, access.org.id, user_id)
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
#[tracing::instrument(skip(svc, actor))]
pub async fn unblock(svc: &Services, actor: &Actor, slug: &str, user_id: UserId) -> Result<()> {
    let access = org::load_member(svc, actor, slug).await?;
    must_moderate(&access)?;
    blocked_user::Entity::delete_many()
        .filter(blocked_user::Column::OrgId.eq(access.org.id))
        .filter(blocked_user::Column::UserId.eq(user_id.0))
        .exec(&svc.db)
        .await?;
    Ok(())
}
