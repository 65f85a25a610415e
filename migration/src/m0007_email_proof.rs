//! Accounts proven by e-mail.
//!
//! - `user.email_verified`: the owner followed a link mailed to the address. Accounts that
//!   exist before this step start unproven (nobody ever proved them); they prove their
//!   address from the account page.
//! - `email_token`: the links' tokens, stored hashed, single-use, expiring. `purpose` is
//!   `verify` (also a change of address: `email` is the address being proven), `reset`, or
//!   `invite` (the link in an invitation mail: `invite_id`, no user yet).
//! - The first sign-up becomes site admin by inserting `instance_setting` row
//!   `first_admin`: a primary key allows one, however many sign up at once. An instance
//!   that already has accounts has had its first.

use sea_orm::{ConnectionTrait, DatabaseBackend};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum User {
    Table,
    Id,
    EmailVerified,
}

#[derive(DeriveIden)]
enum Invite {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum EmailToken {
    Table,
    Id,
    Purpose,
    UserId,
    InviteId,
    Email,
    TokenHash,
    ExpiresAt,
    UsedAt,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(User::Table)
                    .add_column(boolean(User::EmailVerified).default(false))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(EmailToken::Table)
                    .col(uuid(EmailToken::Id).primary_key())
                    .col(string(EmailToken::Purpose))
                    .col(uuid_null(EmailToken::UserId))
                    .col(uuid_null(EmailToken::InviteId))
                    .col(string(EmailToken::Email))
                    .col(string(EmailToken::TokenHash).unique_key())
                    .col(timestamp_with_time_zone(EmailToken::ExpiresAt))
                    .col(timestamp_with_time_zone_null(EmailToken::UsedAt))
                    .col(timestamp_with_time_zone(EmailToken::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_email_token_user")
                            .from(EmailToken::Table, EmailToken::UserId)
                            .to(User::Table, User::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_email_token_invite")
                            .from(EmailToken::Table, EmailToken::InviteId)
                            .to(Invite::Table, Invite::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, col) in [
            ("idx_email_token_user_id", EmailToken::UserId),
            ("idx_email_token_invite_id", EmailToken::InviteId),
            ("idx_email_token_email", EmailToken::Email),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(EmailToken::Table)
                        .col(col)
                        .to_owned(),
                )
                .await?;
        }
        let now = match manager.get_database_backend() {
            DatabaseBackend::Postgres => "now()",
            _ => "strftime('%Y-%m-%d %H:%M:%f+00:00', 'now')",
        };
        manager
            .get_connection()
            .execute_unprepared(&format!(
                r#"INSERT INTO instance_setting (key, value, updated_at)
                   SELECT 'first_admin', '"existing"', {now} WHERE EXISTS (SELECT 1 FROM "user")"#
            ))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared("DELETE FROM instance_setting WHERE key = 'first_admin'")
            .await?;
        manager
            .drop_table(Table::drop().table(EmailToken::Table).to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(User::Table)
                    .drop_column(User::EmailVerified)
                    .to_owned(),
            )
            .await
    }
}
