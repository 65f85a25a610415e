//! The public portal: an org's public board, votes, and blocking people from it.

use domain::UserId;
use domain::dto::{BlockedUser, PortalPage, Viewer};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The public board, sorted by `sort` (votes, newest or trending; votes when unset), in one
/// category, matching `q`.
#[server(prefix = "/sfn", endpoint = "portal")]
pub async fn load_portal(
    slug: String,
    #[server(default)] sort: Option<String>,
    #[server(default)] category: Option<String>,
    #[server(default)] q: Option<String>,
) -> Result<PortalPage, ServerFnError> {
    use super::ssr::*;
    use services::{portal, task::TaskSort};
    let sort = match sort.as_deref().filter(|s| !s.is_empty()) {
        None => TaskSort::Votes,
        Some(s) => parse_opt::<TaskSort>("sort", Some(s.to_string()))?.unwrap_or_default(),
    };
    let category = match category.filter(|c| !c.is_empty()) {
        Some(c) => Some(
            c.parse::<uuid::Uuid>()
                .map_err(|_| invalid("category", "is not a category id"))?
                .into(),
        ),
        None => None,
    };
    let query = portal::PortalQuery {
        sort,
        category,
        q,
        cursor: None,
    };
    let cx = visitor_caller(&slug, false)?;
    let page = portal::page(&cx.svc, &cx.actor, &slug, query)
        .await
        .map_err(fail)?;
    allow_framing(&page.org.settings.framing);
    Ok(page)
}

/// The viewer of one public task, and whether they voted for it.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct TaskVoter {
    pub viewer: Viewer,
    pub voted: bool,
}

#[server(prefix = "/sfn", endpoint = "task_voter")]
pub async fn load_task_voter(slug: String, number: i64) -> Result<TaskVoter, ServerFnError> {
    use super::ssr::*;
    let cx = visitor_caller(&slug, false)?;
    let (viewer, voted) = services::portal::task_viewer(&cx.svc, &cx.actor, &slug, number)
        .await
        .map_err(fail)?;
    Ok(TaskVoter { viewer, voted })
}

/// A task's votes after a vote was cast or taken back.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct VoteResult {
    pub number: i64,
    pub vote_count: i64,
    pub voted: bool,
}

/// Votes for task `number` (`up`), or takes the vote back. An anonymous visitor's first
/// vote sets the visitor cookie.
#[server(prefix = "/sfn", endpoint = "vote")]
pub async fn cast_vote(slug: String, number: i64, up: bool) -> Result<VoteResult, ServerFnError> {
    use super::ssr::*;
    use services::vote;
    let cx = visitor_caller(&slug, true)?;
    let vote_count = if up {
        vote::vote(
            &cx.svc,
            &cx.actor,
            &slug,
            number,
            cx.origin,
            cx.client.ip.as_deref(),
        )
        .await
    } else {
        vote::unvote(&cx.svc, &cx.actor, &slug, number, cx.origin).await
    }
    .map_err(fail)?;
    Ok(VoteResult {
        number,
        vote_count,
        voted: up,
    })
}

#[server(prefix = "/sfn", endpoint = "blocked")]
pub async fn load_blocked(slug: String) -> Result<Vec<BlockedUser>, ServerFnError> {
    use super::ssr::*;
    let cx = caller()?;
    services::moderation::blocked(&cx.svc, &cx.actor, &slug)
        .await
        .map_err(fail)
}

/// Blocks a visitor from voting, commenting and submitting.
#[server(prefix = "/sfn", endpoint = "block_user")]
pub async fn block_user(
    slug: String,
    user_id: UserId,
    #[server(default)] reason: String,
) -> Result<(), ServerFnError> {
    use super::ssr::*;
    let cx = caller()?;
    services::moderation::block(&cx.svc, &cx.actor, &slug, user_id, &reason)
        .await
        .map_err(fail)
}

#[server(prefix = "/sfn", endpoint = "unblock_user")]
pub async fn unblock_user(slug: String, user_id: UserId) -> Result<(), ServerFnError> {
    use super::ssr::*;
    let cx = caller()?;
    services::moderation::unblock(&cx.svc, &cx.actor, &slug, user_id)
        .await
        .map_err(fail)
}
