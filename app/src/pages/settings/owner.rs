//! Handing the org to another member: its owner only (the service checks; site admins use
//! the API), after a confirmation.

use crate::api::{SettingsData, TransferOrg};
use crate::components::text::error_text;
use domain::UserId;
use leptos::html;
use leptos::prelude::*;

#[component]
pub(super) fn Ownership(data: SettingsData) -> impl IntoView {
    let owner = data.org.created_by;
    if data.me.is_none() || data.me != owner {
        return ().into_any();
    }
    let slug = data.org.slug.clone();
    let others: Vec<(UserId, String)> = data
        .members
        .iter()
        .filter(|m| Some(m.user_id) != owner)
        .map(|m| (m.user_id, m.name.clone()))
        .collect();
    let chosen = RwSignal::new(others.first().map(|(id, _)| *id));
    let transfer = ServerAction::<TransferOrg>::new();
    let dialog = NodeRef::<html::Dialog>::new();
    let names = StoredValue::new(others.clone());
    let name_of = move || {
        let id = chosen.get();
        names.with_value(|n| {
            n.iter()
                .find(|(u, _)| Some(*u) == id)
                .map(|(_, n)| n.clone())
        })
    };
    let org_name = data.org.name.clone();
    view! {
        <h2 id="ownership">"Ownership"</h2>
        <p class="muted">"You own this organization: you hold every permission and may delete it. Hand it to another member and you stay a member, with your teams' permissions."</p>
        {if others.is_empty() {
            view! { <p class="muted">"Invite someone first: the new owner must be a member."</p> }.into_any()
        } else {
            view! {
                <div class="row" data-testid="transfer-form">
                    <label for="transfer-to">"New owner"</label>
                    <select id="transfer-to" on:change=move |ev| chosen.set(event_target_value(&ev).parse().ok())>
                        {others.iter().map(|(id, name)| view! { <option value=id.to_string()>{name.clone()}</option> }).collect_view()}
                    </select>
                    <button type="button" class="button danger" data-testid="transfer-open"
                        on:click=move |_| { if let Some(d) = dialog.get_untracked() { let _ = d.show_modal(); } }>"Transfer ownership…"</button>
                </div>
            }.into_any()
        }}
        {move || transfer.value().get().map(|r| match r {
            Ok(_) => view! { <p class="notice-bar" role="status" data-testid="transferred">{format!("{} now owns this organization.", name_of().unwrap_or_default())}</p> }.into_any(),
            Err(e) => view! { <p class="error" role="alert">{error_text(&e)}</p> }.into_any(),
        })}
        <dialog node_ref=dialog class="dialog" aria-labelledby="transfer-h" data-testid="transfer-dialog">
            <h2 id="transfer-h">{move || format!("Make {} the owner of {org_name}?", name_of().unwrap_or_default())}</h2>
            <p>"They will hold every permission, deleting the organization included. Only they can give it back."</p>
            <div class="row">
                <button type="button" class="button danger" data-testid="transfer-confirm" on:click=move |_| {
                    if let Some(d) = dialog.get_untracked() { d.close(); }
                    if let Some(user) = chosen.get_untracked() {
                        transfer.dispatch(TransferOrg { slug: slug.clone(), user });
                    }
                }>"Transfer"</button>
                <button type="button" class="button" autofocus on:click=move |_| { if let Some(d) = dialog.get_untracked() { d.close(); } }>"Cancel"</button>
            </div>
        </dialog>
    }
    .into_any()
}
