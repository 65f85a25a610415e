//! The sign-in throttle over Redis: the same counters and windows as the in-memory one,
//! as keys every instance sees. Each counter is one key, counted up by a script that
//! starts its expiry with the first failure.

use super::{Redis, RedisError};
use fred::prelude::{KeysInterface, LuaInterface};
use services::throttle::{
    LoginThrottle, MemoryThrottle, ThrottleFuture, account_counter, counters,
};
use std::time::Duration;

/// Where a counter lives: `<prefix>:throttle:account:<e-mail>`,
/// `<prefix>:throttle:address:<ip>`.
fn key(redis: &Redis, counter: &str) -> String {
    format!("{}:throttle:{counter}", redis.prefix())
}

/// How long until the counter allows an attempt, in ms; 0 when it allows one now.
/// KEYS[1] the counter, ARGV[1] its limit.
const CHECK: &str = r"
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
if count < tonumber(ARGV[1]) then return 0 end
return math.max(redis.call('PTTL', KEYS[1]), 1)
";

/// Counts a failure; the first one of a window starts its expiry.
/// KEYS[1] the counter, ARGV[1] the window in ms.
const FAIL: &str = r"
local count = redis.call('INCR', KEYS[1])
if redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return count
";

/// Shares the counts through Redis. Every failure is also counted in memory, so that
/// while Redis is away this instance goes on throttling with what it saw itself, rather
/// than refusing everyone or no one.
pub struct RedisThrottle {
    redis: Redis,
    local: MemoryThrottle,
}

impl RedisThrottle {
    pub fn new(redis: Redis) -> Self {
        Self {
            redis,
            local: MemoryThrottle::new(),
        }
    }

    async fn shared_check(
        &self,
        account: &str,
        address: Option<&str>,
    ) -> Result<Result<(), Duration>, RedisError> {
        let client = self.redis.client().ok_or(RedisError::NotConnected)?;
        let mut wait = Duration::ZERO;
        for (counter, limit) in counters(account, address) {
            let left: i64 = client
                .eval(CHECK, key(&self.redis, &counter), limit)
                .await?;
            wait = wait.max(Duration::from_millis(left.max(0) as u64));
        }
        Ok(if wait.is_zero() { Ok(()) } else { Err(wait) })
    }

    async fn shared_failed(&self, account: &str, address: Option<&str>) -> Result<(), RedisError> {
        let client = self.redis.client().ok_or(RedisError::NotConnected)?;
        let window = self.local.window().as_millis() as i64;
        for (counter, _) in counters(account, address) {
            let _: i64 = client
                .eval(FAIL, key(&self.redis, &counter), window)
                .await?;
        }
        Ok(())
    }

    async fn shared_succeeded(&self, account: &str) -> Result<(), RedisError> {
        let client = self.redis.client().ok_or(RedisError::NotConnected)?;
        let _: i64 = client
            .del(key(&self.redis, &account_counter(account)))
            .await?;
        Ok(())
    }
}

/// An outage is logged once by the connection task; other failures are worth a line.
fn note(error: &RedisError) {
    if !matches!(error, RedisError::NotConnected) {
        tracing::warn!(%error, "sign-in throttle: Redis failed, counting in memory");
    }
}

impl LoginThrottle for RedisThrottle {
    fn check<'a>(
        &'a self,
        account: &'a str,
        address: Option<&'a str>,
    ) -> ThrottleFuture<'a, Result<(), Duration>> {
        Box::pin(async move {
            match self.shared_check(account, address).await {
                Ok(verdict) => verdict,
                Err(error) => {
                    note(&error);
                    self.local.check(account, address)
                }
            }
        })
    }

    fn failed<'a>(&'a self, account: &'a str, address: Option<&'a str>) -> ThrottleFuture<'a, ()> {
        Box::pin(async move {
            self.local.failed(account, address);
            if let Err(error) = self.shared_failed(account, address).await {
                note(&error);
            }
        })
    }

    fn succeeded<'a>(&'a self, account: &'a str) -> ThrottleFuture<'a, ()> {
        Box::pin(async move {
            self.local.succeeded(account);
            if let Err(error) = self.shared_succeeded(account).await {
                note(&error);
            }
        })
    }
}
