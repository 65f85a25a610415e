use domain::dto::User;
use leptos::prelude::*;

/// Signs in and goes home.
#[server(prefix = "/sfn", endpoint = "login")]
pub async fn login(email: String, password: String) -> Result<User, ServerFnError> {
    use super::ssr::*;
    let cx = caller()?;
    let (token, user) = services::session::sign_in(&cx.svc, &email, &password, cx.client)
        .await
        .map_err(fail)?;
    set_session_cookie(Some(&token));
    leptos_axum::redirect("/");
    Ok(user)
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
