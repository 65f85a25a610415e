//! Login throttling: after too many failures for one account or from one address, further
//! attempts are refused until the window passes. [`MemoryThrottle`] counts on one
//! instance; the server swaps in a shared store (Redis) when instances must agree.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failed attempts allowed per account in one window.
pub const PER_ACCOUNT: u32 = 10;
/// Failed attempts allowed per client address in one window.
pub const PER_ADDRESS: u32 = 50;
/// How long failures are remembered.
pub const WINDOW: Duration = Duration::from_secs(15 * 60);

/// What a throttle's methods return: boxed, so that services can hold any throttle.
pub type ThrottleFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Counts failed sign-ins per account and per address. A window starts at the first
/// failure of a counter and ends [`WINDOW`] later, whatever happens in between.
pub trait LoginThrottle: Send + Sync {
    /// Whether an attempt may be made now; if not, how long until it may.
    fn check<'a>(
        &'a self,
        account: &'a str,
        address: Option<&'a str>,
    ) -> ThrottleFuture<'a, Result<(), Duration>>;

    /// Records a failed attempt.
    fn failed<'a>(&'a self, account: &'a str, address: Option<&'a str>) -> ThrottleFuture<'a, ()>;

    /// A successful sign-in clears the account's failures.
    fn succeeded<'a>(&'a self, account: &'a str) -> ThrottleFuture<'a, ()>;
}

/// The counters an attempt touches, with their limits: the account's (e-mail addresses
/// compare case-insensitively) and, when known, the client address's.
pub fn counters(account: &str, address: Option<&str>) -> Vec<(String, u32)> {
    let mut keys = vec![(account_counter(account), PER_ACCOUNT)];
    if let Some(address) = address {
        keys.push((format!("address:{address}"), PER_ADDRESS));
    }
    keys
}

/// The account's counter, the one a successful sign-in clears.
pub fn account_counter(account: &str) -> String {
    format!("account:{}", account.trim().to_lowercase())
}

/// The throttle of one instance, in memory.
#[derive(Default)]
pub struct MemoryThrottle {
    failures: Mutex<HashMap<String, (u32, Instant)>>,
    window: Option<Duration>,
}

impl MemoryThrottle {
    pub fn new() -> Self {
        Self::default()
    }

    /// A throttle with a shorter window (tests).
    pub fn with_window(window: Duration) -> Self {
        Self {
            window: Some(window),
            ..Self::default()
        }
    }

    /// How long failures are remembered.
    pub fn window(&self) -> Duration {
        self.window.unwrap_or(WINDOW)
    }

    /// Whether an attempt may be made now; if not, how long until it may.
    pub fn check(&self, account: &str, address: Option<&str>) -> Result<(), Duration> {
        let failures = self.failures.lock().unwrap();
        let now = Instant::now();
        let mut wait = None::<Duration>;
        for (key, limit) in counters(account, address) {
            if let Some((count, since)) = failures.get(&key) {
                let elapsed = now - *since;
                if *count >= limit && elapsed < self.window() {
                    let left = self.window() - elapsed;
                    wait = Some(wait.map_or(left, |w| w.max(left)));
                }
            }
        }
        wait.map_or(Ok(()), Err)
    }

    /// Records a failed attempt.
    pub fn failed(&self, account: &str, address: Option<&str>) {
        let mut failures = self.failures.lock().unwrap();
        let now = Instant::now();
        let window = self.window();
        if failures.len() > 100_000 {
            failures.retain(|_, (_, since)| now - *since < window);
        }
        for (key, _) in counters(account, address) {
            let entry = failures.entry(key).or_insert((0, now));
            if now - entry.1 >= window {
                *entry = (0, now);
            }
            entry.0 += 1;
        }
    }

    /// A successful sign-in clears the account's failures.
    pub fn succeeded(&self, account: &str) {
        self.failures
            .lock()
            .unwrap()
            .remove(&account_counter(account));
    }
}

impl LoginThrottle for MemoryThrottle {
    fn check<'a>(
        &'a self,
        account: &'a str,
        address: Option<&'a str>,
    ) -> ThrottleFuture<'a, Result<(), Duration>> {
        Box::pin(std::future::ready(MemoryThrottle::check(
            self, account, address,
        )))
    }

    fn failed<'a>(&'a self, account: &'a str, address: Option<&'a str>) -> ThrottleFuture<'a, ()> {
        MemoryThrottle::failed(self, account, address);
        Box::pin(std::future::ready(()))
    }

    fn succeeded<'a>(&'a self, account: &'a str) -> ThrottleFuture<'a, ()> {
        MemoryThrottle::succeeded(self, account);
        Box::pin(std::future::ready(()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_account_is_locked_after_too_many_failures_and_released_after_the_window() {
        let t = MemoryThrottle::with_window(Duration::from_millis(150));
        for _ in 0..PER_ACCOUNT {
            assert!(t.check("ada@example.com", Some("10.0.0.1")).is_ok());
            t.failed("Ada@Example.com", Some("10.0.0.1"));
        }
        assert!(
            t.check("ada@example.com", Some("10.0.0.2")).is_err(),
            "locked from any address"
        );
        assert!(
            t.check("bob@example.com", Some("10.0.0.1")).is_ok(),
            "other accounts are not"
        );
        std::thread::sleep(Duration::from_millis(200));
        assert!(
            t.check("ada@example.com", Some("10.0.0.1")).is_ok(),
            "released after the window"
        );
    }

    #[test]
    fn an_address_is_locked_after_many_failures_across_accounts() {
        let t = MemoryThrottle::new();
        for i in 0..PER_ADDRESS {
            t.failed(&format!("user{i}@example.com"), Some("10.0.0.9"));
        }
        assert!(t.check("new@example.com", Some("10.0.0.9")).is_err());
        assert!(t.check("new@example.com", Some("10.0.0.8")).is_ok());
    }

    #[test]
    fn success_clears_the_account() {
        let t = MemoryThrottle::new();
        for _ in 0..PER_ACCOUNT {
            t.failed("ada@example.com", None);
        }
        t.succeeded("ada@example.com");
        assert!(t.check("ada@example.com", None).is_ok());
    }

    #[tokio::test]
    async fn the_trait_object_counts_like_the_throttle_behind_it() {
        let t: std::sync::Arc<dyn LoginThrottle> = std::sync::Arc::new(MemoryThrottle::new());
        for _ in 0..PER_ACCOUNT {
            t.failed("ada@example.com", Some("10.0.0.1")).await;
        }
        assert!(t.check("ada@example.com", None).await.is_err());
        t.succeeded("ada@example.com").await;
        assert!(t.check("ada@example.com", None).await.is_ok());
    }
}
