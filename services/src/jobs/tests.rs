//! The queue against real databases: each job once, retries, the dead list, leases,
//! shutdown and the schedules.

use super::*;
use crate::testing::{on_each_database, person};
use sea_orm::EntityTrait;
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::Mutex;
use tokio::sync::watch;
use uuid::Uuid;

/// What the test jobs did, by test tag: how many times each job id ran.
static RUNS: Mutex<Option<HashMap<String, u32>>> = Mutex::new(None);
/// Jobs running right now, by tag (to catch two at once).
static OVERLAPS: Mutex<Option<HashMap<String, u32>>> = Mutex::new(None);

fn runs(key: &str) -> u32 {
    RUNS.lock()
        .unwrap()
        .get_or_insert_default()
        .get(key)
        .copied()
        .unwrap_or(0)
}

fn count(key: &str) -> u32 {
    let mut map = RUNS.lock().unwrap();
    let n = map
        .get_or_insert_default()
        .entry(key.to_string())
        .or_default();
    *n += 1;
    *n
}

fn tag() -> String {
    Uuid::new_v4().simple().to_string()
}

/// Runs once per id; notices when the same id runs twice at the same time.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct Count {
    tag: String,
    id: u32,
    ms: u64,
}

impl Job for Count {
    const KIND: &'static str = "test_count";

    async fn run(self, _svc: &Services) -> Result<(), JobError> {
        let key = format!("{}/{}", self.tag, self.id);
        {
            let mut live = OVERLAPS.lock().unwrap();
            let n = live.get_or_insert_default().entry(key.clone()).or_default();
            *n += 1;
            assert_eq!(*n, 1, "job {key} runs twice at once");
        }
        tokio::time::sleep(Duration::from_millis(self.ms)).await;
        OVERLAPS
            .lock()
            .unwrap()
            .get_or_insert_default()
            .insert(key.clone(), 0);
        count(&key);
        Ok(())
    }
}

/// Fails its first `fails` attempts, then succeeds.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct Flaky {
    tag: String,
    fails: u32,
}

impl Job for Flaky {
    const KIND: &'static str = "test_flaky";
    const MAX_ATTEMPTS: i32 = 3;
    const RETRY_BASE: Duration = Duration::from_millis(50);

    async fn run(self, _svc: &Services) -> Result<(), JobError> {
        let n = count(&self.tag);
        if n <= self.fails {
            Err(JobError::Retry(format!("attempt {n} refused")))
        } else {
            Ok(())
        }
    }
}

/// Sleeps long: for leases and shutdown.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct Slow {
    tag: String,
    ms: u64,
}

impl Job for Slow {
    const KIND: &'static str = "test_slow";

    async fn run(self, _svc: &Services) -> Result<(), JobError> {
        count(&format!("{}/start", self.tag));
        tokio::time::sleep(Duration::from_millis(self.ms)).await;
        count(&format!("{}/end", self.tag));
        Ok(())
    }
}

fn registry() -> Registry {
    Registry::new()
        .register::<Count>()
        .register::<Flaky>()
        .register::<Slow>()
}

fn fast() -> WorkerConfig {
    WorkerConfig {
        concurrency: 4,
        lease: Duration::from_secs(3),
        poll: Duration::from_millis(20),
        grace: Duration::from_secs(5),
        retry_scale: 1.0,
    }
}

/// Starts a worker; dropping the sender (or sending true) stops it.
fn start(
    svc: &Services,
    config: WorkerConfig,
) -> (watch::Sender<bool>, tokio::task::JoinHandle<()>) {
    let (stop, rx) = watch::channel(false);
    let worker = Worker::new(svc.clone(), registry(), config);
    (stop, tokio::spawn(worker.run(rx)))
}

async fn wait_for(what: &str, mut done: impl AsyncFnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while !done().await {
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn totals(svc: &Services) -> KindStats {
    let mut all = KindStats::default();
    // Only the test kinds: signing people up also queues their mail, which no test worker
    // here runs.
    for (_, s) in stats(svc)
        .await
        .unwrap()
        .iter()
        .filter(|(k, _)| k.starts_with("test_"))
    {
        all.queued += s.queued;
        all.running += s.running;
        all.retrying += s.retrying;
        all.dead += s.dead;
    }
    all
}

on_each_database!(two_workers_run_every_job_exactly_once, |svc| {
    let tag = tag();
    for id in 0..40 {
        enqueue(
            &svc,
            &Count {
                tag: tag.clone(),
                id,
                ms: 5,
            },
        )
        .await
        .unwrap();
    }
    let (stop_a, a) = start(&svc, fast());
    let (stop_b, b) = start(&svc, fast());
    wait_for("the queue to empty", async || {
        totals(&svc).await == KindStats::default()
    })
    .await;
    for id in 0..40 {
        assert_eq!(runs(&format!("{tag}/{id}")), 1, "job {id}");
    }
    stop_a.send(true).unwrap();
    stop_b.send(true).unwrap();
    a.await.unwrap();
    b.await.unwrap();
});

on_each_database!(a_failing_job_is_retried_later_and_then_succeeds, |svc| {
    let tag = tag();
    enqueue(
        &svc,
        &Flaky {
            tag: tag.clone(),
            fails: 2,
        },
    )
    .await
    .unwrap();
    let (stop, w) = start(&svc, fast());
    wait_for("the third attempt", async || {
        runs(&tag) == 3 && totals(&svc).await == KindStats::default()
    })
    .await;
    stop.send(true).unwrap();
    w.await.unwrap();
});

on_each_database!(
    a_job_out_of_attempts_is_dead_until_the_admin_retries_or_discards_it,
    |svc| {
        let admin = person(&svc, "admin@example.test").await; // the first account: site admin
        let stranger = person(&svc, "someone@example.test").await;
        let tag = tag();
        enqueue(
            &svc,
            &Flaky {
                tag: tag.clone(),
                fails: 100,
            },
        )
        .await
        .unwrap();
        let (stop, w) = start(&svc, fast());
        wait_for("the dead list", async || totals(&svc).await.dead == 1).await;
        stop.send(true).unwrap();
        w.await.unwrap();
        assert_eq!(runs(&tag), 3, "tried MAX_ATTEMPTS times");

        assert!(matches!(
            failed_jobs(&svc, &stranger).await,
            Err(crate::DomainError::NotFound)
        ));
        let dead = failed_jobs(&svc, &admin).await.unwrap();
        assert_eq!(dead.len(), 1);
        assert_eq!(
            (
                dead[0].kind.as_str(),
                dead[0].status.as_str(),
                dead[0].attempts
            ),
            ("test_flaky", "dead", 3)
        );
        assert_eq!(dead[0].last_error.as_deref(), Some("attempt 3 refused"));

        // Retried by the admin: three more attempts, dead again.
        assert!(matches!(
            retry(&svc, &stranger, dead[0].id).await,
            Err(crate::DomainError::NotFound)
        ));
        retry(&svc, &admin, dead[0].id).await.unwrap();
        let (stop, w) = start(&svc, fast());
        wait_for("the second burial", async || {
            runs(&tag) == 6 && totals(&svc).await.dead == 1
        })
        .await;
        stop.send(true).unwrap();
        w.await.unwrap();

        discard(&svc, &admin, dead[0].id).await.unwrap();
        assert_eq!(totals(&svc).await, KindStats::default());
        assert!(matches!(
            discard(&svc, &admin, dead[0].id).await,
            Err(crate::DomainError::NotFound)
        ));
    }
);

on_each_database!(
    a_job_whose_worker_died_runs_again_once_its_lease_runs_out,
    |svc| {
        let tag = tag();
        enqueue(
            &svc,
            &Count {
                tag: tag.clone(),
                id: 1,
                ms: 0,
            },
        )
        .await
        .unwrap();
        // A worker claims it and dies (kill -9): nothing finishes or gives it back.
        let ghost = queue::claim(
            &svc.db,
            &["test_count"],
            "ghost",
            Duration::from_millis(800),
        )
        .await
        .unwrap()
        .expect("the job is claimed");
        assert_eq!(ghost.attempts, 1);
        let (stop, w) = start(&svc, fast());
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(
            runs(&format!("{tag}/1")),
            0,
            "not taken while the lease holds"
        );
        wait_for("the job to run after the lease", async || {
            runs(&format!("{tag}/1")) == 1
        })
        .await;
        wait_for("the queue to empty", async || {
            totals(&svc).await == KindStats::default()
        })
        .await;
        // The ghost's late report changes nothing.
        assert!(!queue::finish(&svc.db, ghost.id, "ghost").await.unwrap());
        stop.send(true).unwrap();
        w.await.unwrap();
    }
);

on_each_database!(
    shutdown_finishes_short_jobs_and_gives_back_long_ones,
    |svc| {
        let tag = tag();
        enqueue(
            &svc,
            &Slow {
                tag: format!("{tag}-short"),
                ms: 200,
            },
        )
        .await
        .unwrap();
        enqueue(
            &svc,
            &Slow {
                tag: format!("{tag}-long"),
                ms: 60_000,
            },
        )
        .await
        .unwrap();
        let config = WorkerConfig {
            grace: Duration::from_millis(800),
            ..fast()
        };
        let (stop, w) = start(&svc, config);
        wait_for("both to start", async || {
            runs(&format!("{tag}-short/start")) == 1 && runs(&format!("{tag}-long/start")) == 1
        })
        .await;
        stop.send(true).unwrap();
        w.await.unwrap();
        assert_eq!(
            runs(&format!("{tag}-short/end")),
            1,
            "the short job finished"
        );
        assert_eq!(runs(&format!("{tag}-long/end")), 0);
        // The long one is back in the queue, due now, its attempt not counted.
        let left = entity::job::Entity::find().all(&svc.db).await.unwrap();
        assert_eq!(left.len(), 1);
        assert_eq!(
            (
                left[0].status.as_str(),
                left[0].attempts,
                left[0].locked_by.as_deref()
            ),
            ("queued", 0, None)
        );
    }
);

on_each_database!(a_dedupe_key_enqueues_the_same_work_once, |svc| {
    let tag = tag();
    let how = || Enqueue {
        dedupe_key: Some(format!("{tag}-delivery")),
        ..Default::default()
    };
    enqueue_with(
        &svc,
        &Count {
            tag: tag.clone(),
            id: 1,
            ms: 0,
        },
        how(),
    )
    .await
    .unwrap();
    enqueue_with(
        &svc,
        &Count {
            tag: tag.clone(),
            id: 1,
            ms: 0,
        },
        how(),
    )
    .await
    .unwrap();
    assert_eq!(totals(&svc).await.queued, 1);
});

on_each_database!(
    a_periodic_job_is_enqueued_once_per_period_however_many_look,
    |svc| {
        let registry = Registry::new().every(
            "test_period",
            Duration::from_secs(3600),
            Count {
                tag: tag(),
                id: 0,
                ms: 0,
            },
        );
        let looks = (0..6).map(|_| {
            let svc = svc.clone();
            let schedules = registry.schedules.clone();
            tokio::spawn(async move { schedule::tick(&svc, &schedules).await })
        });
        let mut enqueued = 0;
        for look in looks {
            // SQLite may refuse a writer while another holds the lock: that look enqueues nothing.
            enqueued += look.await.unwrap().unwrap_or(0);
        }
        assert_eq!(enqueued, 1);
        assert_eq!(
            schedule::tick(&svc, &registry.schedules).await.unwrap(),
            0,
            "not due again within the hour"
        );
        assert_eq!(totals(&svc).await.queued, 1);
    }
);
