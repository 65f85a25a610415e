//! The report of a run: lines for a person, a Markdown row per phase (BENCHMARKS.md), and
//! `RESULT key=value` lines for scripts.

use crate::procfs;
use crate::stats::{Phase, Shared};
use std::ops::Range;
use std::sync::atomic::Ordering::Relaxed;
use std::time::Duration;

/// What /proc says about the server and this process (the clients) at one moment.
#[derive(Clone, Copy)]
pub struct Snapshot {
    server_rss: Option<u64>,
    tool_rss: Option<u64>,
    server_cpu: Option<f64>,
    tool_cpu: Option<f64>,
    load: Option<f64>,
}

impl Snapshot {
    pub fn take(server: Option<u32>) -> Self {
        let me = std::process::id();
        Self {
            server_rss: server.and_then(procfs::rss_kib),
            tool_rss: procfs::rss_kib(me),
            server_cpu: server.and_then(procfs::cpu_seconds),
            tool_cpu: procfs::cpu_seconds(me),
            load: procfs::load_average(),
        }
    }
}

/// One phase as the driver ran it.
pub struct PhaseRun {
    pub index: usize,
    pub name: &'static str,
    pub pace: String,
    pub start: Snapshot,
    pub end: Snapshot,
    pub wall: Duration,
}

/// Everything the driver saw.
pub struct Observed<'a> {
    pub name: &'static str,
    /// What the server's memory covers, when not just the server.
    pub memory_note: &'static str,
    pub asked: u32,
    pub connect_concurrency: u32,
    pub connect_time: Duration,
    pub before: Snapshot,
    pub connected: Snapshot,
    pub after: Snapshot,
    pub phases: Vec<PhaseRun>,
    pub shared: &'a Shared,
}

fn per_socket(before: Option<u64>, after: Option<u64>, sockets: u32) -> String {
    match (before, after) {
        (Some(b), Some(a)) => format!("{:.1}", (a as f64 - b as f64) / f64::from(sockets.max(1))),
        _ => "?".into(),
    }
}

fn mib(kib: Option<u64>) -> String {
    kib.map_or("?".into(), |k| format!("{:.1} MiB", k as f64 / 1024.0))
}

fn cpu_between(from: Option<f64>, to: Option<f64>) -> Option<f64> {
    Some(to? - from?)
}

fn seconds(s: Option<f64>) -> String {
    s.map_or("?".into(), |s| format!("{s:.1} s"))
}

fn ms(micros: u64) -> f64 {
    micros as f64 / 1000.0
}

/// The figures of one phase.
struct Figures {
    send_span: f64,
    send_rate: f64,
    delivered: u64,
    missing: u64,
    per_second: f64,
    /// p50, p95, p99 and max latency, in milliseconds.
    latency: [f64; 4],
}

impl Figures {
    fn of(shared: &Shared, phase: &Phase, range: Range<u32>, sockets: u32) -> Self {
        let sent: Vec<u64> = range.clone().filter_map(|i| shared.sent_at(i)).collect();
        let first = sent.iter().copied().min().unwrap_or(0);
        let last = sent.iter().copied().max().unwrap_or(0);
        let send_span = (last - first) as f64 / 1e6;
        let delivered = phase.latency.count();
        let expected = u64::from(sockets) * range.len() as u64;
        // From the first update sent to the last delivery received.
        let span = phase.last_delivery.load(Relaxed).saturating_sub(first) as f64 / 1e6;
        let l = &phase.latency;
        Self {
            send_span,
            send_rate: if sent.len() > 1 && send_span > 0.0 {
                (sent.len() - 1) as f64 / send_span
            } else {
                0.0
            },
            delivered,
            missing: expected.saturating_sub(delivered),
            per_second: if span > 0.0 {
                delivered as f64 / span
            } else {
                0.0
            },
            latency: [
                ms(l.quantile(0.50)),
                ms(l.quantile(0.95)),
                ms(l.quantile(0.99)),
                ms(l.max()),
            ],
        }
    }
}

pub fn print(o: &Observed) {
    let shared = o.shared;
    let name = o.name;
    let ready = shared.ready.load(Relaxed);
    let server_kib = per_socket(o.before.server_rss, o.connected.server_rss, ready);
    let load = |l: Option<f64>| l.map_or("?".into(), |l| format!("{l:.2}"));
    println!(
        "== {name}: {ready}/{} sockets subscribed, {} failed",
        o.asked,
        shared.failed.load(Relaxed)
    );
    println!(
        "   load average (1 min, {} cores): {} at the start, {} at the end",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        load(o.before.load),
        load(o.after.load)
    );
    for why in shared.failures() {
        println!("   failure: {why}");
    }
    println!(
        "   connect + subscribe: {:.1} s ({} at once); presence frames received: {}",
        o.connect_time.as_secs_f64(),
        o.connect_concurrency,
        shared.frames.presence.load(Relaxed)
    );
    println!(
        "   server RSS{}: {} before sockets, {} with sockets, {} after updates; {server_kib} KiB per socket",
        o.memory_note,
        mib(o.before.server_rss),
        mib(o.connected.server_rss),
        mib(o.after.server_rss),
    );
    println!(
        "   this process's RSS: {} before, {} with sockets ({} KiB per client socket)",
        mib(o.before.tool_rss),
        mib(o.connected.tool_rss),
        per_socket(o.before.tool_rss, o.connected.tool_rss, ready)
    );
    let (losses, frames) = (&shared.losses, &shared.frames);
    println!(
        "   sockets lost after subscribing: {} slow_consumer, {} other DISCONNECTED, {} closed; frames: {} PING, {} ERROR, {} unmatched updates, {} other",
        losses.slow_consumer.load(Relaxed),
        losses.other_disconnect.load(Relaxed),
        losses.closed.load(Relaxed),
        frames.pings.load(Relaxed),
        frames.errors.load(Relaxed),
        frames.unmatched.load(Relaxed),
        frames.other.load(Relaxed),
    );
    println!(
        "   trigger errors: {}, version conflicts retried: {}",
        shared.trigger_errors(),
        shared.conflicts.load(Relaxed)
    );
    for why in shared.trigger_failures() {
        println!("   trigger failure: {why}");
    }
    let mut delivered = 0;
    for run in &o.phases {
        let range = shared.phase_range(run.index);
        let phase = &shared.phases[run.index];
        let f = Figures::of(shared, phase, range.clone(), ready);
        delivered += f.delivered;
        let [p50, p95, p99, max] = f.latency;
        let (phase_name, pace) = (run.name, &run.pace);
        println!(
            "   {phase_name} ({pace}): {} updates sent in {:.1} s ({:.1}/s); {} deliveries, {} missing; latency p50 {p50:.1} p95 {p95:.1} p99 {p99:.1} max {max:.1} ms; {:.0} msg/s; trigger p50 {:.1} p99 {:.1} ms",
            range.len(),
            f.send_span,
            f.send_rate,
            f.delivered,
            f.missing,
            f.per_second,
            ms(phase.trigger.quantile(0.50)),
            ms(phase.trigger.quantile(0.99)),
        );
        // CPU per delivery does not depend on what else the machine is doing, as
        // throughput and latency do.
        let server_cpu = cpu_between(run.start.server_cpu, run.end.server_cpu);
        let per_delivery = server_cpu
            .filter(|_| f.delivered > 0)
            .map_or("?".into(), |s| {
                format!("{:.1}", s * 1e6 / f.delivered as f64)
            });
        println!(
            "     CPU: server {}, clients {} in {:.1} s; server {per_delivery} µs per delivery",
            seconds(server_cpu),
            seconds(cpu_between(run.start.tool_cpu, run.end.tool_cpu)),
            run.wall.as_secs_f64()
        );
        println!(
            "| {name} | {ready}/{} | {phase_name} ({pace}) | {} | {} | {p50:.1} | {p95:.1} | {p99:.1} | {max:.1} | {:.0} | {server_kib} |",
            o.asked,
            range.len(),
            f.missing,
            f.per_second,
        );
        println!(
            "RESULT name={name} phase={phase_name} sockets={ready} msgs_per_s={:.0} p99_ms={p99:.1} missing={} kib_per_socket={server_kib} server_us_per_msg={per_delivery}",
            f.per_second, f.missing,
        );
    }
    if let Some(bytes) = shared
        .frames
        .update_bytes
        .load(Relaxed)
        .checked_div(delivered)
    {
        println!("RESULT name={name} update_frame_bytes={bytes}");
    }
}
