//! A task's place in a tree: its parent (set by number or key, cleared) and its subtasks
//! (listed, and added from here).

use super::Change;
use crate::api::{CreateSubtask, task_number};
use crate::components::text::error_text;
use domain::dto::Task;
use leptos::prelude::*;

/// The parent task, and for members a field that sets or clears it.
#[component]
pub(super) fn ParentField(
    slug: String,
    number: i64,
    task: RwSignal<Task>,
    change: Change,
    member: bool,
) -> impl IntoView {
    let draft = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<&'static str>);
    let set = move |parent: Option<i64>| {
        change.with_value(|c| {
            c(&|t, call| {
                t.parent_number = parent;
                call.parent = Some(parent.map(|p| p.to_string()).unwrap_or_default());
            })
        })
    };
    let link = move || {
        let slug = slug.clone();
        task.with(|t| t.parent_number).map(|p| {
            view! {
                <a href=format!("/orgs/{slug}/tasks/{p}") data-testid="parent-link">{format!("#{p}")}</a>
                {member.then(|| view! {
                    <button type="button" class="link small" data-testid="clear-parent" on:click=move |_| set(None)>"Clear"</button>
                })}
            }
        })
    };
    view! {
        <div class="prop" data-testid="parent-field">
            {if member {
                view! { <label for="parent-input">"Subtask of"</label> }.into_any()
            } else {
                view! { <span class="muted">"Subtask of"</span> }.into_any()
            }}
            <span class="row small">
                {link}
                {move || (task.with(|t| t.parent_number.is_none()) && !member).then(|| view! { <span class="muted">"none"</span> })}
            </span>
            {member.then(|| view! {
                <form class="row" data-testid="parent-form" on:submit=move |ev| {
                    ev.prevent_default();
                    match task_number(&draft.get_untracked()) {
                        Some(n) if n == number => problem.set(Some("Parent: a task cannot be its own parent.")),
                        Some(n) => {
                            problem.set(None);
                            draft.set(String::new());
                            set(Some(n));
                        }
                        None => problem.set(Some("Parent: type a task number (12 or #12) or a key (ACM-12).")),
                    }
                }>
                    <input id="parent-input" class="grow" bind:value=draft placeholder="#12 or ACM-12" autocomplete="off"/>
                    <button type="submit" class="button small">"Set parent"</button>
                </form>
                {move || problem.get().map(|m| view! { <p class="error small" role="alert">{m}</p> })}
            })}
        </div>
    }
    .into_any()
}

/// The task's subtasks; members add more (each starts private, under this task).
#[component]
pub(super) fn Subtasks(
    slug: String,
    number: i64,
    initial: Vec<Task>,
    member: bool,
) -> impl IntoView {
    let list = RwSignal::new(initial);
    let add = ServerAction::<CreateSubtask>::new();
    let form_ref = NodeRef::<leptos::html::Form>::new();
    Effect::new(move |_| {
        if let Some(Ok(t)) = add.value().get() {
            list.update(|l| {
                l.retain(|x| x.number != t.number);
                l.push(t);
            });
            if let Some(f) = form_ref.get() {
                f.reset();
            }
        }
    });
    let href = StoredValue::new(slug.clone());
    view! {
        <Show when=move || member || list.with(|l| !l.is_empty())>
            <section aria-labelledby="subtasks-h" data-testid="subtasks">
                <h2 id="subtasks-h">"Subtasks"</h2>
                <ul class="tasks">
                    <For each=move || list.get() key=|t| (t.number, t.version) let:s>
                        <li class="task"><span class="key">{s.key.clone()}</span>
                            <a class="title" href=format!("/orgs/{}/tasks/{}", href.get_value(), s.number)>{s.title.clone()}</a>
                            <span class="status">{s.status.label()}</span></li>
                    </For>
                </ul>
                {move || (member && list.with(Vec::is_empty)).then(|| view! { <p class="muted small">"No subtasks yet."</p> })}
                {member.then(|| view! {
                    <ActionForm action=add node_ref=form_ref attr:class="row" attr:data-testid="subtask-form">
                        <input type="hidden" name="slug" value=href.get_value()/>
                        <input type="hidden" name="parent" value=number/>
                        <label class="sr-only" for="subtask-title">"Subtask title"</label>
                        <input id="subtask-title" class="grow" name="title" required maxlength="200" placeholder="Add a subtask…"/>
                        <button type="submit" class="button">"Add subtask"</button>
                    </ActionForm>
                })}
                {move || add.value().get().and_then(|r| r.err()).map(|e| view! { <p class="error" role="alert">{error_text(&e)}</p> })}
            </section>
        </Show>
    }
    .into_any()
}
