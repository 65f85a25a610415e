//! The public portal: an org's page as its public sees it, and what the viewer may do there.

use super::{Category, Label, Org, Task, Template, UserRef};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// What the person looking at a public page is, and may do there.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Viewer {
    pub signed_in: bool,
    /// A member of the org (they see the public page as the public does).
    pub member: bool,
    /// The org has blocked them: they may read, not vote, comment or submit.
    pub blocked: bool,
    pub can_vote: bool,
    pub can_comment: bool,
    pub can_submit: bool,
}

/// One page of an org's public board.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PortalPage {
    /// The org as the public sees it, whoever is looking.
    pub org: Org,
    /// Public tasks only, as public DTOs.
    pub tasks: Vec<Task>,
    pub next_cursor: Option<String>,
    pub categories: Vec<Category>,
    /// Public labels only (offered to submitters when the org allows labels).
    pub labels: Vec<Label>,
    /// The templates for visitors, offered on the suggest form.
    #[serde(default)]
    pub templates: Vec<Template>,
    /// The numbers of the listed tasks the viewer has voted for.
    pub voted: Vec<i64>,
    pub viewer: Viewer,
    /// The public page is off: only members get here, and see what the public would.
    pub preview: bool,
}

/// A user the org has blocked from its public actions.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BlockedUser {
    pub user: UserRef,
    pub reason: String,
    pub blocked_by: Option<UserRef>,
    pub created_at: DateTime<Utc>,
}
