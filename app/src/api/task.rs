//! The task page: the task, its activity (timeline and comments), subtasks and relations.

use domain::dto::{Category, Comment, Label, Org, Task, TaskRelation, TimelineEntry, UserRef};
use domain::permissions::PermissionSet;
use domain::{CommentId, UserId};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TaskPageData {
    pub org: Org,
    pub task: Task,
    pub comments: Vec<Comment>,
    pub timeline: Vec<TimelineEntry>,
    pub relations: Vec<TaskRelation>,
    pub subtasks: Vec<Task>,
    pub labels: Vec<Label>,
    pub categories: Vec<Category>,
    pub members: Vec<UserRef>,
    /// Where members' avatars are served (those who have one); empty for visitors.
    #[serde(default)]
    pub avatars: Vec<(UserId, String)>,
    /// The viewer's permissions; none for visitors.
    pub permissions: Option<PermissionSet>,
    pub me: Option<UserId>,
    /// The releases the viewer sees (visitors: released ones), for the release field.
    #[serde(default)]
    pub releases: Vec<domain::dto::Release>,
}

#[server(prefix = "/sfn", endpoint = "task_page")]
pub async fn load_task(slug: String, number: i64) -> Result<TaskPageData, ServerFnError> {
    use super::ssr::*;
    use services::{category, comment, label, member, relation, task, timeline};
    let cx = caller()?;
    let actor = &cx.actor;
    let found = task::get(&cx.svc, actor, &slug, number)
        .await
        .map_err(fail)?;
    let org = services::org::get(&cx.svc, actor, &slug)
        .await
        .map_err(fail)?;
    let permissions = member::permissions(&cx.svc, actor, &slug).await.ok();
    if permissions.is_none() {
        // What visitors see of a public task may be framed where the portal may.
        allow_framing(&org.settings.framing);
    }
    let people = match permissions {
        Some(_) => member::list(&cx.svc, actor, &slug).await.map_err(fail)?,
        None => Vec::new(),
    };
    let members = people
        .iter()
        .map(|m| UserRef {
            id: m.user_id,
            name: m.name.clone(),
        })
        .collect();
    let avatars = people
        .into_iter()
        .filter_map(|m| Some((m.user_id, m.avatar_url?)))
        .collect();
    let subtasks = if found.subtask_count > 0 {
        let query = task::TaskQuery {
            limit: Some(task::MAX_LIMIT),
            ..Default::default()
        };
        task::list(&cx.svc, actor, &slug, query)
            .await
            .map_err(fail)?
            .tasks
            .into_iter()
            .filter(|t| t.parent_number == Some(number))
            .collect()
    } else {
        Vec::new()
    };
    Ok(TaskPageData {
        comments: comment::list(&cx.svc, actor, &slug, number)
            .await
            .map_err(fail)?,
        timeline: timeline::list(&cx.svc, actor, &slug, number)
            .await
            .map_err(fail)?,
        relations: relation::list(&cx.svc, actor, &slug, number)
            .await
            .map_err(fail)?,
        labels: label::list(&cx.svc, actor, &slug).await.map_err(fail)?,
        categories: category::list(&cx.svc, actor, &slug).await.map_err(fail)?,
        releases: services::release::list(&cx.svc, actor, &slug)
            .await
            .map_err(fail)?,
        org,
        task: found,
        subtasks,
        members,
        avatars,
        permissions,
        me: actor.user_id(),
    })
}

/// Writes a comment (or a reply, with `parent_id`).
#[server(prefix = "/sfn", endpoint = "comment")]
pub async fn add_comment(
    slug: String,
    number: i64,
    body: String,
    #[server(default)] visibility: Option<String>,
    #[server(default)] parent_id: Option<CommentId>,
) -> Result<Comment, ServerFnError> {
    use super::ssr::*;
    let cx = caller()?;
    let visibility =
        match visibility.as_deref() {
            None | Some("") => None,
            Some(v) => Some(v.parse().map_err(|m: String| {
                fail(domain::parse::FieldError::new("visibility", m).into())
            })?),
        };
    let input = domain::dto::NewComment {
        body,
        visibility,
        parent_id,
    };
    services::comment::create(&cx.svc, &cx.actor, &slug, number, input, cx.origin)
        .await
        .map_err(fail)
}

/// Changes a comment's text (its author only; the old text goes to the edit history).
#[server(prefix = "/sfn", endpoint = "edit_comment")]
pub async fn edit_comment(
    slug: String,
    id: CommentId,
    body: String,
) -> Result<Comment, ServerFnError> {
    use super::ssr::*;
    let cx = caller()?;
    services::comment::update(
        &cx.svc,
        &cx.actor,
        &slug,
        id,
        domain::dto::CommentPatch { body },
        cx.origin,
    )
    .await
    .map_err(fail)
}

/// Deletes a comment (its author, or a moderator).
#[server(prefix = "/sfn", endpoint = "delete_comment")]
pub async fn delete_comment(slug: String, id: CommentId) -> Result<CommentId, ServerFnError> {
    use super::ssr::*;
    let cx = caller()?;
    services::comment::delete(&cx.svc, &cx.actor, &slug, id, cx.origin)
        .await
        .map_err(fail)?;
    Ok(id)
}

/// Toggles my reaction on a comment.
#[server(prefix = "/sfn", endpoint = "react")]
pub async fn react(slug: String, id: CommentId, emoji: String) -> Result<Comment, ServerFnError> {
    use super::ssr::*;
    let cx = caller()?;
    services::comment::react(&cx.svc, &cx.actor, &slug, id, &emoji, cx.origin)
        .await
        .map_err(fail)
}

/// A task offered after `#` in the editor.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TaskMention {
    pub number: i64,
    pub key: String,
    pub title: String,
}

/// The org's members, offered after `@` in the editor (members only).
#[server(prefix = "/sfn", endpoint = "mention_members")]
pub async fn mention_members(slug: String) -> Result<Vec<UserRef>, ServerFnError> {
    use super::ssr::*;
    let cx = caller()?;
    member_refs(&cx.svc, &cx.actor, &slug).await
}

/// Up to 8 of the org's tasks matching `#text` by number or words (members only).
#[server(prefix = "/sfn", endpoint = "mention_tasks")]
pub async fn mention_tasks(slug: String, text: String) -> Result<Vec<TaskMention>, ServerFnError> {
    use super::ssr::*;
    let cx = caller()?;
    Ok(services::task::suggest(&cx.svc, &cx.actor, &slug, &text, 8)
        .await
        .map_err(fail)?
        .into_iter()
        .map(|t| TaskMention {
            number: t.number,
            key: t.key,
            title: t.title,
        })
        .collect())
}
