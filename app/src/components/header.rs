use crate::api::load_unread_count;
use crate::realtime::use_personal_events;
use domain::realtime::ServerEvent;
use leptos::prelude::*;

/// The signed-in user's unread count, live, and a counter bumped by every inbox event: the
/// header's badge shows the one, the inbox page reloads on the other.
#[derive(Clone, Copy)]
pub struct InboxFeed {
    /// None until known (and for visitors who are not signed in).
    pub unread: RwSignal<Option<i64>>,
    pub version: RwSignal<u32>,
}

impl InboxFeed {
    pub fn provide() {
        provide_context(InboxFeed {
            unread: RwSignal::new(None),
            version: RwSignal::new(0),
        });
    }

    pub fn get() -> Self {
        use_context::<InboxFeed>().expect("the app provides the inbox feed")
    }
}

/// The top bar: the brand, a way home, to the inbox (with the unread count, live) and to
/// the account; the site admin for site admins.
#[component]
pub fn Header() -> impl IntoView {
    let admin = OnceResource::new(crate::api::load_admin_link());
    let feed = InboxFeed::get();
    let initial = OnceResource::new(load_unread_count());
    let signed_in = Signal::derive(move || feed.unread.get().is_some());
    let live = use_personal_events(signed_in, move |event| match event {
        ServerEvent::Notification { unread_count, .. }
        | ServerEvent::NotificationsRead { unread_count } => {
            feed.unread.set(Some(unread_count));
            feed.version.update(|n| *n += 1);
        }
        _ => {}
    });
    // What was missed while the link was down.
    Effect::new(move |_| {
        if live.reconnected.get() > 0 {
            leptos::task::spawn_local(async move {
                if let Ok(count) = load_unread_count().await {
                    feed.unread.set(count);
                    feed.version.update(|n| *n += 1);
                }
            });
        }
    });
    view! {
        <header class="topbar">
            <a class="brand" href="/">"Sayr"</a>
            <nav aria-label="Account">
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        let known = initial.await.ok().flatten();
                        if feed.unread.get_untracked().is_none() && known.is_some() {
                            feed.unread.set(known);
                        }
                        known.map(|_| view! {
                            <a href="/my-tasks" data-testid="my-tasks-link">"My tasks"</a>
                            <a href="/inbox" data-testid="inbox-link" data-state=move || live.state.get().as_str() aria-label=move || {
                                let n = feed.unread.get().unwrap_or(0);
                                if n == 0 { "Inbox".to_string() } else { format!("Inbox, {n} unread") }
                            }>
                                "Inbox"
                                <span class="count-badge" data-testid="unread-count" hidden=move || feed.unread.get().unwrap_or(0) == 0>
                                    {move || match feed.unread.get().unwrap_or(0) {
                                        n if n >= 1000 => "999+".to_string(),
                                        n => n.to_string(),
                                    }}
                                </span>
                            </a>
                        })
                    })}
                </Suspense>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        admin.await.unwrap_or(false).then(|| view! { <a href="/admin" data-testid="admin-link">"Admin"</a> })
                    })}
                </Suspense>
                <a href="/settings/account">"Account"</a>
            </nav>
        </header>
    }
}
