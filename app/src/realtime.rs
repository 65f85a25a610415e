//! The realtime hook: one WebSocket per page that shows live data. It subscribes to the
//! page's room, answers PING, reconnects with backoff and jitter, and hands the room's
//! events to the page, which applies them to its signals. On the server it does nothing.

use domain::OrgId;
use domain::realtime::{Channel, ServerEvent};
use leptos::prelude::*;

/// How the page's live link stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkState {
    /// Not connected (also: rendered on the server, or waiting to reconnect).
    Offline,
    Connecting,
    /// Subscribed: events arrive.
    Live,
}

impl LinkState {
    pub fn as_str(self) -> &'static str {
        match self {
            LinkState::Offline => "offline",
            LinkState::Connecting => "connecting",
            LinkState::Live => "live",
        }
    }
}

/// What the hook gives the page.
#[derive(Clone, Copy)]
pub struct Live {
    pub state: ReadSignal<LinkState>,
    /// Bumped each time the link comes back after a drop: the page refetches then, since
    /// events sent while it was away are lost (delivery is at most once).
    pub reconnected: ReadSignal<u32>,
}

/// Keeps a socket subscribed to `room` while the calling component lives.
pub fn use_realtime(
    room: Signal<Option<(OrgId, Channel)>>,
    on_event: impl Fn(ServerEvent) + 'static,
) -> Live {
    connect_while(room, Signal::stored(false), on_event)
}

/// Keeps a socket open while `signed_in` holds, in no org room: it hears the user's private
/// room (`NOTIFICATION`, `NOTIFICATIONS_READ`) whatever page is shown.
pub fn use_personal_events(
    signed_in: Signal<bool>,
    on_event: impl Fn(ServerEvent) + 'static,
) -> Live {
    connect_while(Signal::stored(None), signed_in, on_event)
}

fn connect_while(
    room: Signal<Option<(OrgId, Channel)>>,
    personal: Signal<bool>,
    on_event: impl Fn(ServerEvent) + 'static,
) -> Live {
    let state = RwSignal::new(LinkState::Offline);
    let reconnected = RwSignal::new(0u32);
    #[cfg(feature = "hydrate")]
    browser::start(
        room,
        personal,
        state,
        reconnected,
        std::rc::Rc::new(on_event),
    );
    #[cfg(not(feature = "hydrate"))]
    let _ = (room, personal, on_event);
    Live {
        state: state.read_only(),
        reconnected: reconnected.read_only(),
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use super::*;
    use domain::realtime::{ClientMessage, ServerMessage};
    use std::cell::RefCell;
    use std::rc::Rc;
    use wasm_bindgen::JsCast;
    use wasm_bindgen::prelude::Closure;
    use web_sys::{CloseEvent, MessageEvent, WebSocket};

    type Handler = Rc<dyn Fn(ServerEvent)>;

    struct Link {
        room: Option<(OrgId, Channel)>,
        /// Connected without a room, for the user's private room.
        personal: bool,
        socket: Option<WebSocket>,
        attempt: u32,
        /// Set when the component is gone: no more reconnects.
        closed: bool,
        /// Bumped per connection so that callbacks of an old socket are ignored.
        generation: u32,
        ever_live: bool,
        state: RwSignal<LinkState>,
        reconnected: RwSignal<u32>,
        on_event: Handler,
    }

    pub(super) fn start(
        room: Signal<Option<(OrgId, Channel)>>,
        personal: Signal<bool>,
        state: RwSignal<LinkState>,
        reconnected: RwSignal<u32>,
        on_event: Handler,
    ) {
        let link = Rc::new(RefCell::new(Link {
            room: None,
            personal: false,
            socket: None,
            attempt: 0,
            closed: false,
            generation: 0,
            ever_live: false,
            state,
            reconnected,
            on_event,
        }));
        let for_effect = link.clone();
        Effect::new(move |_| {
            let wanted = (room.get(), personal.get());
            let changed = {
                let l = for_effect.borrow();
                (l.room, l.personal) != wanted
            };
            if changed {
                {
                    let mut l = for_effect.borrow_mut();
                    l.room = wanted.0;
                    l.personal = wanted.1;
                }
                connect(&for_effect);
            }
        });
        let for_cleanup = send_wrapper::SendWrapper::new(link);
        on_cleanup(move || {
            let mut l = for_cleanup.borrow_mut();
            l.closed = true;
            if let Some(s) = l.socket.take() {
                let _ = s.close();
            }
        });
    }

    fn url() -> Option<String> {
        let location = window().location();
        let scheme = if location.protocol().ok()? == "https:" {
            "wss"
        } else {
            "ws"
        };
        Some(format!("{scheme}://{}/ws", location.host().ok()?))
    }

    fn connect(link: &Rc<RefCell<Link>>) {
        let mut l = link.borrow_mut();
        if let Some(old) = l.socket.take() {
            let _ = old.close();
        }
        l.generation += 1;
        if l.closed || (l.room.is_none() && !l.personal) {
            l.state.set(LinkState::Offline);
            return;
        }
        let Some(socket) = url().and_then(|u| WebSocket::new(&u).ok()) else {
            return;
        };
        l.state.set(LinkState::Connecting);
        let generation = l.generation;

        let on_message = {
            let link = link.clone();
            Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
                let Some(text) = e.data().as_string() else {
                    return;
                };
                let Ok(msg) = serde_json::from_str::<ServerMessage>(&text) else {
                    return;
                };
                handle(&link, generation, msg);
            })
        };
        socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        on_message.forget();

        let on_close = {
            let link = link.clone();
            Closure::<dyn FnMut(CloseEvent)>::new(move |_e: CloseEvent| {
                if link.borrow().generation == generation {
                    schedule_reconnect(&link);
                }
            })
        };
        socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        on_close.forget();
        l.socket = Some(socket);
    }

    fn send(link: &Rc<RefCell<Link>>, msg: &ClientMessage) {
        if let (Some(socket), Ok(text)) = (&link.borrow().socket, serde_json::to_string(msg)) {
            let _ = socket.send_with_str(&text);
        }
    }

    fn handle(link: &Rc<RefCell<Link>>, generation: u32, msg: ServerMessage) {
        if link.borrow().generation != generation {
            return;
        }
        match msg.event {
            ServerEvent::ConnectionStatus { .. } => {
                let room = link.borrow().room;
                if let Some((org, channel)) = room {
                    send(
                        link,
                        &ClientMessage::Subscribe {
                            org_id: org.to_string(),
                            channel,
                        },
                    );
                } else {
                    // A personal link is live once connected: its room needs no subscribing.
                    now_live(link);
                }
            }
            ServerEvent::Subscribed { .. } => now_live(link),
            ServerEvent::WaitingRoom { .. } if link.borrow().room.is_none() => {}
            ServerEvent::Ping {} => send(
                link,
                &ClientMessage::Pong {
                    ts: Some(msg.meta.ts),
                },
            ),
            ServerEvent::Error { .. } | ServerEvent::WaitingRoom { .. } => {
                link.borrow().state.set(LinkState::Offline);
            }
            ServerEvent::Disconnected { .. } => {}
            event => {
                let handler = link.borrow().on_event.clone();
                handler(event);
            }
        }
    }

    fn now_live(link: &Rc<RefCell<Link>>) {
        let mut l = link.borrow_mut();
        l.attempt = 0;
        l.state.set(LinkState::Live);
        if l.ever_live {
            l.reconnected.update(|n| *n += 1);
        }
        l.ever_live = true;
    }

    /// Exponential backoff from 0.5 s up to 30 s, with jitter so that a restarted server
    /// is not hit by every tab at once.
    fn schedule_reconnect(link: &Rc<RefCell<Link>>) {
        let delay = {
            let mut l = link.borrow_mut();
            l.socket = None;
            l.state.set(LinkState::Offline);
            if l.closed {
                return;
            }
            l.attempt = (l.attempt + 1).min(10);
            let base = (500.0 * 2f64.powi(l.attempt as i32 - 1)).min(30_000.0);
            base * (0.5 + js_sys::Math::random() * 0.5)
        };
        let link = link.clone();
        set_timeout(
            move || connect(&link),
            std::time::Duration::from_millis(delay as u64),
        );
    }
}
