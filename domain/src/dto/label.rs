use super::Visibility;
use crate::{CategoryId, LabelId, OrgId};
use serde::{Deserialize, Serialize};

/// A label tasks can carry. Private labels are seen by members only.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Label {
    pub id: LabelId,
    pub org_id: OrgId,
    pub name: String,
    pub color: String,
    pub visibility: Visibility,
}

/// Input for creating a label.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct NewLabel {
    pub name: String,
    pub color: String,
    #[serde(default)]
    pub visibility: Option<Visibility>,
}

/// Input for changing a label: what is given changes.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct LabelPatch {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub color: Option<String>,
    #[serde(default)]
    pub visibility: Option<Visibility>,
}

/// A category: one per task, seen by everyone who sees the task.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Category {
    pub id: CategoryId,
    pub org_id: OrgId,
    pub name: String,
    pub color: String,
    pub icon: Option<String>,
}

/// Input for creating a category.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct NewCategory {
    pub name: String,
    pub color: String,
    #[serde(default)]
    pub icon: Option<String>,
}

/// Input for changing a category: what is given changes (`icon: null` clears it).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct CategoryPatch {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub color: Option<String>,
    #[serde(default, with = "super::patch")]
    pub icon: Option<Option<String>>,
}
