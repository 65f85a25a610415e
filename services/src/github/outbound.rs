//! What Sayr tells GitHub: a task created for a repository that opens issues opens one, and
//! a person's change to a linked task's title, description or status is written to its
//! issue. Each is a [`SyncIssue`] job that reads the task when it runs (so a burst of
//! edits sends what is current, and a retry sends nothing stale) and retries on GitHub's
//! terms (its rate-limit headers say when).
//!
//! Changes the system makes (those that came from GitHub) are not sent back; GitHub's own
//! deliveries about what this App did are recognised and skipped (`inbound`), so the two
//! sides never echo each other.

use super::{app, repository_for_task};
use crate::jobs::{self, Enqueue, Job, JobError};
use crate::task::IssueLink;
use crate::timeline::{self, Entry};
use crate::{Actor, Result, Services};
use chrono::Utc;
use domain::dto::{TaskStatus, Visibility};
use entity::{github_installation, github_issue, github_repository, task};
use reqwest::Method;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

/// Links a task to its issue: in the creating transaction of a task made from an issue, or
/// once the job opened one. A task linked already keeps its link; an issue linked to another
/// task is refused (unique), which rolls back a second task made for the same issue.
pub(crate) async fn link_issue(
    db: &impl ConnectionTrait,
    task: &task::Model,
    link: &IssueLink,
) -> Result<()> {
    let now = Utc::now();
    github_issue::Entity::insert(github_issue::ActiveModel {
        task_id: Set(task.id),
        org_id: Set(task.org_id),
        repository_id: Set(link.repository),
        number: Set(link.number),
        url: Set(link.url.clone()),
        state: Set(link.state.clone()),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .on_conflict(
        OnConflict::column(github_issue::Column::TaskId)
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Queues opening an issue for a new task whose repository opens issues.
pub(crate) async fn task_created(db: &impl ConnectionTrait, task: &task::Model) -> Result<()> {
    let Some(repo) = repository_for_task(db, task).await? else {
        return Ok(());
    };
    if !repo.create_issues {
        return Ok(());
    }
    let job = SyncIssue {
        task: task.id,
        open: true,
    };
    jobs::enqueue_in(db, &job, Enqueue::default()).await
}

/// Queues writing a person's change to the task's issue, if it has one.
pub(crate) async fn task_changed(
    db: &impl ConnectionTrait,
    actor: &Actor,
    task: &task::Model,
) -> Result<()> {
    if !matches!(actor, Actor::User(_)) {
        return Ok(());
    }
    let linked = github_issue::Entity::find_by_id(task.id).one(db).await?;
    if linked.is_none() {
        return Ok(());
    }
    let job = SyncIssue {
        task: task.id,
        open: false,
    };
    jobs::enqueue_in(db, &job, Enqueue::default()).await
}

/// Makes a task's GitHub issue say what the task says now: opens it (`open`, when the task
/// has none yet) or writes title, body and state to it.
///
/// Run again it writes the same values (GitHub sends no delivery for an edit that changes
/// nothing). The one repeat that costs something: GitHub created the issue but its answer
/// was lost, so a retry opens a second one.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SyncIssue {
    pub task: Uuid,
    pub open: bool,
}

#[derive(Deserialize)]
struct IssueAnswer {
    number: i64,
    html_url: String,
    state: String,
}

impl Job for SyncIssue {
    const KIND: &'static str = "github_sync_issue";
    const MAX_ATTEMPTS: i32 = 10;
    const RETRY_BASE: std::time::Duration = std::time::Duration::from_secs(30);

    async fn run(self, svc: &Services) -> Result<(), JobError> {
        let github = app(svc).map_err(|e| JobError::Permanent(e.to_string()))?;
        let Some(task) = task::Entity::find_by_id(self.task).one(&svc.db).await? else {
            return Ok(());
        };
        let (state, reason) = match task.status {
            TaskStatus::Done => ("closed", Some("completed")),
            TaskStatus::Canceled => ("closed", Some("not_planned")),
            _ => ("open", None),
        };
        let body = for_github(&task.description);
        match github_issue::Entity::find_by_id(task.id)
            .one(&svc.db)
            .await?
        {
            Some(link) => {
                let Some((repo, installation)) = active_repository(svc, link.repository_id).await?
                else {
                    return Ok(());
                };
                let path = format!("/repos/{}/issues/{}", repo.full_name, link.number);
                let mut patch = json!({"title": task.title, "body": body, "state": state});
                if let Some(reason) = reason {
                    patch["state_reason"] = json!(reason);
                }
                let answer: IssueAnswer = github
                    .client
                    .as_installation(installation, Method::PATCH, &path, Some(&patch))
                    .await?;
                github_issue::Entity::update_many()
                    .col_expr(github_issue::Column::State, Expr::value(answer.state))
                    .col_expr(github_issue::Column::UpdatedAt, Expr::value(Utc::now()))
                    .filter(github_issue::Column::TaskId.eq(task.id))
                    .exec(&svc.db)
                    .await?;
            }
            None if self.open => {
                let Some(repo) = repository_for_task(&svc.db, &task).await? else {
                    return Ok(());
                };
                let Some((repo, installation)) = active_repository(svc, repo.id).await? else {
                    return Ok(());
                };
                if !repo.create_issues {
                    return Ok(());
                }
                let path = format!("/repos/{}/issues", repo.full_name);
                let new = json!({"title": task.title, "body": body});
                let answer: IssueAnswer = github
                    .client
                    .as_installation(installation, Method::POST, &path, Some(&new))
                    .await?;
                let txn = svc.begin().await?;
                let link = IssueLink {
                    repository: repo.id,
                    number: answer.number,
                    url: answer.html_url.clone(),
                    state: answer.state,
                };
                link_issue(&txn, &task, &link).await?;
                let what = json!({"action": "issue_created", "repository": repo.full_name,
                    "number": answer.number, "url": answer.html_url});
                let public = task.visibility == Visibility::Public && !repo.private;
                let entry = Entry::new("github", None, Some(what)).internal(!public);
                timeline::record(&txn, task.org_id, task.id, None, vec![entry]).await?;
                txn.commit().await?;
                if state == "closed" {
                    // Finished before the issue existed: close it as well.
                    let again = SyncIssue {
                        task: task.id,
                        open: false,
                    };
                    jobs::enqueue(svc, &again).await?;
                }
            }
            None => {}
        }
        Ok(())
    }
}

/// The linked repository and its installation's id, while the installation is active.
async fn active_repository(
    svc: &Services,
    id: Uuid,
) -> Result<Option<(github_repository::Model, i64)>> {
    let found = github_repository::Entity::find_by_id(id)
        .find_also_related(github_installation::Entity)
        .one(&svc.db)
        .await?;
    Ok(found.and_then(|(repo, installation)| {
        installation
            .filter(|i| i.suspended_at.is_none() && i.deleted_at.is_none())
            .map(|i| (repo.clone(), i.id))
    }))
}

/// A task's description in GitHub's terms: a mention token `@[Name](user:<id>)` becomes
/// the name in bold (an `@name` on GitHub would ping a stranger who happens to have it).
pub(crate) fn for_github(description: &str) -> String {
    let mut out = String::with_capacity(description.len());
    let mut rest = description;
    while let Some(start) = rest.find("@[") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let token = after.find("](user:").and_then(|close| {
            let name = &after[..close];
            let tail = &after[close + 7..];
            let end = tail.find(')')?;
            (!name.contains(']') && Uuid::parse_str(&tail[..end]).is_ok())
                .then(|| (name, close + 7 + end + 1))
        });
        match token {
            Some((name, used)) => {
                out.push_str("**");
                out.push_str(name);
                out.push_str("**");
                rest = &after[used..];
            }
            None => {
                out.push_str("@[");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::for_github;

    #[test]
    fn mentions_become_names_on_github() {
        let id = "0190a2b4-0000-7000-8000-000000000001";
        assert_eq!(
            for_github(&format!("ask @[Ada Lovelace](user:{id}) first")),
            "ask **Ada Lovelace** first"
        );
        assert_eq!(for_github("an @[odd](link) stays"), "an @[odd](link) stays");
        assert_eq!(for_github("@[x](user:nope) stays"), "@[x](user:nope) stays");
        assert_eq!(for_github("plain @ada"), "plain @ada");
    }
}
