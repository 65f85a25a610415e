//! Labels: members manage them with `content.manageLabels`; the public sees public ones.

use super::access::{self, OrgAccess};
use super::{Actor, DomainError, Result, Services, convert, error::Fields};
use chrono::Utc;
use domain::LabelId;
use domain::dto::{Label, LabelPatch, NewLabel, Visibility};
use domain::parse::{Color, LabelName};
use domain::realtime::{DomainEvent, EventKind};
use entity::label;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use uuid::Uuid;

fn must_manage(access: &OrgAccess) -> Result<()> {
    if access.permissions.content.manage_labels {
        Ok(())
    } else {
        Err(DomainError::forbidden(
            "you may not manage labels in this organization",
        ))
    }
}

fn name_taken(e: sea_orm::DbErr) -> DomainError {
    match e.sql_err() {
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => {
            DomainError::conflict("a label with this name exists")
        }
        _ => e.into(),
    }
}

async fn find(svc: &Services, access: &OrgAccess, id: LabelId) -> Result<label::Model> {
    label::Entity::find_by_id(id.0)
        .filter(label::Column::OrgId.eq(access.org.id))
        .one(&svc.db)
        .await?
        .ok_or(DomainError::NotFound)
}

/// The org's labels: all for members, public ones for everyone else.
pub async fn list(svc: &Services, actor: &Actor, slug: &str) -> Result<Vec<Label>> {
    let access = access::load(svc, actor, slug).await?;
    visible(&svc.db, &access).await
}

/// The org's labels as `access` may see them: the public ones only for outsiders.
pub(crate) async fn visible(db: &impl ConnectionTrait, access: &OrgAccess) -> Result<Vec<Label>> {
    let mut query = label::Entity::find().filter(label::Column::OrgId.eq(access.org.id));
    if !access.member {
        query = query.filter(label::Column::Visibility.eq(Visibility::Public));
    }
    Ok(query
        .order_by_asc(label::Column::Name)
        .all(db)
        .await?
        .iter()
        .map(convert::label)
        .collect())
}

/// Creates a label.
pub async fn create(
    svc: &Services,
    actor: &Actor,
    slug: &str,
    input: NewLabel,
    origin: Option<String>,
) -> Result<Label> {
    let access = access::load_member(svc, actor, slug).await?;
    must_manage(&access)?;
    let mut fields = Fields::default();
    let name = fields.check(LabelName::parse(&input.name));
    let color = fields.check(Color::parse(&input.color));
    fields.finish()?;
    let now = Utc::now();
    let row = label::ActiveModel {
        id: Set(Uuid::new_v4()),
        org_id: Set(access.org.id),
        name: Set(name.unwrap().as_str().to_string()),
        color: Set(color.unwrap().as_str().to_string()),
        visibility: Set(input.visibility.unwrap_or(Visibility::Public)),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&svc.db)
    .await
    .map_err(name_taken)?;
    let created = convert::label(&row);
    svc.publish(DomainEvent {
        traceparent: None,
        org_id: access.id(),
        origin,
        kind: EventKind::LabelCreated(created.clone()),
    });
    Ok(created)
}

/// Changes a label.
pub async fn update(
    svc: &Services,
    actor: &Actor,
    slug: &str,
    id: LabelId,
    patch: LabelPatch,
    origin: Option<String>,
) -> Result<Label> {
    let access = access::load_member(svc, actor, slug).await?;
    must_manage(&access)?;
    let row = find(svc, &access, id).await?;
    let before = convert::label(&row);
    let mut fields = Fields::default();
    let name = fields.check(patch.name.as_deref().map(LabelName::parse).transpose());
    let color = fields.check(patch.color.as_deref().map(Color::parse).transpose());
    fields.finish()?;
    let mut active: label::ActiveModel = row.into();
    if let Some(Some(name)) = name {
        active.name = Set(name.as_str().to_string());
    }
    if let Some(Some(color)) = color {
        active.color = Set(color.as_str().to_string());
    }
    if let Some(visibility) = patch.visibility {
        active.visibility = Set(visibility);
    }
    active.updated_at = Set(Utc::now());
    let after = convert::label(&active.update(&svc.db).await.map_err(name_taken)?);
    svc.publish(DomainEvent {
        traceparent: None,
        org_id: access.id(),
        origin,
        kind: EventKind::LabelUpdated {
            before,
            after: after.clone(),
        },
    });
    Ok(after)
}

/// Deletes a label; tasks lose it.
pub async fn delete(
    svc: &Services,
    actor: &Actor,
    slug: &str,
    id: LabelId,
    origin: Option<String>,
) -> Result<()> {
    let access = access::load_member(svc, actor, slug).await?;
    must_manage(&access)?;
    let row = find(svc, &access, id).await?;
    let gone = convert::label(&row);
    label::Entity::delete_by_id(row.id).exec(&svc.db).await?;
    svc.publish(DomainEvent {
        traceparent: None,
        org_id: access.id(),
        origin,
        kind: EventKind::LabelDeleted(gone),
    });
    Ok(())
}
