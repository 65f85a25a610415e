use domain::realtime::BusMessage;
use tokio::sync::broadcast;

/// Where services hand events after their transaction commits. The realtime hub listens;
/// a Redis implementation carries them to every instance.
pub trait EventBus: Send + Sync {
    /// Hands the message over; never blocks and never fails the caller.
    fn publish(&self, message: BusMessage);
}

/// The in-process bus: one broadcast channel. Receivers that lag lose the oldest events,
/// which matches the protocol's at-most-once delivery.
pub struct LocalBus {
    sender: broadcast::Sender<BusMessage>,
}

impl LocalBus {
    pub fn new(capacity: usize) -> Self {
        Self {
            sender: broadcast::channel(capacity).0,
        }
    }

    pub fn subscribe(&self) -> broadcast::Receiver<BusMessage> {
        self.sender.subscribe()
    }
}

impl EventBus for LocalBus {
    fn publish(&self, message: BusMessage) {
        // No receiver is not an error: nobody is listening yet.
        let _ = self.sender.send(message);
    }
}
