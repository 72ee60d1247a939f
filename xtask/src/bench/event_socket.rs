//! Events per second from mod_event_socket to `event plain ALL` subscribers while loopback
//! calls run, and the delay from an event's firing to its receipt.
//!
//! For one subscriber, then for ten, a fresh release switch is started with mod_event_socket
//! on a free loopback port (default queue size), the subscribers connect (plain `TcpStream`s,
//! see [`event_subscriber`]), and loopback calls (`bgapi originate ... &hangup()` at the
//! console) are paced at a rising rate. Each step warms up for `STEP_WARM_UP`, then counts over
//! `STEP_WINDOW`: calls completed, events fired (the advance of `Event-Sequence`), events and
//! bytes each subscriber received, and the delay from `Event-Date-Timestamp` to receipt of
//! every 16th event. The ramp stops at the first step where the switch drops a subscriber (its
//! queue filled), the subscribers fall behind, or the switch cannot place calls any faster;
//! the last step where every subscriber kept up is the sustained rate.

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
const SUBSCRIBER_COUNTS: &[usize] = &[1, 10];
/// Calls per second, step by step.
const RATES: &[u64] = &[100, 250, 500, 1_000, 2_000, 4_000, 6_000, 8_000];
const STEP_WARM_UP: Duration = Duration::from_secs(1);
const STEP_WINDOW: Duration = Duration::from_secs(4);
/// Beyond this many calls up at once the pacing waits: the switch is not keeping up.
const MAX_IN_FLIGHT: u64 = 2_000;
/// A subscriber that receives less than this share of the events fired has fallen behind.
const KEPT_UP: f64 = 0.95;

pub fn run(workspace: &Workspace) -> Result<(), Error> {
    let binary = workspace.ferroswitch(Profile::Release);
    for &count in SUBSCRIBER_COUNTS {
        let port = free_port()?;
        let config = format!(
            r#"<configuration name="event_socket.conf"><settings><param name="listen-ip" value="127.0.0.1"/><param name="listen-port" value="{port}"/><param name="password" value="{PASSWORD}"/></settings></configuration>"#
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
        let flags = Arc::new(Flags::default());
        let subscribers = start_subscribers(port, count, &flags)?;
        let ramp = ramp(&mut switch, &subscribers, &flags);
        flags.stop.store(true, Ordering::Relaxed);
        let mut failure = None;
        for subscriber in subscribers {
            match subscriber.thread.join() {
                Ok(Ok(())) => {}
                Ok(Err(error)) => failure = Some(error),
                Err(_) => failure = Some("a subscriber thread panicked".to_owned()),
            }
        }
        ramp?;
        if let Some(error) = failure {
            return Err(bench_error(format!("subscriber: {error}")));
        }
    }
    Ok(())
}

/// Runs the steps for one set of subscribers and prints a row per step, then the verdict.
fn ramp(
    switch: &mut SwitchProcess,
    subscribers: &[Subscriber],
    flags: &Flags,
) -> Result<(), Error> {
    println!(
        "event socket, {} `event plain ALL` subscriber(s), loopback calls paced at rising rates ({:.0} s per step):",
        subscribers.len(),
        STEP_WINDOW.as_secs_f64()
    );
    println!(
        "  {:>8} {:>9} {:>11} {:>12} {:>10}  fired-to-received latency p50 / p99 / max",
        "calls/s", "placed/s", "events/s", "each gets/s", "MB/s, all"
    );
    let mut sustained: Option<Step> = None;
    for &rate in RATES {
        let step = step(switch, subscribers, flags, rate)?;
        step.print_row();
        let verdict = if step.dropped > 0 {
            Some(format!(
                "stopped: the switch dropped {} subscriber(s), whose queue filled",
                step.dropped
            ))
        } else if (step.slowest as f64) < KEPT_UP * step.fired as f64 {
            Some("stopped: the subscribers fell behind the events fired".to_owned())
        } else {
            None
        };
        if let Some(verdict) = verdict {
            println!("  {verdict}");
            break;
        }
        let saturated = (step.calls as f64) < 0.8 * step.rate as f64 * step.seconds();
        sustained = Some(step);
        if saturated {
            println!("  stopped: the switch places no more calls than this");
            break;
        }
    }
    match sustained {
        Some(step) => println!(
            "  sustained: {:.0} events/s to each of {} subscriber(s) ({:.1} MB/s each), with {:.0} calls/s",
            step.per_second(step.slowest),
            subscribers.len(),
            step.per_second(step.bytes / subscribers.len() as u64) / 1e6,
            step.per_second(step.calls)
        ),
        None => println!("  sustained: none of the steps"),
    }
    Ok(())
}

/// What one step measured over its window.
struct Step {
    rate: u64,
    window: Duration,
    calls: u64,
    /// Events fired, from `Event-Sequence`.
    fired: u64,
    /// Events received by the subscriber that received fewest.
    slowest: u64,
    /// Bytes received by all subscribers.
    bytes: u64,
    dropped: usize,
    latencies_us: Vec<u64>,
}

impl Step {
    fn seconds(&self) -> f64 {
        self.window.as_secs_f64()
    }

    fn per_second(&self, count: u64) -> f64 {
        count as f64 / self.seconds()
    }

    fn print_row(&self) {
        let mut latencies = self.latencies_us.clone();
        latencies.sort_unstable();
        let quantile = |q: f64| {
            latencies
                .get(((latencies.len() as f64 - 1.0) * q).round() as usize)
                .map_or(f64::NAN, |&us| us as f64 / 1000.0)
        };
        println!(
            "  {:>8} {:>9.0} {:>11.0} {:>12.0} {:>10.1}  {:.2} / {:.2} / {:.2} ms ({} samples)",
            self.rate,
            self.per_second(self.calls),
            self.per_second(self.fired),
            self.per_second(self.slowest),
            self.per_second(self.bytes) / 1e6,
            quantile(0.5),
            quantile(0.99),
            quantile(1.0),
            latencies.len()
        );
    }
}

struct Subscriber {
    tally: Arc<Tally>,
    thread: JoinHandle<Result<(), String>>,
}

/// Every subscriber's counters and the switch's completed legs at one moment.
struct Snapshot {
    at: Instant,
    received: Vec<(u64, u64)>,
    last_sequence: u64,
    legs_done: u64,
}

impl Snapshot {
    fn take(subscribers: &[Subscriber], legs_done: u64) -> Snapshot {
        Snapshot {
            at: Instant::now(),
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
            legs_done,
        }
    }
}

/// Paces calls at `rate` per second through a warm-up and a window; measures the window.
fn step(
    switch: &mut SwitchProcess,
    subscribers: &[Subscriber],
    flags: &Flags,
    rate: u64,
) -> Result<Step, Error> {
    let mut pacer = Pacer::start(switch, rate)?;
    pacer.run_until(switch, Instant::now() + STEP_WARM_UP)?;
    for subscriber in subscribers {
        subscriber.tally.take_latencies();
    }
    let first = Snapshot::take(subscribers, pacer.legs_done(switch)?);
    flags.measuring.store(true, Ordering::Relaxed);
    pacer.run_until(switch, first.at + STEP_WINDOW)?;
    flags.measuring.store(false, Ordering::Relaxed);
    let last = Snapshot::take(subscribers, pacer.legs_done(switch)?);

    let received: Vec<(u64, u64)> = first
        .received
        .iter()
        .zip(&last.received)
        .map(|(before, after)| (after.0 - before.0, after.1 - before.1))
        .collect();
    Ok(Step {
        rate,
        window: last.at - first.at,
        calls: (last.legs_done - first.legs_done) / 2,
        fired: last.last_sequence.saturating_sub(first.last_sequence),
        slowest: received
            .iter()
            .map(|(events, _)| *events)
            .min()
            .unwrap_or(0),
        bytes: received.iter().map(|(_, bytes)| *bytes).sum(),
        dropped: subscribers
            .iter()
            .filter(|subscriber| subscriber.tally.closed.load(Ordering::Relaxed))
            .count(),
        latencies_us: subscribers
            .iter()
            .flat_map(|subscriber| subscriber.tally.take_latencies())
            .collect(),
    })
}

/// Sends calls at a steady rate, holding back while too many are up at once.
struct Pacer {
    rate: u64,
    started: Instant,
    sent: u64,
    created_before: u64,
}

impl Pacer {
    fn start(switch: &mut SwitchProcess, rate: u64) -> Result<Pacer, Error> {
        let (created_before, alive) = switch.session_counts()?;
        Ok(Pacer {
            rate,
            started: Instant::now(),
            // Calls still up from the previous step count as in flight.
            sent: alive / 2,
            created_before: created_before - alive,
        })
    }

    /// Legs created since the pacer started that are gone again.
    fn legs_done(&self, switch: &mut SwitchProcess) -> Result<u64, Error> {
        let (created, alive) = switch.session_counts()?;
        Ok(created.saturating_sub(self.created_before + alive))
    }

    fn run_until(&mut self, switch: &mut SwitchProcess, until: Instant) -> Result<(), Error> {
        let mut checked = Instant::now();
        let mut holding = false;
        while Instant::now() < until {
            if checked.elapsed() >= Duration::from_millis(100) {
                let done = self.legs_done(switch)? / 2;
                holding = self.sent.saturating_sub(done) > MAX_IN_FLIGHT;
                checked = Instant::now();
            }
            let due = (self.started.elapsed().as_secs_f64() * self.rate as f64) as u64;
            if !holding {
                while self.sent < due {
                    switch.send(CALL)?;
                    self.sent += 1;
                }
            }
            thread::sleep(Duration::from_millis(2));
        }
        Ok(())
    }
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
