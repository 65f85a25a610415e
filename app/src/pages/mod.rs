//! One module per route.

mod account;
mod admin;
mod attachments;
mod auth;
mod board;
mod branding;
mod home;
pub(crate) mod portal;
mod settings;
mod task;

pub use account::Account;
pub use admin::{Admin, AdminConnections, AdminOrg, AdminOrgs, AdminUsers};
pub use auth::{Login, Signup};
pub use board::Board;
pub use home::Home;
pub use portal::Portal;
pub use settings::Settings;
pub use task::TaskPage;

use leptos::prelude::*;

/// `/`: the org's public page on an org's subdomain, the home page everywhere else.
#[component]
pub fn Root() -> impl IntoView {
    match use_context::<Option<crate::OrgHost>>().flatten() {
        Some(_) => view! { <Portal/> }.into_any(),
        None => view! { <Home/> }.into_any(),
    }
}

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

/// The message of a failed server call, without the transport's prefix.
pub(crate) fn error_text(e: &ServerFnError) -> String {
    match e {
        ServerFnError::ServerError(m) => m.clone(),
        other => other.to_string(),
    }
}
