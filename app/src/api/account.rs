//! The account: how to sign in (providers), and the settings page (sessions, connected
//! accounts, API keys).

use domain::dto::{ApiKey, LinkedAccount, SessionInfo, User};
use domain::{ApiKeyId, SessionId};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A "Sign in with …" button.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProviderButton {
    pub name: String,
    pub display_name: String,
}

/// What the login and sign-up pages offer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LoginOptions {
    pub providers: Vec<ProviderButton>,
    pub signup_open: bool,
}

#[server(prefix = "/sfn", endpoint = "login_options")]
pub async fn load_login_options() -> Result<LoginOptions, ServerFnError> {
    use super::ssr::*;
    let cx = caller()?;
    let signup_open = services::instance::signup_allowed(&cx.svc)
        .await
        .map_err(fail)?;
    Ok(LoginOptions {
        providers: providers(&cx.svc),
        signup_open,
    })
}

/// The account settings page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AccountData {
    pub user: User,
    pub sessions: Vec<SessionInfo>,
    pub linked: Vec<LinkedAccount>,
    pub keys: Vec<ApiKey>,
    pub providers: Vec<ProviderButton>,
    /// A key created just before this page was loaded: shown once.
    pub new_key: Option<String>,
    pub two_factor: domain::dto::TwoFactorStatus,
    /// Backup codes made just before this page was loaded: shown once.
    pub new_backup_codes: Option<Vec<String>>,
    pub passkeys: Vec<domain::dto::Passkey>,
}

/// The cookie that carries a new API key to the one page view that shows it, so that
/// creating a key also works without JavaScript (a form post, then a redirect).
#[cfg(feature = "ssr")]
const NEW_KEY_COOKIE: &str = "sayr_new_key";

/// Where the browser sends that cookie: only to the account page and the server function
/// that loads it (after a form post the page loads; with JavaScript the function does),
/// not with every request for its two minutes.
#[cfg(feature = "ssr")]
const NEW_KEY_PATHS: [&str; 2] = [ACCOUNT_PAGE, "/sfn/account"];

#[server(prefix = "/sfn", endpoint = "account")]
pub async fn load_account() -> Result<AccountData, ServerFnError> {
    use super::ssr::*;
    use services::{api_key, identity, session, user};
    let cx = caller()?;
    let actor = &cx.actor;
    let me = user::me(&cx.svc, actor).await.map_err(fail)?;
    let new_key = take_cookie(NEW_KEY_COOKIE);
    let new_backup_codes = take_cookie(super::two_factor::NEW_CODES_COOKIE)
        .map(|codes| codes.split('.').map(str::to_string).collect());
    Ok(AccountData {
        user: me,
        sessions: session::list(&cx.svc, actor).await.map_err(fail)?,
        linked: identity::list(&cx.svc, actor).await.map_err(fail)?,
        keys: api_key::list(&cx.svc, actor).await.map_err(fail)?,
        providers: providers(&cx.svc),
        new_key,
        two_factor: services::two_factor::status(&cx.svc, actor)
            .await
            .map_err(fail)?,
        new_backup_codes,
        passkeys: services::passkey::list(&cx.svc, actor)
            .await
            .map_err(fail)?,
    })
}

#[cfg(feature = "ssr")]
fn providers(svc: &services::Services) -> Vec<ProviderButton> {
    svc.settings
        .login_providers
        .iter()
        .map(|p| ProviderButton {
            name: p.name.clone(),
            display_name: p.display_name.clone(),
        })
        .collect()
}

/// Reads a cookie of the request and clears it on the response.
/// Hands a secret to the account page's next load, for two minutes, in a cookie that
/// only that page and its server function see; `take_cookie` removes it on the same paths.
#[cfg(feature = "ssr")]
pub(super) fn show_once(name: &'static str, value: &str) {
    use super::ssr::{cookies, set_cookie};
    for path in NEW_KEY_PATHS {
        set_cookie(cookies().short_lived(
            name,
            value,
            path,
            edge::cookies::SameSite::Strict,
            std::time::Duration::from_secs(120),
        ));
    }
}

#[cfg(feature = "ssr")]
fn take_cookie(name: &'static str) -> Option<String> {
    use super::ssr::{cookies, request_cookie, set_cookie};
    let value = request_cookie(name)?;
    for path in NEW_KEY_PATHS {
        set_cookie(cookies().removal(name, path, edge::cookies::SameSite::Strict));
    }
    Some(value)
}

#[cfg(feature = "ssr")]
const ACCOUNT_PAGE: &str = "/settings/account";

/// Ends one of my sessions.
#[server(prefix = "/sfn", endpoint = "revoke_session")]
pub async fn revoke_session(id: SessionId) -> Result<(), ServerFnError> {
    use super::ssr::*;
    let cx = caller()?;
    services::session::revoke(&cx.svc, &cx.actor, id)
        .await
        .map_err(fail)?;
    leptos_axum::redirect(ACCOUNT_PAGE);
    Ok(())
}

/// Disconnects a linked identity.
#[server(prefix = "/sfn", endpoint = "unlink_account")]
pub async fn unlink_account(id: uuid::Uuid) -> Result<(), ServerFnError> {
    use super::ssr::*;
    let cx = caller()?;
    services::identity::unlink(&cx.svc, &cx.actor, id)
        .await
        .map_err(fail)?;
    leptos_axum::redirect(ACCOUNT_PAGE);
    Ok(())
}

/// Creates an API key; the page shows it once.
#[server(prefix = "/sfn", endpoint = "create_api_key")]
pub async fn create_api_key(name: String) -> Result<(), ServerFnError> {
    use super::ssr::*;
    let cx = caller()?;
    let created = services::api_key::create(&cx.svc, &cx.actor, &name)
        .await
        .map_err(fail)?;
    show_once(NEW_KEY_COOKIE, &created.key);
    leptos_axum::redirect(ACCOUNT_PAGE);
    Ok(())
}

/// Deletes an API key; it stops working at once.
#[server(prefix = "/sfn", endpoint = "delete_api_key")]
pub async fn delete_api_key(id: ApiKeyId) -> Result<(), ServerFnError> {
    use super::ssr::*;
    let cx = caller()?;
    services::api_key::delete(&cx.svc, &cx.actor, id)
        .await
        .map_err(fail)?;
    leptos_axum::redirect(ACCOUNT_PAGE);
    Ok(())
}

/// Changes my display name. The plain form posts here and comes back to the page.
#[server(prefix = "/sfn", endpoint = "rename_me")]
pub async fn rename_me(name: String) -> Result<User, ServerFnError> {
    use super::ssr::*;
    let cx = caller()?;
    services::user::rename(&cx.svc, &cx.actor, &name)
        .await
        .map_err(fail)
}

/// Deletes my account; `confirm` must be its e-mail address. Signs out and goes home.
#[server(prefix = "/sfn", endpoint = "delete_account")]
pub async fn delete_account(confirm: String) -> Result<(), ServerFnError> {
    use super::ssr::*;
    let cx = caller()?;
    let actor = &cx.actor;
    let me = services::user::me(&cx.svc, actor).await.map_err(fail)?;
    if !confirm.trim().eq_ignore_ascii_case(&me.email) {
        let wrong = domain::parse::FieldError::new(
            "confirm",
            "type your e-mail address to confirm the deletion",
        );
        return Err(fail(wrong.into()));
    }
    services::user::delete(&cx.svc, actor, me.id)
        .await
        .map_err(fail)?;
    set_session_cookie(None);
    leptos_axum::redirect("/");
    Ok(())
}
