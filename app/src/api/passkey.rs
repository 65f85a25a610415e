//! Passkeys: the account page registers, renames and deletes them; the login page and the
//! second step sign in with one. The ceremonies' options go to the browser as WebAuthn's
//! JSON and the credential comes back as `PublicKeyCredential.toJSON()` wrote it.

use domain::dto::{Passkey, User};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
fn to_json(value: &impl serde::Serialize) -> Result<String, ServerFnError> {
    serde_json::to_string(value).map_err(|e| ServerFnError::new(e.to_string()))
}

#[cfg(feature = "ssr")]
fn from_json<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, ServerFnError> {
    serde_json::from_str(text)
        .map_err(|_| ServerFnError::new("the browser's passkey answer is not a credential"))
}

/// Options for `navigator.credentials.create()` (JSON).
#[server(prefix = "/sfn", endpoint = "passkey_registration_options")]
pub async fn passkey_registration_options() -> Result<String, ServerFnError> {
    use super::ssr::*;
    let cx = caller()?;
    let options = services::passkey::registration_options(&cx.svc, &cx.actor)
        .await
        .map_err(fail)?;
    to_json(&options)
}

/// Registers the passkey the browser made (`credential`: its `toJSON()`).
#[server(prefix = "/sfn", endpoint = "register_passkey")]
pub async fn register_passkey(name: String, credential: String) -> Result<Passkey, ServerFnError> {
    use super::ssr::*;
    let cx = caller()?;
    let credential = from_json(&credential)?;
    services::passkey::register(&cx.svc, &cx.actor, Some(&name), &credential)
        .await
        .map_err(fail)
}

/// Renames one of my passkeys; back to the account page.
#[server(prefix = "/sfn", endpoint = "rename_passkey")]
pub async fn rename_passkey(id: uuid::Uuid, name: String) -> Result<(), ServerFnError> {
    use super::ssr::*;
    let cx = caller()?;
    services::passkey::rename(&cx.svc, &cx.actor, id, &name)
        .await
        .map_err(fail)?;
    leptos_axum::redirect("/settings/account#passkeys");
    Ok(())
}

/// Deletes one of my passkeys; back to the account page.
#[server(prefix = "/sfn", endpoint = "delete_passkey")]
pub async fn delete_passkey(id: uuid::Uuid) -> Result<(), ServerFnError> {
    use super::ssr::*;
    let cx = caller()?;
    services::passkey::delete(&cx.svc, &cx.actor, id)
        .await
        .map_err(fail)?;
    leptos_axum::redirect("/settings/account#passkeys");
    Ok(())
}

/// Options for `navigator.credentials.get()`: a sign-in naming no passkey (JSON).
#[server(prefix = "/sfn", endpoint = "passkey_login_options")]
pub async fn passkey_login_options() -> Result<String, ServerFnError> {
    use super::ssr::*;
    let cx = caller()?;
    to_json(
        &services::passkey::sign_in_options(&cx.svc)
            .await
            .map_err(fail)?,
    )
}

/// Signs in with the passkey the browser chose; the page then goes home or to its
/// `returnTo`.
#[server(prefix = "/sfn", endpoint = "passkey_login")]
pub async fn passkey_login(credential: String) -> Result<User, ServerFnError> {
    use super::ssr::*;
    let cx = caller()?;
    let credential = from_json(&credential)?;
    let (token, user) = services::passkey::sign_in(&cx.svc, &credential, cx.client)
        .await
        .map_err(fail)?;
    set_session_cookie(Some(&token));
    set_device_cookie(&cx.svc, &user.email).await;
    Ok(user)
}

/// Options for answering a sign-in's second step with a passkey (JSON).
#[server(prefix = "/sfn", endpoint = "passkey_2fa_options")]
pub async fn passkey_second_step_options(challenge: String) -> Result<String, ServerFnError> {
    use super::ssr::*;
    let cx = caller()?;
    to_json(
        &services::passkey::second_step_options(&cx.svc, &challenge)
            .await
            .map_err(fail)?,
    )
}

/// Answers a sign-in's second step with a passkey.
#[server(prefix = "/sfn", endpoint = "passkey_login_2fa")]
pub async fn passkey_second_step(
    challenge: String,
    credential: String,
) -> Result<User, ServerFnError> {
    use super::ssr::*;
    let cx = caller()?;
    let credential = from_json(&credential)?;
    let (token, user) =
        services::passkey::complete_sign_in(&cx.svc, &challenge, &credential, cx.client)
            .await
            .map_err(fail)?;
    set_session_cookie(Some(&token));
    set_device_cookie(&cx.svc, &user.email).await;
    Ok(user)
}
