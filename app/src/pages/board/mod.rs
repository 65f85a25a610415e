//! The org's board: kanban or list, grouped and filtered as the URL says, live over the
//! realtime hook, with optimistic changes that roll back when the server refuses.

mod dialog;
mod edit;
mod filter;
mod kanban;
mod list;
mod toolbar;
mod view;

use crate::api::{BoardData, BulkUpdate, CreateTask, UpdateTask, load_board};
use crate::components::text::error_text;
use crate::realtime::use_realtime;
use domain::TaskId;
use domain::dto::Task;
use domain::realtime::{Channel, ServerEvent};
pub use filter::BoardFilter;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use std::collections::HashMap;
use std::sync::Arc;

/// A change to the board heard after it was loaded.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Change {
    Upsert(Task),
    Delete(TaskId),
}

/// The loaded tasks with the changes applied in order. A change older than what is shown
/// (a lower `version`) is ignored, so a late event never undoes a newer one.
pub(crate) fn apply(mut list: Vec<Arc<Task>>, changes: &[Change]) -> Vec<Arc<Task>> {
    for change in changes {
        match change {
            Change::Upsert(task) => match list.iter_mut().find(|t| t.id == task.id) {
                Some(existing) if existing.version <= task.version => {
                    *existing = Arc::new(task.clone())
                }
                Some(_) => {}
                None => list.push(Arc::new(task.clone())),
            },
            Change::Delete(id) => list.retain(|t| t.id != *id),
        }
    }
    list.sort_by_key(|t| std::cmp::Reverse(t.number));
    list
}

/// The query keys the board reads.
const KEYS: [&str; 10] = [
    "view", "group", "closed", "status", "priority", "label", "assignee", "category", "pr", "q",
];

/// Everything the board's parts share.
#[derive(Clone, Copy)]
pub(crate) struct BoardState {
    pub slug: Memo<String>,
    pub filter: Memo<BoardFilter>,
    /// The tasks as shown: loaded, with live changes and pending local edits applied.
    /// Shared, not copied, by the memos and views that show them.
    pub tasks: Memo<Vec<Arc<Task>>>,
    pub data: StoredValue<BoardData>,
    /// Local edits not yet confirmed, by task: shown at once, dropped on refusal.
    pub pending: RwSignal<HashMap<TaskId, Task>>,
    pub update: ServerAction<UpdateTask>,
    pub bulk: ServerAction<BulkUpdate>,
    pub selected: RwSignal<Vec<i64>>,
    /// The last refusal, shown until the next change.
    pub notice: RwSignal<Option<String>>,
    /// The task shown in the dialog over the board (`?task=<number>`).
    pub link: dialog::TaskLink,
}

impl BoardState {
    /// Shows `edited` at once and asks the server; the answer (or a refusal) settles it.
    pub fn change(&self, edited: Task, call: UpdateTask) {
        self.notice.set(None);
        self.pending.update(|p| {
            p.insert(edited.id, edited);
        });
        self.update.dispatch(call);
    }

    /// The href of the board with `filter`.
    pub fn href(&self, filter: &BoardFilter) -> String {
        let query = filter.to_query();
        let base = format!("/orgs/{}/tasks", self.slug.get_untracked());
        if query.is_empty() {
            base
        } else {
            format!("{base}?{query}")
        }
    }
}

/// `/orgs/<slug>/tasks`.
#[component]
pub fn Board() -> impl IntoView {
    let query = use_query_map();
    let slug = crate::org_host::use_slug();
    let filter = Memo::new(move |_| {
        query.with(|q| {
            let pairs: Vec<(&str, String)> = KEYS
                .iter()
                .flat_map(|k| {
                    q.get_all(k)
                        .unwrap_or_default()
                        .into_iter()
                        .map(move |v| (*k, v))
                })
                .collect();
            BoardFilter::from_pairs(pairs.iter().map(|(k, v)| (*k, v.as_str())))
        })
    });
    // Bumped after a reconnect or a refusal: the board is fetched again.
    let refetch = RwSignal::new(0u32);
    let board = Resource::new(
        move || (slug.get(), refetch.get()),
        |(slug, _)| load_board(slug),
    );
    let changes = RwSignal::new(Vec::<Change>::new());
    let pending = RwSignal::new(HashMap::<TaskId, Task>::new());
    let notice = RwSignal::new(None::<String>);
    let update = ServerAction::<UpdateTask>::new();
    let bulk = ServerAction::<BulkUpdate>::new();
    let create = ServerAction::<CreateTask>::new();
    let link = dialog::TaskLink::new();

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
    // A settled single change: the server's task replaces the guess, or the guess goes.
    Effect::new(move |_| {
        let Some(result) = update.value().get() else {
            return;
        };
        let input = update.input().get_untracked();
        match result {
            Ok(task) => {
                pending.update(|p| {
                    p.remove(&task.id);
                });
                changes.update(|c| c.push(Change::Upsert(task)));
            }
            Err(e) => {
                pending.set(HashMap::new());
                notice.set(Some(match input {
                    Some(i) => format!("Task #{} was not changed: {}", i.number, error_text(&e)),
                    None => error_text(&e),
                }));
                refetch.update(|n| *n += 1);
            }
        }
    });
    Effect::new(move |_| {
        let Some(result) = bulk.value().get() else {
            return;
        };
        match result {
            Ok(result) => {
                changes.update(|c| c.extend(result.updated.into_iter().map(Change::Upsert)));
                if !result.refused.is_empty() {
                    notice.set(Some(format!(
                        "{} task(s) were not changed: {}",
                        result.refused.len(),
                        result.refused[0].1
                    )));
                }
            }
            Err(e) => notice.set(Some(error_text(&e))),
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(task)) = create.value().get() {
            changes.update(|c| c.push(Change::Upsert(task)));
        }
    });

    view! {
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let mut data = match board.await {
                    Ok(data) => data,
                    Err(e) => return view! {
                        <section class="empty"><h1>"Not found"</h1><p>{error_text(&e)}</p></section>
                    }.into_any(),
                };
                // The tasks live in the memo; the rest of the data in the state.
                let loaded: Vec<Arc<Task>> =
                    std::mem::take(&mut data.tasks).into_iter().map(Arc::new).collect();
                let tasks = Memo::new(move |_| {
                    let mut shown = changes.with(|c| apply(loaded.clone(), c));
                    pending.with(|p| {
                        for t in shown.iter_mut() {
                            if let Some(edit) = p.get(&t.id) {
                                *t = Arc::new(edit.clone());
                            }
                        }
                    });
                    shown
                });
                let state = BoardState {
                    slug,
                    filter,
                    tasks,
                    data: StoredValue::new(data),
                    pending,
                    update,
                    bulk,
                    selected: RwSignal::new(Vec::new()),
                    notice,
                    link,
                };
                view! { <view::BoardView state live create/> }.into_any()
            })}
        </Transition>
        // Outside the board's Transition: its data loads (and hydrates) on its own.
        <dialog::TaskDialog slug link/>
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
            rank: domain::rank::for_new(n),
            pull_requests: Vec::new(),
            release: None,
            release_public: false,
        }
    }

    #[test]
    fn changes_apply_in_order_and_stale_ones_are_ignored() {
        let loaded = vec![Arc::new(task(1, 1, "one")), Arc::new(task(2, 3, "two v3"))];
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
