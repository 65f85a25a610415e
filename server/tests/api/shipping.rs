//! Running Sayr as a self-hoster does: the binary started as `cargo leptos watch` and
//! platforms start it, the site it carries, compression, draining at shutdown, and
//! migrations that instances starting together take in turns.

use crate::common::*;
use futures::StreamExt;
use reqwest::StatusCode;
use std::io::Read;
use std::process::Stdio;
use std::time::Duration;
use tokio::io::AsyncReadExt;
use tokio_tungstenite::tungstenite::Message;

const SAYR: &str = env!("CARGO_BIN_EXE_sayr");

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

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

async fn wait_healthy(port: u16, child: &mut tokio::process::Child) {
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

    let out = sayr(dir.path(), &["serve"], &[("PORT", "eighty".to_string())])
        .output()
        .await
        .unwrap();
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
    let out = sayr(dir.path(), &["migrate", "--check"], &[])
        .output()
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        !dir.path().join("data/sayr.db").exists(),
        "the check creates nothing"
    );

    let out = sayr(dir.path(), &["migrate"], &[]).output().await.unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = sayr(dir.path(), &["migrate", "--check"], &[])
        .output()
        .await
        .unwrap();
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
    let out = sayr(dir.path(), &["migrate", "--check"], &[])
        .output()
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("migrated by a newer Sayr") && err.contains("m9999_from_the_future"),
        "{err}"
    );
    let out = sayr(dir.path(), &["serve", "--addr", "127.0.0.1:0"], &[])
        .output()
        .await
        .unwrap();
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

fn site_expected() -> bool {
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
        assert_eq!(
            &body[..],
            assets::get(&format!("pkg/{name}")).unwrap().body,
            "{path}"
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
    let (member, _) = app.public_org().await;
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
    let owner = app.sign_up("files@example.test").await;
    app.create_org(&owner, "acme").await;
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
