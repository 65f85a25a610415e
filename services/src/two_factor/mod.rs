//! The second factor: a TOTP secret (RFC 6238) with ten single-use backup codes, and the
//! sign-ins that wait for it ([`login`]).
//!
//! Setting up stores a pending secret; nothing changes at sign-in until a code from the app
//! turns it on, which makes the backup codes (shown once, stored as SHA-256). A code is
//! accepted one step either side of now, and never twice: the step of the last accepted
//! code is kept and no code of that step or an earlier one counts again. Turning it off
//! takes a current code or a backup code. A site admin may reset it (`admin`).
//!
//! The secret is stored as it is: the instance has no key outside the database to encrypt
//! it with (its other secrets live in the database too), so a copy of the database is
//! enough to make codes. Backup codes and challenges are stored hashed.

pub mod login;
pub mod totp;

pub use login::{Factor, SignIn, complete_sign_in};

use super::session::{ClientInfo, hash_token};
use super::{Actor, DomainError, Result, Services, UserActor};
use chrono::Utc;
use domain::UserId;
use domain::dto::{TotpSetup, TwoFactorStatus};
use domain::parse::FieldError;
use entity::{backup_code, login_challenge, user, user_totp};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Set,
};
use uuid::Uuid;

/// Backup codes made when the second factor is turned on.
pub const BACKUP_CODES: usize = 10;

/// What a code that does not count is told (wrong, too old, or used already).
const WRONG_CODE: &str = "is not the current code of your app or an unused backup code";

fn wrong_code() -> DomainError {
    FieldError::new("code", WRONG_CODE).into()
}

/// The user behind a session: the second factor is not managed with an API key.
fn session_user(actor: &Actor) -> Result<Uuid> {
    match actor {
        Actor::User(UserActor {
            api_key: Some(_), ..
        }) => Err(DomainError::forbidden(
            "the second factor is managed from a signed-in session, not with an API key",
        )),
        Actor::User(u) => Ok(u.id.0),
        _ => Err(DomainError::Unauthenticated),
    }
}

async fn totp_row(db: &impl ConnectionTrait, user: Uuid) -> Result<Option<user_totp::Model>> {
    Ok(user_totp::Entity::find_by_id(user).one(db).await?)
}

async fn user_row(db: &impl ConnectionTrait, user: Uuid) -> Result<user::Model> {
    user::Entity::find_by_id(user)
        .one(db)
        .await?
        .ok_or(DomainError::Unauthenticated)
}

fn setup_of(svc: &Services, email: &str, secret: &str) -> TotpSetup {
    TotpSetup {
        secret: secret.to_string(),
        otpauth_url: totp::otpauth_url(&svc.settings.instance_name, email, secret),
    }
}

/// Where the actor's second factor stands (the account page).
pub async fn status(svc: &Services, actor: &Actor) -> Result<TwoFactorStatus> {
    let id = actor.user_id().ok_or(DomainError::Unauthenticated)?.0;
    let Some(row) = totp_row(&svc.db, id).await? else {
        return Ok(TwoFactorStatus::default());
    };
    if row.enabled_at.is_some() {
        let left = backup_code::Entity::find()
            .filter(backup_code::Column::UserId.eq(id))
            .filter(backup_code::Column::UsedAt.is_null())
            .count(&svc.db)
            .await?;
        return Ok(TwoFactorStatus {
            enabled: true,
            backup_codes_left: u32::try_from(left).unwrap_or(0),
            ..Default::default()
        });
    }
    let email = user_row(&svc.db, id).await?.email;
    let setup = setup_of(svc, &email, &row.secret);
    Ok(TwoFactorStatus {
        pending_qr_svg: totp::qr_svg(&setup.otpauth_url),
        pending: Some(setup),
        ..Default::default()
    })
}

/// Starts setting up TOTP: a new secret for the app (replacing one not yet confirmed).
/// Nothing is asked at sign-in until [`enable`] confirms it with a code.
#[tracing::instrument(name = "two_factor.setup", skip_all)]
pub async fn setup(svc: &Services, actor: &Actor) -> Result<TotpSetup> {
    let id = session_user(actor)?;
    let row = totp_row(&svc.db, id).await?;
    if row.as_ref().is_some_and(|r| r.enabled_at.is_some()) {
        return Err(DomainError::conflict(
            "a second factor is already on: turn it off first to set up a new one",
        ));
    }
    let email = user_row(&svc.db, id).await?.email;
    let secret = totp::new_secret();
    let txn = svc.begin().await?;
    user_totp::Entity::delete_by_id(id).exec(&txn).await?;
    user_totp::ActiveModel {
        user_id: Set(id),
        secret: Set(secret.clone()),
        enabled_at: Set(None),
        last_step: Set(None),
        created_at: Set(Utc::now()),
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(setup_of(svc, &email, &secret))
}

/// Turns the pending secret on with a code from the app; returns the backup codes, the
/// only time they are shown.
#[tracing::instrument(name = "two_factor.enable", skip_all)]
pub async fn enable(svc: &Services, actor: &Actor, code: &str) -> Result<Vec<String>> {
    let id = session_user(actor)?;
    let row = match totp_row(&svc.db, id).await? {
        Some(row) if row.enabled_at.is_some() => {
            return Err(DomainError::conflict("the second factor is already on"));
        }
        Some(row) => row,
        None => {
            return Err(DomainError::conflict(
                "set up the second factor first (POST /api/auth/2fa/totp/setup)",
            ));
        }
    };
    let code = totp::parse_code(code)
        .ok_or_else(|| FieldError::new("code", "must be the 6-digit code your app shows"))?;
    let key = totp::decode_secret(&row.secret)
        .ok_or_else(|| DomainError::Internal("a stored TOTP secret is not base32".into()))?;
    let step = totp::matching_step(&key, code, totp::step_at(Utc::now().timestamp()))
        .ok_or_else(wrong_code)?;
    let txn = svc.begin().await?;
    let now = Utc::now();
    let turned_on = user_totp::Entity::update_many()
        .col_expr(user_totp::Column::EnabledAt, Expr::value(Some(now)))
        .col_expr(user_totp::Column::LastStep, Expr::value(Some(step)))
        .filter(user_totp::Column::UserId.eq(id))
        .filter(user_totp::Column::Secret.eq(&row.secret))
        .filter(user_totp::Column::EnabledAt.is_null())
        .exec(&txn)
        .await?;
    if turned_on.rows_affected != 1 {
        return Err(DomainError::conflict(
            "the setup changed meanwhile: start it again",
        ));
    }
    let codes = replace_backup_codes(&txn, id).await?;
    txn.commit().await?;
    tracing::info!(user = %id, "second factor turned on");
    Ok(codes)
}

/// Turns the second factor off with a current code or an unused backup code (throttled
/// like a sign-in). A setup never confirmed is dropped without one.
#[tracing::instrument(name = "two_factor.disable", skip_all)]
pub async fn disable(svc: &Services, actor: &Actor, code: &str, client: ClientInfo) -> Result<()> {
    let id = session_user(actor)?;
    let Some(row) = totp_row(&svc.db, id).await? else {
        return Err(DomainError::conflict("the second factor is not on"));
    };
    if row.enabled_at.is_some() {
        let email = user_row(&svc.db, id).await?.email;
        // Counted before the code is checked, like a sign-in.
        let counters = crate::throttle::counters(&email, None, client.ip.as_deref());
        if let Err(wait) = svc.login_throttle.attempt(&counters).await {
            return Err(DomainError::RateLimited {
                retry_after_secs: Ord::max(wait.as_secs(), 1),
            });
        }
        if verify(&svc.db, &row, code).await?.is_none() {
            return Err(wrong_code());
        }
    }
    remove(&svc.db, id).await?;
    tracing::info!(user = %id, "second factor turned off");
    Ok(())
}

/// Forgets a user's second factor: secret, backup codes and waiting sign-ins.
pub(crate) async fn remove(db: &impl ConnectionTrait, user: Uuid) -> Result<()> {
    user_totp::Entity::delete_by_id(user).exec(db).await?;
    backup_code::Entity::delete_many()
        .filter(backup_code::Column::UserId.eq(user))
        .exec(db)
        .await?;
    login_challenge::Entity::delete_many()
        .filter(login_challenge::Column::UserId.eq(user))
        .exec(db)
        .await?;
    Ok(())
}

/// Whether the user has a second factor on.
pub async fn is_enabled(svc: &Services, user: UserId) -> Result<bool> {
    super::access::has_second_factor(&svc.db, user).await
}

/// Checks a second factor against an enabled secret and uses it up: a TOTP code of a step
/// later than the last one accepted, or an unused backup code. None when it does not count.
pub(crate) async fn verify(
    db: &impl ConnectionTrait,
    row: &user_totp::Model,
    code: &str,
) -> Result<Option<Factor>> {
    if let Some(code) = totp::parse_code(code) {
        let key = totp::decode_secret(&row.secret)
            .ok_or_else(|| DomainError::Internal("a stored TOTP secret is not base32".into()))?;
        let Some(step) = totp::matching_step(&key, code, totp::step_at(Utc::now().timestamp()))
        else {
            return Ok(None);
        };
        // Taken only if no code of this step or a later one was: one write decides, so two
        // requests racing with the same code cannot both pass.
        let taken = user_totp::Entity::update_many()
            .col_expr(user_totp::Column::LastStep, Expr::value(Some(step)))
            .filter(user_totp::Column::UserId.eq(row.user_id))
            .filter(user_totp::Column::EnabledAt.is_not_null())
            .filter(
                Expr::col(user_totp::Column::LastStep)
                    .is_null()
                    .or(Expr::col(user_totp::Column::LastStep).lt(step)),
            )
            .exec(db)
            .await?;
        return Ok((taken.rows_affected == 1).then_some(Factor::Totp));
    }
    let Some(normal) = normalize_backup_code(code) else {
        return Ok(None);
    };
    let used = backup_code::Entity::update_many()
        .col_expr(backup_code::Column::UsedAt, Expr::value(Some(Utc::now())))
        .filter(backup_code::Column::UserId.eq(row.user_id))
        .filter(backup_code::Column::CodeHash.eq(hash_token(&normal)))
        .filter(backup_code::Column::UsedAt.is_null())
        .exec(db)
        .await?;
    Ok((used.rows_affected == 1).then_some(Factor::BackupCode))
}

/// A backup code as typed, in the form it is hashed in: ten letters and digits, any case,
/// with or without the hyphen.
fn normalize_backup_code(input: &str) -> Option<String> {
    let normal: String = input
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_lowercase())
        .collect();
    (normal.len() == 10 && normal.bytes().all(|b| b.is_ascii_alphanumeric())).then_some(normal)
}

/// A new backup code: 50 random bits as ten base32 characters, `xxxxx-xxxxx`.
fn new_backup_code() -> String {
    let mut bytes = [0u8; 8];
    getrandom::getrandom(&mut bytes).expect("the OS random source is available");
    let chars = data_encoding::BASE32_NOPAD
        .encode(&bytes)
        .to_ascii_lowercase();
    format!("{}-{}", &chars[..5], &chars[5..10])
}

/// Replaces the user's backup codes with [`BACKUP_CODES`] new ones; returns them.
async fn replace_backup_codes(db: &impl ConnectionTrait, user: Uuid) -> Result<Vec<String>> {
    backup_code::Entity::delete_many()
        .filter(backup_code::Column::UserId.eq(user))
        .exec(db)
        .await?;
    let now = Utc::now();
    let codes: Vec<String> = (0..BACKUP_CODES).map(|_| new_backup_code()).collect();
    let rows = codes.iter().map(|code| backup_code::ActiveModel {
        id: Set(Uuid::new_v4()),
        user_id: Set(user),
        code_hash: Set(hash_token(
            &normalize_backup_code(code).expect("a new code is well formed"),
        )),
        used_at: Set(None),
        created_at: Set(now),
    });
    backup_code::Entity::insert_many(rows).exec(db).await?;
    Ok(codes)
}

#[cfg(test)]
mod tests;
