//! The GitHub App: an org's connection and linked repositories in its settings, and what a
//! task's page shows. Each function is one service call; the services check the permissions.

use domain::dto::{GithubReachable, GithubRepository, GithubStatus, TaskGithub};
use leptos::prelude::*;

/// A category `<select>`'s value: empty is none.
#[cfg(feature = "ssr")]
fn category_choice(value: Option<String>) -> Result<Option<domain::CategoryId>, ServerFnError> {
    match value.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => v
            .parse()
            .map(Some)
            .map_err(|_| super::ssr::invalid("categoryId", "is not a category id")),
    }
}

/// A checkbox's value: present (`on`) is true.
#[cfg(feature = "ssr")]
fn checked(value: Option<String>) -> bool {
    matches!(value.as_deref(), Some("on" | "true"))
}

/// The org's connection: whether the instance has the App, its installations and its
/// linked repositories.
#[server(prefix = "/sfn", endpoint = "github")]
pub async fn load_github(slug: String) -> Result<GithubStatus, ServerFnError> {
    use super::ssr::*;
    let cx = caller()?;
    services::github::install::status(&cx.svc, &cx.actor, &slug)
        .await
        .map_err(fail)
}

/// The repositories one of the org's installations can reach, for the link form.
#[server(prefix = "/sfn", endpoint = "github_reachable")]
pub async fn load_reachable(
    slug: String,
    installation_id: i64,
) -> Result<Vec<GithubReachable>, ServerFnError> {
    use super::ssr::*;
    let cx = caller()?;
    services::github::install::reachable_repositories(&cx.svc, &cx.actor, &slug, installation_id)
        .await
        .map_err(fail)
}

/// Links `repository` (`owner/name`), for a category or as the default repository.
#[server(prefix = "/sfn", endpoint = "link_github_repository")]
pub async fn link_repository(
    slug: String,
    installation_id: i64,
    repository: String,
    #[server(default)] category_id: Option<String>,
    #[server(default)] create_issues: Option<String>,
) -> Result<GithubRepository, ServerFnError> {
    use super::ssr::*;
    let cx = caller()?;
    let input = domain::dto::NewGithubRepository {
        installation_id,
        repository,
        category_id: category_choice(category_id)?,
        create_issues: Some(checked(create_issues)),
    };
    services::github::install::link(&cx.svc, &cx.actor, &slug, input)
        .await
        .map_err(fail)
}

/// Sets a linked repository's category (empty: the default repository) and whether new
/// tasks open issues there (an absent checkbox: no).
#[server(prefix = "/sfn", endpoint = "update_github_repository")]
pub async fn update_repository(
    slug: String,
    id: String,
    #[server(default)] category_id: Option<String>,
    #[server(default)] create_issues: Option<String>,
) -> Result<GithubRepository, ServerFnError> {
    use super::ssr::*;
    let cx = caller()?;
    let id = id
        .parse()
        .map_err(|_| invalid("id", "is not a repository id"))?;
    let patch = domain::dto::GithubRepositoryPatch {
        category_id: Some(category_choice(category_id)?),
        create_issues: Some(checked(create_issues)),
    };
    services::github::install::update(&cx.svc, &cx.actor, &slug, id, patch)
        .await
        .map_err(fail)
}

#[server(prefix = "/sfn", endpoint = "unlink_github_repository")]
pub async fn unlink_repository(slug: String, id: String) -> Result<(), ServerFnError> {
    use super::ssr::*;
    let cx = caller()?;
    let id = id
        .parse()
        .map_err(|_| invalid("id", "is not a repository id"))?;
    services::github::install::unlink(&cx.svc, &cx.actor, &slug, id)
        .await
        .map_err(fail)
}

/// The GitHub issue, pull requests and commits of task `number`, as the caller may see them.
#[server(prefix = "/sfn", endpoint = "task_github")]
pub async fn load_task_github(slug: String, number: i64) -> Result<TaskGithub, ServerFnError> {
    use super::ssr::*;
    let cx = caller()?;
    services::github::view::for_task(&cx.svc, &cx.actor, &slug, number)
        .await
        .map_err(fail)
}
