//! The inbox, watching, notification mail settings and the unsubscribe page.

use domain::NotificationId;
use domain::dto::{NotificationKind, NotificationList, NotificationSetting};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A page of the inbox: `view` is `inbox`, `unread` or `archived`.
#[server(prefix = "/sfn", endpoint = "inbox")]
pub async fn load_inbox(
    view: String,
    cursor: Option<String>,
) -> Result<NotificationList, ServerFnError> {
    use super::ssr::*;
    use services::notify::{self, InboxView};
    let cx = caller()?;
    let view = match view.as_str() {
        "unread" => InboxView::Unread,
        "archived" => InboxView::Archived,
        _ => InboxView::Inbox,
    };
    notify::list(&cx.svc, &cx.actor, view, cursor.as_deref(), Some(50))
        .await
        .map_err(fail)
}

/// The signed-in user's unread count; none when signed out.
#[server(prefix = "/sfn", endpoint = "unread_count")]
pub async fn load_unread_count() -> Result<Option<i64>, ServerFnError> {
    use super::ssr::*;
    let cx = caller()?;
    if cx.actor.user_id().is_none() {
        return Ok(None);
    }
    let list = services::notify::list(
        &cx.svc,
        &cx.actor,
        services::notify::InboxView::Unread,
        None,
        Some(1),
    )
    .await
    .map_err(fail)?;
    Ok(Some(list.unread_count))
}

/// Marks one notification read or unread, archived or not (`read`, `archived`: `true`,
/// `false`, or empty for unchanged).
#[server(prefix = "/sfn", endpoint = "mark_notification")]
pub async fn mark_notification(
    id: NotificationId,
    read: Option<String>,
    archived: Option<String>,
) -> Result<(), ServerFnError> {
    use super::ssr::*;
    let cx = caller()?;
    let flag = |v: Option<String>| match v.as_deref() {
        Some("true") => Some(true),
        Some("false") => Some(false),
        _ => None,
    };
    let patch = domain::dto::NotificationPatch {
        read: flag(read),
        archived: flag(archived),
    };
    services::notify::update(&cx.svc, &cx.actor, id, patch)
        .await
        .map_err(fail)?;
    Ok(())
}

/// Marks everything read.
#[server(prefix = "/sfn", endpoint = "read_all_notifications")]
pub async fn read_all_notifications() -> Result<(), ServerFnError> {
    use super::ssr::*;
    let cx = caller()?;
    services::notify::read_all(&cx.svc, &cx.actor)
        .await
        .map_err(fail)
}

/// Marks the notifications about a task read: its page was opened.
#[server(prefix = "/sfn", endpoint = "read_task_notifications")]
pub async fn read_task_notifications(slug: String, number: i64) -> Result<(), ServerFnError> {
    use super::ssr::*;
    let cx = caller()?;
    if cx.actor.user_id().is_none() {
        return Ok(());
    }
    services::notify::read_task(&cx.svc, &cx.actor, &slug, number)
        .await
        .map_err(fail)
}

/// Whether the caller watches a task; none when signed out.
#[server(prefix = "/sfn", endpoint = "watch_state")]
pub async fn load_watch(slug: String, number: i64) -> Result<Option<bool>, ServerFnError> {
    use super::ssr::*;
    let cx = caller()?;
    if cx.actor.user_id().is_none() {
        return Ok(None);
    }
    services::notify::watching(&cx.svc, &cx.actor, &slug, number)
        .await
        .map(Some)
        .map_err(fail)
}

/// Watches (`watch = "true"`) or unwatches a task.
#[server(prefix = "/sfn", endpoint = "set_watch")]
pub async fn set_watch(slug: String, number: i64, watch: String) -> Result<bool, ServerFnError> {
    use super::ssr::*;
    let cx = caller()?;
    let on = watch == "true";
    services::notify::watch(&cx.svc, &cx.actor, &slug, number, on)
        .await
        .map_err(fail)?;
    Ok(on)
}

/// How each type is mailed to the signed-in user.
#[server(prefix = "/sfn", endpoint = "notification_settings")]
pub async fn load_notification_settings() -> Result<Vec<NotificationSetting>, ServerFnError> {
    use super::ssr::*;
    let cx = caller()?;
    services::notify::settings(&cx.svc, &cx.actor)
        .await
        .map_err(fail)
}

/// Saves the settings form: one field per type, named by the type, valued by the mode.
#[server(prefix = "/sfn", endpoint = "save_notification_settings")]
pub async fn save_notification_settings(
    choices: std::collections::BTreeMap<String, String>,
) -> Result<(), ServerFnError> {
    use super::ssr::*;
    use domain::dto::MailMode;
    let cx = caller()?;
    let mut parsed = Vec::new();
    for (kind, mode) in choices {
        let kind: NotificationKind = kind.parse().map_err(|m: String| invalid("type", &m))?;
        let mail: MailMode = mode
            .parse()
            .map_err(|m: String| invalid(kind.as_str(), &m))?;
        parsed.push(NotificationSetting { kind, mail });
    }
    services::notify::set_settings(&cx.svc, &cx.actor, parsed)
        .await
        .map_err(fail)?;
    leptos_axum::redirect("/settings/notifications?saved=1");
    Ok(())
}

/// What an unsubscribe link stops, for its page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UnsubscribeInfo {
    pub email: String,
    /// What stops, in words.
    pub what: String,
}

#[server(prefix = "/sfn", endpoint = "unsubscribe_info")]
pub async fn load_unsubscribe(token: String) -> Result<UnsubscribeInfo, ServerFnError> {
    use super::ssr::*;
    let cx = caller()?;
    let info = services::notify::peek_unsubscribe(&cx.svc, &token)
        .await
        .map_err(fail)?;
    let what = match info.task {
        Some(task) => format!("following {task}"),
        None => {
            let kinds: Vec<&str> = info.kinds.iter().map(|k| kind_label(*k)).collect();
            format!("mail about {}", kinds.join(", "))
        }
    };
    Ok(UnsubscribeInfo {
        email: info.email,
        what,
    })
}

/// A type as the settings page names it.
pub fn kind_label(kind: NotificationKind) -> &'static str {
    match kind {
        NotificationKind::Assigned => "being assigned",
        NotificationKind::Mentioned => "mentions of you",
        NotificationKind::Commented => "comments on tasks you watch",
        NotificationKind::StatusChanged => "status changes of tasks you watch",
        NotificationKind::Invited => "invitations",
        NotificationKind::SubmissionUpdated => "tasks you follow as a visitor",
    }
}

/// My Tasks: `role` is `assigned`, `created` or `mentioned`.
#[server(prefix = "/sfn", endpoint = "my_tasks")]
pub async fn load_my_tasks(role: String) -> Result<Vec<domain::dto::MyTask>, ServerFnError> {
    use super::ssr::*;
    let cx = caller()?;
    let role = role.parse().map_err(|m: String| invalid("role", &m))?;
    services::task::mine(&cx.svc, &cx.actor, role)
        .await
        .map_err(fail)
}
