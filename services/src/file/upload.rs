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
