//! What the public side of a task is made of: comments and their reactions, votes, and
//! relations between tasks.

use super::{RelationKind, UserRef};
use crate::CommentId;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Who may read a comment: everyone who sees the task, or the org's members only.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "db", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(feature = "db", sea_orm(rs_type = "String", db_type = "Text"))]
pub enum CommentVisibility {
    #[cfg_attr(feature = "db", sea_orm(string_value = "public"))]
    Public,
    #[default]
    #[cfg_attr(feature = "db", sea_orm(string_value = "internal"))]
    Internal,
}

impl CommentVisibility {
    pub fn as_str(self) -> &'static str {
        match self {
            CommentVisibility::Public => "public",
            CommentVisibility::Internal => "internal",
        }
    }
}

impl fmt::Display for CommentVisibility {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for CommentVisibility {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "public" => Ok(CommentVisibility::Public),
            "internal" => Ok(CommentVisibility::Internal),
            _ => Err("must be one of: public, internal".into()),
        }
    }
}

/// The reactions people may choose, in the order the app offers them (GitHub's eight).
pub const REACTIONS: [&str; 8] = ["👍", "👎", "😄", "🎉", "😕", "❤️", "🚀", "👀"];

/// One emoji under a comment and how many people chose it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Reaction {
    pub emoji: String,
    pub count: i64,
    /// The reader is one of them.
    pub reacted: bool,
}

/// A comment on a task. Authors are named (never with an e-mail address); `team` says the
/// author is a member of the org. Replies carry their parent's id; clients nest them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Comment {
    pub id: CommentId,
    pub task_number: i64,
    pub parent_id: Option<CommentId>,
    /// None when the author's account is gone.
    pub author: Option<UserRef>,
    pub team: bool,
    /// Markdown as written.
    pub body: String,
    /// The body rendered and sanitized on the server.
    pub body_html: String,
    pub visibility: CommentVisibility,
    /// Where it was written: "sayr" or "github".
    pub source: String,
    /// A comment copied from GitHub: its author's login there, and where it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub github_author: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub github_url: Option<String>,
    pub reactions: Vec<Reaction>,
    pub edited: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Comment {
    /// The comment as seen by nobody in particular: `reacted` is false everywhere.
    pub fn without_reader(&self) -> Comment {
        let mut comment = self.clone();
        for r in &mut comment.reactions {
            r.reacted = false;
        }
        comment
    }
}

/// One earlier version of a comment: its body before an edit, who edited it and when.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct CommentEdit {
    /// The body as it was before this edit.
    pub body: String,
    /// None when the editor's account is gone (or the edit came from GitHub).
    pub edited_by: Option<UserRef>,
    pub created_at: DateTime<Utc>,
}

/// The raw input for a comment; `service::comment::create` parses it.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct NewComment {
    pub body: String,
    /// Members default to internal; everyone else may only write public comments.
    #[serde(default)]
    pub visibility: Option<CommentVisibility>,
    /// A reply to this top-level comment of the same task.
    #[serde(default)]
    pub parent_id: Option<CommentId>,
}

/// Input for editing a comment.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct CommentPatch {
    pub body: String,
}

/// Input for toggling a reaction.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct NewReaction {
    pub emoji: String,
}

/// A link from one task to another of the same org.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct TaskRelation {
    pub id: uuid::Uuid,
    #[serde(rename = "type")]
    pub kind: RelationKind,
    /// The task the relation was added on.
    pub source_number: i64,
    pub target_number: i64,
    pub created_at: DateTime<Utc>,
}

/// Input for adding or removing a relation.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct NewRelation {
    pub target_number: i64,
    #[serde(rename = "type")]
    pub kind: RelationKind,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comment_visibility_reads_and_writes_its_contract_names() {
        for v in [CommentVisibility::Public, CommentVisibility::Internal] {
            assert_eq!(v.as_str().parse::<CommentVisibility>(), Ok(v));
            assert_eq!(serde_json::to_string(&v).unwrap(), format!("\"{v}\""));
        }
        assert!("private".parse::<CommentVisibility>().is_err());
    }

    #[test]
    fn a_relation_is_written_with_its_type() {
        let r: NewRelation =
            serde_json::from_str(r#"{"targetNumber": 4, "type": "blocking"}"#).unwrap();
        assert_eq!((r.target_number, r.kind), (4, RelationKind::Blocking));
        assert!(
            serde_json::from_str::<NewRelation>(r#"{"targetNumber": 4, "type": "x"}"#).is_err()
        );
    }
}
