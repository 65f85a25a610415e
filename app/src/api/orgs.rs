use domain::dto::{Invite, Org, User};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What the home page shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HomeData {
    pub user: Option<User>,
    pub orgs: Vec<Org>,
    /// Pending invitations to me, with the org they are for.
    pub invites: Vec<(Invite, Org)>,
    /// My open tasks (assigned to me) by status, in board order; statuses without any left
    /// out.
    pub my_open: Vec<(domain::dto::TaskStatus, usize)>,
    /// The newest unread notifications (a few), and how many are unread in all.
    pub unread: Vec<domain::dto::Notification>,
    pub unread_count: i64,
    /// For visitors: the public pages the instance lists (`SAYR_LISTED_ORGS`).
    pub listed: Vec<Org>,
}

#[server(prefix = "/sfn", endpoint = "home")]
pub async fn load_home() -> Result<HomeData, ServerFnError> {
    use super::ssr::*;
    use services::{Actor, org, user};
    let cx = caller()?;
    let actor = &cx.actor;
    if matches!(actor, Actor::Anonymous { .. }) {
        return Ok(HomeData {
            user: None,
            orgs: vec![],
            invites: vec![],
            my_open: vec![],
            unread: vec![],
            unread_count: 0,
            listed: org::listed(&cx.svc).await.map_err(fail)?,
        });
    }
    let me = user::me(&cx.svc, actor).await.map_err(fail)?;
    let orgs = org::list_mine(&cx.svc, actor).await.map_err(fail)?;
    let invites = services::invite::mine(&cx.svc, actor).await.map_err(fail)?;
    let mine = services::task::mine(&cx.svc, actor, domain::dto::MyTaskRole::Assigned)
        .await
        .map_err(fail)?;
    let my_open = domain::dto::TaskStatus::ALL
        .iter()
        .filter(|s| {
            !matches!(
                s,
                domain::dto::TaskStatus::Done | domain::dto::TaskStatus::Canceled
            )
        })
        .map(|s| (*s, mine.iter().filter(|t| t.task.status == *s).count()))
        .filter(|(_, n)| *n > 0)
        .collect();
    let inbox = services::notify::list(
        &cx.svc,
        actor,
        services::notify::InboxView::Unread,
        None,
        Some(5),
    )
    .await
    .map_err(fail)?;
    Ok(HomeData {
        user: Some(me),
        orgs,
        invites,
        my_open,
        unread: inbox.items,
        unread_count: inbox.unread_count,
        listed: Vec::new(),
    })
}

/// Accepts an invitation and opens the org's board.
#[server(prefix = "/sfn", endpoint = "accept_invite")]
pub async fn accept_invite(code: String) -> Result<Org, ServerFnError> {
    use super::ssr::*;
    let cx = caller()?;
    let org = services::invite::accept(&cx.svc, &cx.actor, &code)
        .await
        .map_err(fail)?;
    leptos_axum::redirect(&format!("/orgs/{}/tasks", org.slug));
    Ok(org)
}

/// Declines an invitation.
#[server(prefix = "/sfn", endpoint = "decline_invite")]
pub async fn decline_invite(code: String) -> Result<(), ServerFnError> {
    use super::ssr::*;
    let cx = caller()?;
    services::invite::decline(&cx.svc, &cx.actor, &code)
        .await
        .map_err(fail)?;
    leptos_axum::redirect("/");
    Ok(())
}

/// Creates an org and opens its board.
#[server(prefix = "/sfn", endpoint = "create_org")]
pub async fn create_org(
    name: String,
    slug: String,
    short_id: String,
) -> Result<Org, ServerFnError> {
    use super::ssr::*;
    let cx = caller()?;
    let input = domain::dto::NewOrg {
        name,
        slug,
        short_id,
        description: None,
    };
    let org = services::org::create(&cx.svc, &cx.actor, input)
        .await
        .map_err(fail)?;
    leptos_axum::redirect(&format!("/orgs/{}/tasks", org.slug));
    Ok(org)
}
