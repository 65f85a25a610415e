//! Task timelines: every change is recorded in the transaction that makes it.

use super::access::{OrgAccess, find_visible};
use super::{Actor, Result, Services, access};
use chrono::Utc;
use domain::dto::{TimelineEntry, UserRef};
use entity::{task, task_timeline, user};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use serde_json::Value;
use std::collections::HashSet;
use uuid::Uuid;

/// A change to record.
#[derive(Debug)]
pub(crate) struct Entry {
    pub kind: &'static str,
    pub from: Option<Value>,
    pub to: Option<Value>,
    /// Seen by members only (it names something private).
    pub internal: bool,
}

impl Entry {
    pub fn new(kind: &'static str, from: Option<Value>, to: Option<Value>) -> Self {
        Self {
            kind,
            from,
            to,
            internal: false,
        }
    }

    pub fn internal(mut self, internal: bool) -> Self {
        self.internal = internal;
        self
    }
}

/// Writes entries for one task.
pub(crate) async fn record(
    db: &impl ConnectionTrait,
    org: Uuid,
    task: Uuid,
    actor: Option<Uuid>,
    entries: Vec<Entry>,
) -> Result<()> {
    let now = Utc::now();
    for e in entries {
        task_timeline::ActiveModel {
            id: Set(Uuid::new_v4()),
            org_id: Set(org),
            task_id: Set(task),
            actor_id: Set(actor),
            event_type: Set(e.kind.to_string()),
            from_value: Set(e.from.map(|v| v.to_string())),
            to_value: Set(e.to.map(|v| v.to_string())),
            comment_id: Set(None),
            visibility: Set(if e.internal { "internal" } else { "public" }.to_string()),
            created_at: Set(now),
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

/// Writes the "comment" entry of a new comment; an internal comment's entry is internal.
pub(crate) async fn record_comment(
    db: &impl ConnectionTrait,
    org: Uuid,
    task: Uuid,
    actor: Option<Uuid>,
    comment: Uuid,
    internal: bool,
) -> Result<()> {
    task_timeline::ActiveModel {
        id: Set(Uuid::new_v4()),
        org_id: Set(org),
        task_id: Set(task),
        actor_id: Set(actor),
        event_type: Set("comment".to_string()),
        from_value: Set(None),
        to_value: Set(Some(Value::from(comment.to_string()).to_string())),
        comment_id: Set(Some(comment)),
        visibility: Set(if internal { "internal" } else { "public" }.to_string()),
        created_at: Set(Utc::now()),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// A task's history, oldest first: everything for members, public entries for the public.
pub async fn list(
    svc: &Services,
    actor: &Actor,
    slug: &str,
    number: i64,
) -> Result<Vec<TimelineEntry>> {
    let access = access::load(svc, actor, slug).await?;
    let task = find_visible(&svc.db, &access, number).await?;
    let mut query = task_timeline::Entity::find().filter(task_timeline::Column::TaskId.eq(task.id));
    if !access.member {
        query = query.filter(task_timeline::Column::Visibility.eq("public"));
    }
    let rows = query
        .order_by_asc(task_timeline::Column::CreatedAt)
        .find_also_related(user::Entity)
        .all(&svc.db)
        .await?;
    let parse = |v: Option<String>| v.and_then(|s| serde_json::from_str(&s).ok());
    let hidden = if access.member {
        HashSet::new()
    } else {
        unseen_relatives(&svc.db, &access, &rows).await?
    };
    Ok(rows
        .into_iter()
        .filter(|(e, _)| !hidden.contains(&e.id))
        .map(|(e, u)| TimelineEntry {
            id: e.id,
            kind: e.event_type,
            // The public sees that something changed, not which member changed it.
            actor: u.filter(|_| access.member).map(|u| UserRef {
                id: u.id.into(),
                name: u.name,
            }),
            from: parse(e.from_value),
            to: parse(e.to_value),
            visibility: e.visibility,
            created_at: e.created_at,
        })
        .collect())
}

/// The entries that name a parent or subtask the reader may not see (by number, or by id
/// for `parent_removed`): a private task's number is not revealed, not even in history.
async fn unseen_relatives(
    db: &impl ConnectionTrait,
    access: &OrgAccess,
    rows: &[(task_timeline::Model, Option<user::Model>)],
) -> Result<HashSet<Uuid>> {
    enum Names {
        Number(i64),
        Id(Uuid),
    }
    let named: Vec<(Uuid, Names)> = rows
        .iter()
        .filter_map(|(e, _)| {
            let value = match e.event_type.as_str() {
                "parent_added" | "subtask_added" => e.to_value.as_deref(),
                "parent_removed" | "subtask_removed" => e.from_value.as_deref(),
                _ => return None,
            }?;
            let value: Value = serde_json::from_str(value).ok()?;
            let names = match (value.as_i64(), value.as_str().and_then(|s| s.parse().ok())) {
                (Some(n), _) => Names::Number(n),
                (None, Some(id)) => Names::Id(id),
                _ => return None,
            };
            Some((e.id, names))
        })
        .collect();
    if named.is_empty() {
        return Ok(HashSet::new());
    }
    let numbers: Vec<i64> = named
        .iter()
        .filter_map(|(_, n)| match n {
            Names::Number(n) => Some(*n),
            Names::Id(_) => None,
        })
        .collect();
    let ids: Vec<Uuid> = named
        .iter()
        .filter_map(|(_, n)| match n {
            Names::Id(id) => Some(*id),
            Names::Number(_) => None,
        })
        .collect();
    let tasks = task::Entity::find()
        .filter(task::Column::OrgId.eq(access.org.id))
        .filter(
            sea_orm::Condition::any()
                .add(task::Column::Number.is_in(numbers))
                .add(task::Column::Id.is_in(ids)),
        )
        .all(db)
        .await?;
    let seen_numbers: HashSet<i64> = tasks
        .iter()
        .filter(|t| access.sees_task(t))
        .map(|t| t.number)
        .collect();
    let seen_ids: HashSet<Uuid> = tasks
        .iter()
        .filter(|t| access.sees_task(t))
        .map(|t| t.id)
        .collect();
    Ok(named
        .into_iter()
        .filter(|(_, names)| match names {
            Names::Number(n) => !seen_numbers.contains(n),
            Names::Id(id) => !seen_ids.contains(id),
        })
        .map(|(entry, _)| entry)
        .collect())
}
