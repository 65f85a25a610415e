use super::params::{OrgPath, TaskListQuery, TaskPath, WsClient};
use super::schema::{
    Conflict, InvalidInput, NotFound, Refusals, TaskBody, TaskPage, WriteRefusals,
};
use super::{Body, body};
use crate::http::ApiError;
use axum::Json;
use axum::extract::{Path, RawQuery};
use axum::http::StatusCode;
use domain::dto::{NewTask, TaskPatch, TimelineEntry};
use domain::dto::{TaskPriority, TaskStatus};
use edge::Caller;
use services::task::{self, TaskQuery};
use services::{DomainError, timeline};
use std::collections::BTreeMap;
use std::str::FromStr;

/// Reads the list's query string; repeated keys (`status=todo&status=done`) add up.
fn parse_query(raw: Option<&str>) -> Result<TaskQuery, DomainError> {
    let mut q = TaskQuery::default();
    let mut bad = BTreeMap::new();
    fn one<T: FromStr>(field: &str, value: &str, bad: &mut BTreeMap<String, String>) -> Option<T> {
        value
            .parse()
            .map_err(|_| bad.insert(field.to_string(), format!("{value:?} is not valid")))
            .ok()
    }
    for (key, value) in form_urlencoded::parse(raw.unwrap_or("").as_bytes()) {
        let value = value.as_ref();
        match key.as_ref() {
            "status" => q
                .status
                .extend(one::<TaskStatus>("status", value, &mut bad)),
            "priority" => q
                .priority
                .extend(one::<TaskPriority>("priority", value, &mut bad)),
            "label" => q.label = one("label", value, &mut bad),
            "assignee" => q.assignee = one("assignee", value, &mut bad),
            "category" => q.category = one("category", value, &mut bad),
            "q" => q.q = Some(value.to_string()),
            "sort" => q.sort = one("sort", value, &mut bad).unwrap_or_default(),
            "limit" => match value.parse::<u64>() {
                Ok(n) if (1..=task::MAX_LIMIT).contains(&n) => q.limit = Some(n),
                _ => {
                    bad.insert("limit".into(), format!("must be 1 to {}", task::MAX_LIMIT));
                }
            },
            "cursor" => q.cursor = Some(value.to_string()),
            "filter" => match domain::filter::Filter::parse(value) {
                Ok(tree) => q.filter = std::mem::take(&mut q.filter).and(tree),
                Err(e) => {
                    bad.insert("filter".into(), e.0);
                }
            },
            "release" => match domain::filter::parse_chip("release", value) {
                Some(Ok(c)) => {
                    q.filter = std::mem::take(&mut q.filter).and(domain::filter::Filter::Cond(c))
                }
                Some(Err(e)) => {
                    bad.insert("release".into(), e);
                }
                None => {}
            },
            _ => {}
        }
    }
    if bad.is_empty() {
        Ok(q)
    } else {
        Err(DomainError::Invalid(bad))
    }
}

/// The org's tasks, filtered, sorted and paged.
///
/// Members see all tasks; others see the public tasks of an org whose public page is on.
#[utoipa::path(
    get,
    path = "/api/v1/orgs/{slug}/tasks",
    operation_id = "listTasks",
    tag = "tasks",
    params(OrgPath, TaskListQuery),
    security((), ("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "One page of tasks", body = TaskPage),
        (status = 400, response = InvalidInput),
        (status = 404, response = NotFound),
    )
)]
pub async fn list(
    cx: Caller,
    Path(slug): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Json<TaskPage>, ApiError> {
    let query = parse_query(raw.as_deref())?;
    let list = task::list(&cx.svc, &cx.actor, &slug, query).await?;
    Ok(Json(TaskPage {
        items: list.tasks,
        next_cursor: list.next_cursor,
    }))
}

/// Creates a task (tasks.create); it gets the org's next number.
#[utoipa::path(
    post,
    path = "/api/v1/orgs/{slug}/tasks",
    operation_id = "createTask",
    tag = "tasks",
    params(OrgPath, WsClient),
    request_body = NewTask,
    responses(
        (status = 201, description = "The new task", body = TaskBody),
        WriteRefusals,
    )
)]
pub async fn create(
    cx: Caller,
    Path(slug): Path<String>,
    input: Body<NewTask>,
) -> Result<(StatusCode, Json<TaskBody>), ApiError> {
    let task = task::create(&cx.svc, &cx.actor, &slug, body(input)?, cx.origin).await?;
    Ok((StatusCode::CREATED, Json(TaskBody { task })))
}

/// One task, for whoever may see the list it is in.
#[utoipa::path(
    get,
    path = "/api/v1/orgs/{slug}/tasks/{number}",
    operation_id = "getTask",
    tag = "tasks",
    params(TaskPath),
    security((), ("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "The task", body = TaskBody),
        (status = 404, response = NotFound),
    )
)]
pub async fn get(
    cx: Caller,
    Path((slug, number)): Path<(String, i64)>,
) -> Result<Json<TaskBody>, ApiError> {
    let task = task::get(&cx.svc, &cx.actor, &slug, number).await?;
    Ok(Json(TaskBody { task }))
}

/// Changes a task: any subset of the create fields, against its `version`.
///
/// Its creator and assignees may edit title and description; status needs
/// tasks.changeStatus, priority tasks.changePriority, assignees tasks.assign, anything else
/// on someone else's task tasks.editAny. A stale `version` is a conflict whose `current` is
/// the task as it is now.
#[utoipa::path(
    patch,
    path = "/api/v1/orgs/{slug}/tasks/{number}",
    operation_id = "updateTask",
    tag = "tasks",
    params(TaskPath, WsClient),
    request_body = TaskPatch,
    responses(
        (status = 200, description = "The task as changed", body = TaskBody),
        WriteRefusals,
        (status = 409, response = Conflict),
    )
)]
pub async fn update(
    cx: Caller,
    Path((slug, number)): Path<(String, i64)>,
    input: Body<TaskPatch>,
) -> Result<Json<TaskBody>, ApiError> {
    let patch = body(input)?;
    let task = task::update(&cx.svc, &cx.actor, &slug, number, patch, cx.origin).await?;
    Ok(Json(TaskBody { task }))
}

/// Deletes a task (tasks.deleteAny, or its creator).
#[utoipa::path(
    delete,
    path = "/api/v1/orgs/{slug}/tasks/{number}",
    operation_id = "deleteTask",
    tag = "tasks",
    params(TaskPath, WsClient),
    responses(
        (status = 204, description = "Deleted"),
        Refusals,
    )
)]
pub async fn delete(
    cx: Caller,
    Path((slug, number)): Path<(String, i64)>,
) -> Result<StatusCode, ApiError> {
    task::delete(&cx.svc, &cx.actor, &slug, number, cx.origin).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A task's history, oldest first; internal entries only for members.
#[utoipa::path(
    get,
    path = "/api/v1/orgs/{slug}/tasks/{number}/timeline",
    operation_id = "getTaskTimeline",
    tag = "tasks",
    params(TaskPath),
    security((), ("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "The entries, oldest first", body = Vec<TimelineEntry>),
        (status = 404, response = NotFound),
    )
)]
pub async fn timeline(
    cx: Caller,
    Path((slug, number)): Path<(String, i64)>,
) -> Result<Json<Vec<TimelineEntry>>, ApiError> {
    Ok(Json(
        timeline::list(&cx.svc, &cx.actor, &slug, number).await?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_statuses_add_up_and_bad_values_are_named() {
        let q = parse_query(Some(
            "status=todo&status=in-progress&q=login%20bug&limit=20",
        ))
        .unwrap();
        assert_eq!(q.status, [TaskStatus::Todo, TaskStatus::InProgress]);
        assert_eq!(q.q.as_deref(), Some("login bug"));
        assert_eq!(q.limit, Some(20));
        let Err(DomainError::Invalid(fields)) =
            parse_query(Some("status=doing&limit=500&sort=random"))
        else {
            panic!("bad values must be refused");
        };
        assert_eq!(
            fields.keys().collect::<Vec<_>>(),
            ["limit", "sort", "status"]
        );
    }
}
