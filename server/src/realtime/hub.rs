//! Rooms and fan-out. A socket is in one room (`<orgId>:<channel>`) or the waiting room;
//! an event is turned into each room's payload once, serialized once, and queued to every
//! socket of the room without waiting on any of them.

use axum::extract::ws::Utf8Bytes;
use domain::realtime::{AccessEvent, UserEvent};
use domain::realtime::{Channel, DomainEvent, Meta, Scope, ServerEvent, ServerMessage};
use domain::{ApiKeyId, OrgId, SessionId, UserId};
use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use tokio::sync::{Notify, mpsc};

/// A room: one channel of one org.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Room {
    pub org: OrgId,
    pub channel: Channel,
}

/// What the hub keeps of a socket.
pub(super) struct Member {
    pub ws_client_id: String,
    pub tx: mpsc::Sender<Utf8Bytes>,
    /// Woken when the hub gives up on the socket (slow consumer).
    pub kill: std::sync::Arc<Notify>,
}

/// What a socket is told when its access changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Control {
    /// The session or key it signed in with is gone: it is anonymous from now on.
    Revoked,
    /// Its user is no longer a member of this org.
    LeftOrg(OrgId),
    /// Access in this org changed: may it still be in its room?
    Recheck(OrgId),
}

/// Who a socket is, for access changes.
pub(super) struct Handle {
    pub user: Option<UserId>,
    pub session: Option<SessionId>,
    pub api_key: Option<ApiKeyId>,
    pub control: mpsc::UnboundedSender<Control>,
}

/// What `/metrics` reports of the hub.
#[derive(Clone, Copy, Debug)]
pub struct HubFigures {
    /// Open sockets.
    pub sockets: usize,
    /// Rooms with at least one socket.
    pub rooms: usize,
    /// Sockets in a room.
    pub in_rooms: usize,
    /// Frames received from clients.
    pub messages_in: u64,
    /// Frames queued to clients.
    pub messages_out: u64,
    /// Sockets closed because their send queue was full.
    pub dropped_slow: u64,
}

/// Rooms with more sockets than this do not announce USER_SUBSCRIBED / USER_UNSUBSCRIBED.
pub const PRESENCE_LIMIT: usize = 500;

/// All rooms of this instance.
pub struct Hub {
    rooms: Mutex<HashMap<Room, HashMap<u64, Member>>>,
    /// Every open socket, in a room or not.
    sockets: Mutex<HashMap<u64, Handle>>,
    /// Each signed-in user's sockets: their private room `user:<userId>`, which a socket
    /// is in from connect until it closes or its sign-in is revoked.
    users: Mutex<HashMap<UserId, HashMap<u64, Member>>>,
    next_id: AtomicU64,
    /// Sockets closed because their send queue was full.
    pub dropped_slow: AtomicU64,
    /// Frames received from clients.
    pub messages_in: AtomicU64,
    /// Frames queued to clients.
    pub messages_out: AtomicU64,
    /// Set when the instance shuts down: every socket closes with 1001 (going away), and
    /// one that opens now closes at once, so that clients reconnect to another instance.
    going_away: tokio::sync::watch::Sender<bool>,
}

impl services::admin::ConnectionStats for Hub {
    fn snapshot(&self) -> domain::dto::ConnectionSnapshot {
        Hub::snapshot(self)
    }
}

pub(super) fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// Serializes a message for the wire.
pub(super) fn encode(event: ServerEvent, scope: Scope, meta: Meta) -> Utf8Bytes {
    let msg = ServerMessage { event, scope, meta };
    serde_json::to_string(&msg)
        .expect("server messages serialize")
        .into()
}

impl Hub {
    pub fn new() -> Self {
        Self {
            rooms: Mutex::default(),
            sockets: Mutex::default(),
            users: Mutex::default(),
            next_id: AtomicU64::new(0),
            dropped_slow: AtomicU64::new(0),
            messages_in: AtomicU64::new(0),
            messages_out: AtomicU64::new(0),
            going_away: tokio::sync::watch::Sender::new(false),
        }
    }

    /// Closes every socket with 1001 (going away), now and from now on.
    pub fn close_all(&self) {
        self.going_away.send_replace(true);
    }

    /// Resolves once [`Hub::close_all`] was called.
    pub(super) fn going_away(&self) -> tokio::sync::watch::Receiver<bool> {
        self.going_away.subscribe()
    }

    pub(super) fn next_socket_id(&self) -> u64 {
        self.next_id.fetch_add(1, Ordering::Relaxed)
    }

    /// Registers an open socket; a signed-in one joins its user's private room.
    pub(super) fn register(&self, socket: u64, handle: Handle, member: Member) {
        if let Some(user) = handle.user {
            self.users
                .lock()
                .unwrap()
                .entry(user)
                .or_default()
                .insert(socket, member);
        }
        self.sockets.lock().unwrap().insert(socket, handle);
    }

    pub(super) fn unregister(&self, socket: u64) {
        let handle = self.sockets.lock().unwrap().remove(&socket);
        if let Some(user) = handle.and_then(|h| h.user) {
            self.leave_user(user, socket);
        }
    }

    fn leave_user(&self, user: UserId, socket: u64) {
        let mut users = self.users.lock().unwrap();
        if let Some(sockets) = users.get_mut(&user) {
            sockets.remove(&socket);
            if sockets.is_empty() {
                users.remove(&user);
            }
        }
    }

    /// Sends a message to every socket of one user (scope INDIVIDUAL), whatever room each
    /// is in. A socket whose queue is full is closed, as in rooms.
    pub fn send_to_user(&self, message: &UserEvent) {
        let mut users = self.users.lock().unwrap();
        let Some(sockets) = users.get_mut(&message.user) else {
            return;
        };
        let frame = encode(
            message.event.clone(),
            Scope::Individual,
            Meta {
                ts: now_ms(),
                ..Default::default()
            },
        );
        let mut slow = Vec::new();
        for (id, member) in sockets.iter() {
            if member.tx.try_send(frame.clone()).is_err() {
                slow.push(*id);
            } else {
                self.messages_out.fetch_add(1, Ordering::Relaxed);
            }
        }
        for id in slow {
            if let Some(member) = sockets.remove(&id) {
                self.dropped_slow.fetch_add(1, Ordering::Relaxed);
                member.kill.notify_one();
            }
        }
    }

    /// The hub's figures in the Prometheus text format.
    pub fn figures(&self) -> HubFigures {
        let rooms = self.rooms.lock().unwrap();
        HubFigures {
            sockets: self.socket_count(),
            rooms: rooms.len(),
            in_rooms: rooms.values().map(HashMap::len).sum(),
            messages_in: self.messages_in.load(Ordering::Relaxed),
            messages_out: self.messages_out.load(Ordering::Relaxed),
            dropped_slow: self.dropped_slow.load(Ordering::Relaxed),
        }
    }

    /// Open sockets on this instance.
    pub fn socket_count(&self) -> usize {
        self.sockets.lock().unwrap().len()
    }

    /// Open sockets and, per room, how many are in it (for the site admin).
    pub fn snapshot(&self) -> domain::dto::ConnectionSnapshot {
        let open_sockets = self.socket_count() as u64;
        let rooms = self
            .rooms
            .lock()
            .unwrap()
            .iter()
            .map(|(room, members)| domain::dto::RoomSockets {
                org_id: room.org,
                channel: room.channel,
                sockets: members.len() as u64,
            })
            .collect();
        domain::dto::ConnectionSnapshot {
            open_sockets,
            rooms,
        }
    }

    /// Tells the sockets that relied on what was lost; they leave private rooms themselves.
    pub fn apply(&self, event: &AccessEvent) {
        if let AccessEvent::AccessChanged { org_id } = *event {
            // Only the sockets in the org's rooms have anything to check.
            let in_org: Vec<u64> = self
                .rooms
                .lock()
                .unwrap()
                .iter()
                .filter(|(room, _)| room.org == org_id)
                .flat_map(|(_, members)| members.keys().copied())
                .collect();
            let sockets = self.sockets.lock().unwrap();
            for id in in_org {
                if let Some(handle) = sockets.get(&id) {
                    let _ = handle.control.send(Control::Recheck(org_id));
                }
            }
            return;
        }
        let mut sockets = self.sockets.lock().unwrap();
        let mut revoked = Vec::new();
        for (id, handle) in sockets.iter_mut() {
            let control = match *event {
                AccessEvent::SessionEnded { session } if handle.session == Some(session) => {
                    Control::Revoked
                }
                AccessEvent::ApiKeyDeleted { api_key } if handle.api_key == Some(api_key) => {
                    Control::Revoked
                }
                AccessEvent::MemberRemoved { org_id, user } if handle.user == Some(user) => {
                    Control::LeftOrg(org_id)
                }
                _ => continue,
            };
            if control == Control::Revoked {
                // Anonymous from now on: out of its user's private room too.
                if let Some(user) = handle.user.take() {
                    revoked.push((user, *id));
                }
            }
            let _ = handle.control.send(control);
        }
        drop(sockets);
        for (user, id) in revoked {
            self.leave_user(user, id);
        }
    }

    pub(super) fn join(&self, room: Room, socket: u64, member: Member) {
        self.rooms
            .lock()
            .unwrap()
            .entry(room)
            .or_default()
            .insert(socket, member);
    }

    pub(super) fn leave(&self, room: Room, socket: u64) {
        let mut rooms = self.rooms.lock().unwrap();
        if let Some(members) = rooms.get_mut(&room) {
            members.remove(&socket);
            if members.is_empty() {
                rooms.remove(&room);
            }
        }
    }

    /// Sends a pre-encoded message to every socket of a room except `skip`; not at all
    /// when the room holds more than `limit` sockets.
    fn send_to_room(
        &self,
        room: Room,
        frame: &Utf8Bytes,
        skip: Option<&str>,
        skip_socket: Option<u64>,
        limit: Option<usize>,
    ) {
        let mut rooms = self.rooms.lock().unwrap();
        let Some(members) = rooms.get_mut(&room) else {
            return;
        };
        if limit.is_some_and(|limit| members.len() > limit) {
            return;
        }
        let mut slow = Vec::new();
        for (id, member) in members.iter() {
            if Some(*id) == skip_socket || skip == Some(member.ws_client_id.as_str()) {
                continue;
            }
            if member.tx.try_send(frame.clone()).is_err() {
                slow.push(*id);
            } else {
                self.messages_out.fetch_add(1, Ordering::Relaxed);
            }
        }
        for id in slow {
            if let Some(member) = members.remove(&id) {
                self.dropped_slow.fetch_add(1, Ordering::Relaxed);
                member.kill.notify_one();
            }
        }
    }

    /// Announces presence changes to the rest of a room. Rooms beyond [`PRESENCE_LIMIT`]
    /// sockets stop announcing: each join would reach every socket, so filling a room of n
    /// costs n² frames (50 million for 10,000 sockets) and nobody reads a list that long.
    pub(super) fn announce(&self, room: Room, socket: u64, event: ServerEvent) {
        let meta = Meta {
            ts: now_ms(),
            org_id: Some(room.org),
            channel: Some(room.channel),
            ..Default::default()
        };
        let scope = if room.channel == Channel::Public {
            Scope::Public
        } else {
            Scope::Channel
        };
        self.send_to_room(
            room,
            &encode(event, scope, meta),
            None,
            Some(socket),
            Some(PRESENCE_LIMIT),
        );
    }

    /// Fans a committed domain event out to the org's rooms, each getting what it may see.
    pub fn dispatch(&self, event: &DomainEvent) {
        for channel in [Channel::Public, Channel::Tasks, Channel::Admin] {
            let room = Room {
                org: event.org_id,
                channel,
            };
            if !self.rooms.lock().unwrap().contains_key(&room) {
                continue;
            }
            let Some((scope, payload)) = event.for_channel(channel) else {
                continue;
            };
            let meta = Meta {
                ts: now_ms(),
                org_id: Some(event.org_id),
                channel: Some(channel),
                ..Default::default()
            };
            self.send_to_room(
                room,
                &encode(payload, scope, meta),
                event.origin.as_deref(),
                None,
                None,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::realtime::Presence;

    fn presence(org: OrgId) -> ServerEvent {
        ServerEvent::UserSubscribed(Presence {
            ws_client_id: "new".into(),
            client_id: "ANONYMOUS".into(),
            org_id: org,
            channel: Channel::Public,
        })
    }

    /// Fills a room with `n` sockets and returns their receiving ends.
    fn room_of(hub: &Hub, room: Room, n: u64) -> Vec<mpsc::Receiver<Utf8Bytes>> {
        (0..n)
            .map(|id| {
                let (tx, rx) = mpsc::channel(4);
                hub.join(
                    room,
                    id,
                    Member {
                        ws_client_id: format!("ws-{id}"),
                        tx,
                        kill: Default::default(),
                    },
                );
                rx
            })
            .collect()
    }

    #[test]
    fn presence_reaches_a_room_up_to_the_limit_and_no_further() {
        let hub = Hub::new();
        let org = OrgId(uuid::Uuid::from_u128(1));
        let small = Room {
            org,
            channel: Channel::Public,
        };
        let mut sockets = room_of(&hub, small, PRESENCE_LIMIT as u64);
        hub.announce(small, 0, presence(org));
        let heard = sockets
            .iter_mut()
            .map(|rx| rx.try_recv().is_ok())
            .filter(|got| *got)
            .count();
        assert_eq!(
            heard,
            PRESENCE_LIMIT - 1,
            "everyone but the socket it is about"
        );

        let big = Room {
            org,
            channel: Channel::Tasks,
        };
        let mut crowd = room_of(&hub, big, PRESENCE_LIMIT as u64 + 1);
        hub.announce(big, 0, presence(org));
        assert!(
            crowd.iter_mut().all(|rx| rx.try_recv().is_err()),
            "a room beyond the limit hears no presence"
        );
    }
}
