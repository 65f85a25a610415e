//! Signing in through other sites: a real OpenID provider (npm `oidc-provider`, started
//! here), a stand-in for GitHub's token and user endpoints, account linking, and the
//! return to where the user came from — never to another site.

use crate::common;

use axum::extract::{Form, State};
use axum::http::HeaderMap;
use axum::routing::{get, post};
use common::{Backend, TestApp, closed_port as free_port};
use reqwest::StatusCode;
use serde_json::{Value, json};
use server::config::{OidcProviderConfig, Secret};
use std::collections::HashMap;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, BufReader};

/// A browser, reduced to what these flows need: no automatic redirects, and cookies kept
/// per port (the provider and the app are both on 127.0.0.1), so a test can read and
/// tamper with them.
struct Browser {
    http: reqwest::Client,
    jar: HashMap<u16, HashMap<String, String>>,
}

struct Answer {
    status: StatusCode,
    location: Option<String>,
    body: String,
}

impl Browser {
    fn new() -> Self {
        Self {
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            jar: HashMap::new(),
        }
    }

    fn port_of(url: &str) -> u16 {
        reqwest::Url::parse(url).unwrap().port().unwrap()
    }

    fn cookie(&self, url: &str, name: &str) -> Option<String> {
        self.jar.get(&Self::port_of(url))?.get(name).cloned()
    }

    fn set_cookie(&mut self, url: &str, name: &str, value: &str) {
        self.jar
            .entry(Self::port_of(url))
            .or_default()
            .insert(name.into(), value.into());
    }

    async fn send(&mut self, request: reqwest::RequestBuilder, url: &str) -> Answer {
        let port = Self::port_of(url);
        let cookies = self
            .jar
            .get(&port)
            .map(|c| {
                c.iter()
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect::<Vec<_>>()
                    .join("; ")
            })
            .unwrap_or_default();
        let request = if cookies.is_empty() {
            request
        } else {
            request.header("cookie", cookies)
        };
        let res = request.send().await.unwrap();
        for set in res.headers().get_all("set-cookie") {
            let set = set.to_str().unwrap();
            let (pair, attrs) = set.split_once(';').unwrap_or((set, ""));
            let (name, value) = pair.split_once('=').unwrap();
            let jar = self.jar.entry(port).or_default();
            if value.is_empty() || attrs.contains("Max-Age=0") {
                jar.remove(name.trim());
            } else {
                jar.insert(name.trim().to_string(), value.to_string());
            }
        }
        let status = res.status();
        let location = res
            .headers()
            .get("location")
            .map(|v| v.to_str().unwrap().to_string());
        Answer {
            status,
            location,
            body: res.text().await.unwrap(),
        }
    }

    async fn get(&mut self, url: &str) -> Answer {
        let request = self.http.get(url);
        self.send(request, url).await
    }
}

/// The test OpenID provider, stopped when dropped.
struct Provider {
    issuer: String,
    _child: tokio::process::Child,
}

fn provider_script() -> Option<std::path::PathBuf> {
    let end2end = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../end2end");
    end2end
        .join("node_modules/oidc-provider")
        .is_dir()
        .then(|| end2end.join("oidc-provider.mjs"))
}

/// Starts the provider for an app, or None (with one SKIPPED line) when node or the npm
/// package is missing (`make node-tools` installs it; CI always has it).
async fn start_provider(port: u16, app: &TestApp, code_ttl_secs: u32) -> Option<Provider> {
    let Some(script) = provider_script() else {
        println!("SKIPPED: oidc-provider is not installed (make node-tools)");
        return None;
    };
    let mut child = tokio::process::Command::new("node")
        .arg(script)
        .env("OIDC_PORT", port.to_string())
        .env(
            "OIDC_REDIRECT_URI",
            format!("{}/api/auth/callback/test", app.base),
        )
        .env("OIDC_CODE_TTL", code_ttl_secs.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("node runs");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    tokio::time::timeout(Duration::from_secs(30), async {
        while let Some(line) = lines.next_line().await.unwrap() {
            if line.contains("ready") {
                return;
            }
        }
        panic!("the provider exited before it was ready");
    })
    .await
    .expect("the provider starts");
    Some(Provider {
        issuer: format!("http://127.0.0.1:{port}"),
        _child: child,
    })
}

/// An app configured with the provider `test` at `port` (discovery is lazy, so the provider
/// may start after the app).
async fn app_with_provider(port: u16) -> TestApp {
    TestApp::spawn_with(Backend::Sqlite, |config| {
        config.oidc_providers = vec![OidcProviderConfig {
            name: "test".into(),
            display_name: "Test ID".into(),
            issuer: format!("http://127.0.0.1:{port}"),
            client_id: "test-client".into(),
            client_secret: Secret::new("test-secret"),
            scopes: vec!["openid".into(), "email".into(), "profile".into()],
        }];
    })
    .await
}

/// Starts a flow at the app and goes through the provider's login and consent pages as
/// `login`; returns the callback URL the provider sends the browser back to.
async fn through_provider(
    browser: &mut Browser,
    app: &TestApp,
    provider: &Provider,
    login: &str,
    return_to: &str,
) -> String {
    let start = format!(
        "{}/api/auth/oauth/test/start?returnTo={}",
        app.base,
        urlencode(return_to)
    );
    let answer = browser.get(&start).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    let mut url = answer.location.unwrap();
    assert!(url.starts_with(&provider.issuer), "to the provider: {url}");
    assert!(url.contains("code_challenge="), "PKCE is used: {url}");
    assert!(url.contains("nonce="), "a nonce is sent: {url}");
    let callback = format!("{}/api/auth/callback/test", app.base);
    for _ in 0..12 {
        if url.starts_with(&callback) {
            return url;
        }
        if url.starts_with('/') {
            url = format!("{}{url}", provider.issuer);
        }
        let answer = browser.get(&url).await;
        if let Some(next) = answer.location {
            url = next;
            continue;
        }
        // An interaction page: log in, or consent.
        let action = answer
            .body
            .split("action=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .expect("an interaction form")
            .to_string();
        let action = if action.starts_with('/') {
            format!("{}{action}", provider.issuer)
        } else {
            action
        };
        let form: Vec<(&str, &str)> = if answer.body.contains(r#"name="prompt" value="login""#) {
            vec![("prompt", "login"), ("login", login), ("password", "any")]
        } else {
            vec![("prompt", "consent")]
        };
        let request = browser.http.post(&action).form(&form);
        let answer = browser.send(request, &action).await;
        url = answer.location.expect("the interaction redirects");
    }
    panic!("the provider never sent the browser back");
}

fn urlencode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

async fn session_of(app: &TestApp, browser: &Browser) -> Option<Value> {
    let token = browser.cookie(&app.base, "sayr_session")?;
    let (status, body) = app
        .get(
            "/api/auth/session",
            Some(&common::Session {
                token,
                user: Value::Null,
            }),
        )
        .await;
    (status == StatusCode::OK).then_some(body)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_openid_code_flow_with_pkce_signs_in_and_returns_where_it_started() {
    let port = free_port();
    let app = app_with_provider(port).await;
    let Some(provider) = start_provider(port, &app, 60).await else {
        return;
    };
    let mut browser = Browser::new();
    let callback = through_provider(
        &mut browser,
        &app,
        &provider,
        "alice",
        "/orgs/acme/tasks?x=1",
    )
    .await;
    let finished = browser.get(&callback).await;
    assert_eq!(finished.status, StatusCode::SEE_OTHER);
    assert_eq!(finished.location.as_deref(), Some("/login/auth-check"));
    let me = session_of(&app, &browser).await.expect("signed in");
    assert_eq!(me["user"]["email"], "alice@example.test");
    assert_eq!(me["user"]["name"], "Alice Tester");
    assert_eq!(
        me["user"]["siteAdmin"], true,
        "the first account is site admin"
    );
    assert!(
        browser.cookie(&app.base, "sayr_oauth").is_none(),
        "the flow cookie is cleared"
    );

    let back = browser.get(&format!("{}/login/auth-check", app.base)).await;
    assert_eq!(back.status, StatusCode::SEE_OTHER);
    assert_eq!(back.location.as_deref(), Some("/orgs/acme/tasks?x=1"));
    assert!(browser.cookie(&app.base, "login_origin").is_none());

    // The same identity again is the same account, not a second one.
    let mut again = Browser::new();
    let callback = through_provider(&mut again, &app, &provider, "alice", "/").await;
    again.get(&callback).await;
    let me_again = session_of(&app, &again).await.expect("signed in again");
    assert_eq!(me_again["user"]["id"], me["user"]["id"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tampered_state_a_wrong_nonce_and_a_used_or_made_up_code_are_refused() {
    let port = free_port();
    let app = app_with_provider(port).await;
    let Some(provider) = start_provider(port, &app, 60).await else {
        return;
    };
    let refused = |answer: &Answer, code: &str| {
        assert_eq!(answer.status, StatusCode::SEE_OTHER);
        assert_eq!(
            answer.location.as_deref(),
            Some(format!("/login?error={code}").as_str())
        );
    };

    // Tampered state.
    let mut browser = Browser::new();
    let callback = through_provider(&mut browser, &app, &provider, "mallory", "/").await;
    let tampered = callback.replace("state=", "state=x");
    refused(&browser.get(&tampered).await, "oauth_state");
    assert!(session_of(&app, &browser).await.is_none());

    // No flow cookie at all (a callback link sent by someone else).
    let mut stranger = Browser::new();
    refused(&stranger.get(&callback).await, "oauth_state");
    assert!(session_of(&app, &stranger).await.is_none());

    // Wrong nonce: the ID token carries the nonce of the flow that was started, not this.
    let mut browser = Browser::new();
    let callback = through_provider(&mut browser, &app, &provider, "mallory", "/").await;
    let flow = browser.cookie(&app.base, "sayr_oauth").unwrap();
    let mut parts: Vec<&str> = flow.split('.').collect();
    let other_nonce = "bm90LXRoZS1ub25jZS10aGF0LXdhcy1zZW50";
    parts[2] = other_nonce;
    browser.set_cookie(&app.base, "sayr_oauth", &parts.join("."));
    refused(&browser.get(&callback).await, "oauth_failed");
    assert!(session_of(&app, &browser).await.is_none());

    // A code used once is not accepted again, even with the right flow cookie.
    let mut browser = Browser::new();
    let callback = through_provider(&mut browser, &app, &provider, "mallory", "/").await;
    let flow = browser.cookie(&app.base, "sayr_oauth").unwrap();
    assert_eq!(
        browser.get(&callback).await.location.as_deref(),
        Some("/login/auth-check")
    );
    let mut replay = Browser::new();
    replay.set_cookie(&app.base, "sayr_oauth", &flow);
    refused(&replay.get(&callback).await, "oauth_failed");
    assert!(session_of(&app, &replay).await.is_none());

    // A made-up code.
    let mut browser = Browser::new();
    let callback = through_provider(&mut browser, &app, &provider, "mallory", "/").await;
    let (before, _) = callback.split_once("code=").unwrap();
    let rest = callback.split_once("code=").unwrap().1;
    let after = rest
        .split_once('&')
        .map(|(_, a)| format!("&{a}"))
        .unwrap_or_default();
    let made_up = format!("{before}code=not-a-code{after}");
    refused(&browser.get(&made_up).await, "oauth_failed");
    assert!(session_of(&app, &browser).await.is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_code_is_refused() {
    let port = free_port();
    let app = app_with_provider(port).await;
    let Some(provider) = start_provider(port, &app, 1).await else {
        return;
    };
    let mut browser = Browser::new();
    let callback = through_provider(&mut browser, &app, &provider, "slowpoke", "/").await;
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let answer = browser.get(&callback).await;
    assert_eq!(
        answer.location.as_deref(),
        Some("/login?error=oauth_failed")
    );
    assert!(session_of(&app, &browser).await.is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_verified_address_links_and_an_unverified_one_does_not() {
    let port = free_port();
    let app = app_with_provider(port).await;
    let Some(provider) = start_provider(port, &app, 60).await else {
        return;
    };
    // bob has a password account; the provider vouches for bob@example.test.
    let bob = app.sign_up("bob@example.test").await;
    let mut browser = Browser::new();
    let callback = through_provider(&mut browser, &app, &provider, "bob", "/").await;
    browser.get(&callback).await;
    let me = session_of(&app, &browser).await.expect("signed in");
    assert_eq!(
        me["user"]["id"], bob.user["id"],
        "linked to the existing account"
    );
    let (_, linked) = app.get("/api/auth/accounts", Some(&bob)).await;
    assert_eq!(linked[0]["provider"], "test");

    // The provider does not vouch for unverified1@example.test: no takeover.
    let owner = app.sign_up("unverified1@example.test").await;
    let mut browser = Browser::new();
    let callback = through_provider(&mut browser, &app, &provider, "unverified1", "/").await;
    let answer = browser.get(&callback).await;
    assert_eq!(
        answer.location.as_deref(),
        Some("/login?error=account_conflict")
    );
    assert!(session_of(&app, &browser).await.is_none());
    let (_, linked) = app.get("/api/auth/accounts", Some(&owner)).await;
    assert_eq!(linked, json!([]));

    // The attack: someone registered carol@example.test with a password before carol ever
    // came; when carol arrives through the provider (which vouches for her address), her
    // identity is not linked to that account, whose password would still open it.
    let squatter = app.sign_up_unverified("carol@example.test").await;
    let mut browser = Browser::new();
    let callback = through_provider(&mut browser, &app, &provider, "carol", "/").await;
    let answer = browser.get(&callback).await;
    assert_eq!(
        answer.location.as_deref(),
        Some("/login?error=email_unproven")
    );
    assert!(session_of(&app, &browser).await.is_none());
    let (_, linked) = app.get("/api/auth/accounts", Some(&squatter)).await;
    assert_eq!(
        linked,
        json!([]),
        "the squatter's account holds no identity of carol's"
    );
}

// ---- GitHub, against a stand-in for its token and user endpoints ----

#[derive(Default)]
struct GitHubLog {
    verifiers: Vec<String>,
}

/// Serves `/login/oauth/access_token`, `/user` and `/user/emails` like GitHub does, for the
/// users `octo` (verified address), `octo2` (another verified address) and `hidden`
/// (only an unverified address). A code is `good-<user>`.
async fn github_stand_in() -> (String, Arc<Mutex<GitHubLog>>) {
    #[derive(serde::Deserialize)]
    struct TokenForm {
        client_id: String,
        client_secret: String,
        code: String,
        code_verifier: Option<String>,
    }
    let log = Arc::new(Mutex::new(GitHubLog::default()));
    let token = |State(log): State<Arc<Mutex<GitHubLog>>>, Form(form): Form<TokenForm>| async move {
        if form.client_id != "gh-client" || form.client_secret != "gh-secret" {
            return axum::Json(json!({"error": "incorrect_client_credentials"}));
        }
        log.lock()
            .unwrap()
            .verifiers
            .push(form.code_verifier.unwrap_or_default());
        match form.code.strip_prefix("good-") {
            Some(user) => {
                axum::Json(json!({"access_token": format!("tok-{user}"), "token_type": "bearer"}))
            }
            None => axum::Json(json!({"error": "bad_verification_code"})),
        }
    };
    fn user_of(headers: &HeaderMap) -> Option<String> {
        headers
            .get("authorization")?
            .to_str()
            .ok()?
            .strip_prefix("Bearer tok-")
            .map(str::to_string)
    }
    let user = |headers: HeaderMap| async move {
        match user_of(&headers).as_deref() {
            Some("octo") => (
                StatusCode::OK,
                axum::Json(json!({"id": 1, "login": "octo", "name": "Octo Cat", "email": null})),
            ),
            Some("octo2") => (
                StatusCode::OK,
                axum::Json(json!({"id": 2, "login": "octo2", "name": null, "email": null})),
            ),
            Some("hidden") => (
                StatusCode::OK,
                axum::Json(json!({"id": 3, "login": "hidden", "name": "", "email": null})),
            ),
            _ => (
                StatusCode::UNAUTHORIZED,
                axum::Json(json!({"message": "Bad credentials"})),
            ),
        }
    };
    let emails = |headers: HeaderMap| async move {
        let list = match user_of(&headers).as_deref() {
            Some("octo") => json!([
                {"email": "old@example.test", "primary": false, "verified": false},
                {"email": "octo@example.test", "primary": true, "verified": true}
            ]),
            Some("octo2") => {
                json!([{"email": "octo2@example.test", "primary": true, "verified": true}])
            }
            Some("hidden") => {
                json!([{"email": "carol@example.test", "primary": true, "verified": false}])
            }
            _ => return (StatusCode::UNAUTHORIZED, axum::Json(json!({}))),
        };
        (StatusCode::OK, axum::Json(list))
    };
    let router = axum::Router::new()
        .route("/login/oauth/access_token", post(token))
        .route("/user", get(user))
        .route("/user/emails", get(emails))
        .with_state(log.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    (base, log)
}

async fn app_with_github(backend: Backend, base: &str) -> TestApp {
    let base = base.to_string();
    TestApp::spawn_with(backend, move |config| {
        config.github_client_id = Some("gh-client".into());
        config.github_client_secret = Some(Secret::new("gh-secret"));
        config.github_oauth_url = base.clone();
        config.github_api_url = base;
    })
    .await
}

/// Starts a GitHub flow (as `session`, if given) and comes back with `code`.
async fn github_flow(app: &TestApp, browser: &mut Browser, stand_in: &str, code: &str) -> Answer {
    let start = browser
        .get(&format!(
            "{}/api/auth/oauth/github/start?returnTo=/settings/account",
            app.base
        ))
        .await;
    let to = start.location.expect("to GitHub");
    assert!(
        to.starts_with(&format!("{stand_in}/login/oauth/authorize?")),
        "{to}"
    );
    assert!(to.contains("client_id=gh-client") && to.contains("code_challenge="));
    let state = reqwest::Url::parse(&to)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "state")
        .unwrap()
        .1
        .into_owned();
    browser
        .get(&format!(
            "{}/api/auth/callback/github?code={code}&state={state}",
            app.base
        ))
        .await
}

async fn github_sign_in_creates_then_reuses_the_account(backend: Backend) {
    let (stand_in, log) = github_stand_in().await;
    let app = app_with_github(backend, &stand_in).await;
    let mut browser = Browser::new();
    let answer = github_flow(&app, &mut browser, &stand_in, "good-octo").await;
    assert_eq!(answer.location.as_deref(), Some("/login/auth-check"));
    let me = session_of(&app, &browser).await.expect("signed in");
    assert_eq!(
        me["user"]["email"], "octo@example.test",
        "the primary verified address"
    );
    assert_eq!(me["user"]["name"], "Octo Cat");
    assert!(
        log.lock().unwrap().verifiers.iter().all(|v| v.len() >= 43),
        "the PKCE verifier reaches the token endpoint"
    );
    let back = browser.get(&format!("{}/login/auth-check", app.base)).await;
    assert_eq!(back.location.as_deref(), Some("/settings/account"));

    let mut again = Browser::new();
    github_flow(&app, &mut again, &stand_in, "good-octo").await;
    let me_again = session_of(&app, &again).await.expect("signed in again");
    assert_eq!(me_again["user"]["id"], me["user"]["id"]);

    // Refused codes and refused users sign nobody in.
    let mut browser = Browser::new();
    let answer = github_flow(&app, &mut browser, &stand_in, "bad").await;
    assert_eq!(
        answer.location.as_deref(),
        Some("/login?error=oauth_failed")
    );
    let answer = github_flow(&app, &mut browser, &stand_in, "good-nobody").await;
    assert_eq!(
        answer.location.as_deref(),
        Some("/login?error=oauth_failed")
    );
    assert!(session_of(&app, &browser).await.is_none());

    // The only way into a password-less account cannot be disconnected.
    let session = common::Session {
        token: again.cookie(&app.base, "sayr_session").unwrap(),
        user: Value::Null,
    };
    let (_, linked) = app.get("/api/auth/accounts", Some(&session)).await;
    let id = linked[0]["id"].as_str().unwrap().to_string();
    let (status, _) = app
        .request(
            reqwest::Method::DELETE,
            &format!("/api/auth/accounts/{id}"),
            None,
            Some(&session),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
}

/// With a second factor on, the callback sets no cookie and sends the browser to the page
/// that asks for the code, with where the sign-in started.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_provider_sign_in_stops_at_the_second_factor() {
    let (stand_in, _) = github_stand_in().await;
    let app = app_with_github(Backend::Sqlite, &stand_in).await;
    app.sign_up("root@example.test").await;
    let mut browser = Browser::new();
    github_flow(&app, &mut browser, &stand_in, "good-octo").await;
    let session = common::Session {
        token: browser.cookie(&app.base, "sayr_session").unwrap(),
        user: Value::Null,
    };
    let (secret, _) = crate::two_factor::turn_on(&app, &session).await;

    let mut again = Browser::new();
    let answer = github_flow(&app, &mut again, &stand_in, "good-octo").await;
    let to = answer.location.expect("a redirect");
    assert!(to.starts_with("/login/2fa?challenge="), "{to}");
    assert!(to.ends_with("&returnTo=%2Fsettings%2Faccount"), "{to}");
    assert!(
        session_of(&app, &again).await.is_none(),
        "no cookie before the code"
    );
    let challenge = reqwest::Url::parse(&format!("{}{to}", app.base))
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "challenge")
        .unwrap()
        .1
        .into_owned();
    let step = crate::two_factor::steady_step(3).await;
    let (status, body) = app
        .post(
            "/api/auth/login/2fa",
            json!({"challenge": challenge, "code": crate::two_factor::totp(&secret, step + 1)}),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["user"]["email"], "octo@example.test");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn github_sign_in_creates_then_reuses_the_account_sqlite() {
    github_sign_in_creates_then_reuses_the_account(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn github_sign_in_creates_then_reuses_the_account_postgres() {
    if common::postgres_url().is_some() {
        github_sign_in_creates_then_reuses_the_account(Backend::Postgres).await;
    }
}

async fn github_connects_to_the_signed_in_account(backend: Backend) {
    let (stand_in, _) = github_stand_in().await;
    let app = app_with_github(backend, &stand_in).await;
    let carol = app.sign_up("carol@example.test").await;
    let mut browser = Browser::new();
    browser.set_cookie(&app.base, "sayr_session", &carol.token);
    let answer = github_flow(&app, &mut browser, &stand_in, "good-octo2").await;
    assert_eq!(answer.location.as_deref(), Some("/login/auth-check"));
    assert_eq!(
        browser.cookie(&app.base, "sayr_session").as_deref(),
        Some(carol.token.as_str()),
        "linking keeps the session"
    );
    let (_, linked) = app.get("/api/auth/accounts", Some(&carol)).await;
    assert_eq!(linked[0]["provider"], "github");
    assert_eq!(linked[0]["email"], "octo2@example.test");

    // Now GitHub signs in to carol's account.
    let mut elsewhere = Browser::new();
    github_flow(&app, &mut elsewhere, &stand_in, "good-octo2").await;
    let me = session_of(&app, &elsewhere).await.expect("signed in");
    assert_eq!(me["user"]["id"], carol.user["id"]);

    // The same identity cannot be connected to a second account.
    let dave = app.sign_up("dave@example.test").await;
    let mut browser = Browser::new();
    browser.set_cookie(&app.base, "sayr_session", &dave.token);
    let answer = github_flow(&app, &mut browser, &stand_in, "good-octo2").await;
    assert_eq!(
        answer.location.as_deref(),
        Some("/login?error=account_conflict")
    );

    // An unverified GitHub address that matches carol's account does not open it, nor
    // does it make an account: GitHub's unverified addresses are not used at all.
    let mut stranger = Browser::new();
    let answer = github_flow(&app, &mut stranger, &stand_in, "good-hidden").await;
    assert_eq!(answer.location.as_deref(), Some("/login?error=no_email"));
    assert!(session_of(&app, &stranger).await.is_none());

    // carol has a password, so she may disconnect GitHub.
    let id = linked[0]["id"].as_str().unwrap().to_string();
    let (status, _) = app
        .request(
            reqwest::Method::DELETE,
            &format!("/api/auth/accounts/{id}"),
            None,
            Some(&carol),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, linked) = app.get("/api/auth/accounts", Some(&carol)).await;
    assert_eq!(linked, json!([]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn github_connects_to_the_signed_in_account_sqlite() {
    github_connects_to_the_signed_in_account(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn github_connects_to_the_signed_in_account_postgres() {
    if common::postgres_url().is_some() {
        github_connects_to_the_signed_in_account(Backend::Postgres).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closed_sign_up_admits_no_new_account_through_a_provider() {
    let (stand_in, _) = github_stand_in().await;
    let base = stand_in.clone();
    let app = TestApp::spawn_with(Backend::Sqlite, move |config| {
        config.signup = false;
        config.github_client_id = Some("gh-client".into());
        config.github_client_secret = Some(Secret::new("gh-secret"));
        config.github_oauth_url = base.clone();
        config.github_api_url = base;
    })
    .await;
    app.sign_up("first@example.test").await; // the first account is always allowed
    let mut browser = Browser::new();
    let answer = github_flow(&app, &mut browser, &stand_in, "good-octo").await;
    assert_eq!(
        answer.location.as_deref(),
        Some("/login?error=signup_closed")
    );
    assert!(session_of(&app, &browser).await.is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_provider_is_not_found() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let (status, body) = app.get("/api/auth/oauth/nope/start", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["error"]["code"], "not_found");
    let (status, _) = app.get("/api/auth/oauth/github/start", None).await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "GitHub is off until configured"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_return_address_never_leaves_the_instance() {
    let (stand_in, _) = github_stand_in().await;
    let app = app_with_github(Backend::Sqlite, &stand_in).await;
    let host = app.addr.to_string();
    let attempts = [
        "//evil.example",
        "//evil.example/orgs",
        "https://evil.example",
        "http://evil.example/login/auth-check",
        "/\\evil.example",
        "\\/evil.example",
        "/\t/evil.example",
        "https:evil.example",
        "javascript:alert(1)",
        "%2F%2Fevil.example",
        "%2f%2fevil.example",
        "https%3A%2F%2Fevil.example",
        "%252F%252Fevil.example",
        "//evil.example%2F@127.0.0.1",
        "https://127.0.0.1@evil.example/",
        "http://evil.example\\@127.0.0.1/",
    ];
    for attempt in attempts {
        // Through the start endpoint, as a link would carry it …
        let mut browser = Browser::new();
        browser
            .get(&format!(
                "{}/api/auth/oauth/github/start?returnTo={}",
                app.base,
                urlencode(attempt)
            ))
            .await;
        let back = browser.get(&format!("{}/login/auth-check", app.base)).await;
        assert_eq!(back.location.as_deref(), Some("/"), "returnTo {attempt:?}");
        // … and as a cookie planted some other way (the check happens on reading too).
        let mut browser = Browser::new();
        browser.set_cookie(&app.base, "login_origin", &urlencode(attempt));
        let back = browser.get(&format!("{}/login/auth-check", app.base)).await;
        assert_eq!(back.location.as_deref(), Some("/"), "cookie {attempt:?}");
        let mut browser = Browser::new();
        browser.set_cookie(&app.base, "login_origin", attempt);
        let back = browser.get(&format!("{}/login/auth-check", app.base)).await;
        assert_eq!(
            back.location.as_deref(),
            Some("/"),
            "raw cookie {attempt:?}"
        );
    }
    // A path, or a full URL of this very instance, is kept.
    let mut browser = Browser::new();
    browser.set_cookie(&app.base, "login_origin", &urlencode("/orgs/acme/tasks"));
    let back = browser.get(&format!("{}/login/auth-check", app.base)).await;
    assert_eq!(back.location.as_deref(), Some("/orgs/acme/tasks"));
    let own = format!("http://{host}/orgs/acme");
    let mut browser = Browser::new();
    browser.set_cookie(&app.base, "login_origin", &urlencode(&own));
    let back = browser.get(&format!("{}/login/auth-check", app.base)).await;
    assert_eq!(back.location.as_deref(), Some(own.as_str()));
    // Started from the login page (its Referer): home, not back to the login page.
    let mut browser = Browser::new();
    let start = format!("{}/api/auth/oauth/github/start", app.base);
    let request = browser
        .http
        .get(&start)
        .header("referer", format!("{}/login", app.base));
    browser.send(request, &start).await;
    let back = browser.get(&format!("{}/login/auth-check", app.base)).await;
    assert_eq!(back.location.as_deref(), Some("/"));
    // Nothing remembered: home.
    let mut browser = Browser::new();
    let back = browser.get(&format!("{}/login/auth-check", app.base)).await;
    assert_eq!(back.location.as_deref(), Some("/"));
}
