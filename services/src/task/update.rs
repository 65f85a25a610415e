//! Changing a task in three steps: the patch is resolved against the org (what only the
//! database knows: that its ids exist there, the rendered description, the new rank),
//! planned without the database (`plan`: which fields change and what each needs) and
//! checked, then written in one transaction with its timeline entries and published.

use super::plan::{self, Links, May, Plan, Wanted};
use super::write::{assignees, category_in_org, labels, parent_for, writer};
use super::{find_visible, to_dtos};
use crate::access::{self, OrgAccess};
use crate::file::{self, Owner};
use crate::notify::{self, Notify, What};
use crate::timeline::{self, Entry};
use crate::{Actor, DomainError, Result, Services, error::Fields, markdown};
use chrono::Utc;
use domain::dto::{CommentVisibility, StatusChange, Task, TaskPatch, TaskPosition, Visibility};
use domain::parse::{FieldError, Markdown, TaskTitle};
use domain::realtime::{DomainEvent, EventKind};
use entity::{label, organization, task, task_assignee, task_comment, task_label};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait,
    PaginatorTrait, QueryFilter,
};
use serde_json::json;

/// Changes a task. Its creator and assignees may edit title, description and the rest of
/// their task; status needs `tasks.changeStatus`, priority and the order `tasks.changePriority`,
/// assignees `tasks.assign`, and anything on someone else's task `tasks.editAny`. A change
/// made against an old `version` is a Conflict that carries the current task.
#[tracing::instrument(name = "task.update", skip(svc, actor, patch, origin))]
pub async fn update(
    svc: &Services,
    actor: &Actor,
    slug: &str,
    number: i64,
    patch: TaskPatch,
    origin: Option<String>,
) -> Result<Task> {
    let access = access::load(svc, actor, slug).await?;
    let row = find_visible(&svc.db, &access, number).await?;
    writer(actor, &access)?;
    let links = links(&svc.db, &row, patch.label_ids.is_some()).await?;
    let version = patch.version;
    let wanted = resolve(&svc.db, &svc.settings.images(), &access, &row, patch).await?;
    let me = actor.user_id().map(|u| u.0);
    let may = May {
        own: me.is_some_and(|me| row.created_by == Some(me) || links.assignees.contains(&me)),
        tasks: access.permissions.tasks,
    };
    let plan = plan::plan(&row, &links, wanted);
    plan.check(&may)?;
    if plan.is_empty() && version == row.version {
        return Ok(to_dtos(&svc.db, &access, &[row]).await?.remove(0));
    }

    let txn = svc.begin().await?;
    if !apply(&txn, actor, &access, &row, version, plan).await? {
        txn.rollback().await?;
        let current = find_visible(&svc.db, &access, number).await?;
        let current = to_dtos(&svc.db, &access, &[current]).await?.remove(0);
        return Err(DomainError::Conflict {
            message: "the task changed since you loaded it".into(),
            current: Some(Box::new(current)),
        });
    }
    txn.commit().await?;
    svc.job_wake.notify_one();

    let was_public = row.visibility == Visibility::Public;
    let public_comments = task_comment::Entity::find()
        .filter(task_comment::Column::TaskId.eq(row.id))
        .filter(task_comment::Column::Visibility.eq(CommentVisibility::Public))
        .count(&svc.db)
        .await? as i64;
    let updated = task::Entity::find_by_id(row.id)
        .one(&svc.db)
        .await?
        .ok_or(DomainError::NotFound)?;
    let task = to_dtos(&svc.db, &access, &[updated]).await?.remove(0);
    svc.publish(DomainEvent {
        traceparent: None,
        org_id: access.id(),
        origin,
        kind: EventKind::TaskUpdated {
            task: task.clone(),
            was_public,
            public_comments,
        },
    });
    Ok(task)
}

/// The task's assignees, and its labels (id → private?) when the patch names labels.
async fn links(db: &impl ConnectionTrait, row: &task::Model, with_labels: bool) -> Result<Links> {
    let assignees = task_assignee::Entity::find()
        .filter(task_assignee::Column::TaskId.eq(row.id))
        .all(db)
        .await?
        .into_iter()
        .map(|a| a.user_id)
        .collect();
    let labels = if with_labels {
        task_label::Entity::find()
            .filter(task_label::Column::TaskId.eq(row.id))
            .find_also_related(label::Entity)
            .all(db)
            .await?
            .into_iter()
            .filter_map(|(link, l)| l.map(|l| (link.label_id, l.visibility != Visibility::Public)))
            .collect()
    } else {
        Default::default()
    };
    Ok(Links { labels, assignees })
}

/// The patch, parsed and checked against the org: bad input is refused here, before any
/// permission is looked at, and every id it names must exist in the org.
async fn resolve(
    db: &impl ConnectionTrait,
    images: &markdown::ImagePolicy,
    access: &OrgAccess,
    row: &task::Model,
    patch: TaskPatch,
) -> Result<Wanted> {
    let org_id = access.org.id;
    let mut fields = Fields::default();
    let title = fields
        .check(patch.title.as_deref().map(TaskTitle::parse).transpose())
        .flatten();
    let description = fields
        .check(
            patch
                .description
                .as_deref()
                .map(|d| Markdown::parse("description", d))
                .transpose(),
        )
        .flatten();
    fields.finish()?;
    // Rendering looks up `#N` links: only for a description that changes.
    let description = match description.filter(|d| d.as_str() != row.description) {
        Some(text) => {
            let html = markdown::render_in_org(db, images, &access.org, text.as_str()).await?;
            Some((text.as_str().to_string(), html))
        }
        None => None,
    };
    let category = match patch.category_id {
        Some(Some(id)) => Some(Some(category_in_org(db, org_id, id).await?)),
        Some(None) => Some(None),
        None => None,
    };
    let parent = match patch.parent_number {
        Some(Some(n)) => {
            let parent = parent_for(db, org_id, n, Some(row)).await?;
            Some(Some((parent.id, parent.number)))
        }
        Some(None) => Some(None),
        None => None,
    };
    let labels = match &patch.label_ids {
        Some(ids) => Some(labels(db, org_id, ids).await?),
        None => None,
    };
    let assignees = match &patch.assignee_ids {
        Some(ids) => Some(assignees(db, org_id, ids).await?),
        None => None,
    };
    let rank = match patch.position {
        Some(position) => match placed_rank(db, access, row, position).await? {
            Some(rank) => Some(rank),
            None => {
                let current = to_dtos(db, access, std::slice::from_ref(row))
                    .await?
                    .remove(0);
                return Err(DomainError::Conflict {
                    message: "the board's order changed since you loaded it".into(),
                    current: Some(Box::new(current)),
                });
            }
        },
        None => None,
    };
    let release = match &patch.release {
        Some(slug) => {
            let after = match slug.as_deref() {
                Some(slug) => Some(crate::release::by_slug(db, org_id, slug).await?),
                None => None,
            };
            Some((crate::release::by_id(db, row.release_id).await?, after))
        }
        None => None,
    };
    Ok(Wanted {
        release,
        title: title.map(|t| t.as_str().to_string()),
        description,
        status: patch.status,
        priority: patch.priority,
        visibility: patch.visibility,
        category,
        parent,
        labels,
        assignees,
        rank,
    })
}

/// Writes the plan if the task is still at `version`; false when it is not (nothing is
/// written then).
async fn apply(
    txn: &DatabaseTransaction,
    actor: &Actor,
    access: &OrgAccess,
    row: &task::Model,
    version: i64,
    plan: Plan,
) -> Result<bool> {
    let org_id = access.org.id;
    let status = match &plan.columns.status {
        sea_orm::ActiveValue::Set(to) => Some(StatusChange {
            from: row.status,
            to: *to,
        }),
        _ => None,
    };
    let assigned = plan.assignees.0.clone();
    let new_text = plan.linking.clone();
    let issue_fields = plan
        .edited
        .iter()
        .any(|f| *f == "title" || *f == "description")
        || status.is_some();
    let updated = task::Entity::update_many()
        .col_expr(
            task::Column::Version,
            Expr::col(task::Column::Version).add(1),
        )
        .col_expr(task::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(task::Column::Id.eq(row.id))
        .filter(task::Column::Version.eq(version))
        .set(plan.columns)
        .exec(txn)
        .await?;
    if updated.rows_affected == 0 {
        return Ok(false);
    }
    let mut entries = plan.entries;
    if !plan.edited.is_empty() {
        let internal = row.visibility != Visibility::Public;
        entries.push(
            Entry::new("updated", None, Some(json!(plan.edited)))
                .internal(internal && plan.edited == ["visibility"]),
        );
    }
    let (added, removed) = plan.labels;
    for (id, private) in added {
        task_label::ActiveModel {
            task_id: sea_orm::Set(row.id),
            label_id: sea_orm::Set(id),
        }
        .insert(txn)
        .await?;
        entries.push(Entry::new("label_added", None, Some(json!(id))).internal(private));
    }
    for (id, private) in removed {
        task_label::Entity::delete_by_id((row.id, id))
            .exec(txn)
            .await?;
        entries.push(Entry::new("label_removed", Some(json!(id)), None).internal(private));
    }
    let (added, removed) = plan.assignees;
    for id in added {
        task_assignee::ActiveModel {
            task_id: sea_orm::Set(row.id),
            user_id: sea_orm::Set(id),
        }
        .insert(txn)
        .await?;
        entries.push(Entry::new("assignee_added", None, Some(json!(id))).internal(true));
    }
    for id in removed {
        task_assignee::Entity::delete_by_id((row.id, id))
            .exec(txn)
            .await?;
        entries.push(Entry::new("assignee_removed", Some(json!(id)), None).internal(true));
    }
    let by = actor.user_id().map(|u| u.0);
    if let Some((old, new)) = plan.parent {
        if let Some(old) = old {
            entries.push(Entry::new("parent_removed", Some(json!(old)), None));
            let entry = Entry::new("subtask_removed", Some(json!(row.number)), None);
            timeline::record(txn, org_id, old, by, vec![entry]).await?;
        }
        if let Some((new, new_number)) = new {
            entries.push(Entry::new("parent_added", None, Some(json!(new_number))));
            let entry = Entry::new("subtask_added", None, Some(json!(row.number)));
            timeline::record(txn, org_id, new, by, vec![entry]).await?;
        }
    }
    timeline::record(txn, org_id, row.id, by, entries).await?;
    if let Some(text) = &plan.linking {
        file::attach_linked(
            txn,
            actor,
            org_id,
            Owner::Task(row.id),
            text,
            !access.member,
        )
        .await?;
    }
    // Only what the new text adds: editing a description does not mention anyone again.
    let (mentioned, refs) = match &new_text {
        Some(text) => (
            &markdown::mentions(text) - &markdown::mentions(&row.description),
            &markdown::task_refs(text) - &markdown::task_refs(&row.description),
        ),
        None => Default::default(),
    };
    let what = What::Task {
        task: row.id,
        created: false,
        assigned,
        mentioned: mentioned.into_iter().collect(),
        comment: None,
        commented: false,
        status,
    };
    notify::enqueue(txn, Notify::new(org_id, by, what)).await?;
    notify::record_refs(txn, row, None, by, refs).await?;
    if issue_fields {
        crate::github::outbound::task_changed(txn, actor, row).await?;
    }
    if let Some(visibility) = plan.made {
        file::follow_task(txn, row.id, visibility.as_str()).await?;
        if visibility == Visibility::Private {
            // Visitors can no longer see what they were told of it.
            notify::forget_visitors(txn, org_id, Some(row.id)).await?;
        }
    }
    Ok(true)
}

/// The rank that places `row` as `position` asks; none when the neighbours named are no
/// longer in that order (the mover saw an old board).
async fn placed_rank(
    db: &impl ConnectionTrait,
    access: &OrgAccess,
    row: &task::Model,
    position: TaskPosition,
) -> Result<Option<String>> {
    let bad = |m: &str| DomainError::from(FieldError::new("position", m));
    if position.below.is_none() && position.above.is_none() {
        return Err(bad("names no neighbour: give below, above or both"));
    }
    if position.below == Some(row.number) || position.above == Some(row.number) {
        return Err(bad("cannot place a task next to itself"));
    }
    let mut ranks = [None, None];
    for (slot, number) in ranks.iter_mut().zip([position.below, position.above]) {
        if let Some(n) = number {
            let neighbour = find_visible(db, access, n)
                .await
                .map_err(|_| bad("names a task this organization does not have"))?;
            *slot = Some(neighbour.rank);
        }
    }
    let [below, above] = ranks;
    let below = match below {
        Some(rank) => rank,
        // Read after the neighbours: every rank they could have is above this floor.
        None => {
            let org = organization::Entity::find_by_id(access.org.id)
                .one(db)
                .await?
                .ok_or(DomainError::NotFound)?;
            domain::rank::floor(org.last_task_number)
        }
    };
    Ok(domain::rank::between(
        Some(&below),
        above.as_deref(),
        row.number,
    ))
}
