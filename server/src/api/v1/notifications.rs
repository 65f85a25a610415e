//! The inbox and watching (`docs/http-api.md` → Notifications).

use super::params::TaskPath;
use super::schema::{InvalidInput, NotFound, TooLarge, Unauthenticated};
use super::{Body, body};
use crate::http::ApiError;
use axum::Json;
use axum::extract::{Path, RawQuery};
use axum::http::StatusCode;
use domain::NotificationId;
use domain::dto::{
    MyTask, MyTaskRole, Notification, NotificationList, NotificationPatch, NotificationSetting,
};
use edge::Caller;
use serde::Serialize;
use services::DomainError;
use services::notify::{self, InboxView};
use std::collections::BTreeMap;
use utoipa::{IntoParams, ToSchema};

/// The inbox's query string.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct InboxQuery {
    /// Only what is not read yet.
    unread: Option<bool>,
    /// The archive instead of the inbox (an extension to the contract).
    archived: Option<bool>,
    /// The last page's `nextCursor`.
    cursor: Option<String>,
    /// 1 to 100 (50 by default).
    #[param(minimum = 1, maximum = 100)]
    limit: Option<u64>,
}

/// `{notificationId}`
#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)]
pub struct NotificationPath {
    /// The notification's id.
    id: NotificationId,
}

/// Whether the caller watches a task.
#[derive(Serialize, ToSchema)]
pub struct WatchBody {
    pub watching: bool,
}

struct Inbox {
    view: InboxView,
    cursor: Option<String>,
    limit: Option<u64>,
}

fn parse_inbox(raw: Option<&str>) -> Result<Inbox, DomainError> {
    let mut inbox = Inbox {
        view: InboxView::Inbox,
        cursor: None,
        limit: None,
    };
    let mut bad = BTreeMap::new();
    let flag = |key: &str, value: &str, bad: &mut BTreeMap<String, String>| match value {
        "true" | "1" => true,
        "false" | "0" | "" => false,
        _ => {
            bad.insert(key.to_string(), "must be true or false".to_string());
            false
        }
    };
    for (key, value) in form_urlencoded::parse(raw.unwrap_or("").as_bytes()) {
        match key.as_ref() {
            "unread" if flag("unread", &value, &mut bad) => inbox.view = InboxView::Unread,
            "archived" if flag("archived", &value, &mut bad) => inbox.view = InboxView::Archived,
            "cursor" => inbox.cursor = Some(value.into_owned()),
            "limit" => match value.parse::<u64>() {
                Ok(n) if (1..=notify::PAGE_MAX).contains(&n) => inbox.limit = Some(n),
                _ => {
                    bad.insert("limit".into(), format!("must be 1 to {}", notify::PAGE_MAX));
                }
            },
            _ => {}
        }
    }
    if bad.is_empty() {
        Ok(inbox)
    } else {
        Err(DomainError::Invalid(bad))
    }
}

/// The signed-in user's notifications, newest first, with the unread count.
///
/// By default the inbox (everything not archived); `unread=true` only what is unread,
/// `archived=true` the archive.
#[utoipa::path(
    get,
    path = "/api/v1/me/notifications",
    operation_id = "listNotifications",
    tag = "notifications",
    params(InboxQuery),
    responses(
        (status = 200, description = "One page of notifications", body = NotificationList),
        (status = 400, response = InvalidInput),
        (status = 401, response = Unauthenticated),
    )
)]
pub async fn list(cx: Caller, RawQuery(raw): RawQuery) -> Result<Json<NotificationList>, ApiError> {
    let q = parse_inbox(raw.as_deref())?;
    let list = notify::list(&cx.svc, &cx.actor, q.view, q.cursor.as_deref(), q.limit).await?;
    Ok(Json(list))
}

/// Marks a notification read or unread, archived or not.
///
/// Archiving also marks it read; marking it unread takes it out of the archive.
#[utoipa::path(
    patch,
    path = "/api/v1/me/notifications/{id}",
    operation_id = "updateNotification",
    tag = "notifications",
    params(NotificationPath),
    request_body = NotificationPatch,
    responses(
        (status = 200, description = "The notification as it is now", body = Notification),
        (status = 400, response = InvalidInput),
        (status = 413, response = TooLarge),
        (status = 401, response = Unauthenticated),
        (status = 404, response = NotFound),
    )
)]
pub async fn update(
    cx: Caller,
    Path(id): Path<NotificationId>,
    input: Body<NotificationPatch>,
) -> Result<Json<Notification>, ApiError> {
    let n = notify::update(&cx.svc, &cx.actor, id, body(input)?).await?;
    Ok(Json(n))
}

/// Marks every notification read.
#[utoipa::path(
    post,
    path = "/api/v1/me/notifications/read-all",
    operation_id = "readAllNotifications",
    tag = "notifications",
    responses(
        (status = 204, description = "All read"),
        (status = 401, response = Unauthenticated),
    )
)]
pub async fn read_all(cx: Caller) -> Result<StatusCode, ApiError> {
    notify::read_all(&cx.svc, &cx.actor).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Whether the caller watches the task (an extension to the contract).
#[utoipa::path(
    get,
    path = "/api/v1/orgs/{slug}/tasks/{number}/watch",
    operation_id = "getWatch",
    tag = "notifications",
    params(TaskPath),
    responses(
        (status = 200, description = "Watching or not", body = WatchBody),
        (status = 401, response = Unauthenticated),
        (status = 404, response = NotFound),
    )
)]
pub async fn watching(
    cx: Caller,
    Path((slug, number)): Path<(String, i64)>,
) -> Result<Json<WatchBody>, ApiError> {
    let watching = notify::watching(&cx.svc, &cx.actor, &slug, number).await?;
    Ok(Json(WatchBody { watching }))
}

/// Watches the task: hear of its comments and status changes (a visitor following a public
/// task hears of its status only).
#[utoipa::path(
    put,
    path = "/api/v1/orgs/{slug}/tasks/{number}/watch",
    operation_id = "watchTask",
    tag = "notifications",
    params(TaskPath),
    responses(
        (status = 204, description = "Watching"),
        (status = 401, response = Unauthenticated),
        (status = 404, response = NotFound),
    )
)]
pub async fn watch(
    cx: Caller,
    Path((slug, number)): Path<(String, i64)>,
) -> Result<StatusCode, ApiError> {
    notify::watch(&cx.svc, &cx.actor, &slug, number, true).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Stops watching the task; taking part in it later does not watch it again.
#[utoipa::path(
    delete,
    path = "/api/v1/orgs/{slug}/tasks/{number}/watch",
    operation_id = "unwatchTask",
    tag = "notifications",
    params(TaskPath),
    responses(
        (status = 204, description = "Not watching"),
        (status = 401, response = Unauthenticated),
        (status = 404, response = NotFound),
    )
)]
pub async fn unwatch(
    cx: Caller,
    Path((slug, number)): Path<(String, i64)>,
) -> Result<StatusCode, ApiError> {
    notify::watch(&cx.svc, &cx.actor, &slug, number, false).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// How the signed-in user gets each type of notification by mail (an extension to the
/// contract): `off`, `now` (batched over a few minutes) or `daily`. `invited` has no
/// setting: an invitation is always mailed, by itself.
#[utoipa::path(
    get,
    path = "/api/v1/me/notification-settings",
    operation_id = "getNotificationSettings",
    tag = "notifications",
    responses(
        (status = 200, description = "One entry per type", body = Vec<NotificationSetting>),
        (status = 401, response = Unauthenticated),
    )
)]
pub async fn settings(cx: Caller) -> Result<Json<Vec<NotificationSetting>>, ApiError> {
    Ok(Json(notify::settings(&cx.svc, &cx.actor).await?))
}

/// Changes how the types named are mailed; the others stay as they are. Mail already
/// waiting for a type follows the new choice.
#[utoipa::path(
    put,
    path = "/api/v1/me/notification-settings",
    operation_id = "setNotificationSettings",
    tag = "notifications",
    request_body = Vec<NotificationSetting>,
    responses(
        (status = 200, description = "All types, as they are now", body = Vec<NotificationSetting>),
        (status = 400, response = InvalidInput),
        (status = 413, response = TooLarge),
        (status = 401, response = Unauthenticated),
    )
)]
pub async fn set_settings(
    cx: Caller,
    input: Body<Vec<NotificationSetting>>,
) -> Result<Json<Vec<NotificationSetting>>, ApiError> {
    Ok(Json(
        notify::set_settings(&cx.svc, &cx.actor, body(input)?).await?,
    ))
}

/// `POST /unsubscribe?token=`: the link of a notification mail, followed without signing in.
/// A mail client's one-click request (RFC 8058, body `List-Unsubscribe=One-Click`) gets 200;
/// the page's own form is sent back to the page, which then says what stopped. Not in the
/// OpenAPI document: it is the mail's, not the API's.
pub async fn unsubscribe_post(
    axum::extract::State(state): axum::extract::State<crate::state::AppState>,
    RawQuery(raw): RawQuery,
    body: String,
) -> axum::response::Response {
    use axum::response::{IntoResponse, Redirect};
    let token = form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
        .find(|(k, _)| k == "token")
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default();
    match notify::unsubscribe(&state.services, &token).await {
        Ok(_) if body.contains("List-Unsubscribe=One-Click") => {
            (StatusCode::OK, "unsubscribed\n").into_response()
        }
        Ok(_) => {
            let token: String = form_urlencoded::byte_serialize(token.as_bytes()).collect();
            Redirect::to(&format!("/unsubscribe?token={token}&done=1")).into_response()
        }
        Err(e) => ApiError::from(e).into_response(),
    }
}

/// `{items}` of My Tasks.
#[derive(Serialize, ToSchema)]
pub struct MyTasksBody {
    pub items: Vec<MyTask>,
}

/// My Tasks' query string.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct MyTasksQuery {
    /// Which of my tasks: `assigned` (the default), `created` or `mentioned`.
    #[param(inline)]
    role: Option<domain::dto::MyTaskRole>,
}

/// The caller's tasks across every org they are a member of: assigned to them, created by
/// them, or mentioning them; most recently changed first, at most 500.
#[utoipa::path(
    get,
    path = "/api/v1/me/tasks",
    operation_id = "myTasks",
    tag = "notifications",
    params(MyTasksQuery),
    responses(
        (status = 200, description = "The tasks, each with its org", body = MyTasksBody),
        (status = 400, response = InvalidInput),
        (status = 401, response = Unauthenticated),
    )
)]
pub async fn my_tasks(cx: Caller, RawQuery(raw): RawQuery) -> Result<Json<MyTasksBody>, ApiError> {
    let mut role = MyTaskRole::default();
    for (key, value) in form_urlencoded::parse(raw.unwrap_or_default().as_bytes()) {
        if key == "role" {
            role = value.parse().map_err(|m: String| {
                DomainError::Invalid(BTreeMap::from([("role".to_string(), m)]))
            })?;
        }
    }
    let items = services::task::mine(&cx.svc, &cx.actor, role).await?;
    Ok(Json(MyTasksBody { items }))
}
