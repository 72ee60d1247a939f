//! Concurrent SIP calls with RTP both ways through the switch: a sipp caller sets up N calls
//! to `bridge` (100 calls/s), each streaming PCMA at 50 packets/s for a 30 s hold; the sipp
//! callee echoes every packet back, so each call carries 50 packets/s each way on both legs.
//! Over the window where all N calls are up, the switch's CPU (and sipp's: it shares the two
//! cores) and resident memory; after hangup, delivery from the legs' own counters
//! (CHANNEL_HANGUP_COMPLETE's `rtp_audio_in/out_packet_count`): packets the switch sent on
//! towards a peer / packets it received from the other one.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::error::Error;
use crate::workspace::{Profile, Workspace};

use super::alaw_tone::AlawTone;
use super::hangup_counters::{HangupCounters, Totals};
use super::process_usage::{self, load_average};
use super::sip_switch::{SipSwitch, EVENT_SOCKET_PASSWORD};
use super::sipp::{caller_scenario, free_udp_port, CallerMedia, Sipp, UAS_PCMA};

const CALLS: &[u64] = &[200, 500, 1_000];
const SETUP_RATE: u64 = 100;
const HOLD: Duration = Duration::from_secs(30);
const PACKETS_PER_SECOND: u64 = 50;
/// The aim at 1,000 calls.
const DELIVERY_AIM: f64 = 0.99;

pub fn run(workspace: &Workspace) -> Result<(), Error> {
    let binary = workspace.ferroswitch(Profile::Release);
    let tone = AlawTone::write("sip-media", 10)?;
    CALLS
        .iter()
        .try_for_each(|&calls| step(&binary, tone.path(), calls))
}

/// One fresh switch carrying `calls` calls.
fn step(binary: &Path, tone: &Path, calls: u64) -> Result<(), Error> {
    let callee_port = free_udp_port()?;
    let mut switch = SipSwitch::start(binary, callee_port)?;
    let counters = HangupCounters::subscribe(switch.event_socket_port, EVENT_SOCKET_PASSWORD)?;
    let ramp = Duration::from_secs(calls / SETUP_RATE);
    let timeout = ramp + HOLD + Duration::from_secs(60);
    let callee_args = [
        "-p".to_owned(),
        callee_port.to_string(),
        "-mp".into(),
        free_udp_port()?.to_string(),
        "-m".into(),
        calls.to_string(),
        "-rtp_echo".into(),
    ];
    let callee = Sipp::spawn(UAS_PCMA, &callee_args, timeout + Duration::from_secs(10))?;
    let caller_args = [
        format!("127.0.0.1:{}", switch.sip_port),
        "-p".into(),
        free_udp_port()?.to_string(),
        // The RTP stream ports are taken upwards from here, two per call.
        "-mp".into(),
        "50000".into(),
        "-s".into(),
        "bridge".into(),
        "-r".into(),
        SETUP_RATE.to_string(),
        "-m".into(),
        calls.to_string(),
        "-l".into(),
        calls.to_string(),
        "-d".into(),
        HOLD.as_millis().to_string(),
    ];
    let started = Instant::now();
    let caller = Sipp::spawn(
        &caller_scenario(CallerMedia::Stream, tone),
        &caller_args,
        timeout,
    )?;

    // All calls are up a little after the ramp; the first hangs up at HOLD after its answer.
    std::thread::sleep(ramp + Duration::from_secs(3));
    let (_, legs_up) = switch.process.session_counts()?;
    let pids = [switch.process.pid(), caller.pid(), callee.pid()];
    let cpu_before = pids.map(|pid| process_usage::cpu_seconds(pid).unwrap_or(0.0));
    let window_start = Instant::now();
    let window_end = started + HOLD - Duration::from_secs(1);
    std::thread::sleep(window_end.saturating_duration_since(window_start));
    let window = window_start.elapsed().as_secs_f64();
    let cpu_after = pids.map(|pid| process_usage::cpu_seconds(pid).unwrap_or(0.0));
    let resident = switch.process.resident_kib()?;
    let load = load_average();
    let cpu = |index: usize| (cpu_after[index] - cpu_before[index]) / window * 100.0;

    let caller = caller.finish(timeout + Duration::from_secs(10))?;
    let callee = callee.finish(Duration::from_secs(10))?;
    let totals = wait_for_hangups(&counters, calls * 2)?;
    println!(
        "sip media concurrency: {calls} calls ({legs_up} legs up in the window of {window:.0} s): CPU switch {:.0}%, sipp caller {:.0}%, sipp callee {:.0}%; switch resident {} KiB; load {load}",
        cpu(0),
        cpu(1),
        cpu(2),
        resident
    );
    print_delivery(calls, &totals);
    println!(
        "  sipp: caller {} ok / {} failed, callee {} ok / {} failed",
        caller.successful, caller.failed, callee.successful, callee.failed
    );
    if !caller.errors.is_empty() {
        println!("  sipp caller errors (tail):\n{}", caller.errors);
    }
    Ok(())
}

fn print_delivery(calls: u64, totals: &Totals) {
    let ratio = |delivered: u64, offered: u64| delivered as f64 / offered.max(1) as f64;
    let (a, b) = (totals.inbound, totals.outbound);
    let forward = ratio(b.sent, a.received);
    let back = ratio(a.sent, b.received);
    let overall = ratio(a.sent + b.sent, a.received + b.received);
    let expected = calls * HOLD.as_secs() * PACKETS_PER_SECOND;
    println!(
        "  delivery: caller→callee {} of {} ({:.2}%), callee→caller {} of {} ({:.2}%), overall {:.2}% ({}); caller sent ~{expected} expected, switch received {} ({:.1}%); echo returned {:.2}% of what the switch sent the callee; {} + {} legs reported",
        b.sent,
        a.received,
        forward * 100.0,
        a.sent,
        b.received,
        back * 100.0,
        overall * 100.0,
        if overall >= DELIVERY_AIM { "meets the 99% aim" } else { "below the 99% aim" },
        a.received,
        ratio(a.received, expected) * 100.0,
        ratio(b.received, b.sent) * 100.0,
        a.legs,
        b.legs
    );
}

/// Waits (bounded) until `legs` legs reported their counters.
fn wait_for_hangups(counters: &HangupCounters, legs: u64) -> Result<Totals, Error> {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let totals = counters.totals();
        if totals.inbound.legs + totals.outbound.legs >= legs {
            return Ok(totals);
        }
        if Instant::now() > deadline {
            // Report what arrived: a partial figure still says something.
            println!(
                "  only {} of {legs} legs reported their RTP counters in time",
                totals.inbound.legs + totals.outbound.legs
            );
            return Ok(totals);
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}
