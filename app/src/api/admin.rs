//! The site admin (`/admin`). Each function is one domain call; the domain answers
//! NotFound (404) to anyone but a site admin.

use domain::UserId;
use domain::dto::{
    AdminOrg, AdminOverview, AdminPage, AdminUser, Connections, InstanceSettings, OrgInspection,
};
use leptos::prelude::*;

/// Whether to show the way to the site admin (the header's link).
#[server(prefix = "/sfn", endpoint = "admin_link")]
pub async fn load_admin_link() -> Result<bool, ServerFnError> {
    use super::ssr::*;
    Ok(services::admin::may_administer(&actor()))
}

#[server(prefix = "/sfn", endpoint = "admin_overview")]
pub async fn load_admin_overview() -> Result<AdminOverview, ServerFnError> {
    use super::ssr::*;
    let cx = caller()?;
    services::admin::overview(&cx.svc, &cx.actor)
        .await
        .map_err(fail)
}

/// Opens sign-up when the checkbox is on, closes it otherwise.
#[server(prefix = "/sfn", endpoint = "admin_set_signups")]
pub async fn set_signups(
    #[server(default)] open: Option<String>,
) -> Result<InstanceSettings, ServerFnError> {
    use super::ssr::*;
    let cx = caller()?;
    services::admin::set_signups_open(&cx.svc, &cx.actor, open.is_some())
        .await
        .map_err(fail)
}

/// Users whose name or e-mail contains `q`; `page` counts from 0.
#[server(prefix = "/sfn", endpoint = "admin_users")]
pub async fn load_admin_users(
    #[server(default)] q: Option<String>,
    #[server(default)] page: Option<u64>,
) -> Result<AdminPage<AdminUser>, ServerFnError> {
    use super::ssr::*;
    let cx = caller()?;
    services::admin::users(
        &cx.svc,
        &cx.actor,
        q.as_deref().unwrap_or(""),
        page.unwrap_or(0),
    )
    .await
    .map_err(fail)
}

/// Sets a user's site role: `admin` or `user`.
#[server(prefix = "/sfn", endpoint = "admin_set_role")]
pub async fn set_user_role(user: UserId, role: String) -> Result<AdminUser, ServerFnError> {
    use super::ssr::*;
    let cx = caller()?;
    services::admin::set_role(&cx.svc, &cx.actor, user, &role)
        .await
        .map_err(fail)
}

/// Bans a user; `until` is a date (empty: until lifted).
#[server(prefix = "/sfn", endpoint = "admin_ban")]
pub async fn ban_user(
    user: UserId,
    reason: String,
    #[server(default)] until: Option<String>,
) -> Result<AdminUser, ServerFnError> {
    use super::ssr::*;
    let cx = caller()?;
    services::admin::ban(
        &cx.svc,
        &cx.actor,
        user,
        &reason,
        until.as_deref().unwrap_or(""),
    )
    .await
    .map_err(fail)
}

#[server(prefix = "/sfn", endpoint = "admin_unban")]
pub async fn unban_user(user: UserId) -> Result<AdminUser, ServerFnError> {
    use super::ssr::*;
    let cx = caller()?;
    services::admin::unban(&cx.svc, &cx.actor, user)
        .await
        .map_err(fail)
}

/// Signs a user out everywhere; returns how many sessions ended.
#[server(prefix = "/sfn", endpoint = "admin_revoke_sessions")]
pub async fn revoke_user_sessions(user: UserId) -> Result<u64, ServerFnError> {
    use super::ssr::*;
    let cx = caller()?;
    services::admin::revoke_sessions(&cx.svc, &cx.actor, user)
        .await
        .map_err(fail)
}

/// Turns a user's second factor off (they lost it); logged with who did it.
#[server(prefix = "/sfn", endpoint = "admin_reset_two_factor")]
pub async fn reset_two_factor(user: UserId) -> Result<AdminUser, ServerFnError> {
    use super::ssr::*;
    let cx = caller()?;
    services::admin::reset_two_factor(&cx.svc, &cx.actor, user)
        .await
        .map_err(fail)
}

/// Orgs whose name or slug contains `q`; `page` counts from 0.
#[server(prefix = "/sfn", endpoint = "admin_orgs")]
pub async fn load_admin_orgs(
    #[server(default)] q: Option<String>,
    #[server(default)] page: Option<u64>,
) -> Result<AdminPage<AdminOrg>, ServerFnError> {
    use super::ssr::*;
    let cx = caller()?;
    services::admin::orgs(
        &cx.svc,
        &cx.actor,
        q.as_deref().unwrap_or(""),
        page.unwrap_or(0),
    )
    .await
    .map_err(fail)
}

#[server(prefix = "/sfn", endpoint = "admin_org")]
pub async fn load_admin_org(slug: String) -> Result<OrgInspection, ServerFnError> {
    use super::ssr::*;
    let cx = caller()?;
    services::admin::inspect_org(&cx.svc, &cx.actor, &slug)
        .await
        .map_err(fail)
}

/// Deletes an org; `confirm` must repeat its slug. Goes back to the list.
#[server(prefix = "/sfn", endpoint = "admin_delete_org")]
pub async fn delete_org(slug: String, confirm: String) -> Result<(), ServerFnError> {
    use super::ssr::*;
    let cx = caller()?;
    services::admin::delete_org(&cx.svc, &cx.actor, &slug, &confirm)
        .await
        .map_err(fail)?;
    leptos_axum::redirect("/admin/orgs");
    Ok(())
}

#[server(prefix = "/sfn", endpoint = "admin_connections")]
pub async fn load_connections() -> Result<Connections, ServerFnError> {
    use super::ssr::*;
    let cx = caller()?;
    services::admin::connections(&cx.svc, &cx.actor)
        .await
        .map_err(fail)
}

/// The job queue by kind, and the jobs that failed.
#[server(prefix = "/sfn", endpoint = "admin_jobs")]
pub async fn load_admin_jobs() -> Result<domain::dto::AdminJobs, ServerFnError> {
    use super::ssr::*;
    let cx = caller()?;
    services::jobs::overview(&cx.svc, &cx.actor)
        .await
        .map_err(fail)
}

/// Puts a failed job back in the queue, due now, its attempts reset.
#[server(prefix = "/sfn", endpoint = "admin_retry_job")]
pub async fn admin_retry_job(id: uuid::Uuid) -> Result<(), ServerFnError> {
    use super::ssr::*;
    let cx = caller()?;
    services::jobs::retry(&cx.svc, &cx.actor, id)
        .await
        .map_err(fail)
}

/// Deletes a failed job without running it.
#[server(prefix = "/sfn", endpoint = "admin_discard_job")]
pub async fn admin_discard_job(id: uuid::Uuid) -> Result<(), ServerFnError> {
    use super::ssr::*;
    let cx = caller()?;
    services::jobs::discard(&cx.svc, &cx.actor, id)
        .await
        .map_err(fail)
}

/// The outbox (mail written to the data dir when no SMTP server is configured).
#[server(prefix = "/sfn", endpoint = "admin_outbox")]
pub async fn load_outbox() -> Result<Vec<domain::dto::OutboxMail>, ServerFnError> {
    use super::ssr::*;
    let cx = caller()?;
    services::mail::outbox(&cx.svc, &cx.actor)
        .await
        .map_err(fail)
}
