//! What every task write checks: that the actor writes as a member, and that the labels,
//! assignees, category and parent it names belong to the org. The writes themselves are in
//! `create`, `update` and `delete`; each records a timeline entry per change in the same
//! transaction and publishes after commit.

use crate::access::OrgAccess;
use crate::{Actor, DomainError, Result};
use domain::dto::Visibility;
use domain::parse::FieldError;
use domain::{CategoryId, LabelId, UserId};
use entity::{category, label, member, task};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use std::collections::{BTreeMap, BTreeSet};
use uuid::Uuid;

/// Who is writing: a member (or the system), or the right error.
pub(super) fn writer(actor: &Actor, access: &OrgAccess) -> Result<()> {
    match actor {
        Actor::Anonymous { .. } => Err(DomainError::Unauthenticated),
        _ if access.member => Ok(()),
        _ => Err(DomainError::forbidden("members only")),
    }
}

pub(super) fn deny(what: &str) -> DomainError {
    DomainError::forbidden(format!("you may not {what} on this task"))
}

/// The org's labels with these ids (id → private?); an unknown id is bad input.
pub(super) async fn labels(
    db: &impl ConnectionTrait,
    org: Uuid,
    ids: &[LabelId],
) -> Result<BTreeMap<Uuid, bool>> {
    let wanted: BTreeSet<Uuid> = ids.iter().map(|l| l.0).collect();
    let found: BTreeMap<Uuid, bool> = label::Entity::find()
        .filter(label::Column::OrgId.eq(org))
        .filter(label::Column::Id.is_in(wanted.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|l| (l.id, l.visibility != Visibility::Public))
        .collect();
    if found.len() != wanted.len() {
        return Err(
            FieldError::new("labelIds", "holds a label this organization does not have").into(),
        );
    }
    Ok(found)
}

/// Checks that every assignee is a member of the org.
pub(super) async fn assignees(
    db: &impl ConnectionTrait,
    org: Uuid,
    ids: &[UserId],
) -> Result<BTreeSet<Uuid>> {
    let wanted: BTreeSet<Uuid> = ids.iter().map(|u| u.0).collect();
    let found = member::Entity::find()
        .filter(member::Column::OrgId.eq(org))
        .filter(member::Column::UserId.is_in(wanted.iter().copied()))
        .all(db)
        .await?
        .len();
    if found != wanted.len() {
        return Err(FieldError::new("assigneeIds", "holds someone who is not a member").into());
    }
    Ok(wanted)
}

pub(crate) async fn category_in_org(
    db: &impl ConnectionTrait,
    org: Uuid,
    id: CategoryId,
) -> Result<Uuid> {
    category::Entity::find_by_id(id.0)
        .filter(category::Column::OrgId.eq(org))
        .one(db)
        .await?
        .map(|c| c.id)
        .ok_or_else(|| {
            FieldError::new("categoryId", "is not a category of this organization").into()
        })
}

/// The parent for `child` (none when creating): in the org, not itself, one level deep.
pub(super) async fn parent_for(
    db: &impl ConnectionTrait,
    org: Uuid,
    number: i64,
    child: Option<&task::Model>,
) -> Result<task::Model> {
    let bad = |m: &str| DomainError::from(FieldError::new("parentNumber", m));
    let parent = task::Entity::find()
        .filter(task::Column::OrgId.eq(org))
        .filter(task::Column::Number.eq(number))
        .one(db)
        .await?
        .ok_or_else(|| bad("is not a task of this organization"))?;
    if parent.parent_id.is_some() {
        return Err(bad("is itself a subtask: subtasks go one level deep"));
    }
    if let Some(child) = child {
        if child.id == parent.id {
            return Err(bad("cannot be the task itself"));
        }
        let has_children = task::Entity::find()
            .filter(task::Column::ParentId.eq(child.id))
            .one(db)
            .await?
            .is_some();
        if has_children {
            return Err(bad("cannot be set on a task that has subtasks"));
        }
    }
    Ok(parent)
}
