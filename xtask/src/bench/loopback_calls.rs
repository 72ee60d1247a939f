//! Loopback call setups per second, and resident memory per parked call.
//!
//! Setups (after 2,000 untimed ones): `bgapi originate loopback/...` lines, kept at most `WINDOW` calls in flight; each
//! call creates an A and a B leg, routes B through the inline dialplan, answers it (which
//! answers A), hangs A up and so B, and destroys both. The rate is calls completed (both legs
//! destroyed) per second of wall time, as `status` counts them.
//!
//! Memory: parks calls (both legs answered and parked) and reads the process's VmRSS before
//! and after: (after − before) / calls.

use std::time::{Duration, Instant};

use crate::error::Error;
use crate::workspace::{Profile, Workspace};

use super::switch_process::{bench_error, SwitchProcess};

const MODULES: &[&str] = &["mod_commands", "mod_dptools", "mod_loopback"];
const SETUP_CALLS: u64 = 20_000;
const WARM_UP_CALLS: u64 = 2_000;
const WINDOW: u64 = 400;
const BATCH: u64 = 100;
const ANSWER_THEN_HANGUP: &str = "bgapi originate loopback/^^;answer;park/default/inline &hangup()";
const ANSWER_THEN_PARK: &str = "bgapi originate loopback/^^;answer;park/default/inline &park()";

pub fn run(workspace: &Workspace) -> Result<(), Error> {
    let binary = workspace.ferroswitch(Profile::Release);
    let params = [
        ("max-sessions", "100000"),
        ("sessions-per-second", "0"),
        ("loglevel", "err"),
    ];

    let mut switch = SwitchProcess::start(&binary, MODULES, &params)?;
    // Untimed: lets the session thread pool grow to the load, so the timed run measures the
    // steady state rather than the first thread creations.
    setups(&mut switch, WARM_UP_CALLS)?;
    let (calls, elapsed) = setups(&mut switch, SETUP_CALLS)?;
    println!(
        "loopback call setups: {calls} calls ({} legs) in {:.2} s = {:.0} calls/s ({:.0} legs/s)",
        calls * 2,
        elapsed.as_secs_f64(),
        calls as f64 / elapsed.as_secs_f64(),
        (calls * 2) as f64 / elapsed.as_secs_f64()
    );
    drop(switch);

    let mut switch = SwitchProcess::start(&binary, MODULES, &params)?;
    let base = switch.resident_kib()?;
    let mut parked = 0;
    for target in [1_000u64, 5_000] {
        park(&mut switch, target - parked)?;
        parked = target;
        let rss = switch.resident_kib()?;
        println!(
            "parked calls: {parked}: resident {rss} KiB (base {base} KiB) = {:.1} KiB per call ({:.1} KiB per leg)",
            (rss - base) as f64 / parked as f64,
            (rss - base) as f64 / (parked * 2) as f64
        );
    }
    Ok(())
}

/// Places `calls` answered-then-hung-up calls; the number completed and the time taken.
fn setups(switch: &mut SwitchProcess, calls: u64) -> Result<(u64, Duration), Error> {
    let (created_before, _) = switch.session_counts()?;
    let started = Instant::now();
    let deadline = started + Duration::from_secs(300);
    let mut sent = 0;
    loop {
        let (created, alive) = switch.session_counts()?;
        let done_legs = created - created_before - alive;
        if sent == calls && alive == 0 && created - created_before >= calls * 2 {
            return Ok((done_legs / 2, started.elapsed()));
        }
        if Instant::now() > deadline {
            return Err(bench_error(format!(
                "setups did not finish in time: {sent} sent, {done_legs} legs done, {alive} alive"
            )));
        }
        let in_flight = sent - (created - created_before - alive) / 2;
        if sent < calls && in_flight < WINDOW {
            for _ in 0..BATCH.min(calls - sent) {
                switch.send(ANSWER_THEN_HANGUP)?;
                sent += 1;
            }
        } else {
            std::thread::sleep(Duration::from_millis(1));
        }
    }
}

/// Parks `calls` more calls and waits until all their legs are up.
fn park(switch: &mut SwitchProcess, calls: u64) -> Result<(), Error> {
    let (_, alive_before) = switch.session_counts()?;
    for sent in 0..calls {
        switch.send(ANSWER_THEN_PARK)?;
        if sent % 500 == 499 {
            // Let the switch keep up rather than queueing thousands of job threads at once.
            let target = alive_before + (sent + 1) * 2;
            wait_for_alive(switch, target)?;
        }
    }
    wait_for_alive(switch, alive_before + calls * 2)
}

fn wait_for_alive(switch: &mut SwitchProcess, target: u64) -> Result<(), Error> {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let (_, alive) = switch.session_counts()?;
        if alive >= target {
            return Ok(());
        }
        if Instant::now() > deadline {
            return Err(bench_error(format!(
                "only {alive} of {target} legs came up"
            )));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}
