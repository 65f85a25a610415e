//! Saved views beside the board: every view the member sees (the org's default first), the
//! one shown marked, and saving the board as it is as a new view or into the one shown.
//! The list follows the views' realtime events (`BoardState::views`).

use super::BoardState;
use super::filter::BoardFilter;
use crate::api::{ChangeView, RemoveView, SaveView};
use crate::components::text::error_text;
use leptos::html;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

/// The views, and the save dialog.
#[component]
pub(super) fn ViewsBar(state: BoardState) -> impl IntoView {
    let data = state.data.get_value();
    let member = data.permissions.is_some();
    let may_share = data.permissions.is_some_and(|p| p.content.manage_views);
    let viewer = data.viewer;
    let dialog = NodeRef::<html::Dialog>::new();
    let save = ServerAction::<SaveView>::new();
    let change = ServerAction::<ChangeView>::new();
    let remove = ServerAction::<RemoveView>::new();
    let name = RwSignal::new(String::new());
    let shared = RwSignal::new(false);
    let is_default = RwSignal::new(false);
    let navigate = use_navigate();
    let error = RwSignal::new(None::<String>);
    let base = move || format!("/orgs/{}/tasks", state.slug.get());
    // The view shown, if the board is one (changed or not).
    let current = Memo::new(move |_| {
        let id = state
            .url
            .with(|u| u.saved)
            .or_else(|| state.filter.with(|f| f.saved));
        state
            .views
            .with(|v| v.iter().find(|v| Some(v.id) == id).cloned())
    });
    // The URL changes the view shown: it can be saved into it.
    let modified = move || state.url.with(|u| u.saved.is_some() && !u.only_saved());
    let may_change = move || {
        current.with(|c| {
            c.as_ref().is_some_and(|v| {
                if v.shared {
                    may_share
                } else {
                    Some(v.owner_id) == viewer
                }
            })
        })
    };
    let open = move |_| {
        name.set(String::new());
        shared.set(false);
        is_default.set(false);
        error.set(None);
        if let Some(d) = dialog.get() {
            let _ = d.show_modal();
        }
    };
    let close = move || {
        if let Some(d) = dialog.get_untracked() {
            d.close();
        }
    };
    let query = move || {
        let f = state.filter.get_untracked();
        BoardFilter {
            saved: None,
            all: false,
            ..f
        }
        .to_query()
    };
    {
        let navigate = navigate.clone();
        Effect::new(move |_| match save.value().get() {
            Some(Ok(view)) => {
                close();
                let saved = view.clone();
                super::edit_views(state.views, state.views_live, move |all| {
                    all.retain(|v| v.id != saved.id);
                    all.push(saved);
                });
                navigate(&format!("{}?v={}", base(), view.id), Default::default());
            }
            Some(Err(e)) => error.set(Some(error_text(&e))),
            None => {}
        });
    }
    {
        let navigate = navigate.clone();
        Effect::new(move |_| match change.value().get() {
            Some(Ok(view)) => {
                let saved = view.clone();
                super::edit_views(state.views, state.views_live, move |all| {
                    all.retain(|v| v.id != saved.id);
                    all.push(saved);
                });
                navigate(&format!("{}?v={}", base(), view.id), Default::default());
            }
            Some(Err(e)) => state.notice.set(Some(error_text(&e))),
            None => {}
        });
    }
    Effect::new(move |_| match remove.value().get() {
        Some(Ok(())) => {
            if let Some(id) = remove.input().get_untracked().map(|i| i.id) {
                super::edit_views(state.views, state.views_live, move |all| {
                    all.retain(|v| v.id != id)
                });
            }
            navigate(&format!("{}?all=1", base()), Default::default());
        }
        Some(Err(e)) => state.notice.set(Some(error_text(&e))),
        None => {}
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        save.dispatch(SaveView {
            slug: state.slug.get_untracked(),
            name: name.get_untracked(),
            query: query(),
            shared: shared.get_untracked(),
            is_default: shared.get_untracked() && is_default.get_untracked(),
        });
    };
    let save_into = move |_| {
        if let Some(v) = current.get_untracked() {
            change.dispatch(ChangeView {
                slug: state.slug.get_untracked(),
                id: v.id,
                query: Some(query()),
                name: None,
                shared: None,
                is_default: None,
            });
        }
    };
    let delete = move |_| {
        if let Some(v) = current.get_untracked() {
            let sure = window()
                .confirm_with_message(&format!("Delete the view \"{}\"?", v.name))
                .unwrap_or(false);
            if sure {
                remove.dispatch(RemoveView {
                    slug: state.slug.get_untracked(),
                    id: v.id,
                });
            }
        }
    };
    let all_href = move || {
        let has_default = state.views.with(|v| v.iter().any(|v| v.is_default));
        if has_default {
            format!("{}?all=1", base())
        } else {
            base()
        }
    };
    let all_current = move || {
        state.filter.with(|f| f.saved.is_none()) && !state.url.with(BoardFilter::is_filtering)
    };
    member.then(|| view! {
        <nav class="views" aria-label="Views" data-testid="views">
            <h2 class="small muted">"Views"</h2>
            <ul role="list">
                <li><a href=all_href aria-current=move || all_current().then_some("page")>"All tasks"</a></li>
                <For each=move || state.views.get() key=|v| (v.id, v.name.clone(), v.shared, v.is_default) let:v>
                    {
                        let id = v.id;
                        let href = move || format!("{}?v={id}", base());
                        let shown = move || state.filter.with(|f| f.saved == Some(id));
                        view! {
                            <li>
                                <a href=href aria-current=move || shown().then_some("page") data-testid="view-link">
                                    {v.name.clone()}
                                    {v.shared.then(|| view! { <span class="muted small" title="Shared with the org">" · shared"</span> })}
                                    {v.is_default.then(|| view! { <span class="muted small" title="The org's default view">" · default"</span> })}
                                </a>
                            </li>
                        }
                    }
                </For>
            </ul>
            <div class="stack">
                {move || (modified() && may_change()).then(|| view! {
                    <button type="button" class="button" on:click=save_into data-testid="update-view">
                        {move || format!("Save into \"{}\"", current.with(|c| c.as_ref().map(|v| v.name.clone()).unwrap_or_default()))}
                    </button>
                })}
                <button type="button" class="button" on:click=open data-testid="save-view">"Save as view…"</button>
                {move || (current.with(Option::is_some) && may_change()).then(|| view! {
                    <button type="button" class="link small" on:click=delete data-testid="delete-view">"Delete this view"</button>
                })}
            </div>
            <dialog node_ref=dialog class="dialog" aria-labelledby="save-view-title" data-testid="save-view-dialog">
                <form class="stack" on:submit=submit>
                    <h2 id="save-view-title">"Save this board as a view"</h2>
                    <p class="muted small">"Its filters, grouping, sort and layout."</p>
                    <label>"Name" <input required maxlength="80" bind:value=name data-testid="view-name"/></label>
                    {may_share.then(|| view! {
                        <label class="check"><input type="checkbox" bind:checked=shared data-testid="view-shared"/>"Share with the organization"</label>
                        <label class="check"><input type="checkbox" bind:checked=is_default prop:disabled=move || !shared.get()/>"The organization's default view"</label>
                    })}
                    {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
                    <div class="row">
                        <button type="submit" class="button primary" data-testid="view-save">"Save view"</button>
                        <button type="button" class="button" on:click=move |_| close()>"Cancel"</button>
                    </div>
                </form>
            </dialog>
        </nav>
    })
}
