//! The board: everything a member's (or a visitor's) board page shows, in one read.

use super::{Category, Label, Org, Release, Task, TaskStatus, UserRef, View};
use crate::permissions::PermissionSet;
use serde::{Deserialize, Serialize};

/// What the board shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(from = "Wire")]
pub struct Board {
    pub org: Org,
    /// Sent as rows of values rather than objects, with only what the board shows and
    /// edits ([`rows`]): no descriptions, creator or times (a task opened from the board
    /// loads its own), and the org's id given back from `org`.
    #[serde(serialize_with = "rows::serialize")]
    pub tasks: Vec<Task>,
    pub signed_in: bool,
    /// Who is looking (for filters on `me`); none for visitors.
    pub viewer: Option<crate::UserId>,
    /// The viewer's permissions in the org; none for visitors.
    pub permissions: Option<PermissionSet>,
    pub labels: Vec<Label>,
    pub categories: Vec<Category>,
    /// The org's members (for assignee pickers and filters); empty for visitors.
    pub members: Vec<UserRef>,
    /// How many tasks match the board's filter in each status, shown or not (done and
    /// canceled ones are loaded only when asked for).
    pub counts: Vec<(TaskStatus, i64)>,
    /// The viewer's saved views (shared and their own); empty for visitors.
    pub views: Vec<View>,
    /// The releases the viewer sees (visitors: released ones).
    pub releases: Vec<Release>,
}

/// A board as it arrives: its rows' tasks take the org's id.
#[derive(Deserialize)]
struct Wire {
    org: Org,
    #[serde(deserialize_with = "rows::deserialize")]
    tasks: Vec<Task>,
    signed_in: bool,
    #[serde(default)]
    viewer: Option<crate::UserId>,
    permissions: Option<PermissionSet>,
    labels: Vec<Label>,
    categories: Vec<Category>,
    members: Vec<UserRef>,
    #[serde(default)]
    counts: Vec<(TaskStatus, i64)>,
    #[serde(default)]
    views: Vec<View>,
    #[serde(default)]
    releases: Vec<Release>,
}

impl From<Wire> for Board {
    fn from(wire: Wire) -> Self {
        let mut tasks = wire.tasks;
        for t in &mut tasks {
            t.org_id = wire.org.id;
        }
        Board {
            org: wire.org,
            tasks,
            signed_in: wire.signed_in,
            viewer: wire.viewer,
            permissions: wire.permissions,
            labels: wire.labels,
            categories: wire.categories,
            members: wire.members,
            counts: wire.counts,
            views: wire.views,
            releases: wire.releases,
        }
    }
}

/// The board's tasks as arrays of values in a fixed order: the largest payload of the app,
/// written into every board page (and escaped again as a JavaScript string there) and
/// parsed before the page hydrates. Rows drop the field names, about half the bytes, and
/// the descriptions, creators, times and the org's id (the board's own). Internal to the
/// web app: the REST API's Task JSON is unchanged.
mod rows {
    use crate::dto::{
        Category, Label, Task, TaskPriority, TaskPullRequest, TaskStatus, UserRef, Visibility,
    };
    use crate::{OrgId, TaskId};
    use serde::ser::SerializeSeq;
    use serde::{Deserialize, Deserializer, Serializer};

    type Head<'a> = (
        &'a TaskId,
        i64,
        &'a str,
        &'a str,
        TaskStatus,
        TaskPriority,
        Visibility,
    );
    type Links<'a> = (
        &'a Option<Category>,
        &'a [Label],
        &'a [UserRef],
        Option<i64>,
        i64,
        i64,
        i64,
    );
    type Tail<'a> = (
        i64,
        &'a str,
        &'a [TaskPullRequest],
        &'a Option<String>,
        i64,
        i64,
    );

    type Row = (
        (
            TaskId,
            i64,
            String,
            String,
            TaskStatus,
            TaskPriority,
            Visibility,
        ),
        (
            Option<Category>,
            Vec<Label>,
            Vec<UserRef>,
            Option<i64>,
            i64,
            i64,
            i64,
        ),
        (i64, String, Vec<TaskPullRequest>, Option<String>, i64, i64),
    );

    pub fn serialize<S: Serializer>(tasks: &[Task], serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(tasks.len()))?;
        for t in tasks {
            let head: Head = (
                &t.id,
                t.number,
                &t.key,
                &t.title,
                t.status,
                t.priority,
                t.visibility,
            );
            let links: Links = (
                &t.category,
                &t.labels,
                &t.assignees,
                t.parent_number,
                t.subtask_count,
                t.vote_count,
                t.comment_count,
            );
            let tail: Tail = (
                t.version,
                &t.rank,
                &t.pull_requests,
                &t.release,
                t.created_at.timestamp(),
                t.updated_at.timestamp(),
            );
            seq.serialize_element(&(head, links, tail))?;
        }
        seq.end()
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<Task>, D::Error> {
        let rows = Vec::<Row>::deserialize(deserializer)?;
        Ok(rows
            .into_iter()
            .map(|(head, links, tail)| {
                let (id, number, key, title, status, priority, visibility) = head;
                let (
                    category,
                    labels,
                    assignees,
                    parent_number,
                    subtask_count,
                    vote_count,
                    comment_count,
                ) = links;
                let (version, rank, pull_requests, release, created, updated) = tail;
                Task {
                    id,
                    // The board's own, set by `Board`'s conversion from the wire.
                    org_id: OrgId(uuid::Uuid::nil()),
                    number,
                    key,
                    title,
                    description: String::new(),
                    description_html: String::new(),
                    status,
                    priority,
                    visibility,
                    category,
                    labels,
                    assignees,
                    parent_number,
                    subtask_count,
                    vote_count,
                    comment_count,
                    created_by: None,
                    created_at: chrono::DateTime::from_timestamp(created, 0).unwrap_or_default(),
                    updated_at: chrono::DateTime::from_timestamp(updated, 0).unwrap_or_default(),
                    version,
                    rank,
                    pull_requests,
                    release,
                    release_public: false,
                    parent_public: false,
                }
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dto::{TaskPriority, TaskStatus, Visibility};
    use crate::{LabelId, OrgId, TaskId, UserId};
    use uuid::Uuid;

    fn board() -> Board {
        let org_id = OrgId(Uuid::from_u128(1));
        let label = Label {
            id: LabelId(Uuid::from_u128(2)),
            org_id,
            name: "bug".into(),
            color: "#f00".into(),
            visibility: Visibility::Public,
        };
        let task = Task {
            id: TaskId(Uuid::from_u128(3)),
            org_id,
            number: 7,
            key: "ACME-7".into(),
            title: "A \"quoted\" <title>".into(),
            description: "long **markdown**".into(),
            description_html: "<p>long</p>".into(),
            status: TaskStatus::InProgress,
            priority: TaskPriority::High,
            visibility: Visibility::Public,
            category: None,
            labels: vec![label.clone()],
            assignees: vec![UserRef {
                id: UserId(Uuid::from_u128(4)),
                name: "Ann".into(),
            }],
            parent_number: Some(2),
            subtask_count: 1,
            vote_count: 3,
            comment_count: 4,
            created_by: Some(UserId(Uuid::from_u128(4))),
            created_at: chrono::DateTime::from_timestamp(1_700_000_000, 123_000).unwrap(),
            updated_at: chrono::DateTime::from_timestamp(1_700_000_100, 0).unwrap(),
            version: 5,
            rank: "0i".into(),
            pull_requests: Vec::new(),
            release: None,
            release_public: false,
            parent_public: false,
        };
        let org: Org = serde_json::from_value(serde_json::json!({
            "id": Uuid::from_u128(1), "name": "Acme", "slug": "acme", "shortId": "ACME",
            "description": "", "settings": {"publicPage": false, "publicActions": false},
            "createdBy": null, "createdAt": "2026-01-01T00:00:00Z"
        }))
        .unwrap();
        Board {
            org,
            tasks: vec![task],
            signed_in: true,
            viewer: None,
            permissions: None,
            labels: vec![label],
            categories: vec![],
            members: vec![],
            counts: vec![(crate::dto::TaskStatus::Todo, 1)],
            views: vec![],
            releases: vec![],
        }
    }

    #[test]
    fn a_board_comes_back_whole_but_for_descriptions_and_creators() {
        let sent = board();
        let json = serde_json::to_string(&sent).unwrap();
        assert!(!json.contains("markdown"), "{json}");
        let back: Board = serde_json::from_str(&json).unwrap();
        assert_eq!(back.tasks[0].org_id, sent.org.id, "the org's id comes back");
        let mut want = sent.clone();
        want.tasks[0].description.clear();
        want.tasks[0].description_html.clear();
        want.tasks[0].created_by = None;
        want.tasks[0].created_at = chrono::DateTime::from_timestamp(1_700_000_000, 0).unwrap();
        assert_eq!(back, want, "times come back to the second");
    }

    #[test]
    fn rows_are_much_smaller_than_task_objects() {
        let mut sent = board();
        sent.tasks[0].description.clear();
        sent.tasks[0].description_html.clear();
        let as_rows = serde_json::to_value(&sent).unwrap()["tasks"]
            .to_string()
            .len();
        let as_objects = serde_json::to_value(&sent.tasks).unwrap().to_string().len();
        assert!(as_rows * 100 < as_objects * 70, "{as_rows} vs {as_objects}");
    }
}
