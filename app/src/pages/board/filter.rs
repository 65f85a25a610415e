//! What the board shows, as the URL says it: view, grouping, filters. Parsing and writing
//! the query are inverse, so a filtered board is a link that can be shared; matching and
//! grouping are plain functions, the same on the server and in the browser.

use crate::components::text::{encode, priority_label};
use domain::dto::{Task, TaskPriority, TaskStatus};
use domain::{CategoryId, LabelId, UserId};
use std::collections::BTreeMap;
use std::sync::Arc;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum View {
    #[default]
    Board,
    List,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum GroupBy {
    #[default]
    Status,
    Priority,
    Assignee,
    Category,
}

impl GroupBy {
    pub const ALL: [GroupBy; 4] = [
        GroupBy::Status,
        GroupBy::Priority,
        GroupBy::Assignee,
        GroupBy::Category,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            GroupBy::Status => "status",
            GroupBy::Priority => "priority",
            GroupBy::Assignee => "assignee",
            GroupBy::Category => "category",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            GroupBy::Status => "Status",
            GroupBy::Priority => "Priority",
            GroupBy::Assignee => "Assignee",
            GroupBy::Category => "Category",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|g| g.as_str() == s)
    }
}

/// The board's state in the URL.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BoardFilter {
    pub view: View,
    pub group: GroupBy,
    /// Show done and canceled tasks.
    pub show_closed: bool,
    pub statuses: Vec<TaskStatus>,
    pub priorities: Vec<TaskPriority>,
    pub labels: Vec<LabelId>,
    pub assignees: Vec<UserId>,
    pub categories: Vec<CategoryId>,
    /// Pull request filters (`pr=`): `any`, `none`, or a state (`open`, `draft`, `merged`,
    /// `closed`); a task matches any of them.
    pub pulls: Vec<PullFilter>,
    pub text: String,
}

/// What the board's pull request filter asks of a task.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PullFilter {
    /// It has a pull request.
    Any,
    /// It has none.
    None,
    /// It has one in this state.
    State(&'static str),
}

impl PullFilter {
    pub const ALL: [PullFilter; 6] = [
        PullFilter::Any,
        PullFilter::None,
        PullFilter::State("open"),
        PullFilter::State("draft"),
        PullFilter::State("merged"),
        PullFilter::State("closed"),
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PullFilter::Any => "any",
            PullFilter::None => "none",
            PullFilter::State(s) => s,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            PullFilter::Any => "Has a pull request",
            PullFilter::None => "No pull request",
            PullFilter::State("open") => "Open",
            PullFilter::State("draft") => "Draft",
            PullFilter::State("merged") => "Merged",
            PullFilter::State(_) => "Closed unmerged",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == s)
    }

    fn matches(self, task: &Task) -> bool {
        match self {
            PullFilter::Any => !task.pull_requests.is_empty(),
            PullFilter::None => task.pull_requests.is_empty(),
            PullFilter::State(state) => task.pull_requests.iter().any(|p| p.state == state),
        }
    }
}

impl std::fmt::Display for PullFilter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

fn ids<T: std::str::FromStr>(value: &str) -> impl Iterator<Item = T> + '_ {
    value.split(',').filter_map(|v| v.trim().parse().ok())
}

impl BoardFilter {
    /// Reads the query's pairs; unknown keys and bad values are ignored.
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut filter = Self::default();
        for (key, value) in pairs {
            match key {
                "view" if value == "list" => filter.view = View::List,
                "group" => filter.group = GroupBy::parse(value).unwrap_or_default(),
                "closed" => filter.show_closed = value == "1",
                "status" => filter.statuses.extend(ids::<TaskStatus>(value)),
                "priority" => filter.priorities.extend(ids::<TaskPriority>(value)),
                "label" => filter.labels.extend(ids::<LabelId>(value)),
                "assignee" => filter.assignees.extend(ids::<UserId>(value)),
                "category" => filter.categories.extend(ids::<CategoryId>(value)),
                "pr" => filter
                    .pulls
                    .extend(value.split(',').filter_map(|v| PullFilter::parse(v.trim()))),
                "q" => filter.text = value.chars().take(200).collect(),
                _ => {}
            }
        }
        filter
    }

    /// The query string (without `?`) that reads back as this filter; defaults are left out.
    pub fn to_query(&self) -> String {
        fn join<T: ToString>(items: &[T]) -> String {
            items
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(",")
        }
        let mut pairs: Vec<(&str, String)> = Vec::new();
        if self.view == View::List {
            pairs.push(("view", "list".into()));
        }
        if self.group != GroupBy::Status {
            pairs.push(("group", self.group.as_str().into()));
        }
        if self.show_closed {
            pairs.push(("closed", "1".into()));
        }
        for (key, value) in [
            ("status", join(&self.statuses)),
            ("priority", join(&self.priorities)),
            ("label", join(&self.labels)),
            ("assignee", join(&self.assignees)),
            ("category", join(&self.categories)),
            ("pr", join(&self.pulls)),
            ("q", self.text.clone()),
        ] {
            if !value.is_empty() {
                pairs.push((key, value));
            }
        }
        pairs
            .into_iter()
            .map(|(k, v)| format!("{k}={}", encode(&v)))
            .collect::<Vec<_>>()
            .join("&")
    }

    /// Any filter beyond view, grouping and closed tasks is on.
    pub fn is_filtering(&self) -> bool {
        !(self.statuses.is_empty()
            && self.priorities.is_empty()
            && self.labels.is_empty()
            && self.assignees.is_empty()
            && self.categories.is_empty()
            && self.pulls.is_empty()
            && self.text.trim().is_empty())
    }

    pub fn matches(&self, task: &Task) -> bool {
        let closed = matches!(task.status, TaskStatus::Done | TaskStatus::Canceled);
        if closed && !self.show_closed && !self.statuses.contains(&task.status) {
            return false;
        }
        let any = |wanted: bool, empty: bool| empty || wanted;
        any(
            self.statuses.contains(&task.status),
            self.statuses.is_empty(),
        ) && any(
            self.priorities.contains(&task.priority),
            self.priorities.is_empty(),
        ) && any(
            task.labels.iter().any(|l| self.labels.contains(&l.id)),
            self.labels.is_empty(),
        ) && any(
            task.assignees
                .iter()
                .any(|a| self.assignees.contains(&a.id)),
            self.assignees.is_empty(),
        ) && any(
            task.category
                .as_ref()
                .is_some_and(|c| self.categories.contains(&c.id)),
            self.categories.is_empty(),
        ) && any(
            self.pulls.iter().any(|p| p.matches(task)),
            self.pulls.is_empty(),
        ) && self.matches_text(task)
    }

    fn matches_text(&self, task: &Task) -> bool {
        let text = self.text.trim().to_lowercase();
        text.is_empty()
            || task.title.to_lowercase().contains(&text)
            || task.key.to_lowercase() == text
            || task.number.to_string() == text.trim_start_matches('#')
    }
}

/// One group of the board: a column of the kanban, a section of the list.
#[derive(Clone, Debug, PartialEq)]
pub struct Group {
    /// Stable key for the group (`status:done`, `assignee:<id>`, `assignee:none`).
    pub key: String,
    pub title: String,
    /// The status a task dropped here takes (status grouping only).
    pub status: Option<TaskStatus>,
    pub tasks: Vec<Arc<Task>>,
    /// Tasks that belong here but are hidden (done and canceled, unless asked for).
    pub hidden: usize,
}

/// Groups the matching tasks. Status and priority groups are always all there (empty
/// columns, and the done and canceled ones whose cards are hidden, are drop targets);
/// assignee and category groups are those in use, plus "none".
/// A task with several assignees appears under each.
pub fn group(all: &[Arc<Task>], filter: &BoardFilter) -> Vec<Group> {
    let shown: Vec<&Arc<Task>> = all.iter().filter(|t| filter.matches(t)).collect();
    let mut groups: Vec<Group> = match filter.group {
        GroupBy::Status => {
            let open_filter = BoardFilter {
                show_closed: true,
                ..filter.clone()
            };
            TaskStatus::ALL
                .iter()
                .filter(|s| filter.statuses.is_empty() || filter.statuses.contains(s))
                .map(|s| {
                    let tasks: Vec<Arc<Task>> = shown
                        .iter()
                        .filter(|t| t.status == *s)
                        .map(|t| Arc::clone(t))
                        .collect();
                    let matching = tasks.len().max(
                        all.iter()
                            .filter(|t| t.status == *s && open_filter.matches(t))
                            .count(),
                    );
                    Group {
                        key: format!("status:{s}"),
                        title: s.label().into(),
                        status: Some(*s),
                        hidden: matching - tasks.len(),
                        tasks,
                    }
                })
                .collect()
        }
        GroupBy::Priority => TaskPriority::ALL
            .iter()
            .rev()
            .map(|p| Group {
                key: format!("priority:{p}"),
                title: priority_label(*p).into(),
                status: None,
                hidden: 0,
                tasks: shown
                    .iter()
                    .filter(|t| t.priority == *p)
                    .map(|t| Arc::clone(t))
                    .collect(),
            })
            .collect(),
        GroupBy::Assignee => {
            let mut by: BTreeMap<(String, String), Vec<Arc<Task>>> = BTreeMap::new();
            let mut none = Vec::new();
            for task in &shown {
                if task.assignees.is_empty() {
                    none.push(Arc::clone(task));
                }
                for a in &task.assignees {
                    by.entry((a.name.clone(), a.id.to_string()))
                        .or_default()
                        .push(Arc::clone(task));
                }
            }
            by.into_iter()
                .map(|((name, id), tasks)| Group {
                    key: format!("assignee:{id}"),
                    title: name,
                    status: None,
                    hidden: 0,
                    tasks,
                })
                .chain(std::iter::once(Group {
                    key: "assignee:none".into(),
                    title: "No assignee".into(),
                    status: None,
                    hidden: 0,
                    tasks: none,
                }))
                .collect()
        }
        GroupBy::Category => {
            let mut by: BTreeMap<(String, String), Vec<Arc<Task>>> = BTreeMap::new();
            let mut none = Vec::new();
            for task in &shown {
                match &task.category {
                    Some(c) => by
                        .entry((c.name.clone(), c.id.to_string()))
                        .or_default()
                        .push(Arc::clone(task)),
                    None => none.push(Arc::clone(task)),
                }
            }
            by.into_iter()
                .map(|((name, id), tasks)| Group {
                    key: format!("category:{id}"),
                    title: name,
                    status: None,
                    hidden: 0,
                    tasks,
                })
                .chain(std::iter::once(Group {
                    key: "category:none".into(),
                    title: "No category".into(),
                    status: None,
                    hidden: 0,
                    tasks: none,
                }))
                .collect()
        }
    };
    for g in &mut groups {
        if filter.group == GroupBy::Status {
            // The team's order (`domain::rank`), which reordering changes.
            g.tasks
                .sort_by(|a, b| a.rank.cmp(&b.rank).then(b.number.cmp(&a.number)));
        } else {
            // Most urgent first, then newest.
            g.tasks
                .sort_by(|a, b| b.priority.cmp(&a.priority).then(b.number.cmp(&a.number)));
        }
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::dto::UserRef;
    use domain::{OrgId, TaskId};

    fn task(n: i64, status: TaskStatus, title: &str) -> Task {
        Task {
            id: TaskId(uuid::Uuid::from_u128(n as u128)),
            org_id: OrgId(uuid::Uuid::nil()),
            number: n,
            key: format!("A-{n}"),
            title: title.into(),
            description: String::new(),
            description_html: String::new(),
            status,
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
            version: 1,
            rank: domain::rank::for_new(n),
            pull_requests: Vec::new(),
            release: None,
            release_public: false,
        }
    }

    fn parse(query: &str) -> BoardFilter {
        let pairs: Vec<(String, String)> = query
            .split('&')
            .filter_map(|p| p.split_once('='))
            .map(|(k, v)| (k.to_string(), v.replace("%20", " ")))
            .collect();
        BoardFilter::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
    }

    #[test]
    fn the_query_reads_back_as_the_same_filter() {
        let filter = BoardFilter {
            view: View::List,
            group: GroupBy::Assignee,
            show_closed: true,
            statuses: vec![TaskStatus::Todo, TaskStatus::InProgress],
            priorities: vec![TaskPriority::High],
            assignees: vec![UserId(uuid::Uuid::from_u128(7))],
            text: "login bug".into(),
            ..Default::default()
        };
        let query = filter.to_query();
        assert!(query.contains("status=todo,in-progress"), "{query}");
        assert_eq!(parse(&query), filter);
        assert_eq!(BoardFilter::default().to_query(), "");
    }

    #[test]
    fn closed_tasks_are_hidden_unless_asked_for() {
        let done = task(1, TaskStatus::Done, "shipped");
        let open = task(2, TaskStatus::Todo, "to do");
        let filter = BoardFilter::default();
        assert!(!filter.matches(&done) && filter.matches(&open));
        assert!(parse("closed=1").matches(&done));
        assert!(
            parse("status=done").matches(&done),
            "asking for done shows done"
        );
        let columns: Vec<_> = group(&[Arc::new(done), Arc::new(open)], &filter)
            .into_iter()
            .map(|g| (g.key, g.tasks.len(), g.hidden))
            .collect();
        let columns: Vec<_> = columns
            .iter()
            .map(|(k, n, h)| (k.as_str(), *n, *h))
            .collect();
        assert_eq!(
            columns,
            [
                ("status:backlog", 0, 0),
                ("status:todo", 1, 0),
                ("status:in-progress", 0, 0),
                ("status:done", 0, 1),
                ("status:canceled", 0, 0)
            ],
            "closed columns stay as drop targets, their cards counted but hidden"
        );
    }

    #[test]
    fn filters_combine_and_text_finds_titles_and_keys() {
        let mut a = task(1, TaskStatus::Todo, "Fix the login bug");
        a.assignees = vec![UserRef {
            id: UserId(uuid::Uuid::from_u128(7)),
            name: "Ada".into(),
        }];
        let b = task(2, TaskStatus::Todo, "Write docs");
        assert!(parse("q=LOGIN").matches(&a) && !parse("q=LOGIN").matches(&b));
        assert!(parse("q=a-2").matches(&b) && parse("q=#2").matches(&b));
        let ada = format!("assignee={}", uuid::Uuid::from_u128(7));
        assert!(parse(&ada).matches(&a) && !parse(&ada).matches(&b));
        assert!(!parse(&format!("{ada}&status=backlog")).matches(&a));
    }

    #[test]
    fn the_pull_request_filter_reads_each_task_s_pull_requests() {
        let pr = |state: &str| domain::dto::TaskPullRequest {
            repository: "o/r".into(),
            number: 1,
            state: state.into(),
            url: String::new(),
        };
        let mut merged = task(1, TaskStatus::Todo, "merged");
        merged.pull_requests = vec![pr("closed"), pr("merged")];
        let mut open = task(2, TaskStatus::Todo, "open");
        open.pull_requests = vec![pr("draft")];
        let none = task(3, TaskStatus::Todo, "none");
        let shown = |query: &str| -> Vec<i64> {
            [&merged, &open, &none]
                .into_iter()
                .filter(|t| parse(query).matches(t))
                .map(|t| t.number)
                .collect()
        };
        assert_eq!(shown("pr=any"), [1, 2]);
        assert_eq!(shown("pr=none"), [3]);
        assert_eq!(shown("pr=merged"), [1]);
        assert_eq!(shown("pr=draft,none"), [2, 3]);
        assert_eq!(
            shown("pr=bogus"),
            [1, 2, 3],
            "an unknown value filters nothing"
        );
        let filter = parse("pr=merged,closed");
        assert_eq!(filter.to_query(), "pr=merged,closed");
        assert!(filter.is_filtering());
    }

    #[test]
    fn status_columns_follow_the_rank_and_other_groups_the_priority() {
        let mut a = task(1, TaskStatus::Todo, "a");
        let mut b = task(2, TaskStatus::Todo, "b");
        let c = task(3, TaskStatus::Todo, "c");
        a.priority = TaskPriority::Urgent;
        // b moved to the top, above c (the newest).
        b.rank = domain::rank::between(None, Some(&c.rank), 2).unwrap();
        let numbers = |groups: Vec<Group>, key: &str| -> Vec<i64> {
            groups
                .into_iter()
                .find(|g| g.key == key)
                .unwrap()
                .tasks
                .iter()
                .map(|t| t.number)
                .collect()
        };
        let all = [a.clone(), b.clone(), c.clone()].map(Arc::new);
        assert_eq!(numbers(group(&all, &parse("")), "status:todo"), [2, 3, 1]);
        a.rank = domain::rank::between(None, Some(&b.rank), 1).unwrap();
        let all = [a, b, c].map(Arc::new);
        assert_eq!(numbers(group(&all, &parse("")), "status:todo"), [1, 2, 3]);
        assert_eq!(
            numbers(group(&all, &parse("group=priority")), "priority:none"),
            [3, 2]
        );
    }

    #[test]
    fn assignee_groups_list_each_person_and_the_unassigned() {
        let mut a = task(1, TaskStatus::Todo, "a");
        a.assignees = vec![
            UserRef {
                id: UserId(uuid::Uuid::from_u128(1)),
                name: "Bo".into(),
            },
            UserRef {
                id: UserId(uuid::Uuid::from_u128(2)),
                name: "Al".into(),
            },
        ];
        let b = task(2, TaskStatus::Todo, "b");
        let groups = group(&[Arc::new(a), Arc::new(b)], &parse("group=assignee"));
        let titles: Vec<_> = groups
            .iter()
            .map(|g| (g.title.as_str(), g.tasks.len()))
            .collect();
        assert_eq!(titles, [("Al", 1), ("Bo", 1), ("No assignee", 1)]);
    }
}
