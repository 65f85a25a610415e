//! What a task's page shows of GitHub. Members see everything linked; anyone else sees a
//! public task's links to public repositories only, as titles and links (no commit
//! messages, no authors): a private repository's name is not theirs to learn.

use crate::{Actor, Result, Services, access};
use domain::dto::{GithubCommit, GithubIssueRef, GithubPullRequest, TaskGithub};
use entity::{github_issue, github_link, github_repository};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

/// The GitHub issue, pull requests and commits of task `number`, as `actor` may see them.
pub async fn for_task(
    svc: &Services,
    actor: &Actor,
    slug: &str,
    number: i64,
) -> Result<TaskGithub> {
    let access = access::load(svc, actor, slug).await?;
    let task = access::find_visible(&svc.db, &access, number).await?;
    let shown = |repo: &github_repository::Model| access.member || !repo.private;
    let issue = github_issue::Entity::find_by_id(task.id)
        .find_also_related(github_repository::Entity)
        .one(&svc.db)
        .await?
        .and_then(|(issue, repo)| {
            let repo = repo.filter(|r| shown(r))?;
            Some(GithubIssueRef {
                repository: repo.full_name,
                number: issue.number,
                url: issue.url,
                state: issue.state,
            })
        });
    let links = github_link::Entity::find()
        .filter(github_link::Column::TaskId.eq(task.id))
        .find_also_related(github_repository::Entity)
        .order_by_asc(github_link::Column::CreatedAt)
        .all(&svc.db)
        .await?;
    let mut view = TaskGithub {
        issue,
        ..Default::default()
    };
    for (link, repo) in links {
        let Some(repo) = repo.filter(|r| shown(r)) else {
            continue;
        };
        let author = link.author.clone().filter(|_| access.member);
        match link.kind.as_str() {
            "pull_request" => view.pull_requests.push(GithubPullRequest {
                repository: repo.full_name,
                number: link.reference.parse().unwrap_or_default(),
                title: link.title,
                url: link.url,
                state: link.state,
                closes: link.closes,
                checks: link.checks,
                author,
                updated_at: link.updated_at,
            }),
            _ => view.commits.push(GithubCommit {
                repository: repo.full_name,
                sha: link.reference,
                title: Some(link.title).filter(|_| access.member),
                url: link.url,
                closes: link.closes,
                author,
                created_at: link.created_at,
            }),
        }
    }
    Ok(view)
}
