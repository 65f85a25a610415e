//! Path, query and header parameters as the OpenAPI document names them. Handlers extract
//! path parameters by position and read the task list's query string themselves; these
//! types only describe them (`tests/openapi.rs` checks every `{param}` is declared).

use domain::dto::{TaskPriority, TaskStatus};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// `{slug}`
#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
pub struct OrgPath {
    /// The org's slug (`acme`).
    pub slug: String,
}

/// `{slug}/…/{number}`
#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
pub struct TaskPath {
    /// The org's slug.
    pub slug: String,
    /// The task's number in its org: 42 for `ABC-42`.
    pub number: i64,
}

/// `{slug}/members/{userId}`
#[derive(IntoParams)]
#[into_params(parameter_in = Path, rename_all = "camelCase")]
pub struct MemberPath {
    /// The org's slug.
    pub slug: String,
    /// The member's user id.
    pub user_id: Uuid,
}

/// `{slug}/teams/{teamId}`
#[derive(IntoParams)]
#[into_params(parameter_in = Path, rename_all = "camelCase")]
pub struct TeamPath {
    /// The org's slug.
    pub slug: String,
    pub team_id: Uuid,
}

/// `{slug}/teams/{teamId}/members/{userId}`
#[derive(IntoParams)]
#[into_params(parameter_in = Path, rename_all = "camelCase")]
pub struct TeamMemberPath {
    /// The org's slug.
    pub slug: String,
    pub team_id: Uuid,
    /// A member of the org.
    pub user_id: Uuid,
}

/// `{slug}/labels/{id}`, `{slug}/categories/{id}`, `{slug}/comments/{id}`
#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
pub struct OrgItemPath {
    /// The org's slug.
    pub slug: String,
    /// The label's, category's or comment's id.
    pub id: Uuid,
}

/// `{slug}/releases/{release}`
#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
pub struct ReleasePath {
    /// The org's slug.
    pub slug: String,
    /// The release's slug (`v1.2`).
    pub release: String,
}

/// `api-keys/{id}`
#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
pub struct KeyPath {
    /// The key's id (not the key).
    pub id: Uuid,
}

/// `invites/{code}`
#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
pub struct InvitePath {
    /// The code sent with the invitation.
    pub code: String,
}

/// `X-WS-Client-Id`: the realtime socket of the caller, which is not sent its own change.
#[derive(IntoParams)]
#[into_params(names("x-ws-client-id"), parameter_in = Header)]
pub struct WsClient(
    /// The `wsClientId` of the caller's socket (from its CONNECTION_STATUS), at most 64
    /// characters.
    pub Option<String>,
);

/// The orders of a task list (`services::task::TaskSort`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum TaskSort {
    /// Highest number first (the default).
    Newest,
    /// Most recently changed first.
    Updated,
    /// Urgent first.
    Priority,
    /// Most votes first.
    Votes,
    /// (votes + comments) / (hours since creation + 2)^1.5, highest first.
    Trending,
}

/// Filters and paging of `GET /api/v1/orgs/{slug}/tasks`. Repeat `status` or `priority` to
/// match any of several values; unknown keys are ignored, bad values are `invalid_input`.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TaskListQuery {
    /// Only tasks in these statuses (repeatable: `status=todo&status=done`).
    #[param(style = Form, explode)]
    pub status: Option<Vec<TaskStatus>>,
    /// Only tasks of these priorities (repeatable).
    #[param(style = Form, explode)]
    pub priority: Option<Vec<TaskPriority>>,
    /// Only tasks carrying this label (its id).
    pub label: Option<Uuid>,
    /// Only tasks assigned to this user (their id).
    pub assignee: Option<Uuid>,
    /// Only tasks in this category (its id).
    pub category: Option<Uuid>,
    /// Words to find in titles and descriptions.
    pub q: Option<String>,
    /// The order; `newest` when unset.
    #[param(inline)]
    pub sort: Option<TaskSort>,
    /// How many tasks per page: 1 to 100, 50 when unset.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u64>,
    /// The `nextCursor` of the previous page.
    pub cursor: Option<String>,
    /// A filter tree as JSON (`{"and": [..]}`, `{"or": [..]}`,
    /// `{"field": "status", "op": "anyOf", "value": ["todo"]}`), applied with the rest.
    pub filter: Option<String>,
    /// The release's slug: shorthand for `{"field": "release", "op": "is", "value": …}`
    /// (`none`: tasks in no release).
    pub release: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_documented_sort_is_one_the_list_reads() {
        for sort in [
            TaskSort::Newest,
            TaskSort::Updated,
            TaskSort::Priority,
            TaskSort::Votes,
            TaskSort::Trending,
        ] {
            let name = serde_json::to_value(sort).unwrap();
            let name = name.as_str().unwrap();
            assert!(name.parse::<services::task::TaskSort>().is_ok(), "{name}");
        }
    }
}
