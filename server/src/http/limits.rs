//! The client's real address, and the rate limits every request passes at the edge.
//!
//! [`client_address`] works the address out once (the peer, or the first untrusted
//! `X-Forwarded-For` hop behind a trusted proxy) for everything after it. [`limit`] counts
//! the request against its route's budgets (`services::limit`): every REST v1 request per
//! API key, user or address; sign-up, sign-in and mail-sending requests per address; socket
//! upgrades per address; every other state-changing request per user or address. The
//! budgets of what only the services can tell apart (a suggestion from a visitor, a
//! comment, a vote, a reaction, an upload) are counted by the services themselves.

use crate::http::ApiError;
use crate::state::AppState;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use edge::ClientIp;
use services::Actor;
use services::limit::{Action, Decision, address_key};
use std::net::SocketAddr;

/// Puts the request's [`ClientIp`] in its extensions.
pub async fn client_address(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    if let Some(peer) = peer {
        let ip = match &state.config.trusted_proxies {
            Some(proxies) => proxies.client(peer, req.headers()),
            None => edge::TrustedProxies::none().client(peer, req.headers()),
        };
        req.extensions_mut().insert(ClientIp(ip));
    }
    next.run(req).await
}

/// The budgets a request spends: each with the key it is counted under.
fn budgets(
    method: &Method,
    path: &str,
    actor: &Actor,
    address: Option<&str>,
) -> Vec<(Action, String)> {
    let by_address = address.map(address_key);
    let by_caller = match actor {
        Actor::User(u) => match u.api_key {
            Some(key) => Some(format!("key:{}", key.0)),
            None => Some(format!("user:{}", u.id.0)),
        },
        _ => by_address.clone(),
    };
    let mut out = Vec::new();
    let mut add = |action: Action, who: &Option<String>| {
        if let Some(who) = who {
            out.push((action, who.clone()));
        }
    };
    if path.starts_with("/api/v1/") || path == "/api/v1" {
        add(Action::Api, &by_caller);
    }
    if method == Method::GET && path == "/ws" {
        add(Action::Socket, &by_address);
    }
    if method == Method::GET || method == Method::HEAD || method == Method::OPTIONS {
        return out;
    }
    match path {
        "/api/auth/signup" | "/sfn/signup" => add(Action::Signup, &by_address),
        "/api/auth/login"
        | "/api/auth/login/2fa"
        | "/api/auth/passkeys/login"
        | "/api/auth/login/2fa/passkey"
        | "/sfn/login"
        | "/sfn/login_2fa"
        | "/sfn/passkey_login"
        | "/sfn/passkey_login_2fa" => add(Action::Login, &by_address),
        "/api/auth/password-reset/request"
        | "/api/auth/verify-email/resend"
        | "/api/auth/email"
        | "/sfn/request_password_reset"
        | "/sfn/resend_verification"
        | "/sfn/change_email" => add(Action::Mail, &by_address),
        _ => {}
    }
    // GitHub's deliveries prove themselves with their signature and come in bursts from a
    // few addresses: the webhook is GitHub's, not a caller's.
    if !path.starts_with("/api/v1/") && path != crate::api::v1::github::WEBHOOK_PATH {
        add(Action::Write, &by_caller);
    }
    out
}

/// Counts the request against its budgets; refuses it (429) when one is spent, and tells
/// the client where it stands (`RateLimit-*`) on every limited route.
pub async fn limit(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let actor = req
        .extensions()
        .get::<Actor>()
        .cloned()
        .unwrap_or_else(Actor::anonymous);
    let address = edge::client_ip(req.extensions()).map(|ip| ip.to_string());
    let budgets = budgets(req.method(), req.uri().path(), &actor, address.as_deref());
    if budgets.is_empty() || !state.services.limiter.limits.enabled {
        return next.run(req).await;
    }
    let mut tightest: Option<Decision> = None;
    for (action, who) in &budgets {
        let decision = state.services.limiter.hit(*action, who).await;
        if !decision.allowed {
            tracing::info!(limit = action.name(), "rate limited");
            let mut res = refusal(&req, &decision);
            headers(res.headers_mut(), &decision);
            return res;
        }
        if tightest.is_none_or(|t| decision.remaining < t.remaining) {
            tightest = Some(decision);
        }
    }
    let mut res = next.run(req).await;
    if let Some(decision) = tightest {
        headers(res.headers_mut(), &decision);
    }
    res
}

/// `RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset` (seconds), and
/// `Retry-After` on a refusal.
fn headers(h: &mut HeaderMap, d: &Decision) {
    let secs = |d: std::time::Duration| HeaderValue::from(d.as_secs_f64().ceil() as u64);
    h.insert("ratelimit-limit", HeaderValue::from(d.limit));
    h.insert("ratelimit-remaining", HeaderValue::from(d.remaining));
    h.insert("ratelimit-reset", secs(d.reset));
    if !d.allowed {
        h.insert(
            header::RETRY_AFTER,
            secs(d.retry_after.max(std::time::Duration::from_secs(1))),
        );
    }
}

/// The refusal in the caller's language: the contract's JSON for the API, a server
/// function's error for the app's calls, a page for a form posted without JavaScript.
fn refusal(req: &Request, d: &Decision) -> Response {
    let retry_after_secs = d.retry_after.as_secs_f64().ceil().max(1.0) as u64;
    let path = req.uri().path();
    if !path.starts_with("/sfn/") {
        return ApiError::RateLimited { retry_after_secs }.into_response();
    }
    let message = services::DomainError::RateLimited { retry_after_secs }.user_message();
    let wants_page = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.starts_with("text/html"));
    if wants_page {
        let body = format!(
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Slow down</title></head>\
             <body><main><h1>Slow down</h1><p>{message}</p><p><a href=\"javascript:history.back()\">Back</a></p></main></body></html>"
        );
        return (
            StatusCode::TOO_MANY_REQUESTS,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            body,
        )
            .into_response();
    }
    use leptos::server_fn::error::FromServerFnError;
    let error: leptos::prelude::ServerFnError =
        leptos::prelude::ServerFnError::ServerError(message);
    (
        StatusCode::TOO_MANY_REQUESTS,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        error.ser(),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::{ApiKeyId, UserId};
    use services::UserActor;
    use uuid::Uuid;

    fn user(key: bool) -> Actor {
        Actor::User(UserActor {
            id: UserId(Uuid::from_u128(7)),
            site_admin: false,
            session: None,
            api_key: key.then(|| ApiKeyId(Uuid::from_u128(9))),
        })
    }

    fn actions(method: Method, path: &str, actor: &Actor) -> Vec<(&'static str, String)> {
        budgets(&method, path, actor, Some("203.0.113.5"))
            .into_iter()
            .map(|(a, w)| (a.name(), w))
            .collect()
    }

    #[test]
    fn each_route_spends_its_budgets_under_the_right_key() {
        let anon = Actor::anonymous();
        assert_eq!(
            actions(Method::POST, "/api/auth/login", &anon),
            [
                ("login", "ip:203.0.113.5".into()),
                ("write", "ip:203.0.113.5".into())
            ]
        );
        assert_eq!(
            actions(Method::GET, "/api/v1/orgs/acme/tasks", &user(true)),
            [("api", format!("key:{}", Uuid::from_u128(9)))]
        );
        assert_eq!(
            actions(Method::POST, "/sfn/vote", &user(false)),
            [("write", format!("user:{}", Uuid::from_u128(7)))]
        );
        assert_eq!(
            actions(Method::GET, "/ws", &user(false)),
            [("socket", "ip:203.0.113.5".into())]
        );
        assert!(
            actions(Method::GET, "/orgs/acme", &anon).is_empty(),
            "pages are not limited"
        );
        assert_eq!(
            actions(Method::POST, "/sfn/request_password_reset", &user(false))[0],
            ("mail", "ip:203.0.113.5".into()),
            "mail is per address even when signed in"
        );
    }
}
