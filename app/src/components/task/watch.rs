//! The Watch button of a task: hear of its comments and status changes (a visitor hears of
//! its status). Shown to whoever is signed in; a plain form, so it works without JavaScript.

use crate::api::{SetWatch, load_watch};
use crate::components::text::error_text;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

#[component]
pub fn WatchBox(
    slug: String,
    number: i64,
    /// Members watch; a visitor follows (and hears of the status only).
    member: bool,
) -> impl IntoView {
    let (on_label, off_label, title) = if member {
        (
            "Watching",
            "Watch",
            "Watching: you hear of its comments and status changes",
        )
    } else {
        (
            "Following",
            "Follow",
            "Following: you hear when its status changes",
        )
    };
    let state = Resource::new(
        {
            let slug = slug.clone();
            move || slug.clone()
        },
        move |slug| load_watch(slug, number),
    );
    let set = ServerAction::<SetWatch>::new();
    let watching = RwSignal::new(None::<bool>);
    Effect::new(move |_| match set.value().get() {
        Some(Ok(on)) => watching.set(Some(on)),
        Some(Err(_)) => watching.set(None),
        None => {}
    });
    let url: &'static str = SetWatch::url();
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new({
                let slug = slug.clone();
                async move {
                    let Ok(Some(initial)) = state.await else { return ().into_any() };
                    let on = move || watching.get().unwrap_or(initial);
                    view! {
                        <form class="watch prop" method="post" action=url on:submit=move |ev| {
                            ev.prevent_default();
                            let next = !on();
                            watching.set(Some(next));
                            set.dispatch(SetWatch { slug: slug.clone(), number, watch: next.to_string() });
                        }>
                            <input type="hidden" name="slug" value=slug.clone()/>
                            <input type="hidden" name="number" value=number/>
                            <input type="hidden" name="watch" value=move || (!on()).to_string()/>
                            <button type="submit" class="button small" data-testid="task-watch" aria-pressed=move || on().to_string()
                                title=title>
                                {move || if on() { on_label } else { off_label }}
                            </button>
                            {move || set.value().get().and_then(|r| r.err()).map(|e| view! { <p class="error small" role="alert">{error_text(&e)}</p> })}
                        </form>
                    }
                    .into_any()
                }
            })}
        </Suspense>
    }
    .into_any()
}
