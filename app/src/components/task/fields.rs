//! A task's side panel: status, priority, visibility, category, labels, assignees, parent,
//! relations, votes, and what the page adds (deleting).

use super::family::ParentField;
use super::relations::Relations;
use super::vote::VoteBox;
use super::watch::WatchBox;
use super::{Change, when};
use crate::api::UpdateTask;
use crate::components::Avatar;
use crate::components::text::priority_label;
use domain::UserId;
use domain::dto::{
    Category, Label, Release, ReleaseStatus, Task, TaskPriority, TaskRelation, TaskStatus, UserRef,
};
use leptos::prelude::*;

#[component]
pub(super) fn Fields(
    slug: String,
    number: i64,
    task: RwSignal<Task>,
    change: Change,
    member: bool,
    labels: Vec<Label>,
    members: Vec<UserRef>,
    avatars: Vec<(UserId, String)>,
    categories: Vec<Category>,
    relations: Vec<TaskRelation>,
    /// The releases the viewer sees.
    releases: Vec<Release>,
    /// What the page adds at the end (deleting the task).
    #[prop(optional)]
    children: Option<Children>,
) -> impl IntoView {
    let status_form = ServerAction::<UpdateTask>::new();
    let form_slug = slug.clone();
    view! {
        <aside class="task-props" aria-label="Properties">
            // A plain form: changes status without JavaScript too.
            <ActionForm action=status_form attr:class="prop" attr:data-testid="status-form">
                <input type="hidden" name="slug" value=form_slug/>
                <input type="hidden" name="number" value=number/>
                <input type="hidden" name="version" prop:value=move || task.with(|t| t.version)/>
                <label for="status-select">"Status"</label>
                <select id="status-select" name="status" data-testid="status-select" disabled=!member
                    on:change=move |ev| {
                        ev.prevent_default();
                        if let Ok(s) = event_target_value(&ev).parse::<TaskStatus>() {
                            change.with_value(|c| c(&|t, call| { t.status = s; call.status = Some(s.as_str().into()); }));
                        }
                    }>
                    {TaskStatus::ALL.iter().map(|s| view! { <option value=s.as_str() selected=move || task.with(|t| t.status) == *s>{s.label()}</option> }).collect_view()}
                </select>
                <noscript><button type="submit" class="button">"Set"</button></noscript>
            </ActionForm>
            <div class="prop">
                <label for="priority-select">"Priority"</label>
                <select id="priority-select" data-testid="priority-select" disabled=!member on:change=move |ev| {
                    if let Ok(p) = event_target_value(&ev).parse::<TaskPriority>() {
                        change.with_value(|c| c(&|t, call| { t.priority = p; call.priority = Some(p.as_str().into()); }));
                    }
                }>
                    {TaskPriority::ALL.iter().rev().map(|p| view! { <option value=p.as_str() selected=move || task.with(|t| t.priority) == *p>{priority_label(*p)}</option> }).collect_view()}
                </select>
            </div>
            <div class="prop">
                <label for="visibility-select">"Visibility"</label>
                <select id="visibility-select" disabled=!member on:change=move |ev| {
                    let v = event_target_value(&ev);
                    change.with_value(|c| c(&|t, call| { if let Ok(vis) = v.parse() { t.visibility = vis; } call.visibility = Some(v.clone()); }));
                }>
                    <option value="private" selected=move || task.with(|t| t.visibility.as_str() == "private")>"Private"</option>
                    <option value="public" selected=move || task.with(|t| t.visibility.as_str() == "public")>"Public"</option>
                </select>
            </div>
            {(!categories.is_empty()).then(|| view! {
                <div class="prop">
                    <label for="category-select">"Category"</label>
                    <select id="category-select" disabled=!member on:change=move |ev| {
                        let v = event_target_value(&ev);
                        change.with_value(|c| c(&|_, call| { call.category = Some(v.clone()); }));
                    }>
                        <option value="">"None"</option>
                        {categories.iter().map(|c| { let id = c.id; view! {
                            <option value=c.id.to_string() selected=move || task.with(|t| t.category.as_ref().map(|c| c.id) == Some(id))>{c.name.clone()}</option>
                        }}).collect_view()}
                    </select>
                </div>
            })}
            {(member && !releases.is_empty()).then(|| view! {
                <div class="prop">
                    <label for="release-select">"Release"</label>
                    <select id="release-select" data-testid="release-select" on:change=move |ev| {
                        let v = event_target_value(&ev);
                        change.with_value(|c| c(&|t, call| {
                            t.release = Some(v.clone()).filter(|v| !v.is_empty());
                            call.release = Some(v.clone());
                        }));
                    }>
                        <option value="">"None"</option>
                        {releases.iter().filter(|r| r.status != ReleaseStatus::Archived).map(|r| { let rs = r.slug.clone(); view! {
                            <option value=r.slug.clone() selected=move || task.with(|t| t.release.as_deref() == Some(rs.as_str()))>{r.name.clone()}</option>
                        }}).collect_view()}
                    </select>
                </div>
            })}
            // Visitors see where a task shipped.
            {(!member).then(|| {
                let slug = slug.clone();
                let names: Vec<(String, String)> = releases.iter().map(|r| (r.slug.clone(), r.name.clone())).collect();
                move || task.with(|t| t.release.clone()).map(|r| {
                    let name = names.iter().find(|(s, _)| *s == r).map(|(_, n)| n.clone()).unwrap_or_else(|| r.clone());
                    view! { <p class="prop shipped" data-testid="shipped-in">"Shipped in "<a href=format!("/orgs/{slug}/releases/{r}")>{name}</a></p> }
                })
            })}
            {(!labels.is_empty()).then(|| view! {
                <fieldset class="prop"><legend>"Labels"</legend>
                    {labels.iter().map(|l| {
                        let label = l.clone();
                        let id = l.id;
                        view! {
                            <label class="check"><input type="checkbox" disabled=!member
                                prop:checked=move || task.with(|t| t.labels.iter().any(|x| x.id == id))
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    let label = label.clone();
                                    change.with_value(|c| c(&|t, call| {
                                        t.labels.retain(|x| x.id != id);
                                        if on { t.labels.push(label.clone()); }
                                        call.labels = Some(t.labels.iter().map(|x| x.id).collect());
                                    }));
                                }/>{l.name.clone()}</label>
                        }
                    }).collect_view()}
                </fieldset>
            })}
            {(!members.is_empty()).then(|| view! {
                <fieldset class="prop" data-testid="assignees"><legend>"Assignees"</legend>
                    {members.iter().map(|m| {
                        let person = m.clone();
                        let id = m.id;
                        view! {
                            <label class="check"><input type="checkbox"
                                prop:checked=move || task.with(|t| t.assignees.iter().any(|x| x.id == id))
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    let person = person.clone();
                                    change.with_value(|c| c(&|t, call| {
                                        t.assignees.retain(|x| x.id != id);
                                        if on { t.assignees.push(person.clone()); }
                                        call.assignees = Some(t.assignees.iter().map(|x| x.id).collect());
                                    }));
                                }/><Avatar name=m.name.clone() url=avatars.iter().find(|(id, _)| *id == m.id).map(|(_, u)| u.clone())/>{m.name.clone()}</label>
                        }
                    }).collect_view()}
                </fieldset>
            })}
            <ParentField slug=slug.clone() number task change member/>
            <Relations slug=slug.clone() number initial=relations member/>
            <VoteBox slug=slug.clone() task/>
            <WatchBox slug=slug.clone() number member/>
            <p class="muted small">{move || task.with(|t| format!("Created {}", when(&t.created_at)))}</p>
            {children.map(|c| c())}
        </aside>
    }
    .into_any()
}
