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
        <super::PageTitle text="Not found"/>
        <section class="empty">
            <h1>"Not found"</h1>
            <p>"There is nothing here, or you may not see it."</p>
            <a href="/">"Go home"</a>
        </section>
    }
}

/// What an org's page shows when its data did not load: the org's demand for a second
/// factor (with the way to set one up), or "Not found" with the reason.
#[component]
pub fn LoadFailed(error: ServerFnError) -> impl IntoView {
    let message = crate::components::text::error_text(&error);
    if message == domain::dto::TWO_FACTOR_REQUIRED {
        return view! {
            <super::PageTitle text="Set up a second factor"/>
            <section class="empty" data-testid="two-factor-required">
                <h1>"Set up a second factor"</h1>
                <p>"This organization asks its members to sign in with a second factor: a code from an authenticator app, beside the password."</p>
                <a class="button primary" href="/settings/account#two-factor">"Set it up on your account page"</a>
            </section>
        }
        .into_any();
    }
    view! {
        <super::PageTitle text="Not found"/>
        <section class="empty"><h1>"Not found"</h1><p>{message}</p></section>
    }
    .into_any()
}
