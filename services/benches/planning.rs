//! Board loads in an org of 10,000 tasks: unfiltered, with a three-condition filter, and
//! through a saved view (the view read, then its filter run), p50/p99 over 200 loads each,
//! in the same run, on SQLite and (with `SAYR_TEST_DATABASE_URL`) PostgreSQL. Each load is
//! what `/orgs/<slug>/tasks` asks of the services: up to 100 tasks with their labels,
//! assignees and the rest, the counts by status, labels, categories, releases, members and
//! views. The list cache is emptied before every load, so each one runs its SQL.
//!
//!     cargo bench -p services --bench planning
//!
//! Results and how they were read: BENCHMARKS.md ("Planning").

mod common;

use chrono::{Duration as Days, Utc};
use common::{pct, postgres, sqlite};
use domain::dto::{NewLabel, NewOrg, NewView, TaskPriority, TaskStatus, Visibility};
use domain::filter::Filter;
use entity::{task, task_assignee, task_label, user};
use sea_orm::{ActiveValue::Set, DatabaseConnection, EntityTrait};
use services::board::BoardQuery;
use services::{Actor, LocalBus, Services, Settings, UserActor};
use std::sync::Arc;
use std::time::Instant;
use uuid::Uuid;

const TASKS: i64 = 10_000;
const LOADS: usize = 200;

async fn seed(svc: &Services, db: &DatabaseConnection) -> (Actor, Uuid, Uuid) {
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
    .exec(db)
    .await
    .unwrap();
    let actor = Actor::User(UserActor {
        id: owner.into(),
        site_admin: false,
        session: None,
        api_key: None,
    });
    let org = services::org::create(
        svc,
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
    let mut labels = Vec::new();
    for name in ["bug", "feature", "docs", "ops"] {
        let input = NewLabel {
            name: name.into(),
            color: "#ff0000".into(),
            visibility: Some(Visibility::Public),
        };
        labels.push(
            services::label::create(svc, &actor, "bench", input, None)
                .await
                .unwrap()
                .id
                .0,
        );
    }
    let statuses = TaskStatus::ALL;
    let priorities = TaskPriority::ALL;
    let mut rows = Vec::new();
    let mut links = Vec::new();
    let mut assigned = Vec::new();
    for n in 1..=TASKS {
        let id = Uuid::new_v4();
        let at = now - Days::hours(n);
        rows.push(task::ActiveModel {
            id: Set(id),
            org_id: Set(org.id.0),
            number: Set(n),
            title: Set(format!("Task {n}: something to do about the login page")),
            description: Set("Steps to reproduce, and what should happen.".into()),
            description_html: Set("<p>Steps to reproduce, and what should happen.</p>".into()),
            status: Set(statuses[n as usize % statuses.len()]),
            priority: Set(priorities[n as usize % priorities.len()]),
            visibility: Set(Visibility::Private),
            category_id: Set(None),
            parent_id: Set(None),
            vote_count: Set(0),
            comment_count: Set(0),
            created_by: Set(Some(owner)),
            created_at: Set(at),
            updated_at: Set(at),
            version: Set(1),
            rank: Set(domain::rank::for_new(n)),
            release_id: Set(None),
        });
        links.push(task_label::ActiveModel {
            task_id: Set(id),
            label_id: Set(labels[n as usize % labels.len()]),
        });
        if n % 3 == 0 {
            assigned.push(task_assignee::ActiveModel {
                task_id: Set(id),
                user_id: Set(owner),
            });
        }
    }
    for chunk in rows.chunks(500) {
        task::Entity::insert_many(chunk.to_vec())
            .exec(db)
            .await
            .unwrap();
    }
    for chunk in links.chunks(1000) {
        task_label::Entity::insert_many(chunk.to_vec())
            .exec(db)
            .await
            .unwrap();
    }
    for chunk in assigned.chunks(1000) {
        task_assignee::Entity::insert_many(chunk.to_vec())
            .exec(db)
            .await
            .unwrap();
    }
    (actor, org.id.0, labels[0])
}

async fn timed<F, Fut>(svc: &Services, org: Uuid, mut load: F) -> (f64, f64, usize)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = usize>,
{
    let mut times = Vec::with_capacity(LOADS);
    let mut shown = 0;
    for _ in 0..LOADS {
        svc.list_cache.invalidate(org);
        let start = Instant::now();
        shown = load().await;
        times.push(start.elapsed());
    }
    times.sort();
    (pct(&times, 0.5), pct(&times, 0.99), shown)
}

async fn run(backend: &str, db: DatabaseConnection) {
    let svc = Services::new(db.clone(), Arc::new(LocalBus::new(64)), Settings::default());
    let (actor, org, bug) = seed(&svc, &db).await;
    let three: Filter = Filter::parse(&format!(
        r#"{{"and":[{{"field":"status","op":"anyOf","value":["todo","in-progress"]}},{{"field":"label","op":"is","value":"{bug}"}},{{"field":"assignee","op":"is","value":"me"}}]}}"#
    ))
    .unwrap();
    let view = services::view::create(
        &svc,
        &actor,
        "bench",
        NewView {
            name: "Mine, open bugs".into(),
            filter: three.clone(),
            ..Default::default()
        },
        None,
    )
    .await
    .unwrap();

    let board = |filter: Filter| {
        let svc = svc.clone();
        let actor = actor.clone();
        async move {
            let query = BoardQuery {
                filter,
                ..Default::default()
            };
            services::board::load(&svc, &actor, "bench", query)
                .await
                .unwrap()
                .tasks
                .len()
        }
    };
    let (p50, p99, n) = timed(&svc, org, || board(Filter::default())).await;
    println!("{backend:<10} unfiltered   p50 {p50:>6.1} ms  p99 {p99:>6.1} ms  ({n} tasks shown)");
    let (p50, p99, n) = timed(&svc, org, || board(three.clone())).await;
    println!("{backend:<10} 3 conditions p50 {p50:>6.1} ms  p99 {p99:>6.1} ms  ({n} tasks shown)");
    let (p50, p99, n) = timed(&svc, org, || {
        let svc = svc.clone();
        let actor = actor.clone();
        let board = board.clone();
        async move {
            let saved = services::view::get(&svc, &actor, "bench", view.id)
                .await
                .unwrap();
            board(saved.filter).await
        }
    })
    .await;
    println!("{backend:<10} saved view   p50 {p50:>6.1} ms  p99 {p99:>6.1} ms  ({n} tasks shown)");
}

#[tokio::main]
async fn main() {
    let (db, _dir) = sqlite().await;
    run("SQLite", db).await;
    match std::env::var("SAYR_TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => {
            run("PostgreSQL", postgres(&url, "sayr_bench_planning").await).await
        }
        _ => println!("PostgreSQL skipped: set SAYR_TEST_DATABASE_URL"),
    }
}
