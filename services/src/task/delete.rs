//! Deleting tasks.

use super::write::{deny, writer};
use super::{find_visible, to_dtos};
use crate::access;
use crate::file;
use crate::{Actor, Result, Services};
use domain::realtime::{DomainEvent, EventKind};
use entity::task;
use sea_orm::EntityTrait;

/// Deletes a task: `tasks.deleteAny`, or its creator. Its subtasks stay, without a parent.
#[tracing::instrument(name = "task.delete", skip(svc, actor, origin))]
pub async fn delete(
    svc: &Services,
    actor: &Actor,
    slug: &str,
    number: i64,
    origin: Option<String>,
) -> Result<()> {
    let access = access::load(svc, actor, slug).await?;
    let row = find_visible(&svc.db, &access, number).await?;
    writer(actor, &access)?;
    let creator = actor.user_id().is_some_and(|u| row.created_by == Some(u.0));
    if !creator && !access.permissions.tasks.delete_any {
        return Err(deny("delete this task"));
    }
    let task = to_dtos(&svc.db, &access, std::slice::from_ref(&row))
        .await?
        .remove(0);
    let txn = svc.begin().await?;
    let files = file::take_for_task(&txn, row.id).await?;
    task::Entity::delete_by_id(row.id).exec(&txn).await?;
    txn.commit().await?;
    file::remove_objects(svc, files).await;
    svc.publish(DomainEvent {
        traceparent: None,
        org_id: access.id(),
        origin,
        kind: EventKind::TaskDeleted(task),
    });
    Ok(())
}
