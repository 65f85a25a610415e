//! Login throttling: after too many failures for one account or from one address, further
//! attempts are refused until the window passes. In memory on one instance; a shared store
//! (Redis) takes its place when instances must agree.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failed attempts allowed per account in one window.
pub const PER_ACCOUNT: u32 = 10;
/// Failed attempts allowed per client address in one window.
pub const PER_ADDRESS: u32 = 50;
/// How long failures are remembered.
pub const WINDOW: Duration = Duration::from_secs(15 * 60);

#[derive(Default)]
pub struct LoginThrottle {
    failures: Mutex<HashMap<String, (u32, Instant)>>,
    window: Option<Duration>,
}

impl LoginThrottle {
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

    fn window(&self) -> Duration {
        self.window.unwrap_or(WINDOW)
    }

    fn keys(account: &str, address: Option<&str>) -> [(String, u32); 2] {
        [
            (
                format!("account:{}", account.trim().to_lowercase()),
                PER_ACCOUNT,
            ),
            (format!("address:{}", address.unwrap_or("-")), PER_ADDRESS),
        ]
    }

    /// Whether an attempt may be made now; if not, how long until it may.
    pub fn check(&self, account: &str, address: Option<&str>) -> Result<(), Duration> {
        let failures = self.failures.lock().unwrap();
        let now = Instant::now();
        let mut wait = None::<Duration>;
        for (key, limit) in Self::keys(account, address) {
            if address.is_none() && key.starts_with("address:") {
                continue;
            }
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
        for (key, _) in Self::keys(account, address) {
            let entry = failures.entry(key).or_insert((0, now));
            if now - entry.1 >= window {
                *entry = (0, now);
            }
            entry.0 += 1;
        }
    }

    /// A successful sign-in clears the account's failures.
    pub fn succeeded(&self, account: &str) {
        let [(key, _), _] = Self::keys(account, None);
        self.failures.lock().unwrap().remove(&key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_account_is_locked_after_too_many_failures_and_released_after_the_window() {
        let t = LoginThrottle::with_window(Duration::from_millis(150));
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
        let t = LoginThrottle::new();
        for i in 0..PER_ADDRESS {
            t.failed(&format!("user{i}@example.com"), Some("10.0.0.9"));
        }
        assert!(t.check("new@example.com", Some("10.0.0.9")).is_err());
        assert!(t.check("new@example.com", Some("10.0.0.8")).is_ok());
    }

    #[test]
    fn success_clears_the_account() {
        let t = LoginThrottle::new();
        for _ in 0..PER_ACCOUNT {
            t.failed("ada@example.com", None);
        }
        t.succeeded("ada@example.com");
        assert!(t.check("ada@example.com", None).is_ok());
    }
}
