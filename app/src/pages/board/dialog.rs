//! The task over the board: `?task=<number>` in the board's URL opens the task's whole view
//! in a modal dialog (rendered open on the server too). Opening pushes a history entry, so
//! Back closes it and the URL can be shared; Escape and the close button take `task=` away.

use crate::api::load_task;
use crate::components::TaskView;
use crate::components::text::error_text;
use leptos::html;
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_location, use_navigate, use_query_map};

/// The task shown over the board (`?task=<number>`), and how it comes and goes.
#[derive(Clone, Copy)]
pub(crate) struct TaskLink {
    pub task: Memo<Option<i64>>,
    /// Puts `task=` into the URL (a new history entry) or takes it out (in place).
    go: Callback<Option<i64>>,
    /// The dialog was opened on this page, so closing it goes back in history.
    opened_here: StoredValue<bool>,
}

impl TaskLink {
    pub fn new() -> Self {
        let query = use_query_map();
        let task = Memo::new(move |_| {
            query
                .with(|q| q.get("task"))
                .and_then(|n| n.parse::<i64>().ok())
                .filter(|n| *n > 0)
        });
        let navigate = use_navigate();
        let location = use_location();
        let go = Callback::new(move |number: Option<i64>| {
            let mut q = query.get_untracked();
            q.remove("task");
            if let Some(n) = number {
                q.insert("task", n.to_string());
            }
            let url = format!(
                "{}{}",
                location.pathname.get_untracked(),
                q.to_query_string()
            );
            let options = NavigateOptions {
                replace: number.is_none(),
                scroll: false,
                ..Default::default()
            };
            navigate(&url, options);
        });
        let opened_here = StoredValue::new(false);
        // The dialog gone (closed, or Back): the focus goes back to the task's card.
        Effect::new(move |before: Option<Option<i64>>| {
            let now = task.get();
            if let (Some(Some(n)), None) = (before, now) {
                opened_here.set_value(false);
                super::view::focus_task(n);
            }
            now
        });
        TaskLink {
            task,
            go,
            opened_here,
        }
    }

    /// Shows task `number` in the dialog.
    pub fn open(&self, number: i64) {
        self.opened_here.set_value(true);
        self.go.run(Some(number));
    }

    /// Takes the dialog away: back in history when it was opened here (so Back and close
    /// agree), otherwise by dropping `task=` from the URL.
    pub fn close(&self) {
        if self.task.get_untracked().is_none() {
            return;
        }
        if self.opened_here.get_value() {
            self.opened_here.set_value(false);
            #[cfg(feature = "hydrate")]
            if let Some(history) = leptos::web_sys::window().and_then(|w| w.history().ok()) {
                let _ = history.back();
                return;
            }
        }
        self.go.run(None);
    }
}

#[component]
pub(crate) fn TaskDialog(slug: Memo<String>, link: TaskLink) -> impl IntoView {
    let dialog = NodeRef::<html::Dialog>::new();
    let refetch = RwSignal::new(0u32);
    let page = Resource::new(
        move || (slug.get(), link.task.get(), refetch.get()),
        |(slug, number, _)| async move {
            match number {
                Some(n) => Some(load_task(slug, n).await),
                None => None,
            }
        },
    );
    // Rendered open (a plain dialog) so that the server's HTML shows it; in the browser it
    // becomes modal. Closing it to reopen as modal fires a `close` that is not the user's.
    let reopening = StoredValue::new(false);
    Effect::new(move |_| {
        if link.task.get().is_none() {
            return;
        }
        if let Some(d) = dialog.get()
            && !d.matches(":modal").unwrap_or(true)
        {
            if d.open() {
                reopening.set_value(true);
                d.close();
            }
            let _ = d.show_modal();
        }
    });
    let on_close = move |_| {
        if reopening.get_value() {
            reopening.set_value(false);
            return;
        }
        link.close();
    };
    let full_page = move || {
        link.task
            .get()
            .map(|n| format!("/orgs/{}/tasks/{n}", slug.get()))
    };
    view! {
        <Show when=move || link.task.get().is_some()>
            <dialog node_ref=dialog class="dialog task-dialog" open data-testid="task-dialog"
                aria-labelledby="task-dialog-title" on:close=on_close>
                <div class="row spread task-dialog-bar">
                    <a href=full_page data-testid="open-as-page">"Open as page"</a>
                    <button type="button" class="button" data-testid="close-task-dialog" aria-label="Close"
                        on:click=move |_| { if let Some(d) = dialog.get_untracked() { d.close(); } }>
                        "Close ✕"
                    </button>
                </div>
                <Suspense fallback=crate::components::Loading>
                    {move || Suspend::new(async move {
                        match page.await {
                            None => ().into_any(),
                            Some(Err(e)) => view! {
                                <section class="empty"><h2 id="task-dialog-title">"Not found"</h2><p>{error_text(&e)}</p></section>
                            }.into_any(),
                            Some(Ok(data)) => view! { <TaskView data refetch in_dialog=true/> }.into_any(),
                        }
                    })}
                </Suspense>
            </dialog>
        </Show>
    }
    .into_any()
}
