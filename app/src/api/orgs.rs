use domain::model::{Org, User};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What the home page shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HomeData {
    pub user: Option<User>,
    pub orgs: Vec<Org>,
}

#[server(prefix = "/sfn", endpoint = "home")]
pub async fn load_home() -> Result<HomeData, ServerFnError> {
    use super::ssr::*;
    use domain::service::{Actor, org, user};
    let svc = services()?;
    let actor = actor();
    if matches!(actor, Actor::Anonymous { .. }) {
        return Ok(HomeData {
            user: None,
            orgs: vec![],
        });
    }
    let me = user::me(&svc, &actor).await.map_err(fail)?;
    let orgs = org::list_mine(&svc, &actor).await.map_err(fail)?;
    Ok(HomeData {
        user: Some(me),
        orgs,
    })
}

/// Creates an org and opens its board.
#[server(prefix = "/sfn", endpoint = "create_org")]
pub async fn create_org(
    name: String,
    slug: String,
    short_id: String,
) -> Result<Org, ServerFnError> {
    use super::ssr::*;
    let svc = services()?;
    let input = domain::model::NewOrg {
        name,
        slug,
        short_id,
        description: None,
    };
    let org = domain::service::org::create(&svc, &actor(), input)
        .await
        .map_err(fail)?;
    leptos_axum::redirect(&format!("/orgs/{}/tasks", org.slug));
    Ok(org)
}
