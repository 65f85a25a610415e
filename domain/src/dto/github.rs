//! The GitHub App as an org's settings and a task's page show it.

use crate::CategoryId;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// An org's GitHub connection: whether the instance has the App at all, the installations
/// the org claimed and the repositories it linked.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct GithubStatus {
    /// The instance has a GitHub App configured; without one nothing else here works.
    pub configured: bool,
    /// The App's page on GitHub (`https://github.com/apps/<slug>`), when configured.
    pub app_url: Option<String>,
    pub installations: Vec<GithubInstallation>,
    pub repositories: Vec<GithubRepository>,
}

/// An installation of the App on a GitHub account, claimed by this org.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct GithubInstallation {
    /// GitHub's id.
    pub id: i64,
    /// The GitHub user or organization it is installed on.
    pub account: String,
    pub suspended: bool,
    /// Uninstalled on GitHub: its repositories were unlinked.
    pub deleted: bool,
    pub created_at: DateTime<Utc>,
}

/// A repository linked to this org.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct GithubRepository {
    pub id: Uuid,
    pub installation_id: i64,
    /// `owner/name`.
    pub full_name: String,
    pub private: bool,
    pub default_branch: String,
    /// Tasks of this category belong to this repository; none: the org's default one.
    pub category_id: Option<CategoryId>,
    /// Tasks created in Sayr for this repository open a GitHub issue.
    pub create_issues: bool,
    pub created_at: DateTime<Utc>,
}

/// A repository an installation can reach, offered for linking.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct GithubReachable {
    pub full_name: String,
    pub private: bool,
    /// Already linked (to this org or, named nowhere, to another).
    pub linked: bool,
}

/// Links a repository.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct NewGithubRepository {
    pub installation_id: i64,
    /// `owner/name`, one the installation can reach.
    pub repository: String,
    #[serde(default)]
    pub category_id: Option<CategoryId>,
    #[serde(default)]
    pub create_issues: Option<bool>,
}

/// Changes a linked repository; absent fields stay.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct GithubRepositoryPatch {
    /// `null` makes it the default repository (no category).
    #[serde(default, with = "super::patch")]
    pub category_id: Option<Option<CategoryId>>,
    #[serde(default)]
    pub create_issues: Option<bool>,
}

/// What GitHub holds about a task, as the reader may see it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct TaskGithub {
    pub issue: Option<GithubIssueRef>,
    pub pull_requests: Vec<GithubPullRequest>,
    pub commits: Vec<GithubCommit>,
}

/// The issue a task is synced with.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct GithubIssueRef {
    pub repository: String,
    pub number: i64,
    pub url: String,
    /// "open" or "closed".
    pub state: String,
}

/// A pull request that names the task.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct GithubPullRequest {
    pub repository: String,
    pub number: i64,
    pub title: String,
    pub url: String,
    /// "open", "draft", "closed" or "merged".
    pub state: String,
    /// It closes the task when merged.
    pub closes: bool,
    /// The checks on its head commit: "pending", "success", "failure", …; none when none ran.
    pub checks: Option<String>,
    /// Its author's GitHub login (members only).
    pub author: Option<String>,
    pub updated_at: DateTime<Utc>,
}

/// A commit that names the task.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct GithubCommit {
    pub repository: String,
    pub sha: String,
    /// The message's first line (members only).
    pub title: Option<String>,
    pub url: String,
    pub closes: bool,
    pub author: Option<String>,
    pub created_at: DateTime<Utc>,
}
