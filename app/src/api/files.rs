//! Files: a task's attachments and deleting one.

use domain::dto::file::Attachment;
use leptos::prelude::*;
use uuid::Uuid;

/// The files attached to task `number` and its comments, as the caller may see them.
#[server(prefix = "/sfn", endpoint = "task_files")]
pub async fn load_attachments(slug: String, number: i64) -> Result<Vec<Attachment>, ServerFnError> {
    use super::ssr::*;
    let cx = caller()?;
    services::file::list_for_task(&cx.svc, &cx.actor, &slug, number)
        .await
        .map_err(fail)
}

/// Deletes a file (its uploader, or a settings manager).
#[server(prefix = "/sfn", endpoint = "delete_file")]
pub async fn delete_attachment(slug: String, id: Uuid) -> Result<Uuid, ServerFnError> {
    use super::ssr::*;
    let cx = caller()?;
    services::file::delete(&cx.svc, &cx.actor, &slug, id)
        .await
        .map_err(|e| match e {
            services::file::FileError::Domain(e) => fail(e),
            other => ServerFnError::ServerError(other.to_string()),
        })?;
    Ok(id)
}
