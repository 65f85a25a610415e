//! Passkeys (WebAuthn): register them from a signed-in session, list, rename and delete
//! them, and sign in with one, with no e-mail typed (discoverable credentials).
//!
//! A passkey asks the device to verify the person (user verification required), so
//! signing in with one is a whole sign-in and counts as the second factor: an account with
//! TOTP on is not asked for a code after it, and an org that requires a second factor
//! accepts a member who has a passkey. At the second step of a password sign-in, a passkey
//! answers the challenge instead of a code.
//!
//! Each ceremony's challenge is random (32 bytes), stored as SHA-256 with what it is for
//! ([`entity::passkey_ceremony`]), lives 5 minutes and is used once: whichever instance
//! the browser's answer reaches finds it in the database. The checks themselves are in
//! [`webauthn`] (over `ring`), with the CBOR they need in [`cbor`].

pub mod cbor;
mod sign_in;
pub mod webauthn;
mod wire;

pub use sign_in::{complete_sign_in, second_step_options, sign_in, sign_in_options};

pub use wire::{
    AssertionCredential, AssertionResponse, AuthenticatorSelection, CreationOptions,
    CredentialDescriptor, CredentialParameter, RegistrationCredential, RegistrationResponse,
    RequestOptions, RpEntity, UserEntity,
};

use super::{Actor, DomainError, Result, Services, UserActor};
use chrono::{Duration, Utc};
use domain::dto::Passkey;
use domain::parse::FieldError;
use entity::{passkey, passkey_ceremony, user};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Set,
};
use uuid::Uuid;
use webauthn::{Refusal, RelyingParty, b64url, b64url_decode};

/// How long a ceremony waits for the browser's answer.
pub const CEREMONY_LIFETIME: Duration = Duration::minutes(5);
/// The passkeys one account may hold.
pub const MAX_PASSKEYS: u64 = 25;
/// The longest name a passkey may have, in characters.
pub const MAX_NAME: usize = 64;

/// What a ceremony is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Purpose {
    Register,
    SignIn,
    SecondStep,
}

impl Purpose {
    fn stored(self) -> &'static str {
        match self {
            Purpose::Register => "register",
            Purpose::SignIn => "sign_in",
            Purpose::SecondStep => "second_step",
        }
    }
}

/// The relying party of this instance; an instance reached by IP address has none.
pub fn relying_party(svc: &Services) -> Result<RelyingParty> {
    RelyingParty::from_public_url(&svc.settings.public_url)
        .map_err(|Refusal(why)| DomainError::Unavailable(why))
}

/// The user behind a session: passkeys are managed from a signed-in session, not with an
/// API key.
fn session_user(actor: &Actor) -> Result<Uuid> {
    match actor {
        Actor::User(UserActor {
            api_key: Some(_), ..
        }) => Err(DomainError::forbidden(
            "passkeys are managed from a signed-in session, not with an API key",
        )),
        Actor::User(u) => Ok(u.id.0),
        _ => Err(DomainError::Unauthenticated),
    }
}

fn dto(row: &passkey::Model) -> Passkey {
    Passkey {
        id: row.id,
        name: row.name.clone(),
        created_at: row.created_at,
        last_used_at: row.last_used_at,
        backup_eligible: row.backup_eligible,
        backed_up: row.backed_up,
    }
}

/// A passkey's name as given: trimmed, 1 to [`MAX_NAME`] characters.
fn parse_name(name: &str) -> std::result::Result<String, FieldError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(FieldError::new("name", "must not be empty"));
    }
    if name.chars().count() > MAX_NAME || name.chars().any(char::is_control) {
        return Err(FieldError::new(
            "name",
            format!("must be at most {MAX_NAME} characters, on one line"),
        ));
    }
    Ok(name.to_string())
}

fn random_challenge() -> Vec<u8> {
    let mut bytes = vec![0u8; 32];
    getrandom::getrandom(&mut bytes).expect("the OS random source is available");
    bytes
}

fn challenge_hash(challenge: &[u8]) -> String {
    hex::encode(webauthn::sha256(challenge))
}

/// Stores a new ceremony and returns its challenge. Expired ceremonies go first, anyone's:
/// a browser that never answered leaves one behind.
async fn begin(svc: &Services, purpose: Purpose, user: Option<Uuid>) -> Result<Vec<u8>> {
    let now = Utc::now();
    passkey_ceremony::Entity::delete_many()
        .filter(passkey_ceremony::Column::ExpiresAt.lte(now))
        .exec(&svc.db)
        .await?;
    let challenge = random_challenge();
    passkey_ceremony::ActiveModel {
        id: Set(Uuid::new_v4()),
        challenge_hash: Set(challenge_hash(&challenge)),
        purpose: Set(purpose.stored().into()),
        user_id: Set(user),
        expires_at: Set(now + CEREMONY_LIFETIME),
        created_at: Set(now),
    }
    .insert(&svc.db)
    .await?;
    Ok(challenge)
}

fn ceremony_gone() -> DomainError {
    DomainError::Gone(
        "this passkey request has expired, was used already or is unknown: start again".into(),
    )
}

/// Uses up the ceremony the browser answered (by its challenge): it must be unexpired, for
/// `purpose` and `user`. Taken once: of two answers to one challenge, one finds it.
async fn take(
    svc: &Services,
    challenge: &[u8],
    purpose: Purpose,
    user: Option<Uuid>,
) -> Result<()> {
    let row = passkey_ceremony::Entity::find()
        .filter(passkey_ceremony::Column::ChallengeHash.eq(challenge_hash(challenge)))
        .one(&svc.db)
        .await?
        .ok_or_else(ceremony_gone)?;
    let taken = passkey_ceremony::Entity::delete_by_id(row.id)
        .exec(&svc.db)
        .await?;
    let fits = row.purpose == purpose.stored() && row.user_id == user;
    if taken.rows_affected != 1 || row.expires_at <= Utc::now() || !fits {
        return Err(ceremony_gone());
    }
    Ok(())
}

fn bad_credential(Refusal(why): Refusal) -> DomainError {
    FieldError::new(
        "credential",
        format!("this passkey was not accepted: {why}"),
    )
    .into()
}

fn descriptor(row: &passkey::Model) -> CredentialDescriptor {
    CredentialDescriptor {
        kind: "public-key".into(),
        id: row.credential_id.clone(),
    }
}

async fn rows_of(db: &impl ConnectionTrait, user: Uuid) -> Result<Vec<passkey::Model>> {
    Ok(passkey::Entity::find()
        .filter(passkey::Column::UserId.eq(user))
        .order_by_asc(passkey::Column::CreatedAt)
        .all(db)
        .await?)
}

/// The actor's passkeys, oldest first.
pub async fn list(svc: &Services, actor: &Actor) -> Result<Vec<Passkey>> {
    let id = actor.user_id().ok_or(DomainError::Unauthenticated)?.0;
    Ok(rows_of(&svc.db, id).await?.iter().map(dto).collect())
}

/// Starts registering a passkey: the options for `navigator.credentials.create()`, which
/// ask for a discoverable credential with user verification, and exclude the passkeys the
/// account has (an authenticator holding one says so instead of making another).
#[tracing::instrument(name = "passkey.registration_options", skip_all)]
pub async fn registration_options(svc: &Services, actor: &Actor) -> Result<CreationOptions> {
    let id = session_user(actor)?;
    let rp = relying_party(svc)?;
    let account = user::Entity::find_by_id(id)
        .one(&svc.db)
        .await?
        .ok_or(DomainError::Unauthenticated)?;
    let existing = rows_of(&svc.db, id).await?;
    if existing.len() as u64 >= MAX_PASSKEYS {
        return Err(DomainError::conflict(format!(
            "an account holds at most {MAX_PASSKEYS} passkeys: delete one first"
        )));
    }
    let challenge = begin(svc, Purpose::Register, Some(id)).await?;
    Ok(CreationOptions {
        rp: RpEntity {
            id: rp.id.clone(),
            name: svc.settings.instance_name.clone(),
        },
        user: UserEntity {
            id: b64url(id.as_bytes()),
            name: account.email.clone(),
            display_name: account.name.clone(),
        },
        challenge: b64url(&challenge),
        pub_key_cred_params: [webauthn::ES256, webauthn::EDDSA, webauthn::RS256]
            .into_iter()
            .map(|alg| CredentialParameter {
                kind: "public-key".into(),
                alg,
            })
            .collect(),
        timeout: CEREMONY_LIFETIME.num_milliseconds() as u64,
        exclude_credentials: existing.iter().map(descriptor).collect(),
        authenticator_selection: AuthenticatorSelection {
            resident_key: "required".into(),
            require_resident_key: true,
            user_verification: "required".into(),
        },
        attestation: "none".into(),
    })
}

/// Finishes registering: checks the browser's answer against the ceremony it started and
/// stores the new passkey under `name` ("Passkey" when none is given).
#[tracing::instrument(name = "passkey.register", skip_all)]
pub async fn register(
    svc: &Services,
    actor: &Actor,
    name: Option<&str>,
    credential: &RegistrationCredential,
) -> Result<Passkey> {
    let id = session_user(actor)?;
    let rp = relying_party(svc)?;
    let name = match name.map(str::trim).filter(|n| !n.is_empty()) {
        Some(name) => parse_name(name)?,
        None => "Passkey".to_string(),
    };
    let client_json = b64url_decode(&credential.response.client_data_json)
        .map_err(|_| FieldError::new("credential", "clientDataJSON is not base64url"))?;
    let attestation = b64url_decode(&credential.response.attestation_object)
        .map_err(|_| FieldError::new("credential", "attestationObject is not base64url"))?;
    let client =
        webauthn::client_data(&client_json, "webauthn.create", &rp).map_err(bad_credential)?;
    take(svc, &client.challenge, Purpose::Register, Some(id)).await?;
    let made = webauthn::registration(&attestation, &rp).map_err(bad_credential)?;
    let credential_id = b64url(&made.credential.id);
    if b64url_decode(&credential.id).ok().as_deref() != Some(made.credential.id.as_slice()) {
        return Err(bad_credential(Refusal(
            "the credential's id is not the one its authenticator data names".into(),
        )));
    }
    let taken = passkey::Entity::find()
        .filter(passkey::Column::CredentialId.eq(&credential_id))
        .count(&svc.db)
        .await?;
    if taken > 0 {
        return Err(DomainError::conflict("this passkey is registered already"));
    }
    let row = passkey::ActiveModel {
        id: Set(Uuid::new_v4()),
        user_id: Set(id),
        credential_id: Set(credential_id),
        public_key: Set(b64url(&made.credential.public_key)),
        algorithm: Set(made.credential.algorithm as i32),
        sign_count: Set(i64::from(made.sign_count)),
        aaguid: Set(hex::encode(made.credential.aaguid)),
        backup_eligible: Set(made.backup_eligible),
        backed_up: Set(made.backed_up),
        name: Set(name),
        created_at: Set(Utc::now()),
        last_used_at: Set(None),
    }
    .insert(&svc.db)
    .await
    .map_err(|e| match e.sql_err() {
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => {
            DomainError::conflict("this passkey is registered already")
        }
        _ => e.into(),
    })?;
    tracing::info!(user = %id, passkey = %row.id, "passkey registered");
    Ok(dto(&row))
}

async fn own_row(db: &impl ConnectionTrait, user: Uuid, id: Uuid) -> Result<passkey::Model> {
    passkey::Entity::find_by_id(id)
        .filter(passkey::Column::UserId.eq(user))
        .one(db)
        .await?
        .ok_or(DomainError::NotFound)
}

/// Renames one of the actor's passkeys (404 for anyone else's).
#[tracing::instrument(name = "passkey.rename", skip(svc, actor))]
pub async fn rename(svc: &Services, actor: &Actor, id: Uuid, name: &str) -> Result<Passkey> {
    let me = session_user(actor)?;
    let name = parse_name(name)?;
    let row = own_row(&svc.db, me, id).await?;
    let mut active: passkey::ActiveModel = row.into();
    active.name = Set(name);
    Ok(dto(&active.update(&svc.db).await?))
}

/// Deletes one of the actor's passkeys (404 for anyone else's); it signs in no more.
#[tracing::instrument(name = "passkey.delete", skip(svc, actor))]
pub async fn delete(svc: &Services, actor: &Actor, id: Uuid) -> Result<()> {
    let me = session_user(actor)?;
    let gone = passkey::Entity::delete_many()
        .filter(passkey::Column::Id.eq(id))
        .filter(passkey::Column::UserId.eq(me))
        .exec(&svc.db)
        .await?;
    if gone.rows_affected != 1 {
        return Err(DomainError::NotFound);
    }
    tracing::info!(user = %me, passkey = %id, "passkey deleted");
    Ok(())
}

/// Forgets every passkey of a user (a site admin's reset of the second factor).
pub(crate) async fn remove_all(db: &impl ConnectionTrait, user: Uuid) -> Result<()> {
    passkey::Entity::delete_many()
        .filter(passkey::Column::UserId.eq(user))
        .exec(db)
        .await?;
    passkey_ceremony::Entity::delete_many()
        .filter(passkey_ceremony::Column::UserId.eq(user))
        .exec(db)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests;
