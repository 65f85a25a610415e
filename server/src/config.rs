//! Typed, layered configuration: defaults → optional file → environment → command line.
//! Every setting is a clap argument with its environment name, so `sayr --help` is the
//! reference. Secrets are wrapped so that they never print.

use clap::{Args, ValueEnum};
use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

/// A value that must not reach logs or `Debug` output (passwords inside URLs, keys).
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

impl FromStr for Secret {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Self(s.to_string()))
    }
}

/// How log lines look.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// For people reading a terminal.
    Human,
    /// One JSON object a line, for log collectors.
    Json,
}

fn parse_secs(s: &str) -> Result<Duration, String> {
    s.parse::<u64>()
        .map(Duration::from_secs)
        .map_err(|e| format!("seconds: {e}"))
}

/// Every setting of a `sayr` process.
#[derive(Args, Clone, Debug)]
pub struct Config {
    /// Address to listen on.
    #[arg(
        long,
        global = true,
        env = "SAYR_ADDR",
        default_value = "127.0.0.1:3000"
    )]
    pub addr: SocketAddr,

    /// Directory for the embedded database and local file storage.
    #[arg(long, global = true, env = "SAYR_DATA_DIR", default_value = "./data")]
    pub data_dir: PathBuf,

    /// Database: `postgres://…` to scale out; default a SQLite file in the data dir.
    #[arg(long, global = true, env = "DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<Secret>,

    /// Redis for cross-instance realtime and shared throttling; default in-process.
    #[arg(long, global = true, env = "REDIS_URL", hide_env_values = true)]
    pub redis_url: Option<Secret>,

    /// File storage: `s3://bucket[/prefix]`; default the data dir's `files/`.
    #[arg(long, global = true, env = "SAYR_STORAGE_URL")]
    pub storage_url: Option<String>,

    /// The URL people reach this instance at (origin checks, links, secure cookies).
    #[arg(long, global = true, env = "SAYR_PUBLIC_URL")]
    pub public_url: Option<String>,

    /// Serve orgs at `<slug>.<root domain>` as well as `/orgs/<slug>`.
    #[arg(long, global = true, env = "SAYR_ROOT_DOMAIN")]
    pub root_domain: Option<String>,

    /// Log format.
    #[arg(
        long,
        global = true,
        env = "SAYR_LOG_FORMAT",
        value_enum,
        default_value = "human"
    )]
    pub log_format: LogFormat,

    /// Log filter, in `tracing` directive syntax.
    #[arg(
        long,
        global = true,
        env = "SAYR_LOG",
        default_value = "info,sqlx=warn,sea_orm=warn"
    )]
    pub log: String,

    /// Whether anyone may sign up (the first account is always allowed).
    #[arg(long, global = true, env = "SAYR_SIGNUP", default_value_t = true, action = clap::ArgAction::Set)]
    pub signup: bool,

    /// The built site (WASM bundle, stylesheet, public assets).
    #[arg(
        long,
        global = true,
        env = "LEPTOS_SITE_ROOT",
        default_value = "target/site"
    )]
    pub site_root: PathBuf,

    /// Base name of the bundle files under `<site root>/pkg`.
    #[arg(
        long,
        global = true,
        env = "LEPTOS_OUTPUT_NAME",
        default_value = "sayr"
    )]
    pub output_name: String,

    /// Seconds between the server's PINGs on each socket.
    #[arg(long, global = true, env = "SAYR_WS_PING_INTERVAL", value_parser = parse_secs, default_value = "30")]
    pub ws_ping_interval: Duration,

    /// Seconds without a PONG after which a socket is closed.
    #[arg(long, global = true, env = "SAYR_WS_TIMEOUT", value_parser = parse_secs, default_value = "60")]
    pub ws_timeout: Duration,
}

impl Config {
    /// The database URL in force: the configured one or the SQLite file in the data dir.
    pub fn database_url(&self) -> Secret {
        match &self.database_url {
            Some(url) => url.clone(),
            None => Secret::new(format!(
                "sqlite://{}/sayr.db?mode=rwc",
                self.data_dir.display()
            )),
        }
    }

    /// Cookies get `Secure` when people reach us over https.
    pub fn secure_cookies(&self) -> bool {
        self.public_url
            .as_deref()
            .is_some_and(|u| u.starts_with("https://"))
    }

    /// Defaults for tests: port 0, the given data dir, quiet logs.
    pub fn for_tests(data_dir: PathBuf) -> Self {
        use clap::Parser;
        #[derive(Parser)]
        struct Only {
            #[command(flatten)]
            config: Config,
        }
        let mut config = Only::parse_from(["sayr"]).config;
        config.addr = "127.0.0.1:0".parse().unwrap();
        config.data_dir = data_dir;
        config
    }
}

/// Loads `KEY=VALUE` lines from a config file into the environment, without overriding
/// variables that are already set (so the environment and flags win over the file).
pub fn load_file(path: &std::path::Path) -> std::io::Result<()> {
    let text = std::fs::read_to_string(path)?;
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some((key, value)) = line.split_once('=') {
            let (key, value) = (key.trim(), value.trim().trim_matches('"'));
            if std::env::var_os(key).is_none() {
                // SAFETY: called once at start-up, before any thread is spawned.
                unsafe { std::env::set_var(key, value) };
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_never_print() {
        let s = Secret::new("postgres://u:hunter2@db/x");
        assert!(!format!("{s:?}").contains("hunter2"));
    }

    #[test]
    fn the_default_database_is_sqlite_in_the_data_dir() {
        let config = Config::for_tests("/tmp/x".into());
        assert_eq!(
            config.database_url().expose(),
            "sqlite:///tmp/x/sayr.db?mode=rwc"
        );
    }
}
