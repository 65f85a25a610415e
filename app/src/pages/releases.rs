//! `/orgs/<slug>/releases` and `/orgs/<slug>/releases/<release>`: the public changelog
//! (released releases and their public tasks, rendered on the server, with an Atom feed),
//! and for members every release, with its progress, health and edits.

use crate::api::{
    ChangeRelease, CreateRelease, DeleteRelease, PostReleaseUpdate, load_release,
    load_releases_page,
};
use crate::components::text::error_text;
use crate::components::{PageTitle, ShareCard};
use domain::dto::{Health, Progress, Release, ReleaseStatus, TaskStatus};
use leptos::prelude::*;
use leptos_meta::Link;
use leptos_router::hooks::use_params_map;

fn base(slug: &str) -> String {
    format!("/orgs/{slug}/releases")
}

/// A progress bar with its figures.
fn progress_bar(p: Progress) -> impl IntoView {
    let percent = if p.total == 0 {
        0
    } else {
        p.done * 100 / p.total
    };
    view! {
        <div class="progress" data-testid="release-progress" title=format!("{} of {} done", p.done, p.total)>
            <span class="progress-bar" style=format!("width:{percent}%")></span>
        </div>
        <span class="small muted">{format!("{} of {} done", p.done, p.total)}</span>
    }
}

fn dates(r: &Release) -> String {
    match (r.status, r.released_at, r.target_date) {
        (ReleaseStatus::Released | ReleaseStatus::Archived, Some(at), _) => {
            format!("Released {}", at.format("%Y-%m-%d"))
        }
        (_, _, Some(target)) => format!("Target {}", target.format("%Y-%m-%d")),
        _ => String::new(),
    }
}

fn health_badge(h: Health) -> impl IntoView {
    view! { <span class=format!("health health-{}", h.as_str()) data-testid="release-health">{h.label()}</span> }
}

/// The releases of an org.
#[component]
pub fn Releases() -> impl IntoView {
    let slug = crate::org_host::use_slug();
    let create = ServerAction::<CreateRelease>::new();
    let page = Resource::new(
        move || (slug.get(), create.version().get()),
        |(slug, _)| load_releases_page(slug),
    );
    view! {
        <Suspense fallback=crate::components::Loading>
            {move || Suspend::new(async move {
                let data = match page.await {
                    Ok(d) => d,
                    Err(e) => return view! { <crate::components::LoadFailed error=e/> }.into_any(),
                };
                let slug = data.org.slug.clone();
                let title = if data.member { "Releases" } else { "Changelog" };
                let items = data.releases.iter().map(|r| {
                    let href = format!("{}/{}", base(&slug), r.slug);
                    view! {
                        <li class="release-item" data-testid="release-item">
                            <div class="row spread">
                                <h2><a href=href>{r.name.clone()}</a></h2>
                                <span class=format!("badge status-{}", r.status.as_str())>{r.status.label()}</span>
                            </div>
                            <p class="small muted">{dates(r)}{r.lead.as_ref().map(|l| format!(" · Lead: {}", l.name))}</p>
                            {r.health.as_ref().map(|h| health_badge(h.health))}
                            {progress_bar(r.progress)}
                            <div class="markdown" inner_html=r.description_html.clone()></div>
                        </li>
                    }
                }).collect_view();
                let head = if data.member {
                    view! { <PageTitle text=format!("Releases · {}", data.org.name)/> }.into_any()
                } else {
                    let words = format!("What {} has shipped, and what comes next.", data.org.name);
                    view! { <ShareCard title=format!("{} · Changelog", data.org.name) description=words path=base(&slug) org=data.org.clone()/> }.into_any()
                };
                view! {
                    {head}
                    // Feed readers find the changelog's feed from the page.
                    <Link rel="alternate" type_="application/atom+xml" title=format!("{} changelog", data.org.name) href=format!("{}.atom", base(&slug))/>
                    <section class="releases" data-testid="releases">
                        <div class="row spread">
                            <h1>{data.org.name.clone()}" · "{title}</h1>
                            <a class="small" href=format!("{}.atom", base(&slug)) data-testid="atom-link">"Atom feed"</a>
                        </div>
                        {data.manage.then(|| view! {
                            <ActionForm action=create attr:class="row wrap new-release" attr:data-testid="new-release">
                                <input type="hidden" name="slug" value=slug.clone()/>
                                <label>"Name " <input name="name" required maxlength="80" data-testid="release-name"/></label>
                                <label>"Target " <input type="date" name="target_date"/></label>
                                <button type="submit" class="button primary">"New release"</button>
                            </ActionForm>
                        })}
                        {move || create.value().get().and_then(|r| r.err()).map(|e| view! { <p class="error" role="alert">{error_text(&e)}</p> })}
                        {data.releases.is_empty().then(|| view! { <p class="muted" data-testid="no-releases">"Nothing released yet."</p> })}
                        <ul class="release-list" role="list">{items}</ul>
                    </section>
                }.into_any()
            })}
        </Suspense>
    }
}

/// One release: what it holds and, for members, how it goes.
#[component]
pub fn ReleasePage() -> impl IntoView {
    let slug = crate::org_host::use_slug();
    let params = use_params_map();
    let name = Memo::new(move |_| params.with(|p| p.get("release").unwrap_or_default()));
    let change = ServerAction::<ChangeRelease>::new();
    let post = ServerAction::<PostReleaseUpdate>::new();
    let delete = ServerAction::<DeleteRelease>::new();
    let page = Resource::new(
        move || {
            (
                slug.get(),
                name.get(),
                change.version().get(),
                post.version().get(),
            )
        },
        |(slug, release, _, _)| async move {
            let overview = load_releases_page(slug.clone()).await?;
            let detail = load_release(slug, release).await?;
            Ok::<_, ServerFnError>((overview, detail))
        },
    );
    Effect::new(move |_| {
        if let Some(Ok(())) = delete.value().get() {
            let _ = window().location().set_href(&base(&slug.get_untracked()));
        }
    });
    view! {
        <Suspense fallback=crate::components::Loading>
            {move || Suspend::new(async move {
                let (data, detail) = match page.await {
                    Ok(d) => d,
                    Err(e) => return view! { <crate::components::LoadFailed error=e/> }.into_any(),
                };
                let slug = data.org.slug.clone();
                let r = detail.release.clone();
                let open = detail.tasks.iter().filter(|t| !matches!(t.status, TaskStatus::Done | TaskStatus::Canceled)).count();
                let tasks = detail.tasks.iter().map(|t| {
                    let href = format!("/orgs/{slug}/tasks/{}", t.number);
                    view! {
                        <li class="task" data-testid="release-task">
                            <span class="key">{t.key.clone()}</span>
                            <a class="title" href=href>{t.title.clone()}</a>
                            {data.member.then(|| view! { <span class="badge">{t.status.label()}</span> })}
                        </li>
                    }
                }).collect_view();
                let updates = detail.updates.iter().map(|u| view! {
                    <li class="release-update" data-testid="release-update">
                        {health_badge(u.health)}
                        <span class="small muted">{u.author.as_ref().map(|a| a.name.clone()).unwrap_or_default()}" · "{u.created_at.format("%Y-%m-%d").to_string()}</span>
                        <div class="markdown" inner_html=u.body_html.clone()></div>
                    </li>
                }).collect_view();
                let manage = data.manage.then(|| {
                    let r = r.clone();
                    let (s1, s2, s3) = (slug.clone(), slug.clone(), slug.clone());
                    let (r1, r2, r3) = (r.slug.clone(), r.slug.clone(), r.slug.clone());
                    let members = data.members.clone();
                    let lead = r.lead.as_ref().map(|l| l.id);
                    view! {
                        <details class="release-edit" data-testid="release-edit">
                            <summary class="button">"Edit release"</summary>
                            <ActionForm action=change attr:class="stack">
                                <input type="hidden" name="slug" value=s1/>
                                <input type="hidden" name="release" value=r1/>
                                <label>"Name" <input name="name" value=r.name.clone() maxlength="80"/></label>
                                <label>"Status" <select name="status" data-testid="release-status">
                                    {ReleaseStatus::ALL.iter().map(|s| view! { <option value=s.as_str() selected=*s == r.status>{s.label()}</option> }).collect_view()}
                                </select></label>
                                <label>"Target date" <input type="date" name="target_date" value=r.target_date.map(|d| d.to_string()).unwrap_or_default()/></label>
                                <label>"Lead" <select name="lead">
                                    <option value="">"Nobody"</option>
                                    {members.iter().map(|m| view! { <option value=m.id.to_string() selected=Some(m.id) == lead>{m.name.clone()}</option> }).collect_view()}
                                </select></label>
                                <label>"Description (Markdown)" <textarea name="description" rows="5">{r.description.clone()}</textarea></label>
                                <div class="row">
                                    <button type="submit" class="button primary" data-testid="release-save">"Save"</button>
                                </div>
                            </ActionForm>
                            <ActionForm action=delete attr:class="row">
                                <input type="hidden" name="slug" value=s2/>
                                <input type="hidden" name="release" value=r2/>
                                <button type="submit" class="button danger" data-testid="release-delete"
                                    on:click=|ev| { if !window().confirm_with_message("Delete this release? Its tasks stay, in no release.").unwrap_or(false) { ev.prevent_default(); } }>
                                    "Delete release"
                                </button>
                            </ActionForm>
                        </details>
                        <ActionForm action=post attr:class="stack health-form" attr:data-testid="health-form">
                            <input type="hidden" name="slug" value=s3/>
                            <input type="hidden" name="release" value=r3/>
                            <label>"How is it going? " <select name="health">
                                {Health::ALL.iter().map(|h| view! { <option value=h.as_str()>{h.label()}</option> }).collect_view()}
                            </select></label>
                            <textarea name="body" rows="3" placeholder="A note for the team (Markdown)"></textarea>
                            <button type="submit" class="button">"Post update"</button>
                        </ActionForm>
                    }
                });
                let head = if data.member {
                    view! { <PageTitle text=format!("{} · Releases · {}", r.name, data.org.name)/> }.into_any()
                } else {
                    let words = if r.description.trim().is_empty() {
                        format!("A release of {}.", data.org.name)
                    } else {
                        r.description.clone()
                    };
                    let path = format!("{}/{}", base(&slug), r.slug);
                    view! { <ShareCard title=format!("{} · {}", r.name, data.org.name) description=words path org=data.org.clone()/> }.into_any()
                };
                view! {
                    {head}
                    <section class="release" data-testid="release">
                        <p class="small"><a href=base(&slug)>{if data.member { "← Releases" } else { "← Changelog" }}</a></p>
                        <div class="row spread">
                            <h1>{r.name.clone()}</h1>
                            <span class=format!("badge status-{}", r.status.as_str()) data-testid="release-status-badge">{r.status.label()}</span>
                        </div>
                        <p class="small muted">{dates(&r)}{r.lead.as_ref().map(|l| format!(" · Lead: {}", l.name))}</p>
                        {r.health.as_ref().map(|h| health_badge(h.health))}
                        {progress_bar(r.progress)}
                        {data.member.then(|| view! { <p class="small muted">{format!("{open} open")}</p> })}
                        <div class="markdown" inner_html=r.description_html.clone()></div>
                        {move || change.value().get().and_then(|r| r.err()).or_else(|| post.value().get().and_then(|r| r.err())).map(|e| view! { <p class="error" role="alert">{error_text(&e)}</p> })}
                        {manage}
                        <h2>{if data.member { "Tasks" } else { "What shipped" }}</h2>
                        {detail.tasks.is_empty().then(|| view! { <p class="muted">"No tasks yet."</p> })}
                        <ul class="tasks" role="list">{tasks}</ul>
                        {(!detail.updates.is_empty()).then(|| view! {
                            <h2>"Updates"</h2>
                            <ul class="release-updates" role="list">{updates}</ul>
                        })}
                    </section>
                }.into_any()
            })}
        </Suspense>
    }
}
