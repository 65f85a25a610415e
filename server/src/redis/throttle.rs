//! The sign-in throttle over Redis: the same counters and windows as the in-memory one,
//! as keys every instance sees. Each counter is one key, counted up and checked by one
//! script (atomic across instances) that starts its expiry with the first attempt.

use super::{Redis, RedisError};
use fred::prelude::LuaInterface;
use services::throttle::{LoginThrottle, MemoryThrottle, ThrottleFuture};
use std::time::Duration;

/// Where a counter lives: `<prefix>:throttle:account:<e-mail>`,
/// `<prefix>:throttle:device:<id>`, `<prefix>:throttle:address:<ip>`.
fn key(redis: &Redis, counter: &str) -> String {
    format!("{}:throttle:{counter}", redis.prefix())
}

/// Counts an attempt on every counter and answers how long until the most exhausted one
/// allows an attempt, in ms (0: this attempt may go on). The first attempt of a window
/// starts its expiry. KEYS the counters, ARGV[1] the window in ms, ARGV[2..] the limits.
const ATTEMPT: &str = r"
local wait = 0
for i, key in ipairs(KEYS) do
  local count = redis.call('INCR', key)
  if redis.call('PTTL', key) < 0 then redis.call('PEXPIRE', key, ARGV[1]) end
  if count > tonumber(ARGV[i + 1]) then
    wait = math.max(wait, redis.call('PTTL', key), 1)
  end
end
return wait
";

/// After a success: the first ARGV[1] keys start over, the rest forget one attempt.
const SUCCEEDED: &str = r"
local clear = tonumber(ARGV[1])
for i, key in ipairs(KEYS) do
  if i <= clear then
    redis.call('DEL', key)
  elseif tonumber(redis.call('GET', key) or '0') > 0 then
    redis.call('DECR', key)
  end
end
return 0
";

/// Shares the counts through Redis. Every attempt is also counted in memory, so that
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

    async fn shared_attempt(
        &self,
        counters: &[(String, u32)],
    ) -> Result<Result<(), Duration>, RedisError> {
        let client = self.redis.client().ok_or(RedisError::NotConnected)?;
        let keys: Vec<String> = counters.iter().map(|(c, _)| key(&self.redis, c)).collect();
        let mut args = vec![self.local.window().as_millis() as i64];
        args.extend(counters.iter().map(|(_, limit)| i64::from(*limit)));
        let wait: i64 = client.eval(ATTEMPT, keys, args).await?;
        Ok(if wait <= 0 {
            Ok(())
        } else {
            Err(Duration::from_millis(wait as u64))
        })
    }

    async fn shared_succeeded(
        &self,
        clear: &[String],
        uncount: &[String],
    ) -> Result<(), RedisError> {
        let client = self.redis.client().ok_or(RedisError::NotConnected)?;
        let keys: Vec<String> = clear
            .iter()
            .chain(uncount)
            .map(|c| key(&self.redis, c))
            .collect();
        let _: i64 = client.eval(SUCCEEDED, keys, clear.len() as i64).await?;
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
    fn attempt<'a>(
        &'a self,
        counters: &'a [(String, u32)],
    ) -> ThrottleFuture<'a, Result<(), Duration>> {
        Box::pin(async move {
            let local = self.local.attempt(counters);
            match self.shared_attempt(counters).await {
                Ok(verdict) => verdict,
                Err(error) => {
                    note(&error);
                    local
                }
            }
        })
    }

    fn succeeded<'a>(
        &'a self,
        clear: &'a [String],
        uncount: &'a [String],
    ) -> ThrottleFuture<'a, ()> {
        Box::pin(async move {
            self.local.succeeded(clear, uncount);
            if let Err(error) = self.shared_succeeded(clear, uncount).await {
                note(&error);
            }
        })
    }
}
