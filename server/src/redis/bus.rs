//! The event bus over Redis pub/sub. Every instance publishes to one channel and hears
//! everything on it, its own events included, so each event is fanned out exactly once
//! everywhere while Redis is up. While it is away, events go straight to this instance's
//! fan-out.

use super::{Redis, events_channel};
use domain::realtime::BusMessage;
use fred::prelude::PubsubInterface;
use services::{EventBus, LocalBus};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;
use tokio::sync::mpsc;

/// Events waiting for the publishing task; beyond this they are dropped (at most once).
const QUEUE: usize = 4096;

/// Hands events to a background task that publishes them, so publishing never waits on
/// Redis.
pub struct RedisBus {
    /// Each event with when it was published (the lag is measured from there).
    queue: mpsc::Sender<(BusMessage, Instant)>,
    /// The queue was full; logged once until it drains.
    dropping: AtomicBool,
}

impl RedisBus {
    /// Starts the publishing task. `local` is the broadcast this instance's fan-out reads.
    pub fn start(
        redis: Redis,
        local: Arc<LocalBus>,
        metrics: Arc<crate::metrics::Metrics>,
    ) -> Self {
        let (queue, events) = mpsc::channel(QUEUE);
        tokio::spawn(publish_all(events, redis, local, metrics));
        Self {
            queue,
            dropping: AtomicBool::new(false),
        }
    }
}

impl EventBus for RedisBus {
    fn publish(&self, message: BusMessage) {
        match self.queue.try_send((message, Instant::now())) {
            Ok(()) => self.dropping.store(false, Ordering::Relaxed),
            Err(mpsc::error::TrySendError::Full(_)) => {
                if !self.dropping.swap(true, Ordering::Relaxed) {
                    tracing::warn!("Redis is too slow for the events: dropping them");
                }
            }
            // The task ends only with the runtime.
            Err(mpsc::error::TrySendError::Closed(_)) => {}
        }
    }
}

/// Publishes each event in order; an event that cannot reach Redis goes to this
/// instance's fan-out instead.
async fn publish_all(
    mut events: mpsc::Receiver<(BusMessage, Instant)>,
    redis: Redis,
    local: Arc<LocalBus>,
    metrics: Arc<crate::metrics::Metrics>,
) {
    let channel = events_channel(redis.prefix());
    while let Some((message, published)) = events.recv().await {
        let Some(client) = redis.client() else {
            local.publish(message);
            continue;
        };
        let payload = match serde_json::to_string(&message) {
            Ok(payload) => payload,
            Err(error) => {
                tracing::error!(%error, "an event does not serialize");
                local.publish(message);
                continue;
            }
        };
        match client.publish::<i64, _, _>(&channel, payload).await {
            Ok(_) => metrics.redis_published(published.elapsed()),
            Err(error) => {
                tracing::debug!(%error, "publishing to Redis failed; delivering here only");
                local.publish(message);
            }
        }
    }
}

/// Hands a message heard on the channel to this instance's fan-out.
pub(super) fn deliver(local: &LocalBus, text: &str) {
    match serde_json::from_str::<BusMessage>(text) {
        Ok(message) => local.publish(message),
        Err(error) => tracing::warn!(%error, "an undecodable message on the events channel"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::realtime::AccessEvent;

    #[test]
    fn messages_heard_on_the_channel_reach_the_local_fan_out() {
        let local = LocalBus::new(8);
        let mut fan_out = local.subscribe();
        let message = BusMessage::Access(AccessEvent::SessionEnded {
            session: domain::ids::SessionId::new(),
        });
        deliver(&local, &serde_json::to_string(&message).unwrap());
        deliver(&local, "{\"bus\":\"somethingNew\"}");
        assert_eq!(fan_out.try_recv().unwrap(), message);
        assert!(
            fan_out.try_recv().is_err(),
            "the unknown message is skipped"
        );
    }
}
