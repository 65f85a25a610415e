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

/// A reaction's emoji: 1–16 characters, no whitespace or control characters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Emoji(String);

impl Emoji {
    pub const MAX_CHARS: usize = 16;

    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let count = input.chars().count();
        if count == 0 || count > Self::MAX_CHARS {
            return Err(FieldError::new("emoji", "must be 1 to 16 characters"));
        }
        if input.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(FieldError::new(
                "emoji",
                "must not contain spaces or control characters",
            ));
        }
        Ok(Self(input.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Adds the actor's `emoji` reaction to a comment, or takes it back if it was there.
/// Returns the comment as the actor now sees it.
#[tracing::instrument(skip(svc, actor, origin))]
pub async fn react(
    svc: &Services,
    actor: &Actor,
    slug: &str,
    id: CommentId,
    emoji: &str,
    origin: Option<String>,
) -> Result<Comment> {
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
    fn emoji_are_short_and_have_no_whitespace() {
        assert!(Emoji::parse("👍").is_ok());
        assert!(Emoji::parse(":tada:").is_ok());
        assert!(Emoji::parse("👨‍👩‍👧‍👦").is_ok(), "ZWJ sequences fit");
        assert!(Emoji::parse("").is_err());
        assert!(Emoji::parse("a b").is_err());
        assert!(Emoji::parse("👍\n").is_err());
        assert!(Emoji::parse(&"x".repeat(17)).is_err());
        assert_eq!(Emoji::parse("a b").unwrap_err().field, "emoji");
    }
}
