//! Login throttling: after too many failed attempts for one account, from one known
//! device or from one address, further attempts are refused until the window passes.
//! [`MemoryThrottle`] counts on one instance; the server swaps in a shared store (Redis)
//! when instances must agree.
//!
//! An attacker guessing someone's password must not lock the owner out: attempts from a
//! device the account has signed in on before (its device cookie, see
//! `session::device_token`) count on that device's own counter, not the account's. So ten
//! wrong guesses from anywhere else stop the guessing for the window, and the owner's
//! laptop still signs in.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failed attempts allowed per account (or known device) in one window.
pub const PER_ACCOUNT: u32 = 10;
/// Failed attempts allowed per client address in one window.
pub const PER_ADDRESS: u32 = 50;
/// How long attempts are remembered.
pub const WINDOW: Duration = Duration::from_secs(15 * 60);

/// What a throttle's methods return: boxed, so that services can hold any throttle.
pub type ThrottleFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Counts sign-in attempts per counter (an account, a known device, an address). A window
/// starts at the first attempt of a counter and ends [`WINDOW`] later, whatever happens
/// in between. An attempt is counted before the password is checked, in the same step as
/// the check, so that guesses sent at once cannot all slip under the limit; a success
/// then takes its attempt back ([`LoginThrottle::succeeded`]).
pub trait LoginThrottle: Send + Sync {
    /// Counts an attempt on every counter and says whether it may go on; if not, how long
    /// until it may. `counters` pairs each counter with its limit.
    fn attempt<'a>(
        &'a self,
        counters: &'a [(String, u32)],
    ) -> ThrottleFuture<'a, Result<(), Duration>>;

    /// After a success: `clear` counters start over, `uncount` ones forget this attempt.
    fn succeeded<'a>(
        &'a self,
        clear: &'a [String],
        uncount: &'a [String],
    ) -> ThrottleFuture<'a, ()>;
}

/// The counters a password sign-in touches, with their limits: the account's (e-mail
/// addresses compare case-insensitively) — or, from a device the account signed in on
/// before, that device's own —, and, when known, the client address's.
pub fn counters(account: &str, device: Option<&str>, address: Option<&str>) -> Vec<(String, u32)> {
    let mut keys = vec![match device {
        Some(device) => (format!("device:{device}"), PER_ACCOUNT),
        None => (account_counter(account), PER_ACCOUNT),
    }];
    if let Some(address) = address {
        keys.push((address_counter(address), PER_ADDRESS));
    }
    keys
}

/// After a success counted on `counters`: the counters to clear (the account's or the
/// device's) and the ones to take the attempt back from (the address's), for
/// [`LoginThrottle::succeeded`].
pub fn on_success(counters: &[(String, u32)]) -> (Vec<String>, Vec<String>) {
    counters
        .iter()
        .map(|(c, _)| c.clone())
        .partition(|c| !c.starts_with("address:"))
}

/// The account's counter (attempts from devices it has not signed in on).
pub fn account_counter(account: &str) -> String {
    format!("account:{}", account.trim().to_lowercase())
}

pub fn address_counter(address: &str) -> String {
    format!("address:{address}")
}

/// The throttle of one instance, in memory.
#[derive(Default)]
pub struct MemoryThrottle {
    attempts: Mutex<HashMap<String, (u32, Instant)>>,
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

    /// How long attempts are remembered.
    pub fn window(&self) -> Duration {
        self.window.unwrap_or(WINDOW)
    }

    /// Counts an attempt on each counter; refused when any is past its limit.
    pub fn attempt(&self, counters: &[(String, u32)]) -> Result<(), Duration> {
        let mut attempts = self.attempts.lock().unwrap();
        let now = Instant::now();
        let window = self.window();
        if attempts.len() > 100_000 {
            attempts.retain(|_, (_, since)| now - *since < window);
        }
        let mut wait = None::<Duration>;
        for (key, limit) in counters {
            let entry = attempts.entry(key.clone()).or_insert((0, now));
            if now - entry.1 >= window {
                *entry = (0, now);
            }
            entry.0 = entry.0.saturating_add(1);
            if entry.0 > *limit {
                let left = window - (now - entry.1);
                wait = Some(wait.map_or(left, |w| w.max(left)));
            }
        }
        wait.map_or(Ok(()), Err)
    }

    /// After a success: `clear` counters start over, `uncount` ones forget one attempt.
    pub fn succeeded(&self, clear: &[String], uncount: &[String]) {
        let mut attempts = self.attempts.lock().unwrap();
        for key in clear {
            attempts.remove(key);
        }
        for key in uncount {
            if let Some(entry) = attempts.get_mut(key) {
                entry.0 = entry.0.saturating_sub(1);
            }
        }
    }
}

impl LoginThrottle for MemoryThrottle {
    fn attempt<'a>(
        &'a self,
        counters: &'a [(String, u32)],
    ) -> ThrottleFuture<'a, Result<(), Duration>> {
        Box::pin(std::future::ready(MemoryThrottle::attempt(self, counters)))
    }

    fn succeeded<'a>(
        &'a self,
        clear: &'a [String],
        uncount: &'a [String],
    ) -> ThrottleFuture<'a, ()> {
        MemoryThrottle::succeeded(self, clear, uncount);
        Box::pin(std::future::ready(()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ada(address: &str) -> Vec<(String, u32)> {
        counters("Ada@Example.com", None, Some(address))
    }

    #[test]
    fn an_account_is_locked_after_too_many_attempts_and_released_after_the_window() {
        let t = MemoryThrottle::with_window(Duration::from_millis(150));
        for _ in 0..PER_ACCOUNT {
            assert!(t.attempt(&ada("10.0.0.1")).is_ok());
        }
        assert!(
            t.attempt(&counters("ada@example.com", None, Some("10.0.0.2")))
                .is_err(),
            "locked from any address"
        );
        assert!(
            t.attempt(&counters("bob@example.com", None, Some("10.0.0.1")))
                .is_ok(),
            "other accounts are not"
        );
        assert!(
            t.attempt(&counters(
                "ada@example.com",
                Some("laptop"),
                Some("10.0.0.1")
            ))
            .is_ok(),
            "a device the account signed in on has its own count"
        );
        std::thread::sleep(Duration::from_millis(200));
        assert!(
            t.attempt(&ada("10.0.0.1")).is_ok(),
            "released after the window"
        );
    }

    #[test]
    fn an_address_is_locked_after_many_attempts_across_accounts() {
        let t = MemoryThrottle::new();
        for i in 0..PER_ADDRESS {
            let _ = t.attempt(&counters(
                &format!("user{i}@example.com"),
                None,
                Some("10.0.0.9"),
            ));
        }
        assert!(
            t.attempt(&counters("new@example.com", None, Some("10.0.0.9")))
                .is_err()
        );
        assert!(
            t.attempt(&counters("new@example.com", None, Some("10.0.0.8")))
                .is_ok()
        );
    }

    #[test]
    fn a_success_clears_the_account_and_takes_its_attempt_back_from_the_address() {
        let t = MemoryThrottle::new();
        for _ in 0..PER_ACCOUNT {
            let _ = t.attempt(&ada("10.0.0.1"));
        }
        t.succeeded(
            &[account_counter("ada@example.com")],
            &[address_counter("10.0.0.1")],
        );
        assert!(t.attempt(&ada("10.0.0.1")).is_ok());
        // Many people signing in from one office do not lock the office out.
        let t = MemoryThrottle::new();
        for i in 0..(PER_ADDRESS * 2) {
            let account = format!("user{i}@example.com");
            assert!(
                t.attempt(&counters(&account, None, Some("10.0.0.1")))
                    .is_ok()
            );
            t.succeeded(&[account_counter(&account)], &[address_counter("10.0.0.1")]);
        }
    }

    #[tokio::test]
    async fn concurrent_guesses_cannot_pass_the_limit_together() {
        let t: std::sync::Arc<dyn LoginThrottle> = std::sync::Arc::new(MemoryThrottle::new());
        let guesses: Vec<_> = (0..200)
            .map(|_| {
                let t = t.clone();
                tokio::spawn(async move {
                    t.attempt(&counters("ada@example.com", None, None))
                        .await
                        .is_ok()
                })
            })
            .collect();
        let mut passed = 0;
        for g in guesses {
            passed += u32::from(g.await.unwrap());
        }
        assert_eq!(passed, PER_ACCOUNT);
    }
}
