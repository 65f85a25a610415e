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

/// `on`/`off` (also `true`/`false`, `1`/`0`).
fn parse_switch(s: &str) -> Result<bool, String> {
    match s.to_ascii_lowercase().as_str() {
        "on" | "true" | "1" | "yes" => Ok(true),
        "off" | "false" | "0" | "no" => Ok(false),
        _ => Err(format!("`{s}`: expected on or off")),
    }
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

    /// Connections this process keeps to the database at most; default 20 on PostgreSQL
    /// (mind `max_connections` there: every instance and worker has its own pool), 8 on
    /// SQLite.
    #[arg(long, global = true, env = "SAYR_DB_MAX_CONNECTIONS", value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub db_max_connections: Option<u32>,

    /// Redis for cross-instance realtime and shared throttling; default in-process.
    #[arg(long, global = true, env = "REDIS_URL", hide_env_values = true)]
    pub redis_url: Option<Secret>,

    /// What this deployment's Redis channel and keys start with (`<prefix>:events`,
    /// `<prefix>:throttle:…`), so that several deployments can share one Redis.
    #[arg(long, global = true, env = "SAYR_REDIS_PREFIX", default_value = "sayr")]
    pub redis_prefix: String,

    /// Certificates (a PEM file) to trust for a `rediss://` Redis besides the system's
    /// roots, such as the private CA that signed its certificate.
    #[arg(long, global = true, env = "SAYR_REDIS_CA_FILE")]
    pub redis_ca_file: Option<PathBuf>,

    /// File storage: `s3://bucket[/prefix]`; default the data dir's `files/`.
    #[arg(long, global = true, env = "SAYR_STORAGE_URL")]
    pub storage_url: Option<String>,

    /// The S3 endpoint and credentials, upload limits and types (`storage.rs`).
    #[command(flatten)]
    pub storage: crate::storage::StorageConfig,

    /// The URL people reach this instance at (origin checks, links, secure cookies).
    #[arg(long, global = true, env = "SAYR_PUBLIC_URL")]
    pub public_url: Option<String>,

    /// The reverse proxies in front of Sayr (CIDRs or addresses, comma-separated): from
    /// them, the client is the first address in `X-Forwarded-For` that is not one of
    /// them. Without it, the client is always the TCP peer.
    #[arg(long, global = true, env = "SAYR_TRUSTED_PROXIES", value_parser = edge::TrustedProxies::parse)]
    pub trusted_proxies: Option<edge::TrustedProxies>,

    /// Rate limits: `off`, or budgets over the defaults as `<name>=<count>/<period>`,
    /// comma-separated (`signup=3/1h,api=6000/1m`; names in docs/http-api.md → Limits).
    #[arg(long, global = true, env = "SAYR_LIMITS", value_parser = services::limit::Limits::parse)]
    pub limits: Option<services::limit::Limits>,

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

    /// A built site on disk (WASM bundle, stylesheet, public assets) to serve instead of
    /// the one embedded in the binary: for development (`cargo leptos watch` sets it). A
    /// binary built without a site serves `target/site`.
    #[arg(long, global = true, env = "LEPTOS_SITE_ROOT")]
    pub site_root: Option<PathBuf>,

    /// Base name of the bundle files under `<site root>/pkg`.
    #[arg(
        long,
        global = true,
        env = "LEPTOS_OUTPUT_NAME",
        default_value = "sayr"
    )]
    pub output_name: String,

    /// GitHub OAuth app client id (enables "Sign in with GitHub").
    #[arg(long, global = true, env = "SAYR_GITHUB_CLIENT_ID")]
    pub github_client_id: Option<String>,

    /// GitHub OAuth app client secret.
    #[arg(
        long,
        global = true,
        env = "SAYR_GITHUB_CLIENT_SECRET",
        hide_env_values = true
    )]
    pub github_client_secret: Option<Secret>,

    /// Base URL of GitHub's web (authorize and token endpoints); a stand-in in tests.
    #[arg(
        long,
        global = true,
        env = "SAYR_GITHUB_OAUTH_URL",
        default_value = "https://github.com"
    )]
    pub github_oauth_url: String,

    /// Base URL of GitHub's REST API (user and e-mail endpoints).
    #[arg(
        long,
        global = true,
        env = "SAYR_GITHUB_API_URL",
        default_value = "https://api.github.com"
    )]
    pub github_api_url: String,

    /// The GitHub App's id (with the slug, the private key and the webhook secret, turns on
    /// the GitHub integration: linked repositories, issue sync, pull requests on tasks).
    #[arg(long, global = true, env = "SAYR_GITHUB_APP_ID")]
    pub github_app_id: Option<String>,

    /// The GitHub App's URL name, as in `https://github.com/apps/<slug>`.
    #[arg(long, global = true, env = "SAYR_GITHUB_APP_SLUG")]
    pub github_app_slug: Option<String>,

    /// The GitHub App's private key (PEM), or use `SAYR_GITHUB_APP_PRIVATE_KEY_FILE`.
    #[arg(
        long,
        global = true,
        env = "SAYR_GITHUB_APP_PRIVATE_KEY",
        hide_env_values = true
    )]
    pub github_app_private_key: Option<Secret>,

    /// A file holding the GitHub App's private key (PEM).
    #[arg(long, global = true, env = "SAYR_GITHUB_APP_PRIVATE_KEY_FILE")]
    pub github_app_private_key_file: Option<PathBuf>,

    /// The secret GitHub signs webhook deliveries with (`X-Hub-Signature-256`).
    #[arg(
        long,
        global = true,
        env = "SAYR_GITHUB_WEBHOOK_SECRET",
        hide_env_values = true
    )]
    pub github_webhook_secret: Option<Secret>,

    /// GitHub's web address, where the App is installed (GitHub Enterprise's, or a stand-in).
    #[arg(
        long,
        global = true,
        env = "SAYR_GITHUB_URL",
        default_value = "https://github.com"
    )]
    pub github_url: String,

    /// OpenID Connect providers, read from `SAYR_OIDC_<NAME>_*` variables (see
    /// [`oidc_providers_from_env`]); not a flag.
    #[arg(skip)]
    pub oidc_providers: Vec<OidcProviderConfig>,

    /// Outgoing mail: `smtp://user:pass@host:587` (STARTTLS), `smtps://user:pass@host:465`
    /// (implicit TLS), `smtp://host:25?tls=none` (a local relay). Without it, mail is
    /// written to `<data dir>/outbox` and listed at `/admin/mail`.
    #[arg(long, global = true, env = "SAYR_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<Secret>,

    /// The sender of every mail.
    #[arg(
        long,
        global = true,
        env = "SAYR_MAIL_FROM",
        default_value = "Sayr <sayr@localhost>"
    )]
    pub mail_from: String,

    /// What mails and pages call this instance.
    #[arg(
        long,
        global = true,
        env = "SAYR_INSTANCE_NAME",
        default_value = "Sayr"
    )]
    pub instance_name: String,

    /// Whether `sayr serve` also runs jobs (mail, sweeps): `off` leaves them to `sayr worker`
    /// processes sharing the database.
    #[arg(long, global = true, env = "SAYR_WORKER", value_parser = parse_switch, default_value = "on")]
    pub worker: bool,

    /// Jobs a worker runs at once.
    #[arg(
        long,
        global = true,
        env = "SAYR_WORKER_CONCURRENCY",
        default_value_t = 4
    )]
    pub worker_concurrency: usize,

    /// Seconds a worker's claim on a job lasts without renewal: how long a job waits after
    /// its worker died before another takes it.
    #[arg(long, global = true, env = "SAYR_WORKER_LEASE", value_parser = parse_secs, default_value = "60")]
    pub worker_lease: Duration,

    /// Seconds notification mail waits, so that what follows in that time goes in the same
    /// mail (ten comments in five minutes are one mail).
    #[arg(long, global = true, env = "SAYR_NOTIFY_MAIL_DELAY", value_parser = parse_secs, default_value = "300")]
    pub notify_mail_delay: Duration,

    /// Multiplies every job's retry delay (tests shorten it); not a flag.
    #[arg(skip = 1.0)]
    pub job_retry_scale: f64,

    /// Seconds a request may take before it is answered 503 (0: no limit). Uploads and
    /// open sockets are not held to it.
    #[arg(long, global = true, env = "SAYR_REQUEST_TIMEOUT", value_parser = parse_secs, default_value = "30")]
    pub request_timeout: Duration,

    /// Seconds that `/readyz` answers 503 after SIGTERM before this instance stops
    /// accepting: time for a load balancer to stop sending it requests.
    #[arg(long, global = true, env = "SAYR_SHUTDOWN_DELAY", value_parser = parse_secs, default_value = "0")]
    pub shutdown_delay: Duration,

    /// Seconds that requests in flight and running jobs get to finish after that; then the
    /// process exits anyway.
    #[arg(long, global = true, env = "SAYR_SHUTDOWN_TIMEOUT", value_parser = parse_secs, default_value = "30")]
    pub shutdown_timeout: Duration,

    /// Seconds between the server's PINGs on each socket.
    #[arg(long, global = true, env = "SAYR_WS_PING_INTERVAL", value_parser = parse_secs, default_value = "30")]
    pub ws_ping_interval: Duration,

    /// Seconds without a PONG after which a socket is closed.
    #[arg(long, global = true, env = "SAYR_WS_TIMEOUT", value_parser = parse_secs, default_value = "60")]
    pub ws_timeout: Duration,

    /// A second address serving only `/metrics` (keep it off the public network); the main
    /// address then has no `/metrics`.
    #[arg(long, global = true, env = "SAYR_METRICS_ADDR")]
    pub metrics_addr: Option<SocketAddr>,

    /// Without `SAYR_METRICS_ADDR`: `/metrics` on the main address answers requests with
    /// `Authorization: Bearer <token>`. With neither, there is no `/metrics`.
    #[arg(
        long,
        global = true,
        env = "SAYR_METRICS_TOKEN",
        hide_env_values = true
    )]
    pub metrics_token: Option<Secret>,

    /// Hosts that images in Markdown may load from over https, besides this instance's own
    /// files (comma separated, e.g. `images.example.com`); other images show as links.
    #[arg(
        long,
        global = true,
        env = "SAYR_MARKDOWN_IMAGE_HOSTS",
        value_delimiter = ','
    )]
    pub markdown_image_hosts: Vec<String>,

    /// Orgs (slugs, comma-separated) whose public pages the home page lists for visitors
    /// who are not signed in, in this order; an org shows only while its public page is on.
    #[arg(long, global = true, env = "SAYR_LISTED_ORGS", value_delimiter = ',')]
    pub listed_orgs: Vec<String>,
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

    /// The mailer in force: SMTP when configured, else the outbox in the data dir.
    pub fn mailer(&self) -> Result<services::mail::Mailer, String> {
        match &self.smtp_url {
            Some(url) => services::mail::Mailer::smtp(url.expose(), &self.mail_from),
            None => services::mail::Mailer::outbox(self.data_dir.join("outbox"), &self.mail_from),
        }
    }

    /// The GitHub App in force: none when none of its settings is given, an error naming
    /// what is missing when only some are. The key is read from its file here; neither it
    /// nor the secret is ever quoted.
    pub fn github_app(&self) -> Result<Option<services::github::GithubConfig>, String> {
        let key = match (
            &self.github_app_private_key,
            &self.github_app_private_key_file,
        ) {
            (Some(key), _) => Some(key.expose().to_string()),
            (None, Some(path)) => Some(std::fs::read_to_string(path).map_err(|e| {
                format!("SAYR_GITHUB_APP_PRIVATE_KEY_FILE {}: {e}", path.display())
            })?),
            (None, None) => None,
        };
        let given = [
            ("SAYR_GITHUB_APP_ID", self.github_app_id.clone()),
            ("SAYR_GITHUB_APP_SLUG", self.github_app_slug.clone()),
            ("SAYR_GITHUB_APP_PRIVATE_KEY", key),
            (
                "SAYR_GITHUB_WEBHOOK_SECRET",
                self.github_webhook_secret
                    .as_ref()
                    .map(|s| s.expose().to_string()),
            ),
        ];
        let missing: Vec<&str> = given
            .iter()
            .filter(|(_, v)| v.as_deref().is_none_or(|v| v.trim().is_empty()))
            .map(|(name, _)| *name)
            .collect();
        if missing.len() == given.len() {
            return Ok(None);
        }
        if !missing.is_empty() {
            return Err(format!(
                "the GitHub App needs {} as well",
                missing.join(", ")
            ));
        }
        let [
            (_, Some(app_id)),
            (_, Some(slug)),
            (_, Some(private_key)),
            (_, Some(webhook_secret)),
        ] = given
        else {
            unreachable!("every setting is present");
        };
        Ok(Some(services::github::GithubConfig {
            app_id: app_id.trim().to_string(),
            slug: slug.trim().to_string(),
            private_key,
            webhook_secret,
            api_url: self.github_api_url.trim_end_matches('/').to_string(),
            web_url: self.github_url.trim_end_matches('/').to_string(),
        }))
    }

    /// Where `/metrics` is served, if anywhere.
    pub fn metrics(&self) -> MetricsAccess {
        match (&self.metrics_addr, &self.metrics_token) {
            (Some(_), _) => MetricsAccess::OwnListener,
            (None, Some(token)) if !token.expose().trim().is_empty() => {
                MetricsAccess::Bearer(token.clone())
            }
            (None, _) => MetricsAccess::Off,
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

/// Where to listen when neither `SAYR_ADDR` nor `--addr` says: `PORT` on every interface
/// (as platforms that run containers set it), else `LEPTOS_SITE_ADDR` (where `cargo leptos
/// watch` says it serves). None: the default address. `var` reads the environment.
pub fn listen_fallback(var: impl Fn(&str) -> Option<String>) -> Result<Option<String>, String> {
    if var("SAYR_ADDR").is_some() {
        return Ok(None);
    }
    if let Some(port) = var("PORT") {
        let port: u16 = port
            .trim()
            .parse()
            .map_err(|_| format!("PORT: `{port}` is not a port number"))?;
        return Ok(Some(format!("0.0.0.0:{port}")));
    }
    Ok(var("LEPTOS_SITE_ADDR").filter(|a| !a.trim().is_empty()))
}

/// Where `/metrics` answers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MetricsAccess {
    /// On `SAYR_METRICS_ADDR` only.
    OwnListener,
    /// On the main address, to requests bearing this token.
    Bearer(Secret),
    /// Nowhere: the figures are not for the public, and nothing says who else may read them.
    Off,
}

/// One OpenID Connect provider: `SAYR_OIDC_<NAME>_ISSUER`, `_CLIENT_ID`, `_CLIENT_SECRET`,
/// and optionally `_SCOPES` (space or comma separated, `openid` always included) and
/// `_DISPLAY_NAME`.
#[derive(Clone, Debug)]
pub struct OidcProviderConfig {
    /// Lower-case letters and digits; the `<name>` in the start and callback paths.
    pub name: String,
    pub display_name: String,
    pub issuer: String,
    pub client_id: String,
    pub client_secret: Secret,
    pub scopes: Vec<String>,
}

/// The OpenID Connect providers configured in `vars` (the process environment, or a test's
/// list). A provider with a missing part or a bad name is an error, not silently skipped.
pub fn oidc_providers_from_env(
    vars: impl IntoIterator<Item = (String, String)>,
) -> Result<Vec<OidcProviderConfig>, String> {
    use std::collections::BTreeMap;
    const PARTS: [&str; 5] = [
        "ISSUER",
        "CLIENT_ID",
        "CLIENT_SECRET",
        "SCOPES",
        "DISPLAY_NAME",
    ];
    let mut found: BTreeMap<String, BTreeMap<&str, String>> = BTreeMap::new();
    for (key, value) in vars {
        let Some(rest) = key.strip_prefix("SAYR_OIDC_") else {
            continue;
        };
        let Some(part) = PARTS.iter().find(|p| rest.ends_with(&format!("_{p}"))) else {
            return Err(format!(
                "{key}: unknown setting (expected SAYR_OIDC_<NAME>_{{{}}})",
                PARTS.join(",")
            ));
        };
        let name = rest[..rest.len() - part.len() - 1].to_lowercase();
        found.entry(name).or_default().insert(part, value);
    }
    let mut providers = Vec::new();
    for (name, mut parts) in found {
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
            || name == "github"
        {
            return Err(format!(
                "OpenID Connect provider name {name:?}: use lower-case letters and digits (and not `github`)"
            ));
        }
        let mut take = |part: &str| {
            parts
                .remove(part)
                .filter(|v| !v.trim().is_empty())
                .ok_or_else(|| format!("SAYR_OIDC_{}_{part} is missing", name.to_uppercase()))
        };
        let issuer = take("ISSUER")?;
        let client_id = take("CLIENT_ID")?;
        let client_secret = Secret::new(take("CLIENT_SECRET")?);
        let mut scopes: Vec<String> = parts
            .remove("SCOPES")
            .unwrap_or_else(|| "openid email profile".into())
            .split([' ', ','])
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        if !scopes.iter().any(|s| s == "openid") {
            scopes.insert(0, "openid".into());
        }
        let display_name = parts.remove("DISPLAY_NAME").unwrap_or_else(|| {
            let mut chars = name.chars();
            chars
                .next()
                .map(|c| c.to_uppercase().chain(chars).collect())
                .unwrap_or_default()
        });
        providers.push(OidcProviderConfig {
            name,
            display_name,
            issuer,
            client_id,
            client_secret,
            scopes,
        });
    }
    Ok(providers)
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

    fn vars(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn oidc_providers_are_read_from_their_variables() {
        let found = oidc_providers_from_env(vars(&[
            ("SAYR_OIDC_CORP2_ISSUER", "https://id.example"),
            ("SAYR_OIDC_CORP2_CLIENT_ID", "sayr"),
            ("SAYR_OIDC_CORP2_CLIENT_SECRET", "s3cret"),
            ("SAYR_OIDC_CORP2_SCOPES", "email,groups"),
            ("PATH", "/bin"),
        ]))
        .unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].name, "corp2");
        assert_eq!(found[0].display_name, "Corp2");
        assert_eq!(found[0].scopes, ["openid", "email", "groups"]);
        assert!(!format!("{:?}", found[0]).contains("s3cret"));
    }

    #[test]
    fn an_incomplete_or_badly_named_provider_is_an_error() {
        let missing = oidc_providers_from_env(vars(&[("SAYR_OIDC_X_ISSUER", "https://id")]));
        assert!(missing.unwrap_err().contains("SAYR_OIDC_X_CLIENT_ID"));
        let bad = oidc_providers_from_env(vars(&[
            ("SAYR_OIDC_MY_CO_ISSUER", "https://id"),
            ("SAYR_OIDC_MY_CO_CLIENT_ID", "a"),
            ("SAYR_OIDC_MY_CO_CLIENT_SECRET", "b"),
        ]));
        assert!(bad.unwrap_err().contains("my_co"));
        let typo = oidc_providers_from_env(vars(&[("SAYR_OIDC_X_ISSUR", "https://id")]));
        assert!(typo.is_err());
    }

    #[test]
    fn metrics_are_off_unless_a_listener_or_a_token_is_configured() {
        let mut config = Config::for_tests("/tmp/x".into());
        assert_eq!(config.metrics(), MetricsAccess::Off);
        config.metrics_token = Some(Secret::new("  "));
        assert_eq!(
            config.metrics(),
            MetricsAccess::Off,
            "a blank token is none"
        );
        config.metrics_token = Some(Secret::new("t0ken"));
        assert_eq!(
            config.metrics(),
            MetricsAccess::Bearer(Secret::new("t0ken"))
        );
        config.metrics_addr = Some("127.0.0.1:0".parse().unwrap());
        assert_eq!(config.metrics(), MetricsAccess::OwnListener);
    }

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

    #[test]
    fn the_address_falls_back_to_port_then_to_cargo_leptos() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert_eq!(listen_fallback(env(&[])), Ok(None));
        assert_eq!(
            listen_fallback(env(&[
                ("PORT", "8080"),
                ("LEPTOS_SITE_ADDR", "127.0.0.1:3000")
            ])),
            Ok(Some("0.0.0.0:8080".into()))
        );
        assert_eq!(
            listen_fallback(env(&[("SAYR_ADDR", "127.0.0.1:9"), ("PORT", "8080")])),
            Ok(None),
            "SAYR_ADDR wins"
        );
        assert_eq!(
            listen_fallback(env(&[("LEPTOS_SITE_ADDR", "127.0.0.1:3000")])),
            Ok(Some("127.0.0.1:3000".into()))
        );
        assert_eq!(
            listen_fallback(env(&[("PORT", "http")])),
            Err("PORT: `http` is not a port number".into())
        );
    }
}
