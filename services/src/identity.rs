//! External identities: signing in through GitHub or an OpenID Connect provider, and the
//! accounts linked to a user.
//!
//! The linking rule: an identity the instance has seen before signs its user in. A new
//! identity is linked to the signed-in user, or to the account with the same e-mail address
//! when the provider says it verified that address and the account proved it too. Otherwise
//! a new account is created; an
//! unverified address that belongs to an existing account is refused, so that nobody takes
//! over an account by claiming its e-mail at a provider.

use super::session::ClientInfo;
use super::{Actor, DomainError, Result, Services};
use chrono::Utc;
use domain::UserId;
use domain::dto::{LinkedAccount, User};
use domain::parse::{Email, PersonName};
use entity::{account, user};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set,
};

/// Who the provider says the person is, after the provider's answer was verified.
#[derive(Clone, Debug)]
pub struct ExternalIdentity {
    /// `github` or the configured provider name.
    pub provider: String,
    /// The provider's stable id for the person (`sub`, GitHub's numeric id).
    pub subject: String,
    pub email: Option<String>,
    /// The provider vouches for the address.
    pub email_verified: bool,
    pub name: Option<String>,
}

/// How a completed external sign-in ended.
#[derive(Debug)]
pub enum Outcome {
    /// A session was started: the token for the cookie and the account.
    SignedIn { token: String, user: User },
    /// The account has a second factor on: no session until the challenge is answered
    /// with a code (`two_factor::complete_sign_in`).
    Challenge { challenge: String },
    /// The identity was linked to the signed-in user; their session continues.
    Linked { user: User },
}

/// Finishes an external sign-in: finds, links or creates the account, then starts a session
/// unless the actor was already signed in.
#[tracing::instrument(name = "identity.sign_in", skip_all, fields(provider = %identity.provider))]
pub async fn sign_in(
    svc: &Services,
    actor: &Actor,
    identity: ExternalIdentity,
    client: ClientInfo,
) -> Result<Outcome> {
    if identity.subject.is_empty() || identity.subject.len() > 255 {
        return Err(DomainError::Unauthenticated);
    }
    let email = identity
        .email
        .as_deref()
        .and_then(|e| Email::parse(e).ok())
        .map(|e| e.as_str().to_string());
    let signed_in = actor.user_id();

    let txn = svc.begin().await?;
    let known = account::Entity::find()
        .filter(account::Column::Provider.eq(&identity.provider))
        .filter(account::Column::ProviderAccountId.eq(&identity.subject))
        .one(&txn)
        .await?;
    let (user_row, linked_now) = match (known, signed_in) {
        (Some(link), Some(me)) if link.user_id != me.0 => {
            return Err(DomainError::conflict(
                "this identity is already linked to another account",
            ));
        }
        (Some(link), _) => (find_user(&txn, link.user_id).await?, false),
        (None, Some(me)) => {
            let row = find_user(&txn, me.0).await?;
            link(&txn, &row, &identity, email.as_deref()).await?;
            (row, true)
        }
        (None, None) => {
            let existing = match &email {
                Some(email) => {
                    user::Entity::find()
                        .filter(user::Column::Email.eq(email))
                        .one(&txn)
                        .await?
                }
                None => None,
            };
            let row = match existing {
                Some(_) if !identity.email_verified => {
                    return Err(DomainError::conflict(
                        "an account with this e-mail exists: sign in to it and connect this \
                         provider from your account settings",
                    ));
                }
                // Anyone may have registered the address with a password: linking would let
                // them in to the identity's owner's account. Its owner signs in with the
                // password and connects the provider.
                Some(row) if !row.email_verified => return Err(DomainError::EmailUnverified),
                Some(row) => row,
                None => create_user(svc, &txn, &identity, email.as_deref()).await?,
            };
            link(&txn, &row, &identity, email.as_deref()).await?;
            (row, false)
        }
    };
    // A banned user neither signs in nor links (the transaction is dropped, not committed).
    super::admin::refuse_banned(&user_row)?;
    txn.commit().await?;

    let user = super::user::dto(&svc.db, &user_row).await?;
    if signed_in.is_some() {
        if linked_now {
            tracing::info!(user = %user.id, "external identity linked");
        }
        return Ok(Outcome::Linked { user });
    }
    let proven = [super::two_factor::Factor::Provider(
        identity.provider.clone(),
    )];
    match super::two_factor::login::after_first_factor(svc, user, &proven, client).await? {
        super::two_factor::SignIn::Session { token, user } => Ok(Outcome::SignedIn { token, user }),
        super::two_factor::SignIn::Challenge { challenge } => Ok(Outcome::Challenge { challenge }),
    }
}

async fn find_user(db: &impl sea_orm::ConnectionTrait, id: uuid::Uuid) -> Result<user::Model> {
    user::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(DomainError::Unauthenticated)
}

async fn link(
    db: &impl sea_orm::ConnectionTrait,
    user: &user::Model,
    identity: &ExternalIdentity,
    email: Option<&str>,
) -> Result<()> {
    account::ActiveModel {
        id: Set(uuid::Uuid::new_v4()),
        user_id: Set(user.id),
        provider: Set(identity.provider.clone()),
        provider_account_id: Set(identity.subject.clone()),
        email: Set(email.map(str::to_string)),
        created_at: Set(Utc::now()),
    }
    .insert(db)
    .await
    .map_err(|e| match e.sql_err() {
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => {
            DomainError::conflict("this identity is already linked to an account")
        }
        _ => e.into(),
    })?;
    Ok(())
}

/// A new account for someone who arrives through a provider: no password, the first
/// account of the instance becomes site admin, and closed sign-up applies.
async fn create_user(
    svc: &Services,
    db: &impl sea_orm::ConnectionTrait,
    identity: &ExternalIdentity,
    email: Option<&str>,
) -> Result<user::Model> {
    if !super::instance::signup_allowed_in(svc, db).await? {
        return Err(DomainError::forbidden(super::instance::SIGNUP_CLOSED));
    }
    let Some(email) = email else {
        return Err(domain::parse::FieldError::new(
            "email",
            "the provider did not share a verified e-mail address",
        )
        .into());
    };
    let name = identity
        .name
        .as_deref()
        .and_then(|n| PersonName::parse(n).ok())
        .or_else(|| PersonName::parse(email.split('@').next().unwrap_or("")).ok())
        .map(|n| n.as_str().to_string())
        .unwrap_or_else(|| "New user".to_string());
    let first = super::user::claim_first_admin(db).await?;
    let now = Utc::now();
    Ok(user::ActiveModel {
        id: Set(UserId::new().0),
        email: Set(email.to_string()),
        name: Set(name),
        password_hash: Set(None),
        role: Set(if first { "admin" } else { "user" }.to_string()),
        created_at: Set(now),
        updated_at: Set(now),
        banned_until: Set(None),
        ban_reason: Set(None),
        // The provider vouched for it (GitHub's verified addresses, OIDC's email_verified).
        email_verified: Set(identity.email_verified),
    }
    .insert(db)
    .await?)
}

/// The identities linked to the actor's account, oldest first.
pub async fn list(svc: &Services, actor: &Actor) -> Result<Vec<LinkedAccount>> {
    let me = actor.user_id().ok_or(DomainError::Unauthenticated)?;
    let rows = account::Entity::find()
        .filter(account::Column::UserId.eq(me.0))
        .order_by_asc(account::Column::CreatedAt)
        .all(&svc.db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| LinkedAccount {
            id: r.id,
            provider: r.provider,
            email: r.email,
            created_at: r.created_at,
        })
        .collect())
}

/// Unlinks one of the actor's identities. The last way to sign in cannot be removed: an
/// account without a password keeps at least one identity.
pub async fn unlink(svc: &Services, actor: &Actor, id: uuid::Uuid) -> Result<()> {
    let me = actor.user_id().ok_or(DomainError::Unauthenticated)?;
    let txn = svc.begin().await?;
    let row = account::Entity::find_by_id(id)
        .filter(account::Column::UserId.eq(me.0))
        .one(&txn)
        .await?
        .ok_or(DomainError::NotFound)?;
    let user_row = find_user(&txn, me.0).await?;
    let others = account::Entity::find()
        .filter(account::Column::UserId.eq(me.0))
        .count(&txn)
        .await?
        - 1;
    if user_row.password_hash.is_none() && others == 0 {
        return Err(DomainError::conflict(
            "this is the only way to sign in to the account: set a password or connect \
             another provider first",
        ));
    }
    account::Entity::delete_by_id(row.id).exec(&txn).await?;
    txn.commit().await?;
    Ok(())
}
