//! `/orgs/<slug>`: the org's public board. Public tasks only, as the public sees them, sorted
//! by votes, age or trend, filtered by category and words, with votes and submissions, live
//! over the org's `public` room. Members see exactly this too: it is their preview.

use crate::api::{CastVote, CreateTask, load_portal};
use crate::components::ShareCard;
use crate::components::keys::{self, Action, Scope};
use crate::components::text::{encode, error_text, priority_label};
use crate::realtime::{LinkState, use_realtime};
use domain::dto::{PortalPage, Task, TaskPriority};
use domain::realtime::{Channel, ServerEvent};
use leptos::html;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos::wasm_bindgen::JsCast;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;
use std::collections::BTreeSet;

/// The sorts the public board offers: (query value, label).
const SORTS: [(&str, &str); 3] = [
    ("votes", "Most popular"),
    ("newest", "Newest"),
    ("trending", "Trending"),
];

/// What the board was asked for: sort, category and words.
#[derive(Clone, Debug, Default, PartialEq)]
struct Ask {
    sort: String,
    category: String,
    q: String,
}

impl Ask {
    fn href(&self, slug: &str, sort: &str) -> String {
        let mut pairs = vec![("sort", sort.to_string())];
        if !self.category.is_empty() {
            pairs.push(("category", self.category.clone()));
        }
        if !self.q.is_empty() {
            pairs.push(("q", self.q.clone()));
        }
        let query: Vec<String> = pairs
            .iter()
            .map(|(k, v)| format!("{k}={}", encode(v)))
            .collect();
        format!("/orgs/{slug}?{}", query.join("&"))
    }

    /// Would a task that arrives live belong in this list?
    fn admits(&self, task: &Task) -> bool {
        let category = self.category.is_empty()
            || task
                .category
                .as_ref()
                .is_some_and(|c| c.id.to_string() == self.category);
        let words = self.q.trim().to_lowercase();
        category
            && (words.is_empty()
                || task.title.to_lowercase().contains(&words)
                || task.description.to_lowercase().contains(&words))
    }
}

#[component]
pub fn Portal() -> impl IntoView {
    let query = use_query_map();
    let slug = crate::org_host::use_slug();
    let ask = Memo::new(move |_| {
        query.with(|q| Ask {
            sort: q.get("sort").unwrap_or_else(|| "votes".into()),
            category: q.get("category").unwrap_or_default(),
            q: q.get("q").unwrap_or_default(),
        })
    });
    let refetch = RwSignal::new(0u32);
    let page = Resource::new(
        move || (slug.get(), ask.get(), refetch.get()),
        |(slug, ask, _)| load_portal(slug, Some(ask.sort), Some(ask.category), Some(ask.q)),
    );
    view! {
        <Transition fallback=crate::components::Loading>
            {move || Suspend::new(async move {
                match page.await {
                    Err(e) => {
                        #[cfg(feature = "ssr")]
                        if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
                            res.set_status(http::StatusCode::NOT_FOUND);
                        }
                        view! { <section class="empty"><h1>"Not found"</h1><p>{error_text(&e)}</p></section> }.into_any()
                    }
                    Ok(page) => view! { <PortalView page ask=ask.get_untracked() refetch/> }.into_any(),
                }
            })}
        </Transition>
    }
    .into_any()
}

#[component]
fn PortalView(page: PortalPage, ask: Ask, refetch: RwSignal<u32>) -> impl IntoView {
    let org = page.org.clone();
    let slug = org.slug.clone();
    let viewer = page.viewer;
    let tasks = RwSignal::new(page.tasks.clone());
    let voted = RwSignal::new(page.voted.iter().copied().collect::<BTreeSet<i64>>());
    let notice = RwSignal::new(None::<String>);
    let search = NodeRef::<html::Input>::new();

    let sort = ask.sort.clone();
    let reorder = move |list: &mut Vec<Task>| match sort.as_str() {
        "votes" => list.sort_by(|a, b| {
            b.vote_count
                .cmp(&a.vote_count)
                .then(b.number.cmp(&a.number))
        }),
        "newest" => list.sort_by(|a, b| b.number.cmp(&a.number)),
        _ => {}
    };
    let reorder = StoredValue::new(reorder);
    let ask_live = ask.clone();
    let live = use_realtime(
        Signal::derive({
            let org = org.id;
            move || Some((org, Channel::Public))
        }),
        move |event| match event {
            ServerEvent::CreateTask(t) | ServerEvent::UpdateTask(t) => tasks.update(|list| {
                let known = list.iter().position(|x| x.id == t.id);
                match known {
                    Some(i) if t.version >= list[i].version => {
                        if ask_live.admits(&t) {
                            list[i] = t;
                        } else {
                            list.remove(i);
                        }
                    }
                    Some(_) => {}
                    None if ask_live.admits(&t) => list.push(t),
                    None => {}
                }
                reorder.with_value(|r| r(list));
            }),
            ServerEvent::DeleteTask { id, .. } => tasks.update(|list| list.retain(|x| x.id != id)),
            ServerEvent::UpdateTaskVote {
                number, vote_count, ..
            } => tasks.update(|list| {
                if let Some(t) = list.iter_mut().find(|t| t.number == number) {
                    t.vote_count = vote_count;
                }
                reorder.with_value(|r| r(list));
            }),
            _ => {}
        },
    );
    Effect::new(move |_| {
        if live.reconnected.get() > 0 {
            refetch.update(|n| *n += 1);
        }
    });

    // Votes: shown at once, settled by the answer.
    let vote = ServerAction::<CastVote>::new();
    Effect::new(move |_| match vote.value().get() {
        Some(Ok(r)) => {
            tasks.update(|list| {
                if let Some(t) = list.iter_mut().find(|t| t.number == r.number) {
                    t.vote_count = r.vote_count;
                }
            });
        }
        Some(Err(e)) => {
            notice.set(Some(format!(
                "Your vote was not counted: {}",
                error_text(&e)
            )));
            refetch.update(|n| *n += 1);
        }
        None => {}
    });
    let slug_v = StoredValue::new(slug.clone());
    let toggle = move |number: i64| {
        let up = !voted.with_untracked(|v| v.contains(&number));
        voted.update(|v| {
            if up {
                v.insert(number);
            } else {
                v.remove(&number);
            }
        });
        tasks.update(|list| {
            if let Some(t) = list.iter_mut().find(|t| t.number == number) {
                t.vote_count += if up { 1 } else { -1 };
            }
        });
        notice.set(None);
        vote.dispatch(CastVote {
            slug: slug_v.get_value(),
            number,
            up,
        });
    };

    // `/` focuses the search.
    let keys = window_event_listener(leptos::ev::keydown, move |ev| {
        let typing = crate::components::keys::typing(&ev);
        if !typing && keys::action(Scope::Portal, &ev) == Some(Action::Search) {
            if let Some(input) = search.get() {
                ev.prevent_default();
                let _ = input.focus();
            }
        }
    });
    on_cleanup(move || keys.remove());

    let categories = page.categories.clone();
    let category_names = page.categories.clone();
    let vote_url = CastVote::url();
    let sort_tabs = SORTS
        .iter()
        .map(|(value, label)| {
            let current = ask.sort == *value;
            view! {
                <a href=ask.href(&slug, value) aria-current=current.then_some("page") data-testid=format!("sort-{value}")>{*label}</a>
            }
        })
        .collect_view();
    let slug_list = slug.clone();

    // The org's colour, where text on it or beside it stays readable by construction: the
    // band and the buttons, with black or white text chosen for it (links keep the theme's).
    let brand = org
        .settings
        .accent_color
        .as_deref()
        .and_then(|c| domain::parse::Color::parse(c).ok())
        .map(|c| format!("--brand: {}; --brand-fg: {}", c.as_str(), c.text_on()));
    let branded = brand.is_some();
    let card_words = if org.description.is_empty() {
        format!(
            "What {} is working on: vote, comment and suggest.",
            org.name
        )
    } else {
        org.description.clone()
    };
    view! {
        <ShareCard title=org.name.clone() description=card_words path=format!("/orgs/{slug}") org=org.clone()/>
        <section class="portal" class:branded=branded data-testid="portal" style=brand>
            <header class="portal-head">
                {org.banner_url.clone().map(|src| view! { <img class="portal-banner" src=src alt="" data-testid="portal-banner"/> })}
                <div class="row spread">
                    <h1 class="org-title" data-testid="portal-name">
                        {org.logo_url.clone().map(|src| view! { <img class="org-logo big" src=src alt="" data-testid="portal-logo"/> })}
                        {org.name.clone()}
                    </h1>
                    <div class="row">
                        <span class="live" data-testid="live-status" data-state=move || live.state.get().as_str() role="status"
                            title=move || match live.state.get() { LinkState::Live => "Live", LinkState::Connecting => "Connecting…", LinkState::Offline => "Offline" }>
                            {move || live.state.get().as_str()}
                        </span>
                        {viewer.member.then(|| view! { <a class="button" href=format!("/orgs/{slug}/tasks")>"Open the board"</a> })}
                    </div>
                </div>
                {(!org.description.is_empty()).then(|| view! { <p class="lead">{org.description.clone()}</p> })}
            </header>
            {page.preview.then(|| view! {
                <p class="notice-bar" role="note" data-testid="preview-note">"Preview: the public page is off, so only members see this."</p>
            })}
            {move || notice.get().map(|m| view! { <p class="notice-bar" role="alert" data-testid="notice">{m}</p> })}
            <div class="toolbar">
                <nav class="segmented" aria-label="Sort">{sort_tabs}</nav>
                <Form method="GET" action=format!("/orgs/{}", org.slug) attr:class="filters" attr:role="search">
                    <input type="hidden" name="sort" value=ask.sort.clone()/>
                    <label class="sr-only" for="portal-search">"Search"</label>
                    <input id="portal-search" node_ref=search type="search" name="q" placeholder="Search  /" aria-keyshortcuts="/"
                        value=ask.q.clone() data-testid="portal-search"/>
                    {(!categories.is_empty()).then(|| view! {
                        <label class="inline">"Category "
                            <select name="category" data-testid="portal-category" on:change=move |ev| {
                                if let Some(form) = ev.target()
                                    .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                                    .and_then(|el| el.closest("form").ok().flatten())
                                    .and_then(|f| f.dyn_into::<web_sys::HtmlFormElement>().ok()) {
                                    let _ = form.request_submit();
                                }
                            }>
                                <option value="">"All"</option>
                                {categories.iter().map(|c| view! {
                                    <option value=c.id.to_string() selected=ask.category == c.id.to_string()>{c.name.clone()}</option>
                                }).collect_view()}
                            </select>
                        </label>
                    })}
                    <button type="submit" class="button">"Search"</button>
                </Form>
            </div>
            <Submit page=page.clone()/>
            <ol class="portal-tasks" data-testid="portal-tasks" aria-label="Public tasks">
                <For each=move || tasks.get() key=|t| (t.id, t.vote_count, t.version) let:t>
                    {
                        let number = t.number;
                        let slug = slug_list.clone();
                        let on = move || voted.with(|v| v.contains(&number));
                        let category = t.category.as_ref().and_then(|c| category_names.iter().find(|x| x.id == c.id)).map(|c| c.name.clone());
                        view! {
                            <li class="portal-task" data-testid="portal-task" data-number=number>
                                <form class="vote" method="post" action=vote_url on:submit=move |ev| {
                                    ev.prevent_default();
                                    if viewer.can_vote { toggle(number); }
                                }>
                                    <input type="hidden" name="slug" value=slug.clone()/>
                                    <input type="hidden" name="number" value=number/>
                                    <input type="hidden" name="up" value=move || (!on()).to_string()/>
                                    <button type="submit" class="vote-button" class:on=on data-testid="vote"
                                        disabled=!viewer.can_vote
                                        aria-pressed=move || on().to_string()
                                        title=if viewer.can_vote { "Vote" } else if viewer.blocked { "You cannot vote here" } else { "Sign in to vote" }>
                                        <span aria-hidden="true">"▲"</span>
                                        // The name starts with what the button shows (WCAG 2.5.3).
                                        <span data-testid="vote-count">{t.vote_count}</span>
                                        <span class="sr-only">{format!(" votes: vote for {}", t.key)}</span>
                                    </button>
                                </form>
                                <div class="grow">
                                    <a class="title" href=format!("/orgs/{slug}/tasks/{number}") data-testid="portal-task-title">{t.title.clone()}</a>
                                    <div class="row small muted">
                                        <span class="key">{t.key.clone()}</span>
                                        <span class="status" data-status=t.status.as_str()>{t.status.label()}</span>
                                        {category.map(|c| view! { <span class="badge">{c}</span> })}
                                        {t.labels.iter().map(|l| view! { <span class="label" style=format!("--label: {}", l.color)>{l.name.clone()}</span> }).collect_view()}
                                        <span>{match t.comment_count { 1 => "1 comment".to_string(), n => format!("{n} comments") }}</span>
                                    </div>
                                </div>
                            </li>
                        }
                    }
                </For>
            </ol>
            {move || tasks.with(Vec::is_empty).then(|| view! { <p class="muted" data-testid="portal-empty">"No public tasks here yet."</p> })}
        </section>
    }
    .into_any()
}

/// Suggesting a task: signed-in visitors when the org takes public actions, with the fields
/// the org lets the public set. A plain form, so it works without JavaScript.
#[component]
fn Submit(page: PortalPage) -> impl IntoView {
    let viewer = page.viewer;
    let org = page.org.clone();
    if !viewer.can_submit {
        let why = if viewer.blocked {
            Some("This organization has blocked you from suggesting tasks.")
        } else if !viewer.signed_in && org.settings.public_actions {
            Some("Sign in to suggest a task or to comment.")
        } else {
            None
        };
        return why
            .map(|m| view! { <p class="muted small" data-testid="submit-why">{m}" "{(!viewer.signed_in).then(|| view! { <a href="/login">"Sign in"</a> })}</p> })
            .into_any();
    }
    let fields = org.settings.public_task_fields;
    let submit = ServerAction::<CreateTask>::new();
    let form = NodeRef::<html::Form>::new();
    Effect::new(move |_| {
        if let Some(Ok(_)) = submit.value().get()
            && let Some(f) = form.get()
        {
            f.reset();
        }
    });
    let slug = org.slug.clone();
    let slug_done = slug.clone();
    let categories = page.categories.clone();
    let labels = page.labels.clone();
    let templates = page.templates.clone();
    let must = org.settings.visitors_must_use_template && !viewer.member;
    view! {
        <details class="submit-task" data-testid="submit-task">
            <summary class="button primary">"Suggest a task"</summary>
            <ActionForm action=submit node_ref=form attr:class="stack wide" attr:data-testid="submit-form">
                <input type="hidden" name="slug" value=slug.clone()/>
                {(!templates.is_empty() || must).then(|| view! {
                    <label>"Template"
                        <select name="template" required=must data-testid="submit-template">
                            <option value="" disabled=must selected>{if must { "Choose one" } else { "None" }}</option>
                            {templates.iter().map(|t| view! { <option value=t.id.to_string()>{t.name.clone()}</option> }).collect_view()}
                        </select>
                    </label>
                })}
                <label>"Title" <input name="title" required maxlength="200" data-testid="submit-title"/></label>
                <label>"Description (Markdown)" <textarea name="description" rows="4" data-testid="submit-description"></textarea></label>
                {(fields.priority || viewer.member).then(|| view! {
                    <label>"Priority"
                        <select name="priority">
                            {TaskPriority::ALL.iter().rev().map(|p| view! { <option value=p.as_str() selected=*p == TaskPriority::None>{priority_label(*p)}</option> }).collect_view()}
                        </select>
                    </label>
                })}
                {((fields.category || viewer.member) && !categories.is_empty()).then(|| view! {
                    <label>"Category"
                        <select name="category">
                            <option value="">"None"</option>
                            {categories.iter().map(|c| view! { <option value=c.id.to_string()>{c.name.clone()}</option> }).collect_view()}
                        </select>
                    </label>
                })}
                {((fields.labels || viewer.member) && !labels.is_empty()).then(|| view! {
                    <fieldset><legend>"Labels"</legend>
                        {labels.iter().enumerate().map(|(i, l)| view! {
                            <label class="check"><input type="checkbox" name=format!("labels[{i}]") value=l.id.to_string()/>{l.name.clone()}</label>
                        }).collect_view()}
                    </fieldset>
                })}
                {viewer.member.then(|| view! { <input type="hidden" name="visibility" value="public"/> })}
                <button type="submit" class="button primary" data-testid="submit-send">"Submit"</button>
            </ActionForm>
            {move || submit.value().get().map(|r| match r {
                Ok(t) => view! { <p class="notice-bar" role="status" data-testid="submit-done">"Thank you: "<a href=format!("/orgs/{}/tasks/{}", slug_done, t.number)>{t.key.clone()}</a>" is on the board."</p> }.into_any(),
                Err(e) => view! { <p class="error" role="alert" data-testid="submit-error">{error_text(&e)}</p> }.into_any(),
            })}
        </details>
    }
    .into_any()
}
