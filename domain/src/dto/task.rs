use super::{Category, Label};
use crate::{CategoryId, LabelId, OrgId, TaskId, TemplateId, UserId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

macro_rules! string_enum {
    ($(#[doc = $doc:literal])* $name:ident { $($variant:ident = $text:literal),+ $(,)? } default $default:ident) => {
        $(#[doc = $doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "db", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
        #[cfg_attr(feature = "db", sea_orm(rs_type = "String", db_type = "Text"))]
        pub enum $name {
            $(
                #[serde(rename = $text)]
                #[cfg_attr(feature = "db", sea_orm(string_value = $text))]
                $variant
            ),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl Default for $name {
            fn default() -> Self { $name::$default }
        }

        // Written out rather than derived: the derive names the values after the Rust
        // variants (`InProgress`), the wire uses the texts (`in-progress`).
        #[cfg(feature = "server")]
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                let doc = [$($doc),*].map(str::trim).join(" ");
                utoipa::openapi::schema::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .enum_values(Some([$($text),+]))
                    .description((!doc.is_empty()).then_some(doc))
                    .into()
            }
        }

        #[cfg(feature = "server")]
        impl utoipa::ToSchema for $name {}

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { f.write_str(self.as_str()) }
        }

        impl std::str::FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                match s {
                    $($text => Ok($name::$variant),)+
                    _ => Err(format!("must be one of: {}", [$($text),+].join(", "))),
                }
            }
        }
    };
}

pub(crate) use string_enum;

string_enum!(/// Where a task stands.
    TaskStatus { Backlog = "backlog", Todo = "todo", InProgress = "in-progress", Done = "done", Canceled = "canceled" } default Backlog);
string_enum!(/// How much a task matters.
    TaskPriority { None = "none", Low = "low", Medium = "medium", High = "high", Urgent = "urgent" } default None);
string_enum!(/// Who may see a task or label.
    Visibility { Public = "public", Private = "private" } default Private);
string_enum!(/// How one task relates to another: `blocking` means the source blocks the target,
    /// `duplicate` that the source duplicates it.
    RelationKind { Related = "related", Blocking = "blocking", Duplicate = "duplicate" } default Related);

impl TaskStatus {
    /// A human label for the board's columns.
    pub fn label(self) -> &'static str {
        match self {
            TaskStatus::Backlog => "Backlog",
            TaskStatus::Todo => "Todo",
            TaskStatus::InProgress => "In progress",
            TaskStatus::Done => "Done",
            TaskStatus::Canceled => "Canceled",
        }
    }
}

/// Someone named on a task (an assignee).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct UserRef {
    pub id: UserId,
    pub name: String,
}

/// A task as the contract's Task JSON.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Task {
    pub id: TaskId,
    pub org_id: OrgId,
    pub number: i64,
    /// `ABC-42`: the org's short id and the number.
    pub key: String,
    pub title: String,
    /// Markdown as written.
    pub description: String,
    /// The description rendered and sanitized on the server.
    pub description_html: String,
    pub status: TaskStatus,
    pub priority: TaskPriority,
    pub visibility: Visibility,
    pub category: Option<Category>,
    pub labels: Vec<Label>,
    pub assignees: Vec<UserRef>,
    pub parent_number: Option<i64>,
    pub subtask_count: i64,
    pub vote_count: i64,
    pub comment_count: i64,
    pub created_by: Option<UserId>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
    /// Where the task stands in the board's order (an extension to the contract): columns
    /// list tasks by rank, compared byte by byte; see `crate::rank`.
    #[serde(default)]
    pub rank: String,
    /// The pull requests that name the task (an extension to the contract; members only):
    /// what the board's pull request filter and badges read.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pull_requests: Vec<TaskPullRequest>,
    /// The slug of the release the task belongs to; for visitors only a released one.
    #[serde(default)]
    pub release: Option<String>,
    /// The release is released, so visitors see it (the server's to know; not sent).
    #[serde(skip)]
    pub release_public: bool,
    /// The parent task is public, so visitors may know its number (not sent).
    #[serde(skip)]
    pub parent_public: bool,
}

/// A pull request on a task's card: which, and how it stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct TaskPullRequest {
    /// `owner/name`.
    pub repository: String,
    pub number: i64,
    /// "open", "draft", "closed" or "merged".
    pub state: String,
    pub url: String,
}

impl Task {
    /// What a non-member may see of a public task: no private labels, no member names.
    pub fn public_view(&self) -> Task {
        Task {
            created_by: None,
            assignees: Vec::new(),
            pull_requests: Vec::new(),
            release: self.release.clone().filter(|_| self.release_public),
            parent_number: self.parent_number.filter(|_| self.parent_public),
            labels: self
                .labels
                .iter()
                .filter(|l| l.visibility == Visibility::Public)
                .cloned()
                .collect(),
            ..self.clone()
        }
    }
}

/// The raw input for creating a task; `service::task::create` parses it.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct NewTask {
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub status: Option<TaskStatus>,
    #[serde(default)]
    pub priority: Option<TaskPriority>,
    #[serde(default)]
    pub visibility: Option<Visibility>,
    #[serde(default)]
    pub label_ids: Option<Vec<LabelId>>,
    #[serde(default)]
    pub assignee_ids: Option<Vec<UserId>>,
    #[serde(default)]
    pub category_id: Option<CategoryId>,
    #[serde(default)]
    pub parent_number: Option<i64>,
    /// The slug of a release to put the task in.
    #[serde(default)]
    pub release: Option<String>,
    /// A template of the org whose fields fill what this input leaves unset.
    #[serde(default)]
    pub template_id: Option<TemplateId>,
}

/// Input for changing a task: what is given changes (`null` clears category and parent);
/// `version` is the version the change was made against.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct TaskPatch {
    pub version: i64,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub status: Option<TaskStatus>,
    #[serde(default)]
    pub priority: Option<TaskPriority>,
    #[serde(default)]
    pub visibility: Option<Visibility>,
    #[serde(default)]
    pub label_ids: Option<Vec<LabelId>>,
    #[serde(default)]
    pub assignee_ids: Option<Vec<UserId>>,
    #[serde(default, with = "super::patch")]
    pub category_id: Option<Option<CategoryId>>,
    #[serde(default, with = "super::patch")]
    pub parent_number: Option<Option<i64>>,
    /// A release's slug; `null` takes the task out of its release.
    #[serde(default, with = "super::patch")]
    pub release: Option<Option<String>>,
    /// Moves the task in the board's order (an extension to the contract).
    #[serde(default)]
    pub position: Option<TaskPosition>,
}

/// One change for many tasks at once (the board's bulk bar): each task gets what is set
/// here; a label or assignee is added to the ones it already has.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BulkChange {
    pub status: Option<TaskStatus>,
    pub priority: Option<TaskPriority>,
    pub add_label: Option<LabelId>,
    pub add_assignee: Option<UserId>,
    /// Puts the tasks in this release (a slug); `Some(None)` takes them out.
    #[serde(default)]
    pub release: Option<Option<String>>,
}

/// What a bulk change did: the tasks it changed, and the others with the reason each was
/// not changed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct BulkResult {
    pub updated: Vec<Task>,
    /// Task numbers and why they were not changed.
    pub refused: Vec<(i64, String)>,
}

/// Where a moved task goes: just below task `below` and above task `above` (numbers, as the
/// mover sees the column; leave one out for the top or the bottom). The neighbours must
/// still be in that order, or the move is refused as a conflict.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct TaskPosition {
    #[serde(default)]
    pub below: Option<i64>,
    #[serde(default)]
    pub above: Option<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_read_and_write_their_contract_names() {
        for status in TaskStatus::ALL {
            assert_eq!(status.as_str().parse::<TaskStatus>(), Ok(*status));
            let json = serde_json::to_string(status).unwrap();
            assert_eq!(json, format!("\"{}\"", status.as_str()));
        }
        assert_eq!("in-progress".parse(), Ok(TaskStatus::InProgress));
        assert!("doing".parse::<TaskStatus>().is_err());
    }

    #[test]
    fn a_patch_tells_a_missing_field_from_a_null_one() {
        let p: TaskPatch = serde_json::from_str(r#"{"version": 3, "categoryId": null}"#).unwrap();
        assert_eq!(p.category_id, Some(None));
        assert_eq!(p.parent_number, None);
        assert!(serde_json::from_str::<TaskPatch>(r#"{"title": "no version"}"#).is_err());
    }
}
