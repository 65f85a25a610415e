//! Signing in with a passkey: with no e-mail typed (a discoverable credential), or as the
//! second step of a password sign-in.

use super::webauthn::{self, RelyingParty, b64url, b64url_decode};
use super::{
    AssertionCredential, CredentialDescriptor, Purpose, RequestOptions, begin, descriptor,
    relying_party, rows_of, take,
};
use crate::session::ClientInfo;
use crate::two_factor::login::{self, Factor, SignIn};
use crate::{DomainError, Result, Services};
use chrono::Utc;
use domain::dto::User;
use domain::parse::FieldError;
use entity::{passkey, user};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

fn request_options(
    rp: &RelyingParty,
    challenge: &[u8],
    allow: Vec<CredentialDescriptor>,
) -> RequestOptions {
    RequestOptions {
        challenge: b64url(challenge),
        timeout: super::CEREMONY_LIFETIME.num_milliseconds() as u64,
        rp_id: rp.id.clone(),
        allow_credentials: allow,
        user_verification: "required".into(),
    }
}

/// Starts a sign-in with a passkey: options for `navigator.credentials.get()` naming no
/// credential, so that the browser offers whichever passkeys it holds for this instance.
#[tracing::instrument(name = "passkey.sign_in_options", skip_all)]
pub async fn sign_in_options(svc: &Services) -> Result<RequestOptions> {
    let rp = relying_party(svc)?;
    let challenge = begin(svc, Purpose::SignIn, None).await?;
    Ok(request_options(&rp, &challenge, Vec::new()))
}

/// Any failure of a passkey sign-in, told alike (like a wrong password): the cause is
/// logged.
fn not_accepted(why: impl std::fmt::Display) -> DomainError {
    tracing::info!(%why, "passkey sign-in refused");
    DomainError::Unauthenticated
}

/// Checks an assertion of `row`'s passkey and records its use: the new counter (only if
/// no other sign-in moved it meanwhile), the backup state, when.
async fn check_assertion(
    svc: &Services,
    rp: &RelyingParty,
    row: &passkey::Model,
    client_json: &[u8],
    credential: &AssertionCredential,
) -> Result<()> {
    let bytes = |text: &str| b64url_decode(text).map_err(not_accepted);
    let auth_data = bytes(&credential.response.authenticator_data)?;
    let signature = bytes(&credential.response.signature)?;
    let public_key = bytes(&row.public_key)?;
    if let Some(handle) = &credential.response.user_handle
        && bytes(handle)? != row.user_id.as_bytes()
    {
        return Err(not_accepted("the user handle is not the passkey's account"));
    }
    let stored = u32::try_from(row.sign_count).unwrap_or(u32::MAX);
    let proven = webauthn::assertion(&auth_data, client_json, &signature, &public_key, stored, rp)
        .map_err(not_accepted)?;
    let updated = passkey::Entity::update_many()
        .col_expr(
            passkey::Column::SignCount,
            Expr::value(i64::from(proven.sign_count)),
        )
        .col_expr(passkey::Column::BackedUp, Expr::value(proven.backed_up))
        .col_expr(passkey::Column::LastUsedAt, Expr::value(Some(Utc::now())))
        .filter(passkey::Column::Id.eq(row.id))
        .filter(passkey::Column::SignCount.eq(row.sign_count))
        .exec(&svc.db)
        .await?;
    if updated.rows_affected != 1 {
        return Err(not_accepted("the passkey was used meanwhile"));
    }
    Ok(())
}

async fn find_by_credential(svc: &Services, id: &str) -> Result<passkey::Model> {
    let id = b64url(&b64url_decode(id).map_err(not_accepted)?);
    passkey::Entity::find()
        .filter(passkey::Column::CredentialId.eq(id))
        .one(&svc.db)
        .await?
        .ok_or_else(|| not_accepted("no such passkey"))
}

fn client_json(credential: &AssertionCredential) -> Result<Vec<u8>> {
    b64url_decode(&credential.response.client_data_json)
        .map_err(|_| FieldError::new("credential", "clientDataJSON is not base64url").into())
}

/// Signs in with a passkey: a whole sign-in, the second factor included. Counted on the
/// sign-in throttle of the client's address like a password (the account is known only
/// once the passkey is); a failure answers 401 whatever failed.
#[tracing::instrument(name = "passkey.sign_in", skip_all)]
pub async fn sign_in(
    svc: &Services,
    credential: &AssertionCredential,
    client: ClientInfo,
) -> Result<(String, User)> {
    let rp = relying_party(svc)?;
    let client_json = client_json(credential)?;
    let counters: Vec<(String, u32)> = client
        .ip
        .as_deref()
        .map(|ip| {
            (
                crate::throttle::address_counter(ip),
                crate::throttle::PER_ADDRESS,
            )
        })
        .into_iter()
        .collect();
    if let Err(wait) = svc.login_throttle.attempt(&counters).await {
        return Err(DomainError::RateLimited {
            retry_after_secs: wait.as_secs().max(1),
        });
    }
    let data = webauthn::client_data(&client_json, "webauthn.get", &rp).map_err(not_accepted)?;
    take(svc, &data.challenge, Purpose::SignIn, None).await?;
    let row = find_by_credential(svc, &credential.id).await?;
    check_assertion(svc, &rp, &row, &client_json, credential).await?;
    crate::admin::refuse_if_banned(svc, row.user_id.into()).await?;
    let account = user::Entity::find_by_id(row.user_id)
        .one(&svc.db)
        .await?
        .ok_or_else(|| not_accepted("the account is gone"))?;
    let user = crate::user::dto(&svc.db, &account).await?;
    let (_, uncount) = crate::throttle::on_success(&counters);
    svc.login_throttle.succeeded(&[], &uncount).await;
    match login::after_first_factor(svc, user, &[Factor::Passkey], client).await? {
        SignIn::Session { token, user } => {
            tracing::info!(user = %row.user_id, passkey = %row.id, "signed in with a passkey");
            Ok((token, user))
        }
        SignIn::Challenge { .. } => Err(DomainError::Internal(
            "a passkey sign-in was asked for a second factor".into(),
        )),
    }
}

/// Starts answering a sign-in's second step with a passkey: options naming the account's
/// passkeys. 409 when it has none; 410 when the sign-in expired.
#[tracing::instrument(name = "passkey.second_step_options", skip_all)]
pub async fn second_step_options(svc: &Services, challenge: &str) -> Result<RequestOptions> {
    let rp = relying_party(svc)?;
    let waiting = login::find_challenge(svc, challenge).await?;
    let rows = rows_of(&svc.db, waiting.user_id).await?;
    if rows.is_empty() {
        return Err(DomainError::conflict(
            "this account has no passkey: answer with a code",
        ));
    }
    let ceremony = begin(svc, Purpose::SecondStep, Some(waiting.user_id)).await?;
    Ok(request_options(
        &rp,
        &ceremony,
        rows.iter().map(descriptor).collect(),
    ))
}

/// Finishes a sign-in's second step with one of the account's passkeys. Throttled and
/// answered like a code: a refused passkey is 401 and leaves the sign-in waiting.
#[tracing::instrument(name = "passkey.complete_sign_in", skip_all)]
pub async fn complete_sign_in(
    svc: &Services,
    challenge: &str,
    credential: &AssertionCredential,
    client: ClientInfo,
) -> Result<(String, User)> {
    let rp = relying_party(svc)?;
    let client_json = client_json(credential)?;
    let waiting = login::open_challenge(svc, challenge, &client).await?;
    let account = waiting.account.id;
    let data = webauthn::client_data(&client_json, "webauthn.get", &rp).map_err(not_accepted)?;
    take(svc, &data.challenge, Purpose::SecondStep, Some(account)).await?;
    let row = find_by_credential(svc, &credential.id).await?;
    if row.user_id != account {
        return Err(not_accepted("the passkey is another account's"));
    }
    check_assertion(svc, &rp, &row, &client_json, credential).await?;
    login::finish(svc, waiting, Some(Factor::Passkey), client).await
}
