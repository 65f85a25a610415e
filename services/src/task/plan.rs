//! What a task update changes, worked out without the database: the task as it is, the
//! patch resolved against the org, and what the actor may do, in; the field changes with
//! the permission each needs, the timeline entries and the rows to write, out.

use crate::DomainError;
use crate::timeline::Entry;
use domain::dto::{TaskPriority, TaskStatus, Visibility};
use domain::permissions::TaskPermissions;
use entity::task;
use sea_orm::Set;
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};
use uuid::Uuid;

/// What a change of a task needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Need {
    /// Its creator, an assignee, or `tasks.editAny`.
    Edit,
    ChangeStatus,
    /// Also the order within a column: a priority among equals.
    ChangePriority,
    Assign,
}

/// What the actor may do to this task.
#[derive(Clone, Copy, Debug)]
pub(super) struct May {
    /// The creator or an assignee of the task.
    pub own: bool,
    pub tasks: TaskPermissions,
}

impl May {
    fn allows(&self, need: Need) -> bool {
        match need {
            Need::Edit => self.own || self.tasks.edit_any,
            Need::ChangeStatus => self.tasks.change_status,
            Need::ChangePriority => self.tasks.change_priority,
            Need::Assign => self.tasks.assign,
        }
    }
}

/// The task's labels (id → private?) and assignees as they are.
#[derive(Clone, Debug, Default)]
pub(super) struct Links {
    pub labels: BTreeMap<Uuid, bool>,
    pub assignees: BTreeSet<Uuid>,
}

/// The patch, parsed and checked against the org: every id exists there. `None` leaves a
/// field alone; for category and parent, `Some(None)` clears it.
#[derive(Clone, Debug, Default)]
pub(super) struct Wanted {
    pub title: Option<String>,
    /// The Markdown and its rendered HTML.
    pub description: Option<(String, String)>,
    pub status: Option<TaskStatus>,
    pub priority: Option<TaskPriority>,
    pub visibility: Option<Visibility>,
    pub category: Option<Option<Uuid>>,
    /// The new parent's id and number.
    pub parent: Option<Option<(Uuid, i64)>>,
    /// Label id → private?
    pub labels: Option<BTreeMap<Uuid, bool>>,
    pub assignees: Option<BTreeSet<Uuid>>,
    /// The rank that places the task where it was moved.
    pub rank: Option<String>,
    /// The release the task is in, and the one it goes to (id, slug, released?).
    pub release: Option<(Option<ReleaseRef>, Option<ReleaseRef>)>,
}

/// A release as a task names it: id, slug, and whether visitors see it.
pub(super) type ReleaseRef = (Uuid, String, bool);

/// One field that changes, what it needs, and how a refusal names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Change {
    pub need: Need,
    pub what: &'static str,
}

/// Everything an update writes.
#[derive(Debug, Default)]
pub(super) struct Plan {
    pub changes: Vec<Change>,
    pub columns: task::ActiveModel,
    /// Timeline entries of this task.
    pub entries: Vec<Entry>,
    /// Fields recorded together as one `updated` entry (title, description, visibility).
    pub edited: Vec<&'static str>,
    /// The new description, whose linked files the task attaches.
    pub linking: Option<String>,
    /// The visibility the task is given, which its files follow.
    pub made: Option<Visibility>,
    /// The old parent, and the new one (id, number).
    pub parent: Option<(Option<Uuid>, Option<(Uuid, i64)>)>,
    /// Labels added and removed (id, private?).
    pub labels: (Vec<(Uuid, bool)>, Vec<(Uuid, bool)>),
    /// Assignees added and removed.
    pub assignees: (Vec<Uuid>, Vec<Uuid>),
}

impl Plan {
    /// Nothing would change.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// The first change the actor may not make, as the refusal says it.
    pub fn check(&self, may: &May) -> Result<(), DomainError> {
        match self.changes.iter().find(|c| !may.allows(c.need)) {
            Some(change) => Err(DomainError::forbidden(format!(
                "you may not {} on this task",
                change.what
            ))),
            None => Ok(()),
        }
    }
}

/// Works out what `wanted` changes on `row` (whose labels and assignees are `links`).
/// Asking for what already is changes nothing and needs nothing.
pub(super) fn plan(row: &task::Model, links: &Links, wanted: Wanted) -> Plan {
    let mut plan = Plan {
        columns: task::ActiveModel {
            id: Set(row.id),
            ..Default::default()
        },
        ..Default::default()
    };
    let change = |plan: &mut Plan, need, what| plan.changes.push(Change { need, what });

    if let Some(title) = wanted.title.filter(|t| *t != row.title) {
        change(&mut plan, Need::Edit, "edit the title");
        plan.columns.title = Set(title);
        plan.edited.push("title");
    }
    if let Some((text, html)) = wanted.description.filter(|(d, _)| *d != row.description) {
        change(&mut plan, Need::Edit, "edit the description");
        plan.columns.description_html = Set(html);
        plan.columns.description = Set(text.clone());
        plan.edited.push("description");
        plan.linking = Some(text);
    }
    if let Some(status) = wanted.status.filter(|s| *s != row.status) {
        change(&mut plan, Need::ChangeStatus, "change the status");
        plan.columns.status = Set(status);
        plan.entries.push(Entry::new(
            "status_change",
            Some(json!(row.status)),
            Some(json!(status)),
        ));
    }
    if let Some(priority) = wanted.priority.filter(|p| *p != row.priority) {
        change(&mut plan, Need::ChangePriority, "change the priority");
        plan.columns.priority = Set(priority);
        plan.entries.push(Entry::new(
            "priority_change",
            Some(json!(row.priority)),
            Some(json!(priority)),
        ));
    }
    if let Some(visibility) = wanted.visibility.filter(|v| *v != row.visibility) {
        change(&mut plan, Need::Edit, "change the visibility");
        plan.columns.visibility = Set(visibility);
        plan.edited.push("visibility");
        plan.made = Some(visibility);
    }
    if let Some(category) = wanted.category.filter(|c| *c != row.category_id) {
        change(&mut plan, Need::Edit, "change the category");
        plan.columns.category_id = Set(category);
        plan.entries.push(Entry::new(
            "category_change",
            row.category_id.map(|c| json!(c)),
            category.map(|c| json!(c)),
        ));
    }
    if let Some(parent) = wanted
        .parent
        .filter(|p| p.map(|(id, _)| id) != row.parent_id)
    {
        change(&mut plan, Need::Edit, "change the parent");
        plan.columns.parent_id = Set(parent.map(|(id, _)| id));
        plan.parent = Some((row.parent_id, parent));
    }
    if let Some(wanted) = wanted.labels {
        let added = difference(&wanted, &links.labels);
        let removed = difference(&links.labels, &wanted);
        if !added.is_empty() || !removed.is_empty() {
            change(&mut plan, Need::Edit, "change the labels");
            plan.labels = (added, removed);
        }
    }
    if let Some(wanted) = wanted.assignees {
        let added: Vec<Uuid> = wanted.difference(&links.assignees).copied().collect();
        let removed: Vec<Uuid> = links.assignees.difference(&wanted).copied().collect();
        if !added.is_empty() || !removed.is_empty() {
            change(&mut plan, Need::Assign, "change the assignees");
            plan.assignees = (added, removed);
        }
    }
    if let Some((before, after)) = wanted
        .release
        .filter(|(_, after)| after.as_ref().map(|r| r.0) != row.release_id)
    {
        change(&mut plan, Need::Edit, "change the release");
        plan.columns.release_id = Set(after.as_ref().map(|r| r.0));
        // Visitors see the move only when every release it names is released.
        let internal = [&before, &after]
            .into_iter()
            .any(|r| r.as_ref().is_some_and(|(_, _, public)| !public));
        plan.entries.push(
            Entry::new(
                "release_change",
                before.map(|(_, slug, _)| json!(slug)),
                after.map(|(_, slug, _)| json!(slug)),
            )
            .internal(internal),
        );
    }
    if let Some(rank) = wanted.rank {
        change(&mut plan, Need::ChangePriority, "reorder tasks");
        plan.columns.rank = Set(rank);
    }
    plan
}

/// The labels in `a` and not in `b`.
fn difference(a: &BTreeMap<Uuid, bool>, b: &BTreeMap<Uuid, bool>) -> Vec<(Uuid, bool)> {
    a.iter()
        .filter(|(id, _)| !b.contains_key(id))
        .map(|(id, private)| (*id, *private))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    fn row() -> task::Model {
        task::Model {
            id: Uuid::from_u128(1),
            org_id: Uuid::from_u128(2),
            number: 7,
            title: "Title".into(),
            description: "text".into(),
            description_html: "<p>text</p>".into(),
            status: TaskStatus::Todo,
            priority: TaskPriority::None,
            visibility: Visibility::Private,
            category_id: None,
            parent_id: None,
            vote_count: 0,
            comment_count: 0,
            created_by: None,
            created_at: Utc::now(),
            updated_at: Utc::now(),
            version: 3,
            rank: "m".into(),
            release_id: None,
        }
    }

    fn nobody() -> May {
        May {
            own: false,
            tasks: TaskPermissions::default(),
        }
    }

    fn needs(plan: &Plan) -> Vec<Need> {
        plan.changes.iter().map(|c| c.need).collect()
    }

    #[test]
    fn asking_for_what_already_is_changes_nothing() {
        let row = row();
        let links = Links {
            labels: BTreeMap::from([(Uuid::from_u128(9), false)]),
            assignees: BTreeSet::from([Uuid::from_u128(8)]),
        };
        let wanted = Wanted {
            title: Some("Title".into()),
            description: Some(("text".into(), "<p>text</p>".into())),
            status: Some(TaskStatus::Todo),
            priority: Some(TaskPriority::None),
            visibility: Some(Visibility::Private),
            category: Some(None),
            parent: Some(None),
            labels: Some(links.labels.clone()),
            assignees: Some(links.assignees.clone()),
            rank: None,
            release: Some((None, None)),
        };
        let plan = plan(&row, &links, wanted);
        assert!(plan.is_empty(), "{:?}", plan.changes);
        assert!(
            plan.check(&nobody()).is_ok(),
            "no change needs no permission"
        );
    }

    #[test]
    fn each_field_needs_its_own_permission() {
        let row = row();
        let links = Links::default();
        let cases: Vec<(Wanted, Need)> = vec![
            (
                Wanted {
                    title: Some("New".into()),
                    ..Default::default()
                },
                Need::Edit,
            ),
            (
                Wanted {
                    status: Some(TaskStatus::Done),
                    ..Default::default()
                },
                Need::ChangeStatus,
            ),
            (
                Wanted {
                    priority: Some(TaskPriority::High),
                    ..Default::default()
                },
                Need::ChangePriority,
            ),
            (
                Wanted {
                    visibility: Some(Visibility::Public),
                    ..Default::default()
                },
                Need::Edit,
            ),
            (
                Wanted {
                    category: Some(Some(Uuid::from_u128(5))),
                    ..Default::default()
                },
                Need::Edit,
            ),
            (
                Wanted {
                    parent: Some(Some((Uuid::from_u128(6), 1))),
                    ..Default::default()
                },
                Need::Edit,
            ),
            (
                Wanted {
                    labels: Some(BTreeMap::from([(Uuid::from_u128(9), true)])),
                    ..Default::default()
                },
                Need::Edit,
            ),
            (
                Wanted {
                    assignees: Some(BTreeSet::from([Uuid::from_u128(8)])),
                    ..Default::default()
                },
                Need::Assign,
            ),
            (
                Wanted {
                    rank: Some("n".into()),
                    ..Default::default()
                },
                Need::ChangePriority,
            ),
        ];
        for (wanted, need) in cases {
            let plan = plan(&row, &links, wanted);
            assert_eq!(needs(&plan), vec![need]);
            assert!(
                plan.check(&nobody()).is_err(),
                "{need:?} is refused without it"
            );
            let mut may = nobody();
            match need {
                Need::Edit => may.own = true,
                Need::ChangeStatus => may.tasks.change_status = true,
                Need::ChangePriority => may.tasks.change_priority = true,
                Need::Assign => may.tasks.assign = true,
            }
            assert!(plan.check(&may).is_ok(), "{need:?} is allowed with it");
        }
    }

    #[test]
    fn editing_someone_elses_task_needs_edit_any_and_the_refusal_names_the_field() {
        let plan = plan(
            &row(),
            &Links::default(),
            Wanted {
                status: Some(TaskStatus::Done),
                description: Some(("new".into(), "<p>new</p>".into())),
                ..Default::default()
            },
        );
        let mut may = nobody();
        may.tasks.change_status = true;
        let refused = plan.check(&may).unwrap_err();
        assert!(
            refused.to_string().contains("edit the description"),
            "{refused}"
        );
        may.tasks.edit_any = true;
        assert!(plan.check(&may).is_ok());
    }

    #[test]
    fn status_and_priority_are_recorded_from_and_to_and_edits_as_one_entry() {
        let plan = plan(
            &row(),
            &Links::default(),
            Wanted {
                title: Some("New".into()),
                visibility: Some(Visibility::Public),
                status: Some(TaskStatus::InProgress),
                priority: Some(TaskPriority::Urgent),
                ..Default::default()
            },
        );
        assert_eq!(plan.edited, vec!["title", "visibility"]);
        assert_eq!(plan.made, Some(Visibility::Public));
        let kinds: Vec<_> = plan.entries.iter().map(|e| e.kind).collect();
        assert_eq!(kinds, vec!["status_change", "priority_change"]);
        assert_eq!(plan.entries[0].from, Some(json!("todo")));
        assert_eq!(plan.entries[0].to, Some(json!("in-progress")));
    }

    #[test]
    fn labels_and_assignees_change_by_difference() {
        let (a, b, c) = (Uuid::from_u128(1), Uuid::from_u128(2), Uuid::from_u128(3));
        let links = Links {
            labels: BTreeMap::from([(a, false), (b, true)]),
            assignees: BTreeSet::from([a, b]),
        };
        let plan = plan(
            &row(),
            &links,
            Wanted {
                labels: Some(BTreeMap::from([(b, true), (c, false)])),
                assignees: Some(BTreeSet::from([b, c])),
                ..Default::default()
            },
        );
        assert_eq!(plan.labels, (vec![(c, false)], vec![(a, false)]));
        assert_eq!(plan.assignees, (vec![c], vec![a]));
        assert_eq!(needs(&plan), vec![Need::Edit, Need::Assign]);
    }
}
