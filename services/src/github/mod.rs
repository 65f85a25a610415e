//! The GitHub App: an org installs it, links repositories, and from then on GitHub and
//! Sayr keep each other true — issues become tasks and follow them both ways, pull requests
//! and commits that name a task appear on it and close it when they merge.
//!
//! - [`install`]: the install flow (a signed state through GitHub and back, the
//!   installation checked against the API) and the linked repositories.
//! - [`webhook`]: deliveries are verified (HMAC-SHA256, constant time) before anything else
//!   is read, recorded once by `X-GitHub-Delivery`, and handed to a job; [`inbound`] is
//!   what the job does with each event.
//! - [`outbound`]: what Sayr tells GitHub (opening, closing and editing issues), as jobs
//!   that retry and honour GitHub's rate limits.
//! - [`view`]: what a task's page shows of GitHub, as the reader may see it.
//!
//! Nothing from GitHub reaches a public page unless its task is public, and then nothing
//! from a private repository but that a pull request or commit exists.

pub mod client;
pub mod inbound;
pub mod install;
pub mod outbound;
pub mod view;
pub mod webhook;

use crate::{DomainError, Result, Services};
use entity::{github_installation, github_repository, task};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

pub use client::CallError;
pub use outbound::SyncIssue;
pub use webhook::Delivery;

/// How the instance reaches its GitHub App. The key and the secret never appear in a log,
/// an error or `Debug` output.
#[derive(Clone)]
pub struct GithubConfig {
    pub app_id: String,
    /// The App's URL name: `https://github.com/apps/<slug>`.
    pub slug: String,
    /// PEM, as GitHub hands it out.
    pub private_key: String,
    pub webhook_secret: String,
    /// `https://api.github.com`, or GitHub Enterprise's `https://host/api/v3`.
    pub api_url: String,
    /// `https://github.com`, or GitHub Enterprise's address.
    pub web_url: String,
}

impl std::fmt::Debug for GithubConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GithubConfig")
            .field("app_id", &self.app_id)
            .field("slug", &self.slug)
            .field("private_key", &"<redacted>")
            .field("webhook_secret", &"<redacted>")
            .field("api_url", &self.api_url)
            .field("web_url", &self.web_url)
            .finish()
    }
}

/// The configured App: its settings and its API client.
#[derive(Debug)]
pub struct Github {
    pub config: GithubConfig,
    pub client: client::Client,
}

impl Github {
    /// Checks the key before anything runs: a bad key is a start-up error, not a failed
    /// job a day later.
    pub fn new(config: GithubConfig, http: reqwest::Client) -> std::result::Result<Self, String> {
        let client = client::Client::new(&config, http)?;
        Ok(Self { config, client })
    }

    /// The App's page on GitHub.
    pub fn app_url(&self) -> String {
        format!(
            "{}/apps/{}",
            self.config.web_url.trim_end_matches('/'),
            self.config.slug
        )
    }

    /// Whether a GitHub actor or `performed_via_github_app` is this App: what it did was
    /// Sayr's own doing, already known here.
    fn is_self(&self, app_id: Option<i64>, login: Option<&str>) -> bool {
        app_id.is_some_and(|id| id.to_string() == self.config.app_id)
            || login.is_some_and(|l| l == format!("{}[bot]", self.config.slug))
    }
}

/// The configured App, or why there is none.
pub(crate) fn app(svc: &Services) -> Result<&Github> {
    svc.github.as_deref().ok_or_else(|| {
        DomainError::Unavailable(
            "GitHub is not set up on this instance: its administrator sets SAYR_GITHUB_APP_ID, \
             SAYR_GITHUB_APP_SLUG, SAYR_GITHUB_APP_PRIVATE_KEY and SAYR_GITHUB_WEBHOOK_SECRET"
                .into(),
        )
    })
}

/// The linked repository GitHub calls `repo_id`, while its installation is active.
pub(crate) async fn linked_repository(
    db: &impl ConnectionTrait,
    repo_id: i64,
) -> Result<Option<github_repository::Model>> {
    let found = github_repository::Entity::find()
        .filter(github_repository::Column::RepoId.eq(repo_id))
        .find_also_related(github_installation::Entity)
        .one(db)
        .await?;
    Ok(found.and_then(|(repo, installation)| {
        installation
            .filter(|i| i.suspended_at.is_none() && i.deleted_at.is_none())
            .map(|_| repo)
    }))
}

/// The repository a task belongs to: the one linked to its category, else the org's
/// default one (linked without a category; the oldest if several).
pub(crate) async fn repository_for_task(
    db: &impl ConnectionTrait,
    task: &task::Model,
) -> Result<Option<github_repository::Model>> {
    let mut repos = github_repository::Entity::find()
        .filter(github_repository::Column::OrgId.eq(task.org_id))
        .order_by_asc(github_repository::Column::CreatedAt)
        .all(db)
        .await?;
    let by_category = repos
        .iter()
        .position(|r| r.category_id.is_some() && r.category_id == task.category_id);
    let default = repos.iter().position(|r| r.category_id.is_none());
    Ok(by_category.or(default).map(|i| repos.swap_remove(i)))
}
