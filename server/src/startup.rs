//! Building and running an instance. Tests build one on port 0 and talk to it.

use crate::config::Config;
use crate::realtime::Hub;
use crate::state::AppState;
use crate::{db, http, redis};
use leptos::config::LeptosOptions;
use services::jobs::{self, Worker, WorkerConfig};
use services::{LocalBus, Services, Settings};
use std::future::{Future, IntoFuture};
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;

pub type StartupError = Box<dyn std::error::Error + Send + Sync>;

/// A built instance: connected, migrated, bound, not yet serving.
pub struct Application {
    listener: TcpListener,
    /// `SAYR_METRICS_ADDR`'s listener, serving only `/metrics`.
    metrics_listener: Option<TcpListener>,
    router: axum::Router,
    state: AppState,
    /// Runs the jobs beside the requests, unless `SAYR_WORKER=off`.
    worker: Option<Worker>,
}

/// What both `sayr serve` and `sayr worker` connect to: the database (migrated), Redis
/// when configured, the file store, and the services over them.
pub struct Core {
    pub services: Services,
    pub redis: Option<redis::Redis>,
    /// Every bus message, from this instance and (through Redis) the others.
    pub fan_out: tokio::sync::broadcast::Receiver<domain::realtime::BusMessage>,
    pub login: Arc<crate::auth::LoginProviders>,
    /// This instance's figures (`/metrics`).
    pub metrics: Arc<crate::metrics::Metrics>,
}

impl Core {
    pub async fn connect(config: &Config) -> Result<Self, StartupError> {
        if config.database_url.is_none() {
            std::fs::create_dir_all(&config.data_dir)?;
        }
        let database = db::connect(&config.database_url(), config.db_max_connections).await?;
        db::migrate(&database).await?;

        // The fan-out reads the local broadcast; with Redis, what every instance publishes
        // arrives there through the subscription.
        let local = Arc::new(LocalBus::new(4096));
        let fan_out = local.subscribe();
        let redis = match &config.redis_url {
            Some(url) => Some(
                redis::Redis::start(
                    url,
                    config.redis_ca_file.as_deref(),
                    &config.redis_prefix,
                    local.clone(),
                )
                .await?,
            ),
            None => None,
        };
        let login = Arc::new(crate::auth::LoginProviders::from_config(config));
        let settings = Settings {
            signup_open: config.signup,
            login_providers: login
                .list()
                .into_iter()
                .map(|p| services::LoginProvider {
                    name: p.name,
                    display_name: p.display_name,
                })
                .collect(),
            instance_name: config.instance_name.clone(),
            notify_mail_delay: config.notify_mail_delay,
            markdown_image_hosts: config
                .markdown_image_hosts
                .iter()
                .map(|h| h.trim().to_string())
                .filter(|h| !h.is_empty())
                .collect(),
            listed_orgs: config
                .listed_orgs
                .iter()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect(),
            public_url: config
                .public_url
                .clone()
                .unwrap_or_else(|| format!("http://{}", config.addr))
                .trim_end_matches('/')
                .to_string(),
        };
        let metrics = Arc::new(crate::metrics::Metrics::new(Some(database.clone())));
        let bus = redis::bus(redis.as_ref(), local, metrics.clone());
        let mut services = Services::new(database, bus, settings);
        let limits = config.limits.clone().unwrap_or_default();
        let store: Arc<dyn services::limit::LimitStore> = match &redis {
            Some(redis) => Arc::new(redis::RedisLimits::new(redis.clone())),
            None => Arc::new(services::limit::MemoryLimits::new()),
        };
        services.limiter = services::limit::Limiter::new(limits, store);
        if let Some(redis) = &redis {
            services.login_throttle = Arc::new(redis::RedisThrottle::new(redis.clone()));
        }
        services = services.with_files(crate::storage::build(config)?);
        let mailer = config.mailer()?;
        tracing::info!("mail goes to {}", mailer.describe());
        if config.public_url.is_none() && config.smtp_url.is_some() {
            tracing::warn!(
                "SAYR_PUBLIC_URL is not set: links in mails point at this process's own address ({}); set it to the URL people reach Sayr at",
                config.addr
            );
        }
        services.mailer = Arc::new(mailer);
        match config.github_app()? {
            Some(app) => {
                let http = crate::auth::http_client::HttpClient::new().0;
                tracing::info!(app = %app.slug, api = %app.api_url, "the GitHub App is on");
                services = services.with_github(services::github::Github::new(app, http)?);
            }
            None => tracing::info!(
                "the GitHub App is off (SAYR_GITHUB_APP_ID and the rest are not set)"
            ),
        }
        Ok(Self {
            services,
            redis,
            fan_out,
            login,
            metrics,
        })
    }
}

/// A job worker over `services` with every kind this version runs.
pub fn worker(services: &Services, config: &Config) -> Worker {
    Worker::new(
        services.clone(),
        jobs::standard_registry(),
        WorkerConfig {
            concurrency: config.worker_concurrency.max(1),
            lease: config.worker_lease.max(std::time::Duration::from_secs(1)),
            retry_scale: config.job_retry_scale,
            ..WorkerConfig::default()
        },
    )
}

/// `sayr worker`: runs jobs until SIGTERM or Ctrl-C, then lets running jobs finish (or
/// gives them back).
pub async fn run_worker(config: Config) -> Result<(), StartupError> {
    install_tls_provider();
    let core = Core::connect(&config).await?;
    let worker = worker(&core.services, &config);
    tracing::info!(worker = worker.name(), "sayr worker is running");
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let running = tokio::spawn(worker.run(stopped));
    shutdown_signal().await;
    let _ = stop.send(true);
    running.await?;
    Ok(())
}

impl Application {
    /// Connects and migrates the database, wires the services, the bus and the hub, and
    /// binds the listener (port 0 picks a free port).
    pub async fn build(config: Config) -> Result<Self, StartupError> {
        install_tls_provider();
        let Core {
            mut services,
            redis,
            fan_out,
            login,
            metrics,
        } = Core::connect(&config).await?;
        let hub = Arc::new(Hub::new());
        services.connections = hub.clone();
        spawn_fan_out(fan_out, hub.clone(), services.list_cache.clone());

        let listener = TcpListener::bind(config.addr).await?;
        let addr = listener.local_addr()?;
        let metrics_listener = match config.metrics_addr {
            Some(at) => Some(TcpListener::bind(at).await?),
            None => None,
        };
        match config.metrics() {
            crate::config::MetricsAccess::OwnListener => {}
            crate::config::MetricsAccess::Bearer(_) => {
                tracing::info!("/metrics answers requests bearing SAYR_METRICS_TOKEN")
            }
            crate::config::MetricsAccess::Off => tracing::info!(
                "/metrics is off: set SAYR_METRICS_ADDR (a listener of its own) or SAYR_METRICS_TOKEN"
            ),
        }
        if config.public_url.is_none() {
            // Port 0 (tests) is known only now.
            services.settings.public_url = format!("http://{addr}");
        }
        let site = http::site::Site::choose(config.site_root.as_deref());
        match &site {
            http::site::Site::Embedded => tracing::debug!("serving the embedded site"),
            http::site::Site::Disk(dir) => {
                tracing::info!(dir = %dir.display(), "serving the site from disk")
            }
        }
        let leptos_options = LeptosOptions::builder()
            .output_name(config.output_name.clone())
            .site_root(site.root())
            .site_pkg_dir(site.pkg_dir())
            .site_addr(addr)
            .build();
        let cookies = edge::CookiePolicy {
            secure: config.secure_cookies(),
            session_domain: config
                .root_domain
                .as_deref()
                .map(|d| d.trim_matches('.').to_ascii_lowercase()),
        };
        let worker = config.worker.then(|| worker(&services, &config));
        let state = AppState {
            jobs: worker.as_ref().map(Worker::registry),
            leptos_options,
            site,
            services,
            cookies,
            hub,
            redis,
            login,
            config: Arc::new(config),
            draining: Arc::default(),
            metrics,
        };
        let router = http::router(state.clone());
        Ok(Self {
            listener,
            metrics_listener,
            router,
            state,
            worker,
        })
    }

    pub fn address(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .expect("a bound listener has an address")
    }

    /// Where `/metrics` is served on its own (`SAYR_METRICS_ADDR`), if it is.
    pub fn metrics_address(&self) -> Option<SocketAddr> {
        self.metrics_listener
            .as_ref()
            .map(|l| l.local_addr().expect("a bound listener has an address"))
    }

    pub fn port(&self) -> u16 {
        self.address().port()
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until `shutdown` resolves, then drains: `/readyz` answers 503 for
    /// `SAYR_SHUTDOWN_DELAY` while everything is still served; then sockets close with 1001
    /// (going away), the listener stops accepting, and requests in flight and running jobs
    /// get `SAYR_SHUTDOWN_TIMEOUT` to finish before the process stops waiting for them.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let app = self
            .router
            .into_make_service_with_connect_info::<SocketAddr>();
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let worker = self.worker.map(|w| tokio::spawn(w.run(stopped)));
        let metrics = self.metrics_listener.map(|listener| {
            if let Ok(at) = listener.local_addr() {
                tracing::info!(%at, "/metrics is served here");
            }
            let router = http::metrics_router(self.state.clone());
            tokio::spawn(axum::serve(listener, router).into_future())
        });
        let (delay, deadline) = (
            self.state.config.shutdown_delay,
            self.state.config.shutdown_timeout,
        );
        let (closing, closed) = tokio::sync::watch::channel(false);
        let state = self.state.clone();
        tokio::spawn(async move {
            shutdown.await;
            state
                .draining
                .store(true, std::sync::atomic::Ordering::SeqCst);
            if !delay.is_zero() {
                tracing::info!(secs = delay.as_secs(), "draining: /readyz answers 503");
                tokio::time::sleep(delay).await;
            }
            state.hub.close_all();
            let _ = closing.send(true);
        });
        let closed_at = |mut closed: tokio::sync::watch::Receiver<bool>| async move {
            let _ = closed.wait_for(|c| *c).await;
        };
        let server = axum::serve(self.listener, app)
            .with_graceful_shutdown(closed_at(closed.clone()))
            .into_future();
        let served = tokio::select! {
            served = server => served,
            _ = async { closed_at(closed).await; tokio::time::sleep(deadline).await } => {
                tracing::warn!(secs = deadline.as_secs(), "requests still running at the shutdown deadline: stopping anyway");
                Ok(())
            }
        };
        if let Some(metrics) = metrics {
            metrics.abort();
        }
        // Requests are done; running jobs get their grace period, within the deadline.
        let _ = stop.send(true);
        if let Some(worker) = worker
            && tokio::time::timeout(deadline, worker).await.is_err()
        {
            tracing::warn!(
                "jobs still running at the shutdown deadline: their leases will lapse and another worker takes them"
            );
        }
        served
    }

    /// Serves until SIGTERM or Ctrl-C.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.run_until(shutdown_signal()).await
    }
}

/// Chooses ring as the process's TLS provider (outgoing https: OpenID providers, GitHub,
/// S3). Safe to call more than once.
pub fn install_tls_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// Hands every event from the bus to the hub. A lagging receiver skips what it missed:
/// delivery is at most once, and clients reload on reconnect.
fn spawn_fan_out(
    mut events: tokio::sync::broadcast::Receiver<domain::realtime::BusMessage>,
    hub: Arc<Hub>,
    lists: Arc<services::task::ListCache>,
) {
    tokio::spawn(async move {
        use domain::realtime::BusMessage;
        use tokio::sync::broadcast::error::RecvError;
        loop {
            match events.recv().await {
                Ok(BusMessage::Org(event)) => {
                    let span = tracing::info_span!("realtime.dispatch", org_id = %event.org_id);
                    if let Some(parent) = &event.traceparent {
                        services::jobs::resume_trace(&span, parent);
                    }
                    let _entered = span.enter();
                    // Events from other instances empty this instance's caches here.
                    lists.invalidate(event.org_id.0);
                    hub.dispatch(&event);
                }
                Ok(BusMessage::Access(event)) => hub.apply(&event),
                Ok(BusMessage::User(event)) => hub.send_to_user(&event),
                Err(RecvError::Lagged(n)) => {
                    tracing::warn!(skipped = n, "realtime fan-out lagged");
                    lists.clear();
                }
                Err(RecvError::Closed) => break,
            }
        }
    });
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down");
}
