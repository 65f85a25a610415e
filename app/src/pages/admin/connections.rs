//! `/admin/connections`: this instance's open sockets, per org and room.

use super::AdminNav;
use crate::api::load_connections;
use crate::components::NotFound;
use crate::components::PageTitle;
use leptos::prelude::*;

#[component]
pub fn AdminConnections() -> impl IntoView {
    let data = Resource::new(|| (), |_| load_connections());
    view! {
        <PageTitle text="Connections · Admin"/>
        <Transition fallback=crate::components::Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Err(_) => view! { <NotFound/> }.into_any(),
                    Ok(c) => view! {
                        <section class="admin" data-testid="admin-connections">
                            <h1>"Live connections"</h1>
                            <AdminNav current="/admin/connections"/>
                            <p class="muted">"Sockets of this instance only: behind a load balancer, every instance has its own."</p>
                            <dl class="figures">
                                <div><dt>"Open sockets"</dt><dd data-testid="open-sockets">{c.open_sockets}</dd></div>
                                <div><dt>"In no room"</dt><dd>{c.waiting}</dd></div>
                                <div><dt>"Rooms"</dt><dd>{c.rooms.len()}</dd></div>
                            </dl>
                            <table class="grid" data-testid="rooms">
                                <thead><tr><th scope="col">"Organization"</th><th scope="col">"Room"</th><th scope="col">"Sockets"</th></tr></thead>
                                <tbody>
                                    {c.rooms.into_iter().map(|r| {
                                        let org = match (r.org_name, r.org_slug) {
                                            (Some(name), Some(slug)) => view! { <a href=format!("/admin/orgs/{slug}")>{name}</a> }.into_any(),
                                            _ => view! { <span class="muted">{format!("deleted ({})", r.org_id)}</span> }.into_any(),
                                        };
                                        view! { <tr><td>{org}</td><td>{r.channel.as_str()}</td><td>{r.sockets}</td></tr> }
                                    }).collect_view()}
                                </tbody>
                                <tfoot><tr><th scope="row" colspan="2">"Total"</th><td>{c.open_sockets}</td></tr></tfoot>
                            </table>
                        </section>
                    }.into_any(),
                }
            })}
        </Transition>
    }
    .into_any()
}
