//! Organizations and who may see and do what in them.

use super::{Actor, DomainError, Result, Services, convert, error::Fields};
use crate::model::{NewOrg, Org, OrgPatch};
use crate::parse::{Markdown, OrgName, ShortId, Slug};
use crate::permissions::PermissionSet;
use crate::realtime::Channel;
use crate::{OrgId, UserId};
use chrono::Utc;
use entity::{member, member_team, organization, team};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, TransactionTrait,
};
use uuid::Uuid;

/// What an actor is to one org. Built once per call, then asked.
#[derive(Clone, Debug)]
pub struct OrgAccess {
    pub org: organization::Model,
    /// Sees everything a member sees (members, the creator, site admins, the system).
    pub member: bool,
    pub permissions: PermissionSet,
}

impl OrgAccess {
    pub fn id(&self) -> OrgId {
        self.org.id.into()
    }

    /// May look at the org at all: members always, others when the public page is on.
    pub fn can_view(&self) -> bool {
        self.member || self.org.public_page
    }

    /// The org as this actor may see it, without its images ([`with_images`] adds them).
    pub fn dto(&self) -> Org {
        let org = convert::org(&self.org);
        if self.member { org } else { org.public_view() }
    }
}

/// Works out what `actor` is to `org`.
pub(crate) async fn access(
    db: &impl ConnectionTrait,
    actor: &Actor,
    org: organization::Model,
) -> Result<OrgAccess> {
    let (member, permissions) = match actor {
        Actor::System => (true, PermissionSet::all()),
        Actor::Anonymous { .. } => (false, PermissionSet::default()),
        Actor::User(u) if u.site_admin || org.created_by == Some(u.id.0) => {
            (true, PermissionSet::all())
        }
        Actor::User(u) => match membership(db, org.id, u.id).await? {
            Some(m) => {
                let teams = team::Entity::find()
                    .inner_join(member_team::Entity)
                    .filter(member_team::Column::MemberId.eq(m.id))
                    .all(db)
                    .await?;
                let sets = teams
                    .iter()
                    .map(|t| super::team::stored_permissions(&t.permissions));
                (true, PermissionSet::effective(sets))
            }
            None => (false, PermissionSet::default()),
        },
    };
    Ok(OrgAccess {
        org,
        member,
        permissions,
    })
}

/// The membership row of `user` in `org`, if any.
pub(crate) async fn membership(
    db: &impl ConnectionTrait,
    org: Uuid,
    user: UserId,
) -> Result<Option<member::Model>> {
    Ok(member::Entity::find()
        .filter(member::Column::OrgId.eq(org))
        .filter(member::Column::UserId.eq(user.0))
        .one(db)
        .await?)
}

/// Like [`load`], for what only members may do: outsiders who can see the org get
/// Unauthenticated or Forbidden, the rest NotFound.
pub async fn load_member(svc: &Services, actor: &Actor, slug: &str) -> Result<OrgAccess> {
    let access = load(svc, actor, slug).await?;
    match actor {
        _ if access.member => Ok(access),
        Actor::Anonymous { .. } => Err(DomainError::Unauthenticated),
        _ => Err(DomainError::forbidden("members only")),
    }
}

/// The org behind `slug` as `actor` sees it; NotFound when it does not exist or the actor
/// may not see it (existence is not revealed).
pub async fn load(svc: &Services, actor: &Actor, slug: &str) -> Result<OrgAccess> {
    let row = organization::Entity::find()
        .filter(organization::Column::Slug.eq(slug))
        .one(&svc.db)
        .await?
        .ok_or(DomainError::NotFound)?;
    let access = access(&svc.db, actor, row).await?;
    if access.can_view() {
        Ok(access)
    } else {
        Err(DomainError::NotFound)
    }
}

/// The org as the actor may see it.
pub async fn get(svc: &Services, actor: &Actor, slug: &str) -> Result<Org> {
    with_images(svc, load(svc, actor, slug).await?.dto()).await
}

/// Fills in where the org's logo and banner are served (both are public).
pub async fn with_images(svc: &Services, org: Org) -> Result<Org> {
    Ok(dtos(&svc.db, vec![org]).await?.remove(0))
}

/// Fills in the logos and banners of several orgs in one query.
pub(crate) async fn dtos(db: &impl ConnectionTrait, mut orgs: Vec<Org>) -> Result<Vec<Org>> {
    let ids: Vec<Uuid> = orgs.iter().map(|o| o.id.0).collect();
    let mut images = super::file::org_images(db, &ids).await?;
    for org in &mut orgs {
        let found = images.remove(&org.id.0).unwrap_or_default();
        (org.logo_url, org.banner_url) = (found.logo, found.banner);
    }
    Ok(orgs)
}

/// Creates an org; its creator becomes its first member, in its "Administrators" team.
#[tracing::instrument(skip_all, fields(slug = %input.slug))]
pub async fn create(svc: &Services, actor: &Actor, input: NewOrg) -> Result<Org> {
    let creator = actor.user_id().ok_or(DomainError::Unauthenticated)?;
    let mut fields = Fields::default();
    let name = fields.check(OrgName::parse(&input.name));
    let slug = fields.check(Slug::parse(&input.slug));
    let short_id = fields.check(ShortId::parse(&input.short_id));
    let description = fields.check(Markdown::parse(
        "description",
        input.description.as_deref().unwrap_or(""),
    ));
    fields.finish()?;
    let (name, slug, short_id, description) = (
        name.unwrap(),
        slug.unwrap(),
        short_id.unwrap(),
        description.unwrap(),
    );

    let taken = || DomainError::conflict("this slug is taken");
    if organization::Entity::find()
        .filter(organization::Column::Slug.eq(slug.as_str()))
        .one(&svc.db)
        .await?
        .is_some()
    {
        return Err(taken());
    }
    let now = Utc::now();
    let org_id = Uuid::new_v4();
    let txn = svc.db.begin().await?;
    let row = organization::ActiveModel {
        id: Set(org_id),
        name: Set(name.as_str().to_string()),
        slug: Set(slug.as_str().to_string()),
        short_id: Set(short_id.as_str().to_string()),
        description: Set(description.as_str().to_string()),
        public_page: Set(false),
        public_actions: Set(false),
        public_field_labels: Set(false),
        public_field_category: Set(false),
        public_field_priority: Set(false),
        last_task_number: Set(0),
        created_by: Set(Some(creator.0)),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await
    .map_err(|e| match e.sql_err() {
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => taken(),
        _ => e.into(),
    })?;
    let membership = member::ActiveModel {
        id: Set(Uuid::new_v4()),
        org_id: Set(org_id),
        user_id: Set(creator.0),
        created_at: Set(now),
    }
    .insert(&txn)
    .await?;
    super::team::bootstrap(&txn, org_id, membership.id).await?;
    txn.commit().await?;
    Ok(convert::org(&row))
}

/// The orgs the actor is a member of, by name.
pub async fn list_mine(svc: &Services, actor: &Actor) -> Result<Vec<Org>> {
    let user = actor.user_id().ok_or(DomainError::Unauthenticated)?;
    let rows = organization::Entity::find()
        .inner_join(member::Entity)
        .filter(member::Column::UserId.eq(user.0))
        .order_by_asc(organization::Column::Name)
        .limit(500)
        .all(&svc.db)
        .await?;
    dtos(&svc.db, rows.iter().map(convert::org).collect()).await
}

/// May `actor` join the realtime room `channel` of the org `org_id`? An unknown or
/// malformed id is refused like a forbidden room.
pub async fn authorize_channel(
    svc: &Services,
    actor: &Actor,
    org_id: &str,
    channel: Channel,
) -> Result<OrgId> {
    let forbidden = || DomainError::forbidden("you may not join this room");
    let id: Uuid = org_id.parse().map_err(|_| forbidden())?;
    let row = organization::Entity::find_by_id(id)
        .one(&svc.db)
        .await?
        .ok_or_else(forbidden)?;
    let access = access(&svc.db, actor, row).await?;
    let allowed = match channel {
        Channel::Public => access.org.public_page,
        Channel::Tasks => access.member,
        Channel::Admin => actor.is_superuser() || (access.member && access.permissions.any_admin()),
    };
    if allowed {
        Ok(access.id())
    } else {
        Err(forbidden())
    }
}

/// Changes an org's name, description or settings (`admin.manageSettings`).
#[tracing::instrument(skip(svc, actor, patch))]
pub async fn update(svc: &Services, actor: &Actor, slug: &str, patch: OrgPatch) -> Result<Org> {
    let access = load_member(svc, actor, slug).await?;
    if !access.permissions.admin.manage_settings {
        return Err(DomainError::forbidden(
            "you may not change this organization's settings",
        ));
    }
    let mut fields = Fields::default();
    let name = fields.check(patch.name.as_deref().map(OrgName::parse).transpose());
    let description = fields.check(
        patch
            .description
            .as_deref()
            .map(|d| Markdown::parse("description", d))
            .transpose(),
    );
    fields.finish()?;
    let was_public = access.org.public_page;
    let org_id = access.id();
    let mut active: organization::ActiveModel = access.org.into();
    if let Some(Some(name)) = name {
        active.name = Set(name.as_str().to_string());
    }
    if let Some(Some(description)) = description {
        active.description = Set(description.as_str().to_string());
    }
    if let Some(settings) = patch.settings {
        active.public_page = Set(settings.public_page);
        active.public_actions = Set(settings.public_actions);
        active.public_field_labels = Set(settings.public_task_fields.labels);
        active.public_field_category = Set(settings.public_task_fields.category);
        active.public_field_priority = Set(settings.public_task_fields.priority);
    }
    active.updated_at = Set(Utc::now());
    let row = active.update(&svc.db).await?;
    if was_public && !row.public_page {
        // The public room closes with the public page.
        svc.publish_access(crate::realtime::AccessEvent::AccessChanged { org_id });
    }
    let org = with_images(svc, convert::org(&row)).await?;
    svc.publish(crate::realtime::DomainEvent {
        org_id: org.id,
        origin: None,
        kind: crate::realtime::EventKind::OrgUpdated(org.clone()),
    });
    Ok(org)
}

/// Deletes an org and everything in it: its creator or a site admin only.
#[tracing::instrument(skip(svc, actor))]
pub async fn delete(svc: &Services, actor: &Actor, slug: &str) -> Result<()> {
    let access = load_member(svc, actor, slug).await?;
    let is_creator = actor
        .user_id()
        .is_some_and(|u| access.org.created_by == Some(u.0));
    if !is_creator && !actor.is_superuser() {
        return Err(DomainError::forbidden(
            "only the organization's creator may delete it",
        ));
    }
    organization::Entity::delete_by_id(access.org.id)
        .exec(&svc.db)
        .await?;
    // The file rows went with the org (foreign key); their objects go now.
    super::file::remove_org_objects(svc, access.org.id).await;
    Ok(())
}
