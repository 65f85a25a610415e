//! One socket: a reader loop that handles client messages and the heartbeat, and a writer
//! task that drains the socket's bounded queue.

use super::MAX_FRAME;
use super::hub::{Control, Handle, Member, Room, encode, now_ms};
use crate::state::AppState;
use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket, close_code};
use domain::realtime::{Channel, ClientMessage, Meta, Presence, Scope, ServerEvent, codes};
use futures::{SinkExt, StreamExt};
use services::{Actor, access};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};
use tokio::sync::{Notify, mpsc};

/// Frames queued to one socket before it counts as a slow consumer.
pub const SEND_QUEUE: usize = 256;

struct Socket {
    state: AppState,
    actor: Actor,
    id: u64,
    ws_client_id: String,
    tx: mpsc::Sender<Utf8Bytes>,
    kill: Arc<Notify>,
    room: Option<Room>,
}

impl Socket {
    /// Queues a message for this socket only. A full queue means the socket is not reading.
    fn send(&self, event: ServerEvent) {
        let meta = Meta {
            ts: now_ms(),
            ..Default::default()
        };
        if self
            .tx
            .try_send(encode(event, Scope::Individual, meta))
            .is_err()
        {
            self.kill.notify_one();
        } else {
            self.state.hub.messages_out.fetch_add(1, Ordering::Relaxed);
        }
    }

    fn error(&self, code: &str, message: &str) {
        self.send(ServerEvent::Error {
            message: message.to_string(),
            code: code.to_string(),
        });
    }

    fn presence(&self, room: Room) -> Presence {
        Presence {
            ws_client_id: self.ws_client_id.clone(),
            client_id: self
                .actor
                .user_id()
                .map_or_else(|| "ANONYMOUS".to_string(), |u| u.to_string()),
            org_id: room.org,
            channel: room.channel,
        }
    }

    fn leave(&mut self) {
        if let Some(room) = self.room.take() {
            self.state.hub.leave(room, self.id);
            self.state.hub.announce(
                room,
                self.id,
                ServerEvent::UserUnsubscribed(self.presence(room)),
            );
        }
    }

    fn join(&mut self, room: Room) {
        let member = Member {
            ws_client_id: self.ws_client_id.clone(),
            tx: self.tx.clone(),
            kill: self.kill.clone(),
        };
        self.state.hub.join(room, self.id, member);
        self.room = Some(room);
        self.send(ServerEvent::Subscribed {
            org_id: room.org,
            channel: room.channel,
        });
        self.state.hub.announce(
            room,
            self.id,
            ServerEvent::UserSubscribed(self.presence(room)),
        );
    }

    /// Applies an access change: out of the private room it no longer may be in.
    async fn control(&mut self, control: Control) {
        let leave = match control {
            Control::Recheck(org) => match self.room.filter(|r| r.org == org) {
                Some(room) => {
                    let id = org.to_string();
                    let services = &self.state.services;
                    match access::authorize_channel(services, &self.actor, &id, room.channel).await
                    {
                        Ok(_) => false,
                        // Undecidable (the database failed): keep the socket where it is.
                        Err(services::DomainError::Internal(_)) => false,
                        Err(_) => true,
                    }
                }
                None => false,
            },
            Control::Revoked => {
                self.actor = Actor::anonymous();
                self.room.is_some_and(|r| r.channel != Channel::Public)
            }
            Control::LeftOrg(org) => self
                .room
                .is_some_and(|r| r.org == org && r.channel != Channel::Public),
        };
        if leave {
            self.to_waiting_room();
        }
    }

    fn to_waiting_room(&mut self) {
        self.leave();
        self.send(ServerEvent::WaitingRoom {
            message: "subscribe to an org's channel to receive events".into(),
        });
    }

    async fn subscribe(&mut self, org_id: &str, channel: Channel) {
        match access::authorize_channel(&self.state.services, &self.actor, org_id, channel).await {
            Ok(org) => {
                let room = Room { org, channel };
                if self.room == Some(room) {
                    self.error(codes::ALREADY_SUBSCRIBED, "already in this room");
                    return;
                }
                self.leave();
                self.join(room);
            }
            Err(e @ services::DomainError::Internal(_)) => {
                tracing::warn!(error = %e, "could not authorize a SUBSCRIBE");
                self.leave();
                self.error(codes::UNAVAILABLE, "the server is busy: try again");
            }
            Err(_) => {
                self.leave();
                self.error(codes::FORBIDDEN, "you may not join this room");
            }
        }
    }
}

/// Messages (other than PONG) closer together than this are offences.
pub const MIN_GAP: Duration = Duration::from_millis(200);

/// What to do with a message, by the offence ladder of the protocol.
#[derive(Debug, PartialEq, Eq)]
enum Verdict {
    Process,
    /// Offences 1–3: answer with this ERROR, do not act on the message.
    Warn(&'static str, &'static str),
    /// Offences 4–5: drop silently.
    Drop,
    /// Offence 6: ERROR `rate_limited`, DISCONNECTED, close.
    Kick,
}

/// Counts a socket's offences: messages too close together, and bad messages.
#[derive(Default)]
struct Limiter {
    last: Option<Instant>,
    offences: u32,
}

impl Limiter {
    fn offence(&mut self, code: &'static str, why: &'static str) -> Verdict {
        self.offences += 1;
        match self.offences {
            1..=3 => Verdict::Warn(code, why),
            4 | 5 => Verdict::Drop,
            _ => Verdict::Kick,
        }
    }

    /// A well-formed message other than PONG: an offence when it comes too soon.
    fn paced(&mut self) -> Verdict {
        let now = Instant::now();
        let too_soon = self.last.is_some_and(|last| now - last < MIN_GAP);
        self.last = Some(now);
        if too_soon {
            self.offence(codes::SLOW_DOWN, "messages come too fast")
        } else {
            Verdict::Process
        }
    }
}

/// Runs a socket until it closes.
pub async fn run(socket: WebSocket, state: AppState, actor: Actor, org_param: Option<String>) {
    let (mut sink, mut stream) = socket.split();
    let (tx, mut rx) = mpsc::channel::<Utf8Bytes>(SEND_QUEUE);
    let kill = Arc::new(Notify::new());

    let writer_kill = kill.clone();
    let going_away = state.hub.going_away();
    let mut shutdown = going_away.clone();
    let writer = tokio::spawn(async move {
        loop {
            tokio::select! {
                frame = rx.recv() => match frame {
                    Some(frame) => {
                        // Frames that queued meanwhile (a burst) go out in the same write:
                        // one flush, and so one syscall, for all of them.
                        if sink.feed(Message::Text(frame)).await.is_err() { return }
                        while let Ok(frame) = rx.try_recv() {
                            if sink.feed(Message::Text(frame)).await.is_err() { return }
                        }
                        if sink.flush().await.is_err() { return }
                    }
                    None => break,
                },
                _ = writer_kill.notified() => {
                    let bye = encode(ServerEvent::Disconnected { reason: "slow_consumer".into() },
                        Scope::Individual, Meta { ts: now_ms(), ..Default::default() });
                    let _ = sink.send(Message::Text(bye)).await;
                    break;
                }
            }
        }
        // The instance is shutting down: 1001 tells the client to reconnect (to another).
        let close = (*going_away.borrow()).then(|| CloseFrame {
            code: close_code::AWAY,
            reason: "server shutting down".into(),
        });
        let _ = sink.send(Message::Close(close)).await;
    });

    let mut me = Socket {
        id: state.hub.next_socket_id(),
        ws_client_id: uuid::Uuid::new_v4().simple().to_string(),
        state,
        actor,
        tx,
        kill,
        room: None,
    };
    let (control_tx, mut control_rx) = mpsc::unbounded_channel();
    let (user, session, api_key) = match &me.actor {
        Actor::User(u) => (Some(u.id), u.session, u.api_key),
        _ => (None, None, None),
    };
    me.state.hub.register(
        me.id,
        Handle {
            user,
            session,
            api_key,
            control: control_tx,
        },
        Member {
            ws_client_id: me.ws_client_id.clone(),
            tx: me.tx.clone(),
            kill: me.kill.clone(),
        },
    );
    me.send(ServerEvent::ConnectionStatus {
        authenticated: matches!(me.actor, Actor::User(_)),
        ws_client_id: me.ws_client_id.clone(),
    });
    match org_param {
        Some(org_id) => {
            match access::authorize_channel(&me.state.services, &me.actor, &org_id, Channel::Public)
                .await
            {
                Ok(org) => me.join(Room {
                    org,
                    channel: Channel::Public,
                }),
                Err(_) => me.to_waiting_room(),
            }
        }
        None => me.to_waiting_room(),
    }

    let ping_every = me.state.config.ws_ping_interval;
    let timeout = me.state.config.ws_timeout;
    let mut heartbeat =
        tokio::time::interval_at(tokio::time::Instant::now() + ping_every, ping_every);
    let mut last_pong = Instant::now();
    let mut limiter = Limiter::default();
    let mut last_latency: Option<u64> = None;

    // Whether the client ended the socket (then there is nothing left to read).
    let mut client_closed = false;
    loop {
        tokio::select! {
            Some(control) = control_rx.recv() => me.control(control).await,
            _ = going_away_now(&mut shutdown) => break,
            frame = stream.next() => {
                let Some(Ok(frame)) = frame else {
                    client_closed = true;
                    break;
                };
                me.state.hub.messages_in.fetch_add(1, Ordering::Relaxed);
                let message = match frame {
                    Message::Text(text) if text.len() <= MAX_FRAME => {
                        serde_json::from_str::<ClientMessage>(&text).map_err(|_| "not a message of a known type")
                    }
                    Message::Text(_) => Err("frame too large"),
                    Message::Binary(_) => Err("binary frames are not accepted"),
                    Message::Close(_) => {
                        client_closed = true;
                        break;
                    }
                    Message::Ping(_) | Message::Pong(_) => continue,
                };
                let verdict = match &message {
                    Err(why) => limiter.offence(codes::BAD_MESSAGE, why),
                    Ok(ClientMessage::Pong { .. }) => Verdict::Process,
                    Ok(_) => limiter.paced(),
                };
                match verdict {
                    Verdict::Process => {}
                    Verdict::Warn(code, why) => {
                        me.error(code, why);
                        continue;
                    }
                    Verdict::Drop => continue,
                    Verdict::Kick => {
                        me.error(codes::RATE_LIMITED, "too many messages");
                        me.send(ServerEvent::Disconnected { reason: "rate_limited".into() });
                        break;
                    }
                }
                match message {
                    Ok(ClientMessage::Subscribe { org_id, channel }) => me.subscribe(&org_id, channel).await,
                    Ok(ClientMessage::Unsubscribe) => me.to_waiting_room(),
                    Ok(ClientMessage::Pong { ts }) => {
                        last_pong = Instant::now();
                        if let Some(ts) = ts {
                            last_latency = u64::try_from(now_ms() - ts).ok();
                        }
                    }
                    Err(_) => unreachable!("bad messages are offences"),
                }
            }
            _ = heartbeat.tick() => {
                if writer.is_finished() {
                    break;
                }
                if last_pong.elapsed() > timeout {
                    me.send(ServerEvent::Disconnected { reason: "timeout".into() });
                    break;
                }
                let meta = Meta { ts: now_ms(), last_latency, ..Default::default() };
                if me.tx.try_send(encode(ServerEvent::Ping {}, Scope::Individual, meta)).is_err() {
                    me.kill.notify_one();
                }
            }
        }
    }
    me.leave();
    me.state.hub.unregister(me.id);
    drop(me);
    let _ = tokio::time::timeout(Duration::from_secs(5), writer).await;
    if !client_closed {
        // The closing handshake: the writer sent what was queued (DISCONNECTED and why)
        // and a Close frame; read and discard until the client's Close, so that frames it
        // sent meanwhile do not make the kernel answer with a reset that would lose them.
        let _ = tokio::time::timeout(CLOSE_WAIT, async {
            while let Some(Ok(frame)) = stream.next().await {
                if matches!(frame, Message::Close(_)) {
                    break;
                }
            }
        })
        .await;
    }
}

/// Resolves when the instance shuts down (holding nothing across an await).
async fn going_away_now(shutdown: &mut tokio::sync::watch::Receiver<bool>) {
    let _ = shutdown.wait_for(|away| *away).await;
}

/// How long a socket the server ended waits for the client's Close frame.
const CLOSE_WAIT: Duration = Duration::from_secs(2);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_offence_ladder_warns_three_times_drops_twice_then_kicks() {
        let mut l = Limiter::default();
        let seen: Vec<Verdict> = (0..6).map(|_| l.offence(codes::BAD_MESSAGE, "x")).collect();
        assert_eq!(
            seen,
            [
                Verdict::Warn(codes::BAD_MESSAGE, "x"),
                Verdict::Warn(codes::BAD_MESSAGE, "x"),
                Verdict::Warn(codes::BAD_MESSAGE, "x"),
                Verdict::Drop,
                Verdict::Drop,
                Verdict::Kick
            ]
        );
    }

    #[test]
    fn paced_messages_are_not_offences() {
        let mut l = Limiter::default();
        assert_eq!(l.paced(), Verdict::Process);
        assert!(matches!(l.paced(), Verdict::Warn(codes::SLOW_DOWN, _)));
        l.last = Some(Instant::now() - MIN_GAP);
        assert_eq!(l.paced(), Verdict::Process);
    }
}
