//! The page for what does not exist or may not be seen: the routes' fallback, and what the
//! admin pages show to anyone but a site admin.

use leptos::prelude::*;

/// Any route we do not have.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <section class="empty">
            <h1>"Not found"</h1>
            <p>"There is nothing here, or you may not see it."</p>
            <a href="/">"Go home"</a>
        </section>
    }
}
