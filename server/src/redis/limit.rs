//! The rate limits' counts in Redis, so that every instance spends the same budgets. One
//! key per limited caller holds the time at which its budget is whole again (the GCRA's
//! theoretical arrival time, in ms on Redis's own clock); one script reads, decides and
//! writes it, so concurrent requests on any instance cannot overspend.

use super::{Redis, RedisError};
use fred::prelude::LuaInterface;
use services::limit::{Budget, Decision, LimitStore, MemoryLimits};
use services::throttle::ThrottleFuture;
use std::time::Duration;

/// KEYS[1] the caller's key; ARGV[1] the interval per request in ms (fractional), ARGV[2]
/// the budget's period in ms. Answers {allowed (0/1), full-again-in before, after} in ms.
const HIT: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local full = tonumber(redis.call('GET', KEYS[1]) or '0')
local before = math.max(full - now, 0)
local after = before + tonumber(ARGV[1])
if after > tonumber(ARGV[2]) then
  return {0, math.ceil(before), math.ceil(after)}
end
redis.call('SET', KEYS[1], tostring(now + after), 'PX', math.max(math.ceil(after), 1))
return {1, math.ceil(before), math.ceil(after)}
";

/// Counts in Redis; while Redis is away, in this instance's memory (each instance then
/// allows the whole budget on its own, which is better than refusing everyone).
pub struct RedisLimits {
    redis: Redis,
    local: MemoryLimits,
}

impl RedisLimits {
    pub fn new(redis: Redis) -> Self {
        Self {
            redis,
            local: MemoryLimits::new(),
        }
    }

    async fn shared(&self, key: &str, budget: Budget) -> Result<Decision, RedisError> {
        let client = self.redis.client().ok_or(RedisError::NotConnected)?;
        let interval = budget.interval().as_secs_f64() * 1000.0;
        let period = budget.per.as_millis() as i64;
        let (allowed, before, after): (i64, i64, i64) = client
            .eval(
                HIT,
                format!("{}:limit:{key}", self.redis.prefix()),
                vec![interval.to_string(), period.to_string()],
            )
            .await?;
        let ms = |v: i64| Duration::from_millis(v.max(0) as u64);
        let decision = Decision::from_gcra(budget, ms(before), ms(after));
        // Redis decided; the rounding to whole ms must not turn its answer around.
        Ok(Decision {
            allowed: allowed == 1,
            remaining: if allowed == 1 { decision.remaining } else { 0 },
            ..decision
        })
    }
}

impl LimitStore for RedisLimits {
    fn hit<'a>(&'a self, key: &'a str, budget: Budget) -> ThrottleFuture<'a, Decision> {
        Box::pin(async move {
            match self.shared(key, budget).await {
                Ok(decision) => decision,
                Err(error) => {
                    if !matches!(error, RedisError::NotConnected) {
                        tracing::warn!(%error, "rate limits: Redis failed, counting in memory");
                    }
                    self.local.hit_now(key, budget)
                }
            }
        })
    }
}
