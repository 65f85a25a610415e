//! What a delivery does, event by event. Deliveries for repositories no org linked (or
//! whose installation is suspended or gone) do nothing. Changes to tasks go through the
//! task services as the system, so their rules, timelines, notifications and realtime
//! events are the ones every other change has; what GitHub did is added to the timeline
//! as a `github` entry naming who did it there.

use super::{app, linked_repository};
use crate::jobs::JobError;
use crate::timeline::{self, Entry};
use crate::{Actor, Result, Services};
use chrono::Utc;
use domain::dto::{CommentVisibility, NewTask, TaskPatch, TaskStatus, Visibility};
use domain::parse::gh_refs::{self, RefKind};
use entity::{
    account, github_installation, github_issue, github_link, github_repository, label, member,
    organization, task, task_comment,
};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Set};
use serde::Deserialize;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use uuid::Uuid;

#[derive(Deserialize)]
struct Repository {
    id: i64,
    full_name: String,
    #[serde(default)]
    private: bool,
    default_branch: Option<String>,
}

#[derive(Deserialize)]
struct GhUser {
    id: i64,
    login: String,
}

#[derive(Deserialize)]
struct App {
    id: i64,
}

#[derive(Deserialize)]
struct Named {
    name: String,
}

#[derive(Deserialize)]
struct Issue {
    number: i64,
    title: String,
    body: Option<String>,
    state: String,
    state_reason: Option<String>,
    html_url: String,
    /// Present when the "issue" is a pull request (`issue_comment` on a pull request).
    pull_request: Option<Value>,
    performed_via_github_app: Option<App>,
}

#[derive(Deserialize)]
struct IssuesEvent {
    action: String,
    issue: Issue,
    repository: Repository,
    sender: GhUser,
    label: Option<Named>,
    assignee: Option<GhUser>,
}

#[derive(Deserialize)]
struct Comment {
    id: i64,
    body: Option<String>,
    html_url: String,
    user: GhUser,
    performed_via_github_app: Option<App>,
}

#[derive(Deserialize)]
struct CommentEvent {
    action: String,
    issue: Issue,
    comment: Comment,
    repository: Repository,
}

#[derive(Deserialize)]
struct Branch {
    #[serde(rename = "ref")]
    name: String,
    sha: String,
}

#[derive(Deserialize)]
struct PullRequest {
    number: i64,
    title: String,
    body: Option<String>,
    state: String,
    #[serde(default)]
    merged: bool,
    #[serde(default)]
    draft: bool,
    html_url: String,
    user: GhUser,
    head: Branch,
}

#[derive(Deserialize)]
struct PullRequestEvent {
    action: String,
    pull_request: PullRequest,
    repository: Repository,
    sender: GhUser,
}

#[derive(Deserialize)]
struct CommitAuthor {
    name: Option<String>,
    username: Option<String>,
}

#[derive(Deserialize)]
struct Commit {
    id: String,
    message: String,
    url: String,
    author: Option<CommitAuthor>,
}

#[derive(Deserialize)]
struct PushEvent {
    #[serde(rename = "ref")]
    git_ref: String,
    #[serde(default)]
    deleted: bool,
    #[serde(default)]
    commits: Vec<Commit>,
    repository: Repository,
}

#[derive(Deserialize)]
struct Numbered {
    number: i64,
}

#[derive(Deserialize)]
struct CheckSuite {
    head_sha: String,
    status: Option<String>,
    conclusion: Option<String>,
    #[serde(default)]
    pull_requests: Vec<Numbered>,
}

#[derive(Deserialize)]
struct CheckSuiteEvent {
    check_suite: CheckSuite,
    repository: Repository,
}

#[derive(Deserialize)]
struct Account {
    login: String,
}

#[derive(Deserialize)]
struct Installation {
    id: i64,
    account: Option<Account>,
}

#[derive(Deserialize)]
struct InstallationEvent {
    action: String,
    installation: Installation,
}

#[derive(Deserialize)]
struct RepoId {
    id: i64,
}

#[derive(Deserialize)]
struct InstallationRepositoriesEvent {
    installation: Installation,
    #[serde(default)]
    repositories_removed: Vec<RepoId>,
}

/// Does what `event` asks. A payload that does not parse as its event is dead at once.
pub(super) async fn handle(svc: &Services, event: &str, payload: Value) -> Result<(), JobError> {
    fn parse<T: serde::de::DeserializeOwned>(event: &str, payload: Value) -> Result<T, JobError> {
        serde_json::from_value(payload)
            .map_err(|e| JobError::Permanent(format!("the {event} payload does not parse: {e}")))
    }
    match event {
        "installation" => installation(svc, parse(event, payload)?).await?,
        "installation_repositories" => repositories_removed(svc, parse(event, payload)?).await?,
        "issues" => issues(svc, parse(event, payload)?).await?,
        "issue_comment" => issue_comment(svc, parse(event, payload)?).await?,
        "pull_request" => pull_request(svc, parse(event, payload)?).await?,
        "push" => push(svc, parse(event, payload)?).await?,
        "check_suite" => check_suite(svc, parse(event, payload)?).await?,
        // `ping` and everything the App does not act on.
        _ => {}
    }
    Ok(())
}

/// The linked repository and its org, with its name and branch kept as GitHub now says.
async fn linked(
    svc: &Services,
    repository: &Repository,
) -> Result<Option<(github_repository::Model, organization::Model)>> {
    let Some(mut repo) = linked_repository(&svc.db, repository.id).await? else {
        return Ok(None);
    };
    let branch = repository
        .default_branch
        .clone()
        .unwrap_or_else(|| repo.default_branch.clone());
    if repo.full_name != repository.full_name
        || repo.private != repository.private
        || repo.default_branch != branch
    {
        github_repository::Entity::update_many()
            .col_expr(
                github_repository::Column::FullName,
                Expr::value(&repository.full_name),
            )
            .col_expr(
                github_repository::Column::Private,
                Expr::value(repository.private),
            )
            .col_expr(
                github_repository::Column::DefaultBranch,
                Expr::value(&branch),
            )
            .filter(github_repository::Column::Id.eq(repo.id))
            .exec(&svc.db)
            .await?;
        repo.full_name = repository.full_name.clone();
        repo.private = repository.private;
        repo.default_branch = branch;
    }
    let org = organization::Entity::find_by_id(repo.org_id)
        .one(&svc.db)
        .await?
        .ok_or(crate::DomainError::NotFound)?;
    Ok(Some((repo, org)))
}

/// The member of `org` who linked GitHub account `github_id` to their Sayr account.
async fn member_for(svc: &Services, org: Uuid, github_id: i64) -> Result<Option<Uuid>> {
    let Some(account) = account::Entity::find()
        .filter(account::Column::Provider.eq("github"))
        .filter(account::Column::ProviderAccountId.eq(github_id.to_string()))
        .one(&svc.db)
        .await?
    else {
        return Ok(None);
    };
    let member = member::Entity::find()
        .filter(member::Column::OrgId.eq(org))
        .filter(member::Column::UserId.eq(account.user_id))
        .one(&svc.db)
        .await?;
    Ok(member.map(|m| m.user_id))
}

/// Whether visitors may read what GitHub says about `task`: the task is public and the
/// repository is not private.
fn shown_publicly(task: &task::Model, repo: &github_repository::Model) -> bool {
    task.visibility == Visibility::Public && !repo.private
}

/// A `github` timeline entry: what happened there, who did it, and where.
async fn note(
    svc: &Services,
    task: &task::Model,
    repo: &github_repository::Model,
    what: Value,
) -> Result<()> {
    let entry = Entry::new("github", None, Some(what)).internal(!shown_publicly(task, repo));
    timeline::record(&svc.db, task.org_id, task.id, None, vec![entry]).await
}

async fn task_by_id(svc: &Services, id: Uuid) -> Result<Option<task::Model>> {
    Ok(task::Entity::find_by_id(id).one(&svc.db).await?)
}

/// Changes a task as the system, against its current version.
async fn patch_task(
    svc: &Services,
    org: &organization::Model,
    task: &task::Model,
    patch: TaskPatch,
) -> Result<()> {
    let patch = TaskPatch {
        version: task.version,
        ..patch
    };
    crate::task::update(svc, &Actor::System, &org.slug, task.number, patch, None).await?;
    Ok(())
}

/// Sets a task's status unless it is already there; true when it changed.
async fn set_status(
    svc: &Services,
    org: &organization::Model,
    task: &task::Model,
    to: TaskStatus,
) -> Result<bool> {
    if task.status == to {
        return Ok(false);
    }
    let patch = TaskPatch {
        status: Some(to),
        ..Default::default()
    };
    patch_task(svc, org, task, patch).await?;
    Ok(true)
}

fn is_finished(status: TaskStatus) -> bool {
    matches!(status, TaskStatus::Done | TaskStatus::Canceled)
}

/// A title GitHub allows and Sayr does not (over 200 characters, control characters) is
/// cut to what Sayr takes rather than refused: the issue exists either way.
fn fit_title(title: &str) -> String {
    let one_line: String = title
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let trimmed = one_line.trim();
    let cut: String = trimmed
        .chars()
        .take(domain::parse::TaskTitle::MAX_CHARS)
        .collect();
    if cut.trim().is_empty() {
        "(untitled GitHub issue)".into()
    } else {
        cut.trim().to_string()
    }
}

/// A body cut to what Sayr stores (64 KiB), at a character boundary.
fn fit_body(body: Option<&str>) -> String {
    let body = body.unwrap_or_default();
    let max = domain::parse::Markdown::MAX_BYTES;
    if body.len() <= max {
        return body.to_string();
    }
    let mut end = max;
    while !body.is_char_boundary(end) {
        end -= 1;
    }
    body[..end].to_string()
}

async fn installation(svc: &Services, event: InstallationEvent) -> Result<()> {
    let id = event.installation.id;
    let Some(row) = github_installation::Entity::find_by_id(id)
        .one(&svc.db)
        .await?
    else {
        return Ok(());
    };
    match event.action.as_str() {
        "deleted" => {
            let txn = svc.begin().await?;
            let unlinked = github_repository::Entity::delete_many()
                .filter(github_repository::Column::InstallationId.eq(id))
                .exec(&txn)
                .await?
                .rows_affected;
            github_installation::Entity::update_many()
                .col_expr(
                    github_installation::Column::DeletedAt,
                    Expr::value(Some(Utc::now())),
                )
                .filter(github_installation::Column::Id.eq(id))
                .filter(github_installation::Column::DeletedAt.is_null())
                .exec(&txn)
                .await?;
            if row.deleted_at.is_none() {
                let account = event
                    .installation
                    .account
                    .map(|a| a.login)
                    .unwrap_or(row.account_login.clone());
                super::install::tell_admins_uninstalled(&txn, svc, row.org_id, &account, unlinked)
                    .await?;
            }
            txn.commit().await?;
            svc.job_wake.notify_one();
        }
        "suspend" | "unsuspend" => {
            let at = (event.action == "suspend").then(Utc::now);
            github_installation::Entity::update_many()
                .col_expr(github_installation::Column::SuspendedAt, Expr::value(at))
                .filter(github_installation::Column::Id.eq(id))
                .exec(&svc.db)
                .await?;
        }
        _ => {}
    }
    Ok(())
}

async fn repositories_removed(svc: &Services, event: InstallationRepositoriesEvent) -> Result<()> {
    let removed: Vec<i64> = event.repositories_removed.iter().map(|r| r.id).collect();
    if removed.is_empty() {
        return Ok(());
    }
    github_repository::Entity::delete_many()
        .filter(github_repository::Column::InstallationId.eq(event.installation.id))
        .filter(github_repository::Column::RepoId.is_in(removed))
        .exec(&svc.db)
        .await?;
    Ok(())
}

async fn issues(svc: &Services, event: IssuesEvent) -> Result<()> {
    let Some((repo, org)) = linked(svc, &event.repository).await? else {
        return Ok(());
    };
    if event.issue.pull_request.is_some() {
        return Ok(());
    }
    let github = app(svc)?;
    let link = github_issue::Entity::find()
        .filter(github_issue::Column::RepositoryId.eq(repo.id))
        .filter(github_issue::Column::Number.eq(event.issue.number))
        .one(&svc.db)
        .await?;
    let by = json!(event.sender.login);
    let ours = github.is_self(
        event.issue.performed_via_github_app.as_ref().map(|a| a.id),
        Some(&event.sender.login),
    );
    let Some(link) = link else {
        // Only a new issue makes a task; an issue Sayr opened is linked by the job that
        // opened it, and one opened before the repository was linked stays out.
        if event.action == "opened" && !ours {
            open_task(svc, &repo, &org, &event).await?;
        }
        return Ok(());
    };
    if ours {
        // The echo of what Sayr wrote: the task already says it (and may say something
        // newer by now, which this must not undo).
        return Ok(());
    }
    let Some(task) = task_by_id(svc, link.task_id).await? else {
        return Ok(());
    };
    let issue = &event.issue;
    let what = |action: &str| {
        json!({"action": action, "repository": repo.full_name, "number": issue.number,
               "url": issue.html_url, "by": by})
    };
    match event.action.as_str() {
        "edited" => {
            let title = fit_title(&issue.title);
            let body = fit_body(issue.body.as_deref());
            let patch = TaskPatch {
                title: (title != task.title).then_some(title),
                description: (body.trim_end() != task.description).then_some(body),
                ..Default::default()
            };
            if patch.title.is_some() || patch.description.is_some() {
                patch_task(svc, &org, &task, patch).await?;
                note(svc, &task, &repo, what("issue_edited")).await?;
            }
        }
        "closed" => {
            set_issue_state(svc, &link, "closed").await?;
            let to = if issue.state_reason.as_deref() == Some("not_planned") {
                TaskStatus::Canceled
            } else {
                TaskStatus::Done
            };
            if !is_finished(task.status) && set_status(svc, &org, &task, to).await? {
                note(svc, &task, &repo, what("issue_closed")).await?;
            }
        }
        "reopened" => {
            set_issue_state(svc, &link, "open").await?;
            if is_finished(task.status) && set_status(svc, &org, &task, TaskStatus::Todo).await? {
                note(svc, &task, &repo, what("issue_reopened")).await?;
            }
        }
        "labeled" | "unlabeled" => {
            let Some(name) = event.label.as_ref().map(|l| l.name.to_lowercase()) else {
                return Ok(());
            };
            let Some(label) = label::Entity::find()
                .filter(label::Column::OrgId.eq(org.id))
                .all(&svc.db)
                .await?
                .into_iter()
                .find(|l| l.name.to_lowercase() == name)
            else {
                return Ok(());
            };
            let mut ids: Vec<Uuid> = entity::task_label::Entity::find()
                .filter(entity::task_label::Column::TaskId.eq(task.id))
                .all(&svc.db)
                .await?
                .into_iter()
                .map(|l| l.label_id)
                .collect();
            let had = ids.contains(&label.id);
            match (event.action.as_str(), had) {
                ("labeled", false) => ids.push(label.id),
                ("unlabeled", true) => ids.retain(|id| *id != label.id),
                _ => return Ok(()),
            }
            let patch = TaskPatch {
                label_ids: Some(ids.into_iter().map(Into::into).collect()),
                ..Default::default()
            };
            patch_task(svc, &org, &task, patch).await?;
        }
        "assigned" | "unassigned" => {
            let Some(assignee) = &event.assignee else {
                return Ok(());
            };
            let Some(user) = member_for(svc, org.id, assignee.id).await? else {
                return Ok(());
            };
            let mut ids: Vec<Uuid> = entity::task_assignee::Entity::find()
                .filter(entity::task_assignee::Column::TaskId.eq(task.id))
                .all(&svc.db)
                .await?
                .into_iter()
                .map(|a| a.user_id)
                .collect();
            let had = ids.contains(&user);
            match (event.action.as_str(), had) {
                ("assigned", false) => ids.push(user),
                ("unassigned", true) => ids.retain(|id| *id != user),
                _ => return Ok(()),
            }
            let patch = TaskPatch {
                assignee_ids: Some(ids.into_iter().map(Into::into).collect()),
                ..Default::default()
            };
            patch_task(svc, &org, &task, patch).await?;
        }
        "deleted" | "transferred" => {
            github_issue::Entity::delete_by_id(link.task_id)
                .exec(&svc.db)
                .await?;
            let action = if event.action == "deleted" {
                "issue_deleted"
            } else {
                "issue_transferred"
            };
            note(svc, &task, &repo, what(action)).await?;
        }
        _ => {}
    }
    Ok(())
}

async fn set_issue_state(svc: &Services, link: &github_issue::Model, state: &str) -> Result<()> {
    if link.state != state {
        github_issue::Entity::update_many()
            .col_expr(github_issue::Column::State, Expr::value(state))
            .col_expr(github_issue::Column::UpdatedAt, Expr::value(Utc::now()))
            .filter(github_issue::Column::TaskId.eq(link.task_id))
            .exec(&svc.db)
            .await?;
    }
    Ok(())
}

/// A task for an issue opened on GitHub, linked to it in the same transaction (a retry
/// finds the link and makes no second task). Private, in the repository's category.
async fn open_task(
    svc: &Services,
    repo: &github_repository::Model,
    org: &organization::Model,
    event: &IssuesEvent,
) -> Result<()> {
    let issue = &event.issue;
    let input = NewTask {
        title: fit_title(&issue.title),
        description: Some(fit_body(issue.body.as_deref())),
        visibility: Some(Visibility::Private),
        category_id: repo.category_id.map(Into::into),
        ..Default::default()
    };
    let linked = crate::task::IssueLink {
        repository: repo.id,
        number: issue.number,
        url: issue.html_url.clone(),
        state: issue.state.clone(),
    };
    let created =
        crate::task::create_linked(svc, &Actor::System, &org.slug, input, None, Some(linked))
            .await?;
    if let Some(task) = task_by_id(svc, created.id.0).await? {
        let what = json!({"action": "issue_opened", "repository": repo.full_name,
            "number": issue.number, "url": issue.html_url, "by": event.sender.login});
        note(svc, &task, repo, what).await?;
    }
    Ok(())
}

async fn issue_comment(svc: &Services, event: CommentEvent) -> Result<()> {
    let Some((repo, org)) = linked(svc, &event.repository).await? else {
        return Ok(());
    };
    if event.issue.pull_request.is_some() {
        return Ok(());
    }
    let github = app(svc)?;
    let c = &event.comment;
    if github.is_self(
        c.performed_via_github_app.as_ref().map(|a| a.id),
        Some(&c.user.login),
    ) {
        return Ok(());
    }
    let Some(link) = github_issue::Entity::find()
        .filter(github_issue::Column::RepositoryId.eq(repo.id))
        .filter(github_issue::Column::Number.eq(event.issue.number))
        .one(&svc.db)
        .await?
    else {
        return Ok(());
    };
    let Some(task) = task_by_id(svc, link.task_id).await? else {
        return Ok(());
    };
    let existing = task_comment::Entity::find()
        .filter(task_comment::Column::GithubId.eq(c.id))
        .one(&svc.db)
        .await?;
    let body = fit_body(c.body.as_deref());
    match (event.action.as_str(), existing) {
        ("created", None) | ("edited", None) => {
            let author = member_for(svc, org.id, c.user.id).await?;
            let visibility = if shown_publicly(&task, &repo) {
                CommentVisibility::Public
            } else {
                CommentVisibility::Internal
            };
            let copy = crate::comment::GithubComment {
                github_id: c.id,
                login: c.user.login.clone(),
                url: c.html_url.clone(),
                author,
                body,
                visibility,
            };
            crate::comment::copy_from_github(svc, &org, &task, copy).await?;
        }
        ("edited", Some(row)) if body.trim_end() != row.body => {
            let patch = domain::dto::CommentPatch { body };
            crate::comment::update(svc, &Actor::System, &org.slug, row.id.into(), patch, None)
                .await?;
        }
        ("deleted", Some(row)) => {
            crate::comment::delete(svc, &Actor::System, &org.slug, row.id.into(), None).await?;
        }
        _ => {}
    }
    Ok(())
}

/// The tasks of `org` with these numbers, by number.
async fn tasks_numbered(
    svc: &Services,
    org: Uuid,
    numbers: impl IntoIterator<Item = i64>,
) -> Result<BTreeMap<i64, task::Model>> {
    let numbers: Vec<i64> = numbers.into_iter().collect();
    if numbers.is_empty() {
        return Ok(BTreeMap::new());
    }
    Ok(task::Entity::find()
        .filter(task::Column::OrgId.eq(org))
        .filter(task::Column::Number.is_in(numbers))
        .all(&svc.db)
        .await?
        .into_iter()
        .map(|t| (t.number, t))
        .collect())
}

/// The references in several texts, the strongest kind per task.
fn references(texts: &[&str], short_id: &str) -> BTreeMap<i64, RefKind> {
    let mut refs = BTreeMap::new();
    for text in texts {
        for r in gh_refs::find(text, short_id) {
            let kind = refs.entry(r.number).or_insert(r.kind);
            *kind = (*kind).max(r.kind);
        }
    }
    refs
}

/// What a link row should say, and whether it is new.
struct LinkState<'a> {
    kind: &'static str,
    reference: String,
    title: String,
    url: &'a str,
    state: &'a str,
    closes: bool,
    head_sha: Option<&'a str>,
    author: Option<&'a str>,
}

/// Writes a pull request's or commit's link to a task; returns the state it had before
/// (none when new).
async fn upsert_link(
    svc: &Services,
    repo: &github_repository::Model,
    task: &task::Model,
    link: LinkState<'_>,
) -> Result<Option<github_link::Model>> {
    let existing = github_link::Entity::find()
        .filter(github_link::Column::RepositoryId.eq(repo.id))
        .filter(github_link::Column::Kind.eq(link.kind))
        .filter(github_link::Column::Reference.eq(&link.reference))
        .filter(github_link::Column::TaskId.eq(task.id))
        .one(&svc.db)
        .await?;
    let now = Utc::now();
    match &existing {
        Some(row) => {
            let mut update = github_link::Entity::update_many()
                .col_expr(github_link::Column::Title, Expr::value(&link.title))
                .col_expr(github_link::Column::State, Expr::value(link.state))
                .col_expr(github_link::Column::Closes, Expr::value(link.closes))
                .col_expr(github_link::Column::UpdatedAt, Expr::value(now))
                .filter(github_link::Column::Id.eq(row.id));
            if let Some(sha) = link.head_sha
                && row.head_sha.as_deref() != Some(sha)
            {
                // New commits: the old checks say nothing about them.
                update = update
                    .col_expr(github_link::Column::HeadSha, Expr::value(sha))
                    .col_expr(
                        github_link::Column::Checks,
                        Expr::value(Option::<String>::None),
                    );
            }
            update.exec(&svc.db).await?;
        }
        None => {
            github_link::Entity::insert(github_link::ActiveModel {
                id: Set(Uuid::now_v7()),
                org_id: Set(task.org_id),
                task_id: Set(task.id),
                repository_id: Set(repo.id),
                kind: Set(link.kind.to_string()),
                reference: Set(link.reference),
                title: Set(link.title),
                url: Set(link.url.to_string()),
                state: Set(link.state.to_string()),
                closes: Set(link.closes),
                head_sha: Set(link.head_sha.map(str::to_string)),
                checks: Set(None),
                author: Set(link.author.map(str::to_string)),
                created_at: Set(now),
                updated_at: Set(now),
            })
            .exec_without_returning(&svc.db)
            .await?;
        }
    }
    Ok(existing)
}

async fn pull_request(svc: &Services, event: PullRequestEvent) -> Result<()> {
    let Some((repo, org)) = linked(svc, &event.repository).await? else {
        return Ok(());
    };
    let pr = &event.pull_request;
    let mut refs = references(
        &[&pr.title, pr.body.as_deref().unwrap_or_default()],
        &org.short_id,
    );
    if let Some(n) = gh_refs::find_in_branch(&pr.head.name, &org.short_id) {
        refs.entry(n).or_insert(RefKind::Mentions);
    }
    let state = match (pr.state.as_str(), pr.merged, pr.draft) {
        (_, true, _) => "merged",
        ("closed", false, _) => "closed",
        (_, false, true) => "draft",
        _ => "open",
    };
    let tasks = tasks_numbered(svc, org.id, refs.keys().copied()).await?;
    for (number, task) in &tasks {
        let closes = refs[number] == RefKind::Closes;
        let before = upsert_link(
            svc,
            &repo,
            task,
            LinkState {
                kind: "pull_request",
                reference: pr.number.to_string(),
                title: pr.title.clone(),
                url: &pr.html_url,
                state,
                closes,
                head_sha: Some(&pr.head.sha),
                author: Some(&pr.user.login),
            },
        )
        .await?;
        let action = match (&before, event.action.as_str(), state) {
            // First heard of as it merged (the App came after it opened): say so.
            (None, _, "merged") => Some("pr_merged"),
            (None, _, _) => Some("pr_linked"),
            (Some(b), "closed", "merged") if b.state != "merged" => Some("pr_merged"),
            (Some(b), "closed", "closed") if b.state != "closed" => Some("pr_closed"),
            (Some(b), "reopened", _) if b.state == "closed" || b.state == "merged" => {
                Some("pr_reopened")
            }
            _ => None,
        };
        if let Some(action) = action {
            let what = json!({"action": action, "repository": repo.full_name, "number": pr.number,
                "title": pr.title, "url": pr.html_url, "by": event.sender.login, "closes": closes});
            note(svc, task, &repo, what).await?;
        }
        // A merge that closes the task finishes it; nothing else moves its status (a
        // reopened pull request is on the timeline, the task stays as it is).
        let merged_now = state == "merged" && before.as_ref().is_none_or(|b| b.state != "merged");
        let finished = merged_now
            && closes
            && !is_finished(task.status)
            && set_status(svc, &org, task, TaskStatus::Done).await?;
        let moved = before
            .as_ref()
            .is_none_or(|b| b.state != state || b.title != pr.title);
        if moved && !finished {
            // The board's pull request badge and filter read this.
            crate::task::announce(svc, task.id).await?;
        }
    }
    Ok(())
}

async fn push(svc: &Services, event: PushEvent) -> Result<()> {
    let Some(branch) = event.git_ref.strip_prefix("refs/heads/") else {
        return Ok(());
    };
    if event.deleted || event.commits.is_empty() {
        return Ok(());
    }
    let Some((repo, org)) = linked(svc, &event.repository).await? else {
        return Ok(());
    };
    let on_default = branch == repo.default_branch;
    let refs: Vec<BTreeMap<i64, RefKind>> = event
        .commits
        .iter()
        .map(|c| references(&[&c.message], &org.short_id))
        .collect();
    // One read for every task the push names.
    let mut named =
        tasks_numbered(svc, org.id, refs.iter().flat_map(|r| r.keys().copied())).await?;
    for (commit, refs) in event.commits.iter().zip(&refs) {
        let title = commit
            .message
            .lines()
            .next()
            .unwrap_or_default()
            .to_string();
        let author = commit
            .author
            .as_ref()
            .and_then(|a| a.username.as_deref().or(a.name.as_deref()));
        for number in refs.keys() {
            let Some(task) = named.get_mut(number) else {
                continue;
            };
            // Only the default branch closes: a fix on a feature branch is not shipped yet.
            let closes = refs[number] == RefKind::Closes && on_default;
            let before = upsert_link(
                svc,
                &repo,
                task,
                LinkState {
                    kind: "commit",
                    reference: commit.id.clone(),
                    title: title.clone(),
                    url: &commit.url,
                    state: "pushed",
                    closes,
                    head_sha: None,
                    author,
                },
            )
            .await?;
            if before.is_none() {
                let what = json!({"action": "commit", "repository": repo.full_name,
                    "sha": commit.id, "title": title, "url": commit.url, "branch": branch,
                    "by": author, "closes": closes});
                note(svc, task, &repo, what).await?;
                let finished = closes
                    && !is_finished(task.status)
                    && set_status(svc, &org, task, TaskStatus::Done).await?;
                if finished {
                    // A later commit of this push that names it finds it done.
                    task.status = TaskStatus::Done;
                } else {
                    crate::task::announce(svc, task.id).await?;
                }
            }
        }
    }
    Ok(())
}

async fn check_suite(svc: &Services, event: CheckSuiteEvent) -> Result<()> {
    let Some((repo, _)) = linked(svc, &event.repository).await? else {
        return Ok(());
    };
    let suite = &event.check_suite;
    let outcome = match (&suite.status, &suite.conclusion) {
        (_, Some(conclusion)) => conclusion.clone(),
        (Some(status), None) if status != "completed" => "pending".into(),
        _ => return Ok(()),
    };
    let numbers: Vec<String> = suite
        .pull_requests
        .iter()
        .map(|p| p.number.to_string())
        .collect();
    if numbers.is_empty() {
        return Ok(());
    }
    github_link::Entity::update_many()
        .col_expr(github_link::Column::Checks, Expr::value(outcome))
        .col_expr(github_link::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(github_link::Column::RepositoryId.eq(repo.id))
        .filter(github_link::Column::Kind.eq("pull_request"))
        .filter(github_link::Column::Reference.is_in(numbers))
        .filter(github_link::Column::HeadSha.eq(&suite.head_sha))
        .exec(&svc.db)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_titles_and_bodies_fit_what_sayr_stores() {
        assert_eq!(fit_title("  Fix\tthe\nlogin  "), "Fix the login");
        assert_eq!(fit_title("x".repeat(300).as_str()).chars().count(), 200);
        assert_eq!(fit_title(" \n "), "(untitled GitHub issue)");
        let long = "é".repeat(40_000);
        let body = fit_body(Some(&long));
        assert!(body.len() <= domain::parse::Markdown::MAX_BYTES);
        assert!(body.chars().all(|c| c == 'é'));
        assert_eq!(fit_body(None), "");
    }

    #[test]
    fn the_strongest_reference_wins_across_texts() {
        let refs = references(&["refs #1 and ABC-2", "fixes #1", "XYZ-3"], "ABC");
        assert_eq!(refs.get(&1), Some(&RefKind::Closes));
        assert_eq!(refs.get(&2), Some(&RefKind::Mentions));
        assert_eq!(refs.get(&3), None);
    }
}
