//! The job queue: what must happen even when nobody is looking (mail, sweeps, purges,
//! later GitHub calls and notifications), durable in the database Sayr already uses.
//!
//! - A request that causes work only [`enqueue`]s it, inside its own transaction where it
//!   can: a crash never runs a job for a change that did not commit, nor loses one that
//!   did.
//! - A [`Worker`] claims one due job at a time under a lease (`FOR UPDATE SKIP LOCKED` on
//!   PostgreSQL; SQLite serialises writers), so no job runs twice at once however many
//!   workers share the queue. It renews the lease while the job runs; a worker killed
//!   mid-job lets the lease run out and another worker takes the job again.
//! - A failed attempt is retried later, with exponential backoff and jitter, until the
//!   kind's maximum; then the job is `dead`, and the site admin retries or discards it.
//! - Periodic jobs ([`schedule`]) run once per period across all instances.
//!
//! Jobs therefore run at least once: each kind says in its docs why running it again is
//! harmless.
//!
//! Why not a library: apalis 1.0 (the first candidate) retries inside the worker process
//! (a tower retry layer that sleeps), so a backoff does not survive a restart and holds a
//! worker while it waits; its tables are managed by its own sqlx migrations, and the admin
//! page and metrics would have had to query a library's private schema. The queue here is
//! the crates.io worker's pattern: one table, one claim statement, typed by SeaORM.

mod queue;
mod runner;
pub mod schedule;
mod standard;

pub use domain::dto::KindStats;
pub use queue::{JobStats, discard, failed_jobs, overview, retry, stats};
pub use runner::{Registry, Worker, WorkerConfig};
pub use standard::{PurgeExpired, SweepFiles, standard_registry};

use crate::{Result, Services};
use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::future::Future;
use std::time::Duration;

/// A kind of job: its payload is the value itself, stored as JSON.
pub trait Job: Serialize + DeserializeOwned + Send + Sync + 'static {
    /// The name stored in the queue; never rename one that may be queued.
    const KIND: &'static str;
    /// How often it is tried before it is dead.
    const MAX_ATTEMPTS: i32 = 8;
    /// The first retry's delay; each further retry doubles it (jittered, capped at an hour).
    const RETRY_BASE: Duration = Duration::from_secs(10);

    fn run(self, svc: &Services) -> impl Future<Output = Result<(), JobError>> + Send;
}

/// Why an attempt failed.
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    /// Worth another attempt (a server that did not answer, a refused connection).
    #[error("{0}")]
    Retry(String),
    /// Worth another attempt, but not before this time (a peer's rate limit said when).
    #[error("{1}")]
    RetryAt(DateTime<Utc>, String),
    /// Another attempt would fail the same way (a payload that no longer parses): dead now.
    #[error("{0}")]
    Permanent(String),
}

impl From<sea_orm::DbErr> for JobError {
    fn from(e: sea_orm::DbErr) -> Self {
        JobError::Retry(e.to_string())
    }
}

impl From<crate::DomainError> for JobError {
    fn from(e: crate::DomainError) -> Self {
        JobError::Retry(e.to_string())
    }
}

/// When and how a job is enqueued.
#[derive(Clone, Debug, Default)]
pub struct Enqueue {
    /// Not before this time (now when `None`).
    pub run_at: Option<DateTime<Utc>>,
    /// Enqueueing the same key again while the job is still queued, running or dead does
    /// nothing.
    pub dedupe_key: Option<String>,
}

/// How a job carries the trace of the request that enqueued it: the server plugs in its
/// OpenTelemetry context here ([`set_trace_hooks`]); without it, jobs start traces of
/// their own.
#[derive(Clone, Copy)]
pub struct TraceHooks {
    /// The current trace as a `traceparent` value, if one is being recorded.
    pub current: fn() -> Option<String>,
    /// Makes a job's span continue the trace a `traceparent` names.
    pub resume: fn(&tracing::Span, &str),
}

static TRACE_HOOKS: std::sync::OnceLock<TraceHooks> = std::sync::OnceLock::new();

/// Sets the process's [`TraceHooks`] (once; later calls change nothing).
pub fn set_trace_hooks(hooks: TraceHooks) {
    let _ = TRACE_HOOKS.set(hooks);
}

/// The current trace as a `traceparent`, through the hooks (None without them).
pub fn current_traceparent() -> Option<String> {
    (trace_hooks().current)()
}

/// Makes `span` continue the trace `traceparent` names, through the hooks.
pub fn resume_trace(span: &tracing::Span, traceparent: &str) {
    (trace_hooks().resume)(span, traceparent)
}

fn trace_hooks() -> TraceHooks {
    TRACE_HOOKS.get().copied().unwrap_or(TraceHooks {
        current: || None,
        resume: |_, _| {},
    })
}

/// Enqueues `job` now, outside any transaction (the CLI, tests, work with nothing to
/// commit alongside).
pub async fn enqueue<J: Job>(svc: &Services, job: &J) -> Result<()> {
    enqueue_with(svc, job, Enqueue::default()).await
}

/// [`enqueue`] with a time or a dedupe key.
pub async fn enqueue_with<J: Job>(svc: &Services, job: &J, how: Enqueue) -> Result<()> {
    queue::insert(&svc.db, job, how).await?;
    svc.job_wake.notify_one();
    Ok(())
}

/// Enqueues inside the caller's transaction: the job exists only if it commits.
pub(crate) async fn enqueue_in<J: Job>(
    db: &impl ConnectionTrait,
    job: &J,
    how: Enqueue,
) -> Result<()> {
    queue::insert(db, job, how).await
}

#[cfg(test)]
mod tests;
