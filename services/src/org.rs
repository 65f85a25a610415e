//! Organizations and who may see and do what in them.

use super::access::{load, load_member};
use super::{Actor, DomainError, Result, Services, convert, error::Fields};
use chrono::Utc;
use domain::UserId;
use domain::dto::{NewOrg, Org, OrgPatch};
use domain::parse::{Color, FieldError, FrameOrigins, Markdown, OrgName, ShortId, Slug};
use entity::{member, organization};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use uuid::Uuid;

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
#[tracing::instrument(name = "org.create", skip_all, fields(slug = %input.slug))]
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
    let txn = svc.begin().await?;
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
        visitors_must_use_template: Set(false),
        framing: Set(String::new()),
        accent_color: Set(String::new()),
        members_must_use_two_factor: Set(false),
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

/// The orgs the instance lists on its home page (`SAYR_LISTED_ORGS`), in that order, as
/// anyone sees them: only those whose public page is on.
pub async fn listed(svc: &Services) -> Result<Vec<Org>> {
    let slugs = &svc.settings.listed_orgs;
    if slugs.is_empty() {
        return Ok(Vec::new());
    }
    let rows = organization::Entity::find()
        .filter(organization::Column::Slug.is_in(slugs.iter().cloned()))
        .all(&svc.db)
        .await?;
    let orgs = slugs
        .iter()
        .filter_map(|slug| rows.iter().find(|r| &r.slug == slug))
        .map(convert::org)
        .filter(|o| o.settings.public_page)
        .map(|o| o.public_view())
        .collect();
    dtos(&svc.db, orgs).await
}

/// Changes an org's name, description or settings (`admin.manageSettings`).
#[tracing::instrument(name = "org.update", skip(svc, actor, patch))]
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
    let framing = fields.check(
        patch
            .settings
            .as_ref()
            .map(|s| FrameOrigins::parse(&s.framing))
            .transpose(),
    );
    let accent = fields.check(
        patch
            .settings
            .as_ref()
            .map(|s| match s.accent_color.as_deref().map(str::trim) {
                None | Some("") => Ok(None),
                Some(c) => Color::parse(c)
                    .map(Some)
                    .map_err(|e| FieldError::new("settings.accentColor", e.message)),
            })
            .transpose(),
    );
    let requires_now = patch
        .settings
        .as_ref()
        .is_some_and(|s| s.members_must_use_two_factor && !access.org.members_must_use_two_factor);
    if requires_now && !actor.is_superuser() {
        let me = actor.user_id().ok_or(DomainError::Unauthenticated)?;
        if !super::access::has_second_factor(&svc.db, me).await? {
            fields.check::<()>(Err(domain::parse::FieldError::new(
                "settings.membersMustUseTwoFactor",
                "turn on your own second factor first (your account page)",
            )));
        }
    }
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
        active.visitors_must_use_template = Set(settings.visitors_must_use_template);
        active.members_must_use_two_factor = Set(settings.members_must_use_two_factor);
    }
    if let Some(Some(accent)) = accent {
        active.accent_color = Set(accent.map(|c| c.as_str().to_string()).unwrap_or_default());
    }
    if let Some(Some(framing)) = framing {
        active.framing = Set(framing.as_slice().join(" "));
    }
    active.updated_at = Set(Utc::now());
    let row = active.update(&svc.db).await?;
    if was_public && !row.public_page {
        // Visitors can no longer see what they were told of.
        crate::notify::forget_visitors(&svc.db, row.id, None).await?;
        // The public room closes with the public page.
        svc.publish_access(domain::realtime::AccessEvent::AccessChanged { org_id });
    } else if requires_now {
        // Members without a second factor leave the members' rooms.
        svc.publish_access(domain::realtime::AccessEvent::AccessChanged { org_id });
    }
    let org = with_images(svc, convert::org(&row)).await?;
    svc.publish(domain::realtime::DomainEvent {
        traceparent: None,
        org_id: org.id,
        origin: None,
        kind: domain::realtime::EventKind::OrgUpdated(org.clone()),
    });
    Ok(org)
}

/// Deletes an org and everything in it: its creator or a site admin only.
#[tracing::instrument(name = "org.delete", skip(svc, actor))]
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

/// Hands the org to another of its members: its owner (creator) or a site admin only. The
/// new owner holds everything an owner holds, deleting the org included; the old one stays
/// a member, with the rights of the teams they are in.
#[tracing::instrument(name = "org.transfer", skip(svc, actor))]
pub async fn transfer(svc: &Services, actor: &Actor, slug: &str, to: UserId) -> Result<Org> {
    let access = load_member(svc, actor, slug).await?;
    let is_owner = actor
        .user_id()
        .is_some_and(|u| access.org.created_by == Some(u.0));
    if !is_owner && !actor.is_superuser() {
        return Err(DomainError::forbidden(
            "only the organization's owner may hand it over",
        ));
    }
    if access.org.created_by == Some(to.0) {
        return Err(FieldError::new("userId", "already owns this organization").into());
    }
    if super::access::membership(&svc.db, access.org.id, to)
        .await?
        .is_none()
    {
        return Err(FieldError::new("userId", "is not a member of this organization").into());
    }
    let org_id = access.id();
    let mut active: organization::ActiveModel = access.org.into();
    active.created_by = Set(Some(to.0));
    active.updated_at = Set(Utc::now());
    let row = active.update(&svc.db).await?;
    // Both owners' rights changed: their sockets are checked again.
    svc.publish_access(domain::realtime::AccessEvent::AccessChanged { org_id });
    let org = with_images(svc, convert::org(&row)).await?;
    svc.publish(domain::realtime::DomainEvent {
        traceparent: None,
        org_id,
        origin: None,
        kind: domain::realtime::EventKind::OrgUpdated(org.clone()),
    });
    Ok(org)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{acme, member, on_each_database, person};

    on_each_database!(only_the_owner_hands_the_org_to_a_member, |svc| {
        let owner = acme(&svc, Default::default()).await;
        let bo = member(&svc, &owner, "bo@example.test").await;
        let cy = member(&svc, &owner, "cy@example.test").await;
        let outsider = person(&svc, "out@example.test").await;
        let bo_id = bo.user_id().unwrap();

        let err = transfer(&svc, &cy, "acme", bo_id).await.unwrap_err();
        assert!(matches!(err, DomainError::Forbidden(_)), "{err:?}");
        let err = transfer(&svc, &owner, "acme", outsider.user_id().unwrap())
            .await
            .unwrap_err();
        assert!(
            matches!(&err, DomainError::Invalid(f) if f.contains_key("userId")),
            "{err:?}"
        );
        let err = transfer(&svc, &owner, "acme", owner.user_id().unwrap())
            .await
            .unwrap_err();
        assert!(matches!(err, DomainError::Invalid(_)), "{err:?}");

        let org = transfer(&svc, &owner, "acme", bo_id).await.unwrap();
        assert_eq!(org.created_by, Some(bo_id));
        // The old owner stays a member, no longer the owner.
        assert!(get(&svc, &owner, "acme").await.is_ok());
        let err = transfer(&svc, &owner, "acme", owner.user_id().unwrap())
            .await
            .unwrap_err();
        assert!(matches!(err, DomainError::Forbidden(_)), "{err:?}");
        let err = delete(&svc, &owner, "acme").await.unwrap_err();
        assert!(matches!(err, DomainError::Forbidden(_)), "{err:?}");
        // The new owner cannot be removed, and may delete the org.
        let err = crate::member::remove(&svc, &owner, "acme", bo_id)
            .await
            .unwrap_err();
        assert!(matches!(err, DomainError::Forbidden(_)), "{err:?}");
        delete(&svc, &bo, "acme").await.unwrap();
        assert!(matches!(
            get(&svc, &bo, "acme").await.unwrap_err(),
            DomainError::NotFound
        ));
    });
}
