//! Jobs across processes: a `sayr serve` with `SAYR_WORKER=off` leaves its jobs to `sayr
//! worker` processes; a worker killed (SIGKILL) in the middle of a job leaves it to another,
//! once its lease runs out, and the mail is delivered once.

use crate::common::{Backend, SmtpServer, TestApp};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A `sayr worker` on the test's database, sending to `smtp`, with a 2 s lease.
fn worker(app: &TestApp, smtp: &SmtpServer, data_dir: &std::path::Path) -> Child {
    Command::new(env!("CARGO_BIN_EXE_sayr"))
        .arg("worker")
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DATABASE_URL", &app.database_url)
        .env("SAYR_DATA_DIR", data_dir)
        .env(
            "SAYR_SMTP_URL",
            format!("smtp://127.0.0.1:{}?tls=none", smtp.port),
        )
        .env("SAYR_MAIL_FROM", "Sayr Test <sayr@example.test>")
        .env("SAYR_WORKER_LEASE", "2")
        .env("SAYR_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("sayr worker starts")
}

async fn until(what: &str, secs: u64, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(secs);
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn killed_worker_leaves_the_job_to_another(backend: Backend) {
    // The SMTP server holds the first message for a minute: the first worker is killed
    // while it waits.
    let Some(smtp) = SmtpServer::start_hanging(0, 60).await else {
        return;
    };
    let app = TestApp::spawn_with(backend, |c| {
        smtp.configure(c);
        c.worker = false;
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    app.sign_up_unverified("ada@example.test").await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(
        !smtp.hanging() && smtp.mails().is_empty(),
        "SAYR_WORKER=off: serve sends nothing"
    );
    let queued = services::jobs::stats(&app.app_state.services)
        .await
        .unwrap();
    assert_eq!(queued["send_mail"].queued, 1, "{queued:?}");

    let mut first = worker(&app, &smtp, dir.path());
    until("the first worker to reach the SMTP server", 60, || {
        smtp.hanging()
    })
    .await;
    let running = services::jobs::stats(&app.app_state.services)
        .await
        .unwrap();
    assert_eq!(running["send_mail"].running, 1, "{running:?}");
    first.kill().unwrap(); // SIGKILL: no give-back, no goodbye.
    first.wait().unwrap();

    let mut second = worker(&app, &smtp, dir.path());
    until("the mail, through the second worker", 60, || {
        !smtp.mails().is_empty()
    })
    .await;
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let stats = services::jobs::stats(&app.app_state.services)
            .await
            .unwrap();
        if !stats.contains_key("send_mail") {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the job leaves the queue: {stats:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(smtp.mails().len(), 1, "delivered once");
    assert!(smtp.mails()[0].subject.contains("Confirm"));
    second.kill().unwrap();
    second.wait().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_worker_leaves_its_job_to_another_sqlite() {
    killed_worker_leaves_the_job_to_another(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_worker_leaves_its_job_to_another_postgres() {
    if crate::common::postgres_url().is_some() {
        killed_worker_leaves_the_job_to_another(Backend::Postgres).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sayr_mail_test_reports_what_the_smtp_server_answered() {
    let Some(smtp) = SmtpServer::start(0).await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let run = |url: String| {
        Command::new(env!("CARGO_BIN_EXE_sayr"))
            .args(["mail", "test", "reader@example.test"])
            .env_clear()
            .env("SAYR_DATA_DIR", dir.path())
            .env("SAYR_SMTP_URL", url)
            .env("SAYR_LOG", "warn")
            .output()
            .expect("sayr mail test runs")
    };
    let out = run(format!("smtp://127.0.0.1:{}?tls=none", smtp.port));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("sent: 127.0.0.1:") && stdout.contains("250"),
        "{stdout}"
    );
    let mail = smtp.wait_for("reader@example.test").await;
    assert!(mail.subject.contains("A test mail"));

    let out = run(format!(
        "smtp://127.0.0.1:{}?tls=none",
        crate::common::closed_port()
    ));
    assert!(
        !out.status.success(),
        "a server that is not there is a failure"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("not sent"));
}
