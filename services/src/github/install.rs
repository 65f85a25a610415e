//! Connecting an org: the install flow, and the repositories it links.
//!
//! 1. An admin (`admin.manageSettings`) asks for the install address: GitHub's install
//!    page with a `state` signed by the instance, naming the org, the admin and an expiry.
//! 2. GitHub sends the admin back with `installation_id` and that state. The state must be
//!    intact, fresh and the admin's own (so nobody can hand someone a link that claims an
//!    installation for them), the admin must still manage the org, and the installation
//!    must exist for this App: asked of GitHub with the App's JWT, never taken on the
//!    query's word. An installation belongs to one org.
//! 3. The admin links repositories the installation can reach (asked of GitHub with an
//!    installation token), each optionally for a category, and says whether tasks open
//!    issues there.

use super::{Github, app};
use crate::access::{self, OrgAccess};
use crate::{Actor, DomainError, Result, Services, convert, mail};
use chrono::Utc;
use domain::dto::{
    GithubInstallation, GithubReachable, GithubRepository, GithubRepositoryPatch, GithubStatus,
    NewGithubRepository,
};
use domain::parse::FieldError;
use entity::{
    github_installation, github_repository, member, member_team, organization, team, user,
};
use reqwest::Method;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use serde::Deserialize;
use uuid::Uuid;

/// The `instance_setting` key of the secret that signs install states.
const STATE_SECRET: &str = "github_state_secret";
/// What install states are signed for.
const STATE_PURPOSE: &str = "sayr-github-install";
/// How long an admin has on GitHub's pages.
const STATE_FOR: chrono::Duration = chrono::Duration::hours(1);
/// At most this many repositories are offered from one installation (GitHub pages them by 100).
const REACHABLE_PAGES: u32 = 10;

/// Loads the org for someone who manages its settings.
async fn manager(svc: &Services, actor: &Actor, slug: &str) -> Result<OrgAccess> {
    let access = access::load_member(svc, actor, slug).await?;
    if !access.permissions.admin.manage_settings {
        return Err(DomainError::forbidden(
            "you may not change this organization's settings",
        ));
    }
    Ok(access)
}

fn installation_dto(row: &github_installation::Model) -> GithubInstallation {
    GithubInstallation {
        id: row.id,
        account: row.account_login.clone(),
        suspended: row.suspended_at.is_some(),
        deleted: row.deleted_at.is_some(),
        created_at: row.created_at,
    }
}

pub(crate) fn repository_dto(row: &github_repository::Model) -> GithubRepository {
    GithubRepository {
        id: row.id,
        installation_id: row.installation_id,
        full_name: row.full_name.clone(),
        private: row.private,
        default_branch: row.default_branch.clone(),
        category_id: row.category_id.map(Into::into),
        create_issues: row.create_issues,
        created_at: row.created_at,
    }
}

/// The org's connection as its settings page shows it. Works without the App configured
/// (then `configured` is false and the page says how to turn it on).
pub async fn status(svc: &Services, actor: &Actor, slug: &str) -> Result<GithubStatus> {
    let access = manager(svc, actor, slug).await?;
    let installations = github_installation::Entity::find()
        .filter(github_installation::Column::OrgId.eq(access.org.id))
        .order_by_asc(github_installation::Column::CreatedAt)
        .all(&svc.db)
        .await?;
    let repositories = repositories(svc, actor, slug).await?;
    Ok(GithubStatus {
        configured: svc.github.is_some(),
        app_url: svc.github.as_deref().map(Github::app_url),
        installations: installations.iter().map(installation_dto).collect(),
        repositories,
    })
}

/// The repositories linked to the org, oldest first.
pub async fn repositories(
    svc: &Services,
    actor: &Actor,
    slug: &str,
) -> Result<Vec<GithubRepository>> {
    let access = manager(svc, actor, slug).await?;
    let rows = github_repository::Entity::find()
        .filter(github_repository::Column::OrgId.eq(access.org.id))
        .order_by_asc(github_repository::Column::CreatedAt)
        .all(&svc.db)
        .await?;
    Ok(rows.iter().map(repository_dto).collect())
}

/// Where to send an admin to install the App for this org.
pub async fn install_url(svc: &Services, actor: &Actor, slug: &str) -> Result<String> {
    let access = manager(svc, actor, slug).await?;
    let github = app(svc)?;
    let user = actor.user_id().ok_or(DomainError::Unauthenticated)?;
    let expires = (Utc::now() + STATE_FOR).timestamp();
    let payload = format!("{}.{}.{expires}", access.org.id, user.0);
    let secret = crate::instance::secret(&svc.db, STATE_SECRET).await?;
    let state = crate::instance::sign(&secret, STATE_PURPOSE, &payload);
    Ok(format!(
        "{}/installations/new?state={state}",
        github.app_url()
    ))
}

#[derive(Deserialize)]
struct InstallationAccount {
    login: String,
    #[serde(rename = "type")]
    kind: Option<String>,
}

#[derive(Deserialize)]
struct InstallationInfo {
    id: i64,
    account: InstallationAccount,
    app_id: Option<i64>,
}

/// GitHub sent the admin back: checks the state and the installation, records it for the
/// state's org, and returns that org's slug (for the redirect to its settings).
pub async fn setup(
    svc: &Services,
    actor: &Actor,
    installation_id: i64,
    state: &str,
) -> Result<String> {
    let github = app(svc)?;
    let user = actor.user_id().ok_or(DomainError::Unauthenticated)?;
    let refused = || {
        DomainError::forbidden(
            "this install link is not valid: start again from the organization's GitHub settings",
        )
    };
    let secret = crate::instance::secret(&svc.db, STATE_SECRET).await?;
    let payload = crate::instance::verify(&secret, STATE_PURPOSE, state).ok_or_else(refused)?;
    let mut parts = payload.split('.');
    let (Some(org), Some(by), Some(expires), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(refused());
    };
    let org: Uuid = org.parse().map_err(|_| refused())?;
    let by: Uuid = by.parse().map_err(|_| refused())?;
    let expires: i64 = expires.parse().map_err(|_| refused())?;
    if by != user.0 {
        return Err(refused());
    }
    if expires < Utc::now().timestamp() {
        return Err(DomainError::Gone(
            "this install link has expired: start again from the organization's GitHub settings"
                .into(),
        ));
    }
    let org = organization::Entity::find_by_id(org)
        .one(&svc.db)
        .await?
        .ok_or(DomainError::NotFound)?;
    let access = manager(svc, actor, &org.slug).await?;

    let info: InstallationInfo = match github
        .client
        .as_app(
            Method::GET,
            &format!("/app/installations/{installation_id}"),
        )
        .await
    {
        Ok(info) => info,
        Err(super::CallError::NotFound) => {
            return Err(FieldError::new(
                "installationId",
                "is not an installation of this GitHub App",
            )
            .into());
        }
        Err(e) => {
            return Err(DomainError::Unavailable(format!(
                "GitHub did not answer: {e}"
            )));
        }
    };
    if info.id != installation_id
        || info
            .app_id
            .is_some_and(|id| id.to_string() != github.config.app_id)
    {
        return Err(FieldError::new(
            "installationId",
            "is not an installation of this GitHub App",
        )
        .into());
    }

    let txn = svc.begin().await?;
    match github_installation::Entity::find_by_id(installation_id)
        .one(&txn)
        .await?
    {
        Some(row) if row.org_id != access.org.id && row.deleted_at.is_none() => {
            return Err(DomainError::conflict(
                "this GitHub installation is connected to another organization",
            ));
        }
        Some(row) => {
            let mut active: github_installation::ActiveModel = row.into();
            active.org_id = Set(access.org.id);
            active.account_login = Set(info.account.login);
            active.account_type = Set(info.account.kind.unwrap_or_default());
            active.suspended_at = Set(None);
            active.deleted_at = Set(None);
            active.update(&txn).await?;
        }
        None => {
            github_installation::ActiveModel {
                id: Set(installation_id),
                org_id: Set(access.org.id),
                account_login: Set(info.account.login),
                account_type: Set(info.account.kind.unwrap_or_default()),
                created_by: Set(Some(user.0)),
                created_at: Set(Utc::now()),
                suspended_at: Set(None),
                deleted_at: Set(None),
            }
            .insert(&txn)
            .await?;
        }
    }
    txn.commit().await?;
    Ok(access.org.slug)
}

/// The org's active installation `id`.
async fn active_installation(
    db: &impl ConnectionTrait,
    org: Uuid,
    id: i64,
) -> Result<github_installation::Model> {
    let row = github_installation::Entity::find_by_id(id)
        .filter(github_installation::Column::OrgId.eq(org))
        .one(db)
        .await?
        .ok_or_else(|| {
            FieldError::new("installationId", "is not connected to this organization")
        })?;
    if row.deleted_at.is_some() {
        return Err(FieldError::new("installationId", "was uninstalled on GitHub").into());
    }
    if row.suspended_at.is_some() {
        return Err(FieldError::new("installationId", "is suspended on GitHub").into());
    }
    Ok(row)
}

#[derive(Deserialize)]
struct ReachableRepo {
    id: i64,
    full_name: String,
    private: bool,
    default_branch: Option<String>,
}

#[derive(Deserialize)]
struct ReachablePage {
    total_count: i64,
    repositories: Vec<ReachableRepo>,
}

/// Every repository the installation can reach (GitHub's pages of 100, up to a thousand).
async fn reachable(github: &Github, installation: i64) -> Result<Vec<ReachableRepo>> {
    let mut all = Vec::new();
    for page in 1..=REACHABLE_PAGES {
        let path = format!("/installation/repositories?per_page=100&page={page}");
        let answer: ReachablePage = github
            .client
            .as_installation(installation, Method::GET, &path, None)
            .await
            .map_err(|e| DomainError::Unavailable(format!("GitHub did not answer: {e}")))?;
        let done = answer.repositories.len() < 100;
        all.extend(answer.repositories);
        if done || all.len() as i64 >= answer.total_count {
            break;
        }
    }
    Ok(all)
}

/// The repositories an installation of the org can reach, for the link form.
pub async fn reachable_repositories(
    svc: &Services,
    actor: &Actor,
    slug: &str,
    installation: i64,
) -> Result<Vec<GithubReachable>> {
    let access = manager(svc, actor, slug).await?;
    let github = app(svc)?;
    active_installation(&svc.db, access.org.id, installation).await?;
    let repos = reachable(github, installation).await?;
    let linked: std::collections::HashSet<i64> = github_repository::Entity::find()
        .filter(github_repository::Column::RepoId.is_in(repos.iter().map(|r| r.id)))
        .all(&svc.db)
        .await?
        .into_iter()
        .map(|r| r.repo_id)
        .collect();
    Ok(repos
        .into_iter()
        .map(|r| GithubReachable {
            linked: linked.contains(&r.id),
            full_name: r.full_name,
            private: r.private,
        })
        .collect())
}

/// Links a repository the installation can reach.
pub async fn link(
    svc: &Services,
    actor: &Actor,
    slug: &str,
    input: NewGithubRepository,
) -> Result<GithubRepository> {
    let access = manager(svc, actor, slug).await?;
    let github = app(svc)?;
    let name = input.repository.trim();
    if name.split('/').count() != 2 || name.starts_with('/') || name.ends_with('/') {
        return Err(FieldError::new("repository", "must be owner/name").into());
    }
    let category = match input.category_id {
        Some(id) => Some(crate::task::category_in_org(&svc.db, access.org.id, id).await?),
        None => None,
    };
    active_installation(&svc.db, access.org.id, input.installation_id).await?;
    let repo = reachable(github, input.installation_id)
        .await?
        .into_iter()
        .find(|r| r.full_name.eq_ignore_ascii_case(name))
        .ok_or_else(|| FieldError::new("repository", "is not one this installation can reach"))?;
    if let Some(taken) = github_repository::Entity::find()
        .filter(github_repository::Column::RepoId.eq(repo.id))
        .one(&svc.db)
        .await?
    {
        return Err(DomainError::conflict(if taken.org_id == access.org.id {
            "this repository is already linked"
        } else {
            "this repository is linked to another organization"
        }));
    }
    let row = github_repository::ActiveModel {
        id: Set(Uuid::new_v4()),
        org_id: Set(access.org.id),
        installation_id: Set(input.installation_id),
        repo_id: Set(repo.id),
        full_name: Set(repo.full_name),
        private: Set(repo.private),
        default_branch: Set(repo.default_branch.unwrap_or_else(|| "main".into())),
        category_id: Set(category),
        create_issues: Set(input.create_issues.unwrap_or(false)),
        created_at: Set(Utc::now()),
    }
    .insert(&svc.db)
    .await
    .map_err(|e| match e.sql_err() {
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => {
            DomainError::conflict("this repository is already linked")
        }
        _ => e.into(),
    })?;
    Ok(repository_dto(&row))
}

async fn linked_row(
    svc: &Services,
    access: &OrgAccess,
    id: Uuid,
) -> Result<github_repository::Model> {
    github_repository::Entity::find_by_id(id)
        .filter(github_repository::Column::OrgId.eq(access.org.id))
        .one(&svc.db)
        .await?
        .ok_or(DomainError::NotFound)
}

/// Changes a linked repository's category or whether it opens issues.
pub async fn update(
    svc: &Services,
    actor: &Actor,
    slug: &str,
    id: Uuid,
    patch: GithubRepositoryPatch,
) -> Result<GithubRepository> {
    let access = manager(svc, actor, slug).await?;
    let row = linked_row(svc, &access, id).await?;
    let mut active: github_repository::ActiveModel = row.clone().into();
    if let Some(category) = patch.category_id {
        let category = match category {
            Some(c) => Some(crate::task::category_in_org(&svc.db, access.org.id, c).await?),
            None => None,
        };
        active.category_id = Set(category);
    }
    if let Some(create) = patch.create_issues {
        active.create_issues = Set(create);
    }
    let row = active.update(&svc.db).await?;
    Ok(repository_dto(&row))
}

/// Unlinks a repository: its deliveries are ignored from now on, and the links of its
/// issues, pull requests and commits to tasks go (the tasks stay, with their timelines).
pub async fn unlink(svc: &Services, actor: &Actor, slug: &str, id: Uuid) -> Result<()> {
    let access = manager(svc, actor, slug).await?;
    let row = linked_row(svc, &access, id).await?;
    github_repository::Entity::delete_by_id(row.id)
        .exec(&svc.db)
        .await?;
    Ok(())
}

/// Mails the org's admins (its creator and whoever manages its settings) that the App was
/// uninstalled, in the transaction that records it.
pub(crate) async fn tell_admins_uninstalled(
    txn: &impl ConnectionTrait,
    svc: &Services,
    org: Uuid,
    account: &str,
    unlinked: u64,
) -> Result<()> {
    let Some(org) = organization::Entity::find_by_id(org).one(txn).await? else {
        return Ok(());
    };
    let mut admins: Vec<Uuid> = org.created_by.into_iter().collect();
    let members = member::Entity::find()
        .filter(member::Column::OrgId.eq(org.id))
        .all(txn)
        .await?;
    for m in members {
        let teams = team::Entity::find()
            .inner_join(member_team::Entity)
            .filter(member_team::Column::MemberId.eq(m.id))
            .all(txn)
            .await?;
        let set = domain::permissions::PermissionSet::effective(
            teams
                .iter()
                .map(|t| access::stored_permissions(&t.permissions)),
        );
        if set.admin.manage_settings && !admins.contains(&m.user_id) {
            admins.push(m.user_id);
        }
    }
    let people = user::Entity::find()
        .filter(user::Column::Id.is_in(admins))
        .all(txn)
        .await?;
    let link = format!(
        "{}/orgs/{}/settings#github",
        svc.settings.public_url, org.slug
    );
    for person in people.iter().filter(|p| p.banned_until.is_none()) {
        let mail = mail::compose(
            svc,
            mail::Template::GithubUninstalled,
            &person.email,
            minijinja::context! {
                org_name => convert::org(&org).name,
                account => account,
                unlinked => unlinked,
                link => link.clone(),
            },
        )?;
        mail::queue(txn, mail).await?;
    }
    Ok(())
}
