//! The board's frame: its head, the toolbar, the bulk bar and the kanban or the list; and
//! what the kanban's cards and the list's rows share.

use super::BoardState;
use super::chips::FilterBar;
use super::filter::{self, BoardFilter, View};
use super::kanban::Kanban;
use super::list::{BulkBar, GroupedList};
use super::toolbar::{NewTaskDialog, QuickAdd, Toolbar};
use super::views::ViewsBar;
use crate::api::CreateTask;
use crate::components::keys::{self, Action, Scope};
use crate::components::text::{error_text, priority_label};
use crate::components::{Command, CommandAction, Glyph, Icon, Palette};
use crate::realtime::{LinkState, Live};
use domain::dto::{Task, TaskPriority, Visibility};
use leptos::html;
use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;
use leptos::web_sys;

#[component]
pub(crate) fn BoardView(
    state: BoardState,
    live: Live,
    create: ServerAction<CreateTask>,
) -> impl IntoView {
    let data = state.data.get_value();
    let org = data.org.clone();
    let org_slug = StoredValue::new(org.slug.clone());
    let may_create = data.permissions.is_some_and(|p| p.tasks.create);
    let dialog = NodeRef::<html::Dialog>::new();
    let search = NodeRef::<html::Input>::new();
    let groups = Memo::new(move |_| {
        let f = state.filter.get();
        let counts = state.data.with_value(|d| d.counts.clone());
        state.tasks.with(|t| filter::group(t, &f, &counts))
    });
    let shown_count =
        Memo::new(move |_| groups.with(|g| g.iter().map(|g| g.tasks.len()).sum::<usize>()));

    if may_create {
        Palette::register(vec![Command {
            label: "Create task".into(),
            action: CommandAction::NewTask,
        }]);
        Palette::on_request(move |action| {
            if action == CommandAction::NewTask
                && let Some(d) = dialog.get_untracked()
            {
                let _ = d.show_modal();
            }
        });
    }
    // Keyboard: `c` new task, `/` search, Escape clears the selection.
    let _keys = window_event_listener(leptos::ev::keydown, move |ev| {
        let typing = crate::components::keys::typing(&ev);
        // The task dialog has its own keys (Escape closes it).
        if typing
            || ev.ctrl_key()
            || ev.meta_key()
            || ev.alt_key()
            || state.link.task.get_untracked().is_some()
        {
            return;
        }
        match keys::action(Scope::Board, &ev) {
            Some(Action::NewTask) if may_create => {
                if let Some(d) = dialog.get() {
                    ev.prevent_default();
                    let _ = d.show_modal();
                }
            }
            Some(Action::Search) => {
                if let Some(input) = search.get() {
                    ev.prevent_default();
                    let _ = input.focus();
                }
            }
            Some(Action::Filter) => {
                if let Some(input) = document()
                    .get_element_by_id("filter-input")
                    .and_then(|el| JsCast::dyn_into::<web_sys::HtmlElement>(el).ok())
                {
                    ev.prevent_default();
                    let _ = input.focus();
                }
            }
            Some(Action::ClearSelection) => state.selected.set(Vec::new()),
            _ => {}
        }
    });

    view! {
        <div class="board-layout">
        <ViewsBar state/>
        <section class="board" data-testid="board">
            <div class="row spread board-head">
                <h1 class="org-title">{org.logo_url.clone().map(|src| view! { <img class="org-logo" src=src alt="" data-testid="org-logo"/> })}{org.name.clone()}</h1>
                <div class="row">
                    <span class="live" data-testid="live-status" data-state=move || live.state.get().as_str()
                        role="status"
                        title=move || match live.state.get() {
                            LinkState::Live => "Live: changes appear as they happen",
                            LinkState::Connecting => "Connecting…",
                            LinkState::Offline => "Offline: changes appear after a reload",
                        }>
                        {move || live.state.get().as_str()}
                    </span>
                    {org.settings.public_page.then(|| view! {
                        <a class="button" href=format!("/orgs/{}", org.slug) data-testid="public-page-link">"Public page"</a>
                    })}
                    {may_create.then(|| view! {
                        <button type="button" class="button primary" data-testid="new-task"
                            aria-keyshortcuts="c"
                            on:click=move |_| { if let Some(d) = dialog.get() { let _ = d.show_modal(); } }>
                            "New task"
                        </button>
                    })}
                </div>
            </div>
            <Toolbar state search/>
            <FilterBar state/>
            {may_create.then(|| view! { <QuickAdd state create/> })}
            {move || create.value().get().and_then(|r| r.err()).map(|e| view! { <p class="error" role="alert">{error_text(&e)}</p> })}
            {move || state.notice.get().map(|m| view! {
                <p class="notice-bar" role="alert" data-testid="notice">{m}
                    <button type="button" class="link" on:click=move |_| state.notice.set(None)>"Dismiss"</button>
                </p>
            })}
            <BulkBar state/>
            {move || match state.filter.with(|f| f.view) {
                View::Board => view! { <Kanban state groups/> }.into_any(),
                View::List => view! { <GroupedList state groups/> }.into_any(),
            }}
            <Show when=move || shown_count.get() == 0>
                {move || if state.filter.with(BoardFilter::is_filtering) {
                    view! { <p class="muted" data-testid="empty">"No task matches these filters."</p> }.into_any()
                } else {
                    let settings = format!("/orgs/{}/settings", org_slug.get_value());
                    view! {
                        <section class="empty-state" data-testid="empty">
                            <Glyph icon=Icon::SquareKanban class="big"/>
                            <h2>"No tasks yet"</h2>
                            <p class="muted">"Write down what the team is working on: press "<kbd>"C"</kbd>" for a new task, or type a title above."</p>
                            <div class="actions">
                                {may_create.then(|| view! {
                                    <button type="button" class="button primary" on:click=move |_| { if let Some(d) = dialog.get() { let _ = d.show_modal(); } }>
                                        <Glyph icon=Icon::Plus/>"Create the first task"
                                    </button>
                                })}
                                <a class="button" href=format!("{settings}#members")><Glyph icon=Icon::Users/>"Invite your team"</a>
                                <a class="button" href=format!("{settings}#public")><Glyph icon=Icon::Globe/>"Open a public page"</a>
                            </div>
                        </section>
                    }.into_any()
                }}
            </Show>
            {may_create.then(|| view! { <NewTaskDialog state create dialog/> })}
        </section>
        </div>
    }
    .into_any()
}

/// Moves the focus to task `number`'s card or row once the page has drawn it.
pub(crate) fn focus_task(number: i64) {
    request_animation_frame(move || {
        let selector =
            format!("[data-number=\"{number}\"] a.card-title, [data-number=\"{number}\"] a.title");
        if let Some(el) = document()
            .query_selector(&selector)
            .ok()
            .flatten()
            .and_then(|el| JsCast::dyn_into::<web_sys::HtmlElement>(el).ok())
        {
            let _ = el.focus();
        }
    });
}

/// A plain click on a task's link opens it over the board; with a modifier key or another
/// button the link does what links do (the full page, a new tab).
pub(super) fn open_on_click(state: BoardState, number: i64) -> impl Fn(leptos::ev::MouseEvent) {
    move |ev| {
        if ev.button() != 0 || ev.ctrl_key() || ev.meta_key() || ev.shift_key() || ev.alt_key() {
            return;
        }
        ev.prevent_default();
        state.link.open(number);
    }
}

pub(super) fn card_meta(task: &Task) -> impl IntoView + use<> {
    let status = task.status;
    let priority = (task.priority != TaskPriority::None).then(|| {
        view! {
            <span class=format!("prio prio-{}", task.priority.as_str()) title="Priority">
                <Glyph icon=Icon::of_priority(task.priority)/>{priority_label(task.priority)}
            </span>
        }
    });
    let labels = task
        .labels
        .iter()
        .map(|l| view! { <span class="chip" style=format!("--chip:{}", l.color)>{l.name.clone()}</span> })
        .collect_view();
    let people = task
        .assignees
        .iter()
        .map(|a| {
            let initials: String = a
                .name
                .split_whitespace()
                .filter_map(|w| w.chars().next())
                .take(2)
                .collect();
            view! { <span class="avatar" title=a.name.clone()>{initials}</span> }
        })
        .collect_view();
    let pulls = task
        .pull_requests
        .iter()
        .map(|p| {
            let title = format!("Pull request {}#{} ({})", p.repository, p.number, p.state);
            view! { <span class=format!("pr pr-{}", p.state) title=title data-testid="card-pr">{format!("PR #{}", p.number)}</span> }
        })
        .collect_view();
    let release = task.release.clone().map(|r| {
        view! { <span class="release-chip" title="Release" data-testid="card-release">{r}</span> }
    });
    view! {
        <span class=format!("status-icon status-{}", status.as_str()) role="img" aria-label=status.label() title=status.label()>
            <Glyph icon=Icon::of_status(status)/>
        </span>
        {priority}
        {labels}
        {release}
        {pulls}
        {(task.visibility == Visibility::Public).then(|| view! { <span class="badge">"public"</span> })}
        {(task.comment_count > 0).then(|| view! {
            <span class="count-chip" title="Comments">
                <Glyph icon=Icon::MessageSquare/>{task.comment_count}<span class="sr-only">" comments"</span>
            </span>
        })}
        {(task.vote_count > 0).then(|| view! {
            <span class="count-chip" title="Votes">
                <Glyph icon=Icon::ThumbsUp/>{task.vote_count}<span class="sr-only">" votes"</span>
            </span>
        })}
        <span class="people">{people}</span>
    }
}

/// Arrow keys move between the tasks of a board or list (their links), in reading order.
pub(super) fn arrow_keys(ev: leptos::ev::KeyboardEvent) {
    let step: i32 = match keys::action(Scope::Board, &ev) {
        Some(Action::Next) => 1,
        Some(Action::Previous) => -1,
        _ => return,
    };
    let Some(container) = ev
        .current_target()
        .and_then(|t| JsCast::dyn_into::<web_sys::Element>(t).ok())
    else {
        return;
    };
    let Ok(links) = container.query_selector_all("a.card-title, a.title") else {
        return;
    };
    let active = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.active_element());
    let count = links.length() as i32;
    let current = (0..count).find(|i| {
        links
            .item(*i as u32)
            .and_then(|n| JsCast::dyn_into::<web_sys::Element>(n).ok())
            == active
    });
    let next = match current {
        Some(i) => (i + step).clamp(0, count - 1),
        None if count > 0 => 0,
        None => return,
    };
    if let Some(el) = links
        .item(next as u32)
        .and_then(|n| JsCast::dyn_into::<web_sys::HtmlElement>(n).ok())
    {
        ev.prevent_default();
        let _ = el.focus();
    }
}

/// Where the board's tasks link to, less the number (read once per list: the slug is a
/// memo, and every memo read costs reactive_graph a copy of its sources).
pub(super) fn tasks_href(state: &BoardState) -> String {
    format!("/orgs/{}/tasks/", state.slug.get_untracked())
}
