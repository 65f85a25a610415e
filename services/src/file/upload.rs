//! Uploads: leave to upload, checked before the first byte is read; the bytes streamed
//! into the store; then the row (a logo, banner or avatar replaces the previous one).

use super::serve::publish_org_images;
use super::*;

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
#[tracing::instrument(name = "file.permit", skip(svc, actor))]
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
                    crate::moderation::ensure_not_blocked(&svc.db, access.org.id, u.id).await?;
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
    if let Some(user) = uploader {
        svc.limiter
            .enforce(crate::limit::Action::Upload, &format!("user:{user}"))
            .await?;
    }
    let org = access.as_ref().map(|a| a.org.id);
    ensure_room(svc, org, uploader, 0).await?;
    Ok(UploadPermit {
        purpose,
        access,
        uploader,
    })
}

/// Bytes taken by the files `filter` selects.
async fn bytes_of(svc: &Services, filter: sea_orm::Condition) -> Result<u64> {
    use sea_orm::{QuerySelect, sea_query::Expr};
    let total: Option<i64> = file::Entity::find()
        .select_only()
        .column_as(
            Expr::cust("CAST(COALESCE(SUM(size), 0) AS BIGINT)"),
            "total",
        )
        .filter(filter)
        .into_tuple()
        .one(&svc.db)
        .await
        .map_err(DomainError::from)?;
    Ok(std::cmp::max(total.unwrap_or(0), 0) as u64)
}

/// Refuses an upload that the org's storage quota, or the uploader's bytes for the day,
/// have no room for; `incoming` is the upload's size once known (0 before). Avatars
/// (no org) count only against the day's bytes.
async fn ensure_room(
    svc: &Services,
    org: Option<Uuid>,
    uploader: Option<Uuid>,
    incoming: u64,
) -> Result<()> {
    let limits = svc.files.limits();
    if let Some(org) = org {
        let used = bytes_of(
            svc,
            sea_orm::Condition::all().add(file::Column::OrgId.eq(org)),
        )
        .await?;
        if used + incoming > limits.org_quota || (incoming == 0 && used >= limits.org_quota) {
            return Err(FileError::QuotaExceeded {
                used,
                quota: limits.org_quota,
            });
        }
    }
    if let Some(user) = uploader {
        let since = Utc::now() - chrono::Duration::hours(24);
        let today = sea_orm::Condition::all()
            .add(file::Column::UploadedBy.eq(user))
            .add(file::Column::CreatedAt.gt(since));
        let used = bytes_of(svc, today.clone()).await?;
        if used + incoming > limits.user_daily || (incoming == 0 && used >= limits.user_daily) {
            // Room comes back as the day's oldest upload ages out.
            let oldest = file::Entity::find()
                .filter(today)
                .order_by_asc(file::Column::CreatedAt)
                .one(&svc.db)
                .await
                .map_err(DomainError::from)?;
            let wait = oldest.map_or(3600, |f| {
                (f.created_at + chrono::Duration::hours(24) - Utc::now()).num_seconds()
            });
            tracing::info!(%user, used, "daily upload bytes spent");
            return Err(DomainError::RateLimited {
                retry_after_secs: std::cmp::max(wait, 1) as u64,
            }
            .into());
        }
    }
    Ok(())
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

/// Gives a received upload its row. Attachments start unattached, private unless asked
/// otherwise (a visitor's are always public). A logo, banner or avatar replaces the
/// previous one (whose object is then removed) and is public.
#[tracing::instrument(name = "file.record", skip_all)]
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
            // A visitor's file is public once attached to what they submit (always public);
            // until then only they see it (`serve::find_readable`).
            let visibility = if member {
                visibility.unwrap_or(Visibility::Private)
            } else {
                Visibility::Private
            };
            (None, None, visibility)
        }
        Purpose::Logo => (Some(kind::ORG_LOGO), org_id, Visibility::Public),
        Purpose::Banner => (Some(kind::ORG_BANNER), org_id, Visibility::Public),
        Purpose::Avatar => (Some(kind::AVATAR), permit.uploader, Visibility::Public),
    };
    let Upload { name, received } = upload;
    // Checked again with the size known (the stored object goes when this refuses).
    ensure_room(svc, org_id, permit.uploader, received.size).await?;
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
