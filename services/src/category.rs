//! Categories: managed with `content.manageCategories`, seen by whoever sees the org.

use super::access::{self, OrgAccess};
use super::{Actor, DomainError, Result, Services, convert, error::Fields};
use chrono::Utc;
use domain::CategoryId;
use domain::dto::{Category, CategoryPatch, NewCategory};
use domain::parse::{Color, Icon, LabelName};
use domain::realtime::{DomainEvent, EventKind};
use entity::category;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use uuid::Uuid;

fn must_manage(access: &OrgAccess) -> Result<()> {
    if access.permissions.content.manage_categories {
        Ok(())
    } else {
        Err(DomainError::forbidden(
            "you may not manage categories in this organization",
        ))
    }
}

fn name_taken(e: sea_orm::DbErr) -> DomainError {
    match e.sql_err() {
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => {
            DomainError::conflict("a category with this name exists")
        }
        _ => e.into(),
    }
}

pub(crate) async fn all(db: &impl ConnectionTrait, org: Uuid) -> Result<Vec<Category>> {
    let rows = category::Entity::find()
        .filter(category::Column::OrgId.eq(org))
        .order_by_asc(category::Column::Name)
        .all(db)
        .await?;
    Ok(rows.iter().map(convert::category).collect())
}

/// Tells every room the org's categories after a change.
async fn announce(svc: &Services, access: &OrgAccess, origin: Option<String>) -> Result<()> {
    let categories = all(&svc.db, access.org.id).await?;
    svc.publish(DomainEvent {
        traceparent: None,
        org_id: access.id(),
        origin,
        kind: EventKind::CategoriesChanged(categories),
    });
    Ok(())
}

/// The org's categories, for whoever may see the org.
pub async fn list(svc: &Services, actor: &Actor, slug: &str) -> Result<Vec<Category>> {
    let access = access::load(svc, actor, slug).await?;
    all(&svc.db, access.org.id).await
}

/// Creates a category.
pub async fn create(
    svc: &Services,
    actor: &Actor,
    slug: &str,
    input: NewCategory,
    origin: Option<String>,
) -> Result<Category> {
    let access = access::load_member(svc, actor, slug).await?;
    must_manage(&access)?;
    let mut fields = Fields::default();
    let name = fields.check(LabelName::parse(&input.name));
    let color = fields.check(Color::parse(&input.color));
    let icon = fields.check(input.icon.as_deref().map(Icon::parse).transpose());
    fields.finish()?;
    let now = Utc::now();
    let row = category::ActiveModel {
        id: Set(Uuid::new_v4()),
        org_id: Set(access.org.id),
        name: Set(name.unwrap().as_str().to_string()),
        color: Set(color.unwrap().as_str().to_string()),
        icon: Set(icon.flatten().map(|i| i.as_str().to_string())),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&svc.db)
    .await
    .map_err(name_taken)?;
    announce(svc, &access, origin).await?;
    Ok(convert::category(&row))
}

/// Changes a category.
pub async fn update(
    svc: &Services,
    actor: &Actor,
    slug: &str,
    id: CategoryId,
    patch: CategoryPatch,
    origin: Option<String>,
) -> Result<Category> {
    let access = access::load_member(svc, actor, slug).await?;
    must_manage(&access)?;
    let row = category::Entity::find_by_id(id.0)
        .filter(category::Column::OrgId.eq(access.org.id))
        .one(&svc.db)
        .await?
        .ok_or(DomainError::NotFound)?;
    let mut fields = Fields::default();
    let name = fields.check(patch.name.as_deref().map(LabelName::parse).transpose());
    let color = fields.check(patch.color.as_deref().map(Color::parse).transpose());
    let icon = fields.check(
        patch
            .icon
            .as_ref()
            .map(|i| i.as_deref().map(Icon::parse).transpose())
            .transpose(),
    );
    fields.finish()?;
    let mut active: category::ActiveModel = row.into();
    if let Some(Some(name)) = name {
        active.name = Set(name.as_str().to_string());
    }
    if let Some(Some(color)) = color {
        active.color = Set(color.as_str().to_string());
    }
    if let Some(Some(icon)) = icon {
        active.icon = Set(icon.map(|i| i.as_str().to_string()));
    }
    active.updated_at = Set(Utc::now());
    let row = active.update(&svc.db).await.map_err(name_taken)?;
    announce(svc, &access, origin).await?;
    Ok(convert::category(&row))
}

/// Deletes a category; its tasks keep going without one.
pub async fn delete(
    svc: &Services,
    actor: &Actor,
    slug: &str,
    id: CategoryId,
    origin: Option<String>,
) -> Result<()> {
    let access = access::load_member(svc, actor, slug).await?;
    must_manage(&access)?;
    let deleted = category::Entity::delete_many()
        .filter(category::Column::Id.eq(id.0))
        .filter(category::Column::OrgId.eq(access.org.id))
        .exec(&svc.db)
        .await?;
    if deleted.rows_affected == 0 {
        return Err(DomainError::NotFound);
    }
    announce(svc, &access, origin).await
}
