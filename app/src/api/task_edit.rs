//! Edits on the task page beyond its fields: subtasks, relations, deleting the task, and a
//! comment's visibility and edit history.

use domain::CommentId;
use domain::dto::{Comment, CommentEdit, Task, TaskRelation};
use leptos::prelude::*;

/// A task named by its number, `#12` or its key `ACM-12`.
pub fn task_number(input: &str) -> Option<i64> {
    let input = input.trim().trim_start_matches('#');
    let number = input.rsplit_once('-').map_or(input, |(_, n)| n);
    number.parse().ok().filter(|n| *n > 0)
}

/// Adds a task under task `parent` (it starts private, like any task made by a member).
#[server(prefix = "/sfn", endpoint = "create_subtask")]
pub async fn create_subtask(
    slug: String,
    parent: i64,
    title: String,
) -> Result<Task, ServerFnError> {
    use super::ssr::*;
    let cx = caller()?;
    let input = domain::dto::NewTask {
        title,
        parent_number: Some(parent),
        ..Default::default()
    };
    services::task::create(&cx.svc, &cx.actor, &slug, input, cx.origin)
        .await
        .map_err(fail)
}

/// Deletes a task (`tasks.deleteAny`, or its creator); its subtasks stay, standing alone.
#[server(prefix = "/sfn", endpoint = "delete_task")]
pub async fn delete_task(slug: String, number: i64) -> Result<(), ServerFnError> {
    use super::ssr::*;
    let cx = caller()?;
    services::task::delete(&cx.svc, &cx.actor, &slug, number, cx.origin)
        .await
        .map_err(fail)
}

/// The relation `kind` between task `number` and the task `target` names (a number, `#12`
/// or a key).
#[cfg(feature = "ssr")]
fn relation(target: &str, kind: &str) -> Result<domain::dto::NewRelation, ServerFnError> {
    use super::ssr::invalid;
    let target_number = task_number(target)
        .ok_or_else(|| invalid("targetNumber", "is not a task number or key"))?;
    let kind = kind.parse().map_err(|m: String| invalid("type", &m))?;
    Ok(domain::dto::NewRelation {
        target_number,
        kind,
    })
}

/// Links task `number` to another (related, blocking or duplicate).
#[server(prefix = "/sfn", endpoint = "add_relation")]
pub async fn add_relation(
    slug: String,
    number: i64,
    target: String,
    kind: String,
) -> Result<TaskRelation, ServerFnError> {
    use super::ssr::*;
    let cx = caller()?;
    let input = relation(&target, &kind)?;
    services::relation::add(&cx.svc, &cx.actor, &slug, number, input)
        .await
        .map_err(fail)
}

/// Removes a link; it is named from the task it was added on (`source`).
#[server(prefix = "/sfn", endpoint = "remove_relation")]
pub async fn remove_relation(
    slug: String,
    source: i64,
    target: i64,
    kind: String,
) -> Result<(), ServerFnError> {
    use super::ssr::*;
    let cx = caller()?;
    let input = relation(&target.to_string(), &kind)?;
    services::relation::remove(&cx.svc, &cx.actor, &slug, source, input)
        .await
        .map_err(fail)
}

/// Makes a comment (and its replies) `public` or `internal`: members only, its author or a
/// moderator.
#[server(prefix = "/sfn", endpoint = "comment_visibility")]
pub async fn set_comment_visibility(
    slug: String,
    id: CommentId,
    visibility: String,
) -> Result<Comment, ServerFnError> {
    use super::ssr::*;
    let cx = caller()?;
    let visibility = visibility
        .parse()
        .map_err(|m: String| invalid("visibility", &m))?;
    services::comment::set_visibility(&cx.svc, &cx.actor, &slug, id, visibility, cx.origin)
        .await
        .map_err(fail)
}

/// A comment's earlier bodies, newest first (for whoever may read the comment).
#[server(prefix = "/sfn", endpoint = "comment_history")]
pub async fn comment_history(
    slug: String,
    id: CommentId,
) -> Result<Vec<CommentEdit>, ServerFnError> {
    use super::ssr::*;
    let cx = caller()?;
    services::comment::history(&cx.svc, &cx.actor, &slug, id)
        .await
        .map_err(fail)
}

#[cfg(test)]
mod tests {
    use super::task_number;

    #[test]
    fn a_task_is_named_by_number_hash_or_key() {
        assert_eq!(task_number("12"), Some(12));
        assert_eq!(task_number(" #12 "), Some(12));
        assert_eq!(task_number("ACM-12"), Some(12));
        assert_eq!(task_number("ACM-"), None);
        assert_eq!(task_number("0"), None);
        assert_eq!(task_number("twelve"), None);
    }
}
