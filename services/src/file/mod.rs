//! Files: uploads into an org, org logos and banners, avatars; who may read and delete
//! them; attaching them to the task or comment that links them; and cleaning up.
//!
//! An upload is checked before its first byte is read ([`permit`]), streamed into the
//! store ([`UploadPermit::receive`]), and only then given a row ([`record`]). A file
//! starts unattached; a task description or comment that links `/files/<id>/…` attaches
//! the uploader's unattached files to itself when it is saved. Deleting a task, comment
//! or org deletes its files (rows, then objects once the rows are gone); files never
//! attached are removed by [`sweep_unattached`] after a day.

mod attach;
mod cleanup;
mod serve;
mod store;
mod upload;

pub(crate) use attach::{Owner, attach_linked, follow_task};
pub use cleanup::sweep_unattached;
pub(crate) use cleanup::{
    remove_objects, remove_org_objects, remove_user_objects, take_for_comment, take_for_task,
    take_for_user,
};
pub use serve::{Readable, delete, find_readable, list_for_task, open};
pub(crate) use serve::{avatar_urls, disposition, org_images};
pub use store::{FileLimits, FileStore};
pub use upload::{Upload, UploadPermit, UploadTarget, permit, record};

use super::access::{self, OrgAccess};
use super::{Actor, DomainError, Services, convert};
use bytes::Bytes;
use chrono::Utc;
use domain::dto::file::{Attachment, FileType, clean_name, file_url, linked_file_ids};
use domain::dto::{FileInfo, Visibility};
use domain::realtime::{DomainEvent, EventKind};
use entity::{file, task_comment};
use futures::{Stream, TryStreamExt};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set, TransactionTrait,
};
use std::collections::{BTreeMap, HashMap};
use uuid::Uuid;

/// Why a file operation did not succeed: the domain's errors, and three of its own.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error(transparent)]
    Domain(#[from] DomainError),
    /// Over the size limit of its type; nothing was stored.
    #[error("{what} may be at most {} MiB", limit / (1024 * 1024))]
    TooLarge { limit: u64, what: &'static str },
    /// The org's storage is full; nothing was stored.
    #[error("this organization's files take {used} MiB of its {quota} MiB; delete some to upload more", used = used / (1024 * 1024), quota = quota / (1024 * 1024))]
    QuotaExceeded { used: u64, quota: u64 },
    /// A type Sayr does not store (decided from the bytes).
    #[error("{0}")]
    Unsupported(String),
    /// The file store did not answer; nothing was recorded. The cause is logged.
    #[error("file storage is unavailable; try again later")]
    Unavailable,
}

impl FileError {
    fn invalid(field: &str, message: impl Into<String>) -> Self {
        Self::Domain(DomainError::Invalid(BTreeMap::from([(
            field.to_string(),
            message.into(),
        )])))
    }

    fn unavailable(e: impl std::fmt::Display) -> Self {
        tracing::error!(error = %e, "file store error");
        Self::Unavailable
    }
}

impl From<sea_orm::DbErr> for FileError {
    fn from(e: sea_orm::DbErr) -> Self {
        Self::Domain(e.into())
    }
}

impl From<sea_orm::TransactionError<FileError>> for FileError {
    fn from(e: sea_orm::TransactionError<FileError>) -> Self {
        match e {
            sea_orm::TransactionError::Connection(db) => db.into(),
            sea_orm::TransactionError::Transaction(inner) => inner,
        }
    }
}

type Result<T, E = FileError> = std::result::Result<T, E>;

/// What a file is attached to (`file.attached_kind`).
mod kind {
    pub const TASK: &str = "task";
    pub const COMMENT: &str = "comment";
    pub const ORG_LOGO: &str = "org_logo";
    pub const ORG_BANNER: &str = "org_banner";
    pub const AVATAR: &str = "avatar";
}

fn info(row: &file::Model) -> Result<FileInfo, DomainError> {
    Ok(FileInfo {
        id: row.id,
        url: file_url(row.id, &row.name),
        name: row.name.clone(),
        content_type: row.content_type.clone(),
        size: row.size,
        visibility: row.visibility,
    })
}
