use domain::model::{Org, Task};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What the board shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BoardData {
    pub org: Org,
    pub tasks: Vec<Task>,
    pub signed_in: bool,
}

#[server(prefix = "/sfn", endpoint = "board")]
pub async fn load_board(slug: String) -> Result<BoardData, ServerFnError> {
    use super::ssr::*;
    let svc = services()?;
    let actor = actor();
    let query = domain::service::task::TaskQuery {
        limit: Some(domain::service::task::MAX_LIMIT),
        ..Default::default()
    };
    let list = domain::service::task::list(&svc, &actor, &slug, query)
        .await
        .map_err(fail)?;
    Ok(BoardData {
        org: list.org,
        tasks: list.tasks,
        signed_in: actor.user_id().is_some(),
    })
}

/// Adds a task to the org's board.
#[server(prefix = "/sfn", endpoint = "create_task")]
pub async fn create_task(
    slug: String,
    title: String,
    visibility: Option<String>,
) -> Result<Task, ServerFnError> {
    use super::ssr::*;
    let svc = services()?;
    let visibility =
        match visibility.as_deref() {
            None | Some("") => None,
            Some(v) => Some(v.parse().map_err(|m: String| {
                fail(domain::parse::FieldError::new("visibility", m).into())
            })?),
        };
    let input = domain::model::NewTask {
        title,
        visibility,
        ..Default::default()
    };
    domain::service::task::create(&svc, &actor(), &slug, input, None)
        .await
        .map_err(fail)
}
