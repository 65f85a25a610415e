use crate::permissions::PermissionSet;
use crate::{OrgId, TeamId, UserId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A named set of permissions and the members holding it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Team {
    pub id: TeamId,
    pub org_id: OrgId,
    pub name: String,
    pub permissions: PermissionSet,
    /// The "Administrators" team every org starts with: it cannot be changed or deleted.
    pub system: bool,
    pub member_ids: Vec<UserId>,
    pub created_at: DateTime<Utc>,
}

/// Input for creating a team.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct NewTeam {
    pub name: String,
    #[serde(default)]
    pub permissions: PermissionSet,
}

/// Input for changing a team: what is given changes.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct TeamPatch {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub permissions: Option<PermissionSet>,
}

/// A member of an org as other members see them (no e-mail address).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Member {
    pub user_id: UserId,
    pub name: String,
    /// Where their avatar is served (public); none until they set one.
    pub avatar_url: Option<String>,
    pub teams: Vec<TeamId>,
    pub joined_at: DateTime<Utc>,
}
