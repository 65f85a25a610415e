//! The queue's statements: insert, claim, renew, finish, fail, return; and what the site
//! admin and the metrics read.

use super::{Enqueue, Job};
use crate::admin::require;
use crate::{Actor, DomainError, Result, Services};
use chrono::{DateTime, Utc};
use domain::dto::{AdminJob, AdminJobs, KindStats};
use entity::job;
use sea_orm::sea_query::{Expr, ExprTrait, LockBehavior, LockType, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use std::collections::BTreeMap;
use std::time::Duration;
use uuid::Uuid;

pub(super) const QUEUED: &str = "queued";
pub(super) const RUNNING: &str = "running";
pub(super) const DEAD: &str = "dead";

pub(super) async fn insert<J: Job>(db: &impl ConnectionTrait, job: &J, how: Enqueue) -> Result<()> {
    insert_raw(db, J::KIND, payload_of(job)?, J::MAX_ATTEMPTS, how).await
}

pub(super) fn payload_of<J: Job>(job: &J) -> Result<String> {
    serde_json::to_string(job).map_err(|e| DomainError::Internal(format!("job payload: {e}")))
}

pub(super) async fn insert_raw(
    db: &impl ConnectionTrait,
    kind: &str,
    payload: String,
    max_attempts: i32,
    how: Enqueue,
) -> Result<()> {
    let now = Utc::now();
    let row = job::ActiveModel {
        id: Set(Uuid::new_v4()),
        kind: Set(kind.to_string()),
        payload: Set(payload),
        status: Set(QUEUED.to_string()),
        attempts: Set(0),
        max_attempts: Set(max_attempts),
        run_at: Set(how.run_at.unwrap_or(now)),
        locked_by: Set(None),
        lease_until: Set(None),
        last_error: Set(None),
        dedupe_key: Set(how.dedupe_key),
        traceparent: Set((super::trace_hooks().current)()),
        created_at: Set(now),
        updated_at: Set(now),
    };
    job::Entity::insert(row)
        .on_conflict_do_nothing_on([job::Column::DedupeKey])
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Takes the earliest due job of one of `kinds` for `worker` until `lease` from now: a
/// queued job whose time has come, or a running one whose worker let its lease run out.
/// Counts the attempt.
pub(super) async fn claim(
    db: &impl ConnectionTrait,
    kinds: &[&'static str],
    worker: &str,
    lease: Duration,
) -> Result<Option<job::Model>> {
    let now = Utc::now();
    let due = Condition::any()
        .add(
            Condition::all()
                .add(job::Column::Status.eq(QUEUED))
                .add(job::Column::RunAt.lte(now)),
        )
        .add(
            Condition::all()
                .add(job::Column::Status.eq(RUNNING))
                .add(job::Column::LeaseUntil.lt(now))
                .add(Expr::col(job::Column::Attempts).lt(Expr::col(job::Column::MaxAttempts))),
        );
    // SQLite has no row locks (its writers take turns); the builder leaves the clause out.
    let next = Query::select()
        .column(job::Column::Id)
        .from(job::Entity)
        .cond_where(
            Condition::all()
                .add(job::Column::Kind.is_in(kinds.iter().copied()))
                .add(due),
        )
        .order_by(job::Column::RunAt, sea_orm::Order::Asc)
        .limit(1)
        .lock_with_behavior(LockType::Update, LockBehavior::SkipLocked)
        .to_owned();
    let mut taken = job::Entity::update_many()
        .col_expr(job::Column::Status, Expr::value(RUNNING))
        .col_expr(job::Column::LockedBy, Expr::value(worker))
        .col_expr(job::Column::LeaseUntil, Expr::value(now + lease))
        .col_expr(
            job::Column::Attempts,
            Expr::col(job::Column::Attempts).add(1),
        )
        .col_expr(job::Column::UpdatedAt, Expr::value(now))
        .filter(job::Column::Id.in_subquery(next))
        .exec_with_returning(db)
        .await?;
    Ok(taken.pop())
}

fn held_by(id: Uuid, worker: &str) -> Condition {
    Condition::all()
        .add(job::Column::Id.eq(id))
        .add(job::Column::Status.eq(RUNNING))
        .add(job::Column::LockedBy.eq(worker))
}

/// Extends the lease; false when the worker no longer holds the job.
pub(super) async fn renew(
    db: &impl ConnectionTrait,
    id: Uuid,
    worker: &str,
    lease: Duration,
) -> Result<bool> {
    let done = job::Entity::update_many()
        .col_expr(job::Column::LeaseUntil, Expr::value(Utc::now() + lease))
        .filter(held_by(id, worker))
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}

/// The job succeeded: it leaves the queue.
pub(super) async fn finish(db: &impl ConnectionTrait, id: Uuid, worker: &str) -> Result<bool> {
    let done = job::Entity::delete_many()
        .filter(held_by(id, worker))
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}

/// The attempt failed: queued again at `retry_at`, or dead when there is none.
pub(super) async fn fail(
    db: &impl ConnectionTrait,
    id: Uuid,
    worker: &str,
    error: &str,
    retry_at: Option<DateTime<Utc>>,
) -> Result<bool> {
    let now = Utc::now();
    let mut update = job::Entity::update_many()
        .col_expr(job::Column::LockedBy, Expr::value(Option::<String>::None))
        .col_expr(
            job::Column::LeaseUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(job::Column::LastError, Expr::value(truncate(error)))
        .col_expr(job::Column::UpdatedAt, Expr::value(now));
    update = match retry_at {
        Some(at) => update
            .col_expr(job::Column::Status, Expr::value(QUEUED))
            .col_expr(job::Column::RunAt, Expr::value(at)),
        None => update.col_expr(job::Column::Status, Expr::value(DEAD)),
    };
    Ok(update
        .filter(held_by(id, worker))
        .exec(db)
        .await?
        .rows_affected
        == 1)
}

/// Gives a job back unfinished (the worker is shutting down): due at once, and the
/// attempt it started does not count.
pub(super) async fn give_back(db: &impl ConnectionTrait, id: Uuid, worker: &str) -> Result<()> {
    job::Entity::update_many()
        .col_expr(job::Column::Status, Expr::value(QUEUED))
        .col_expr(job::Column::LockedBy, Expr::value(Option::<String>::None))
        .col_expr(
            job::Column::LeaseUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(
            job::Column::Attempts,
            Expr::col(job::Column::Attempts).sub(1),
        )
        .col_expr(job::Column::RunAt, Expr::value(Utc::now()))
        .filter(held_by(id, worker))
        .exec(db)
        .await?;
    Ok(())
}

/// Jobs whose lease ran out on their last attempt cannot be claimed again: they are dead.
pub(super) async fn bury_abandoned(db: &impl ConnectionTrait) -> Result<u64> {
    let now = Utc::now();
    Ok(job::Entity::update_many()
        .col_expr(job::Column::Status, Expr::value(DEAD))
        .col_expr(job::Column::LockedBy, Expr::value(Option::<String>::None))
        .col_expr(
            job::Column::LastError,
            Expr::value("its worker stopped answering during the last attempt"),
        )
        .col_expr(job::Column::UpdatedAt, Expr::value(now))
        .filter(job::Column::Status.eq(RUNNING))
        .filter(job::Column::LeaseUntil.lt(now))
        .filter(Expr::col(job::Column::Attempts).gte(Expr::col(job::Column::MaxAttempts)))
        .exec(db)
        .await?
        .rows_affected)
}

/// Errors can be long (an SMTP transcript); the row keeps the start.
fn truncate(error: &str) -> String {
    const MAX: usize = 2000;
    match error.char_indices().nth(MAX) {
        Some((at, _)) => format!("{}…", &error[..at]),
        None => error.to_string(),
    }
}

fn view(row: job::Model) -> AdminJob {
    AdminJob {
        id: row.id,
        kind: row.kind,
        status: row.status,
        attempts: row.attempts,
        max_attempts: row.max_attempts,
        last_error: row.last_error,
        created_at: row.created_at,
        updated_at: row.updated_at,
        run_at: row.run_at,
    }
}

/// The dead jobs and those waiting to be retried, newest first (site admin).
pub async fn failed_jobs(svc: &Services, actor: &Actor) -> Result<Vec<AdminJob>> {
    require(actor)?;
    let rows = job::Entity::find()
        .filter(
            Condition::any().add(job::Column::Status.eq(DEAD)).add(
                Condition::all()
                    .add(job::Column::Status.eq(QUEUED))
                    .add(job::Column::Attempts.gt(0)),
            ),
        )
        .order_by_desc(job::Column::UpdatedAt)
        .limit(200)
        .all(&svc.db)
        .await?;
    Ok(rows.into_iter().map(view).collect())
}

/// Puts a dead (or retrying) job back in the queue, due now, with its attempts reset.
pub async fn retry(svc: &Services, actor: &Actor, id: Uuid) -> Result<()> {
    require(actor)?;
    let done = job::Entity::update_many()
        .col_expr(job::Column::Status, Expr::value(QUEUED))
        .col_expr(job::Column::Attempts, Expr::value(0))
        .col_expr(job::Column::RunAt, Expr::value(Utc::now()))
        .col_expr(job::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(job::Column::Id.eq(id))
        .filter(job::Column::Status.ne(RUNNING))
        .exec(&svc.db)
        .await?;
    if done.rows_affected == 0 {
        return Err(DomainError::NotFound);
    }
    svc.job_wake.notify_one();
    Ok(())
}

/// Deletes a dead (or retrying) job without running it.
pub async fn discard(svc: &Services, actor: &Actor, id: Uuid) -> Result<()> {
    require(actor)?;
    let done = job::Entity::delete_many()
        .filter(job::Column::Id.eq(id))
        .filter(job::Column::Status.ne(RUNNING))
        .exec(&svc.db)
        .await?;
    if done.rows_affected == 0 {
        return Err(DomainError::NotFound);
    }
    Ok(())
}

pub type JobStats = BTreeMap<String, KindStats>;

/// The queue by kind and state, for `/metrics` (which needs no actor: the server decides
/// who may read it).
pub async fn stats(svc: &Services) -> Result<JobStats> {
    // Grouped by attempts too (a few rows per kind), folded into "tried or not" here.
    let rows: Vec<(String, String, i32, i64)> = job::Entity::find()
        .select_only()
        .column(job::Column::Kind)
        .column(job::Column::Status)
        .column(job::Column::Attempts)
        .column_as(Expr::col(job::Column::Id).count(), "n")
        .group_by(job::Column::Kind)
        .group_by(job::Column::Status)
        .group_by(job::Column::Attempts)
        .into_tuple()
        .all(&svc.db)
        .await?;
    let mut out = JobStats::new();
    for (kind, status, attempts, n) in rows {
        let tried = attempts > 0;
        let entry = out.entry(kind).or_default();
        let n = u64::try_from(n).unwrap_or(0);
        match status.as_str() {
            RUNNING => entry.running += n,
            DEAD => entry.dead += n,
            _ if tried => entry.retrying += n,
            _ => entry.queued += n,
        }
    }
    Ok(out)
}

/// The jobs page: the queue by kind and the failed jobs (site admin).
pub async fn overview(svc: &Services, actor: &Actor) -> Result<AdminJobs> {
    let failed = failed_jobs(svc, actor).await?;
    Ok(AdminJobs {
        stats: stats(svc).await?.into_iter().collect(),
        failed,
    })
}
