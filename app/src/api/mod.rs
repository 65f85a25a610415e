//! Server functions: each reads its input, finds the actor and calls one domain service.

mod account;
mod admin;
mod auth;
mod board;
mod files;
mod github;
mod notify;
mod org_edit;
mod orgs;
mod passkey;
mod planning;
mod portal;
mod settings;
mod shell;
mod task;
mod task_edit;
mod templates;
mod two_factor;

pub use account::{
    AccountData, CreateApiKey, DeleteAccount, DeleteApiKey, LoginOptions, ProviderButton, RenameMe,
    RevokeSession, UnlinkAccount, create_api_key, delete_account, delete_api_key, load_account,
    load_login_options, rename_me, revoke_session, unlink_account,
};
pub use admin::{
    AdminDiscardJob, AdminRetryJob, BanUser, DeleteOrg, ResetTwoFactor, RevokeUserSessions,
    SetSignups, SetUserRole, UnbanUser, ban_user, delete_org, load_admin_jobs, load_admin_link,
    load_admin_org, load_admin_orgs, load_admin_overview, load_admin_users, load_connections,
    load_outbox, reset_two_factor, revoke_user_sessions, set_signups, set_user_role, unban_user,
};
pub use auth::{
    AcceptInviteLink, ChangeEmail, ChangePassword, InviteLink, Login, LoginSecondFactor, Logout,
    RequestPasswordReset, ResendVerification, ResetPassword, Signup, VerifyEmail, load_invite_link,
    login, login_second_factor, logout, signup,
};
pub use board::{
    BoardData, BulkResult, BulkUpdate, CreateTask, UpdateTask, bulk_update, create_task,
    load_board, update_task,
};
pub use files::{DeleteAttachment, delete_attachment, load_attachments};
pub use github::{
    LinkRepository, UnlinkRepository, UpdateRepository, link_repository, load_github,
    load_reachable, load_task_github, unlink_repository, update_repository,
};
pub use notify::{
    MarkNotification, ReadAllNotifications, SaveNotificationSettings, SetWatch, UnsubscribeInfo,
    kind_label, load_inbox, load_my_tasks, load_notification_settings, load_unread_count,
    load_unsubscribe, load_watch, mark_notification, read_all_notifications,
    read_task_notifications, save_notification_settings, set_watch,
};
pub use orgs::{
    AcceptInvite, CreateOrg, DeclineInvite, HomeData, accept_invite, create_org, decline_invite,
    load_home,
};
pub use passkey::{
    DeletePasskey, RenamePasskey, delete_passkey, passkey_login, passkey_login_options,
    passkey_registration_options, passkey_second_step, passkey_second_step_options,
    register_passkey, rename_passkey,
};
pub use planning::{
    ChangeRelease, ChangeView, CreateRelease, DeleteRelease, PostReleaseUpdate, RemoveView,
    SaveView, change_release, change_view, create_release, delete_release, load_release,
    load_releases, load_releases_page, post_release_update, remove_view, save_view,
};
pub use portal::{
    BlockUser, CastVote, TaskVoter, UnblockUser, VoteResult, block_user, cast_vote, load_blocked,
    load_portal, load_task_voter, unblock_user,
};
pub use settings::{
    CreateCategory, CreateLabel, CreateTeam, DeleteCategory, DeleteLabel, DeleteTeam, InviteMember,
    RemoveMember, SetTeamPermissions, SettingsData, TeamMember, UpdateOrg, load_settings,
};
pub use shell::{ShellData, ShellOrg, ShellUser, ShellView, load_shell, load_shell_views};
pub use task::{
    AddComment, DeleteComment, EditComment, React, TaskMention, TaskPageData, add_comment,
    delete_comment, edit_comment, load_task, mention_members, mention_tasks, react,
};
pub use templates::{DeleteTemplate, SaveTemplate, delete_template, load_templates, save_template};
pub use two_factor::{
    DisableTwoFactor, EnableTwoFactor, StartTwoFactor, disable_two_factor, enable_two_factor,
    start_two_factor,
};

pub use org_edit::{TransferOrg, UpdateLabel, transfer_org, update_label};
pub use task_edit::{
    AddRelation, CommentHistory, CreateSubtask, DeleteTask, RemoveRelation, SetCommentVisibility,
    add_relation, comment_history, create_subtask, delete_task, remove_relation,
    set_comment_visibility, task_number,
};

/// The response header a page sets to name the sites that may frame it (`'self'` and the
/// org's `framing` origins); the server's security middleware turns it into the page's
/// `frame-ancestors` and never sends it.
pub const FRAME_ANCESTORS_HEADER: &str = "x-sayr-frame-ancestors";

/// Where this instance is reached (`SAYR_PUBLIC_URL`), for whole addresses in pages.
#[cfg(feature = "ssr")]
pub(crate) fn site_url() -> String {
    ssr::services()
        .map(|s| s.settings.public_url.clone())
        .unwrap_or_default()
}

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    //! What every server function needs from the request.
    use leptos::prelude::*;
    use leptos_axum::ResponseOptions;
    use services::{Actor, DomainError, Services};

    pub fn services() -> Result<Services, ServerFnError> {
        use_context::<Services>().ok_or_else(|| ServerFnError::new("services are not configured"))
    }

    /// The actor the server's middleware resolved for this request.
    pub fn actor() -> Actor {
        use_context::<http::request::Parts>()
            .and_then(|parts| parts.extensions.get::<Actor>().cloned())
            .unwrap_or_else(Actor::anonymous)
    }

    /// The org's members as pickers and filters name them.
    pub async fn member_refs(
        svc: &Services,
        actor: &Actor,
        slug: &str,
    ) -> Result<Vec<domain::dto::UserRef>, ServerFnError> {
        Ok(services::member::list(svc, actor, slug)
            .await
            .map_err(fail)?
            .into_iter()
            .map(|m| domain::dto::UserRef {
                id: m.user_id,
                name: m.name,
            })
            .collect())
    }

    /// Who is asking: the services, the actor, the page's socket and the client.
    pub fn caller() -> Result<edge::Caller, ServerFnError> {
        let svc = services()?;
        Ok(match use_context::<http::request::Parts>() {
            Some(parts) => edge::Caller::from_parts(&parts, svc),
            None => edge::Caller {
                svc,
                actor: Actor::anonymous(),
                origin: None,
                client: services::ClientInfo::default(),
            },
        })
    }

    /// How this instance sets its cookies.
    pub fn cookies() -> edge::CookiePolicy {
        use_context::<edge::CookiePolicy>().unwrap_or_default()
    }

    /// A cookie of the request.
    pub fn request_cookie(name: &str) -> Option<String> {
        use_context::<http::request::Parts>().and_then(|p| edge::cookies::get(&p.headers, name))
    }

    /// Adds a `Set-Cookie` to the response.
    pub fn set_cookie(cookie: http::HeaderValue) {
        if let Some(res) = use_context::<ResponseOptions>() {
            res.append_header(http::header::SET_COOKIE, cookie);
        }
    }

    /// An optional form value parsed by its `FromStr`; empty counts as absent.
    pub fn parse_opt<T: std::str::FromStr<Err = String>>(
        field: &str,
        value: Option<String>,
    ) -> Result<Option<T>, ServerFnError> {
        match value.as_deref() {
            None | Some("") => Ok(None),
            Some(v) => v.parse().map(Some).map_err(|m: String| invalid(field, &m)),
        }
    }

    /// Bad input in one field, as the domain would say it.
    pub fn invalid(field: &str, message: &str) -> ServerFnError {
        fail(domain::parse::FieldError::new(field, message.to_string()).into())
    }

    /// The caller, known by its vote fingerprint in org `slug` when anonymous. With
    /// `create`, a visitor without the cookie gets one (on the response).
    pub fn visitor_caller(slug: &str, create: bool) -> Result<edge::Caller, ServerFnError> {
        let mut cx = caller()?;
        if let Some(parts) = use_context::<http::request::Parts>() {
            let (actor, cookie) = edge::visitor(cx.actor, slug, &parts.headers, &cookies(), create);
            cx.actor = actor;
            if let Some(cookie) = cookie {
                set_cookie(cookie);
            }
        }
        Ok(cx)
    }

    /// Sets the response status that matches the error and turns it into a message.
    pub fn fail(e: DomainError) -> ServerFnError {
        let status = edge::status(&e);
        if let Some(res) = use_context::<ResponseOptions>() {
            res.set_status(status);
            if let DomainError::RateLimited { retry_after_secs } = &e {
                res.insert_header(
                    http::header::RETRY_AFTER,
                    http::HeaderValue::from(*retry_after_secs),
                );
            }
        }
        ServerFnError::ServerError(e.user_message())
    }

    /// Lets this instance's pages and the org's `framing` sites show the page being
    /// rendered in a frame (the public pages only; every other page refuses all framing).
    pub fn allow_framing(origins: &[String]) {
        let Some(res) = use_context::<ResponseOptions>() else {
            return;
        };
        let value = std::iter::once("'self'")
            .chain(origins.iter().map(String::as_str))
            .collect::<Vec<_>>()
            .join(" ");
        if let Ok(value) = http::HeaderValue::from_str(&value) {
            res.insert_header(
                http::HeaderName::from_static(super::FRAME_ANCESTORS_HEADER),
                value,
            );
        }
    }

    /// Sets (or clears) the session cookie on the response.
    pub fn set_session_cookie(token: Option<&str>) {
        set_cookie(cookies().session(token));
    }

    /// Marks this browser as a device `email` signed in on (the sign-in throttle's
    /// known devices). A failure to make the token costs only that mark.
    pub async fn set_device_cookie(svc: &Services, email: &str) {
        match services::session::device_token(svc, email).await {
            Ok(token) => set_cookie(cookies().device(&token)),
            Err(e) => leptos::logging::warn!("no device token: {e}"),
        }
    }
}
