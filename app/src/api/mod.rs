//! Server functions: each reads its input, finds the actor and calls one domain service.

mod account;
mod admin;
mod auth;
mod board;
mod files;
mod orgs;
mod portal;
mod settings;
mod task;

pub use account::{
    AccountData, CreateApiKey, DeleteAccount, DeleteApiKey, LoginOptions, ProviderButton,
    RevokeSession, UnlinkAccount, create_api_key, delete_account, delete_api_key, load_account,
    load_login_options, revoke_session, unlink_account,
};
pub use admin::{
    BanUser, DeleteOrg, RevokeUserSessions, SetSignups, SetUserRole, UnbanUser, ban_user,
    delete_org, load_admin_link, load_admin_org, load_admin_orgs, load_admin_overview,
    load_admin_users, load_connections, revoke_user_sessions, set_signups, set_user_role,
    unban_user,
};
pub use auth::{Login, Logout, Signup, login, logout, signup};
pub use board::{
    BoardData, BulkResult, BulkUpdate, CreateTask, UpdateTask, bulk_update, create_task,
    load_board, update_task,
};
pub use files::{DeleteAttachment, delete_attachment, load_attachments};
pub use orgs::{
    AcceptInvite, CreateOrg, DeclineInvite, HomeData, accept_invite, create_org, decline_invite,
    load_home,
};
pub use portal::{
    BlockUser, CastVote, TaskVoter, UnblockUser, VoteResult, block_user, cast_vote, load_blocked,
    load_portal, load_task_voter, unblock_user,
};
pub use settings::{
    CreateCategory, CreateLabel, CreateTeam, DeleteCategory, DeleteLabel, DeleteTeam, InviteMember,
    RemoveMember, SetTeamPermissions, SettingsData, TeamMember, UpdateOrg, load_settings,
};
pub use task::{
    AddComment, DeleteComment, EditComment, React, TaskMention, TaskPageData, add_comment,
    delete_comment, edit_comment, load_task, mention_members, mention_tasks, react,
};

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    //! What every server function needs from the request.
    use domain::service::{Actor, DomainError, Services};
    use http::StatusCode;
    use leptos::prelude::*;
    use leptos_axum::ResponseOptions;

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
    ) -> Result<Vec<domain::model::UserRef>, ServerFnError> {
        Ok(domain::service::member::list(svc, actor, slug)
            .await
            .map_err(fail)?
            .into_iter()
            .map(|m| domain::model::UserRef {
                id: m.user_id,
                name: m.name,
            })
            .collect())
    }

    /// The socket of the page that made the request (`x-ws-client-id`), skipped in fan-out.
    pub fn ws_client_id() -> Option<String> {
        use_context::<http::request::Parts>()
            .and_then(|p| p.headers.get("x-ws-client-id").cloned())
            .and_then(|v| v.to_str().ok().map(str::to_string))
            .filter(|v| v.len() <= 64)
    }

    pub fn client_info() -> domain::service::ClientInfo {
        let parts = use_context::<http::request::Parts>();
        let peer = parts.as_ref().and_then(|p| {
            p.extensions
                .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
                .map(|c| c.0.ip().to_string())
        });
        domain::service::ClientInfo {
            ip: peer,
            user_agent: parts
                .as_ref()
                .and_then(|p| p.headers.get(http::header::USER_AGENT))
                .and_then(|v| v.to_str().ok())
                .map(str::to_string),
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

    /// The actor, known by its vote fingerprint in org `slug` when anonymous. With
    /// `create`, a visitor without the cookie gets one (on the response).
    pub fn visitor_actor(slug: &str, create: bool) -> Actor {
        let Some(parts) = use_context::<http::request::Parts>() else {
            return actor();
        };
        let secure = services().is_ok_and(|s| s.settings.secure_cookies);
        let cookies = parts
            .headers
            .get_all(http::header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok());
        let user_agent = parts
            .headers
            .get(http::header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let (actor, set_cookie) = domain::service::vote::with_fingerprint(
            actor(),
            slug,
            cookies,
            user_agent,
            secure,
            create,
        );
        if let (Some(res), Some(Ok(value))) = (
            use_context::<ResponseOptions>(),
            set_cookie.map(|c| http::HeaderValue::from_str(&c)),
        ) {
            res.append_header(http::header::SET_COOKIE, value);
        }
        actor
    }

    /// Sets the response status that matches the error and turns it into a message.
    pub fn fail(e: DomainError) -> ServerFnError {
        let status = match &e {
            DomainError::NotFound => StatusCode::NOT_FOUND,
            DomainError::Unauthenticated => StatusCode::UNAUTHORIZED,
            DomainError::Forbidden(_) => StatusCode::FORBIDDEN,
            DomainError::Invalid(_) => StatusCode::BAD_REQUEST,
            DomainError::Conflict { .. } => StatusCode::CONFLICT,
            DomainError::Gone(_) => StatusCode::GONE,
            DomainError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            DomainError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        };
        if let Some(res) = use_context::<ResponseOptions>() {
            res.set_status(status);
        }
        ServerFnError::ServerError(e.user_message())
    }

    /// Sets (or clears) the session cookie on the response.
    pub fn set_session_cookie(token: Option<&str>, settings: &domain::service::Settings) {
        let cookie = domain::service::session::cookie(token, settings);
        if let (Some(res), Ok(value)) = (
            use_context::<ResponseOptions>(),
            http::HeaderValue::from_str(&cookie),
        ) {
            res.append_header(http::header::SET_COOKIE, value);
        }
    }
}
