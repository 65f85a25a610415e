//! The command palette (Ctrl/Cmd+K): go to a board or its settings, switch org, create a
//! task (from a template too), and — on a task page — change its status, priority or
//! assignees, add a subtask or relation, set its parent or delete it. Pages add their
//! own commands through [`Palette`]; the palette hands the chosen one back through
//! `request`, so nothing but plain data crosses between them.

use crate::api::load_home;
use crate::components::keys::{self, Action, Scope};
use domain::dto::{TaskPriority, TaskStatus};
use domain::{TemplateId, UserId};
use leptos::html;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

/// What a command does.
#[derive(Clone, Debug, PartialEq)]
pub enum CommandAction {
    Navigate(String),
    NewTask,
    /// The new-task dialog, filled from a template.
    NewTaskFromTemplate(TemplateId),
    SetStatus(TaskStatus),
    SetPriority(TaskPriority),
    ToggleAssignee(UserId),
    /// On a task page: ask to delete the task.
    DeleteTask,
    /// On a task page: go to the subtask, parent or relation field.
    AddSubtask,
    SetParent,
    AddRelation,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Command {
    pub label: String,
    pub action: CommandAction,
}

/// Shared by the palette and the pages.
#[derive(Clone, Copy)]
pub struct Palette {
    /// Commands of the page on screen.
    pub page_commands: RwSignal<Vec<Command>>,
    /// The page command chosen last, numbered so that every listener acts on it once.
    pub request: RwSignal<Option<(u64, CommandAction)>>,
    /// Bumped to open the palette (the sidebar's button), and the shortcut sheet.
    pub open_palette: RwSignal<u32>,
    pub open_sheet: RwSignal<u32>,
}

/// Runs `open` each time `bumped` changes (not for the value it has when this starts): how
/// the sidebar's buttons open the palette and the shortcut sheet.
pub fn open_when_bumped(bumped: RwSignal<u32>, open: impl Fn() + 'static) {
    Effect::new(move |seen: Option<u32>| {
        let n = bumped.get();
        if seen.is_some_and(|seen| seen != n) {
            open();
        }
        n
    });
}

impl Palette {
    pub fn provide() -> Self {
        let palette = Palette {
            page_commands: RwSignal::new(Vec::new()),
            request: RwSignal::new(None),
            open_palette: RwSignal::new(0),
            open_sheet: RwSignal::new(0),
        };
        provide_context(palette);
        palette
    }

    /// Adds commands while the calling component lives (a task dialog adds its own to the
    /// board's).
    pub fn register(commands: Vec<Command>) {
        if let Some(p) = use_context::<Palette>() {
            let mine = commands.clone();
            p.page_commands.update(|all| all.extend(commands));
            on_cleanup(move || {
                p.page_commands
                    .try_update(|all| all.retain(|c| !mine.contains(c)));
            });
        }
    }

    /// Calls `act` with each page command chosen while the calling component lives.
    pub fn on_request(act: impl Fn(CommandAction) + 'static) {
        if let Some(p) = use_context::<Palette>() {
            let seen = StoredValue::new(p.request.with_untracked(|r| r.as_ref().map(|r| r.0)));
            Effect::new(move |_| {
                if let Some((n, action)) = p.request.get()
                    && seen.get_value() != Some(n)
                {
                    seen.set_value(Some(n));
                    act(action);
                }
            });
        }
    }
}

fn matches(label: &str, query: &str) -> bool {
    let label = label.to_lowercase();
    query
        .to_lowercase()
        .split_whitespace()
        .all(|word| label.contains(word))
}

#[component]
pub fn CommandPalette() -> impl IntoView {
    let palette = expect_context::<Palette>();
    let dialog = NodeRef::<html::Dialog>::new();
    let input = NodeRef::<html::Input>::new();
    let query = RwSignal::new(String::new());
    let active = RwSignal::new(0usize);
    let opened = RwSignal::new(0u32);
    // The orgs are fetched when the palette first opens, not on every page.
    let orgs = LocalResource::new(move || {
        let n = opened.get();
        async move {
            if n == 0 {
                return Vec::new();
            }
            load_home().await.map(|h| h.orgs).unwrap_or_default()
        }
    });
    let commands = Memo::new(move |_| {
        let mut all = palette.page_commands.get();
        for org in orgs.get().unwrap_or_default() {
            all.push(Command {
                label: format!("Go to {} board", org.name),
                action: CommandAction::Navigate(format!("/orgs/{}/tasks", org.slug)),
            });
            all.push(Command {
                label: format!("Go to {} settings", org.name),
                action: CommandAction::Navigate(format!("/orgs/{}/settings", org.slug)),
            });
        }
        all.push(Command {
            label: "Go home (switch organization)".into(),
            action: CommandAction::Navigate("/".into()),
        });
        all.push(Command {
            label: "Go to account settings".into(),
            action: CommandAction::Navigate("/settings/account".into()),
        });
        let q = query.get();
        all.into_iter()
            .filter(|c| matches(&c.label, &q))
            .collect::<Vec<_>>()
    });
    let open = move || {
        query.set(String::new());
        active.set(0);
        opened.update(|n| *n += 1);
        if let Some(d) = dialog.get_untracked() {
            let _ = d.show_modal();
        }
        if let Some(i) = input.get_untracked() {
            let _ = i.focus();
        }
    };
    let close = move || {
        if let Some(d) = dialog.get_untracked() {
            d.close();
        }
    };
    let run = move |command: Command| {
        close();
        match command.action {
            CommandAction::Navigate(to) => use_navigate()(&to, Default::default()),
            other => palette.request.update(|r| {
                let n = r.as_ref().map_or(0, |r| r.0 + 1);
                *r = Some((n, other));
            }),
        }
    };
    let _keys = window_event_listener(leptos::ev::keydown, move |ev| {
        if keys::action(Scope::Anywhere, &ev) == Some(Action::OpenPalette) {
            ev.prevent_default();
            open();
        }
    });
    open_when_bumped(palette.open_palette, open);
    view! {
        <dialog node_ref=dialog class="dialog palette" aria-label="Command palette" data-testid="palette">
            <input node_ref=input type="text" role="combobox" aria-expanded="true" aria-controls="palette-list"
                aria-activedescendant=move || format!("palette-item-{}", active.get())
                placeholder="Type a command…" data-testid="palette-input"
                prop:value=move || query.get()
                on:input=move |ev| { query.set(event_target_value(&ev)); active.set(0); }
                on:keydown=move |ev| {
                    let count = commands.with(Vec::len);
                    match keys::action(Scope::List, &ev) {
                        Some(Action::Next) if count > 0 => { ev.prevent_default(); active.update(|a| *a = (*a + 1) % count); }
                        Some(Action::Previous) if count > 0 => { ev.prevent_default(); active.update(|a| *a = (*a + count - 1) % count); }
                        Some(Action::Choose) => {
                            ev.prevent_default();
                            if let Some(c) = commands.with(|c| c.get(active.get_untracked()).cloned()) { run(c); }
                        }
                        _ => {}
                    }
                }/>
            <ul id="palette-list" role="listbox" class="palette-list">
                {move || commands.get().into_iter().enumerate().map(|(i, c)| {
                    let label = c.label.clone();
                    view! {
                        <li id=format!("palette-item-{i}") role="option" aria-selected=move || (active.get() == i).to_string()
                            class:active=move || active.get() == i data-testid="palette-item"
                            on:mousemove=move |_| active.set(i)
                            on:click=move |_| run(c.clone())>{label}</li>
                    }
                }).collect_view()}
            </ul>
            <p class="muted small">"↑↓ to move · Enter to run · Esc to close"</p>
        </dialog>
    }
    .into_any()
}
