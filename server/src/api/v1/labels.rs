use super::params::{OrgItemPath, OrgPath, WsClient};
use super::schema::{
    CategoryBody, Conflict, Forbidden, InvalidInput, LabelBody, NotFound, TooLarge, Unauthenticated,
};
use super::{Body, body};
use crate::http::{ApiError, ws_client_id};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::{Extension, Json};
use domain::dto::{Category, CategoryPatch, Label, LabelPatch, NewCategory, NewLabel};
use domain::{CategoryId, LabelId};
use services::{Actor, category, label};

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
pub async fn list(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(slug): Path<String>,
) -> Result<Json<Vec<Label>>, ApiError> {
    Ok(Json(label::list(&state.services, &actor, &slug).await?))
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
        (status = 400, response = InvalidInput),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 413, response = TooLarge),
    )
)]
pub async fn create(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(slug): Path<String>,
    headers: HeaderMap,
    input: Body<NewLabel>,
) -> Result<(StatusCode, Json<LabelBody>), ApiError> {
    let label = label::create(
        &state.services,
        &actor,
        &slug,
        body(input)?,
        ws_client_id(&headers),
    )
    .await?;
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
        (status = 400, response = InvalidInput),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 413, response = TooLarge),
    )
)]
pub async fn update(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path((slug, id)): Path<(String, LabelId)>,
    headers: HeaderMap,
    input: Body<LabelPatch>,
) -> Result<Json<LabelBody>, ApiError> {
    let label = label::update(
        &state.services,
        &actor,
        &slug,
        id,
        body(input)?,
        ws_client_id(&headers),
    )
    .await?;
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
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    )
)]
pub async fn delete(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path((slug, id)): Path<(String, LabelId)>,
    headers: HeaderMap,
) -> Result<StatusCode, ApiError> {
    label::delete(&state.services, &actor, &slug, id, ws_client_id(&headers)).await?;
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
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(slug): Path<String>,
) -> Result<Json<Vec<Category>>, ApiError> {
    Ok(Json(category::list(&state.services, &actor, &slug).await?))
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
        (status = 400, response = InvalidInput),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 413, response = TooLarge),
    )
)]
pub async fn create_category(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(slug): Path<String>,
    headers: HeaderMap,
    input: Body<NewCategory>,
) -> Result<(StatusCode, Json<CategoryBody>), ApiError> {
    let category = category::create(
        &state.services,
        &actor,
        &slug,
        body(input)?,
        ws_client_id(&headers),
    )
    .await?;
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
        (status = 400, response = InvalidInput),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 413, response = TooLarge),
    )
)]
pub async fn update_category(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path((slug, id)): Path<(String, CategoryId)>,
    headers: HeaderMap,
    input: Body<CategoryPatch>,
) -> Result<Json<CategoryBody>, ApiError> {
    let category = category::update(
        &state.services,
        &actor,
        &slug,
        id,
        body(input)?,
        ws_client_id(&headers),
    )
    .await?;
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
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    )
)]
pub async fn delete_category(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path((slug, id)): Path<(String, CategoryId)>,
    headers: HeaderMap,
) -> Result<StatusCode, ApiError> {
    category::delete(&state.services, &actor, &slug, id, ws_client_id(&headers)).await?;
    Ok(StatusCode::NO_CONTENT)
}
