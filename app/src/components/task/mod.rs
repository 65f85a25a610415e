//! A task with everything on its page, editable field by field with optimistic changes, its
//! activity (history and comments in one stream), subtasks and relations; live. Shown on the
//! task page and over the board. Status changes and comments are plain forms, so they work
//! without JavaScript.

mod activity;
mod attachments;
mod delete;
mod family;
mod fields;
mod github;
mod history;
mod relations;
mod vote;
mod watch;

use crate::api::{TaskPageData, UpdateTask};
use crate::components::keys::{self, Action, Scope};
use crate::components::text::{error_text, priority_label};
use crate::components::{Command, CommandAction, MarkdownEditor, Palette};
use crate::realtime::{LinkState, use_realtime};
use activity::Activity;
use attachments::Attachments;
use delete::DeleteTask;
use domain::dto::{Task, TaskPriority, TaskStatus};
use domain::realtime::{Channel, ServerEvent};
use family::Subtasks;
use fields::Fields;
use github::GithubLinks;
use leptos::prelude::*;

fn when(t: &chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y-%m-%d %H:%M").to_string()
}

/// Puts the keyboard in the field `id` (the palette's and the shortcuts' way in).
fn focus(id: &str) {
    use leptos::wasm_bindgen::JsCast;
    if let Some(el) = document()
        .get_element_by_id(id)
        .and_then(|el| el.dyn_into::<leptos::web_sys::HtmlElement>().ok())
    {
        let _ = el.focus();
    }
}

/// Edits the shown task at once and asks the server; the answer settles it.
type Change = StoredValue<Box<dyn Fn(&dyn Fn(&mut Task, &mut UpdateTask)) + Send + Sync>>;

/// A task with everything on its page, live; also shown in the board's task dialog
/// (`in_dialog`: the dialog gives the way back, so no breadcrumb).
#[component]
pub fn TaskView(
    data: TaskPageData,
    /// Bumped to load the task again (after a reconnect).
    refetch: RwSignal<u32>,
    #[prop(optional)] in_dialog: bool,
) -> impl IntoView {
    let slug = data.org.slug.clone();
    let number = data.task.number;
    let task = RwSignal::new(data.task.clone());
    let comments = RwSignal::new(data.comments.clone());
    let timeline = data.timeline.clone();
    let deleted = RwSignal::new(false);
    let notice = RwSignal::new(None::<String>);
    // Every live change to this task, for what loads beside it (its GitHub links).
    let changed = RwSignal::new(0u32);
    let member = data.permissions.is_some();
    let me = data.me;
    // Deleting: `tasks.deleteAny` or the task's creator (the service checks again).
    let may_delete = data.permissions.is_some_and(|p| p.tasks.delete_any)
        || (me.is_some() && data.task.created_by == me);
    let ask_delete = RwSignal::new(0u32);

    let live = use_realtime(
        Signal::derive({
            let org = data.org.id;
            // Visitors follow the public room: public fields, public comments, votes.
            let channel = if member {
                Channel::Tasks
            } else {
                Channel::Public
            };
            move || Some((org, channel))
        }),
        move |event| match event {
            ServerEvent::UpdateTask(t) if t.number == number => {
                changed.update(|n| *n += 1);
                task.update(|cur| {
                    if t.version >= cur.version {
                        *cur = t;
                    }
                })
            }
            ServerEvent::DeleteTask { number: n, .. } if n == number => deleted.set(true),
            ServerEvent::UpdateTaskVote {
                number: n,
                vote_count,
                ..
            } if n == number => task.update(|t| t.vote_count = vote_count),
            ServerEvent::UpdateTaskComments {
                number: n,
                comment,
                deleted: gone,
                ..
            } if n == number => comments.update(|list| {
                list.retain(|c| c.id != comment.id);
                if !gone {
                    list.push(comment);
                }
            }),
            _ => {}
        },
    );
    Effect::new(move |_| {
        if live.reconnected.get() > 0 {
            refetch.update(|n| *n += 1);
        }
    });
    // Opening a task reads what the inbox said about it (in the browser only).
    Effect::new({
        let slug = slug.clone();
        move |_| {
            if me.is_some() {
                let slug = slug.clone();
                leptos::task::spawn_local(async move {
                    let _ = crate::api::read_task_notifications(slug, number).await;
                });
            }
        }
    });

    // Field changes: shown at once, settled by the answer.
    let update = ServerAction::<UpdateTask>::new();
    let before = StoredValue::new(None::<Task>);
    Effect::new(move |_| match update.value().get() {
        Some(Ok(t)) => {
            before.set_value(None);
            task.set(t);
        }
        Some(Err(e)) => {
            if let Some(previous) = before.get_value() {
                task.set(previous);
            }
            notice.set(Some(format!("Not saved: {}", error_text(&e))));
        }
        None => {}
    });
    let slug_for_change = slug.clone();
    let change = move |edit: &dyn Fn(&mut Task, &mut UpdateTask)| {
        let current = task.get_untracked();
        let mut call = UpdateTask::of(slug_for_change.clone(), number, current.version);
        let mut next = current.clone();
        edit(&mut next, &mut call);
        notice.set(None);
        before.set_value(Some(current));
        task.set(next);
        update.dispatch(call);
    };
    let change: Change = StoredValue::new(Box::new(change));

    // The palette's commands for this task.
    if member {
        let mut commands: Vec<Command> = TaskStatus::ALL
            .iter()
            .map(|s| Command {
                label: format!("Set status: {}", s.label()),
                action: CommandAction::SetStatus(*s),
            })
            .collect();
        commands.extend(TaskPriority::ALL.iter().rev().map(|p| Command {
            label: format!("Set priority: {}", priority_label(*p)),
            action: CommandAction::SetPriority(*p),
        }));
        commands.extend(data.members.iter().map(|m| Command {
            label: format!("Assign or unassign: {}", m.name),
            action: CommandAction::ToggleAssignee(m.id),
        }));
        commands.extend([
            Command {
                label: "Add subtask (S)".into(),
                action: CommandAction::AddSubtask,
            },
            Command {
                label: "Set or clear parent task (P)".into(),
                action: CommandAction::SetParent,
            },
            Command {
                label: "Add relation (R)".into(),
                action: CommandAction::AddRelation,
            },
        ]);
        if may_delete {
            commands.push(Command {
                label: "Delete task".into(),
                action: CommandAction::DeleteTask,
            });
        }
        Palette::register(commands);
        let people = data.members.clone();
        Palette::on_request(move |action| match action {
            CommandAction::SetStatus(s) => change.with_value(|c| {
                c(&|t, call| {
                    t.status = s;
                    call.status = Some(s.as_str().into());
                })
            }),
            CommandAction::SetPriority(p) => change.with_value(|c| {
                c(&|t, call| {
                    t.priority = p;
                    call.priority = Some(p.as_str().into());
                })
            }),
            CommandAction::ToggleAssignee(id) => {
                let person = people.iter().find(|m| m.id == id).cloned();
                change.with_value(|c| {
                    c(&|t, call| {
                        if t.assignees.iter().any(|a| a.id == id) {
                            t.assignees.retain(|a| a.id != id);
                        } else if let Some(p) = &person {
                            t.assignees.push(p.clone());
                        }
                        call.assignees = Some(t.assignees.iter().map(|a| a.id).collect());
                    })
                })
            }
            CommandAction::AddSubtask => focus("subtask-title"),
            CommandAction::SetParent => focus("parent-input"),
            CommandAction::AddRelation => focus("relation-target"),
            CommandAction::DeleteTask => ask_delete.update(|n| *n += 1),
            _ => {}
        });
        // S, P, R: to the subtask, parent and relation fields (not while typing).
        let keys = window_event_listener(leptos::ev::keydown, move |ev| {
            if crate::components::keys::typing(&ev)
                || ev.ctrl_key()
                || ev.meta_key()
                || ev.alt_key()
            {
                return;
            }
            let field = match keys::action(Scope::Task, &ev) {
                Some(Action::AddSubtask) => "subtask-title",
                Some(Action::SetParent) => "parent-input",
                Some(Action::AddRelation) => "relation-target",
                _ => return,
            };
            ev.prevent_default();
            focus(field);
        });
        on_cleanup(move || keys.remove());
    }

    let editing_title = RwSignal::new(false);
    let editing_description = RwSignal::new(false);
    let draft = RwSignal::new(String::new());

    let org_name = data.org.name.clone();
    // Visitors go back to the public page, members to the board.
    let board_href = if member {
        format!("/orgs/{}/tasks", data.org.slug)
    } else {
        format!("/orgs/{}", data.org.slug)
    };
    let may_block = data.permissions.is_some_and(|p| p.may_moderate());
    let subtasks = data.subtasks.clone();
    let editor_slug = StoredValue::new(slug.clone());

    view! {
        <article class="task-page" data-testid="task-page">
            <nav class="crumbs" aria-label="Breadcrumb" hidden=in_dialog>
                <a href=board_href>{data.org.logo_url.clone().map(|src| view! { <img class="org-logo" src=src alt=""/> })}{org_name}</a>" / "<span class="key">{move || task.with(|t| t.key.clone())}</span>
                <span class="live" data-testid="live-status" data-state=move || live.state.get().as_str() title=move || match live.state.get() {
                    LinkState::Live => "Live", LinkState::Connecting => "Connecting…", LinkState::Offline => "Offline" }>
                    {move || live.state.get().as_str()}
                </span>
            </nav>
            <Show when=move || deleted.get()>
                <p class="notice-bar" role="alert">"This task was deleted."</p>
            </Show>
            {move || notice.get().map(|m| view! { <p class="notice-bar" role="alert" data-testid="notice">{m}</p> })}
            <header>
                <Show when=move || editing_title.get() fallback=move || view! {
                    <h1 data-testid="task-title" id=if in_dialog { "task-dialog-title" } else { "task-title" }>
                        {move || task.with(|t| t.title.clone())}
                        {(member).then(|| view! { <button type="button" class="link small" on:click=move |_| { draft.set(task.get_untracked().title); editing_title.set(true); }>"Edit"</button> })}
                    </h1>
                }>
                    <form class="row" on:submit=move |ev| {
                        ev.prevent_default();
                        let title = draft.get_untracked();
                        editing_title.set(false);
                        change.with_value(|c| c(&|t, call| { t.title = title.clone(); call.title = Some(title.clone()); }));
                    }>
                        <label class="sr-only" for="title-edit">"Title"</label>
                        <input id="title-edit" class="grow title-input" bind:value=draft required maxlength="200" autofocus/>
                        <button type="submit" class="button primary">"Save"</button>
                        <button type="button" class="button" on:click=move |_| editing_title.set(false)>"Cancel"</button>
                    </form>
                </Show>
            </header>
            <div class="task-layout">
                <div class="task-main">
                    <section aria-label="Description">
                        <Show when=move || editing_description.get() fallback=move || view! {
                            <div class="prose" inner_html=move || task.with(|t| t.description_html.clone())></div>
                            {move || task.with(|t| t.description.is_empty()).then(|| view! { <p class="muted">"No description."</p> })}
                            {member.then(|| view! { <button type="button" class="link small" on:click=move |_| { draft.set(task.get_untracked().description); editing_description.set(true); }>"Edit description"</button> })}
                        }>
                            <form class="stack wide" on:submit=move |ev| {
                                ev.prevent_default();
                                let text = draft.get_untracked();
                                editing_description.set(false);
                                change.with_value(|c| c(&|t, call| { t.description = text.clone(); call.description = Some(text.clone()); }));
                            }>
                                <MarkdownEditor id="description-edit" label="Description (Markdown)" slug=editor_slug.get_value() rows=10 value=draft mentions=true
                                    public=Signal::derive(move || task.with(|t| t.visibility.as_str() == "public"))/>
                                <div class="row">
                                    <button type="submit" class="button primary">"Save"</button>
                                    <button type="button" class="button" on:click=move |_| editing_description.set(false)>"Cancel"</button>
                                </div>
                            </form>
                        </Show>
                    </section>
                    <Subtasks slug=slug.clone() number initial=subtasks member/>
                    <GithubLinks slug=slug.clone() number changed/>
                    <Attachments slug=slug.clone() number task comments/>
                    <Activity slug=slug.clone() number timeline comments member me may_block
                        manage_comments=data.permissions.is_some_and(|p| p.moderation.manage_comments)/>
                </div>
                <Fields slug=slug.clone() number task change member labels=data.labels members=data.members
                    avatars=data.avatars categories=data.categories relations=data.relations releases=data.releases>
                    {may_delete.then(|| view! { <DeleteTask slug=slug.clone() number ask=ask_delete deleted/> })}
                </Fields>
            </div>
        </article>
    }
    .into_any()
}
