//! What the app's frame shows around every page.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The sidebar's facts: who is signed in, their orgs, whether they run the site, and how
/// many notifications wait for them. Empty for visitors.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ShellData {
    pub user: Option<ShellUser>,
    pub orgs: Vec<ShellOrg>,
    pub admin: bool,
    pub unread: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ShellUser {
    pub name: String,
    pub avatar_url: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ShellOrg {
    pub slug: String,
    pub name: String,
    pub logo_url: Option<String>,
}

#[server(prefix = "/sfn", endpoint = "shell")]
pub async fn load_shell() -> Result<ShellData, ServerFnError> {
    use super::ssr::*;
    use services::{Actor, org, user};
    let cx = caller()?;
    let actor = &cx.actor;
    if matches!(actor, Actor::Anonymous { .. }) {
        return Ok(ShellData::default());
    }
    let me = user::me(&cx.svc, actor).await.map_err(fail)?;
    let orgs = org::list_mine(&cx.svc, actor).await.map_err(fail)?;
    let inbox = services::notify::list(
        &cx.svc,
        actor,
        services::notify::InboxView::Unread,
        None,
        Some(1),
    )
    .await
    .map_err(fail)?;
    Ok(ShellData {
        user: Some(ShellUser {
            name: me.name,
            avatar_url: me.avatar_url,
        }),
        orgs: orgs
            .into_iter()
            .map(|o| ShellOrg {
                slug: o.slug,
                name: o.name,
                logo_url: o.logo_url,
            })
            .collect(),
        admin: services::admin::may_administer(actor),
        unread: inbox.unread_count,
    })
}

/// One saved view as the sidebar lists it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ShellView {
    pub id: String,
    pub name: String,
    pub shared: bool,
}

/// The saved views of org `slug` the signed-in member sees (the org's shared ones and their
/// own), for the sidebar; none for anyone else, whatever the reason.
#[server(prefix = "/sfn", endpoint = "shell_views")]
pub async fn load_shell_views(slug: String) -> Result<Vec<ShellView>, ServerFnError> {
    use super::ssr::*;
    let cx = caller()?;
    if matches!(cx.actor, services::Actor::Anonymous { .. }) {
        return Ok(Vec::new());
    }
    // Not a member (or no such org): the sidebar lists nothing, as for a visitor.
    let views = services::view::list(&cx.svc, &cx.actor, &slug)
        .await
        .unwrap_or_default();
    Ok(views
        .into_iter()
        .map(|v| ShellView {
            id: v.id.to_string(),
            name: v.name,
            shared: v.shared,
        })
        .collect())
}
