//! Files: uploads (multipart, streamed to the store), org logos and banners, avatars,
//! a task's attachments, deletion, and `GET /files/{id}/{name}`, which serves them.

use super::params::{OrgPath, TaskPath};
use super::schema::{
    FileTooLarge, InvalidInput, NotFound, Refusals, Unauthenticated, Unavailable,
    UnsupportedMediaType, UploadRefusals,
};
use crate::http::ApiError;
use crate::state::AppState;
use axum::Extension;
use axum::Json;
use axum::body::Body;
use axum::body::Bytes;
use axum::extract::multipart::{Multipart, MultipartError};
use axum::extract::{DefaultBodyLimit, FromRequest, Path, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::dto::file::Attachment;
use domain::dto::{FileInfo, ImageUrl, Visibility};
use edge::Caller;
use futures::Stream;
use services::file::{self, Upload, UploadPermit, UploadTarget};
use services::{Actor, DomainError};
use std::collections::BTreeMap;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

/// The upload routes take bodies past the API's 1 MiB limit: they enforce their own, per
/// type, while streaming.
pub fn upload_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(upload))
        .routes(routes!(set_logo))
        .routes(routes!(set_banner))
        .routes(routes!(set_avatar))
        .layer(DefaultBodyLimit::disable())
}

/// A file upload (documentation only; the handler streams the form).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct UploadForm {
    /// The file; its type is decided from its bytes.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
    /// `private` (members only, the default) or `public` (anyone with the link). A
    /// visitor's uploads are always public.
    #[schema(nullable = false)]
    visibility: Option<Visibility>,
}

/// An image upload (documentation only).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ImageForm {
    /// A png, jpeg, gif or webp image.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

/// `{slug}/files/{id}`
#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
pub struct FilePath {
    /// The org's slug.
    pub slug: String,
    /// The file's id.
    pub id: Uuid,
}

fn bad_form(e: impl std::fmt::Display) -> ApiError {
    invalid("file", format!("the form could not be read: {e}"))
}

fn invalid(field: &str, message: impl Into<String>) -> ApiError {
    DomainError::Invalid(BTreeMap::from([(field.to_string(), message.into())])).into()
}

/// A short text field (`visibility`), refused past 64 bytes.
async fn small_text(mut field: axum::extract::multipart::Field<'_>) -> Result<String, ApiError> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(bad_form)? {
        bytes.extend_from_slice(&chunk);
        if bytes.len() > 64 {
            return Err(invalid("visibility", "must be public or private"));
        }
    }
    Ok(String::from_utf8_lossy(&bytes).trim().to_string())
}

/// Reads the form: the `file` part streams into the store, `visibility` may come before or
/// after it; any other part is refused (400 naming it).
async fn read_form(
    state: &AppState,
    permit: &UploadPermit,
    form: &mut Multipart,
    upload: &mut Option<Upload>,
    visibility: &mut Option<Visibility>,
) -> Result<(), ApiError> {
    while let Some(field) = form.next_field().await.map_err(bad_form)? {
        match field.name() {
            Some("file") if upload.is_none() => {
                let name = field.file_name().unwrap_or("file").to_string();
                *upload = Some(permit.receive(&state.services, &name, field).await?);
            }
            Some("file") => return Err(invalid("file", "send one file at a time")),
            Some("visibility") => {
                let text = small_text(field).await?;
                *visibility = Some(text.parse().map_err(|m: String| invalid("visibility", m))?);
            }
            Some(other) => {
                return Err(invalid(
                    other,
                    "is not a part of this form: send `file` (and `visibility`)",
                ));
            }
            None => return Err(invalid("file", "every part of the form needs a name")),
        }
    }
    Ok(())
}

/// Hands the body to the form parser at most 256 KiB at a time. multer reads whatever
/// the connection has ready before it hands out a chunk, so on a fast link with large
/// socket buffers it would hold megabytes per upload, more the longer the upload runs.
struct Paced<S> {
    inner: S,
    run: usize,
}

impl<S> Paced<S> {
    fn new(inner: S) -> Self {
        Self { inner, run: 0 }
    }
}

impl<S, E> Stream for Paced<S>
where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
{
    type Item = Result<Bytes, E>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        const RUN: usize = 256 * 1024;
        if self.run >= RUN {
            // Let the parser hand out what it has; we are polled again at once.
            self.run = 0;
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        let next = Pin::new(&mut self.inner).poll_next(cx);
        match &next {
            Poll::Ready(Some(Ok(chunk))) => self.run += chunk.len(),
            Poll::Pending => self.run = 0,
            _ => {}
        }
        next
    }
}

/// Reads what a refused upload still sends (up to a bound), so that the client reads our
/// answer rather than a reset connection.
async fn drain(form: &mut Multipart) {
    const BUDGET: usize = 64 * 1024 * 1024;
    let _ = tokio::time::timeout(Duration::from_secs(10), async {
        let mut read = 0;
        while let Ok(Some(mut field)) = form.next_field().await {
            loop {
                match field.chunk().await {
                    Ok(Some(chunk)) => {
                        read += chunk.len();
                        if read > BUDGET {
                            return;
                        }
                    }
                    Ok(None) => break,
                    Err::<_, MultipartError>(_) => return,
                }
            }
        }
    })
    .await;
}

/// Checks, streams and records one upload.
async fn receive(
    state: &AppState,
    actor: &Actor,
    target: UploadTarget<'_>,
    req: Request,
) -> Result<FileInfo, ApiError> {
    // Who may upload is settled before a byte of the body is read.
    let permit = file::permit(&state.services, actor, target).await?;
    let (parts, body) = req.into_parts();
    let body = Body::from_stream(Paced::new(body.into_data_stream()));
    let mut form = Multipart::from_request(Request::from_parts(parts, body), &())
        .await
        .map_err(bad_form)?;
    let (mut upload, mut visibility) = (None, None);
    if let Err(e) = read_form(state, &permit, &mut form, &mut upload, &mut visibility).await {
        drain(&mut form).await;
        return Err(e);
    }
    let upload = upload.ok_or_else(|| invalid("file", "is required"))?;
    Ok(file::record(&state.services, permit, upload, visibility).await?)
}

/// Uploads a file for the org's task descriptions and comments: members, and signed-in
/// visitors when the org takes public actions.
///
/// A `multipart/form-data` body with the `file` and, optionally, its `visibility`. The
/// file is unattached until a task description or comment of the org links its `url`;
/// files never linked are removed after a day.
#[utoipa::path(
    post,
    path = "/api/v1/orgs/{slug}/files",
    operation_id = "uploadFile",
    tag = "files",
    params(OrgPath),
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "The stored file", body = FileInfo),
        UploadRefusals,
    )
)]
pub async fn upload(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(slug): Path<String>,
    req: Request,
) -> Result<(StatusCode, Json<FileInfo>), ApiError> {
    let target = UploadTarget::Attachment { slug: &slug };
    let stored = receive(&state, &actor, target, req).await?;
    Ok((StatusCode::CREATED, Json(stored)))
}

/// Sets the org's logo (admin.manageSettings); the previous one is removed.
#[utoipa::path(
    put,
    path = "/api/v1/orgs/{slug}/logo",
    operation_id = "setOrgLogo",
    tag = "files",
    params(OrgPath),
    request_body(content = ImageForm, content_type = "multipart/form-data"),
    responses(
        (status = 200, description = "Where the logo is served", body = ImageUrl),
        UploadRefusals,
    )
)]
pub async fn set_logo(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(slug): Path<String>,
    req: Request,
) -> Result<Json<ImageUrl>, ApiError> {
    let stored = receive(&state, &actor, UploadTarget::OrgLogo { slug: &slug }, req).await?;
    Ok(Json(ImageUrl { url: stored.url }))
}

/// Sets the org's banner (admin.manageSettings); the previous one is removed.
#[utoipa::path(
    put,
    path = "/api/v1/orgs/{slug}/banner",
    operation_id = "setOrgBanner",
    tag = "files",
    params(OrgPath),
    request_body(content = ImageForm, content_type = "multipart/form-data"),
    responses(
        (status = 200, description = "Where the banner is served", body = ImageUrl),
        UploadRefusals,
    )
)]
pub async fn set_banner(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(slug): Path<String>,
    req: Request,
) -> Result<Json<ImageUrl>, ApiError> {
    let stored = receive(&state, &actor, UploadTarget::OrgBanner { slug: &slug }, req).await?;
    Ok(Json(ImageUrl { url: stored.url }))
}

/// Sets the signed-in user's avatar; the previous one is removed.
#[utoipa::path(
    put,
    path = "/api/v1/me/avatar",
    operation_id = "setAvatar",
    tag = "files",
    request_body(content = ImageForm, content_type = "multipart/form-data"),
    responses(
        (status = 200, description = "Where the avatar is served", body = ImageUrl),
        (status = 400, response = InvalidInput),
        (status = 401, response = Unauthenticated),
        (status = 413, response = FileTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 503, response = Unavailable),
    )
)]
pub async fn set_avatar(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    req: Request,
) -> Result<Json<ImageUrl>, ApiError> {
    let stored = receive(&state, &actor, UploadTarget::Avatar, req).await?;
    Ok(Json(ImageUrl { url: stored.url }))
}

/// Deletes a file: its uploader, or admin.manageSettings.
#[utoipa::path(
    delete,
    path = "/api/v1/orgs/{slug}/files/{id}",
    operation_id = "deleteFile",
    tag = "files",
    params(FilePath),
    responses(
        (status = 204, description = "Deleted, bytes and all"),
        Refusals,
    )
)]
pub async fn delete(
    cx: Caller,
    Path((slug, id)): Path<(String, Uuid)>,
) -> Result<StatusCode, ApiError> {
    file::delete(&cx.svc, &cx.actor, &slug, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The files attached to a task's description and its comments (an extension to the
/// contract).
///
/// Members see them all; visitors of a public task see the public files of its
/// description and of its public comments. `mayDelete` says whether the caller may delete
/// each one (its uploader, or admin.manageSettings).
#[utoipa::path(
    get,
    path = "/api/v1/orgs/{slug}/tasks/{number}/files",
    operation_id = "listTaskFiles",
    security((), ("bearer" = []), ("cookie" = [])),
    tag = "files",
    params(TaskPath),
    responses(
        (status = 200, description = "The task's files, oldest first", body = Vec<Attachment>),
        (status = 404, response = NotFound),
    )
)]
pub async fn task_files(
    cx: Caller,
    Path((slug, number)): Path<(String, i64)>,
) -> Result<Json<Vec<Attachment>>, ApiError> {
    Ok(Json(
        file::list_for_task(&cx.svc, &cx.actor, &slug, number).await?,
    ))
}

/// `/files/{id}/{name}`
#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
pub struct DownloadPath {
    /// The file's id.
    pub id: Uuid,
    /// Its name, as in its `url` (any name serves the file; it is for the reader).
    pub name: String,
}

/// Whether `If-None-Match` names `etag` (or `*`).
fn not_modified(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|tag| tag.trim().trim_start_matches("W/"))
        .any(|tag| tag == etag || tag == "*")
}

fn header_value(s: &str) -> HeaderValue {
    HeaderValue::from_str(s).unwrap_or_else(|_| HeaderValue::from_static("attachment"))
}

/// Serves a file: a public one to anyone, a private one to the members of its org.
///
/// Anyone else gets 404. The bytes stream from the store, never with the type the client
/// guesses: `X-Content-Type-Options: nosniff`, a sandboxing CSP, and
/// `Content-Disposition: attachment` for anything not an image; an `ETag`, and long cache
/// headers for public files. With `SAYR_FILES_PUBLIC_URL`, public files redirect there.
#[utoipa::path(
    get,
    path = "/files/{id}/{name}",
    operation_id = "downloadFile",
    security((), ("bearer" = []), ("cookie" = [])),
    tag = "files",
    params(DownloadPath),
    responses(
        (status = 200, description = "The bytes, with the `Content-Type` decided from them at upload"),
        (status = 302, description = "A public file, served from `SAYR_FILES_PUBLIC_URL`"),
        (status = 304, description = "Not modified (`If-None-Match`)"),
        (status = 404, response = NotFound),
    )
)]
pub async fn download(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path((id, _name)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let id = Uuid::parse_str(&id).map_err(|_| DomainError::NotFound)?;
    let found = file::find_readable(&state.services, &actor, id).await?;
    let cache = if found.public {
        "public, max-age=31536000, immutable"
    } else {
        // Revalidated each time, so that a member who leaves stops reading it.
        "private, no-cache"
    };
    let etag = header_value(&found.etag);
    if let Some(url) = &found.redirect {
        return Ok((
            StatusCode::FOUND,
            [
                (header::LOCATION, header_value(url)),
                (header::CACHE_CONTROL, HeaderValue::from_static(cache)),
            ],
        )
            .into_response());
    }
    let mut res = if not_modified(&headers, &found.etag) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let bytes = file::open(&state.services, &found).await?;
        let mut res = Response::new(Body::from_stream(bytes));
        let h = res.headers_mut();
        h.insert(header::CONTENT_TYPE, header_value(&found.content_type));
        h.insert(header::CONTENT_LENGTH, HeaderValue::from(found.size));
        h.insert(
            header::CONTENT_DISPOSITION,
            header_value(&found.disposition),
        );
        res
    };
    let h = res.headers_mut();
    h.insert(header::ETAG, etag);
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; sandbox"),
    );
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn if_none_match_reads_lists_weak_tags_and_stars() {
        let mut headers = HeaderMap::new();
        assert!(!not_modified(&headers, "\"a\""));
        headers.insert(
            header::IF_NONE_MATCH,
            HeaderValue::from_static("\"b\", W/\"a\""),
        );
        assert!(not_modified(&headers, "\"a\""));
        assert!(!not_modified(&headers, "\"c\""));
        headers.insert(header::IF_NONE_MATCH, HeaderValue::from_static("*"));
        assert!(not_modified(&headers, "\"c\""));
    }
}
