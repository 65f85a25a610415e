//! One socket: a reader loop that handles client messages and the heartbeat, and a writer
//! task that drains the socket's bounded queue.

use super::MAX_FRAME;
use super::hub::{Member, Room, encode, now_ms};
use crate::state::AppState;
use axum::extract::ws::{Message, Utf8Bytes, WebSocket};
use domain::realtime::{Channel, ClientMessage, Meta, Presence, Scope, ServerEvent, codes};
use domain::service::{Actor, org};
use futures::{SinkExt, StreamExt};
use std::sync::Arc;
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

    fn to_waiting_room(&mut self) {
        self.leave();
        self.send(ServerEvent::WaitingRoom {
            message: "subscribe to an org's channel to receive events".into(),
        });
    }

    async fn subscribe(&mut self, org_id: &str, channel: Channel) {
        match org::authorize_channel(&self.state.services, &self.actor, org_id, channel).await {
            Ok(org) => {
                let room = Room { org, channel };
                if self.room == Some(room) {
                    self.error(codes::ALREADY_SUBSCRIBED, "already in this room");
                    return;
                }
                self.leave();
                self.join(room);
            }
            Err(_) => {
                self.leave();
                self.error(codes::FORBIDDEN, "you may not join this room");
            }
        }
    }
}

/// Runs a socket until it closes.
pub async fn run(socket: WebSocket, state: AppState, actor: Actor, org_param: Option<String>) {
    let (mut sink, mut stream) = socket.split();
    let (tx, mut rx) = mpsc::channel::<Utf8Bytes>(SEND_QUEUE);
    let kill = Arc::new(Notify::new());

    let writer_kill = kill.clone();
    let writer = tokio::spawn(async move {
        loop {
            tokio::select! {
                frame = rx.recv() => match frame {
                    Some(frame) => if sink.send(Message::Text(frame)).await.is_err() { return },
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
        let _ = sink.send(Message::Close(None)).await;
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
    me.send(ServerEvent::ConnectionStatus {
        authenticated: matches!(me.actor, Actor::User(_)),
        ws_client_id: me.ws_client_id.clone(),
    });
    match org_param {
        Some(org_id) => {
            match org::authorize_channel(&me.state.services, &me.actor, &org_id, Channel::Public)
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
    let mut last_latency: Option<u64> = None;

    loop {
        tokio::select! {
            frame = stream.next() => {
                let Some(Ok(frame)) = frame else { break };
                match frame {
                    Message::Text(text) if text.len() <= MAX_FRAME => {
                        match serde_json::from_str::<ClientMessage>(&text) {
                            Ok(ClientMessage::Subscribe { org_id, channel }) => me.subscribe(&org_id, channel).await,
                            Ok(ClientMessage::Unsubscribe) => me.to_waiting_room(),
                            Ok(ClientMessage::Pong { ts }) => {
                                last_pong = Instant::now();
                                if let Some(ts) = ts {
                                    last_latency = u64::try_from(now_ms() - ts).ok();
                                }
                            }
                            Err(_) => me.error(codes::BAD_MESSAGE, "not a message of a known type"),
                        }
                    }
                    Message::Text(_) => me.error(codes::BAD_MESSAGE, "frame too large"),
                    Message::Binary(_) => me.error(codes::BAD_MESSAGE, "binary frames are not accepted"),
                    Message::Close(_) => break,
                    Message::Ping(_) | Message::Pong(_) => {}
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
    drop(me);
    let _ = tokio::time::timeout(Duration::from_secs(5), writer).await;
}
