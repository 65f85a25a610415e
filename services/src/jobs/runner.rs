//! The worker: claims due jobs, runs them under a renewed lease, records the outcome, and
//! ticks the periodic schedules.

use super::{Job, JobError, queue, schedule};
use crate::{Result, Services};
use chrono::Utc;
use futures::future::BoxFuture;
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinSet;
use tracing::Instrument;
use uuid::Uuid;

type Run = Arc<dyn Fn(Services, String) -> BoxFuture<'static, Result<(), JobError>> + Send + Sync>;

struct Kind {
    run: Run,
    retry_base: Duration,
    /// Attempts that succeeded and failed in this process (for `/metrics`).
    done: AtomicU64,
    failed: AtomicU64,
}

/// The kinds a worker runs, and how.
#[derive(Clone, Default)]
pub struct Registry {
    kinds: HashMap<&'static str, Arc<Kind>>,
    pub(super) schedules: Vec<schedule::Periodic>,
}

impl Registry {
    pub fn new() -> Self {
        Self::default()
    }

    /// Runs jobs of kind `J::KIND`.
    pub fn register<J: Job>(mut self) -> Self {
        let run: Run = Arc::new(|svc: Services, payload: String| {
            Box::pin(async move {
                let job: J = serde_json::from_str(&payload)
                    .map_err(|e| JobError::Permanent(format!("the payload does not parse: {e}")))?;
                job.run(&svc).await
            })
        });
        self.kinds.insert(
            J::KIND,
            Arc::new(Kind {
                run,
                retry_base: J::RETRY_BASE,
                done: AtomicU64::new(0),
                failed: AtomicU64::new(0),
            }),
        );
        self
    }

    /// Enqueues `job` once per `every`, across all instances (see [`schedule`]).
    pub fn every<J: Job + Clone>(mut self, name: &'static str, every: Duration, job: J) -> Self {
        self.schedules
            .push(schedule::Periodic::new(name, every, job));
        self.register::<J>()
    }

    fn kinds(&self) -> Vec<&'static str> {
        let mut kinds: Vec<_> = self.kinds.keys().copied().collect();
        kinds.sort_unstable();
        kinds
    }

    /// `(kind, succeeded, failed)` attempts in this process so far.
    pub fn counters(&self) -> Vec<(&'static str, u64, u64)> {
        let mut out: Vec<_> = self
            .kinds
            .iter()
            .map(|(k, v)| {
                (
                    *k,
                    v.done.load(Ordering::Relaxed),
                    v.failed.load(Ordering::Relaxed),
                )
            })
            .collect();
        out.sort_unstable();
        out
    }
}

/// How a worker behaves; the defaults suit production.
#[derive(Clone, Debug)]
pub struct WorkerConfig {
    /// Jobs run at once by this worker.
    pub concurrency: usize,
    /// How long a claim lasts without renewal; renewed every third of it.
    pub lease: Duration,
    /// How often an idle worker looks for due jobs (it also wakes when this process
    /// enqueues).
    pub poll: Duration,
    /// On shutdown, how long running jobs may take to finish before they are given back.
    pub grace: Duration,
    /// Multiplies every kind's retry delay (tests make it small).
    pub retry_scale: f64,
}

impl Default for WorkerConfig {
    fn default() -> Self {
        Self {
            concurrency: 4,
            lease: Duration::from_secs(60),
            poll: Duration::from_secs(1),
            grace: Duration::from_secs(20),
            retry_scale: 1.0,
        }
    }
}

/// One worker: any number of them, in any process, may share a queue.
pub struct Worker {
    svc: Services,
    registry: Arc<Registry>,
    config: WorkerConfig,
    name: String,
}

impl Worker {
    pub fn new(svc: Services, registry: Registry, config: WorkerConfig) -> Self {
        let name = format!(
            "{}-{}",
            std::env::var("HOSTNAME").unwrap_or_else(|_| "sayr".into()),
            &Uuid::new_v4().simple().to_string()[..8]
        );
        Self {
            svc,
            registry: Arc::new(registry),
            config,
            name,
        }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn registry(&self) -> Arc<Registry> {
        self.registry.clone()
    }

    /// Runs until `stop` turns true; then stops claiming, lets running jobs finish within
    /// the grace period and gives back the rest.
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        let kinds = self.registry.kinds();
        let slots = Arc::new(Semaphore::new(self.config.concurrency.max(1)));
        let mut running: JoinSet<()> = JoinSet::new();
        let mut held: HashMap<tokio::task::Id, Uuid> = HashMap::new();
        let mut next_tick = tokio::time::Instant::now();
        tracing::info!(worker = %self.name, kinds = ?kinds, "job worker started");
        loop {
            if *stop.borrow() {
                break;
            }
            while let Some(Ok(id)) = running.try_join_next_with_id().map(|r| r.map(|(id, _)| id)) {
                held.remove(&id);
            }
            if tokio::time::Instant::now() >= next_tick {
                next_tick = tokio::time::Instant::now() + schedule::TICK;
                if let Err(e) = schedule::tick(&self.svc, &self.registry.schedules).await {
                    tracing::warn!(error = %e, "the job schedules could not be read");
                }
                if let Err(e) = queue::bury_abandoned(&self.svc.db).await {
                    tracing::warn!(error = %e, "abandoned jobs could not be checked");
                }
            }
            let permit = tokio::select! {
                permit = slots.clone().acquire_owned() => permit.expect("the semaphore is never closed"),
                _ = stop.changed() => continue,
            };
            let claimed = queue::claim(&self.svc.db, &kinds, &self.name, self.config.lease).await;
            match claimed {
                Ok(Some(row)) => {
                    let job_id = row.id;
                    let attempt = Attempt {
                        svc: self.svc.clone(),
                        registry: self.registry.clone(),
                        config: self.config.clone(),
                        worker: self.name.clone(),
                    };
                    let handle = running.spawn(async move {
                        attempt.run(row).await;
                        drop(permit);
                    });
                    held.insert(handle.id(), job_id);
                }
                Ok(None) => {
                    drop(permit);
                    let wait = self
                        .config
                        .poll
                        .min(next_tick - tokio::time::Instant::now());
                    tokio::select! {
                        _ = tokio::time::sleep(wait) => {}
                        _ = self.svc.job_wake.notified() => {}
                        _ = stop.changed() => {}
                    }
                }
                Err(e) => {
                    drop(permit);
                    tracing::warn!(error = %e, "the job queue could not be read");
                    tokio::time::sleep(self.config.poll).await;
                }
            }
        }
        // Shutting down: no new claims; the running finish or go back.
        let deadline = tokio::time::sleep(self.config.grace);
        tokio::pin!(deadline);
        loop {
            tokio::select! {
                next = running.join_next_with_id() => match next {
                    Some(Ok((id, ()))) => { held.remove(&id); }
                    Some(Err(e)) => { held.remove(&e.id()); }
                    None => break,
                },
                _ = &mut deadline => {
                    running.abort_all();
                    for (_, job) in held.drain() {
                        if let Err(e) = queue::give_back(&self.svc.db, job, &self.name).await {
                            tracing::warn!(job = %job, error = %e, "a running job could not be given back; its lease will run out");
                        } else {
                            tracing::info!(job = %job, "gave back an unfinished job");
                        }
                    }
                    break;
                }
            }
        }
        tracing::info!(worker = %self.name, "job worker stopped");
    }
}

/// One attempt at one job.
struct Attempt {
    svc: Services,
    registry: Arc<Registry>,
    config: WorkerConfig,
    worker: String,
}

impl Attempt {
    async fn run(self, row: entity::job::Model) {
        let span = tracing::info_span!(
            "job",
            job.id = %row.id,
            job.kind = %row.kind,
            job.attempt = row.attempts,
            otel.name = %format!("job {}", row.kind),
            otel.kind = "consumer",
        );
        if let Some(parent) = &row.traceparent {
            (super::trace_hooks().resume)(&span, parent);
        }
        async move {
            let Some(kind) = self.registry.kinds.get(row.kind.as_str()).cloned() else {
                // Claimed only by kinds this worker runs; a kind removed while queued.
                self.failed(&row, None, "no worker knows this kind of job").await;
                return;
            };
            let started = std::time::Instant::now();
            let outcome = self.run_leased(&kind, &row).await;
            let ms = started.elapsed().as_millis() as u64;
            match outcome {
                Some(Ok(())) => {
                    kind.done.fetch_add(1, Ordering::Relaxed);
                    match queue::finish(&self.svc.db, row.id, &self.worker).await {
                        Ok(true) => tracing::info!(ms, "job done"),
                        Ok(false) => tracing::warn!(ms, "job done after its lease was lost"),
                        Err(e) => tracing::warn!(ms, error = %e, "job done, but not recorded; it will run again"),
                    }
                }
                Some(Err(e)) => {
                    kind.failed.fetch_add(1, Ordering::Relaxed);
                    let retry = match &e {
                        JobError::Retry(_) if row.attempts < row.max_attempts => Some(
                            Utc::now() + backoff(kind.retry_base, row.attempts, self.config.retry_scale),
                        ),
                        JobError::RetryAt(at, _) if row.attempts < row.max_attempts => Some(*at),
                        _ => None,
                    };
                    self.failed(&row, retry, &e.to_string()).await;
                }
                None => tracing::warn!(ms, "lost the job's lease; stopped it (another worker may take it)"),
            }
        }
        .instrument(span)
        .await
    }

    /// Runs the job while renewing its lease; `None` when the lease was lost.
    async fn run_leased(
        &self,
        kind: &Kind,
        row: &entity::job::Model,
    ) -> Option<Result<(), JobError>> {
        let job = (kind.run)(self.svc.clone(), row.payload.clone());
        tokio::pin!(job);
        let mut renew = tokio::time::interval(self.config.lease / 3);
        renew.tick().await;
        loop {
            tokio::select! {
                outcome = &mut job => return Some(outcome),
                _ = renew.tick() => {
                    match queue::renew(&self.svc.db, row.id, &self.worker, self.config.lease).await {
                        Ok(true) => {}
                        Ok(false) => return None,
                        Err(e) => tracing::warn!(error = %e, "could not renew the job's lease"),
                    }
                }
            }
        }
    }

    async fn failed(
        &self,
        row: &entity::job::Model,
        retry: Option<chrono::DateTime<Utc>>,
        error: &str,
    ) {
        match queue::fail(&self.svc.db, row.id, &self.worker, error, retry).await {
            Ok(_) => match retry {
                Some(at) => tracing::warn!(error, retry_at = %at, "job failed; will retry"),
                None => tracing::error!(
                    error,
                    attempts = row.attempts,
                    "job failed for good; it is in the dead list"
                ),
            },
            Err(e) => {
                tracing::warn!(error = %e, "job failed, and the failure was not recorded; its lease will run out")
            }
        }
    }
}

/// The delay before retry `attempt + 1`: `base · 2^(attempt-1)`, capped at an hour, of
/// which a random half is taken away (so that jobs failing together do not retry together).
pub(crate) fn backoff(base: Duration, attempt: i32, scale: f64) -> chrono::Duration {
    let exp = attempt.clamp(1, 20) - 1;
    let full = (base.as_secs_f64() * 2f64.powi(exp)).min(3600.0) * scale;
    let mut byte = [0u8; 2];
    let _ = getrandom::getrandom(&mut byte);
    let jitter = u16::from_le_bytes(byte) as f64 / u16::MAX as f64;
    let secs = full / 2.0 + full / 2.0 * jitter;
    chrono::Duration::milliseconds((secs * 1000.0) as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_wait_longer_each_time_with_jitter_and_a_cap() {
        let base = Duration::from_secs(10);
        for attempt in 1..=12 {
            let full = (10.0 * 2f64.powi(attempt - 1)).min(3600.0);
            for _ in 0..50 {
                let d = backoff(base, attempt, 1.0).num_milliseconds() as f64 / 1000.0;
                assert!(
                    d >= full / 2.0 - 0.001 && d <= full + 0.001,
                    "attempt {attempt}: {d}s"
                );
            }
        }
        let spread: std::collections::HashSet<i64> = (0..20)
            .map(|_| backoff(base, 3, 1.0).num_milliseconds())
            .collect();
        assert!(spread.len() > 5, "no jitter: {spread:?}");
    }
}
