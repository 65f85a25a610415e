//! `/admin/orgs` (search, list) and `/admin/orgs/:slug` (inspect, delete).

use super::{AdminNav, day, failure, pager};
use crate::api::{DeleteOrg, load_admin_org, load_admin_orgs};
use crate::components::NotFound;
use crate::components::PageTitle;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn AdminOrgs() -> impl IntoView {
    let query = use_query_map();
    let q = Memo::new(move |_| query.read().get("q").unwrap_or_default());
    let page = Memo::new(move |_| {
        query
            .read()
            .get("page")
            .and_then(|p| p.parse::<u64>().ok())
            .unwrap_or(0)
    });
    let data = Resource::new(
        move || (q.get(), page.get()),
        |(q, page)| load_admin_orgs(Some(q), Some(page)),
    );
    view! {
        <PageTitle text="Orgs · Admin"/>
        <Transition fallback=crate::components::Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Err(_) => view! { <NotFound/> }.into_any(),
                    Ok(list) => {
                        let q = q.get_untracked();
                        let pages = list.pages();
                        view! {
                            <section class="admin" data-testid="admin-orgs">
                                <h1>"Organizations"</h1>
                                <AdminNav current="/admin/orgs"/>
                                <form method="get" action="/admin/orgs" class="row" role="search">
                                    <label class="sr-only" for="org-search">"Name or slug"</label>
                                    <input id="org-search" type="search" name="q" value=q.clone() placeholder="Name or slug"/>
                                    <button type="submit" class="button">"Search"</button>
                                    <span class="muted">{format!("{} found", list.total)}</span>
                                </form>
                                <table class="grid" data-testid="orgs">
                                    <thead><tr>
                                        <th scope="col">"Organization"</th><th scope="col">"Slug"</th><th scope="col">"Members"</th>
                                        <th scope="col">"Tasks"</th><th scope="col">"Created"</th>
                                    </tr></thead>
                                    <tbody>
                                        {list.rows.into_iter().map(|o| view! {
                                            <tr data-org=o.slug.clone()>
                                                <td><a href=format!("/admin/orgs/{}", o.slug)>{o.name.clone()}</a>" "<span class="key">{o.short_id.clone()}</span></td>
                                                <td>{o.slug.clone()}</td>
                                                <td>{o.members}</td>
                                                <td>{o.tasks}</td>
                                                <td>{day(&o.created_at)}</td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                                {pager("/admin/orgs", &q, list.page, pages)}
                            </section>
                        }.into_any()
                    }
                }
            })}
        </Transition>
    }
    .into_any()
}

#[component]
pub fn AdminOrg() -> impl IntoView {
    let params = use_params_map();
    let slug = Memo::new(move |_| params.read().get("slug").unwrap_or_default());
    let delete = ServerAction::<DeleteOrg>::new();
    let data = Resource::new(move || slug.get(), load_admin_org);
    view! {
        <Transition fallback=crate::components::Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Err(_) => view! { <NotFound/> }.into_any(),
                    Ok(d) => {
                        let org = d.org.clone();
                        let yes_no = |on: bool| if on { "on" } else { "off" };
                        view! {
                            <PageTitle text=format!("{} · Admin", org.name)/>
                            <section class="admin" data-testid="admin-org">
                                <nav class="crumbs"><a href="/admin/orgs">"Organizations"</a>" / "{org.name.clone()}</nav>
                                <h1>{org.name.clone()}" "<span class="key">{org.short_id.clone()}</span></h1>
                                <AdminNav current="/admin/orgs"/>
                                {move || failure(vec![delete.value().get()])}
                                <dl class="figures">
                                    <div><dt>"Slug"</dt><dd><a href=format!("/orgs/{}/tasks", org.slug)>{org.slug.clone()}</a></dd></div>
                                    <div><dt>"Created"</dt><dd>{day(&org.created_at)}</dd></div>
                                    <div><dt>"Creator"</dt><dd>{match d.creator.clone() {
                                        Some((name, email)) => view! { {name}<br/><span class="muted small">{email}</span> }.into_any(),
                                        None => view! { <span class="muted">"(account deleted)"</span> }.into_any(),
                                    }}</dd></div>
                                    <div><dt>"Members"</dt><dd>{d.members.len()}</dd></div>
                                    <div><dt>"Tasks"</dt><dd>{d.tasks}</dd></div>
                                    <div><dt>"Labels"</dt><dd>{d.labels}</dd></div>
                                    <div><dt>"Categories"</dt><dd>{d.categories}</dd></div>
                                    <div><dt>"Public page"</dt><dd>{yes_no(org.settings.public_page)}</dd></div>
                                    <div><dt>"Public actions"</dt><dd>{yes_no(org.settings.public_actions)}</dd></div>
                                </dl>
                                {(!org.description.is_empty()).then(|| view! { <p class="muted">{org.description.clone()}</p> })}

                                <h2 id="members">"Members"</h2>
                                <table class="grid" aria-labelledby="members" data-testid="org-members">
                                    <thead><tr><th scope="col">"Member"</th><th scope="col">"Teams"</th><th scope="col">"Joined"</th></tr></thead>
                                    <tbody>
                                        {d.members.iter().map(|m| view! {
                                            <tr>
                                                <td>{m.name.clone()}" "{m.creator.then(|| view! { <span class="badge">"creator"</span> })}
                                                    <br/><span class="muted small">{m.email.clone()}</span></td>
                                                <td>{m.teams.join(", ")}</td>
                                                <td>{day(&m.joined_at)}</td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>

                                <h2 id="teams">"Teams"</h2>
                                <ul class="list" aria-labelledby="teams">
                                    {d.teams.iter().map(|(name, size, system)| view! {
                                        <li>{name.clone()}<span class="muted">{format!(" · {size} member(s)")}</span>
                                            {system.then(|| view! { " " <span class="badge">"system"</span> })}</li>
                                    }).collect_view()}
                                </ul>

                                <h2 id="delete">"Delete"</h2>
                                <p class="muted">"Deletes the organization with its tasks, comments, files and members. This cannot be undone."</p>
                                <ActionForm action=delete attr:class="row" attr:data-testid="delete-org">
                                    <input type="hidden" name="slug" value=org.slug.clone()/>
                                    <label class="sr-only" for="confirm-slug">"Type the slug to confirm"</label>
                                    <input id="confirm-slug" name="confirm" required autocomplete="off" placeholder=format!("Type {} to confirm", org.slug)/>
                                    <button type="submit" class="button danger">"Delete organization"</button>
                                </ActionForm>
                            </section>
                        }.into_any()
                    }
                }
            })}
        </Transition>
    }
    .into_any()
}
