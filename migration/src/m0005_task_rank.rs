//! The board's order: `task.rank`, a key compared byte by byte (see `domain::rank`).
//!
//! Existing tasks get the rank a new task with their number gets — a 12-digit head that
//! falls as numbers rise, then `i` — so each column starts in today's order, newest first.
//! The ranks are compared in Rust, not by the database, so no index is needed.

use sea_orm::{ConnectionTrait, DatabaseBackend};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Task {
    Table,
    Rank,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Task::Table)
                    .add_column(string(Task::Rank).default(""))
                    .to_owned(),
            )
            .await?;
        // `domain::rank::for_new(number)`, in each engine's SQL.
        let head = match manager.get_database_backend() {
            DatabaseBackend::Postgres => "lpad(CAST(999999999999 - number AS TEXT), 12, '0')",
            _ => "substr('000000000000' || (999999999999 - number), -12)",
        };
        manager
            .get_connection()
            .execute_unprepared(&format!(r#"UPDATE task SET "rank" = {head} || 'i'"#))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Task::Table)
                    .drop_column(Task::Rank)
                    .to_owned(),
            )
            .await
    }
}
