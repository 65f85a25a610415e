//! Accounts proven by e-mail, and the password: links mailed to an address (verify, reset,
//! a change of address) and what following them does.
//!
//! A link's token is random, stored only as its SHA-256, used once, and expires (verify
//! 48 h, reset 1 h). Asking again invalidates the previous link of the same purpose. Asking
//! for links is throttled per address and per client. Every mail is a job enqueued in the
//! transaction that issues its token.

use super::session::{ClientInfo, hash_token};
use super::{Actor, DomainError, Result, Services, error::Fields, mail, throttle};
use chrono::{Duration, Utc};
use domain::dto::User;
use domain::parse::{Email, FieldError};
use entity::{email_token, user};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

/// How long a verification link works.
pub const VERIFY_LIFETIME: Duration = Duration::hours(48);
/// How long a password-reset link works.
pub const RESET_LIFETIME: Duration = Duration::hours(1);

pub(crate) const VERIFY: &str = "verify";
pub(crate) const RESET: &str = "reset";
pub(crate) const INVITE: &str = "invite";

fn new_token() -> String {
    let mut bytes = [0u8; 32];
    getrandom::getrandom(&mut bytes).expect("the OS random source is available");
    hex::encode(bytes)
}

/// Who a new token is for.
pub(crate) enum Holder {
    User(Uuid),
    Invite(Uuid),
}

/// Issues a token for `purpose`, invalidating the holder's earlier unused ones of the same
/// purpose; returns the token (for the link), which is not stored.
pub(crate) async fn issue(
    db: &impl ConnectionTrait,
    purpose: &str,
    holder: Holder,
    email: &str,
    lifetime: Duration,
) -> Result<String> {
    let now = Utc::now();
    let (user_id, invite_id) = match holder {
        Holder::User(id) => (Some(id), None),
        Holder::Invite(id) => (None, Some(id)),
    };
    let earlier = email_token::Entity::delete_many()
        .filter(email_token::Column::Purpose.eq(purpose))
        .filter(email_token::Column::UsedAt.is_null());
    let earlier = match (user_id, invite_id) {
        (Some(u), _) => earlier.filter(email_token::Column::UserId.eq(u)),
        (_, Some(i)) => earlier.filter(email_token::Column::InviteId.eq(i)),
        _ => unreachable!("a token has a holder"),
    };
    earlier.exec(db).await?;
    let token = new_token();
    email_token::ActiveModel {
        id: Set(Uuid::new_v4()),
        purpose: Set(purpose.to_string()),
        user_id: Set(user_id),
        invite_id: Set(invite_id),
        email: Set(email.to_string()),
        token_hash: Set(hash_token(&token)),
        expires_at: Set(now + lifetime),
        used_at: Set(None),
        created_at: Set(now),
    }
    .insert(db)
    .await?;
    Ok(token)
}

/// The unused, unexpired token of `purpose`, without using it (Gone otherwise).
pub(crate) async fn peek(
    db: &impl ConnectionTrait,
    token: &str,
    purpose: &str,
) -> Result<email_token::Model> {
    let row = email_token::Entity::find()
        .filter(email_token::Column::TokenHash.eq(hash_token(token.trim())))
        .filter(email_token::Column::Purpose.eq(purpose))
        .one(db)
        .await?;
    match row {
        Some(row) if row.used_at.is_none() && row.expires_at > Utc::now() => Ok(row),
        _ => Err(DomainError::Gone(
            "this link was already used or has expired".into(),
        )),
    }
}

/// Uses a token of `purpose`: once, before it expires. Unknown, used and expired tokens are
/// all Gone (which of them is not told).
pub(crate) async fn take(
    db: &impl ConnectionTrait,
    token: &str,
    purpose: &str,
) -> Result<email_token::Model> {
    let gone = || DomainError::Gone("this link was already used or has expired".into());
    let row = email_token::Entity::find()
        .filter(email_token::Column::TokenHash.eq(hash_token(token.trim())))
        .filter(email_token::Column::Purpose.eq(purpose))
        .one(db)
        .await?
        .ok_or_else(gone)?;
    let now = Utc::now();
    if row.used_at.is_some() || row.expires_at <= now {
        return Err(gone());
    }
    let used = email_token::Entity::update_many()
        .col_expr(email_token::Column::UsedAt, Expr::value(Some(now)))
        .filter(email_token::Column::Id.eq(row.id))
        .filter(email_token::Column::UsedAt.is_null())
        .exec(db)
        .await?;
    if used.rows_affected == 0 {
        return Err(gone());
    }
    Ok(row)
}

fn link(svc: &Services, path: &str, token: &str) -> String {
    format!("{}/{path}?token={token}", svc.settings.public_url)
}

/// Mails `row` a link proving `email` (its address, or the one it is changing to), in the
/// caller's transaction (which wakes the worker after committing).
pub(crate) async fn mail_verification(
    svc: &Services,
    db: &impl ConnectionTrait,
    row: &user::Model,
    email: &str,
) -> Result<()> {
    let token = issue(db, VERIFY, Holder::User(row.id), email, VERIFY_LIFETIME).await?;
    let mail = mail::compose(
        svc,
        mail::Template::VerifyEmail,
        email,
        minijinja::context! { name => row.name, email => email, link => link(svc, "verify-email", &token) },
    )?;
    mail::queue(db, mail).await
}

/// Refuses when too many links were asked for this address or from this client lately.
async fn throttle(svc: &Services, email: &str, client: &ClientInfo) -> Result<()> {
    let key = format!("mail-link:{}", email.trim().to_lowercase());
    // Every request counts, not only failures.
    let counters = throttle::counters(&key, None, client.ip.as_deref());
    svc.login_throttle
        .attempt(&counters)
        .await
        .map_err(|wait| DomainError::RateLimited {
            retry_after_secs: wait.as_secs().max(1),
        })
}

async fn load(svc: &Services, actor: &Actor) -> Result<user::Model> {
    let id = actor.user_id().ok_or(DomainError::Unauthenticated)?;
    user::Entity::find_by_id(id.0)
        .one(&svc.db)
        .await?
        .ok_or(DomainError::Unauthenticated)
}

/// Follows a verification link: the address is proven (and, for a change of address,
/// becomes the account's).
#[tracing::instrument(name = "proof.verify_email", skip_all)]
pub async fn verify_email(svc: &Services, token: &str) -> Result<User> {
    let txn = svc.begin().await?;
    let row = take(&txn, token, VERIFY).await?;
    let account = holder(&txn, &row).await?;
    let mut active: user::ActiveModel = account.clone().into();
    if row.email != account.email {
        // A change of address: still free?
        let taken = user::Entity::find()
            .filter(user::Column::Email.eq(&row.email))
            .one(&txn)
            .await?
            .is_some();
        if taken {
            return Err(DomainError::conflict(
                "another account uses this e-mail address now",
            ));
        }
        active.email = Set(row.email.clone());
    }
    active.email_verified = Set(true);
    active.updated_at = Set(Utc::now());
    let updated = active.update(&txn).await?;
    txn.commit().await?;
    tracing::info!(user = %updated.id, "e-mail address verified");
    super::user::dto(&svc.db, &updated).await
}

/// Mails the signed-in account a new verification link (the old one stops working).
pub async fn resend_verification(svc: &Services, actor: &Actor, client: ClientInfo) -> Result<()> {
    let row = load(svc, actor).await?;
    if row.email_verified {
        return Ok(());
    }
    throttle(svc, &row.email, &client).await?;
    let txn = svc.begin().await?;
    mail_verification(svc, &txn, &row, &row.email).await?;
    txn.commit().await?;
    svc.job_wake.notify_one();
    Ok(())
}

/// Asks for a password-reset link. Answers the same whether or not the account exists;
/// mails a link when it does. Something that is not an e-mail address is 400 (that says
/// nothing about any account).
#[tracing::instrument(name = "proof.request_password_reset", skip_all)]
pub async fn request_password_reset(svc: &Services, email: &str, client: ClientInfo) -> Result<()> {
    let email = Email::parse(email)?;
    throttle(svc, email.as_str(), &client).await?;
    let Some(row) = user::Entity::find()
        .filter(user::Column::Email.eq(email.as_str()))
        .one(&svc.db)
        .await?
    else {
        return Ok(());
    };
    let txn = svc.begin().await?;
    let token = issue(
        &txn,
        RESET,
        Holder::User(row.id),
        &row.email,
        RESET_LIFETIME,
    )
    .await?;
    let mail = mail::compose(
        svc,
        mail::Template::ResetPassword,
        &row.email,
        minijinja::context! { name => row.name, email => row.email, link => link(svc, "reset-password", &token) },
    )?;
    mail::queue(&txn, mail).await?;
    txn.commit().await?;
    svc.job_wake.notify_one();
    Ok(())
}

/// Follows a reset link with a new password: every session and socket of the account
/// ends. The mailbox received the link, so the address is proven too.
#[tracing::instrument(name = "proof.reset_password", skip_all)]
pub async fn reset_password(svc: &Services, token: &str, password: &str) -> Result<()> {
    let password = super::user::parse_password(password)?;
    let hash = super::user::hash_password(password).await?;
    let txn = svc.begin().await?;
    let row = take(&txn, token, RESET).await?;
    let account = holder(&txn, &row).await?;
    let mut active: user::ActiveModel = account.clone().into();
    active.password_hash = Set(Some(hash));
    if row.email == account.email {
        active.email_verified = Set(true);
    }
    active.updated_at = Set(Utc::now());
    active.update(&txn).await?;
    txn.commit().await?;
    let ended = super::admin::end_sessions(svc, account.id, None).await?;
    tracing::info!(user = %account.id, sessions_ended = ended, "password reset");
    Ok(())
}

fn current_session(actor: &Actor) -> Option<Uuid> {
    match actor {
        Actor::User(u) => u.session.map(|s| s.0),
        _ => None,
    }
}

/// Checks the account's password for a change it guards, counted by the sign-in
/// throttle like a login: too many misses answer RateLimited; a miss is a `field` error.
async fn confirm_password(
    svc: &Services,
    row: &user::Model,
    password: &str,
    field: &str,
) -> Result<()> {
    let counters = throttle::counters(&row.email, None, None);
    if let Err(wait) = svc.login_throttle.attempt(&counters).await {
        return Err(DomainError::RateLimited {
            retry_after_secs: wait.as_secs().max(1),
        });
    }
    let ok = match &row.password_hash {
        Some(hash) => super::user::verify_password(password.to_string(), hash.clone()).await?,
        None => false,
    };
    if ok {
        svc.login_throttle
            .succeeded(&[throttle::account_counter(&row.email)], &[])
            .await;
        Ok(())
    } else {
        Err(FieldError::new(field, "is not your current password").into())
    }
}

/// The account a used link belongs to (Gone when it was deleted meanwhile).
async fn holder(db: &impl ConnectionTrait, row: &email_token::Model) -> Result<user::Model> {
    user::Entity::find_by_id(row.user_id.unwrap_or_default())
        .one(db)
        .await?
        .ok_or_else(|| DomainError::Gone("this link was already used or has expired".into()))
}

/// Changes the signed-in account's password (the current one required); its other
/// sessions end.
pub async fn change_password(
    svc: &Services,
    actor: &Actor,
    current: &str,
    new: &str,
) -> Result<()> {
    let row = load(svc, actor).await?;
    let mut fields = Fields::default();
    let new = fields.check(
        super::user::parse_password(new)
            .map_err(|_| FieldError::new("new", "must be 8 to 1024 characters")),
    );
    fields.finish()?;
    confirm_password(svc, &row, current, "current").await?;
    let hash = super::user::hash_password(new.unwrap()).await?;
    let mut active: user::ActiveModel = row.clone().into();
    active.password_hash = Set(Some(hash));
    active.updated_at = Set(Utc::now());
    active.update(&svc.db).await?;
    let ended = super::admin::end_sessions(svc, row.id, current_session(actor)).await?;
    tracing::info!(user = %row.id, sessions_ended = ended, "password changed");
    Ok(())
}

/// Asks to change the signed-in account's address (its password required): the new
/// address gets a verification link and takes effect when it is followed; the old address
/// is told.
pub async fn change_email(
    svc: &Services,
    actor: &Actor,
    email: &str,
    password: &str,
    client: ClientInfo,
) -> Result<()> {
    let row = load(svc, actor).await?;
    let email = Email::parse(email)?;
    if email.as_str() == row.email {
        return Err(FieldError::new("email", "is already your address").into());
    }
    confirm_password(svc, &row, password, "password").await?;
    throttle(svc, email.as_str(), &client).await?;
    let taken = user::Entity::find()
        .filter(user::Column::Email.eq(email.as_str()))
        .one(&svc.db)
        .await?
        .is_some();
    if taken {
        return Err(DomainError::conflict(
            "another account uses this e-mail address",
        ));
    }
    let txn = svc.begin().await?;
    mail_verification(svc, &txn, &row, email.as_str()).await?;
    let told = mail::compose(
        svc,
        mail::Template::EmailChanged,
        &row.email,
        minijinja::context! { name => row.name, email => row.email, new_email => email.as_str() },
    )?;
    mail::queue(&txn, told).await?;
    txn.commit().await?;
    svc.job_wake.notify_one();
    Ok(())
}

/// `sayr user set-password`: an operator sets a password; every session of the account
/// ends.
pub async fn set_password(
    svc: &Services,
    actor: &Actor,
    email: &str,
    password: &str,
) -> Result<User> {
    if !matches!(actor, Actor::System) {
        return Err(DomainError::forbidden("only operators set passwords"));
    }
    let password = super::user::parse_password(password)?;
    let row = user::Entity::find()
        .filter(user::Column::Email.eq(Email::parse(email)?.as_str()))
        .one(&svc.db)
        .await?
        .ok_or(DomainError::NotFound)?;
    let mut active: user::ActiveModel = row.clone().into();
    active.password_hash = Set(Some(super::user::hash_password(password).await?));
    active.updated_at = Set(Utc::now());
    let updated = active.update(&svc.db).await?;
    super::admin::end_sessions(svc, row.id, None).await?;
    super::user::dto(&svc.db, &updated).await
}
