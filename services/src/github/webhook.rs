//! Accepting a delivery: verify, record, enqueue — and nothing else while GitHub waits
//! (it gives up after ten seconds). The work is the [`Delivery`] job.

use super::{app, inbound};
use crate::jobs::{self, Enqueue, Job, JobError};
use crate::{DomainError, Result, Services};
use chrono::Utc;
use entity::github_delivery;
use hmac::{Hmac, Mac};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Set};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

/// GitHub's own cap on a delivery's payload; the edge refuses larger bodies.
pub const MAX_BODY: usize = 25 * 1024 * 1024;
/// Deliveries are remembered this long: a redelivery after it is done again.
pub const REMEMBERED_FOR: chrono::Duration = chrono::Duration::days(30);

/// What GitHub sends besides the body.
#[derive(Clone, Debug, Default)]
pub struct Headers {
    /// `X-Hub-Signature-256`: `sha256=<hex>`.
    pub signature: Option<String>,
    /// `X-GitHub-Event`.
    pub event: Option<String>,
    /// `X-GitHub-Delivery`.
    pub delivery: Option<String>,
}

/// What became of a delivery.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Accepted {
    /// Recorded; its job will do the work.
    Queued,
    /// Seen before: nothing more happens.
    Repeated,
}

/// Whether `signature` is GitHub's HMAC-SHA256 of `body` under `secret`, compared in
/// constant time.
pub fn signature_valid(secret: &str, body: &[u8], signature: Option<&str>) -> bool {
    let Some(hex_tag) = signature.and_then(|s| s.trim().strip_prefix("sha256=")) else {
        return false;
    };
    let Ok(tag) = hex::decode(hex_tag) else {
        return false;
    };
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(body);
    mac.verify_slice(&tag).is_ok()
}

/// Takes a delivery: Unauthenticated unless its signature is right (checked before the body
/// is read as anything), then recorded and queued in one transaction, once per delivery id.
pub async fn accept(svc: &Services, headers: Headers, body: &[u8]) -> Result<Accepted> {
    let github = app(svc).map_err(|_| DomainError::NotFound)?;
    if !signature_valid(
        &github.config.webhook_secret,
        body,
        headers.signature.as_deref(),
    ) {
        return Err(DomainError::Unauthenticated);
    }
    let bad = |m: &str| DomainError::from(domain::parse::FieldError::new("delivery", m));
    let event = headers
        .event
        .filter(|e| !e.is_empty() && e.len() <= 64)
        .ok_or_else(|| bad("has no X-GitHub-Event"))?;
    let delivery = headers
        .delivery
        .filter(|d| !d.is_empty() && d.len() <= 64)
        .ok_or_else(|| bad("has no X-GitHub-Delivery"))?;
    let payload: serde_json::Value =
        serde_json::from_slice(body).map_err(|_| bad("is not JSON"))?;

    let txn = svc.begin().await?;
    let inserted = github_delivery::Entity::insert(github_delivery::ActiveModel {
        id: Set(delivery.clone()),
        event: Set(event.clone()),
        received_at: Set(Utc::now()),
    })
    .on_conflict(
        OnConflict::column(github_delivery::Column::Id)
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(&txn)
    .await?;
    if inserted == 0 {
        txn.rollback().await?;
        return Ok(Accepted::Repeated);
    }
    let job = Delivery {
        delivery,
        event,
        payload,
    };
    jobs::enqueue_in(&txn, &job, Enqueue::default()).await?;
    txn.commit().await?;
    svc.job_wake.notify_one();
    Ok(Accepted::Queued)
}

/// One delivery's work. Each event's handling is idempotent by what it writes (an issue is
/// linked to one task, a comment copied once by its GitHub id, a link once per task and
/// pull request or commit; a status is set, not toggled), so a retry after a partial run
/// finishes it without doing anything twice.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Delivery {
    pub delivery: String,
    pub event: String,
    pub payload: serde_json::Value,
}

impl Job for Delivery {
    const KIND: &'static str = "github_delivery";
    const MAX_ATTEMPTS: i32 = 8;

    async fn run(self, svc: &Services) -> Result<(), JobError> {
        inbound::handle(svc, &self.event, self.payload).await
    }
}

/// Forgets deliveries older than [`REMEMBERED_FOR`] (the hourly purge).
pub(crate) async fn forget_old(svc: &Services) -> Result<u64> {
    Ok(github_delivery::Entity::delete_many()
        .filter(github_delivery::Column::ReceivedAt.lt(Utc::now() - REMEMBERED_FOR))
        .exec(&svc.db)
        .await?
        .rows_affected)
}

#[cfg(test)]
mod tests {
    use super::signature_valid;

    #[test]
    fn only_the_right_signature_passes() {
        // GitHub's documented example: secret "It's a Secret to Everybody", body "Hello, World!".
        let secret = "It's a Secret to Everybody";
        let good = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
        assert!(signature_valid(secret, b"Hello, World!", Some(good)));
        assert!(!signature_valid(secret, b"Hello, World?", Some(good)));
        assert!(!signature_valid(
            "another secret",
            b"Hello, World!",
            Some(good)
        ));
        assert!(!signature_valid(secret, b"Hello, World!", None));
        assert!(
            !signature_valid(secret, b"Hello, World!", Some(&good[7..])),
            "no sha256= prefix"
        );
        assert!(!signature_valid(
            secret,
            b"Hello, World!",
            Some("sha256=zz")
        ));
        assert!(
            !signature_valid(secret, b"Hello, World!", Some(&good[..40])),
            "a cut tag"
        );
    }
}
