//! Who is asking: what every REST handler and server function needs besides its input.

use crate::CookiePolicy;
use axum::extract::{FromRef, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{Extensions, HeaderMap, HeaderValue, header};
use services::{Actor, ClientInfo, Services};
use std::convert::Infallible;

/// The services, the actor the server's middleware resolved for the request (anonymous
/// when it found none), the socket of the page that made the request, and the client.
/// REST handlers take it as an extractor; server functions build it from the request's
/// parts with [`Caller::from_parts`].
#[derive(Clone)]
pub struct Caller {
    pub svc: Services,
    pub actor: Actor,
    /// The page's socket (`x-ws-client-id`): the change's own events skip it in fan-out.
    pub origin: Option<String>,
    pub client: ClientInfo,
}

impl Caller {
    pub fn from_parts(parts: &Parts, svc: Services) -> Self {
        Caller {
            svc,
            actor: parts
                .extensions
                .get::<Actor>()
                .cloned()
                .unwrap_or_else(Actor::anonymous),
            origin: ws_client_id(&parts.headers),
            client: client_info(&parts.extensions, &parts.headers),
        }
    }
}

impl<S> FromRequestParts<S> for Caller
where
    Services: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Infallible> {
        Ok(Caller::from_parts(parts, Services::from_ref(state)))
    }
}

/// The client's address and agent as an extractor, for handlers that need no more of
/// [`Caller`].
#[derive(Clone, Debug)]
pub struct Client(pub ClientInfo);

impl<S: Send + Sync> FromRequestParts<S> for Client {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Infallible> {
        Ok(Client(client_info(&parts.extensions, &parts.headers)))
    }
}

/// An anonymous actor becomes one known by its vote fingerprint in org `slug` (from the
/// visitor cookie and the user agent; see `services::vote::with_fingerprint`). With
/// `create`, a visitor without the cookie gets a new id, and the cookie to keep it is
/// returned for the response. Signed-in actors pass unchanged.
pub fn visitor(
    actor: Actor,
    slug: &str,
    headers: &HeaderMap,
    cookies: &CookiePolicy,
    create: bool,
) -> (Actor, Option<HeaderValue>) {
    let user_agent = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let visitor = crate::cookies::visitor_id(headers);
    let (actor, created) =
        services::vote::with_fingerprint(actor, slug, visitor, user_agent, create);
    (actor, created.map(|id| cookies.visitor(&id)))
}

/// The client's address (see [`crate::address`]) and agent: for throttles, limits and the
/// session list.
pub fn client_info(extensions: &Extensions, headers: &HeaderMap) -> ClientInfo {
    ClientInfo {
        ip: crate::address::client_ip(extensions).map(|ip| ip.to_string()),
        device: crate::cookies::device_token(headers),
        user_agent: headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string),
    }
}

/// The socket that caused a change (`x-ws-client-id`, at most 64 bytes), to be skipped in
/// fan-out.
pub fn ws_client_id(headers: &HeaderMap) -> Option<String> {
    headers
        .get("x-ws-client-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| v.len() <= 64)
        .map(str::to_string)
}
