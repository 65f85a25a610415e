//! What every socket records, shared without locks: when each update was triggered, how
//! many sockets got it, and the latency histogram of each phase.

use std::ops::Range;
use std::sync::Mutex;
use std::sync::atomic::Ordering::{Acquire, Relaxed, Release};
use std::sync::atomic::{AtomicU32, AtomicU64};
use std::time::Instant;
use tokio::sync::Notify;

/// Sub-buckets per power of two: values are kept within 1/64 (1.6 %).
const SUB_BITS: u32 = 6;
const SUB: u64 = 1 << SUB_BITS;
const BUCKETS: usize = ((64 - SUB_BITS as usize) + 1) * SUB as usize;

/// A log-linear histogram of microseconds that many threads record into.
pub struct Histogram {
    buckets: Box<[AtomicU64]>,
    count: AtomicU64,
    max: AtomicU64,
}

fn bucket(v: u64) -> usize {
    if v < SUB {
        return v as usize;
    }
    let shift = 63 - v.leading_zeros() - SUB_BITS;
    ((u64::from(shift) + 1) * SUB + ((v >> shift) - SUB)) as usize
}

fn lowest(i: usize) -> u64 {
    let i = i as u64;
    if i < SUB {
        return i;
    }
    (SUB + i % SUB) << (i / SUB - 1)
}

impl Default for Histogram {
    fn default() -> Self {
        Self {
            buckets: (0..BUCKETS).map(|_| AtomicU64::new(0)).collect(),
            count: AtomicU64::new(0),
            max: AtomicU64::new(0),
        }
    }
}

impl Histogram {
    pub fn record(&self, micros: u64) {
        self.buckets[bucket(micros)].fetch_add(1, Relaxed);
        self.count.fetch_add(1, Relaxed);
        if micros > self.max.load(Relaxed) {
            self.max.fetch_max(micros, Relaxed);
        }
    }

    pub fn count(&self) -> u64 {
        self.count.load(Relaxed)
    }

    pub fn max(&self) -> u64 {
        self.max.load(Relaxed)
    }

    /// The value below which `q` (0..=1) of the samples fall: the middle of its bucket.
    pub fn quantile(&self, q: f64) -> u64 {
        let count = self.count();
        if count == 0 {
            return 0;
        }
        let rank = ((q * count as f64).ceil() as u64).clamp(1, count);
        let mut seen = 0;
        for (i, b) in self.buckets.iter().enumerate() {
            seen += b.load(Relaxed);
            if seen >= rank {
                let mid = (lowest(i) + lowest(i + 1).saturating_sub(1)) / 2;
                return mid.min(self.max());
            }
        }
        self.max()
    }
}

/// One phase of a run: its updates are a contiguous range of indices.
#[derive(Default)]
pub struct Phase {
    pub latency: Histogram,
    /// Time from triggering an update to the trigger's answer (the REST PATCH).
    pub trigger: Histogram,
    /// When its last delivery arrived, in microseconds since the run's epoch.
    pub last_delivery: AtomicU64,
}

/// Why sockets went away after they had subscribed.
#[derive(Default)]
pub struct Losses {
    pub slow_consumer: AtomicU32,
    pub other_disconnect: AtomicU32,
    pub closed: AtomicU32,
}

/// Counts of the other frames the sockets received.
#[derive(Default)]
pub struct Frames {
    pub presence: AtomicU64,
    pub pings: AtomicU64,
    pub errors: AtomicU64,
    pub other: AtomicU64,
    /// UPDATE_TASK frames whose title is not one of ours, or not yet triggered.
    pub unmatched: AtomicU64,
    pub update_bytes: AtomicU64,
}

/// The state every socket, trigger and the driver share for one run.
pub struct Shared {
    epoch: Instant,
    /// Microseconds since the epoch, plus one, when update `i` was triggered (0: not yet).
    sent_at: Box<[AtomicU64]>,
    delivered: Box<[AtomicU32]>,
    /// Updates below this index belong to the first phase.
    split: u32,
    pub phases: [Phase; 2],
    trigger_errors: AtomicU32,
    trigger_failures: Mutex<Vec<String>>,
    pub conflicts: AtomicU32,
    /// Sockets subscribed and still open.
    pub alive: AtomicU32,
    pub ready: AtomicU32,
    pub failed: AtomicU32,
    failures: Mutex<Vec<String>>,
    pub losses: Losses,
    pub frames: Frames,
    /// Woken when an update has reached every live socket.
    pub progress: Notify,
}

impl Shared {
    pub fn new(first_phase: u32, second_phase: u32) -> Self {
        let total = (first_phase + second_phase) as usize;
        Self {
            epoch: Instant::now(),
            sent_at: (0..total).map(|_| AtomicU64::new(0)).collect(),
            delivered: (0..total).map(|_| AtomicU32::new(0)).collect(),
            split: first_phase,
            phases: Default::default(),
            trigger_errors: AtomicU32::new(0),
            trigger_failures: Mutex::new(Vec::new()),
            conflicts: AtomicU32::new(0),
            alive: AtomicU32::new(0),
            ready: AtomicU32::new(0),
            failed: AtomicU32::new(0),
            failures: Mutex::new(Vec::new()),
            losses: Losses::default(),
            frames: Frames::default(),
            progress: Notify::new(),
        }
    }

    pub fn phase_range(&self, phase: usize) -> Range<u32> {
        match phase {
            0 => 0..self.split,
            _ => self.split..self.sent_at.len() as u32,
        }
    }

    pub fn now_us(&self) -> u64 {
        self.epoch.elapsed().as_micros() as u64
    }

    /// Called by a trigger just before it sends update `i` on its way.
    pub fn mark_sent(&self, i: u32) {
        self.sent_at[i as usize].store(self.now_us() + 1, Release);
    }

    /// When update `i` was triggered; `None` if it was not (yet), or is not one of ours.
    pub fn sent_at(&self, i: u32) -> Option<u64> {
        match self.sent_at.get(i as usize)?.load(Acquire) {
            0 => None,
            t => Some(t - 1),
        }
    }

    pub fn phase_of(&self, i: u32) -> &Phase {
        &self.phases[usize::from(i >= self.split)]
    }

    /// A socket received update `i`.
    pub fn deliver(&self, i: u32, bytes: usize) {
        let now = self.now_us();
        let Some(sent) = self.sent_at(i) else {
            self.frames.unmatched.fetch_add(1, Relaxed);
            return;
        };
        self.frames.update_bytes.fetch_add(bytes as u64, Relaxed);
        let phase = self.phase_of(i);
        phase.latency.record(now.saturating_sub(sent));
        phase.last_delivery.fetch_max(now, Relaxed);
        let got = self.delivered[i as usize].fetch_add(1, Relaxed) + 1;
        if got >= self.alive.load(Relaxed) {
            self.progress.notify_one();
        }
    }

    pub fn delivered(&self, i: u32) -> u32 {
        self.delivered[i as usize].load(Relaxed)
    }

    /// Every live socket has update `i`.
    pub fn complete(&self, i: u32) -> bool {
        self.delivered(i) >= self.alive.load(Relaxed)
    }

    /// A socket could not connect or subscribe; the first few reasons are kept.
    pub fn fail(&self, why: String) {
        self.failed.fetch_add(1, Relaxed);
        let at = self.now_us() as f64 / 1e6;
        let mut failures = self.failures.lock().unwrap();
        if failures.len() < 5 {
            failures.push(format!("{why} (at {at:.1} s)"));
        }
    }

    pub fn failures(&self) -> Vec<String> {
        self.failures.lock().unwrap().clone()
    }

    /// An update could not be triggered; the first few reasons are kept.
    pub fn trigger_failed(&self, why: String) {
        self.trigger_errors.fetch_add(1, Relaxed);
        let at = self.now_us() as f64 / 1e6;
        let mut failures = self.trigger_failures.lock().unwrap();
        if failures.len() < 5 {
            failures.push(format!("{why} (at {at:.1} s)"));
        }
    }

    pub fn trigger_errors(&self) -> u32 {
        self.trigger_errors.load(Relaxed)
    }

    pub fn trigger_failures(&self) -> Vec<String> {
        self.trigger_failures.lock().unwrap().clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_are_contiguous_and_ordered() {
        for i in 0..BUCKETS - 1 {
            assert!(lowest(i) < lowest(i + 1));
            assert_eq!(bucket(lowest(i)), i);
            assert_eq!(bucket(lowest(i + 1) - 1), i);
        }
        assert_eq!(bucket(u64::MAX), BUCKETS - 1);
    }

    #[test]
    fn quantiles_stay_within_the_bucket_error() {
        let h = Histogram::default();
        for v in 1..=10_000 {
            h.record(v);
        }
        for (q, want) in [(0.5, 5_000.0), (0.99, 9_900.0)] {
            let got = h.quantile(q) as f64;
            assert!((got - want).abs() / want < 0.02, "q{q}: {got} vs {want}");
        }
        assert_eq!(h.quantile(1.0), 10_000);
        assert_eq!(h.max(), 10_000);
    }
}
