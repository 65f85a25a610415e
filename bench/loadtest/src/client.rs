//! One client socket: connect, SUBSCRIBE, then read until the end of the run, answering
//! PINGs and recording every update. The same client talks to sayr and to the bare server.

use crate::stats::Shared;
use futures::{SinkExt, StreamExt};
use serde::Deserialize;
use std::borrow::Cow;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::Ordering::Relaxed;
use std::time::Duration;
use tokio::net::TcpStream;
use tokio::sync::Semaphore;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::{HeaderValue, header};
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::{Message, Utf8Bytes};
use tokio_tungstenite::{WebSocketStream, client_async_with_config};

/// Titles of triggered updates: this prefix and the update's index, zero-padded so that
/// every update has the same size.
pub const TITLE_PREFIX: &str = "sayr-load #";

pub fn title(i: u32) -> String {
    format!("{TITLE_PREFIX}{i:09}")
}

/// Where the sockets connect and what they send to join the room.
pub struct Target {
    pub addr: SocketAddr,
    /// `ws://host:port/path`.
    pub url: String,
    /// The `Authorization` header, if any.
    pub authorization: Option<String>,
    pub subscribe: Utf8Bytes,
}

impl Target {
    pub fn subscribe_frame(org_id: &str) -> Utf8Bytes {
        format!(r#"{{"type":"SUBSCRIBE","orgId":"{org_id}","channel":"tasks"}}"#).into()
    }
}

/// From starting to connect to SUBSCRIBED.
const JOIN_TIMEOUT: Duration = Duration::from_secs(60);

pub type Ws = WebSocketStream<TcpStream>;

/// Small buffers: a client holds one frame at a time, and tungstenite zero-fills its whole
/// read buffer on every read (128 KiB by default).
fn config() -> WebSocketConfig {
    WebSocketConfig::default()
        .read_buffer_size(4096)
        .write_buffer_size(0)
}

/// Only what a client needs from a server frame; nothing is copied unless escaped.
#[derive(Deserialize)]
struct Envelope<'a> {
    #[serde(rename = "type", borrow)]
    kind: &'a str,
    #[serde(default, borrow)]
    data: Option<Data<'a>>,
    #[serde(default)]
    meta: Option<Meta>,
}

#[derive(Deserialize)]
struct Data<'a> {
    #[serde(default, borrow)]
    title: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    reason: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    code: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct Meta {
    #[serde(default)]
    ts: Option<i64>,
}

/// What a frame means to the client.
enum Seen {
    Subscribed,
    Ping(Option<i64>),
    Refused(String),
    Disconnected(bool),
    Nothing,
}

/// The index of one of our updates, found without parsing the whole frame: the server
/// writes `type` first and the task's `title` among its first fields, and updates are most
/// of what arrives. Anything else goes to the parser.
fn update_index(text: &str) -> Option<u32> {
    let rest = text.strip_prefix(r#"{"type":"UPDATE_TASK""#)?;
    let at = rest.find(r#""title":""#)? + r#""title":""#.len();
    let digits = rest.get(at..)?.strip_prefix(TITLE_PREFIX)?;
    let end = digits.find('"')?;
    digits[..end].parse().ok()
}

fn read(shared: &Shared, text: &str) -> Seen {
    if let Some(i) = update_index(text) {
        shared.deliver(i, text.len());
        return Seen::Nothing;
    }
    let Ok(env) = serde_json::from_str::<Envelope>(text) else {
        shared.frames.other.fetch_add(1, Relaxed);
        return Seen::Nothing;
    };
    let data = env.data.as_ref();
    match env.kind {
        "UPDATE_TASK" => {
            let index = data
                .and_then(|d| d.title.as_deref())
                .and_then(|t| t.strip_prefix(TITLE_PREFIX))
                .and_then(|n| n.parse::<u32>().ok());
            match index {
                Some(i) => shared.deliver(i, text.len()),
                None => {
                    shared.frames.unmatched.fetch_add(1, Relaxed);
                }
            }
            Seen::Nothing
        }
        "USER_SUBSCRIBED" | "USER_UNSUBSCRIBED" => {
            shared.frames.presence.fetch_add(1, Relaxed);
            Seen::Nothing
        }
        "PING" => {
            shared.frames.pings.fetch_add(1, Relaxed);
            Seen::Ping(env.meta.and_then(|m| m.ts))
        }
        "SUBSCRIBED" => Seen::Subscribed,
        "ERROR" => {
            shared.frames.errors.fetch_add(1, Relaxed);
            let code = data.and_then(|d| d.code.as_deref()).unwrap_or("?");
            Seen::Refused(format!("ERROR {code}"))
        }
        "DISCONNECTED" => {
            let reason = data.and_then(|d| d.reason.as_deref());
            Seen::Disconnected(reason == Some("slow_consumer"))
        }
        _ => {
            shared.frames.other.fetch_add(1, Relaxed);
            Seen::Nothing
        }
    }
}

/// Opens a WebSocket to `url` at `addr`.
pub async fn open(addr: SocketAddr, url: &str, authorization: Option<&str>) -> Result<Ws, String> {
    let stream = TcpStream::connect(addr)
        .await
        .map_err(|e| format!("connect: {e}"))?;
    // The publisher writes frames back to back; Nagle would hold each behind an ACK.
    stream
        .set_nodelay(true)
        .map_err(|e| format!("nodelay: {e}"))?;
    let mut request = url
        .into_client_request()
        .map_err(|e| format!("request: {e}"))?;
    if let Some(auth) = authorization {
        let value = HeaderValue::from_str(auth).map_err(|e| format!("header: {e}"))?;
        request.headers_mut().insert(header::AUTHORIZATION, value);
    }
    let (ws, _) = client_async_with_config(request, stream, Some(config()))
        .await
        .map_err(|e| format!("handshake: {e}"))?;
    Ok(ws)
}

async fn pong(ws: &mut Ws, ts: Option<i64>) -> bool {
    let text = match ts {
        Some(ts) => format!(r#"{{"type":"PONG","ts":{ts}}}"#),
        None => r#"{"type":"PONG"}"#.to_string(),
    };
    ws.send(Message::text(text)).await.is_ok()
}

async fn join(target: &Target, shared: &Shared) -> Result<Ws, String> {
    let mut ws = open(target.addr, &target.url, target.authorization.as_deref()).await?;
    ws.send(Message::Text(target.subscribe.clone()))
        .await
        .map_err(|e| format!("send SUBSCRIBE: {e}"))?;
    while let Some(frame) = ws.next().await {
        let Message::Text(text) = frame.map_err(|e| format!("before SUBSCRIBED: {e}"))? else {
            continue;
        };
        match read(shared, &text) {
            Seen::Subscribed => return Ok(ws),
            Seen::Ping(ts) => {
                pong(&mut ws, ts).await;
            }
            Seen::Refused(why) => return Err(why),
            Seen::Disconnected(_) => return Err("DISCONNECTED before SUBSCRIBED".into()),
            Seen::Nothing => {}
        }
    }
    Err("closed before SUBSCRIBED".into())
}

/// Runs one client socket until the server closes it or the process ends. The gate bounds
/// how many sockets connect and subscribe at once.
pub async fn run(target: Arc<Target>, shared: Arc<Shared>, gate: Arc<Semaphore>) {
    let Ok(permit) = gate.acquire().await else {
        return;
    };
    let joined = tokio::time::timeout(JOIN_TIMEOUT, join(&target, &shared)).await;
    drop(permit);
    let mut ws = match joined {
        Ok(Ok(ws)) => ws,
        Ok(Err(why)) => return shared.fail(why),
        Err(_) => return shared.fail(format!("no SUBSCRIBED within {JOIN_TIMEOUT:?}")),
    };
    shared.alive.fetch_add(1, Relaxed);
    shared.ready.fetch_add(1, Relaxed);

    let mut slow = false;
    let mut told = false;
    while let Some(Ok(frame)) = ws.next().await {
        let Message::Text(text) = frame else { continue };
        match read(&shared, &text) {
            Seen::Ping(ts) if !pong(&mut ws, ts).await => break,
            Seen::Disconnected(slow_consumer) => {
                slow = slow_consumer;
                told = true;
            }
            _ => {}
        }
    }
    shared.alive.fetch_sub(1, Relaxed);
    let losses = &shared.losses;
    if slow {
        losses.slow_consumer.fetch_add(1, Relaxed);
    } else if told {
        losses.other_disconnect.fetch_add(1, Relaxed);
    } else {
        losses.closed.fetch_add(1, Relaxed);
    }
    shared.progress.notify_one();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn updates_are_found_by_their_title() {
        let frame = format!(
            r#"{{"type":"UPDATE_TASK","data":{{"id":"x","key":"LD-1","title":"{}","labels":[]}},"scope":"CHANNEL"}}"#,
            title(42)
        );
        assert_eq!(update_index(&frame), Some(42));
    }

    #[test]
    fn other_frames_and_titles_are_not_updates() {
        let other_title = r#"{"type":"UPDATE_TASK","data":{"title":"Fix the board"}}"#;
        assert_eq!(update_index(other_title), None);
        let pong = format!(r#"{{"type":"PING","data":{{"title":"{}"}}}}"#, title(1));
        assert_eq!(update_index(&pong), None);
    }
}
