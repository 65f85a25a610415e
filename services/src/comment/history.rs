//! Turning a comment public or internal after it was written, and reading the bodies it
//! had before its edits.

use super::write::ensure_author_or_moderator;
use super::{Found, find, task_ref, to_dtos};
use crate::{Actor, DomainError, Result, Services};
use chrono::Utc;
use domain::CommentId;
use domain::dto::{Comment, CommentEdit, CommentVisibility, UserRef, Visibility};
use domain::parse::FieldError;
use domain::realtime::{DomainEvent, EventKind};
use entity::{task_comment, task_comment_edit, task_timeline, user};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder};
use std::collections::HashMap;
use uuid::Uuid;

/// Makes a top-level comment, and the replies in its thread, public or internal: members
/// only, and of them its author or `moderation.manageComments`. A reply is as visible as
/// its thread, so it is changed through the comment it answers. Public rooms see a comment
/// turned internal go as if deleted.
#[tracing::instrument(name = "comment.set_visibility", skip(svc, actor, origin))]
#[tracing::instrument(name = "comment.set_visibility", skip_all)]
pub async fn set_visibility(
    svc: &Services,
    actor: &Actor,
    slug: &str,
    id: CommentId,
    visibility: CommentVisibility,
    origin: Option<String>,
) -> Result<Comment> {
    let Found {
        access,
        task,
        comment,
    } = find(svc, actor, slug, id).await?;
    match actor {
        Actor::Anonymous { .. } => return Err(DomainError::Unauthenticated),
        _ if !access.member => {
            return Err(DomainError::forbidden(
                "only members may change who sees a comment",
            ));
        }
        _ => {}
    }
    ensure_author_or_moderator(actor, &access, &comment)?;
    if comment.parent_id.is_some() {
        return Err(FieldError::new(
            "visibility",
            "a reply is as visible as its thread: change the comment it answers",
        )
        .into());
    }
    let thread = || {
        Condition::any()
            .add(task_comment::Column::Id.eq(comment.id))
            .add(task_comment::Column::ParentId.eq(comment.id))
    };
    if comment.visibility != visibility {
        let now = Utc::now();
        let txn = svc.begin().await?;
        task_comment::Entity::update_many()
            .col_expr(
                task_comment::Column::Visibility,
                Expr::value(visibility.as_str()),
            )
            .col_expr(task_comment::Column::UpdatedAt, Expr::value(now))
            .filter(thread())
            .exec(&txn)
            .await?;
        let ids: Vec<Uuid> = task_comment::Entity::find()
            .filter(thread())
            .all(&txn)
            .await?
            .iter()
            .map(|c| c.id)
            .collect();
        // The comments' own timeline entries follow them. Entries elsewhere (a `#N`
        // mention) only ever become more private here: they also depend on their task.
        let mut entries = task_timeline::Entity::update_many()
            .col_expr(
                task_timeline::Column::Visibility,
                Expr::value(visibility.as_str()),
            )
            .filter(task_timeline::Column::CommentId.is_in(ids));
        if visibility == CommentVisibility::Public {
            entries = entries.filter(task_timeline::Column::EventType.eq("comment"));
        }
        entries.exec(&txn).await?;
        txn.commit().await?;
    }
    let was_public =
        task.visibility == Visibility::Public && comment.visibility == CommentVisibility::Public;
    let rows = task_comment::Entity::find()
        .filter(thread())
        .order_by_asc(task_comment::Column::CreatedAt)
        .all(&svc.db)
        .await?;
    let changed = comment.visibility != visibility;
    let mut top = None;
    for dto in to_dtos(&svc.db, &access, actor, task.number, &rows).await? {
        if changed {
            svc.publish(DomainEvent {
                traceparent: None,
                org_id: access.id(),
                origin: origin.clone(),
                kind: EventKind::CommentChanged {
                    task: task_ref(&task),
                    comment: dto.clone(),
                    deleted: false,
                    was_public,
                },
            });
        }
        if dto.id == id {
            top = Some(dto);
        }
    }
    top.ok_or(DomainError::NotFound)
}

/// A comment's earlier bodies, newest first: whoever may read the comment may read them
/// (a visitor gets NotFound for an internal comment, as for the comment itself).
#[tracing::instrument(name = "comment.history", skip(svc, actor))]
#[tracing::instrument(name = "comment.history", skip_all)]
pub async fn history(
    svc: &Services,
    actor: &Actor,
    slug: &str,
    id: CommentId,
) -> Result<Vec<CommentEdit>> {
    let Found { comment, .. } = find(svc, actor, slug, id).await?;
    let edits = task_comment_edit::Entity::find()
        .filter(task_comment_edit::Column::CommentId.eq(comment.id))
        .order_by_desc(task_comment_edit::Column::CreatedAt)
        .order_by_desc(task_comment_edit::Column::Id)
        .all(&svc.db)
        .await?;
    let names: HashMap<Uuid, String> = user::Entity::find()
        .filter(user::Column::Id.is_in(edits.iter().filter_map(|e| e.edited_by)))
        .all(&svc.db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect();
    Ok(edits
        .into_iter()
        .map(|e| CommentEdit {
            body: e.body,
            edited_by: e.edited_by.and_then(|u| {
                names.get(&u).map(|name| UserRef {
                    id: u.into(),
                    name: name.clone(),
                })
            }),
            created_at: e.created_at,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{acme, member, on_each_database, person};
    use crate::{comment, task};
    use domain::dto::{CommentPatch, NewComment, NewTask, OrgSettings};

    fn say(body: &str, visibility: CommentVisibility) -> NewComment {
        NewComment {
            body: body.into(),
            visibility: Some(visibility),
            parent_id: None,
        }
    }

    on_each_database!(
        a_comment_turned_internal_is_gone_for_visitors_with_its_replies,
        |svc| {
            let settings = OrgSettings {
                public_page: true,
                public_actions: true,
                ..Default::default()
            };
            let owner = acme(&svc, settings).await;
            let bo = member(&svc, &owner, "bo@example.test").await;
            let input = NewTask {
                title: "Public".into(),
                visibility: Some(Visibility::Public),
                ..Default::default()
            };
            task::create(&svc, &owner, "acme", input, None)
                .await
                .unwrap();
            let visitor = person(&svc, "visitor@example.test").await;
            let public = CommentVisibility::Public;
            let c = comment::create(&svc, &owner, "acme", 1, say("ship friday", public), None)
                .await
                .unwrap();
            let reply = NewComment {
                parent_id: Some(c.id),
                ..say("great", public)
            };
            let r = comment::create(&svc, &visitor, "acme", 1, reply, None)
                .await
                .unwrap();
            let internal = CommentVisibility::Internal;

            for who in [&visitor, &bo] {
                let err = set_visibility(&svc, who, "acme", c.id, internal, None)
                    .await
                    .unwrap_err();
                assert!(matches!(err, DomainError::Forbidden(_)), "{err:?}");
            }
            let err = set_visibility(&svc, &owner, "acme", r.id, internal, None)
                .await
                .unwrap_err();
            assert!(
                matches!(&err, DomainError::Invalid(f) if f.contains_key("visibility")),
                "{err:?}"
            );

            let done = set_visibility(&svc, &owner, "acme", c.id, internal, None)
                .await
                .unwrap();
            assert_eq!(done.visibility, internal);
            assert!(
                comment::list(&svc, &visitor, "acme", 1)
                    .await
                    .unwrap()
                    .is_empty(),
                "the visitor sees neither the comment nor its reply"
            );
            let seen = comment::list(&svc, &bo, "acme", 1).await.unwrap();
            assert!(seen.iter().all(|c| c.visibility == internal), "{seen:?}");
            assert_eq!(seen.len(), 2);
            let entries = crate::timeline::list(&svc, &visitor, "acme", 1)
                .await
                .unwrap();
            assert!(
                entries.iter().all(|e| !e.kind.starts_with("comment")),
                "{entries:?}"
            );

            set_visibility(&svc, &owner, "acme", c.id, public, None)
                .await
                .unwrap();
            assert_eq!(
                comment::list(&svc, &visitor, "acme", 1)
                    .await
                    .unwrap()
                    .len(),
                2
            );
        }
    );

    on_each_database!(edit_history_is_read_by_whoever_reads_the_comment, |svc| {
        let settings = OrgSettings {
            public_page: true,
            ..Default::default()
        };
        let owner = acme(&svc, settings).await;
        let input = NewTask {
            title: "Public".into(),
            visibility: Some(Visibility::Public),
            ..Default::default()
        };
        task::create(&svc, &owner, "acme", input, None)
            .await
            .unwrap();
        let visitor = person(&svc, "visitor@example.test").await;
        let edit = |body: &str| CommentPatch { body: body.into() };
        let mut ids = Vec::new();
        for visibility in [CommentVisibility::Public, CommentVisibility::Internal] {
            let c = comment::create(&svc, &owner, "acme", 1, say("v1", visibility), None)
                .await
                .unwrap();
            comment::update(&svc, &owner, "acme", c.id, edit("v2"), None)
                .await
                .unwrap();
            comment::update(&svc, &owner, "acme", c.id, edit("v3"), None)
                .await
                .unwrap();
            ids.push(c.id);
        }
        let (public, internal) = (ids[0], ids[1]);

        let edits = history(&svc, &owner, "acme", internal).await.unwrap();
        let bodies: Vec<_> = edits.iter().map(|e| e.body.as_str()).collect();
        assert_eq!(bodies, ["v2", "v1"], "newest first");
        assert_eq!(edits[0].edited_by.as_ref().unwrap().name, "owner");

        let visible = history(&svc, &visitor, "acme", public).await.unwrap();
        assert_eq!(visible.len(), 2);
        for who in [&visitor, &Actor::anonymous()] {
            let err = history(&svc, who, "acme", internal).await.unwrap_err();
            assert!(matches!(err, DomainError::NotFound), "{err:?}");
        }
    });
}
