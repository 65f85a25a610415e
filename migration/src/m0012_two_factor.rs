//! The second factor (`services::two_factor`).
//!
//! - `user_totp`: a user's TOTP secret (base32, stored as is: the instance has no key of
//!   its own outside the database to encrypt it with), pending until `enabled_at` is set;
//!   `last_step` is the last time step a code was accepted for, so a code is never taken
//!   twice.
//! - `backup_code`: ten single-use codes per user, stored as SHA-256.
//! - `login_challenge`: a sign-in waiting for its second factor: the token's SHA-256, the
//!   user, how the first factor was proven, and an expiry (5 minutes).
//! - `organization.members_must_use_two_factor`: members without a second factor see the
//!   org as visitors do, and are told to set one up.

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
    MembersMustUseTwoFactor,
}

#[derive(DeriveIden)]
enum UserTotp {
    Table,
    UserId,
    Secret,
    EnabledAt,
    LastStep,
    CreatedAt,
}

#[derive(DeriveIden)]
enum BackupCode {
    Table,
    Id,
    UserId,
    CodeHash,
    UsedAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum LoginChallenge {
    Table,
    Id,
    TokenHash,
    UserId,
    FirstFactor,
    ExpiresAt,
    CreatedAt,
}

fn to_user(name: &str, from: (impl IntoIden, impl IntoIden)) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(from.0, from.1)
        .to(User::Table, User::Id)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(UserTotp::Table)
                    .col(uuid(UserTotp::UserId).primary_key())
                    .col(string(UserTotp::Secret))
                    .col(timestamp_with_time_zone_null(UserTotp::EnabledAt))
                    .col(big_integer_null(UserTotp::LastStep))
                    .col(timestamp_with_time_zone(UserTotp::CreatedAt))
                    .foreign_key(&mut to_user(
                        "fk_user_totp_user",
                        (UserTotp::Table, UserTotp::UserId),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(BackupCode::Table)
                    .col(uuid(BackupCode::Id).primary_key())
                    .col(uuid(BackupCode::UserId))
                    .col(string(BackupCode::CodeHash))
                    .col(timestamp_with_time_zone_null(BackupCode::UsedAt))
                    .col(timestamp_with_time_zone(BackupCode::CreatedAt))
                    .foreign_key(&mut to_user(
                        "fk_backup_code_user",
                        (BackupCode::Table, BackupCode::UserId),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(LoginChallenge::Table)
                    .col(uuid(LoginChallenge::Id).primary_key())
                    .col(string(LoginChallenge::TokenHash).unique_key())
                    .col(uuid(LoginChallenge::UserId))
                    .col(string(LoginChallenge::FirstFactor))
                    .col(timestamp_with_time_zone(LoginChallenge::ExpiresAt))
                    .col(timestamp_with_time_zone(LoginChallenge::CreatedAt))
                    .foreign_key(&mut to_user(
                        "fk_login_challenge_user",
                        (LoginChallenge::Table, LoginChallenge::UserId),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Organization::Table)
                    .add_column(boolean(Organization::MembersMustUseTwoFactor).default(false))
                    .to_owned(),
            )
            .await?;
        let indexes = [
            Index::create()
                .name("idx_backup_code_user")
                .table(BackupCode::Table)
                .col(BackupCode::UserId)
                .to_owned(),
            Index::create()
                .name("idx_login_challenge_user")
                .table(LoginChallenge::Table)
                .col(LoginChallenge::UserId)
                .to_owned(),
        ];
        for index in indexes {
            manager.create_index(index).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Organization::Table)
                    .drop_column(Organization::MembersMustUseTwoFactor)
                    .to_owned(),
            )
            .await?;
        for table in [
            LoginChallenge::Table.into_iden(),
            BackupCode::Table.into_iden(),
            UserTotp::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
