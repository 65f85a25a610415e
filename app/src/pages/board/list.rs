//! The list: a section per group with selectable rows and a status picker on each, and the
//! bar that changes all selected tasks at once.

use super::BoardState;
use super::edit::set_status;
use super::filter::Group;
use super::view::{arrow_keys, card_meta, open_on_click, tasks_href};
use crate::api::BulkUpdate;
use crate::components::text::priority_label;
use domain::dto::{TaskPriority, TaskStatus};
use leptos::prelude::*;

/// Sections of the current grouping with selectable rows and an inline status picker.
#[component]
pub(super) fn GroupedList(state: BoardState, groups: Memo<Vec<Group>>) -> impl IntoView {
    let selectable = state.data.with_value(|d| d.permissions.is_some());
    let base = tasks_href(&state);
    view! {
        <div class="grouped" data-testid="list" on:keydown=arrow_keys>
            <For each=move || groups.get() key=|g| (g.key.clone(), g.tasks.iter().map(|t| (t.number, t.version)).collect::<Vec<_>>()) let:group>
                <section class="group" aria-label=group.title.clone()>
                    <h2 class="column-head">{group.title.clone()}<span class="count">{group.tasks.len()}</span></h2>
                    <ul class="tasks" role="list">
                        {group.tasks.into_iter().enumerate().map(|(i, task)| {
                            let head = group.subs.iter().find(|(at, _)| *at == i).map(|(_, title)| view! {
                                <li class="subgroup-head" data-testid="subgroup">{title.clone()}</li>
                            });
                            let number = task.number;
                            let href = format!("{base}{number}");
                            let current = task.status;
                            view! {
                                {head}
                                <li class="task" data-testid="task-item" data-number=number>
                                    {selectable.then(|| view! {
                                        <input type="checkbox" aria-label=format!("Select {}", task.key)
                                            prop:checked=move || state.selected.with(|s| s.contains(&number))
                                            on:change=move |ev| {
                                                let on = event_target_checked(&ev);
                                                state.selected.update(|s| { s.retain(|n| *n != number); if on { s.push(number); } });
                                            }/>
                                    })}
                                    <span class="key">{task.key.clone()}</span>
                                    <a class="title" href=href on:click=open_on_click(state, number)>{task.title.clone()}</a>
                                    <span class="card-meta">{card_meta(&task)}</span>
                                    {selectable.then(|| view! {
                                        <select class="status-pick" aria-label=format!("Status of {}", task.key)
                                            on:change=move |ev| { if let Ok(s) = event_target_value(&ev).parse() { set_status(&state, number, s); } }>
                                            {TaskStatus::ALL.iter().map(|s| view! { <option value=s.as_str() selected=*s == current>{s.label()}</option> }).collect_view()}
                                        </select>
                                    })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                </section>
            </For>
        </div>
    }
    .into_any()
}

/// Shown while tasks are selected: one change for all of them.
#[component]
pub(super) fn BulkBar(state: BoardState) -> impl IntoView {
    let data = state.data.get_value();
    let apply = move |status: Option<String>,
                      priority: Option<String>,
                      label: Option<String>,
                      assignee: Option<String>,
                      release: Option<String>| {
        let numbers = state.selected.get_untracked();
        if numbers.is_empty() {
            return;
        }
        state.notice.set(None);
        state.bulk.dispatch(BulkUpdate {
            slug: state.slug.get_untracked(),
            numbers,
            status,
            priority,
            add_label: label.and_then(|l| l.parse().ok()),
            add_assignee: assignee.and_then(|a| a.parse().ok()),
            release,
        });
    };
    let labels = data.labels.clone();
    let members = data.members.clone();
    let releases: Vec<_> = data
        .releases
        .iter()
        .filter(|r| r.status != domain::dto::ReleaseStatus::Archived)
        .cloned()
        .collect();
    view! {
        <Show when=move || state.selected.with(|s| !s.is_empty())>
            <div class="bulk-bar" role="toolbar" aria-label="Change selected tasks" data-testid="bulk-bar">
                <span>{move || format!("{} selected", state.selected.with(Vec::len))}</span>
                <select aria-label="Set status" data-testid="bulk-status" on:change=move |ev| { let v = event_target_value(&ev); if !v.is_empty() { apply(Some(v), None, None, None, None); } }>
                    <option value="">"Status…"</option>
                    {TaskStatus::ALL.iter().map(|s| view! { <option value=s.as_str()>{s.label()}</option> }).collect_view()}
                </select>
                <select aria-label="Set priority" data-testid="bulk-priority" on:change=move |ev| { let v = event_target_value(&ev); if !v.is_empty() { apply(None, Some(v), None, None, None); } }>
                    <option value="">"Priority…"</option>
                    {TaskPriority::ALL.iter().rev().map(|p| view! { <option value=p.as_str()>{priority_label(*p)}</option> }).collect_view()}
                </select>
                <select aria-label="Add label" on:change=move |ev| { let v = event_target_value(&ev); if !v.is_empty() { apply(None, None, Some(v), None, None); } }>
                    <option value="">"Add label…"</option>
                    {labels.iter().map(|l| view! { <option value=l.id.to_string()>{l.name.clone()}</option> }).collect_view()}
                </select>
                <select aria-label="Add assignee" on:change=move |ev| { let v = event_target_value(&ev); if !v.is_empty() { apply(None, None, None, Some(v), None); } }>
                    <option value="">"Assign…"</option>
                    {members.iter().map(|m| view! { <option value=m.id.to_string()>{m.name.clone()}</option> }).collect_view()}
                </select>
                {(!releases.is_empty()).then(|| view! {
                    <select aria-label="Move to release" data-testid="bulk-release" on:change=move |ev| { let v = event_target_value(&ev); if !v.is_empty() { apply(None, None, None, None, Some(if v == "none" { String::new() } else { v })); } }>
                        <option value="">"Release…"</option>
                        <option value="none">"No release"</option>
                        {releases.iter().map(|r| view! { <option value=r.slug.clone()>{r.name.clone()}</option> }).collect_view()}
                    </select>
                })}
                <button type="button" class="link" on:click=move |_| state.selected.set(Vec::new())>"Clear selection"</button>
            </div>
        </Show>
    }
    .into_any()
}
