//! `/orgs/<slug>/tasks/<number>`: the task, editable field by field with optimistic
//! changes, its activity (history and comments in one stream), subtasks and relations; live.
//! Status changes and comments are plain forms, so they work without JavaScript.

use crate::api::{
    AddComment, BlockUser, DeleteComment, React, TaskPageData, UpdateTask, load_task,
};
use crate::components::{Avatar, Command, CommandAction, MarkdownEditor, Palette};
use crate::pages::attachments::Attachments;
use crate::pages::board::filter::priority_label;
use crate::pages::error_text;
use crate::realtime::{LinkState, use_realtime};
use domain::dto::{Comment, CommentVisibility, Task, TaskPriority, TaskStatus, TimelineEntry};
use domain::realtime::{Channel, ServerEvent};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

fn when(t: &chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y-%m-%d %H:%M").to_string()
}

/// One thing in the activity stream.
#[derive(Clone, Debug, PartialEq)]
enum Activity {
    Entry(TimelineEntry),
    Comment(Comment, Vec<Comment>),
}

impl Activity {
    /// Changes when what is shown changes (edits, reactions, replies).
    fn key(&self) -> String {
        match self {
            Activity::Entry(e) => e.id.to_string(),
            Activity::Comment(c, replies) => format!(
                "{}:{}:{:?}:{}",
                c.id,
                c.updated_at.timestamp_millis(),
                c.reactions
                    .iter()
                    .map(|r| (r.count, r.reacted))
                    .collect::<Vec<_>>(),
                replies
                    .iter()
                    .map(|r| format!(
                        "{}{:?}",
                        r.id,
                        r.reactions.iter().map(|x| x.count).collect::<Vec<_>>()
                    ))
                    .collect::<String>()
            ),
        }
    }

    fn at(&self) -> chrono::DateTime<chrono::Utc> {
        match self {
            Activity::Entry(e) => e.created_at,
            Activity::Comment(c, _) => c.created_at,
        }
    }
}

/// History and top-level comments by time, each comment with its replies.
fn stream(timeline: &[TimelineEntry], comments: &[Comment]) -> Vec<Activity> {
    let mut items: Vec<Activity> = timeline
        .iter()
        // Comments show themselves; their timeline entries would repeat them.
        .filter(|e| !e.kind.starts_with("comment"))
        .cloned()
        .map(Activity::Entry)
        .collect();
    for c in comments.iter().filter(|c| c.parent_id.is_none()) {
        let replies = comments
            .iter()
            .filter(|r| r.parent_id == Some(c.id))
            .cloned()
            .collect();
        items.push(Activity::Comment(c.clone(), replies));
    }
    items.sort_by_key(Activity::at);
    items
}

fn describe(entry: &TimelineEntry) -> String {
    let value = |v: &Option<serde_json::Value>| match v {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(serde_json::Value::Null) | None => "none".into(),
        Some(other) => other.to_string(),
    };
    match entry.kind.as_str() {
        "created" => "created the task".into(),
        "status_change" => format!(
            "changed status from {} to {}",
            value(&entry.from),
            value(&entry.to)
        ),
        "priority_change" => format!(
            "changed priority from {} to {}",
            value(&entry.from),
            value(&entry.to)
        ),
        "visibility_change" => format!("made it {}", value(&entry.to)),
        kind => kind.replace('_', " "),
    }
}

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
                    Err(e) => view! { <section class="empty"><h1>"Not found"</h1><p>{error_text(&e)}</p></section> }.into_any(),
                    Ok(data) => view! { <TaskView data refetch/> }.into_any(),
                }
            })}
        </Transition>
    }
    .into_any()
}

/// A task with everything on its page, live; also shown in the board's task dialog
/// (`in_dialog`: the dialog gives the way back, so no breadcrumb).
#[component]
pub(crate) fn TaskView(
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
    let member = data.permissions.is_some();
    let me = data.me;

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
            ServerEvent::UpdateTask(t) if t.number == number => task.update(|cur| {
                if t.version >= cur.version {
                    *cur = t;
                }
            }),
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
        let mut call = UpdateTask {
            slug: slug_for_change.clone(),
            number,
            version: current.version,
            title: None,
            description: None,
            status: None,
            priority: None,
            visibility: None,
            labels: None,
            assignees: None,
            category: None,
            below: None,
            above: None,
        };
        let mut next = current.clone();
        edit(&mut next, &mut call);
        notice.set(None);
        before.set_value(Some(current));
        task.set(next);
        update.dispatch(call);
    };
    let change = StoredValue::new(change);

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
            _ => {}
        });
    }

    let status_form = ServerAction::<UpdateTask>::new();
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
    let labels = data.labels.clone();
    let members = data.members.clone();
    let categories = data.categories.clone();
    let subtasks = data.subtasks.clone();
    let relations = data.relations.clone();
    let slug_c = slug.clone();
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
                    {(!subtasks.is_empty()).then(|| {
                        let slug = slug.clone();
                        view! {
                            <section aria-labelledby="subtasks-h">
                                <h2 id="subtasks-h">"Subtasks"</h2>
                                <ul class="tasks">
                                    {subtasks.iter().map(|s| view! {
                                        <li class="task"><span class="key">{s.key.clone()}</span>
                                            <a class="title" href=format!("/orgs/{}/tasks/{}", slug, s.number)>{s.title.clone()}</a>
                                            <span class="status">{s.status.label()}</span></li>
                                    }).collect_view()}
                                </ul>
                            </section>
                        }
                    })}
                    <Attachments slug=slug.clone() number task comments/>
                    <Activity slug=slug.clone() number timeline comments member me may_block/>
                </div>
                <aside class="task-props" aria-label="Properties">
                    // A plain form: changes status without JavaScript too.
                    <ActionForm action=status_form attr:class="prop" attr:data-testid="status-form">
                        <input type="hidden" name="slug" value=slug.clone()/>
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
                                        }/><Avatar name=m.name.clone() url=data.avatars.iter().find(|(id, _)| *id == m.id).map(|(_, u)| u.clone())/>{m.name.clone()}</label>
                                }
                            }).collect_view()}
                        </fieldset>
                    })}
                    {
                        let slug = slug_c.clone();
                        move || task.with(|t| t.parent_number).map(|p| view! {
                            <p class="prop">"Subtask of " <a href=format!("/orgs/{}/tasks/{p}", slug)>{format!("#{p}")}</a></p>
                        })
                    }
                    {(!relations.is_empty()).then(|| view! {
                        <div class="prop"><span class="muted">"Related"</span>
                            <ul class="plain">
                                {relations.iter().map(|r| {
                                    let other = if r.source_number == number { r.target_number } else { r.source_number };
                                    view! { <li>{r.kind.as_str()}" "<a href=format!("/orgs/{}/tasks/{other}", data.org.slug)>{format!("#{other}")}</a></li> }
                                }).collect_view()}
                            </ul>
                        </div>
                    })}
                    <crate::pages::portal::VoteBox slug=slug_c.clone() task/>
                    <p class="muted small">{move || task.with(|t| format!("Created {}", when(&t.created_at)))}</p>
                </aside>
            </div>
        </article>
    }
    .into_any()
}

/// History and comments in one stream, and the comment form.
#[component]
fn Activity(
    slug: String,
    number: i64,
    timeline: Vec<TimelineEntry>,
    comments: RwSignal<Vec<Comment>>,
    member: bool,
    me: Option<domain::UserId>,
    /// The reader may block visitors (shown beside visitors' comments).
    may_block: bool,
) -> impl IntoView {
    let add = ServerAction::<AddComment>::new();
    let block = ServerAction::<BlockUser>::new();
    let remove = ServerAction::<DeleteComment>::new();
    let react = ServerAction::<React>::new();
    let reply_to = RwSignal::new(None::<domain::CommentId>);
    Effect::new(move |_| {
        if let Some(Ok(c)) = add.value().get() {
            comments.update(|l| {
                l.retain(|x| x.id != c.id);
                l.push(c);
            });
            reply_to.set(None);
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(c)) = react.value().get() {
            comments.update(|l| {
                if let Some(x) = l.iter_mut().find(|x| x.id == c.id) {
                    *x = c;
                }
            });
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(id)) = remove.value().get() {
            comments.update(|l| l.retain(|x| x.id != id));
        }
    });
    let items = Memo::new(move |_| comments.with(|c| stream(&timeline, c)));
    let slug = StoredValue::new(slug);
    let comment_view = move |c: Comment, reply: bool| {
        let id = c.id;
        let mine = me.is_some() && c.author.as_ref().map(|a| a.id) == me;
        view! {
            <div class="comment" class:reply=reply data-testid="comment" data-visibility=c.visibility.as_str()>
                <div class="row small">
                    <strong>{c.author.as_ref().map(|a| a.name.clone()).unwrap_or_else(|| "Someone".into())}</strong>
                    {c.team.then(|| view! { <span class="badge">"team"</span> })}
                    {(c.visibility == CommentVisibility::Internal).then(|| view! { <span class="badge internal">"internal"</span> })}
                    <span class="muted">{when(&c.created_at)}</span>
                    {c.edited.then(|| view! { <span class="muted" title="This comment was edited">"(edited)"</span> })}
                </div>
                <div class="prose" inner_html=c.body_html.clone()></div>
                <div class="row small">
                    {c.reactions.iter().map(|r| {
                        let emoji = r.emoji.clone();
                        view! { <button type="button" class="reaction" class:on=r.reacted
                            on:click=move |_| { react.dispatch(React { slug: slug.get_value(), id, emoji: emoji.clone() }); }>
                            {r.emoji.clone()}" "{r.count}</button> }
                    }).collect_view()}
                    {me.is_some().then(|| view! {
                        <button type="button" class="reaction" aria-label="React with thumbs up"
                            on:click=move |_| { react.dispatch(React { slug: slug.get_value(), id, emoji: "👍".into() }); }>"+👍"</button>
                    })}
                    {(!reply && me.is_some()).then(|| view! { <button type="button" class="link" on:click=move |_| reply_to.set(Some(id))>"Reply"</button> })}
                    {mine.then(|| view! { <button type="button" class="link" on:click=move |_| { remove.dispatch(DeleteComment { slug: slug.get_value(), id }); }>"Delete"</button> })}
                    {(may_block && !c.team).then(|| c.author.as_ref().map(|a| {
                        let who = a.id;
                        view! {
                            <ActionForm action=block attr:class="inline">
                                <input type="hidden" name="slug" value=slug.get_value()/>
                                <input type="hidden" name="user_id" value=who.to_string()/>
                                <input type="hidden" name="reason" value="Blocked from a comment"/>
                                <button type="submit" class="link" data-testid="block-author">"Block author"</button>
                            </ActionForm>
                        }
                    })).flatten()}
                </div>
            </div>
        }
    };
    view! {
        <section aria-labelledby="activity-h" class="activity">
            <h2 id="activity-h">"Activity"</h2>
            <ol class="stream" data-testid="activity">
                <For each=move || items.get() key=Activity::key let:item>
                    {match item {
                        Activity::Entry(e) => view! {
                            <li class="event small muted">
                                <strong>{e.actor.as_ref().map(|a| a.name.clone()).unwrap_or_else(|| "Someone".into())}</strong>" "{describe(&e)}" · "{when(&e.created_at)}
                            </li>
                        }.into_any(),
                        Activity::Comment(c, replies) => {
                            let id = c.id;
                            let public = c.visibility == CommentVisibility::Public;
                            view! {
                                <li>
                                    {comment_view(c, false)}
                                    {replies.into_iter().map(|r| comment_view(r, true)).collect_view()}
                                    <Show when=move || reply_to.get() == Some(id)>
                                        <CommentForm add slug=slug.get_value() number member parent=Some(id) public/>
                                    </Show>
                                </li>
                            }.into_any()
                        }
                    }}
                </For>
            </ol>
            {me.is_some().then(|| view! { <CommentForm add slug=slug.get_value() number member parent=None public=!member/> })}
            {move || add.value().get().and_then(|r| r.err()).map(|e| view! { <p class="error" role="alert">{error_text(&e)}</p> })}
            {move || block.value().get().map(|r| match r {
                Ok(()) => view! { <p class="notice-bar" role="status" data-testid="blocked-notice">"Blocked: they can no longer vote, comment or suggest tasks here."</p> }.into_any(),
                Err(e) => view! { <p class="error" role="alert">{error_text(&e)}</p> }.into_any(),
            })}
        </section>
    }
    .into_any()
}

/// Writing a comment: a plain form (works without JavaScript).
#[component]
fn CommentForm(
    add: ServerAction<AddComment>,
    slug: String,
    number: i64,
    member: bool,
    parent: Option<domain::CommentId>,
    /// Whether the comment starts public (a reply is as public as its thread).
    public: bool,
) -> impl IntoView {
    let form_ref = NodeRef::<leptos::html::Form>::new();
    // Files go public with a public comment.
    let public = RwSignal::new(public);
    Effect::new(move |_| {
        if let Some(Ok(_)) = add.value().get()
            && let Some(f) = form_ref.get()
        {
            f.reset();
        }
    });
    view! {
        <ActionForm action=add node_ref=form_ref attr:class="stack wide comment-form" attr:data-testid=if parent.is_some() { "reply-form" } else { "comment-form" }>
            <input type="hidden" name="slug" value=slug.clone()/>
            <input type="hidden" name="number" value=number/>
            {parent.map(|p| view! { <input type="hidden" name="parent_id" value=p.to_string()/> })}
            <MarkdownEditor id=format!("comment-body-{}", parent.map(|p| p.to_string()).unwrap_or_default()) label="Comment" hide_label=true
                slug name="body" rows=3 required=true public testid="comment-body" mentions=member
                placeholder=if parent.is_some() { "Reply…" } else { "Write a comment… (Markdown)" }/>
            <div class="row">
                {(member && parent.is_none()).then(|| view! {
                    <label class="inline">"Visible to "
                        <select name="visibility" data-testid="comment-visibility" on:change=move |ev| public.set(event_target_value(&ev) == "public")>
                            <option value="internal" selected>"the team only"</option>
                            <option value="public">"everyone"</option>
                        </select>
                    </label>
                })}
                <button type="submit" class="button primary">{if parent.is_some() { "Reply" } else { "Comment" }}</button>
            </div>
        </ActionForm>
    }
    .into_any()
}
