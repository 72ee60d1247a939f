//! Events per second from mod_event_socket to `event plain ALL` subscribers while loopback
//! calls run, and the delay from an event's firing to its receipt.
//!
//! Each phase starts a fresh release switch with mod_event_socket on a free loopback port,
//! connects its subscribers (plain `TcpStream`s, see [`event_subscriber`]), then keeps
//! loopback calls flowing through the console (`bgapi originate ... &hangup()`, at most
//! `in_flight` calls at once). After a warm-up it counts, over a fixed window, the events and
//! bytes each subscriber received, the events the switch fired (from the `Event-Sequence` of
//! sampled events: fired minus received is what the socket dropped) and the calls completed.
//! Latency is receipt time minus `Event-Date-Timestamp`, over every 16th event in the window.
//!
//! Phases: one subscriber and ten subscribers under full call load (throughput), then one
//! subscriber under a light load (the delay the socket adds when nothing queues).

use std::net::{TcpListener, TcpStream};
use std::sync::atomic::Ordering;
use std::sync::mpsc::channel;
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use crate::error::Error;
use crate::workspace::{Profile, Workspace};

use super::event_subscriber::{self, Flags, Tally};
use super::switch_process::{bench_error, SwitchProcess};

const MODULES: &[&str] = &[
    "mod_commands",
    "mod_dptools",
    "mod_loopback",
    "mod_event_socket",
];
const PASSWORD: &str = "ClueCon";
const CALL: &str = "bgapi originate loopback/^^;answer;park/default/inline &hangup()";
const WARM_UP: Duration = Duration::from_secs(2);
const WINDOW: Duration = Duration::from_secs(10);
const BATCH: u64 = 50;

/// One measured configuration.
struct Phase {
    subscribers: usize,
    /// Calls kept up at once.
    in_flight: u64,
    /// mod_event_socket's `queue-size`, when not its default.
    queue_size: Option<u32>,
    what: &'static str,
}

const PHASES: &[Phase] = &[
    Phase {
        subscribers: 1,
        in_flight: 1,
        queue_size: None,
        what: "full load",
    },
    Phase {
        subscribers: 10,
        in_flight: 400,
        queue_size: None,
        what: "full load",
    },
    Phase {
        subscribers: 1,
        in_flight: 4,
        queue_size: None,
        what: "light load",
    },
];

pub fn run(workspace: &Workspace) -> Result<(), Error> {
    let binary = workspace.ferroswitch(Profile::Release);
    for phase in PHASES {
        let port = free_port()?;
        let queue_size = phase.queue_size.map_or(String::new(), |size| {
            format!(r#"<param name="queue-size" value="{size}"/>"#)
        });
        let config = format!(
            r#"<configuration name="event_socket.conf"><settings><param name="listen-ip" value="127.0.0.1"/><param name="listen-port" value="{port}"/><param name="password" value="{PASSWORD}"/>{queue_size}</settings></configuration>"#
        );
        let mut switch = SwitchProcess::start_with_configs(
            &binary,
            MODULES,
            &[
                ("max-sessions", "100000"),
                ("sessions-per-second", "0"),
                ("loglevel", "err"),
            ],
            &[("event_socket.conf.xml", config)],
        )?;
        wait_listening(port)?;
        let measured = measure(&mut switch, port, phase)?;
        measured.print(phase);
    }
    Ok(())
}

/// What one phase measured over its window.
struct Measured {
    window: Duration,
    /// Per subscriber: (events, bytes) received in the window.
    received: Vec<(u64, u64)>,
    /// Events fired in the window, from `Event-Sequence`.
    fired: u64,
    calls: u64,
    latencies_us: Vec<u64>,
    /// Subscribers the switch dropped (their queue filled).
    dropped: usize,
}

impl Measured {
    fn print(&self, phase: &Phase) {
        let seconds = self.window.as_secs_f64();
        let per_second = |count: u64| count as f64 / seconds;
        let events: Vec<u64> = self.received.iter().map(|(events, _)| *events).collect();
        let total_events: u64 = events.iter().sum();
        let total_bytes: u64 = self.received.iter().map(|(_, bytes)| *bytes).sum();
        let slowest = events.iter().copied().min().unwrap_or(0);
        let subscribers = self.received.len() as u64;
        println!(
            "event socket, {} `event plain ALL` subscriber(s), {} ({} calls in flight), {:.0} s window:",
            phase.subscribers, phase.what, phase.in_flight, seconds
        );
        println!(
            "  calls: {:.0}/s; events fired: {:.0}/s",
            per_second(self.calls),
            per_second(self.fired)
        );
        println!(
            "  delivered: {:.0} events/s per subscriber (slowest {:.0}/s), {:.0} events/s and {:.1} MB/s in all",
            per_second(total_events / subscribers.max(1)),
            per_second(slowest),
            per_second(total_events),
            per_second(total_bytes) / 1e6
        );
        if self.dropped > 0 {
            println!(
                "  DROPPED: the switch closed {} of {} subscriber(s) during the run (a full queue)",
                self.dropped, subscribers
            );
        }
        let expected = self.fired * subscribers;
        if expected > 0 {
            println!(
                "  not delivered: {:.2}% of fired events x subscribers (dropped, or still queued at the window's end)",
                100.0 * expected.saturating_sub(total_events) as f64 / expected as f64
            );
        }
        let mut latencies = self.latencies_us.clone();
        latencies.sort_unstable();
        let quantile = |q: f64| {
            latencies
                .get(((latencies.len() as f64 - 1.0) * q).round() as usize)
                .map_or(f64::NAN, |&us| us as f64 / 1000.0)
        };
        println!(
            "  fired-to-received latency: p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms ({} samples)",
            quantile(0.5),
            quantile(0.9),
            quantile(0.99),
            quantile(1.0),
            latencies.len()
        );
    }
}

struct Subscriber {
    tally: Arc<Tally>,
    thread: JoinHandle<Result<Vec<u64>, String>>,
}

/// A snapshot of every subscriber's counters and of the switch's session count.
#[derive(Clone)]
struct Snapshot {
    at: Instant,
    received: Vec<(u64, u64)>,
    last_sequence: u64,
    sessions_done: u64,
}

fn measure(switch: &mut SwitchProcess, port: u16, phase: &Phase) -> Result<Measured, Error> {
    let flags = Arc::new(Flags::default());
    let subscribers = start_subscribers(port, phase.subscribers, &flags)?;
    let outcome = drive_calls(switch, &subscribers, &flags, phase.in_flight);
    flags.measuring.store(false, Ordering::Relaxed);
    flags.stop.store(true, Ordering::Relaxed);
    let mut latencies_us = Vec::new();
    let mut failures = Vec::new();
    let dropped = subscribers
        .iter()
        .filter(|subscriber| subscriber.tally.closed.load(Ordering::Relaxed))
        .count();
    for subscriber in subscribers {
        match subscriber.thread.join() {
            Ok(Ok(samples)) => latencies_us.extend(samples),
            Ok(Err(error)) => failures.push(error),
            Err(_) => failures.push("a subscriber thread panicked".to_owned()),
        }
    }
    let (first, last) = outcome?;
    if let Some(failure) = failures.first() {
        return Err(bench_error(format!("subscriber: {failure}")));
    }
    Ok(Measured {
        window: last.at - first.at,
        received: first
            .received
            .iter()
            .zip(&last.received)
            .map(|(before, after)| (after.0 - before.0, after.1 - before.1))
            .collect(),
        fired: last.last_sequence.saturating_sub(first.last_sequence),
        calls: (last.sessions_done - first.sessions_done) / 2,
        latencies_us,
        dropped,
    })
}

/// Connects `count` subscribers, each counting on its own thread once subscribed.
fn start_subscribers(
    port: u16,
    count: usize,
    flags: &Arc<Flags>,
) -> Result<Vec<Subscriber>, Error> {
    let (ready, subscribed) = channel();
    let subscribers: Vec<Subscriber> = (0..count)
        .map(|_| {
            let tally = Arc::new(Tally::default());
            let (tally_for_thread, flags) = (Arc::clone(&tally), Arc::clone(flags));
            let ready = ready.clone();
            let thread = thread::spawn(move || {
                let connected = event_subscriber::connect(port, PASSWORD);
                let _ = ready.send(connected.as_ref().map(|_| ()).map_err(Clone::clone));
                let (stream, counter) = connected?;
                event_subscriber::count(stream, counter, &tally_for_thread, &flags)
            });
            Subscriber { tally, thread }
        })
        .collect();
    for _ in 0..count {
        let outcome = subscribed
            .recv_timeout(Duration::from_secs(20))
            .map_err(|_| bench_error("a subscriber did not connect in 20 s".to_owned()))?;
        if let Err(error) = outcome {
            flags.stop.store(true, Ordering::Relaxed);
            return Err(bench_error(format!("subscribing: {error}")));
        }
    }
    Ok(subscribers)
}

/// Keeps `in_flight` calls going for the warm-up and the window; snapshots at both ends of the
/// window.
fn drive_calls(
    switch: &mut SwitchProcess,
    subscribers: &[Subscriber],
    flags: &Flags,
    in_flight: u64,
) -> Result<(Snapshot, Snapshot), Error> {
    let (created_before, _) = switch.session_counts()?;
    let started = Instant::now();
    let deadline = started + WARM_UP + WINDOW + Duration::from_secs(60);
    let mut sent = 0u64;
    let mut first = None;
    loop {
        let (created, alive) = switch.session_counts()?;
        let done = created.saturating_sub(created_before + alive);
        let now = Instant::now();
        if first.is_none() && now >= started + WARM_UP {
            first = Some(snapshot(subscribers, done, now));
            flags.measuring.store(true, Ordering::Relaxed);
        }
        if let Some(first) = &first {
            if now >= first.at + WINDOW {
                let last = snapshot(subscribers, done, now);
                return Ok((first.clone(), last));
            }
        }
        if now > deadline {
            return Err(bench_error(
                "the measurement window never closed".to_owned(),
            ));
        }
        if sent.saturating_sub(done / 2) < in_flight {
            for _ in 0..BATCH.min(in_flight) {
                switch.send(CALL)?;
                sent += 1;
            }
        } else {
            thread::sleep(Duration::from_millis(1));
        }
    }
}

fn snapshot(subscribers: &[Subscriber], sessions_done: u64, at: Instant) -> Snapshot {
    Snapshot {
        at,
        received: subscribers
            .iter()
            .map(|subscriber| {
                (
                    subscriber.tally.events.load(Ordering::Relaxed),
                    subscriber.tally.bytes.load(Ordering::Relaxed),
                )
            })
            .collect(),
        last_sequence: subscribers
            .iter()
            .map(|subscriber| subscriber.tally.last_sequence.load(Ordering::Relaxed))
            .max()
            .unwrap_or(0),
        sessions_done,
    }
}

fn free_port() -> Result<u16, Error> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .map_err(|error| bench_error(format!("finding a free port: {error}")))
}

fn wait_listening(port: u16) -> Result<(), Error> {
    let deadline = Instant::now() + Duration::from_secs(20);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        if Instant::now() > deadline {
            return Err(bench_error(format!(
                "mod_event_socket did not listen on 127.0.0.1:{port} within 20 s"
            )));
        }
        thread::sleep(Duration::from_millis(50));
    }
    Ok(())
}
