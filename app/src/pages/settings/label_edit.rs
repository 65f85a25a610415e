//! One label in the settings list: shown, edited in place (name, colour, public), deleted.

use crate::api::{DeleteLabel, UpdateLabel};
use crate::components::text::error_text;
use domain::dto::{Label, Visibility};
use leptos::prelude::*;

#[component]
pub(super) fn LabelRow(
    slug: String,
    label: Label,
    delete_label: ServerAction<DeleteLabel>,
) -> impl IntoView {
    let id = label.id;
    let shown = RwSignal::new(label);
    let editing = RwSignal::new(false);
    let update = ServerAction::<UpdateLabel>::new();
    Effect::new(move |_| {
        if let Some(Ok(l)) = update.value().get() {
            shown.set(l);
            editing.set(false);
        }
    });
    let slug = StoredValue::new(slug);
    let field = move |what: &str| format!("label-{what}-{id}");
    view! {
        <li class="row spread wrap" data-testid="label-row">
            <Show when=move || editing.get() fallback=move || view! {
                <span><span class="chip" style=move || format!("--chip:{}", shown.with(|l| l.color.clone()))>{move || shown.with(|l| l.name.clone())}</span>
                    " "<span class="muted small">{move || shown.with(|l| l.visibility.as_str())}</span></span>
                <span class="row">
                    <button type="button" class="link" data-testid="edit-label"
                        aria-label=move || format!("Edit label {}", shown.with(|l| l.name.clone()))
                        on:click=move |_| editing.set(true)>"Edit"</button>
                    <button type="button" class="link" on:click=move |_| { delete_label.dispatch(DeleteLabel { slug: slug.get_value(), id }); }>"Delete"</button>
                </span>
            }>
                <ActionForm action=update attr:class="row wrap" attr:data-testid="label-edit-form">
                    <input type="hidden" name="slug" value=slug.get_value()/>
                    <input type="hidden" name="id" value=id.to_string()/>
                    <label class="sr-only" for=field("name")>"Label name"</label>
                    <input id=field("name") name="name" required maxlength="50" autofocus value=shown.with_untracked(|l| l.name.clone())/>
                    <label class="inline" for=field("color")>"Color "</label>
                    <input id=field("color") type="color" name="color" value=shown.with_untracked(|l| l.color.clone())/>
                    <label class="check"><input type="checkbox" name="public" value="on"
                        checked=shown.with_untracked(|l| l.visibility == Visibility::Public)/>"Public"</label>
                    <button type="submit" class="button primary">"Save"</button>
                    <button type="button" class="button" on:click=move |_| editing.set(false)>"Cancel"</button>
                </ActionForm>
                {move || update.value().get().and_then(|r| r.err()).map(|e| view! { <p class="error small" role="alert">{error_text(&e)}</p> })}
            </Show>
        </li>
    }
    .into_any()
}
