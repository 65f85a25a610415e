//! Notifications: who is told what, and their inbox.
//!
//! A change that may concern people (an assignment, a mention, a comment, a status change,
//! an invitation) enqueues a [`Notify`] job in its own transaction; the job decides who is
//! told ([`fanout`]). Nobody is told of their own actions; one change makes at most one
//! notification per person (the strongest reason wins); and what someone may no longer
//! see is not delivered, nor listed.
//!
//! Watching: the creator of a task, its assignees, whoever comments on it or is mentioned
//! in it watch it, and anyone who may see a task can watch or unwatch it. An explicit
//! unwatch sticks. Watchers hear of comments and status changes; someone who is not a
//! member (a visitor who suggested or follows a public task) hears only of its status, as
//! `submission_updated`.

mod fanout;
mod mail;

pub use fanout::{Notify, What};
pub use mail::{
    NotifyDigest, NotifyMail, Unsubscribe, peek_unsubscribe, set_settings, settings, unsubscribe,
};

use crate::access::{self, find_visible};
use crate::{Actor, DomainError, Result, Services, jobs};
use chrono::Utc;
use domain::dto::{
    Notification, NotificationKind, NotificationList, NotificationPatch, NotificationTask, OrgRef,
    StatusChange, UserRef, Visibility,
};
use domain::parse::FieldError;
use domain::realtime::{BusMessage, ServerEvent, UserEvent};
use domain::{NotificationId, UserId};
use entity::{member, notification, organization, task, task_watch, user};
use sea_orm::sea_query::{Expr, OnConflict, Query};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    QueryTrait, Set,
};
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

/// The most a page of the inbox holds.
pub const PAGE_MAX: u64 = 100;

/// Which part of the inbox.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum InboxView {
    /// Everything not archived, read or not.
    #[default]
    Inbox,
    /// Not read yet (never archived: archiving reads).
    Unread,
    Archived,
}

/// Enqueues `event` in the caller's transaction, when it may concern anyone. Whoever takes
/// part starts watching here, in the same transaction, so that the next change (whose job
/// may run before this one's) already reaches them; a mentioned user only when a member.
pub(crate) async fn enqueue(db: &impl ConnectionTrait, event: Notify) -> Result<()> {
    if !event.matters() {
        return Ok(());
    }
    if let Some((task, mut joined)) = event.joined() {
        let members: HashSet<Uuid> = member::Entity::find()
            .select_only()
            .column(member::Column::UserId)
            .filter(member::Column::OrgId.eq(event.org))
            .filter(member::Column::UserId.is_in(joined.clone()))
            .into_tuple::<Uuid>()
            .all(db)
            .await?
            .into_iter()
            .collect();
        // The actor may be a visitor (their suggestion): they follow what they made.
        joined.retain(|u| members.contains(u) || Some(*u) == event.actor);
        fanout::watch_if_new(db, task, &joined).await?;
    }
    jobs::enqueue_in(db, &event, jobs::Enqueue::default()).await
}

fn signed_in(actor: &Actor) -> Result<Uuid> {
    match actor {
        Actor::User(u) => Ok(u.id.0),
        _ => Err(DomainError::Unauthenticated),
    }
}

/// The notifications `user` may still see: of orgs they belong to (site admins: all), an
/// invitation to an org they have not joined (yet), or a public task they follow as a
/// visitor. What someone loses is deleted when they lose it; mail checks this again before
/// it goes.
async fn visible(db: &impl ConnectionTrait, user: Uuid) -> Result<Condition> {
    let admin = user::Entity::find_by_id(user)
        .one(db)
        .await?
        .is_some_and(|u| u.role == "admin");
    let mine = || {
        Query::select()
            .column(member::Column::OrgId)
            .from(member::Entity)
            .and_where(member::Column::UserId.eq(user))
            .to_owned()
    };
    let invited = NotificationKind::Invited.as_str();
    let pending_invitation = Condition::all()
        .add(notification::Column::Kind.eq(invited))
        .add(notification::Column::OrgId.not_in_subquery(mine()));
    if admin {
        return Ok(Condition::any()
            .add(notification::Column::Kind.ne(invited))
            .add(pending_invitation));
    }
    Ok(Condition::any()
        .add(
            Condition::all()
                .add(notification::Column::OrgId.in_subquery(mine()))
                .add(notification::Column::Kind.ne(invited)),
        )
        .add(pending_invitation)
        .add(
            Condition::all()
                .add(notification::Column::Kind.eq(NotificationKind::SubmissionUpdated.as_str()))
                .add(task::Column::Visibility.eq(Visibility::Public)),
        ))
}

/// The most unread notifications counted: the badge says "999+" beyond, and counting stays
/// a short index range however many there are.
pub const UNREAD_CAP: i64 = 1000;

/// Unread notifications of `user`, up to [`UNREAD_CAP`]: an index range (`user_id`,
/// `read_at` null). What they may no longer see is deleted when they lose it
/// ([`forget_member`], [`forget_visitors`]), so no join is needed here.
async fn unread_count(db: &impl ConnectionTrait, user: Uuid) -> Result<i64> {
    use sea_orm::sea_query::{Alias, Func, SelectStatement};
    let unread: SelectStatement = notification::Entity::find()
        .select_only()
        .column(notification::Column::Id)
        .filter(notification::Column::UserId.eq(user))
        .filter(notification::Column::ReadAt.is_null())
        .order_by_asc(notification::Column::ReadAt)
        .order_by_asc(notification::Column::Id)
        .limit(UNREAD_CAP as u64)
        .into_query();
    let count = Query::select()
        .expr_as(Func::count(Expr::col(Alias::new("id"))), Alias::new("n"))
        .from_subquery(unread, Alias::new("unread"))
        .to_owned();
    let row = db
        .query_one(&count)
        .await?
        .ok_or_else(|| DomainError::Internal("a count without a row".into()))?;
    Ok(row.try_get::<i64>("", "n")?)
}

/// [`unread_count`] for several users, in one query.
pub(crate) async fn unread_counts(
    db: &impl ConnectionTrait,
    users: impl IntoIterator<Item = Uuid>,
) -> Result<HashMap<Uuid, i64>> {
    let users: Vec<Uuid> = users.into_iter().collect();
    let mut counts: HashMap<Uuid, i64> = users.iter().map(|u| (*u, 0)).collect();
    for chunk in users.chunks(500) {
        let rows: Vec<(Uuid, i64)> = notification::Entity::find()
            .select_only()
            .column(notification::Column::UserId)
            .column_as(notification::Column::Id.count(), "count")
            .filter(notification::Column::UserId.is_in(chunk.iter().copied()))
            .filter(notification::Column::ReadAt.is_null())
            .group_by(notification::Column::UserId)
            .into_tuple()
            .all(db)
            .await?;
        counts.extend(rows.into_iter().map(|(u, n)| (u, n.min(UNREAD_CAP))));
    }
    Ok(counts)
}

/// Forgets what `user` was told in `org`: they left it or were removed, so they may no
/// longer see any of it. Tells their sockets the new count.
pub(crate) async fn forget_member(svc: &Services, user: Uuid, org: Uuid) -> Result<()> {
    let gone = notification::Entity::delete_many()
        .filter(notification::Column::UserId.eq(user))
        .filter(notification::Column::OrgId.eq(org))
        .exec(&svc.db)
        .await?
        .rows_affected;
    if gone > 0 {
        recount(svc, user).await?;
    }
    Ok(())
}

/// Forgets what visitors were told of `task` (made private) or of every task of `org` (its
/// public page closed): `submission_updated` is the only type written for non-members.
pub(crate) async fn forget_visitors(
    db: &impl ConnectionTrait,
    org: Uuid,
    task: Option<Uuid>,
) -> Result<()> {
    let mut delete = notification::Entity::delete_many()
        .filter(notification::Column::OrgId.eq(org))
        .filter(notification::Column::Kind.eq(NotificationKind::SubmissionUpdated.as_str()));
    if let Some(task) = task {
        delete = delete.filter(notification::Column::TaskId.eq(task));
    }
    delete.exec(db).await?;
    Ok(())
}

/// Tells `user`'s sockets: a new notification, or only the new unread count.
pub(crate) fn publish_unread(
    svc: &Services,
    user: Uuid,
    notification: Option<Notification>,
    unread_count: i64,
) {
    let event = match notification {
        Some(n) => ServerEvent::Notification {
            notification: Box::new(n),
            unread_count,
        },
        None => ServerEvent::NotificationsRead { unread_count },
    };
    svc.bus.publish(BusMessage::User(UserEvent {
        user: UserId(user),
        event,
    }));
}

/// The signed-in user's inbox, newest first, `limit` at a time (at most [`PAGE_MAX`])
/// after `cursor` (the last page's `nextCursor`).
#[tracing::instrument(name = "notify.list", skip(svc, actor))]
pub async fn list(
    svc: &Services,
    actor: &Actor,
    view: InboxView,
    cursor: Option<&str>,
    limit: Option<u64>,
) -> Result<NotificationList> {
    let me = signed_in(actor)?;
    let limit = limit.unwrap_or(50).clamp(1, PAGE_MAX);
    let mut query = notification::Entity::find().filter(notification::Column::UserId.eq(me));
    query = match view {
        InboxView::Inbox => query.filter(notification::Column::ArchivedAt.is_null()),
        InboxView::Unread => query.filter(notification::Column::ReadAt.is_null()),
        InboxView::Archived => query.filter(notification::Column::ArchivedAt.is_not_null()),
    };
    if let Some(cursor) = cursor {
        let after = Uuid::parse_str(cursor)
            .map_err(|_| FieldError::new("cursor", "is not a cursor this list gave"))?;
        query = query.filter(notification::Column::Id.lt(after));
    }
    // Ordered as the view's index is, so that the database walks it (by id alone,
    // PostgreSQL may prefer the primary key and filter a large table).
    query = match view {
        InboxView::Inbox => query.order_by_desc(notification::Column::ArchivedAt),
        InboxView::Unread => query.order_by_desc(notification::Column::ReadAt),
        InboxView::Archived => query,
    };
    let mut rows = query
        .order_by_desc(notification::Column::Id)
        .limit(limit + 1)
        .all(&svc.db)
        .await?;
    let next_cursor = if rows.len() as u64 > limit {
        rows.truncate(limit as usize);
        rows.last().map(|r| r.id.to_string())
    } else {
        None
    };
    Ok(NotificationList {
        items: to_dtos(&svc.db, &rows).await?,
        next_cursor,
        unread_count: unread_count(&svc.db, me).await?,
    })
}

/// Marks one notification read or unread, archived or not. Archiving reads it; marking
/// it unread takes it out of the archive (unread notifications are in the inbox).
#[tracing::instrument(name = "notify.update", skip(svc, actor))]
pub async fn update(
    svc: &Services,
    actor: &Actor,
    id: NotificationId,
    patch: NotificationPatch,
) -> Result<Notification> {
    let me = signed_in(actor)?;
    let row = notification::Entity::find_by_id(id.0)
        .filter(notification::Column::UserId.eq(me))
        .one(&svc.db)
        .await?
        .ok_or(DomainError::NotFound)?;
    let now = Utc::now();
    let mut read_at = row.read_at;
    let mut archived_at = row.archived_at;
    match patch.read {
        Some(true) => read_at = read_at.or(Some(now)),
        Some(false) => {
            read_at = None;
            archived_at = None;
        }
        None => {}
    }
    match patch.archived {
        Some(true) => {
            archived_at = archived_at.or(Some(now));
            read_at = read_at.or(Some(now));
        }
        Some(false) => archived_at = None,
        None => {}
    }
    if (read_at, archived_at) != (row.read_at, row.archived_at) {
        notification::Entity::update(notification::ActiveModel {
            id: Set(row.id),
            read_at: Set(read_at),
            archived_at: Set(archived_at),
            ..Default::default()
        })
        .exec(&svc.db)
        .await?;
        publish_unread(svc, me, None, unread_count(&svc.db, me).await?);
    }
    let row = notification::Model {
        read_at,
        archived_at,
        ..row
    };
    Ok(to_dtos(&svc.db, std::slice::from_ref(&row))
        .await?
        .remove(0))
}

/// Marks every unread notification read.
#[tracing::instrument(name = "notify.read_all", skip(svc, actor))]
pub async fn read_all(svc: &Services, actor: &Actor) -> Result<()> {
    let me = signed_in(actor)?;
    mark_read(svc, me, None).await
}

/// Marks the notifications about task `number` read: its reader opened it.
#[tracing::instrument(name = "notify.read_task", skip(svc, actor))]
pub async fn read_task(svc: &Services, actor: &Actor, slug: &str, number: i64) -> Result<()> {
    let access = access::load(svc, actor, slug).await?;
    let task = find_visible(&svc.db, &access, number).await?;
    let me = signed_in(actor)?;
    mark_read(svc, me, Some(task.id)).await
}

async fn mark_read(svc: &Services, me: Uuid, task: Option<Uuid>) -> Result<()> {
    let mut update = notification::Entity::update_many()
        .col_expr(notification::Column::ReadAt, Expr::value(Utc::now()))
        .filter(notification::Column::UserId.eq(me))
        .filter(notification::Column::ReadAt.is_null());
    if let Some(task) = task {
        update = update.filter(notification::Column::TaskId.eq(task));
    }
    if update.exec(&svc.db).await?.rows_affected > 0 {
        publish_unread(svc, me, None, unread_count(&svc.db, me).await?);
    }
    Ok(())
}

/// Whether the signed-in user watches task `number` (which they may see).
pub async fn watching(svc: &Services, actor: &Actor, slug: &str, number: i64) -> Result<bool> {
    // A task the caller may not see does not exist for them, signed in or not.
    let access = access::load(svc, actor, slug).await?;
    let task = find_visible(&svc.db, &access, number).await?;
    let me = signed_in(actor)?;
    Ok(task_watch::Entity::find_by_id((task.id, me))
        .one(&svc.db)
        .await?
        .is_some_and(|w| w.watching))
}

/// Watches (or, `false`, unwatches) task `number`: anyone who may see it. An unwatch
/// sticks: taking part later does not watch again.
#[tracing::instrument(name = "notify.watch", skip(svc, actor))]
pub async fn watch(svc: &Services, actor: &Actor, slug: &str, number: i64, on: bool) -> Result<()> {
    let access = access::load(svc, actor, slug).await?;
    let task = find_visible(&svc.db, &access, number).await?;
    let me = signed_in(actor)?;
    set_watch(&svc.db, task.id, me, on).await
}

/// Records that `user` watches `task` or (`on = false`) chose not to.
pub(crate) async fn set_watch(
    db: &impl ConnectionTrait,
    task: Uuid,
    user: Uuid,
    on: bool,
) -> Result<()> {
    task_watch::Entity::insert(task_watch::ActiveModel {
        task_id: Set(task),
        user_id: Set(user),
        watching: Set(on),
        created_at: Set(Utc::now()),
    })
    .on_conflict(
        OnConflict::columns([task_watch::Column::TaskId, task_watch::Column::UserId])
            .update_column(task_watch::Column::Watching)
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Inbox entries for `rows` (of any orgs): orgs, tasks and actors from one query each.
pub(crate) async fn to_dtos(
    db: &impl ConnectionTrait,
    rows: &[notification::Model],
) -> Result<Vec<Notification>> {
    let org_ids: HashSet<Uuid> = rows.iter().map(|r| r.org_id).collect();
    let orgs: HashMap<Uuid, organization::Model> = organization::Entity::find()
        .filter(organization::Column::Id.is_in(org_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, o))
        .collect();
    let task_ids: HashSet<Uuid> = rows.iter().filter_map(|r| r.task_id).collect();
    let tasks: HashMap<Uuid, task::Model> = if task_ids.is_empty() {
        HashMap::new()
    } else {
        task::Entity::find()
            .filter(task::Column::Id.is_in(task_ids))
            .all(db)
            .await?
            .into_iter()
            .map(|t| (t.id, t))
            .collect()
    };
    let actor_ids: HashSet<Uuid> = rows.iter().filter_map(|r| r.actor_id).collect();
    let actors: HashMap<Uuid, String> = if actor_ids.is_empty() {
        HashMap::new()
    } else {
        user::Entity::find()
            .select_only()
            .column(user::Column::Id)
            .column(user::Column::Name)
            .filter(user::Column::Id.is_in(actor_ids))
            .into_tuple::<(Uuid, String)>()
            .all(db)
            .await?
            .into_iter()
            .collect()
    };
    rows.iter()
        .map(|r| {
            let org = orgs.get(&r.org_id).ok_or(DomainError::NotFound)?;
            Ok(Notification {
                id: r.id.into(),
                kind: r.kind.parse().unwrap_or_default(),
                org: OrgRef {
                    id: org.id.into(),
                    slug: org.slug.clone(),
                    name: org.name.clone(),
                },
                task: r
                    .task_id
                    .and_then(|t| tasks.get(&t))
                    .map(|t| NotificationTask {
                        number: t.number,
                        key: format!("{}-{}", org.short_id, t.number),
                        title: t.title.clone(),
                        status: t.status,
                    }),
                comment_id: r.comment_id.map(Into::into),
                status: r
                    .detail
                    .as_deref()
                    .and_then(|d| serde_json::from_str::<StatusChange>(d).ok()),
                actor: r.actor_id.and_then(|a| {
                    actors.get(&a).map(|name| UserRef {
                        id: a.into(),
                        name: name.clone(),
                    })
                }),
                created_at: r.created_at,
                read_at: r.read_at,
                archived_at: r.archived_at,
            })
        })
        .collect()
}

/// Adds a `mentioned` entry to the timeline of each task of `org` that `from` (its
/// description, or its comment `comment`) newly refers to as `#N`. The entry is internal
/// unless what mentions is public, so only those who see the mention see the entry.
pub(crate) async fn record_refs(
    db: &impl ConnectionTrait,
    from: &task::Model,
    comment: Option<(Uuid, domain::dto::CommentVisibility)>,
    actor: Option<Uuid>,
    numbers: std::collections::BTreeSet<i64>,
) -> Result<()> {
    let numbers: Vec<i64> = numbers
        .into_iter()
        .filter(|n| *n != from.number)
        .take(crate::markdown::MAX_REFS)
        .collect();
    if numbers.is_empty() {
        return Ok(());
    }
    let targets = task::Entity::find()
        .filter(task::Column::OrgId.eq(from.org_id))
        .filter(task::Column::Number.is_in(numbers))
        .all(db)
        .await?;
    let internal = from.visibility != Visibility::Public
        || comment.is_some_and(|(_, v)| v != domain::dto::CommentVisibility::Public);
    let to = serde_json::json!({
        "number": from.number,
        "comment": comment.map(|(id, _)| id),
    });
    for target in targets {
        let entry =
            crate::timeline::Entry::new("mentioned", None, Some(to.clone())).internal(internal);
        crate::timeline::record(db, from.org_id, target.id, actor, vec![entry]).await?;
    }
    Ok(())
}

/// Tells the account behind the invited address (when it proved that address) in the
/// inviting transaction: one person, so no job. Announce the row after commit.
pub(crate) async fn invited(
    db: &impl ConnectionTrait,
    invite: &entity::invite::Model,
    actor: Option<Uuid>,
) -> Result<Option<notification::Model>> {
    let Some(account) = user::Entity::find()
        .filter(user::Column::Email.eq(invite.email.as_str()))
        .filter(user::Column::EmailVerified.eq(true))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    if actor == Some(account.id) {
        return Ok(None);
    }
    let row = notification::Model {
        id: Uuid::now_v7(),
        user_id: account.id,
        org_id: invite.org_id,
        task_id: None,
        comment_id: None,
        kind: NotificationKind::Invited.as_str().to_string(),
        actor_id: actor,
        detail: None,
        // The invitation has a mail of its own.
        mail: None,
        created_at: Utc::now(),
        read_at: None,
        archived_at: None,
    };
    notification::Entity::insert(notification::ActiveModel::from(row.clone()))
        .exec_without_returning(db)
        .await?;
    Ok(Some(row))
}

/// Tells a user's sockets of a notification written by the caller (after commit).
pub(crate) async fn announce(svc: &Services, row: notification::Model) -> Result<()> {
    let user = row.user_id;
    let dto = to_dtos(&svc.db, &[row]).await?.remove(0);
    publish_unread(svc, user, Some(dto), unread_count(&svc.db, user).await?);
    Ok(())
}

/// Removes `user`'s invitation notifications of `org` (accepted or declined: nothing more
/// to offer); true when there were any.
pub(crate) async fn invitation_settled(
    db: &impl ConnectionTrait,
    user: Uuid,
    org: Uuid,
) -> Result<bool> {
    Ok(notification::Entity::delete_many()
        .filter(notification::Column::UserId.eq(user))
        .filter(notification::Column::OrgId.eq(org))
        .filter(notification::Column::Kind.eq(NotificationKind::Invited.as_str()))
        .exec(db)
        .await?
        .rows_affected
        > 0)
}

/// Tells a user's sockets their unread count changed (after commit).
pub(crate) async fn recount(svc: &Services, user: Uuid) -> Result<()> {
    publish_unread(svc, user, None, unread_count(&svc.db, user).await?);
    Ok(())
}
