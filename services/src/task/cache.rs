//! A cache of task list pages per org. Boards are read far more often than they change, and
//! every change to what a list shows (tasks, labels, categories, comments, votes) is a
//! domain event: the event empties the org's entries, here at once and on other instances
//! when the bus brings it. A generation counter keeps a page computed before a change from
//! being stored after it; a short lifetime bounds staleness if an event is ever lost.

use domain::dto::Task;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use uuid::Uuid;

/// How long a page may be served without a change event having emptied it.
const LIFETIME: Duration = Duration::from_secs(10);
/// Entries kept per org, and orgs kept, before the cache starts over.
const MAX_PER_ORG: usize = 256;
const MAX_ORGS: usize = 4096;

/// A page as the list returns it.
#[derive(Debug)]
pub(crate) struct Page {
    pub tasks: Vec<Task>,
    pub next_cursor: Option<String>,
}

/// What a page depends on besides the org: whether the reader is a member, and the query.
pub(crate) type Key = (bool, String);

#[derive(Default)]
struct OrgPages {
    generation: u64,
    pages: HashMap<Key, (Instant, Arc<Page>)>,
}

#[derive(Default)]
pub struct ListCache {
    orgs: Mutex<HashMap<Uuid, OrgPages>>,
}

impl ListCache {
    pub fn new() -> Self {
        Self::default()
    }

    /// The org's generation: pass it back to [`ListCache::put`].
    pub(crate) fn generation(&self, org: Uuid) -> u64 {
        self.orgs
            .lock()
            .unwrap()
            .get(&org)
            .map_or(0, |o| o.generation)
    }

    pub(crate) fn get(&self, org: Uuid, key: &Key) -> Option<Arc<Page>> {
        let orgs = self.orgs.lock().unwrap();
        let (at, page) = orgs.get(&org)?.pages.get(key)?;
        (at.elapsed() < LIFETIME).then(|| page.clone())
    }

    /// Stores a page computed at `generation`, unless the org changed meanwhile.
    pub(crate) fn put(&self, org: Uuid, generation: u64, key: Key, page: Page) {
        let mut orgs = self.orgs.lock().unwrap();
        if orgs.len() >= MAX_ORGS && !orgs.contains_key(&org) {
            orgs.clear();
        }
        let entry = orgs.entry(org).or_default();
        if entry.generation != generation {
            return;
        }
        if entry.pages.len() >= MAX_PER_ORG {
            entry.pages.clear();
        }
        entry.pages.insert(key, (Instant::now(), Arc::new(page)));
    }

    /// Forgets everything (events may have been missed).
    pub fn clear(&self) {
        let mut orgs = self.orgs.lock().unwrap();
        for entry in orgs.values_mut() {
            entry.generation += 1;
            entry.pages.clear();
        }
    }

    /// Forgets the org's pages: something they show has changed.
    pub fn invalidate(&self, org: Uuid) {
        let mut orgs = self.orgs.lock().unwrap();
        let entry = orgs.entry(org).or_default();
        entry.generation += 1;
        entry.pages.clear();
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
}
