//! Votes: one per user, or per anonymous visitor's fingerprint, per task. Signed-in users
//! vote on any task they can see; anonymous visitors when the org takes public actions.

use super::access::{self, OrgAccess};
use super::comment::task_ref;
use super::moderation::ensure_not_blocked;
use super::task::find_visible;
use super::{Actor, DomainError, Result, Services};
use chrono::Utc;
use domain::realtime::{DomainEvent, EventKind};
use entity::{task, task_vote};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter, Set,
    TryInsertResult,
};
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// A fresh visitor id: 16 random bytes, hex.
pub fn new_visitor() -> String {
    let mut bytes = [0u8; 16];
    getrandom::getrandom(&mut bytes).expect("the OS random source is available");
    hex::encode(bytes)
}

/// The anonymous voter's fingerprint in one org: a hash of the visitor cookie and the
/// user agent (never the address), salted with the org so it cannot be matched across orgs.
pub fn fingerprint(org_slug: &str, visitor: &str, user_agent: &str) -> String {
    hex::encode(Sha256::digest(format!(
        "sayr-vote|{org_slug}|{visitor}|{user_agent}"
    )))
}

/// An anonymous actor becomes one known by its vote fingerprint in org `slug`, from the
/// visitor id the edge read from its cookie. When there is none and `create` is set, a new
/// visitor is made and its id returned, for the edge to keep in the cookie. Other actors
/// pass unchanged.
pub fn with_fingerprint(
    actor: Actor,
    slug: &str,
    visitor: Option<String>,
    user_agent: &str,
    create: bool,
) -> (Actor, Option<String>) {
    let Actor::Anonymous { .. } = actor else {
        return (actor, None);
    };
    let (visitor, created) = match visitor {
        Some(visitor) => (visitor, None),
        None if create => {
            let visitor = new_visitor();
            (visitor.clone(), Some(visitor))
        }
        None => return (actor, None),
    };
    let fingerprint = fingerprint(slug, &visitor, user_agent);
    (
        Actor::Anonymous {
            fingerprint: Some(fingerprint),
        },
        created,
    )
}

enum Voter {
    User(Uuid),
    Anonymous(String),
}

/// Who is voting, or why they may not.
async fn voter(db: &impl ConnectionTrait, actor: &Actor, access: &OrgAccess) -> Result<Voter> {
    match actor {
        Actor::Anonymous {
            fingerprint: Some(f),
        } if access.org.public_actions && !f.is_empty() && f.len() <= 128 => {
            Ok(Voter::Anonymous(f.clone()))
        }
        Actor::Anonymous { .. } => Err(DomainError::Unauthenticated),
        Actor::User(u) => {
            if !access.member {
                ensure_not_blocked(db, access.org.id, u.id).await?;
            }
            Ok(Voter::User(u.id.0))
        }
        Actor::System => Err(DomainError::forbidden("votes are cast by people")),
    }
}

/// Adds `delta` to the task's vote count and returns the new count.
async fn count_votes(txn: &DatabaseTransaction, task: Uuid, delta: i64) -> Result<i64> {
    if delta != 0 {
        task::Entity::update_many()
            .col_expr(
                task::Column::VoteCount,
                Expr::col(task::Column::VoteCount).add(delta),
            )
            .filter(task::Column::Id.eq(task))
            .exec(txn)
            .await?;
    }
    Ok(task::Entity::find_by_id(task)
        .one(txn)
        .await?
        .ok_or(DomainError::NotFound)?
        .vote_count)
}

fn publish(
    svc: &Services,
    access: &OrgAccess,
    row: &task::Model,
    vote_count: i64,
    origin: Option<String>,
) {
    svc.publish(DomainEvent {
        traceparent: None,
        org_id: access.id(),
        origin,
        kind: EventKind::VoteChanged {
            task: task_ref(row),
            vote_count,
        },
    });
}

/// Spends the voter's budgets: every voter's, and for anonymous visitors — whom a script
/// can make anew for every request by dropping the cookie — their address's on this task
/// and in this org.
async fn spend_budgets(
    svc: &Services,
    voter: &Voter,
    access: &OrgAccess,
    task: Uuid,
    address: Option<&str>,
) -> Result<()> {
    use crate::limit::{Action, address_key};
    let who = match voter {
        Voter::User(u) => format!("user:{u}"),
        Voter::Anonymous(f) => format!("visitor:{f}"),
    };
    svc.limiter.enforce(Action::Vote, &who).await?;
    if let (Voter::Anonymous(_), Some(address)) = (voter, address) {
        let address = address_key(address);
        svc.limiter
            .enforce(Action::AnonymousVoteTask, &format!("{task}:{address}"))
            .await?;
        svc.limiter
            .enforce(
                Action::AnonymousVoteOrg,
                &format!("{}:{address}", access.org.id),
            )
            .await?;
    }
    Ok(())
}

/// Votes for task `number`; voting twice counts once. Returns the task's vote count.
/// `address` is the client's, for the limits on anonymous votes.
#[tracing::instrument(name = "vote.vote", skip(svc, actor, origin, address))]
pub async fn vote(
    svc: &Services,
    actor: &Actor,
    slug: &str,
    number: i64,
    origin: Option<String>,
    address: Option<&str>,
) -> Result<i64> {
    let access = access::load(svc, actor, slug).await?;
    let row = find_visible(&svc.db, &access, number).await?;
    let voter = voter(&svc.db, actor, &access).await?;
    spend_budgets(svc, &voter, &access, row.id, address).await?;
    let (user_id, fingerprint, key) = match voter {
        Voter::User(u) => (Some(u), None, task_vote::Column::UserId),
        Voter::Anonymous(f) => (None, Some(f), task_vote::Column::Fingerprint),
    };
    let txn = svc.begin().await?;
    // The unique indexes decide who has voted; a second vote inserts nothing.
    let inserted = task_vote::Entity::insert(task_vote::ActiveModel {
        id: Set(Uuid::new_v4()),
        task_id: Set(row.id),
        user_id: Set(user_id),
        fingerprint: Set(fingerprint),
        created_at: Set(Utc::now()),
    })
    .on_conflict_do_nothing_on([task_vote::Column::TaskId, key])
    .exec_without_returning(&txn)
    .await;
    let inserted = match inserted {
        Ok(TryInsertResult::Inserted(n)) => n > 0,
        Ok(_) => false,
        Err(e)
            if matches!(
                e.sql_err(),
                Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
            ) =>
        {
            txn.rollback().await?;
            return Ok(task::Entity::find_by_id(row.id)
                .one(&svc.db)
                .await?
                .ok_or(DomainError::NotFound)?
                .vote_count);
        }
        Err(e) => return Err(e.into()),
    };
    let count = count_votes(&txn, row.id, i64::from(inserted)).await?;
    txn.commit().await?;
    if inserted {
        publish(svc, &access, &row, count, origin);
    }
    Ok(count)
}

/// Takes back the actor's vote for task `number`, if any. Returns the task's vote count.
#[tracing::instrument(name = "vote.unvote", skip(svc, actor, origin))]
pub async fn unvote(
    svc: &Services,
    actor: &Actor,
    slug: &str,
    number: i64,
    origin: Option<String>,
) -> Result<i64> {
    let access = access::load(svc, actor, slug).await?;
    let row = find_visible(&svc.db, &access, number).await?;
    let voter = voter(&svc.db, actor, &access).await?;
    let mut query = task_vote::Entity::delete_many().filter(task_vote::Column::TaskId.eq(row.id));
    query = match voter {
        Voter::User(u) => query.filter(task_vote::Column::UserId.eq(u)),
        Voter::Anonymous(f) => query
            .filter(task_vote::Column::Fingerprint.eq(f))
            .filter(task_vote::Column::UserId.is_null()),
    };
    let txn = svc.begin().await?;
    let removed = query.exec(&txn).await?.rows_affected as i64;
    let count = count_votes(&txn, row.id, -removed).await?;
    txn.commit().await?;
    if removed > 0 {
        publish(svc, &access, &row, count, origin);
    }
    Ok(count)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_differ_by_org_visitor_and_agent() {
        let a = fingerprint("acme", "v1", "curl");
        assert_eq!(a, fingerprint("acme", "v1", "curl"));
        assert_eq!(a.len(), 64);
        assert_ne!(a, fingerprint("other", "v1", "curl"));
        assert_ne!(a, fingerprint("acme", "v2", "curl"));
        assert_ne!(a, fingerprint("acme", "v1", "firefox"));
    }

    #[test]
    fn a_visitor_without_an_id_gets_a_new_one_only_when_asked() {
        let (actor, created) = with_fingerprint(Actor::anonymous(), "acme", None, "curl", false);
        assert!(created.is_none() && matches!(actor, Actor::Anonymous { fingerprint: None }));
        let (actor, created) = with_fingerprint(Actor::anonymous(), "acme", None, "curl", true);
        let id = created.expect("a new visitor");
        assert!(id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit()));
        let (again, none) = with_fingerprint(Actor::anonymous(), "acme", Some(id), "curl", true);
        assert!(none.is_none(), "a known visitor keeps their id");
        let (Actor::Anonymous { fingerprint: a }, Actor::Anonymous { fingerprint: b }) =
            (actor, again)
        else {
            panic!("visitors stay anonymous");
        };
        assert_eq!(a, b, "the same visitor has the same fingerprint");
    }
}
