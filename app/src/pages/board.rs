use crate::api::{BoardData, CreateTask, load_board};
use crate::pages::error_text;
use crate::realtime::{LinkState, use_realtime};
use domain::TaskId;
use domain::model::{Task, TaskStatus, Visibility};
use domain::realtime::{Channel, ServerEvent};
use leptos::html;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

/// A change to the board heard after it was loaded.
#[derive(Clone, Debug, PartialEq)]
enum Change {
    Upsert(Task),
    Delete(TaskId),
}

/// The loaded tasks with the changes applied in order, newest number first. A change older
/// than what is shown (a lower `version`) is ignored, so a late event never undoes a newer one.
fn apply(mut list: Vec<Task>, changes: &[Change]) -> Vec<Task> {
    for change in changes {
        match change {
            Change::Upsert(task) => match list.iter_mut().find(|t| t.id == task.id) {
                Some(existing) if existing.version <= task.version => *existing = task.clone(),
                Some(_) => {}
                None => list.push(task.clone()),
            },
            Change::Delete(id) => list.retain(|t| t.id != *id),
        }
    }
    list.sort_by(|a, b| b.number.cmp(&a.number));
    list
}

/// An org's task list, live: tasks added anywhere appear without a reload.
#[component]
pub fn Board() -> impl IntoView {
    let params = use_params_map();
    let slug = Memo::new(move |_| params.read().get("slug").unwrap_or_default());
    let create = ServerAction::<CreateTask>::new();
    // Bumped after a reconnect: what happened while away is fetched again.
    let refetch = RwSignal::new(0u32);
    let board = Resource::new(
        move || (slug.get(), refetch.get()),
        |(slug, _)| load_board(slug),
    );
    // Changes heard since the board was loaded: applied over the loaded list when shown.
    // They are only written by events and effects in the browser, never while rendering.
    let changes = RwSignal::new(Vec::<Change>::new());

    let room = Signal::derive(move || {
        board
            .get()
            .and_then(|b| b.ok())
            .map(|b: BoardData| (b.org.id, Channel::Tasks))
    });
    let live = use_realtime(room, move |event| match event {
        ServerEvent::CreateTask(task) | ServerEvent::UpdateTask(task) => {
            changes.update(|c| c.push(Change::Upsert(task)))
        }
        ServerEvent::DeleteTask { id, .. } => changes.update(|c| c.push(Change::Delete(id))),
        _ => {}
    });
    Effect::new(move |_| {
        if live.reconnected.get() > 0 {
            changes.set(Vec::new());
            refetch.update(|n| *n += 1);
        }
    });
    let form = NodeRef::<html::Form>::new();
    Effect::new(move |_| {
        if let Some(Ok(task)) = create.value().get() {
            changes.update(|c| c.push(Change::Upsert(task)));
            if let Some(form) = form.get() {
                form.reset();
            }
        }
    });

    view! {
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let data = match board.await {
                    Ok(data) => data,
                    Err(e) => return view! {
                        <section class="empty"><h1>"Not found"</h1><p>{error_text(&e)}</p></section>
                    }.into_any(),
                };
                let org = data.org.clone();
                let loaded = data.tasks.clone();
                let tasks = Memo::new(move |_| changes.with(|c| apply(loaded.clone(), c)));
                view! {
                    <section class="board">
                        <div class="row spread">
                            <h1>{org.name.clone()}</h1>
                            <span class="live" data-testid="live-status" data-state=move || live.state.get().as_str()
                                title=move || match live.state.get() {
                                    LinkState::Live => "Live: changes appear as they happen",
                                    LinkState::Connecting => "Connecting…",
                                    LinkState::Offline => "Offline: changes appear after a reload",
                                }>
                                {move || live.state.get().as_str()}
                            </span>
                        </div>
                        {data.signed_in.then(|| view! {
                            <ActionForm action=create node_ref=form attr:class="new-task" attr:data-testid="new-task-form">
                                <input type="hidden" name="slug" value=org.slug.clone()/>
                                <label class="grow">
                                    <span class="sr-only">"Title"</span>
                                    <input name="title" required maxlength="200" placeholder="What needs doing?" autocomplete="off"/>
                                </label>
                                <label>
                                    <span class="sr-only">"Visibility"</span>
                                    <select name="visibility">
                                        <option value="private" selected>"Private"</option>
                                        <option value="public">"Public"</option>
                                    </select>
                                </label>
                                <button type="submit" class="button primary">"Add task"</button>
                            </ActionForm>
                        })}
                        {move || create.value().get().and_then(|r| r.err()).map(|e| view! { <p class="error" role="alert">{error_text(&e)}</p> })}
                        <ul class="tasks" data-testid="task-list" aria-label="Tasks">
                            <For each=move || tasks.get() key=|t| (t.id, t.version) let:task>
                                <TaskRow task/>
                            </For>
                        </ul>
                        <Show when=move || tasks.with(Vec::is_empty)>
                            <p class="muted">"No tasks yet."</p>
                        </Show>
                    </section>
                }.into_any()
            })}
        </Transition>
    }
}

#[component]
fn TaskRow(task: Task) -> impl IntoView {
    let status_class = format!("status status-{}", task.status.as_str());
    view! {
        <li class="task" data-testid="task-item" data-number=task.number>
            <span class="key">{task.key.clone()}</span>
            <span class=status_class>{TaskStatus::label(task.status)}</span>
            <span class="title">{task.title.clone()}</span>
            {(task.visibility == Visibility::Public).then(|| view! { <span class="badge">"public"</span> })}
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn task(n: i64, version: i64, title: &str) -> Task {
        Task {
            id: TaskId(uuid::Uuid::from_u128(n as u128)),
            org_id: domain::OrgId(uuid::Uuid::nil()),
            number: n,
            key: format!("A-{n}"),
            title: title.into(),
            description: String::new(),
            description_html: String::new(),
            status: Default::default(),
            priority: Default::default(),
            visibility: Default::default(),
            category: None,
            labels: vec![],
            assignees: vec![],
            parent_number: None,
            subtask_count: 0,
            vote_count: 0,
            comment_count: 0,
            created_by: None,
            created_at: Default::default(),
            updated_at: Default::default(),
            version,
        }
    }

    #[test]
    fn changes_apply_in_order_and_stale_ones_are_ignored() {
        let loaded = vec![task(1, 1, "one"), task(2, 3, "two v3")];
        let changes = [
            Change::Upsert(task(3, 1, "three")),
            Change::Upsert(task(3, 1, "three")),
            Change::Upsert(task(2, 2, "two v2 (late)")),
            Change::Delete(task(1, 1, "").id),
        ];
        let shown = apply(loaded, &changes);
        let titles: Vec<_> = shown.iter().map(|t| t.title.as_str()).collect();
        assert_eq!(titles, ["three", "two v3"]);
    }
}
