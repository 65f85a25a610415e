//! Instance settings that change at run time, kept in `instance_setting` (the truth when
//! several instances share a database). A key without a row is as configured.
//!
//! Read on every use, not cached: they matter on rare paths (sign-up, the login page) and
//! a primary-key read is cheaper than explaining a stale cache across instances.

use super::{Result, Services};
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
