//! A comment's "edited" marker, which opens the bodies it had before (newest first).

use super::when;
use crate::api::comment_history;
use crate::components::text::error_text;
use domain::CommentId;
use domain::dto::CommentEdit;
use leptos::prelude::*;

#[component]
pub(super) fn EditHistory(slug: String, id: CommentId) -> impl IntoView {
    // Loaded when first opened.
    let edits = RwSignal::new(None::<Result<Vec<CommentEdit>, String>>);
    let slug = StoredValue::new(slug);
    view! {
        <details class="history inline" data-testid="comment-history" on:toggle=move |_| {
            if edits.get_untracked().is_none() {
                let slug = slug.get_value();
                leptos::task::spawn_local(async move {
                    let found = comment_history(slug, id).await.map_err(|e| error_text(&e));
                    edits.set(Some(found));
                });
            }
        }>
            <summary class="muted" title="This comment was edited: show its earlier versions">"(edited)"</summary>
            {move || match edits.get() {
                None => view! { <p class="muted small">"Loading…"</p> }.into_any(),
                Some(Err(e)) => view! { <p class="error small" role="alert">{e}</p> }.into_any(),
                Some(Ok(list)) => view! {
                    <ol class="plain small" aria-label="Earlier versions, newest first">
                        {list.into_iter().map(|e| view! {
                            <li>
                                <span class="muted">{format!("Before {} · {}", e.edited_by.map(|u| u.name).unwrap_or_else(|| "someone".into()), when(&e.created_at))}</span>
                                <pre class="prior">{e.body}</pre>
                            </li>
                        }).collect_view()}
                    </ol>
                }.into_any(),
            }}
        </details>
    }
    .into_any()
}
