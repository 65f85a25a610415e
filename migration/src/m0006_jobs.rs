//! The job queue (`services::jobs`): one row per job until it succeeds, and one row per
//! periodic schedule.
//!
//! A job is `queued` (waiting for `run_at`), `running` (leased to `locked_by` until
//! `lease_until`; a worker that dies lets the lease run out and another takes the job) or
//! `dead` (its last attempt failed; the site admin retries or discards it). A job that
//! succeeds is deleted. `dedupe_key`, when set, makes enqueueing the same work twice a
//! no-op while the first is still here (a webhook delivery, say).
//!
//! `job_schedule` holds when each periodic job runs next; an instance enqueues the run
//! only if its conditional update of that row wins, so each period runs once whatever the
//! number of instances.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Job {
    Table,
    Id,
    Kind,
    Payload,
    Status,
    Attempts,
    MaxAttempts,
    RunAt,
    LockedBy,
    LeaseUntil,
    LastError,
    DedupeKey,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum JobSchedule {
    Table,
    Name,
    NextRunAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Job::Table)
                    .col(uuid(Job::Id).primary_key())
                    .col(string(Job::Kind))
                    // JSON text.
                    .col(text(Job::Payload))
                    .col(string(Job::Status))
                    .col(integer(Job::Attempts).default(0))
                    .col(integer(Job::MaxAttempts))
                    .col(timestamp_with_time_zone(Job::RunAt))
                    .col(string_null(Job::LockedBy))
                    .col(timestamp_with_time_zone_null(Job::LeaseUntil))
                    .col(text_null(Job::LastError))
                    .col(string_null(Job::DedupeKey).unique_key())
                    .col(timestamp_with_time_zone(Job::CreatedAt))
                    .col(timestamp_with_time_zone(Job::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        // The claim reads the earliest due job by status; the admin page and the metrics
        // count by kind and status.
        manager
            .create_index(
                Index::create()
                    .name("idx_job_status_run_at")
                    .table(Job::Table)
                    .col(Job::Status)
                    .col(Job::RunAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_job_kind_status")
                    .table(Job::Table)
                    .col(Job::Kind)
                    .col(Job::Status)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(JobSchedule::Table)
                    .col(string(JobSchedule::Name).primary_key())
                    .col(timestamp_with_time_zone(JobSchedule::NextRunAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(JobSchedule::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Job::Table).to_owned())
            .await
    }
}
