//! `/orgs/<slug>/settings`: general, members and invites, teams and their permissions,
//! labels, categories. Controls the member may not use are not shown; the services refuse
//! them anyway.

mod branding;
mod github;
mod label_edit;
mod owner;
mod public;
mod templates;

use crate::api::{
    CreateCategory, CreateLabel, CreateTeam, DeleteCategory, DeleteLabel, DeleteTeam, InviteMember,
    RemoveMember, SetTeamPermissions, SettingsData, TeamMember, UpdateOrg, load_settings,
};
use crate::components::text::error_text;
use crate::components::{Avatar, PageTitle};
use branding::Branding;
use domain::permissions::PermissionSet;
use github::GithubSettings;
use label_edit::LabelRow;
use leptos::prelude::*;
use owner::Ownership;
use public::PublicSettings;
use templates::TemplateSettings;

/// Every permission as (group, field, label), in the wire names.
const PERMISSIONS: [(&str, &str, &str); 17] = [
    ("admin", "administrator", "Administrator (everything)"),
    ("admin", "manageMembers", "Manage members"),
    ("admin", "manageTeams", "Manage teams"),
    ("admin", "manageSettings", "Manage settings"),
    ("content", "manageLabels", "Manage labels"),
    ("content", "manageCategories", "Manage categories"),
    ("content", "manageViews", "Manage views"),
    ("content", "manageReleases", "Manage releases"),
    ("tasks", "create", "Create tasks"),
    ("tasks", "editAny", "Edit any task"),
    ("tasks", "deleteAny", "Delete any task"),
    ("tasks", "assign", "Assign"),
    ("tasks", "changeStatus", "Change status"),
    ("tasks", "changePriority", "Change priority"),
    ("moderation", "manageComments", "Moderate comments"),
    ("moderation", "approveSubmissions", "Approve submissions"),
    ("moderation", "manageVotes", "Manage votes"),
];

fn has(set: &PermissionSet, group: &str, field: &str) -> bool {
    serde_json::to_value(set)
        .ok()
        .and_then(|v| v.get(group)?.get(field)?.as_bool())
        .unwrap_or(false)
}

fn with(set: &PermissionSet, group: &str, field: &str, on: bool) -> PermissionSet {
    let mut value = serde_json::to_value(set).unwrap_or_default();
    if let Some(g) = value.get_mut(group).and_then(|g| g.as_object_mut()) {
        g.insert(field.into(), on.into());
    }
    serde_json::from_value(value).unwrap_or(*set)
}

#[component]
pub fn Settings() -> impl IntoView {
    let slug = crate::org_host::use_slug();
    let update_org = ServerAction::<UpdateOrg>::new();
    let invite = ServerAction::<InviteMember>::new();
    let remove = ServerAction::<RemoveMember>::new();
    let create_team = ServerAction::<CreateTeam>::new();
    let set_perms = ServerAction::<SetTeamPermissions>::new();
    let delete_team = ServerAction::<DeleteTeam>::new();
    let team_member = ServerAction::<TeamMember>::new();
    let create_label = ServerAction::<CreateLabel>::new();
    let delete_label = ServerAction::<DeleteLabel>::new();
    let create_category = ServerAction::<CreateCategory>::new();
    let delete_category = ServerAction::<DeleteCategory>::new();
    let save_template = ServerAction::<crate::api::SaveTemplate>::new();
    let delete_template = ServerAction::<crate::api::DeleteTemplate>::new();
    let data = Resource::new(
        move || {
            (
                slug.get(),
                update_org.version().get()
                    + remove.version().get()
                    + create_team.version().get()
                    + set_perms.version().get()
                    + delete_team.version().get()
                    + team_member.version().get()
                    + create_label.version().get()
                    + delete_label.version().get()
                    + create_category.version().get()
                    + delete_category.version().get()
                    + save_template.version().get()
                    + delete_template.version().get(),
            )
        },
        |(slug, _)| load_settings(slug),
    );
    let failure = move || {
        let errors = [
            update_org.value().get().and_then(|r| r.err()),
            invite.value().get().and_then(|r| r.err()),
            remove.value().get().and_then(|r| r.err()),
            create_team.value().get().and_then(|r| r.err()),
            set_perms.value().get().and_then(|r| r.err()),
            delete_team.value().get().and_then(|r| r.err()),
            team_member.value().get().and_then(|r| r.err()),
            create_label.value().get().and_then(|r| r.err()),
            delete_label.value().get().and_then(|r| r.err()),
            create_category.value().get().and_then(|r| r.err()),
            delete_category.value().get().and_then(|r| r.err()),
        ];
        errors
            .into_iter()
            .flatten()
            .next()
            .map(|e| view! { <p class="notice-bar" role="alert" data-testid="settings-error">{error_text(&e)}</p> })
    };
    view! {
        <Transition fallback=crate::components::Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <crate::components::LoadFailed error=e/> }.into_any(),
                    Ok(data) => {
                        let slug = data.org.slug.clone();
                        view! {
                            <PageTitle text=format!("Settings · {}", data.org.name)/>
                            <section class="settings" data-testid="settings">
                                <nav class="crumbs"><a href=format!("/orgs/{slug}/tasks")>{data.org.name.clone()}</a>" / Settings"</nav>
                                <h1>"Settings"</h1>
                                {failure}
                                <General data=data.clone() update_org/>
                                <Branding data=data.clone()/>
                                <Members data=data.clone() invite remove/>
                                <Ownership data=data.clone()/>
                                <Teams data=data.clone() create_team set_perms delete_team team_member/>
                                <Labels data=data.clone() create_label delete_label create_category delete_category/>
                                {data.permissions.admin.manage_settings.then(|| view! {
                                    <TemplateSettings slug=slug.clone() labels=data.labels.clone() categories=data.categories.clone()
                                        templates=data.templates.clone() save=save_template delete=delete_template/>
                                })}
                                {data.permissions.admin.manage_settings.then(|| view! {
                                    <GithubSettings slug=slug.clone() categories=data.categories.clone()/>
                                })}
                                <PublicSettings slug=slug.clone() may_moderate=data.permissions.may_moderate()/>
                            </section>
                        }.into_any()
                    }
                }
            })}
        </Transition>
    }
    .into_any()
}

#[component]
fn General(data: SettingsData, update_org: ServerAction<UpdateOrg>) -> impl IntoView {
    let may = data.permissions.admin.manage_settings;
    let org = data.org;
    may.then(|| view! {
        <h2 id="general">"General"</h2>
        <ActionForm action=update_org attr:class="stack" attr:data-testid="general-form">
            <input type="hidden" name="slug" value=org.slug.clone()/>
            <label>"Name" <input name="name" required maxlength="80" value=org.name.clone()/></label>
            <label>"Description" <textarea name="description" rows="3">{org.description.clone()}</textarea></label>
            <label class="check"><input type="checkbox" name="public_page" value="on" checked=org.settings.public_page/>"Public page: anyone can see public tasks"</label>
            <label class="check"><input type="checkbox" name="public_actions" value="on" checked=org.settings.public_actions/>"Public actions: visitors can vote without an account, and signed-in visitors can comment and suggest tasks"</label>
            <fieldset data-testid="public-fields"><legend>"Visitors suggesting a task may set"</legend>
                <label class="check"><input type="checkbox" name="field_priority" value="on" checked=org.settings.public_task_fields.priority/>"Priority"</label>
                <label class="check"><input type="checkbox" name="field_category" value="on" checked=org.settings.public_task_fields.category/>"Category"</label>
                <label class="check"><input type="checkbox" name="field_labels" value="on" checked=org.settings.public_task_fields.labels/>"Public labels"</label>
            </fieldset>
            <label class="check"><input type="checkbox" name="visitors_must_use_template" value="on" checked=org.settings.visitors_must_use_template data-testid="visitors-must-use-template"/>"Visitors must use a template (one of the templates for visitors, in Task templates below)"</label>
            <label>"Sites that may show the public page in a frame (https origins, one a line; at most 10)"
                <textarea name="framing" rows="2" placeholder="https://example.com" data-testid="framing">{org.settings.framing.join("\n")}</textarea>
            </label>
            <label>"The public page's colour (buttons and the header's band: #rrggbb; empty keeps Sayr's)"
                <input name="accent_color" maxlength="7" placeholder="#5b5bd6" pattern="#([0-9a-fA-F]{3}){1,2}" spellcheck="false"
                    value=org.settings.accent_color.clone().unwrap_or_default() data-testid="accent-color"/>
            </label>
            <label class="check"><input type="checkbox" name="members_must_use_two_factor" value="on" checked=org.settings.members_must_use_two_factor data-testid="members-must-use-two-factor"/>"Members must use a second factor (members without one see only a page asking them to set it up; turn on your own first)"</label>
            <button type="submit" class="button primary">"Save"</button>
        </ActionForm>
    }.into_any())
}

#[component]
fn Members(
    data: SettingsData,
    invite: ServerAction<InviteMember>,
    remove: ServerAction<RemoveMember>,
) -> impl IntoView {
    let may = data.permissions.admin.manage_members;
    let slug = data.org.slug.clone();
    let team_names = |ids: &[domain::TeamId]| {
        data.teams
            .iter()
            .filter(|t| ids.contains(&t.id))
            .map(|t| t.name.clone())
            .collect::<Vec<_>>()
            .join(", ")
    };
    view! {
        <h2 id="members">"Members"</h2>
        <ul class="list" data-testid="members">
            {data.members.iter().map(|m| {
                let user = m.user_id;
                let slug = slug.clone();
                let creator = data.org.created_by == Some(user);
                view! {
                    <li class="row spread">
                        <span class="row"><Avatar name=m.name.clone() url=m.avatar_url.clone()/>{m.name.clone()}<span class="muted small">" · "{team_names(&m.teams)}</span></span>
                        {(may && !creator && Some(user) != data.me).then(|| view! {
                            <button type="button" class="link" on:click=move |_| { remove.dispatch(RemoveMember { slug: slug.clone(), user }); }>"Remove"</button>
                        })}
                    </li>
                }
            }).collect_view()}
        </ul>
        {may.then(|| view! {
            <ActionForm action=invite attr:class="row" attr:data-testid="invite-form">
                <input type="hidden" name="slug" value=slug.clone()/>
                <label class="sr-only" for="invite-email">"E-mail to invite"</label>
                <input id="invite-email" type="email" name="email" required placeholder="name@example.com"/>
                <button type="submit" class="button">"Invite"</button>
            </ActionForm>
            {move || invite.value().get().and_then(|r| r.ok()).map(|i| view! {
                <p class="muted" role="status">"Invitation for "{i.email}" created. They accept it from their home page."</p>
            })}
        })}
    }
    .into_any()
}

#[component]
fn Teams(
    data: SettingsData,
    create_team: ServerAction<CreateTeam>,
    set_perms: ServerAction<SetTeamPermissions>,
    delete_team: ServerAction<DeleteTeam>,
    team_member: ServerAction<TeamMember>,
) -> impl IntoView {
    if !data.permissions.admin.manage_teams {
        return ().into_any();
    }
    let slug = data.org.slug.clone();
    let mine = data.permissions;
    view! {
        <h2 id="teams">"Teams"</h2>
        <p class="muted">"A member's permissions are everything their teams allow. You can only grant what you hold yourself."</p>
        {data.teams.iter().map(|team| {
            let team = team.clone();
            let id = team.id;
            let slug = slug.clone();
            let slug_del = slug.clone();
            let slug_m = slug.clone();
            let current = team.permissions;
            view! {
                <details class="team card" data-testid="team">
                    <summary><strong>{team.name.clone()}</strong>" "<span class="muted small">{format!("{} member(s)", team.member_ids.len())}</span>
                        {team.system.then(|| view! { <span class="badge">"built-in"</span> })}</summary>
                    <fieldset disabled=team.system><legend>"Permissions"</legend>
                        {PERMISSIONS.iter().map(|(group, field, label)| {
                            let slug = slug.clone();
                            view! {
                                <label class="check"><input type="checkbox" checked=has(&current, group, field)
                                    disabled=!has(&mine, group, field) && !mine.admin.administrator
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        set_perms.dispatch(SetTeamPermissions { slug: slug.clone(), team: id, permissions: with(&current, group, field, on) });
                                    }/>{*label}</label>
                            }
                        }).collect_view()}
                    </fieldset>
                    <fieldset><legend>"Members"</legend>
                        {data.members.iter().map(|m| {
                            let user = m.user_id;
                            let slug = slug_m.clone();
                            view! {
                                <label class="check"><input type="checkbox" checked=team.member_ids.contains(&user)
                                    on:change=move |ev| {
                                        let add = event_target_checked(&ev);
                                        team_member.dispatch(TeamMember { slug: slug.clone(), team: id, user, add });
                                    }/>{m.name.clone()}</label>
                            }
                        }).collect_view()}
                    </fieldset>
                    {(!team.system).then(|| view! {
                        <button type="button" class="link" on:click=move |_| { delete_team.dispatch(DeleteTeam { slug: slug_del.clone(), team: id }); }>"Delete team"</button>
                    })}
                </details>
            }
        }).collect_view()}
        <ActionForm action=create_team attr:class="row" attr:data-testid="new-team-form">
            <input type="hidden" name="slug" value=slug.clone()/>
            <label class="sr-only" for="team-name">"Team name"</label>
            <input id="team-name" name="name" required maxlength="80" placeholder="New team, e.g. Support"/>
            <button type="submit" class="button">"Create team"</button>
        </ActionForm>
    }
    .into_any()
}

#[component]
fn Labels(
    data: SettingsData,
    create_label: ServerAction<CreateLabel>,
    delete_label: ServerAction<DeleteLabel>,
    create_category: ServerAction<CreateCategory>,
    delete_category: ServerAction<DeleteCategory>,
) -> impl IntoView {
    let slug = data.org.slug.clone();
    let labels_ok = data.permissions.content.manage_labels;
    let categories_ok = data.permissions.content.manage_categories;
    let slug_c = slug.clone();
    view! {
        {labels_ok.then(|| view! {
            <h2 id="labels">"Labels"</h2>
            <ul class="list" data-testid="labels">
                {data.labels.iter().map(|l| view! { <LabelRow slug=slug.clone() label=l.clone() delete_label/> }).collect_view()}
            </ul>
            <ActionForm action=create_label attr:class="row wrap" attr:data-testid="new-label-form">
                <input type="hidden" name="slug" value=slug.clone()/>
                <label class="sr-only" for="label-name">"Label name"</label>
                <input id="label-name" name="name" required maxlength="50" placeholder="Label name"/>
                <label class="inline">"Color "<input type="color" name="color" value="#5b5bd6"/></label>
                <label class="check"><input type="checkbox" name="public" value="on"/>"Public"</label>
                <button type="submit" class="button">"Add label"</button>
            </ActionForm>
        })}
        {categories_ok.then(|| view! {
            <h2 id="categories">"Categories"</h2>
            <ul class="list" data-testid="categories">
                {data.categories.iter().map(|c| {
                    let id = c.id;
                    let slug = slug_c.clone();
                    view! {
                        <li class="row spread">
                            <span class="chip" style=format!("--chip:{}", c.color)>{c.name.clone()}</span>
                            <button type="button" class="link" on:click=move |_| { delete_category.dispatch(DeleteCategory { slug: slug.clone(), id }); }>"Delete"</button>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <ActionForm action=create_category attr:class="row wrap" attr:data-testid="new-category-form">
                <input type="hidden" name="slug" value=slug_c.clone()/>
                <label class="sr-only" for="category-name">"Category name"</label>
                <input id="category-name" name="name" required maxlength="50" placeholder="Category name"/>
                <label class="inline">"Color "<input type="color" name="color" value="#2f855a"/></label>
                <button type="submit" class="button">"Add category"</button>
            </ActionForm>
        })}
    }
    .into_any()
}
