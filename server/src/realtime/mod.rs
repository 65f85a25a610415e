//! The realtime hub behind `GET /ws` (`docs/realtime.md`).

mod hub;
mod socket;

pub use hub::Hub;
pub use socket::MIN_GAP;

use crate::state::AppState;
use axum::Extension;
use axum::extract::{Query, State, WebSocketUpgrade};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use services::Actor;

/// Frames larger than this are refused (`bad_message`).
pub const MAX_FRAME: usize = 16 * 1024;

#[derive(Deserialize)]
pub struct ConnectQuery {
    #[serde(rename = "orgId")]
    org_id: Option<String>,
}

/// Upgrades to a socket; the actor was resolved from the cookie like any other request.
/// A page of another site may not open a socket with this instance's cookies (cross-site
/// WebSocket hijacking): with a cookie, the `Origin` must be this instance or an org's
/// subdomain.
pub async fn upgrade(
    ws: WebSocketUpgrade,
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Query(query): Query<ConnectQuery>,
    headers: HeaderMap,
) -> Response {
    let with_cookie = edge::cookies::session_token(&headers).is_some()
        || edge::cookies::visitor_id(&headers).is_some();
    if with_cookie
        && crate::http::actor::is_cross_origin(
            &headers,
            state.config.public_url.as_deref(),
            state.config.root_domain.as_deref(),
        )
    {
        tracing::warn!(origin = ?headers.get(axum::http::header::ORIGIN), "cross-site socket refused");
        return crate::http::ApiError::from(services::DomainError::forbidden(
            "cross-site socket refused",
        ))
        .into_response();
    }
    // Frames a little larger than allowed still arrive, so that they can be answered with
    // `bad_message` instead of a dropped connection.
    // A 4 KiB read buffer instead of tungstenite's 128 KiB: frames from clients are small
    // (at most 16 KiB, refused beyond), and the default made every socket cost ~130 KiB.
    ws.max_frame_size(MAX_FRAME * 4)
        .max_message_size(MAX_FRAME * 4)
        .read_buffer_size(4 * 1024)
        .on_upgrade(move |socket| socket::run(socket, state, actor, query.org_id))
}
