//! Indexes on foreign-key columns that no list query needed but deletes do: removing a user
//! or an org would otherwise scan these tables (PostgreSQL does not index foreign keys by
//! itself).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// (index name, table, column)
const INDEXES: &[(&str, &str, &str)] = &[
    (
        "idx_task_comment_reaction_user",
        "task_comment_reaction",
        "user_id",
    ),
    ("idx_task_vote_user", "task_vote", "user_id"),
    ("idx_task_comment_author", "task_comment", "author_id"),
    ("idx_task_comment_org", "task_comment", "org_id"),
    ("idx_task_timeline_org", "task_timeline", "org_id"),
    ("idx_task_relation_org", "task_relation", "org_id"),
    ("idx_task_created_by", "task", "created_by"),
    ("idx_organization_created_by", "organization", "created_by"),
    ("idx_invite_invited_by", "invite", "invited_by"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, table, column) in INDEXES {
            manager
                .create_index(
                    Index::create()
                        .name(*name)
                        .table(Alias::new(*table))
                        .col(Alias::new(*column))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, table, _) in INDEXES.iter().rev() {
            manager
                .drop_index(
                    Index::drop()
                        .name(*name)
                        .table(Alias::new(*table))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
