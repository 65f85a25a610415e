//! `/inbox`: what the signed-in user was told, grouped by task, newest first; live. Keys:
//! j / k move, e archives, Enter opens (which also marks it read).

use crate::api::{ReadAllNotifications, load_inbox, mark_notification};
use crate::components::InboxFeed;
use crate::components::PageTitle;
use crate::components::keys::{self, Action, Scope};
use crate::components::text::error_text;
use domain::NotificationId;
use domain::dto::{Notification, NotificationKind};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};

/// Notifications about one task (or one invitation), newest first.
#[derive(Clone, Debug, PartialEq)]
struct Group {
    latest: Notification,
    ids: Vec<NotificationId>,
    unread: bool,
    count: usize,
}

impl Group {
    fn href(&self) -> String {
        let n = &self.latest;
        match (&n.task, n.kind) {
            (Some(t), NotificationKind::SubmissionUpdated) => {
                format!("/orgs/{}?task={}", n.org.slug, t.number)
            }
            (Some(t), _) => format!("/orgs/{}/tasks/{}", n.org.slug, t.number),
            (None, _) => "/".to_string(),
        }
    }
}

/// Groups the page by task, in the order of each task's newest notification.
fn groups(items: &[Notification]) -> Vec<Group> {
    let mut out: Vec<Group> = Vec::new();
    for n in items {
        let key = (n.org.id, n.task.as_ref().map(|t| t.number));
        match out
            .iter_mut()
            .find(|g| (g.latest.org.id, g.latest.task.as_ref().map(|t| t.number)) == key)
        {
            Some(g) => {
                g.ids.push(n.id);
                g.unread |= n.read_at.is_none();
                g.count += 1;
            }
            None => out.push(Group {
                latest: n.clone(),
                ids: vec![n.id],
                unread: n.read_at.is_none(),
                count: 1,
            }),
        }
    }
    out
}

/// One line: who did what.
fn sentence(n: &Notification) -> String {
    let who = n.actor.as_ref().map_or("Someone", |a| a.name.as_str());
    match (n.kind, &n.status) {
        (NotificationKind::Invited, _) => format!("{who} invited you to {}", n.org.name),
        (_, Some(s)) => format!("{who} moved it from {} to {}", s.from.label(), s.to.label()),
        (kind, None) => format!("{who} {}", kind.describe()),
    }
}

#[component]
pub fn Inbox() -> impl IntoView {
    let feed = InboxFeed::get();
    let query = use_query_map();
    let view_name = Memo::new(move |_| {
        query
            .read()
            .get("view")
            .filter(|v| v == "unread" || v == "archived")
            .unwrap_or_else(|| "inbox".to_string())
    });
    let read_all = ServerAction::<ReadAllNotifications>::new();
    let bump = RwSignal::new(0u32);
    let page = Resource::new(
        move || {
            (
                view_name.get(),
                feed.version.get(),
                bump.get(),
                read_all.version().get(),
            )
        },
        |(view, ..)| load_inbox(view, None),
    );
    let selected = RwSignal::new(0usize);
    let shown = RwSignal::new(Vec::<Group>::new());

    // Archive (`true`) or mark read (`false`) a whole group, then reload.
    let act = move |group: Group, archive: bool| {
        leptos::task::spawn_local(async move {
            for id in group.ids {
                let (read, archived) = if archive {
                    (None, Some("true".to_string()))
                } else {
                    (Some("true".to_string()), None)
                };
                let _ = mark_notification(id, read, archived).await;
            }
            bump.update(|n| *n += 1);
        });
    };
    let navigate = use_navigate();
    let _keys = window_event_listener(leptos::ev::keydown, move |ev| {
        let typing = crate::components::keys::typing(&ev);
        if typing || ev.ctrl_key() || ev.meta_key() || ev.alt_key() {
            return;
        }
        let len = shown.with_untracked(Vec::len);
        if len == 0 {
            return;
        }
        let at = selected.get_untracked().min(len - 1);
        match keys::action(Scope::Inbox, &ev) {
            Some(Action::Next) => selected.set((at + 1).min(len - 1)),
            Some(Action::Previous) => selected.set(at.saturating_sub(1)),
            Some(Action::Archive) => {
                if let Some(g) = shown.with_untracked(|s| s.get(at).cloned()) {
                    act(g, true);
                }
            }
            Some(Action::Open) => {
                if let Some(g) = shown.with_untracked(|s| s.get(at).cloned()) {
                    ev.prevent_default();
                    navigate(&g.href(), Default::default());
                }
            }
            _ => return,
        }
    });

    let tab = move |name: &'static str, label: &'static str| {
        let href = if name == "inbox" {
            "/inbox".to_string()
        } else {
            format!("/inbox?view={name}")
        };
        view! {
            <a href=href aria-current=move || (view_name.get() == name).then_some("page")>{label}</a>
        }
    };

    view! {
        <PageTitle text="Inbox"/>
        <section class="inbox" data-testid="inbox">
            <div class="row spread">
                <h1>"Inbox"</h1>
                <ActionForm action=read_all>
                    <button type="submit" class="button" data-testid="read-all">"Mark all read"</button>
                </ActionForm>
            </div>
            <nav class="tabs" aria-label="Inbox views">
                {tab("inbox", "All")}{tab("unread", "Unread")}{tab("archived", "Archived")}
            </nav>
            <p class="muted small">"j / k to move, e to archive, Enter to open."</p>
            <Transition fallback=crate::components::Loading>
                {move || Suspend::new(async move {
                    match page.await {
                        Err(e) => view! { <p class="error" role="alert">{error_text(&e)}</p> }.into_any(),
                        Ok(list) => {
                            let list_groups = groups(&list.items);
                            shown.set(list_groups.clone());
                            if list_groups.is_empty() {
                                return view! { <p class="empty muted" data-testid="inbox-empty">"Nothing here."</p> }.into_any();
                            }
                            view! {
                                <ul class="inbox-list" role="listbox" aria-label="Notifications">
                                    {list_groups.into_iter().enumerate().map(|(i, g)| {
                                        let href = g.href();
                                        let n = g.latest.clone();
                                        let title = match &n.task {
                                            Some(t) => format!("{} {}", t.key, t.title),
                                            None => n.org.name.clone(),
                                        };
                                        let (read_group, archive_group) = (g.clone(), g.clone());
                                        let archived = n.archived_at.is_some();
                                        view! {
                                            <li class="inbox-item" class:unread=g.unread role="option"
                                                aria-selected=move || (selected.get() == i).to_string()
                                                data-testid="notification" data-type=n.kind.as_str()
                                                on:click=move |_| selected.set(i)>
                                                <div class="what">
                                                    <a href=href>{title}</a>
                                                    <span class="muted small">{sentence(&n)}
                                                        {(g.count > 1).then(|| format!(" · {} more", g.count - 1))}
                                                        " · "{n.created_at.format("%Y-%m-%d %H:%M").to_string()}</span>
                                                </div>
                                                {g.unread.then(|| view! {
                                                    <button type="button" class="link small" data-testid="mark-read"
                                                        on:click=move |_| act(read_group.clone(), false)>"Mark read"</button>
                                                })}
                                                {(!archived).then(|| view! {
                                                    <button type="button" class="link small" data-testid="archive"
                                                        on:click=move |_| act(archive_group.clone(), true)>"Archive"</button>
                                                })}
                                            </li>
                                        }
                                    }).collect_view()}
                                </ul>
                            }.into_any()
                        }
                    }
                })}
            </Transition>
        </section>
    }
}
