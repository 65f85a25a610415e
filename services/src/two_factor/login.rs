//! Sign-ins that wait for a second factor. The first factor (a password, a provider) is
//! proven; when the account has a second factor on, no session starts yet: a challenge
//! (random, stored as SHA-256, 5 minutes) names the user and how they were proven, and
//! [`complete_sign_in`] trades it and a code for the session.
//!
//! "How was the user proven" is a [`Factor`] list rather than a flag, so that a proof that
//! is a second factor in itself (a passkey) skips the challenge. The second step takes a
//! code ([`complete_sign_in`]) or a passkey (`passkey::complete_sign_in`).

use super::{Result, Services, totp_row, verify, wrong_code};
use crate::session::{self, ClientInfo, hash_token};
use crate::{DomainError, admin};
use chrono::{Duration, Utc};
use domain::dto::User;
use entity::{login_challenge, user};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

/// How long a challenge waits for its code.
pub const CHALLENGE_LIFETIME: Duration = Duration::minutes(5);

/// One way a sign-in proved who is signing in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Factor {
    /// The account's password.
    Password,
    /// An external provider (`github` or an OpenID Connect name) vouched for the identity.
    Provider(String),
    /// A code of the account's TOTP app.
    Totp,
    /// One of the account's backup codes.
    BackupCode,
    /// One of the account's passkeys, with the person verified on the device.
    Passkey,
}

impl Factor {
    /// Whether this proof is a second factor: something the user has, beside what they
    /// know or an account elsewhere.
    pub fn is_second(&self) -> bool {
        matches!(self, Factor::Totp | Factor::BackupCode | Factor::Passkey)
    }

    /// How a challenge stores it.
    fn stored(&self) -> String {
        match self {
            Factor::Password => "password".into(),
            Factor::Provider(name) => format!("provider:{name}"),
            Factor::Totp => "totp".into(),
            Factor::BackupCode => "backup_code".into(),
            Factor::Passkey => "passkey".into(),
        }
    }
}

/// How a sign-in ended.
#[derive(Debug)]
pub enum SignIn {
    /// A session was started: the token for the cookie, and the account.
    Session { token: String, user: User },
    /// The account has a second factor on: no session yet, only the challenge to answer
    /// with a code (`complete_sign_in`).
    Challenge { challenge: String },
}

fn new_token() -> String {
    let mut bytes = [0u8; 32];
    getrandom::getrandom(&mut bytes).expect("the OS random source is available");
    hex::encode(bytes)
}

/// What follows a proven first factor: a session when `proven` is enough for this account,
/// else a challenge.
pub(crate) async fn after_first_factor(
    svc: &Services,
    user: User,
    proven: &[Factor],
    client: ClientInfo,
) -> Result<SignIn> {
    let satisfied = proven.iter().any(Factor::is_second);
    if satisfied || !super::is_enabled(svc, user.id).await? {
        let (token, _) = session::start(svc, user.id, client).await?;
        return Ok(SignIn::Session { token, user });
    }
    let now = Utc::now();
    // A user's stale challenges go when they start another sign-in.
    login_challenge::Entity::delete_many()
        .filter(login_challenge::Column::UserId.eq(user.id.0))
        .filter(login_challenge::Column::ExpiresAt.lte(now))
        .exec(&svc.db)
        .await?;
    let challenge = new_token();
    let first = proven
        .iter()
        .map(Factor::stored)
        .collect::<Vec<_>>()
        .join(",");
    login_challenge::ActiveModel {
        id: Set(Uuid::new_v4()),
        token_hash: Set(hash_token(&challenge)),
        user_id: Set(user.id.0),
        first_factor: Set(first),
        expires_at: Set(now + CHALLENGE_LIFETIME),
        created_at: Set(now),
    }
    .insert(&svc.db)
    .await?;
    Ok(SignIn::Challenge { challenge })
}

fn expired() -> DomainError {
    DomainError::Gone("this sign-in has expired or is unknown: sign in again".into())
}

/// A sign-in waiting for its second factor, opened to be answered: its row, the account,
/// and the throttle's counters the answer was counted on.
pub(crate) struct Waiting {
    row: login_challenge::Model,
    pub(crate) account: user::Model,
    counters: Vec<(String, u32)>,
}

/// Finds the challenge (410 when unknown or expired) and counts the answer on the sign-in
/// throttle, per account and address, before it is checked: answers sent at once cannot
/// pass together.
pub(crate) async fn open_challenge(
    svc: &Services,
    challenge: &str,
    client: &ClientInfo,
) -> Result<Waiting> {
    let row = find_challenge(svc, challenge).await?;
    let account = user::Entity::find_by_id(row.user_id)
        .one(&svc.db)
        .await?
        .ok_or_else(expired)?;
    let counters = crate::throttle::counters(&account.email, None, client.ip.as_deref());
    if let Err(wait) = svc.login_throttle.attempt(&counters).await {
        return Err(DomainError::RateLimited {
            retry_after_secs: wait.as_secs().max(1),
        });
    }
    admin::refuse_banned(&account)?;
    Ok(Waiting {
        row,
        account,
        counters,
    })
}

/// The unexpired challenge whose token this is (410 otherwise).
pub(crate) async fn find_challenge(
    svc: &Services,
    challenge: &str,
) -> Result<login_challenge::Model> {
    login_challenge::Entity::find()
        .filter(login_challenge::Column::TokenHash.eq(hash_token(challenge.trim())))
        .one(&svc.db)
        .await?
        .filter(|row| row.expires_at > Utc::now())
        .ok_or_else(expired)
}

/// Uses the challenge up and starts the session, after `second` was proven.
pub(crate) async fn finish(
    svc: &Services,
    waiting: Waiting,
    second: Option<Factor>,
    client: ClientInfo,
) -> Result<(String, User)> {
    let Waiting {
        row,
        account,
        counters,
    } = waiting;
    let used = login_challenge::Entity::delete_by_id(row.id)
        .exec(&svc.db)
        .await?;
    if used.rows_affected != 1 {
        return Err(expired());
    }
    let (clear, uncount) = crate::throttle::on_success(&counters);
    svc.login_throttle.succeeded(&clear, &uncount).await;
    let user = crate::user::dto(&svc.db, &account).await?;
    let (token, _) = session::start(svc, account.id.into(), client).await?;
    tracing::info!(
        user = %account.id,
        first = %row.first_factor,
        second = ?second,
        "signed in with a second factor"
    );
    Ok((token, user))
}

/// Finishes a sign-in that waits for its second factor: `code` is a current TOTP code or
/// an unused backup code. Throttled like a login, per account and per address; a wrong
/// code leaves the challenge usable until it expires, a right one uses it up.
#[tracing::instrument(name = "two_factor.complete_sign_in", skip_all)]
pub async fn complete_sign_in(
    svc: &Services,
    challenge: &str,
    code: &str,
    client: ClientInfo,
) -> Result<(String, User)> {
    let waiting = open_challenge(svc, challenge, &client).await?;
    let account = &waiting.account;
    // Reset by a site admin meanwhile: the first factor is all this account needs now.
    // An account whose only second factor is a passkey has no code that counts.
    let second = match totp_row(&svc.db, account.id).await? {
        Some(totp) if totp.enabled_at.is_some() => match verify(&svc.db, &totp, code).await? {
            Some(factor) => Some(factor),
            None => return Err(wrong_code()),
        },
        _ if crate::access::has_passkey(&svc.db, account.id.into()).await? => {
            return Err(wrong_code());
        }
        _ => None,
    };
    finish(svc, waiting, second, client).await
}
