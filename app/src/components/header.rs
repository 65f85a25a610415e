use leptos::prelude::*;

/// The top bar: the brand, a way home and to the account; the site admin for site admins.
#[component]
pub fn Header() -> impl IntoView {
    let admin = OnceResource::new(crate::api::load_admin_link());
    view! {
        <header class="topbar">
            <a class="brand" href="/">"Sayr"</a>
            <nav aria-label="Account">
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        admin.await.unwrap_or(false).then(|| view! { <a href="/admin" data-testid="admin-link">"Admin"</a> })
                    })}
                </Suspense>
                <a href="/settings/account">"Account"</a>
            </nav>
        </header>
    }
}
