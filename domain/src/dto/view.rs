//! Saved views: a filter, grouping, sort and layout under a name, the member's own or
//! shared with the org.

use super::patch;
use crate::filter::Filter;
use crate::{OrgId, UserId, ViewId};
use serde::{Deserialize, Serialize};

super::task::string_enum!(/// What the board groups by (and sub-groups by).
    Grouping { Status = "status", Priority = "priority", Assignee = "assignee", Category = "category", Release = "release", Label = "label" } default Status);
super::task::string_enum!(/// The order within a group.
    ViewSort { Manual = "manual", Newest = "newest", Oldest = "oldest", Updated = "updated", Priority = "priority", Votes = "votes", Title = "title" } default Manual);
super::task::string_enum!(/// How the board shows its tasks.
    Layout { Board = "board", List = "list" } default Board);

/// A saved view.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct View {
    pub id: ViewId,
    pub org_id: OrgId,
    pub owner_id: UserId,
    pub name: String,
    /// Seen by every member (else by its owner only).
    pub shared: bool,
    /// The org's default view: the board opens with it.
    pub is_default: bool,
    pub filter: Filter,
    pub group_by: Grouping,
    pub sub_group_by: Option<Grouping>,
    pub sort: ViewSort,
    pub layout: Layout,
    /// Shows done and canceled tasks.
    #[serde(default)]
    pub show_closed: bool,
}

/// Input for saving a view.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct NewView {
    pub name: String,
    #[serde(default)]
    pub shared: bool,
    #[serde(default)]
    pub is_default: bool,
    #[serde(default)]
    pub filter: Filter,
    #[serde(default)]
    pub group_by: Option<Grouping>,
    #[serde(default)]
    pub sub_group_by: Option<Grouping>,
    #[serde(default)]
    pub sort: Option<ViewSort>,
    #[serde(default)]
    pub layout: Option<Layout>,
    #[serde(default)]
    pub show_closed: bool,
}

/// Input for changing a view: what is given changes (`null` clears the sub-grouping).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ViewPatch {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub shared: Option<bool>,
    #[serde(default)]
    pub is_default: Option<bool>,
    #[serde(default)]
    pub filter: Option<Filter>,
    #[serde(default)]
    pub group_by: Option<Grouping>,
    #[serde(default, with = "patch")]
    pub sub_group_by: Option<Option<Grouping>>,
    #[serde(default)]
    pub sort: Option<ViewSort>,
    #[serde(default)]
    pub layout: Option<Layout>,
    #[serde(default)]
    pub show_closed: Option<bool>,
}
