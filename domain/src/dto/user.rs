use crate::{SessionId, UserId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A user as they see themselves (the only DTO that carries an e-mail address).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct User {
    pub id: UserId,
    pub email: String,
    pub name: String,
    pub site_admin: bool,
    pub created_at: DateTime<Utc>,
    /// Where the user's avatar is served (public); none until one is set.
    pub avatar_url: Option<String>,
    /// The owner followed a link mailed to `email`.
    #[serde(default)]
    pub email_verified: bool,
}

/// One of a user's sessions, for their session list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct SessionInfo {
    pub id: SessionId,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub user_agent: Option<String>,
    pub ip: Option<String>,
    /// The session this request came through.
    pub current: bool,
}

/// An identity at an external provider (GitHub, an OpenID Connect provider) linked to the
/// user, for their settings page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct LinkedAccount {
    pub id: uuid::Uuid,
    /// `github` or the configured name of an OpenID Connect provider.
    pub provider: String,
    /// The e-mail address the provider gave when the account was linked.
    pub email: Option<String>,
    pub created_at: DateTime<Utc>,
}
