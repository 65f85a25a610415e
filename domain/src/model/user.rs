use crate::UserId;
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
}
