//! Writing, editing and deleting comments. Each write keeps the task's comment count and
//! timeline right in the same transaction, and publishes after commit.

use super::{Found, ensure_may_write, find, task_ref, to_dto};
use crate::access::{self, OrgAccess};
use crate::file::{self, Owner};
use crate::notify::{self, Notify, What};
use crate::task::find_visible;
use crate::{Actor, DomainError, Result, Services, markdown, timeline};
use chrono::Utc;
use domain::CommentId;
use domain::dto::{Comment, CommentPatch, CommentVisibility, NewComment};
use domain::parse::{FieldError, Markdown};
use domain::realtime::{DomainEvent, EventKind};
use entity::{task, task_comment, task_comment_edit};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

/// A comment body: Markdown with something in it.
fn parse_body(input: &str) -> Result<Markdown> {
    let body = Markdown::parse("body", input)?;
    if body.as_str().trim().is_empty() {
        return Err(FieldError::new("body", "is required").into());
    }
    Ok(body)
}

/// Changing a comment or reacting to one takes an account: an anonymous caller is told
/// so before anything is looked up (whether the comment exists or not).
pub(super) fn ensure_signed_in(actor: &Actor) -> Result<()> {
    match actor {
        Actor::Anonymous { .. } => Err(DomainError::Unauthenticated),
        _ => Ok(()),
    }
}

/// Its author, or a member with `moderation.manageComments`.
pub(super) fn ensure_author_or_moderator(
    actor: &Actor,
    access: &OrgAccess,
    comment: &task_comment::Model,
) -> Result<()> {
    if let Actor::Anonymous { .. } = actor {
        return Err(DomainError::Unauthenticated);
    }
    let author = actor
        .user_id()
        .is_some_and(|u| comment.author_id == Some(u.0));
    if author || (access.member && access.permissions.moderation.manage_comments) {
        Ok(())
    } else {
        Err(DomainError::forbidden(
            "only its author or a moderator may change this comment",
        ))
    }
}

/// Adds `delta` to the task's comment count.
async fn count_comments(db: &impl ConnectionTrait, task: Uuid, delta: i64) -> Result<()> {
    task::Entity::update_many()
        .col_expr(
            task::Column::CommentCount,
            Expr::col(task::Column::CommentCount).add(delta),
        )
        .filter(task::Column::Id.eq(task))
        .exec(db)
        .await?;
    Ok(())
}

fn publish(
    svc: &Services,
    access: &OrgAccess,
    task: &task::Model,
    comment: &Comment,
    deleted: bool,
    origin: Option<String>,
) {
    svc.publish(DomainEvent {
        traceparent: None,
        org_id: access.id(),
        origin,
        kind: EventKind::CommentChanged {
            task: task_ref(task),
            comment: comment.clone(),
            deleted,
            was_public: false,
        },
    });
}

/// Queues who hears of comment `row` (new, or edited from `before`: then only whom the
/// edit newly mentions), and records its new `#N` references on those tasks' timelines.
async fn tell(
    db: &impl ConnectionTrait,
    task: &task::Model,
    row: &task_comment::Model,
    actor: Option<Uuid>,
    before: Option<&str>,
) -> Result<()> {
    let (mut mentioned, mut refs) = (
        markdown::mentions(&row.body),
        markdown::task_refs(&row.body),
    );
    if let Some(before) = before {
        mentioned = &mentioned - &markdown::mentions(before);
        refs = &refs - &markdown::task_refs(before);
    }
    let what = What::Task {
        task: task.id,
        created: false,
        assigned: Vec::new(),
        mentioned: mentioned.into_iter().collect(),
        comment: Some(row.id),
        commented: before.is_none(),
        status: None,
    };
    notify::enqueue(db, Notify::new(task.org_id, actor, what)).await?;
    notify::record_refs(db, task, Some((row.id, row.visibility)), actor, refs).await
}

/// Writes a comment on task `number`. Members write public or internal comments (internal
/// by default); signed-in visitors write public ones on public tasks when the org takes
/// public actions. A reply answers a top-level comment of the same task and takes its
/// visibility.
#[tracing::instrument(name = "comment.create", skip(svc, actor, input, origin))]
#[tracing::instrument(name = "comment.create", skip_all)]
pub async fn create(
    svc: &Services,
    actor: &Actor,
    slug: &str,
    number: i64,
    input: NewComment,
    origin: Option<String>,
) -> Result<Comment> {
    let access = access::load(svc, actor, slug).await?;
    let task = find_visible(&svc.db, &access, number).await?;
    ensure_may_write(&svc.db, actor, &access).await?;
    if let Some(user) = actor.user_id() {
        svc.limiter
            .enforce(crate::limit::Action::Comment, &format!("user:{}", user.0))
            .await?;
    }
    let asked = input.visibility;
    if !access.member && asked == Some(CommentVisibility::Internal) {
        return Err(DomainError::forbidden(
            "only members may write internal comments",
        ));
    }
    let body = parse_body(&input.body)?;
    let mut visibility = asked.unwrap_or(if access.member {
        CommentVisibility::Internal
    } else {
        CommentVisibility::Public
    });
    let parent_id = match input.parent_id {
        Some(id) => {
            let bad = |m: &str| DomainError::from(FieldError::new("parentId", m));
            let parent = task_comment::Entity::find_by_id(id.0)
                .filter(task_comment::Column::TaskId.eq(task.id))
                .one(&svc.db)
                .await?
                .filter(|p| access.member || p.visibility == CommentVisibility::Public)
                .ok_or_else(|| bad("is not a comment of this task"))?;
            if parent.parent_id.is_some() {
                return Err(bad("is itself a reply: replies go one level deep"));
            }
            visibility = parent.visibility;
            Some(parent.id)
        }
        None => None,
    };

    let body_html =
        markdown::render_in_org(&svc.db, &svc.settings.images(), &access.org, body.as_str())
            .await?;
    let now = Utc::now();
    let author = actor.user_id().map(|u| u.0);
    let txn = svc.begin().await?;
    let row = task_comment::ActiveModel {
        id: Set(Uuid::new_v4()),
        org_id: Set(access.org.id),
        task_id: Set(task.id),
        parent_id: Set(parent_id),
        author_id: Set(author),
        body_html: Set(body_html),
        body: Set(body.as_str().to_string()),
        visibility: Set(visibility),
        source: Set("sayr".to_string()),
        github_id: Set(None),
        github_author: Set(None),
        github_url: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        edited_at: Set(None),
    }
    .insert(&txn)
    .await?;
    count_comments(&txn, task.id, 1).await?;
    let internal = visibility == CommentVisibility::Internal;
    timeline::record_comment(&txn, access.org.id, task.id, author, row.id, internal).await?;
    file::attach_linked(
        &txn,
        actor,
        access.org.id,
        Owner::Comment(row.id),
        &row.body,
        !access.member,
    )
    .await?;
    tell(&txn, &task, &row, author, None).await?;
    txn.commit().await?;
    svc.job_wake.notify_one();

    let comment = to_dto(&svc.db, &access, actor, task.number, row).await?;
    publish(svc, &access, &task, &comment, false, origin);
    Ok(comment)
}

/// A comment written on a GitHub issue, to copy onto its task.
#[derive(Clone, Debug)]
pub struct GithubComment {
    pub github_id: i64,
    /// Its author's GitHub login, and where it is on GitHub.
    pub login: String,
    pub url: String,
    /// The member whose account is linked to that GitHub account, if any.
    pub author: Option<Uuid>,
    pub body: String,
    pub visibility: CommentVisibility,
}

/// Copies a GitHub comment onto `task`, once (by its GitHub id). Its text is GitHub's:
/// `#12` there is an issue, `@name` a GitHub user, so it is rendered as plain Markdown and
/// neither links tasks nor mentions members; the task's watchers hear of it as of any
/// comment.
pub(crate) async fn copy_from_github(
    svc: &Services,
    org: &entity::organization::Model,
    task: &task::Model,
    copy: GithubComment,
) -> Result<()> {
    let Ok(body) = parse_body(&copy.body) else {
        // An empty comment (only an image GitHub kept, say): nothing to show.
        return Ok(());
    };
    let access = access::resolve(&svc.db, &Actor::System, org.clone()).await?;
    let now = Utc::now();
    let txn = svc.begin().await?;
    let inserted = task_comment::Entity::insert(task_comment::ActiveModel {
        id: Set(Uuid::new_v4()),
        org_id: Set(org.id),
        task_id: Set(task.id),
        parent_id: Set(None),
        author_id: Set(copy.author),
        body_html: Set(markdown::render(body.as_str(), &svc.settings.images())),
        body: Set(body.as_str().to_string()),
        visibility: Set(copy.visibility),
        source: Set("github".to_string()),
        github_id: Set(Some(copy.github_id)),
        github_author: Set(Some(copy.login)),
        github_url: Set(Some(copy.url)),
        created_at: Set(now),
        updated_at: Set(now),
        edited_at: Set(None),
    })
    .on_conflict(
        sea_orm::sea_query::OnConflict::column(task_comment::Column::GithubId)
            .do_nothing()
            .to_owned(),
    )
    .exec_with_returning(&txn)
    .await;
    let row = match inserted {
        Ok(row) => row,
        Err(sea_orm::DbErr::RecordNotInserted) => {
            txn.rollback().await?;
            return Ok(());
        }
        Err(e) => return Err(e.into()),
    };
    count_comments(&txn, task.id, 1).await?;
    let internal = copy.visibility == CommentVisibility::Internal;
    timeline::record_comment(&txn, org.id, task.id, copy.author, row.id, internal).await?;
    let what = What::Task {
        task: task.id,
        created: false,
        assigned: Vec::new(),
        mentioned: Vec::new(),
        comment: Some(row.id),
        commented: true,
        status: None,
    };
    notify::enqueue(&txn, Notify::new(org.id, copy.author, what)).await?;
    txn.commit().await?;
    svc.job_wake.notify_one();

    let comment = to_dto(&svc.db, &access, &Actor::System, task.number, row).await?;
    publish(svc, &access, task, &comment, false, None);
    Ok(())
}

/// Changes a comment's body (its author, or `moderation.manageComments`). The body it had
/// is kept in the comment's edit history.
#[tracing::instrument(name = "comment.update", skip(svc, actor, patch, origin))]
#[tracing::instrument(name = "comment.update", skip_all)]
pub async fn update(
    svc: &Services,
    actor: &Actor,
    slug: &str,
    id: CommentId,
    patch: CommentPatch,
    origin: Option<String>,
) -> Result<Comment> {
    ensure_signed_in(actor)?;
    let Found {
        access,
        task,
        comment,
    } = find(svc, actor, slug, id).await?;
    ensure_author_or_moderator(actor, &access, &comment)?;
    // A copy of a GitHub comment follows GitHub (the system applies its edits) and is
    // written in GitHub's terms: no task links, no mentions.
    let from_github = comment.source == "github";
    if from_github && *actor != Actor::System {
        return Err(DomainError::forbidden(
            "this comment was copied from GitHub: edit it there",
        ));
    }
    // A visitor edits on the same terms as they write.
    ensure_may_write(&svc.db, actor, &access).await?;
    let body = parse_body(&patch.body)?;
    if body.as_str() == comment.body {
        return to_dto(&svc.db, &access, actor, task.number, comment).await;
    }

    let body_html = if from_github {
        markdown::render(body.as_str(), &svc.settings.images())
    } else {
        markdown::render_in_org(&svc.db, &svc.settings.images(), &access.org, body.as_str()).await?
    };
    let now = Utc::now();
    let txn = svc.begin().await?;
    task_comment_edit::ActiveModel {
        id: Set(Uuid::new_v4()),
        comment_id: Set(comment.id),
        body: Set(comment.body.clone()),
        edited_by: Set(actor.user_id().map(|u| u.0)),
        created_at: Set(now),
    }
    .insert(&txn)
    .await?;
    let before = comment.body.clone();
    let mut active: task_comment::ActiveModel = comment.into();
    active.body_html = Set(body_html);
    active.body = Set(body.as_str().to_string());
    active.updated_at = Set(now);
    active.edited_at = Set(Some(now));
    let row = active.update(&txn).await?;
    file::attach_linked(
        &txn,
        actor,
        access.org.id,
        Owner::Comment(row.id),
        &row.body,
        !access.member,
    )
    .await?;
    let by = actor.user_id().map(|u| u.0);
    if !from_github {
        tell(&txn, &task, &row, by, Some(&before)).await?;
    }
    txn.commit().await?;
    svc.job_wake.notify_one();

    let updated = to_dto(&svc.db, &access, actor, task.number, row).await?;
    publish(svc, &access, &task, &updated, false, origin);
    Ok(updated)
}

/// Deletes a comment and, for a top-level one, its replies (its author, or
/// `moderation.manageComments`).
#[tracing::instrument(name = "comment.delete", skip(svc, actor, origin))]
#[tracing::instrument(name = "comment.delete", skip_all)]
pub async fn delete(
    svc: &Services,
    actor: &Actor,
    slug: &str,
    id: CommentId,
    origin: Option<String>,
) -> Result<()> {
    ensure_signed_in(actor)?;
    let Found {
        access,
        task,
        comment,
    } = find(svc, actor, slug, id).await?;
    ensure_author_or_moderator(actor, &access, &comment)?;
    let gone = to_dto(&svc.db, &access, actor, task.number, comment).await?;

    let txn = svc.begin().await?;
    let files = file::take_for_comment(&txn, id.0).await?;
    // The foreign key would take the replies along; deleting them here counts them.
    let replies = task_comment::Entity::delete_many()
        .filter(task_comment::Column::ParentId.eq(id.0))
        .exec(&txn)
        .await?
        .rows_affected;
    let deleted = task_comment::Entity::delete_by_id(id.0)
        .exec(&txn)
        .await?
        .rows_affected;
    count_comments(&txn, task.id, -((deleted + replies) as i64)).await?;
    txn.commit().await?;
    file::remove_objects(svc, files).await;

    if deleted > 0 {
        publish(svc, &access, &task, &gone, true, origin);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::parse_body;

    #[test]
    fn a_comment_needs_a_body() {
        assert!(parse_body("  \n\t ").is_err());
        assert_eq!(parse_body("  indented\n\n").unwrap().as_str(), "  indented");
        assert!(parse_body(&"a".repeat(64 * 1024 + 1)).is_err());
    }
}
