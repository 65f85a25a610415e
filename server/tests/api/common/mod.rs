//! Spawns real `sayr` instances for black-box tests: each test gets a fresh database
//! (a SQLite file, or a PostgreSQL database copied from a migrated template) and talks HTTP
//! and WebSocket to it.

use domain::realtime::{ClientMessage, ServerMessage};
use futures::{SinkExt, StreamExt};
use reqwest::{Method, StatusCode};
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};
use server::config::{Config, Secret};
use server::{Application, db};
use std::net::SocketAddr;
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
        on_each_backend!($name, limit_times = 1, |$app| $body);
    };
    ($name:ident, config = $tweak:expr, |$app:ident| $body:block) => {
        mod $name {
            use super::*;
            async fn run($app: $crate::common::TestApp) $body

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let tweak: fn(&mut server::config::Config) = $tweak;
                let app = $crate::common::TestApp::spawn_with($crate::common::Backend::Sqlite, tweak).await;
                $crate::common::within_limit_times(None, 1, run(app)).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if $crate::common::postgres_url().is_none() {
                    return;
                }
                let tweak: fn(&mut server::config::Config) = $tweak;
                let app = $crate::common::TestApp::spawn_with($crate::common::Backend::Postgres, tweak).await;
                let database = app.database.clone();
                $crate::common::within_limit_times(database, 1, run(app)).await;
            }
        }
    };
    ($name:ident, limit_times = $times:expr, |$app:ident| $body:block) => {
        mod $name {
            use super::*;
            async fn run($app: $crate::common::TestApp) $body

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let app = $crate::common::TestApp::spawn($crate::common::Backend::Sqlite).await;
                $crate::common::within_limit_times(None, $times, run(app)).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if $crate::common::postgres_url().is_none() {
                    return;
                }
                let app = $crate::common::TestApp::spawn($crate::common::Backend::Postgres).await;
                let database = app.database.clone();
                $crate::common::within_limit_times(database, $times, run(app)).await;
            }
        }
    };
}

/// One test per backend with an SMTP server that refuses its first `refuse` messages;
/// `tweak` (optional) changes the instance's config further.
macro_rules! with_smtp {
    ($name:ident, $refuse:expr, |$app:ident, $smtp:ident| $body:block) => {
        with_smtp!($name, $refuse, tweak = |_| {}, |$app, $smtp| $body);
    };
    ($name:ident, $refuse:expr, tweak = $tweak:expr, |$app:ident, $smtp:ident| $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            use $crate::common::{Backend, SmtpServer, TestApp};
            async fn run($app: TestApp, $smtp: SmtpServer) $body

            async fn on(backend: Backend) {
                let Some(smtp) = SmtpServer::start($refuse).await else { return };
                let tweak: fn(&mut server::config::Config) = $tweak;
                let app = TestApp::spawn_with(backend, |c| {
                    smtp.configure(c);
                    tweak(c);
                })
                .await;
                let database = app.database.clone();
                $crate::common::within_limit(database, run(app, smtp)).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                on(Backend::Sqlite).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if $crate::common::postgres_url().is_some() {
                    on(Backend::Postgres).await;
                }
            }
        }
    };
}

/// How long one test may run (`SAYR_TEST_LIMIT_SECS`, 180 by default). A test that hangs
/// fails with what its database was doing instead of holding the whole suite (and CI)
/// until an outer limit kills it.
pub fn test_limit() -> Duration {
    let secs = std::env::var("SAYR_TEST_LIMIT_SECS")
        .ok()
        .and_then(|s| s.parse().ok());
    Duration::from_secs(secs.unwrap_or(180))
}

/// Runs a test's body within [`test_limit`]; past it, prints the sessions and waiting
/// locks of the test's PostgreSQL database (`database`) and fails.
pub async fn within_limit(database: Option<String>, body: impl std::future::Future<Output = ()>) {
    within_limit_times(database, 1, body).await
}

/// [`within_limit`] with `times` the limit, for a test that is long by design (the
/// permission matrix: every endpoint, every caller, two ways).
pub async fn within_limit_times(
    database: Option<String>,
    times: u32,
    body: impl std::future::Future<Output = ()>,
) {
    let limit = test_limit() * times;
    // Pinned here so that the body (and what it holds) lives while the database is looked at.
    tokio::pin!(body);
    if tokio::time::timeout(limit, &mut body).await.is_ok() {
        return;
    }
    if let (Some(database), Some(url)) = (&database, postgres_url()) {
        match db::connect(&Secret::new(url), None).await {
            Ok(admin) => {
                let activity = admin
                    .query_all_raw(sea_orm::Statement::from_sql_and_values(
                        sea_orm::DbBackend::Postgres,
                        "SELECT concat_ws(' | ', pid, coalesce(state, ''), \
                         coalesce(wait_event_type || ':' || wait_event, ''), \
                         coalesce(extract(epoch FROM now() - xact_start)::text, ''), \
                         left(query, 300), pg_blocking_pids(pid)) AS line \
                         FROM pg_stat_activity WHERE datname = $1",
                        [database.clone().into()],
                    ))
                    .await;
                eprintln!(
                    "sessions of {database} (pid | state | wait | seconds in transaction | query | blocked by):"
                );
                for row in activity.into_iter().flatten() {
                    eprintln!(
                        "  {}",
                        row.try_get::<String>("", "line").unwrap_or_default()
                    );
                }
            }
            Err(e) => eprintln!("could not look into {database}: {e}"),
        }
    }
    panic!("the test ran past its limit of {limit:?}");
}

/// Set once this process's template database is migrated and published. Every test's
/// runtime awaits the same cell (tokio's sync types work across runtimes), so a test that
/// comes while another builds the template waits for exactly that, however long it takes
/// on a busy machine (the per-test limit still applies).
static TEMPLATE: tokio::sync::OnceCell<()> = tokio::sync::OnceCell::const_new();

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
    let admin = db::connect(&Secret::new(admin_url.clone()), None)
        .await
        .expect("connect to PostgreSQL");
    let template = template();
    TEMPLATE
        .get_or_init(|| build_template(&admin, &admin_url, &template))
        .await;
    let name = format!(
        "sayr_t_{}_{}",
        std::process::id(),
        uuid::Uuid::new_v4().simple()
    );
    let mut last_error = None;
    // Another test may be copying the template at this moment (PostgreSQL allows one copy
    // at a time); on a busy machine that can take a while.
    for attempt in 0..60u64 {
        match admin
            .execute_unprepared(&format!("CREATE DATABASE {name} TEMPLATE {template}"))
            .await
        {
            Ok(_) => return with_database(&admin_url, &name),
            Err(e) => last_error = Some(e),
        }
        tokio::time::sleep(Duration::from_millis(100 + 20 * attempt.min(20))).await;
    }
    panic!("could not create a test database: {last_error:?}");
}

/// Drops the databases of test processes that are gone, then migrates this process's
/// template under another name and renames it when done, so that no test copies it
/// half-made (and no copy blocks the migration's connections).
async fn build_template(admin: &sea_orm::DatabaseConnection, admin_url: &str, template: &str) {
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
        let owner_alive =
            pid_in(&name).is_some_and(|pid| std::path::Path::new(&format!("/proc/{pid}")).exists());
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
    let fresh = db::connect(&Secret::new(with_database(&admin_url, &building)), None)
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
}

/// A running instance and a client for it.
pub struct TestApp {
    pub addr: SocketAddr,
    pub base: String,
    pub http: reqwest::Client,
    pub app_state: server::state::AppState,
    /// The test's PostgreSQL database, when it runs on one.
    pub database: Option<String>,
    /// The database the instance uses, for tests that arrange what no endpoint can (an
    /// expired invitation, a ban that ended), and for other processes on the same data.
    pub database_url: String,
    _dir: tempfile::TempDir,
}

/// A signed-in user of a test.
#[derive(Clone, Debug)]
pub struct Session {
    pub token: String,
    pub user: Value,
}

impl Session {
    /// The session a sign-up or login answer sets (its cookie) for its `user`.
    pub async fn from_response(res: reqwest::Response) -> Self {
        let token = res.headers()["set-cookie"]
            .to_str()
            .unwrap()
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

    pub fn cookie(&self) -> String {
        format!("sayr_session={}", self.token)
    }
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> Self {
        Self::spawn_with(backend, |_| {}).await
    }

    pub async fn spawn_with(backend: Backend, tweak: impl FnOnce(&mut Config)) -> Self {
        Self::spawn_until(backend, tweak, std::future::pending()).await
    }

    /// An instance that shuts down (drains, as at SIGTERM) when `shutdown` resolves.
    pub async fn spawn_until(
        backend: Backend,
        tweak: impl FnOnce(&mut Config),
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let mut config = Config::for_tests(dir.path().to_path_buf());
        config.site_root = Some(dir.path().join("site"));
        // Tests make many accounts and calls from one address; the limits' own tests turn
        // them back on.
        config.limits = Some(services::limit::Limits::parse("off").unwrap());
        let mut database = None;
        if let Backend::Postgres = backend {
            let url = fresh_postgres().await;
            database = url.rsplit_once('/').map(|(_, name)| name.to_string());
            config.database_url = Some(Secret::new(url));
        }
        tweak(&mut config);
        let database_url = config.database_url().expose().to_string();
        let app = Application::build(config).await.expect("the app builds");
        let addr = app.address();
        let app_state = app.state().clone();
        tokio::spawn(app.run_until(shutdown));
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            // A request the server never answers fails the test, naming its URL (after the
            // time limit, which prints what the database was doing, had its chance).
            .timeout(Duration::from_secs(300))
            .build()
            .unwrap();
        Self {
            addr,
            base: format!("http://{addr}"),
            http,
            app_state,
            database,
            database_url,
            _dir: dir,
        }
    }

    /// A connection of the test's own to the instance's database (the services keep theirs
    /// to themselves).
    pub async fn db(&self) -> sea_orm::DatabaseConnection {
        sea_orm::Database::connect(&self.database_url)
            .await
            .expect("the test database accepts a connection")
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

    /// The page at `path` as a browser gets it: its status and HTML (rendered on the server,
    /// hydration data in it).
    pub async fn page(&self, path: &str, session: Option<&Session>) -> (StatusCode, String) {
        let mut req = self.http.get(format!("{}{path}", self.base));
        if let Some(s) = session {
            req = req.header("cookie", s.cookie());
        }
        let res = req.send().await.unwrap();
        (res.status(), res.text().await.unwrap())
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

    /// Signs up a new account with its address proven (as if its owner had followed the
    /// mailed link; `email.rs` tests the link itself) and returns its session.
    pub async fn sign_up(&self, email: &str) -> Session {
        let mut session = self.sign_up_unverified(email).await;
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
        entity::user::Entity::update_many()
            .col_expr(entity::user::Column::EmailVerified, Expr::value(true))
            .filter(entity::user::Column::Email.eq(email))
            .exec(&self.db().await)
            .await
            .unwrap();
        session.user["emailVerified"] = json!(true);
        session
    }

    /// Signs up a new account whose address nobody proved, and returns its session.
    pub async fn sign_up_unverified(&self, email: &str) -> Session {
        let res = self
            .http
            .post(format!("{}/api/auth/signup", self.base))
            .json(&json!({"email": email, "password": "correct horse battery", "name": email.split('@').next().unwrap()}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::CREATED, "sign-up of {email}");
        Session::from_response(res).await
    }

    /// Signs in with a password and returns the new session.
    pub async fn sign_in_session(&self, email: &str, password: &str) -> Session {
        let res = self
            .http
            .post(format!("{}/api/auth/login", self.base))
            .json(&json!({"email": email, "password": password}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK, "login of {email}");
        Session::from_response(res).await
    }

    /// Creates an org owned by `session` and returns its JSON.
    /// The owner of `acme` (with a public page that takes public actions; someone else
    /// signed up first, so the owner is no site admin) and a public task, by number.
    pub async fn public_org(&self) -> (Session, i64) {
        self.sign_up("root@example.test").await;
        let owner = self.sign_up("owner@example.test").await;
        self.create_org(&owner, "acme").await;
        let (status, body) = self
            .request(
                Method::PATCH,
                "/api/v1/orgs/acme",
                Some(json!({"settings": {"publicPage": true, "publicActions": true}})),
                Some(&owner),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (status, body) = self
            .post(
                "/api/v1/orgs/acme/tasks",
                json!({"title": "Dark mode", "visibility": "public"}),
                Some(&owner),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        (owner, body["task"]["number"].as_i64().unwrap())
    }

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

/// The Redis server for tests, if configured.
pub fn redis_url() -> Option<String> {
    std::env::var("SAYR_TEST_REDIS_URL")
        .ok()
        .filter(|s| !s.is_empty())
}

/// A fresh PostgreSQL database, for tests that run several instances on one.
pub async fn postgres_database() -> String {
    fresh_postgres().await
}

impl TestApp {
    /// An instance on a given PostgreSQL database and Redis, as one of several behind a
    /// load balancer.
    pub async fn spawn_on(database_url: &str, redis_url: &str) -> Self {
        Self::spawn_with(Backend::Sqlite, |config| {
            config.database_url = Some(Secret::new(database_url));
            config.redis_url = Some(Secret::new(redis_url));
        })
        .await
    }
}

/// Two instances sharing one fresh PostgreSQL database and the given Redis.
pub async fn spawn_pair(redis_url: &str) -> (TestApp, TestApp) {
    let database = postgres_database().await;
    let a = TestApp::spawn_on(&database, redis_url).await;
    let b = TestApp::spawn_on(&database, redis_url).await;
    (a, b)
}

/// A `redis-server` of a test's own, on a free port, without persistence. Stopped on drop.
pub struct RedisServer {
    port: u16,
    child: Option<std::process::Child>,
}

impl RedisServer {
    /// A server not started yet: its URL already points where it will listen.
    pub fn unstarted() -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        Self { port, child: None }
    }

    pub async fn start() -> Self {
        let mut server = Self::unstarted();
        server.restart().await;
        server
    }

    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// Starts it (again, on the same port) and waits until it accepts connections.
    pub async fn restart(&mut self) {
        self.stop();
        let child = std::process::Command::new("redis-server")
            .args(["--port", &self.port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no"])
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("redis-server is installed");
        self.child = Some(child);
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while tokio::net::TcpStream::connect(("127.0.0.1", self.port))
            .await
            .is_err()
        {
            assert!(
                std::time::Instant::now() < deadline,
                "redis-server listens within 10 s"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Kills it at once, as a crash would.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.stop();
    }
}

// ---- Files: multipart bodies, the file store, an S3-compatible server (s3s-fs) ----

/// A `multipart/form-data` body: (field name, file name, bytes) per part. Returns the
/// content type (with its boundary) and the body.
pub fn multipart(parts: &[(&str, Option<&str>, &[u8])]) -> (String, Vec<u8>) {
    let boundary = format!("sayr-test-{}", uuid::Uuid::new_v4().simple());
    let mut body = Vec::new();
    for (name, file_name, bytes) in parts {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        let disposition = match file_name {
            Some(f) => format!(
                "Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\nContent-Type: application/octet-stream\r\n"
            ),
            None => format!("Content-Disposition: form-data; name=\"{name}\"\r\n"),
        };
        body.extend_from_slice(disposition.as_bytes());
        body.extend_from_slice(b"\r\n");
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// `len` bytes that sniff as PNG.
pub fn png(len: usize) -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    bytes.extend((0..len.saturating_sub(8)).map(|i| (i % 251) as u8));
    bytes
}

impl TestApp {
    /// Sends a multipart form with a `file` (and a `visibility` when given) to `path`.
    pub async fn upload(
        &self,
        method: Method,
        path: &str,
        session: Option<&Session>,
        file_name: &str,
        bytes: &[u8],
        visibility: Option<&str>,
    ) -> (StatusCode, Value) {
        let mut parts: Vec<(&str, Option<&str>, &[u8])> = Vec::new();
        if let Some(v) = visibility {
            parts.push(("visibility", None, v.as_bytes()));
        }
        parts.push(("file", Some(file_name), bytes));
        let (content_type, body) = multipart(&parts);
        let mut req = self
            .http
            .request(method, format!("{}{path}", self.base))
            .header("content-type", content_type)
            .body(body);
        if let Some(s) = session {
            req = req.header("cookie", s.cookie());
        }
        let res = req.send().await.unwrap();
        let status = res.status();
        let text = res.text().await.unwrap();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    /// Every object key in the instance's file store.
    pub async fn stored_keys(&self) -> Vec<String> {
        use futures::TryStreamExt;
        let mut keys: Vec<String> = self
            .app_state
            .services
            .files
            .object_store()
            .list(None)
            .map_ok(|m| m.location.to_string())
            .try_collect()
            .await
            .expect("the store lists");
        keys.sort();
        keys
    }

    /// How many file rows the database holds.
    pub async fn file_rows(&self) -> u64 {
        use sea_orm::{EntityTrait, PaginatorTrait};
        entity::file::Entity::find()
            .count(&self.db().await)
            .await
            .unwrap()
    }

    /// Invites `who` into the org `slug` (as `owner`) and accepts.
    pub async fn add_member(&self, owner: &Session, slug: &str, who: &Session) {
        let email = who.user["email"].as_str().unwrap();
        let (status, invite) = self
            .post(
                &format!("/api/v1/orgs/{slug}/invites"),
                json!({"email": email}),
                Some(owner),
            )
            .await;
        assert!(status.is_success(), "invite: {status} {invite}");
        let code = invite["invite"]["code"].as_str().unwrap();
        let (status, body) = self
            .post(
                &format!("/api/v1/invites/{code}/accept"),
                json!({}),
                Some(who),
            )
            .await;
        assert!(status.is_success(), "accept: {status} {body}");
    }
}

/// The `s3s-fs` binary (`cargo install s3s-fs@0.14.1 --features binary --locked`), if
/// installed: on PATH or in ~/.cargo/bin.
pub fn s3s_fs_binary() -> Option<std::path::PathBuf> {
    let on_path = std::env::var_os("PATH").into_iter().flat_map(|p| {
        std::env::split_paths(&p)
            .map(|d| d.join("s3s-fs"))
            .collect::<Vec<_>>()
    });
    let in_cargo =
        std::env::var_os("HOME").map(|h| std::path::Path::new(&h).join(".cargo/bin/s3s-fs"));
    on_path.chain(in_cargo).find(|p| p.is_file())
}

/// A free port on the loopback, closed again: nothing listens there.
pub fn closed_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// An S3-compatible server of a test's own (`s3s-fs` over a temporary directory, bucket
/// `sayr`), on a free port. Killed on drop.
pub struct S3Server {
    pub port: u16,
    child: std::process::Child,
    _dir: tempfile::TempDir,
}

pub const S3_BUCKET: &str = "sayr";

impl S3Server {
    /// Starts one, or None when s3s-fs is not installed. With `SAYR_TEST_S3_REQUIRED` set
    /// (CI), a missing s3s-fs fails the test instead.
    pub async fn start() -> Option<Self> {
        let Some(binary) = s3s_fs_binary() else {
            assert!(
                std::env::var_os("SAYR_TEST_S3_REQUIRED").is_none(),
                "s3s-fs is required (SAYR_TEST_S3_REQUIRED) but not installed"
            );
            return None;
        };
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join(S3_BUCKET)).unwrap();
        let port = closed_port();
        let child = std::process::Command::new(binary)
            .args(["--host", "127.0.0.1", "--port", &port.to_string()])
            .args(["--access-key", "testkey", "--secret-key", "testsecret"])
            .arg(dir.path())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("s3s-fs starts");
        let server = Self {
            port,
            child,
            _dir: dir,
        };
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_err()
        {
            assert!(
                std::time::Instant::now() < deadline,
                "s3s-fs listens within 10 s"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Some(server)
    }

    /// Points `config` at this server.
    pub fn configure(&self, config: &mut Config) {
        configure_s3(config, self.port);
    }
}

/// Points `config` at an S3 server on 127.0.0.1:`port` (path-style, http, test keys).
pub fn configure_s3(config: &mut Config, port: u16) {
    config.storage_url = Some(format!("s3://{S3_BUCKET}"));
    config.storage.s3_endpoint = Some(format!("http://127.0.0.1:{port}"));
    config.storage.s3_region = "us-east-1".into();
    config.storage.s3_path_style = true;
    config.storage.s3_allow_http = true;
    config.storage.s3_access_key_id = Some("testkey".into());
    config.storage.s3_secret_access_key = Some(Secret::new("testsecret"));
}

impl Drop for S3Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

// ---- Mail: a real SMTP server (aiosmtpd) that keeps what it accepts ----

/// A mail as the SMTP server received it.
#[derive(Clone, Debug)]
pub struct CaughtMail {
    pub raw: String,
    pub to: String,
    pub subject: String,
    /// The text/plain part, decoded.
    pub text: String,
    /// The text/html part, decoded.
    pub html: String,
}

impl CaughtMail {
    /// The first link in the text part that starts with `prefix`.
    pub fn link(&self, prefix: &str) -> Option<String> {
        let at = self.text.find(prefix)?;
        let rest = &self.text[at..];
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        Some(rest[..end].to_string())
    }

    pub fn header(&self, name: &str) -> Option<String> {
        header_of(&self.raw, name)
    }
}

fn header_of(raw: &str, name: &str) -> Option<String> {
    let head = raw.split("\r\n\r\n").next().unwrap_or(raw);
    let unfolded = head.replace("\r\n ", " ").replace("\r\n\t", " ");
    unfolded.lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.eq_ignore_ascii_case(name).then(|| v.trim().to_string())
    })
}

/// Decodes quoted-printable (what lettre uses for long text lines).
fn decode_qp(body: &str) -> String {
    let mut out = Vec::new();
    let bytes = body.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'=' if bytes.get(i + 1) == Some(&b'\r') && bytes.get(i + 2) == Some(&b'\n') => i += 3,
            b'=' if bytes.get(i + 1) == Some(&b'\n') => i += 2,
            b'=' if i + 2 < bytes.len() => {
                match u8::from_str_radix(&body[i + 1..i + 3], 16) {
                    Ok(b) => out.push(b),
                    Err(_) => out.extend_from_slice(&bytes[i..i + 3]),
                }
                i += 3;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).replace("\r\n", "\n")
}

/// The decoded body of the part whose content type starts with `kind`.
fn part(raw: &str, kind: &str) -> String {
    for piece in raw.split("\r\n--") {
        let Some((head, body)) = piece.split_once("\r\n\r\n") else {
            continue;
        };
        let is_kind = header_of(&format!("{head}\r\n\r\n"), "Content-Type")
            .is_some_and(|t| t.starts_with(kind));
        if is_kind {
            let encoding = header_of(&format!("{head}\r\n\r\n"), "Content-Transfer-Encoding")
                .unwrap_or_default()
                .to_ascii_lowercase();
            return match encoding.as_str() {
                "quoted-printable" => decode_qp(body),
                "base64" => {
                    use base64::Engine;
                    let clean: String = body.chars().filter(|c| !c.is_whitespace()).collect();
                    String::from_utf8_lossy(
                        &base64::engine::general_purpose::STANDARD
                            .decode(clean)
                            .unwrap_or_default(),
                    )
                    .to_string()
                }
                _ => body.replace("\r\n", "\n"),
            };
        }
    }
    String::new()
}

/// An SMTP server of a test's own (aiosmtpd), on a free port. Killed on drop.
pub struct SmtpServer {
    pub port: u16,
    child: std::process::Child,
    dir: tempfile::TempDir,
}

impl SmtpServer {
    /// Starts one that refuses the first `refuse` messages (451), or None when Python's
    /// aiosmtpd is not installed. With `SAYR_TEST_SMTP_REQUIRED` set (CI), a missing
    /// aiosmtpd fails the test instead.
    pub async fn start(refuse: u32) -> Option<Self> {
        Self::start_hanging(refuse, 0).await
    }

    /// Like [`SmtpServer::start`], hanging `hang_secs` on the first message before refusing
    /// it (`hanging()` tells when it started to).
    pub async fn start_hanging(refuse: u32, hang_secs: u32) -> Option<Self> {
        let have = std::process::Command::new("python3")
            .args(["-c", "import aiosmtpd"])
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !have {
            assert!(
                std::env::var_os("SAYR_TEST_SMTP_REQUIRED").is_none(),
                "aiosmtpd is required (SAYR_TEST_SMTP_REQUIRED) but not installed: pip install aiosmtpd"
            );
            eprintln!("SKIPPED: aiosmtpd is not installed (pip install aiosmtpd)");
            return None;
        }
        let dir = tempfile::tempdir().unwrap();
        let port = closed_port();
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/api/smtp_catcher.py");
        let child = std::process::Command::new("python3")
            .arg(script)
            .arg(dir.path())
            .arg(port.to_string())
            .arg(refuse.to_string())
            .arg(hang_secs.to_string())
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("the SMTP server starts");
        let server = Self { port, child, dir };
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_err()
        {
            assert!(
                std::time::Instant::now() < deadline,
                "the SMTP server listens within 10 s"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Some(server)
    }

    /// Points `config` at this server (plain SMTP, as to a local relay) and shortens the
    /// retries.
    pub fn configure(&self, config: &mut Config) {
        config.smtp_url = Some(Secret::new(format!(
            "smtp://127.0.0.1:{}?tls=none",
            self.port
        )));
        config.mail_from = "Sayr Test <sayr@example.test>".into();
        config.job_retry_scale = 0.01;
    }

    /// Whether the first message is being held (see [`SmtpServer::start_hanging`]).
    pub fn hanging(&self) -> bool {
        self.dir.path().join("hanging").exists()
    }

    /// The mails received so far, in order.
    pub fn mails(&self) -> Vec<CaughtMail> {
        let mut names: Vec<_> = std::fs::read_dir(self.dir.path())
            .unwrap()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "eml"))
            .collect();
        names.sort();
        names
            .into_iter()
            .map(|p| {
                let raw = std::fs::read_to_string(p).unwrap();
                CaughtMail {
                    to: header_of(&raw, "To").unwrap_or_default(),
                    subject: header_of(&raw, "Subject").unwrap_or_default(),
                    text: part(&raw, "text/plain"),
                    html: part(&raw, "text/html"),
                    raw,
                }
            })
            .collect()
    }

    /// Waits (up to 30 s) until a mail to `to` arrives; returns the newest one.
    pub async fn wait_for(&self, to: &str) -> CaughtMail {
        self.wait_for_subject(to, "").await
    }

    /// Waits (up to 30 s) until a mail to `to` whose subject contains `subject` arrives.
    pub async fn wait_for_subject(&self, to: &str, subject: &str) -> CaughtMail {
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        loop {
            let found = self
                .mails()
                .into_iter()
                .rev()
                .find(|m| m.to.contains(to) && m.subject.contains(subject));
            if let Some(mail) = found {
                return mail;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "a mail to {to} arrives within 30 s"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
