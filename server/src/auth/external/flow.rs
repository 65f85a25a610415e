//! One sign-in flow in the browser: the short-lived cookie that carries state, nonce and
//! PKCE verifier from start to callback, and the way back to the login page when it fails.

use super::*;

/// Why an external sign-in did not complete; the code goes to `/login?error=` and the
/// login page explains it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Failure {
    /// The state did not match the flow this browser started (or the flow expired).
    State,
    /// The provider refused, the code was bad or expired, or the ID token did not verify.
    Provider,
    /// The provider could not be reached.
    Unavailable,
    /// The identity is linked elsewhere, or the e-mail belongs to an account that must
    /// link it itself.
    Conflict,
    /// The e-mail belongs to an account whose address is not proven: it must sign in with
    /// its password and connect the provider itself.
    Unproven,
    /// Sign-up is closed and the identity belongs to no account.
    SignupClosed,
    /// The provider shared no e-mail address for a new account.
    NoEmail,
    /// The account is banned.
    Banned,
}

impl Failure {
    pub(super) fn code(self) -> &'static str {
        match self {
            Failure::State => "oauth_state",
            Failure::Provider => "oauth_failed",
            Failure::Unavailable => "provider_unavailable",
            Failure::Conflict => "account_conflict",
            Failure::Unproven => "email_unproven",
            Failure::SignupClosed => "signup_closed",
            Failure::NoEmail => "no_email",
            Failure::Banned => "banned",
        }
    }
}

/// What the start endpoint leaves in the browser for the callback.
pub(super) struct Flow {
    pub(super) provider: String,
    pub(super) state: String,
    pub(super) nonce: String,
    pub(super) verifier: String,
}

impl Flow {
    pub(super) fn cookie(&self, cookies: &CookiePolicy) -> HeaderValue {
        // Every part is base64url or a provider name: none contains '.', ';' or spaces.
        let value = format!(
            "{}.{}.{}.{}",
            self.provider, self.state, self.nonce, self.verifier
        );
        cookies.short_lived(
            FLOW_COOKIE,
            &value,
            CALLBACK_PATH,
            SameSite::Lax,
            FLOW_LIFETIME,
        )
    }

    pub(super) fn from_headers(headers: &HeaderMap) -> Option<Self> {
        let value = edge::cookies::get(headers, FLOW_COOKIE)?;
        let mut parts = value.split('.');
        let flow = Flow {
            provider: parts.next()?.to_string(),
            state: parts.next()?.to_string(),
            nonce: parts.next()?.to_string(),
            verifier: parts.next()?.to_string(),
        };
        parts.next().is_none().then_some(flow)
    }
}

pub(super) fn random_token() -> String {
    // 32 random bytes, base64url: what CsrfToken::new_random makes.
    CsrfToken::new_random().secret().clone()
}

pub(super) fn to_login(failure: Failure, cookies: &CookiePolicy) -> Response {
    tracing::info!(reason = failure.code(), "external sign-in did not complete");
    let mut response = Redirect::to(&format!("/login?error={}", failure.code())).into_response();
    append_cookie(
        &mut response,
        cookies.removal(FLOW_COOKIE, CALLBACK_PATH, SameSite::Lax),
    );
    response
}

pub(super) fn append_cookie(response: &mut Response, cookie: HeaderValue) {
    response.headers_mut().append(header::SET_COOKIE, cookie);
}

pub(super) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
