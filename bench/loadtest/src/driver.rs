//! A run, the same against sayr and the bare server: open the sockets, measure memory,
//! trigger the updates of each phase, report.

use crate::client::{self, Target};
use crate::procfs;
use crate::report::{self, Observed, PhaseRun, Snapshot};
use crate::stats::Shared;
use clap::Args;
use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::Ordering::Relaxed;
use std::time::{Duration, Instant};
use tokio::sync::{Semaphore, mpsc};
use tokio::time::sleep_until;

/// What both modes share on the command line.
#[derive(Args, Clone, Debug)]
pub struct LoadArgs {
    /// WebSockets to open.
    #[arg(long, default_value_t = 1000)]
    pub sockets: u32,
    /// Updates of the steady phase, triggered at `--rate`.
    #[arg(long, default_value_t = 60)]
    pub updates: u32,
    /// Updates per second in the steady phase.
    #[arg(long, default_value_t = 2.0)]
    pub rate: f64,
    /// Updates of the throughput phase (default: `--updates`; 0 skips it), triggered as fast
    /// as they are delivered with at most `--window` not yet delivered to every socket.
    #[arg(long)]
    pub burst: Option<u32>,
    /// Updates in flight in the throughput phase; also the number of tasks (REST lanes).
    #[arg(long, default_value_t = 32)]
    pub window: u32,
    /// Sockets connecting and subscribing at once.
    #[arg(long, default_value_t = 64)]
    pub connect_concurrency: u32,
    /// Seconds after which an update is given up on (its missing deliveries are counted).
    #[arg(long, default_value_t = 10)]
    pub timeout: u64,
}

impl LoadArgs {
    pub fn burst(&self) -> u32 {
        self.burst.unwrap_or(self.updates)
    }

    /// Fails early on a rate that is not positive, or when this process may not open as many
    /// files as the sockets it will hold need.
    pub fn check(&self, sockets_here: u32) -> Result<(), String> {
        if !(self.rate > 0.0 && self.rate.is_finite()) {
            return Err(format!("--rate must be above 0, not {}", self.rate));
        }
        let need = u64::from(sockets_here) + 64;
        match procfs::open_files_limit() {
            Some(limit) if limit < need => Err(format!(
                "{sockets_here} sockets in this process need about {need} open files, the limit is {limit}: raise `ulimit -n`"
            )),
            _ => Ok(()),
        }
    }
}

/// Sends updates on their way: update `i` goes to lane `i % lanes`, and each lane works
/// through its updates in order (a lane is one task on sayr, or the bare publisher).
pub struct Lanes(pub Vec<mpsc::UnboundedSender<u32>>);

impl Lanes {
    fn fire(&self, i: u32) {
        let lane = &self.0[i as usize % self.0.len()];
        let _ = lane.send(i);
    }
}

/// The server under test.
pub struct Subject {
    pub name: &'static str,
    /// Whose memory to report.
    pub pid: Option<u32>,
    /// What the memory figure covers, when not just the server.
    pub memory_note: &'static str,
}

#[derive(Clone, Copy)]
enum Pace {
    Rate(f64),
    Window(u32),
}

/// Updates triggered and not yet delivered everywhere, with the time they are given up.
struct InFlight<'a> {
    shared: &'a Shared,
    pending: VecDeque<(u32, Instant)>,
}

impl InFlight<'_> {
    fn retire(&mut self) {
        let now = Instant::now();
        let shared = self.shared;
        self.pending
            .retain(|&(i, give_up)| !shared.complete(i) && now < give_up);
    }

    /// Waits until some update completes or is given up.
    async fn settle_one(&mut self) {
        self.retire();
        let Some(earliest) = self.pending.iter().map(|p| p.1).min() else {
            return;
        };
        tokio::select! {
            _ = self.shared.progress.notified() => {}
            _ = sleep_until(earliest.into()) => {}
        }
        self.retire();
    }
}

async fn run_phase(shared: &Shared, lanes: &Lanes, phase: usize, pace: Pace, timeout: Duration) {
    let start = Instant::now();
    let mut in_flight = InFlight {
        shared,
        pending: VecDeque::new(),
    };
    for (k, i) in shared.phase_range(phase).enumerate() {
        match pace {
            Pace::Rate(rate) => {
                sleep_until((start + Duration::from_secs_f64(k as f64 / rate)).into()).await;
            }
            Pace::Window(window) => {
                while in_flight.pending.len() >= window as usize {
                    in_flight.settle_one().await;
                }
            }
        }
        lanes.fire(i);
        in_flight.pending.push_back((i, Instant::now() + timeout));
        in_flight.retire();
    }
    while !in_flight.pending.is_empty() {
        in_flight.settle_one().await;
    }
}

/// Waits until every socket has subscribed or failed, printing progress.
async fn connect_all(target: Arc<Target>, shared: &Arc<Shared>, args: &LoadArgs) -> Duration {
    let start = Instant::now();
    let gate = Arc::new(Semaphore::new(args.connect_concurrency as usize));
    for _ in 0..args.sockets {
        tokio::spawn(client::run(target.clone(), shared.clone(), gate.clone()));
    }
    let mut last_print = Instant::now();
    loop {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let (ready, failed) = (shared.ready.load(Relaxed), shared.failed.load(Relaxed));
        if ready + failed >= args.sockets {
            return start.elapsed();
        }
        if last_print.elapsed() >= Duration::from_secs(5) {
            last_print = Instant::now();
            eprintln!(
                "  {:>5.1} s: {ready} subscribed, {failed} failed, {} presence frames",
                start.elapsed().as_secs_f64(),
                shared.frames.presence.load(Relaxed)
            );
        }
    }
}

/// Waits until no presence frames have arrived for a second (each join is announced to
/// the room), at most `limit`.
async fn quiet(shared: &Shared, limit: Duration) -> Duration {
    let start = Instant::now();
    let mut seen = shared.frames.presence.load(Relaxed);
    while start.elapsed() < limit {
        tokio::time::sleep(Duration::from_secs(1)).await;
        let now = shared.frames.presence.load(Relaxed);
        if now == seen {
            break;
        }
        seen = now;
    }
    start.elapsed()
}

/// Runs the sockets and both phases against a server and prints the report.
pub async fn run(
    subject: Subject,
    target: Target,
    shared: Arc<Shared>,
    lanes: Lanes,
    args: &LoadArgs,
) -> Result<(), String> {
    let before = Snapshot::take(subject.pid);
    eprintln!(
        "{}: opening {} sockets to {}",
        subject.name, args.sockets, target.url
    );
    let connect_time = connect_all(Arc::new(target), &shared, args).await;
    let quiet_time = quiet(&shared, Duration::from_secs(120)).await;
    let connected = Snapshot::take(subject.pid);
    let ready = shared.ready.load(Relaxed);
    eprintln!(
        "{}: {ready} subscribed in {:.1} s, {} failed; presence frames stopped {:.1} s later",
        subject.name,
        connect_time.as_secs_f64(),
        shared.failed.load(Relaxed),
        quiet_time.as_secs_f64()
    );
    if ready == 0 {
        return Err(format!("no socket subscribed: {:?}", shared.failures()));
    }

    let timeout = Duration::from_secs(args.timeout);
    let paces = [
        ("steady", format!("{}/s", args.rate), Pace::Rate(args.rate)),
        (
            "burst",
            format!("window {}", args.window),
            Pace::Window(args.window.max(1)),
        ),
    ];
    let mut phases = Vec::new();
    for (index, (name, pace_label, pace)) in paces.into_iter().enumerate() {
        if shared.phase_range(index).is_empty() {
            continue;
        }
        eprintln!("{}: {name} phase", subject.name);
        let (start, wall) = (Snapshot::take(subject.pid), Instant::now());
        run_phase(&shared, &lanes, index, pace, timeout).await;
        phases.push(PhaseRun {
            index,
            name,
            pace: pace_label,
            start,
            end: Snapshot::take(subject.pid),
            wall: wall.elapsed(),
        });
    }
    report::print(&Observed {
        name: subject.name,
        memory_note: subject.memory_note,
        asked: args.sockets,
        connect_concurrency: args.connect_concurrency,
        connect_time,
        before,
        connected,
        after: Snapshot::take(subject.pid),
        phases,
        shared: &shared,
    });
    Ok(())
}
