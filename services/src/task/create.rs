//! Creating tasks: by members, and by visitors as submissions when the org takes them.

use super::to_dtos;
use super::write::{assignees, category_in_org, labels, parent_for, writer};
use crate::access::{self, OrgAccess};
use crate::file::{self, Owner};
use crate::notify::{self, Notify, What};
use crate::timeline::{self, Entry};
use crate::{Actor, DomainError, Result, Services, error::Fields, markdown};
use chrono::Utc;
use domain::dto::{NewTask, Task, Visibility};
use domain::parse::{FieldError, Markdown, TaskTitle};
use domain::realtime::{DomainEvent, EventKind};
use entity::{organization, task, task_assignee, task_label};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use serde_json::json;
use uuid::Uuid;

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
    crate::moderation::ensure_not_blocked(db, access.org.id, user).await?;
    let org = &access.org;
    let refused = [
        ("the status", input.status.is_some()),
        (
            "assignees",
            input.assignee_ids.as_ref().is_some_and(|a| !a.is_empty()),
        ),
        ("a parent task", input.parent_number.is_some()),
        ("a release", input.release.is_some()),
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
#[tracing::instrument(name = "task.create", skip(svc, actor, input, origin))]
pub async fn create(
    svc: &Services,
    actor: &Actor,
    slug: &str,
    input: NewTask,
    origin: Option<String>,
) -> Result<Task> {
    create_linked(svc, actor, slug, input, origin, None).await
}

/// The GitHub issue a new task is made for (`github::inbound`), linked in the creating
/// transaction so that a retried delivery finds it and makes no second task.
#[derive(Clone, Debug)]
pub struct IssueLink {
    /// The linked repository's row.
    pub repository: Uuid,
    pub number: i64,
    pub url: String,
    pub state: String,
}

/// [`create`], linked to a GitHub issue when `issue` names one; otherwise a task whose
/// repository opens issues queues the job that opens one.
pub(crate) async fn create_linked(
    svc: &Services,
    actor: &Actor,
    slug: &str,
    input: NewTask,
    origin: Option<String>,
    issue: Option<IssueLink>,
) -> Result<Task> {
    let access = access::load(svc, actor, slug).await?;
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
        if let Some(user) = actor.user_id() {
            svc.limiter
                .enforce(crate::limit::Action::Suggest, &format!("user:{}", user.0))
                .await?;
        }
    }
    let labels_from_template = crate::template::apply(&svc.db, &access, &mut input).await?;
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
    if !access.member && !labels_from_template && label_ids.values().any(|private| *private) {
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

    let release = match input.release.as_deref() {
        Some(slug) => Some(crate::release::by_slug(&svc.db, org_id, slug).await?.0),
        None => None,
    };
    let description_html = markdown::render_in_org(
        &svc.db,
        &svc.settings.images(),
        &access.org,
        description.as_str(),
    )
    .await?;
    let txn = svc.begin().await?;
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
        status: Set(input.status.unwrap_or_default()),
        priority: Set(input.priority.unwrap_or_default()),
        visibility: Set(input.visibility.unwrap_or_default()),
        category_id: Set(category_id),
        parent_id: Set(parent.as_ref().map(|p| p.id)),
        vote_count: Set(0),
        comment_count: Set(0),
        created_by: Set(actor.user_id().map(|u| u.0)),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
        rank: Set(domain::rank::for_new(number)),
        release_id: Set(release),
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
        !access.member,
    )
    .await?;
    let what = What::Task {
        task: row.id,
        created: true,
        assigned: assignee_ids.iter().copied().collect(),
        mentioned: markdown::mentions(description.as_str())
            .into_iter()
            .collect(),
        comment: None,
        commented: false,
        status: None,
    };
    notify::enqueue(&txn, Notify::new(org_id, by, what)).await?;
    match &issue {
        Some(link) => crate::github::outbound::link_issue(&txn, &row, link).await?,
        None => crate::github::outbound::task_created(&txn, &row).await?,
    }
    // An issue's `#12` is GitHub's issue 12, not this org's task 12.
    if issue.is_none() {
        let refs = markdown::task_refs(description.as_str());
        notify::record_refs(&txn, &row, None, by, refs).await?;
    }
    txn.commit().await?;
    svc.job_wake.notify_one();

    let task = to_dtos(&svc.db, &access, &[row]).await?.remove(0);
    svc.publish(DomainEvent {
        traceparent: None,
        org_id: access.id(),
        origin,
        kind: EventKind::TaskCreated(task.clone()),
    });
    Ok(task)
}
