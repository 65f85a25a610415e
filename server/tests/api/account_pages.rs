//! The login and account pages, rendered on the server and used with plain form posts
//! (no JavaScript): provider buttons, sessions, connected accounts, API keys shown once.

use crate::common;

use common::{Backend, TestApp};
use reqwest::StatusCode;
use server::config::Secret;

async fn page(
    app: &TestApp,
    path: &str,
    cookie: Option<&str>,
) -> (StatusCode, String, Vec<String>) {
    let mut req = app.http.get(format!("{}{path}", app.base));
    if let Some(cookie) = cookie {
        req = req.header("cookie", cookie);
    }
    let res = req.send().await.unwrap();
    let set_cookies = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect();
    (res.status(), res.text().await.unwrap(), set_cookies)
}

/// A plain form post to a server function, as a browser without JavaScript sends it.
async fn with_key(app: &TestApp, path: &str, key: &str) -> StatusCode {
    app.http
        .get(format!("{}{path}", app.base))
        .bearer_auth(key)
        .send()
        .await
        .unwrap()
        .status()
}

async fn form(
    app: &TestApp,
    cookie: &str,
    function: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    app.http
        .post(format!("{}/sfn/{function}", app.base))
        .header("cookie", cookie)
        .header("origin", &app.base)
        .header("accept", "text/html")
        .header("referer", format!("{}/settings/account", app.base))
        .form(fields)
        .send()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_login_page_offers_each_configured_provider() {
    let app = TestApp::spawn_with(Backend::Sqlite, |config| {
        config.github_client_id = Some("id".into());
        config.github_client_secret = Some(Secret::new("secret"));
        config.oidc_providers = vec![server::config::OidcProviderConfig {
            name: "corp".into(),
            display_name: "Corp SSO".into(),
            issuer: "http://127.0.0.1:9".into(),
            client_id: "c".into(),
            client_secret: Secret::new("s"),
            scopes: vec!["openid".into()],
        }];
    })
    .await;
    let (status, html, _) = page(&app, "/login?returnTo=/orgs/acme/tasks", None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains(r#"href="/api/auth/oauth/github/start?returnTo=/orgs/acme/tasks""#),
        "{html}"
    );
    assert!(html.contains("Continue with <!>GitHub"), "{html}");
    assert!(html.contains(r#"href="/api/auth/oauth/corp/start?returnTo=/orgs/acme/tasks""#));
    assert!(html.contains("Corp SSO"));

    let (_, html, _) = page(&app, "/login?error=account_conflict", None).await;
    assert!(html.contains("An account with this e-mail already exists"));

    // Without providers there are no buttons.
    let plain = TestApp::spawn(Backend::Sqlite).await;
    let (_, html, _) = page(&plain, "/login", None).await;
    assert!(!html.contains("/api/auth/oauth/"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_and_keys_are_managed_without_javascript() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let ada = app.sign_up("ada@example.test").await;
    let cookie = ada.cookie();

    let (status, html, _) = page(&app, "/settings/account", Some(&cookie)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("ada@example.test"));
    assert!(html.contains("this session"));

    // Create a key: the page after the redirect shows it once.
    let res = form(&app, &cookie, "create_api_key", &[("name", "CI")]).await;
    assert!(res.status().is_redirection(), "{}", res.status());
    let flash = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|c| c.starts_with("sayr_new_key="))
        .expect("the new key travels to the next page");
    assert!(flash.contains("HttpOnly") && flash.contains("SameSite=Strict"));
    let key = flash
        .split(';')
        .next()
        .unwrap()
        .trim_start_matches("sayr_new_key=")
        .to_string();
    assert!(key.starts_with("sayr_"));
    let with_flash = format!("{cookie}; sayr_new_key={key}");
    let (_, html, cleared) = page(&app, "/settings/account", Some(&with_flash)).await;
    assert!(html.contains(&key), "shown once");
    assert!(
        cleared.iter().any(|c| c.starts_with("sayr_new_key=;")),
        "then forgotten"
    );
    let (_, html, _) = page(&app, "/settings/account", Some(&cookie)).await;
    assert!(!html.contains(&key), "never again");
    assert!(html.contains("CI"));

    // The key works, then is deleted from the page and stops working.
    assert_eq!(with_key(&app, "/api/v1/me", &key).await, StatusCode::OK);
    let (_, keys) = app.get("/api/v1/me/api-keys", Some(&ada)).await;
    let id = keys[0]["id"].as_str().unwrap().to_string();
    let res = form(&app, &cookie, "delete_api_key", &[("id", &id)]).await;
    assert!(res.status().is_redirection());
    assert_eq!(
        with_key(&app, "/api/v1/me", &key).await,
        StatusCode::UNAUTHORIZED
    );

    // Another session is revoked from the page.
    let (_, other) = {
        let res = app
            .http
            .post(format!("{}/api/auth/login", app.base))
            .json(&serde_json::json!({"email": "ada@example.test", "password": "correct horse battery"}))
            .send()
            .await
            .unwrap();
        let set = res.headers()["set-cookie"].to_str().unwrap().to_string();
        (res.status(), set.split(';').next().unwrap().to_string())
    };
    let (_, sessions) = app.get("/api/auth/sessions", Some(&ada)).await;
    let other_id = sessions
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["current"] == false)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let res = form(&app, &cookie, "revoke_session", &[("id", &other_id)]).await;
    assert!(res.status().is_redirection());
    let (status, _, _) = page(&app, "/settings/account", Some(&other)).await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "the revoked session sees no account"
    );

    // Someone else's session is not mine to revoke.
    let current_id = sessions
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["current"] == true)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let eve = app.sign_up("eve@example.test").await;
    let res = form(
        &app,
        &eve.cookie(),
        "revoke_session",
        &[("id", &current_id)],
    )
    .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let (status, _, _) = page(&app, "/settings/account", Some(&cookie)).await;
    assert_eq!(status, StatusCode::OK, "ada is still signed in");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_account_page_needs_a_session() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let (status, html, _) = page(&app, "/settings/account", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(html.contains("Sign in to see your account"));
}
