//! Notifications (`services::notify`).
//!
//! - `notification`: one row per person per event. The inbox reads a user's rows newest
//!   first (ids are UUIDv7, so the id orders them): `(user_id, archived_at, id)` serves the
//!   inbox and the archive, `(user_id, read_at, id)` the unread view and the badge's count
//!   (archiving also marks read, so unread rows are never archived). `mail` is the pending
//!   delivery by mail (`now` or `daily`), null once mailed or when none is wanted.
//! - `task_watch`: who hears about a task's comments and status. `watching = false` is an
//!   explicit unwatch, which later participation does not undo.
//! - `notification_setting`: per user and type, how mail is sent (`off`, `now`, `daily`);
//!   no row means the type's default.

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
enum TaskComment {
    Table,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum Notification {
    Table,
    Id,
    UserId,
    OrgId,
    TaskId,
    CommentId,
    Kind,
    ActorId,
    Detail,
    Mail,
    CreatedAt,
    ReadAt,
    ArchivedAt,
}

#[derive(DeriveIden)]
enum TaskWatch {
    Table,
    TaskId,
    UserId,
    Watching,
    CreatedAt,
}

#[derive(DeriveIden)]
enum NotificationSetting {
    Table,
    UserId,
    Kind,
    Mode,
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

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use ForeignKeyAction::{Cascade, SetNull};
        manager
            .create_table(
                Table::create()
                    .table(Notification::Table)
                    .col(uuid(Notification::Id).primary_key())
                    .col(uuid(Notification::UserId))
                    .col(uuid(Notification::OrgId))
                    .col(uuid_null(Notification::TaskId))
                    .col(uuid_null(Notification::CommentId))
                    .col(string(Notification::Kind))
                    .col(uuid_null(Notification::ActorId))
                    // JSON text: what the type needs besides the task (a status change).
                    .col(text_null(Notification::Detail))
                    .col(string_null(Notification::Mail))
                    .col(timestamp_with_time_zone(Notification::CreatedAt))
                    .col(timestamp_with_time_zone_null(Notification::ReadAt))
                    .col(timestamp_with_time_zone_null(Notification::ArchivedAt))
                    .foreign_key(&mut fk(
                        "fk_notification_user",
                        (Notification::Table, Notification::UserId),
                        (User::Table, User::Id),
                        Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_notification_org",
                        (Notification::Table, Notification::OrgId),
                        (Organization::Table, Organization::Id),
                        Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_notification_task",
                        (Notification::Table, Notification::TaskId),
                        (Task::Table, Task::Id),
                        Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_notification_comment",
                        (Notification::Table, Notification::CommentId),
                        (TaskComment::Table, TaskComment::Id),
                        Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_notification_actor",
                        (Notification::Table, Notification::ActorId),
                        (User::Table, User::Id),
                        SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        let indexes: [(&str, &[Notification]); 7] = [
            (
                "idx_notification_inbox",
                &[
                    Notification::UserId,
                    Notification::ArchivedAt,
                    Notification::Id,
                ],
            ),
            (
                "idx_notification_unread",
                &[Notification::UserId, Notification::ReadAt, Notification::Id],
            ),
            (
                "idx_notification_mail",
                &[Notification::UserId, Notification::Mail],
            ),
            ("idx_notification_org_id", &[Notification::OrgId]),
            ("idx_notification_task_id", &[Notification::TaskId]),
            ("idx_notification_comment_id", &[Notification::CommentId]),
            ("idx_notification_actor_id", &[Notification::ActorId]),
        ];
        for (name, cols) in indexes {
            let mut index = Index::create();
            index.name(name).table(Notification::Table);
            for col in cols {
                index.col(*col);
            }
            manager.create_index(index.to_owned()).await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(TaskWatch::Table)
                    .col(uuid(TaskWatch::TaskId))
                    .col(uuid(TaskWatch::UserId))
                    .col(boolean(TaskWatch::Watching))
                    .col(timestamp_with_time_zone(TaskWatch::CreatedAt))
                    .primary_key(
                        Index::create()
                            .col(TaskWatch::TaskId)
                            .col(TaskWatch::UserId),
                    )
                    .foreign_key(&mut fk(
                        "fk_task_watch_task",
                        (TaskWatch::Table, TaskWatch::TaskId),
                        (Task::Table, Task::Id),
                        Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_task_watch_user",
                        (TaskWatch::Table, TaskWatch::UserId),
                        (User::Table, User::Id),
                        Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_task_watch_user_id")
                    .table(TaskWatch::Table)
                    .col(TaskWatch::UserId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(NotificationSetting::Table)
                    .col(uuid(NotificationSetting::UserId))
                    .col(string(NotificationSetting::Kind))
                    .col(string(NotificationSetting::Mode))
                    .primary_key(
                        Index::create()
                            .col(NotificationSetting::UserId)
                            .col(NotificationSetting::Kind),
                    )
                    .foreign_key(&mut fk(
                        "fk_notification_setting_user",
                        (NotificationSetting::Table, NotificationSetting::UserId),
                        (User::Table, User::Id),
                        Cascade,
                    ))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            NotificationSetting::Table.into_iden(),
            TaskWatch::Table.into_iden(),
            Notification::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
