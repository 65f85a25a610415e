//! Saved views and releases.

use domain::ViewId;
use domain::dto::{Release, ReleaseDetail, ReleaseUpdate, ReleasesOverview, View};
use leptos::prelude::*;

/// The view the board's `query` describes, as a new view's input.
#[cfg(feature = "ssr")]
fn as_view(query: &str) -> domain::dto::NewView {
    use crate::pages::board::BoardFilter;
    let pairs = crate::components::text::query_pairs(query);
    let f = BoardFilter::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let mut filter = f.tree();
    let text = f.text.trim();
    if !text.is_empty()
        && let Ok(c) = domain::filter::Condition::new(
            domain::filter::Field::Text,
            domain::filter::Op::Contains,
            serde_json::json!(text),
        )
    {
        filter = filter.and(domain::filter::Filter::Cond(c));
    }
    domain::dto::NewView {
        name: String::new(),
        shared: false,
        is_default: false,
        filter,
        group_by: Some(f.group),
        sub_group_by: f.sub,
        sort: Some(f.sort),
        layout: Some(f.view),
        show_closed: f.show_closed,
    }
}

/// Saves the board as `query` shows it under `name`.
#[server(prefix = "/sfn", endpoint = "save_view")]
pub async fn save_view(
    slug: String,
    name: String,
    query: String,
    #[server(default)] shared: bool,
    #[server(default)] is_default: bool,
) -> Result<View, ServerFnError> {
    use super::ssr::*;
    let cx = caller()?;
    let input = domain::dto::NewView {
        name,
        shared,
        is_default,
        ..as_view(&query)
    };
    services::view::create(&cx.svc, &cx.actor, &slug, input, cx.origin)
        .await
        .map_err(fail)
}

/// Changes a view: to the board as `query` shows it (when given), its name, sharing.
#[server(prefix = "/sfn", endpoint = "change_view")]
pub async fn change_view(
    slug: String,
    id: ViewId,
    #[server(default)] query: Option<String>,
    #[server(default)] name: Option<String>,
    #[server(default)] shared: Option<bool>,
    #[server(default)] is_default: Option<bool>,
) -> Result<View, ServerFnError> {
    use super::ssr::*;
    let cx = caller()?;
    let mut patch = domain::dto::ViewPatch {
        name,
        shared,
        is_default,
        ..Default::default()
    };
    if let Some(query) = query {
        let v = as_view(&query);
        patch.filter = Some(v.filter);
        patch.group_by = v.group_by;
        patch.sub_group_by = Some(v.sub_group_by);
        patch.sort = v.sort;
        patch.layout = v.layout;
        patch.show_closed = Some(v.show_closed);
    }
    services::view::update(&cx.svc, &cx.actor, &slug, id, patch, cx.origin)
        .await
        .map_err(fail)
}

#[server(prefix = "/sfn", endpoint = "remove_view")]
pub async fn remove_view(slug: String, id: ViewId) -> Result<(), ServerFnError> {
    use super::ssr::*;
    let cx = caller()?;
    services::view::delete(&cx.svc, &cx.actor, &slug, id, cx.origin)
        .await
        .map_err(fail)
}

/// The org's releases as the caller sees them.
#[server(prefix = "/sfn", endpoint = "releases")]
pub async fn load_releases(slug: String) -> Result<Vec<Release>, ServerFnError> {
    use super::ssr::*;
    let cx = caller()?;
    services::release::list(&cx.svc, &cx.actor, &slug)
        .await
        .map_err(fail)
}

/// The releases page's data.
#[server(prefix = "/sfn", endpoint = "releases_page")]
pub async fn load_releases_page(slug: String) -> Result<ReleasesOverview, ServerFnError> {
    use super::ssr::*;
    let cx = caller()?;
    services::release::overview(&cx.svc, &cx.actor, &slug)
        .await
        .map_err(fail)
}

/// One release with its tasks and (members) its updates.
#[server(prefix = "/sfn", endpoint = "release")]
pub async fn load_release(slug: String, release: String) -> Result<ReleaseDetail, ServerFnError> {
    use super::ssr::*;
    let cx = caller()?;
    services::release::get(&cx.svc, &cx.actor, &slug, &release)
        .await
        .map_err(fail)
}

/// Makes a release (a plain form can post here).
#[server(prefix = "/sfn", endpoint = "create_release")]
pub async fn create_release(
    slug: String,
    name: String,
    #[server(default)] target_date: Option<String>,
    #[server(default)] description: Option<String>,
) -> Result<Release, ServerFnError> {
    use super::ssr::*;
    let cx = caller()?;
    let input = domain::dto::NewRelease {
        name,
        target_date: date("targetDate", target_date)?.flatten(),
        description,
        ..Default::default()
    };
    services::release::create(&cx.svc, &cx.actor, &slug, input, cx.origin)
        .await
        .map_err(fail)
}

/// A form's date: empty clears (`Some(None)`), absent leaves alone.
#[cfg(feature = "ssr")]
fn date(
    field: &str,
    value: Option<String>,
) -> Result<Option<Option<chrono::NaiveDate>>, ServerFnError> {
    use super::ssr::fail;
    match value.as_deref().map(str::trim) {
        None => Ok(None),
        Some("") => Ok(Some(None)),
        Some(d) => chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
            .map(|d| Some(Some(d)))
            .map_err(|_| {
                fail(domain::parse::FieldError::new(field, "is not a date (YYYY-MM-DD)").into())
            }),
    }
}

/// Changes a release.
#[allow(clippy::too_many_arguments)]
#[server(prefix = "/sfn", endpoint = "change_release")]
pub async fn change_release(
    slug: String,
    release: String,
    #[server(default)] name: Option<String>,
    #[server(default)] status: Option<String>,
    #[server(default)] target_date: Option<String>,
    #[server(default)] lead: Option<String>,
    #[server(default)] description: Option<String>,
) -> Result<Release, ServerFnError> {
    use super::ssr::*;
    let cx = caller()?;
    let lead_id = match lead.as_deref().map(str::trim) {
        None => None,
        Some("") => Some(None),
        Some(id) => Some(Some(id.parse().map_err(|_| {
            fail(domain::parse::FieldError::new("leadId", "is not a member").into())
        })?)),
    };
    let patch = domain::dto::ReleasePatch {
        name,
        status: parse_opt("status", status)?,
        target_date: date("targetDate", target_date)?,
        lead_id,
        description,
        ..Default::default()
    };
    services::release::update(&cx.svc, &cx.actor, &slug, &release, patch, cx.origin)
        .await
        .map_err(fail)
}

#[server(prefix = "/sfn", endpoint = "delete_release")]
pub async fn delete_release(slug: String, release: String) -> Result<(), ServerFnError> {
    use super::ssr::*;
    let cx = caller()?;
    services::release::delete(&cx.svc, &cx.actor, &slug, &release, cx.origin)
        .await
        .map_err(fail)
}

/// Posts a health update on a release.
#[server(prefix = "/sfn", endpoint = "post_release_update")]
pub async fn post_release_update(
    slug: String,
    release: String,
    health: String,
    #[server(default)] body: String,
) -> Result<ReleaseUpdate, ServerFnError> {
    use super::ssr::*;
    let cx = caller()?;
    let input = domain::dto::NewReleaseUpdate {
        health: parse_opt("health", Some(health))?.unwrap_or_default(),
        body,
    };
    services::release::post_update(&cx.svc, &cx.actor, &slug, &release, input, cx.origin)
        .await
        .map_err(fail)
}
