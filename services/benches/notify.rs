//! Notifications: what a comment costs its writer with 0 and with 500 watchers (the fan-out
//! is a job, so the two should match), what that fan-out costs the worker, and the inbox at
//! 100,000 notifications for one user (first page, unread page, a deep page, the unread
//! count), p50/p99, on SQLite and (with `SAYR_TEST_DATABASE_URL`) PostgreSQL.
//!
//!     cargo bench -p services --bench notify
//!
//! Results and how they were read: BENCHMARKS.md ("Notifications").

mod common;

use chrono::Utc;
use common::{drain, pct, postgres, sqlite};
use domain::dto::{NewComment, NewOrg, NewTask};
use entity::{member, notification, task_watch, user};
use sea_orm::{ActiveValue::Set, ConnectionTrait, DatabaseConnection, EntityTrait};
use services::jobs::{self, Worker, WorkerConfig};
use services::notify::{self, InboxView};
use services::{Actor, LocalBus, Services, Settings, UserActor};
use std::sync::Arc;
use std::time::{Duration, Instant};
use uuid::Uuid;

const WATCHERS: usize = 500;
const INBOX: usize = 100_000;

fn actor(id: Uuid) -> Actor {
    Actor::User(UserActor {
        id: id.into(),
        site_admin: false,
        session: None,
        api_key: None,
    })
}

/// Users straight into the table (no password hashing: nobody signs in here).
async fn users(db: &DatabaseConnection, n: usize, tag: &str) -> Vec<Uuid> {
    let now = Utc::now();
    let ids: Vec<Uuid> = (0..n).map(|_| Uuid::new_v4()).collect();
    for chunk in ids.chunks(200) {
        user::Entity::insert_many(chunk.iter().enumerate().map(|(i, id)| user::ActiveModel {
            id: Set(*id),
            email: Set(format!("{tag}-{id}-{i}@bench.test")),
            name: Set(format!("{tag} {i}")),
            password_hash: Set(None),
            role: Set("user".into()),
            created_at: Set(now),
            updated_at: Set(now),
            banned_until: Set(None),
            ban_reason: Set(None),
            email_verified: Set(true),
        }))
        .exec(db)
        .await
        .unwrap();
    }
    ids
}

async fn run(backend: &str, db: DatabaseConnection) {
    let svc = Services::new(
        db.clone(),
        Arc::new(LocalBus::new(1024)),
        Settings::default(),
    );
    let owner = users(&db, 1, "owner").await[0];
    let owner_actor = actor(owner);
    let org = services::org::create(
        &svc,
        &owner_actor,
        NewOrg {
            name: "Bench".into(),
            slug: "bench".into(),
            short_id: "BEN".into(),
            description: None,
        },
    )
    .await
    .unwrap();
    let watchers = users(&db, WATCHERS, "watcher").await;
    let now = Utc::now();
    for chunk in watchers.chunks(200) {
        member::Entity::insert_many(chunk.iter().map(|u| member::ActiveModel {
            id: Set(Uuid::new_v4()),
            org_id: Set(org.id.0),
            user_id: Set(*u),
            created_at: Set(now),
        }))
        .exec(&db)
        .await
        .unwrap();
    }
    let new_task = |title: &str| NewTask {
        title: title.into(),
        ..Default::default()
    };
    let quiet = services::task::create(&svc, &owner_actor, "bench", new_task("quiet"), None)
        .await
        .unwrap();
    let busy = services::task::create(&svc, &owner_actor, "bench", new_task("busy"), None)
        .await
        .unwrap();
    for chunk in watchers.chunks(200) {
        task_watch::Entity::insert_many(chunk.iter().map(|u| task_watch::ActiveModel {
            task_id: Set(busy.id.0),
            user_id: Set(*u),
            watching: Set(true),
            created_at: Set(now),
        }))
        .exec(&db)
        .await
        .unwrap();
    }

    // Comments, alternating between the two tasks, no worker running: the request's cost.
    let rounds = 200;
    let (mut zero, mut many) = (Vec::new(), Vec::new());
    for i in 0..rounds * 2 {
        let number = if i % 2 == 0 {
            quiet.number
        } else {
            busy.number
        };
        let started = Instant::now();
        services::comment::create(
            &svc,
            &owner_actor,
            "bench",
            number,
            NewComment {
                body: format!("comment {i}"),
                visibility: None,
                parent_id: None,
            },
            None,
        )
        .await
        .unwrap();
        let took = started.elapsed();
        if i % 2 == 0 {
            zero.push(took)
        } else {
            many.push(took)
        }
    }
    zero.sort();
    many.sort();
    println!(
        "{backend}: posting a comment, 0 watchers: p50 {:.2} ms p99 {:.2} ms; {WATCHERS} watchers: p50 {:.2} ms p99 {:.2} ms ({rounds} each, interleaved)",
        pct(&zero, 0.5),
        pct(&zero, 0.99),
        pct(&many, 0.5),
        pct(&many, 0.99)
    );

    // The fan-out, in the worker: the quiet task's jobs write nothing, the busy task's 500
    // notifications each (mail jobs are scheduled minutes later and are not run here).
    let (stop, rx) = tokio::sync::watch::channel(false);
    let started = Instant::now();
    let worker = tokio::spawn(
        Worker::new(
            svc.clone(),
            jobs::standard_registry(),
            WorkerConfig {
                poll: Duration::from_millis(10),
                ..WorkerConfig::default()
            },
        )
        .run(rx),
    );
    drain(&svc, "notify").await;
    let drained = started.elapsed();
    let _ = stop.send(true);
    let _ = worker.await;
    let written = notification::Entity::find().all(&db).await.unwrap().len();
    println!(
        "{backend}: fan-out of {} comments ({written} notifications written) by one worker: {:.1} s, {:.1} ms per comment to {WATCHERS} watchers",
        rounds * 2,
        drained.as_secs_f64(),
        drained.as_secs_f64() * 1000.0 / rounds as f64
    );

    // The inbox of one user holding 100,000 notifications, a tenth of them unread.
    let reader = watchers[0];
    let reader_actor = actor(reader);
    let base = Utc::now() - chrono::Duration::days(30);
    let rows: Vec<notification::ActiveModel> = (0..INBOX)
        .map(|i| {
            let at = base + chrono::Duration::seconds(i as i64 * 20);
            let ts = uuid::Timestamp::from_unix(
                uuid::NoContext,
                at.timestamp() as u64,
                at.timestamp_subsec_nanos(),
            );
            notification::ActiveModel {
                id: Set(Uuid::new_v7(ts)),
                user_id: Set(reader),
                org_id: Set(org.id.0),
                task_id: Set(Some(busy.id.0)),
                comment_id: Set(None),
                kind: Set("commented".into()),
                actor_id: Set(Some(owner)),
                detail: Set(None),
                mail: Set(None),
                created_at: Set(at),
                read_at: Set((i % 10 != 0).then_some(at)),
                archived_at: Set(None),
            }
        })
        .collect();
    let started = Instant::now();
    for chunk in rows.chunks(1000) {
        notification::Entity::insert_many(chunk.to_vec())
            .exec(&db)
            .await
            .unwrap();
    }
    if backend == "postgres" {
        db.execute_unprepared("ANALYZE notification").await.unwrap();
    } else {
        db.execute_unprepared("ANALYZE").await.unwrap();
    }
    println!(
        "{backend}: {INBOX} notifications inserted in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let deep = notify::list(&svc, &reader_actor, InboxView::Inbox, None, Some(100))
        .await
        .unwrap();
    let mut cursor = deep.next_cursor.clone();
    for _ in 0..200 {
        let page = notify::list(
            &svc,
            &reader_actor,
            InboxView::Inbox,
            cursor.as_deref(),
            Some(100),
        )
        .await
        .unwrap();
        cursor = page.next_cursor;
    }
    let cases: [(&str, InboxView, Option<String>); 3] = [
        ("inbox, first page of 50", InboxView::Inbox, None),
        ("unread, first page of 50", InboxView::Unread, None),
        ("inbox, page 401 (after 20,000)", InboxView::Inbox, cursor),
    ];
    for (name, view, cursor) in cases {
        let mut times = Vec::new();
        for _ in 0..200 {
            let started = Instant::now();
            let page = notify::list(&svc, &reader_actor, view, cursor.as_deref(), Some(50))
                .await
                .unwrap();
            times.push(started.elapsed());
            assert_eq!(page.items.len(), 50);
        }
        times.sort();
        println!(
            "{backend}: {name} (with the unread count) at {INBOX}: p50 {:.2} ms p99 {:.2} ms",
            pct(&times, 0.5),
            pct(&times, 0.99)
        );
    }
}

#[tokio::main]
async fn main() {
    let (db, _dir) = sqlite().await;
    run("sqlite", db).await;
    if let Some(url) = std::env::var("SAYR_TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty())
    {
        let name = format!("sayr_bench_notify_{}", std::process::id());
        run("postgres", postgres(&url, &name).await).await;
    }
}
