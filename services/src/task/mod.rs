//! Tasks: reading (this file), writing (`write`), and the DTOs built for each reader.

mod bulk;
mod cache;
mod create;
mod delete;
mod filter;
mod mine;
mod plan;
mod query;
mod update;
mod write;

pub use bulk::{BULK_LIMIT, bulk_update};
pub use cache::ListCache;
pub(crate) use create::create_linked;
pub use create::{IssueLink, create};
pub use delete::delete;
pub use mine::{MINE_LIMIT, mine};
pub use query::{TaskQuery, TaskSort};
pub use update::update;
pub(crate) use write::category_in_org;

pub(crate) use crate::access::find_visible;

use super::access::{self, OrgAccess};
use super::{Actor, Result, Services, convert};
use domain::dto::{CommentVisibility, Label, Task, UserRef};
use entity::{category, label, task, task_assignee, task_comment, task_label, user};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, QuerySelect,
};
use std::collections::HashMap;
use uuid::Uuid;

/// The most tasks one list call returns.
pub const MAX_LIMIT: u64 = 100;

/// One page of an org's tasks as the actor may see them.
#[derive(Clone, Debug)]
pub struct TaskList {
    pub org: domain::dto::Org,
    pub tasks: Vec<Task>,
    /// Pass back as `cursor` for the next page; none on the last page.
    pub next_cursor: Option<String>,
}

#[derive(FromQueryResult)]
struct SubtaskCount {
    parent_id: Uuid,
    count: i64,
}

#[derive(FromQueryResult)]
struct CommentCount {
    task_id: Uuid,
    count: i64,
}

/// Builds full DTOs for rows of one org: labels, assignees, category, parent numbers and
/// subtask counts come from one query each, whatever the number of rows.
pub(crate) async fn to_dtos(
    db: &impl ConnectionTrait,
    access: &OrgAccess,
    rows: &[task::Model],
) -> Result<Vec<Task>> {
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();

    let mut labels: HashMap<Uuid, Vec<Label>> = HashMap::new();
    for (link, l) in task_label::Entity::find()
        .filter(task_label::Column::TaskId.is_in(ids.clone()))
        .find_also_related(label::Entity)
        .all(db)
        .await?
    {
        if let Some(l) = l {
            labels
                .entry(link.task_id)
                .or_default()
                .push(convert::label(&l));
        }
    }
    let mut assignees: HashMap<Uuid, Vec<UserRef>> = HashMap::new();
    for (link, u) in task_assignee::Entity::find()
        .filter(task_assignee::Column::TaskId.is_in(ids.clone()))
        .find_also_related(user::Entity)
        .all(db)
        .await?
    {
        if let Some(u) = u {
            assignees.entry(link.task_id).or_default().push(UserRef {
                id: u.id.into(),
                name: u.name,
            });
        }
    }
    let category_ids: Vec<Uuid> = rows.iter().filter_map(|r| r.category_id).collect();
    let categories: HashMap<Uuid, domain::dto::Category> = if category_ids.is_empty() {
        HashMap::new()
    } else {
        category::Entity::find()
            .filter(category::Column::Id.is_in(category_ids))
            .all(db)
            .await?
            .iter()
            .map(|c| (c.id, convert::category(c)))
            .collect()
    };
    let parent_ids: Vec<Uuid> = rows.iter().filter_map(|r| r.parent_id).collect();
    // Per parent: its number, whether the reader sees it, whether it is public.
    let parents: HashMap<Uuid, (i64, bool, bool)> = if parent_ids.is_empty() {
        HashMap::new()
    } else {
        task::Entity::find()
            .filter(task::Column::Id.is_in(parent_ids))
            .all(db)
            .await?
            .into_iter()
            .map(|p| {
                let public = p.visibility == domain::dto::Visibility::Public;
                (p.id, (p.number, access.sees_task(&p), public))
            })
            .collect()
    };
    let subtask_query = access.task_scope(
        task::Entity::find()
            .select_only()
            .column(task::Column::ParentId)
            .column_as(task::Column::Id.count(), "count")
            .filter(task::Column::ParentId.is_in(ids.clone()))
            .group_by(task::Column::ParentId),
    );
    let subtasks: HashMap<Uuid, i64> = subtask_query
        .into_model::<SubtaskCount>()
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.parent_id, s.count))
        .collect();
    // Pull requests are the members' (a visitor learns nothing of repositories here).
    let mut pulls: HashMap<Uuid, Vec<domain::dto::TaskPullRequest>> = HashMap::new();
    if access.member {
        use sea_orm::QueryOrder;
        for (link, repo) in entity::github_link::Entity::find()
            .filter(entity::github_link::Column::TaskId.is_in(ids.clone()))
            .filter(entity::github_link::Column::Kind.eq("pull_request"))
            .find_also_related(entity::github_repository::Entity)
            .order_by_asc(entity::github_link::Column::CreatedAt)
            .all(db)
            .await?
        {
            pulls
                .entry(link.task_id)
                .or_default()
                .push(domain::dto::TaskPullRequest {
                    repository: repo.map(|r| r.full_name).unwrap_or_default(),
                    number: link.reference.parse().unwrap_or_default(),
                    state: link.state,
                    url: link.url,
                });
        }
    }
    // Releases by slug; visitors see released ones only (`public_view` drops the rest).
    let release_ids: Vec<Uuid> = rows.iter().filter_map(|r| r.release_id).collect();
    let releases: HashMap<Uuid, (String, bool)> = if release_ids.is_empty() {
        HashMap::new()
    } else {
        entity::release::Entity::find()
            .filter(entity::release::Column::Id.is_in(release_ids))
            .all(db)
            .await?
            .into_iter()
            .map(|r| {
                let public = r.status == domain::dto::ReleaseStatus::Released;
                (r.id, (r.slug, public))
            })
            .collect()
    };
    // `comment_count` counts internal comments too: the public gets its own count.
    let public_comments: HashMap<Uuid, i64> = if access.member {
        HashMap::new()
    } else {
        task_comment::Entity::find()
            .select_only()
            .column(task_comment::Column::TaskId)
            .column_as(task_comment::Column::Id.count(), "count")
            .filter(task_comment::Column::TaskId.is_in(ids))
            .filter(task_comment::Column::Visibility.eq(CommentVisibility::Public))
            .group_by(task_comment::Column::TaskId)
            .into_model::<CommentCount>()
            .all(db)
            .await?
            .into_iter()
            .map(|c| (c.task_id, c.count))
            .collect()
    };

    let short_id = &access.org.short_id;
    let mentioned = crate::markdown::current_names(
        db,
        access.org.id,
        rows.iter().map(|r| r.description_html.as_str()),
    )
    .await?;
    rows.iter()
        .map(|r| {
            // A private parent is not revealed to the public, not even by number.
            let parent = r
                .parent_id
                .and_then(|p| parents.get(&p))
                .filter(|(_, visible, _)| *visible);
            let mut dto = convert::task(r, short_id, parent.map(|(n, _, _)| *n));
            // Events carry the member's view; their public copy drops a private parent.
            dto.parent_public = parent.is_some_and(|(_, _, public)| *public);
            dto.description_html = crate::markdown::named(&dto.description_html, &mentioned);
            dto.labels = labels.remove(&r.id).unwrap_or_default();
            dto.labels.sort_by(|a, b| a.name.cmp(&b.name));
            dto.assignees = assignees.remove(&r.id).unwrap_or_default();
            dto.assignees.sort_by(|a, b| a.name.cmp(&b.name));
            dto.category = r.category_id.and_then(|c| categories.get(&c).cloned());
            dto.subtask_count = subtasks.get(&r.id).copied().unwrap_or(0);
            dto.pull_requests = pulls.remove(&r.id).unwrap_or_default();
            if let Some((slug, public)) = r.release_id.and_then(|id| releases.get(&id)) {
                dto.release = Some(slug.clone());
                dto.release_public = *public;
            }
            Ok(if access.member {
                dto
            } else {
                dto.comment_count = public_comments.get(&r.id).copied().unwrap_or(0);
                dto.public_view()
            })
        })
        .collect()
}

/// Tells every room that may see task `id` how it is now, when what changed is not the
/// task's row (a pull request linked to it, or one that moved): boards and pages stay live.
pub(crate) async fn announce(svc: &Services, id: Uuid) -> Result<()> {
    let Some(row) = task::Entity::find_by_id(id).one(&svc.db).await? else {
        return Ok(());
    };
    let Some(org) = entity::organization::Entity::find_by_id(row.org_id)
        .one(&svc.db)
        .await?
    else {
        return Ok(());
    };
    let access = access::resolve(&svc.db, &Actor::System, org).await?;
    use sea_orm::PaginatorTrait;
    let public_comments = task_comment::Entity::find()
        .filter(task_comment::Column::TaskId.eq(row.id))
        .filter(task_comment::Column::Visibility.eq(CommentVisibility::Public))
        .count(&svc.db)
        .await? as i64;
    let was_public = row.visibility == domain::dto::Visibility::Public;
    let task = to_dtos(&svc.db, &access, &[row]).await?.remove(0);
    svc.publish(domain::realtime::DomainEvent {
        traceparent: None,
        org_id: access.id(),
        origin: None,
        kind: domain::realtime::EventKind::TaskUpdated {
            task,
            was_public,
            public_comments,
        },
    });
    Ok(())
}

/// The longest text a task list searches for (`q`).
pub const MAX_SEARCH_CHARS: usize = 200;

/// A page of the org's tasks: all of them for members, the public ones for everyone else
/// when the public page is on.
#[tracing::instrument(name = "task.list", skip(svc, actor))]
pub async fn list(
    svc: &Services,
    actor: &Actor,
    slug: &str,
    mut query: TaskQuery,
) -> Result<TaskList> {
    let access = access::load(svc, actor, slug).await?;
    query.me = actor.user_id();
    list_for(svc, &access, query).await
}

/// A page of the org's tasks as `access` may see them (through the list cache).
pub(crate) async fn list_for(
    svc: &Services,
    access: &OrgAccess,
    mut query: TaskQuery,
) -> Result<TaskList> {
    query.q = query
        .q
        .map(|q| q.trim().to_string())
        .filter(|q| !q.is_empty());
    if query
        .q
        .as_ref()
        .is_some_and(|q| q.chars().count() > MAX_SEARCH_CHARS)
    {
        return Err(domain::parse::FieldError::new(
            "q",
            format!("must be at most {MAX_SEARCH_CHARS} characters"),
        )
        .into());
    }
    let org = access.org.id;
    let key = (access.member, format!("{query:?}"));
    let page = match svc.list_cache.get(org, &key) {
        Some(page) => page,
        None => {
            let generation = svc.list_cache.generation(org);
            let (rows, next_cursor) = query::run(&svc.db, &access, &query).await?;
            let tasks = to_dtos(&svc.db, &access, &rows).await?;
            svc.list_cache.put(
                org,
                generation,
                key,
                cache::Page {
                    tasks: tasks.clone(),
                    next_cursor: next_cursor.clone(),
                },
            );
            std::sync::Arc::new(cache::Page { tasks, next_cursor })
        }
    };
    Ok(TaskList {
        org: access.dto(),
        tasks: page.tasks.clone(),
        next_cursor: page.next_cursor.clone(),
    })
}

/// How many tasks `query` matches in each status, as `access` may see them.
pub(crate) async fn status_counts(
    svc: &Services,
    access: &OrgAccess,
    query: &TaskQuery,
) -> Result<Vec<(domain::dto::TaskStatus, i64)>> {
    query::status_counts(&svc.db, access, query).await
}

/// Up to `limit` tasks to offer for `#text` in the editor: task `text` itself when it is a
/// number, then those whose title or description holds it, newest first. Members only.
#[tracing::instrument(name = "task.suggest", skip(svc, actor))]
pub async fn suggest(
    svc: &Services,
    actor: &Actor,
    slug: &str,
    text: &str,
    limit: u64,
) -> Result<Vec<Task>> {
    let access = access::load_member(svc, actor, slug).await?;
    let text = text.trim().trim_start_matches('#').trim();
    let query = TaskQuery {
        q: (!text.is_empty()).then(|| text.chars().take(100).collect()),
        limit: Some(limit),
        ..Default::default()
    };
    let mut found = list_for(svc, &access, query).await?.tasks;
    if let Ok(number) = text.parse::<i64>()
        && let Ok(row) = find_visible(&svc.db, &access, number).await
    {
        found.retain(|t| t.number != number);
        found.insert(0, to_dtos(&svc.db, &access, &[row]).await?.remove(0));
    }
    found.truncate(limit as usize);
    Ok(found)
}

/// One task by its number, as the actor may see it.
#[tracing::instrument(name = "task.get", skip_all)]
pub async fn get(svc: &Services, actor: &Actor, slug: &str, number: i64) -> Result<Task> {
    let access = access::load(svc, actor, slug).await?;
    let row = find_visible(&svc.db, &access, number).await?;
    Ok(to_dtos(&svc.db, &access, &[row]).await?.remove(0))
}
