//! Task templates: an org's named defaults for a new task, picked in the new-task dialog,
//! the palette and (the ones for visitors) the public suggest form.

use super::TaskPriority;
use super::patch;
use crate::{CategoryId, LabelId, OrgId, TemplateId};
use serde::{Deserialize, Serialize};

/// A task template.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Template {
    pub id: TemplateId,
    pub org_id: OrgId,
    pub name: String,
    /// The title a task made from it starts with; may be empty.
    pub title: String,
    pub description: String,
    pub priority: Option<TaskPriority>,
    /// The category's id.
    pub category: Option<CategoryId>,
    pub label_ids: Vec<LabelId>,
    /// Offered to visitors on the public suggest form.
    pub for_visitors: bool,
}

/// Input for making a template.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct NewTemplate {
    pub name: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub priority: Option<TaskPriority>,
    #[serde(default)]
    pub category_id: Option<CategoryId>,
    #[serde(default)]
    pub label_ids: Vec<LabelId>,
    #[serde(default)]
    pub for_visitors: bool,
}

/// Input for changing a template: what is given changes (`null` clears the priority and
/// the category).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct TemplatePatch {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default, with = "patch")]
    pub priority: Option<Option<TaskPriority>>,
    #[serde(default, with = "patch")]
    pub category_id: Option<Option<CategoryId>>,
    #[serde(default)]
    pub label_ids: Option<Vec<LabelId>>,
    #[serde(default)]
    pub for_visitors: Option<bool>,
}
