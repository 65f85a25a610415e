//! The inbox: what a person is told, and how they want it mailed.

use super::task::string_enum;
use super::{TaskStatus, UserRef};
use crate::{CommentId, NotificationId, OrgId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

string_enum!(/// Why someone is told.
    NotificationKind {
        Assigned = "assigned",
        Mentioned = "mentioned",
        Commented = "commented",
        StatusChanged = "status_changed",
        Invited = "invited",
        SubmissionUpdated = "submission_updated",
    } default Commented);

impl NotificationKind {
    /// A sentence's verb phrase for the inbox and mails ("Ann assigned you").
    pub fn describe(self) -> &'static str {
        match self {
            NotificationKind::Assigned => "assigned you",
            NotificationKind::Mentioned => "mentioned you",
            NotificationKind::Commented => "commented",
            NotificationKind::StatusChanged => "changed the status",
            NotificationKind::Invited => "invited you",
            NotificationKind::SubmissionUpdated => "updated a task you follow",
        }
    }

    /// How it is mailed when its user chose nothing: what names you at once, the rest in
    /// the daily digest. An invitation has a mail of its own (with its link) already.
    pub fn default_mail(self) -> MailMode {
        match self {
            NotificationKind::Commented | NotificationKind::StatusChanged => MailMode::Daily,
            NotificationKind::Invited => MailMode::Off,
            _ => MailMode::Now,
        }
    }

    /// The types a user chooses the mail of (an invitation is always mailed, by itself).
    pub const MAILED: &'static [NotificationKind] = &[
        NotificationKind::Assigned,
        NotificationKind::Mentioned,
        NotificationKind::Commented,
        NotificationKind::StatusChanged,
        NotificationKind::SubmissionUpdated,
    ];
}

string_enum!(/// How a type of notification is mailed: not at all, soon (several within a few
    /// minutes are one mail), or once a day.
    MailMode { Off = "off", Now = "now", Daily = "daily" } default Now);

/// An org as a notification or My Tasks names it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct OrgRef {
    pub id: OrgId,
    pub slug: String,
    pub name: String,
}

/// The task a notification is about, as it is now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct NotificationTask {
    pub number: i64,
    /// `ABC-42`.
    pub key: String,
    pub title: String,
    pub status: TaskStatus,
}

/// A status change a notification tells of.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct StatusChange {
    pub from: TaskStatus,
    pub to: TaskStatus,
}

/// One entry of the inbox.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Notification {
    pub id: NotificationId,
    #[serde(rename = "type")]
    pub kind: NotificationKind,
    pub org: OrgRef,
    /// None for an invitation.
    pub task: Option<NotificationTask>,
    /// The comment it is about, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment_id: Option<CommentId>,
    /// For `status_changed` and `submission_updated`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<StatusChange>,
    /// Who caused it; none when that account is gone.
    pub actor: Option<UserRef>,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
    pub archived_at: Option<DateTime<Utc>>,
}

/// A page of the inbox.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct NotificationList {
    pub items: Vec<Notification>,
    /// Pass as `cursor` for the next page; none on the last.
    pub next_cursor: Option<String>,
    /// Unread notifications, counted up to 1,000 (then it means 1,000 or more).
    pub unread_count: i64,
}

/// What PATCH /me/notifications/{id} changes.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct NotificationPatch {
    pub read: Option<bool>,
    pub archived: Option<bool>,
}

/// One task of My Tasks, with the org it belongs to.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct MyTask {
    pub org: OrgRef,
    pub task: super::Task,
}

string_enum!(/// Which of the user's tasks My Tasks lists.
    MyTaskRole { Assigned = "assigned", Created = "created", Mentioned = "mentioned" } default Assigned);

/// How one type is mailed to the user.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct NotificationSetting {
    #[serde(rename = "type")]
    pub kind: NotificationKind,
    pub mail: MailMode,
}
