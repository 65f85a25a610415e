//! Org settings: general, members and invites, teams and their permissions, labels and
//! categories. Each function is one domain call; the services check the permissions.

use domain::dto::{Category, Invite, Label, Member, Org, Team};
use domain::permissions::PermissionSet;
use domain::{CategoryId, LabelId, TeamId, UserId};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SettingsData {
    pub org: Org,
    pub permissions: PermissionSet,
    pub members: Vec<Member>,
    pub teams: Vec<Team>,
    pub labels: Vec<Label>,
    pub categories: Vec<Category>,
    pub me: Option<UserId>,
    /// The org's task templates, for those who manage the settings (else empty).
    #[serde(default)]
    pub templates: Vec<domain::dto::Template>,
}

#[server(prefix = "/sfn", endpoint = "settings")]
pub async fn load_settings(slug: String) -> Result<SettingsData, ServerFnError> {
    use super::ssr::*;
    use services::{category, label, member, org, team};
    let cx = caller()?;
    let actor = &cx.actor;
    // Members only: everyone else gets the same 404 as for an unknown org.
    let permissions = member::permissions(&cx.svc, actor, &slug)
        .await
        .map_err(fail)?;
    Ok(SettingsData {
        org: org::get(&cx.svc, actor, &slug).await.map_err(fail)?,
        members: member::list(&cx.svc, actor, &slug).await.map_err(fail)?,
        teams: team::list(&cx.svc, actor, &slug).await.map_err(fail)?,
        labels: label::list(&cx.svc, actor, &slug).await.map_err(fail)?,
        categories: category::list(&cx.svc, actor, &slug).await.map_err(fail)?,
        templates: if permissions.admin.manage_settings {
            services::template::list(&cx.svc, actor, &slug)
                .await
                .map_err(fail)?
        } else {
            Vec::new()
        },
        permissions,
        me: actor.user_id(),
    })
}

/// Name, description, the public switches, which task fields visitors may set, the sites
/// that may frame the public pages, and the public page's colour.
#[server(prefix = "/sfn", endpoint = "update_org")]
pub async fn update_org(
    slug: String,
    name: String,
    description: String,
    #[server(default)] public_page: Option<String>,
    #[server(default)] public_actions: Option<String>,
    #[server(default)] field_priority: Option<String>,
    #[server(default)] field_category: Option<String>,
    #[server(default)] field_labels: Option<String>,
    #[server(default)] visitors_must_use_template: Option<String>,
    #[server(default)] framing: Option<String>,
    #[server(default)] members_must_use_two_factor: Option<String>,
    #[server(default)] accent_color: Option<String>,
) -> Result<Org, ServerFnError> {
    use super::ssr::*;
    use services::org;
    let cx = caller()?;
    let actor = &cx.actor;
    let patch = domain::dto::OrgPatch {
        name: Some(name),
        description: Some(description),
        settings: Some(domain::dto::OrgSettings {
            public_page: public_page.is_some(),
            public_actions: public_actions.is_some(),
            public_task_fields: domain::dto::PublicTaskFields {
                priority: field_priority.is_some(),
                category: field_category.is_some(),
                labels: field_labels.is_some(),
            },
            visitors_must_use_template: visitors_must_use_template.is_some(),
            // One site a line (spaces and commas separate too).
            framing: framing
                .unwrap_or_default()
                .split([' ', ',', '\n', '\r', '\t'])
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect(),
            members_must_use_two_factor: members_must_use_two_factor.is_some(),
            accent_color,
        }),
    };
    org::update(&cx.svc, actor, &slug, patch)
        .await
        .map_err(fail)
}

#[server(prefix = "/sfn", endpoint = "invite")]
pub async fn invite_member(slug: String, email: String) -> Result<Invite, ServerFnError> {
    use super::ssr::*;
    let cx = caller()?;
    services::invite::create(&cx.svc, &cx.actor, &slug, &email)
        .await
        .map_err(fail)
}

#[server(prefix = "/sfn", endpoint = "remove_member")]
pub async fn remove_member(slug: String, user: UserId) -> Result<(), ServerFnError> {
    use super::ssr::*;
    let cx = caller()?;
    services::member::remove(&cx.svc, &cx.actor, &slug, user)
        .await
        .map_err(fail)
}

#[server(prefix = "/sfn", endpoint = "create_team")]
pub async fn create_team(slug: String, name: String) -> Result<Team, ServerFnError> {
    use super::ssr::*;
    let cx = caller()?;
    let input = domain::dto::NewTeam {
        name,
        permissions: PermissionSet::member_defaults(),
    };
    services::team::create(&cx.svc, &cx.actor, &slug, input)
        .await
        .map_err(fail)
}

#[server(prefix = "/sfn", endpoint = "set_team_permissions")]
pub async fn set_team_permissions(
    slug: String,
    team: TeamId,
    permissions: PermissionSet,
) -> Result<Team, ServerFnError> {
    use super::ssr::*;
    let cx = caller()?;
    let patch = domain::dto::TeamPatch {
        name: None,
        permissions: Some(permissions),
    };
    services::team::update(&cx.svc, &cx.actor, &slug, team, patch)
        .await
        .map_err(fail)
}

#[server(prefix = "/sfn", endpoint = "delete_team")]
pub async fn delete_team(slug: String, team: TeamId) -> Result<(), ServerFnError> {
    use super::ssr::*;
    let cx = caller()?;
    services::team::delete(&cx.svc, &cx.actor, &slug, team)
        .await
        .map_err(fail)
}

/// Puts a member into a team (`add`) or takes them out.
#[server(prefix = "/sfn", endpoint = "team_member")]
pub async fn team_member(
    slug: String,
    team: TeamId,
    user: UserId,
    add: bool,
) -> Result<Team, ServerFnError> {
    use super::ssr::*;
    use services::team as teams;
    let cx = caller()?;
    let result = if add {
        teams::add_member(&cx.svc, &cx.actor, &slug, team, user).await
    } else {
        teams::remove_member(&cx.svc, &cx.actor, &slug, team, user).await
    };
    result.map_err(fail)
}

#[server(prefix = "/sfn", endpoint = "create_label")]
pub async fn create_label(
    slug: String,
    name: String,
    color: String,
    #[server(default)] public: Option<String>,
) -> Result<Label, ServerFnError> {
    use super::ssr::*;
    use domain::dto::Visibility;
    let cx = caller()?;
    let input = domain::dto::NewLabel {
        name,
        color,
        visibility: Some(if public.is_some() {
            Visibility::Public
        } else {
            Visibility::Private
        }),
    };
    services::label::create(&cx.svc, &cx.actor, &slug, input, cx.origin)
        .await
        .map_err(fail)
}

#[server(prefix = "/sfn", endpoint = "delete_label")]
pub async fn delete_label(slug: String, id: LabelId) -> Result<(), ServerFnError> {
    use super::ssr::*;
    let cx = caller()?;
    services::label::delete(&cx.svc, &cx.actor, &slug, id, cx.origin)
        .await
        .map_err(fail)
}

#[server(prefix = "/sfn", endpoint = "create_category")]
pub async fn create_category(
    slug: String,
    name: String,
    color: String,
) -> Result<Category, ServerFnError> {
    use super::ssr::*;
    let cx = caller()?;
    let input = domain::dto::NewCategory {
        name,
        color,
        icon: None,
    };
    services::category::create(&cx.svc, &cx.actor, &slug, input, cx.origin)
        .await
        .map_err(fail)
}

#[server(prefix = "/sfn", endpoint = "delete_category")]
pub async fn delete_category(slug: String, id: CategoryId) -> Result<(), ServerFnError> {
    use super::ssr::*;
    let cx = caller()?;
    services::category::delete(&cx.svc, &cx.actor, &slug, id, cx.origin)
        .await
        .map_err(fail)
}
