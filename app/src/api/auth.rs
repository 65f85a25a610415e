use domain::dto::User;
use leptos::prelude::*;

/// Signs in and goes home, or back to `return_to` (a path of this instance only). With a
/// second factor on, goes to the page that asks for the code instead (no session yet).
#[server(prefix = "/sfn", endpoint = "login")]
pub async fn login(
    email: String,
    password: String,
    #[server(default)] return_to: Option<String>,
) -> Result<Option<User>, ServerFnError> {
    use super::ssr::*;
    use services::two_factor::SignIn;
    let cx = caller()?;
    let outcome = services::session::sign_in(&cx.svc, &email, &password, cx.client)
        .await
        .map_err(fail)?;
    let return_to = return_to.filter(|p| is_local_path(p));
    match outcome {
        SignIn::Session { token, user } => {
            set_session_cookie(Some(&token));
            set_device_cookie(&cx.svc, &user.email).await;
            leptos_axum::redirect(return_to.as_deref().unwrap_or("/"));
            Ok(Some(user))
        }
        SignIn::Challenge { challenge } => {
            let mut next = format!("/login/2fa?challenge={challenge}");
            if let Some(r) = return_to {
                next.push_str("&returnTo=");
                next.push_str(&crate::components::text::encode(&r));
            }
            leptos_axum::redirect(&next);
            Ok(None)
        }
    }
}

/// The second step of a sign-in: a code from the app or a backup code. Then home, or to
/// `return_to` (a path of this instance only).
#[server(prefix = "/sfn", endpoint = "login_2fa")]
pub async fn login_second_factor(
    challenge: String,
    code: String,
    #[server(default)] return_to: Option<String>,
) -> Result<User, ServerFnError> {
    use super::ssr::*;
    let cx = caller()?;
    let (token, user) =
        services::two_factor::complete_sign_in(&cx.svc, &challenge, &code, cx.client)
            .await
            .map_err(fail)?;
    set_session_cookie(Some(&token));
    set_device_cookie(&cx.svc, &user.email).await;
    leptos_axum::redirect(
        return_to
            .as_deref()
            .filter(|p| is_local_path(p))
            .unwrap_or("/"),
    );
    Ok(user)
}

#[cfg(feature = "ssr")]
/// A path on this instance: `/…`, never `//host` or `/\host` (which browsers read as
/// another site).
fn is_local_path(path: &str) -> bool {
    path.starts_with('/')
        && !path.starts_with("//")
        && !path.contains('\\')
        && !path.chars().any(|c| c.is_control())
}

/// Creates an account, signs it in and goes home.
#[server(prefix = "/sfn", endpoint = "signup")]
pub async fn signup(name: String, email: String, password: String) -> Result<User, ServerFnError> {
    use super::ssr::*;
    let cx = caller()?;
    let input = services::user::NewUser {
        email,
        password,
        name,
    };
    let (token, user) = services::session::sign_up(&cx.svc, input, cx.client)
        .await
        .map_err(fail)?;
    set_session_cookie(Some(&token));
    set_device_cookie(&cx.svc, &user.email).await;
    leptos_axum::redirect("/");
    Ok(user)
}

/// Ends this session.
#[server(prefix = "/sfn", endpoint = "logout")]
pub async fn logout() -> Result<(), ServerFnError> {
    use super::ssr::*;
    let cx = caller()?;
    let token = request_cookie(edge::cookies::SESSION);
    if let Some(token) = token {
        services::session::end(&cx.svc, &token)
            .await
            .map_err(fail)?;
    }
    set_session_cookie(None);
    leptos_axum::redirect("/login");
    Ok(())
}

/// Follows a verification link (the page posts the token, so that a mail scanner that
/// opens the link proves nothing); then to the account page.
#[server(prefix = "/sfn", endpoint = "verify_email")]
pub async fn verify_email(token: String) -> Result<User, ServerFnError> {
    use super::ssr::*;
    let cx = caller()?;
    let user = services::proof::verify_email(&cx.svc, &token)
        .await
        .map_err(fail)?;
    leptos_axum::redirect("/settings/account?verified=1");
    Ok(user)
}

/// Mails the signed-in account a new verification link.
#[server(prefix = "/sfn", endpoint = "resend_verification")]
pub async fn resend_verification() -> Result<(), ServerFnError> {
    use super::ssr::*;
    let cx = caller()?;
    services::proof::resend_verification(&cx.svc, &cx.actor, cx.client)
        .await
        .map_err(fail)
}

/// Asks for a reset link; the same answer whether or not the account exists.
#[server(prefix = "/sfn", endpoint = "request_password_reset")]
pub async fn request_password_reset(email: String) -> Result<(), ServerFnError> {
    use super::ssr::*;
    let cx = caller()?;
    services::proof::request_password_reset(&cx.svc, &email, cx.client)
        .await
        .map_err(fail)
}

/// Sets a new password from a reset link, then to the login page.
#[server(prefix = "/sfn", endpoint = "reset_password")]
pub async fn reset_password(token: String, password: String) -> Result<(), ServerFnError> {
    use super::ssr::*;
    let cx = caller()?;
    services::proof::reset_password(&cx.svc, &token, &password)
        .await
        .map_err(fail)?;
    leptos_axum::redirect("/login?reset=1");
    Ok(())
}

/// Changes the password (the current one required); other sessions end.
#[server(prefix = "/sfn", endpoint = "change_password")]
pub async fn change_password(current: String, new: String) -> Result<(), ServerFnError> {
    use super::ssr::*;
    let cx = caller()?;
    services::proof::change_password(&cx.svc, &cx.actor, &current, &new)
        .await
        .map_err(fail)
}

/// Asks to change the address; it takes effect once the new one is proven.
#[server(prefix = "/sfn", endpoint = "change_email")]
pub async fn change_email(email: String, password: String) -> Result<(), ServerFnError> {
    use super::ssr::*;
    let cx = caller()?;
    services::proof::change_email(&cx.svc, &cx.actor, &email, &password, cx.client)
        .await
        .map_err(fail)
}

/// What the page of an invitation link shows.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct InviteLink {
    pub org_name: String,
    pub email: String,
    /// The signed-in account's address, if anyone is signed in.
    pub signed_in_as: Option<String>,
}

#[server(prefix = "/sfn", endpoint = "invite_link")]
pub async fn load_invite_link(token: String) -> Result<InviteLink, ServerFnError> {
    use super::ssr::*;
    let cx = caller()?;
    let (invite, org) = services::invite::by_link(&cx.svc, &token)
        .await
        .map_err(fail)?;
    let signed_in_as = match cx.actor.user_id() {
        Some(_) => services::user::me(&cx.svc, &cx.actor)
            .await
            .ok()
            .map(|u| u.email),
        None => None,
    };
    Ok(InviteLink {
        org_name: org.name,
        email: invite.email,
        signed_in_as,
    })
}

/// Accepts an invitation through its mailed link (which proves the address), then to the
/// org's board.
#[server(prefix = "/sfn", endpoint = "accept_invite_link")]
pub async fn accept_invite_link(token: String) -> Result<(), ServerFnError> {
    use super::ssr::*;
    let cx = caller()?;
    let org = services::invite::accept_link(&cx.svc, &cx.actor, &token)
        .await
        .map_err(fail)?;
    leptos_axum::redirect(&format!("/orgs/{}/tasks", org.slug));
    Ok(())
}
