//! Task templates: listed for the new-task dialog, the palette and the settings; kept in
//! the settings (the service checks `admin.manageSettings`).

use domain::dto::Template;
use domain::{CategoryId, LabelId, TemplateId};
use leptos::prelude::*;

/// The templates the caller may use in the org.
#[server(prefix = "/sfn", endpoint = "templates")]
pub async fn load_templates(slug: String) -> Result<Vec<Template>, ServerFnError> {
    use super::ssr::*;
    let cx = caller()?;
    services::template::list(&cx.svc, &cx.actor, &slug)
        .await
        .map_err(fail)
}

/// Makes a template, or (with `id`) replaces one's fields with the form's. A plain form:
/// unchecked boxes are simply not sent.
#[allow(clippy::too_many_arguments)]
#[server(prefix = "/sfn", endpoint = "save_template")]
pub async fn save_template(
    slug: String,
    name: String,
    #[server(default)] id: Option<TemplateId>,
    #[server(default)] title: Option<String>,
    #[server(default)] description: Option<String>,
    #[server(default)] priority: Option<String>,
    #[server(default)] category: Option<CategoryId>,
    #[server(default)] labels: Option<Vec<LabelId>>,
    #[server(default)] for_visitors: Option<String>,
) -> Result<Template, ServerFnError> {
    use super::ssr::*;
    use services::template;
    let cx = caller()?;
    let priority = parse_opt("priority", priority)?;
    match id {
        None => {
            let input = domain::dto::NewTemplate {
                name,
                title: title.unwrap_or_default(),
                description: description.unwrap_or_default(),
                priority,
                category_id: category,
                label_ids: labels.unwrap_or_default(),
                for_visitors: for_visitors.is_some(),
            };
            template::create(&cx.svc, &cx.actor, &slug, input).await
        }
        Some(id) => {
            let patch = domain::dto::TemplatePatch {
                name: Some(name),
                title: Some(title.unwrap_or_default()),
                description: Some(description.unwrap_or_default()),
                priority: Some(priority),
                category_id: Some(category),
                label_ids: Some(labels.unwrap_or_default()),
                for_visitors: Some(for_visitors.is_some()),
            };
            template::update(&cx.svc, &cx.actor, &slug, id, patch).await
        }
    }
    .map_err(fail)
}

#[server(prefix = "/sfn", endpoint = "delete_template")]
pub async fn delete_template(slug: String, id: TemplateId) -> Result<(), ServerFnError> {
    use super::ssr::*;
    let cx = caller()?;
    services::template::delete(&cx.svc, &cx.actor, &slug, id)
        .await
        .map_err(fail)
}
