//! Running Sayr as a self-hoster does: the binary started as `cargo leptos watch` and
//! platforms start it, the site it carries, compression, draining at shutdown, and
//! migrations that instances starting together take in turns.

use crate::common::closed_port as free_port;
use crate::common::*;
use futures::StreamExt;
use reqwest::StatusCode;
use std::io::Read;
use std::process::Stdio;
use std::time::Duration;
use tokio::io::AsyncReadExt;
use tokio_tungstenite::tungstenite::Message;

const SAYR: &str = env!("CARGO_BIN_EXE_sayr");

/// `sayr` with `args`, in `cwd`, with none of the environment's settings for Sayr but
/// `env`. Its output is captured.
fn sayr(cwd: &std::path::Path, args: &[&str], env: &[(&str, String)]) -> tokio::process::Command {
    let mut cmd = tokio::process::Command::new(SAYR);
    cmd.args(args).current_dir(cwd).kill_on_drop(true);
    for (name, _) in std::env::vars() {
        if name.starts_with("SAYR_")
            || name.starts_with("LEPTOS_")
            || name.starts_with("OTEL_")
            || ["DATABASE_URL", "REDIS_URL", "PORT"].contains(&name.as_str())
        {
            cmd.env_remove(name);
        }
    }
    cmd.env("SAYR_DATA_DIR", cwd.join("data"));
    for (name, value) in env {
        cmd.env(name, value);
    }
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    cmd
}

/// [`sayr`] run to its end.
async fn run_sayr(
    cwd: &std::path::Path,
    args: &[&str],
    env: &[(&str, String)],
) -> std::process::Output {
    sayr(cwd, args, env).output().await.unwrap()
}

async fn wait_healthy(port: u16, child: &mut tokio::process::Child) {
    // The clients of this file are made before any instance of the process installs it.
    server::startup::install_tls_provider();
    let http = reqwest::Client::new();
    for _ in 0..300 {
        if let Ok(Some(status)) = child.try_wait() {
            let mut err = String::new();
            if let Some(mut e) = child.stderr.take() {
                let _ = e.read_to_string(&mut err).await;
            }
            panic!("sayr exited during start-up ({status}): {err}");
        }
        if let Ok(res) = http
            .get(format!("http://127.0.0.1:{port}/healthz"))
            .send()
            .await
            && res.status() == StatusCode::OK
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("sayr did not answer on port {port} within 30 s");
}

/// SIGTERM, then the exit status and everything it printed.
async fn terminate(mut child: tokio::process::Child) -> (std::process::ExitStatus, String) {
    let pid = child.id().expect("running").to_string();
    let killed = tokio::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .await
        .unwrap();
    assert!(killed.success());
    let status = tokio::time::timeout(Duration::from_secs(30), child.wait())
        .await
        .expect("sayr exits within 30 s of SIGTERM")
        .unwrap();
    let mut out = String::new();
    if let Some(mut o) = child.stdout.take() {
        o.read_to_string(&mut out).await.unwrap();
    }
    if let Some(mut e) = child.stderr.take() {
        e.read_to_string(&mut out).await.unwrap();
    }
    (status, out)
}

/// `cargo leptos watch` starts the binary with no arguments and tells it where to listen in
/// `LEPTOS_SITE_ADDR`: it serves. Each answered request is logged at the default level,
/// by route pattern and status, and SIGTERM ends it cleanly.
#[tokio::test]
async fn the_binary_serves_when_started_as_cargo_leptos_starts_it() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let env = [
        ("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}")),
        ("LEPTOS_OUTPUT_NAME", "sayr".to_string()),
        ("LEPTOS_SITE_PKG_DIR", "pkg".to_string()),
        ("LEPTOS_RELOAD_PORT", free_port().to_string()),
        ("LEPTOS_ENV", "DEV".to_string()),
    ];
    let mut child = sayr(dir.path(), &[], &env).spawn().unwrap();
    wait_healthy(port, &mut child).await;
    let res = reqwest::get(format!("http://127.0.0.1:{port}/api/v1/me"))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let id = res.headers()["x-request-id"].to_str().unwrap().to_string();
    let (status, log) = terminate(child).await;
    assert!(status.success(), "exit: {status}; log:\n{log}");
    let line = log
        .lines()
        .find(|l| l.contains(&id) && l.contains("answered"))
        .unwrap_or_else(|| panic!("no access line for request {id} in:\n{log}"));
    assert!(line.contains("route=/api/v1/me"), "{line}");
    assert!(line.contains("status=401"), "{line}");
    assert!(line.contains("method=GET"), "{line}");
    assert!(
        !log.lines()
            .any(|l| l.contains("answered") && l.contains("/healthz")),
        "health probes stay out of the default log:\n{log}"
    );
}

/// Platforms that run containers say the port in `PORT`; `SAYR_ADDR` still wins.
#[tokio::test]
async fn port_is_honoured_when_sayr_addr_is_unset() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut child = sayr(dir.path(), &["serve"], &[("PORT", port.to_string())])
        .spawn()
        .unwrap();
    wait_healthy(port, &mut child).await;
    let (status, _) = terminate(child).await;
    assert!(status.success());

    let (port, other) = (free_port(), free_port());
    let mut child = sayr(
        dir.path(),
        &["serve"],
        &[
            ("PORT", other.to_string()),
            ("SAYR_ADDR", format!("127.0.0.1:{port}")),
        ],
    )
    .spawn()
    .unwrap();
    wait_healthy(port, &mut child).await;
    assert!(
        reqwest::get(format!("http://127.0.0.1:{other}/healthz"))
            .await
            .is_err(),
        "nothing listens on PORT when SAYR_ADDR says otherwise"
    );
    terminate(child).await;

    let out = run_sayr(dir.path(), &["serve"], &[("PORT", "eighty".to_string())]).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("PORT: `eighty` is not a port number"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `sayr migrate --check` for a deploy pipeline: 1 and the list while migrations are
/// pending, 0 once applied, 2 for a database a newer Sayr migrated (which `serve` refuses
/// too, saying so).
#[tokio::test]
async fn migrate_check_tells_a_pipeline_what_is_pending() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_sayr(dir.path(), &["migrate", "--check"], &[]).await;
    assert_eq!(out.status.code(), Some(1));
    assert!(
        !dir.path().join("data/sayr.db").exists(),
        "the check creates nothing"
    );

    let out = run_sayr(dir.path(), &["migrate"], &[]).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = run_sayr(dir.path(), &["migrate", "--check"], &[]).await;
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("current"));

    // A newer version's migration, as a rolled-back deploy leaves it.
    let url = format!(
        "sqlite://{}?mode=rw",
        dir.path().join("data/sayr.db").display()
    );
    let db = sea_orm::Database::connect(&url).await.unwrap();
    use sea_orm::ConnectionTrait;
    db.execute_unprepared(
        "INSERT INTO seaql_migrations (version, applied_at) VALUES ('m9999_from_the_future', 0)",
    )
    .await
    .unwrap();
    db.close().await.unwrap();
    let out = run_sayr(dir.path(), &["migrate", "--check"], &[]).await;
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("migrated by a newer Sayr") && err.contains("m9999_from_the_future"),
        "{err}"
    );
    let out = run_sayr(dir.path(), &["serve", "--addr", "127.0.0.1:0"], &[]).await;
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("migrated by a newer Sayr"));
}

/// Instances starting together on one new PostgreSQL database (a scaled-out start, a
/// rolling deploy) migrate in turns under an advisory lock: every one starts.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn instances_starting_together_migrate_in_turns() {
    let Some(admin) = postgres_url() else {
        eprintln!("SKIPPED: concurrent migrations need SAYR_TEST_DATABASE_URL");
        return;
    };
    use sea_orm::ConnectionTrait;
    let name = format!(
        "sayr_t_{}_{}",
        std::process::id(),
        uuid::Uuid::new_v4().simple()
    );
    let root = server::db::connect(&server::config::Secret::new(admin.clone()), Some(1))
        .await
        .unwrap();
    root.execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await
        .unwrap();
    let url = format!("{}/{name}", admin.rsplit_once('/').unwrap().0);
    let starts = (0..4).map(|_| {
        let url = url.clone();
        tokio::spawn(async move {
            let db = server::db::connect(&server::config::Secret::new(url), Some(3)).await?;
            server::db::migrate(&db).await?;
            db.close().await
        })
    });
    for started in futures::future::join_all(starts).await {
        started
            .unwrap()
            .expect("every instance migrates or finds it done");
    }
    let db = server::db::connect(&server::config::Secret::new(url), Some(1))
        .await
        .unwrap();
    assert!(server::db::pending(&db).await.unwrap().is_empty());
    let twice = db
        .query_one_raw(sea_orm::Statement::from_string(
            sea_orm::DbBackend::Postgres,
            "SELECT count(*) - count(DISTINCT version) AS n FROM seaql_migrations".to_string(),
        ))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(twice.try_get::<i64>("", "n").unwrap(), 0);
    db.close().await.unwrap();
    root.execute_unprepared(&format!("DROP DATABASE {name} WITH (FORCE)"))
        .await
        .unwrap();
}

pub(crate) fn site_expected() -> bool {
    if assets::is_empty() {
        assert!(
            std::env::var_os("SAYR_TEST_SITE_REQUIRED").is_none(),
            "the site is required (SAYR_TEST_SITE_REQUIRED) but this build embeds none: `make site` first"
        );
        eprintln!("SKIPPED: this build embeds no site (`make site` before `cargo test`)");
        return false;
    }
    true
}

/// With no site directory given, the page's bundle comes from the binary, under its
/// content hash, for browsers to keep for good; another build's hash is not served.
#[tokio::test]
async fn the_embedded_site_is_served_under_its_hash() {
    if !site_expected() {
        return;
    }
    let app = TestApp::spawn_with(Backend::Sqlite, |c| c.site_root = None).await;
    let page = app
        .http
        .get(format!("{}/login", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    let prefix = format!("/pkg/{}/", assets::PKG_HASH);
    let js = format!("{prefix}sayr.js");
    assert!(html.contains(&js), "the page loads {js}:\n{html}");
    let css = format!("{prefix}sayr.css");
    assert!(html.contains(&css), "the page links {css}");

    for (path, kind) in [
        (js.as_str(), "text/javascript"),
        (css.as_str(), "text/css"),
        (&format!("{prefix}sayr.wasm"), "application/wasm"),
        (&format!("{prefix}sayr_bg.wasm"), "application/wasm"),
    ] {
        let res = app
            .http
            .get(format!("{}{path}", app.base))
            .header("accept-encoding", "gzip, br")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        assert!(
            res.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with(kind),
            "{path}"
        );
        assert_eq!(
            res.headers()["cache-control"],
            "public, max-age=31536000, immutable",
            "{path}"
        );
        assert_eq!(res.headers()["content-encoding"], "br", "{path}");
        let plain = app
            .http
            .get(format!("{}{path}", app.base))
            .send()
            .await
            .unwrap();
        assert!(
            plain.headers().get("content-encoding").is_none(),
            "{path} plain when asked so"
        );
        let body = plain.bytes().await.unwrap();
        let name = path
            .rsplit('/')
            .next()
            .unwrap()
            .replace("_bg.wasm", ".wasm");
        // The binary holds the bundle's big files only compressed: what it serves plain
        // is what `make site` wrote.
        let site = option_env!("SAYR_EMBED_SITE").expect("a build with a site names it");
        let built = std::path::Path::new(site).join(format!("pkg/{name}"));
        assert!(
            &body[..] == std::fs::read(&built).unwrap(),
            "{path} plain is {} as built",
            built.display()
        );
    }
    let stale = app
        .http
        .get(format!("{}/pkg/0123456789abcdef/sayr.js", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(
        stale.status(),
        StatusCode::NOT_FOUND,
        "another build's bundle"
    );
    let icon = app
        .http
        .get(format!("{}/favicon.svg", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(icon.status(), StatusCode::OK);
    assert_eq!(icon.headers()["content-type"], "image/svg+xml");
}

/// Pages and JSON go out compressed to clients that take it; uploaded files go out as
/// they were stored.
#[tokio::test]
async fn text_answers_are_compressed() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let (member, _) = app.public_org().await; // owns `acme`
    let get = |path: String, encoding: &'static str| {
        let req = app
            .http
            .get(format!("{}{path}", app.base))
            .header("cookie", member.cookie());
        async move {
            if encoding.is_empty() {
                req.send().await.unwrap()
            } else {
                req.header("accept-encoding", encoding)
                    .send()
                    .await
                    .unwrap()
            }
        }
    };
    let plain = get("/api/v1/me".into(), "").await;
    assert!(plain.headers().get("content-encoding").is_none());
    let plain = plain.bytes().await.unwrap();
    assert!(
        plain.len() > 256,
        "a body worth compressing: {} bytes",
        plain.len()
    );

    let gzipped = get("/api/v1/me".into(), "gzip").await;
    assert_eq!(gzipped.headers()["content-encoding"], "gzip");
    let body = gzipped.bytes().await.unwrap();
    assert!(body.len() < plain.len());
    let mut unzipped = Vec::new();
    flate2::read::GzDecoder::new(&body[..])
        .read_to_end(&mut unzipped)
        .unwrap();
    assert_eq!(unzipped, plain);

    let page = get("/login".into(), "gzip, deflate, br, zstd").await;
    assert_eq!(page.status(), StatusCode::OK);
    assert_eq!(page.headers()["content-encoding"], "br");

    // A stored text file: what was uploaded is what is downloaded, byte for byte.
    let owner = member;
    let text = "notes\n".repeat(1000);
    let (status, body) = app
        .upload(
            reqwest::Method::POST,
            "/api/v1/orgs/acme/files",
            Some(&owner),
            "notes.txt",
            text.as_bytes(),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let file = app
        .http
        .get(format!("{}{}", app.base, body["url"].as_str().unwrap()))
        .header("cookie", owner.cookie())
        .header("accept-encoding", "gzip, br")
        .send()
        .await
        .unwrap();
    assert!(file.headers().get("content-encoding").is_none());
    assert_eq!(file.bytes().await.unwrap(), text.as_bytes());
}

/// SIGTERM: `/readyz` answers 503 at once while the instance still serves, then every
/// socket gets a Close frame 1001 (going away) so that clients reconnect elsewhere.
#[tokio::test]
async fn shutdown_drains_readiness_first_then_closes_sockets_going_away() {
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let app = TestApp::spawn_until(
        Backend::Sqlite,
        |c| c.shutdown_delay = Duration::from_secs(2),
        async {
            let _ = stopped.await;
        },
    )
    .await;
    let (status, _) = app.get("/readyz", None).await;
    assert_eq!(status, StatusCode::OK);
    let mut socket = app.socket(None, "").await;
    socket.next().await; // CONNECTION_STATUS

    stop.send(()).unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let (status, body) = app.get("/readyz", None).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(body["draining"], true);
    let (status, _) = app.get("/healthz", None).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "still serving while load balancers catch up"
    );

    let close = tokio::time::timeout(Duration::from_secs(10), async {
        while let Some(frame) = socket.ws.next().await {
            if let Ok(Message::Close(frame)) = frame {
                return frame;
            }
        }
        None
    })
    .await
    .expect("the socket closes after the delay")
    .expect("with a Close frame");
    assert_eq!(u16::from(close.code), 1001, "going away");

    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(
        tokio::net::TcpStream::connect(app.addr).await.is_err(),
        "the listener is closed once drained"
    );
}

/// `sayr backup` copies a live instance while tasks are being written: restored into a new
/// data directory by `sayr restore`, a second instance has every task made before the
/// backup began and every file, byte for byte.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_under_writes_restores_into_another_instance() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let owner = app.sign_up("owner@example.test").await;
    app.create_org(&owner, "acme").await;
    let mut files = Vec::new();
    for i in 0..3u8 {
        let bytes: Vec<u8> = format!("file {i}\n").repeat(2000 + i as usize).into_bytes();
        let (status, body) = app
            .upload(
                reqwest::Method::POST,
                "/api/v1/orgs/acme/files",
                Some(&owner),
                &format!("notes-{i}.txt"),
                &bytes,
                None,
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        files.push((body["url"].as_str().unwrap().to_string(), bytes));
    }

    // Writes go on while the backup runs.
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let made = std::sync::Arc::new(std::sync::Mutex::new(Vec::<i64>::new()));
    let writer = {
        let (http, base, cookie) = (app.http.clone(), app.base.clone(), owner.cookie());
        let (stop, made) = (stop.clone(), made.clone());
        tokio::spawn(async move {
            let mut i = 0;
            while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                i += 1;
                let res = http
                    .post(format!("{base}/api/v1/orgs/acme/tasks"))
                    .header("cookie", &cookie)
                    .json(&serde_json::json!({"title": format!("task {i}")}))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(res.status(), StatusCode::CREATED);
                let body: serde_json::Value = res.json().await.unwrap();
                made.lock()
                    .unwrap()
                    .push(body["task"]["number"].as_i64().unwrap());
            }
        })
    };
    while made.lock().unwrap().len() < 20 {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let before: Vec<i64> = made.lock().unwrap().clone();
    let work = tempfile::tempdir().unwrap();
    let data_dir = app.app_state.config.data_dir.display().to_string();
    let backup_dir = work.path().join("backup");
    let out = run_sayr(
        work.path(),
        &["backup", backup_dir.to_str().unwrap()],
        &[("SAYR_DATA_DIR", data_dir.clone())],
    )
    .await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("3 files"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    writer.await.unwrap();
    let during = made.lock().unwrap().len();
    assert!(
        during > before.len(),
        "tasks were written while the backup ran"
    );

    let again = run_sayr(
        work.path(),
        &["backup", backup_dir.to_str().unwrap()],
        &[("SAYR_DATA_DIR", data_dir)],
    )
    .await;
    assert_eq!(
        again.status.code(),
        Some(1),
        "a backup never writes over another"
    );

    let restored = work.path().join("restored");
    let out = run_sayr(
        work.path(),
        &["restore", backup_dir.to_str().unwrap()],
        &[("SAYR_DATA_DIR", restored.display().to_string())],
    )
    .await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let twice = run_sayr(
        work.path(),
        &["restore", backup_dir.to_str().unwrap()],
        &[("SAYR_DATA_DIR", restored.display().to_string())],
    )
    .await;
    assert_eq!(
        twice.status.code(),
        Some(1),
        "a restore never writes over data"
    );
    assert!(String::from_utf8_lossy(&twice.stderr).contains("empty data directory"));

    let second = TestApp::spawn_with(Backend::Sqlite, |c| c.data_dir = restored.clone()).await;
    let session = second
        .sign_in_session("owner@example.test", "correct horse battery")
        .await;
    for number in &before {
        let (status, body) = second
            .get(&format!("/api/v1/orgs/acme/tasks/{number}"), Some(&session))
            .await;
        assert_eq!(
            status,
            StatusCode::OK,
            "task {number} was made before the backup: {body}"
        );
    }
    for (url, bytes) in &files {
        let res = second
            .http
            .get(format!("{}{url}", second.base))
            .header("cookie", session.cookie())
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{url}");
        assert_eq!(&res.bytes().await.unwrap()[..], &bytes[..], "{url}");
    }
}

/// On PostgreSQL, `sayr backup` copies nothing and says what to run instead.
#[tokio::test]
async fn a_postgres_backup_says_what_to_run() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_sayr(
        dir.path(),
        &["backup", "bk"],
        &[(
            "DATABASE_URL",
            "postgres://sayr@127.0.0.1:1/sayr".to_string(),
        )],
    )
    .await;
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("nothing was copied") && err.contains("pg_dump"),
        "{err}"
    );
    assert!(!dir.path().join("bk").exists());
}

/// With `OTEL_EXPORTER_OTLP_ENDPOINT` set, one task update reaches a real OTLP/HTTP
/// receiver as one trace: the request (continuing the caller's `traceparent`), the
/// service call under it and the database queries under that.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_task_update_is_one_trace_from_request_to_query() {
    let receiver_ready = std::process::Command::new("python3")
        .args([
            "-c",
            "import opentelemetry.proto.collector.trace.v1.trace_service_pb2",
        ])
        .status()
        .is_ok_and(|s| s.success());
    if !receiver_ready {
        assert!(
            std::env::var_os("SAYR_TEST_OTLP_REQUIRED").is_none(),
            "opentelemetry-proto is required (SAYR_TEST_OTLP_REQUIRED) but not installed"
        );
        eprintln!("SKIPPED: the trace test needs PyPI's opentelemetry-proto (`make otel-tools`)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let spans_file = dir.path().join("spans.jsonl");
    let receiver_port = free_port();
    let mut receiver = tokio::process::Command::new("python3")
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/api/otlp_receiver.py"
        ))
        .arg(&spans_file)
        .arg(receiver_port.to_string())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let port = free_port();
    let mut child = sayr(
        dir.path(),
        &["serve"],
        &[
            ("SAYR_ADDR", format!("127.0.0.1:{port}")),
            (
                "OTEL_EXPORTER_OTLP_ENDPOINT",
                format!("http://127.0.0.1:{receiver_port}"),
            ),
            ("OTEL_BSP_SCHEDULE_DELAY", "100".to_string()),
            ("SAYR_LOG", "warn".to_string()),
        ],
    )
    .spawn()
    .unwrap();
    wait_healthy(port, &mut child).await;
    let base = format!("http://127.0.0.1:{port}");
    let http = reqwest::Client::new();
    let signup = http
        .post(format!("{base}/api/auth/signup"))
        .json(&serde_json::json!({"email": "ann@example.test", "password": "correct horse battery", "name": "Ann"}))
        .send()
        .await
        .unwrap();
    assert_eq!(signup.status(), StatusCode::CREATED);
    let cookie = signup.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let post = |path: &str, body: serde_json::Value| {
        http.post(format!("{base}{path}"))
            .header("cookie", &cookie)
            .json(&body)
            .send()
    };
    let org = post(
        "/api/v1/orgs",
        serde_json::json!({"name": "Acme", "slug": "acme", "shortId": "ACM"}),
    )
    .await
    .unwrap();
    assert_eq!(org.status(), StatusCode::CREATED);
    let task = post(
        "/api/v1/orgs/acme/tasks",
        serde_json::json!({"title": "Trace me"}),
    )
    .await
    .unwrap();
    assert_eq!(task.status(), StatusCode::CREATED);
    let task: serde_json::Value = task.json().await.unwrap();

    let (trace, caller) = ("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7");
    let update = http
        .patch(format!("{base}/api/v1/orgs/acme/tasks/1"))
        .header("cookie", &cookie)
        .header("traceparent", format!("00-{trace}-{caller}-01"))
        .json(&serde_json::json!({"title": "Traced", "version": task["task"]["version"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(update.status(), StatusCode::OK);

    let mut spans: Vec<serde_json::Value> = Vec::new();
    for _ in 0..150 {
        spans = std::fs::read_to_string(&spans_file)
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .filter(|s: &serde_json::Value| s["traceId"] == trace)
            .collect();
        if spans.iter().any(|s| s["name"] == "task.update") && spans.iter().any(|s| s["kind"] == 2)
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let named = |name: &str| spans.iter().find(|s| s["name"] == name).cloned();
    let request = named("PATCH /api/v1/orgs/{slug}/tasks/{number}")
        .unwrap_or_else(|| panic!("no request span in {spans:#?}"));
    assert_eq!(
        request["parentSpanId"], caller,
        "the caller's traceparent is continued"
    );
    assert_eq!(request["kind"], 2, "a server span");
    assert_eq!(request["attributes"]["http.response.status_code"], 200);
    assert_eq!(request["resource"]["service.name"], "sayr");
    let service = named("task.update").unwrap_or_else(|| panic!("no service span in {spans:#?}"));
    let ancestors = |span: &serde_json::Value| {
        let mut chain = Vec::new();
        let mut parent = span["parentSpanId"].as_str().unwrap_or("").to_string();
        while let Some(p) = spans.iter().find(|s| s["spanId"] == parent.as_str()) {
            chain.push(p["name"].as_str().unwrap().to_string());
            parent = p["parentSpanId"].as_str().unwrap_or("").to_string();
        }
        chain
    };
    assert!(
        ancestors(&service).contains(&request["name"].as_str().unwrap().to_string()),
        "the service call is under the request: {spans:#?}"
    );
    let queries: Vec<&serde_json::Value> = spans
        .iter()
        .filter(|s| s["kind"] == 3 && ancestors(s).iter().any(|a| a == "task.update"))
        .collect();
    assert!(
        !queries.is_empty(),
        "queries under the service call: {spans:#?}"
    );
    assert!(
        queries
            .iter()
            .all(|q| q["attributes"]["db.system.name"] == "sqlite")
    );
    assert!(
        queries.iter().any(|q| q["name"] == "db UPDATE"),
        "{queries:#?}"
    );
    for q in &queries {
        let (start, end) = (q["start"].as_u64().unwrap(), q["end"].as_u64().unwrap());
        assert!(
            start <= end && start >= service["start"].as_u64().unwrap(),
            "{q}"
        );
    }
    terminate(child).await;
    let _ = receiver.kill().await;
}

/// `/metrics` has request times by route pattern and status, and the database pool.
#[tokio::test]
async fn metrics_count_requests_by_route_and_status() {
    let app = TestApp::spawn_with(Backend::Sqlite, |c| {
        c.metrics_token = Some(server::config::Secret::new("t0ken"))
    })
    .await;
    for _ in 0..3 {
        let (status, _) = app.get("/api/v1/me", None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let (status, _) = app.get("/api/v1/orgs/nope/tasks/7", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let text = app
        .http
        .get(format!("{}/metrics", app.base))
        .bearer_auth("t0ken")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let value = |prefix: &str| -> f64 {
        text.lines()
            .find(|l| l.starts_with(prefix))
            .unwrap_or_else(|| panic!("no {prefix} in\n{text}"))
            .rsplit(' ')
            .next()
            .unwrap()
            .parse()
            .unwrap()
    };
    assert_eq!(
        value(
            r#"sayr_http_request_duration_seconds_count{method="GET",route="/api/v1/me",status="401"}"#
        ),
        3.0
    );
    assert_eq!(
        value(
            r#"sayr_http_request_duration_seconds_count{method="GET",route="/api/v1/orgs/{slug}/tasks/{number}",status="404"}"#
        ),
        1.0,
        "by route pattern, not by path"
    );
    assert!(
        !text.contains("/api/v1/orgs/nope"),
        "no paths in the labels"
    );
    assert!(text.contains(r#"sayr_http_request_duration_seconds_bucket{method="GET",route="/api/v1/me",status="401",le="0.005"}"#));
    assert_eq!(value("sayr_db_pool_max_connections"), 8.0);
    assert!(value(r#"sayr_db_pool_connections{state="idle"}"#) >= 1.0);
    assert!(text.contains("# TYPE sayr_http_request_duration_seconds histogram"));
}
