use crate::{InviteId, OrgId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// An invitation to join an org, addressed to an e-mail address.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Invite {
    pub id: InviteId,
    pub org_id: OrgId,
    pub code: String,
    pub email: String,
    pub status: String,
    pub expires_at: DateTime<Utc>,
}
