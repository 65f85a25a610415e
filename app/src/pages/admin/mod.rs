//! `/admin`: the site admin, for site admins only. Everyone else gets the 404 page (the
//! data load answers NotFound). Every control is a form, so all of it works without
//! JavaScript.

mod connections;
mod jobs;
mod orgs;
mod users;

pub use connections::AdminConnections;
pub use jobs::{AdminJobs, AdminMail};
pub use orgs::{AdminOrg, AdminOrgs};
pub use users::AdminUsers;

use crate::api::{SetSignups, load_admin_overview};
use crate::components::NotFound;
use crate::components::PageTitle;
use crate::components::text::{encode, error_text};
use leptos::prelude::*;

fn when(t: &chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

fn day(t: &chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y-%m-%d").to_string()
}

/// The site admin's sections; `current` is marked.
#[component]
fn AdminNav(current: &'static str) -> impl IntoView {
    let link = move |href: &'static str, label: &'static str| {
        let here = (href == current).then_some("page");
        view! { <a href=href aria-current=here>{label}</a> }
    };
    view! {
        <nav class="admin-nav" aria-label="Site admin">
            {link("/admin", "Overview")}
            {link("/admin/users", "Users")}
            {link("/admin/orgs", "Organizations")}
            {link("/admin/connections", "Connections")}
            {link("/admin/jobs", "Jobs")}
            {link("/admin/mail", "Outbox")}
        </nav>
    }
}

/// The first failed action's message, if any.
fn failure<T: Clone + Send + Sync + 'static>(
    results: Vec<Option<Result<T, ServerFnError>>>,
) -> Option<impl IntoView + use<T>> {
    results
        .into_iter()
        .flatten()
        .find_map(|r| r.err())
        .map(|e| view! { <p class="notice-bar" role="alert" data-testid="admin-error">{error_text(&e)}</p> })
}

/// `/admin`: counts and the run-time settings.
#[component]
pub fn Admin() -> impl IntoView {
    let set_signups = ServerAction::<SetSignups>::new();
    let data = Resource::new(
        move || set_signups.version().get(),
        |_| load_admin_overview(),
    );
    view! {
        <PageTitle text="Admin"/>
        <Transition fallback=crate::components::Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Err(_) => view! { <NotFound/> }.into_any(),
                    Ok(o) => {
                        let open = o.settings.signups_open;
                        view! {
                            <section class="admin" data-testid="admin-overview">
                                <h1>"Site admin"</h1>
                                <AdminNav current="/admin"/>
                                {move || failure(vec![set_signups.value().get()])}
                                <dl class="figures">
                                    <div><dt>"Users"</dt><dd>{o.users}</dd></div>
                                    <div><dt>"Site admins"</dt><dd>{o.site_admins}</dd></div>
                                    <div><dt>"Banned"</dt><dd>{o.banned}</dd></div>
                                    <div><dt>"Organizations"</dt><dd>{o.orgs}</dd></div>
                                    <div><dt>"Tasks"</dt><dd>{o.tasks}</dd></div>
                                    <div><dt>"Open sockets (this instance)"</dt><dd>{o.open_sockets}</dd></div>
                                </dl>
                                <h2 id="settings">"Instance settings"</h2>
                                <p class="muted">"Take effect at once, on every instance."</p>
                                <div class="row spread" data-testid="signups">
                                    <span>"Sign-up is "<strong>{if open { "open" } else { "closed" }}</strong>
                                        <span class="muted">{if open { ": anyone may create an account." } else { ": only the first account may be created." }}</span>
                                    </span>
                                    <ActionForm action=set_signups>
                                        {(!open).then(|| view! { <input type="hidden" name="open" value="on"/> })}
                                        <button type="submit" class="button">{if open { "Close sign-up" } else { "Open sign-up" }}</button>
                                    </ActionForm>
                                </div>
                            </section>
                        }.into_any()
                    }
                }
            })}
        </Transition>
    }
    .into_any()
}

/// Links to the previous and next page of a list, keeping the search.
fn pager(base: &'static str, q: &str, page: u64, pages: u64) -> impl IntoView + use<> {
    let href = move |p: u64| {
        let mut href = format!("{base}?page={p}");
        if !q.is_empty() {
            href.push_str(&format!("&q={}", encode(q)));
        }
        href
    };
    let prev = (page > 0).then(|| href(page - 1));
    let next = (page + 1 < pages).then(|| href(page + 1));
    view! {
        <nav class="row pager" aria-label="Pages">
            {prev.map(|h| view! { <a href=h rel="prev">"← Previous"</a> })}
            <span class="muted">{format!("Page {} of {}", page + 1, pages)}</span>
            {next.map(|h| view! { <a href=h rel="next">"Next →"</a> })}
        </nav>
    }
}
