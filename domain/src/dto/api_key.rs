use crate::ApiKeyId;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// An API key as its owner sees it later: never the key itself.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ApiKey {
    pub id: ApiKeyId,
    pub name: String,
    /// The key's first characters, to tell keys apart.
    pub prefix: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
}

/// A key just created: the only time `key` is shown.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct CreatedApiKey {
    pub id: ApiKeyId,
    pub name: String,
    pub prefix: String,
    pub key: String,
}
