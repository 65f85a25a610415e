//! Task timelines: every change is recorded in the transaction that makes it.

use super::access::find_visible;
use super::{Actor, Result, Services, access};
use chrono::Utc;
use domain::dto::{TimelineEntry, UserRef};
use entity::{task_timeline, user};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use serde_json::Value;
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
    Ok(rows
        .into_iter()
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
