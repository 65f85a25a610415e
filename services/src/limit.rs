//! Rate limits: how often one caller may do one thing. Each [`Action`] has a [`Budget`]
//! (`count` per `per`), counted per key (a user, an API key, a client address, or a
//! narrower one such as "this address on this task") with the generic cell rate algorithm:
//! a caller may spend the whole budget at once, and it refills evenly over `per`. One
//! number per key (the time at which the key's budget is full again), so the check and the
//! count are one atomic step: 200 concurrent requests against a budget of 10 let exactly
//! 10 through. [`MemoryLimits`] counts on one instance; the server swaps in a store shared
//! through Redis when instances must agree.

use crate::throttle::ThrottleFuture;
use crate::{DomainError, Result};
use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// `count` requests per `per`, refilling evenly.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Budget {
    pub count: u32,
    pub per: Duration,
}

impl Budget {
    pub const fn new(count: u32, per_secs: u64) -> Self {
        Self {
            count,
            per: Duration::from_secs(per_secs),
        }
    }

    /// `10/1h`, `30/5m`, `600/1m`, `5/30s`, `100/1d`.
    pub fn parse(s: &str) -> Result<Self, String> {
        let bad = || format!("`{s}`: a budget is <count>/<n><s|m|h|d>, such as 30/5m");
        let (count, per) = s.trim().split_once('/').ok_or_else(bad)?;
        let count: u32 = count.trim().parse().map_err(|_| bad())?;
        let per = per.trim();
        let (n, unit) = per.split_at(per.len().saturating_sub(1));
        let n: u64 = if n.is_empty() { Ok(1) } else { n.parse() }.map_err(|_| bad())?;
        let unit = match unit {
            "s" => 1,
            "m" => 60,
            "h" => 3600,
            "d" => 86_400,
            _ => return Err(bad()),
        };
        if count == 0 || n == 0 {
            return Err(format!("`{s}`: a budget allows at least 1 per at least 1s"));
        }
        Ok(Self {
            count,
            per: Duration::from_secs(n * unit),
        })
    }

    /// How long one request's share of the budget takes to come back.
    pub fn interval(&self) -> Duration {
        self.per / self.count
    }
}

impl fmt::Display for Budget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let secs = self.per.as_secs();
        let (n, unit) = match secs {
            s if s % 86_400 == 0 => (s / 86_400, "d"),
            s if s % 3600 == 0 => (s / 3600, "h"),
            s if s % 60 == 0 => (s / 60, "m"),
            s => (s, "s"),
        };
        write!(f, "{}/{n}{unit}", self.count)
    }
}

/// What is limited. The name is the key prefix and the config's name (`SAYR_LIMITS`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    /// Creating an account, per client address.
    Signup,
    /// Password sign-in attempts (right or wrong), per client address.
    Login,
    /// Asking for mail: password reset and verification links, e-mail changes; per address.
    Mail,
    /// Every REST v1 request, per API key, user or address.
    Api,
    /// Every other state-changing request (server functions, forms), per user or address.
    Write,
    /// Opening a socket, per client address.
    Socket,
    /// A task made by someone who is not a member (a suggestion), per user.
    Suggest,
    /// A comment, per user.
    Comment,
    /// A reaction toggled, per user.
    Reaction,
    /// A vote or its withdrawal, per user or address.
    Vote,
    /// New anonymous votes from one address on one task.
    AnonymousVoteTask,
    /// New anonymous votes from one address in one org.
    AnonymousVoteOrg,
    /// A file uploaded, per user.
    Upload,
}

impl Action {
    pub const ALL: [Action; 13] = [
        Action::Signup,
        Action::Login,
        Action::Mail,
        Action::Api,
        Action::Write,
        Action::Socket,
        Action::Suggest,
        Action::Comment,
        Action::Reaction,
        Action::Vote,
        Action::AnonymousVoteTask,
        Action::AnonymousVoteOrg,
        Action::Upload,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Action::Signup => "signup",
            Action::Login => "login",
            Action::Mail => "mail",
            Action::Api => "api",
            Action::Write => "write",
            Action::Socket => "socket",
            Action::Suggest => "suggest",
            Action::Comment => "comment",
            Action::Reaction => "reaction",
            Action::Vote => "vote",
            Action::AnonymousVoteTask => "anonymous-vote-task",
            Action::AnonymousVoteOrg => "anonymous-vote-org",
            Action::Upload => "upload",
        }
    }

    /// The budget a real instance can live with: generous for people at work, tight for
    /// what scripts abuse (accounts, mail, anonymous votes).
    pub fn default_budget(self) -> Budget {
        match self {
            Action::Signup => Budget::new(10, 3600),
            Action::Login => Budget::new(60, 15 * 60),
            Action::Mail => Budget::new(10, 3600),
            Action::Api => Budget::new(1200, 60),
            Action::Write => Budget::new(600, 60),
            Action::Socket => Budget::new(60, 60),
            Action::Suggest => Budget::new(30, 3600),
            Action::Comment => Budget::new(120, 3600),
            Action::Reaction => Budget::new(120, 60),
            Action::Vote => Budget::new(120, 60),
            Action::AnonymousVoteTask => Budget::new(5, 86_400),
            Action::AnonymousVoteOrg => Budget::new(100, 86_400),
            Action::Upload => Budget::new(60, 3600),
        }
    }

    fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.name() == name)
    }
}

/// The budgets in force: the defaults, with the overrides of `SAYR_LIMITS`.
#[derive(Clone, Debug, PartialEq)]
pub struct Limits {
    budgets: HashMap<Action, Budget>,
    /// `SAYR_LIMITS=off`: nothing is limited (a private instance, load tests).
    pub enabled: bool,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            budgets: Action::ALL
                .into_iter()
                .map(|a| (a, a.default_budget()))
                .collect(),
            enabled: true,
        }
    }
}

impl Limits {
    /// `off`, or `name=budget` pairs separated by commas over the defaults
    /// (`signup=3/1h,api=6000/1m`).
    pub fn parse(s: &str) -> Result<Self, String> {
        let mut limits = Self::default();
        let s = s.trim();
        if s.eq_ignore_ascii_case("off") {
            limits.enabled = false;
            return Ok(limits);
        }
        for pair in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (name, budget) = pair
                .split_once('=')
                .ok_or_else(|| format!("`{pair}`: expected <name>=<count>/<period>"))?;
            let action = Action::from_name(name.trim()).ok_or_else(|| {
                let names: Vec<_> = Action::ALL.iter().map(|a| a.name()).collect();
                format!(
                    "`{}` is not a limit; the limits are {}",
                    name.trim(),
                    names.join(", ")
                )
            })?;
            limits.budgets.insert(action, Budget::parse(budget)?);
        }
        Ok(limits)
    }

    pub fn budget(&self, action: Action) -> Budget {
        self.budgets
            .get(&action)
            .copied()
            .unwrap_or_else(|| action.default_budget())
    }

    /// Sets one budget (tests, and the config's overrides).
    pub fn with(mut self, action: Action, budget: Budget) -> Self {
        self.budgets.insert(action, budget);
        self
    }
}

/// What one counted request learned: whether it may go on, and the figures for the
/// `RateLimit-*` headers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Decision {
    pub allowed: bool,
    pub limit: u32,
    /// Requests left now.
    pub remaining: u32,
    /// Until the budget is whole again.
    pub reset: Duration,
    /// When refused: until one request is allowed again.
    pub retry_after: Duration,
}

impl Decision {
    /// What a key that is not limited (limits off) answers.
    fn unlimited(budget: Budget) -> Self {
        Self {
            allowed: true,
            limit: budget.count,
            remaining: budget.count,
            reset: Duration::ZERO,
            retry_after: Duration::ZERO,
        }
    }

    /// The GCRA's verdict from the key's "full again at" offset after this request
    /// (`after`, from now) and the one before it (`before`).
    pub fn from_gcra(budget: Budget, before: Duration, after: Duration) -> Self {
        let interval = budget.interval().max(Duration::from_nanos(1));
        if after > budget.per {
            Decision {
                allowed: false,
                limit: budget.count,
                remaining: 0,
                reset: before,
                retry_after: (after - budget.per).max(Duration::from_millis(1)),
            }
        } else {
            let left = budget.per - after;
            Decision {
                allowed: true,
                limit: budget.count,
                remaining: (left.as_nanos() / interval.as_nanos()) as u32,
                reset: after,
                retry_after: Duration::ZERO,
            }
        }
    }

    /// The refusal as the domain says it (429 with Retry-After).
    pub fn refusal(&self) -> DomainError {
        DomainError::RateLimited {
            retry_after_secs: self.retry_after.as_secs_f64().ceil().max(1.0) as u64,
        }
    }
}

/// Where the counts live.
pub trait LimitStore: Send + Sync {
    /// Counts one request against `key`'s budget, atomically.
    fn hit<'a>(&'a self, key: &'a str, budget: Budget) -> ThrottleFuture<'a, Decision>;
}

/// Counts on one instance. Keys whose budget is whole again are dropped when the map
/// grows; a flood of distinct keys beyond [`MemoryLimits::MAX_KEYS`] that are all still
/// counting drops the oldest half rather than growing without bound.
#[derive(Default)]
pub struct MemoryLimits {
    /// Per key, when its budget is whole again.
    full_at: Mutex<HashMap<String, Instant>>,
}

impl MemoryLimits {
    pub const MAX_KEYS: usize = 100_000;

    pub fn new() -> Self {
        Self::default()
    }

    pub fn hit_now(&self, key: &str, budget: Budget) -> Decision {
        let now = Instant::now();
        let mut map = self.full_at.lock().unwrap();
        if map.len() >= Self::MAX_KEYS && !map.contains_key(key) {
            map.retain(|_, at| *at > now);
            if map.len() >= Self::MAX_KEYS {
                let mut ats: Vec<Instant> = map.values().copied().collect();
                let (_, median, _) = ats.select_nth_unstable(Self::MAX_KEYS / 2);
                let median = *median;
                map.retain(|_, at| *at > median);
            }
        }
        let before = map
            .get(key)
            .map_or(Duration::ZERO, |at| at.saturating_duration_since(now));
        let after = before + budget.interval();
        let decision = Decision::from_gcra(budget, before, after);
        if decision.allowed {
            map.insert(key.to_string(), now + after);
        }
        decision
    }

    pub fn len(&self) -> usize {
        self.full_at.lock().unwrap().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl LimitStore for MemoryLimits {
    fn hit<'a>(&'a self, key: &'a str, budget: Budget) -> ThrottleFuture<'a, Decision> {
        Box::pin(std::future::ready(self.hit_now(key, budget)))
    }
}

/// The budgets and where they are counted.
#[derive(Clone)]
pub struct Limiter {
    pub limits: Arc<Limits>,
    store: Arc<dyn LimitStore>,
}

impl Default for Limiter {
    fn default() -> Self {
        Self::new(Limits::default(), Arc::new(MemoryLimits::new()))
    }
}

impl Limiter {
    pub fn new(limits: Limits, store: Arc<dyn LimitStore>) -> Self {
        Self {
            limits: Arc::new(limits),
            store,
        }
    }

    /// Counts one request of `action` by `who` (a user id, `key:<id>`, `ip:<address>`, or a
    /// narrower key of the action's own).
    pub async fn hit(&self, action: Action, who: &str) -> Decision {
        let budget = self.limits.budget(action);
        if !self.limits.enabled {
            return Decision::unlimited(budget);
        }
        let key = format!("{}:{who}", action.name());
        self.store.hit(&key, budget).await
    }

    /// Counts one request and refuses it when the budget is spent.
    pub async fn enforce(&self, action: Action, who: &str) -> Result<Decision> {
        let decision = self.hit(action, who).await;
        if decision.allowed {
            Ok(decision)
        } else {
            tracing::info!(limit = action.name(), "rate limited");
            Err(decision.refusal())
        }
    }
}

/// The key of a client address: IPv4 as is, IPv6 by its /64 (one subscriber's network,
/// which hands its hosts any number of addresses).
pub fn address_key(ip: &str) -> String {
    match ip.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V6(v6)) if v6.to_ipv4_mapped().is_none() => {
            let s = v6.segments();
            format!("ip:{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
        Ok(std::net::IpAddr::V6(v6)) => format!("ip:{}", v6.to_ipv4_mapped().unwrap()),
        _ => format!("ip:{ip}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budgets_read_and_print() {
        assert_eq!(Budget::parse("10/1h").unwrap(), Budget::new(10, 3600));
        assert_eq!(Budget::parse("30/5m").unwrap(), Budget::new(30, 300));
        assert_eq!(Budget::parse("5/s").unwrap(), Budget::new(5, 1));
        assert_eq!(Budget::new(100, 86_400).to_string(), "100/1d");
        assert_eq!(Budget::new(7, 90).to_string(), "7/90s");
        for bad in ["10", "0/1m", "10/0m", "10/1w", "x/1m", "10/m5"] {
            assert!(Budget::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn limits_take_overrides_and_name_the_unknown() {
        let limits = Limits::parse("signup=3/1h, api=6000/1m").unwrap();
        assert_eq!(limits.budget(Action::Signup), Budget::new(3, 3600));
        assert_eq!(limits.budget(Action::Api), Budget::new(6000, 60));
        assert_eq!(limits.budget(Action::Vote), Action::Vote.default_budget());
        assert!(!Limits::parse("off").unwrap().enabled);
        let err = Limits::parse("sigup=3/1h").unwrap_err();
        assert!(err.contains("sigup") && err.contains("signup"), "{err}");
    }

    #[test]
    fn a_budget_can_be_spent_at_once_then_refills_evenly() {
        let limits = MemoryLimits::new();
        let budget = Budget {
            count: 4,
            per: Duration::from_millis(400),
        };
        let remaining: Vec<u32> = (0..4)
            .map(|_| limits.hit_now("k", budget))
            .map(|d| {
                assert!(d.allowed);
                d.remaining
            })
            .collect();
        assert_eq!(remaining, [3, 2, 1, 0]);
        let refused = limits.hit_now("k", budget);
        assert!(!refused.allowed);
        assert!(refused.retry_after <= Duration::from_millis(100));
        assert!(limits.hit_now("other", budget).allowed, "keys are separate");
        std::thread::sleep(Duration::from_millis(120));
        assert!(limits.hit_now("k", budget).allowed, "one came back");
        assert!(!limits.hit_now("k", budget).allowed, "only one");
    }

    #[tokio::test]
    async fn concurrent_requests_never_exceed_the_budget() {
        let limiter = Limiter::new(
            Limits::default().with(Action::Comment, Budget::new(10, 3600)),
            Arc::new(MemoryLimits::new()),
        );
        let tasks: Vec<_> = (0..200)
            .map(|_| {
                let limiter = limiter.clone();
                tokio::spawn(async move { limiter.hit(Action::Comment, "u1").await.allowed })
            })
            .collect();
        let mut allowed = 0;
        for t in tasks {
            allowed += usize::from(t.await.unwrap());
        }
        assert_eq!(allowed, 10);
    }

    #[test]
    fn a_flood_of_keys_stays_bounded() {
        let limits = MemoryLimits::new();
        let budget = Budget::new(1, 3600);
        for i in 0..(MemoryLimits::MAX_KEYS + 10) {
            limits.hit_now(&format!("ip:{i}"), budget);
        }
        assert!(limits.len() <= MemoryLimits::MAX_KEYS);
    }

    #[test]
    fn ipv6_clients_are_counted_by_their_network() {
        assert_eq!(
            address_key("2001:db8:1:2:aaaa::1"),
            address_key("2001:db8:1:2:bbbb::9")
        );
        assert_ne!(
            address_key("2001:db8:1:2::1"),
            address_key("2001:db8:1:3::1")
        );
        assert_eq!(address_key("::ffff:10.0.0.1"), "ip:10.0.0.1");
        assert_eq!(address_key("10.0.0.1"), "ip:10.0.0.1");
    }
}
