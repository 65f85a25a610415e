//! Users, sessions, organizations, members and tasks: what the first slice stands on.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum User {
    Table,
    Id,
    Email,
    Name,
    PasswordHash,
    Role,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Session {
    Table,
    Id,
    UserId,
    TokenHash,
    CreatedAt,
    ExpiresAt,
    LastSeenAt,
    Ip,
    UserAgent,
}

#[derive(DeriveIden)]
enum Organization {
    Table,
    Id,
    Name,
    Slug,
    ShortId,
    Description,
    PublicPage,
    PublicActions,
    PublicFieldLabels,
    PublicFieldCategory,
    PublicFieldPriority,
    LastTaskNumber,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Member {
    Table,
    Id,
    OrgId,
    UserId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Task {
    Table,
    Id,
    OrgId,
    Number,
    Title,
    Description,
    Status,
    Priority,
    Visibility,
    ParentId,
    VoteCount,
    CommentCount,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
    Version,
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

fn index(name: &str, table: impl IntoIden, cols: &[&'static str]) -> IndexCreateStatement {
    let mut stmt = Index::create();
    stmt.name(name).table(table);
    for col in cols {
        stmt.col(Alias::new(*col));
    }
    stmt.to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(User::Table)
                    .col(pk_uuid(User::Id))
                    .col(string(User::Email).unique_key())
                    .col(string(User::Name))
                    .col(string_null(User::PasswordHash))
                    .col(string(User::Role).default("user"))
                    .col(timestamp_with_time_zone(User::CreatedAt))
                    .col(timestamp_with_time_zone(User::UpdatedAt))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Session::Table)
                    .col(pk_uuid(Session::Id))
                    .col(uuid(Session::UserId))
                    .col(string(Session::TokenHash).unique_key())
                    .col(timestamp_with_time_zone(Session::CreatedAt))
                    .col(timestamp_with_time_zone(Session::ExpiresAt))
                    .col(timestamp_with_time_zone(Session::LastSeenAt))
                    .col(string_null(Session::Ip))
                    .col(string_null(Session::UserAgent))
                    .foreign_key(&mut fk(
                        "fk_session_user",
                        (Session::Table, Session::UserId),
                        (User::Table, User::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("idx_session_user", Session::Table, &["user_id"]))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Organization::Table)
                    .col(pk_uuid(Organization::Id))
                    .col(string(Organization::Name))
                    .col(string(Organization::Slug).unique_key())
                    .col(string(Organization::ShortId))
                    .col(text(Organization::Description).default(""))
                    .col(boolean(Organization::PublicPage).default(false))
                    .col(boolean(Organization::PublicActions).default(false))
                    .col(boolean(Organization::PublicFieldLabels).default(false))
                    .col(boolean(Organization::PublicFieldCategory).default(false))
                    .col(boolean(Organization::PublicFieldPriority).default(false))
                    .col(big_integer(Organization::LastTaskNumber).default(0))
                    .col(uuid_null(Organization::CreatedBy))
                    .col(timestamp_with_time_zone(Organization::CreatedAt))
                    .col(timestamp_with_time_zone(Organization::UpdatedAt))
                    .foreign_key(&mut fk(
                        "fk_organization_creator",
                        (Organization::Table, Organization::CreatedBy),
                        (User::Table, User::Id),
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Member::Table)
                    .col(pk_uuid(Member::Id))
                    .col(uuid(Member::OrgId))
                    .col(uuid(Member::UserId))
                    .col(timestamp_with_time_zone(Member::CreatedAt))
                    .foreign_key(&mut fk(
                        "fk_member_org",
                        (Member::Table, Member::OrgId),
                        (Organization::Table, Organization::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_member_user",
                        (Member::Table, Member::UserId),
                        (User::Table, User::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                index("ux_member_org_user", Member::Table, &["org_id", "user_id"])
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("idx_member_user", Member::Table, &["user_id"]))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Task::Table)
                    .col(pk_uuid(Task::Id))
                    .col(uuid(Task::OrgId))
                    .col(big_integer(Task::Number))
                    .col(string(Task::Title))
                    .col(text(Task::Description).default(""))
                    .col(string(Task::Status))
                    .col(string(Task::Priority))
                    .col(string(Task::Visibility))
                    .col(uuid_null(Task::ParentId))
                    .col(big_integer(Task::VoteCount).default(0))
                    .col(big_integer(Task::CommentCount).default(0))
                    .col(uuid_null(Task::CreatedBy))
                    .col(timestamp_with_time_zone(Task::CreatedAt))
                    .col(timestamp_with_time_zone(Task::UpdatedAt))
                    .col(big_integer(Task::Version).default(1))
                    .foreign_key(&mut fk(
                        "fk_task_org",
                        (Task::Table, Task::OrgId),
                        (Organization::Table, Organization::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_task_parent",
                        (Task::Table, Task::ParentId),
                        (Task::Table, Task::Id),
                        ForeignKeyAction::SetNull,
                    ))
                    .foreign_key(&mut fk(
                        "fk_task_creator",
                        (Task::Table, Task::CreatedBy),
                        (User::Table, User::Id),
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                index("ux_task_org_number", Task::Table, &["org_id", "number"])
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_task_org_status",
                Task::Table,
                &["org_id", "status"],
            ))
            .await?;
        manager
            .create_index(index(
                "idx_task_org_updated",
                Task::Table,
                &["org_id", "updated_at"],
            ))
            .await?;
        manager
            .create_index(index("idx_task_parent", Task::Table, &["parent_id"]))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["task", "member", "organization", "session", "user"] {
            manager
                .drop_table(Table::drop().table(Alias::new(table)).to_owned())
                .await?;
        }
        Ok(())
    }
}
