use leptos::prelude::*;

/// The top bar: the brand, a way home and to the account.
#[component]
pub fn Header() -> impl IntoView {
    view! {
        <header class="topbar">
            <a class="brand" href="/">"Sayr"</a>
            <nav aria-label="Account">
                <a href="/settings/account">"Account"</a>
            </nav>
        </header>
    }
}
