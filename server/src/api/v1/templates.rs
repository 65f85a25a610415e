//! Task templates (`docs/http-api.md` → Templates).

use super::params::{OrgItemPath, OrgPath};
use super::schema::{NotFound, Refusals, WriteRefusals};
use super::{Body, body};
use crate::http::ApiError;
use axum::Json;
use axum::extract::Path;
use axum::http::StatusCode;
use domain::TemplateId;
use domain::dto::{NewTemplate, Template, TemplatePatch};
use edge::Caller;
use services::template;

/// The org's templates: every one for members, those for visitors to anyone who may see
/// the org's public page.
#[utoipa::path(
    get,
    path = "/api/v1/orgs/{slug}/templates",
    operation_id = "listTemplates",
    tag = "templates",
    params(OrgPath),
    security((), ("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "The templates by name", body = Vec<Template>),
        (status = 404, response = NotFound),
    )
)]
pub async fn list(cx: Caller, Path(slug): Path<String>) -> Result<Json<Vec<Template>>, ApiError> {
    Ok(Json(template::list(&cx.svc, &cx.actor, &slug).await?))
}

/// Makes a template (admin.manageSettings).
#[utoipa::path(
    post,
    path = "/api/v1/orgs/{slug}/templates",
    operation_id = "createTemplate",
    tag = "templates",
    params(OrgPath),
    request_body = NewTemplate,
    responses(
        (status = 201, description = "The template", body = Template),
        WriteRefusals,
    )
)]
pub async fn create(
    cx: Caller,
    Path(slug): Path<String>,
    input: Body<NewTemplate>,
) -> Result<(StatusCode, Json<Template>), ApiError> {
    let made = template::create(&cx.svc, &cx.actor, &slug, body(input)?).await?;
    Ok((StatusCode::CREATED, Json(made)))
}

/// One template the caller may use.
#[utoipa::path(
    get,
    path = "/api/v1/orgs/{slug}/templates/{id}",
    operation_id = "getTemplate",
    tag = "templates",
    params(OrgItemPath),
    security((), ("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "The template", body = Template),
        (status = 404, response = NotFound),
    )
)]
pub async fn get(
    cx: Caller,
    Path((slug, id)): Path<(String, TemplateId)>,
) -> Result<Json<Template>, ApiError> {
    Ok(Json(template::get(&cx.svc, &cx.actor, &slug, id).await?))
}

/// Changes a template (admin.manageSettings); `null` clears the priority or the category.
#[utoipa::path(
    patch,
    path = "/api/v1/orgs/{slug}/templates/{id}",
    operation_id = "updateTemplate",
    tag = "templates",
    params(OrgItemPath),
    request_body = TemplatePatch,
    responses(
        (status = 200, description = "The template as changed", body = Template),
        WriteRefusals,
    )
)]
pub async fn update(
    cx: Caller,
    Path((slug, id)): Path<(String, TemplateId)>,
    input: Body<TemplatePatch>,
) -> Result<Json<Template>, ApiError> {
    let changed = template::update(&cx.svc, &cx.actor, &slug, id, body(input)?).await?;
    Ok(Json(changed))
}

/// Deletes a template (admin.manageSettings); tasks made from it keep their fields.
#[utoipa::path(
    delete,
    path = "/api/v1/orgs/{slug}/templates/{id}",
    operation_id = "deleteTemplate",
    tag = "templates",
    params(OrgItemPath),
    responses(
        (status = 204, description = "Deleted"),
        Refusals,
    )
)]
pub async fn delete(
    cx: Caller,
    Path((slug, id)): Path<(String, TemplateId)>,
) -> Result<StatusCode, ApiError> {
    template::delete(&cx.svc, &cx.actor, &slug, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
