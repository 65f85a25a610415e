//! `/orgs/<slug>/tasks/<number>`: the task page (the task's view, loaded by the URL).

use crate::api::load_task;
use crate::components::TaskView;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

#[component]
pub fn TaskPage() -> impl IntoView {
    let params = use_params_map();
    let slug = crate::org_host::use_slug();
    let number = Memo::new(move |_| {
        params
            .read()
            .get("number")
            .and_then(|n| n.parse::<i64>().ok())
            .unwrap_or(0)
    });
    let refetch = RwSignal::new(0u32);
    let page = Resource::new(
        move || (slug.get(), number.get(), refetch.get()),
        |(slug, number, _)| load_task(slug, number),
    );
    view! {
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Err(e) => view! { <crate::components::LoadFailed error=e/> }.into_any(),
                    Ok(data) => view! { <TaskView data refetch/> }.into_any(),
                }
            })}
        </Transition>
    }
    .into_any()
}
