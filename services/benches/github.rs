//! GitHub deliveries: what accepting one costs GitHub's request (verify the signature,
//! record the delivery id, enqueue its job) when 200 arrive each second, and the lag from
//! a delivery's acceptance to the change it makes reaching the bus that boards listen to
//! (a worker running, as in `sayr serve`), p50/p99, on SQLite and (with
//! `SAYR_TEST_DATABASE_URL`) PostgreSQL.
//!
//!     cargo bench -p services --bench github
//!
//! Results and how they were read: BENCHMARKS.md ("GitHub").

mod common;

use chrono::Utc;
use common::{drain, pct, postgres, sqlite};
use domain::dto::NewOrg;
use domain::realtime::{BusMessage, EventKind};
use entity::{github_installation, github_repository, user};
use hmac::Mac;
use sea_orm::{ActiveValue::Set, DatabaseConnection, EntityTrait};
use services::github::webhook::{self, Headers};
use services::github::{Github, GithubConfig};
use services::jobs::{self, Worker, WorkerConfig};
use services::{Actor, LocalBus, Services, Settings, UserActor};
use std::sync::Arc;
use std::time::{Duration, Instant};
use uuid::Uuid;

const SECRET: &str = "bench-secret";
const RATE: u64 = 200;
const SECONDS: u64 = 10;
const REPO: i64 = 186853002;

fn signed(body: &[u8]) -> String {
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// An `issues.opened` delivery as GitHub sends it (about the size of GitHub's example, 9 KB).
fn issue_opened(number: i64) -> Vec<u8> {
    let user = serde_json::json!({"login": "Codertocat", "id": 21031067, "type": "User",
        "avatar_url": "https://avatars.githubusercontent.com/u/21031067?v=4",
        "html_url": "https://github.com/Codertocat", "site_admin": false});
    serde_json::to_vec(&serde_json::json!({
        "action": "opened",
        "issue": {
            "number": number, "title": format!("Issue {number}"), "state": "open",
            "body": "Steps to reproduce:\n\n1. Open\n2. Save\n\n".repeat(20),
            "html_url": format!("https://github.com/Codertocat/Hello-World/issues/{number}"),
            "user": user, "labels": [], "assignees": [], "comments": 0,
            "created_at": "2019-05-15T15:20:18Z", "updated_at": "2019-05-15T15:20:18Z",
        },
        "repository": {"id": REPO, "full_name": "Codertocat/Hello-World", "private": false,
            "default_branch": "master", "owner": user, "description": "x".repeat(2000)},
        "sender": user,
        "installation": {"id": 1},
    }))
    .unwrap()
}

async fn run(backend: &str, db: DatabaseConnection) {
    let bus = Arc::new(LocalBus::new(1 << 16));
    let mut events = bus.subscribe();
    let config = GithubConfig {
        app_id: "1".into(),
        slug: "sayr-bench".into(),
        private_key: include_str!("../../server/tests/api/github_app_test_key.pem").into(),
        webhook_secret: SECRET.into(),
        api_url: "http://127.0.0.1:9".into(),
        web_url: "http://127.0.0.1:9".into(),
    };
    let github = Github::new(config, reqwest::Client::new()).unwrap();
    let svc = Services::new(db.clone(), bus, Settings::default()).with_github(github);

    let owner = Uuid::new_v4();
    let now = Utc::now();
    user::Entity::insert(user::ActiveModel {
        id: Set(owner),
        email: Set("owner@bench.test".into()),
        name: Set("Owner".into()),
        password_hash: Set(None),
        role: Set("user".into()),
        created_at: Set(now),
        updated_at: Set(now),
        banned_until: Set(None),
        ban_reason: Set(None),
        email_verified: Set(true),
    })
    .exec(&db)
    .await
    .unwrap();
    let actor = Actor::User(UserActor {
        id: owner.into(),
        site_admin: false,
        session: None,
        api_key: None,
    });
    let org = services::org::create(
        &svc,
        &actor,
        NewOrg {
            name: "Bench".into(),
            slug: "bench".into(),
            short_id: "BEN".into(),
            description: None,
        },
    )
    .await
    .unwrap();
    github_installation::Entity::insert(github_installation::ActiveModel {
        id: Set(1),
        org_id: Set(org.id.0),
        account_login: Set("bench".into()),
        account_type: Set("Organization".into()),
        created_by: Set(Some(owner)),
        created_at: Set(now),
        suspended_at: Set(None),
        deleted_at: Set(None),
    })
    .exec(&db)
    .await
    .unwrap();
    github_repository::Entity::insert(github_repository::ActiveModel {
        id: Set(Uuid::new_v4()),
        org_id: Set(org.id.0),
        installation_id: Set(1),
        repo_id: Set(REPO),
        full_name: Set("Codertocat/Hello-World".into()),
        private: Set(false),
        default_branch: Set("master".into()),
        category_id: Set(None),
        create_issues: Set(false),
        created_at: Set(now),
    })
    .exec(&db)
    .await
    .unwrap();

    // A worker, as `sayr serve` runs one beside the requests.
    let (stop, rx) = tokio::sync::watch::channel(false);
    let worker = tokio::spawn(
        Worker::new(
            svc.clone(),
            jobs::standard_registry(),
            WorkerConfig::default(),
        )
        .run(rx),
    );

    // The lag: each delivery's acceptance to its task reaching the bus, a delivery at a
    // time (the board's socket is one hop further, measured in "Realtime fan-out").
    let mut lag = Vec::new();
    for n in 0..200 {
        let body = issue_opened(100_000 + n);
        let started = Instant::now();
        webhook::accept(&svc, headers(&body), &body).await.unwrap();
        loop {
            match events.recv().await.unwrap() {
                BusMessage::Org(e) if matches!(e.kind, EventKind::TaskCreated(_)) => break,
                _ => {}
            }
        }
        lag.push(started.elapsed());
    }
    lag.sort();

    // Acceptance at 200 deliveries a second for ten seconds, the worker taking the jobs
    // meanwhile: each call's time, paced (a late call does not make the next one early).
    let total = RATE * SECONDS;
    let mut accept = Vec::with_capacity(total as usize);
    let start = Instant::now();
    for n in 0..total {
        let due = start + Duration::from_micros(n * 1_000_000 / RATE);
        tokio::time::sleep_until(due.into()).await;
        let body = issue_opened(n as i64 + 1);
        let began = Instant::now();
        webhook::accept(&svc, headers(&body), &body).await.unwrap();
        accept.push(began.elapsed());
    }
    let offered = start.elapsed();
    accept.sort();
    let backlog = Instant::now();
    drain(&svc, "github_delivery").await;
    let drained = backlog.elapsed();
    let _ = stop.send(true);
    let _ = worker.await;
    println!(
        "{backend}: accepting a delivery at {RATE}/s for {SECONDS} s ({total} in {:.1} s): p50 {:.2} ms p99 {:.2} ms max {:.2} ms; the worker's backlog after: {:.1} s",
        offered.as_secs_f64(),
        pct(&accept, 0.5),
        pct(&accept, 0.99),
        pct(&accept, 1.0),
        drained.as_secs_f64()
    );
    println!(
        "{backend}: delivery accepted → its task on the bus (issues.opened, one at a time, 200): p50 {:.2} ms p99 {:.2} ms",
        pct(&lag, 0.5),
        pct(&lag, 0.99)
    );
}

fn headers(body: &[u8]) -> Headers {
    Headers {
        signature: Some(signed(body)),
        event: Some("issues".into()),
        delivery: Some(Uuid::new_v4().to_string()),
    }
}

#[tokio::main]
async fn main() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let (db, _dir) = sqlite().await;
    run("sqlite", db).await;
    if let Some(url) = std::env::var("SAYR_TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty())
    {
        let name = format!("sayr_bench_github_{}", std::process::id());
        run("postgres", postgres(&url, &name).await).await;
    }
}
