//! The org's board: kanban or list, grouped and filtered as the URL says, live over the
//! realtime hook, with optimistic changes that roll back when the server refuses.

mod chips;
mod dialog;
mod edit;
mod filter;
mod group;
mod kanban;
mod list;
mod toolbar;
mod view;
mod views;

use crate::api::{BoardData, BulkUpdate, CreateTask, UpdateTask, load_board};
use crate::components::PageTitle;
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
/// (a lower `version`) is ignored, so a late event never undoes a newer one; a task that
/// no longer `belongs` (it stopped matching the board's filters) leaves the board.
pub(crate) fn apply(
    mut list: Vec<Arc<Task>>,
    changes: &[Change],
    belongs: impl Fn(&Task) -> bool,
) -> Vec<Arc<Task>> {
    for change in changes {
        match change {
            Change::Upsert(task) => {
                let at = list.iter().position(|t| t.id == task.id);
                match at {
                    Some(i) if list[i].version > task.version => {}
                    Some(i) if !belongs(task) => {
                        list.remove(i);
                    }
                    Some(i) => list[i] = Arc::new(task.clone()),
                    None if belongs(task) => list.push(Arc::new(task.clone())),
                    None => {}
                }
            }
            Change::Delete(id) => list.retain(|t| t.id != *id),
        }
    }
    list.sort_by_key(|t| std::cmp::Reverse(t.number));
    list
}

/// The query keys the board reads.
const KEYS: [&str; 15] = [
    "view", "group", "sub", "sort", "closed", "status", "priority", "label", "assignee",
    "category", "pr", "q", "filter", "v", "all",
];

/// Everything the board's parts share.
#[derive(Clone, Copy)]
pub(crate) struct BoardState {
    pub slug: Memo<String>,
    /// The board as it shows (the URL's, or its saved view's).
    pub filter: Memo<BoardFilter>,
    /// The URL's own filter (naming a saved view, or changing one).
    pub url: Memo<BoardFilter>,
    /// The viewer's saved views, kept live.
    pub views: Memo<Vec<domain::dto::View>>,
    /// The views as changed here or heard of since the board loaded (`None`: as loaded).
    pub views_live: RwSignal<Option<Vec<domain::dto::View>>>,
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
    let url = Memo::new(move |_| {
        query.with(|q| {
            let pairs: Vec<(&str, String)> = KEYS
                .iter()
                .chain(filter::CHIP_KEYS.iter())
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
    let views_live = RwSignal::new(None::<Vec<domain::dto::View>>);
    // Bumped after a reconnect or a refusal: the board is fetched again.
    let refetch = RwSignal::new(0u32);
    // Only what chooses the tasks refetches: not the layout, grouping or sort.
    let fetch = Memo::new(move |_| url.with(BoardFilter::fetch_query));
    let board = Resource::new(
        move || (slug.get(), fetch.get(), refetch.get()),
        |(slug, query, _)| load_board(slug, query),
    );
    // The views as loaded with the board, until something changes them here or live.
    // On the server a page renders once, after the board loaded: reading it untracked keeps
    // the board's Suspend from rendering twice (and disposing what its first pass made).
    let views = Memo::new(move |_| {
        views_live.get().unwrap_or_else(|| {
            #[cfg(feature = "hydrate")]
            let loaded = board.get();
            #[cfg(not(feature = "hydrate"))]
            let loaded = board.get_untracked();
            loaded
                .and_then(Result::ok)
                .map(|b| b.views)
                .unwrap_or_default()
        })
    });
    let filter = Memo::new(move |_| url.with(|u| views.with(|v| u.effective(v))));
    // The saved view shown was changed (here or elsewhere): its tasks are chosen again.
    let shown_view = Memo::new(move |_| {
        let id = filter.with(|f| f.saved);
        views.with(|v| v.iter().find(|v| Some(v.id) == id).cloned())
    });
    Effect::new(move |previous: Option<Option<domain::dto::View>>| {
        let now = shown_view.get();
        if let Some(Some(before)) = &previous
            && now
                .as_ref()
                .is_some_and(|n| n.id == before.id && n != before)
        {
            refetch.update(|n| *n += 1);
        }
        now
    });
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
        ServerEvent::CreateView(view) | ServerEvent::UpdateView(view) => {
            // A view that stopped being shared stays only for its owner.
            let me = board
                .get_untracked()
                .and_then(|b| b.ok())
                .and_then(|b| b.viewer);
            let keep = view.shared || Some(view.owner_id) == me;
            edit_views(views, views_live, move |all| {
                all.retain(|v| v.id != view.id);
                if keep {
                    all.push(view);
                }
            })
        }
        ServerEvent::DeleteView(view) => edit_views(views, views_live, move |all| {
            all.retain(|v| v.id != view.id)
        }),
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
        <Transition fallback=crate::components::Loading>
            {move || Suspend::new(async move {
                let mut data = match board.await {
                    Ok(data) => data,
                    Err(e) => return view! {
                        <crate::components::LoadFailed error=e/>
                    }.into_any(),
                };
                // The tasks live in the memo; the rest of the data in the state.
                let loaded: Vec<Arc<Task>> =
                    std::mem::take(&mut data.tasks).into_iter().map(Arc::new).collect();
                let viewer = data.viewer;
                let title = format!("Tasks · {}", data.org.name);
                let tasks = Memo::new(move |_| {
                    let shown_filter = filter.get();
                    let tree = shown_filter.tree();
                    let subject = domain::filter::Subject { me: viewer, now: now() };
                    let belongs = |t: &Task| shown_filter.accepts(t, subject, &tree);
                    let mut shown = changes.with(|c| apply(loaded.clone(), c, belongs));
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
                    url,
                    views,
                    views_live,
                    tasks,
                    data: StoredValue::new(data),
                    pending,
                    update,
                    bulk,
                    selected: RwSignal::new(Vec::new()),
                    notice,
                    link,
                };
                view! { <PageTitle text=title/><view::BoardView state live create/> }.into_any()
            })}
        </Transition>
        // Outside the board's Transition: its data loads (and hydrates) on its own.
        <dialog::TaskDialog slug link/>
    }
}

/// Changes the board's views (as shown now) with `edit`, keeping the default first, then
/// by name.
pub(crate) fn edit_views(
    views: Memo<Vec<domain::dto::View>>,
    live: RwSignal<Option<Vec<domain::dto::View>>>,
    edit: impl FnOnce(&mut Vec<domain::dto::View>),
) {
    let mut all = views.get_untracked();
    edit(&mut all);
    all.sort_by(|a, b| b.is_default.cmp(&a.is_default).then(a.name.cmp(&b.name)));
    live.set(Some(all));
    crate::components::ViewsChanged::bump();
}

/// The time now, for relative dates in filters.
fn now() -> chrono::DateTime<chrono::Utc> {
    #[cfg(feature = "hydrate")]
    {
        chrono::DateTime::from_timestamp_millis(js_sys::Date::now() as i64).unwrap_or_default()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        std::time::SystemTime::now().into()
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
            parent_public: false,
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
        let shown = apply(loaded, &changes, |_| true);
        let titles: Vec<_> = shown.iter().map(|t| t.title.as_str()).collect();
        assert_eq!(titles, ["three", "two v3"]);
    }

    #[test]
    fn a_task_that_stops_matching_leaves_and_one_that_starts_comes_in() {
        let loaded = vec![Arc::new(task(1, 1, "keep")), Arc::new(task(2, 1, "todo"))];
        let changes = [
            Change::Upsert(task(2, 2, "done now")),
            Change::Upsert(task(3, 1, "new todo")),
            Change::Upsert(task(4, 1, "new done")),
        ];
        let shown = apply(loaded, &changes, |t| !t.title.contains("done"));
        let titles: Vec<_> = shown.iter().map(|t| t.title.as_str()).collect();
        assert_eq!(titles, ["new todo", "keep"]);
    }
}
