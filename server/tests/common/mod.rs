//! Spawns real `sayr` instances for black-box tests: each test gets a fresh database
//! (a SQLite file, or a PostgreSQL database copied from a migrated template) and talks HTTP
//! and WebSocket to it.
#![allow(dead_code)]

use domain::realtime::{ClientMessage, ServerMessage};
use futures::{SinkExt, StreamExt};
use reqwest::{Method, StatusCode};
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};
use server::config::{Config, Secret};
use server::{Application, db};
use std::net::SocketAddr;
use std::sync::Mutex;
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

/// Which database engine a test runs on.
#[derive(Clone, Copy, Debug)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The PostgreSQL server for tests, if configured.
pub fn postgres_url() -> Option<String> {
    std::env::var("SAYR_TEST_DATABASE_URL")
        .ok()
        .filter(|s| !s.is_empty())
}

/// Generates one test per backend; the PostgreSQL one passes vacuously when
/// `SAYR_TEST_DATABASE_URL` is unset (the Makefile says so in one line).
#[macro_export]
macro_rules! on_each_backend {
    ($name:ident, |$app:ident| $body:block) => {
        mod $name {
            use super::*;
            async fn run($app: common::TestApp) $body

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                run(common::TestApp::spawn(common::Backend::Sqlite).await).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if common::postgres_url().is_none() {
                    return;
                }
                run(common::TestApp::spawn(common::Backend::Postgres).await).await;
            }
        }
    };
}

static TEMPLATE_READY: Mutex<bool> = Mutex::new(false);

/// The test process a database belongs to (`sayr_t_<pid>_…`, `sayr_test_template_<pid>…`).
fn pid_in(name: &str) -> Option<u32> {
    let rest = name
        .strip_prefix("sayr_t_")
        .or_else(|| name.strip_prefix("sayr_test_template_"))?;
    rest.split('_').next()?.parse().ok()
}

/// This process's template: another test binary's may be dropped or rebuilt meanwhile.
fn template() -> String {
    format!("sayr_test_template_{}", std::process::id())
}

fn with_database(url: &str, name: &str) -> String {
    let (base, _) = url.rsplit_once('/').expect("a database URL has a path");
    format!("{base}/{name}")
}

/// A fresh PostgreSQL database copied from a template migrated once per test process.
async fn fresh_postgres() -> String {
    let admin_url = postgres_url().unwrap();
    let admin = db::connect(&Secret::new(admin_url.clone()))
        .await
        .expect("connect to PostgreSQL");
    let build_template = {
        let mut ready = TEMPLATE_READY.lock().unwrap();
        let first = !*ready;
        *ready = true;
        first
    };
    let template = template();
    if build_template {
        // Databases left by earlier runs of the suite (test binaries run one at a time).
        let stale = admin
            .query_all_raw(sea_orm::Statement::from_string(
                sea_orm::DbBackend::Postgres,
                "SELECT datname FROM pg_database WHERE datname LIKE 'sayr_t_%' OR datname LIKE 'sayr_test_template%'"
                    .to_string(),
            ))
            .await
            .unwrap();
        for row in stale {
            let name: String = row.try_get("", "datname").unwrap();
            // Only databases of test processes that are gone: another suite may be running.
            let owner_alive = pid_in(&name)
                .is_some_and(|pid| std::path::Path::new(&format!("/proc/{pid}")).exists());
            if !owner_alive {
                let _ = admin
                    .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .await;
            }
        }
        // Built under another name and renamed when migrated, so that no test copies it
        // half-made (and no copy blocks the migration's connections).
        let building = format!("{template}_building");
        admin
            .execute_unprepared(&format!("DROP DATABASE IF EXISTS {building} WITH (FORCE)"))
            .await
            .unwrap();
        admin
            .execute_unprepared(&format!("CREATE DATABASE {building}"))
            .await
            .unwrap();
        let fresh = db::connect(&Secret::new(with_database(&admin_url, &building)))
            .await
            .unwrap();
        db::migrate(&fresh).await.unwrap();
        fresh.close().await.unwrap();
        let rename = format!("ALTER DATABASE {building} RENAME TO {template}");
        for attempt in 0.. {
            match admin.execute_unprepared(&rename).await {
                Ok(_) => break,
                // The closed pool's sessions may take a moment to end.
                Err(e) if attempt < 50 => {
                    let _ = e;
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                Err(e) => panic!("could not publish the template database: {e}"),
            }
        }
    } else {
        // Wait until the test that builds the template has published it.
        for _ in 0..600 {
            let rows = admin
                .query_all_raw(sea_orm::Statement::from_string(
                    sea_orm::DbBackend::Postgres,
                    format!("SELECT 1 FROM pg_database WHERE datname = '{template}'"),
                ))
                .await
                .unwrap();
            if !rows.is_empty() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    let name = format!(
        "sayr_t_{}_{}",
        std::process::id(),
        uuid::Uuid::new_v4().simple()
    );
    let mut last_error = None;
    for _ in 0..20 {
        match admin
            .execute_unprepared(&format!("CREATE DATABASE {name} TEMPLATE {template}"))
            .await
        {
            Ok(_) => return with_database(&admin_url, &name),
            // Another test may be copying the template at this moment.
            Err(e) => last_error = Some(e),
        }
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
    panic!("could not create a test database: {last_error:?}");
}

/// A running instance and a client for it.
pub struct TestApp {
    pub addr: SocketAddr,
    pub base: String,
    pub http: reqwest::Client,
    pub app_state: server::state::AppState,
    _dir: tempfile::TempDir,
}

/// A signed-in user of a test.
#[derive(Clone, Debug)]
pub struct Session {
    pub token: String,
    pub user: Value,
}

impl Session {
    pub fn cookie(&self) -> String {
        format!("sayr_session={}", self.token)
    }
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> Self {
        Self::spawn_with(backend, |_| {}).await
    }

    pub async fn spawn_with(backend: Backend, tweak: impl FnOnce(&mut Config)) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let mut config = Config::for_tests(dir.path().to_path_buf());
        config.site_root = dir.path().join("site");
        if let Backend::Postgres = backend {
            config.database_url = Some(Secret::new(fresh_postgres().await));
        }
        tweak(&mut config);
        let app = Application::build(config).await.expect("the app builds");
        let addr = app.address();
        let app_state = app.state().clone();
        tokio::spawn(app.run_until(std::future::pending()));
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        Self {
            addr,
            base: format!("http://{addr}"),
            http,
            app_state,
            _dir: dir,
        }
    }

    /// Sends a request; `session` adds its cookie.
    pub async fn request(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
        session: Option<&Session>,
    ) -> (StatusCode, Value) {
        let mut req = self.http.request(method, format!("{}{path}", self.base));
        if let Some(s) = session {
            req = req.header("cookie", s.cookie());
        }
        if let Some(body) = body {
            req = req.json(&body);
        }
        let res = req.send().await.unwrap();
        let status = res.status();
        let text = res.text().await.unwrap();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    pub async fn get(&self, path: &str, session: Option<&Session>) -> (StatusCode, Value) {
        self.request(Method::GET, path, None, session).await
    }

    pub async fn post(
        &self,
        path: &str,
        body: Value,
        session: Option<&Session>,
    ) -> (StatusCode, Value) {
        self.request(Method::POST, path, Some(body), session).await
    }

    /// Signs up a new account and returns its session.
    pub async fn sign_up(&self, email: &str) -> Session {
        let res = self
            .http
            .post(format!("{}/api/auth/signup", self.base))
            .json(&json!({"email": email, "password": "correct horse battery", "name": email.split('@').next().unwrap()}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::CREATED, "sign-up of {email}");
        let cookie = res
            .headers()
            .get("set-cookie")
            .unwrap()
            .to_str()
            .unwrap()
            .to_string();
        let token = cookie
            .strip_prefix("sayr_session=")
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_string();
        let body: Value = res.json().await.unwrap();
        Session {
            token,
            user: body["user"].clone(),
        }
    }

    /// Creates an org owned by `session` and returns its JSON.
    pub async fn create_org(&self, session: &Session, slug: &str) -> Value {
        let (status, body) = self
            .post(
                "/api/v1/orgs",
                json!({"name": format!("Org {slug}"), "slug": slug, "shortId": "ABC"}),
                Some(session),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body["org"].clone()
    }

    /// Opens a socket that authenticates with an API key.
    pub async fn socket_with_key(&self, key: &str) -> Socket {
        let mut req = format!("ws://{}/ws", self.addr)
            .into_client_request()
            .unwrap();
        req.headers_mut()
            .insert("authorization", format!("Bearer {key}").parse().unwrap());
        let (ws, _) = tokio_tungstenite::connect_async(req)
            .await
            .expect("socket connects");
        Socket {
            ws,
            last_sent: None,
        }
    }

    /// Opens a socket, optionally as a signed-in user.
    pub async fn socket(&self, session: Option<&Session>, query: &str) -> Socket {
        let mut req = format!("ws://{}/ws{query}", self.addr)
            .into_client_request()
            .unwrap();
        if let Some(s) = session {
            req.headers_mut()
                .insert("cookie", s.cookie().parse().unwrap());
        }
        let (ws, _) = tokio_tungstenite::connect_async(req)
            .await
            .expect("socket connects");
        Socket {
            ws,
            last_sent: None,
        }
    }
}

/// A test's WebSocket client.
pub struct Socket {
    pub ws: tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >,
    last_sent: Option<std::time::Instant>,
}

impl Socket {
    /// Sends like a well-behaved client: messages other than PONG at least 200 ms apart.
    pub async fn send(&mut self, msg: &ClientMessage) {
        if !matches!(msg, ClientMessage::Pong { .. }) {
            if let Some(last) = self.last_sent {
                let gap = server::realtime::MIN_GAP + Duration::from_millis(20);
                tokio::time::sleep(gap.saturating_sub(last.elapsed())).await;
            }
            self.last_sent = Some(std::time::Instant::now());
        }
        self.send_text(&serde_json::to_string(msg).unwrap()).await;
    }

    pub async fn send_text(&mut self, text: &str) {
        self.ws.send(Message::text(text)).await.unwrap();
    }

    /// The next server message, failing the test after 5 s.
    pub async fn next(&mut self) -> ServerMessage {
        loop {
            let frame = tokio::time::timeout(Duration::from_secs(5), self.ws.next())
                .await
                .expect("a message within 5 s")
                .expect("the socket is open")
                .expect("a frame");
            if let Message::Text(text) = frame {
                return serde_json::from_str(&text)
                    .unwrap_or_else(|e| panic!("bad server message {text}: {e}"));
            }
        }
    }

    /// Whether any message arrives within `wait`.
    pub async fn silent_for(&mut self, wait: Duration) -> bool {
        tokio::time::timeout(wait, self.ws.next()).await.is_err()
    }
}
