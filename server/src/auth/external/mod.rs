//! Signing in through another site: OpenID Connect providers (any number, from config) and
//! GitHub (OAuth2 plus its user API).
//!
//! The flow keeps no server-side state, so any instance can finish what another started:
//! the start endpoint puts the state, the nonce and the PKCE verifier in a short-lived
//! HttpOnly cookie scoped to the callback path, and records where the user came from in
//! `login_origin`. The callback checks the returned state against the cookie, exchanges the
//! code with the verifier, verifies the ID token (signature, issuer, audience, expiry,
//! nonce) and hands the identity to the domain, which links or creates the account. It
//! then sends the browser to `/login/auth-check`, which returns it to where it came from —
//! on this instance only.

use super::http_client::HttpClient;
use super::return_to::{OwnHosts, safe_target};
use crate::config::{Config, OidcProviderConfig};
use crate::state::AppState;
use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use edge::Client;
use edge::CookiePolicy;
use edge::cookies::SameSite;
use openidconnect::core::{
    CoreAuthenticationFlow, CoreClient, CoreGenderClaim, CoreProviderMetadata,
};
use openidconnect::{
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, EmptyAdditionalClaims, IssuerUrl, Nonce,
    OAuth2TokenResponse, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope, TokenResponse,
    UserInfoClaims,
};
use serde::Deserialize;
use services::identity::{self, ExternalIdentity, Outcome};
use services::{Actor, DomainError};
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

/// The cookie that carries one flow from start to callback.
const FLOW_COOKIE: &str = "sayr_oauth";
/// Where the user came from, read by `/login/auth-check`.
const ORIGIN_COOKIE: &str = "login_origin";
/// How long a started flow may take.
const FLOW_LIFETIME: Duration = Duration::from_secs(10 * 60);
/// Where the flow cookie is sent: the callbacks only.
const CALLBACK_PATH: &str = "/api/auth/callback";
mod flow;
mod github;
mod oidc;
mod providers;

use flow::{Failure, Flow, append_cookie, constant_time_eq, random_token, to_login};
use github::github_identity;
use oidc::oidc_identity;
pub use providers::{LoginProviders, ProviderInfo};

/// How long a provider's discovery document is trusted before it is fetched again.
const DISCOVERY_LIFETIME: Duration = Duration::from_secs(60 * 60);

/// The origin people reach this instance at: the configured public URL, else the request's
/// own host. (A forged Host only breaks the forger's own flow: the provider accepts only
/// registered redirect addresses.)
fn own_origin(state: &AppState, headers: &HeaderMap) -> String {
    if let Some(public) = &state.config.public_url {
        return public.trim_end_matches('/').to_string();
    }
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("localhost");
    format!("http://{host}")
}

fn own_hosts(state: &AppState, headers: &HeaderMap) -> OwnHosts {
    let origin = own_origin(state, headers);
    let host = origin
        .split_once("://")
        .map(|(_, rest)| rest)
        .unwrap_or(&origin)
        .split('/')
        .next()
        .unwrap_or("")
        .to_string();
    OwnHosts {
        host,
        root_domain: state.config.root_domain.clone(),
    }
}

fn redirect_uri(state: &AppState, headers: &HeaderMap, provider: &str) -> String {
    format!(
        "{}/api/auth/callback/{provider}",
        own_origin(state, headers)
    )
}

/// Query of the start endpoint.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StartQuery {
    /// Where to go after signing in: a path of this instance (anything else becomes `/`).
    #[serde(rename = "returnTo")]
    return_to: Option<String>,
}

/// Starts signing in with a provider: redirects to it with state, nonce and PKCE.
///
/// Signed-in users connect the provider to their account this way. `returnTo` (or, without
/// it, the `Referer`) is remembered in the `login_origin` cookie for `/login/auth-check`.
#[utoipa::path(
    get,
    path = "/api/auth/oauth/{provider}/start",
    operation_id = "startExternalLogin",
    tag = "auth",
    security((), ("cookie" = [])),
    params(("provider" = String, Path, description = "`github` or a configured OpenID Connect provider"), StartQuery),
    responses(
        (status = 303, description = "To the provider's authorization page; sets the flow and `login_origin` cookies"),
        (status = 404, response = crate::api::v1::schema::NotFound),
    )
)]
pub async fn start(
    State(state): State<AppState>,
    Path(provider): Path<String>,
    Query(query): Query<StartQuery>,
    headers: HeaderMap,
) -> Result<Response, crate::http::ApiError> {
    let providers = &state.login;
    let cookies = &state.cookies;
    let redirect = redirect_uri(&state, &headers, &provider);
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let github = providers.github.as_ref().filter(|_| provider == "github");
    let (location, flow) = if let Some(github) = github {
        let flow_state = random_token();
        let mut url =
            openidconnect::url::Url::parse(&format!("{}/login/oauth/authorize", github.oauth_url))
                .map_err(|_| DomainError::Internal("bad GitHub OAuth URL".into()))?;
        url.query_pairs_mut()
            .append_pair("client_id", &github.client_id)
            .append_pair("redirect_uri", &redirect)
            .append_pair("scope", "read:user user:email")
            .append_pair("state", &flow_state)
            .append_pair("code_challenge", challenge.as_str())
            .append_pair("code_challenge_method", "S256")
            .append_pair("allow_signup", "true");
        let flow = Flow {
            provider: provider.clone(),
            state: flow_state,
            nonce: random_token(),
            verifier: verifier.secret().clone(),
        };
        (url.to_string(), flow)
    } else if let Some(oidc) = providers.oidc(&provider) {
        let client = match oidc.client(&providers.http, &redirect).await {
            Ok(client) => client,
            Err(failure) => return Ok(to_login(failure, cookies)),
        };
        let mut request = client.authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        );
        for scope in oidc.config.scopes.iter().filter(|s| *s != "openid") {
            request = request.add_scope(Scope::new(scope.clone()));
        }
        let (url, flow_state, nonce) = request.set_pkce_challenge(challenge).url();
        let flow = Flow {
            provider: provider.clone(),
            state: flow_state.secret().clone(),
            nonce: nonce.secret().clone(),
            verifier: verifier.secret().clone(),
        };
        (url.to_string(), flow)
    } else {
        return Err(DomainError::NotFound.into());
    };

    let came_from = query.return_to.or_else(|| {
        headers
            .get(header::REFERER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    });
    let mut response = Redirect::to(&location).into_response();
    append_cookie(&mut response, flow.cookie(cookies));
    if let Some(came_from) = came_from {
        // Checked again when read; kept only when it is ours. Coming back to the login or
        // sign-up page itself (the usual Referer) would be pointless: home instead.
        let mut target = safe_target(&came_from, &own_hosts(&state, &headers));
        let path = target
            .split_once("://")
            .and_then(|(_, rest)| rest.find('/').map(|i| rest[i..].to_string()))
            .unwrap_or_else(|| target.clone());
        if path.starts_with("/login") || path.starts_with("/signup") {
            target = "/".into();
        }
        let encoded: String = form_urlencoded::byte_serialize(target.as_bytes()).collect();
        append_cookie(
            &mut response,
            cookies.short_lived(ORIGIN_COOKIE, &encoded, "/", SameSite::Lax, FLOW_LIFETIME),
        );
    }
    Ok(response)
}

/// What the provider sends back.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    /// Set when the user or the provider refused.
    error: Option<String>,
}

/// Finishes signing in with a provider.
///
/// Checks the state against the flow cookie, exchanges the code (with the PKCE verifier),
/// verifies the ID token and its nonce, then links or creates the account and sets the
/// session cookie. Ends with a redirect to `/login/auth-check`, or to
/// `/login?error=<code>` when anything is wrong.
#[utoipa::path(
    get,
    path = "/api/auth/callback/{provider}",
    operation_id = "finishExternalLogin",
    tag = "auth",
    security((), ("cookie" = [])),
    params(("provider" = String, Path, description = "`github` or a configured OpenID Connect provider"), CallbackQuery),
    responses(
        (status = 303, description = "Signed in (the session cookie is set): to `/login/auth-check`; \
            with a second factor on, to `/login/2fa?challenge=…` (no cookie yet); \
            otherwise to `/login?error=…`"),
    )
)]
pub async fn callback(
    State(state): State<AppState>,
    Path(provider): Path<String>,
    Query(query): Query<CallbackQuery>,
    Client(client): Client,
    Extension(actor): Extension<Actor>,
    headers: HeaderMap,
) -> Response {
    let cookies = &state.cookies;
    let Some(flow) = Flow::from_headers(&headers) else {
        return to_login(Failure::State, cookies);
    };
    let returned_state = query.state.as_deref().unwrap_or("");
    if flow.provider != provider
        || !constant_time_eq(flow.state.as_bytes(), returned_state.as_bytes())
    {
        return to_login(Failure::State, cookies);
    }
    if let Some(error) = &query.error {
        tracing::info!(provider, error, "the provider refused the sign-in");
        return to_login(Failure::Provider, cookies);
    }
    let Some(code) = query.code.filter(|c| !c.is_empty() && c.len() <= 2048) else {
        return to_login(Failure::Provider, cookies);
    };
    let redirect = redirect_uri(&state, &headers, &provider);
    let identity = if provider == "github" {
        match &state.login.github {
            Some(github) => {
                github_identity(github, &state.login.http, &code, &redirect, &flow).await
            }
            None => Err(Failure::State),
        }
    } else {
        match state.login.oidc(&provider) {
            Some(oidc) => oidc_identity(oidc, &state.login.http, &code, &redirect, &flow).await,
            None => Err(Failure::State),
        }
    };
    let identity = match identity {
        Ok(identity) => identity,
        Err(failure) => return to_login(failure, cookies),
    };

    let outcome = identity::sign_in(&state.services, &actor, identity, client).await;
    let mut response = match outcome {
        Ok(Outcome::SignedIn { token, .. }) => {
            let mut response = Redirect::to("/login/auth-check").into_response();
            append_cookie(&mut response, state.cookies.session(Some(&token)));
            response
        }
        Ok(Outcome::Linked { .. }) => Redirect::to("/login/auth-check").into_response(),
        // The page asks for the code, then goes where the sign-in started (the web app
        // takes a path of its own host only; anything else goes home).
        Ok(Outcome::Challenge { challenge }) => {
            let target = origin_target(&state, &headers);
            let next: String = form_urlencoded::Serializer::new(String::new())
                .append_pair("challenge", &challenge)
                .append_pair("returnTo", &target)
                .finish();
            let mut response = Redirect::to(&format!("/login/2fa?{next}")).into_response();
            append_cookie(
                &mut response,
                cookies.removal(ORIGIN_COOKIE, "/", SameSite::Lax),
            );
            response
        }
        Err(DomainError::Conflict { .. }) => return to_login(Failure::Conflict, cookies),
        Err(DomainError::EmailUnverified) => return to_login(Failure::Unproven, cookies),
        Err(DomainError::Forbidden(m)) if m == services::instance::SIGNUP_CLOSED => {
            return to_login(Failure::SignupClosed, cookies);
        }
        Err(DomainError::Forbidden(_)) => return to_login(Failure::Banned, cookies),
        Err(DomainError::Invalid(_)) => return to_login(Failure::NoEmail, cookies),
        Err(e) => {
            tracing::error!(error = %e, "external sign-in failed");
            return to_login(Failure::Unavailable, cookies);
        }
    };
    append_cookie(
        &mut response,
        cookies.removal(FLOW_COOKIE, CALLBACK_PATH, SameSite::Lax),
    );
    response
}

/// Where the sign-in started (the `login_origin` cookie), on this instance only; `/` when
/// unknown.
fn origin_target(state: &AppState, headers: &HeaderMap) -> String {
    edge::cookies::get(headers, ORIGIN_COOKIE)
        .map(|raw| {
            let decoded: String = form_urlencoded::parse(format!("t={raw}").as_bytes())
                .next()
                .map(|(_, v)| v.into_owned())
                .unwrap_or_default();
            safe_target(&decoded, &own_hosts(state, headers))
        })
        .unwrap_or_else(|| "/".to_string())
}

/// `/login/auth-check`: back to where the sign-in started, on this instance only.
pub async fn auth_check(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let cookies = &state.cookies;
    let target = origin_target(&state, &headers);
    let mut response = Redirect::to(&target).into_response();
    append_cookie(
        &mut response,
        cookies.removal(ORIGIN_COOKIE, "/", SameSite::Lax),
    );
    response
}
