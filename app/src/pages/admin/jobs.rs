//! `/admin/jobs`: the job queue by kind, and the jobs that failed (retry or discard);
//! `/admin/mail`: the outbox, where mail goes when no SMTP server is configured.

use super::{AdminNav, when};
use crate::api::{AdminDiscardJob, AdminRetryJob, load_admin_jobs, load_outbox};
use crate::components::NotFound;
use crate::components::PageTitle;
use crate::components::text::error_text;
use leptos::prelude::*;

#[component]
pub fn AdminJobs() -> impl IntoView {
    let retry = ServerAction::<AdminRetryJob>::new();
    let discard = ServerAction::<AdminDiscardJob>::new();
    let data = Resource::new(
        move || (retry.version().get(), discard.version().get()),
        |_| load_admin_jobs(),
    );
    let failure = move || {
        [retry.value().get(), discard.value().get()]
            .into_iter()
            .flatten()
            .find_map(|r| r.err())
            .map(|e| view! { <p class="error" role="alert">{error_text(&e)}</p> })
    };
    view! {
        <PageTitle text="Jobs · Admin"/>
        <Transition fallback=crate::components::Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Err(_) => view! { <NotFound/> }.into_any(),
                    Ok(jobs) => view! {
                        <section class="admin" data-testid="admin-jobs">
                            <h1>"Jobs"</h1>
                            <AdminNav current="/admin/jobs"/>
                            <p class="muted">"Mail, sweeps and purges run as jobs, shared by every instance through the database. A job that fails is retried later; after its last attempt it stays here until you retry or discard it."</p>
                            <table class="grid" data-testid="job-stats">
                                <thead><tr><th scope="col">"Kind"</th><th scope="col">"Queued"</th><th scope="col">"Running"</th><th scope="col">"Retrying"</th><th scope="col">"Dead"</th></tr></thead>
                                <tbody>
                                    {jobs.stats.into_iter().map(|(kind, s)| view! {
                                        <tr><td>{kind}</td><td>{s.queued}</td><td>{s.running}</td><td>{s.retrying}</td><td>{s.dead}</td></tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                            <h2>"Failed jobs"</h2>
                            {jobs.failed.is_empty().then(|| view! { <p class="muted" data-testid="no-failed-jobs">"None."</p> })}
                            <ul class="list" data-testid="failed-jobs">
                                {jobs.failed.into_iter().map(|j| {
                                    let (id, id_too) = (j.id.to_string(), j.id.to_string());
                                    let state = if j.status == "dead" {
                                        "out of attempts".to_string()
                                    } else {
                                        format!("next attempt {}", when(&j.run_at))
                                    };
                                    view! {
                                        <li class="stack" data-testid="failed-job">
                                            <span><strong>{j.kind}</strong>
                                                <span class="muted">" · "{j.attempts}" of "{j.max_attempts}" attempts · "{state}" · since "{when(&j.created_at)}</span>
                                            </span>
                                            <code class="wrap">{j.last_error.unwrap_or_default()}</code>
                                            <span class="row">
                                                <ActionForm action=retry>
                                                    <input type="hidden" name="id" value=id/>
                                                    <button type="submit" class="button">"Retry now"</button>
                                                </ActionForm>
                                                <ActionForm action=discard>
                                                    <input type="hidden" name="id" value=id_too/>
                                                    <button type="submit" class="link danger">"Discard"</button>
                                                </ActionForm>
                                            </span>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        </section>
                    }.into_any(),
                }
            })}
        </Transition>
        {failure}
    }
    .into_any()
}

#[component]
pub fn AdminMail() -> impl IntoView {
    let data = Resource::new(|| (), |_| load_outbox());
    view! {
        <PageTitle text="Mail · Admin"/>
        <Transition fallback=crate::components::Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Err(_) => view! { <NotFound/> }.into_any(),
                    Ok(mails) => view! {
                        <section class="admin" data-testid="admin-mail">
                            <h1>"Outbox"</h1>
                            <AdminNav current="/admin/mail"/>
                            <p class="muted">"Without an SMTP server (SAYR_SMTP_URL), mail is written to the outbox in the data directory instead of being sent, and listed here: the newest 200."</p>
                            {mails.is_empty().then(|| view! { <p class="muted">"Empty."</p> })}
                            <ul class="list" data-testid="outbox">
                                {mails.into_iter().map(|m| view! {
                                    <li class="stack" data-testid="outbox-mail">
                                        <details>
                                            <summary><strong>{m.subject}</strong><span class="muted">" · to "{m.to}" · "{when(&m.written_at)}</span></summary>
                                            <pre class="wrap">{m.text}</pre>
                                        </details>
                                    </li>
                                }).collect_view()}
                            </ul>
                        </section>
                    }.into_any(),
                }
            })}
        </Transition>
    }
    .into_any()
}
