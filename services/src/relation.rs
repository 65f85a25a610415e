//! Relations between tasks of one org (related, blocking, duplicate). Members with
//! `tasks.editAny`, or the source task's creator and assignees, add and remove them; the
//! public sees those between two public tasks.

use super::access::{self, OrgAccess};
use super::task::find_visible;
use super::timeline::{self, Entry};
use super::{Actor, DomainError, Result, Services};
use chrono::Utc;
use domain::dto::{NewRelation, RelationKind, TaskRelation, Visibility};
use domain::parse::FieldError;
use entity::{task, task_assignee, task_relation};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, Set,
};
use serde_json::json;
use std::collections::HashMap;
use uuid::Uuid;

/// May the actor link task `row` to others?
async fn ensure_may_link(
    db: &impl ConnectionTrait,
    actor: &Actor,
    access: &OrgAccess,
    row: &task::Model,
) -> Result<()> {
    match actor {
        Actor::Anonymous { .. } => return Err(DomainError::Unauthenticated),
        _ if !access.member => return Err(DomainError::forbidden("members only")),
        _ if access.permissions.tasks.edit_any => return Ok(()),
        _ => {}
    }
    let deny = || DomainError::forbidden("you may not change this task's relations");
    let me = actor.user_id().ok_or_else(deny)?;
    let assigned = task_assignee::Entity::find_by_id((row.id, me.0))
        .one(db)
        .await?
        .is_some();
    if row.created_by == Some(me.0) || assigned {
        Ok(())
    } else {
        Err(deny())
    }
}

/// The other end of a new relation: another task of the same org.
async fn target(
    db: &impl ConnectionTrait,
    source: &task::Model,
    number: i64,
) -> Result<task::Model> {
    let bad = |m: &str| DomainError::from(FieldError::new("targetNumber", m));
    let target = task::Entity::find()
        .filter(task::Column::OrgId.eq(source.org_id))
        .filter(task::Column::Number.eq(number))
        .one(db)
        .await?
        .ok_or_else(|| bad("is not a task of this organization"))?;
    if target.id == source.id {
        return Err(bad("cannot be the task itself"));
    }
    Ok(target)
}

fn to_dto(row: &task_relation::Model, source: i64, target: i64) -> Result<TaskRelation> {
    Ok(TaskRelation {
        id: row.id,
        kind: row.kind,
        source_number: source,
        target_number: target,
        created_at: row.created_at,
    })
}

/// The timeline's record of a relation: its type and the other task's number. It is
/// internal when the other task is private.
fn entry(kind: &'static str, relation: RelationKind, target: &task::Model, added: bool) -> Entry {
    let value = Some(json!({"type": relation, "number": target.number}));
    let (from, to) = if added { (None, value) } else { (value, None) };
    Entry::new(kind, from, to).internal(target.visibility != Visibility::Public)
}

/// The relations task `number` takes part in, from either end, oldest first: all for
/// members, those between two public tasks for everyone else.
#[tracing::instrument(name = "relation.list", skip(svc, actor))]
pub async fn list(
    svc: &Services,
    actor: &Actor,
    slug: &str,
    number: i64,
) -> Result<Vec<TaskRelation>> {
    let access = access::load(svc, actor, slug).await?;
    let row = find_visible(&svc.db, &access, number).await?;
    let relations = task_relation::Entity::find()
        .filter(
            Condition::any()
                .add(task_relation::Column::SourceTaskId.eq(row.id))
                .add(task_relation::Column::TargetTaskId.eq(row.id)),
        )
        .order_by_asc(task_relation::Column::CreatedAt)
        .all(&svc.db)
        .await?;
    let others: Vec<Uuid> = relations
        .iter()
        .flat_map(|r| [r.source_task_id, r.target_task_id])
        .filter(|id| *id != row.id)
        .collect();
    let mut tasks: HashMap<Uuid, (i64, bool)> = task::Entity::find()
        .filter(task::Column::Id.is_in(others))
        .all(&svc.db)
        .await?
        .into_iter()
        .map(|t| (t.id, (t.number, t.visibility == Visibility::Public)))
        .collect();
    let public = row.visibility == Visibility::Public;
    tasks.insert(row.id, (row.number, public));
    relations
        .iter()
        .filter_map(|r| {
            let (source, source_public) = *tasks.get(&r.source_task_id)?;
            let (target, target_public) = *tasks.get(&r.target_task_id)?;
            (access.member || (source_public && target_public)).then(|| to_dto(r, source, target))
        })
        .collect()
}

/// Links task `number` to another task of the org. The same link twice is a Conflict.
#[tracing::instrument(name = "relation.add", skip(svc, actor))]
pub async fn add(
    svc: &Services,
    actor: &Actor,
    slug: &str,
    number: i64,
    input: NewRelation,
) -> Result<TaskRelation> {
    let access = access::load(svc, actor, slug).await?;
    let row = find_visible(&svc.db, &access, number).await?;
    ensure_may_link(&svc.db, actor, &access, &row).await?;
    let target = target(&svc.db, &row, input.target_number).await?;
    let taken = || DomainError::conflict("these tasks are already linked this way");
    let existing = task_relation::Entity::find()
        .filter(task_relation::Column::SourceTaskId.eq(row.id))
        .filter(task_relation::Column::TargetTaskId.eq(target.id))
        .filter(task_relation::Column::Kind.eq(input.kind))
        .one(&svc.db)
        .await?;
    if existing.is_some() {
        return Err(taken());
    }
    let by = actor.user_id().map(|u| u.0);
    let txn = svc.begin().await?;
    let created = task_relation::ActiveModel {
        id: Set(Uuid::new_v4()),
        org_id: Set(access.org.id),
        source_task_id: Set(row.id),
        target_task_id: Set(target.id),
        kind: Set(input.kind),
        created_by: Set(by),
        created_at: Set(Utc::now()),
    }
    .insert(&txn)
    .await
    .map_err(|e| match e.sql_err() {
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => taken(),
        _ => e.into(),
    })?;
    let added = entry("relation_added", input.kind, &target, true);
    timeline::record(&txn, access.org.id, row.id, by, vec![added]).await?;
    txn.commit().await?;
    to_dto(&created, row.number, target.number)
}

/// Removes the link from task `number` described by `input`; NotFound if there is none.
#[tracing::instrument(name = "relation.remove", skip(svc, actor))]
pub async fn remove(
    svc: &Services,
    actor: &Actor,
    slug: &str,
    number: i64,
    input: NewRelation,
) -> Result<()> {
    let access = access::load(svc, actor, slug).await?;
    let row = find_visible(&svc.db, &access, number).await?;
    ensure_may_link(&svc.db, actor, &access, &row).await?;
    let target = target(&svc.db, &row, input.target_number).await?;
    let by = actor.user_id().map(|u| u.0);
    let txn = svc.begin().await?;
    let removed = task_relation::Entity::delete_many()
        .filter(task_relation::Column::SourceTaskId.eq(row.id))
        .filter(task_relation::Column::TargetTaskId.eq(target.id))
        .filter(task_relation::Column::Kind.eq(input.kind))
        .exec(&txn)
        .await?
        .rows_affected;
    if removed == 0 {
        txn.rollback().await?;
        return Err(DomainError::NotFound);
    }
    let removed = entry("relation_removed", input.kind, &target, false);
    timeline::record(&txn, access.org.id, row.id, by, vec![removed]).await?;
    txn.commit().await?;
    Ok(())
}
