//! Sessions: the cookie holds a random token, the database only its SHA-256.

use super::{Actor, DomainError, Result, Services, UserActor, throttle};
use chrono::{Duration, Utc};
use domain::realtime::AccessEvent;
use domain::{SessionId, UserId};
use entity::{session, user};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use sha2::{Digest, Sha256};

/// How long a session lives without being used.
pub const IDLE_LIFETIME: Duration = Duration::days(30);
/// How stale `last_seen_at` may get before a request renews it (saves a write per request).
const RENEW_AFTER: Duration = Duration::minutes(5);

pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn new_token() -> String {
    let mut bytes = [0u8; 32];
    getrandom::getrandom(&mut bytes).expect("the OS random source is available");
    hex::encode(bytes)
}

/// Where a session came from, kept for the user's session list.
#[derive(Clone, Debug, Default)]
pub struct ClientInfo {
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    /// The device cookie, if the browser has one ([`device_token`]).
    pub device: Option<String>,
}

/// What a device token is signed for: sign-ins to this account.
fn device_purpose(email: &str) -> String {
    format!("login-device|{}", email.trim().to_lowercase())
}

/// A token that marks this browser as one `email` signed in on: the sign-in throttle counts
/// attempts that carry it apart from the account's (an attacker's guesses elsewhere do not
/// lock the owner out of their own device). Random, signed with the instance's secret.
pub async fn device_token(svc: &Services, email: &str) -> Result<String> {
    let secret = super::instance::secret(&svc.db, DEVICE_SECRET).await?;
    let mut nonce = [0u8; 16];
    getrandom::getrandom(&mut nonce).expect("the OS random source is available");
    Ok(super::instance::sign(
        &secret,
        &device_purpose(email),
        &hex::encode(nonce),
    ))
}

const DEVICE_SECRET: &str = "secret.login_device";

/// The device's id, when `token` is one that `email` was signed in with.
async fn known_device(svc: &Services, email: &str, token: Option<&str>) -> Result<Option<String>> {
    let Some(token) = token else {
        return Ok(None);
    };
    let secret = super::instance::secret(&svc.db, DEVICE_SECRET).await?;
    Ok(super::instance::verify(&secret, &device_purpose(email), token).map(str::to_string))
}

/// Starts a session for a user who has just proven who they are. Returns the token for the
/// cookie; it is not stored anywhere.
#[tracing::instrument(name = "session.start", skip_all, fields(user = %user_id))]
pub async fn start(
    svc: &Services,
    user_id: UserId,
    client: ClientInfo,
) -> Result<(String, SessionId)> {
    let token = new_token();
    let now = Utc::now();
    let id = SessionId::new();
    session::ActiveModel {
        id: Set(id.0),
        user_id: Set(user_id.0),
        token_hash: Set(hash_token(&token)),
        created_at: Set(now),
        expires_at: Set(now + IDLE_LIFETIME),
        last_seen_at: Set(now),
        ip: Set(client.ip.map(|s| s.chars().take(64).collect())),
        user_agent: Set(client.user_agent.map(|s| s.chars().take(512).collect())),
    }
    .insert(&svc.db)
    .await?;
    Ok((token, id))
}

/// The actor behind a session token: anonymous when the token is unknown or expired.
/// Renews the expiry (sliding) when the session is used.
pub async fn resolve(svc: &Services, token: &str) -> Result<Actor> {
    let found = session::Entity::find()
        .filter(session::Column::TokenHash.eq(hash_token(token)))
        .find_also_related(user::Entity)
        .one(&svc.db)
        .await?;
    let Some((row, Some(account))) = found else {
        return Ok(Actor::anonymous());
    };
    let now = Utc::now();
    if row.expires_at <= now {
        session::Entity::delete_by_id(row.id).exec(&svc.db).await?;
        svc.publish_access(AccessEvent::SessionEnded {
            session: row.id.into(),
        });
        return Ok(Actor::anonymous());
    }
    // Banning deletes the user's sessions; this covers one started in the same moment.
    if super::admin::ban_of(&account, now).is_some() {
        return Ok(Actor::anonymous());
    }
    if now - row.last_seen_at > RENEW_AFTER {
        let mut active: session::ActiveModel = row.clone().into();
        active.last_seen_at = Set(now);
        active.expires_at = Set(now + IDLE_LIFETIME);
        active.update(&svc.db).await?;
    }
    Ok(Actor::User(UserActor {
        id: account.id.into(),
        site_admin: account.role == "admin",
        session: Some(row.id.into()),
        api_key: None,
    }))
}

/// Signs in with a password: a session, or, when the account has a second factor on, a
/// challenge to answer with a code (`two_factor::complete_sign_in`) and no session yet.
/// Throttled per account and per address: too many failures answer RateLimited. The
/// account's count clears only once the sign-in is complete, so that a known password does
/// not reset the count of wrong codes.
pub async fn sign_in(
    svc: &Services,
    email: &str,
    password: &str,
    client: ClientInfo,
) -> Result<super::two_factor::SignIn> {
    use super::two_factor::{Factor, SignIn, login};
    let address = client.ip.as_deref();
    let device = known_device(svc, email, client.device.as_deref()).await?;
    let counters = throttle::counters(email, device.as_deref(), address);
    // Counted before the password is checked: guesses sent at once cannot pass together.
    if let Err(wait) = svc.login_throttle.attempt(&counters).await {
        return Err(DomainError::RateLimited {
            retry_after_secs: wait.as_secs().max(1),
        });
    }
    let user = super::user::authenticate_with(svc, email, password, device.is_some()).await?;
    // Told only to whoever knows the password.
    super::admin::refuse_if_banned(svc, user.id).await?;
    // On a session, the counter this attempt was counted on starts over: the account's, or
    // the known device's (which leaves whatever others' guesses ran up on the account
    // standing). A second factor still to come keeps the attempt counted.
    let (clear, uncount) = throttle::on_success(&counters);
    let outcome = login::after_first_factor(svc, user, &[Factor::Password], client).await?;
    if let SignIn::Session { .. } = outcome {
        svc.login_throttle.succeeded(&clear, &uncount).await;
    }
    Ok(outcome)
}

/// Creates an account (when sign-up is open, or for the first account) and signs it in.
pub async fn sign_up(
    svc: &Services,
    input: super::user::NewUser,
    client: ClientInfo,
) -> Result<(String, domain::dto::User)> {
    if !super::instance::signup_allowed(svc).await? {
        return Err(DomainError::forbidden(super::instance::SIGNUP_CLOSED));
    }
    let user = super::user::create(svc, &Actor::anonymous(), input, false).await?;
    let (token, _) = start(svc, user.id, client).await?;
    Ok((token, user))
}

/// Ends the session this token belongs to (logout). Unknown tokens are not an error.
pub async fn end(svc: &Services, token: &str) -> Result<()> {
    let row = session::Entity::find()
        .filter(session::Column::TokenHash.eq(hash_token(token)))
        .one(&svc.db)
        .await?;
    if let Some(row) = row {
        session::Entity::delete_by_id(row.id).exec(&svc.db).await?;
        svc.publish_access(AccessEvent::SessionEnded {
            session: row.id.into(),
        });
    }
    Ok(())
}

/// The actor's sessions, most recently used first; `current` marks the one in use.
pub async fn list(svc: &Services, actor: &Actor) -> Result<Vec<domain::dto::SessionInfo>> {
    let Actor::User(me) = actor else {
        return Err(DomainError::Unauthenticated);
    };
    let rows = session::Entity::find()
        .filter(session::Column::UserId.eq(me.id.0))
        .filter(session::Column::ExpiresAt.gt(Utc::now()))
        .order_by_desc(session::Column::LastSeenAt)
        .all(&svc.db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| domain::dto::SessionInfo {
            current: me.session == Some(r.id.into()),
            id: r.id.into(),
            created_at: r.created_at,
            last_seen_at: r.last_seen_at,
            user_agent: r.user_agent,
            ip: r.ip,
        })
        .collect())
}

/// Ends one of the actor's own sessions.
pub async fn revoke(svc: &Services, actor: &Actor, id: SessionId) -> Result<()> {
    let user = actor.user_id().ok_or(DomainError::Unauthenticated)?;
    let deleted = session::Entity::delete_many()
        .filter(session::Column::Id.eq(id.0))
        .filter(session::Column::UserId.eq(user.0))
        .exec(&svc.db)
        .await?;
    if deleted.rows_affected == 0 {
        return Err(DomainError::NotFound);
    }
    svc.publish_access(AccessEvent::SessionEnded { session: id });
    Ok(())
}
