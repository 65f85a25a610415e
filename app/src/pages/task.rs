//! `/orgs/<slug>/tasks/<number>`: the task page (the task's view, loaded by the URL).

use crate::api::TaskPageData;
use crate::api::load_task;
use crate::components::{PageTitle, ShareCard, TaskView};
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
        <Transition fallback=crate::components::Loading>
            {move || Suspend::new(async move {
                match page.await {
                    Err(e) => view! { <crate::components::LoadFailed error=e/> }.into_any(),
                    Ok(data) => view! { <TaskHead data=data.clone()/><TaskView data refetch/> }.into_any(),
                }
            })}
        </Transition>
    }
    .into_any()
}

/// The tab's title; for a visitor (a public task), the card a shared link shows.
#[component]
fn TaskHead(data: TaskPageData) -> impl IntoView {
    let task = data.task;
    let title = format!("{} {}", task.key, task.title);
    if data.permissions.is_some() {
        view! { <PageTitle text=format!("{title} · {}", data.org.name)/> }.into_any()
    } else {
        let path = format!("/orgs/{}/tasks/{}", data.org.slug, task.number);
        let words = if task.description.trim().is_empty() {
            format!("A task on {}'s public board.", data.org.name)
        } else {
            task.description
        };
        view! { <ShareCard title description=words path org=data.org/> }.into_any()
    }
}
