//! The account: how to sign in (providers), and the settings page (sessions, connected
//! accounts, API keys).

use domain::model::{ApiKey, LinkedAccount, SessionInfo, User};
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
    let svc = services()?;
    let signup_open = domain::service::instance::signup_allowed(&svc, &svc.db)
        .await
        .map_err(fail)?;
    Ok(LoginOptions {
        providers: providers(&svc),
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
}

/// The cookie that carries a new API key to the one page view that shows it, so that
/// creating a key also works without JavaScript (a form post, then a redirect).
#[cfg(feature = "ssr")]
const NEW_KEY_COOKIE: &str = "sayr_new_key";

#[server(prefix = "/sfn", endpoint = "account")]
pub async fn load_account() -> Result<AccountData, ServerFnError> {
    use super::ssr::*;
    use domain::service::{api_key, identity, session, user};
    let svc = services()?;
    let actor = actor();
    let me = user::me(&svc, &actor).await.map_err(fail)?;
    let new_key = take_cookie(NEW_KEY_COOKIE, svc.settings.secure_cookies);
    Ok(AccountData {
        user: me,
        sessions: session::list(&svc, &actor).await.map_err(fail)?,
        linked: identity::list(&svc, &actor).await.map_err(fail)?,
        keys: api_key::list(&svc, &actor).await.map_err(fail)?,
        providers: providers(&svc),
        new_key,
    })
}

#[cfg(feature = "ssr")]
fn providers(svc: &domain::service::Services) -> Vec<ProviderButton> {
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
#[cfg(feature = "ssr")]
fn take_cookie(name: &str, secure: bool) -> Option<String> {
    let value = use_context::<http::request::Parts>().and_then(|p| {
        p.headers
            .get_all(http::header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|v| domain::service::session::cookie_value(v, name))
            .map(str::to_string)
    })?;
    set_cookie(&format!(
        "{name}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{}",
        if secure { "; Secure" } else { "" }
    ));
    Some(value)
}

#[cfg(feature = "ssr")]
fn set_cookie(cookie: &str) {
    if let (Some(res), Ok(value)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::HeaderValue::from_str(cookie),
    ) {
        res.append_header(http::header::SET_COOKIE, value);
    }
}

#[cfg(feature = "ssr")]
const ACCOUNT_PAGE: &str = "/settings/account";

/// Ends one of my sessions.
#[server(prefix = "/sfn", endpoint = "revoke_session")]
pub async fn revoke_session(id: SessionId) -> Result<(), ServerFnError> {
    use super::ssr::*;
    let svc = services()?;
    domain::service::session::revoke(&svc, &actor(), id)
        .await
        .map_err(fail)?;
    leptos_axum::redirect(ACCOUNT_PAGE);
    Ok(())
}

/// Disconnects a linked identity.
#[server(prefix = "/sfn", endpoint = "unlink_account")]
pub async fn unlink_account(id: uuid::Uuid) -> Result<(), ServerFnError> {
    use super::ssr::*;
    let svc = services()?;
    domain::service::identity::unlink(&svc, &actor(), id)
        .await
        .map_err(fail)?;
    leptos_axum::redirect(ACCOUNT_PAGE);
    Ok(())
}

/// Creates an API key; the page shows it once.
#[server(prefix = "/sfn", endpoint = "create_api_key")]
pub async fn create_api_key(name: String) -> Result<(), ServerFnError> {
    use super::ssr::*;
    let svc = services()?;
    let created = domain::service::api_key::create(&svc, &actor(), &name)
        .await
        .map_err(fail)?;
    set_cookie(&format!(
        "{NEW_KEY_COOKIE}={}; Path=/; HttpOnly; SameSite=Strict; Max-Age=120{}",
        created.key,
        if svc.settings.secure_cookies {
            "; Secure"
        } else {
            ""
        }
    ));
    leptos_axum::redirect(ACCOUNT_PAGE);
    Ok(())
}

/// Deletes an API key; it stops working at once.
#[server(prefix = "/sfn", endpoint = "delete_api_key")]
pub async fn delete_api_key(id: ApiKeyId) -> Result<(), ServerFnError> {
    use super::ssr::*;
    let svc = services()?;
    domain::service::api_key::delete(&svc, &actor(), id)
        .await
        .map_err(fail)?;
    leptos_axum::redirect(ACCOUNT_PAGE);
    Ok(())
}

/// Deletes my account; `confirm` must be its e-mail address. Signs out and goes home.
#[server(prefix = "/sfn", endpoint = "delete_account")]
pub async fn delete_account(confirm: String) -> Result<(), ServerFnError> {
    use super::ssr::*;
    let svc = services()?;
    let actor = actor();
    let me = domain::service::user::me(&svc, &actor)
        .await
        .map_err(fail)?;
    if !confirm.trim().eq_ignore_ascii_case(&me.email) {
        let wrong = domain::parse::FieldError::new(
            "confirm",
            "type your e-mail address to confirm the deletion",
        );
        return Err(fail(wrong.into()));
    }
    domain::service::user::delete(&svc, &actor, me.id)
        .await
        .map_err(fail)?;
    set_session_cookie(None, &svc.settings);
    leptos_axum::redirect("/");
    Ok(())
}
