//! What the site admin (`/admin`) shows: users with their ban state, orgs with their
//! sizes, the instance's open sockets and its run-time settings.

use crate::realtime::Channel;
use crate::{OrgId, UserId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Rows per page of the user and org lists.
pub const ADMIN_PAGE_SIZE: u64 = 50;

/// A user as site admins see them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AdminUser {
    pub id: UserId,
    pub name: String,
    pub email: String,
    pub site_admin: bool,
    pub created_at: DateTime<Utc>,
    /// The ban in force, if any (an expired ban is not shown).
    pub ban: Option<Ban>,
    /// Orgs the user is a member of.
    pub org_count: u64,
    /// Signing in asks for a second factor.
    #[serde(default)]
    pub two_factor: bool,
}

/// A ban in force.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Ban {
    pub reason: String,
    /// None: until lifted.
    pub until: Option<DateTime<Utc>>,
}

/// One page of a list, with the number of rows over all pages.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AdminPage<T> {
    pub rows: Vec<T>,
    pub total: u64,
    /// From 0.
    pub page: u64,
    pub per_page: u64,
}

impl<T> AdminPage<T> {
    pub fn pages(&self) -> u64 {
        self.total.div_ceil(self.per_page.max(1)).max(1)
    }
}

/// An org in the site admin's list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AdminOrg {
    pub id: OrgId,
    pub name: String,
    pub slug: String,
    pub short_id: String,
    pub members: u64,
    pub tasks: u64,
    pub created_at: DateTime<Utc>,
}

/// A member of an org, for the site admin's inspection.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AdminMember {
    pub user_id: UserId,
    pub name: String,
    pub email: String,
    /// The org's creator (passes every check in it).
    pub creator: bool,
    /// Names of the teams they are in.
    pub teams: Vec<String>,
    pub joined_at: DateTime<Utc>,
}

/// Everything the site admin sees of one org.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrgInspection {
    pub org: super::Org,
    /// Name and e-mail of the creator, when the account still exists.
    pub creator: Option<(String, String)>,
    pub members: Vec<AdminMember>,
    /// (team name, member count, system team)
    pub teams: Vec<(String, u64, bool)>,
    pub tasks: u64,
    pub labels: u64,
    pub categories: u64,
}

/// Sockets of one room on this instance.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RoomSockets {
    pub org_id: OrgId,
    pub channel: Channel,
    pub sockets: u64,
}

/// What the realtime hub of this instance holds right now.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionSnapshot {
    /// Every open socket, in a room or not.
    pub open_sockets: u64,
    pub rooms: Vec<RoomSockets>,
}

/// A room's sockets with the org's name, for the connections page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RoomConnections {
    pub org_id: OrgId,
    /// None when the org is gone (its sockets have not noticed yet).
    pub org_name: Option<String>,
    pub org_slug: Option<String>,
    pub channel: Channel,
    pub sockets: u64,
}

/// The connections page: this instance's sockets, per org and room.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Connections {
    pub open_sockets: u64,
    /// Sockets in no room (the waiting room).
    pub waiting: u64,
    /// Busiest first.
    pub rooms: Vec<RoomConnections>,
}

/// Instance settings site admins change at run time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InstanceSettings {
    /// Anyone may sign up (the first account always may).
    pub signups_open: bool,
}

/// The site admin's front page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AdminOverview {
    pub users: u64,
    pub site_admins: u64,
    pub banned: u64,
    pub orgs: u64,
    pub tasks: u64,
    /// Open sockets on this instance.
    pub open_sockets: u64,
    pub settings: InstanceSettings,
}

/// A job as the site admin sees it in the dead list (or waiting for a retry).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AdminJob {
    pub id: uuid::Uuid,
    pub kind: String,
    /// `queued` (waiting for its next attempt) or `dead` (out of attempts).
    pub status: String,
    pub attempts: i32,
    pub max_attempts: i32,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// When the next attempt is due (queued jobs).
    pub run_at: DateTime<Utc>,
}

/// How many jobs of one kind are in each state.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KindStats {
    /// Waiting for their time or a worker (never tried yet).
    pub queued: u64,
    /// Held by a worker now.
    pub running: u64,
    /// Failed at least once, waiting for their next attempt.
    pub retrying: u64,
    /// Out of attempts.
    pub dead: u64,
}

/// The jobs page: the queue by kind, and the jobs that failed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AdminJobs {
    pub stats: Vec<(String, KindStats)>,
    pub failed: Vec<AdminJob>,
}

/// A mail in the outbox (no SMTP configured), as the site admin sees it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OutboxMail {
    pub id: String,
    pub to: String,
    pub subject: String,
    pub text: String,
    pub written_at: DateTime<Utc>,
}
