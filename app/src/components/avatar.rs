use leptos::prelude::*;

/// Someone's picture, or their initials while they have none.
#[component]
pub fn Avatar(#[prop(into)] name: String, url: Option<String>) -> impl IntoView {
    match url {
        Some(src) => {
            view! { <img class="avatar" src=src alt="" title=name loading="lazy"/> }.into_any()
        }
        None => {
            let initials: String = name
                .split_whitespace()
                .filter_map(|w| w.chars().next())
                .take(2)
                .collect();
            view! { <span class="avatar" title=name aria-hidden="true">{initials}</span> }
                .into_any()
        }
    }
}
