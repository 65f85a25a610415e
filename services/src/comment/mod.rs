//! Comments on tasks: reading (this file), writing (`write`), reactions (`reaction`), and
//! visibility changes and edit history (`history`).
//! Members read and write everything; the public reads public comments of public tasks and
//! writes public ones when the org allows public actions.

mod history;
mod reaction;
mod write;

pub use history::{history, set_visibility};
pub use reaction::{Emoji, react};
pub(crate) use write::copy_from_github;
pub use write::{GithubComment, create, delete, update};

use super::access::{self, OrgAccess};
use super::moderation::ensure_not_blocked;
use super::task::find_visible;
use super::{Actor, DomainError, Result, Services};
use domain::CommentId;
use domain::dto::{Comment, Reaction, UserRef, Visibility};
use domain::realtime::TaskRef;
use entity::{member, task, task_comment, task_comment_reaction, user};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

/// May the actor write comments in this org: members always; signed-in visitors when the
/// org takes public actions and has not blocked them.
async fn ensure_may_write(
    db: &impl ConnectionTrait,
    actor: &Actor,
    access: &OrgAccess,
) -> Result<()> {
    match actor {
        Actor::Anonymous { .. } => Err(DomainError::Unauthenticated),
        _ if access.member => Ok(()),
        Actor::User(u) => {
            if !access.org.public_actions {
                return Err(DomainError::forbidden(
                    "this organization does not take comments from visitors",
                ));
            }
            ensure_not_blocked(db, access.org.id, u.id).await
        }
        Actor::System => Ok(()),
    }
}

/// The task as events carry it.
pub(crate) fn task_ref(row: &task::Model) -> TaskRef {
    TaskRef {
        id: row.id.into(),
        number: row.number,
        public: row.visibility == Visibility::Public,
    }
}

/// A comment the actor may read, with its org and task.
struct Found {
    access: OrgAccess,
    task: task::Model,
    comment: task_comment::Model,
}

async fn find(svc: &Services, actor: &Actor, slug: &str, id: CommentId) -> Result<Found> {
    let access = access::load(svc, actor, slug).await?;
    let comment = task_comment::Entity::find_by_id(id.0)
        .filter(task_comment::Column::OrgId.eq(access.org.id))
        .one(&svc.db)
        .await?
        .ok_or(DomainError::NotFound)?;
    let task = task::Entity::find_by_id(comment.task_id)
        .one(&svc.db)
        .await?
        .ok_or(DomainError::NotFound)?;
    if !access.sees_comment(&task, &comment) {
        return Err(DomainError::NotFound);
    }
    Ok(Found {
        access,
        task,
        comment,
    })
}

/// Builds DTOs for comments of one task: authors, membership and reactions come from one
/// query each, whatever the number of comments.
async fn to_dtos(
    db: &impl ConnectionTrait,
    access: &OrgAccess,
    actor: &Actor,
    task_number: i64,
    rows: &[task_comment::Model],
) -> Result<Vec<Comment>> {
    let ids: Vec<Uuid> = rows.iter().map(|c| c.id).collect();
    let author_ids: HashSet<Uuid> = rows.iter().filter_map(|c| c.author_id).collect();
    let names: HashMap<Uuid, String> = user::Entity::find()
        .filter(user::Column::Id.is_in(author_ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect();
    let team: HashSet<Uuid> = member::Entity::find()
        .filter(member::Column::OrgId.eq(access.org.id))
        .filter(member::Column::UserId.is_in(author_ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.user_id)
        .collect();
    let mentioned = crate::markdown::current_names(
        db,
        access.org.id,
        rows.iter().map(|c| c.body_html.as_str()),
    )
    .await?;
    let reader = actor.user_id().map(|u| u.0);
    let mut reactions: HashMap<Uuid, Vec<Reaction>> = HashMap::new();
    for r in task_comment_reaction::Entity::find()
        .filter(task_comment_reaction::Column::CommentId.is_in(ids))
        .order_by_asc(task_comment_reaction::Column::CreatedAt)
        .all(db)
        .await?
    {
        let list = reactions.entry(r.comment_id).or_default();
        let mine = reader == Some(r.user_id);
        match list.iter_mut().find(|x| x.emoji == r.emoji) {
            Some(x) => {
                x.count += 1;
                x.reacted |= mine;
            }
            None => list.push(Reaction {
                emoji: r.emoji,
                count: 1,
                reacted: mine,
            }),
        }
    }
    rows.iter()
        .map(|c| {
            Ok(Comment {
                id: c.id.into(),
                task_number,
                parent_id: c.parent_id.map(Into::into),
                author: c.author_id.and_then(|a| {
                    names.get(&a).map(|name| UserRef {
                        id: a.into(),
                        name: name.clone(),
                    })
                }),
                team: c.author_id.is_some_and(|a| team.contains(&a)),
                body: c.body.clone(),
                body_html: crate::markdown::named(&c.body_html, &mentioned),
                visibility: c.visibility,
                source: c.source.clone(),
                github_author: c.github_author.clone(),
                github_url: c.github_url.clone(),
                reactions: reactions.remove(&c.id).unwrap_or_default(),
                edited: c.edited_at.is_some(),
                created_at: c.created_at,
                updated_at: c.updated_at,
            })
        })
        .collect()
}

async fn to_dto(
    db: &impl ConnectionTrait,
    access: &OrgAccess,
    actor: &Actor,
    task_number: i64,
    row: task_comment::Model,
) -> Result<Comment> {
    Ok(to_dtos(db, access, actor, task_number, &[row])
        .await?
        .remove(0))
}

/// A task's comments, oldest first, replies included: all of them for members, the public
/// ones of a public task for everyone else.
#[tracing::instrument(name = "comment.list", skip(svc, actor))]
#[tracing::instrument(name = "comment.list", skip_all)]
pub async fn list(svc: &Services, actor: &Actor, slug: &str, number: i64) -> Result<Vec<Comment>> {
    let access = access::load(svc, actor, slug).await?;
    let task = find_visible(&svc.db, &access, number).await?;
    let rows = access
        .comment_scope(
            task_comment::Entity::find().filter(task_comment::Column::TaskId.eq(task.id)),
        )
        .order_by_asc(task_comment::Column::CreatedAt)
        .order_by_asc(task_comment::Column::Id)
        .all(&svc.db)
        .await?;
    to_dtos(&svc.db, &access, actor, task.number, &rows).await
}
