//! My Tasks: the signed-in user's tasks across every org they belong to.

use super::to_dtos;
use crate::access;
use crate::{Actor, DomainError, Result, Services};
use domain::dto::{MyTask, MyTaskRole, NotificationKind, OrgRef};
use entity::{member, notification, organization, task, task_assignee};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::BTreeMap;
use uuid::Uuid;

/// The most tasks My Tasks lists, most recently changed first.
pub const MINE_LIMIT: u64 = 500;

/// The user's tasks in the orgs they are a member of: assigned to them, created by them,
/// or mentioning them (where they were told of a mention). Newest change first.
#[tracing::instrument(name = "task.mine", skip(svc, actor))]
pub async fn mine(svc: &Services, actor: &Actor, role: MyTaskRole) -> Result<Vec<MyTask>> {
    let me = actor.user_id().ok_or(DomainError::Unauthenticated)?.0;
    let orgs: Vec<Uuid> = member::Entity::find()
        .select_only()
        .column(member::Column::OrgId)
        .filter(member::Column::UserId.eq(me))
        .into_tuple()
        .all(&svc.db)
        .await?;
    if orgs.is_empty() {
        return Ok(Vec::new());
    }
    let mut query = task::Entity::find().filter(task::Column::OrgId.is_in(orgs));
    query = match role {
        MyTaskRole::Assigned => query.filter(
            task::Column::Id.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(task_assignee::Column::TaskId)
                    .from(task_assignee::Entity)
                    .and_where(task_assignee::Column::UserId.eq(me))
                    .to_owned(),
            ),
        ),
        MyTaskRole::Created => query.filter(task::Column::CreatedBy.eq(me)),
        MyTaskRole::Mentioned => query.filter(
            task::Column::Id.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(notification::Column::TaskId)
                    .from(notification::Entity)
                    .and_where(notification::Column::UserId.eq(me))
                    .and_where(notification::Column::Kind.eq(NotificationKind::Mentioned.as_str()))
                    .to_owned(),
            ),
        ),
    };
    let rows = query
        .order_by_desc(task::Column::UpdatedAt)
        .limit(MINE_LIMIT)
        .all(&svc.db)
        .await?;
    let mut by_org: BTreeMap<Uuid, Vec<task::Model>> = BTreeMap::new();
    for row in rows {
        by_org.entry(row.org_id).or_default().push(row);
    }
    let mut out = Vec::new();
    for (org_id, rows) in by_org {
        let Some(org) = organization::Entity::find_by_id(org_id)
            .one(&svc.db)
            .await?
        else {
            continue;
        };
        let access = access::resolve(&svc.db, actor, org).await?;
        if !access.member {
            continue;
        }
        let org_ref = OrgRef {
            id: access.org.id.into(),
            slug: access.org.slug.clone(),
            name: access.org.name.clone(),
        };
        for task in to_dtos(&svc.db, &access, &rows).await? {
            out.push(MyTask {
                org: org_ref.clone(),
                task,
            });
        }
    }
    out.sort_by(|a, b| b.task.updated_at.cmp(&a.task.updated_at));
    Ok(out)
}
