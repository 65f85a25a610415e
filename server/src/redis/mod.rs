//! Redis, when `REDIS_URL` is set: the bus that carries events to every instance and the
//! sign-in throttle all instances share. One connection (RESP3, so that it can publish and
//! run commands while subscribed), watched by a task that reconnects whenever it drops.
//! While Redis is away the instance keeps serving: its events reach its own sockets only
//! and the throttle counts in memory. A `rediss://` URL connects over TLS (rustls on ring).

mod bus;
mod limit;
mod throttle;

pub use bus::RedisBus;
pub use limit::RedisLimits;
pub use throttle::RedisThrottle;

use crate::config::Secret;
use fred::prelude::{Builder, Client, ClientLike, EventInterface, PubsubInterface};
use fred::types::RespVersion;
use fred::types::config::{Config as FredConfig, TlsConnector};
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use services::{EventBus, LocalBus};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{broadcast, watch};

/// Every instance publishes its events to `<prefix>:events` and listens on it.
pub fn events_channel(prefix: &str) -> String {
    format!("{prefix}:events")
}

/// How long a connection attempt or a command may take before Redis counts as away.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(2);
/// A connection that answers nothing for this long is dropped and made again.
const UNRESPONSIVE_AFTER: Duration = Duration::from_secs(5);
/// Pauses between reconnection attempts grow from the first to the last.
const FIRST_BACKOFF: Duration = Duration::from_millis(100);
const MAX_BACKOFF: Duration = Duration::from_secs(2);
/// How long start-up waits for the first connection before it goes on without Redis.
const STARTUP_WAIT: Duration = Duration::from_secs(3);

#[derive(Debug, thiserror::Error)]
pub enum RedisError {
    #[error("not connected to Redis")]
    NotConnected,
    #[error("Redis did not answer within {0:?}")]
    TimedOut(Duration),
    #[error("Redis over TLS: {0}")]
    Tls(String),
    #[error(transparent)]
    Redis(#[from] fred::error::Error),
}

/// The state of the connection, as the supervising task sees it.
#[derive(Clone)]
enum Link {
    /// The first attempt has not finished.
    Connecting,
    /// Connected and subscribed to the events channel.
    Up(Client),
    Down,
}

/// A handle on the supervised connection; cheap to clone.
#[derive(Clone)]
pub struct Redis {
    link: watch::Receiver<Link>,
    /// What the deployment's channel and keys start with.
    prefix: Arc<str>,
}

impl Redis {
    /// Starts the connection task, which hands every event from other instances (and this
    /// one) to `local`, the broadcast the fan-out reads. Waits a moment for the first
    /// connection so that an instance beside a running Redis is in the fan-out from its
    /// first request; a Redis that is down only gets logged. Fails on a malformed URL and
    /// on trust roots that cannot be read; `ca_file` adds roots for a `rediss://` URL.
    pub async fn start(
        url: &Secret,
        ca_file: Option<&Path>,
        prefix: &str,
        local: Arc<LocalBus>,
    ) -> Result<Self, RedisError> {
        let mut config = FredConfig::from_url(url.expose())?;
        match config.tls.as_mut() {
            Some(tls) => tls.connector = tls_connector(ca_file)?,
            None if ca_file.is_some() => {
                tracing::warn!("SAYR_REDIS_CA_FILE is set but REDIS_URL is not rediss://")
            }
            None => {}
        }
        config.version = RespVersion::RESP3;
        // Each attempt reports its failure; `supervise` does the reconnecting, so that it
        // knows when the subscription is gone.
        config.fail_fast = true;
        let mut builder = Builder::from_config(config);
        builder
            .with_connection_config(|c| {
                c.connection_timeout = COMMAND_TIMEOUT;
                c.internal_command_timeout = COMMAND_TIMEOUT;
                c.max_command_attempts = 1;
                c.unresponsive.max_timeout = Some(UNRESPONSIVE_AFTER);
                c.unresponsive.interval = Duration::from_secs(1);
            })
            .with_performance_config(|p| p.default_command_timeout = COMMAND_TIMEOUT);
        // A configuration fred cannot use fails start-up here, not every attempt later.
        builder.build()?;

        let (sender, link) = watch::channel(Link::Connecting);
        let channel = events_channel(prefix);
        tokio::spawn(supervise(builder, channel, sender, move |text| {
            bus::deliver(&local, text)
        }));
        let redis = Self {
            link,
            prefix: prefix.into(),
        };
        let mut first = redis.link.clone();
        let _ = tokio::time::timeout(
            STARTUP_WAIT,
            first.wait_for(|l| !matches!(l, Link::Connecting)),
        )
        .await;
        Ok(redis)
    }

    /// What this deployment's channel and keys start with.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// The connection while it is up and subscribed.
    pub fn client(&self) -> Option<Client> {
        match &*self.link.borrow() {
            Link::Up(client) => Some(client.clone()),
            _ => None,
        }
    }

    /// Whether Redis answers a PING within `limit` (readiness).
    pub async fn ping(&self, limit: Duration) -> Result<(), RedisError> {
        let client = self.client().ok_or(RedisError::NotConnected)?;
        tokio::time::timeout(limit, client.ping::<fred::types::Value>(None))
            .await
            .map_err(|_| RedisError::TimedOut(limit))??;
        Ok(())
    }
}

/// What a `rediss://` connection trusts: the system's roots as rustls-native-certs finds
/// them (the platform's store, or only `SSL_CERT_FILE` and `SSL_CERT_DIR` when set) and the
/// certificates in `ca_file`. The provider is ring, whatever the process default.
fn tls_connector(ca_file: Option<&Path>) -> Result<TlsConnector, RedisError> {
    let mut roots = rustls::RootCertStore::empty();
    // System roots that cannot be read have already failed `FredConfig::from_url`.
    roots.add_parsable_certificates(rustls_native_certs::load_native_certs().certs);
    if let Some(path) = ca_file {
        let unusable = |why: String| RedisError::Tls(format!("{}: {why}", path.display()));
        let certs = CertificateDer::pem_file_iter(path)
            .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
            .map_err(|e| unusable(e.to_string()))?;
        if certs.is_empty() {
            return Err(unusable("no PEM certificate in it".into()));
        }
        for cert in certs {
            roots.add(cert).map_err(|e| unusable(e.to_string()))?;
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| RedisError::Tls(e.to_string()))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(config.into())
}

/// Connects, subscribes, forwards messages until the connection ends, and starts over
/// with a growing pause. Logs an outage once when it starts and once when it ends. Ends
/// when every [`Redis`] handle is gone.
async fn supervise(
    builder: Builder,
    channel: String,
    link: watch::Sender<Link>,
    deliver: impl Fn(&str),
) {
    let mut backoff = FIRST_BACKOFF;
    let mut outage = false;
    while !link.is_closed() {
        match connect(&builder, &channel).await {
            Ok((client, connection, mut messages)) => {
                if outage {
                    tracing::info!("Redis is back: events reach every instance again");
                } else {
                    tracing::info!("connected to Redis");
                }
                backoff = FIRST_BACKOFF;
                link.send_replace(Link::Up(client.clone()));
                tokio::select! {
                    () = forward(&mut messages, &channel, &deliver) => {}
                    _ = connection => {}
                    () = link.closed() => {
                        let _ = client.quit().await;
                        return;
                    }
                }
                link.send_replace(Link::Down);
                outage = true;
                tracing::warn!(
                    "lost Redis: events reach this instance's sockets only and sign-ins \
                     are throttled in memory until it returns"
                );
            }
            Err(error) => {
                link.send_replace(Link::Down);
                if !outage {
                    outage = true;
                    tracing::warn!(
                        %error,
                        "Redis is unavailable: events reach this instance's sockets only \
                         and sign-ins are throttled in memory until it answers"
                    );
                }
            }
        }
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(MAX_BACKOFF);
    }
}

type Connection = (
    Client,
    fred::types::ConnectHandle,
    broadcast::Receiver<fred::types::Message>,
);

/// One attempt: a fresh client, connected and subscribed to `channel`.
async fn connect(builder: &Builder, channel: &str) -> Result<Connection, RedisError> {
    let client = builder.build()?;
    // Taken before subscribing, so that no message slips by.
    let messages = client.message_rx();
    let connection = tokio::time::timeout(COMMAND_TIMEOUT * 2, client.init())
        .await
        .map_err(|_| RedisError::TimedOut(COMMAND_TIMEOUT * 2))??;
    if let Err(error) = client.subscribe(channel).await {
        connection.abort();
        return Err(error.into());
    }
    Ok((client, connection, messages))
}

/// Hands every message on the channel to `deliver`, until the connection closes.
async fn forward(
    messages: &mut broadcast::Receiver<fred::types::Message>,
    channel: &str,
    deliver: &impl Fn(&str),
) {
    loop {
        match messages.recv().await {
            Ok(message) if message.channel == channel => match message.value.as_str() {
                Some(text) => deliver(&text),
                None => tracing::warn!("a message on the events channel is not text"),
            },
            Ok(_) => {}
            Err(broadcast::error::RecvError::Lagged(skipped)) => {
                tracing::warn!(skipped, "events from Redis lagged");
            }
            Err(broadcast::error::RecvError::Closed) => return,
        }
    }
}

/// The bus for an instance: Redis when configured, the local broadcast otherwise.
pub fn bus(
    redis: Option<&Redis>,
    local: Arc<LocalBus>,
    metrics: Arc<crate::metrics::Metrics>,
) -> Arc<dyn EventBus> {
    match redis {
        Some(redis) => Arc::new(RedisBus::start(redis.clone(), local, metrics)),
        None => local,
    }
}
