//! A cache of task list pages per org. Boards are read far more often than they change, and
//! every change to what a list shows (tasks, labels, categories, comments, votes) is a
//! domain event: the event empties the org's entries, here at once and on other instances
//! when the bus brings it. A generation counter keeps a page computed before a change from
//! being stored after it; a short lifetime bounds staleness if an event is ever lost.

use domain::dto::Task;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use uuid::Uuid;

/// How long a page may be served without a change event having emptied it.
const LIFETIME: Duration = Duration::from_secs(10);
/// The bytes all cached pages may take together, across orgs, before the least recently
/// used go: distinct queries (a crawler, a script varying `q`) cannot grow memory.
pub const DEFAULT_BUDGET: usize = 64 * 1024 * 1024;
/// Orgs whose generation is remembered without a page cached, before they are forgotten.
const MAX_IDLE_ORGS: usize = 65_536;

/// A page as the list returns it.
#[derive(Debug)]
pub(crate) struct Page {
    pub tasks: Vec<Task>,
    pub next_cursor: Option<String>,
}

impl Page {
    /// About what the page takes in memory: its tasks as JSON (the strings dominate) plus
    /// the structures around them.
    fn weight(&self, key: &Key) -> usize {
        let tasks: usize = self
            .tasks
            .iter()
            .map(|t| serde_json::to_vec(t).map_or(1024, |v| v.len()) + 128)
            .sum();
        tasks + key.1.len() + self.next_cursor.as_ref().map_or(0, String::len) + 256
    }
}

/// What a page depends on besides the org: whether the reader is a member, and the query.
pub(crate) type Key = (bool, String);

struct Entry {
    at: Instant,
    page: Arc<Page>,
    bytes: usize,
    /// Its place in the use order.
    used: u64,
}

#[derive(Default)]
struct Inner {
    pages: HashMap<(Uuid, Key), Entry>,
    by_org: HashMap<Uuid, HashSet<Key>>,
    /// Least recently used first.
    order: BTreeMap<u64, (Uuid, Key)>,
    bytes: usize,
    /// Per org, the generation its pages must have been computed at; orgs not here are at
    /// `floor`.
    generations: HashMap<Uuid, u64>,
    floor: u64,
    clock: u64,
}

impl Inner {
    fn tick(&mut self) -> u64 {
        self.clock += 1;
        self.clock
    }

    fn generation(&self, org: Uuid) -> u64 {
        self.generations.get(&org).copied().unwrap_or(self.floor)
    }

    fn remove(&mut self, org: Uuid, key: &Key) {
        if let Some(entry) = self.pages.remove(&(org, key.clone())) {
            self.bytes -= entry.bytes;
            self.order.remove(&entry.used);
            if let Some(keys) = self.by_org.get_mut(&org) {
                keys.remove(key);
                if keys.is_empty() {
                    self.by_org.remove(&org);
                }
            }
        }
    }

    fn forget_org(&mut self, org: Uuid) {
        for key in self.by_org.remove(&org).unwrap_or_default() {
            if let Some(entry) = self.pages.remove(&(org, key)) {
                self.bytes -= entry.bytes;
                self.order.remove(&entry.used);
            }
        }
    }
}

/// The cache, bounded in bytes across every org.
pub struct ListCache {
    inner: Mutex<Inner>,
    budget: usize,
}

impl Default for ListCache {
    fn default() -> Self {
        Self::with_budget(DEFAULT_BUDGET)
    }
}

impl ListCache {
    pub fn new() -> Self {
        Self::default()
    }

    /// A cache that keeps at most `budget` bytes of pages.
    pub fn with_budget(budget: usize) -> Self {
        Self {
            inner: Mutex::new(Inner::default()),
            budget,
        }
    }

    /// The bytes the cached pages take now (about).
    pub fn bytes(&self) -> usize {
        self.inner.lock().unwrap().bytes
    }

    /// The org's generation: pass it back to [`ListCache::put`].
    pub(crate) fn generation(&self, org: Uuid) -> u64 {
        self.inner.lock().unwrap().generation(org)
    }

    pub(crate) fn get(&self, org: Uuid, key: &Key) -> Option<Arc<Page>> {
        let mut inner = self.inner.lock().unwrap();
        let used = inner.clock + 1;
        let entry = inner.pages.get_mut(&(org, key.clone()))?;
        if entry.at.elapsed() >= LIFETIME {
            inner.remove(org, key);
            return None;
        }
        let before = std::mem::replace(&mut entry.used, used);
        let page = entry.page.clone();
        inner.clock = used;
        let slot = inner
            .order
            .remove(&before)
            .expect("every entry has its place");
        inner.order.insert(used, slot);
        Some(page)
    }

    /// Stores a page computed at `generation`, unless the org changed meanwhile; the least
    /// recently used pages make room.
    pub(crate) fn put(&self, org: Uuid, generation: u64, key: Key, page: Page) {
        let bytes = page.weight(&key);
        let mut inner = self.inner.lock().unwrap();
        if inner.generation(org) != generation || bytes > self.budget / 4 {
            return;
        }
        inner.remove(org, &key);
        while inner.bytes + bytes > self.budget {
            let Some((_, (old_org, old_key))) = inner.order.pop_first() else {
                break;
            };
            // Put back so that `remove` finds it where it expects.
            let used = inner.pages[&(old_org, old_key.clone())].used;
            inner.order.insert(used, (old_org, old_key.clone()));
            inner.remove(old_org, &old_key);
        }
        let used = inner.tick();
        inner.order.insert(used, (org, key.clone()));
        inner.by_org.entry(org).or_default().insert(key.clone());
        inner.bytes += bytes;
        inner.pages.insert(
            (org, key),
            Entry {
                at: Instant::now(),
                page: Arc::new(page),
                bytes,
                used,
            },
        );
    }

    /// Forgets everything (events may have been missed).
    pub fn clear(&self) {
        let mut inner = self.inner.lock().unwrap();
        let now = inner.tick();
        *inner = Inner {
            floor: now,
            clock: now,
            ..Inner::default()
        };
    }

    /// Forgets the org's pages: something they show has changed.
    pub fn invalidate(&self, org: Uuid) {
        let mut inner = self.inner.lock().unwrap();
        inner.forget_org(org);
        let now = inner.tick();
        if inner.generations.len() >= MAX_IDLE_ORGS && !inner.generations.contains_key(&org) {
            // Forgetting orgs' generations is safe when every one left behind counts as
            // changed now: pages computed before this moment are refused.
            inner.generations.retain(|o, _| *o == org);
            inner.floor = now;
            let orgs: Vec<Uuid> = inner.by_org.keys().copied().collect();
            for o in orgs {
                inner.forget_org(o);
            }
        }
        inner.generations.insert(org, now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page() -> Page {
        Page {
            tasks: Vec::new(),
            next_cursor: None,
        }
    }

    #[test]
    fn a_change_empties_the_org_and_only_that_org() {
        let cache = ListCache::new();
        let (a, b) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let key: Key = (true, "q".into());
        cache.put(a, cache.generation(a), key.clone(), page());
        cache.put(b, cache.generation(b), key.clone(), page());
        cache.invalidate(a);
        assert!(cache.get(a, &key).is_none());
        assert!(cache.get(b, &key).is_some());
    }

    #[test]
    fn a_page_computed_before_a_change_is_not_stored_after_it() {
        let cache = ListCache::new();
        let org = Uuid::from_u128(1);
        let key: Key = (false, "q".into());
        let generation = cache.generation(org);
        cache.invalidate(org);
        cache.put(org, generation, key.clone(), page());
        assert!(cache.get(org, &key).is_none());
    }

    #[test]
    fn members_and_the_public_have_separate_pages() {
        let cache = ListCache::new();
        let org = Uuid::from_u128(1);
        cache.put(org, 0, (true, "q".into()), page());
        assert!(cache.get(org, &(false, "q".into())).is_none());
    }

    fn task(n: i64, title: &str) -> Task {
        use domain::dto::{TaskPriority, TaskStatus, Visibility};
        use domain::{OrgId, TaskId};
        Task {
            id: TaskId(Uuid::from_u128(n as u128)),
            org_id: OrgId(Uuid::from_u128(1)),
            number: n,
            key: format!("A-{n}"),
            title: title.into(),
            description: String::new(),
            description_html: String::new(),
            status: TaskStatus::Todo,
            priority: TaskPriority::None,
            visibility: Visibility::Public,
            category: None,
            labels: Vec::new(),
            assignees: Vec::new(),
            parent_number: None,
            subtask_count: 0,
            vote_count: 0,
            comment_count: 0,
            created_by: None,
            created_at: chrono::Utc::now(),
            updated_at: chrono::Utc::now(),
            version: 1,
            rank: String::new(),
            pull_requests: Vec::new(),
            release: None,
            release_public: false,
            parent_public: false,
        }
    }

    #[test]
    fn a_flood_of_distinct_queries_stays_within_the_budget() {
        let budget = 512 * 1024;
        let cache = ListCache::with_budget(budget);
        let tasks: Vec<Task> = (0..20).map(|n| task(n, &"x".repeat(200))).collect();
        for i in 0..1_500 {
            let org = Uuid::from_u128(i % 7);
            let key: Key = (false, format!("q={i}"));
            cache.put(
                org,
                cache.generation(org),
                key,
                Page {
                    tasks: tasks.clone(),
                    next_cursor: None,
                },
            );
            assert!(cache.bytes() <= budget, "{} > {budget}", cache.bytes());
        }
        assert!(cache.bytes() > budget / 2, "the budget is used, not wasted");
        let recent: Key = (false, "q=1499".into());
        assert!(
            cache.get(Uuid::from_u128(1499 % 7), &recent).is_some(),
            "the newest stays"
        );
        let old: Key = (false, "q=0".into());
        assert!(
            cache.get(Uuid::from_u128(0), &old).is_none(),
            "the oldest went"
        );
    }

    #[test]
    fn recently_read_pages_outlive_unread_ones() {
        let tasks: Vec<Task> = (0..10).map(|n| task(n, "t")).collect();
        let one = Page {
            tasks: tasks.clone(),
            next_cursor: None,
        };
        let size = one.weight(&(false, "q=0".into()));
        let cache = ListCache::with_budget(size * 4 + size / 2);
        let org = Uuid::from_u128(1);
        for i in 0..4 {
            let page = Page {
                tasks: tasks.clone(),
                next_cursor: None,
            };
            cache.put(org, cache.generation(org), (false, format!("q={i}")), page);
        }
        assert!(cache.get(org, &(false, "q=0".into())).is_some());
        let page = Page {
            tasks,
            next_cursor: None,
        };
        cache.put(org, cache.generation(org), (false, "q=4".into()), page);
        assert!(
            cache.get(org, &(false, "q=0".into())).is_some(),
            "read lately: kept"
        );
        assert!(
            cache.get(org, &(false, "q=1".into())).is_none(),
            "least recently used: gone"
        );
    }
}
