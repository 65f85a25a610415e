//! Periodic jobs: each has a row in `job_schedule` saying when it runs next. Every worker
//! looks every [`TICK`]; the one whose conditional update moves a due row on enqueues the
//! run, in the same transaction, so each period runs once however many instances look.

use super::{Enqueue, Job, queue};
use crate::{Result, Services};
use chrono::Utc;
use entity::job_schedule;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use std::time::Duration;

/// How often a worker looks at the schedules.
pub const TICK: Duration = Duration::from_secs(30);

/// A job enqueued once per period.
#[derive(Clone)]
pub struct Periodic {
    name: &'static str,
    every: Duration,
    kind: &'static str,
    payload: String,
    max_attempts: i32,
}

impl Periodic {
    pub(super) fn new<J: Job>(name: &'static str, every: Duration, job: J) -> Self {
        Self {
            name,
            every,
            kind: J::KIND,
            payload: serde_json::to_string(&job).expect("a job serialises"),
            max_attempts: J::MAX_ATTEMPTS,
        }
    }
}

/// Enqueues the periodic jobs that are due; returns how many this call enqueued.
pub async fn tick(svc: &Services, schedules: &[Periodic]) -> Result<usize> {
    let mut enqueued = 0;
    for p in schedules {
        let now = Utc::now();
        // A schedule seen for the first time is due at once.
        job_schedule::Entity::insert(job_schedule::ActiveModel {
            name: Set(p.name.to_string()),
            next_run_at: Set(now),
        })
        .on_conflict_do_nothing_on([job_schedule::Column::Name])
        .exec_without_returning(&svc.db)
        .await?;
        let Some(row) = job_schedule::Entity::find_by_id(p.name.to_string())
            .one(&svc.db)
            .await?
        else {
            continue;
        };
        if row.next_run_at > now {
            continue;
        }
        let txn = svc.begin().await?;
        let next = now + chrono::Duration::from_std(p.every).unwrap_or(chrono::Duration::hours(1));
        let won = job_schedule::Entity::update_many()
            .col_expr(
                job_schedule::Column::NextRunAt,
                sea_orm::sea_query::Expr::value(next),
            )
            .filter(job_schedule::Column::Name.eq(p.name))
            .filter(job_schedule::Column::NextRunAt.eq(row.next_run_at))
            .exec(&txn)
            .await?
            .rows_affected
            == 1;
        if won {
            queue::insert_raw(
                &txn,
                p.kind,
                p.payload.clone(),
                p.max_attempts,
                Enqueue::default(),
            )
            .await?;
            enqueued += 1;
        }
        txn.commit().await?;
        if won {
            tracing::info!(schedule = p.name, next_run_at = %next, "periodic job enqueued");
        }
    }
    Ok(enqueued)
}
