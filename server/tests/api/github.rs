//! The GitHub App against a stand-in GitHub API and GitHub's own example deliveries (npm
//! `@octokit/webhooks-examples`, which `make test` installs), signed with the test secret.
//! The stand-in checks that every App JWT is signed with the configured key, answers the
//! installation and repository lookups, and records the issues Sayr opens and edits.

use crate::common::{Backend, Session, TestApp, postgres_url, within_limit};
use axum::extract::{Path as AxPath, State};
use axum::http::HeaderMap;
use axum::routing::{get, patch, post};
use reqwest::{Method, StatusCode};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};
use server::config::Secret;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

const SECRET: &str = "test-webhook-secret";
const APP_ID: &str = "4242";
const SLUG: &str = "sayr-test";
/// The installation the stand-in knows.
const INSTALLATION: i64 = 777;
/// `Codertocat/Hello-World`, the public repository of GitHub's examples.
const HELLO_WORLD: i64 = 186853002;
/// `octo-org/octo-repo`, a private one.
const OCTO_REPO: i64 = 17273051;

fn key_pem() -> &'static str {
    include_str!("github_app_test_key.pem")
}

/// GitHub's example deliveries, by event.
fn examples() -> &'static Vec<Value> {
    static ALL: OnceLock<Vec<Value>> = OnceLock::new();
    ALL.get_or_init(|| {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../end2end/node_modules/@octokit/webhooks-examples/api.github.com/index.json"
        );
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| {
            panic!("{path}: {e}; `make node-tools` installs GitHub's example deliveries")
        });
        serde_json::from_str(&text).expect("the examples parse")
    })
}

/// The first example of `event` (with `action`) on Hello-World, as GitHub sent it.
fn example(event: &str, action: Option<&str>) -> Value {
    examples()
        .iter()
        .find(|e| e["name"] == event)
        .and_then(|e| {
            e["examples"].as_array().unwrap().iter().find(|x| {
                action.is_none_or(|a| x["action"] == a)
                    && (x["repository"].is_null() || x["repository"]["id"] == HELLO_WORLD)
            })
        })
        .cloned()
        .unwrap_or_else(|| panic!("GitHub's examples have {event} {action:?}"))
}

fn sign(body: &[u8], secret: &str) -> String {
    use hmac::Mac;
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(body);
    format!("sha256={}", hex_of(&mac.finalize().into_bytes()))
}

fn hex_of(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Posts a delivery signed with `secret` (none: unsigned).
async fn post_delivery(
    app: &TestApp,
    event: &str,
    delivery: &str,
    body: &[u8],
    secret: Option<&str>,
) -> (StatusCode, Value) {
    let mut req = app
        .http
        .post(format!("{}/api/github/webhook", app.base))
        .header("content-type", "application/json")
        .header("x-github-event", event)
        .header("x-github-delivery", delivery)
        .body(body.to_vec());
    if let Some(secret) = secret {
        req = req.header("x-hub-signature-256", sign(body, secret));
    }
    let res = req.send().await.unwrap();
    let status = res.status();
    let text = res.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

/// Posts a delivery signed with the right secret and waits until its work is done.
async fn deliver(app: &TestApp, event: &str, payload: &Value) {
    let delivery = uuid::Uuid::new_v4().to_string();
    let body = serde_json::to_vec(payload).unwrap();
    let (status, answer) = post_delivery(app, event, &delivery, &body, Some(SECRET)).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{event}: {answer}");
    settle(app).await;
}

/// Waits until no GitHub or notification job is queued or running, and fails on a GitHub
/// job that died (with its error).
async fn settle(app: &TestApp) {
    use entity::job;
    let db = app.db().await;
    let kinds = ["github_delivery", "github_sync_issue", "notify"];
    for _ in 0..400 {
        let pending = job::Entity::find()
            .filter(job::Column::Kind.is_in(kinds))
            .filter(job::Column::Status.ne("dead"))
            .count(&db)
            .await
            .unwrap();
        if pending == 0 {
            let dead = job::Entity::find()
                .filter(job::Column::Kind.is_in(kinds))
                .filter(job::Column::Status.eq("dead"))
                .all(&db)
                .await
                .unwrap();
            assert!(
                dead.is_empty(),
                "jobs died: {:?}",
                dead.iter()
                    .map(|j| (&j.kind, &j.last_error))
                    .collect::<Vec<_>>()
            );
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the GitHub jobs did not finish");
}

/// What the stand-in saw.
#[derive(Default)]
struct Log {
    /// Method, path and body of every call made with an installation token.
    calls: Vec<(String, String, Value)>,
    /// App JWTs that verified, and ones that did not.
    good_jwts: usize,
    bad_jwts: usize,
    /// Issues the stand-in "opened", numbered from 100.
    opened: i64,
    /// Issue edits to refuse with GitHub's rate-limit answer (403, no calls left, reset in
    /// a second) before answering again.
    limit_next: u32,
}

struct Stand {
    base: String,
    log: Arc<Mutex<Log>>,
}

impl Stand {
    fn calls(&self, method: &str) -> Vec<(String, Value)> {
        self.log
            .lock()
            .unwrap()
            .calls
            .iter()
            .filter(|(m, _, _)| m == method)
            .map(|(_, p, b)| (p.clone(), b.clone()))
            .collect()
    }
}

/// Whether `Authorization: Bearer <jwt>` is an App JWT signed with the test key, issued by
/// the test App and unexpired.
fn jwt_valid(headers: &HeaderMap) -> bool {
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let Some(jwt) = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
    else {
        return false;
    };
    let parts: Vec<&str> = jwt.split('.').collect();
    if parts.len() != 3 {
        return false;
    }
    let key = services::github::client::parse_key(key_pem()).unwrap();
    let public = ring::signature::UnparsedPublicKey::new(
        &ring::signature::RSA_PKCS1_2048_8192_SHA256,
        key.public().as_ref().to_vec(),
    );
    let Ok(signature) = URL_SAFE_NO_PAD.decode(parts[2]) else {
        return false;
    };
    if public
        .verify(format!("{}.{}", parts[0], parts[1]).as_bytes(), &signature)
        .is_err()
    {
        return false;
    }
    let claims: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap_or_default())
            .unwrap_or_default();
    let now = chrono::Utc::now().timestamp();
    claims["iss"] == APP_ID && claims["exp"].as_i64().is_some_and(|exp| exp > now)
}

fn token_ok(headers: &HeaderMap) -> bool {
    headers.get("authorization").and_then(|v| v.to_str().ok())
        == Some(&format!("Bearer ghs-{INSTALLATION}"))
}

/// A stand-in for GitHub's API as the App uses it.
async fn stand_in() -> Stand {
    type Shared = State<Arc<Mutex<Log>>>;
    let log = Arc::new(Mutex::new(Log::default()));
    let jwt_check = |log: &Arc<Mutex<Log>>, headers: &HeaderMap| {
        let ok = jwt_valid(headers);
        let mut log = log.lock().unwrap();
        if ok {
            log.good_jwts += 1
        } else {
            log.bad_jwts += 1
        }
        ok
    };
    let installation = move |State(log): Shared, headers: HeaderMap, AxPath(id): AxPath<i64>| async move {
        if !jwt_check(&log, &headers) {
            return (
                StatusCode::UNAUTHORIZED,
                axum::Json(json!({"message": "bad JWT"})),
            );
        }
        if id != INSTALLATION {
            return (
                StatusCode::NOT_FOUND,
                axum::Json(json!({"message": "Not Found"})),
            );
        }
        (
            StatusCode::OK,
            axum::Json(json!({"id": id, "app_id": 4242,
                "account": {"login": "acme-gh", "type": "Organization"}})),
        )
    };
    let token = move |State(log): Shared, headers: HeaderMap, AxPath(id): AxPath<i64>| async move {
        if !jwt_check(&log, &headers) || id != INSTALLATION {
            return (
                StatusCode::UNAUTHORIZED,
                axum::Json(json!({"message": "bad JWT"})),
            );
        }
        let expires = chrono::Utc::now() + chrono::Duration::hours(1);
        (
            StatusCode::CREATED,
            axum::Json(json!({"token": format!("ghs-{id}"), "expires_at": expires})),
        )
    };
    let repositories = |headers: HeaderMap| async move {
        if !token_ok(&headers) {
            return (
                StatusCode::UNAUTHORIZED,
                axum::Json(json!({"message": "Bad credentials"})),
            );
        }
        (
            StatusCode::OK,
            axum::Json(json!({"total_count": 2, "repositories": [
                {"id": HELLO_WORLD, "full_name": "Codertocat/Hello-World", "private": false, "default_branch": "master"},
                {"id": OCTO_REPO, "full_name": "octo-org/octo-repo", "private": true, "default_branch": "main"},
            ]})),
        )
    };
    let open_issue = |State(log): Shared,
                      headers: HeaderMap,
                      AxPath((owner, repo)): AxPath<(String, String)>,
                      axum::Json(body): axum::Json<Value>| async move {
        if !token_ok(&headers) {
            return (
                StatusCode::UNAUTHORIZED,
                axum::Json(json!({"message": "Bad credentials"})),
            );
        }
        let mut log = log.lock().unwrap();
        let path = format!("/repos/{owner}/{repo}/issues");
        log.calls.push(("POST".into(), path, body));
        log.opened += 1;
        let number = 99 + log.opened;
        (
            StatusCode::CREATED,
            axum::Json(json!({"number": number, "state": "open",
                "html_url": format!("https://github.com/{owner}/{repo}/issues/{number}")})),
        )
    };
    let edit_issue = |State(log): Shared,
                      headers: HeaderMap,
                      AxPath((owner, repo, number)): AxPath<(String, String, i64)>,
                      axum::Json(body): axum::Json<Value>| async move {
        if !token_ok(&headers) {
            return (
                StatusCode::UNAUTHORIZED,
                HeaderMap::new(),
                axum::Json(json!({"message": "Bad credentials"})),
            );
        }
        let state = body["state"].as_str().unwrap_or("open").to_string();
        let path = format!("/repos/{owner}/{repo}/issues/{number}");
        let mut log = log.lock().unwrap();
        if log.limit_next > 0 {
            log.limit_next -= 1;
            log.calls.push(("LIMITED".into(), path, body));
            let reset = (chrono::Utc::now().timestamp() + 1).to_string();
            let mut limited = HeaderMap::new();
            limited.insert("x-ratelimit-remaining", "0".parse().unwrap());
            limited.insert("x-ratelimit-reset", reset.parse().unwrap());
            return (
                StatusCode::FORBIDDEN,
                limited,
                axum::Json(json!({"message": "API rate limit exceeded"})),
            );
        }
        log.calls.push(("PATCH".into(), path, body));
        (
            StatusCode::OK,
            HeaderMap::new(),
            axum::Json(json!({"number": number, "state": state,
                "html_url": format!("https://github.com/{owner}/{repo}/issues/{number}")})),
        )
    };
    let router = axum::Router::new()
        .route("/app/installations/{id}", get(installation))
        .route("/app/installations/{id}/access_tokens", post(token))
        .route("/installation/repositories", get(repositories))
        .route("/repos/{owner}/{repo}/issues", post(open_issue))
        .route("/repos/{owner}/{repo}/issues/{number}", patch(edit_issue))
        .with_state(log.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    Stand { base, log }
}

async fn app_for(backend: Backend, stand: &Stand) -> TestApp {
    let base = stand.base.clone();
    TestApp::spawn_with(backend, move |config| {
        config.github_app_id = Some(APP_ID.into());
        config.github_app_slug = Some(SLUG.into());
        config.github_app_private_key = Some(Secret::new(key_pem()));
        config.github_webhook_secret = Some(Secret::new(SECRET));
        config.github_api_url = base.clone();
        config.github_url = base;
        config.job_retry_scale = 0.01;
    })
    .await
}

/// One test per backend, each with its own stand-in.
macro_rules! github_test {
    ($name:ident, |$app:ident, $stand:ident| $body:block) => {
        mod $name {
            use super::*;
            async fn run($app: TestApp, $stand: Stand) $body

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let stand = stand_in().await;
                let app = app_for(Backend::Sqlite, &stand).await;
                within_limit(None, run(app, stand)).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if postgres_url().is_none() {
                    return;
                }
                let stand = stand_in().await;
                let app = app_for(Backend::Postgres, &stand).await;
                let database = app.database.clone();
                within_limit(database, run(app, stand)).await;
            }
        }
    };
}

/// A redirect's target.
async fn location(app: &TestApp, path: &str, who: &Session) -> (StatusCode, String) {
    let res = app
        .http
        .get(format!("{}{path}", app.base))
        .header("cookie", who.cookie())
        .send()
        .await
        .unwrap();
    let status = res.status();
    let to = res
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_string())
        .unwrap_or_default();
    (status, to)
}

/// The `state` of an install address.
async fn install_state(app: &TestApp, who: &Session) -> String {
    let (status, to) = location(app, "/api/v1/orgs/acme/github/install", who).await;
    assert_eq!(status, StatusCode::FOUND, "{to}");
    assert!(
        to.contains(&format!("/apps/{SLUG}/installations/new?state=")),
        "{to}"
    );
    to.split("state=").nth(1).unwrap().to_string()
}

/// The owner of `acme`, with installation 777 claimed and Hello-World linked (opening issues
/// when `create_issues`).
async fn connected(app: &TestApp, create_issues: bool) -> Session {
    let owner = app.sign_up("owner@example.test").await;
    app.create_org(&owner, "acme").await;
    let state = install_state(app, &owner).await;
    let (status, to) = location(
        app,
        &format!(
            "/api/github/setup?installation_id={INSTALLATION}&setup_action=install&state={state}"
        ),
        &owner,
    )
    .await;
    assert_eq!(status, StatusCode::FOUND, "{to}");
    assert_eq!(to, "/orgs/acme/settings#github");
    let (status, body) = app
        .post(
            "/api/v1/orgs/acme/github/repositories",
            json!({"installationId": INSTALLATION, "repository": "Codertocat/Hello-World",
                   "createIssues": create_issues}),
            Some(&owner),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, body) = app
        .request(
            Method::PATCH,
            "/api/v1/orgs/acme",
            Some(json!({"settings": {"publicPage": true}})),
            Some(&owner),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    owner
}

async fn task(app: &TestApp, who: Option<&Session>, number: i64) -> Value {
    let (status, body) = app
        .get(&format!("/api/v1/orgs/acme/tasks/{number}"), who)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["task"].clone()
}

async fn tasks(app: &TestApp, who: &Session) -> Vec<Value> {
    let (status, body) = app.get("/api/v1/orgs/acme/tasks", Some(who)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["items"].as_array().unwrap().clone()
}

async fn new_task(app: &TestApp, who: &Session, body: Value) -> i64 {
    let (status, res) = app.post("/api/v1/orgs/acme/tasks", body, Some(who)).await;
    assert_eq!(status, StatusCode::CREATED, "{res}");
    res["task"]["number"].as_i64().unwrap()
}

async fn patch_task(app: &TestApp, who: &Session, number: i64, change: Value) -> Value {
    let current = task(app, Some(who), number).await;
    let mut change = change;
    change["version"] = current["version"].clone();
    let (status, body) = app
        .request(
            Method::PATCH,
            &format!("/api/v1/orgs/acme/tasks/{number}"),
            Some(change),
            Some(who),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["task"].clone()
}

async fn github_of(app: &TestApp, who: Option<&Session>, number: i64) -> Value {
    let (status, body) = app
        .get(&format!("/api/v1/orgs/acme/tasks/{number}/github"), who)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

/// The `github` entries of a task's timeline, as `who` sees them.
async fn github_entries(app: &TestApp, who: Option<&Session>, number: i64) -> Vec<Value> {
    let (status, body) = app
        .get(&format!("/api/v1/orgs/acme/tasks/{number}/timeline"), who)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body.as_array()
        .unwrap()
        .iter()
        .filter(|e| e["type"] == "github")
        .cloned()
        .collect()
}

/// GitHub's `issues.opened` example as issue `number`, titled `title`.
fn issue_event(action: &str, number: i64, title: &str) -> Value {
    let mut e = example("issues", Some("opened"));
    e["action"] = json!(action);
    e["issue"]["number"] = json!(number);
    e["issue"]["title"] = json!(title);
    e["issue"]["html_url"] = json!(format!(
        "https://github.com/Codertocat/Hello-World/issues/{number}"
    ));
    e["issue"]["performed_via_github_app"] = Value::Null;
    e["sender"]["login"] = json!("Codertocat");
    e
}

#[tokio::test]
async fn deliveries_are_refused_without_the_app() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let body = serde_json::to_vec(&example("ping", None)).unwrap();
    let (status, _) = post_delivery(&app, "ping", "d-1", &body, Some(SECRET)).await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "an instance without the App has no webhook"
    );
    let owner = app.sign_up("owner@example.test").await;
    app.create_org(&owner, "acme").await;
    let (status, body) = app.get("/api/v1/orgs/acme/github", Some(&owner)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["configured"], false);
    let (status, body) = app
        .get("/api/v1/orgs/acme/github/install", Some(&owner))
        .await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("SAYR_GITHUB_APP_ID"),
        "says how to turn it on: {body}"
    );
}

github_test!(
    only_signed_deliveries_are_taken_and_each_once,
    |app, _stand| {
        let owner = connected(&app, false).await;
        let opened = issue_event("opened", 1, "Signed issue");
        let body = serde_json::to_vec(&opened).unwrap();

        let (status, answer) = post_delivery(&app, "issues", "d-1", &body, None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "unsigned: {answer}");
        assert_eq!(answer["error"]["code"], "unauthenticated");
        let (status, _) = post_delivery(&app, "issues", "d-1", &body, Some("not the secret")).await;
        assert_eq!(
            status,
            StatusCode::UNAUTHORIZED,
            "signed with another secret"
        );
        let mut tampered = body.clone();
        let at = tampered.len() / 2;
        tampered[at] ^= 1;
        let sig = sign(&body, SECRET);
        let res = app
            .http
            .post(format!("{}/api/github/webhook", app.base))
            .header("x-github-event", "issues")
            .header("x-github-delivery", "d-1")
            .header("x-hub-signature-256", sig)
            .body(tampered)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "a changed body");
        settle(&app).await;
        assert!(
            tasks(&app, &owner).await.is_empty(),
            "nothing refused did anything"
        );

        // The same delivery three times (GitHub's redelivery): one task.
        for _ in 0..3 {
            let (status, _) = post_delivery(&app, "issues", "d-1", &body, Some(SECRET)).await;
            assert_eq!(status, StatusCode::ACCEPTED);
        }
        settle(&app).await;
        let list = tasks(&app, &owner).await;
        assert_eq!(list.len(), 1, "{list:?}");
        assert_eq!(list[0]["title"], "Signed issue");
        // A different delivery of the same issue's opening finds its link: still one.
        deliver(&app, "issues", &opened).await;
        assert_eq!(tasks(&app, &owner).await.len(), 1);

        // A repository nobody linked is acknowledged and ignored.
        let mut elsewhere = issue_event("opened", 2, "Elsewhere");
        elsewhere["repository"]["id"] = json!(5);
        deliver(&app, "issues", &elsewhere).await;
        assert_eq!(tasks(&app, &owner).await.len(), 1);

        // Over GitHub's 25 MiB cap: refused before anything.
        let huge = vec![b' '; 25 * 1024 * 1024 + 1];
        let (status, _) = post_delivery(&app, "issues", "d-2", &huge, Some(SECRET)).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    }
);

github_test!(
    the_install_flow_trusts_only_its_own_state_and_github,
    |app, stand| {
        let owner = app.sign_up("owner@example.test").await;
        app.create_org(&owner, "acme").await;
        let member = app.sign_up("member@example.test").await;
        app.add_member(&owner, "acme", &member).await;
        let (status, body) = app
            .get("/api/v1/orgs/acme/github/install", Some(&member))
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");

        let state = install_state(&app, &owner).await;
        let setup = |state: &str, id: i64| {
            format!("/api/github/setup?installation_id={id}&setup_action=install&state={state}")
        };
        // Someone else's link, a changed one, and an installation that is not this App's.
        let (status, _) = location(&app, &setup(&state, INSTALLATION), &member).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "another admin's state");
        let last = state.chars().last().unwrap();
        let forged = format!(
            "{}{}",
            &state[..state.len() - 1],
            if last == '0' { '1' } else { '0' }
        );
        let (status, _) = location(&app, &setup(&forged, INSTALLATION), &owner).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "a changed state");
        let (status, _) = location(&app, &setup(&state, 12345), &owner).await;
        assert_eq!(
            status,
            StatusCode::BAD_REQUEST,
            "not an installation of the App"
        );
        let (_, body) = app.get("/api/v1/orgs/acme/github", Some(&owner)).await;
        assert_eq!(
            body["installations"],
            json!([]),
            "nothing was recorded: {body}"
        );

        // Signed out: to the login page first.
        let res = app
            .http
            .get(format!("{}{}", app.base, setup(&state, INSTALLATION)))
            .header("accept", "text/html")
            .send()
            .await
            .unwrap();
        let to = res.headers()["location"].to_str().unwrap().to_string();
        assert!(to.starts_with("/login?returnTo="), "{to}");

        let (status, to) = location(&app, &setup(&state, INSTALLATION), &owner).await;
        assert_eq!(status, StatusCode::FOUND, "{to}");
        let (_, body) = app.get("/api/v1/orgs/acme/github", Some(&owner)).await;
        assert_eq!(body["configured"], true);
        assert_eq!(body["installations"][0]["id"], INSTALLATION);
        assert_eq!(body["installations"][0]["account"], "acme-gh");
        assert!(stand.log.lock().unwrap().good_jwts >= 1);
        assert_eq!(
            stand.log.lock().unwrap().bad_jwts,
            0,
            "every App JWT verified"
        );

        // Another org cannot claim the same installation.
        app.create_org(&member, "other").await;
        let (_, to) = location(&app, "/api/v1/orgs/other/github/install", &member).await;
        let other_state = to.split("state=").nth(1).unwrap().to_string();
        let (status, _) = location(&app, &setup(&other_state, INSTALLATION), &member).await;
        assert_eq!(status, StatusCode::CONFLICT);

        // Only what the installation reaches can be linked, and only once.
        let (status, reach) = app
            .get(
                &format!("/api/v1/orgs/acme/github/installations/{INSTALLATION}/repositories"),
                Some(&owner),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{reach}");
        assert_eq!(reach.as_array().unwrap().len(), 2);
        let link = |repo: &str| json!({"installationId": INSTALLATION, "repository": repo});
        let (status, body) = app
            .post(
                "/api/v1/orgs/acme/github/repositories",
                link("someone/else"),
                Some(&owner),
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert!(body["error"]["fields"]["repository"].is_string(), "{body}");
        let (status, body) = app
            .post(
                "/api/v1/orgs/acme/github/repositories",
                link("not a name"),
                Some(&owner),
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        let (status, repo) = app
            .post(
                "/api/v1/orgs/acme/github/repositories",
                link("octo-org/octo-repo"),
                Some(&owner),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{repo}");
        assert_eq!(repo["private"], true);
        assert_eq!(repo["createIssues"], false);
        let (status, _) = app
            .post(
                "/api/v1/orgs/acme/github/repositories",
                link("octo-org/octo-repo"),
                Some(&owner),
            )
            .await;
        assert_eq!(status, StatusCode::CONFLICT);
        let (status, _) = app
            .post(
                "/api/v1/orgs/acme/github/repositories",
                link("octo-org/octo-repo"),
                Some(&member),
            )
            .await;
        assert_eq!(
            status,
            StatusCode::FORBIDDEN,
            "a member without manageSettings"
        );
        let id = repo["id"].as_str().unwrap();
        let (status, body) = app
            .request(
                Method::PATCH,
                &format!("/api/v1/orgs/acme/github/repositories/{id}"),
                Some(json!({"createIssues": true, "categoryId": uuid::Uuid::new_v4()})),
                Some(&owner),
            )
            .await;
        assert_eq!(
            status,
            StatusCode::BAD_REQUEST,
            "a category of no org: {body}"
        );
        let (status, body) = app
            .request(
                Method::PATCH,
                &format!("/api/v1/orgs/acme/github/repositories/{id}"),
                Some(json!({"createIssues": true})),
                Some(&owner),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["createIssues"], true);
        let (status, _) = app
            .request(
                Method::DELETE,
                &format!("/api/v1/orgs/acme/github/repositories/{id}"),
                None,
                Some(&owner),
            )
            .await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let (_, list) = app
            .get("/api/v1/orgs/acme/github/repositories", Some(&owner))
            .await;
        assert_eq!(list, json!([]));
    }
);

github_test!(issues_and_tasks_follow_each_other, |app, stand| {
    let owner = connected(&app, true).await;

    // GitHub → Sayr: an issue opened becomes a private task, linked.
    deliver(&app, "issues", &issue_event("opened", 1, "Crash on save")).await;
    let list = tasks(&app, &owner).await;
    assert_eq!(list.len(), 1);
    let number = list[0]["number"].as_i64().unwrap();
    assert_eq!(list[0]["visibility"], "private");
    let gh = github_of(&app, Some(&owner), number).await;
    assert_eq!(gh["issue"]["number"], 1);
    assert_eq!(gh["issue"]["repository"], "Codertocat/Hello-World");
    assert!(
        stand.calls("POST").is_empty(),
        "an issue from GitHub opens no second issue"
    );

    // Edited and closed there: followed here, and on the timeline.
    let mut edited = issue_event("edited", 1, "Crash on save (Windows)");
    edited["issue"]["body"] = json!("Steps: open, save.");
    deliver(&app, "issues", &edited).await;
    let t = task(&app, Some(&owner), number).await;
    assert_eq!(t["title"], "Crash on save (Windows)");
    assert_eq!(t["description"], "Steps: open, save.");
    let mut closed = issue_event("closed", 1, "Crash on save (Windows)");
    closed["issue"]["state"] = json!("closed");
    closed["issue"]["state_reason"] = json!("completed");
    deliver(&app, "issues", &closed).await;
    assert_eq!(task(&app, Some(&owner), number).await["status"], "done");
    deliver(
        &app,
        "issues",
        &issue_event("reopened", 1, "Crash on save (Windows)"),
    )
    .await;
    assert_eq!(task(&app, Some(&owner), number).await["status"], "todo");
    let actions: Vec<String> = github_entries(&app, Some(&owner), number)
        .await
        .iter()
        .map(|e| e["to"]["action"].as_str().unwrap_or_default().to_string())
        .collect();
    for want in [
        "issue_opened",
        "issue_edited",
        "issue_closed",
        "issue_reopened",
    ] {
        assert!(actions.contains(&want.to_string()), "{want} in {actions:?}");
    }
    assert!(
        stand.calls("PATCH").is_empty(),
        "GitHub's own changes are not sent back"
    );

    // A label of the same name, and an assignee whose Sayr account is linked to their GitHub
    // account (a stranger on GitHub assigns nobody here).
    let (status, label) = app
        .post(
            "/api/v1/orgs/acme/labels",
            json!({"name": "bug", "color": "#d00"}),
            Some(&owner),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{label}");
    let mut labeled = issue_event("labeled", 1, "Crash on save (Windows)");
    labeled["label"] = json!({"name": "Bug", "color": "d73a4a"});
    deliver(&app, "issues", &labeled).await;
    let t = task(&app, Some(&owner), number).await;
    assert_eq!(t["labels"][0]["name"], "bug", "{t}");
    {
        use sea_orm::ActiveValue::Set;
        entity::account::Entity::insert(entity::account::ActiveModel {
            id: Set(uuid::Uuid::new_v4()),
            user_id: Set(owner.user["id"].as_str().unwrap().parse().unwrap()),
            provider: Set("github".into()),
            provider_account_id: Set("424242".into()),
            email: Set(None),
            created_at: Set(chrono::Utc::now()),
        })
        .exec(&app.db().await)
        .await
        .unwrap();
    }
    for (who, login) in [(424242, "owner-gh"), (5, "stranger")] {
        let mut assigned = issue_event("assigned", 1, "Crash on save (Windows)");
        assigned["assignee"] = json!({"id": who, "login": login});
        deliver(&app, "issues", &assigned).await;
    }
    let t = task(&app, Some(&owner), number).await;
    let assignees: Vec<&Value> = t["assignees"].as_array().unwrap().iter().collect();
    assert_eq!(assignees.len(), 1, "{t}");
    assert_eq!(assignees[0]["id"], owner.user["id"]);
    let mut unassigned = issue_event("unassigned", 1, "Crash on save (Windows)");
    unassigned["assignee"] = json!({"id": 424242, "login": "owner-gh"});
    deliver(&app, "issues", &unassigned).await;
    assert_eq!(
        task(&app, Some(&owner), number).await["assignees"],
        json!([])
    );

    // Sayr → GitHub: a person's edit and status change are written to the issue; GitHub's
    // rate limit on the first try makes the job wait until the reset it names.
    stand.log.lock().unwrap().limit_next = 1;
    let asked = std::time::Instant::now();
    patch_task(
        &app,
        &owner,
        number,
        json!({"title": "Crash on save, fixed title"}),
    )
    .await;
    settle(&app).await;
    assert_eq!(stand.calls("LIMITED").len(), 1);
    assert!(
        asked.elapsed() >= Duration::from_millis(900),
        "retried at the reset, not at once: {:?}",
        asked.elapsed()
    );
    patch_task(&app, &owner, number, json!({"status": "canceled"})).await;
    settle(&app).await;
    let patches = stand.calls("PATCH");
    assert_eq!(patches.len(), 2, "{patches:?}");
    assert_eq!(patches[0].0, "/repos/Codertocat/Hello-World/issues/1");
    assert_eq!(patches[0].1["title"], "Crash on save, fixed title");
    assert_eq!(patches[0].1["state"], "open");
    assert_eq!(patches[1].1["state"], "closed");
    assert_eq!(patches[1].1["state_reason"], "not_planned");

    // A task made in Sayr for a repository that opens issues opens one, and is linked.
    let mention = format!("@[Owner](user:{})", owner.user["id"].as_str().unwrap());
    let made = new_task(
        &app,
        &owner,
        json!({"title": "From Sayr", "description": format!("ask {mention}")}),
    )
    .await;
    settle(&app).await;
    let posts = stand.calls("POST");
    assert_eq!(posts.len(), 1, "{posts:?}");
    assert_eq!(posts[0].0, "/repos/Codertocat/Hello-World/issues");
    assert_eq!(posts[0].1["title"], "From Sayr");
    assert_eq!(
        posts[0].1["body"], "ask **Owner**",
        "a mention is a name on GitHub"
    );
    let gh = github_of(&app, Some(&owner), made).await;
    assert_eq!(gh["issue"]["number"], 100);
    // GitHub then tells of the issue the App opened: no second task.
    let mut ours = issue_event("opened", 100, "From Sayr");
    ours["issue"]["performed_via_github_app"] = json!({"id": 4242, "slug": SLUG});
    ours["sender"]["login"] = json!(format!("{SLUG}[bot]"));
    deliver(&app, "issues", &ours).await;
    assert_eq!(tasks(&app, &owner).await.len(), 2);
    // Its edit echoed back by GitHub changes nothing here.
    let mut echo = issue_event("edited", 100, "An older title");
    echo["sender"]["login"] = json!(format!("{SLUG}[bot]"));
    deliver(&app, "issues", &echo).await;
    assert_eq!(task(&app, Some(&owner), made).await["title"], "From Sayr");
});

github_test!(
    github_comments_are_copied_once_and_edited_only_there,
    |app, _stand| {
        let owner = connected(&app, false).await;
        deliver(&app, "issues", &issue_event("opened", 1, "Discussed")).await;
        let number = tasks(&app, &owner).await[0]["number"].as_i64().unwrap();

        let mut created = example("issue_comment", Some("created"));
        created["issue"]["number"] = json!(1);
        created["issue"]["pull_request"] = Value::Null;
        created["comment"]["body"] = json!("Seen on #12 too");
        created["comment"]["performed_via_github_app"] = Value::Null;
        deliver(&app, "issue_comment", &created).await;
        deliver(&app, "issue_comment", &created).await;
        let path = format!("/api/v1/orgs/acme/tasks/{number}/comments");
        let (_, list) = app.get(&path, Some(&owner)).await;
        let items = list.as_array().unwrap();
        assert_eq!(items.len(), 1, "copied once: {list}");
        let c = &items[0];
        assert_eq!(c["source"], "github");
        assert_eq!(c["githubAuthor"], created["comment"]["user"]["login"]);
        assert_eq!(
            c["visibility"], "internal",
            "a private task's comments stay internal"
        );
        assert!(
            !c["bodyHtml"].as_str().unwrap().contains("/tasks/12"),
            "GitHub's #12 is not this org's task 12: {c}"
        );
        let id = c["id"].as_str().unwrap();
        let (status, body) = app
            .request(
                Method::PATCH,
                &format!("/api/v1/orgs/acme/comments/{id}"),
                Some(json!({"body": "rewritten in Sayr"})),
                Some(&owner),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");

        let mut edited = created.clone();
        edited["action"] = json!("edited");
        edited["comment"]["body"] = json!("Seen on Windows only");
        deliver(&app, "issue_comment", &edited).await;
        let (_, list) = app.get(&path, Some(&owner)).await;
        assert_eq!(list[0]["body"], "Seen on Windows only");
        let mut deleted = created.clone();
        deleted["action"] = json!("deleted");
        deliver(&app, "issue_comment", &deleted).await;
        let (_, list) = app.get(&path, Some(&owner)).await;
        assert_eq!(list, json!([]));
        assert_eq!(task(&app, Some(&owner), number).await["commentCount"], 0);
    }
);

/// GitHub's `pull_request` example as pull request 7, from branch `branch`, with `title`.
fn pr_event(action: &str, title: &str, body: &str, branch: &str, merged: bool) -> Value {
    let mut e = example("pull_request", Some("opened"));
    e["action"] = json!(action);
    let pr = &mut e["pull_request"];
    pr["number"] = json!(7);
    pr["title"] = json!(title);
    pr["body"] = json!(body);
    pr["head"]["ref"] = json!(branch);
    pr["merged"] = json!(merged);
    pr["state"] = json!(if action == "closed" { "closed" } else { "open" });
    pr["draft"] = json!(false);
    e
}

github_test!(
    pull_requests_link_and_a_merge_that_fixes_closes,
    |app, _stand| {
        let owner = connected(&app, false).await;
        let fixed = new_task(
            &app,
            &owner,
            json!({"title": "Login fails", "status": "in-progress"}),
        )
        .await;
        let named = new_task(
            &app,
            &owner,
            json!({"title": "Docs", "visibility": "public"}),
        )
        .await;
        let body = format!(
            "Fixes #{fixed}\n\nSee also ABC-{named}. Not XYZ-{named}.\n<!-- Closes #{named} -->"
        );
        deliver(
            &app,
            "pull_request",
            &pr_event("opened", "Fix the login", &body, "main-fix", false),
        )
        .await;
        let gh = github_of(&app, Some(&owner), fixed).await;
        let pr = &gh["pullRequests"][0];
        assert_eq!(pr["number"], 7);
        assert_eq!(pr["state"], "open");
        assert_eq!(pr["closes"], true);
        assert_eq!(
            github_of(&app, Some(&owner), named).await["pullRequests"][0]["closes"],
            false
        );
        assert_eq!(
            task(&app, Some(&owner), fixed).await["status"],
            "in-progress"
        );

        // Closed without merging: nothing moves; reopened: on the timeline only.
        deliver(
            &app,
            "pull_request",
            &pr_event("closed", "Fix the login", &body, "main-fix", false),
        )
        .await;
        assert_eq!(
            task(&app, Some(&owner), fixed).await["status"],
            "in-progress"
        );
        assert_eq!(
            github_of(&app, Some(&owner), fixed).await["pullRequests"][0]["state"],
            "closed"
        );
        deliver(
            &app,
            "pull_request",
            &pr_event("reopened", "Fix the login", &body, "main-fix", false),
        )
        .await;
        // Merged: the task it fixes is done, the one it names is not.
        deliver(
            &app,
            "pull_request",
            &pr_event("closed", "Fix the login", &body, "main-fix", true),
        )
        .await;
        assert_eq!(task(&app, Some(&owner), fixed).await["status"], "done");
        assert_ne!(task(&app, Some(&owner), named).await["status"], "done");
        let actions: Vec<String> = github_entries(&app, Some(&owner), fixed)
            .await
            .iter()
            .map(|e| e["to"]["action"].as_str().unwrap_or_default().to_string())
            .collect();
        assert_eq!(
            actions,
            ["pr_linked", "pr_closed", "pr_reopened", "pr_merged"],
            "{actions:?}"
        );
        // Reopened after the merge: the task stays done, and the timeline says so.
        deliver(
            &app,
            "pull_request",
            &pr_event("reopened", "Fix the login", &body, "main-fix", false),
        )
        .await;
        assert_eq!(task(&app, Some(&owner), fixed).await["status"], "done");

        // A branch named after a task links it.
        let branchy = new_task(&app, &owner, json!({"title": "Branchy"})).await;
        let mut other = pr_event("opened", "Work", "", &format!("abc-{branchy}-work"), false);
        other["pull_request"]["number"] = json!(8);
        deliver(&app, "pull_request", &other).await;
        assert_eq!(
            github_of(&app, Some(&owner), branchy).await["pullRequests"][0]["number"],
            8
        );

        // A visitor sees the public task's pull request from the public repository, as a title
        // and a link only.
        let seen = github_of(&app, None, named).await;
        assert_eq!(seen["pullRequests"][0]["title"], "Fix the login");
        assert!(seen["pullRequests"][0]["author"].is_null(), "{seen}");
        let (status, _) = app
            .get(&format!("/api/v1/orgs/acme/tasks/{fixed}/github"), None)
            .await;
        assert_eq!(
            status,
            StatusCode::NOT_FOUND,
            "a private task's links are not a visitor's"
        );
    }
);

github_test!(
    pushes_link_commits_and_the_default_branch_closes,
    |app, _stand| {
        let owner = connected(&app, false).await;
        let on_branch = new_task(
            &app,
            &owner,
            json!({"title": "Branch fix", "visibility": "public"}),
        )
        .await;
        let on_default = new_task(&app, &owner, json!({"title": "Main fix"})).await;

        let push = |branch: &str, message: &str, sha: &str| {
            let mut e = example("push", None);
            e["ref"] = json!(format!("refs/heads/{branch}"));
            e["deleted"] = json!(false);
            e["repository"]["default_branch"] = json!("master");
            let mut commit = e["head_commit"].clone();
            if commit.is_null() {
                commit = json!({"author": {"name": "Codertocat", "username": "Codertocat"}});
            }
            commit["id"] = json!(sha);
            commit["message"] = json!(message);
            commit["url"] = json!(format!(
                "https://github.com/Codertocat/Hello-World/commit/{sha}"
            ));
            e["commits"] = json!([commit]);
            e
        };
        deliver(
            &app,
            "push",
            &push(
                "feature",
                &format!("Fixes #{on_branch}: secret detail"),
                "aaa111",
            ),
        )
        .await;
        assert_ne!(
            task(&app, Some(&owner), on_branch).await["status"],
            "done",
            "not shipped yet"
        );
        let commits = &github_of(&app, Some(&owner), on_branch).await["commits"];
        assert_eq!(commits[0]["sha"], "aaa111");
        assert_eq!(
            commits[0]["title"],
            format!("Fixes #{on_branch}: secret detail")
        );
        // A visitor of the public task sees that a commit exists, not its message.
        let seen = github_of(&app, None, on_branch).await;
        assert_eq!(seen["commits"][0]["sha"], "aaa111");
        assert!(seen["commits"][0]["title"].is_null(), "{seen}");

        deliver(
            &app,
            "push",
            &push("master", &format!("Closes ABC-{on_default}"), "bbb222"),
        )
        .await;
        assert_eq!(task(&app, Some(&owner), on_default).await["status"], "done");
        // The same push again (a redelivery under a new id) links nothing twice.
        deliver(
            &app,
            "push",
            &push("master", &format!("Closes ABC-{on_default}"), "bbb222"),
        )
        .await;
        assert_eq!(
            github_of(&app, Some(&owner), on_default).await["commits"]
                .as_array()
                .unwrap()
                .len(),
            1
        );
    }
);

github_test!(private_repositories_stay_off_public_pages, |app, _stand| {
    let owner = connected(&app, false).await;
    let (status, body) = app
        .post(
            "/api/v1/orgs/acme/github/repositories",
            json!({"installationId": INSTALLATION, "repository": "octo-org/octo-repo"}),
            Some(&owner),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let public = new_task(
        &app,
        &owner,
        json!({"title": "Public", "visibility": "public"}),
    )
    .await;
    let mut e = pr_event(
        "opened",
        "Secret project",
        &format!("fixes #{public}"),
        "x",
        false,
    );
    e["repository"]["id"] = json!(OCTO_REPO);
    e["repository"]["full_name"] = json!("octo-org/octo-repo");
    e["repository"]["private"] = json!(true);
    deliver(&app, "pull_request", &e).await;
    assert_eq!(
        github_of(&app, Some(&owner), public).await["pullRequests"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let seen = github_of(&app, None, public).await;
    assert_eq!(
        seen,
        json!({"issue": null, "pullRequests": [], "commits": []})
    );
    assert!(
        github_entries(&app, None, public).await.is_empty(),
        "nor its timeline entries"
    );
    assert_eq!(github_entries(&app, Some(&owner), public).await.len(), 1);
});

github_test!(
    an_uninstalled_app_unlinks_and_tells_the_admins,
    |app, _stand| {
        let owner = connected(&app, false).await;
        let mut suspended = example("installation", Some("suspend"));
        suspended["installation"]["id"] = json!(INSTALLATION);
        deliver(&app, "installation", &suspended).await;
        deliver(&app, "issues", &issue_event("opened", 3, "While suspended")).await;
        assert!(
            tasks(&app, &owner).await.is_empty(),
            "a suspended installation is not heard"
        );
        let mut resumed = example("installation", Some("unsuspend"));
        resumed["installation"]["id"] = json!(INSTALLATION);
        deliver(&app, "installation", &resumed).await;

        let mut deleted = example("installation", Some("deleted"));
        deleted["installation"]["id"] = json!(INSTALLATION);
        deliver(&app, "installation", &deleted).await;
        let (_, body) = app.get("/api/v1/orgs/acme/github", Some(&owner)).await;
        assert_eq!(body["installations"][0]["deleted"], true, "{body}");
        assert_eq!(body["repositories"], json!([]));
        // The owner is told (the mail job ran; the outbox holds it).
        let outbox = app
            .app_state
            .services
            .mailer
            .outbox_dir()
            .unwrap()
            .to_path_buf();
        let mut told = false;
        for _ in 0..100 {
            told = std::fs::read_dir(&outbox)
                .into_iter()
                .flatten()
                .flatten()
                .any(|f| {
                    let text = std::fs::read_to_string(f.path()).unwrap_or_default();
                    text.contains("owner@example.test") && text.contains("uninstalled")
                });
            if told {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert!(told, "the owner got the mail");
        deliver(&app, "issues", &issue_event("opened", 4, "After")).await;
        assert!(tasks(&app, &owner).await.is_empty());
    }
);

/// The App's key and webhook secret never show: not in `--help`, not in `Debug`, not in the
/// error of a key that does not parse; a half-configured App is refused at start, naming
/// what is missing.
#[tokio::test]
async fn the_key_and_the_secret_never_show() {
    use std::process::Command;
    let bad_key =
        "-----BEGIN RSA PRIVATE KEY-----\nU0VDUkVUTUFSS0VS\n-----END RSA PRIVATE KEY-----";
    let run = |args: &[&str], env: &[(&str, &str)]| {
        let dir = tempfile::tempdir().unwrap();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_sayr"));
        cmd.args(args)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("SAYR_DATA_DIR", dir.path())
            .env("SAYR_ADDR", "127.0.0.1:0")
            .env("SAYR_LOG", "info");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = cmd.output().unwrap();
        (
            out.status.success(),
            format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ),
        )
    };
    let all = [
        ("SAYR_GITHUB_APP_ID", "4242"),
        ("SAYR_GITHUB_APP_SLUG", SLUG),
        ("SAYR_GITHUB_APP_PRIVATE_KEY", bad_key),
        ("SAYR_GITHUB_WEBHOOK_SECRET", "WEBHOOKMARKER"),
    ];
    let (_, help) = run(&["--help"], &all);
    assert!(help.contains("SAYR_GITHUB_APP_PRIVATE_KEY"), "{help}");
    assert!(
        !help.contains("U0VDUkVUTUFSS0VS") && !help.contains("WEBHOOKMARKER"),
        "{help}"
    );

    let (ok, out) = run(&["serve"], &all);
    assert!(!ok, "a key that does not parse stops the start: {out}");
    assert!(out.contains("private key"), "{out}");
    assert!(
        !out.contains("U0VDUkVUTUFSS0VS") && !out.contains("WEBHOOKMARKER"),
        "{out}"
    );

    let (ok, out) = run(&["serve"], &all[..2]);
    assert!(!ok, "{out}");
    assert!(
        out.contains("SAYR_GITHUB_APP_PRIVATE_KEY") && out.contains("SAYR_GITHUB_WEBHOOK_SECRET"),
        "names what is missing: {out}"
    );

    let dir = tempfile::tempdir().unwrap();
    let mut config = server::config::Config::for_tests(dir.path().to_path_buf());
    config.github_app_private_key = Some(Secret::new(key_pem()));
    config.github_webhook_secret = Some(Secret::new("WEBHOOKMARKER"));
    let shown = format!("{config:?}");
    let key_line = key_pem().lines().nth(1).unwrap();
    assert!(
        !shown.contains(key_line) && !shown.contains("WEBHOOKMARKER"),
        "{shown}"
    );
    let app = services::github::GithubConfig {
        app_id: APP_ID.into(),
        slug: SLUG.into(),
        private_key: key_pem().into(),
        webhook_secret: "WEBHOOKMARKER".into(),
        api_url: String::new(),
        web_url: String::new(),
    };
    let shown = format!("{app:?}");
    assert!(
        !shown.contains(key_line) && !shown.contains("WEBHOOKMARKER"),
        "{shown}"
    );
}
