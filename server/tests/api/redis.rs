//! Scaling out over Redis: events and sign-in failures reach every instance, and an
//! instance keeps serving (its own sockets, an in-memory throttle) while Redis is away.
//! Needs PostgreSQL and Redis (`SAYR_TEST_DATABASE_URL`, `SAYR_TEST_REDIS_URL`); the tests
//! that stop Redis start a `redis-server` of their own. The `rediss://` tests start a
//! TLS-only `redis-server` with a certificate from a CA made by `openssl` for the test.

use crate::common;

use common::{RedisServer, Session, Socket, TestApp};
use domain::realtime::{Channel, ClientMessage, ServerEvent};
use reqwest::StatusCode;
use serde_json::{Value, json};
use server::config::{Config, Secret};
use services::throttle::PER_ACCOUNT;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Redis's URL when both services are configured; otherwise says so in one line.
fn configured() -> Option<String> {
    match (common::postgres_url(), common::redis_url()) {
        (Some(_), Some(redis)) => Some(redis),
        _ => {
            println!("SKIPPED (SAYR_TEST_DATABASE_URL or SAYR_TEST_REDIS_URL unset)");
            None
        }
    }
}

/// A socket of `session` on `app`, in the org's `tasks` room.
async fn in_tasks_room(app: &TestApp, session: &Session, org_id: &str) -> Socket {
    let mut ws = app.socket(Some(session), "").await;
    ws.next().await; // CONNECTION_STATUS
    ws.next().await; // WAITING_ROOM
    ws.send(&ClientMessage::Subscribe {
        org_id: org_id.to_string(),
        channel: Channel::Tasks,
    })
    .await;
    let answer = ws.next().await;
    assert!(
        matches!(answer.event, ServerEvent::Subscribed { .. }),
        "{answer:?}"
    );
    ws
}

async fn create_task(app: &TestApp, session: &Session, title: &str) {
    let (status, body) = app
        .post(
            "/api/v1/orgs/acme/tasks",
            json!({ "title": title }),
            Some(session),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
}

/// The title of the next CREATE_TASK on the socket (failing after 5 s of silence).
async fn next_created(ws: &mut Socket) -> String {
    loop {
        if let ServerEvent::CreateTask(task) = ws.next().await.event {
            return task.title;
        }
    }
}

/// An owner's org on `a` with a socket in its tasks room on each instance; a task created
/// through `a` reaches both. Returns the sockets (on `a`, on `b`).
async fn task_made_on_a_reaches_both(a: &TestApp, b: &TestApp) -> [Socket; 2] {
    let owner = a.sign_up("owner@example.test").await;
    let org = a.create_org(&owner, "acme").await;
    let org_id = org["id"].as_str().unwrap();
    let mut on_a = in_tasks_room(a, &owner, org_id).await;
    let mut on_b = in_tasks_room(b, &owner, org_id).await;

    create_task(a, &owner, "Made on A").await;
    assert_eq!(next_created(&mut on_b).await, "Made on A");
    assert_eq!(next_created(&mut on_a).await, "Made on A");
    [on_a, on_b]
}

/// Polls `/readyz` until it answers `want` (failing after 15 s); returns its body.
async fn readyz_until(app: &TestApp, want: StatusCode) -> Value {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let (status, body) = app.get("/readyz", None).await;
        if status == want {
            return body;
        }
        assert!(
            Instant::now() < deadline,
            "/readyz answers {want} within 15 s; last {status} {body}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A client that connects from a loopback address of its own, so that the per-address
/// counters it fills in a shared Redis are nobody else's.
fn client_from_own_address() -> reqwest::Client {
    let [a, b, c, ..] = uuid::Uuid::new_v4().into_bytes();
    let address = std::net::Ipv4Addr::new(127, a.max(2), b, c.max(1));
    reqwest::Client::builder()
        .local_address(std::net::IpAddr::V4(address))
        .build()
        .unwrap()
}

async fn login(client: &reqwest::Client, app: &TestApp, email: &str, password: &str) -> StatusCode {
    client
        .post(format!("{}/api/auth/login", app.base))
        .json(&json!({ "email": email, "password": password }))
        .send()
        .await
        .unwrap()
        .status()
}

/// An address no other run of the suite signs up with: the counters outlive a run.
fn unique_email(name: &str) -> String {
    format!("{name}-{}@example.test", uuid::Uuid::new_v4().simple())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_instances_spend_one_budget_together() {
    let Some(redis) = configured() else { return };
    let database = common::postgres_database().await;
    let spawn = || {
        TestApp::spawn_with(common::Backend::Sqlite, |config| {
            config.database_url = Some(Secret::new(&database));
            config.redis_url = Some(Secret::new(&redis));
            config.limits = Some(services::limit::Limits::parse("signup=10/1h").unwrap());
        })
    };
    let (a, b) = (spawn().await, spawn().await);
    // An address of this run's own: the counts outlive the run in the shared Redis.
    let client = client_from_own_address();
    let attempts = (0..60).map(|i| {
        let (client, app) = (&client, if i % 2 == 0 { &a } else { &b });
        async move {
            client
                .post(format!("{}/api/auth/signup", app.base))
                .json(&json!({"email": unique_email("s"), "password": "correct horse battery", "name": "S"}))
                .send()
                .await
                .unwrap()
                .status()
        }
    });
    let answers = futures::future::join_all(attempts).await;
    let created = answers
        .iter()
        .filter(|s| **s == StatusCode::CREATED)
        .count();
    assert_eq!(created, 10, "two instances, one budget: {answers:?}");
    assert!(
        answers
            .iter()
            .all(|s| *s == StatusCode::CREATED || *s == StatusCode::TOO_MANY_REQUESTS)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readyz_reports_redis_ok_while_it_answers() {
    let Some(redis) = configured() else { return };
    let app = TestApp::spawn_on(&common::postgres_database().await, &redis).await;
    let (status, body) = app.get("/readyz", None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body, json!({ "database": "ok", "redis": "ok" }));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_task_created_on_one_instance_reaches_every_instance_once() {
    let Some(redis) = configured() else { return };
    let (a, b) = common::spawn_pair(&redis).await;
    let [mut on_a, mut on_b] = task_made_on_a_reaches_both(&a, &b).await;
    for ws in [&mut on_a, &mut on_b] {
        assert!(
            ws.silent_for(Duration::from_millis(300)).await,
            "each instance delivers the event once"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_sign_ins_on_one_instance_count_on_another() {
    let Some(redis) = configured() else { return };
    let (a, b) = common::spawn_pair(&redis).await;
    let email = unique_email("ada");
    a.sign_up(&email).await;
    let client = client_from_own_address();

    for attempt in 0..PER_ACCOUNT {
        let app = if attempt % 2 == 0 { &a } else { &b };
        let status = login(&client, app, &email, "not the password").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "attempt {attempt}");
    }
    for app in [&a, &b] {
        let status = login(&client, app, &email, "correct horse battery").await;
        assert_eq!(
            status,
            StatusCode::TOO_MANY_REQUESTS,
            "both instances count both instances' failures"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn instances_keep_serving_while_redis_is_down_and_rejoin_when_it_returns() {
    if configured().is_none() {
        return;
    }
    let mut redis = RedisServer::start().await;
    let (a, b) = common::spawn_pair(&redis.url()).await;
    let owner = a.sign_up("owner@example.test").await;
    let org = a.create_org(&owner, "acme").await;
    let org_id = org["id"].as_str().unwrap();
    let mut on_a = in_tasks_room(&a, &owner, org_id).await;
    let mut on_b = in_tasks_room(&b, &owner, org_id).await;
    create_task(&a, &owner, "Before").await;
    assert_eq!(next_created(&mut on_b).await, "Before");
    assert_eq!(next_created(&mut on_a).await, "Before");

    redis.stop();
    let body = readyz_until(&a, StatusCode::SERVICE_UNAVAILABLE).await;
    assert_eq!(body["database"], "ok", "{body}");
    assert_ne!(body["redis"], "ok", "{body}");
    create_task(&a, &owner, "During").await;
    assert_eq!(
        next_created(&mut on_a).await,
        "During",
        "the instance's own sockets still hear its events"
    );

    redis.restart().await;
    for app in [&a, &b] {
        readyz_until(app, StatusCode::OK).await;
    }
    create_task(&a, &owner, "After").await;
    assert_eq!(
        next_created(&mut on_b).await,
        "After",
        "the other instance hears events again"
    );
    assert_eq!(next_created(&mut on_a).await, "After");
    assert!(
        on_a.silent_for(Duration::from_millis(300)).await,
        "once, not also through the fallback"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_instance_starts_without_redis_throttles_in_memory_and_joins_when_it_comes_up() {
    if configured().is_none() {
        return;
    }
    let mut redis = RedisServer::unstarted();
    let database = common::postgres_database().await;
    let a = tokio::time::timeout(
        Duration::from_secs(10),
        TestApp::spawn_on(&database, &redis.url()),
    )
    .await
    .expect("the instance builds without waiting for Redis");
    let (status, body) = a.get("/readyz", None).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(body["database"], "ok", "{body}");
    assert_eq!(body["redis"], "unavailable", "{body}");

    let email = unique_email("ada");
    a.sign_up(&email).await;
    let client = client_from_own_address();
    for _ in 0..PER_ACCOUNT {
        let status = login(&client, &a, &email, "not the password").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let status = login(&client, &a, &email, "correct horse battery").await;
    assert_eq!(
        status,
        StatusCode::TOO_MANY_REQUESTS,
        "without Redis the instance throttles on its own counts"
    );

    redis.restart().await;
    readyz_until(&a, StatusCode::OK).await;
    let b = TestApp::spawn_on(&database, &redis.url()).await;
    let owner = a.sign_up("owner@example.test").await;
    let org = a.create_org(&owner, "acme").await;
    let mut on_b = in_tasks_room(&b, &owner, org["id"].as_str().unwrap()).await;
    create_task(&a, &owner, "Joined").await;
    assert_eq!(next_created(&mut on_b).await, "Joined");
}

/// Two deployments sharing one Redis under different `SAYR_REDIS_PREFIX`es do not hear
/// each other's events; two instances of one deployment do.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deployments_with_their_own_prefix_share_a_redis_without_crosstalk() {
    let Some(redis) = configured() else { return };
    let database = common::postgres_database().await;
    let instance = |prefix: &'static str| {
        let (database, redis) = (database.clone(), redis.clone());
        async move {
            TestApp::spawn_with(common::Backend::Sqlite, move |config| {
                config.database_url = Some(server::config::Secret::new(database.as_str()));
                config.redis_url = Some(server::config::Secret::new(redis.as_str()));
                config.redis_prefix = prefix.into();
            })
            .await
        }
    };
    let a = instance("deploy-a").await;
    let a2 = instance("deploy-a").await;
    let b = instance("deploy-b").await;
    let owner = a.sign_up("owner@example.test").await;
    let org = a.create_org(&owner, "acme").await;
    let org_id = org["id"].as_str().unwrap();
    let mut on_a2 = in_tasks_room(&a2, &owner, org_id).await;
    let mut on_b = in_tasks_room(&b, &owner, org_id).await;

    create_task(&a, &owner, "from deployment a").await;
    assert_eq!(next_created(&mut on_a2).await, "from deployment a");
    assert!(
        on_b.silent_for(Duration::from_millis(700)).await,
        "another prefix hears nothing"
    );
}

// ---- Redis over TLS (`rediss://`) ----

fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|d| d.join(program).is_file()))
}

/// A TLS-only `redis-server` of a test's own on a free port, its certificate (for
/// localhost and 127.0.0.1) signed by a CA made for the test. Killed on drop.
struct TlsRedisServer {
    port: u16,
    child: std::process::Child,
    dir: tempfile::TempDir,
}

impl TlsRedisServer {
    /// Starts one; or, when `redis-server` or `openssl` is missing, says SKIPPED and gives
    /// None. In CI (`SAYR_TEST_REDIS_URL` set) a missing one fails the test instead.
    async fn start() -> Option<Self> {
        if let Some(missing) = ["redis-server", "openssl"]
            .into_iter()
            .find(|p| !on_path(p))
        {
            assert!(
                common::redis_url().is_none(),
                "{missing} is required (SAYR_TEST_REDIS_URL is set) but not on PATH"
            );
            println!("SKIPPED ({missing} not on PATH)");
            return None;
        }
        let dir = tempfile::tempdir().unwrap();
        let san = "subjectAltName=DNS:localhost,IP:127.0.0.1\n";
        std::fs::write(dir.path().join("san.ext"), san).unwrap();
        for args in [
            "req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=sayr-test-ca \
             -keyout ca.key -out ca.crt",
            "req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj /CN=localhost",
            "x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 1 \
             -extfile san.ext -out server.crt",
        ] {
            let out = Command::new("openssl")
                .args(args.split_whitespace())
                .current_dir(dir.path())
                .output()
                .unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(out.status.success(), "openssl {args}: {stderr}");
        }
        let port = common::closed_port();
        let child = Command::new("redis-server")
            .args(["--bind", "127.0.0.1", "--port", "0"])
            .args(["--tls-port", &port.to_string()])
            .args(["--tls-cert-file", "server.crt"])
            .args(["--tls-key-file", "server.key"])
            .args(["--tls-ca-cert-file", "ca.crt", "--tls-auth-clients", "no"])
            .args(["--save", "", "--appendonly", "no"])
            .current_dir(dir.path())
            .stdout(Stdio::null())
            .spawn()
            .expect("redis-server starts");
        let mut server = Self { port, child, dir };
        let deadline = Instant::now() + Duration::from_secs(10);
        while tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_err()
        {
            let exited = server.child.try_wait().unwrap();
            assert!(exited.is_none(), "redis-server with TLS ends: {exited:?}");
            assert!(
                Instant::now() < deadline,
                "redis-server listens within 10 s"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Some(server)
    }

    fn url(&self) -> String {
        format!("rediss://127.0.0.1:{}", self.port)
    }

    /// The test CA's certificate (PEM).
    fn ca_file(&self) -> PathBuf {
        self.dir.path().join("ca.crt")
    }
}

impl Drop for TlsRedisServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An instance on `redis` over TLS, given its CA through `SAYR_REDIS_CA_FILE` when
/// `trust_ca`, on the PostgreSQL `database` or a SQLite file of its own.
async fn spawn_over_tls(redis: &TlsRedisServer, trust_ca: bool, database: Option<&str>) -> TestApp {
    TestApp::spawn_with(common::Backend::Sqlite, |config| {
        config.redis_url = Some(Secret::new(redis.url()));
        config.redis_ca_file = trust_ca.then(|| redis.ca_file());
        if let Some(database) = database {
            config.database_url = Some(Secret::new(database));
        }
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_task_created_on_one_instance_reaches_another_over_rediss() {
    if common::postgres_url().is_none() {
        println!("SKIPPED (SAYR_TEST_DATABASE_URL unset)");
        return;
    }
    let Some(redis) = TlsRedisServer::start().await else {
        return;
    };
    let database = common::postgres_database().await;
    let a = spawn_over_tls(&redis, true, Some(&database)).await;
    let b = spawn_over_tls(&redis, true, Some(&database)).await;
    for app in [&a, &b] {
        let (status, body) = app.get("/readyz", None).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body, json!({ "database": "ok", "redis": "ok" }));
    }
    task_made_on_a_reaches_both(&a, &b).await;
}

/// Certificate verification is on: against the same server, the instance that trusts the
/// test CA is ready and the one that does not is not, though it keeps serving.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_instance_not_trusting_the_rediss_servers_ca_serves_but_is_not_ready() {
    let Some(redis) = TlsRedisServer::start().await else {
        return;
    };
    let trusting = spawn_over_tls(&redis, true, None).await;
    let (status, body) = trusting.get("/readyz", None).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    let untrusting = spawn_over_tls(&redis, false, None).await;
    // Past a few reconnection attempts.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let (status, body) = untrusting.get("/readyz", None).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(body, json!({ "database": "ok", "redis": "unavailable" }));
    let owner = untrusting.sign_up("owner@example.test").await;
    untrusting.create_org(&owner, "acme").await;
}

#[tokio::test]
async fn a_redis_ca_file_that_is_missing_or_holds_no_certificate_fails_start_up() {
    let dir = tempfile::tempdir().unwrap();
    let not_pem = dir.path().join("not-pem.crt");
    std::fs::write(&not_pem, "not a certificate\n").unwrap();
    let missing = dir.path().join("missing.crt");
    for (ca_file, why) in [(missing, "No such file"), (not_pem, "no PEM certificate")] {
        let mut config = Config::for_tests(dir.path().join("data"));
        let url = format!("rediss://127.0.0.1:{}", common::closed_port());
        config.redis_url = Some(Secret::new(url));
        config.redis_ca_file = Some(ca_file.clone());
        let Err(error) = server::Application::build(config).await else {
            panic!(
                "start-up fails with SAYR_REDIS_CA_FILE={}",
                ca_file.display()
            );
        };
        let error = error.to_string();
        let names_the_file = error.contains(&ca_file.display().to_string());
        assert!(names_the_file && error.contains(why), "{error}");
    }
}
