//! Validated newtypes: every input is parsed once, at the edge of the domain, into a type
//! that cannot hold a bad value.

mod color;
mod email;
mod frame_origins;
pub mod gh_refs;
mod name;
mod short_id;
mod slug;
mod title;

pub use color::{Color, Icon};
pub use email::Email;
pub use frame_origins::{FrameOrigins, MAX_FRAME_ORIGINS};
pub use name::{LabelName, OrgName, PersonName, ReleaseName, TeamName, ViewName};
pub use short_id::ShortId;
pub use slug::{RESERVED as RESERVED_SLUGS, ReleaseSlug, Slug};
pub use title::{Markdown, TaskTitle};

use serde::{Deserialize, Serialize};
use std::fmt;

/// Why one input field was refused.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: &str, message: impl Into<String>) -> Self {
        Self {
            field: field.to_string(),
            message: message.into(),
        }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

impl std::error::Error for FieldError {}
