//! The GitHub App (`services::github`).
//!
//! - `github_installation`: an installation of the App (GitHub's id), claimed by one org
//!   through the install flow. `suspended_at` / `deleted_at` follow GitHub's `installation`
//!   events; a deleted one is kept (its repositories unlinked) so the org sees what happened.
//! - `github_repository`: a repository an org linked from one of its installations, routed
//!   by GitHub's repository id (unique: one org per repository), optionally for one
//!   category, and whether tasks created in Sayr open issues there.
//! - `github_delivery`: the `X-GitHub-Delivery` ids seen, so a redelivery is done once;
//!   purged after 30 days.
//! - `github_issue`: the issue a task is synced with (one per task, one task per issue).
//! - `github_link`: pull requests and commits that name a task (`ref` is the number or the
//!   sha), with what they said (`closes`) and their state.
//! - `task_comment` gains the GitHub comment it copies (`github_id`, its author's login and
//!   address).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum User {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Organization {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Task {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Category {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum TaskComment {
    Table,
    GithubId,
    GithubAuthor,
    GithubUrl,
}

#[derive(DeriveIden)]
enum GithubInstallation {
    Table,
    Id,
    OrgId,
    AccountLogin,
    AccountType,
    CreatedBy,
    CreatedAt,
    SuspendedAt,
    DeletedAt,
}

#[derive(DeriveIden)]
enum GithubRepository {
    Table,
    Id,
    OrgId,
    InstallationId,
    RepoId,
    FullName,
    Private,
    DefaultBranch,
    CategoryId,
    CreateIssues,
    CreatedAt,
}

#[derive(DeriveIden)]
enum GithubDelivery {
    Table,
    Id,
    Event,
    ReceivedAt,
}

#[derive(DeriveIden)]
enum GithubIssue {
    Table,
    TaskId,
    OrgId,
    RepositoryId,
    Number,
    Url,
    State,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum GithubLink {
    Table,
    Id,
    OrgId,
    TaskId,
    RepositoryId,
    Kind,
    Ref,
    Title,
    Url,
    State,
    Closes,
    HeadSha,
    Checks,
    Author,
    CreatedAt,
    UpdatedAt,
}

fn fk(
    name: &str,
    from: (impl IntoIden, impl IntoIden),
    to: (impl IntoIden, impl IntoIden),
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(from.0, from.1)
        .to(to.0, to.1)
        .on_delete(on_delete)
        .to_owned()
}

fn index(
    name: &str,
    table: impl IntoIden,
    cols: Vec<DynIden>,
    unique: bool,
) -> IndexCreateStatement {
    let mut index = Index::create();
    index.name(name).table(table);
    for col in cols {
        index.col(col);
    }
    if unique {
        index.unique();
    }
    index.to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use ForeignKeyAction::{Cascade, SetNull};
        manager
            .create_table(
                Table::create()
                    .table(GithubInstallation::Table)
                    .col(big_integer(GithubInstallation::Id).primary_key())
                    .col(uuid(GithubInstallation::OrgId))
                    .col(string(GithubInstallation::AccountLogin))
                    .col(string(GithubInstallation::AccountType))
                    .col(uuid_null(GithubInstallation::CreatedBy))
                    .col(timestamp_with_time_zone(GithubInstallation::CreatedAt))
                    .col(timestamp_with_time_zone_null(
                        GithubInstallation::SuspendedAt,
                    ))
                    .col(timestamp_with_time_zone_null(GithubInstallation::DeletedAt))
                    .foreign_key(&mut fk(
                        "fk_github_installation_org",
                        (GithubInstallation::Table, GithubInstallation::OrgId),
                        (Organization::Table, Organization::Id),
                        Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_github_installation_created_by",
                        (GithubInstallation::Table, GithubInstallation::CreatedBy),
                        (User::Table, User::Id),
                        SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(GithubRepository::Table)
                    .col(uuid(GithubRepository::Id).primary_key())
                    .col(uuid(GithubRepository::OrgId))
                    .col(big_integer(GithubRepository::InstallationId))
                    .col(big_integer(GithubRepository::RepoId))
                    .col(string(GithubRepository::FullName))
                    .col(boolean(GithubRepository::Private))
                    .col(string(GithubRepository::DefaultBranch))
                    .col(uuid_null(GithubRepository::CategoryId))
                    .col(boolean(GithubRepository::CreateIssues))
                    .col(timestamp_with_time_zone(GithubRepository::CreatedAt))
                    .foreign_key(&mut fk(
                        "fk_github_repository_org",
                        (GithubRepository::Table, GithubRepository::OrgId),
                        (Organization::Table, Organization::Id),
                        Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_github_repository_installation",
                        (GithubRepository::Table, GithubRepository::InstallationId),
                        (GithubInstallation::Table, GithubInstallation::Id),
                        Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_github_repository_category",
                        (GithubRepository::Table, GithubRepository::CategoryId),
                        (Category::Table, Category::Id),
                        SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(GithubDelivery::Table)
                    .col(string(GithubDelivery::Id).primary_key())
                    .col(string(GithubDelivery::Event))
                    .col(timestamp_with_time_zone(GithubDelivery::ReceivedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(GithubIssue::Table)
                    .col(uuid(GithubIssue::TaskId).primary_key())
                    .col(uuid(GithubIssue::OrgId))
                    .col(uuid(GithubIssue::RepositoryId))
                    .col(big_integer(GithubIssue::Number))
                    .col(string(GithubIssue::Url))
                    .col(string(GithubIssue::State))
                    .col(timestamp_with_time_zone(GithubIssue::CreatedAt))
                    .col(timestamp_with_time_zone(GithubIssue::UpdatedAt))
                    .foreign_key(&mut fk(
                        "fk_github_issue_task",
                        (GithubIssue::Table, GithubIssue::TaskId),
                        (Task::Table, Task::Id),
                        Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_github_issue_org",
                        (GithubIssue::Table, GithubIssue::OrgId),
                        (Organization::Table, Organization::Id),
                        Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_github_issue_repository",
                        (GithubIssue::Table, GithubIssue::RepositoryId),
                        (GithubRepository::Table, GithubRepository::Id),
                        Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(GithubLink::Table)
                    .col(uuid(GithubLink::Id).primary_key())
                    .col(uuid(GithubLink::OrgId))
                    .col(uuid(GithubLink::TaskId))
                    .col(uuid(GithubLink::RepositoryId))
                    // "pull_request" or "commit".
                    .col(string(GithubLink::Kind))
                    .col(string(GithubLink::Ref))
                    .col(text(GithubLink::Title))
                    .col(string(GithubLink::Url))
                    .col(string(GithubLink::State))
                    .col(boolean(GithubLink::Closes))
                    .col(string_null(GithubLink::HeadSha))
                    .col(string_null(GithubLink::Checks))
                    .col(string_null(GithubLink::Author))
                    .col(timestamp_with_time_zone(GithubLink::CreatedAt))
                    .col(timestamp_with_time_zone(GithubLink::UpdatedAt))
                    .foreign_key(&mut fk(
                        "fk_github_link_org",
                        (GithubLink::Table, GithubLink::OrgId),
                        (Organization::Table, Organization::Id),
                        Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_github_link_task",
                        (GithubLink::Table, GithubLink::TaskId),
                        (Task::Table, Task::Id),
                        Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_github_link_repository",
                        (GithubLink::Table, GithubLink::RepositoryId),
                        (GithubRepository::Table, GithubRepository::Id),
                        Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(TaskComment::Table)
                    .add_column(big_integer_null(TaskComment::GithubId))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(TaskComment::Table)
                    .add_column(string_null(TaskComment::GithubAuthor))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(TaskComment::Table)
                    .add_column(string_null(TaskComment::GithubUrl))
                    .to_owned(),
            )
            .await?;

        let indexes = [
            index(
                "idx_github_installation_org_id",
                GithubInstallation::Table,
                vec![GithubInstallation::OrgId.into_iden()],
                false,
            ),
            index(
                "idx_github_installation_created_by",
                GithubInstallation::Table,
                vec![GithubInstallation::CreatedBy.into_iden()],
                false,
            ),
            index(
                "idx_github_repository_repo_id",
                GithubRepository::Table,
                vec![GithubRepository::RepoId.into_iden()],
                true,
            ),
            index(
                "idx_github_repository_org_id",
                GithubRepository::Table,
                vec![GithubRepository::OrgId.into_iden()],
                false,
            ),
            index(
                "idx_github_repository_installation_id",
                GithubRepository::Table,
                vec![GithubRepository::InstallationId.into_iden()],
                false,
            ),
            index(
                "idx_github_repository_category_id",
                GithubRepository::Table,
                vec![GithubRepository::CategoryId.into_iden()],
                false,
            ),
            index(
                "idx_github_delivery_received_at",
                GithubDelivery::Table,
                vec![GithubDelivery::ReceivedAt.into_iden()],
                false,
            ),
            index(
                "idx_github_issue_number",
                GithubIssue::Table,
                vec![
                    GithubIssue::RepositoryId.into_iden(),
                    GithubIssue::Number.into_iden(),
                ],
                true,
            ),
            index(
                "idx_github_issue_org_id",
                GithubIssue::Table,
                vec![GithubIssue::OrgId.into_iden()],
                false,
            ),
            index(
                "idx_github_link_ref",
                GithubLink::Table,
                vec![
                    GithubLink::RepositoryId.into_iden(),
                    GithubLink::Kind.into_iden(),
                    GithubLink::Ref.into_iden(),
                    GithubLink::TaskId.into_iden(),
                ],
                true,
            ),
            index(
                "idx_github_link_task_id",
                GithubLink::Table,
                vec![GithubLink::TaskId.into_iden()],
                false,
            ),
            index(
                "idx_github_link_org_id",
                GithubLink::Table,
                vec![GithubLink::OrgId.into_iden()],
                false,
            ),
            index(
                "idx_task_comment_github_id",
                TaskComment::Table,
                vec![TaskComment::GithubId.into_iden()],
                true,
            ),
        ];
        for statement in indexes {
            manager.create_index(statement).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_task_comment_github_id")
                    .table(TaskComment::Table)
                    .to_owned(),
            )
            .await?;
        for column in [
            TaskComment::GithubUrl,
            TaskComment::GithubAuthor,
            TaskComment::GithubId,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(TaskComment::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        for table in [
            GithubLink::Table.into_iden(),
            GithubIssue::Table.into_iden(),
            GithubDelivery::Table.into_iden(),
            GithubRepository::Table.into_iden(),
            GithubInstallation::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
