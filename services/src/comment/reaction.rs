//! Reactions: anyone signed in who can read a comment toggles emoji under it.

use super::{Found, find, task_ref, to_dto};
use crate::moderation::ensure_not_blocked;
use crate::{Actor, DomainError, Result, Services};
use chrono::Utc;
use domain::CommentId;
use domain::dto::Comment;
use domain::parse::FieldError;
use domain::realtime::{DomainEvent, EventKind};
use entity::task_comment_reaction;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Set};

/// A reaction's emoji: one of a fixed set (GitHub's eight), so that reactions say
/// something and cannot be used to write arbitrary text under someone's comment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Emoji(&'static str);

impl Emoji {
    /// The reactions people may choose, in the order the app offers them.
    pub const SET: [&'static str; 8] = domain::dto::REACTIONS;

    pub fn parse(input: &str) -> Result<Self, FieldError> {
        // "❤" without its variation selector is the same heart.
        let input = if input == "\u{2764}" { "❤️" } else { input };
        Self::SET
            .iter()
            .find(|e| **e == input)
            .map(|e| Self(e))
            .ok_or_else(|| {
                FieldError::new("emoji", format!("must be one of {}", Self::SET.join(" ")))
            })
    }

    pub fn as_str(&self) -> &str {
        self.0
    }
}

/// Adds the actor's `emoji` reaction to a comment, or takes it back if it was there.
/// Returns the comment as the actor now sees it.
#[tracing::instrument(name = "comment.react", skip(svc, actor, origin))]
#[tracing::instrument(name = "comment.react", skip_all)]
pub async fn react(
    svc: &Services,
    actor: &Actor,
    slug: &str,
    id: CommentId,
    emoji: &str,
    origin: Option<String>,
) -> Result<Comment> {
    super::write::ensure_signed_in(actor)?;
    let Found {
        access,
        task,
        comment,
    } = find(svc, actor, slug, id).await?;
    let user = match actor {
        Actor::User(u) => u.id,
        Actor::Anonymous { .. } => return Err(DomainError::Unauthenticated),
        Actor::System => return Err(DomainError::forbidden("reactions are made by people")),
    };
    if !access.member {
        ensure_not_blocked(&svc.db, access.org.id, user).await?;
    }
    let emoji = Emoji::parse(emoji)?;
    svc.limiter
        .enforce(crate::limit::Action::Reaction, &format!("user:{}", user.0))
        .await?;

    let removed = task_comment_reaction::Entity::delete_many()
        .filter(task_comment_reaction::Column::CommentId.eq(comment.id))
        .filter(task_comment_reaction::Column::UserId.eq(user.0))
        .filter(task_comment_reaction::Column::Emoji.eq(emoji.as_str()))
        .exec(&svc.db)
        .await?
        .rows_affected;
    if removed == 0 {
        // A concurrent toggle may have added it first: then it stays.
        task_comment_reaction::Entity::insert(task_comment_reaction::ActiveModel {
            comment_id: Set(comment.id),
            user_id: Set(user.0),
            emoji: Set(emoji.as_str().to_string()),
            created_at: Set(Utc::now()),
        })
        .on_conflict_do_nothing()
        .exec_without_returning(&svc.db)
        .await?;
    }

    let updated = to_dto(&svc.db, &access, actor, task.number, comment).await?;
    svc.publish(DomainEvent {
        traceparent: None,
        org_id: access.id(),
        origin,
        kind: EventKind::CommentChanged {
            task: task_ref(&task),
            comment: updated.clone(),
            deleted: false,
            was_public: false,
        },
    });
    Ok(updated)
}

#[cfg(test)]
mod tests {
    use super::Emoji;

    #[test]
    fn only_the_fixed_set_is_a_reaction() {
        for e in Emoji::SET {
            assert_eq!(Emoji::parse(e).unwrap().as_str(), e);
        }
        assert_eq!(Emoji::parse("\u{2764}").unwrap().as_str(), "❤️");
        for bad in ["", ":tada:", "a", "👍👍", "💩", "👍\n", "free text"] {
            assert_eq!(Emoji::parse(bad).unwrap_err().field, "emoji", "{bad:?}");
        }
    }
}
