//! `/my-tasks`: my tasks across all my orgs (assigned to me, created by me, mentioning
//! me), filtered by status, priority and words, sorted by change or priority, and grouped
//! by status or org. The filters are a plain GET form: they work without JavaScript. It reloads whenever the inbox
//! hears of something (a change to a task I am assigned to, created or was mentioned in
//! tells me, since I watch it).

use crate::api::load_my_tasks;
use crate::components::InboxFeed;
use crate::components::PageTitle;
use crate::components::text::{error_text, priority_label};
use domain::dto::{MyTask, MyTaskRole, TaskPriority, TaskStatus};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

fn open(status: TaskStatus) -> bool {
    !matches!(status, TaskStatus::Done | TaskStatus::Canceled)
}

/// Groups in display order: statuses in their board order, or orgs by name.
fn grouped(tasks: Vec<MyTask>, by_org: bool) -> Vec<(String, Vec<MyTask>)> {
    let mut groups: Vec<(String, Vec<MyTask>)> = Vec::new();
    if by_org {
        let mut tasks = tasks;
        tasks.sort_by(|a, b| a.org.name.cmp(&b.org.name));
        for t in tasks {
            match groups.last_mut() {
                Some((name, list)) if *name == t.org.name => list.push(t),
                _ => groups.push((t.org.name.clone(), vec![t])),
            }
        }
    } else {
        for status in TaskStatus::ALL {
            let list: Vec<MyTask> = tasks
                .iter()
                .filter(|t| t.task.status == *status)
                .cloned()
                .collect();
            if !list.is_empty() {
                groups.push((status.label().to_string(), list));
            }
        }
    }
    groups
}

#[component]
pub fn MyTasks() -> impl IntoView {
    let feed = InboxFeed::get();
    let query = use_query_map();
    let param = move |key: &str, default: &str| {
        query.read().get(key).unwrap_or_else(|| default.to_string())
    };
    let role = Memo::new(move |_| {
        param("role", "assigned")
            .parse::<MyTaskRole>()
            .unwrap_or_default()
    });
    let all = Memo::new(move |_| param("status", "open") == "all");
    let by_org = Memo::new(move |_| param("group", "status") == "org");
    let priority = Memo::new(move |_| param("priority", "").parse::<TaskPriority>().ok());
    let words = Memo::new(move |_| param("q", "").trim().to_lowercase());
    let by_priority = Memo::new(move |_| param("sort", "updated") == "priority");
    let tasks = Resource::new(
        move || (role.get(), feed.version.get()),
        |(role, _)| load_my_tasks(role.as_str().to_string()),
    );
    let link = move |role: MyTaskRole, all: bool, by_org: bool| {
        format!(
            "/my-tasks?role={}&status={}&group={}&priority={}&q={}&sort={}",
            role.as_str(),
            if all { "all" } else { "open" },
            if by_org { "org" } else { "status" },
            priority.get().map_or("", |p| p.as_str()),
            crate::components::text::encode(&param("q", "")),
            if by_priority.get() {
                "priority"
            } else {
                "updated"
            },
        )
    };
    view! {
        <PageTitle text="My tasks"/>
        <section class="my-tasks" data-testid="my-tasks">
            <h1>"My tasks"</h1>
            <nav class="tabs row" aria-label="Whose tasks">
                {MyTaskRole::ALL.iter().map(|r| {
                    let r = *r;
                    let label = match r {
                        MyTaskRole::Assigned => "Assigned to me",
                        MyTaskRole::Created => "Created by me",
                        MyTaskRole::Mentioned => "Mentioning me",
                    };
                    view! { <a href=move || link(r, all.get(), by_org.get()) aria-current=move || (role.get() == r).then_some("page")>{label}</a> }
                }).collect_view()}
            </nav>
            <p class="row small">
                <a href=move || link(role.get(), !all.get(), by_org.get()) data-testid="toggle-status">
                    {move || if all.get() { "Show open only" } else { "Show done and canceled too" }}</a>
                " · "
                <a href=move || link(role.get(), all.get(), !by_org.get()) data-testid="toggle-group">
                    {move || if by_org.get() { "Group by status" } else { "Group by organization" }}</a>
            </p>
            <form method="get" action="/my-tasks" class="row filters" data-testid="my-tasks-filters">
                <input type="hidden" name="role" value=move || role.get().as_str()/>
                <input type="hidden" name="status" value=move || if all.get() { "all" } else { "open" }/>
                <input type="hidden" name="group" value=move || if by_org.get() { "org" } else { "status" }/>
                <label>"Search "<input type="search" name="q" value=move || param("q", "") data-testid="my-tasks-search"/></label>
                <label>"Priority "<select name="priority" data-testid="my-tasks-priority">
                    <option value="" selected=move || priority.get().is_none()>"Any"</option>
                    {TaskPriority::ALL.iter().rev().map(|p| { let p = *p; view! {
                        <option value=p.as_str() selected=move || priority.get() == Some(p)>{priority_label(p)}</option>
                    }}).collect_view()}
                </select></label>
                <label>"Sort "<select name="sort" data-testid="my-tasks-sort">
                    <option value="updated" selected=move || !by_priority.get()>"Recently changed"</option>
                    <option value="priority" selected=move || by_priority.get()>"Priority"</option>
                </select></label>
                <button type="submit" class="button">"Apply"</button>
            </form>
            <Transition fallback=crate::components::Loading>
                {move || Suspend::new(async move {
                    match tasks.await {
                        Err(e) => view! { <p class="error" role="alert">{error_text(&e)}</p> }.into_any(),
                        Ok(list) => {
                            let (wanted, words) = (priority.get(), words.get());
                            let mut list: Vec<MyTask> = list
                                .into_iter()
                                .filter(|t| all.get() || open(t.task.status))
                                .filter(|t| wanted.is_none_or(|p| t.task.priority == p))
                                .filter(|t| words.is_empty()
                                    || t.task.title.to_lowercase().contains(&words)
                                    || t.task.key.to_lowercase().contains(&words))
                                .collect();
                            if by_priority.get() {
                                // Urgent first; the server's order (most recently changed) within.
                                list.sort_by(|a, b| b.task.priority.cmp(&a.task.priority));
                            }
                            if list.is_empty() {
                                return view! { <p class="empty muted" data-testid="my-tasks-empty">"No tasks here."</p> }.into_any();
                            }
                            grouped(list, by_org.get()).into_iter().map(|(name, list)| view! {
                                <section class="group">
                                    <h2>{name}" "<span class="muted small">{list.len()}</span></h2>
                                    <ul class="tasks">
                                        {list.into_iter().map(|t| view! {
                                            <li class="task" data-testid="my-task">
                                                <span class="key">{t.task.key.clone()}</span>
                                                <a class="title" href=format!("/orgs/{}/tasks/{}", t.org.slug, t.task.number)>{t.task.title.clone()}</a>
                                                <span class="muted small">{t.org.name.clone()}</span>
                                                <span class="status">{t.task.status.label()}</span>
                                                <span class="muted small">{priority_label(t.task.priority)}</span>
                                            </li>
                                        }).collect_view()}
                                    </ul>
                                </section>
                            }).collect_view().into_any()
                        }
                    }
                })}
            </Transition>
        </section>
    }
}
