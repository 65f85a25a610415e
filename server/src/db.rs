//! Connecting to the database and migrating it.

use crate::config::Secret;
use migration::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbBackend, DbErr};
use std::time::Duration;

/// The PostgreSQL advisory lock that migrations run under (any constant of our own: the
/// bytes of "sayrmigr").
const MIGRATION_LOCK: i64 = 0x7361_7972_6d69_6772;

/// Connects to SQLite (WAL, foreign keys on) or PostgreSQL, with at most `max_connections`
/// (default 20 on PostgreSQL, 8 on SQLite).
pub async fn connect(
    url: &Secret,
    max_connections: Option<u32>,
) -> Result<DatabaseConnection, DbErr> {
    let sqlite = url.expose().starts_with("sqlite");
    let mut options = ConnectOptions::new(url.expose().to_string());
    options
        .max_connections(max_connections.unwrap_or(if sqlite { 8 } else { 20 }))
        .connect_timeout(Duration::from_secs(5))
        .acquire_timeout(Duration::from_secs(5))
        .sqlx_logging(false)
        .map_sqlx_sqlite_opts(|o| {
            o.journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true)
        });
    let mut db = Database::connect(options).await?;
    let system = if sqlite { "sqlite" } else { "postgresql" };
    db.set_metric_callback(move |query| {
        crate::telemetry::record_query(system, &query.statement.sql, query.elapsed, query.failed)
    });
    Ok(db)
}

/// Applies every pending migration. On PostgreSQL under an advisory lock, so that
/// instances starting together (a rolling deploy, a scaled-out start) take turns: the
/// first migrates, the others then find nothing to do. A database that a newer Sayr has
/// migrated is refused (this binary does not know its schema).
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    if db.get_database_backend() != DbBackend::Postgres {
        return Migrator::up(db, None).await.map_err(newer_schema);
    }
    // The lock belongs to one session: hold one connection for it while the migrations
    // run on the pool's others. If this process dies, its session ends and so does the
    // lock.
    let mut session = db
        .get_postgres_connection_pool()
        .acquire()
        .await
        .map_err(sql)?;
    let taken: bool = sea_orm::sqlx::query_scalar("SELECT pg_try_advisory_lock($1)")
        .bind(MIGRATION_LOCK)
        .fetch_one(&mut *session)
        .await
        .map_err(sql)?;
    if !taken {
        tracing::info!("another instance is migrating the database: waiting for it");
        sea_orm::sqlx::query("SELECT pg_advisory_lock($1)")
            .bind(MIGRATION_LOCK)
            .execute(&mut *session)
            .await
            .map_err(sql)?;
    }
    let migrated = Migrator::up(db, None).await.map_err(newer_schema);
    let unlocked = sea_orm::sqlx::query("SELECT pg_advisory_unlock($1)")
        .bind(MIGRATION_LOCK)
        .execute(&mut *session)
        .await;
    migrated?;
    unlocked.map_err(sql)?;
    Ok(())
}

/// What `sayr migrate --check` reports: the migrations this binary would apply, by name
/// (none: the database is current). Changes nothing, not even the migrations table.
pub async fn pending(db: &DatabaseConnection) -> Result<Vec<String>, DbErr> {
    Ok(Migrator::get_pending_migrations_read_only(db)
        .await
        .map_err(newer_schema)?
        .iter()
        .map(|m| m.name().to_string())
        .collect())
}

fn sql(e: sea_orm::sqlx::Error) -> DbErr {
    DbErr::Custom(format!("migration lock: {e}"))
}

/// SeaORM's words for a database that holds migrations this binary lacks, said as what
/// it means for whoever runs it.
fn newer_schema(e: DbErr) -> DbErr {
    match e {
        DbErr::Custom(message) if message.contains("its file is missing") => {
            let names: Vec<&str> = message
                .lines()
                .filter_map(|l| l.split('\'').nth(1))
                .collect();
            DbErr::Custom(format!(
                "the database was migrated by a newer Sayr (migrations this version does not know: {}); run that version or a newer one",
                names.join(", ")
            ))
        }
        e => e,
    }
}
