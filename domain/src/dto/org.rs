use crate::{OrgId, UserId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Which task fields the public may set when submitting.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct PublicTaskFields {
    pub labels: bool,
    pub category: bool,
    pub priority: bool,
}

/// What the org shows to people outside it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct OrgSettings {
    /// The public page and the `public` realtime room are on.
    pub public_page: bool,
    /// Visitors may vote, comment and submit.
    pub public_actions: bool,
    pub public_task_fields: PublicTaskFields,
    /// A visitor's submission must name one of the org's visitor templates.
    pub visitors_must_use_template: bool,
    /// The sites (`https://…` origins, at most 10) that may show the org's public pages in
    /// a frame; none by default, and then no site may.
    pub framing: Vec<String>,
    /// Members must turn on a second factor to see the org as members (only members see
    /// this setting).
    pub members_must_use_two_factor: bool,
    /// The org's colour (`#rrggbb`) on its public page (buttons, the header's band); none
    /// keeps Sayr's.
    pub accent_color: Option<String>,
}

/// An organization. Non-members get the same shape with `createdBy` and `settings`
/// emptied (see `Org::public_view`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Org {
    pub id: OrgId,
    pub name: String,
    pub slug: String,
    pub short_id: String,
    pub description: String,
    pub settings: OrgSettings,
    pub created_by: Option<UserId>,
    pub created_at: DateTime<Utc>,
    /// Where the org's logo is served (`/files/<id>/<name>`, public); none until one is set.
    pub logo_url: Option<String>,
    /// Where the org's banner is served; none until one is set.
    pub banner_url: Option<String>,
}

impl Org {
    /// The fields anyone may see when the public page is on.
    pub fn public_view(&self) -> Org {
        Org {
            created_by: None,
            settings: OrgSettings {
                public_page: self.settings.public_page,
                public_actions: self.settings.public_actions,
                public_task_fields: self.settings.public_task_fields,
                visitors_must_use_template: self.settings.visitors_must_use_template,
                // Not secret: the public pages send it in their `frame-ancestors`.
                framing: self.settings.framing.clone(),
                members_must_use_two_factor: false,
                accent_color: self.settings.accent_color.clone(),
            },
            ..self.clone()
        }
    }
}

/// The raw input for creating an org; `service::org::create` parses it.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct NewOrg {
    pub name: String,
    pub slug: String,
    pub short_id: String,
    #[serde(default)]
    pub description: Option<String>,
}

/// Input for changing an org: what is given changes.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct OrgPatch {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub settings: Option<OrgSettings>,
}
