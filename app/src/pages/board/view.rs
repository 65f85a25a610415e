//! The board's parts: toolbar and filters, kanban columns, the grouped list, the bulk bar
//! and the new-task dialog.

use super::BoardState;
use super::filter::{self, BoardFilter, Group, GroupBy, View, priority_label};
use crate::api::{BulkUpdate, CreateTask, UpdateTask};
use crate::components::{Command, CommandAction, MarkdownEditor, Palette};
use crate::pages::error_text;
use crate::realtime::{LinkState, Live};
use domain::dto::{Task, TaskPriority, TaskStatus, Visibility};
use leptos::html;
use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;
use leptos::web_sys;
use leptos_router::components::Form;

fn update_call(state: &BoardState, task: &Task) -> UpdateTask {
    UpdateTask {
        slug: state.slug.get_untracked(),
        number: task.number,
        version: task.version,
        title: None,
        description: None,
        status: None,
        priority: None,
        visibility: None,
        labels: None,
        assignees: None,
        category: None,
        below: None,
        above: None,
    }
}

/// The task shown as `number`, to edit.
fn shown_task(state: &BoardState, number: i64) -> Option<Task> {
    state.tasks.with_untracked(|all| {
        all.iter()
            .find(|t| t.number == number)
            .map(|t| Task::clone(t))
    })
}

/// Moves a task to a status (a drop on a column, a pick in a list row).
pub(crate) fn set_status(state: &BoardState, number: i64, status: TaskStatus) {
    let Some(task) = shown_task(state, number) else {
        return;
    };
    if task.status == status {
        return;
    }
    let call = UpdateTask {
        status: Some(status.as_str().into()),
        ..update_call(state, &task)
    };
    state.change(Task { status, ..task }, call);
}

fn set_priority(state: &BoardState, number: i64, priority: TaskPriority) {
    let Some(task) = shown_task(state, number) else {
        return;
    };
    if task.priority == priority {
        return;
    }
    let call = UpdateTask {
        priority: Some(priority.as_str().into()),
        ..update_call(state, &task)
    };
    state.change(Task { priority, ..task }, call);
}

/// Places a task between two of its column (numbers as shown; either may be missing),
/// taking `status` on the way when it comes from another column.
fn move_task(
    state: &BoardState,
    number: i64,
    status: Option<TaskStatus>,
    below: Option<i64>,
    above: Option<i64>,
) {
    let Some(task) = shown_task(state, number) else {
        return;
    };
    let rank_of = state.tasks.with_untracked(|all| {
        let rank_of = |n: Option<i64>| {
            n.and_then(|n| all.iter().find(|t| t.number == n).map(|t| t.rank.clone()))
        };
        (rank_of(below), rank_of(above))
    });
    let status = status.filter(|s| *s != task.status);
    let placed = below.is_some() || above.is_some();
    if status.is_none() && !placed {
        return;
    }
    // The server decides the rank; this guess shows the move at once.
    let rank = if placed {
        domain::rank::between(rank_of.0.as_deref(), rank_of.1.as_deref(), number)
            .unwrap_or_else(|| task.rank.clone())
    } else {
        task.rank.clone()
    };
    let call = UpdateTask {
        status: status.map(|s| s.as_str().into()),
        below,
        above,
        ..update_call(state, &task)
    };
    let edited = Task {
        status: status.unwrap_or(task.status),
        rank,
        ..task
    };
    state.change(edited, call);
}

/// Where a card dropped on `order` (a column's tasks, top to bottom) at `target` goes: the
/// tasks it lands between. On a card's upper half it goes above that card, else below;
/// off the cards, at the bottom.
fn drop_between(
    order: &[i64],
    moving: i64,
    target: Option<(i64, bool)>,
) -> (Option<i64>, Option<i64>) {
    let rest: Vec<i64> = order.iter().copied().filter(|n| *n != moving).collect();
    let at = match target {
        Some((n, upper)) if n != moving => match rest.iter().position(|x| *x == n) {
            Some(i) if upper => i,
            Some(i) => i + 1,
            None => rest.len(),
        },
        // On itself: where it is.
        Some(_) => return (None, None),
        None => rest.len(),
    };
    let below = at.checked_sub(1).and_then(|i| rest.get(i).copied());
    (below, rest.get(at).copied())
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
fn open_on_click(state: BoardState, number: i64) -> impl Fn(leptos::ev::MouseEvent) {
    move |ev| {
        if ev.button() != 0 || ev.ctrl_key() || ev.meta_key() || ev.shift_key() || ev.alt_key() {
            return;
        }
        ev.prevent_default();
        state.link.open(number);
    }
}

#[component]
pub(crate) fn BoardView(
    state: BoardState,
    live: Live,
    create: ServerAction<CreateTask>,
) -> impl IntoView {
    let data = state.data.get_value();
    let org = data.org.clone();
    let may_create = data.permissions.is_some_and(|p| p.tasks.create);
    let dialog = NodeRef::<html::Dialog>::new();
    let search = NodeRef::<html::Input>::new();
    let groups = Memo::new(move |_| {
        let f = state.filter.get();
        state.tasks.with(|t| filter::group(t, &f))
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
        let typing = ev
            .target()
            .and_then(|t| JsCast::dyn_into::<web_sys::HtmlElement>(t).ok())
            .is_some_and(|el| {
                matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
                    || el.is_content_editable()
            });
        // The task dialog has its own keys (Escape closes it).
        if typing
            || ev.ctrl_key()
            || ev.meta_key()
            || ev.alt_key()
            || state.link.task.get_untracked().is_some()
        {
            return;
        }
        match ev.key().as_str() {
            "c" if may_create => {
                if let Some(d) = dialog.get() {
                    ev.prevent_default();
                    let _ = d.show_modal();
                }
            }
            "/" => {
                if let Some(input) = search.get() {
                    ev.prevent_default();
                    let _ = input.focus();
                }
            }
            "Escape" => state.selected.set(Vec::new()),
            _ => {}
        }
    });

    view! {
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
                <p class="muted" data-testid="empty">
                    {move || if state.filter.with(BoardFilter::is_filtering) { "No task matches these filters." } else { "No tasks yet." }}
                </p>
            </Show>
            {may_create.then(|| view! { <NewTaskDialog state create dialog/> })}
        </section>
    }
    .into_any()
}

/// View, grouping, closed tasks and the filters: a GET form, so every state is a URL and
/// it works without JavaScript; with it, any change applies at once.
#[component]
fn Toolbar(state: BoardState, search: NodeRef<html::Input>) -> impl IntoView {
    let data = state.data.get_value();
    let base = move || format!("/orgs/{}/tasks", state.slug.get());
    let with_view = move |view: View| {
        let mut f = state.filter.get();
        f.view = view;
        state.href(&f)
    };
    let submit = move |ev: leptos::ev::Event| {
        if let Some(form) = ev
            .target()
            .and_then(|t| JsCast::dyn_into::<web_sys::Element>(t).ok())
            .and_then(|el| el.closest("form").ok().flatten())
            .and_then(|f| JsCast::dyn_into::<web_sys::HtmlFormElement>(f).ok())
        {
            let _ = form.request_submit();
        }
    };
    let checked = move |key: &'static str, value: String| {
        move || {
            state.filter.with(|f| match key {
                "status" => f.statuses.iter().any(|s| s.as_str() == value),
                "priority" => f.priorities.iter().any(|p| p.as_str() == value),
                "label" => f.labels.iter().any(|l| l.to_string() == value),
                "assignee" => f.assignees.iter().any(|a| a.to_string() == value),
                "category" => f.categories.iter().any(|c| c.to_string() == value),
                _ => false,
            })
        }
    };
    let choice = move |key: &'static str, value: String, label: String| {
        view! {
            <label class="check">
                <input type="checkbox" name=key value=value.clone() prop:checked=checked(key, value) on:change=submit/>
                {label}
            </label>
        }
    };
    let statuses: Vec<_> = TaskStatus::ALL
        .iter()
        .map(|s| choice("status", s.as_str().into(), s.label().into()))
        .collect();
    let priorities: Vec<_> = TaskPriority::ALL
        .iter()
        .rev()
        .map(|p| choice("priority", p.as_str().into(), priority_label(*p).into()))
        .collect();
    let labels: Vec<_> = data
        .labels
        .iter()
        .map(|l| choice("label", l.id.to_string(), l.name.clone()))
        .collect();
    let assignees: Vec<_> = data
        .members
        .iter()
        .map(|m| choice("assignee", m.id.to_string(), m.name.clone()))
        .collect();
    let categories: Vec<_> = data
        .categories
        .iter()
        .map(|c| choice("category", c.id.to_string(), c.name.clone()))
        .collect();
    let menu = |title: &'static str, items: Vec<AnyView>, testid: &'static str| {
        (!items.is_empty()).then(|| {
            view! {
                <details class="menu" data-testid=testid>
                    <summary>{title}</summary>
                    <div class="menu-items">{items}</div>
                </details>
            }
        })
    };
    let any = |v: Vec<_>| {
        v.into_iter()
            .map(IntoAny::into_any)
            .collect::<Vec<AnyView>>()
    };
    view! {
        <div class="toolbar">
            <nav class="segmented" aria-label="View">
                <a href=move || with_view(View::Board) aria-current=move || (state.filter.with(|f| f.view) == View::Board).then_some("page") data-testid="view-board">"Board"</a>
                <a href=move || with_view(View::List) aria-current=move || (state.filter.with(|f| f.view) == View::List).then_some("page") data-testid="view-list">"List"</a>
            </nav>
            <Form method="GET" action=base attr:class="filters" attr:role="search" attr:data-testid="filters">
                {move || (state.filter.with(|f| f.view) == View::List).then(|| view! { <input type="hidden" name="view" value="list"/> })}
                <label class="sr-only" for="board-search">"Search tasks"</label>
                <input id="board-search" node_ref=search type="search" name="q" placeholder="Search  /" aria-keyshortcuts="/"
                    prop:value=move || state.filter.with(|f| f.text.clone()) data-testid="search"/>
                <label class="inline">"Group by "
                    <select name="group" on:change=submit data-testid="group-by">
                        {GroupBy::ALL.iter().map(|g| view! {
                            <option value=g.as_str() selected=move || state.filter.with(|f| f.group) == *g>{g.label()}</option>
                        }).collect_view()}
                    </select>
                </label>
                {menu("Status", any(statuses), "filter-status")}
                {menu("Priority", any(priorities), "filter-priority")}
                {menu("Label", any(labels), "filter-label")}
                {menu("Assignee", any(assignees), "filter-assignee")}
                {menu("Category", any(categories), "filter-category")}
                <label class="check">
                    <input type="checkbox" name="closed" value="1" prop:checked=move || state.filter.with(|f| f.show_closed) on:change=submit data-testid="show-closed"/>
                    "Done & canceled"
                </label>
                <button type="submit" class="button">"Apply"</button>
                {move || state.filter.with(BoardFilter::is_filtering).then(|| view! {
                    <a href=move || { let f = state.filter.get(); state.href(&BoardFilter { view: f.view, group: f.group, show_closed: f.show_closed, ..Default::default() }) } data-testid="clear-filters">"Clear"</a>
                })}
            </Form>
        </div>
    }
    .into_any()
}

/// One-line task entry: a plain form, so it works without JavaScript.
#[component]
fn QuickAdd(state: BoardState, create: ServerAction<CreateTask>) -> impl IntoView {
    let form = NodeRef::<html::Form>::new();
    Effect::new(move |_| {
        if let Some(Ok(_)) = create.value().get()
            && let Some(form) = form.get()
        {
            form.reset();
        }
    });
    view! {
        <ActionForm action=create node_ref=form attr:class="new-task" attr:data-testid="new-task-form">
            <input type="hidden" name="slug" value=move || state.slug.get()/>
            <label class="grow">
                <span class="sr-only">"Title"</span>
                <input name="title" required maxlength="200" placeholder="Add a task…" autocomplete="off"/>
            </label>
            <label>
                <span class="sr-only">"Visibility"</span>
                <select name="visibility">
                    <option value="private" selected>"Private"</option>
                    <option value="public">"Public"</option>
                </select>
            </label>
            <button type="submit" class="button">"Add"</button>
        </ActionForm>
    }
    .into_any()
}

fn card_meta(task: &Task) -> impl IntoView + use<> {
    let priority = (task.priority != TaskPriority::None).then(|| {
        view! { <span class=format!("prio prio-{}", task.priority.as_str()) title="Priority">{priority_label(task.priority)}</span> }
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
    view! {
        {priority}
        {labels}
        {(task.visibility == Visibility::Public).then(|| view! { <span class="badge">"public"</span> })}
        {(task.comment_count > 0).then(|| view! { <span class="muted small" title="Comments">"💬 "{task.comment_count}</span> })}
        <span class="people">{people}</span>
    }
}

/// Arrow keys move between the tasks of a board or list (their links), in reading order.
fn arrow_keys(ev: leptos::ev::KeyboardEvent) {
    if ev.alt_key() || ev.ctrl_key() || ev.meta_key() {
        return;
    }
    let step: i32 = match ev.key().as_str() {
        "ArrowDown" | "ArrowRight" => 1,
        "ArrowUp" | "ArrowLeft" => -1,
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
fn tasks_href(state: &BoardState) -> String {
    format!("/orgs/{}/tasks/", state.slug.get_untracked())
}

/// A signal that follows `f`: cheap to read once per card. In the browser an effect keeps
/// it current; on the server, where nothing changes during a render, it holds `f`'s value.
fn follow<T>(f: impl Fn() -> T + Send + Sync + 'static) -> ReadSignal<T>
where
    T: Clone + PartialEq + Send + Sync + 'static,
{
    let (read, write) = signal(untrack(&f));
    Effect::new(move |_| {
        let now = f();
        if read.with_untracked(|v| *v != now) {
            write.set(now);
        }
    });
    read
}

/// Columns of the current grouping; a card dropped on a status or priority column takes
/// that status or priority.
#[component]
fn Kanban(state: BoardState, groups: Memo<Vec<Group>>) -> impl IntoView {
    let dragging = RwSignal::new(None::<i64>);
    let over = RwSignal::new(None::<String>);
    // The card a drag is over, and whether over its upper half.
    let over_card = RwSignal::new(None::<(i64, bool)>);
    let movable = follow(move || {
        state
            .filter
            .with(|f| matches!(f.group, GroupBy::Status | GroupBy::Priority))
    });
    // Columns are in the team's order only when grouped by status.
    let orderable = follow(move || state.filter.with(|f| f.group == GroupBy::Status));
    // A card moved with the keyboard keeps the focus while its column is drawn again.
    let keep_focus = RwSignal::new(None::<i64>);
    Effect::new(move |_| {
        groups.track();
        if let Some(n) = keep_focus.get_untracked() {
            let lost = document()
                .active_element()
                .is_none_or(|el| el.tag_name() == "BODY");
            if lost {
                focus_task(n);
            }
        }
    });
    view! {
        <div class="kanban" data-testid="kanban" on:keydown=arrow_keys
            on:focusout=move |ev| { if ev.related_target().is_some() { keep_focus.set(None); } }>
            <For each=move || groups.get() key=|g| (g.key.clone(), g.hidden, g.tasks.iter().map(|t| (t.number, t.version)).collect::<Vec<_>>()) let:group>
                {
                    let key = group.key.clone();
                    let key_over = key.clone();
                    let key_leave = key.clone();
                    let status = group.status;
                    let priority: Option<TaskPriority> = key.strip_prefix("priority:").and_then(|p| p.parse().ok());
                    let count = group.tasks.len();
                    let hidden = group.hidden;
                    let order: Vec<i64> = group.tasks.iter().map(|t| t.number).collect();
                    let order = StoredValue::new(order);
                    let base = tasks_href(&state);
                    let show_closed = {
                        let mut f = state.filter.get_untracked();
                        f.show_closed = true;
                        state.href(&f)
                    };
                    view! {
                        <section class="column" data-testid="column" data-group=key.clone()
                            class:drop=move || over.get().as_deref() == Some(key.as_str())
                            aria-label=format!("{} ({count})", group.title)
                            on:dragover=move |ev| {
                                if !movable.get() || dragging.get_untracked().is_none() { return; }
                                ev.prevent_default();
                                over.set(Some(key_over.clone()));
                                // Off the cards (a card's own handler ran first when on one).
                                let on_card = ev.target()
                                    .and_then(|t| JsCast::dyn_into::<web_sys::Element>(t).ok())
                                    .and_then(|el| el.closest("[data-testid=task-card]").ok().flatten())
                                    .is_some();
                                if !on_card && over_card.get_untracked().is_some() { over_card.set(None); }
                            }
                            on:dragleave=move |_| { if over.get_untracked().as_deref() == Some(key_leave.as_str()) { over.set(None); } }
                            on:drop=move |ev| {
                                ev.prevent_default();
                                over.set(None);
                                let number = dragging.get_untracked().or_else(|| {
                                    ev.data_transfer().and_then(|d| d.get_data("text/plain").ok()).and_then(|n| n.parse().ok())
                                });
                                dragging.set(None);
                                let target = over_card.get_untracked();
                                over_card.set(None);
                                let Some(number) = number else { return };
                                if orderable.get() {
                                    let (below, above) = order.with_value(|o| drop_between(o, number, target));
                                    move_task(&state, number, status, below, above);
                                    return;
                                }
                                if let Some(s) = status { set_status(&state, number, s); }
                                if let Some(p) = priority { set_priority(&state, number, p); }
                            }>
                            <h2 class="column-head">{group.title.clone()}<span class="count">{count}</span></h2>
                            <ul class="cards" role="list">
                                {group.tasks.into_iter().map(|task| {
                                    let number = task.number;
                                    let href = format!("{base}{number}");
                                    view! {
                                        <li class="card-task" draggable=move || if movable.get() { "true" } else { "false" }
                                            data-testid="task-card" data-number=number
                                            class:pending=move || state.pending.with(|p| p.contains_key(&task.id))
                                            class:drop-above=move || orderable.get() && over_card.get() == Some((number, true))
                                            class:drop-below=move || orderable.get() && over_card.get() == Some((number, false))
                                            on:dragstart=move |ev| {
                                                dragging.set(Some(number));
                                                if let Some(d) = ev.data_transfer() { let _ = d.set_data("text/plain", &number.to_string()); }
                                            }
                                            on:dragover=move |ev| {
                                                if dragging.get_untracked().is_none() { return; }
                                                let Some(el) = ev.current_target().and_then(|t| JsCast::dyn_into::<web_sys::Element>(t).ok()) else { return };
                                                let rect = el.get_bounding_client_rect();
                                                let upper = f64::from(ev.client_y()) < rect.top() + rect.height() / 2.0;
                                                if over_card.get_untracked() != Some((number, upper)) { over_card.set(Some((number, upper))); }
                                            }
                                            on:dragend=move |_| { dragging.set(None); over_card.set(None); }
                                            on:keydown=move |ev| {
                                                let up = match ev.key().as_str() { "ArrowUp" => true, "ArrowDown" => false, _ => return };
                                                if !ev.alt_key() || !orderable.get() { return; }
                                                ev.prevent_default();
                                                let (below, above) = order.with_value(|o| {
                                                    let i = o.iter().position(|n| *n == number).unwrap_or(0);
                                                    if up {
                                                        (i.checked_sub(2).map(|j| o[j]), i.checked_sub(1).map(|j| o[j]))
                                                    } else {
                                                        (o.get(i + 1).copied(), o.get(i + 2).copied())
                                                    }
                                                });
                                                if below.is_none() && above.is_none() { return; }
                                                // At the top or bottom already: nothing to pass.
                                                if (up && above.is_none()) || (!up && below.is_none()) { return; }
                                                keep_focus.set(Some(number));
                                                move_task(&state, number, None, below, above);
                                            }>
                                            <a href=href class="card-title" aria-keyshortcuts="Alt+ArrowUp Alt+ArrowDown"
                                                on:click=open_on_click(state, number)><span class="key">{task.key.clone()}</span>" "{task.title.clone()}</a>
                                            <div class="card-meta">{card_meta(&task)}</div>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                            {(hidden > 0).then(|| view! { <a class="small muted hidden-note" href=show_closed>{format!("{hidden} hidden")}</a> })}
                        </section>
                    }
                }
            </For>
        </div>
    }
    .into_any()
}

/// Sections of the current grouping with selectable rows and an inline status picker.
#[component]
fn GroupedList(state: BoardState, groups: Memo<Vec<Group>>) -> impl IntoView {
    let selectable = state.data.with_value(|d| d.permissions.is_some());
    let base = tasks_href(&state);
    view! {
        <div class="grouped" data-testid="list" on:keydown=arrow_keys>
            <For each=move || groups.get() key=|g| (g.key.clone(), g.tasks.iter().map(|t| (t.number, t.version)).collect::<Vec<_>>()) let:group>
                <section class="group" aria-label=group.title.clone()>
                    <h2 class="column-head">{group.title.clone()}<span class="count">{group.tasks.len()}</span></h2>
                    <ul class="tasks" role="list">
                        {group.tasks.into_iter().map(|task| {
                            let number = task.number;
                            let href = format!("{base}{number}");
                            let current = task.status;
                            view! {
                                <li class="task" data-testid="task-item" data-number=number>
                                    {selectable.then(|| view! {
                                        <input type="checkbox" aria-label=format!("Select {}", task.key)
                                            prop:checked=move || state.selected.with(|s| s.contains(&number))
                                            on:change=move |ev| {
                                                let on = event_target_checked(&ev);
                                                state.selected.update(|s| { s.retain(|n| *n != number); if on { s.push(number); } });
                                            }/>
                                    })}
                                    <span class="key">{task.key.clone()}</span>
                                    <a class="title" href=href on:click=open_on_click(state, number)>{task.title.clone()}</a>
                                    <span class="card-meta">{card_meta(&task)}</span>
                                    {selectable.then(|| view! {
                                        <select class="status-pick" aria-label=format!("Status of {}", task.key)
                                            on:change=move |ev| { if let Ok(s) = event_target_value(&ev).parse() { set_status(&state, number, s); } }>
                                            {TaskStatus::ALL.iter().map(|s| view! { <option value=s.as_str() selected=*s == current>{s.label()}</option> }).collect_view()}
                                        </select>
                                    })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                </section>
            </For>
        </div>
    }
    .into_any()
}

/// Shown while tasks are selected: one change for all of them.
#[component]
fn BulkBar(state: BoardState) -> impl IntoView {
    let data = state.data.get_value();
    let apply = move |status: Option<String>,
                      priority: Option<String>,
                      label: Option<String>,
                      assignee: Option<String>| {
        let numbers = state.selected.get_untracked();
        if numbers.is_empty() {
            return;
        }
        state.notice.set(None);
        state.bulk.dispatch(BulkUpdate {
            slug: state.slug.get_untracked(),
            numbers,
            status,
            priority,
            add_label: label.and_then(|l| l.parse().ok()),
            add_assignee: assignee.and_then(|a| a.parse().ok()),
        });
    };
    let labels = data.labels.clone();
    let members = data.members.clone();
    view! {
        <Show when=move || state.selected.with(|s| !s.is_empty())>
            <div class="bulk-bar" role="toolbar" aria-label="Change selected tasks" data-testid="bulk-bar">
                <span>{move || format!("{} selected", state.selected.with(Vec::len))}</span>
                <select aria-label="Set status" data-testid="bulk-status" on:change=move |ev| { let v = event_target_value(&ev); if !v.is_empty() { apply(Some(v), None, None, None); } }>
                    <option value="">"Status…"</option>
                    {TaskStatus::ALL.iter().map(|s| view! { <option value=s.as_str()>{s.label()}</option> }).collect_view()}
                </select>
                <select aria-label="Set priority" data-testid="bulk-priority" on:change=move |ev| { let v = event_target_value(&ev); if !v.is_empty() { apply(None, Some(v), None, None); } }>
                    <option value="">"Priority…"</option>
                    {TaskPriority::ALL.iter().rev().map(|p| view! { <option value=p.as_str()>{priority_label(*p)}</option> }).collect_view()}
                </select>
                <select aria-label="Add label" on:change=move |ev| { let v = event_target_value(&ev); if !v.is_empty() { apply(None, None, Some(v), None); } }>
                    <option value="">"Add label…"</option>
                    {labels.iter().map(|l| view! { <option value=l.id.to_string()>{l.name.clone()}</option> }).collect_view()}
                </select>
                <select aria-label="Add assignee" on:change=move |ev| { let v = event_target_value(&ev); if !v.is_empty() { apply(None, None, None, Some(v)); } }>
                    <option value="">"Assign…"</option>
                    {members.iter().map(|m| view! { <option value=m.id.to_string()>{m.name.clone()}</option> }).collect_view()}
                </select>
                <button type="button" class="link" on:click=move |_| state.selected.set(Vec::new())>"Clear selection"</button>
            </div>
        </Show>
    }
    .into_any()
}

/// The full new-task form in a dialog (`c`).
#[component]
fn NewTaskDialog(
    state: BoardState,
    create: ServerAction<CreateTask>,
    dialog: NodeRef<html::Dialog>,
) -> impl IntoView {
    let data = state.data.get_value();
    let title = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let status = RwSignal::new(String::from("todo"));
    let priority = RwSignal::new(String::from("none"));
    let visibility = RwSignal::new(String::from("private"));
    let category = RwSignal::new(String::new());
    let labels = RwSignal::new(Vec::<String>::new());
    let assignees = RwSignal::new(Vec::<String>::new());
    let close = move || {
        if let Some(d) = dialog.get_untracked() {
            d.close();
        }
    };
    Effect::new(move |_| {
        if let Some(Ok(_)) = create.value().get() {
            title.set(String::new());
            description.set(String::new());
            labels.set(Vec::new());
            assignees.set(Vec::new());
            close();
        }
    });
    let toggle = |list: RwSignal<Vec<String>>, id: String| {
        move |ev: leptos::ev::Event| {
            let on = event_target_checked(&ev);
            list.update(|l| {
                l.retain(|x| *x != id);
                if on {
                    l.push(id.clone());
                }
            });
        }
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        fn parse<T: std::str::FromStr>(l: Vec<String>) -> Option<Vec<T>> {
            Some(l.iter().filter_map(|s| s.parse().ok()).collect())
        }
        create.dispatch(CreateTask {
            slug: state.slug.get_untracked(),
            title: title.get_untracked(),
            visibility: Some(visibility.get_untracked()),
            description: Some(description.get_untracked()).filter(|d| !d.trim().is_empty()),
            status: Some(status.get_untracked()),
            priority: Some(priority.get_untracked()),
            category: category.get_untracked().parse().ok(),
            labels: parse(labels.get_untracked()),
            assignees: parse(assignees.get_untracked()),
        });
    };
    view! {
        <dialog node_ref=dialog class="dialog" aria-labelledby="new-task-title" data-testid="new-task-dialog">
            <form class="stack wide" on:submit=submit>
                <h2 id="new-task-title">"New task"</h2>
                <label>"Title" <input required maxlength="200" bind:value=title autofocus data-testid="dialog-title"/></label>
                <MarkdownEditor id="dialog-description" label="Description (Markdown)" slug=state.slug.get_untracked() value=description mentions=true
                    public=Signal::derive(move || visibility.get() == "public") testid="dialog-description"/>
                <div class="row wrap">
                    <label>"Status" <select bind:value=status>
                        {TaskStatus::ALL.iter().map(|s| view! { <option value=s.as_str()>{s.label()}</option> }).collect_view()}
                    </select></label>
                    <label>"Priority" <select bind:value=priority>
                        {TaskPriority::ALL.iter().map(|p| view! { <option value=p.as_str()>{priority_label(*p)}</option> }).collect_view()}
                    </select></label>
                    <label>"Visibility" <select bind:value=visibility>
                        <option value="private">"Private"</option>
                        <option value="public">"Public"</option>
                    </select></label>
                    {(!data.categories.is_empty()).then(|| view! {
                        <label>"Category" <select bind:value=category>
                            <option value="">"None"</option>
                            {data.categories.iter().map(|c| view! { <option value=c.id.to_string()>{c.name.clone()}</option> }).collect_view()}
                        </select></label>
                    })}
                </div>
                {(!data.labels.is_empty()).then(|| view! {
                    <fieldset><legend>"Labels"</legend>
                        {data.labels.iter().map(|l| view! { <label class="check"><input type="checkbox" on:change=toggle(labels, l.id.to_string())/>{l.name.clone()}</label> }).collect_view()}
                    </fieldset>
                })}
                {(!data.members.is_empty()).then(|| view! {
                    <fieldset><legend>"Assignees"</legend>
                        {data.members.iter().map(|m| view! { <label class="check"><input type="checkbox" on:change=toggle(assignees, m.id.to_string())/>{m.name.clone()}</label> }).collect_view()}
                    </fieldset>
                })}
                <div class="row">
                    <button type="submit" class="button primary" data-testid="dialog-create">"Create task"</button>
                    <button type="button" class="button" on:click=move |_| close()>"Cancel"</button>
                </div>
            </form>
        </dialog>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::drop_between;

    #[test]
    fn a_drop_lands_between_the_cards_around_the_pointer() {
        let column = [3, 2, 1];
        assert_eq!(drop_between(&column, 1, Some((3, true))), (None, Some(3)));
        assert_eq!(
            drop_between(&column, 1, Some((3, false))),
            (Some(3), Some(2))
        );
        assert_eq!(drop_between(&column, 3, Some((1, false))), (Some(1), None));
        assert_eq!(
            drop_between(&column, 3, None),
            (Some(1), None),
            "off the cards: bottom"
        );
        assert_eq!(
            drop_between(&column, 2, Some((2, true))),
            (None, None),
            "on itself"
        );
        assert_eq!(drop_between(&[], 7, None), (None, None), "an empty column");
        assert_eq!(
            drop_between(&column, 9, Some((2, true))),
            (Some(3), Some(2)),
            "from another column"
        );
    }
}
