use super::UserRef;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One change in a task's history.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct TimelineEntry {
    pub id: uuid::Uuid,
    /// `created`, `updated`, `status_change`, `label_added`, … (the original's names).
    #[serde(rename = "type")]
    pub kind: String,
    pub actor: Option<UserRef>,
    pub from: Option<serde_json::Value>,
    pub to: Option<serde_json::Value>,
    /// `public`, or `internal` (members only).
    pub visibility: String,
    pub created_at: DateTime<Utc>,
}
