//! Tasks: listing, creating, reading.

use super::org::{self, OrgAccess};
use super::{Actor, DomainError, Result, Services, convert, error::Fields};
use crate::model::{NewTask, Task, Visibility};
use crate::parse::{Markdown, TaskTitle};
use crate::realtime::{DomainEvent, EventKind};
use chrono::Utc;
use entity::{organization, task};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, TransactionTrait,
};
use std::collections::HashMap;
use uuid::Uuid;

/// The most tasks one list call returns.
pub const MAX_LIMIT: u64 = 100;

/// An org's tasks as the actor may see them.
#[derive(Clone, Debug)]
pub struct TaskList {
    pub org: crate::model::Org,
    pub tasks: Vec<Task>,
}

/// Builds DTOs for rows of one org, looking up parent numbers in one query.
async fn to_dtos(
    db: &impl ConnectionTrait,
    access: &OrgAccess,
    rows: &[task::Model],
) -> Result<Vec<Task>> {
    let parent_ids: Vec<Uuid> = rows.iter().filter_map(|r| r.parent_id).collect();
    let parents: HashMap<Uuid, i64> = if parent_ids.is_empty() {
        HashMap::new()
    } else {
        task::Entity::find()
            .filter(task::Column::Id.is_in(parent_ids))
            .all(db)
            .await?
            .into_iter()
            .map(|p| (p.id, p.number))
            .collect()
    };
    let short_id = &access.org.short_id;
    rows.iter()
        .map(|r| {
            let dto = convert::task(
                r,
                short_id,
                r.parent_id.and_then(|p| parents.get(&p).copied()),
            )?;
            Ok(if access.member {
                dto
            } else {
                dto.public_view()
            })
        })
        .collect()
}

/// The newest tasks of the org: all of them for members, the public ones for everyone else
/// when the public page is on.
#[tracing::instrument(skip(svc, actor))]
pub async fn list(svc: &Services, actor: &Actor, slug: &str, limit: u64) -> Result<TaskList> {
    let access = org::load(svc, actor, slug).await?;
    let mut query = task::Entity::find().filter(task::Column::OrgId.eq(access.org.id));
    if !access.member {
        query = query.filter(task::Column::Visibility.eq(Visibility::Public.as_str()));
    }
    let rows = query
        .order_by_desc(task::Column::Number)
        .limit(limit.clamp(1, MAX_LIMIT))
        .all(&svc.db)
        .await?;
    let tasks = to_dtos(&svc.db, &access, &rows).await?;
    Ok(TaskList {
        org: access.dto(),
        tasks,
    })
}

/// One task by its number, as the actor may see it.
pub async fn get(svc: &Services, actor: &Actor, slug: &str, number: i64) -> Result<Task> {
    let access = org::load(svc, actor, slug).await?;
    let row = task::Entity::find()
        .filter(task::Column::OrgId.eq(access.org.id))
        .filter(task::Column::Number.eq(number))
        .one(&svc.db)
        .await?
        .ok_or(DomainError::NotFound)?;
    if !access.member && row.visibility != Visibility::Public.as_str() {
        return Err(DomainError::NotFound);
    }
    Ok(to_dtos(&svc.db, &access, &[row]).await?.remove(0))
}

/// Creates a task with the org's next number. The number comes from bumping the org's
/// counter inside the same transaction, so concurrent creates never share or skip one.
#[tracing::instrument(skip(svc, actor, input, origin))]
pub async fn create(
    svc: &Services,
    actor: &Actor,
    slug: &str,
    input: NewTask,
    origin: Option<String>,
) -> Result<Task> {
    let access = org::load(svc, actor, slug).await?;
    if !matches!(actor, Actor::User(_) | Actor::System) {
        return Err(DomainError::Unauthenticated);
    }
    if !access.member || !access.permissions.tasks.create {
        return Err(DomainError::forbidden(
            "you may not create tasks in this organization",
        ));
    }
    let mut fields = Fields::default();
    let title = fields.check(TaskTitle::parse(&input.title));
    let description = fields.check(Markdown::parse(
        "description",
        input.description.as_deref().unwrap_or(""),
    ));
    fields.finish()?;
    let (title, description) = (title.unwrap(), description.unwrap());

    let txn = svc.db.begin().await?;
    let bumped = organization::Entity::update_many()
        .col_expr(
            organization::Column::LastTaskNumber,
            Expr::col(organization::Column::LastTaskNumber).add(1),
        )
        .filter(organization::Column::Id.eq(access.org.id))
        .exec_with_returning(&txn)
        .await?;
    let number = bumped
        .first()
        .ok_or(DomainError::NotFound)?
        .last_task_number;
    let now = Utc::now();
    let row = task::ActiveModel {
        id: Set(Uuid::new_v4()),
        org_id: Set(access.org.id),
        number: Set(number),
        title: Set(title.as_str().to_string()),
        description: Set(description.as_str().to_string()),
        description_html: Set(String::new()),
        category_id: Set(None),
        status: Set(input.status.unwrap_or_default().as_str().to_string()),
        priority: Set(input.priority.unwrap_or_default().as_str().to_string()),
        visibility: Set(input.visibility.unwrap_or_default().as_str().to_string()),
        parent_id: Set(None),
        vote_count: Set(0),
        comment_count: Set(0),
        created_by: Set(actor.user_id().map(|u| u.0)),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;

    let task = convert::task(&row, &access.org.short_id, None)?;
    svc.bus.publish(DomainEvent {
        org_id: access.id(),
        origin,
        kind: EventKind::TaskCreated(task.clone()),
    });
    Ok(task)
}
