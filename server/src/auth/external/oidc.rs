//! The identity an OpenID Connect provider vouches for: the code exchanged with the
//! verifier, the ID token checked (signature, issuer, audience, expiry, nonce).

use super::providers::Oidc;
use super::*;

pub(super) async fn oidc_identity(
    oidc: &Oidc,
    http: &HttpClient,
    code: &str,
    redirect: &str,
    flow: &Flow,
) -> Result<ExternalIdentity, Failure> {
    let client = oidc.client(http, redirect).await?;
    let token = client
        .exchange_code(AuthorizationCode::new(code.to_string()))
        .map_err(|_| Failure::Unavailable)?
        .set_pkce_verifier(PkceCodeVerifier::new(flow.verifier.clone()))
        .request_async(http)
        .await
        .map_err(|e| {
            tracing::info!(provider = %oidc.config.name, error = %e, "code exchange refused");
            Failure::Provider
        })?;
    let id_token = token.id_token().ok_or(Failure::Provider)?;
    let verifier = client.id_token_verifier();
    let claims = id_token
        .claims(&verifier, &Nonce::new(flow.nonce.clone()))
        .map_err(|e| {
            tracing::warn!(provider = %oidc.config.name, error = %e, "ID token refused");
            Failure::Provider
        })?;
    let subject = claims.subject().as_str().to_string();
    let mut email = claims.email().map(|e| e.as_str().to_string());
    let mut email_verified = claims.email_verified().unwrap_or(false);
    let mut name = claims
        .name()
        .and_then(|n| n.get(None))
        .map(|n| n.as_str().to_string());
    if email.is_none() {
        // Some providers keep the address for the userinfo endpoint.
        if let Ok(request) =
            client.user_info(token.access_token().clone(), Some(claims.subject().clone()))
        {
            let info: Result<UserInfoClaims<EmptyAdditionalClaims, CoreGenderClaim>, _> =
                request.request_async(http).await;
            if let Ok(info) = info {
                email = info.email().map(|e| e.as_str().to_string());
                email_verified = info.email_verified().unwrap_or(false);
                name = name.or_else(|| {
                    info.name()
                        .and_then(|n| n.get(None))
                        .map(|n| n.as_str().to_string())
                });
            }
        }
    }
    Ok(ExternalIdentity {
        provider: oidc.config.name.clone(),
        subject,
        email,
        email_verified,
        name,
    })
}
