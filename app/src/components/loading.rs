//! What a page shows while its data loads (after a link in the app; the first page arrives
//! whole): a few grey lines where its content will be, announced to screen readers once.

use leptos::prelude::*;

/// A loading placeholder: three grey lines, shimmering unless the user asked for less motion.
#[component]
pub fn Loading() -> impl IntoView {
    view! {
        <div class="skeleton" role="status" aria-busy="true" data-testid="loading">
            <span class="sr-only">"Loading…"</span>
            <span class="skeleton-line" aria-hidden="true"></span>
            <span class="skeleton-line" aria-hidden="true"></span>
            <span class="skeleton-line short" aria-hidden="true"></span>
        </div>
    }
}
