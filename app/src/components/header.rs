use leptos::prelude::*;

/// The top bar: the brand and a way home.
#[component]
pub fn Header() -> impl IntoView {
    view! {
        <header class="topbar">
            <a class="brand" href="/">"Sayr"</a>
        </header>
    }
}
