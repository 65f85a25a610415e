use crate::OrgHost;
use crate::api::{ShellData, ShellOrg, load_shell, load_shell_views, load_unread_count};
use crate::components::prefs::SIDEBAR_COLLAPSED;
use crate::components::{Avatar, Glyph, Icon, Palette};
use crate::realtime::{LinkState, use_personal_events};
use domain::realtime::ServerEvent;
use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_query_map};

/// The signed-in user's unread count, live, and a counter bumped by every inbox event: the
/// sidebar's badge shows the one, the inbox page reloads on the other.
#[derive(Clone, Copy)]
pub struct InboxFeed {
    /// None until known (and for visitors who are not signed in).
    pub unread: RwSignal<Option<i64>>,
    pub version: RwSignal<u32>,
    /// How the user's own live link stands (the inbox entry shows it).
    pub link: RwSignal<LinkState>,
}

/// Bumped when the board changes the org's saved views (saved, renamed, deleted, here or
/// live from another member): the sidebar lists them again.
#[derive(Clone, Copy)]
pub struct ViewsChanged(pub RwSignal<u32>);

impl ViewsChanged {
    pub fn provide() {
        provide_context(ViewsChanged(RwSignal::new(0)));
    }

    /// Tells the sidebar (a no-op where there is none, as in tests of one page).
    pub fn bump() {
        if let Some(ViewsChanged(n)) = use_context::<ViewsChanged>() {
            n.update(|n| *n += 1);
        }
    }
}

impl InboxFeed {
    pub fn provide() {
        provide_context(InboxFeed {
            unread: RwSignal::new(None),
            version: RwSignal::new(0),
            link: RwSignal::new(LinkState::Offline),
        });
    }

    pub fn get() -> Self {
        use_context::<InboxFeed>().expect("the app provides the inbox feed")
    }
}

/// The org the page is about, from its path (`/orgs/<slug>/…`) or its subdomain.
fn current_slug(path: &str, host: Option<&OrgHost>) -> Option<String> {
    if let Some(host) = host {
        return Some(host.0.clone());
    }
    path.strip_prefix("/orgs/")
        .and_then(|rest| rest.split('/').next())
        .filter(|slug| !slug.is_empty())
        .map(str::to_string)
}

/// Follows the user's private room into the feed: a new notification or a read elsewhere
/// changes the count; a link that dropped and came back refetches it. In the `team` chunk,
/// loaded after the first paint, so the realtime client and every event's types stay out
/// of the main module (the board, the task page and the inbox load that chunk anyway; a
/// chunk of its own made the board's first visit fetch three times as many pieces).
#[cfg_attr(feature = "hydrate", leptos::wasm_split::wasm_split(team, wasm_split_path = ::leptos::wasm_split))]
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
fn follow_inbox() -> Box<dyn FnOnce(InboxFeed, Signal<bool>)> {
    Box::new(|feed, signed_in| {
        let live = use_personal_events(signed_in, move |event| match event {
            ServerEvent::Notification { unread_count, .. }
            | ServerEvent::NotificationsRead { unread_count } => {
                feed.unread.set(Some(unread_count));
                feed.version.update(|n| *n += 1);
            }
            _ => {}
        });
        Effect::new(move |_| feed.link.set(live.state.get()));
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
    })
}

/// The frame around every page: for a signed-in user a sidebar (their orgs, My Tasks, the
/// inbox with its unread count, live, the org's board, releases, public page and settings,
/// the palette and the shortcut sheet, the docs, the account, the site admin), collapsible
/// and remembered; on a phone it folds behind a menu button. Rendered on the server like
/// the rest: every entry is a link that works without JavaScript.
#[component]
pub fn Sidebar() -> impl IntoView {
    let shell = OnceResource::new(load_shell());
    let feed = InboxFeed::get();
    let palette = expect_context::<Palette>();
    let signed_in = Signal::derive(move || feed.unread.get().is_some());
    // The live count: in the browser, once its chunk is in (after the first paint).
    #[cfg(feature = "hydrate")]
    leptos::task::spawn_local_scoped(async move { follow_inbox().await(feed, signed_in) });
    #[cfg(not(feature = "hydrate"))]
    let _ = signed_in;
    let location = use_location();
    let host = use_context::<Option<OrgHost>>().flatten();
    let slug = {
        let host = host.clone();
        Memo::new(move |_| current_slug(&location.pathname.get(), host.as_ref()))
    };
    let path = location.pathname;
    let on_host = host.is_some();
    let query = use_query_map();
    // The org's saved views the member sees, again whenever the board changes them.
    let changed = use_context::<ViewsChanged>().map(|c| c.0);
    let views_of_org = Resource::new(
        move || (slug.get(), changed.map(|c| c.get()).unwrap_or(0)),
        |(slug, _)| async move {
            match slug {
                Some(slug) => load_shell_views(slug).await.unwrap_or_default(),
                None => Vec::new(),
            }
        },
    );
    view! {
        // A Transition: while the views of another org load, the sidebar stays as it was.
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let data: ShellData = shell.await.unwrap_or_default();
                // Read here, in the one Suspend, not in a Suspense of its own inside it
                // (that failed to hydrate): the sidebar renders again when they change.
                let views = StoredValue::new(views_of_org.await);
                let user = data.user.clone()?;
                if feed.unread.get_untracked().is_none() {
                    feed.unread.set(Some(data.unread));
                }
                let orgs = StoredValue::new(data.orgs.clone());
                let admin = data.admin;
                // The org's entries: its board, releases, public page and settings.
                let org_nav = move || {
                    slug.get().map(|slug| {
                        let base = if on_host { String::new() } else { format!("/orgs/{slug}") };
                        let name = orgs.with_value(|o| o.iter().find(|o| o.slug == slug).map(|o| o.name.clone())).unwrap_or(slug.clone());
                        let entries = [
                            (format!("{base}/tasks"), Icon::SquareKanban, "Board", "sidebar-board"),
                            (format!("{base}/releases"), Icon::Rocket, "Releases", "sidebar-releases"),
                            (if on_host { "/".to_string() } else { base.clone() }, Icon::Globe, "Public page", "sidebar-public"),
                            (format!("{base}/settings"), Icon::Settings, "Settings", "sidebar-settings"),
                        ];
                        view! {
                            <h2 class="sidebar-heading">{name}</h2>
                            <ul role="list">
                                {entries.into_iter().map(|(href, icon, label, testid)| {
                                    let here = href.clone();
                                    let current = move || {
                                        let p = path.get();
                                        (p == here || (label == "Board" && p.starts_with(&format!("{here}/")))).then_some("page")
                                    };
                                    view! {
                                        <li><a href=href aria-current=current data-testid=testid><Glyph icon/><span class="nav-text">{label}</span></a></li>
                                    }
                                }).collect_view()}
                            </ul>
                            {views.with_value(|views| (!views.is_empty()).then(|| view! {
                                <h3 class="sidebar-subheading"><span class="nav-text">"Views"</span></h3>
                                <ul role="list" class="sidebar-views" data-testid="sidebar-views">
                                    {views.iter().map(|v| {
                                        let href = format!("{base}/tasks?v={}", v.id);
                                        let id = v.id.clone();
                                        let current = move || (query.with(|q| q.get("v")).as_deref() == Some(id.as_str())).then_some("page");
                                        view! {
                                            <li><a href=href aria-current=current data-testid="sidebar-view" title=if v.shared { "Shared with the org" } else { "Only you see it" }>
                                                <Glyph icon=Icon::ListFilter/><span class="nav-text">{v.name.clone()}</span>
                                            </a></li>
                                        }
                                    }).collect_view()}
                                </ul>
                            }))}
                        }
                    })
                };
                let current_org = move || {
                    let slug = slug.get();
                    orgs.with_value(|o| o.iter().find(|o| Some(&o.slug) == slug.as_ref()).cloned())
                };
                Some(view! {
                    <input type="checkbox" id="nav-open" class="nav-toggle sr-only" aria-label="Menu" aria-controls="sidebar"/>
                    <label for="nav-open" class="nav-open" title="Menu"><Glyph icon=Icon::PanelLeft/></label>
                    <aside class="sidebar" id="sidebar" aria-label="Sayr">
                        <div class="sidebar-top">
                            <details class="org-switch" data-testid="org-switcher">
                                <summary>
                                    {move || match current_org() {
                                        Some(ShellOrg { name, logo_url, .. }) => view! {
                                            {logo_url.map(|src| view! { <img class="org-logo" src=src alt=""/> })}
                                            <span class="nav-text">{name}</span>
                                        }.into_any(),
                                        None => view! { <Glyph icon=Icon::Building2/><span class="nav-text">"Sayr"</span> }.into_any(),
                                    }}
                                    <Glyph icon=Icon::ChevronDown class="chevron"/>
                                </summary>
                                <ul class="org-switch-list" role="list">
                                    {orgs.get_value().into_iter().map(|o| view! {
                                        <li><a href=format!("/orgs/{}/tasks", o.slug)>{o.name}</a></li>
                                    }).collect_view()}
                                    <li><a href="/" class="muted"><Glyph icon=Icon::Plus/>"New organization"</a></li>
                                </ul>
                            </details>
                            <input type="checkbox" id="sidebar-collapse" class="collapse-toggle sr-only" aria-label="Collapse the sidebar"
                                checked=SIDEBAR_COLLAPSED.get()
                                on:change=move |ev| SIDEBAR_COLLAPSED.set(event_target_checked(&ev))/>
                            <label for="sidebar-collapse" class="collapse" title="Collapse the sidebar">
                                <Glyph icon=Icon::PanelLeft/>
                            </label>
                        </div>
                        <nav aria-label="Main">
                            <ul role="list">
                                <li><a href="/my-tasks" data-testid="my-tasks-link" aria-current=move || (path.get() == "/my-tasks").then_some("page")>
                                    <Glyph icon=Icon::ListTodo/><span class="nav-text">"My tasks"</span>
                                </a></li>
                                <li><a href="/inbox" data-testid="inbox-link" data-state=move || feed.link.get().as_str()
                                    aria-current=move || (path.get() == "/inbox").then_some("page")
                                    aria-label=move || {
                                        let n = feed.unread.get().unwrap_or(0);
                                        if n == 0 { "Inbox".to_string() } else { format!("Inbox, {n} unread") }
                                    }>
                                    <Glyph icon=Icon::Inbox/><span class="nav-text">"Inbox"</span>
                                    <span class="count-badge" data-testid="unread-count" hidden=move || feed.unread.get().unwrap_or(0) == 0>
                                        {move || match feed.unread.get().unwrap_or(0) {
                                            n if n >= 1000 => "999+".to_string(),
                                            n => n.to_string(),
                                        }}
                                    </span>
                                </a></li>
                            </ul>
                            {org_nav}
                        </nav>
                        <div class="sidebar-foot">
                            <ul role="list">
                                <li><a href="/docs" rel="external"><Glyph icon=Icon::BookOpen/><span class="nav-text">"Docs"</span></a></li>
                                {admin.then(|| view! {
                                    <li><a href="/admin" data-testid="admin-link" aria-current=move || path.get().starts_with("/admin").then_some("page")>
                                        <Glyph icon=Icon::Shield/><span class="nav-text">"Admin"</span>
                                    </a></li>
                                })}
                                <li><a href="/settings/account" data-testid="account-link" aria-current=move || path.get().starts_with("/settings/").then_some("page")>
                                    <Avatar name=user.name.clone() url=user.avatar_url.clone()/><span class="nav-text">{user.name.clone()}</span>
                                </a></li>
                            </ul>
                            <div class="sidebar-keys">
                                <button type="button" class="link" data-testid="open-palette" on:click=move |_| palette.open_palette.update(|n| *n += 1)>
                                    <Glyph icon=Icon::Search/><span class="nav-text">"Commands "<kbd>"Ctrl K"</kbd></span>
                                </button>
                                <button type="button" class="link" data-testid="open-shortcuts" on:click=move |_| palette.open_sheet.update(|n| *n += 1)>
                                    <Glyph icon=Icon::Keyboard/><span class="nav-text">"Shortcuts "<kbd>"?"</kbd></span>
                                </button>
                            </div>
                        </div>
                    </aside>
                })
            })}
        </Transition>
    }
}

/// The bar above the page: the way home for visitors (signed in, the sidebar has it).
#[component]
pub fn Header() -> impl IntoView {
    view! {
        <header class="topbar">
            <a class="brand" href="/">"Sayr"</a>
        </header>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_org_of_a_page_comes_from_its_path_or_its_host() {
        assert_eq!(
            current_slug("/orgs/acme/tasks/12", None).as_deref(),
            Some("acme")
        );
        assert_eq!(current_slug("/orgs/acme", None).as_deref(), Some("acme"));
        assert_eq!(current_slug("/orgs/", None), None);
        assert_eq!(current_slug("/my-tasks", None), None);
        let host = OrgHost("beta".into());
        assert_eq!(current_slug("/tasks", Some(&host)).as_deref(), Some("beta"));
    }
}
