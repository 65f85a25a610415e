//! What the board shows, as the URL says it: layout, grouping, sort, filters, the saved view.
//! Parsing and writing the query are inverse, so a filtered board is a link that can be
//! shared. The filters make a tree (`domain::filter`) that the server runs as SQL; the live
//! board runs the same tree over each task it hears about (`accepts`).

pub use super::group::{Group, group};
use crate::components::text::encode;
use domain::dto::{Grouping, Layout, Task, TaskPriority, TaskStatus, View as SavedView, ViewSort};
use domain::filter::{Chip, Filter, Subject, chips, parse_chip};
use domain::{CategoryId, LabelId, UserId, ViewId};

/// The board's layouts and groupings are the saved views' (`domain::dto`).
pub type View = Layout;
pub type GroupBy = Grouping;

/// A grouping's name in the toolbar.
pub fn group_label(g: GroupBy) -> &'static str {
    match g {
        GroupBy::Status => "Status",
        GroupBy::Priority => "Priority",
        GroupBy::Assignee => "Assignee",
        GroupBy::Category => "Category",
        GroupBy::Release => "Release",
        GroupBy::Label => "Label",
    }
}

/// A sort's name in the toolbar.
pub fn sort_label(s: ViewSort) -> &'static str {
    match s {
        ViewSort::Manual => "Manual",
        ViewSort::Newest => "Newest",
        ViewSort::Oldest => "Oldest",
        ViewSort::Updated => "Recently updated",
        ViewSort::Priority => "Priority",
        ViewSort::Votes => "Votes",
        ViewSort::Title => "Title",
    }
}

/// The query keys of chips beyond the menus' (negations, creator, release, dates).
pub const CHIP_KEYS: [&str; 11] = [
    "-status",
    "-priority",
    "-label",
    "-assignee",
    "-category",
    "creator",
    "-creator",
    "release",
    "-release",
    "created",
    "updated",
];

/// The board's state in the URL.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BoardFilter {
    pub view: View,
    pub group: GroupBy,
    /// A second grouping inside each group.
    pub sub: Option<GroupBy>,
    pub sort: ViewSort,
    /// Show done and canceled tasks.
    pub show_closed: bool,
    pub statuses: Vec<TaskStatus>,
    pub priorities: Vec<TaskPriority>,
    pub labels: Vec<LabelId>,
    pub assignees: Vec<UserId>,
    pub categories: Vec<CategoryId>,
    /// Other conditions, as chips (`-label`, `release`, `created` …), in the order given.
    pub chips: Vec<Chip>,
    /// A tree with `or` in it (`filter=`, JSON): applies with the rest.
    pub tree: Option<String>,
    /// Pull request filters (`pr=`): `any`, `none`, or a state (`open`, `draft`, `merged`,
    /// `closed`); a task matches any of them.
    pub pulls: Vec<PullFilter>,
    pub text: String,
    /// The saved view this board is (`v=`); with nothing else in the URL, its settings are
    /// the board's.
    pub saved: Option<ViewId>,
    /// Every task, not the org's default view (`all=1`).
    pub all: bool,
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

impl BoardFilter {
    /// Reads the query's pairs; unknown keys and bad values are ignored.
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut filter = Self::default();
        for (key, value) in pairs {
            match key {
                "view" => filter.view = value.parse().unwrap_or_default(),
                "group" => filter.group = value.parse().unwrap_or_default(),
                "sub" => filter.sub = value.parse().ok(),
                "sort" => filter.sort = value.parse().unwrap_or_default(),
                "closed" => filter.show_closed = value == "1",
                // The menus' keys hold ids; what they cannot hold (`assignee=me`,
                // `category=none`) is a chip.
                "status" | "priority" | "label" | "assignee" | "category"
                    if !filter.menu_values(key, value) =>
                {
                    if let Some(Ok(c)) = parse_chip(key, value)
                        && let Some(chip) = domain::filter::chip(&c)
                    {
                        filter.chips.push(chip);
                    }
                }
                "pr" => filter
                    .pulls
                    .extend(value.split(',').filter_map(|v| PullFilter::parse(v.trim()))),
                "q" => filter.text = value.chars().take(200).collect(),
                "filter" if Filter::parse(value).is_ok() => filter.tree = Some(value.to_string()),
                "v" => filter.saved = value.parse().ok(),
                "all" => filter.all = value == "1",
                key if CHIP_KEYS.contains(&key) => {
                    if let Some(Ok(c)) = parse_chip(key, value)
                        && let Some(chip) = domain::filter::chip(&c)
                    {
                        filter.chips.push(chip);
                    }
                }
                _ => {}
            }
        }
        if filter.sub == Some(filter.group) {
            filter.sub = None;
        }
        filter
    }

    /// Puts `value` (a comma list) in the menu of `key` if every value is one the menu
    /// has; false (nothing added) otherwise.
    fn menu_values(&mut self, key: &str, value: &str) -> bool {
        fn all<T: std::str::FromStr>(value: &str) -> Option<Vec<T>> {
            value.split(',').map(|v| v.trim().parse().ok()).collect()
        }
        match key {
            "status" => all::<TaskStatus>(value)
                .map(|v| self.statuses.extend(v))
                .is_some(),
            "priority" => all::<TaskPriority>(value)
                .map(|v| self.priorities.extend(v))
                .is_some(),
            "label" => all::<LabelId>(value)
                .map(|v| self.labels.extend(v))
                .is_some(),
            "assignee" => all::<UserId>(value)
                .map(|v| self.assignees.extend(v))
                .is_some(),
            "category" => all::<CategoryId>(value)
                .map(|v| self.categories.extend(v))
                .is_some(),
            _ => false,
        }
    }

    /// The board a saved view shows.
    pub fn from_view(view: &SavedView) -> Self {
        // Words at the top of the tree are the search box's.
        let (words, rest) = match &view.filter {
            Filter::And(items) => {
                let (text, rest): (Vec<&Filter>, Vec<&Filter>) = items.iter().partition(|f| {
                    matches!(f, Filter::Cond(c) if matches!(c.value, domain::filter::Value::Text(_)))
                });
                let words = text.iter().find_map(|f| match f {
                    Filter::Cond(c) => match &c.value {
                        domain::filter::Value::Text(t) => Some(t.clone()),
                        _ => None,
                    },
                    _ => None,
                });
                (words, Filter::And(rest.into_iter().cloned().collect()))
            }
            other => (None, other.clone()),
        };
        let mut filter = match chips(&rest) {
            Some(chips) => {
                let pairs: Vec<(String, String)> =
                    chips.into_iter().map(|c| (c.key, c.value)).collect();
                Self::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            }
            None => Self {
                tree: Some(rest.to_json().to_string()),
                ..Default::default()
            },
        };
        filter.text = words.unwrap_or_default();
        filter.view = view.layout;
        filter.group = view.group_by;
        filter.sub = view.sub_group_by.filter(|s| *s != view.group_by);
        filter.sort = view.sort;
        filter.show_closed = view.show_closed;
        filter.saved = Some(view.id);
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
        let mut pairs: Vec<(String, String)> = Vec::new();
        let mut push = |k: &str, v: String| pairs.push((k.to_string(), v));
        if let Some(id) = self.saved {
            push("v", id.to_string());
        }
        if self.all {
            push("all", "1".into());
        }
        if self.view != View::Board {
            push("view", self.view.as_str().into());
        }
        if self.group != GroupBy::Status {
            push("group", self.group.as_str().into());
        }
        if let Some(sub) = self.sub {
            push("sub", sub.as_str().into());
        }
        if self.sort != ViewSort::Manual {
            push("sort", self.sort.as_str().into());
        }
        if self.show_closed {
            push("closed", "1".into());
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
                push(key, value);
            }
        }
        for chip in &self.chips {
            push(&chip.key, chip.value.clone());
        }
        if let Some(tree) = &self.tree {
            push("filter", tree.clone());
        }
        pairs
            .into_iter()
            .map(|(k, v)| format!("{k}={}", encode(&v)))
            .collect::<Vec<_>>()
            .join("&")
    }

    /// What the server needs to choose the tasks: the filters, words and closed tasks, or
    /// the saved view alone (the server reads its settings); not layout, grouping or sort.
    pub fn fetch_query(&self) -> String {
        BoardFilter {
            view: View::Board,
            group: GroupBy::Status,
            sub: None,
            sort: ViewSort::Manual,
            pulls: Vec::new(),
            saved: self.saved.filter(|_| self.only_saved()),
            ..self.clone()
        }
        .to_query()
    }

    /// The board as it shows: the URL's, or — when the URL names only a saved view, or
    /// nothing at all and the org has a default view — that view's.
    pub fn effective(&self, views: &[SavedView]) -> BoardFilter {
        let chosen = if self.only_saved() {
            views.iter().find(|v| Some(v.id) == self.saved)
        } else if *self == BoardFilter::default() {
            views.iter().find(|v| v.is_default)
        } else {
            None
        };
        chosen.map_or_else(|| self.clone(), BoardFilter::from_view)
    }

    /// Whether the URL says nothing but the saved view: the view's settings apply.
    pub fn only_saved(&self) -> bool {
        self.saved.is_some()
            && *self
                == Self {
                    saved: self.saved,
                    ..Default::default()
                }
    }

    /// Any filter beyond layout, grouping, sort and closed tasks is on.
    pub fn is_filtering(&self) -> bool {
        !(self.statuses.is_empty()
            && self.priorities.is_empty()
            && self.labels.is_empty()
            && self.assignees.is_empty()
            && self.categories.is_empty()
            && self.chips.is_empty()
            && self.tree.is_none()
            && self.pulls.is_empty()
            && self.text.trim().is_empty())
    }

    /// The filter as the server runs it (without the words and the pull request filter,
    /// which the board applies itself, and without the closed tasks rule).
    pub fn tree(&self) -> Filter {
        let mut pairs: Vec<(String, String)> = Vec::new();
        let mut any = |key: &str, values: Vec<String>| {
            if !values.is_empty() {
                pairs.push((key.to_string(), values.join(",")));
            }
        };
        any(
            "status",
            self.statuses.iter().map(|s| s.to_string()).collect(),
        );
        any(
            "priority",
            self.priorities.iter().map(|s| s.to_string()).collect(),
        );
        any("label", self.labels.iter().map(|s| s.to_string()).collect());
        any(
            "assignee",
            self.assignees.iter().map(|s| s.to_string()).collect(),
        );
        any(
            "category",
            self.categories.iter().map(|s| s.to_string()).collect(),
        );
        for chip in &self.chips {
            pairs.push((chip.key.clone(), chip.value.clone()));
        }
        if let Some(tree) = &self.tree {
            pairs.push(("filter".into(), tree.clone()));
        }
        domain::filter::parse_chips(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
    }

    /// Closed tasks show: asked for, or their status is.
    fn shows_closed(&self, task: &Task) -> bool {
        let closed = matches!(task.status, TaskStatus::Done | TaskStatus::Canceled);
        !closed
            || self.show_closed
            || self.statuses.contains(&task.status)
            || self
                .chips
                .iter()
                .any(|c| c.key == "status" && c.value.contains(task.status.as_str()))
    }

    /// What the board itself checks of a task it has: closed tasks and pull requests (the
    /// rest the server did when it chose the tasks).
    pub fn matches(&self, task: &Task) -> bool {
        self.shows_closed(task)
            && (self.pulls.is_empty() || self.pulls.iter().any(|p| p.matches(task)))
    }

    /// Whether a task heard about live belongs on this board: the filters the server
    /// runs. A closed task stays (hidden and counted in its column, as `matches` says).
    pub fn accepts(&self, task: &Task, subject: Subject, tree: &Filter) -> bool {
        tree.matches(task, subject) && self.matches_text(task)
    }

    fn matches_text(&self, task: &Task) -> bool {
        let text = self.text.trim().to_lowercase();
        text.is_empty()
            || task.title.to_lowercase().contains(&text)
            || task.description.to_lowercase().contains(&text)
            || task.key.to_lowercase() == text
            || task.number.to_string() == text.trim_start_matches('#')
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::dto::UserRef;
    use domain::{OrgId, TaskId};
    use std::sync::Arc;

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
            parent_public: false,
        }
    }

    fn parse(query: &str) -> BoardFilter {
        let pairs = crate::components::text::query_pairs(query);
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
        let columns: Vec<_> = group(&[Arc::new(done), Arc::new(open)], &filter, &[])
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

    fn accepts(query: &str, task: &Task) -> bool {
        let filter = parse(query);
        let subject = Subject {
            me: Some(UserId(uuid::Uuid::from_u128(7))),
            now: chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap(),
        };
        filter.matches(task) && filter.accepts(task, subject, &filter.tree())
    }

    #[test]
    fn a_live_task_is_checked_against_every_filter_and_text_finds_titles_and_keys() {
        let mut a = task(1, TaskStatus::Todo, "Fix the login bug");
        a.assignees = vec![UserRef {
            id: UserId(uuid::Uuid::from_u128(7)),
            name: "Ada".into(),
        }];
        let mut b = task(2, TaskStatus::Todo, "Write docs");
        b.description = "mention the LOGIN page".into();
        assert!(accepts("q=FIX", &a) && !accepts("q=FIX", &b));
        assert!(accepts("q=login", &b), "the description counts too");
        assert!(accepts("q=a-2", &b) && accepts("q=#2", &b));
        let ada = format!("assignee={}", uuid::Uuid::from_u128(7));
        assert!(accepts(&ada, &a) && !accepts(&ada, &b));
        assert!(!accepts(&format!("{ada}&status=backlog"), &a));
        assert!(accepts("-assignee=me", &b) && !accepts("-assignee=me", &a));
        let or = r#"{"or":[{"field":"status","op":"is","value":"done"},{"field":"text","op":"contains","value":"docs"}]}"#;
        let or = format!("filter={}", encode(or));
        assert!(accepts(&or, &b) && !accepts(&or, &a));
    }

    #[test]
    fn chips_and_trees_travel_in_the_url_and_a_saved_view_alone_is_its_settings() {
        let query = format!(
            "v={}&view=list&group=assignee&sub=priority&sort=updated&-label={}&created={}&filter={}",
            uuid::Uuid::from_u128(5),
            uuid::Uuid::from_u128(9),
            encode(">-7d"),
            encode(
                r#"{"or":[{"field":"status","op":"is","value":"todo"},{"field":"priority","op":"is","value":"high"}]}"#
            ),
        );
        let filter = parse(&query);
        assert_eq!(filter.sub, Some(GroupBy::Priority));
        assert_eq!(filter.sort, ViewSort::Updated);
        assert_eq!(filter.chips.len(), 2);
        assert!(filter.tree.is_some() && filter.is_filtering() && !filter.only_saved());
        assert_eq!(parse(&filter.to_query()), filter);
        assert_eq!(filter.tree().conditions().len(), 4);
        assert!(parse(&format!("v={}", uuid::Uuid::from_u128(5))).only_saved());
        assert_eq!(
            parse("group=status&sub=status").sub,
            None,
            "no sub-group by the same"
        );
        let me = parse("assignee=me&category=none&status=todo");
        assert!(me.assignees.is_empty() && me.categories.is_empty());
        assert_eq!(me.statuses, [TaskStatus::Todo]);
        let keys: Vec<_> = me
            .chips
            .iter()
            .map(|c| (c.key.as_str(), c.value.as_str()))
            .collect();
        assert_eq!(keys, [("assignee", "me"), ("category", "none")]);
        assert_eq!(parse(&me.to_query()), me);
    }

    #[test]
    fn sub_groups_split_each_group_and_sorts_order_them() {
        let mut a = task(1, TaskStatus::Todo, "b title");
        a.priority = TaskPriority::High;
        let mut b = task(2, TaskStatus::Todo, "a title");
        b.priority = TaskPriority::Low;
        let c = task(3, TaskStatus::Todo, "c title");
        let all = [a, b, c].map(Arc::new);
        let groups = group(&all, &parse("sub=priority"), &[]);
        let todo = groups.iter().find(|g| g.key == "status:todo").unwrap();
        let order: Vec<i64> = todo.tasks.iter().map(|t| t.number).collect();
        assert_eq!(order, [1, 2, 3], "high, low, none");
        let subs: Vec<&str> = todo.subs.iter().map(|(_, t)| t.as_str()).collect();
        assert_eq!(subs, ["High", "Low", "No priority"]);
        let groups = group(&all, &parse("group=priority&sort=title"), &[]);
        assert!(groups.iter().all(|g| g.subs.is_empty()));
        let by_title = group(&all, &parse("sort=title"), &[]);
        let todo = by_title.iter().find(|g| g.key == "status:todo").unwrap();
        let order: Vec<i64> = todo.tasks.iter().map(|t| t.number).collect();
        assert_eq!(order, [2, 1, 3]);
    }

    #[test]
    fn the_servers_counts_say_how_many_closed_tasks_are_hidden() {
        let groups = group(&[], &parse(""), &[(TaskStatus::Done, 12)]);
        let done = groups.iter().find(|g| g.key == "status:done").unwrap();
        assert_eq!((done.tasks.len(), done.hidden), (0, 12));
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
        assert_eq!(
            numbers(group(&all, &parse(""), &[]), "status:todo"),
            [2, 3, 1]
        );
        a.rank = domain::rank::between(None, Some(&b.rank), 1).unwrap();
        let all = [a, b, c].map(Arc::new);
        assert_eq!(
            numbers(group(&all, &parse(""), &[]), "status:todo"),
            [1, 2, 3]
        );
        assert_eq!(
            numbers(group(&all, &parse("group=priority"), &[]), "priority:none"),
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
        let groups = group(&[Arc::new(a), Arc::new(b)], &parse("group=assignee"), &[]);
        let titles: Vec<_> = groups
            .iter()
            .map(|g| (g.title.as_str(), g.tasks.len()))
            .collect();
        assert_eq!(titles, [("Al", 1), ("Bo", 1), ("No assignee", 1)]);
    }
}
