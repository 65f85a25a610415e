//! The task over the board: `?task=<number>` in the board's URL opens the task's whole view
//! in a modal dialog (rendered open on the server too). Opening pushes a history entry, so
//! Back closes it and the URL can be shared; Escape and the close button take `task=` away.

use super::BoardState;
use crate::api::load_task;
use crate::pages::error_text;
use crate::pages::task::TaskView;
use leptos::html;
use leptos::prelude::*;

#[component]
pub(crate) fn TaskDialog(state: BoardState) -> impl IntoView {
    let dialog = NodeRef::<html::Dialog>::new();
    let refetch = RwSignal::new(0u32);
    let page = Resource::new(
        move || (state.slug.get(), state.task.get(), refetch.get()),
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
        if state.task.get().is_none() {
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
        state.close_task();
    };
    let full_page = move || {
        state
            .task
            .get()
            .map(|n| format!("/orgs/{}/tasks/{n}", state.slug.get()))
    };
    view! {
        <Show when=move || state.task.get().is_some()>
            <dialog node_ref=dialog class="dialog task-dialog" open data-testid="task-dialog"
                aria-labelledby="task-dialog-title" on:close=on_close>
                <div class="row spread task-dialog-bar">
                    <a href=full_page data-testid="open-as-page">"Open as page"</a>
                    <button type="button" class="button" data-testid="close-task-dialog" aria-label="Close"
                        on:click=move |_| { if let Some(d) = dialog.get_untracked() { d.close(); } }>
                        "Close ✕"
                    </button>
                </div>
                <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
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
