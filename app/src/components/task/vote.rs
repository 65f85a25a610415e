//! The vote button of a task page, for members and visitors alike.

use crate::api::{CastVote, load_task_voter};
use crate::components::text::error_text;
use domain::dto::Task;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

/// Votes for the task in `task` (whose count the page keeps live) or takes the vote back.
#[component]
pub fn VoteBox(slug: String, task: RwSignal<Task>) -> impl IntoView {
    let number = task.with_untracked(|t| t.number);
    let voter = Resource::new(
        {
            let slug = slug.clone();
            move || slug.clone()
        },
        move |slug| load_task_voter(slug, number),
    );
    let vote = ServerAction::<CastVote>::new();
    let voted = RwSignal::new(None::<bool>);
    // The count shown at once, taken back when the server refuses (a spent budget says
    // "slow down" below the button).
    let shown = StoredValue::new(0i64);
    Effect::new(move |_| match vote.value().get() {
        Some(Ok(r)) => task.update(|t| t.vote_count = r.vote_count),
        Some(Err(_)) => {
            voted.set(None);
            let delta = shown.get_value();
            task.update(|t| t.vote_count -= delta);
            shown.set_value(0);
        }
        None => {}
    });
    let url: &'static str = CastVote::url();
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new({
                let slug = slug.clone();
                async move {
                    let Ok(state) = voter.await else { return ().into_any() };
                    let on = move || voted.get().unwrap_or(state.voted);
                    let may = state.viewer.can_vote;
                    view! {
                        <form class="vote prop" method="post" action=url on:submit=move |ev| {
                            ev.prevent_default();
                            if !may { return; }
                            let up = !on();
                            voted.set(Some(up));
                            let delta = if up { 1 } else { -1 };
                            shown.set_value(delta);
                            task.update(|t| t.vote_count += delta);
                            vote.dispatch(CastVote { slug: slug.clone(), number, up });
                        }>
                            <input type="hidden" name="slug" value=slug.clone()/>
                            <input type="hidden" name="number" value=number/>
                            <input type="hidden" name="up" value=move || (!on()).to_string()/>
                            <button type="submit" class="vote-button" class:on=on data-testid="task-vote" disabled=!may
                                aria-pressed=move || on().to_string()
                                title=if may { "Vote" } else if state.viewer.blocked { "You cannot vote here" } else { "Sign in to vote" }>
                                <span aria-hidden="true">"▲ "</span>
                                <span data-testid="task-vote-count">{move || task.with(|t| t.vote_count)}</span>
                                {move || if on() { " voted" } else { " votes" }}
                            </button>
                            {move || vote.value().get().and_then(|r| r.err()).map(|e| view! { <p class="error small" role="alert">{error_text(&e)}</p> })}
                        </form>
                    }
                    .into_any()
                }
            })}
        </Suspense>
    }
    .into_any()
}
