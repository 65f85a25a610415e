use crate::api::{AcceptInvite, CreateOrg, DeclineInvite, Logout, load_home};
use crate::components::text::error_text;
use leptos::prelude::*;

/// Home: my organizations and a form to create one; or the way in.
#[component]
pub fn Home() -> impl IntoView {
    let create = ServerAction::<CreateOrg>::new();
    let logout = ServerAction::<Logout>::new();
    let accept = ServerAction::<AcceptInvite>::new();
    let decline = ServerAction::<DeclineInvite>::new();
    let home = Resource::new(move || decline.version().get(), |_| load_home());

    view! {
        <Transition fallback=crate::components::Loading>
            {move || Suspend::new(async move {
                let data = home.await.map_err(|e| error_text(&e));
                match data {
                    Err(message) => view! { <p class="error">{message}</p> }.into_any(),
                    Ok(data) => match data.user {
                        None => view! {
                            <section class="hero" data-testid="landing">
                                <h1>"Project management your users can see."</h1>
                                <p>"Your team plans and works on tasks here, on a live board. Your users see only what you make public — tasks, comments, releases — and can vote, comment and suggest, live."</p>
                                <p class="actions">
                                    <a class="button primary" href="/signup">"Create an account"</a>
                                    <a class="button" href="/login">"Sign in"</a>
                                    <a class="button" href="/docs" rel="external">"Read the docs"</a>
                                </p>
                            </section>
                            {(!data.listed.is_empty()).then(|| view! {
                                <section class="listed" aria-labelledby="listed-h" data-testid="listed-orgs">
                                    <h2 id="listed-h">"Public pages on this site"</h2>
                                    <ul class="plain">
                                        {data.listed.iter().map(|o| view! {
                                            <li>
                                                <a href=format!("/orgs/{}", o.slug)>{o.name.clone()}</a>
                                                {(!o.description.is_empty()).then(|| view! { <span class="muted">" — "{o.description.clone()}</span> })}
                                            </li>
                                        }).collect_view()}
                                    </ul>
                                </section>
                            })}
                        }.into_any(),
                        Some(user) => view! {
                            <section class="home">
                                <div class="row spread">
                                    <h1>"Your organizations"</h1>
                                    <ActionForm action=logout>
                                        <span class="muted">{user.name.clone()}" · "</span>
                                        <button type="submit" class="link">"Sign out"</button>
                                    </ActionForm>
                                </div>
                                {(!user.email_verified).then(|| view! {
                                    <p class="notice" role="status" data-testid="confirm-address">
                                        "Confirm your e-mail address: follow the link we mailed to "<strong>{user.email.clone()}</strong>
                                        ". Invitations sent to it show here once it is confirmed. "
                                        <a href="/settings/account#email">"Send the link again"</a>
                                    </p>
                                })}
                                <div class="dashboard" data-testid="dashboard">
                                    <section aria-labelledby="my-open-h">
                                        <h2 id="my-open-h"><a href="/my-tasks">"My open tasks"</a></h2>
                                        {if data.my_open.is_empty() {
                                            view! { <p class="muted">"Nothing assigned to you."</p> }.into_any()
                                        } else {
                                            view! {
                                                <ul class="plain" data-testid="my-open">
                                                    {data.my_open.iter().map(|(status, n)| view! {
                                                        <li><a href="/my-tasks">{status.label()}</a>" "<strong>{*n}</strong></li>
                                                    }).collect_view()}
                                                </ul>
                                            }.into_any()
                                        }}
                                    </section>
                                    <section aria-labelledby="unread-h">
                                        <h2 id="unread-h"><a href="/inbox?view=unread">{format!("Unread ({})", data.unread_count)}</a></h2>
                                        {if data.unread.is_empty() {
                                            view! { <p class="muted">"You are all caught up."</p> }.into_any()
                                        } else {
                                            view! {
                                                <ul class="plain" data-testid="home-unread">
                                                    {data.unread.iter().map(|n| {
                                                        let who = n.actor.as_ref().map_or("Someone".to_string(), |a| a.name.clone());
                                                        let (href, what) = match &n.task {
                                                            Some(t) => (format!("/orgs/{}/tasks/{}", n.org.slug, t.number), format!("{} {}", t.key, t.title)),
                                                            None => ("/".to_string(), n.org.name.clone()),
                                                        };
                                                        view! { <li><a href=href>{what}</a>" "<span class="muted small">{format!("{who} {}", n.kind.describe())}</span></li> }
                                                    }).collect_view()}
                                                </ul>
                                            }.into_any()
                                        }}
                                    </section>
                                </div>
                                {(!data.invites.is_empty()).then({ let invites = data.invites.clone(); move || view! {
                                    <h2>"Invitations"</h2>
                                    <ul class="list" data-testid="invites">
                                        {invites.into_iter().map(|(invite, org)| { let (accept_code, decline_code) = (invite.code.clone(), invite.code.clone()); view! {
                                            <li class="row spread">
                                                <span>"Join "<strong>{org.name.clone()}</strong></span>
                                                <span class="row">
                                                    <ActionForm action=accept>
                                                        <input type="hidden" name="code" value=accept_code/>
                                                        <button type="submit" class="button primary">"Accept"</button>
                                                    </ActionForm>
                                                    <ActionForm action=decline>
                                                        <input type="hidden" name="code" value=decline_code/>
                                                        <button type="submit" class="button">"Decline"</button>
                                                    </ActionForm>
                                                </span>
                                            </li>
                                        }}).collect_view()}
                                    </ul>
                                }})}
                                {move || accept.value().get().and_then(|r| r.err()).map(|e| view! { <p class="error" role="alert">{error_text(&e)}</p> })}
                                <ul class="orgs" data-testid="org-list">
                                    {data.orgs.iter().map(|org| {
                                        let href = format!("/orgs/{}/tasks", org.slug);
                                        let settings = format!("/orgs/{}/settings", org.slug);
                                        view! {
                                            <li class="row"><a href=href class="grow">
                                                <span class="key">{org.short_id.clone()}</span>
                                                {org.logo_url.clone().map(|src| view! { <img class="org-logo" src=src alt=""/> })}
                                                {org.name.clone()}
                                            </a><a href=settings class="small">"Settings"</a></li>
                                        }
                                    }).collect_view()}
                                </ul>
                                <h2>"New organization"</h2>
                                <ActionForm action=create attr:class="stack" attr:data-testid="new-org-form">
                                    <label>"Name" <input name="name" required maxlength="80"/></label>
                                    <label>"Slug (URL)" <input name="slug" required pattern="[a-z0-9](-?[a-z0-9])*" minlength="2" maxlength="48"/></label>
                                    <label>"Short id (e.g. ABC)" <input name="short_id" required pattern="[A-Z]{1,3}" maxlength="3"/></label>
                                    <button type="submit" class="button primary">"Create"</button>
                                </ActionForm>
                                {move || create.value().get().and_then(|r| r.err()).map(|e| view! { <p class="error" role="alert">{error_text(&e)}</p> })}
                            </section>
                        }.into_any(),
                    },
                }
            })}
        </Transition>
    }
}
