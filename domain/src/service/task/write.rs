//! Creating, changing and deleting tasks. Each write checks who may change which field,
//! records a timeline entry per change in the same transaction, and publishes after commit.

use super::{find_visible, to_dtos};
use crate::model::{NewTask, Task, TaskPatch, TaskPosition, Visibility};
use crate::parse::{FieldError, Markdown, TaskTitle};
use crate::realtime::{DomainEvent, EventKind};
use crate::service::file::{self, Owner};
use crate::service::org::{self, OrgAccess};
use crate::service::timeline::{self, Entry};
use crate::service::{Actor, DomainError, Result, Services, error::Fields, markdown};
use crate::{CategoryId, LabelId, UserId};
use chrono::Utc;
use entity::{
    category, label, member, organization, task, task_assignee, task_comment, task_label,
};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Set,
    TransactionTrait,
};
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};
use uuid::Uuid;

/// Who is writing: a member (or the system), or the right error.
fn writer(actor: &Actor, access: &OrgAccess) -> Result<()> {
    match actor {
        Actor::Anonymous { .. } => Err(DomainError::Unauthenticated),
        _ if access.member => Ok(()),
        _ => Err(DomainError::forbidden("members only")),
    }
}

fn deny(what: &str) -> DomainError {
    DomainError::forbidden(format!("you may not {what} on this task"))
}

/// The org's labels with these ids (id → private?); an unknown id is bad input.
async fn labels(
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
        .map(|l| (l.id, l.visibility != Visibility::Public.as_str()))
        .collect();
    if found.len() != wanted.len() {
        return Err(
            FieldError::new("labelIds", "holds a label this organization does not have").into(),
        );
    }
    Ok(found)
}

/// Checks that every assignee is a member of the org.
async fn assignees(db: &impl ConnectionTrait, org: Uuid, ids: &[UserId]) -> Result<BTreeSet<Uuid>> {
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

async fn category_in_org(db: &impl ConnectionTrait, org: Uuid, id: CategoryId) -> Result<Uuid> {
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
async fn parent_for(
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
            crate::rank::floor(org.last_task_number)
        }
    };
    Ok(crate::rank::between(
        Some(&below),
        above.as_deref(),
        row.number,
    ))
}

/// May a visitor submit this task: signed in, the org takes public actions and has not
/// blocked them, and only the fields the org lets the public set. A submission is always a
/// public task.
async fn public_submission(
    db: &impl ConnectionTrait,
    actor: &Actor,
    access: &OrgAccess,
    input: &mut NewTask,
) -> Result<()> {
    let user = match actor {
        Actor::User(u) => u.id,
        Actor::Anonymous { .. } => return Err(DomainError::Unauthenticated),
        Actor::System => return Ok(()),
    };
    if !access.org.public_actions {
        return Err(DomainError::forbidden(
            "this organization does not take submissions from visitors",
        ));
    }
    crate::service::comment::ensure_not_blocked(db, access.org.id, user).await?;
    let org = &access.org;
    let refused = [
        ("the status", input.status.is_some()),
        (
            "assignees",
            input.assignee_ids.as_ref().is_some_and(|a| !a.is_empty()),
        ),
        ("a parent task", input.parent_number.is_some()),
        (
            "a private visibility",
            input.visibility == Some(Visibility::Private),
        ),
        (
            "the priority",
            input.priority.is_some() && !org.public_field_priority,
        ),
        (
            "a category",
            input.category_id.is_some() && !org.public_field_category,
        ),
        (
            "labels",
            input.label_ids.as_ref().is_some_and(|l| !l.is_empty()) && !org.public_field_labels,
        ),
    ];
    if let Some((what, _)) = refused.iter().find(|(_, set)| *set) {
        return Err(DomainError::forbidden(format!(
            "visitors may not set {what} on a submitted task"
        )));
    }
    input.visibility = Some(Visibility::Public);
    Ok(())
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
    let mut input = input;
    if access.member {
        writer(actor, &access)?;
        if !access.permissions.tasks.create {
            return Err(DomainError::forbidden(
                "you may not create tasks in this organization",
            ));
        }
    } else {
        public_submission(&svc.db, actor, &access, &mut input).await?;
    }
    let p = access.permissions.tasks;
    let mut fields = Fields::default();
    let title = fields.check(TaskTitle::parse(&input.title));
    let description = fields.check(Markdown::parse(
        "description",
        input.description.as_deref().unwrap_or(""),
    ));
    fields.finish()?;
    let (title, description) = (title.unwrap(), description.unwrap());
    let org_id = access.org.id;
    let label_ids = labels(
        &svc.db,
        org_id,
        input.label_ids.as_deref().unwrap_or_default(),
    )
    .await?;
    let assignee_ids = assignees(
        &svc.db,
        org_id,
        input.assignee_ids.as_deref().unwrap_or_default(),
    )
    .await?;
    if !assignee_ids.is_empty() && !p.assign {
        return Err(DomainError::forbidden(
            "you may not assign tasks in this organization",
        ));
    }
    if !access.member && label_ids.values().any(|private| *private) {
        // A private label is not revealed to the public, not even by refusing it as such.
        return Err(
            FieldError::new("labelIds", "holds a label this organization does not have").into(),
        );
    }
    let category_id = match input.category_id {
        Some(id) => Some(category_in_org(&svc.db, org_id, id).await?),
        None => None,
    };
    let parent = match input.parent_number {
        Some(n) => Some(parent_for(&svc.db, org_id, n, None).await?),
        None => None,
    };

    let description_html =
        markdown::render_in_org(&svc.db, &access.org, description.as_str()).await?;
    let txn = svc.db.begin().await?;
    let bumped = organization::Entity::update_many()
        .col_expr(
            organization::Column::LastTaskNumber,
            Expr::col(organization::Column::LastTaskNumber).add(1),
        )
        .filter(organization::Column::Id.eq(org_id))
        .exec_with_returning(&txn)
        .await?;
    let number = bumped
        .first()
        .ok_or(DomainError::NotFound)?
        .last_task_number;
    let now = Utc::now();
    let row = task::ActiveModel {
        id: Set(Uuid::new_v4()),
        org_id: Set(org_id),
        number: Set(number),
        title: Set(title.as_str().to_string()),
        description_html: Set(description_html),
        description: Set(description.as_str().to_string()),
        status: Set(input.status.unwrap_or_default().as_str().to_string()),
        priority: Set(input.priority.unwrap_or_default().as_str().to_string()),
        visibility: Set(input.visibility.unwrap_or_default().as_str().to_string()),
        category_id: Set(category_id),
        parent_id: Set(parent.as_ref().map(|p| p.id)),
        vote_count: Set(0),
        comment_count: Set(0),
        created_by: Set(actor.user_id().map(|u| u.0)),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
        rank: Set(crate::rank::for_new(number)),
    }
    .insert(&txn)
    .await?;
    for id in label_ids.keys() {
        task_label::ActiveModel {
            task_id: Set(row.id),
            label_id: Set(*id),
        }
        .insert(&txn)
        .await?;
    }
    for id in &assignee_ids {
        task_assignee::ActiveModel {
            task_id: Set(row.id),
            user_id: Set(*id),
        }
        .insert(&txn)
        .await?;
    }
    let by = actor.user_id().map(|u| u.0);
    timeline::record(
        &txn,
        org_id,
        row.id,
        by,
        vec![Entry::new("created", None, None)],
    )
    .await?;
    if let Some(parent) = &parent {
        let to = Some(json!(number));
        timeline::record(
            &txn,
            org_id,
            parent.id,
            by,
            vec![Entry::new("subtask_added", None, to)],
        )
        .await?;
    }
    file::attach_linked(
        &txn,
        actor,
        org_id,
        Owner::Task(row.id),
        description.as_str(),
    )
    .await?;
    txn.commit().await?;

    let task = to_dtos(&svc.db, &access, &[row]).await?.remove(0);
    svc.publish(DomainEvent {
        org_id: access.id(),
        origin,
        kind: EventKind::TaskCreated(task.clone()),
    });
    Ok(task)
}

/// Changes a task. Its creator and assignees may edit title, description and the rest of
/// their task; status needs `tasks.changeStatus`, priority `tasks.changePriority`,
/// assignees `tasks.assign`, and anything on someone else's task `tasks.editAny`. A change
/// made against an old `version` is a Conflict that carries the current task.
#[tracing::instrument(skip(svc, actor, patch, origin))]
pub async fn update(
    svc: &Services,
    actor: &Actor,
    slug: &str,
    number: i64,
    patch: TaskPatch,
    origin: Option<String>,
) -> Result<Task> {
    let access = org::load(svc, actor, slug).await?;
    let row = find_visible(&svc.db, &access, number).await?;
    writer(actor, &access)?;
    let p = access.permissions.tasks;
    let current_assignees: BTreeSet<Uuid> = task_assignee::Entity::find()
        .filter(task_assignee::Column::TaskId.eq(row.id))
        .all(&svc.db)
        .await?
        .into_iter()
        .map(|a| a.user_id)
        .collect();
    let me = actor.user_id().map(|u| u.0);
    let own = matches!(actor, Actor::System)
        || me.is_some_and(|me| row.created_by == Some(me) || current_assignees.contains(&me));
    let edit = own || p.edit_any;

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

    let org_id = access.org.id;
    let mut columns = task::ActiveModel {
        id: Set(row.id),
        ..Default::default()
    };
    let mut entries: Vec<Entry> = Vec::new();
    let mut edited: Vec<&str> = Vec::new();
    // A new description attaches the files it links.
    let mut linking: Option<String> = None;
    // The visibility the task is given, if it changes.
    let mut made: Option<Visibility> = None;

    if let Some(title) = title.filter(|t| t.as_str() != row.title) {
        if !edit {
            return Err(deny("edit the title"));
        }
        columns.title = Set(title.as_str().to_string());
        edited.push("title");
    }
    if let Some(description) = description.filter(|d| d.as_str() != row.description) {
        if !edit {
            return Err(deny("edit the description"));
        }
        columns.description_html =
            Set(markdown::render_in_org(&svc.db, &access.org, description.as_str()).await?);
        columns.description = Set(description.as_str().to_string());
        edited.push("description");
        linking = Some(description.as_str().to_string());
    }
    if let Some(status) = patch.status.filter(|s| s.as_str() != row.status) {
        if !p.change_status && !matches!(actor, Actor::System) {
            return Err(deny("change the status"));
        }
        columns.status = Set(status.as_str().to_string());
        entries.push(Entry::new(
            "status_change",
            Some(json!(row.status)),
            Some(json!(status)),
        ));
    }
    if let Some(priority) = patch.priority.filter(|s| s.as_str() != row.priority) {
        if !p.change_priority && !matches!(actor, Actor::System) {
            return Err(deny("change the priority"));
        }
        columns.priority = Set(priority.as_str().to_string());
        entries.push(Entry::new(
            "priority_change",
            Some(json!(row.priority)),
            Some(json!(priority)),
        ));
    }
    if let Some(visibility) = patch.visibility.filter(|v| v.as_str() != row.visibility) {
        if !edit {
            return Err(deny("change the visibility"));
        }
        columns.visibility = Set(visibility.as_str().to_string());
        edited.push("visibility");
        made = Some(visibility);
    }
    if let Some(category) = patch.category_id {
        let new = match category {
            Some(id) => Some(category_in_org(&svc.db, org_id, id).await?),
            None => None,
        };
        if new != row.category_id {
            if !edit {
                return Err(deny("change the category"));
            }
            columns.category_id = Set(new);
            entries.push(Entry::new(
                "category_change",
                row.category_id.map(|c| json!(c)),
                new.map(|c| json!(c)),
            ));
        }
    }
    let mut parent_change = None;
    if let Some(parent_number) = patch.parent_number {
        let new = match parent_number {
            Some(n) => Some(parent_for(&svc.db, org_id, n, Some(&row)).await?),
            None => None,
        };
        if new.as_ref().map(|p| p.id) != row.parent_id {
            if !edit {
                return Err(deny("change the parent"));
            }
            columns.parent_id = Set(new.as_ref().map(|p| p.id));
            parent_change = Some((row.parent_id, new));
        }
    }
    let label_change = match &patch.label_ids {
        Some(ids) => {
            let wanted = labels(&svc.db, org_id, ids).await?;
            let current: BTreeMap<Uuid, bool> = task_label::Entity::find()
                .filter(task_label::Column::TaskId.eq(row.id))
                .find_also_related(label::Entity)
                .all(&svc.db)
                .await?
                .into_iter()
                .filter_map(|(link, l)| {
                    l.map(|l| (link.label_id, l.visibility != Visibility::Public.as_str()))
                })
                .collect();
            let added: Vec<(Uuid, bool)> = wanted
                .iter()
                .filter(|(id, _)| !current.contains_key(id))
                .map(|(i, p)| (*i, *p))
                .collect();
            let removed: Vec<(Uuid, bool)> = current
                .iter()
                .filter(|(id, _)| !wanted.contains_key(id))
                .map(|(i, p)| (*i, *p))
                .collect();
            if (!added.is_empty() || !removed.is_empty()) && !edit {
                return Err(deny("change the labels"));
            }
            Some((added, removed))
        }
        None => None,
    };
    let assignee_change = match &patch.assignee_ids {
        Some(ids) => {
            let wanted = assignees(&svc.db, org_id, ids).await?;
            let added: Vec<Uuid> = wanted.difference(&current_assignees).copied().collect();
            let removed: Vec<Uuid> = current_assignees.difference(&wanted).copied().collect();
            if (!added.is_empty() || !removed.is_empty())
                && !p.assign
                && !matches!(actor, Actor::System)
            {
                return Err(deny("change the assignees"));
            }
            Some((added, removed))
        }
        None => None,
    };

    let rank_change = match patch.position {
        Some(position) => match placed_rank(&svc.db, &access, &row, position).await? {
            Some(rank) => Some(rank),
            None => {
                let current = to_dtos(&svc.db, &access, &[row]).await?.remove(0);
                return Err(DomainError::Conflict {
                    message: "the board's order changed since you loaded it".into(),
                    current: Some(Box::new(current)),
                });
            }
        },
        None => None,
    };
    if let Some(rank) = &rank_change {
        // The order within a column is a priority among equals.
        if !p.change_priority && !matches!(actor, Actor::System) {
            return Err(deny("reorder tasks"));
        }
        columns.rank = Set(rank.clone());
    }

    let nothing = edited.is_empty()
        && rank_change.is_none()
        && entries.is_empty()
        && parent_change.is_none()
        && label_change
            .as_ref()
            .is_none_or(|(a, r)| a.is_empty() && r.is_empty())
        && assignee_change
            .as_ref()
            .is_none_or(|(a, r)| a.is_empty() && r.is_empty());
    if nothing && patch.version == row.version {
        return Ok(to_dtos(&svc.db, &access, &[row]).await?.remove(0));
    }

    let txn = svc.db.begin().await?;
    let mut update = task::Entity::update_many()
        .col_expr(
            task::Column::Version,
            Expr::col(task::Column::Version).add(1),
        )
        .col_expr(task::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(task::Column::Id.eq(row.id))
        .filter(task::Column::Version.eq(patch.version));
    update = update.set(columns);
    if update.exec(&txn).await?.rows_affected == 0 {
        txn.rollback().await?;
        let current = find_visible(&svc.db, &access, number).await?;
        let current = to_dtos(&svc.db, &access, &[current]).await?.remove(0);
        return Err(DomainError::Conflict {
            message: "the task changed since you loaded it".into(),
            current: Some(Box::new(current)),
        });
    }
    if !edited.is_empty() {
        let internal = row.visibility != Visibility::Public.as_str();
        entries.push(
            Entry::new("updated", None, Some(json!(edited)))
                .internal(internal && edited == ["visibility"]),
        );
    }
    if let Some((added, removed)) = label_change {
        for (id, private) in added {
            task_label::ActiveModel {
                task_id: Set(row.id),
                label_id: Set(id),
            }
            .insert(&txn)
            .await?;
            entries.push(Entry::new("label_added", None, Some(json!(id))).internal(private));
        }
        for (id, private) in removed {
            task_label::Entity::delete_by_id((row.id, id))
                .exec(&txn)
                .await?;
            entries.push(Entry::new("label_removed", Some(json!(id)), None).internal(private));
        }
    }
    if let Some((added, removed)) = assignee_change {
        for id in added {
            task_assignee::ActiveModel {
                task_id: Set(row.id),
                user_id: Set(id),
            }
            .insert(&txn)
            .await?;
            entries.push(Entry::new("assignee_added", None, Some(json!(id))).internal(true));
        }
        for id in removed {
            task_assignee::Entity::delete_by_id((row.id, id))
                .exec(&txn)
                .await?;
            entries.push(Entry::new("assignee_removed", Some(json!(id)), None).internal(true));
        }
    }
    let by = me;
    if let Some((old, new)) = parent_change {
        if let Some(old) = old {
            entries.push(Entry::new("parent_removed", Some(json!(old)), None));
            let entry = Entry::new("subtask_removed", Some(json!(row.number)), None);
            timeline::record(&txn, org_id, old, by, vec![entry]).await?;
        }
        if let Some(new) = new {
            entries.push(Entry::new("parent_added", None, Some(json!(new.number))));
            let entry = Entry::new("subtask_added", None, Some(json!(row.number)));
            timeline::record(&txn, org_id, new.id, by, vec![entry]).await?;
        }
    }
    timeline::record(&txn, org_id, row.id, by, entries).await?;
    if let Some(text) = &linking {
        file::attach_linked(&txn, actor, org_id, Owner::Task(row.id), text).await?;
    }
    if let Some(visibility) = made {
        file::follow_task(&txn, row.id, visibility.as_str()).await?;
    }
    txn.commit().await?;

    let was_public = row.visibility == Visibility::Public.as_str();
    let public_comments = task_comment::Entity::find()
        .filter(task_comment::Column::TaskId.eq(row.id))
        .filter(task_comment::Column::Visibility.eq("public"))
        .count(&svc.db)
        .await? as i64;
    let updated = task::Entity::find_by_id(row.id)
        .one(&svc.db)
        .await?
        .ok_or(DomainError::NotFound)?;
    let task = to_dtos(&svc.db, &access, &[updated]).await?.remove(0);
    svc.publish(DomainEvent {
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

/// Deletes a task: `tasks.deleteAny`, or its creator. Its subtasks stay, without a parent.
#[tracing::instrument(skip(svc, actor, origin))]
pub async fn delete(
    svc: &Services,
    actor: &Actor,
    slug: &str,
    number: i64,
    origin: Option<String>,
) -> Result<()> {
    let access = org::load(svc, actor, slug).await?;
    let row = find_visible(&svc.db, &access, number).await?;
    writer(actor, &access)?;
    let creator = actor.user_id().is_some_and(|u| row.created_by == Some(u.0));
    if !creator && !access.permissions.tasks.delete_any {
        return Err(deny("delete this task"));
    }
    let task = to_dtos(&svc.db, &access, std::slice::from_ref(&row))
        .await?
        .remove(0);
    let txn = svc.db.begin().await?;
    let files = file::take_for_task(&txn, row.id).await?;
    task::Entity::delete_by_id(row.id).exec(&txn).await?;
    txn.commit().await?;
    file::remove_objects(svc, files).await;
    svc.publish(DomainEvent {
        org_id: access.id(),
        origin,
        kind: EventKind::TaskDeleted(task),
    });
    Ok(())
}
