//! The org's GitHub App, in its settings (admin.manageSettings): installing it, the
//! accounts it is installed on, and the repositories linked for the org's categories.

use crate::api::{LinkRepository, UnlinkRepository, UpdateRepository, load_github, load_reachable};
use crate::components::text::error_text;
use domain::CategoryId;
use domain::dto::{Category, GithubStatus};
use leptos::prelude::*;

/// What the instance's administrator sets to turn the App on.
const APP_SETTINGS: [&str; 4] = [
    "SAYR_GITHUB_APP_ID",
    "SAYR_GITHUB_APP_SLUG",
    "SAYR_GITHUB_APP_PRIVATE_KEY",
    "SAYR_GITHUB_WEBHOOK_SECRET",
];

/// The section at `#github`; the page shows it only to those who manage the settings.
#[component]
pub(super) fn GithubSettings(slug: String, categories: Vec<Category>) -> impl IntoView {
    let link = ServerAction::<LinkRepository>::new();
    let update = ServerAction::<UpdateRepository>::new();
    let unlink = ServerAction::<UnlinkRepository>::new();
    let status = Resource::new(
        {
            let slug = slug.clone();
            move || {
                (
                    slug.clone(),
                    link.version().get() + update.version().get() + unlink.version().get(),
                )
            }
        },
        |(slug, _)| load_github(slug),
    );
    let failure = move || {
        let errors = [
            link.value().get().and_then(|r| r.err()),
            update.value().get().and_then(|r| r.err()),
            unlink.value().get().and_then(|r| r.err()),
        ];
        errors.into_iter().flatten().next().map(|e| {
            view! { <p class="notice-bar" role="alert" data-testid="github-error">{error_text(&e)}</p> }
        })
    };
    let linked = move || {
        link.value().get().and_then(|r| r.ok()).map(|r| {
            view! { <p class="muted" role="status">{r.full_name}" is linked."</p> }
        })
    };
    view! {
        <section id="github" data-testid="github-settings">
            <h2>"GitHub"</h2>
            {failure}
            {linked}
            <Transition fallback=crate::components::Loading>
                {move || Suspend::new({
                    let slug = slug.clone();
                    let categories = categories.clone();
                    async move {
                        match status.await {
                            Err(e) => view! { <p class="error">{error_text(&e)}</p> }.into_any(),
                            Ok(s) if !s.configured => not_configured().into_any(),
                            Ok(s) => view! {
                                <Connected slug status=s categories link update unlink/>
                            }
                            .into_any(),
                        }
                    }
                })}
            </Transition>
        </section>
    }
}

/// Without the App there is nothing to do here but ask the instance's administrator.
fn not_configured() -> impl IntoView {
    let last = APP_SETTINGS.len() - 1;
    view! {
        <p data-testid="github-not-configured">
            "GitHub is not set up on this instance. The instance's administrator turns it on by setting "
            {APP_SETTINGS.iter().enumerate().map(|(i, name)| view! {
                {match i {
                    0 => None,
                    i if i == last => Some(" and "),
                    _ => Some(", "),
                }}
                <code>{*name}</code>
            }).collect_view()}
            " (see the README)."
        </p>
    }
}

/// The App is there: the install link, the installations and the linked repositories.
#[component]
fn Connected(
    slug: String,
    status: GithubStatus,
    categories: Vec<Category>,
    link: ServerAction<LinkRepository>,
    update: ServerAction<UpdateRepository>,
    unlink: ServerAction<UnlinkRepository>,
) -> impl IntoView {
    let install = format!("/api/v1/orgs/{slug}/github/install");
    let first = status.installations.is_empty();
    let account = |installation: i64| {
        status
            .installations
            .iter()
            .find(|i| i.id == installation)
            .map(|i| i.account.clone())
            .unwrap_or_default()
    };
    let repositories = status
        .repositories
        .iter()
        .map(|r| {
            let id = r.id.to_string();
            let (slug, id_unlink, slug_unlink) = (slug.clone(), id.clone(), slug.clone());
            let name = r.full_name.clone();
            let private = r.private;
            let create_issues = r.create_issues;
            let via = account(r.installation_id);
            let category = category_select(&categories, r.category_id);
            view! {
                <li class="row spread wrap" data-testid="github-repo">
                    <span class="row">
                        <strong>{name}</strong>
                        {private.then(|| view! { <span class="badge">"private"</span> })}
                        <span class="muted small">"via "{via}</span>
                    </span>
                    <span class="row wrap">
                        <ActionForm action=update attr:class="row wrap">
                            <input type="hidden" name="slug" value=slug/>
                            <input type="hidden" name="id" value=id/>
                            {category}
                            <label class="check"><input type="checkbox" name="create_issues" value="on" checked=create_issues/>"Create a GitHub issue for each new task"</label>
                            <button type="submit" class="button small">"Save"</button>
                        </ActionForm>
                        <ActionForm action=unlink>
                            <input type="hidden" name="slug" value=slug_unlink/>
                            <input type="hidden" name="id" value=id_unlink/>
                            <button type="submit" class="button small danger" data-testid="github-unlink">"Unlink"</button>
                        </ActionForm>
                    </span>
                </li>
            }
        })
        .collect_view();
    let installations = status
        .installations
        .iter()
        .map(|i| {
            let form = (!i.suspended && !i.deleted).then(|| {
                view! {
                    <LinkForm slug=slug.clone() installation=i.id categories=categories.clone() link/>
                }
            });
            let account = i.account.clone();
            let (suspended, deleted) = (i.suspended, i.deleted);
            view! {
                <li data-testid="github-installation">
                    <span class="row">
                        <strong>{account}</strong>
                        {suspended.then(|| view! { <span class="badge">"suspended"</span> })}
                        {deleted.then(|| view! { <span class="badge">"uninstalled on GitHub"</span> })}
                    </span>
                    {form}
                </li>
            }
        })
        .collect_view();
    view! {
        <p class="muted small">
            "Linked repositories and Sayr keep each other true: their issues become tasks, and pull requests and commits that name a task appear on it. "
            "A repository linked for a category receives that category's new tasks; the default repository receives those without a category."
        </p>
        <p>
            <a class=if first { "button primary" } else { "button" } href=install rel="external" data-testid="github-install">
                {if first { "Install the GitHub App" } else { "Connect another GitHub account" }}
            </a>
            {status.app_url.clone().map(|url| view! {
                " "<a class="muted small" href=url rel="external">"The App on GitHub"</a>
            })}
        </p>
        {(!first).then(|| view! {
            <h3>"Installations"</h3>
            <ul class="list" data-testid="github-installations">{installations}</ul>
        })}
        <h3>"Linked repositories"</h3>
        {status.repositories.is_empty().then(|| view! {
            <p class="muted" data-testid="github-no-repos">"No repository is linked yet."</p>
        })}
        <ul class="list" data-testid="github-repos">{repositories}</ul>
        <p class="muted small">"Unlinking keeps the tasks; their links to the repository's issues, pull requests and commits go."</p>
    }
}

/// Links one of the repositories an active installation reaches.
#[component]
fn LinkForm(
    slug: String,
    installation: i64,
    categories: Vec<Category>,
    link: ServerAction<LinkRepository>,
) -> impl IntoView {
    let reachable = Resource::new(
        {
            let slug = slug.clone();
            move || slug.clone()
        },
        move |slug| load_reachable(slug, installation),
    );
    view! {
        <Suspense fallback=|| view! { <p class="muted small">"Loading repositories…"</p> }>
            {move || Suspend::new({
                let slug = slug.clone();
                let categories = categories.clone();
                async move {
                    match reachable.await {
                        Err(e) => view! { <p class="error small">{error_text(&e)}</p> }.into_any(),
                        Ok(list) => {
                            let open: Vec<_> = list.into_iter().filter(|r| !r.linked).collect();
                            let none = open.is_empty();
                            let category = category_select(&categories, None);
                            view! {
                                <ActionForm action=link attr:class="row wrap" attr:data-testid="github-link-form">
                                    <input type="hidden" name="slug" value=slug/>
                                    <input type="hidden" name="installation_id" value=installation.to_string()/>
                                    <label class="inline">"Repository "
                                        <select name="repository" required disabled=none>
                                            {open.into_iter().map(|r| {
                                                let label = if r.private {
                                                    format!("{} (private)", r.full_name)
                                                } else {
                                                    r.full_name.clone()
                                                };
                                                view! { <option value=r.full_name>{label}</option> }
                                            }).collect_view()}
                                        </select>
                                    </label>
                                    {category}
                                    <label class="check"><input type="checkbox" name="create_issues" value="on"/>"Create a GitHub issue for each new task"</label>
                                    <button type="submit" class="button" disabled=none>"Link repository"</button>
                                </ActionForm>
                                {none.then(|| view! {
                                    <p class="muted small">"Every repository this installation reaches is linked. Give the App more repositories on GitHub."</p>
                                })}
                            }
                            .into_any()
                        }
                    }
                }
            })}
        </Suspense>
    }
}

/// The category a repository is for; none makes it the default repository.
fn category_select(categories: &[Category], selected: Option<CategoryId>) -> impl IntoView + use<> {
    view! {
        <label class="inline">"Category "
            <select name="category_id">
                <option value="" selected=selected.is_none()>"Default repository (tasks without a category)"</option>
                {categories.iter().map(|c| view! {
                    <option value=c.id.to_string() selected=selected == Some(c.id)>{c.name.clone()}</option>
                }).collect_view()}
            </select>
        </label>
    }
}
