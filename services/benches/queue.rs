//! Jobs per second through the queue, on SQLite and (with `SAYR_TEST_DATABASE_URL`)
//! PostgreSQL, with one and two workers: a no-op job, and (with `SAYR_BENCH_SMTP=host:port`)
//! a mail job to a local SMTP server. Also the cost of enqueueing beside a write a request
//! makes (starting a session), p50/p99, against the same write alone.
//!
//!     cargo bench -p services --bench queue
//!
//! Results and how they were read: BENCHMARKS.md ("The job queue").

mod common;

use common::{pct, postgres, sqlite};
use sea_orm::DatabaseConnection;
use serde::{Deserialize, Serialize};
use services::jobs::{self, Job, JobError, Registry, Worker, WorkerConfig};
use services::{Actor, LocalBus, Services, Settings};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(Clone, Serialize, Deserialize)]
struct Noop(u32);

impl Job for Noop {
    const KIND: &'static str = "bench_noop";

    async fn run(self, _svc: &Services) -> Result<(), JobError> {
        Ok(())
    }
}

fn services(db: DatabaseConnection) -> Services {
    Services::new(db, Arc::new(LocalBus::new(16)), Settings::default())
}

async fn drain(svc: &Services, workers: usize, registry: fn() -> Registry) -> Duration {
    let started = Instant::now();
    let (stop, rx) = tokio::sync::watch::channel(false);
    let running: Vec<_> = (0..workers)
        .map(|_| {
            let config = WorkerConfig {
                poll: Duration::from_millis(20),
                ..WorkerConfig::default()
            };
            tokio::spawn(Worker::new(svc.clone(), registry(), config).run(rx.clone()))
        })
        .collect();
    loop {
        let left: u64 = jobs::stats(svc)
            .await
            .unwrap()
            .iter()
            .filter(|(k, _)| k.starts_with("bench_") || *k == "send_mail")
            .map(|(_, s)| s.queued + s.running + s.retrying)
            .sum();
        if left == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let took = started.elapsed();
    stop.send(true).unwrap();
    for r in running {
        r.await.unwrap();
    }
    took
}

async fn throughput(label: &str, svc: &Services, n: u32, workers: usize) {
    for i in 0..n {
        jobs::enqueue(svc, &Noop(i)).await.unwrap();
    }
    let took = drain(svc, workers, || Registry::new().register::<Noop>()).await;
    println!(
        "{label:<10} no-op  workers={workers}  {n} jobs in {:>6.2} s  = {:>7.0} jobs/s",
        took.as_secs_f64(),
        n as f64 / took.as_secs_f64()
    );
}

async fn mail_throughput(label: &str, svc: &mut Services, smtp: &str, n: u32, workers: usize) {
    svc.mailer = Arc::new(
        services::mail::Mailer::smtp(
            &format!("smtp://{smtp}?tls=none"),
            "Bench <bench@example.test>",
        )
        .unwrap(),
    );
    for i in 0..n {
        let mail = services::mail::compose(
            svc,
            services::mail::Template::Test,
            &format!("reader{i}@example.test"),
            (),
        )
        .unwrap();
        jobs::enqueue(svc, &services::mail::SendMail(mail))
            .await
            .unwrap();
    }
    let took = drain(svc, workers, || {
        Registry::new().register::<services::mail::SendMail>()
    })
    .await;
    println!(
        "{label:<10} mail   workers={workers}  {n} jobs in {:>6.2} s  = {:>7.0} jobs/s",
        took.as_secs_f64(),
        n as f64 / took.as_secs_f64()
    );
}

/// A request's write (a session row) alone, and followed by an enqueue: p50/p99 of each.
async fn enqueue_cost(label: &str, svc: &Services, n: usize) {
    let user = services::user::create(
        svc,
        &Actor::System,
        services::user::NewUser {
            email: "bench@example.test".into(),
            password: "correct horse battery".into(),
            name: "Bench".into(),
        },
        false,
    )
    .await
    .unwrap();
    let mut alone = Vec::with_capacity(n);
    let mut with_job = Vec::with_capacity(n);
    for i in 0..n {
        let t = Instant::now();
        services::session::start(svc, user.id, Default::default())
            .await
            .unwrap();
        alone.push(t.elapsed());
        let t = Instant::now();
        services::session::start(svc, user.id, Default::default())
            .await
            .unwrap();
        jobs::enqueue(svc, &Noop(i as u32)).await.unwrap();
        with_job.push(t.elapsed());
    }
    alone.sort();
    with_job.sort();
    println!(
        "{label:<10} write alone p50 {:.3} ms p99 {:.3} ms | write + enqueue p50 {:.3} ms p99 {:.3} ms | added p50 {:.3} ms",
        pct(&alone, 0.5),
        pct(&alone, 0.99),
        pct(&with_job, 0.5),
        pct(&with_job, 0.99),
        pct(&with_job, 0.5) - pct(&alone, 0.5),
    );
}

#[tokio::main]
async fn main() {
    let n: u32 = std::env::var("JOBS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000);
    let smtp = std::env::var("SAYR_BENCH_SMTP").ok();
    let pg = std::env::var("SAYR_TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty());
    let mut round = 0;
    for workers in [1, 2] {
        let (db, _dir) = sqlite().await;
        let mut svc = services(db);
        throughput("sqlite", &svc, n, workers).await;
        if let Some(smtp) = &smtp {
            mail_throughput("sqlite", &mut svc, smtp, n / 4, workers).await;
        }
        if let Some(url) = &pg {
            round += 1;
            let mut svc = services(
                postgres(
                    url,
                    &format!("sayr_bench_queue_{}_{round}", std::process::id()),
                )
                .await,
            );
            throughput("postgres", &svc, n, workers).await;
            if let Some(smtp) = &smtp {
                mail_throughput("postgres", &mut svc, smtp, n / 4, workers).await;
            }
        }
    }
    let (db, _dir) = sqlite().await;
    enqueue_cost("sqlite", &services(db), 500).await;
    if let Some(url) = &pg {
        enqueue_cost(
            "postgres",
            &services(postgres(url, &format!("sayr_bench_queue_{}_99", std::process::id())).await),
            500,
        )
        .await;
    }
}
