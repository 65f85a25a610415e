//! Who is asking: the session cookie (or, with the identity work, a Bearer key) becomes a
//! domain `Actor` in the request's extensions, for REST handlers, server functions and
//! sockets alike. State-changing cookie requests must come from our own origin.

use crate::http::ApiError;
use crate::state::AppState;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use services::{Actor, DomainError, api_key, session};

/// The session token of the request, kept beside the actor for logout.
#[derive(Clone, Debug)]
pub struct SessionToken(pub String);

/// Whether a browser sent this request from another site: `Sec-Fetch-Site` when the
/// browser sends it, else `Origin` against this instance (its public URL or host, or an
/// org's subdomain). A request with neither is not a browser's.
pub(crate) fn is_cross_origin(
    headers: &HeaderMap,
    public_url: Option<&str>,
    root_domain: Option<&str>,
) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return !matches!(site, "same-origin" | "none");
    }
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        // Not a browser request (browsers send Origin on every state-changing request).
        return false;
    };
    let origin_authority = origin.split_once("://").map(|(_, rest)| rest);
    // An org's subdomain is this instance too.
    if let (Some(root), Some(authority)) = (root_domain, origin_authority)
        && app::OrgHost::of(authority, root).is_some()
    {
        return false;
    }
    if let Some(public) = public_url {
        return origin.trim_end_matches('/') != public.trim_end_matches('/');
    }
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let origin_host = origin
        .split_once("://")
        .map(|(_, rest)| rest)
        .unwrap_or(origin);
    origin_host != host
}

/// The API key of an `Authorization: Bearer` header.
fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
}

/// Resolves the actor of every request and refuses cross-site state changes, signed in or
/// not: a SameSite=Lax cookie is not sent on a cross-site POST, so a page elsewhere could
/// otherwise sign a visitor in as someone else (login CSRF) or act with the visitor
/// cookie. A Bearer key that does not exist is refused outright rather than treated as
/// anonymous, so that a revoked key fails loudly. Bearer requests need no origin check.
pub async fn resolve_actor(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    if let Some(key) = bearer(req.headers()) {
        let actor = match api_key::resolve(&state.services, key).await {
            Ok(actor) => actor,
            Err(e) => return ApiError::from(e).into_response(),
        };
        note_user(&actor);
        req.extensions_mut().insert(actor);
        return next.run(req).await;
    }
    let token = edge::cookies::session_token(req.headers());
    let actor = match &token {
        Some(token) => match session::resolve(&state.services, token).await {
            Ok(actor) => actor,
            Err(e) => return ApiError::from(e).into_response(),
        },
        None => Actor::anonymous(),
    };
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if !safe
        && is_cross_origin(
            req.headers(),
            state.config.public_url.as_deref(),
            state.config.root_domain.as_deref(),
        )
    {
        return ApiError::from(DomainError::forbidden("cross-site request refused"))
            .into_response();
    }
    if let Some(token) = token {
        req.extensions_mut().insert(SessionToken(token));
    }
    if let Some(root) = state.config.root_domain.as_deref() {
        let host = req
            .headers()
            .get(header::HOST)
            .and_then(|v| v.to_str().ok())
            .and_then(|h| app::OrgHost::of(h, root));
        if let Some(host) = host {
            req.extensions_mut().insert(host);
        }
    }
    note_user(&actor);
    req.extensions_mut().insert(actor);
    next.run(req).await
}

/// The access log names who made the request.
fn note_user(actor: &Actor) {
    if let Actor::User(user) = actor {
        super::layers::record_user(user.id.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn same_origin_passes_and_other_sites_do_not() {
        assert!(!is_cross_origin(
            &headers(&[("host", "a.test"), ("origin", "http://a.test")]),
            None,
            None
        ));
        assert!(is_cross_origin(
            &headers(&[("host", "a.test"), ("origin", "http://evil.test")]),
            None,
            None
        ));
        assert!(is_cross_origin(
            &headers(&[("sec-fetch-site", "cross-site")]),
            None,
            None
        ));
        assert!(!is_cross_origin(
            &headers(&[("sec-fetch-site", "same-origin")]),
            None,
            None
        ));
        assert!(is_cross_origin(
            &headers(&[("origin", "https://a.test")]),
            Some("https://b.test"),
            None
        ));
        assert!(
            !is_cross_origin(&headers(&[]), None, None),
            "non-browser clients send no Origin"
        );
        let root = Some("sayr.example");
        let from = |origin: &'static str| {
            is_cross_origin(
                &headers(&[("host", "sayr.example"), ("origin", origin)]),
                Some("https://sayr.example"),
                root,
            )
        };
        assert!(!from("https://acme.sayr.example"), "an org's subdomain");
        assert!(!from("https://sayr.example"));
        assert!(from("https://acme.sayr.example.evil.test"));
        assert!(from("https://evil.test"));
    }
}
