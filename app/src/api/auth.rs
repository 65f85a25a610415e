use domain::model::User;
use leptos::prelude::*;

/// Signs in and goes home.
#[server(prefix = "/sfn", endpoint = "login")]
pub async fn login(email: String, password: String) -> Result<User, ServerFnError> {
    use super::ssr::*;
    let svc = services()?;
    let (token, user) = domain::service::session::sign_in(&svc, &email, &password, client_info())
        .await
        .map_err(fail)?;
    set_session_cookie(Some(&token), &svc.settings);
    leptos_axum::redirect("/");
    Ok(user)
}

/// Creates an account, signs it in and goes home.
#[server(prefix = "/sfn", endpoint = "signup")]
pub async fn signup(name: String, email: String, password: String) -> Result<User, ServerFnError> {
    use super::ssr::*;
    let svc = services()?;
    let input = domain::service::user::NewUser {
        email,
        password,
        name,
    };
    let (token, user) = domain::service::session::sign_up(&svc, input, client_info())
        .await
        .map_err(fail)?;
    set_session_cookie(Some(&token), &svc.settings);
    leptos_axum::redirect("/");
    Ok(user)
}

/// Ends this session.
#[server(prefix = "/sfn", endpoint = "logout")]
pub async fn logout() -> Result<(), ServerFnError> {
    use super::ssr::*;
    let svc = services()?;
    let token = use_context::<http::request::Parts>().and_then(|p| {
        p.headers
            .get_all(http::header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(domain::service::session::token_from_cookie_header)
            .map(str::to_string)
    });
    if let Some(token) = token {
        domain::service::session::end(&svc, &token)
            .await
            .map_err(fail)?;
    }
    set_session_cookie(None, &svc.settings);
    leptos_axum::redirect("/login");
    Ok(())
}
