//! Instance settings that change at run time, kept in `instance_setting` (the truth when
//! several instances share a database). A key without a row is as configured.
//!
//! Read on every use, not cached: they matter on rare paths (sign-up, the login page) and
//! a primary-key read is cheaper than explaining a stale cache across instances.

use super::{DomainError, Result, Services};
use chrono::Utc;
use domain::UserId;
use entity::{instance_setting, user};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ConnectionTrait, EntityTrait, PaginatorTrait, Set};

/// Whether anyone may sign up (JSON `true` or `false`).
pub const SIGNUPS_OPEN: &str = "signups_open";

/// What sign-up answers (Forbidden) when it is closed; the edges tell it from other refusals.
pub const SIGNUP_CLOSED: &str = "sign-up is closed on this instance";

/// Whether sign-up is open: the stored value, else the configured one.
pub(crate) async fn signups_open(svc: &Services, db: &impl ConnectionTrait) -> Result<bool> {
    let stored = instance_setting::Entity::find_by_id(SIGNUPS_OPEN)
        .one(db)
        .await?
        .and_then(|row| serde_json::from_str::<bool>(&row.value).ok());
    Ok(stored.unwrap_or(svc.settings.signup_open))
}

/// Whether a new account may be created now: sign-up is open, or there is no account yet
/// (the first one becomes site admin).
pub async fn signup_allowed(svc: &Services) -> Result<bool> {
    signup_allowed_in(svc, &svc.db).await
}

/// [`signup_allowed`], read inside the caller's transaction.
pub(crate) async fn signup_allowed_in(svc: &Services, db: &impl ConnectionTrait) -> Result<bool> {
    Ok(signups_open(svc, db).await? || user::Entity::find().count(db).await? == 0)
}

/// Stores a setting's value (the site admin checked who may).
pub(crate) async fn store(
    db: &impl ConnectionTrait,
    key: &str,
    value: serde_json::Value,
    by: Option<UserId>,
) -> Result<()> {
    instance_setting::Entity::insert(instance_setting::ActiveModel {
        key: Set(key.to_string()),
        value: Set(value.to_string()),
        updated_at: Set(Utc::now()),
        updated_by: Set(by.map(|u| u.0)),
    })
    .on_conflict(
        OnConflict::column(instance_setting::Column::Key)
            .update_columns([
                instance_setting::Column::Value,
                instance_setting::Column::UpdatedAt,
                instance_setting::Column::UpdatedBy,
            ])
            .to_owned(),
    )
    .exec(db)
    .await?;
    Ok(())
}

/// The instance's secret stored under `key` (mail links, GitHub install states), made on
/// first use: 32 random bytes that every instance then reads from the same row.
pub(crate) async fn secret(db: &impl ConnectionTrait, key: &str) -> Result<Vec<u8>> {
    if let Some(row) = instance_setting::Entity::find_by_id(key).one(db).await? {
        return stored_secret(&row.value);
    }
    let mut bytes = [0u8; 32];
    getrandom::getrandom(&mut bytes).expect("the OS random source is available");
    instance_setting::Entity::insert(instance_setting::ActiveModel {
        key: Set(key.to_string()),
        value: Set(serde_json::to_string(&hex::encode(bytes)).expect("a string serializes")),
        updated_at: Set(Utc::now()),
        updated_by: Set(None),
    })
    .on_conflict(
        OnConflict::column(instance_setting::Column::Key)
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    let row = instance_setting::Entity::find_by_id(key)
        .one(db)
        .await?
        .ok_or_else(|| DomainError::Internal("the secret was not stored".into()))?;
    stored_secret(&row.value)
}

fn stored_secret(value: &str) -> Result<Vec<u8>> {
    serde_json::from_str::<String>(value)
        .ok()
        .and_then(|h| hex::decode(h).ok())
        .ok_or_else(|| DomainError::Internal("a stored secret is not hex".into()))
}

type HmacSha256 = hmac::Hmac<sha2::Sha256>;

fn mac(secret: &[u8], purpose: &str, payload: &str) -> HmacSha256 {
    use hmac::Mac;
    let mut mac = HmacSha256::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(purpose.as_bytes());
    mac.update(b":");
    mac.update(payload.as_bytes());
    mac
}

/// `payload~tag`: the payload and the first 16 bytes of its HMAC-SHA256 under `secret`,
/// bound to `purpose` (so a token made for one use is refused by another). The payload must
/// not need escaping where the token goes.
pub(crate) fn sign(secret: &[u8], purpose: &str, payload: &str) -> String {
    use hmac::Mac;
    let tag = mac(secret, purpose, payload).finalize().into_bytes();
    format!("{payload}~{}", hex::encode(&tag[..16]))
}

/// The payload of a token [`sign`] made with the same secret and purpose; none for anything
/// else (compared in constant time).
pub(crate) fn verify<'t>(secret: &[u8], purpose: &str, token: &'t str) -> Option<&'t str> {
    use hmac::Mac;
    let (payload, tag) = token.rsplit_once('~')?;
    let tag = hex::decode(tag).ok().filter(|t| t.len() == 16)?;
    mac(secret, purpose, payload)
        .verify_truncated_left(&tag)
        .ok()?;
    Some(payload)
}
