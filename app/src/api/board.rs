use domain::dto::Task;
use domain::{CategoryId, LabelId, TemplateId, UserId};
use leptos::prelude::*;

/// What the board shows.
pub type BoardData = domain::dto::Board;

/// The board as `query` (the board's URL query, or its data part) says: its filters, or
/// the saved view it names, or the org's default view when it says nothing.
#[server(prefix = "/sfn", endpoint = "board")]
pub async fn load_board(
    slug: String,
    #[server(default)] query: String,
) -> Result<BoardData, ServerFnError> {
    use super::ssr::*;
    use crate::pages::board::BoardFilter;
    let cx = caller()?;
    let pairs = crate::components::text::query_pairs(&query);
    let url = BoardFilter::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let views = if url.only_saved() || url == BoardFilter::default() {
        // Visitors have no views: their board is the URL's.
        services::view::list(&cx.svc, &cx.actor, &slug)
            .await
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    let shown = url.effective(&views);
    let text = shown.text.trim();
    let query = services::board::BoardQuery {
        filter: shown.tree(),
        show_closed: shown.show_closed,
        text: (!text.is_empty()).then(|| text.to_string()),
    };
    services::board::load(&cx.svc, &cx.actor, &slug, query)
        .await
        .map_err(fail)
}

/// Adds a task to the org's board. The plain form (no JavaScript) sends a title and a
/// visibility; the dialog sends the rest too.
#[allow(clippy::too_many_arguments)]
#[server(prefix = "/sfn", endpoint = "create_task")]
pub async fn create_task(
    slug: String,
    title: String,
    visibility: Option<String>,
    #[server(default)] description: Option<String>,
    #[server(default)] status: Option<String>,
    #[server(default)] priority: Option<String>,
    #[server(default)] category: Option<CategoryId>,
    #[server(default)] labels: Option<Vec<LabelId>>,
    #[server(default)] assignees: Option<Vec<UserId>>,
    #[server(default)] release: Option<String>,
    #[server(default)] template: Option<TemplateId>,
) -> Result<Task, ServerFnError> {
    use super::ssr::*;
    let cx = caller()?;
    let input = domain::dto::NewTask {
        release: release.filter(|r| !r.is_empty()),
        title,
        description,
        visibility: parse_opt("visibility", visibility)?,
        status: parse_opt("status", status)?,
        priority: parse_opt("priority", priority)?,
        category_id: category,
        label_ids: labels,
        assignee_ids: assignees,
        parent_number: None,
        template_id: template,
    };
    services::task::create(&cx.svc, &cx.actor, &slug, input, cx.origin)
        .await
        .map_err(fail)
}

/// Changes some fields of a task, as of `version` (a stale version is refused with 409).
/// The plain form on the task page posts here and goes back; the board calls it directly.
#[allow(clippy::too_many_arguments)]
#[server(prefix = "/sfn", endpoint = "update_task")]
pub async fn update_task(
    slug: String,
    number: i64,
    version: i64,
    #[server(default)] title: Option<String>,
    #[server(default)] description: Option<String>,
    #[server(default)] status: Option<String>,
    #[server(default)] priority: Option<String>,
    #[server(default)] visibility: Option<String>,
    #[server(default)] labels: Option<Vec<LabelId>>,
    #[server(default)] assignees: Option<Vec<UserId>>,
    /// `Some(None)` clears the category: send `category=` (empty).
    #[server(default)]
    category: Option<String>,
    /// Moves the task just below task `below` in the board's order.
    #[server(default)]
    below: Option<i64>,
    /// Moves the task just above task `above` in the board's order.
    #[server(default)]
    above: Option<i64>,
    /// A release's slug; `release=` (empty) takes the task out of its release.
    #[server(default)]
    release: Option<String>,
    /// The parent task's number; `parent=` (empty) makes the task stand alone.
    #[server(default)]
    parent: Option<String>,
) -> Result<Task, ServerFnError> {
    use super::ssr::*;
    let cx = caller()?;
    let category_id = match category.as_deref() {
        None => None,
        Some("") | Some("none") => Some(None),
        Some(id) => Some(Some(id.parse().map_err(|_| {
            fail(domain::parse::FieldError::new("category", "is not a category id").into())
        })?)),
    };
    let patch = domain::dto::TaskPatch {
        version,
        title,
        description,
        status: parse_opt("status", status)?,
        priority: parse_opt("priority", priority)?,
        visibility: parse_opt("visibility", visibility)?,
        label_ids: labels,
        assignee_ids: assignees,
        category_id,
        parent_number: match parent.as_deref().map(|p| p.trim().trim_start_matches('#')) {
            None => None,
            Some("") | Some("none") => Some(None),
            Some(n) => Some(Some(n.parse().map_err(|_| {
                fail(domain::parse::FieldError::new("parent", "is not a task number").into())
            })?)),
        },
        release: cleared(release),
        position: (below.is_some() || above.is_some())
            .then_some(domain::dto::TaskPosition { below, above }),
    };
    services::task::update(&cx.svc, &cx.actor, &slug, number, patch, cx.origin)
        .await
        .map_err(fail)
}

/// One change applied to many tasks (the board's bulk bar): each task is changed as it is
/// now, and the ones the actor may not change are reported, not fatal.
#[server(prefix = "/sfn", endpoint = "bulk_update")]
pub async fn bulk_update(
    slug: String,
    numbers: Vec<i64>,
    #[server(default)] status: Option<String>,
    #[server(default)] priority: Option<String>,
    #[server(default)] add_label: Option<LabelId>,
    #[server(default)] add_assignee: Option<UserId>,
    /// A release's slug; empty takes the tasks out of theirs.
    #[server(default)]
    release: Option<String>,
) -> Result<BulkResult, ServerFnError> {
    use super::ssr::*;
    let change = domain::dto::BulkChange {
        status: parse_opt("status", status)?,
        priority: parse_opt("priority", priority)?,
        add_label,
        add_assignee,
        release: cleared(release),
    };
    let cx = caller()?;
    services::task::bulk_update(&cx.svc, &cx.actor, &slug, &numbers, change, cx.origin)
        .await
        .map_err(fail)
}

pub use domain::dto::BulkResult;

impl UpdateTask {
    /// A change of task `number` as of `version` that changes nothing yet.
    pub fn of(slug: String, number: i64, version: i64) -> Self {
        UpdateTask {
            slug,
            number,
            version,
            title: None,
            description: None,
            status: None,
            priority: None,
            visibility: None,
            labels: None,
            assignees: None,
            category: None,
            below: None,
            above: None,
            release: None,
            parent: None,
        }
    }
}

/// A form field that clears when sent empty (or `none`): `Some(None)`.
#[cfg(feature = "ssr")]
fn cleared(value: Option<String>) -> Option<Option<String>> {
    value.map(|v| Some(v).filter(|v| !v.is_empty() && v != "none"))
}
