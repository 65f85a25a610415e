//! Uploaded files: one row per object in the file store. Rows go with their org; an
//! uploader's deleted account leaves their files in place. What a file is attached to
//! (task, comment, org logo or banner, avatar) is a kind and an id without a foreign key:
//! the services that delete those things delete their files (rows, then objects).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum File {
    Table,
    Id,
    OrgId,
    UploadedBy,
    ObjectKey,
    Name,
    ContentType,
    Size,
    Visibility,
    AttachedKind,
    AttachedId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Organization {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum User {
    Table,
    Id,
}

/// (index name, columns, unique)
const INDEXES: &[(&str, &[&str], bool)] = &[
    ("ux_file_object_key", &["object_key"], true),
    ("idx_file_org", &["org_id"], false),
    (
        "idx_file_attached",
        &["attached_kind", "attached_id"],
        false,
    ),
    // The sweep of files never attached: `attached_kind IS NULL AND created_at < …`.
    (
        "idx_file_attached_created",
        &["attached_kind", "created_at"],
        false,
    ),
    ("idx_file_uploaded_by", &["uploaded_by"], false),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(File::Table)
                    .col(pk_uuid(File::Id))
                    .col(uuid_null(File::OrgId))
                    .col(uuid_null(File::UploadedBy))
                    .col(string(File::ObjectKey))
                    .col(string(File::Name))
                    .col(string(File::ContentType))
                    .col(big_integer(File::Size))
                    // public or private.
                    .col(string(File::Visibility))
                    .col(string_null(File::AttachedKind))
                    .col(uuid_null(File::AttachedId))
                    .col(timestamp_with_time_zone(File::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_file_org")
                            .from(File::Table, File::OrgId)
                            .to(Organization::Table, Organization::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_file_uploader")
                            .from(File::Table, File::UploadedBy)
                            .to(User::Table, User::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, cols, unique) in INDEXES {
            let mut index = Index::create();
            index.name(*name).table(File::Table);
            for col in *cols {
                index.col(Alias::new(*col));
            }
            if *unique {
                index.unique();
            }
            manager.create_index(index.to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(File::Table).to_owned())
            .await
    }
}
