//! Org settings beyond the list-and-add forms: editing a label, handing the org over.

use domain::dto::{Label, Org};
use domain::{LabelId, UserId};
use leptos::prelude::*;

/// Changes a label's name, colour and visibility (`content.manageLabels`).
#[server(prefix = "/sfn", endpoint = "update_label")]
pub async fn update_label(
    slug: String,
    id: LabelId,
    name: String,
    color: String,
    #[server(default)] public: Option<String>,
) -> Result<Label, ServerFnError> {
    use super::ssr::*;
    use domain::dto::Visibility;
    let cx = caller()?;
    let patch = domain::dto::LabelPatch {
        name: Some(name),
        color: Some(color),
        visibility: Some(if public.is_some_and(|p| !p.is_empty()) {
            Visibility::Public
        } else {
            Visibility::Private
        }),
    };
    services::label::update(&cx.svc, &cx.actor, &slug, id, patch, cx.origin)
        .await
        .map_err(fail)
}

/// Hands the org to another member (its owner or a site admin).
#[server(prefix = "/sfn", endpoint = "transfer_org")]
pub async fn transfer_org(slug: String, user: UserId) -> Result<Org, ServerFnError> {
    use super::ssr::*;
    let cx = caller()?;
    services::org::transfer(&cx.svc, &cx.actor, &slug, user)
        .await
        .map_err(fail)
}
