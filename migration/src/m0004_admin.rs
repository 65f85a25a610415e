//! The site admin: bans on users and instance settings that change at run time.
//!
//! A user is banned while `banned_until` lies in the future; a ban without an end stores
//! 9999-12-31 (one column, one comparison, no flag to keep in step). `ban_reason` is what
//! the user is told when they try to sign in.
//!
//! `instance_setting` holds one JSON value per key (`signups_open` …). With several
//! instances the table is the truth; a missing row means "as configured".

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum User {
    Table,
    Id,
    BannedUntil,
    BanReason,
}

#[derive(DeriveIden)]
enum InstanceSetting {
    Table,
    Key,
    Value,
    UpdatedAt,
    UpdatedBy,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per ALTER TABLE.
        manager
            .alter_table(
                Table::alter()
                    .table(User::Table)
                    .add_column(timestamp_with_time_zone_null(User::BannedUntil))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(User::Table)
                    .add_column(text_null(User::BanReason))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(InstanceSetting::Table)
                    .col(string(InstanceSetting::Key).primary_key())
                    // JSON text.
                    .col(text(InstanceSetting::Value))
                    .col(timestamp_with_time_zone(InstanceSetting::UpdatedAt))
                    .col(uuid_null(InstanceSetting::UpdatedBy))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_instance_setting_updated_by")
                            .from(InstanceSetting::Table, InstanceSetting::UpdatedBy)
                            .to(User::Table, User::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(InstanceSetting::Table).to_owned())
            .await?;
        for column in [User::BanReason, User::BannedUntil] {
            manager
                .alter_table(
                    Table::alter()
                        .table(User::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
