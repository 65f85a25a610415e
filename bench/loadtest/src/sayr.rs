//! Against a running sayr: sign in, get an API key (sockets authenticate with it cheaply),
//! an org and one task per lane; each lane PATCHes its task over REST, minding `version`.

use crate::client::{Target, title};
use crate::driver::{self, Lanes, LoadArgs, Subject};
use crate::procfs;
use crate::stats::Shared;
use clap::Args;
use reqwest::{RequestBuilder, StatusCode};
use serde_json::{Value, json};
use std::net::{SocketAddr, ToSocketAddrs};
use std::sync::Arc;
use std::sync::atomic::Ordering::Relaxed;
use std::time::{Instant, SystemTime, UNIX_EPOCH};
use tokio::sync::mpsc;

#[derive(Args, Debug)]
pub struct SayrArgs {
    /// The instance, e.g. http://127.0.0.1:3000.
    #[arg(long)]
    url: String,
    /// An API key (`sayr_…`); without it the tool signs up or logs in and creates one.
    #[arg(long, env = "SAYR_LOAD_API_KEY", conflicts_with_all = ["email", "password"])]
    api_key: Option<String>,
    #[arg(long, default_value = "load@example.test")]
    email: String,
    #[arg(long, default_value = "sayr-load-password")]
    password: String,
    /// Use this org (its slug) instead of creating one; the key's user must be a member.
    #[arg(long)]
    org: Option<String>,
    /// The server's process, for its memory (default: whoever listens on the URL's port).
    #[arg(long)]
    server_pid: Option<u32>,
    #[command(flatten)]
    load: LoadArgs,
}

/// A description of a typical size, so that UPDATE_TASK frames are as large as real ones.
const DESCRIPTION: &str = "Customers ask for a way to export the board. This task is \
updated by the load test.\n\n- export as **CSV** with the visible columns\n- keep the \
filters that are set\n- link: [the request](https://example.com/requests/42)\n\nThe export \
runs in the background and the user gets a link when it is ready.";

async fn call(request: RequestBuilder, expect: StatusCode) -> Result<Value, String> {
    let response = request.send().await.map_err(|e| e.to_string())?;
    let status = response.status();
    let body = response.text().await.map_err(|e| e.to_string())?;
    if status != expect {
        return Err(format!("{status}: {body}"));
    }
    serde_json::from_str(&body).map_err(|e| format!("{e}: {body}"))
}

fn field<'a>(value: &'a Value, path: &[&str]) -> Result<&'a Value, String> {
    path.iter()
        .try_fold(value, |v, key| v.get(key))
        .ok_or_else(|| format!("no {} in {value}", path.join(".")))
}

/// The key from the arguments, or a new one for the (signed-up or logged-in) user.
async fn api_key(http: &reqwest::Client, base: &str, args: &SayrArgs) -> Result<String, String> {
    if let Some(key) = &args.api_key {
        return Ok(key.clone());
    }
    let account = json!({"email": args.email, "password": args.password, "name": "Load test"});
    let signup = http
        .post(format!("{base}/api/auth/signup"))
        .json(&account)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if signup.status() != StatusCode::CREATED {
        call(
            http.post(format!("{base}/api/auth/login")).json(&account),
            StatusCode::OK,
        )
        .await
        .map_err(|e| format!("log in as {}: {e}", args.email))?;
    }
    let created = call(
        http.post(format!("{base}/api/v1/me/api-keys"))
            .json(&json!({"name": "sayr-load"})),
        StatusCode::CREATED,
    )
    .await
    .map_err(|e| format!("create an API key: {e}"))?;
    Ok(field(&created, &["key"])?
        .as_str()
        .unwrap_or_default()
        .to_string())
}

/// What the run needs from the instance.
struct Setup {
    key: String,
    slug: String,
    org_id: String,
    /// Number and version of each lane's task.
    tasks: Vec<(i64, i64)>,
}

async fn set_up(http: &reqwest::Client, base: &str, args: &SayrArgs) -> Result<Setup, String> {
    let key = api_key(http, base, args).await?;
    let auth = format!("Bearer {key}");
    let org = match &args.org {
        Some(slug) => call(
            http.get(format!("{base}/api/v1/orgs/{slug}"))
                .header("authorization", &auth),
            StatusCode::OK,
        )
        .await
        .map_err(|e| format!("org {slug}: {e}"))?,
        None => {
            let secs = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .unwrap()
                .as_secs();
            let slug = format!("load-{secs}-{}", std::process::id());
            call(
                http.post(format!("{base}/api/v1/orgs"))
                    .header("authorization", &auth)
                    .json(&json!({"name": "Load test", "slug": slug, "shortId": "LD"})),
                StatusCode::CREATED,
            )
            .await
            .map_err(|e| format!("create an org: {e}"))?
        }
    };
    let slug = field(&org, &["org", "slug"])?
        .as_str()
        .unwrap_or_default()
        .to_string();
    let org_id = field(&org, &["org", "id"])?
        .as_str()
        .unwrap_or_default()
        .to_string();
    let mut tasks = Vec::new();
    for lane in 0..args.load.window.max(1) {
        let created = call(
            http.post(format!("{base}/api/v1/orgs/{slug}/tasks"))
                .header("authorization", &auth)
                .json(
                    &json!({"title": format!("sayr-load lane {lane}"), "description": DESCRIPTION}),
                ),
            StatusCode::CREATED,
        )
        .await
        .map_err(|e| format!("create a task: {e}"))?;
        let number = field(&created, &["task", "number"])?
            .as_i64()
            .unwrap_or_default();
        let version = field(&created, &["task", "version"])?
            .as_i64()
            .unwrap_or_default();
        tasks.push((number, version));
    }
    Ok(Setup {
        key,
        slug,
        org_id,
        tasks,
    })
}

/// What one PATCH came back with.
enum Patched {
    Done(i64),
    /// A stale `version`: the current one.
    Conflict(i64),
}

async fn patch(
    http: &reqwest::Client,
    url: &str,
    auth: &str,
    body: &Value,
) -> Result<Patched, String> {
    let response = http
        .patch(url)
        .header("authorization", auth)
        .json(body)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let status = response.status();
    let text = response.text().await.map_err(|e| e.to_string())?;
    let answer: Value = serde_json::from_str(&text).unwrap_or_default();
    let version = |pointer| answer.pointer(pointer).and_then(Value::as_i64);
    match (
        status,
        version("/task/version"),
        version("/error/current/version"),
    ) {
        (StatusCode::OK, Some(v), _) => Ok(Patched::Done(v)),
        (StatusCode::CONFLICT, _, Some(v)) => Ok(Patched::Conflict(v)),
        _ => Err(format!(
            "{status}: {}",
            text.chars().take(200).collect::<String>()
        )),
    }
}

/// One lane: PATCHes its task's title to each update's title in turn. A stale `version`
/// (someone else changed the task) is retried with the current one.
async fn lane(
    http: reqwest::Client,
    url: String,
    auth: String,
    mut version: i64,
    mut updates: mpsc::UnboundedReceiver<u32>,
    shared: Arc<Shared>,
) {
    while let Some(i) = updates.recv().await {
        let mut outcome = Err("3 version conflicts in a row".to_string());
        for _attempt in 0..3 {
            let body = json!({"title": title(i), "version": version});
            shared.mark_sent(i);
            let start = Instant::now();
            let patched = patch(&http, &url, &auth, &body).await;
            let took = start.elapsed().as_micros() as u64;
            shared.phase_of(i).trigger.record(took);
            match patched {
                Ok(Patched::Done(v)) => {
                    version = v;
                    outcome = Ok(());
                    break;
                }
                Ok(Patched::Conflict(v)) => {
                    version = v;
                    shared.conflicts.fetch_add(1, Relaxed);
                }
                Err(why) => {
                    outcome = Err(why);
                    break;
                }
            }
        }
        if let Err(why) = outcome {
            shared.trigger_failed(format!("PATCH of update {i}: {why}"));
        }
    }
}

fn socket_addr(url: &reqwest::Url) -> Result<SocketAddr, String> {
    let host = url.host_str().ok_or("the URL has no host")?;
    let port = url.port_or_known_default().ok_or("the URL has no port")?;
    (host, port)
        .to_socket_addrs()
        .map_err(|e| e.to_string())?
        .next()
        .ok_or_else(|| format!("{host} does not resolve"))
}

pub async fn run(args: SayrArgs) -> Result<(), String> {
    args.load.check(args.load.sockets)?;
    let base = args.url.trim_end_matches('/').to_string();
    let url = reqwest::Url::parse(&base).map_err(|e| format!("--url: {e}"))?;
    if url.scheme() != "http" {
        return Err("--url: only http:// is supported (the sockets speak plain ws://)".into());
    }
    let addr = socket_addr(&url)?;
    let http = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .map_err(|e| e.to_string())?;
    let setup = set_up(&http, &base, &args).await?;
    eprintln!(
        "sayr: org {} ({}), {} tasks",
        setup.slug,
        setup.org_id,
        setup.tasks.len()
    );

    let shared = Arc::new(Shared::new(args.load.updates, args.load.burst()));
    let auth = format!("Bearer {}", setup.key);
    let mut lanes = Vec::new();
    for &(number, version) in &setup.tasks {
        let (tx, rx) = mpsc::unbounded_channel();
        let task_url = format!("{base}/api/v1/orgs/{}/tasks/{number}", setup.slug);
        tokio::spawn(lane(
            http.clone(),
            task_url,
            auth.clone(),
            version,
            rx,
            shared.clone(),
        ));
        lanes.push(tx);
    }
    let target = Target {
        addr,
        url: format!("ws://{}/ws", url.authority()),
        authorization: Some(auth),
        subscribe: Target::subscribe_frame(&setup.org_id),
    };
    let pid = args.server_pid.or_else(|| {
        let local = addr.ip().is_loopback();
        local.then(|| procfs::listening_pid(addr.port())).flatten()
    });
    let subject = Subject {
        name: "sayr",
        pid,
        memory_note: "",
    };
    driver::run(subject, target, shared, Lanes(lanes), &args.load).await?;
    // `/metrics` answers only with the instance's SAYR_METRICS_TOKEN (bench/ws.sh sets it).
    let mut metrics = http.get(format!("{base}/metrics"));
    if let Ok(token) = std::env::var("SAYR_METRICS_TOKEN") {
        metrics = metrics.bearer_auth(token);
    }
    if let Ok(metrics) = metrics.send().await
        && metrics.status().is_success()
    {
        let text = metrics.text().await.unwrap_or_default();
        for line in text.lines().filter(|l| l.starts_with("sayr_ws_")) {
            println!("   server /metrics: {line}");
        }
    }
    Ok(())
}
