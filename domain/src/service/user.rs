//! Accounts: creation, password checks.

use super::{Actor, DomainError, Result, Services, convert, error::Fields};
use crate::UserId;
use crate::model::User;
use crate::parse::{Email, FieldError, PersonName};
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use chrono::Utc;
use entity::user;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};

/// What sign-up and the operator command take.
#[derive(Clone, Debug, Default)]
pub struct NewUser {
    pub email: String,
    pub password: String,
    pub name: String,
}

fn parse_password(input: &str) -> Result<String, FieldError> {
    match input.chars().count() {
        0..8 => Err(FieldError::new("password", "must be at least 8 characters")),
        8..=1024 => Ok(input.to_string()),
        _ => Err(FieldError::new(
            "password",
            "must be at most 1024 characters",
        )),
    }
}

/// argon2id, off the async threads: it is deliberately slow.
async fn hash_password(password: String) -> Result<String> {
    tokio::task::spawn_blocking(move || {
        let mut bytes = [0u8; 16];
        getrandom::getrandom(&mut bytes)
            .map_err(|e| DomainError::Internal(format!("getrandom: {e}")))?;
        let salt = SaltString::encode_b64(&bytes)
            .map_err(|e| DomainError::Internal(format!("salt: {e}")))?;
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| DomainError::Internal(format!("argon2: {e}")))
    })
    .await
    .map_err(|e| DomainError::Internal(e.to_string()))?
}

async fn verify_password(password: String, hash: String) -> bool {
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash)
            .map(|parsed| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok()
            })
            .unwrap_or(false)
    })
    .await
    .unwrap_or(false)
}

/// A hash of a password nobody has, checked when the e-mail is unknown so that a miss costs
/// the same time as a wrong password.
static DUMMY_HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// Creates an account. Anyone may sign up (the server decides whether sign-up is open);
/// only the system may make a site admin directly. The first account of an instance becomes
/// site admin.
#[tracing::instrument(skip_all, fields(email = %input.email))]
pub async fn create(
    svc: &Services,
    actor: &Actor,
    input: NewUser,
    site_admin: bool,
) -> Result<User> {
    if site_admin && !actor.is_superuser() {
        return Err(DomainError::forbidden("only operators create site admins"));
    }
    let mut fields = Fields::default();
    let email = fields.check(Email::parse(&input.email));
    let name = fields.check(PersonName::parse(&input.name));
    let password = fields.check(parse_password(&input.password));
    fields.finish()?;
    let (email, name, password) = (email.unwrap(), name.unwrap(), password.unwrap());

    if user::Entity::find()
        .filter(user::Column::Email.eq(email.as_str()))
        .one(&svc.db)
        .await?
        .is_some()
    {
        return Err(DomainError::conflict("an account with this e-mail exists"));
    }
    let password_hash = hash_password(password).await?;
    let first = user::Entity::find().count(&svc.db).await? == 0;
    let now = Utc::now();
    let row = user::ActiveModel {
        id: Set(UserId::new().0),
        email: Set(email.as_str().to_string()),
        name: Set(name.as_str().to_string()),
        password_hash: Set(Some(password_hash)),
        role: Set(if site_admin || first { "admin" } else { "user" }.to_string()),
        created_at: Set(now),
        updated_at: Set(now),
        banned_until: Set(None),
        ban_reason: Set(None),
    }
    .insert(&svc.db)
    .await
    .map_err(|e| match e.sql_err() {
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => {
            DomainError::conflict("an account with this e-mail exists")
        }
        _ => e.into(),
    })?;
    Ok(convert::user(&row))
}

/// The account for this e-mail and password, or Unauthenticated for any mismatch.
#[tracing::instrument(skip_all)]
pub async fn authenticate(svc: &Services, email: &str, password: &str) -> Result<User> {
    let found = match Email::parse(email) {
        Ok(email) => {
            user::Entity::find()
                .filter(user::Column::Email.eq(email.as_str()))
                .one(&svc.db)
                .await?
        }
        Err(_) => None,
    };
    let hash = match found.as_ref().and_then(|u| u.password_hash.clone()) {
        Some(hash) => hash,
        None => match DUMMY_HASH.get() {
            Some(hash) => hash.clone(),
            None => {
                let hash = hash_password("not a real password".to_string()).await?;
                DUMMY_HASH.get_or_init(|| hash).clone()
            }
        },
    };
    let ok = verify_password(password.to_string(), hash).await;
    match found {
        Some(row) if ok => Ok(convert::user(&row)),
        _ => Err(DomainError::Unauthenticated),
    }
}

/// Whether the instance has any account yet.
pub async fn any_exists(svc: &Services) -> Result<bool> {
    Ok(user::Entity::find().count(&svc.db).await? > 0)
}

/// The account itself.
pub async fn me(svc: &Services, actor: &Actor) -> Result<User> {
    let id = actor.user_id().ok_or(DomainError::Unauthenticated)?;
    let row = user::Entity::find_by_id(id.0)
        .one(&svc.db)
        .await?
        .ok_or(DomainError::Unauthenticated)?;
    Ok(convert::user(&row))
}

/// Sets a user's site role: operators (the CLI) and site admins only.
pub async fn set_site_admin(
    svc: &Services,
    actor: &Actor,
    email: &str,
    admin: bool,
) -> Result<User> {
    if !actor.is_superuser() {
        return Err(DomainError::NotFound);
    }
    let email = Email::parse(email)?;
    let row = user::Entity::find()
        .filter(user::Column::Email.eq(email.as_str()))
        .one(&svc.db)
        .await?
        .ok_or(DomainError::NotFound)?;
    let mut active: user::ActiveModel = row.into();
    active.role = Set(if admin { "admin" } else { "user" }.to_string());
    active.updated_at = Set(Utc::now());
    Ok(convert::user(&active.update(&svc.db).await?))
}
