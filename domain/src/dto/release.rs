//! Releases: a named set of tasks with a status and dates, its health updates, and what
//! the public changelog shows of it.

use super::{Task, UserRef, patch};
use crate::{OrgId, ReleaseId};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

super::task::string_enum!(/// Where a release stands. Visitors see released ones only.
    ReleaseStatus { Planned = "planned", InProgress = "in_progress", Released = "released", Archived = "archived" } default Planned);
super::task::string_enum!(/// How a release is going, as its last update says.
    Health { OnTrack = "on_track", AtRisk = "at_risk", OffTrack = "off_track" } default OnTrack);

impl ReleaseStatus {
    pub fn label(self) -> &'static str {
        match self {
            ReleaseStatus::Planned => "Planned",
            ReleaseStatus::InProgress => "In progress",
            ReleaseStatus::Released => "Released",
            ReleaseStatus::Archived => "Archived",
        }
    }
}

impl Health {
    pub fn label(self) -> &'static str {
        match self {
            Health::OnTrack => "On track",
            Health::AtRisk => "At risk",
            Health::OffTrack => "Off track",
        }
    }
}

/// How far a release is: its tasks, and how many are done (or canceled).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Progress {
    pub total: i64,
    pub done: i64,
    /// Of the total: started (in progress).
    #[serde(default)]
    pub in_progress: i64,
    /// Of the total: canceled (counted in `done`).
    #[serde(default)]
    pub canceled: i64,
}

/// A health update on a release.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ReleaseUpdate {
    pub id: uuid::Uuid,
    pub health: Health,
    pub body: String,
    pub body_html: String,
    pub author: Option<UserRef>,
    pub created_at: DateTime<Utc>,
}

/// A release as the contract's JSON.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Release {
    pub id: ReleaseId,
    pub org_id: OrgId,
    pub slug: String,
    pub name: String,
    pub status: ReleaseStatus,
    pub target_date: Option<NaiveDate>,
    /// When it was marked released.
    pub released_at: Option<DateTime<Utc>>,
    /// Members only.
    pub lead: Option<UserRef>,
    pub description: String,
    pub description_html: String,
    /// Visitors count public tasks only.
    pub progress: Progress,
    /// The latest health update; members only.
    pub health: Option<ReleaseUpdate>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A release with its tasks and updates: its page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReleaseDetail {
    pub release: Release,
    pub tasks: Vec<Task>,
    /// Newest first; members only.
    pub updates: Vec<ReleaseUpdate>,
}

/// Input for creating a release; the slug comes from the name when left out.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct NewRelease {
    pub name: String,
    #[serde(default)]
    pub slug: Option<String>,
    #[serde(default)]
    pub status: Option<ReleaseStatus>,
    #[serde(default)]
    pub target_date: Option<NaiveDate>,
    #[serde(default)]
    pub lead_id: Option<crate::UserId>,
    #[serde(default)]
    pub description: Option<String>,
}

/// Input for changing a release: what is given changes (`null` clears the date and lead).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ReleasePatch {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub slug: Option<String>,
    #[serde(default)]
    pub status: Option<ReleaseStatus>,
    #[serde(default, with = "patch")]
    pub target_date: Option<Option<NaiveDate>>,
    #[serde(default, with = "patch")]
    pub lead_id: Option<Option<crate::UserId>>,
    #[serde(default)]
    pub description: Option<String>,
}

/// Input for a health update.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct NewReleaseUpdate {
    pub health: Health,
    #[serde(default)]
    pub body: String,
}

impl Release {
    /// What visitors see of a released release: no lead, no health, public tasks counted
    /// (the server counts them so).
    pub fn public_view(&self) -> Release {
        Release {
            lead: None,
            health: None,
            ..self.clone()
        }
    }
}

/// The releases page: the org as the viewer sees it, its releases, and what the viewer may
/// do with them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReleasesOverview {
    pub org: super::Org,
    pub releases: Vec<Release>,
    /// Sees every release (else released ones only).
    pub member: bool,
    /// May make and change releases (`content.manageReleases`).
    pub manage: bool,
    /// The org's members, for a release's lead; empty for visitors.
    pub members: Vec<UserRef>,
}
