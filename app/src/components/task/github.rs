//! What GitHub holds about the task: its issue, the pull requests that name it (state,
//! checks, whether they close it) and the commits. Loaded with the page and again after
//! every live change to the task (a pull request linked or merged announces one).

use crate::api::load_task_github;
use domain::dto::TaskGithub;
use leptos::prelude::*;

fn external(url: String, text: String) -> impl IntoView {
    view! { <a href=url rel="external noopener" target="_blank">{text}</a> }
}

#[component]
pub(super) fn GithubLinks(
    slug: String,
    number: i64,
    /// Bumped by every live change to the task.
    changed: RwSignal<u32>,
) -> impl IntoView {
    let links = Resource::new(
        move || (slug.clone(), number, changed.get()),
        |(slug, number, _)| load_task_github(slug, number),
    );
    let panel = |g: TaskGithub| {
        if g.issue.is_none() && g.pull_requests.is_empty() && g.commits.is_empty() {
            return None;
        }
        let issue = g.issue.map(|i| {
            let text = format!("{}#{}", i.repository, i.number);
            let class = format!(
                "pr pr-{}",
                if i.state == "open" { "open" } else { "merged" }
            );
            view! {
                <p data-testid="github-issue">"Issue "{external(i.url, text)}" "
                    <span class=class>{i.state}</span></p>
            }
        });
        let pulls = (!g.pull_requests.is_empty()).then(|| view! {
            <ul class="plain" data-testid="github-prs">
                {g.pull_requests.into_iter().map(|p| {
                    let text = format!("{}#{} {}", p.repository, p.number, p.title);
                    view! {
                        <li>
                            <span class=format!("pr pr-{}", p.state)>{p.state.clone()}</span>" "
                            {external(p.url, text)}
                            {p.closes.then(|| view! { <span class="badge" title="Merging it marks this task done">"closes"</span> })}
                            {p.checks.map(|c| view! { <span class=format!("badge checks-{c}") title="Checks on its latest commit">{format!("checks: {c}")}</span> })}
                            {p.author.map(|a| view! { <span class="muted small">" by "{a}</span> })}
                        </li>
                    }
                }).collect_view()}
            </ul>
        });
        let commits = (!g.commits.is_empty()).then(|| {
            view! {
                <ul class="plain" data-testid="github-commits">
                    {g.commits.into_iter().map(|c| {
                        let sha: String = c.sha.chars().take(7).collect();
                        view! {
                            <li>
                                <code>{external(c.url, sha)}</code>" "
                                {c.title.map(|t| view! { <span>{t}</span> })}
                                {c.closes.then(|| view! { <span class="badge">"closes"</span> })}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }
        });
        Some(view! {
            <section aria-labelledby="github-h" data-testid="task-github">
                <h2 id="github-h">"GitHub"</h2>
                {issue}
                {pulls}
                {commits}
            </section>
        })
    };
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move { links.await.ok().and_then(panel) })}
        </Transition>
    }
}
