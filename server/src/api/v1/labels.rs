use super::params::{OrgItemPath, OrgPath, WsClient};
use super::schema::{CategoryBody, Conflict, LabelBody, NotFound, Refusals, WriteRefusals};
use super::{Body, body};
use crate::http::ApiError;
use axum::Json;
use axum::extract::Path;
use axum::http::StatusCode;
use domain::dto::{Category, CategoryPatch, Label, LabelPatch, NewCategory, NewLabel};
use domain::{CategoryId, LabelId};
use edge::Caller;
use services::{category, label};

/// The org's labels: all for members, the public ones for public viewers.
#[utoipa::path(
    get,
    path = "/api/v1/orgs/{slug}/labels",
    operation_id = "listLabels",
    tag = "labels",
    params(OrgPath),
    security((), ("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "The labels", body = Vec<Label>),
        (status = 404, response = NotFound),
    )
)]
pub async fn list(cx: Caller, Path(slug): Path<String>) -> Result<Json<Vec<Label>>, ApiError> {
    Ok(Json(label::list(&cx.svc, &cx.actor, &slug).await?))
}

/// Creates a label (content.manageLabels).
#[utoipa::path(
    post,
    path = "/api/v1/orgs/{slug}/labels",
    operation_id = "createLabel",
    tag = "labels",
    params(OrgPath, WsClient),
    request_body = NewLabel,
    responses(
        (status = 201, description = "The new label", body = LabelBody),
        WriteRefusals,
        (status = 409, response = Conflict),
    )
)]
pub async fn create(
    cx: Caller,
    Path(slug): Path<String>,
    input: Body<NewLabel>,
) -> Result<(StatusCode, Json<LabelBody>), ApiError> {
    let label = label::create(&cx.svc, &cx.actor, &slug, body(input)?, cx.origin).await?;
    Ok((StatusCode::CREATED, Json(LabelBody { label })))
}

/// Changes a label (content.manageLabels).
#[utoipa::path(
    patch,
    path = "/api/v1/orgs/{slug}/labels/{id}",
    operation_id = "updateLabel",
    tag = "labels",
    params(OrgItemPath, WsClient),
    request_body = LabelPatch,
    responses(
        (status = 200, description = "The label as changed", body = LabelBody),
        WriteRefusals,
        (status = 409, response = Conflict),
    )
)]
pub async fn update(
    cx: Caller,
    Path((slug, id)): Path<(String, LabelId)>,
    input: Body<LabelPatch>,
) -> Result<Json<LabelBody>, ApiError> {
    let label = label::update(&cx.svc, &cx.actor, &slug, id, body(input)?, cx.origin).await?;
    Ok(Json(LabelBody { label }))
}

/// Deletes a label and takes it off its tasks (content.manageLabels).
#[utoipa::path(
    delete,
    path = "/api/v1/orgs/{slug}/labels/{id}",
    operation_id = "deleteLabel",
    tag = "labels",
    params(OrgItemPath, WsClient),
    responses(
        (status = 204, description = "Deleted"),
        Refusals,
    )
)]
pub async fn delete(
    cx: Caller,
    Path((slug, id)): Path<(String, LabelId)>,
) -> Result<StatusCode, ApiError> {
    label::delete(&cx.svc, &cx.actor, &slug, id, cx.origin).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The org's categories, for members and public viewers.
#[utoipa::path(
    get,
    path = "/api/v1/orgs/{slug}/categories",
    operation_id = "listCategories",
    tag = "categories",
    params(OrgPath),
    security((), ("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "The categories", body = Vec<Category>),
        (status = 404, response = NotFound),
    )
)]
pub async fn categories(
    cx: Caller,
    Path(slug): Path<String>,
) -> Result<Json<Vec<Category>>, ApiError> {
    Ok(Json(category::list(&cx.svc, &cx.actor, &slug).await?))
}

/// Creates a category (content.manageCategories).
#[utoipa::path(
    post,
    path = "/api/v1/orgs/{slug}/categories",
    operation_id = "createCategory",
    tag = "categories",
    params(OrgPath, WsClient),
    request_body = NewCategory,
    responses(
        (status = 201, description = "The new category", body = CategoryBody),
        WriteRefusals,
        (status = 409, response = Conflict),
    )
)]
pub async fn create_category(
    cx: Caller,
    Path(slug): Path<String>,
    input: Body<NewCategory>,
) -> Result<(StatusCode, Json<CategoryBody>), ApiError> {
    let category = category::create(&cx.svc, &cx.actor, &slug, body(input)?, cx.origin).await?;
    Ok((StatusCode::CREATED, Json(CategoryBody { category })))
}

/// Changes a category (content.manageCategories); `icon: null` clears its icon.
#[utoipa::path(
    patch,
    path = "/api/v1/orgs/{slug}/categories/{id}",
    operation_id = "updateCategory",
    tag = "categories",
    params(OrgItemPath, WsClient),
    request_body = CategoryPatch,
    responses(
        (status = 200, description = "The category as changed", body = CategoryBody),
        WriteRefusals,
        (status = 409, response = Conflict),
    )
)]
pub async fn update_category(
    cx: Caller,
    Path((slug, id)): Path<(String, CategoryId)>,
    input: Body<CategoryPatch>,
) -> Result<Json<CategoryBody>, ApiError> {
    let category = category::update(&cx.svc, &cx.actor, &slug, id, body(input)?, cx.origin).await?;
    Ok(Json(CategoryBody { category }))
}

/// Deletes a category; its tasks keep no category (content.manageCategories).
#[utoipa::path(
    delete,
    path = "/api/v1/orgs/{slug}/categories/{id}",
    operation_id = "deleteCategory",
    tag = "categories",
    params(OrgItemPath, WsClient),
    responses(
        (status = 204, description = "Deleted"),
        Refusals,
    )
)]
pub async fn delete_category(
    cx: Caller,
    Path((slug, id)): Path<(String, CategoryId)>,
) -> Result<StatusCode, ApiError> {
    category::delete(&cx.svc, &cx.actor, &slug, id, cx.origin).await?;
    Ok(StatusCode::NO_CONTENT)
}
