//! `/metrics`: the `metrics` crate's figures in the Prometheus text format. Each instance
//! has a recorder of its own (tests run several in one process): what happens as it happens
//! (requests, Redis publishes) is recorded into it, and what is a state (sockets, rooms,
//! the database pool, the job queue) is read when scraped.

use crate::state::AppState;
use metrics::{
    Unit, counter, describe_counter, describe_gauge, describe_histogram, gauge, histogram,
};
use metrics_exporter_prometheus::{
    Matcher, PrometheusBuilder, PrometheusHandle, PrometheusRecorder,
};
use std::time::Duration;

const HTTP_DURATION: &str = "sayr_http_request_duration_seconds";
const REDIS_PUBLISH: &str = "sayr_redis_publish_seconds";

/// One instance's recorder.
pub struct Metrics {
    recorder: PrometheusRecorder,
    handle: PrometheusHandle,
    /// The database whose pool is reported.
    database: Option<sea_orm::DatabaseConnection>,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Metrics")
    }
}

impl Metrics {
    /// A recorder that reports `database`'s pool, if given.
    pub fn new(database: Option<sea_orm::DatabaseConnection>) -> Self {
        let seconds = [
            0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
        ];
        let recorder = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Full(HTTP_DURATION.into()), &seconds)
            .and_then(|b| b.set_buckets_for_metric(Matcher::Full(REDIS_PUBLISH.into()), &seconds))
            .expect("fixed, non-empty buckets")
            .build_recorder();
        let handle = recorder.handle();
        let metrics = Self {
            recorder,
            handle,
            database,
        };
        metrics.with(|| {
            describe_histogram!(
                HTTP_DURATION,
                Unit::Seconds,
                "Time to answer a request, by method, route pattern and status."
            );
            describe_histogram!(
                REDIS_PUBLISH,
                Unit::Seconds,
                "Time from an event's publication to Redis accepting it (the bus's lag)."
            );
            describe_gauge!(
                "sayr_redis_up",
                "1 while the Redis connection is up (absent without Redis)."
            );
            describe_gauge!(
                "sayr_db_pool_connections",
                "The database pool's connections, by state (in_use, idle)."
            );
            describe_gauge!(
                "sayr_db_pool_max_connections",
                "The most connections the pool opens (SAYR_DB_MAX_CONNECTIONS)."
            );
            describe_gauge!("sayr_ws_open_sockets", "Open WebSocket connections.");
            describe_gauge!("sayr_ws_rooms", "Rooms with at least one socket.");
            describe_gauge!("sayr_ws_sockets_in_rooms", "Sockets subscribed to a room.");
            describe_counter!("sayr_ws_messages_in_total", "Frames received from clients.");
            describe_counter!("sayr_ws_messages_out_total", "Frames queued to clients.");
            describe_counter!(
                "sayr_ws_slow_consumers_dropped_total",
                "Sockets closed because their send queue was full."
            );
            describe_gauge!(
                "sayr_jobs",
                "Jobs in the queue by kind and state (queued, running, retrying, dead)."
            );
            describe_counter!(
                "sayr_job_attempts_total",
                "Job attempts run by this process, by kind and outcome."
            );
        });
        metrics
    }

    /// Runs `f` with this instance's recorder as the one the `metrics` macros write to.
    pub fn with<T>(&self, f: impl FnOnce() -> T) -> T {
        metrics::with_local_recorder(&self.recorder, f)
    }

    /// A request answered: its time, by method, route pattern (not the path) and status.
    pub fn http_request(&self, method: &str, route: &str, status: u16, took: Duration) {
        self.with(|| {
            histogram!(HTTP_DURATION, "method" => method.to_string(), "route" => route.to_string(), "status" => status.to_string())
                .record(took.as_secs_f64())
        });
    }

    /// An event reached Redis `lag` after it was published.
    pub fn redis_published(&self, lag: Duration) {
        self.with(|| histogram!(REDIS_PUBLISH).record(lag.as_secs_f64()));
    }

    /// Reads the states, then renders every figure.
    pub async fn render(&self, state: &AppState) -> String {
        let jobs = match services::jobs::stats(&state.services).await {
            Ok(stats) => Some(stats),
            Err(e) => {
                tracing::warn!(error = %e, "the job queue's figures could not be read");
                None
            }
        };
        self.with(|| {
            let hub = state.hub.figures();
            gauge!("sayr_ws_open_sockets").set(hub.sockets as f64);
            gauge!("sayr_ws_rooms").set(hub.rooms as f64);
            gauge!("sayr_ws_sockets_in_rooms").set(hub.in_rooms as f64);
            counter!("sayr_ws_messages_in_total").absolute(hub.messages_in);
            counter!("sayr_ws_messages_out_total").absolute(hub.messages_out);
            counter!("sayr_ws_slow_consumers_dropped_total").absolute(hub.dropped_slow);

            if let Some(pool) = self.database.as_ref().map(pool_figures) {
                gauge!("sayr_db_pool_connections", "state" => "in_use").set(pool.in_use as f64);
                gauge!("sayr_db_pool_connections", "state" => "idle").set(pool.idle as f64);
                gauge!("sayr_db_pool_max_connections").set(pool.max as f64);
            }
            if let Some(redis) = &state.redis {
                gauge!("sayr_redis_up").set(if redis.client().is_some() { 1.0 } else { 0.0 });
            }

            for (kind, s) in jobs.iter().flatten() {
                for (name, n) in [
                    ("queued", s.queued),
                    ("running", s.running),
                    ("retrying", s.retrying),
                    ("dead", s.dead),
                ] {
                    gauge!("sayr_jobs", "kind" => kind.to_string(), "state" => name).set(n as f64);
                }
            }
            if let Some(registry) = state.jobs.as_deref() {
                for (kind, done, failed) in registry.counters() {
                    counter!("sayr_job_attempts_total", "kind" => kind.to_string(), "outcome" => "done")
                        .absolute(done);
                    counter!("sayr_job_attempts_total", "kind" => kind.to_string(), "outcome" => "failed")
                        .absolute(failed);
                }
            }
        });
        self.handle.run_upkeep();
        self.handle.render()
    }
}

struct PoolFigures {
    in_use: u32,
    idle: u32,
    max: u32,
}

fn pool_figures(db: &sea_orm::DatabaseConnection) -> PoolFigures {
    let (size, idle, max) = match db.get_database_backend() {
        sea_orm::DbBackend::Postgres => {
            let pool = db.get_postgres_connection_pool();
            (
                pool.size(),
                pool.num_idle() as u32,
                pool.options().get_max_connections(),
            )
        }
        _ => {
            let pool = db.get_sqlite_connection_pool();
            (
                pool.size(),
                pool.num_idle() as u32,
                pool.options().get_max_connections(),
            )
        }
    };
    PoolFigures {
        in_use: size.saturating_sub(idle),
        idle,
        max,
    }
}
