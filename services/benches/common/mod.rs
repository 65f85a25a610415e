//! What the benches share: a fresh, migrated database on each engine, percentiles, and
//! waiting for a kind of job to be done. Each bench uses some of it.
#![allow(dead_code)]

use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use sea_orm_migration::MigratorTrait;
use std::time::Duration;

/// A migrated SQLite file in a temporary directory (kept while the directory lives).
pub async fn sqlite() -> (DatabaseConnection, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/bench.db?mode=rwc", dir.path().display());
    let db = Database::connect(&url).await.unwrap();
    migration::Migrator::up(&db, None).await.unwrap();
    (db, dir)
}

/// A fresh, migrated PostgreSQL database `name` beside the one `url` names.
pub async fn postgres(url: &str, name: &str) -> DatabaseConnection {
    let admin = Database::connect(url).await.unwrap();
    admin
        .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name}"))
        .await
        .unwrap();
    admin
        .execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await
        .unwrap();
    let (base, _) = url.rsplit_once('/').unwrap();
    let db = Database::connect(format!("{base}/{name}")).await.unwrap();
    migration::Migrator::up(&db, None).await.unwrap();
    db
}

/// The `p` percentile of sorted durations, in milliseconds.
pub fn pct(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

/// Waits until no job of `kind` is queued, running or waiting to retry.
pub async fn drain(svc: &services::Services, kind: &str) {
    loop {
        let stats = services::jobs::stats(svc).await.unwrap();
        let left = stats
            .get(kind)
            .map_or(0, |k| k.queued + k.running + k.retrying);
        if left == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
