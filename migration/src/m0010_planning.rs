//! Planning (`services::release`, `services::view`).
//!
//! - `release`: an org's release (slug unique per org), its status, dates, lead and notes.
//!   Tasks name at most one (`task.release_id`, no foreign key so that SQLite can add the
//!   column; deleting a release clears it on its tasks in the same transaction).
//! - `release_update`: health updates on a release (on track, at risk, off track, a note).
//! - `saved_view`: a member's saved filter, grouping, sort and layout, personal or shared
//!   with the org; one shared view per org may be its default.

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
    ReleaseId,
}

#[derive(DeriveIden)]
enum Release {
    Table,
    Id,
    OrgId,
    Slug,
    Name,
    Status,
    TargetDate,
    ReleasedAt,
    LeadId,
    Description,
    DescriptionHtml,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ReleaseUpdate {
    Table,
    Id,
    ReleaseId,
    Health,
    Body,
    BodyHtml,
    AuthorId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum SavedView {
    Table,
    Id,
    OrgId,
    OwnerId,
    Shared,
    IsDefault,
    Name,
    Filter,
    GroupBy,
    SubGroupBy,
    Sort,
    Layout,
    ShowClosed,
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

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use ForeignKeyAction::{Cascade, SetNull};
        manager
            .create_table(
                Table::create()
                    .table(Release::Table)
                    .col(uuid(Release::Id).primary_key())
                    .col(uuid(Release::OrgId))
                    .col(string(Release::Slug))
                    .col(string(Release::Name))
                    .col(string(Release::Status))
                    .col(date_null(Release::TargetDate))
                    .col(timestamp_with_time_zone_null(Release::ReleasedAt))
                    .col(uuid_null(Release::LeadId))
                    .col(text(Release::Description))
                    .col(text(Release::DescriptionHtml))
                    .col(uuid_null(Release::CreatedBy))
                    .col(timestamp_with_time_zone(Release::CreatedAt))
                    .col(timestamp_with_time_zone(Release::UpdatedAt))
                    .foreign_key(&mut fk(
                        "fk_release_org",
                        (Release::Table, Release::OrgId),
                        (Organization::Table, Organization::Id),
                        Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_release_lead",
                        (Release::Table, Release::LeadId),
                        (User::Table, User::Id),
                        SetNull,
                    ))
                    .foreign_key(&mut fk(
                        "fk_release_created_by",
                        (Release::Table, Release::CreatedBy),
                        (User::Table, User::Id),
                        SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ReleaseUpdate::Table)
                    .col(uuid(ReleaseUpdate::Id).primary_key())
                    .col(uuid(ReleaseUpdate::ReleaseId))
                    .col(string(ReleaseUpdate::Health))
                    .col(text(ReleaseUpdate::Body))
                    .col(text(ReleaseUpdate::BodyHtml))
                    .col(uuid_null(ReleaseUpdate::AuthorId))
                    .col(timestamp_with_time_zone(ReleaseUpdate::CreatedAt))
                    .foreign_key(&mut fk(
                        "fk_release_update_release",
                        (ReleaseUpdate::Table, ReleaseUpdate::ReleaseId),
                        (Release::Table, Release::Id),
                        Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_release_update_author",
                        (ReleaseUpdate::Table, ReleaseUpdate::AuthorId),
                        (User::Table, User::Id),
                        SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SavedView::Table)
                    .col(uuid(SavedView::Id).primary_key())
                    .col(uuid(SavedView::OrgId))
                    .col(uuid(SavedView::OwnerId))
                    .col(boolean(SavedView::Shared))
                    .col(boolean(SavedView::IsDefault))
                    .col(string(SavedView::Name))
                    .col(text(SavedView::Filter))
                    .col(string(SavedView::GroupBy))
                    .col(string_null(SavedView::SubGroupBy))
                    .col(string(SavedView::Sort))
                    .col(string(SavedView::Layout))
                    .col(boolean(SavedView::ShowClosed))
                    .col(timestamp_with_time_zone(SavedView::CreatedAt))
                    .col(timestamp_with_time_zone(SavedView::UpdatedAt))
                    .foreign_key(&mut fk(
                        "fk_saved_view_org",
                        (SavedView::Table, SavedView::OrgId),
                        (Organization::Table, Organization::Id),
                        Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_saved_view_owner",
                        (SavedView::Table, SavedView::OwnerId),
                        (User::Table, User::Id),
                        Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Task::Table)
                    .add_column(uuid_null(Task::ReleaseId))
                    .to_owned(),
            )
            .await?;
        let indexes = [
            Index::create()
                .name("idx_release_org_slug")
                .table(Release::Table)
                .col(Release::OrgId)
                .col(Release::Slug)
                .unique()
                .to_owned(),
            Index::create()
                .name("idx_release_lead")
                .table(Release::Table)
                .col(Release::LeadId)
                .to_owned(),
            Index::create()
                .name("idx_release_created_by")
                .table(Release::Table)
                .col(Release::CreatedBy)
                .to_owned(),
            Index::create()
                .name("idx_release_update_release")
                .table(ReleaseUpdate::Table)
                .col(ReleaseUpdate::ReleaseId)
                .col(ReleaseUpdate::CreatedAt)
                .to_owned(),
            Index::create()
                .name("idx_release_update_author")
                .table(ReleaseUpdate::Table)
                .col(ReleaseUpdate::AuthorId)
                .to_owned(),
            Index::create()
                .name("idx_saved_view_org")
                .table(SavedView::Table)
                .col(SavedView::OrgId)
                .to_owned(),
            Index::create()
                .name("idx_saved_view_owner")
                .table(SavedView::Table)
                .col(SavedView::OwnerId)
                .to_owned(),
            Index::create()
                .name("idx_task_org_release")
                .table(Task::Table)
                .col(Alias::new("org_id"))
                .col(Task::ReleaseId)
                .to_owned(),
        ];
        for index in indexes {
            manager.create_index(index).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_task_org_release")
                    .table(Task::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Task::Table)
                    .drop_column(Task::ReleaseId)
                    .to_owned(),
            )
            .await?;
        for table in [
            SavedView::Table.into_iden(),
            ReleaseUpdate::Table.into_iden(),
            Release::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
