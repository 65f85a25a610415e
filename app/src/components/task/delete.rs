//! Deleting a task: a confirmation, then 10 seconds to undo before the server is asked.
//! Undo really keeps the task (nothing was sent). Leaving the page inside those 10 seconds
//! deletes it at once: navigating within the app sends the call as the page goes, and
//! closing or reloading the tab sends it as a beacon.

use crate::api::delete_task;
use crate::components::text::error_text;
use leptos::html;
use leptos::prelude::*;
use std::time::Duration;

/// How long a deletion waits for Undo.
const UNDO_SECONDS: u32 = 10;

#[component]
pub(super) fn DeleteTask(
    slug: String,
    number: i64,
    /// Bumped to ask (the palette's "Delete task").
    ask: RwSignal<u32>,
    /// Set once the server deleted the task.
    deleted: RwSignal<bool>,
) -> impl IntoView {
    let dialog = NodeRef::<html::Dialog>::new();
    // Seconds left to undo while a deletion waits.
    let pending = RwSignal::new(None::<u32>);
    let failure = RwSignal::new(None::<String>);
    let timer = StoredValue::new(None::<IntervalHandle>);
    let slug = StoredValue::new(slug);

    let open = move || {
        if let Some(d) = dialog.get_untracked() {
            let _ = d.show_modal();
        }
    };
    Effect::new(move |seen: Option<u32>| {
        let n = ask.get();
        if seen.is_some_and(|s| s != n) && pending.get_untracked().is_none() {
            open();
        }
        n
    });
    let stop = move || {
        if let Some(t) = timer.try_get_value().flatten() {
            t.clear();
        }
        timer.try_set_value(None);
    };
    let send = move || {
        stop();
        pending.set(None);
        let slug = slug.get_value();
        leptos::task::spawn_local(async move {
            match delete_task(slug, number).await {
                Ok(()) => deleted.set(true),
                Err(e) => failure.set(Some(error_text(&e))),
            }
        });
    };
    let confirm = move |_| {
        if let Some(d) = dialog.get_untracked() {
            d.close();
        }
        failure.set(None);
        pending.set(Some(UNDO_SECONDS));
        let tick = move || match pending.get_untracked() {
            Some(n) if n > 1 => pending.set(Some(n - 1)),
            Some(_) => send(),
            None => stop(),
        };
        timer.set_value(set_interval_with_handle(tick, Duration::from_secs(1)).ok());
    };
    let undo = move |_| {
        stop();
        pending.set(None);
    };
    // Leaving inside the undo time deletes now (see the module's note).
    on_cleanup(move || {
        if pending.try_get_untracked().flatten().is_some() {
            stop();
            let slug = slug.get_value();
            leptos::task::spawn_local(async move {
                let _ = delete_task(slug, number).await;
            });
        }
    });
    let unload = window_event_listener(leptos::ev::pagehide, move |_| {
        if pending.try_get_untracked().flatten().is_some() {
            beacon(&slug.get_value(), number);
        }
    });
    on_cleanup(move || unload.remove());

    view! {
        <div class="prop">
            <button type="button" class="button danger" data-testid="delete-task" disabled=move || pending.get().is_some() || deleted.get()
                on:click=move |_| open()>"Delete task…"</button>
            {move || pending.get().map(|n| view! {
                <p class="notice-bar" role="status" data-testid="delete-pending">
                    {format!("Deleting this task in {n} s. ")}
                    <button type="button" class="button" data-testid="undo-delete" autofocus on:click=undo>"Undo"</button>
                    <span class="muted small">" Leaving the page deletes it now."</span>
                </p>
            })}
            {move || failure.get().map(|m| view! { <p class="error" role="alert">{format!("Not deleted: {m}")}</p> })}
            <dialog node_ref=dialog class="dialog" aria-labelledby="delete-task-h" data-testid="delete-dialog">
                <h2 id="delete-task-h">{format!("Delete task #{number}?")}</h2>
                <p>"Its comments, history and attachments go with it; its subtasks stay, without a parent. You can undo for 10 seconds."</p>
                <div class="row">
                    <button type="button" class="button danger" data-testid="confirm-delete" on:click=confirm>"Delete"</button>
                    <button type="button" class="button" autofocus on:click=move |_| { if let Some(d) = dialog.get_untracked() { d.close(); } }>"Cancel"</button>
                </div>
            </dialog>
        </div>
    }
    .into_any()
}

/// Sends the deletion as the tab closes (`navigator.sendBeacon`, which outlives the page),
/// as the form the server function reads.
#[cfg(feature = "hydrate")]
fn beacon(slug: &str, number: i64) {
    use js_sys::{Array, Function, Reflect};
    use leptos::wasm_bindgen::{JsCast, JsValue};
    let send = || -> Result<(), JsValue> {
        let global = js_sys::global();
        let form: Function = Reflect::get(&global, &"URLSearchParams".into())?.dyn_into()?;
        let body = Reflect::construct(
            &form,
            &Array::of1(&format!("slug={slug}&number={number}").into()),
        )?;
        let navigator = Reflect::get(&global, &"navigator".into())?;
        let send: Function = Reflect::get(&navigator, &"sendBeacon".into())?.dyn_into()?;
        send.call2(&navigator, &"/sfn/delete_task".into(), &body)?;
        Ok(())
    };
    let _ = send();
}

#[cfg(not(feature = "hydrate"))]
fn beacon(_slug: &str, _number: i64) {}
