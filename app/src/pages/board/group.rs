//! The board's groups: columns of the kanban, sections of the list, each optionally split
//! again (sub-grouping) and sorted as the URL says. Plain functions, the same on the server
//! and in the browser.

use super::filter::{BoardFilter, GroupBy};
use crate::components::text::priority_label;
use domain::dto::{Task, TaskPriority, TaskStatus, ViewSort};
use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::sync::Arc;

/// One group of the board: a column of the kanban, a section of the list.
#[derive(Clone, Debug, PartialEq)]
pub struct Group {
    /// Stable key for the group (`status:done`, `assignee:<id>`, `assignee:none`).
    pub key: String,
    pub title: String,
    /// The status a task dropped here takes (status grouping only).
    pub status: Option<TaskStatus>,
    /// In order; with a sub-grouping, sub-group after sub-group.
    pub tasks: Vec<Arc<Task>>,
    /// Tasks that belong here but are hidden (done and canceled, unless asked for).
    pub hidden: usize,
    /// With a sub-grouping: where each sub-group starts in `tasks`, and its title.
    pub subs: Vec<(usize, String)>,
}

/// The keys and titles a task falls under for `by` (several for labels and assignees; a
/// "none" key when it has nothing).
fn keys_of(task: &Task, by: GroupBy) -> Vec<(String, String)> {
    let none = |what: &str, title: &str| vec![(format!("{what}:none"), title.to_string())];
    match by {
        GroupBy::Status => vec![(
            format!("status:{}", task.status),
            task.status.label().into(),
        )],
        GroupBy::Priority => vec![(
            format!("priority:{}", task.priority),
            priority_label(task.priority).into(),
        )],
        GroupBy::Assignee if task.assignees.is_empty() => none("assignee", "No assignee"),
        GroupBy::Assignee => task
            .assignees
            .iter()
            .map(|a| (format!("assignee:{}", a.id), a.name.clone()))
            .collect(),
        GroupBy::Label if task.labels.is_empty() => none("label", "No label"),
        GroupBy::Label => task
            .labels
            .iter()
            .map(|l| (format!("label:{}", l.id), l.name.clone()))
            .collect(),
        GroupBy::Category => match &task.category {
            Some(c) => vec![(format!("category:{}", c.id), c.name.clone())],
            None => none("category", "No category"),
        },
        GroupBy::Release => match &task.release {
            Some(r) => vec![(format!("release:{r}"), r.clone())],
            None => none("release", "No release"),
        },
    }
}

/// The fixed groups of `by`, in their order (status and priority: all of them, empty ones
/// too, as drop targets); others are those in use, by title, with "none" last.
fn fixed(by: GroupBy, filter: &BoardFilter) -> Option<Vec<(String, String)>> {
    match by {
        GroupBy::Status => Some(
            TaskStatus::ALL
                .iter()
                .filter(|s| filter.statuses.is_empty() || filter.statuses.contains(s))
                .map(|s| (format!("status:{s}"), s.label().to_string()))
                .collect(),
        ),
        GroupBy::Priority => Some(
            TaskPriority::ALL
                .iter()
                .rev()
                .map(|p| (format!("priority:{p}"), priority_label(*p).to_string()))
                .collect(),
        ),
        _ => None,
    }
}

/// Splits `tasks` by `by`, keeping their order within each group.
fn split(
    tasks: &[&Arc<Task>],
    by: GroupBy,
    filter: &BoardFilter,
) -> Vec<(String, String, Vec<Arc<Task>>)> {
    let mut found: BTreeMap<String, (String, Vec<Arc<Task>>)> = BTreeMap::new();
    for task in tasks {
        for (key, title) in keys_of(task, by) {
            found
                .entry(key)
                .or_insert_with(|| (title, Vec::new()))
                .1
                .push(Arc::clone(task));
        }
    }
    match fixed(by, filter) {
        Some(all) => all
            .into_iter()
            .map(|(key, title)| {
                let tasks = found.remove(&key).map(|(_, t)| t).unwrap_or_default();
                (key, title, tasks)
            })
            .collect(),
        None => {
            let mut groups: Vec<(String, String, Vec<Arc<Task>>)> = found
                .into_iter()
                .map(|(k, (t, tasks))| (k, t, tasks))
                .collect();
            groups.sort_by(|a, b| {
                let none = |k: &str| k.ends_with(":none");
                none(&a.0).cmp(&none(&b.0)).then(a.1.cmp(&b.1))
            });
            groups
        }
    }
}

/// The order within a group. Manual: the team's order (`domain::rank`) in status columns,
/// else most urgent first; then newest.
fn compare(sort: ViewSort, by_status: bool, a: &Task, b: &Task) -> Ordering {
    let newest = b.number.cmp(&a.number);
    match sort {
        ViewSort::Manual if by_status => a.rank.cmp(&b.rank).then(newest),
        ViewSort::Manual | ViewSort::Priority => b.priority.cmp(&a.priority).then(newest),
        ViewSort::Newest => newest,
        ViewSort::Oldest => a.number.cmp(&b.number),
        ViewSort::Updated => b.updated_at.cmp(&a.updated_at).then(newest),
        ViewSort::Votes => b.vote_count.cmp(&a.vote_count).then(newest),
        ViewSort::Title => a
            .title
            .to_lowercase()
            .cmp(&b.title.to_lowercase())
            .then(newest),
    }
}

/// Groups the tasks the board shows. A task with several assignees (or labels) appears under
/// each. `counts` are the server's counts by status, for the closed columns' hidden note.
pub fn group(all: &[Arc<Task>], filter: &BoardFilter, counts: &[(TaskStatus, i64)]) -> Vec<Group> {
    let mut shown: Vec<&Arc<Task>> = all.iter().filter(|t| filter.matches(t)).collect();
    let by_status = filter.group == GroupBy::Status;
    shown.sort_by(|a, b| compare(filter.sort, by_status, a, b));
    let open_filter = BoardFilter {
        show_closed: true,
        ..filter.clone()
    };
    split(&shown, filter.group, filter)
        .into_iter()
        .map(|(key, title, tasks)| {
            let status = key.strip_prefix("status:").and_then(|s| s.parse().ok());
            // Closed tasks the board has but hides, or the server counted and did not send.
            let hidden = match status {
                Some(s) => {
                    let loaded = all
                        .iter()
                        .filter(|t| t.status == s && open_filter.matches(t))
                        .count();
                    let counted = counts
                        .iter()
                        .find(|(c, _)| *c == s)
                        .map_or(0, |(_, n)| *n as usize);
                    loaded.max(counted).saturating_sub(tasks.len())
                }
                None => 0,
            };
            let (tasks, subs) = match filter.sub {
                Some(sub) if sub != filter.group => {
                    let refs: Vec<&Arc<Task>> = tasks.iter().collect();
                    let mut ordered = Vec::with_capacity(tasks.len());
                    let mut subs = Vec::new();
                    for (_, title, part) in split(&refs, sub, filter) {
                        if part.is_empty() {
                            continue;
                        }
                        subs.push((ordered.len(), title));
                        ordered.extend(part);
                    }
                    (ordered, subs)
                }
                _ => (tasks, Vec::new()),
            };
            Group {
                key,
                title,
                status,
                tasks,
                hidden,
                subs,
            }
        })
        .collect()
}
