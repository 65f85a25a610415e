//! Votes: one per user, or per anonymous visitor's fingerprint, per task. Signed-in users
//! vote on any task they can see; anonymous visitors when the org takes public actions.

use super::comment::{ensure_not_blocked, task_ref};
use super::org::{self, OrgAccess};
use super::task::find_visible;
use super::{Actor, DomainError, Result, Services};
use crate::realtime::{DomainEvent, EventKind};
use chrono::Utc;
use entity::{task, task_vote};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter, Set,
    TransactionTrait, TryInsertResult,
};
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// The cookie that tells anonymous visitors apart.
pub const VISITOR_COOKIE: &str = "sayr_visitor";

/// A fresh visitor id: 16 random bytes, hex.
pub fn new_visitor() -> String {
    let mut bytes = [0u8; 16];
    getrandom::getrandom(&mut bytes).expect("the OS random source is available");
    hex::encode(bytes)
}

/// The visitor id in a `Cookie` header, if it holds a well-formed one.
pub fn visitor_from_cookie_header(header: &str) -> Option<&str> {
    header
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == VISITOR_COOKIE)
        .map(|(_, value)| value)
        .filter(|v| v.len() == 32 && v.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// A `Set-Cookie` value that keeps `visitor` for a year.
pub fn visitor_cookie(visitor: &str, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{VISITOR_COOKIE}={visitor}; Path=/; HttpOnly; SameSite=Lax; Max-Age=31536000{secure}")
}

/// The anonymous voter's fingerprint in one org: a hash of the visitor cookie and the
/// user agent (never the address), salted with the org so it cannot be matched across orgs.
pub fn fingerprint(org_slug: &str, visitor: &str, user_agent: &str) -> String {
    hex::encode(Sha256::digest(format!(
        "sayr-vote|{org_slug}|{visitor}|{user_agent}"
    )))
}

/// An anonymous actor becomes one known by its vote fingerprint in org `slug`, from the
/// visitor cookie among `cookie_headers`. When there is none and `create` is set, a new
/// visitor is made and its `Set-Cookie` value returned. Other actors pass unchanged.
pub fn with_fingerprint<'h>(
    actor: Actor,
    slug: &str,
    cookie_headers: impl IntoIterator<Item = &'h str>,
    user_agent: &str,
    secure: bool,
    create: bool,
) -> (Actor, Option<String>) {
    let Actor::Anonymous { .. } = actor else {
        return (actor, None);
    };
    let known = cookie_headers
        .into_iter()
        .find_map(visitor_from_cookie_header)
        .map(str::to_string);
    let (visitor, set_cookie) = match known {
        Some(visitor) => (visitor, None),
        None if create => {
            let visitor = new_visitor();
            let cookie = visitor_cookie(&visitor, secure);
            (visitor, Some(cookie))
        }
        None => return (actor, None),
    };
    let fingerprint = fingerprint(slug, &visitor, user_agent);
    (
        Actor::Anonymous {
            fingerprint: Some(fingerprint),
        },
        set_cookie,
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
        org_id: access.id(),
        origin,
        kind: EventKind::VoteChanged {
            task: task_ref(row),
            vote_count,
        },
    });
}

/// Votes for task `number`; voting twice counts once. Returns the task's vote count.
#[tracing::instrument(skip(svc, actor, origin))]
pub async fn vote(
    svc: &Services,
    actor: &Actor,
    slug: &str,
    number: i64,
    origin: Option<String>,
) -> Result<i64> {
    let access = org::load(svc, actor, slug).await?;
    let row = find_visible(&svc.db, &access, number).await?;
    let voter = voter(&svc.db, actor, &access).await?;
    let (user_id, fingerprint, key) = match voter {
        Voter::User(u) => (Some(u), None, task_vote::Column::UserId),
        Voter::Anonymous(f) => (None, Some(f), task_vote::Column::Fingerprint),
    };
    let txn = svc.db.begin().await?;
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
#[tracing::instrument(skip(svc, actor, origin))]
pub async fn unvote(
    svc: &Services,
    actor: &Actor,
    slug: &str,
    number: i64,
    origin: Option<String>,
) -> Result<i64> {
    let access = org::load(svc, actor, slug).await?;
    let row = find_visible(&svc.db, &access, number).await?;
    let voter = voter(&svc.db, actor, &access).await?;
    let mut query = task_vote::Entity::delete_many().filter(task_vote::Column::TaskId.eq(row.id));
    query = match voter {
        Voter::User(u) => query.filter(task_vote::Column::UserId.eq(u)),
        Voter::Anonymous(f) => query
            .filter(task_vote::Column::Fingerprint.eq(f))
            .filter(task_vote::Column::UserId.is_null()),
    };
    let txn = svc.db.begin().await?;
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
    fn only_well_formed_visitor_cookies_are_read() {
        let v = new_visitor();
        assert_eq!(v.len(), 32);
        let header = format!("a=b; {VISITOR_COOKIE}={v}; sayr_session=x");
        assert_eq!(visitor_from_cookie_header(&header), Some(v.as_str()));
        assert_eq!(
            visitor_from_cookie_header("sayr_visitor=../../etc; x=y"),
            None
        );
        assert!(visitor_cookie(&v, true).ends_with("; Secure"));
    }
}
