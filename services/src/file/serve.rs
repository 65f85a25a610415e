//! Reading files: who may read which, serving the bytes, the images of orgs and users,
//! a task's attachments, and deleting one file.

use super::*;

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
/// of their org and whoever uploaded them (a visitor's file before it is attached).
/// Anything else is NotFound, whether or not it exists.
pub async fn find_readable(svc: &Services, actor: &Actor, id: Uuid) -> Result<Readable> {
    let row = file::Entity::find_by_id(id)
        .one(&svc.db)
        .await?
        .ok_or(DomainError::NotFound)?;
    let public = row.visibility == Visibility::Public;
    let uploader = actor
        .user_id()
        .is_some_and(|u| row.uploaded_by == Some(u.0));
    if !public && !uploader {
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
#[tracing::instrument(name = "file.delete", skip(svc, actor))]
pub async fn delete(svc: &Services, actor: &Actor, slug: &str, id: Uuid) -> Result<()> {
    // Deleting takes an account: told before the file is looked up.
    if let Actor::Anonymous { .. } = actor {
        return Err(DomainError::Unauthenticated.into());
    }
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
        return Err(DomainError::forbidden(
            "only its uploader or a settings manager may delete this file",
        )
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
pub(super) async fn publish_org_images(svc: &Services, access: &OrgAccess) {
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
        traceparent: None,
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
#[tracing::instrument(name = "file.list_for_task", skip(svc, actor))]
pub async fn list_for_task(
    svc: &Services,
    actor: &Actor,
    slug: &str,
    number: i64,
) -> Result<Vec<Attachment>, DomainError> {
    let access = access::load(svc, actor, slug).await?;
    let task = crate::access::find_visible(&svc.db, &access, number).await?;
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
