//! Files: uploads into an org, org logos and banners, avatars; who may read and delete
//! them; attaching them to the task or comment that links them; and cleaning up.
//!
//! An upload is checked before its first byte is read ([`permit`]), streamed into the
//! store ([`UploadPermit::receive`]), and only then given a row ([`record`]). A file
//! starts unattached; a task description or comment that links `/files/<id>/…` attaches
//! the uploader's unattached files to itself when it is saved. Deleting a task, comment
//! or org deletes its files (rows, then objects once the rows are gone); files never
//! attached are removed by [`sweep_unattached`] after a day.

mod store;

pub use store::{FileLimits, FileStore};

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

/// Where an upload goes.
#[derive(Clone, Copy, Debug)]
pub enum UploadTarget<'a> {
    /// A file for task descriptions and comments of the org `slug`.
    Attachment { slug: &'a str },
    /// The org's logo (an image; `admin.manageSettings`).
    OrgLogo { slug: &'a str },
    /// The org's banner (an image; `admin.manageSettings`).
    OrgBanner { slug: &'a str },
    /// The caller's avatar (an image).
    Avatar,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Purpose {
    Attachment,
    Logo,
    Banner,
    Avatar,
}

/// Leave to upload, checked before the body is read.
pub struct UploadPermit {
    purpose: Purpose,
    access: Option<OrgAccess>,
    uploader: Option<Uuid>,
}

/// An upload that reached the store and has no row yet; its object is removed if it is
/// dropped without being recorded.
pub struct Upload {
    name: String,
    received: store::Received,
}

/// May `actor` upload to `target`? Members upload into their org; signed-in visitors too
/// when the org takes public actions (their files are public); logos and banners need
/// `admin.manageSettings`; anyone signed in sets their own avatar.
#[tracing::instrument(skip(svc, actor))]
pub async fn permit(
    svc: &Services,
    actor: &Actor,
    target: UploadTarget<'_>,
) -> Result<UploadPermit> {
    let uploader = actor.user_id().map(|u| u.0);
    let (purpose, access) = match target {
        UploadTarget::Attachment { slug } => {
            let access = access::load(svc, actor, slug).await?;
            match actor {
                Actor::Anonymous { .. } => return Err(DomainError::Unauthenticated.into()),
                _ if access.member => {}
                Actor::User(u) => {
                    if !access.org.public_actions {
                        return Err(DomainError::forbidden("members only").into());
                    }
                    super::moderation::ensure_not_blocked(&svc.db, access.org.id, u.id).await?;
                }
                Actor::System => {}
            }
            (Purpose::Attachment, Some(access))
        }
        UploadTarget::OrgLogo { slug } | UploadTarget::OrgBanner { slug } => {
            let access = access::load_member(svc, actor, slug).await?;
            if !access.permissions.admin.manage_settings {
                return Err(DomainError::forbidden(
                    "you may not change this organization's settings",
                )
                .into());
            }
            let purpose = if matches!(target, UploadTarget::OrgLogo { .. }) {
                Purpose::Logo
            } else {
                Purpose::Banner
            };
            (purpose, Some(access))
        }
        UploadTarget::Avatar => {
            if uploader.is_none() {
                return Err(DomainError::Unauthenticated.into());
            }
            (Purpose::Avatar, None)
        }
    };
    Ok(UploadPermit {
        purpose,
        access,
        uploader,
    })
}

/// 128 random bits, in hex.
fn random_name() -> Result<String> {
    let mut bytes = [0u8; 16];
    getrandom::getrandom(&mut bytes)
        .map_err(|e| FileError::Domain(DomainError::Internal(format!("getrandom: {e}"))))?;
    Ok(hex::encode(bytes))
}

impl UploadPermit {
    /// Streams the file named `name` into the store under a random name in the org's (or
    /// the user's) prefix. Logos, banners and avatars must be images.
    pub async fn receive<S, E>(&self, svc: &Services, name: &str, body: S) -> Result<Upload>
    where
        S: Stream<Item = std::result::Result<Bytes, E>> + Unpin,
        E: std::fmt::Display,
    {
        let key = match (&self.access, self.uploader) {
            (Some(access), _) => format!("orgs/{}/{}", access.org.id, random_name()?),
            (None, Some(user)) => format!("users/{user}/{}", random_name()?),
            (None, None) => return Err(DomainError::Unauthenticated.into()),
        };
        let name = clean_name(name);
        let images_only = self.purpose != Purpose::Attachment;
        let received = svc.files.receive(key, &name, images_only, body).await?;
        Ok(Upload { name, received })
    }
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

/// Gives a received upload its row. Attachments start unattached, private unless asked
/// otherwise (a visitor's are always public). A logo, banner or avatar replaces the
/// previous one (whose object is then removed) and is public.
#[tracing::instrument(skip_all)]
pub async fn record(
    svc: &Services,
    permit: UploadPermit,
    upload: Upload,
    visibility: Option<Visibility>,
) -> Result<FileInfo> {
    let org_id = permit.access.as_ref().map(|a| a.org.id);
    let (attached_kind, attached_id, visibility) = match permit.purpose {
        Purpose::Attachment => {
            let member = permit.access.as_ref().is_some_and(|a| a.member);
            let visibility = if member {
                visibility.unwrap_or(Visibility::Private)
            } else {
                Visibility::Public
            };
            (None, None, visibility)
        }
        Purpose::Logo => (Some(kind::ORG_LOGO), org_id, Visibility::Public),
        Purpose::Banner => (Some(kind::ORG_BANNER), org_id, Visibility::Public),
        Purpose::Avatar => (Some(kind::AVATAR), permit.uploader, Visibility::Public),
    };
    let Upload { name, received } = upload;
    let row = file::ActiveModel {
        id: Set(Uuid::new_v4()),
        org_id: Set(org_id),
        uploaded_by: Set(permit.uploader),
        object_key: Set(received.key_name.clone()),
        name: Set(name),
        content_type: Set(received.file_type.mime().to_string()),
        size: Set(received.size as i64),
        visibility: Set(visibility),
        attached_kind: Set(attached_kind.map(str::to_string)),
        attached_id: Set(attached_id),
        created_at: Set(Utc::now()),
    };
    // The previous logo, banner or avatar goes in the same transaction.
    let (row, replaced) = svc
        .db
        .transaction::<_, _, FileError>(|txn| {
            Box::pin(async move {
                let replaced = match (attached_kind, attached_id) {
                    (Some(kind), Some(id)) => {
                        file::Entity::delete_many()
                            .filter(file::Column::AttachedKind.eq(kind))
                            .filter(file::Column::AttachedId.eq(id))
                            .exec_with_returning(txn)
                            .await?
                    }
                    _ => Vec::new(),
                };
                Ok((row.insert(txn).await?, replaced))
            })
        })
        .await?;
    received.keep();
    svc.files
        .remove(replaced.into_iter().map(|r| r.object_key).collect())
        .await;
    if let (Some(access), Purpose::Logo | Purpose::Banner) = (&permit.access, permit.purpose) {
        publish_org_images(svc, access).await;
    }
    Ok(info(&row)?)
}

/// A file the actor may read, and how to serve it.
#[derive(Clone, Debug)]
pub struct Readable {
    pub id: Uuid,
    pub name: String,
    pub content_type: String,
    pub size: u64,
    pub public: bool,
    /// A strong validator: a file's bytes never change.
    pub etag: String,
    /// `inline` for images, `attachment` for everything else, with the file's name.
    pub disposition: String,
    /// Where a public file is served from outside Sayr (a CDN), if configured.
    pub redirect: Option<String>,
    key: String,
}

/// The file `id` if the actor may read it: public files anyone, private ones the members
/// of their org. Anything else is NotFound, whether or not it exists.
pub async fn find_readable(svc: &Services, actor: &Actor, id: Uuid) -> Result<Readable> {
    let row = file::Entity::find_by_id(id)
        .one(&svc.db)
        .await?
        .ok_or(DomainError::NotFound)?;
    let public = row.visibility == Visibility::Public;
    if !public {
        let org = match row.org_id {
            Some(org) => entity::organization::Entity::find_by_id(org)
                .one(&svc.db)
                .await?
                .ok_or(DomainError::NotFound)?,
            None => return Err(DomainError::NotFound.into()),
        };
        if !access::resolve(&svc.db, actor, org).await?.member {
            return Err(DomainError::NotFound.into());
        }
    }
    let file_type = FileType::from_mime(&row.content_type);
    Ok(Readable {
        id: row.id,
        etag: format!("\"{}\"", row.id.simple()),
        disposition: disposition(file_type.unwrap_or(FileType::Zip), &row.name),
        redirect: if public {
            svc.files.public_url(&row.object_key)
        } else {
            None
        },
        name: row.name,
        content_type: row.content_type,
        size: u64::try_from(row.size).unwrap_or(0),
        public,
        key: row.object_key,
    })
}

/// The bytes of a readable file, streamed from the store.
pub async fn open(
    svc: &Services,
    file: &Readable,
) -> Result<futures::stream::BoxStream<'static, object_store::Result<Bytes>>> {
    svc.files.open(&file.key).await
}

/// `Content-Disposition`: images inline, anything else as a download, with the name.
pub(crate) fn disposition(file_type: FileType, name: &str) -> String {
    let how = if file_type.is_image() {
        "inline"
    } else {
        "attachment"
    };
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .filter(|c| !matches!(c, '"' | '\\'))
        .collect();
    format!(
        "{how}; filename=\"{ascii}\"; filename*=UTF-8''{}",
        domain::dto::file::encode_segment(name)
    )
}

/// Deletes a file of the org `slug`: its uploader, or `admin.manageSettings`.
#[tracing::instrument(skip(svc, actor))]
pub async fn delete(svc: &Services, actor: &Actor, slug: &str, id: Uuid) -> Result<()> {
    let access = access::load(svc, actor, slug).await?;
    let row = file::Entity::find_by_id(id)
        .filter(file::Column::OrgId.eq(access.org.id))
        .one(&svc.db)
        .await?
        .filter(|f| access.member || f.visibility == Visibility::Public)
        .ok_or(DomainError::NotFound)?;
    let uploader = actor
        .user_id()
        .is_some_and(|u| row.uploaded_by == Some(u.0));
    let manager = access.member && access.permissions.admin.manage_settings;
    if !uploader && !manager {
        return Err(match actor {
            Actor::Anonymous { .. } => DomainError::Unauthenticated,
            _ => DomainError::forbidden(
                "only its uploader or a settings manager may delete this file",
            ),
        }
        .into());
    }
    let deleted = file::Entity::delete_by_id(row.id).exec(&svc.db).await?;
    if deleted.rows_affected > 0 {
        svc.files.remove(vec![row.object_key]).await;
    }
    if matches!(
        row.attached_kind.as_deref(),
        Some(kind::ORG_LOGO | kind::ORG_BANNER)
    ) {
        publish_org_images(svc, &access).await;
    }
    Ok(())
}

/// Tells the org's rooms that its logo or banner changed.
async fn publish_org_images(svc: &Services, access: &OrgAccess) {
    let mut org = convert::org(&access.org);
    match org_images(&svc.db, &[access.org.id]).await {
        Ok(mut images) => {
            let found = images.remove(&access.org.id).unwrap_or_default();
            (org.logo_url, org.banner_url) = (found.logo, found.banner);
        }
        // The change is committed; the rooms hear of it with the next org update.
        Err(e) => tracing::warn!(error = %e, "could not read the org's images"),
    }
    svc.publish(DomainEvent {
        org_id: access.id(),
        origin: None,
        kind: EventKind::OrgUpdated(org),
    });
}

/// Where an org's logo and banner are served.
#[derive(Clone, Debug, Default)]
pub(crate) struct OrgImages {
    pub logo: Option<String>,
    pub banner: Option<String>,
}

/// The logos and banners of `orgs`, by org id (orgs without either are left out).
pub(crate) async fn org_images(
    db: &impl ConnectionTrait,
    orgs: &[Uuid],
) -> Result<HashMap<Uuid, OrgImages>, DomainError> {
    let mut images: HashMap<Uuid, OrgImages> = HashMap::new();
    if orgs.is_empty() {
        return Ok(images);
    }
    let rows = file::Entity::find()
        .filter(file::Column::AttachedKind.is_in([kind::ORG_LOGO, kind::ORG_BANNER]))
        .filter(file::Column::AttachedId.is_in(orgs.iter().copied()))
        .all(db)
        .await?;
    for row in rows {
        let Some(org) = row.attached_id else { continue };
        let url = Some(file_url(row.id, &row.name));
        let entry = images.entry(org).or_default();
        if row.attached_kind.as_deref() == Some(kind::ORG_LOGO) {
            entry.logo = url;
        } else {
            entry.banner = url;
        }
    }
    Ok(images)
}

/// The avatars of `users`, by user id (users without one are left out).
pub(crate) async fn avatar_urls(
    db: &impl ConnectionTrait,
    users: &[Uuid],
) -> Result<HashMap<Uuid, String>, DomainError> {
    if users.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(file::Entity::find()
        .filter(file::Column::AttachedKind.eq(kind::AVATAR))
        .filter(file::Column::AttachedId.is_in(users.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|row| Some((row.attached_id?, file_url(row.id, &row.name))))
        .collect())
}

/// The files attached to task `number`'s description and to its comments, oldest first.
/// Members see them all; everyone else (who may see the task at all, so it is public)
/// sees the public files of the description and of public comments.
#[tracing::instrument(skip(svc, actor))]
pub async fn list_for_task(
    svc: &Services,
    actor: &Actor,
    slug: &str,
    number: i64,
) -> Result<Vec<Attachment>, DomainError> {
    let access = access::load(svc, actor, slug).await?;
    let task = super::task::find_visible(&svc.db, &access, number).await?;
    let mut comments = task_comment::Entity::find()
        .select_only()
        .column(task_comment::Column::Id)
        .filter(task_comment::Column::TaskId.eq(task.id));
    if !access.member {
        comments = comments
            .filter(task_comment::Column::Visibility.eq(domain::dto::CommentVisibility::Public));
    }
    let comment_ids: Vec<Uuid> = comments.into_tuple().all(&svc.db).await?;
    let mut rows = file::Entity::find()
        .filter(file::Column::OrgId.eq(access.org.id))
        .filter(
            Condition::any()
                .add(
                    Condition::all()
                        .add(file::Column::AttachedKind.eq(kind::TASK))
                        .add(file::Column::AttachedId.eq(task.id)),
                )
                .add(
                    Condition::all()
                        .add(file::Column::AttachedKind.eq(kind::COMMENT))
                        .add(file::Column::AttachedId.is_in(comment_ids)),
                ),
        )
        .order_by_asc(file::Column::CreatedAt)
        .order_by_asc(file::Column::Id);
    if !access.member {
        rows = rows.filter(file::Column::Visibility.eq(Visibility::Public));
    }
    let me = actor.user_id().map(|u| u.0);
    let manager = access.member && access.permissions.admin.manage_settings;
    rows.all(&svc.db)
        .await?
        .into_iter()
        .map(|row| {
            Ok(Attachment {
                id: row.id,
                url: file_url(row.id, &row.name),
                visibility: row.visibility,
                comment_id: (row.attached_kind.as_deref() == Some(kind::COMMENT))
                    .then_some(row.attached_id)
                    .flatten(),
                uploaded_by: row.uploaded_by.map(Into::into),
                may_delete: manager || (me.is_some() && row.uploaded_by == me),
                name: row.name,
                content_type: row.content_type,
                size: row.size,
                created_at: row.created_at,
            })
        })
        .collect()
}

/// What a linking text belongs to.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Owner {
    Task(Uuid),
    Comment(Uuid),
}

/// Attaches the files that `text` links (`/files/<id>/…`) to `owner`: only unattached
/// files of the same org, uploaded by the writer (the system may attach any).
pub(crate) async fn attach_linked(
    db: &impl ConnectionTrait,
    actor: &Actor,
    org_id: Uuid,
    owner: Owner,
    text: &str,
) -> Result<(), DomainError> {
    let ids = linked_file_ids(text);
    if ids.is_empty() {
        return Ok(());
    }
    let (kind, id) = match owner {
        Owner::Task(id) => (kind::TASK, id),
        Owner::Comment(id) => (kind::COMMENT, id),
    };
    let mut update = file::Entity::update_many()
        .col_expr(file::Column::AttachedKind, Expr::value(kind))
        .col_expr(file::Column::AttachedId, Expr::value(id))
        .filter(file::Column::Id.is_in(ids))
        .filter(file::Column::OrgId.eq(org_id))
        .filter(file::Column::AttachedKind.is_null());
    match actor {
        Actor::System => {}
        _ => {
            let Some(writer) = actor.user_id() else {
                return Ok(());
            };
            update = update.filter(file::Column::UploadedBy.eq(writer.0));
        }
    }
    update.exec(db).await?;
    Ok(())
}

/// Gives the files a task's description links the visibility the task was just given
/// (`public` or `private`): a task made public shows its images and attachments to its
/// public, one made private hides them again. Until the task's visibility changes, each
/// file keeps the one it was uploaded with; files of comments keep the comment's.
pub(crate) async fn follow_task(
    db: &impl ConnectionTrait,
    task_id: Uuid,
    visibility: &str,
) -> Result<(), DomainError> {
    file::Entity::update_many()
        .col_expr(file::Column::Visibility, Expr::value(visibility))
        .filter(file::Column::AttachedKind.eq(kind::TASK))
        .filter(file::Column::AttachedId.eq(task_id))
        .filter(file::Column::Visibility.ne(visibility))
        .exec(db)
        .await?;
    Ok(())
}

/// Deletes the rows of the files attached to a task or to its comments, in the caller's
/// transaction; returns their object keys for [`remove_objects`] after the commit.
pub(crate) async fn take_for_task(
    db: &impl ConnectionTrait,
    task_id: Uuid,
) -> Result<Vec<String>, DomainError> {
    let comments = Query::select()
        .column(task_comment::Column::Id)
        .from(task_comment::Entity)
        .and_where(Expr::col(task_comment::Column::TaskId).eq(task_id))
        .to_owned();
    take(
        db,
        Condition::any()
            .add(
                Condition::all()
                    .add(file::Column::AttachedKind.eq(kind::TASK))
                    .add(file::Column::AttachedId.eq(task_id)),
            )
            .add(
                Condition::all()
                    .add(file::Column::AttachedKind.eq(kind::COMMENT))
                    .add(Expr::col(file::Column::AttachedId).in_subquery(comments)),
            ),
    )
    .await
}

/// Like [`take_for_task`], for a comment and its replies.
pub(crate) async fn take_for_comment(
    db: &impl ConnectionTrait,
    comment_id: Uuid,
) -> Result<Vec<String>, DomainError> {
    let replies = Query::select()
        .column(task_comment::Column::Id)
        .from(task_comment::Entity)
        .and_where(Expr::col(task_comment::Column::ParentId).eq(comment_id))
        .to_owned();
    take(
        db,
        Condition::all()
            .add(file::Column::AttachedKind.eq(kind::COMMENT))
            .add(
                Condition::any()
                    .add(file::Column::AttachedId.eq(comment_id))
                    .add(Expr::col(file::Column::AttachedId).in_subquery(replies)),
            ),
    )
    .await
}

async fn take(db: &impl ConnectionTrait, which: Condition) -> Result<Vec<String>, DomainError> {
    Ok(file::Entity::delete_many()
        .filter(which)
        .exec_with_returning(db)
        .await?
        .into_iter()
        .map(|row| row.object_key)
        .collect())
}

/// Removes the objects of rows already deleted (after their transaction committed).
pub(crate) async fn remove_objects(svc: &Services, keys: Vec<String>) {
    if !keys.is_empty() {
        svc.files.remove(keys).await;
    }
}

/// Removes every object under `orgs/<org>/` once the org (and with it, by its foreign
/// key, every file row) is gone. Listing the prefix also catches an upload that finished
/// while the org was being deleted.
pub(crate) async fn remove_org_objects(svc: &Services, org_id: Uuid) {
    remove_prefix(svc, &format!("orgs/{org_id}")).await;
}

/// Deletes, in the caller's transaction, the rows of a user's avatar and of their uploads
/// that nothing links yet; returns the object keys for [`remove_user_objects`] after the
/// commit. Files attached to tasks, comments, logos and banners stay with those.
pub(crate) async fn take_for_user(
    db: &impl ConnectionTrait,
    user_id: Uuid,
) -> Result<Vec<String>, DomainError> {
    take(
        db,
        Condition::any()
            .add(
                Condition::all()
                    .add(file::Column::AttachedKind.eq(kind::AVATAR))
                    .add(file::Column::AttachedId.eq(user_id)),
            )
            .add(
                Condition::all()
                    .add(file::Column::UploadedBy.eq(user_id))
                    .add(file::Column::AttachedKind.is_null()),
            ),
    )
    .await
}

/// Removes a deleted user's objects: the keys [`take_for_user`] returned, and anything
/// else under `users/<user>/` (an avatar upload that finished meanwhile).
pub(crate) async fn remove_user_objects(svc: &Services, user_id: Uuid, keys: Vec<String>) {
    remove_objects(svc, keys).await;
    remove_prefix(svc, &format!("users/{user_id}")).await;
}

async fn remove_prefix(svc: &Services, prefix: &str) {
    let store = svc.files.object_store();
    let prefix = object_store::path::Path::from(prefix);
    let keys: Vec<String> = match store
        .list(Some(&prefix))
        .map_ok(|meta| meta.location.to_string())
        .try_collect()
        .await
    {
        Ok(keys) => keys,
        Err(e) => {
            tracing::warn!(%prefix, error = %e, "could not list objects to remove");
            return;
        }
    };
    svc.files.remove(keys).await;
}

/// Deletes files that nothing attached within `older_than` of their upload (rows, then
/// objects); returns how many. The server runs it every hour with a day; tests call it.
#[tracing::instrument(skip(svc))]
pub async fn sweep_unattached(
    svc: &Services,
    older_than: chrono::Duration,
) -> Result<u64, DomainError> {
    const BATCH: u64 = 200;
    let cutoff = Utc::now() - older_than;
    let mut removed = 0;
    loop {
        let stale = file::Entity::find()
            .filter(file::Column::AttachedKind.is_null())
            .filter(file::Column::CreatedAt.lt(cutoff))
            .order_by_asc(file::Column::CreatedAt)
            .limit(BATCH)
            .all(&svc.db)
            .await?;
        let mut keys = Vec::new();
        for row in &stale {
            // Attached meanwhile? Then the row stays.
            let gone = file::Entity::delete_many()
                .filter(file::Column::Id.eq(row.id))
                .filter(file::Column::AttachedKind.is_null())
                .exec(&svc.db)
                .await?;
            if gone.rows_affected > 0 {
                keys.push(row.object_key.clone());
            }
        }
        removed += keys.len() as u64;
        svc.files.remove(keys).await;
        if (stale.len() as u64) < BATCH {
            break;
        }
    }
    if removed > 0 {
        tracing::info!(removed, "removed files that were never attached");
    }
    Ok(removed)
}
