//! The housekeeping jobs every instance schedules.

use super::{Job, JobError, Registry};
use crate::{Result, Services};
use chrono::Utc;
use entity::{email_token, invite, session};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// How long a file may stay unattached before the sweep removes it.
const UNATTACHED_FOR: chrono::Duration = chrono::Duration::days(1);
/// How long an expired or declined invitation stays listed (as expired) before it goes.
const INVITES_KEPT_FOR: chrono::Duration = chrono::Duration::days(30);

/// Removes uploads that nothing attached within a day. Running it again removes only what
/// is still unattached and old: harmless.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SweepFiles;

impl Job for SweepFiles {
    const KIND: &'static str = "sweep_files";
    const MAX_ATTEMPTS: i32 = 3;

    async fn run(self, svc: &Services) -> Result<(), JobError> {
        crate::file::sweep_unattached(svc, UNATTACHED_FOR).await?;
        Ok(())
    }
}

/// Deletes expired sessions, long-expired invitations, old e-mail links and GitHub
/// delivery ids past their 30 days. Deleting what is already gone deletes nothing: harmless.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PurgeExpired;

impl Job for PurgeExpired {
    const KIND: &'static str = "purge_expired";
    const MAX_ATTEMPTS: i32 = 3;

    async fn run(self, svc: &Services) -> Result<(), JobError> {
        let counts = purge_expired(svc).await?;
        if counts.iter().any(|(_, n)| *n > 0) {
            tracing::info!(?counts, "purged expired rows");
        }
        Ok(())
    }
}

/// What [`PurgeExpired`] removes, by table.
pub(crate) async fn purge_expired(svc: &Services) -> Result<Vec<(&'static str, u64)>> {
    let now = Utc::now();
    let sessions = session::Entity::delete_many()
        .filter(session::Column::ExpiresAt.lt(now))
        .exec(&svc.db)
        .await?
        .rows_affected;
    let invites = invite::Entity::delete_many()
        .filter(invite::Column::Status.ne("accepted"))
        .filter(invite::Column::ExpiresAt.lt(now - INVITES_KEPT_FOR))
        .exec(&svc.db)
        .await?
        .rows_affected;
    // Links: a day after they were used or expired (so "already used" reads right for a
    // while), then gone.
    let tokens = email_token::Entity::delete_many()
        .filter(email_token::Column::ExpiresAt.lt(now - chrono::Duration::days(1)))
        .exec(&svc.db)
        .await?
        .rows_affected;
    let used = email_token::Entity::delete_many()
        .filter(email_token::Column::UsedAt.lt(now - chrono::Duration::days(1)))
        .exec(&svc.db)
        .await?
        .rows_affected;
    let deliveries = crate::github::webhook::forget_old(svc).await?;
    Ok(vec![
        ("session", sessions),
        ("github_delivery", deliveries),
        ("invite", invites),
        ("email_token", tokens + used),
    ])
}

/// Every kind this version of Sayr runs, with the housekeeping schedules.
pub fn standard_registry() -> Registry {
    Registry::new()
        .register::<crate::mail::SendMail>()
        .register::<crate::notify::Notify>()
        .register::<crate::notify::NotifyMail>()
        .register::<crate::github::Delivery>()
        .register::<crate::github::SyncIssue>()
        .every("sweep_files", Duration::from_secs(3600), SweepFiles)
        .every("purge_expired", Duration::from_secs(3600), PurgeExpired)
        .every(
            "notify_digest",
            Duration::from_secs(3600),
            crate::notify::NotifyDigest,
        )
}
