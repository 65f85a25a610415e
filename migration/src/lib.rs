//! The schema, one step per module. The same steps run on SQLite and PostgreSQL.

pub use sea_orm_migration::prelude::*;

mod m0001_schema;
mod m0002_foreign_key_indexes;
mod m0003_files;
mod m0004_admin;
mod m0005_task_rank;
mod m0006_jobs;
mod m0007_email_proof;
mod m0008_notifications;
mod m0009_github;
mod m0010_planning;
mod m0011_templates;
mod m0012_two_factor;
mod m0013_framing;
mod m0014_passkeys;
mod m0015_job_traceparent;
mod m0016_accent_color;

pub struct Migrator;

impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m0001_schema::Migration),
            Box::new(m0002_foreign_key_indexes::Migration),
            Box::new(m0003_files::Migration),
            Box::new(m0004_admin::Migration),
            Box::new(m0005_task_rank::Migration),
            Box::new(m0006_jobs::Migration),
            Box::new(m0007_email_proof::Migration),
            Box::new(m0008_notifications::Migration),
            Box::new(m0009_github::Migration),
            Box::new(m0010_planning::Migration),
            Box::new(m0011_templates::Migration),
            Box::new(m0012_two_factor::Migration),
            Box::new(m0013_framing::Migration),
            Box::new(m0014_passkeys::Migration),
            Box::new(m0015_job_traceparent::Migration),
            Box::new(m0016_accent_color::Migration),
        ]
    }
}
