//! Passkeys (`services::passkey`).
//!
//! - `passkey`: a user's WebAuthn credential: its id and COSE public key (base64url), the
//!   algorithm, the signature counter, the authenticator's AAGUID, the backup flags, the
//!   name the user gave it, when it was made and last used.
//! - `passkey_ceremony`: a registration or sign-in under way: the SHA-256 of the challenge
//!   the browser signs, what it is for (`register`, `sign_in`, `second_step`), the user
//!   when known, and an expiry (5 minutes). Used once: finishing deletes it.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum User {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Passkey {
    Table,
    Id,
    UserId,
    CredentialId,
    PublicKey,
    Algorithm,
    SignCount,
    Aaguid,
    BackupEligible,
    BackedUp,
    Name,
    CreatedAt,
    LastUsedAt,
}

#[derive(DeriveIden)]
enum PasskeyCeremony {
    Table,
    Id,
    ChallengeHash,
    Purpose,
    UserId,
    ExpiresAt,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Passkey::Table)
                    .col(uuid(Passkey::Id).primary_key())
                    .col(uuid(Passkey::UserId))
                    .col(string(Passkey::CredentialId).unique_key())
                    .col(text(Passkey::PublicKey))
                    .col(integer(Passkey::Algorithm))
                    .col(big_integer(Passkey::SignCount))
                    .col(string(Passkey::Aaguid))
                    .col(boolean(Passkey::BackupEligible))
                    .col(boolean(Passkey::BackedUp))
                    .col(string(Passkey::Name))
                    .col(timestamp_with_time_zone(Passkey::CreatedAt))
                    .col(timestamp_with_time_zone_null(Passkey::LastUsedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_passkey_user")
                            .from(Passkey::Table, Passkey::UserId)
                            .to(User::Table, User::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PasskeyCeremony::Table)
                    .col(uuid(PasskeyCeremony::Id).primary_key())
                    .col(string(PasskeyCeremony::ChallengeHash).unique_key())
                    .col(string(PasskeyCeremony::Purpose))
                    .col(uuid_null(PasskeyCeremony::UserId))
                    .col(timestamp_with_time_zone(PasskeyCeremony::ExpiresAt))
                    .col(timestamp_with_time_zone(PasskeyCeremony::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_passkey_ceremony_user")
                            .from(PasskeyCeremony::Table, PasskeyCeremony::UserId)
                            .to(User::Table, User::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        let indexes = [
            Index::create()
                .name("idx_passkey_user")
                .table(Passkey::Table)
                .col(Passkey::UserId)
                .to_owned(),
            Index::create()
                .name("idx_passkey_ceremony_user")
                .table(PasskeyCeremony::Table)
                .col(PasskeyCeremony::UserId)
                .to_owned(),
            Index::create()
                .name("idx_passkey_ceremony_expires")
                .table(PasskeyCeremony::Table)
                .col(PasskeyCeremony::ExpiresAt)
                .to_owned(),
        ];
        for index in indexes {
            manager.create_index(index).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            PasskeyCeremony::Table.into_iden(),
            Passkey::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
