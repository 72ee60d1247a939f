//! SIP calls per second through the switch with zero failed calls: a sipp caller calls
//! `bridge`, the switch bridges to a sipp callee (`sofia/bench/uas@...`), each call INVITE /
//! 200 / ACK, a 1 s hold, BYE. The rate steps up ([`RATES`]), [`STEP`] worth of calls per step,
//! until a step has a failed call (sipp's exit status, its statistics' FailedCall count);
//! the figure is the last clean step. Twice: signalling only, then with media anchored (the
//! caller streams an A-law tone at 50 packets/s, the callee echoes it, PCMA on both legs).
//!
//! The caller streams with `rtp_stream`, not `play_pcap_audio`: sipp plays a capture through a
//! raw socket per call, and while raw sockets are open the kernel offers every UDP packet on
//! the machine, the switch's included, to each of them. At 300 calls/s that walk was 14% of
//! the switch's CPU, a cost no real phone puts on a switch.
//!
//! sipp runs on the same two cores as the switch; its own CPU is printed next to the switch's
//! because at high rates it is part of what limits the figure.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::error::Error;
use crate::workspace::{Profile, Workspace};

use super::alaw_tone::AlawTone;
use super::process_usage::load_average;
use super::sip_switch::SipSwitch;
use super::sipp::{caller_scenario, free_udp_port, CallerMedia, Sipp, SippOutcome, UAS_PCMA};
use super::switch_process::bench_error;

/// Finer around the aims (500 with media, 1,500 without) than far from them.
const RATES: &[u64] = &[
    50, 100, 200, 300, 400, 500, 600, 800, 1_000, 1_200, 1_500, 2_000, 2_500, 3_000, 4_000,
];
/// Calls per step: this long at the step's rate.
const STEP: Duration = Duration::from_secs(10);
const HOLD: Duration = Duration::from_secs(1);
/// The share of a step's target rate that must be achieved for the step to count.
const MIN_RATE_KEPT: f64 = 0.9;

pub fn run(workspace: &Workspace) -> Result<(), Error> {
    let binary = workspace.ferroswitch(Profile::Release);
    let tone = AlawTone::write("sip-calls", 10)?;
    for media in [CallerMedia::None, CallerMedia::Stream] {
        ramp(&binary, media, tone.path())?;
    }
    Ok(())
}

fn ramp(binary: &Path, media: CallerMedia, tone: &Path) -> Result<(), Error> {
    let label = match media {
        CallerMedia::None => "signalling only",
        _ => "media anchored (PCMA both legs, RTP both ways)",
    };
    let callee_port = free_udp_port()?;
    let mut switch = SipSwitch::start(binary, callee_port)?;
    let mut best = None;
    for &rate in RATES {
        let step = step(&mut switch, callee_port, media, tone, rate)?;
        println!(
            "sip calls ({label}): target {rate}/s, {} calls: {} ok, {} failed (caller exit {}, callee {} failed) in {:.1} s = {:.0} calls/s; CPU: switch {:.0}%, sipp caller {:.0}%, sipp callee {:.0}%; load {}",
            step.calls,
            step.caller.successful,
            step.caller.failed,
            exit_text(&step.caller),
            step.callee.failed,
            step.caller.elapsed.as_secs_f64(),
            step.achieved,
            step.switch_cpu,
            step.caller_cpu,
            step.callee_cpu,
            load_average()
        );
        if step.callee.failed > 0 && !step.callee.errors.is_empty() {
            println!("  sipp callee errors (tail):\n{}", step.callee.errors);
        }
        // A clean step: every call succeeded end to end, the callee saw no failure (a
        // retransmission means the switch answered late), and the rate was kept (sipp stretches
        // a step when calls take too long to complete).
        let kept_rate = step.achieved >= rate as f64 * MIN_RATE_KEPT;
        if !step.caller.clean()
            || step.caller.successful < step.calls
            || step.callee.failed > 0
            || !kept_rate
        {
            if !step.caller.errors.is_empty() {
                println!("  sipp caller errors (tail):\n{}", step.caller.errors);
            }
            break;
        }
        best = Some((rate, step.achieved));
        // Calls the switch never ended are a failure of the step that left them: report the
        // ramp so far rather than losing it.
        if let Err(error) = wait_until_idle(&mut switch) {
            println!("sip calls ({label}): after the {rate}/s step: {error}");
            break;
        }
    }
    match best {
        Some((rate, achieved)) => println!(
            "sip calls ({label}): highest clean step {rate} calls/s target ({achieved:.0} calls/s achieved), 0 failed calls, no callee failures"
        ),
        None => println!("sip calls ({label}): even {} calls/s had failures", RATES[0]),
    }
    Ok(())
}

struct Step {
    calls: u64,
    caller: SippOutcome,
    callee: SippOutcome,
    /// Successful calls per second of the time the caller spent placing them.
    achieved: f64,
    switch_cpu: f64,
    caller_cpu: f64,
    callee_cpu: f64,
}

fn step(
    switch: &mut SipSwitch,
    callee_port: u16,
    media: CallerMedia,
    tone: &Path,
    rate: u64,
) -> Result<Step, Error> {
    let calls = rate * STEP.as_secs();
    let timeout = STEP + HOLD + Duration::from_secs(30);
    let mut callee_args = vec![
        "-p".to_owned(),
        callee_port.to_string(),
        "-mp".into(),
        free_udp_port()?.to_string(),
        "-m".into(),
        calls.to_string(),
    ];
    if media != CallerMedia::None {
        callee_args.push("-rtp_echo".into());
    }
    let callee = Sipp::spawn(UAS_PCMA, &callee_args, timeout + Duration::from_secs(10))?;
    let caller_args = vec![
        format!("127.0.0.1:{}", switch.sip_port),
        "-p".into(),
        free_udp_port()?.to_string(),
        "-mp".into(),
        free_udp_port()?.to_string(),
        "-s".into(),
        "bridge".into(),
        "-r".into(),
        rate.to_string(),
        "-rp".into(),
        "1000".into(),
        "-m".into(),
        calls.to_string(),
        // Enough room for every call of a 1 s hold plus set-up, so sipp never throttles.
        "-l".into(),
        (rate * 4 + 100).to_string(),
        "-d".into(),
        HOLD.as_millis().to_string(),
    ];
    let switch_cpu_before = switch.process.cpu_seconds()?;
    let scenario = caller_scenario(media, tone);
    let caller = Sipp::spawn(&scenario, &caller_args, timeout)?;
    let started = Instant::now();
    let caller = caller.finish(timeout + Duration::from_secs(10))?;
    let switch_cpu = switch.process.cpu_seconds()? - switch_cpu_before;
    let wall = started.elapsed().as_secs_f64();
    // The callee's last BYE arrives just after the caller's 200: a moment to see it.
    let callee = callee.finish(Duration::from_secs(5))?;
    let placing = (caller.elapsed.saturating_sub(HOLD))
        .as_secs_f64()
        .max(0.001);
    Ok(Step {
        calls,
        achieved: caller.successful as f64 / placing,
        switch_cpu: switch_cpu / wall * 100.0,
        caller_cpu: caller.cpu_seconds / wall * 100.0,
        callee_cpu: callee.cpu_seconds / wall * 100.0,
        caller,
        callee,
    })
}

fn exit_text(outcome: &SippOutcome) -> String {
    match outcome.status.and_then(|status| status.code()) {
        Some(code) => code.to_string(),
        None => "none (killed)".into(),
    }
}

/// Waits until the previous step's calls are all gone, so one step's stragglers do not count
/// against the next.
fn wait_until_idle(switch: &mut SipSwitch) -> Result<(), Error> {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let (_, alive) = switch.process.session_counts()?;
        if alive == 0 {
            return Ok(());
        }
        if Instant::now() > deadline {
            return Err(bench_error(format!(
                "{alive} sessions still up 30 s after the step ended"
            )));
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}
